"""The deploy and destroy playbooks over several accounts, against moto_server.

- from the checkout (playbooks/deploy.yml): three accounts reached by assume-role, each with a VPC of
  the same name, converge without touching each other or the controller's own account; a re-run
  changes nothing; credentials never show, even at -vvv and when a host fails;
- by FQCN (privatelink.ecr.deploy / privatelink.ecr.destroy) from a build of the collection
  installed with ansible-galaxy into a temporary collections path.
"""

import glob
import json
import os
import re
import subprocess
from types import SimpleNamespace

import pytest

from tests.support.ansible_cli import BIN, ROOT, aws_env, recap
from tests.support.inventory import write_inventory as inventory_file
from tests.support.seed import client, live_endpoints, seed_private_vpc

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
EXTERNAL_ID = "ext-id-5f0c1e7a-do-not-print"
SECRET_KEY = "controller-secret-9d2b7c41-do-not-print"
FARGATE = ["ecr.api", "ecr.dkr", "logs", "s3"]
# Where an AWS call goes when a module ignored the inventory's aws_endpoint_url: nowhere (discard port).
NOWHERE = "http://127.0.0.1:9"


# ``moto`` (tests/integration/conftest.py): after its reset, assumed-role credentials fall back to the default
# account: every client below assumes its role afresh.


def role_arn(account):
    return "arn:aws:iam::%s:role/privatelink-ecr-automation" % account


def ec2_in(moto, account=None, region=REGION):
    return client("ec2", moto.url, region, role_arn(account) if account else None)


def write_inventory(path, moto, hosts):
    """An inventory of one host per (name, account, extra vars); the endpoint comes from a host variable."""
    inventory = {}
    for name, account, extra in hosts:
        host = {"aws_account_id": account, "aws_role_arn": role_arn(account), "aws_external_id": EXTERNAL_ID}
        host.update(extra)
        inventory[name] = host
    return inventory_file(path, moto.url, REGION, inventory)


def playbook_env(collections_path=None):
    extra = {"AWS_ENDPOINT_URL": NOWHERE, "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "ANSIBLE_FORCE_COLOR": "0"}
    if collections_path:
        return aws_env(NOWHERE, REGION, collections_path=collections_path, extra=extra)
    return aws_env(NOWHERE, REGION, extra=extra)


def run(playbook, inventory, env, *args, cwd=ROOT):
    cmd = [os.path.join(BIN, "ansible-playbook"), playbook, "-i", inventory, "--forks", "3"] + list(args)
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)


def services_of(ec2, vpc_id):
    prefix = "com.amazonaws.%s." % REGION
    return sorted(e["ServiceName"][len(prefix):] for e in live_endpoints(ec2, vpc_id))


def assert_no_secret(output):
    assert EXTERNAL_ID not in output
    assert SECRET_KEY not in output
    # moto's assumed-role credentials: ASIA... keys, and their secret and token never belong in output.
    assert not re.search(r"ASIA[A-Z0-9]{16}", output)
    assert "SecretAccessKey" not in output and "SessionToken" not in output


