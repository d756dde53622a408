"""The privatelink.ecr.aws_vpcs inventory plugin, through the real ansible-inventory CLI, against moto_server.

moto_server emulates AWS Organizations (organization, OUs, accounts, account tags, closing an
account makes it SUSPENDED) and STS: assuming ``arn:aws:iam::ACCOUNT:role/NAME`` yields
credentials that act in ACCOUNT, so each member account's VPCs are seeded with its own
credentials, exactly as the plugin later reads them.

moto's AssumeRole always succeeds, so the account whose role cannot be assumed runs on a
dedicated moto_server with IAM enforcement switched on (``POST /moto-api/reset-auth``, which is
server-wide: the shared session server never has it). There the controller's IAM user is allowed
everything except ``sts:AssumeRole`` on the roles of one account: moto evaluates the caller's
identity policy with the RoleArn as the resource and answers AccessDenied, the error AWS gives
for a role that is missing or whose trust policy does not admit the caller.
"""

import json
import os
import subprocess
import sys

import boto3
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.ansible_cli import BIN, aws_env, recap, run_playbook, unsafe_free  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402
from tests.support.seed import client as seed_client  # noqa: E402
from tests.support.seed import live_endpoints, seed_private_vpc  # noqa: E402

pytestmark = pytest.mark.integration

ROLE = "privatelink-ecr-automation"
MANAGEMENT = "123456789012"  # moto's default account: the organization's management account
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
HEADER = "plugin: privatelink.ecr.aws_vpcs\n"


def boto(service, url, region="us-east-1", **credentials):
    return boto3.client(service, endpoint_url=url, region_name=region, **(credentials or CREDENTIALS))


def member_ec2(url, account, region):
    """EC2 in ``account``: moto's AssumeRole into the account's role acts in that account."""
    return seed_client("ec2", url, region, role_arn="arn:aws:iam::%s:role/%s" % (account, ROLE))


def vpc(ec2, cidr, name=None, ipv6=False, **tags):
    tags = dict(tags, **({"Name": name} if name else {}))
    kwargs = {"CidrBlock": cidr, "AmazonProvidedIpv6CidrBlock": ipv6}
    if tags:
        kwargs["TagSpecifications"] = [{"ResourceType": "vpc",
                                        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]
    return ec2.create_vpc(**kwargs)["Vpc"]["VpcId"]


class Listing:
    """One ansible-inventory --list --export run: hosts, their variables, groups, errors, raw output."""

    def __init__(self, proc):
        self.proc = proc
        self.output = proc.stdout + proc.stderr
        self.data = unsafe_free(json.loads(proc.stdout)) if proc.returncode == 0 else None

    @property
    def hostvars(self):
        return self.data["_meta"]["hostvars"]

    @property
    def hosts(self):
        return sorted(self.hostvars)

    def group(self, name):
        return self.data.get(name, {}).get("hosts", [])

    @property
    def errors(self):
        return self.data["all"]["vars"]["aws_vpcs_errors"]


def list_inventory(tmp_path, env, text, name="fleet.aws_vpcs.yml", unparsed_failed=True, args=()):
    path = tmp_path / name
    path.write_text(HEADER + text)
    env = dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true" if unparsed_failed else "false")
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(path), "--list", "--export"]
                          + list(args), env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=300,
                          check=False)
    return Listing(proc)


