"""Variables of the vpc_endpoints role (roles/vpc_endpoints/meta/argument_specs.yml) no other test sets, through
the privatelink.ecr.deploy playbook against moto_server with the AWS-semantics layer, state read back from EC2.
"""

import json

# moto is a fixture of tests/integration/conftest.py.
from tests.integration.test_playbooks import (
    ACCOUNTS,
    REGION,
    ec2_in,
    playbook_env,
    run,
    write_inventory,
)
from tests.integration.test_zones_and_hub_options import assumed_roles
from tests.support.ansible_cli import recap
from tests.support.seed import live_endpoints, seed_private_vpc

# Only the team's bucket: ECR's layer bucket (prod-REGION-starport-layer-bucket) is blocked.
TEAM_BUCKETS_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::team-artifacts/*"}]}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def services(ec2, vpc_id):
    prefix = "com.amazonaws.%s." % REGION
    return {e["ServiceName"][len(prefix):]: e for e in live_endpoints(ec2, vpc_id)}


def test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent(moto, tmp_path):  # noqa: F811
    ec2 = ec2_in(moto, ACCOUNTS[1])
    apps = seed_private_vpc(ec2, "apps")
    other = seed_private_vpc(ec2, "other", cidr="10.9.0.0/16")
    group = ec2.create_security_group(GroupName="own-https", Description="own", VpcId=other["vpc_id"])["GroupId"]
    role_vars = {
        "vpc_id": apps["vpc_id"],
        # The role's own variable wins over the host's vpc_id: the endpoints go to the other VPC.
        "vpc_endpoints_vpc_id": other["vpc_id"],
        "vpc_endpoints_services": ["ecr.api", "ecr.dkr", "s3"],
        "vpc_endpoints_extra_services": ["sts"],
        "vpc_endpoints_tags": {"Team": "containers"},
        "vpc_endpoints_private_dns_enabled": False,
        "vpc_endpoints_s3_endpoint_type": "interface",
        "vpc_endpoints_policy": ALLOW_ALL,
        "vpc_endpoints_security_group_ids": [group],
        "vpc_endpoints_ip_address_type": "ipv4",
        "vpc_endpoints_wait_timeout": 300,
    }
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[1], role_vars)])
    result = run("playbooks/deploy.yml", inventory, playbook_env())
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert live_endpoints(ec2, apps["vpc_id"]) == []
    found = services(ec2, other["vpc_id"])
    assert set(found) == {"ecr.api", "ecr.dkr", "s3", "sts"}
    for name, endpoint in found.items():
        assert endpoint["VpcEndpointType"] == "Interface", name
        assert endpoint["PrivateDnsEnabled"] is False, name
        assert [g["GroupId"] for g in endpoint["Groups"]] == [group], name
        assert endpoint["IpAddressType"] == "ipv4", name
        assert {t["Key"]: t["Value"] for t in endpoint["Tags"]}.get("Team") == "containers", name
    assert json.loads(found["ecr.api"]["PolicyDocument"]) == ALLOW_ALL

    # Purge: sts leaves the wanted list and its owned endpoint is deleted; the others are kept as they are.
    role_vars.update(vpc_endpoints_extra_services=[], vpc_endpoints_purge_services=True)
    write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[1], role_vars)])
    result = run("playbooks/deploy.yml", inventory, playbook_env())
    assert result.returncode == 0, result.stdout[-4000:]
    after = services(ec2, other["vpc_id"])
    assert set(after) == {"ecr.api", "ecr.dkr", "s3"}
    assert {n: e["VpcEndpointId"] for n, e in after.items()} == {
        n: found[n]["VpcEndpointId"] for n in ("ecr.api", "ecr.dkr", "s3")}

    # state absent through the role variable: the owned endpoints go, the own security group stays.
    role_vars.update(vpc_endpoints_state="absent")
    write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[1], role_vars)])
    result = run("playbooks/deploy.yml", inventory, playbook_env())
    assert result.returncode == 0, result.stdout[-4000:]
    assert recap(result.stdout)["target"]["failed"] == 0
    assert services(ec2, other["vpc_id"]) == {}
    assert ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["GroupId"] == group


def test_role_variables_name_the_vpc_the_external_id_and_allow_a_blocking_policy(moto, tmp_path):  # noqa: F811
    ec2 = ec2_in(moto, ACCOUNTS[2])
    apps = seed_private_vpc(ec2, "apps")
    other = seed_private_vpc(ec2, "other", cidr="10.9.0.0/16")
    role_vars = {
        "vpc_id": apps["vpc_id"],
        # The role's variable by name wins over the host's vpc_id (whose default it would otherwise take).
        "vpc_endpoints_vpc_id": "",
        "vpc_endpoints_vpc_name": "other",
        "aws_external_id": "role-options-ext-9",
        "vpc_endpoints_services": ["s3"],
        "vpc_endpoints_s3_policy": TEAM_BUCKETS_ONLY,
        "vpc_endpoints_allow_blocking_policy": True,
    }
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[2], role_vars)])
    result = run("playbooks/deploy.yml", inventory, playbook_env())
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert live_endpoints(ec2, apps["vpc_id"]) == []
    [endpoint] = live_endpoints(ec2, other["vpc_id"])
    # A policy that blocks ECR's layer bucket, applied because the role variable allows it.
    assert json.loads(endpoint["PolicyDocument"]) == TEAM_BUCKETS_ONLY
    # The collection's sessions (default name privatelink-ecr; the seed's own session has none) carry it.
    sessions = [r for r in assumed_roles(moto.url)
                if r["role_arn"].startswith("arn:aws:iam::%s:" % ACCOUNTS[2]) and r["session_name"] == "privatelink-ecr"]
    assert sessions and all(r["external_id"] == "role-options-ext-9" for r in sessions), sessions


def test_the_role_perimeter_variable_scopes_the_endpoint_policies_to_the_organization(moto, tmp_path):  # noqa: F811
    ec2 = ec2_in(moto, ACCOUNTS[0])
    apps = seed_private_vpc(ec2, "apps")
    org_id = "o-a1b2c3d4e5"
    role_vars = {"vpc_id": apps["vpc_id"], "vpc_endpoints_services": ["ecr.api", "s3"],
                 "vpc_endpoints_perimeter_org_id": org_id}
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[0], role_vars)])
    result = run("playbooks/deploy.yml", inventory, playbook_env())
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    found = services(ec2, apps["vpc_id"])
    assert set(found) == {"ecr.api", "s3"}
    for name, endpoint in found.items():
        conditions = [s.get("Condition") for s in json.loads(endpoint["PolicyDocument"])["Statement"]]
        # Every statement that names principals by organization names this one (aws:PrincipalOrgID).
        assert org_id in json.dumps(conditions), (name, conditions)