def test_accounts_are_converged_in_isolation_through_their_roles(moto, tmp_path):
    # The same VPC name in three accounts, and in the controller's own account (which must stay untouched).
    vpcs = {account: seed_private_vpc(ec2_in(moto, account), "apps") for account in ACCOUNTS}
    home = seed_private_vpc(ec2_in(moto), "apps")
    inventory = write_inventory(tmp_path / "hosts.json", moto,
                                [("acct-%s" % a[0], a, {"vpc_name": "apps"}) for a in ACCOUNTS])
    env = playbook_env()

    first = run("playbooks/deploy.yml", inventory, env)

    assert first.returncode == 0, first.stdout + first.stderr
    changed_hosts = {h: r["changed"] > 0 for h, r in recap(first.stdout).items()}
    assert changed_hosts == {"acct-1": True, "acct-2": True, "acct-3": True}
    for account in ACCOUNTS:
        ec2 = ec2_in(moto, account)
        vpc = vpcs[account]
        assert services_of(ec2, vpc["vpc_id"]) == FARGATE
        for endpoint in live_endpoints(ec2, vpc["vpc_id"]):
            assert endpoint["OwnerId"] == account
            if endpoint["VpcEndpointType"] == "Interface":
                assert sorted(endpoint["SubnetIds"]) == sorted(vpc["private_subnet_ids"])
            else:
                assert sorted(endpoint["RouteTableIds"]) == vpc["private_route_table_ids"]
        # Nothing of this account leaked into another account's VPCs.
        assert len(ec2.describe_vpc_endpoints()["VpcEndpoints"]) == len(FARGATE)
    assert live_endpoints(ec2_in(moto), home["vpc_id"]) == []

    moto.clear_requests()
    second = run("playbooks/deploy.yml", inventory, env, "-vvv")

    assert second.returncode == 0, second.stdout + second.stderr
    assert {r["changed"] for r in recap(second.stdout).values()} == {0}
    assert moto.mutating_requests() == {}
    # One module call per host, by name too: each host assumed its role once.
    assert moto.requests()["sts.AssumeRole"] == len(ACCOUNTS)
    output = second.stdout + second.stderr
    # -vvv does print each module's arguments: the external id is there, masked.
    assert '"external_id": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in output
    assert_no_secret(output)


def test_a_failing_host_reports_clearly_without_printing_credentials(moto, tmp_path):
    seed_private_vpc(ec2_in(moto, ACCOUNTS[0]), "apps")
    inventory = write_inventory(tmp_path / "hosts.json", moto,
                                [("good", ACCOUNTS[0], {"vpc_name": "apps"}),
                                 ("missing", ACCOUNTS[1], {"vpc_name": "apps"}),
                                 ("ambiguous", ACCOUNTS[0], {"vpc_name": "apps", "vpc_id": "vpc-0123456789abcdef0"}),
                                 ("invalid", ACCOUNTS[0], {"vpc_name": "apps", "vpc_endpoints_workload": "lambda"})])

    result = run("playbooks/deploy.yml", inventory, playbook_env(), "-vvv")
    output = result.stdout + result.stderr

    assert result.returncode != 0
    hosts = recap(result.stdout)
    assert hosts["good"]["failed"] == 0 and hosts["good"]["changed"] > 0
    assert hosts["missing"]["failed"] == 1 and hosts["ambiguous"]["failed"] == 1 and hosts["invalid"]["failed"] == 1
    # The role's argument spec refuses a bad variable before any module runs.
    assert "vpc_endpoints_workload must be one of: ecr, fargate, ecs, eks, got: lambda" in output
    # Each failure names the account and the region it looked in.
    assert "vpc_name 'apps': no VPC carries that Name tag in account %s, region %s" % (ACCOUNTS[1], REGION) in output
    # With both, the id is used (the name is a label): that id does not exist.
    assert "vpc_id vpc-0123456789abcdef0: no such VPC in account %s, region %s" % (ACCOUNTS[0], REGION) in output
    assert "Traceback" not in output
    assert_no_secret(output)


def test_a_vpc_without_private_subnet_fails_before_any_change(moto, tmp_path):
    ec2 = ec2_in(moto, ACCOUNTS[0])
    vpc = seed_private_vpc(ec2, "edge", zones=2)
    for subnet_id in vpc["private_subnet_ids"]:
        ec2.delete_subnet(SubnetId=subnet_id)
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("edge", ACCOUNTS[0], {"vpc_id": vpc["vpc_id"]})])
    moto.clear_requests()

    result = run("playbooks/deploy.yml", inventory, playbook_env())

    assert result.returncode != 0
    assert "VPC %s has no private subnet" % vpc["vpc_id"] in result.stdout
    assert moto.mutating_requests() == {}