@pytest.fixture
def org(moto):
    """An organization in moto_server (reset first).

    root
    |- workloads (OU): dev (tagged env=dev)
    |  `- production (OU): prod (env=prod, team=platform), shop (env=prod)
    |- sandbox (OU): play, closed (SUSPENDED)
    `- the management account

    VPCs (besides each account-region's default VPC, which moto creates):
      dev  eu-west-1: vpc a "dev-apps" (Containers=true), vpc b untagged; us-east-1: vpc c "dev-east"
      prod eu-west-1: vpc d "prod-apps" (Containers=true, env=prod) with a second IPv4 block and IPv6
      shop eu-west-1: vpc e "shop" (env=prod)
      play: none (only default VPCs); closed: vpc f, seeded before the account was closed
    """
    api = boto("organizations", moto.url)
    api.create_organization(FeatureSet="ALL")
    root = api.list_roots()["Roots"][0]["Id"]

    def ou(name, parent):
        return api.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    def account(name, parent, **tags):
        account_id = api.create_account(AccountName=name, Email="%s@example.com" % name)["CreateAccountStatus"][
            "AccountId"]
        api.move_account(AccountId=account_id, SourceParentId=root, DestinationParentId=parent)
        if tags:
            api.tag_resource(ResourceId=account_id, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        return account_id

    ous = {"root": root}
    ous["workloads"] = ou("workloads", root)
    ous["production"] = ou("production", ous["workloads"])
    ous["sandbox"] = ou("sandbox", root)
    ids = {
        "dev": account("dev", ous["workloads"], env="dev"),
        "prod": account("prod", ous["production"], env="prod", team="platform"),
        "shop": account("shop", ous["production"], env="prod"),
        "play": account("play", ous["sandbox"]),
        "closed": account("closed", ous["sandbox"]),
    }
    vpcs = {}
    ec2 = member_ec2(moto.url, ids["dev"], "eu-west-1")
    vpcs["a"] = vpc(ec2, "10.1.0.0/16", "dev-apps", Containers="true")
    vpcs["b"] = vpc(ec2, "10.2.0.0/16")
    vpcs["c"] = vpc(member_ec2(moto.url, ids["dev"], "us-east-1"), "10.3.0.0/16", "dev-east")
    ec2 = member_ec2(moto.url, ids["prod"], "eu-west-1")
    vpcs["d"] = vpc(ec2, "10.4.0.0/16", "prod-apps", ipv6=True, Containers="true", env="prod")
    ec2.associate_vpc_cidr_block(VpcId=vpcs["d"], CidrBlock="10.40.0.0/16")
    vpcs["e"] = vpc(member_ec2(moto.url, ids["shop"], "eu-west-1"), "10.5.0.0/16", "shop", env="prod")
    vpcs["f"] = vpc(member_ec2(moto.url, ids["closed"], "eu-west-1"), "10.6.0.0/16", "closed-apps")
    api.close_account(AccountId=ids["closed"])
    assert api.describe_account(AccountId=ids["closed"])["Account"]["Status"] == "SUSPENDED"
    moto.clear_requests()
    return {"url": moto.url, "server": moto, "ids": ids, "ous": ous, "vpcs": vpcs,
            "env": aws_env(moto.url, "eu-west-1")}


def host(org, account, region, vpc_key=None):
    parts = [org["ids"].get(account, account), region] + ([org["vpcs"][vpc_key]] if vpc_key else [])
    return "-".join(parts)


def test_every_active_account_one_host_per_vpc(org, tmp_path):
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1, us-east-1]\n")
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == sorted([host(org, "dev", "eu-west-1", "a"), host(org, "dev", "eu-west-1", "b"),
                                    host(org, "dev", "us-east-1", "c"), host(org, "prod", "eu-west-1", "d"),
                                    host(org, "shop", "eu-west-1", "e")])
    ids, vpcs = org["ids"], org["vpcs"]
    prod = listing.hostvars[host(org, "prod", "eu-west-1", "d")]
    assert prod["vpc_cidrs"][:2] == ["10.4.0.0/16", "10.40.0.0/16"]
    assert len(prod["vpc_cidrs"]) == 3 and ":" in prod["vpc_cidrs"][2]  # the Amazon-provided IPv6 block
    assert prod == {
        "aws_account_id": ids["prod"], "aws_account_name": "prod", "aws_region": "eu-west-1",
        "vpc_id": vpcs["d"], "vpc_cidrs": prod["vpc_cidrs"], "vpc_name": "prod-apps",
        "vpc_tags": {"Name": "prod-apps", "Containers": "true", "env": "prod"}, "vpc_shared_with": [],
        "aws_role_arn": "arn:aws:iam::%s:role/%s" % (ids["prod"], ROLE), "aws_endpoint_url": org["url"],
    }
    untagged = listing.hostvars[host(org, "dev", "eu-west-1", "b")]
    assert untagged["vpc_tags"] == {} and "vpc_name" not in untagged and "aws_external_id" not in untagged
    # Groups by account and region; the closed (SUSPENDED) account is skipped without an error.
    assert listing.group("account_" + ids["dev"]) == sorted([host(org, "dev", "eu-west-1", "a"),
                                                             host(org, "dev", "eu-west-1", "b"),
                                                             host(org, "dev", "us-east-1", "c")])
    assert listing.group("region_us_east_1") == [host(org, "dev", "us-east-1", "c")]
    assert len(listing.group("region_eu_west_1")) == 4
    assert listing.errors == []
    requests = org["server"].requests()
    assert requests.get("organizations.ListAccounts") == 1
    assert "organizations.ListTagsForResource" not in requests
    # Management, dev, prod, shop and play: one AssumeRole each, then DescribeVpcs per region.
    assert requests["sts.AssumeRole"] == 5 and requests["ec2.DescribeVpcs"] == 10
    # The assumed roles' keys are never written; neither is the controller's secret.
    for word in ("testing", "secret", "token", "AccessKeyId", "ASIA", "FSQo"):
        assert word not in listing.proc.stdout


