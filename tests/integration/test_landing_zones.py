"""Landing zones against moto_server: shared VPCs in the aws_vpcs inventory, per-account AWS profiles.

- A VPC of the network account shared (AWS RAM, through the AWS-semantics layer's ``share_vpc``)
  into a workload account is one host, under its owner, with ``vpc_shared_with``; never a host of
  the participant (whose deploy would fail: only the owner creates endpoints there).
- ``account_profiles``: an account listed with a ``role_arn``/``source_profile`` profile of an AWS
  config file (what an IAM Identity Center set-up gives people too) instead of ``role_name``; its
  hosts carry ``aws_profile`` and no ``aws_role_arn``.
- A host's ``aws_profile`` is honoured by deploy, audit and destroy: the endpoints are created in the
  account of the profile's role (the environment's own keys act in another account), and
  ``aws_role_arn`` is assumed on top of the profile when set.
"""

import json

import pytest

from tests.support.ansible_cli import aws_env, recap, run_playbook
from tests.support.seed import client, live_endpoints, seed_private_vpc
from tests.integration.test_inventory_aws_vpcs import list_inventory

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
NETWORK, WORKLOAD, TEAM, EXTRA = "111111111111", "222222222222", "333333333333", "444444444444"
DEFAULT_ACCOUNT = "123456789012"  # what moto's "testing" keys act in
ROLE = "privatelink-ecr-automation"


def ec2_of(url, account):
    return client("ec2", url, REGION, role_arn="arn:aws:iam::%s:role/%s" % (account, ROLE))


def aws_files(tmp_path, url):
    """An AWS config file with ``team-admin`` (a role_arn/source_profile chain into TEAM) and a credentials
    file with the source profile's keys. The profile's STS call goes to moto through AWS_ENDPOINT_URL."""
    config = tmp_path / "aws-config"
    config.write_text("[profile controller]\nregion = %s\n\n"
                      "[profile team-admin]\nrole_arn = arn:aws:iam::%s:role/team-admin\n"
                      "source_profile = controller\nrole_session_name = person@example.com\nregion = %s\n"
                      % (REGION, TEAM, REGION))
    credentials = tmp_path / "aws-credentials"
    credentials.write_text("[controller]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}


@pytest.fixture
def landing_zone(moto, tmp_path):
    """NETWORK owns ``shared`` (shared into WORKLOAD) and ``network``; WORKLOAD owns ``apps``; TEAM owns ``team``."""
    vpcs = {
        "shared": seed_private_vpc(ec2_of(moto.url, NETWORK), "shared", cidr="10.10.0.0/16", zones=2),
        "network": seed_private_vpc(ec2_of(moto.url, NETWORK), "network", cidr="10.11.0.0/16", zones=2),
        "apps": seed_private_vpc(ec2_of(moto.url, WORKLOAD), "apps", cidr="10.20.0.0/16", zones=2),
        "team": seed_private_vpc(ec2_of(moto.url, TEAM), "team", cidr="10.30.0.0/16", zones=2),
    }
    moto.share_vpc(vpcs["shared"]["vpc_id"], NETWORK, WORKLOAD, REGION)
    env = aws_env(moto.url, REGION, extra=aws_files(tmp_path, moto.url))
    moto.clear_requests()
    return {"server": moto, "url": moto.url, "vpcs": vpcs, "env": env}


def host(account, vpc):
    return "%s-%s-%s" % (account, REGION, vpc["vpc_id"])


def test_the_inventory_lists_a_shared_vpc_once_under_its_owner_and_uses_account_profiles(landing_zone, tmp_path):
    vpcs = landing_zone["vpcs"]
    text = ("regions: [%s]\naccounts: ['%s', '%s', '%s']\naccount_profiles:\n  '%s': team-admin\n"
            % (REGION, NETWORK, WORKLOAD, TEAM, TEAM))
    listing = list_inventory(tmp_path, landing_zone["env"], text)
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == sorted([host(NETWORK, vpcs["shared"]), host(NETWORK, vpcs["network"]),
                                    host(WORKLOAD, vpcs["apps"]), host(TEAM, vpcs["team"])])
    shared = listing.hostvars[host(NETWORK, vpcs["shared"])]
    assert shared["aws_account_id"] == NETWORK and shared["vpc_shared_with"] == [WORKLOAD]
    assert listing.hostvars[host(NETWORK, vpcs["network"])]["vpc_shared_with"] == []
    assert listing.hostvars[host(WORKLOAD, vpcs["apps"])]["vpc_shared_with"] == []
    team = listing.hostvars[host(TEAM, vpcs["team"])]
    assert team["aws_profile"] == "team-admin" and "aws_role_arn" not in team
    assert team["vpc_cidrs"] == ["10.30.0.0/16"]
    assert listing.errors == []
    # TEAM was listed through its profile's role, the others through role_name.
    assert landing_zone["server"].requests()["sts.AssumeRole"] == 3

    # host_per: region: the shared VPC is in its owner's vpc_ids only.
    listing = list_inventory(tmp_path, landing_zone["env"], text + "host_per: region\n", name="r.aws_vpcs.yml")
    assert listing.proc.returncode == 0, listing.output
    assert sorted(listing.hostvars["%s-%s" % (NETWORK, REGION)]["vpc_ids"]) == sorted(
        [vpcs["shared"]["vpc_id"], vpcs["network"]["vpc_id"]])
    assert listing.hostvars["%s-%s" % (WORKLOAD, REGION)]["vpc_ids"] == [vpcs["apps"]["vpc_id"]]


def test_a_profile_that_does_not_exist_is_that_accounts_error(landing_zone, tmp_path):
    text = "regions: [%s]\naccounts: ['%s', '%s']\naccount_profiles:\n  '%s': nobody\n" % (
        REGION, WORKLOAD, TEAM, TEAM)
    listing = list_inventory(tmp_path, landing_zone["env"], text)
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == [host(WORKLOAD, landing_zone["vpcs"]["apps"])]
    (error,) = listing.errors
    assert error["account_id"] == TEAM and error["region"] is None and "nobody" in error["message"]


def test_deploy_audit_and_destroy_use_each_hosts_aws_profile_and_the_role_on_top(landing_zone, tmp_path):
    vpcs = landing_zone["vpcs"]
    extra = seed_private_vpc(ec2_of(landing_zone["url"], EXTRA), "extra", cidr="10.40.0.0/16", zones=2)
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {
        "vars": {"ansible_connection": "local", "aws_region": REGION, "aws_endpoint_url": landing_zone["url"]},
        "hosts": {
            # The profile's role acts in TEAM; the environment's own keys would act in DEFAULT_ACCOUNT.
            "team": {"vpc_id": vpcs["team"]["vpc_id"], "aws_profile": "team-admin"},
            # The profile first, then aws_role_arn assumed with the profile's credentials.
            "extra": {"vpc_name": "extra", "aws_profile": "team-admin",
                      "aws_role_arn": "arn:aws:iam::%s:role/%s" % (EXTRA, ROLE)},
        }}}))
    env = landing_zone["env"]
    first = run_playbook("playbooks/deploy.yml", env, inventory=str(inventory))
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    prefix = "com.amazonaws.%s." % REGION
    for account, vpc in ((TEAM, vpcs["team"]), (EXTRA, extra)):
        found = live_endpoints(ec2_of(landing_zone["url"], account), vpc["vpc_id"])
        assert sorted(e["ServiceName"][len(prefix):] for e in found) == ["ecr.api", "ecr.dkr", "logs", "s3"]
        assert {e["OwnerId"] for e in found} == {account}
    again = run_playbook("playbooks/deploy.yml", env, inventory=str(inventory))
    assert again.returncode == 0, again.stdout[-4000:]
    assert {h: r["changed"] for h, r in recap(again.stdout).items()} == {"team": 0, "extra": 0}

    report = tmp_path / "report"
    audit = run_playbook("playbooks/audit.yml", env, inventory=str(inventory),
                         extra_vars={"posture_report_dir": str(report)})
    assert audit.returncode == 0, audit.stdout[-4000:]
    posture = json.loads((report / "posture.json").read_text())
    assert posture["errors"] == []
    assert {(v["target"], v["account_id"]) for v in posture["vpcs"]} == {("team", TEAM), ("extra", EXTRA)}

    destroyed = run_playbook("playbooks/destroy.yml", env, inventory=str(inventory))
    assert destroyed.returncode == 0, destroyed.stdout[-4000:]
    assert live_endpoints(ec2_of(landing_zone["url"], TEAM), vpcs["team"]["vpc_id"]) == []
    assert live_endpoints(ec2_of(landing_zone["url"], EXTRA), extra["vpc_id"]) == []