def test_check_mode_shows_the_plan_and_changes_nothing(moto, tmp_path):
    ec2 = ec2_in(moto, ACCOUNTS[2])
    vpc = seed_private_vpc(ec2, "apps")
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[2], {"vpc_name": "apps"})])
    moto.clear_requests()

    result = run("playbooks/deploy.yml", inventory, playbook_env(), "--check", "--diff")

    assert result.returncode == 0, result.stdout + result.stderr
    assert recap(result.stdout)["target"]["changed"] == 1
    assert moto.mutating_requests() == {}
    assert live_endpoints(ec2, vpc["vpc_id"]) == []


def test_role_variables_override_discovery(moto, tmp_path):
    ec2 = ec2_in(moto, ACCOUNTS[0])
    vpc = seed_private_vpc(ec2, "apps")
    chosen_subnets, chosen_tables = vpc["private_subnet_ids"][:2], vpc["private_route_table_ids"][:1]
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[0], {
        "vpc_id": vpc["vpc_id"], "vpc_endpoints_subnet_ids": chosen_subnets,
        "vpc_endpoints_route_table_ids": chosen_tables, "vpc_endpoints_workload": "ecr"})])
    moto.clear_requests()

    result = run("playbooks/deploy.yml", inventory, playbook_env())

    assert result.returncode == 0, result.stdout + result.stderr
    prefix = "com.amazonaws.%s." % REGION
    endpoints = {e["ServiceName"][len(prefix):]: e for e in live_endpoints(ec2, vpc["vpc_id"])}
    assert sorted(endpoints) == ["ecr.api", "ecr.dkr", "s3"]
    assert sorted(endpoints["ecr.api"]["SubnetIds"]) == sorted(chosen_subnets)
    assert endpoints["s3"]["RouteTableIds"] == chosen_tables
    # Nothing left to discover: the discovery task is skipped, so one module call and one role assumption.
    assert moto.requests()["sts.AssumeRole"] == 1


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The collection built with ansible-galaxy and installed into a temporary collections path."""
    base = tmp_path_factory.mktemp("galaxy")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(base / "none"), ANSIBLE_NOCOLOR="1")
    build = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path",
                            str(base / "dist"), ROOT], env=env, capture_output=True, text=True, timeout=300, cwd=ROOT,
                           check=False)
    assert build.returncode == 0, build.stdout + build.stderr
    tarball = glob.glob(str(base / "dist" / "privatelink-ecr-*.tar.gz"))
    assert len(tarball) == 1
    install = subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline",
                              tarball[0], "-p", str(base / "collections")],
                             env=env, capture_output=True, text=True, timeout=300, cwd=str(base), check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    path = base / "collections" / "ansible_collections" / "privatelink" / "ecr"
    assert (path / "playbooks" / "deploy.yml").is_file() and not os.path.islink(str(path))
    return SimpleNamespace(collections=str(base / "collections"), workdir=str(base))


def test_deploy_and_destroy_by_fqcn_from_an_installed_build(moto, tmp_path, installed):
    account = ACCOUNTS[1]
    ec2 = ec2_in(moto, account)
    vpc = seed_private_vpc(ec2, "apps", main_serves_private=True)
    # An endpoint the collection did not create: destroy must leave it.
    foreign = ec2.create_vpc_endpoint(VpcId=vpc["vpc_id"], ServiceName="com.amazonaws.%s.sts" % REGION,
                                      VpcEndpointType="Interface",
                                      SubnetIds=[vpc["private_subnet_ids"][0]])["VpcEndpoint"]["VpcEndpointId"]
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", account, {"vpc_name": "apps"})])
    env = playbook_env(collections_path=installed.collections)

    deploy = run("privatelink.ecr.deploy", inventory, env, cwd=installed.workdir)

    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert services_of(ec2, vpc["vpc_id"]) == sorted(FARGATE + ["sts"])
    s3 = [e for e in live_endpoints(ec2, vpc["vpc_id"]) if e["ServiceName"].endswith(".s3")][0]
    assert sorted(s3["RouteTableIds"]) == vpc["private_route_table_ids"]
    assert vpc["main_route_table_id"] in s3["RouteTableIds"]
    assert vpc["public_route_table_id"] not in s3["RouteTableIds"]

    # Destroy names the VPC by id this time: nothing to discover, the module alone runs.
    by_id = write_inventory(tmp_path / "by-id.json", moto, [("target", account, {"vpc_id": vpc["vpc_id"]})])
    destroy = run("privatelink.ecr.destroy", by_id, env, cwd=installed.workdir)

    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert [e["VpcEndpointId"] for e in live_endpoints(ec2, vpc["vpc_id"])] == [foreign]
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]

    again = run("privatelink.ecr.destroy", by_id, env, cwd=installed.workdir)
    assert again.returncode == 0, again.stdout + again.stderr
    assert recap(again.stdout)["target"]["changed"] == 0


def test_example_inventory_describes_three_accounts_in_two_regions():
    out = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", os.path.join(ROOT, "inventories", "example"),
                          "--list"], capture_output=True, text=True, check=True, timeout=120)
    hostvars = json.loads(out.stdout)["_meta"]["hostvars"]
    assert len(hostvars) == 6
    pairs = {(v["aws_account_id"], v["aws_region"]) for v in hostvars.values()}
    assert len({account for account, region in pairs}) == 3
    assert len({region for account, region in pairs}) == 2 and len(pairs) == 6
    for name, host in hostvars.items():
        assert host["aws_role_arn"] == "arn:aws:iam::%s:role/privatelink-ecr-automation" % host["aws_account_id"]
        assert host["aws_external_id"] and (host.get("vpc_name") or host.get("vpc_id")), name
        assert host["ansible_connection"] == "local"


def endpoint_of(ec2, vpc_id, service):
    name = "com.amazonaws.%s.%s" % (REGION, service)
    return [e for e in live_endpoints(ec2, vpc_id) if e["ServiceName"] == name][0]


@pytest.mark.parametrize("discover, no_op_reads", [
    ("always", {"ec2.DescribeVpcs": 1, "ec2.DescribeVpcEndpoints": 1, "ec2.DescribeSecurityGroups": 1,
                "ec2.DescribeSubnets": 1, "ec2.DescribeRouteTables": 1}),
    ("on_create", {"ec2.DescribeVpcs": 1, "ec2.DescribeVpcEndpoints": 1, "ec2.DescribeSecurityGroups": 1}),
])
def test_a_vpc_by_id_is_one_module_call_and_a_few_reads(moto, tmp_path, discover, no_op_reads):
    ec2 = ec2_in(moto, ACCOUNTS[1])
    vpc = seed_private_vpc(ec2, "apps")
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[1], {
        "vpc_id": vpc["vpc_id"], "vpc_endpoints_discover": discover})])
    first = run("playbooks/deploy.yml", inventory, playbook_env())
    assert first.returncode == 0, first.stdout + first.stderr
    api = endpoint_of(ec2, vpc["vpc_id"], "ecr.api")
    assert sorted(api["SubnetIds"]) == sorted(vpc["private_subnet_ids"])
    assert sorted(endpoint_of(ec2, vpc["vpc_id"], "s3")["RouteTableIds"]) == sorted(vpc["private_route_table_ids"])
    moto.clear_requests()

    again = run("playbooks/deploy.yml", inventory, playbook_env())

    assert again.returncode == 0 and recap(again.stdout)["target"]["changed"] == 0
    # One module process: the role is assumed once, and nothing is read twice.
    assert moto.requests() == dict(no_op_reads, **{"sts.AssumeRole": 1})


@pytest.mark.parametrize("discover, repaired", [("always", True), ("on_create", False)])
def test_placement_drift_is_repaired_unless_discovery_is_on_create_only(moto, tmp_path, discover, repaired):
    ec2 = ec2_in(moto, ACCOUNTS[0])
    vpc = seed_private_vpc(ec2, "apps")
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[0], {
        "vpc_id": vpc["vpc_id"], "vpc_endpoints_discover": discover})])
    assert run("playbooks/deploy.yml", inventory, playbook_env()).returncode == 0
    api = endpoint_of(ec2, vpc["vpc_id"], "ecr.api")
    ec2.modify_vpc_endpoint(VpcEndpointId=api["VpcEndpointId"], RemoveSubnetIds=[vpc["private_subnet_ids"][0]])
    s3 = endpoint_of(ec2, vpc["vpc_id"], "s3")
    ec2.modify_vpc_endpoint(VpcEndpointId=s3["VpcEndpointId"], RemoveRouteTableIds=[vpc["private_route_table_ids"][0]])

    result = run("playbooks/deploy.yml", inventory, playbook_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert recap(result.stdout)["target"]["changed"] == (1 if repaired else 0)
    subnets = sorted(endpoint_of(ec2, vpc["vpc_id"], "ecr.api")["SubnetIds"])
    tables = sorted(endpoint_of(ec2, vpc["vpc_id"], "s3")["RouteTableIds"])
    if repaired:
        assert subnets == sorted(vpc["private_subnet_ids"]) and tables == sorted(vpc["private_route_table_ids"])
    else:
        assert subnets == sorted(vpc["private_subnet_ids"][1:]) and tables == sorted(vpc["private_route_table_ids"][1:])
    assert endpoint_of(ec2, vpc["vpc_id"], "ecr.api")["VpcEndpointId"] == api["VpcEndpointId"]


def test_role_passes_the_module_options_through(moto, tmp_path):
    ec2 = ec2_in(moto, ACCOUNTS[2])
    vpc = seed_private_vpc(ec2, "apps")
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::prod-%s-starport-layer-bucket/*" % REGION}]}
    inventory = write_inventory(tmp_path / "hosts.json", moto, [("target", ACCOUNTS[2], {
        "vpc_name": "apps", "vpc_endpoints_workload": "ecr", "vpc_endpoints_security_group_name": "registry-https",
        "vpc_endpoints_allowed_cidrs": ["10.0.10.0/24", "10.0.11.0/24"], "vpc_endpoints_s3_policy": policy})])

    result = run("playbooks/deploy.yml", inventory, playbook_env())

    assert result.returncode == 0, result.stdout + result.stderr
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]},
                                                   {"Name": "group-name", "Values": ["registry-https"]}])
    group = groups["SecurityGroups"][0]
    assert sorted(r["CidrIp"] for p in group["IpPermissions"] for r in p["IpRanges"]) == [
        "10.0.10.0/24", "10.0.11.0/24"]
    assert endpoint_of(ec2, vpc["vpc_id"], "ecr.api")["Groups"][0]["GroupId"] == group["GroupId"]
    assert json.loads(endpoint_of(ec2, vpc["vpc_id"], "s3")["PolicyDocument"]) == policy


def test_playbooks_target_privatelink_ecr_hosts_when_the_inventory_is_shared(moto, tmp_path):
    """An inventory shared with other sources: privatelink_ecr_hosts picks the targets (default all)."""
    first = seed_private_vpc(ec2_in(moto, ACCOUNTS[0]), "apps")
    second = seed_private_vpc(ec2_in(moto, ACCOUNTS[1]), "apps")
    inventory = write_inventory(tmp_path / "hosts.json", moto,
                                [("chosen", ACCOUNTS[0], {"vpc_id": first["vpc_id"]}),
                                 ("other", ACCOUNTS[1], {"vpc_id": second["vpc_id"]})])
    result = run("playbooks/deploy.yml", inventory, playbook_env(), "-e", "privatelink_ecr_hosts=chosen")
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(recap(result.stdout)) == ["chosen"]
    assert len(live_endpoints(ec2_in(moto, ACCOUNTS[0]), first["vpc_id"])) == len(FARGATE)
    assert live_endpoints(ec2_in(moto, ACCOUNTS[1]), second["vpc_id"]) == []