def test_stable_order(org, tmp_path):
    first = list_inventory(tmp_path, org["env"], "regions: [us-east-1, eu-west-1]\nmax_workers: 3\n")
    second = list_inventory(tmp_path, org["env"], "regions: [eu-west-1, us-east-1]\nmax_workers: 1\n")
    assert first.proc.returncode == 0 and second.proc.returncode == 0, first.output + second.output
    assert first.proc.stdout == second.proc.stdout
    # The order Ansible runs (and AWX job slicing cuts) is the sorted order of the host names.
    path = tmp_path / "fleet.aws_vpcs.yml"
    proc = subprocess.run([os.path.join(BIN, "ansible"), "all", "-i", str(path), "--list-hosts"],
                          env=org["env"], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = [line.strip() for line in proc.stdout.splitlines()[1:] if line.strip()]
    assert listed == first.hosts and listed == sorted(listed)


def test_listed_accounts_make_no_organizations_call(org, tmp_path):
    ids = org["ids"]
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\naccounts: ['%s', '%s']\n"
                             "exclude_accounts: ['%s']\n" % (ids["prod"], ids["dev"], ids["dev"]))
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == [host(org, "prod", "eu-west-1", "d")]
    assert listing.hostvars[listing.hosts[0]]["aws_account_name"] == ids["prod"]
    requests = org["server"].requests()
    assert not [name for name in requests if name.startswith("organizations.")], requests
    assert requests["sts.AssumeRole"] == 1


def test_organizational_units_are_recursive(org, tmp_path):
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\norganizational_units: [%s]\n"
                             % org["ous"]["workloads"])
    assert listing.proc.returncode == 0, listing.output
    # dev sits in workloads, prod and shop in its child OU production; play and the management account not.
    assert listing.hosts == sorted([host(org, "dev", "eu-west-1", "a"), host(org, "dev", "eu-west-1", "b"),
                                    host(org, "prod", "eu-west-1", "d"), host(org, "shop", "eu-west-1", "e")])
    requests = org["server"].requests()
    assert "organizations.ListAccounts" not in requests
    assert requests["organizations.ListAccountsForParent"] == 2 and requests["organizations.ListChildren"] == 2


