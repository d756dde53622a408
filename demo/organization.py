"""The demo's AWS Organization in moto_server, and the aws_vpcs inventory files that list it.

    root
    |- workloads (OU)
    |  |- production (OU): payments (env=prod, team=payments), shop (env=prod, team=web)
    |  `- staging (OU):    shop-staging (env=staging, team=web)
    |- sandbox (OU):       sandbox (its role cannot be assumed: the controller is denied sts:AssumeRole)
    `- the management account (moto's 123456789012), left out by exclude_accounts

Each member account has the role privatelink-ecr-automation; the VPCs the platform runs containers in
carry ``Containers=true`` (the inventory's ``vpc_filters``); one more VPC (``legacy-db``) does not, and
moto gives every account and region a default VPC, which the inventory leaves out. Used by
``make demo`` (demo/run_demo.py) and ``make emulator`` (demo/emulator.py).
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.seed import AUTOMATION_ROLE, create_controller, enforce_iam, seed_organization  # noqa: E402

REGIONS = ["eu-west-1", "us-east-1"]
EXTERNAL_ID = "privatelink-ecr-demo"
CONTAINERS = {"Containers": "true"}

OUS = [("workloads", None), ("production", "workloads"), ("staging", "workloads"), ("sandbox", None)]
ACCOUNTS = [
    {"name": "payments", "ou": "production", "tags": {"env": "prod", "team": "payments"}, "vpcs": {
        "eu-west-1": [{"name": "payments-api", "cidr": "10.11.0.0/16", "tags": CONTAINERS},
                      {"name": "payments-batch", "cidr": "10.12.0.0/16", "tags": CONTAINERS},
                      {"name": "legacy-db", "cidr": "10.13.0.0/16"}],
        "us-east-1": [{"name": "payments-dr", "cidr": "10.14.0.0/16", "tags": CONTAINERS}]}},
    {"name": "shop", "ou": "production", "tags": {"env": "prod", "team": "web"}, "vpcs": {
        "eu-west-1": [{"name": "shop-web", "cidr": "10.21.0.0/16", "tags": CONTAINERS}]}},
    {"name": "shop-staging", "ou": "staging", "tags": {"env": "staging", "team": "web"}, "vpcs": {
        "eu-west-1": [{"name": "shop-staging", "cidr": "10.31.0.0/16", "tags": CONTAINERS}]}},
    {"name": "sandbox", "ou": "sandbox", "tags": {"env": "sandbox"}, "vpcs": {
        "eu-west-1": [{"name": "experiments", "cidr": "10.41.0.0/16", "tags": CONTAINERS}]}},
]
UNASSUMABLE = "sandbox"

INVENTORY_TEMPLATE = """\
# The demo's fleet: every ACTIVE account of the organization but the management account, in two
# regions, the VPCs tagged Containers=true ({what}). Written by {writer}.
plugin: privatelink.ecr.aws_vpcs
regions: [{regions}]
exclude_accounts: ["{management}"]        # the management account runs no workloads
role_name: {role}
external_id: {external_id}
vpc_filters: {{"tag:Containers": "true"}}
host_per: {host_per}
on_account_error: warn                    # an account that cannot be listed: a warning and an audit error
# The local AWS emulator serves every call (the organization's and each member account's).
endpoint_url: {url}
"""

GROUP_VARS = """\
---
# Every target of the demo's inventories (group_vars/ next to the inventory source files).
vpc_endpoints_workload: fargate
# Data-perimeter endpoint policies: only the organization's principals and resources, plus what an
# image pull needs (ECR's layer bucket, presigned). The audit then has nothing to report.
vpc_endpoints_perimeter_org_id: {org_id}
vpc_endpoints_tags:
  CostCenter: platform
"""


def seed(url):
    """Seed the organization, create the controller (denied the sandbox role), turn IAM enforcement on.

    Seeds with moto's default keys, so the emulator must have IAM enforcement off: a new moto_server,
    or one after demo/run_demo.py's fresh_emulator.

    Returns the seed_organization result plus ``credentials`` (the controller's keys: the only keys
    that work from now on) and ``unassumable`` (the sandbox account id).
    """
    org = seed_organization(url, OUS, ACCOUNTS, role_name=AUTOMATION_ROLE, external_id=EXTERNAL_ID)
    blocked = org["accounts"][UNASSUMABLE]["id"]
    org["credentials"] = create_controller(url, deny_assume_accounts=[blocked])
    org["unassumable"] = blocked
    enforce_iam(url)
    return org


CACHE = """\
# Ansible's inventory cache: the organization is listed once, later runs read the listing back
# (ansible-inventory --flush-cache, or deleting the folder, lists it again).
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {folder}
cache_timeout: 3600
"""


def write_inventories(folder, url, org, writer, cache_folder=None):
    """fleet.aws_vpcs.yml (host_per: vpc, for deploy), audit.aws_vpcs.yml (host_per: region) and group_vars/.

    With ``cache_folder``, the files turn Ansible's inventory cache on (a relative folder is taken from the
    directory the commands run in, the repository root)."""
    os.makedirs(os.path.join(folder, "group_vars"), exist_ok=True)
    paths = {}
    for name, host_per, what in (("fleet", "vpc", "one host per VPC, for deploy"),
                                 ("audit", "region", "one host per account and region, for the audit")):
        path = os.path.join(folder, "%s.aws_vpcs.yml" % name)
        with open(path, "w") as handle:
            handle.write(INVENTORY_TEMPLATE.format(
                what=what, writer=writer, regions=", ".join(REGIONS), management=org["management_account_id"],
                role=AUTOMATION_ROLE, external_id=EXTERNAL_ID, host_per=host_per, url=url))
            if cache_folder:
                handle.write(CACHE.format(folder=cache_folder))
        paths[name] = path
    with open(os.path.join(folder, "group_vars", "all.yml"), "w") as handle:
        handle.write(GROUP_VARS.format(org_id=org["org_id"]))
    return paths


def describe(org):
    """Lines describing the seeded organization, for the demo's output."""
    lines = ["  organization %s, management account %s (excluded)" % (org["org_id"], org["management_account_id"])]
    for spec in ACCOUNTS:
        account = org["accounts"][spec["name"]]
        tags = ", ".join("%s=%s" % kv for kv in sorted(account["tags"].items()))
        note = "  <- its role cannot be assumed" if spec["name"] == UNASSUMABLE else ""
        lines.append("  OU %-10s account %s %-13s (%s)%s" % (spec["ou"], account["id"], spec["name"], tags, note))
        for vpc in account["vpcs"]:
            lines.append("      %-9s %s %-15s %s%s" % (
                vpc["region"], vpc["vpc_id"], vpc["name"], ", ".join("%s=%s" % kv for kv in sorted(vpc["tags"].items())
                                                                     if kv[0] != "Name") or "untagged",
                "" if vpc["tags"].get("Containers") == "true" else "  (no Containers tag: left out)"))
    lines.append("  + a default VPC in every account and region (left out: include_default_vpcs is false)")
    return lines


def targets(org):
    """The VPCs the deploy must converge: tagged Containers=true, in accounts whose role can be assumed."""
    found = []
    for spec in ACCOUNTS:
        if spec["name"] == UNASSUMABLE:
            continue
        account = org["accounts"][spec["name"]]
        for vpc in account["vpcs"]:
            if vpc["tags"].get("Containers") == "true":
                found.append(dict(vpc, account_id=account["id"], account_name=spec["name"],
                                  role_arn=account["role_arn"],
                                  host="%s-%s-%s" % (account["id"], vpc["region"], vpc["vpc_id"])))
    return sorted(found, key=lambda t: t["host"])