def test_a_profile_that_does_not_exist_fails_the_host_naming_it(landing_zone, tmp_path):
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {
        "vars": {"ansible_connection": "local", "aws_region": REGION, "aws_endpoint_url": landing_zone["url"]},
        "hosts": {"lost": {"vpc_id": landing_zone["vpcs"]["team"]["vpc_id"], "aws_profile": "nobody"}}}}))
    result = run_playbook("playbooks/deploy.yml", landing_zone["env"], inventory=str(inventory))
    assert result.returncode != 0
    assert "nobody" in result.stdout and "profile" in result.stdout
    assert landing_zone["server"].mutating_requests() == {}


def test_deploy_on_the_inventory_converges_a_shared_vpc_once_with_its_owners_connection(landing_zone, tmp_path):
    """Were the shared VPC also a host of the participant, its CreateVpcEndpoint would be refused
    (UnauthorizedOperation) and the run would fail; it converges once, in the owner's account."""
    vpcs, server = landing_zone["vpcs"], landing_zone["server"]
    source = tmp_path / "lz.aws_vpcs.yml"
    source.write_text("plugin: privatelink.ecr.aws_vpcs\nregions: [%s]\naccounts: ['%s', '%s']\n"
                      % (REGION, NETWORK, WORKLOAD))
    first = run_playbook("playbooks/deploy.yml", landing_zone["env"], inventory=str(source))
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-2000:]
    runs = recap(first.stdout)
    assert sorted(runs) == sorted([host(NETWORK, vpcs["shared"]), host(NETWORK, vpcs["network"]),
                                   host(WORKLOAD, vpcs["apps"])])
    assert all(run["failed"] == 0 and run["changed"] == 1 for run in runs.values()), first.stdout
    found = live_endpoints(ec2_of(landing_zone["url"], NETWORK), vpcs["shared"]["vpc_id"])
    assert len(found) == 4 and {e["OwnerId"] for e in found} == {NETWORK}
    server.clear_requests()
    again = run_playbook("playbooks/deploy.yml", landing_zone["env"], inventory=str(source))
    assert again.returncode == 0, again.stdout[-4000:]
    assert all(run["changed"] == 0 for run in recap(again.stdout).values())
    assert server.mutating_requests() == {}