def test_account_tags_and_exclusions(org, tmp_path):
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\naccount_tags: {env: prod}\n")
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == sorted([host(org, "prod", "eu-west-1", "d"), host(org, "shop", "eu-west-1", "e")])
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\naccount_tags: {env: prod, team: platform}\n")
    assert listing.hosts == [host(org, "prod", "eu-west-1", "d")]
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\naccount_tags: {env: prod}\n"
                             "exclude_accounts: ['%s']\n" % org["ids"]["prod"])
    assert listing.hosts == [host(org, "shop", "eu-west-1", "e")]


def test_organizations_calls_through_role_arn(org, tmp_path):
    # A read-only role in the management account (or a delegated administrator) serves the Organizations
    # calls; the member roles are still assumed with the controller's own credentials.
    text = ("regions: [eu-west-1]\naccount_tags: {team: platform}\n"
            "role_arn: arn:aws:iam::%s:role/org-reader\nexternal_id: ext-5678\n" % MANAGEMENT)
    listing = list_inventory(tmp_path, org["env"], text)
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == [host(org, "prod", "eu-west-1", "d")]
    assert listing.hostvars[listing.hosts[0]]["aws_external_id"] == "ext-5678"
    requests = org["server"].requests()
    assert requests["sts.AssumeRole"] == 2  # org-reader, then prod's role
    assert requests["organizations.ListTagsForResource"] == 5  # the ACTIVE accounts, management included


def test_listed_account_that_is_not_active_is_left_out_and_recorded(org, tmp_path):
    ids = org["ids"]
    text = ("regions: [eu-west-1]\naccounts: ['%s', '%s']\norganizational_units: [%s]\n"
            % (ids["closed"], ids["shop"], org["ous"]["root"]))
    listing = list_inventory(tmp_path, org["env"], text)
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == [host(org, "shop", "eu-west-1", "e")]
    assert listing.errors == [{"account_id": ids["closed"], "region": None,
                               "message": "the account (closed) is SUSPENDED, not ACTIVE"}]
    assert "account %s" % ids["closed"] in listing.proc.stderr and "[WARNING]" in listing.proc.stderr
    # No role of the closed account is assumed.
    assert org["server"].requests()["sts.AssumeRole"] == 1


def test_vpc_filters(org, tmp_path):
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1, us-east-1]\n"
                             "vpc_filters: {'tag:Containers': 'true'}\n")
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == sorted([host(org, "dev", "eu-west-1", "a"), host(org, "prod", "eu-west-1", "d")])
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\n"
                             "vpc_filters: {cidr: [10.2.0.0/16, 10.5.0.0/16]}\n")
    assert listing.hosts == sorted([host(org, "dev", "eu-west-1", "b"), host(org, "shop", "eu-west-1", "e")])


def test_default_vpcs_only_when_asked(org, tmp_path):
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\ninclude_default_vpcs: true\n"
                             "accounts: ['%s']\n" % org["ids"]["play"])
    assert listing.proc.returncode == 0, listing.output
    assert len(listing.hosts) == 1
    assert listing.hostvars[listing.hosts[0]]["vpc_cidrs"] == ["172.31.0.0/16"]
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1]\naccounts: ['%s']\n" % org["ids"]["play"])
    assert listing.proc.returncode == 0 and listing.hosts == [] and listing.errors == []


def test_host_per_region(org, tmp_path):
    ids, vpcs = org["ids"], org["vpcs"]
    listing = list_inventory(tmp_path, org["env"], "regions: [eu-west-1, us-east-1]\nhost_per: region\n"
                             "external_id: ext-1234\n")
    assert listing.proc.returncode == 0, listing.output
    # play and the management account have only default VPCs: no host.
    assert listing.hosts == sorted([host(org, "dev", "eu-west-1"), host(org, "dev", "us-east-1"),
                                    host(org, "prod", "eu-west-1"), host(org, "shop", "eu-west-1")])
    assert listing.hostvars[host(org, "dev", "eu-west-1")] == {
        "aws_account_id": ids["dev"], "aws_account_name": "dev", "aws_region": "eu-west-1",
        "vpc_ids": sorted([vpcs["a"], vpcs["b"]]), "aws_role_arn": "arn:aws:iam::%s:role/%s" % (ids["dev"], ROLE),
        "aws_external_id": "ext-1234", "aws_endpoint_url": org["url"]}
    assert listing.group("region_us_east_1") == [host(org, "dev", "us-east-1")]


