"""Landing zones through the playbooks and the connection (issue 22): the host variable
``registry_account_ids`` reaches the deploy (through the role) and the audit; per-service endpoint
variables are honoured when no endpoint_url is set.
"""

import json

from tests.integration.moto_vpc import REGION, by_service, ec2_client, endpoint_args, read_endpoints, seed_private_vpc
from tests.integration.test_landing_zones_endpoints import REGISTRY, central_registry_policy
from tests.support.ansible_cli import aws_env, run_module, run_playbook
from tests.support.inventory import write_inventory

NOWHERE = "http://127.0.0.1:9"
POLICY = central_registry_policy(REGION)


def inventory(tmp_path, moto, vpc_id, **host):
    return write_inventory(tmp_path / "hosts.json", moto.url, REGION,
                           {"workloads": dict({"vpc_id": vpc_id, "vpc_endpoints_policy": POLICY}, **host)})


def test_registry_account_ids_host_variable_reaches_deploy_and_audit(moto, tmp_path):
    ec2 = ec2_client(moto.url)
    vpc = seed_private_vpc(ec2)
    env = aws_env(NOWHERE, REGION)

    blocked = run_playbook("playbooks/deploy.yml", env, inventory=inventory(tmp_path, moto, vpc.vpc_id))
    assert blocked.returncode != 0
    assert "would block image pulls" in blocked.stdout, blocked.stdout + blocked.stderr
    assert read_endpoints(ec2, vpc.vpc_id) == []

    hosts = inventory(tmp_path, moto, vpc.vpc_id, registry_account_ids=[REGISTRY])
    deployed = run_playbook("playbooks/deploy.yml", env, inventory=hosts)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    [dkr] = by_service(read_endpoints(ec2, vpc.vpc_id))["ecr.dkr"]
    assert json.loads(dkr["PolicyDocument"]) == POLICY

    moto.clear_requests()
    again = run_playbook("playbooks/deploy.yml", env, inventory=hosts)
    assert again.returncode == 0, again.stdout + again.stderr
    assert moto.mutating_requests() == {}

    report = tmp_path / "report"
    audited = run_playbook("playbooks/audit.yml", env, inventory=hosts,
                           extra_vars={"posture_report_dir": str(report)})
    assert audited.returncode == 0, audited.stdout + audited.stderr
    posture = json.loads((report / "posture.json").read_text())
    assert [f for f in posture["findings"] if f["id"] == "POLICY_BLOCKS_PULL"] == []

    # The same estate audited without the host variable: the VPC's own account is checked and blocked.
    other = tmp_path / "other"
    audited = run_playbook("playbooks/audit.yml", env, inventory=inventory(tmp_path, moto, vpc.vpc_id),
                           extra_vars={"posture_report_dir": str(other)})
    posture = json.loads((other / "posture.json").read_text())
    assert sorted(set(f["id"] for f in posture["findings"] if f["id"] == "POLICY_BLOCKS_PULL")) == [
        "POLICY_BLOCKS_PULL"], audited.stdout


def test_per_service_endpoint_variables_are_honoured_without_endpoint_url(moto):
    """AWS_ENDPOINT_URL leads nowhere; EC2, STS and Route 53 have their own variables: a run that creates
    endpoints (EC2), reads the caller's account (STS) and lists the VPC's zones (Route 53) converges."""
    ec2 = ec2_client(moto.url)
    vpc = seed_private_vpc(ec2)
    env = aws_env(NOWHERE, REGION, extra={"AWS_ENDPOINT_URL_EC2": moto.url, "AWS_ENDPOINT_URL_STS": moto.url,
                                          "AWS_ENDPOINT_URL_ROUTE_53": moto.url})
    moto.clear_requests()
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(vpc), env)
    assert rc == 0 and result["changed"] is True, output
    sent = moto.requests()
    assert sent.get("sts.GetCallerIdentity") == 1 and sent.get("route53.ListHostedZonesByVPC") == 1, sent
    assert sorted(by_service(read_endpoints(ec2, vpc.vpc_id))) == ["ecr.api", "ecr.dkr", "logs", "s3"]

    # Without them, the same run goes to AWS_ENDPOINT_URL and fails before any change.
    moto.clear_requests()
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(vpc, services=["sts"]),
                                    aws_env(NOWHERE, REGION))
    assert rc != 0 and "127.0.0.1:9" in result["msg"], output
    assert moto.requests() == {}


def test_the_role_variable_vpc_endpoints_registry_account_ids_reaches_the_module(moto, tmp_path):
    """The role's own variable (what the host variable defaults it from) lets the central-registry policy in."""
    ec2 = ec2_client(moto.url)
    vpc = seed_private_vpc(ec2)
    env = aws_env(NOWHERE, REGION)
    hosts = inventory(tmp_path, moto, vpc.vpc_id, vpc_endpoints_registry_account_ids=[REGISTRY])
    deployed = run_playbook("playbooks/deploy.yml", env, inventory=hosts)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    [dkr] = by_service(read_endpoints(ec2, vpc.vpc_id))["ecr.dkr"]
    assert json.loads(dkr["PolicyDocument"]) == POLICY
