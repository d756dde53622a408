"""`make demo`: the collection on an AWS Organization, in a local AWS emulator.

Starts moto_server on 127.0.0.1 (every AWS call of the demo goes there, never to AWS) and seeds an
organization (demo/organization.py: OUs, tagged accounts, several VPCs per account and region, default
VPCs, one account whose role cannot be assumed). Then, with the privatelink.ecr.aws_vpcs inventory:

1. lists the fleet (``ansible-inventory --graph``): the unassumable account is a warning;
2. runs privatelink.ecr.deploy (one host per VPC) with data-perimeter endpoint policies
   (``vpc_endpoints_perimeter_org_id``), then again: nothing changes, no mutating AWS request;
3. runs privatelink.ecr.audit (one host per account and region): no finding of any severity, and the
   unassumable account as the one audit error;
4. breaks one VPC's network ACL, audits that VPC's region: NACL_BLOCKS_HTTPS and its repair advice;
   undoes the mistake and audits again: clean.
5. centralized endpoints (hub and spokes): one hub VPC and two spokes in two accounts, peered to the
   hub; deploy (hubs, then spokes, across accounts through Route 53 association authorizations), deploy
   again (nothing changes), audit: every VPC compliant through the hub, and the fleet's cost against
   every VPC having its own interface endpoints.
6. public images in private subnets: a Fargate service using ``nginx`` from Docker Hub in a private VPC is
   reported IMAGE_NEEDS_INTERNET; a deploy with a Docker Hub pull-through cache rule
   (``ecr_pull_through_cache_rules``, its secret created in the emulator), the service pointed at the cached
   reference: CACHE_NOT_SEEDED (the first pull needs egress), then clean once the cached repository exists.

Every command printed after ``$`` is exactly the command run, quoted for a shell, from the repository
root with the environment printed first; ``make emulator`` keeps such an emulator up to try them by hand.
``python demo/run_demo.py --inventory example`` runs the small-fleet alternative instead: the hand-written
inventories/example (3 accounts x 2 regions, one VPC each). The emulator is stopped however the demo ends.

Steps 1-4 (or the small fleet), step 5 and step 6 are three acts, each on a fresh emulator (no resource, IAM
enforcement off, whatever the act before it did) that it seeds with the credentials it needs: the
organization act turns IAM enforcement on and works with its controller's keys from then on. An act
that fails is reported in one line (an unexpected error's traceback goes to .build/demo/tracebacks.log)
and the next act still runs. Exit code 0 when every act did what it should, 1 otherwise
(``make test-demo`` runs both demos and fails on either).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from demo import organization  # noqa: E402
from demo.commands import environment, exports, relative, run  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402
from tests.support.seed import client, enforce_iam, live_endpoints, seed_private_vpc  # noqa: E402

INVENTORY = os.path.join(ROOT, "inventories", "example")
WORK = os.path.join(ROOT, ".build", "demo")
SEVERITIES = ("high", "medium", "low", "info")


class DemoFailed(Exception):
    pass


def say(text):
    print("\n=== %s" % text, flush=True)


def read_posture(report_dir):
    with open(os.path.join(report_dir, "posture.json")) as handle:
        return json.load(handle)


def vpc_entry(posture, vpc_id):
    for vpc in posture.get("vpcs") or []:
        if vpc.get("vpc_id") == vpc_id:
            return vpc
    raise DemoFailed("posture.json has no entry for %s" % vpc_id)


def print_posture(posture):
    s = posture["summary"]
    print("  posture: %d VPC(s), %d compliant, %d not compliant; findings %s; %d audit error(s); %.2f USD a month"
          % (s["vpcs"], s["compliant"], s["non_compliant"],
             ", ".join("%d %s" % (s["findings"][k], k) for k in SEVERITIES), s["errors"],
             posture["cost"]["monthly_usd"]))
    for error in posture.get("errors") or []:
        message = error["message"] if len(error["message"]) <= 150 else error["message"][:150].rsplit(" ", 1)[0] + " ..."
        print("  audit error  %s (account %s): %s" % (error["target"], error["account_id"], message))


def print_table(header, rows):
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    print(line)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print(line)
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths)) + " |")
    print(line, flush=True)


def endpoint_names(ec2, region, vpc_id):
    prefix = "com.amazonaws.%s." % region
    return sorted(e["ServiceName"].replace(prefix, "") for e in live_endpoints(ec2, vpc_id))


def deploy_twice(server, env, inventory_args, hosts, label):
    """Deploy, deploy again; fail unless every host converged and the second run changed nothing."""
    say("Deploy%s" % label)
    rc, _out, first = run(["ansible-playbook", "privatelink.ecr.deploy"] + inventory_args, env)
    if rc != 0:
        raise DemoFailed("the first deploy failed (exit code %d)" % rc)
    missing = sorted(set(hosts) - set(first))
    if missing:
        raise DemoFailed("the deploy did not run on %s" % ", ".join(missing))

    say("Deploy again: nothing changes")
    server.clear_requests()
    rc, _out, second = run(["ansible-playbook", "privatelink.ecr.deploy"] + inventory_args, env)
    if rc != 0:
        raise DemoFailed("the second deploy failed (exit code %d)" % rc)
    mutating = server.mutating_requests()
    print("Second deploy: %d mutating AWS request(s) %s" % (sum(mutating.values()), mutating or ""))
    if mutating or any(second.get(h, {}).get("changed") for h in hosts):
        raise DemoFailed("the second deploy changed something")
    return first, second


# ---------------------------------------------------------------- the organization (default)

def break_nacl(ec2, vpc_id):
    """The mistake: someone "hardens" the private subnets' network ACL and denies inbound TCP 1024-65535.

    ACLs are stateless: the answers of the endpoints and of S3 come back to the workloads on those ports.
    """
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                             {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
    ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50, Protocol="6", RuleAction="deny",
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 1024, "To": 65535})
    return acl["NetworkAclId"]


def organization_demo(server):
    started = time.monotonic()
    say("Seeding an AWS Organization in moto_server at %s" % server.url)
    org = organization.seed(server.url)
    for line in organization.describe(org):
        print(line)
    targets = organization.targets(org)
    credentials = org["credentials"]

    folder = os.path.join(WORK, "org")
    shutil.rmtree(folder, ignore_errors=True)
    paths = organization.write_inventories(folder, server.url, org, "make demo (demo/run_demo.py)",
                                           cache_folder=relative(os.path.join(folder, "inventory-cache")))
    fleet, audit_inventory = relative(paths["fleet"]), relative(paths["audit"])
    report_dir = relative(os.path.join(folder, "posture-report"))
    env = environment(server.url, credentials)
    print("  seeded in %.1f s; IAM enforcement is on: only the controller's keys below work, and they may not assume"
          " the role of account %s" % (time.monotonic() - started, org["unassumable"]))
    say("Inventory files: %s (host_per: vpc, for deploy), %s (host_per: region, for the audit), %s"
        % (fleet, audit_inventory, relative(os.path.join(folder, "group_vars", "all.yml"))))
    with open(paths["fleet"]) as handle:
        print(handle.read().rstrip())
    say("Environment of every command below (paste it into a shell next to `make emulator`)")
    for line in exports(env):
        print(line)

    say("The fleet, listed from the organization")
    rc, output, _recap = run(["ansible-inventory", "-i", fleet, "--graph"], env)
    if rc != 0:
        raise DemoFailed("the inventory failed (exit code %d)" % rc)
    listed = [t["host"] for t in targets if t["host"] in output]
    if len(listed) != len(targets) or org["unassumable"] not in output:
        raise DemoFailed("the inventory did not list the %d VPCs, or did not warn about account %s"
                         % (len(targets), org["unassumable"]))

    hosts = [t["host"] for t in targets]
    first, second = deploy_twice(server, env, ["-i", fleet], hosts, " with data-perimeter endpoint policies (%s)"
                                 % org["org_id"])
    say("Summary")
    rows = []
    for target in targets:
        ec2 = client("ec2", server.url, target["region"], target["role_arn"], credentials=credentials)
        names = endpoint_names(ec2, target["region"], target["vpc_id"])
        rows.append((target["account_id"], target["region"], "%s (%s)" % (target["vpc_id"], target["name"]),
                     "%d: %s" % (len(names), ", ".join(names)), first[target["host"]]["changed"],
                     second[target["host"]]["changed"]))
    print_table(("account", "region", "VPC", "endpoints", "changed (1st deploy)", "changed (2nd deploy)"), rows)
    if any(not r[3].startswith("4:") for r in rows):
        raise DemoFailed("a VPC does not have its 4 endpoints")

    say("Audit the organization: one host per account and region")
    audit = ["ansible-playbook", "privatelink.ecr.audit", "-i", audit_inventory,
             "-e", "posture_report_dir=%s" % report_dir]
    rc = run(audit, env)[0]
    if rc != 0:
        raise DemoFailed("the audit failed (exit code %d)" % rc)
    posture = read_posture(os.path.join(ROOT, report_dir))
    print_posture(posture)
    summary = posture["summary"]
    if sum(summary["findings"].values()) or summary["vpcs"] != len(targets) or summary["compliant"] != len(targets):
        raise DemoFailed("the audit of the perimeter deploy is not clean: %s" % summary)
    if [e["account_id"] for e in posture["errors"]] != [org["unassumable"]]:
        raise DemoFailed("the audit does not report the unassumable account %s as its one error: %s"
                         % (org["unassumable"], posture["errors"]))
    print("  no finding of any severity; the account whose role cannot be assumed is the one audit error")

    victim = targets[0]
    region_host = "%s-%s" % (victim["account_id"], victim["region"])
    ec2 = client("ec2", server.url, victim["region"], victim["role_arn"], credentials=credentials)
    say("Break the network ACL of %s (%s)" % (victim["vpc_id"], victim["name"]))
    acl_id = break_nacl(ec2, victim["vpc_id"])
    print("  boto3 CreateNetworkAclEntry on %s, the VPC's default ACL (every subnet uses it): rule 50, inbound,"
          " TCP 1024-65535 from 0.0.0.0/0, deny" % acl_id)

    say("Audit that account and region again: the finding and the repair advice")
    rc = run(audit + ["--limit", region_host], env)[0]
    if rc != 0:
        raise DemoFailed("the audit failed (exit code %d)" % rc)
    posture = read_posture(os.path.join(ROOT, report_dir))
    broken = vpc_entry(posture, victim["vpc_id"])
    nacl = [f for f in broken["findings"] if f["id"] == "NACL_BLOCKS_HTTPS"]
    for finding in broken["findings"]:
        print("  [%s] %s %s: %s\n      repair: %s" % (
            finding["severity"], finding["id"], finding["resource"], finding["message"], finding["remediation"]))
    if not nacl or broken["compliant"]:
        raise DemoFailed("the audit did not report NACL_BLOCKS_HTTPS on %s" % victim["vpc_id"])
    # The reports name what people know: the inventory's account name and the VPC's Name tag.
    print("  posture.json names it: account %s (%s), VPC %s (%s)" % (
        broken["account_id"], broken.get("account_name"), broken["vpc_id"], broken.get("vpc_name")))
    if (broken.get("account_name"), broken.get("vpc_name")) != (victim["account_name"], victim["name"]):
        raise DemoFailed("posture.json does not name account %s (%s) and VPC %s (%s)" % (
            victim["account_id"], victim["account_name"], victim["vpc_id"], victim["name"]))
    print_posture(posture)  # the report still covers the whole organization (the --limit run merged into it)

    say("Undo the mistake, audit again: clean")
    ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=50, Egress=False)
    print("  boto3 DeleteNetworkAclEntry on %s: rule 50, inbound" % acl_id)
    rc = run(audit + ["--limit", region_host], env)[0]
    posture = read_posture(os.path.join(ROOT, report_dir))
    repaired = vpc_entry(posture, victim["vpc_id"])
    print("  %s (%s): compliant=%s, %d finding(s)" % (victim["vpc_id"], victim["name"], repaired["compliant"],
                                                      len(repaired["findings"])))
    if rc != 0 or repaired["findings"]:
        raise DemoFailed("%s is not clean after the repair" % victim["vpc_id"])
    print_posture(posture)
    print("  reports: %s/posture.{json,md,html}" % report_dir)


# ---------------------------------------------------------------- the small fleet (inventories/example)

def example_targets(env):
    """Each inventory host with its merged variables (the example's values are plain, not templated)."""
    out = subprocess.run(["ansible-inventory", "-i", relative(INVENTORY), "--list"], capture_output=True, text=True,
                         check=True, env=env, cwd=ROOT)
    hostvars = json.loads(out.stdout)["_meta"]["hostvars"]
    return sorted((dict(hostvars[name], host=name) for name in hostvars),
                  key=lambda t: (str(t["aws_account_id"]), t["aws_region"], t["host"]))


def example_demo(server):
    env = environment(server.url)
    targets = example_targets(env)
    say("Seeding %d private VPCs in moto_server at %s (assume-role into each account)" % (len(targets), server.url))
    for index, target in enumerate(targets):
        ec2 = client("ec2", server.url, target["aws_region"], target["aws_role_arn"])
        vpc = seed_private_vpc(ec2, target["vpc_name"], cidr="10.%d.0.0/16" % (10 + index))
        target["vpc_id"] = vpc["vpc_id"]
        print("  %-20s account %s  %-10s %s (%s)" % (
            target["host"], target["aws_account_id"], target["aws_region"], vpc["vpc_id"], target["vpc_name"]),
            flush=True)
    say("Environment of every command below")
    for line in exports(env):
        print(line)
    inventory_args = ["-i", relative(INVENTORY), "-e", "aws_endpoint_url=%s" % server.url, "--forks", "6"]
    hosts = [t["host"] for t in targets]
    first, second = deploy_twice(server, env, inventory_args, hosts, " (inventories/example)")
    say("Summary")
    rows = []
    for target in targets:
        ec2 = client("ec2", server.url, target["aws_region"], target["aws_role_arn"])
        names = endpoint_names(ec2, target["aws_region"], target["vpc_id"])
        rows.append((target["aws_account_id"], target["aws_region"], "%s (%s)" % (target["vpc_id"], target["vpc_name"]),
                     "%d: %s" % (len(names), ", ".join(names)), first[target["host"]]["changed"],
                     second[target["host"]]["changed"]))
    print_table(("account", "region", "VPC", "endpoints", "changed (1st deploy)", "changed (2nd deploy)"), rows)
    if any(not r[3].startswith("4:") for r in rows):
        raise DemoFailed("a VPC does not have its 4 endpoints")

    victim = targets[0]
    say("Break %s on purpose: detach the S3 gateway endpoint from a private route table" % victim["host"])
    ec2 = client("ec2", server.url, victim["aws_region"], victim["aws_role_arn"])
    s3 = [e for e in live_endpoints(ec2, victim["vpc_id"]) if e["ServiceName"].endswith(".s3")][0]
    detached = sorted(s3["RouteTableIds"])[0]
    ec2.modify_vpc_endpoint(VpcEndpointId=s3["VpcEndpointId"], RemoveRouteTableIds=[detached])
    print("  boto3 ModifyVpcEndpoint %s: RemoveRouteTableIds %s" % (s3["VpcEndpointId"], detached))
    report_dir = relative(os.path.join(WORK, "example", "posture-report"))
    shutil.rmtree(os.path.join(ROOT, report_dir), ignore_errors=True)
    audit = ["ansible-playbook", "privatelink.ecr.audit"] + inventory_args + ["-e", "posture_report_dir=%s" % report_dir]
    say("Audit: the finding")
    if run(audit, env)[0] != 0:
        raise DemoFailed("the audit failed")
    broken = vpc_entry(read_posture(os.path.join(ROOT, report_dir)), victim["vpc_id"])
    for finding in broken["findings"]:
        print("  [%s] %s %s: %s" % (finding["severity"], finding["id"], finding["resource"], finding["message"]))
    if not any(f["id"] == "S3_ROUTE_MISSING" for f in broken["findings"]):
        raise DemoFailed("the audit did not report S3_ROUTE_MISSING on %s" % victim["vpc_id"])
    say("Repair with deploy")
    rc, _out, recap = run(["ansible-playbook", "privatelink.ecr.deploy"] + inventory_args + ["--limit", victim["host"]],
                          env)
    if rc != 0 or not recap.get(victim["host"], {}).get("changed"):
        raise DemoFailed("deploy did not repair %s" % victim["host"])
    say("Audit again: compliant")
    run(audit + ["--limit", victim["host"]], env)
    repaired = vpc_entry(read_posture(os.path.join(ROOT, report_dir)), victim["vpc_id"])
    print("  %s (%s): compliant=%s" % (victim["host"], victim["vpc_id"], repaired["compliant"]))
    if not repaired["compliant"]:
        raise DemoFailed("%s is still not compliant after the repair" % victim["vpc_id"])
    print("  reports: %s/posture.{json,md,html}" % report_dir)


# ---------------------------------------------------------------- centralized endpoints (every demo)

HUB_ACCOUNTS = {"hub": "500000000001", "spoke-a": "500000000001", "spoke-b": "500000000002"}
HUB_CIDRS = {"hub": "10.100.0.0/16", "spoke-a": "10.101.0.0/16", "spoke-b": "10.102.0.0/16"}


def hub_and_spoke_demo(server, region="eu-west-1"):
    """One hub, a spoke in its account and one in another; peering between each spoke and the hub, routed both ways."""
    role = "arn:aws:iam::%s:role/privatelink-ecr-automation"
    say("Centralized endpoints: seeding a hub VPC and two spokes in two accounts, each spoke peered to the hub")
    ec2 = dict((name, client("ec2", server.url, region, role % account)) for name, account in HUB_ACCOUNTS.items())
    vpcs = dict((name, seed_private_vpc(ec2[name], "ecr-" + name, cidr=HUB_CIDRS[name])) for name in HUB_CIDRS)
    for spoke in ("spoke-a", "spoke-b"):
        pcx = ec2[spoke].create_vpc_peering_connection(
            VpcId=vpcs[spoke]["vpc_id"], PeerVpcId=vpcs["hub"]["vpc_id"],
            PeerOwnerId=HUB_ACCOUNTS["hub"])["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2["hub"].accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        for table in vpcs[spoke]["private_route_table_ids"]:
            ec2[spoke].create_route(RouteTableId=table, DestinationCidrBlock=HUB_CIDRS["hub"],
                                    VpcPeeringConnectionId=pcx)
        # And the way back: a peering connection carries traffic only where both VPCs route it (VPC peering
        # guide, "Update your route tables for a VPC peering connection"); the hub's endpoints sit in its
        # private subnets.
        for table in vpcs["hub"]["private_route_table_ids"]:
            ec2["hub"].create_route(RouteTableId=table, DestinationCidrBlock=HUB_CIDRS[spoke],
                                    VpcPeeringConnectionId=pcx)
    hosts = {}
    for name, vpc in vpcs.items():
        hosts[name] = {"vpc_id": vpc["vpc_id"], "aws_role_arn": role % HUB_ACCOUNTS[name], "aws_region": region,
                       "aws_account_id": HUB_ACCOUNTS[name], "vpc_cidrs": [HUB_CIDRS[name]],
                       "ecr_endpoints_mode": "hub" if name == "hub" else "spoke"}
        if name != "hub":
            hosts[name]["ecr_hub"] = "hub"
        print("  %-8s account %s  %s %s (%s)" % (
            name, HUB_ACCOUNTS[name], region, vpc["vpc_id"], hosts[name]["ecr_endpoints_mode"]), flush=True)
    folder = os.path.join(WORK, "hub-and-spoke")
    os.makedirs(folder, exist_ok=True)
    inventory = os.path.join(folder, "hosts.json")
    with open(inventory, "w") as handle:
        json.dump({"all": {"hosts": hosts}}, handle, indent=2)
    env = environment(server.url)
    inventory_args = ["-i", relative(inventory), "-e", "aws_endpoint_url=%s" % server.url, "--forks", "3"]
    deploy_twice(server, env, inventory_args, list(hosts), " (hubs first, then spokes)")
    report_dir = relative(os.path.join(folder, "posture-report"))
    shutil.rmtree(os.path.join(ROOT, report_dir), ignore_errors=True)
    say("Audit: spokes judged through their hub's endpoints and zones")
    if run(["ansible-playbook", "privatelink.ecr.audit"] + inventory_args
           + ["-e", "posture_report_dir=%s" % report_dir], env)[0] != 0:
        raise DemoFailed("the hub-and-spoke audit failed")
    posture = read_posture(os.path.join(ROOT, report_dir))
    rows = [(v["target"], v["vpc_id"], v["compliant"], "%.2f" % v["monthly_cost_usd"],
             "%.2f" % v["per_vpc_design_monthly_usd"]) for v in posture["vpcs"]]
    print_table(("target", "VPC", "compliant", "USD/month", "USD/month with its own endpoints"), rows)
    cost = posture["cost"]
    print("  Fleet: %.2f USD a month centralized, %.2f USD a month with per-VPC interface endpoints"
          % (cost["monthly_usd"], cost["per_vpc_design_monthly_usd"]))
    if not all(v["compliant"] for v in posture["vpcs"]):
        raise DemoFailed("a VPC of the hub-and-spoke fleet is not compliant")
    if not cost["per_vpc_design_monthly_usd"] > cost["monthly_usd"]:
        raise DemoFailed("the centralized design does not cost less than per-VPC endpoints")


# ---------------------------------------------------------------- public images in private subnets

IMAGES_ACCOUNT = "600000000001"
DOCKER_HUB_SECRET = "ecr-pullthroughcache/docker-hub"


def _print_findings(vpc):
    for finding in [f for f in vpc["findings"] if f["severity"] in ("high", "medium")]:
        print("  [%s] %s %s: %s\n      repair: %s" % (
            finding["severity"], finding["id"], finding["resource"], finding["message"], finding["remediation"]))
    for image in vpc.get("images") or []:
        print("  image %s (%s) of %s: pulled through %s" % (image["reference"], image["registry"],
                                                            ", ".join(image["workloads"]), image["path"]))


def public_images_demo(server, region="eu-west-1"):
    """A Fargate service in a private VPC pulls nginx from Docker Hub: IMAGE_NEEDS_INTERNET; a Docker Hub
    pull-through cache rule, the service pointed at the cached reference: CACHE_NOT_SEEDED (the first pull
    needs egress); the cached repository exists (seeded from a host with egress): clean."""
    role = "arn:aws:iam::%s:role/privatelink-ecr-automation" % IMAGES_ACCOUNT
    say("Public images in private subnets: a Fargate service using nginx from Docker Hub in a private VPC")
    ec2 = client("ec2", server.url, region, role)
    ecs = client("ecs", server.url, region, role)
    vpc = seed_private_vpc(ec2, "ecr-images", cidr="10.110.0.0/16")
    tasks_group = ec2.create_security_group(GroupName="web-tasks", Description="web tasks",
                                            VpcId=vpc["vpc_id"])["GroupId"]
    ecs.create_cluster(clusterName="shop")

    def register(image):
        return ecs.register_task_definition(
            family="web", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": "web", "image": image, "essential": True}])["taskDefinition"]

    first = register("nginx:1.27")
    ecs.create_service(cluster="shop", serviceName="web", taskDefinition=first["taskDefinitionArn"], desiredCount=2,
                       launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                           "subnets": vpc["private_subnet_ids"], "securityGroups": [tasks_group],
                           "assignPublicIp": "DISABLED"}})
    print("  account %s, %s %s: ECS service shop/web (Fargate, awsvpc, private subnets %s) runs nginx:1.27"
          % (IMAGES_ACCOUNT, region, vpc["vpc_id"], ", ".join(vpc["private_subnet_ids"])), flush=True)
    folder = os.path.join(WORK, "public-images")
    os.makedirs(folder, exist_ok=True)
    inventory = os.path.join(folder, "hosts.json")
    host = {"vpc_id": vpc["vpc_id"], "aws_role_arn": role, "aws_region": region, "aws_account_id": IMAGES_ACCOUNT}

    def write_inventory(**extra):
        with open(inventory, "w") as handle:
            json.dump({"all": {"hosts": {"images": dict(host, **extra)}}}, handle, indent=2)

    write_inventory()
    env = environment(server.url)
    inventory_args = ["-i", relative(inventory), "-e", "aws_endpoint_url=%s" % server.url]
    report_dir = relative(os.path.join(folder, "posture-report"))
    shutil.rmtree(os.path.join(ROOT, report_dir), ignore_errors=True)
    audit = ["ansible-playbook", "privatelink.ecr.audit"] + inventory_args + ["-e", "posture_report_dir=%s" % report_dir]

    def audited(expected, why):
        if run(audit, env)[0] != 0:
            raise DemoFailed("the audit failed")
        entry = vpc_entry(read_posture(os.path.join(ROOT, report_dir)), vpc["vpc_id"])
        _print_findings(entry)
        serious = sorted(f["id"] for f in entry["findings"] if f["severity"] in ("high", "medium"))
        if serious != expected:
            raise DemoFailed("%s: expected %s, the audit reports %s" % (why, expected or "no finding", serious))
        return entry

    say("Deploy the endpoints")
    if run(["ansible-playbook", "privatelink.ecr.deploy"] + inventory_args, env)[0] != 0:
        raise DemoFailed("the deploy failed")
    say("Audit: the endpoints are right, but nginx:1.27 comes from Docker Hub and the VPC has no route out")
    entry = audited(["IMAGE_NEEDS_INTERNET"], "the Docker Hub image")
    cached = "%s.dkr.ecr.%s.amazonaws.com/docker-hub/library/nginx:1.27" % (IMAGES_ACCOUNT, region)
    if not any(cached in f["remediation"] for f in entry["findings"] if f["id"] == "IMAGE_NEEDS_INTERNET"):
        raise DemoFailed("the remediation of IMAGE_NEEDS_INTERNET does not name the cached reference %s" % cached)
    services = [w for w in entry["workloads"] if w["kind"] == "ecs_service"]
    print("  workloads read from ECS: %s" % ", ".join("%s (images %s)" % (w["name"], ", ".join(w["images"]))
                                                      for w in services))

    say("Create the Docker Hub credential secret %s, deploy with a pull-through cache rule "
        "(host variable ecr_pull_through_cache_rules)" % DOCKER_HUB_SECRET)
    client("secretsmanager", server.url, region, role).create_secret(
        Name=DOCKER_HUB_SECRET, SecretString=json.dumps({"username": "demo", "accessToken": "demo-token"}))
    write_inventory(ecr_pull_through_cache_rules=[{"prefix": "docker-hub", "upstream": "docker-hub",
                                                   "credential_secret": DOCKER_HUB_SECRET}])
    if run(["ansible-playbook", "privatelink.ecr.deploy"] + inventory_args, env)[0] != 0:
        raise DemoFailed("the deploy with the pull-through cache rule failed")
    second = register(cached)
    ecs.update_service(cluster="shop", service="web", taskDefinition=second["taskDefinitionArn"])
    print("  boto3 RegisterTaskDefinition web:%d with %s, UpdateService shop/web" % (second["revision"], cached))

    say("Audit: the image comes through the cache, which is empty; its first pull needs egress")
    audited(["CACHE_NOT_SEEDED"], "the unseeded cache")

    say("Seed the cache from a host with egress (its first pull creates the cached repository), audit: clean")
    client("ecr", server.url, region, role).create_repository(repositoryName="docker-hub/library/nginx")
    print("  (in the emulator, nothing to pull from: boto3 CreateRepository docker-hub/library/nginx stands for "
          "`docker pull %s` on that host)" % cached)
    audited([], "the seeded cache")


# The acts of each demo, in order. Every act starts on an emulator as a new moto_server is: no resource,
# IAM enforcement off (fresh_emulator), so none depends on what an act before it left behind: the
# organization act seeds with moto's default keys, then turns enforcement on and works with its
# controller's keys; the hub-and-spoke act seeds and deploys with the default keys.
ACTS = {
    "organization": (("the AWS Organization: inventory, deploy twice, audit, break, repair", organization_demo),
                     ("centralized endpoints: a hub and two spokes", hub_and_spoke_demo),
                     ("public images in private subnets: Docker Hub, a pull-through cache, its first pull",
                      public_images_demo)),
    "example": (("the small fleet of inventories/example: deploy twice, break, audit, repair", example_demo),
                ("centralized endpoints: a hub and two spokes", hub_and_spoke_demo),
                ("public images in private subnets: Docker Hub, a pull-through cache, its first pull",
                 public_images_demo)),
}
TRACEBACKS = os.path.join(WORK, "tracebacks.log")


def fresh_emulator(server):
    """Forget every resource and turn IAM enforcement off: the state of a new moto_server.

    moto's reset (``/moto-api/reset``) keeps the enforcement setting, so it is turned off explicitly."""
    enforce_iam(server.url, False)
    server.reset()


def run_act(server, number, total, title, act):
    """Run one act on a fresh emulator; None when it did what it should, else why not (one line)."""
    print("\n%s\nAct %d of %d: %s\n(a fresh emulator: no resource, IAM enforcement off)\n%s"
          % ("#" * 100, number, total, title, "#" * 100), flush=True)
    try:
        fresh_emulator(server)
        act(server)
    except DemoFailed as exc:
        return str(exc)
    except Exception as exc:  # pylint: disable=broad-except  # an AWS error or a bug: one line, the traceback filed
        with open(TRACEBACKS, "a") as handle:
            handle.write("Act %d (%s):\n%s\n" % (number, title, traceback.format_exc()))
        return "%s: %s (traceback in %s)" % (type(exc).__name__, exc, relative(TRACEBACKS))
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--inventory", choices=sorted(ACTS),
                        default=os.environ.get("DEMO_INVENTORY") or "organization",
                        help="organization (default): the aws_vpcs inventory on an AWS Organization; example: the "
                             "hand-written inventories/example")
    args = parser.parse_args(argv)
    # A SIGTERM (make interrupted, CI timeout) unwinds through the `with` below, so moto_server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(WORK, exist_ok=True)
    if os.path.exists(TRACEBACKS):
        os.unlink(TRACEBACKS)
    started = time.monotonic()
    acts = ACTS[args.inventory]
    results = []
    try:
        with MotoServer(log_path=os.path.join(WORK, "moto_server.log")) as server:
            for number, (title, act) in enumerate(acts, 1):
                act_started = time.monotonic()
                results.append((number, title, run_act(server, number, len(acts), title, act),
                                time.monotonic() - act_started))
    except (OSError, RuntimeError) as exc:  # moto_server did not start (or its log cannot be written)
        print("\nDEMO FAILED: the local AWS emulator: %s (see %s)"
              % (exc, relative(os.path.join(WORK, "moto_server.log"))), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nDemo interrupted; moto_server stopped.", file=sys.stderr)
        return 130
    print("\nActs (%s demo):" % args.inventory)
    for number, title, failure, seconds in results:
        print("  %d. %s: %s (%.0f s)" % (number, title, "FAILED" if failure else "passed", seconds))
    failed = [(number, title, failure) for number, title, failure, _seconds in results if failure]
    if failed:
        for number, title, failure in failed:
            print("DEMO FAILED: act %d (%s): %s" % (number, title, failure), file=sys.stderr)
        print("moto_server stopped; its log: %s" % relative(os.path.join(WORK, "moto_server.log")), file=sys.stderr)
        return 1
    print("\nDemo finished in %.0f s; moto_server stopped. `make emulator` starts one that stays up, to try the"
          " commands above by hand." % (time.monotonic() - started))
    return 0


if __name__ == "__main__":
    sys.exit(main())