def test_keyed_groups_groups_and_compose(org, tmp_path):
    text = ("regions: [eu-west-1]\n"
            "keyed_groups:\n  - key: vpc_tags.env | default('none')\n    prefix: env\n"
            "groups:\n  production_accounts: aws_account_name in ['prod', 'shop']\n"
            "compose:\n  vpc_label: aws_account_name ~ '/' ~ (vpc_name | default(vpc_id))\n")
    listing = list_inventory(tmp_path, org["env"], text)
    assert listing.proc.returncode == 0, listing.output
    assert listing.group("env_prod") == sorted([host(org, "prod", "eu-west-1", "d"),
                                                host(org, "shop", "eu-west-1", "e")])
    assert listing.group("env_none") == sorted([host(org, "dev", "eu-west-1", "a"), host(org, "dev", "eu-west-1", "b")])
    assert listing.group("production_accounts") == listing.group("env_prod")
    assert listing.hostvars[host(org, "dev", "eu-west-1", "a")]["vpc_label"] == "dev/dev-apps"
    assert listing.hostvars[host(org, "dev", "eu-west-1", "b")]["vpc_label"] == "dev/" + org["vpcs"]["b"]


def test_cache_serves_the_second_run_without_aws(org, tmp_path):
    cache_dir = tmp_path / "cache"
    text = ("regions: [eu-west-1, us-east-1]\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
            "cache_connection: %s\ncache_timeout: 3600\n" % cache_dir)
    first = list_inventory(tmp_path, org["env"], text)
    assert first.proc.returncode == 0, first.output
    assert org["server"].requests().get("ec2.DescribeVpcs")
    org["server"].clear_requests()
    second = list_inventory(tmp_path, org["env"], text)
    assert second.proc.returncode == 0, second.output
    assert org["server"].requests() == {}
    assert second.proc.stdout == first.proc.stdout
    cached = "".join(path.read_text() for path in cache_dir.iterdir())
    assert org["vpcs"]["d"] in cached
    for word in ("testing", "Secret", "secret", "Token", "AccessKey"):
        assert word not in cached
    # --flush-cache asks AWS again.
    third = list_inventory(tmp_path, org["env"], text, args=["--flush-cache"])
    assert third.proc.returncode == 0 and org["server"].requests().get("ec2.DescribeVpcs")


@pytest.mark.parametrize("text, message", [
    ("regions: [eu-west-1]\nhost_per: zone\n", "'zone' for config 'host_per'"),
    ("regions: [eu-west-1]\naccounts: ['12345']\n", "accounts: '12345' is not a valid account id"),
    ("regions: [eu-west-1]\nvpc_filters: [tag:x]\n", "vpc_filters"),
    ("regions: [Ireland]\n", "'Ireland' is not a valid AWS region name"),
    ("accounts: ['123456789012']\n", "regions"),
    ("regions: [eu-west-1]\nmax_workers: 0\n", "max_workers must be between 1 and 256"),
    # A typo must not silently widen the inventory to the whole organization.
    ("regions: [eu-west-1]\naccount: ['123456789012']\n", "unknown option(s) account; the options are"),
])
def test_bad_source_file_fails_clearly(org, tmp_path, text, message):
    listing = list_inventory(tmp_path, org["env"], text)
    assert listing.proc.returncode != 0
    assert message in listing.output, listing.output
    assert "Traceback" not in listing.output
    assert org["server"].requests() == {}


# --------------------------------------------------------------------------- unassumable account

@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A dedicated moto_server with IAM enforcement on: the role of account ``blocked`` cannot be assumed.

    Seeded before enforcement starts: in account ``good``, the role (with a read policy) and a VPC;
    in the management account, the controller's IAM user, allowed everything but sts:AssumeRole on
    the roles of ``blocked``.
    """
    good, blocked = "210987654321", "310987654321"
    with MotoServer() as server:
        iam = boto("iam", server.url)
        iam.create_user(UserName="inventory")
        iam.put_user_policy(UserName="inventory", PolicyName="inventory", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::%s:role/*" % blocked},
            ]}))
        key = iam.create_access_key(UserName="inventory")["AccessKey"]
        good_iam = seed_client("iam", server.url, "us-east-1", role_arn="arn:aws:iam::%s:role/%s" % (good, ROLE))
        good_iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Principal": {"AWS": "arn:aws:iam::%s:root" % MANAGEMENT}}]}))
        good_iam.put_role_policy(RoleName=ROLE, PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}]}))
        vpc_id = vpc(member_ec2(server.url, good, "eu-west-1"), "10.7.0.0/16", "good-apps")
        # Enforcement from the next request on (a form content type would hide the body from moto).
        server._call("/moto-api/reset-auth", method="POST", data=b"0",  # pylint: disable=protected-access
                     headers={"Content-Type": "text/plain"})
        env = aws_env(server.url, "eu-west-1", extra={"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                                                      "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]})
        yield {"server": server, "env": env, "good": good, "blocked": blocked, "vpc_id": vpc_id,
               "text": "regions: [eu-west-1]\naccounts: ['%s', '%s']\n" % (good, blocked)}


def test_unassumable_account_with_warn_is_left_out_and_recorded(guarded, tmp_path):
    listing = list_inventory(tmp_path, guarded["env"], guarded["text"])
    assert listing.proc.returncode == 0, listing.output
    assert listing.hosts == ["%s-eu-west-1-%s" % (guarded["good"], guarded["vpc_id"])]
    [error] = listing.errors
    assert error["account_id"] == guarded["blocked"] and error["region"] is None
    assert error["message"].startswith("Failed to assume arn:aws:iam::%s:role/%s: AccessDenied: "
                                       % (guarded["blocked"], ROLE))
    assert "check that the role exists in the account" in error["message"]
    assert "[WARNING]" in listing.proc.stderr and "account %s" % guarded["blocked"] in listing.proc.stderr


def test_unassumable_account_with_fail_fails_the_inventory(guarded, tmp_path):
    listing = list_inventory(tmp_path, guarded["env"], guarded["text"] + "on_account_error: fail\n")
    assert listing.proc.returncode != 0
    assert "account %s" % guarded["blocked"] in listing.output and "AccessDenied" in listing.output
    assert "Traceback" not in listing.output
    # Where unparsed sources are not fatal, the source is skipped with a warning naming the account.
    listing = list_inventory(tmp_path, guarded["env"], guarded["text"] + "on_account_error: fail\n",
                             unparsed_failed=False)
    assert listing.proc.returncode == 0 and listing.hostvars == {}
    assert "account %s" % guarded["blocked"] in listing.proc.stderr


# --------------------------------------------------------------------------- the audit on the plugin's hosts

def test_audit_playbook_runs_on_region_hosts(moto, tmp_path):
    api = boto("organizations", moto.url)
    api.create_organization(FeatureSet="ALL")
    accounts = [api.create_account(AccountName=name, Email="%s@example.com" % name)["CreateAccountStatus"]["AccountId"]
                for name in ("audit-a", "audit-b")]
    seeded = []
    for index, account in enumerate(accounts):
        ec2 = member_ec2(moto.url, account, "eu-west-1")
        seeded.append(seed_private_vpc(ec2, "apps-%d" % index, cidr="10.%d.0.0/16" % (80 + index), zones=2)["vpc_id"])
    path = tmp_path / "audit.aws_vpcs.yml"
    path.write_text(HEADER + "regions: [eu-west-1]\nhost_per: region\nexclude_accounts: ['%s']\n" % MANAGEMENT)
    report = tmp_path / "report"
    moto.clear_requests()
    proc = run_playbook("playbooks/audit.yml", aws_env(moto.url, "eu-west-1"), inventory=str(path),
                        extra_vars={"posture_report_dir": str(report)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(str(report / "posture.json")) as handle:
        posture = json.load(handle)
    audited = {(entry.get("account_id"), entry["vpc_id"]) for entry in posture["vpcs"]}
    for account, vpc_id in zip(accounts, seeded):
        assert (account, vpc_id) in audited, posture["vpcs"]
    assert {entry["target"] for entry in posture["vpcs"]} >= {"%s-eu-west-1" % account for account in accounts}
    assert posture["errors"] == []
    assert moto.mutating_requests() == {}


# --------------------------------------------------------------------------- deploy on the plugin's hosts

def test_deploy_playbook_converges_every_listed_vpc_then_changes_nothing(moto, tmp_path):
    """Two member accounts, a private VPC each (and their default VPCs, left out): deploy converges both
    through the accounts' roles, a re-run changes nothing, and a host_per: region host is refused."""
    api = boto("organizations", moto.url)
    api.create_organization(FeatureSet="ALL")
    accounts = [api.create_account(AccountName=name, Email="%s@example.com" % name)["CreateAccountStatus"]["AccountId"]
                for name in ("deploy-a", "deploy-b")]
    seeded = {}
    for index, account in enumerate(accounts):
        ec2 = member_ec2(moto.url, account, "eu-west-1")
        seeded[account] = seed_private_vpc(ec2, "apps-%d" % index, cidr="10.%d.0.0/16" % (90 + index), zones=2)
    source = tmp_path / "deploy.aws_vpcs.yml"
    source.write_text(HEADER + "regions: [eu-west-1]\nexclude_accounts: ['%s']\n" % MANAGEMENT)
    env = aws_env(moto.url, "eu-west-1")

    first = run_playbook("playbooks/deploy.yml", env, inventory=str(source))
    assert first.returncode == 0, first.stdout + first.stderr
    hosts = ["%s-eu-west-1-%s" % (account, seeded[account]["vpc_id"]) for account in accounts]
    runs = recap(first.stdout)
    assert sorted(runs) == sorted(hosts), first.stdout
    assert all(run["changed"] == 1 and run["failed"] == 0 for run in runs.values()), first.stdout
    prefix = "com.amazonaws.eu-west-1."
    for account in accounts:
        ec2 = member_ec2(moto.url, account, "eu-west-1")
        found = live_endpoints(ec2, seeded[account]["vpc_id"])
        assert sorted(e["ServiceName"][len(prefix):] for e in found) == [
            "ecr.api", "ecr.dkr", "logs", "s3"]
        # Only the listed VPC: the account's default VPC got nothing.
        default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
        assert live_endpoints(ec2, default) == []

    moto.clear_requests()
    again = run_playbook("playbooks/deploy.yml", env, inventory=str(source))
    assert again.returncode == 0, again.stdout + again.stderr
    runs = recap(again.stdout)
    assert sorted(runs) == sorted(hosts)
    assert all(run["changed"] == 0 and run["failed"] == 0 for run in runs.values()), again.stdout
    assert moto.mutating_requests() == {}

    region_source = tmp_path / "regions.aws_vpcs.yml"
    region_source.write_text(HEADER + "regions: [eu-west-1]\nhost_per: region\nexclude_accounts: ['%s']\n"
                             % MANAGEMENT)
    refused = run_playbook("playbooks/deploy.yml", env, inventory=str(region_source))
    assert refused.returncode != 0
    assert "is an account-region host (vpc_ids: %s)" % seeded[accounts[0]]["vpc_id"] in " ".join(refused.stdout.split())
    assert "use host_per: vpc in the aws_vpcs inventory source" in " ".join(refused.stdout.split())
