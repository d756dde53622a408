"""Centralized endpoints over two accounts by assume-role, against moto_server with the AWS-semantics layer.

One hub (account A), a spoke in the hub's account and a spoke in account B; the spokes reach the hub
over VPC peering (routes to the hub's CIDR in their private route tables). privatelink.ecr.deploy
converges hubs then spokes in one run, a second run sends no mutating call and no association
authorization is left behind; the audit (ecr_private_endpoints_info with ``hub``) finds every VPC
compliant, and each fault alone gives its finding and nothing else; deploy repairs what is the
collection's; destroy removes the owned zones and leaves the others alone.
"""

import json
import os
import subprocess

import pytest

from tests.support.ansible_cli import BIN, ROOT, aws_env, recap, run_module
from tests.support.seed import client, live_endpoints, seed_private_vpc

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
HUB_ACCOUNT, OTHER_ACCOUNT = "111111111111", "222222222222"
CIDRS = {"hub": "10.0.0.0/16", "spoke-a": "10.1.0.0/16", "spoke-b": "10.2.0.0/16"}
ACCOUNT_OF = {"hub": HUB_ACCOUNT, "spoke-a": HUB_ACCOUNT, "spoke-b": OTHER_ACCOUNT}
# What changes something, Route 53's REST operations included (Change*).
MUTATING = ("Create", "Delete", "Modify", "Authorize", "Revoke", "Associate", "Disassociate", "Replace",
            "Change", "Accept", "Attach", "Detach", "Update")
HIGH_OR_MEDIUM = ("high", "medium")


def role_arn(account):
    return "arn:aws:iam::%s:role/privatelink-ecr-automation" % account


def clients(url, account):
    return client("ec2", url, REGION, role_arn(account)), client("route53", url, REGION, role_arn(account))


def mutating(server):
    return {k: v for k, v in server.requests().items() if k.split(".", 1)[-1].startswith(MUTATING)}


@pytest.fixture
def fleet(moto, tmp_path):
    """Seeded VPCs, peering from each spoke to the hub (routes on every private route table), an inventory."""
    ec2 = {name: clients(moto.url, account)[0] for name, account in ACCOUNT_OF.items()}
    r53 = {account: clients(moto.url, account)[1] for account in (HUB_ACCOUNT, OTHER_ACCOUNT)}
    vpcs = {name: seed_private_vpc(ec2[name], name, cidr=CIDRS[name]) for name in CIDRS}
    peerings = {}
    for spoke in ("spoke-a", "spoke-b"):
        pcx = ec2[spoke].create_vpc_peering_connection(
            VpcId=vpcs[spoke]["vpc_id"], PeerVpcId=vpcs["hub"]["vpc_id"],
            PeerOwnerId=HUB_ACCOUNT)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
        ec2["hub"].accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        peerings[spoke] = pcx
        for table in vpcs[spoke]["private_route_table_ids"]:
            ec2[spoke].create_route(RouteTableId=table, DestinationCidrBlock=CIDRS["hub"], VpcPeeringConnectionId=pcx)
        for table in vpcs["hub"]["private_route_table_ids"]:
            ec2["hub"].create_route(RouteTableId=table, DestinationCidrBlock=CIDRS[spoke], VpcPeeringConnectionId=pcx)
    hosts = {}
    for name, vpc in vpcs.items():
        hosts[name] = {"vpc_id": vpc["vpc_id"], "aws_role_arn": role_arn(ACCOUNT_OF[name]),
                       "aws_account_id": ACCOUNT_OF[name], "vpc_cidrs": [CIDRS[name]],
                       "ecr_endpoints_mode": "hub" if name == "hub" else "spoke"}
        if name != "hub":
            hosts[name]["ecr_hub"] = "hub"
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {"vars": {"ansible_connection": "local", "aws_region": REGION,
                                                      "aws_endpoint_url": moto.url},
                                             "hosts": hosts}}))
    moto.clear_requests()
    return {"server": moto, "ec2": ec2, "r53": r53, "vpcs": vpcs, "peerings": peerings, "inventory": str(inventory),
            "env": aws_env("http://127.0.0.1:9", REGION)}


def run(fleet, playbook, *args):
    cmd = [os.path.join(BIN, "ansible-playbook"), playbook, "-i", fleet["inventory"], "--forks", "3"] + list(args)
    return subprocess.run(cmd, env=fleet["env"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def deploy(fleet, *args):
    result = run(fleet, "playbooks/deploy.yml", *args)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    return recap(result.stdout)


def hub_zones(fleet):
    """{name: zone} of the hub account's zones, with their VPCs and tags."""
    r53 = fleet["r53"][HUB_ACCOUNT]
    zones = {}
    for summary in r53.list_hosted_zones()["HostedZones"]:
        zone_id = summary["Id"].split("/")[-1]
        tags = r53.list_tags_for_resources(ResourceType="hostedzone", ResourceIds=[zone_id])["ResourceTagSets"][0]
        zones[summary["Name"].rstrip(".")] = {
            "zone_id": zone_id, "private": summary["Config"]["PrivateZone"],
            "vpcs": sorted(v["VPCId"] for v in r53.get_hosted_zone(Id=zone_id)["VPCs"]),
            "tags": {t["Key"]: t["Value"] for t in tag_list(tags)},
            "authorizations": all_authorizations(r53, zone_id),
            # Every page: the AWS-semantics layer pages Route 53 listings in twos, as AWS may.
            "records": {(r["Name"].rstrip(".").replace("\\052", "*"), r["Type"]): r.get("AliasTarget", {}).get("DNSName")
                        for page in r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone_id)
                        for r in page["ResourceRecordSets"] if r["Type"] == "A"}}
    return zones


def all_authorizations(r53, zone_id):
    found, kwargs = [], {"HostedZoneId": zone_id}
    for _page in range(100):  # bounded
        page = r53.list_vpc_association_authorizations(**kwargs)
        found.extend(page["VPCs"])
        if not page.get("NextToken"):
            return found
        kwargs["NextToken"] = page["NextToken"]
    raise AssertionError("more than 100 pages of association authorizations")


def tag_list(tag_set):
    return tag_set.get("Tags") or []


def services_of(fleet, name):
    prefix = "com.amazonaws.%s." % REGION
    return sorted((e["ServiceName"][len(prefix):], e["PrivateDnsEnabled"])
                  for e in live_endpoints(fleet["ec2"][name], fleet["vpcs"][name]["vpc_id"]))


def audit(fleet, name):
    """The audit of one VPC as the audit playbook runs it on a hub or a spoke host."""
    args = {"vpc_ids": [fleet["vpcs"][name]["vpc_id"]], "role_arn": role_arn(ACCOUNT_OF[name]),
            "endpoint_url": fleet["server"].url, "region": REGION,
            "hub": {"vpc_id": fleet["vpcs"]["hub"]["vpc_id"], "role_arn": role_arn(HUB_ACCOUNT)}}
    rc, result, output = run_module("ecr_private_endpoints_info", args, fleet["env"])
    assert rc == 0, output
    (vpc,) = result["vpcs"]
    return vpc


def serious(vpc):
    return sorted((f["id"], f["resource"]) for f in vpc["findings"] if f["severity"] in HIGH_OR_MEDIUM)


NAMES = ["api.ecr.eu-west-1.amazonaws.com", "dkr.ecr.eu-west-1.amazonaws.com", "logs.eu-west-1.amazonaws.com"]


def test_hub_and_spokes_converge_in_one_run_then_change_nothing(fleet):
    server = fleet["server"]
    first = deploy(fleet)
    assert {h: r["changed"] > 0 for h, r in first.items()} == {"hub": True, "spoke-a": True, "spoke-b": True}
    vpcs = fleet["vpcs"]
    # The hub: every interface endpoint with private DNS off, admitting the spokes; a spoke: S3 only.
    assert services_of(fleet, "hub") == [("ecr.api", False), ("ecr.dkr", False), ("logs", False), ("s3", False)]
    assert services_of(fleet, "spoke-a") == [("s3", False)] and services_of(fleet, "spoke-b") == [("s3", False)]
    zones = hub_zones(fleet)
    assert sorted(zones) == NAMES
    for name in NAMES:
        zone = zones[name]
        assert zone["private"] and zone["tags"] == {"ManagedBy": "privatelink.ecr"}
        assert zone["vpcs"] == sorted(v["vpc_id"] for v in vpcs.values())
        assert zone["authorizations"] == []  # none left behind
    assert sorted(zones[NAMES[1]]["records"]) == [("*." + NAMES[1], "A"), (NAMES[1], "A")]
    hub_endpoints = {e["ServiceName"].rsplit(".", 2)[-2] + "." + e["ServiceName"].rsplit(".", 1)[-1]: e
                     for e in live_endpoints(fleet["ec2"]["hub"], vpcs["hub"]["vpc_id"])}
    assert zones[NAMES[0]]["records"][(NAMES[0], "A")].rstrip(".") == \
        hub_endpoints["ecr.api"]["DnsEntries"][0]["DnsName"].rstrip(".")
    group = fleet["ec2"]["hub"].describe_security_groups(GroupIds=[hub_endpoints["ecr.api"]["Groups"][0]["GroupId"]])
    admitted = set(r["CidrIp"] for p in group["SecurityGroups"][0]["IpPermissions"] for r in p.get("IpRanges", []))
    assert admitted == set(CIDRS.values())
    # Cross-account: authorized by the hub's account, associated by the spoke's, authorization deleted.
    counts = server.requests()
    assert counts["route53.CreateVPCAssociationAuthorization"] == 3
    assert counts["route53.DeleteVPCAssociationAuthorization"] == 3
    assert counts["route53.AssociateVPCWithHostedZone"] == 6

    server.clear_requests()
    second = deploy(fleet)
    assert {h: r["changed"] for h, r in second.items()} == {"hub": 0, "spoke-a": 0, "spoke-b": 0}
    assert mutating(server) == {}

    for name in ("hub", "spoke-a", "spoke-b"):
        vpc = audit(fleet, name)
        assert vpc["compliant"], vpc["findings"]
        assert not [f for f in vpc["findings"] if f["id"] in ("ENDPOINT_MISSING", "PRIVATE_DNS_DISABLED")]
        assert vpc["hub"]["vpc_id"] == vpcs["hub"]["vpc_id"]
    assert audit(fleet, "spoke-b")["monthly_cost_usd"] == 0
    hub = audit(fleet, "hub")
    assert hub["monthly_cost_usd"] == round(3 * 3 * 730 * 0.01, 2)
    # Each spoke alone would pay for the three interface endpoints in its three workload zones.
    assert audit(fleet, "spoke-a")["per_vpc_design_monthly_usd"] == round(3 * 3 * 730 * 0.01, 2)


def test_each_fault_alone_gives_its_finding_and_deploy_repairs_what_is_the_collections(fleet):
    deploy(fleet)
    vpcs, zones = fleet["vpcs"], hub_zones(fleet)
    baseline = {name: serious(audit(fleet, name)) for name in ("hub", "spoke-a", "spoke-b")}
    assert baseline == {"hub": [], "spoke-a": [], "spoke-b": []}

    # 1. A spoke's association removed by hand: HUB_ZONE_BROKEN for that zone, on that spoke only.
    logs_zone = zones[NAMES[2]]["zone_id"]
    fleet["r53"][OTHER_ACCOUNT].disassociate_vpc_from_hosted_zone(
        HostedZoneId=logs_zone, VPC={"VPCRegion": REGION, "VPCId": vpcs["spoke-b"]["vpc_id"]})
    assert serious(audit(fleet, "spoke-b")) == [("HUB_ZONE_BROKEN", logs_zone)]
    assert serious(audit(fleet, "spoke-a")) == []
    fleet["server"].clear_requests()
    deploy(fleet, "--limit", "spoke-b")
    assert mutating(fleet["server"]) == {"route53.CreateVPCAssociationAuthorization": 1,
                                         "route53.AssociateVPCWithHostedZone": 1,
                                         "route53.DeleteVPCAssociationAuthorization": 1}
    assert serious(audit(fleet, "spoke-b")) == []

    # 2. The route to the hub removed: HUB_UNREACHABLE for that route table; not the collection's to repair.
    table = vpcs["spoke-a"]["private_route_table_ids"][0]
    fleet["ec2"]["spoke-a"].delete_route(RouteTableId=table, DestinationCidrBlock=CIDRS["hub"])
    assert serious(audit(fleet, "spoke-a")) == [("HUB_UNREACHABLE", table)]
    fleet["ec2"]["spoke-a"].create_route(RouteTableId=table, DestinationCidrBlock=CIDRS["hub"],
                                         VpcPeeringConnectionId=fleet["peerings"]["spoke-a"])
    assert serious(audit(fleet, "spoke-a")) == []

    # 3. A hub endpoint deleted: every VPC the hub serves gets HUB_ZONE_BROKEN for that service's zone.
    api = [e for e in live_endpoints(fleet["ec2"]["hub"], vpcs["hub"]["vpc_id"])
           if e["ServiceName"].endswith(".ecr.api")][0]
    fleet["ec2"]["hub"].delete_vpc_endpoints(VpcEndpointIds=[api["VpcEndpointId"]])
    api_zone = zones[NAMES[0]]["zone_id"]
    for name in ("hub", "spoke-a", "spoke-b"):
        assert serious(audit(fleet, name)) == [("HUB_ZONE_BROKEN", api_zone)], name
    deploy(fleet)  # a new endpoint, and the zone's records follow it
    for name in ("hub", "spoke-a", "spoke-b"):
        assert serious(audit(fleet, name)) == [], name
    assert all(z["authorizations"] == [] for z in hub_zones(fleet).values())


def test_destroy_removes_owned_zones_and_leaves_the_others_alone(fleet):
    deploy(fleet)
    r53 = fleet["r53"][HUB_ACCOUNT]
    theirs = r53.create_hosted_zone(Name="registry.internal.example", CallerReference="theirs",
                                    VPC={"VPCRegion": REGION, "VPCId": fleet["vpcs"]["hub"]["vpc_id"]},
                                    HostedZoneConfig={"PrivateZone": True})["HostedZone"]["Id"].split("/")[-1]
    result = run(fleet, "playbooks/destroy.yml")
    assert result.returncode == 0, result.stdout[-4000:]
    assert sorted(hub_zones(fleet)) == ["registry.internal.example"]
    assert hub_zones(fleet)["registry.internal.example"]["zone_id"] == theirs
    for name in ("hub", "spoke-a", "spoke-b"):
        assert services_of(fleet, name) == []


def test_check_mode_on_an_empty_fleet_plans_and_changes_nothing(fleet):
    result = run(fleet, "playbooks/deploy.yml", "--check")
    assert result.returncode == 0, result.stdout[-4000:]
    assert mutating(fleet["server"]) == {}
    assert hub_zones(fleet) == {}


def zones_module(fleet, name, check=False, diff=False, **extra):
    args = {"vpc_id": fleet["vpcs"][name]["vpc_id"], "role_arn": role_arn(ACCOUNT_OF[name]),
            "endpoint_url": fleet["server"].url, "region": REGION}
    if name != "hub":
        args.update(hub_vpc_id=fleet["vpcs"]["hub"]["vpc_id"], zone_owner={"role_arn": role_arn(HUB_ACCOUNT)})
    args.update(extra)
    env = dict(fleet["env"], ANSIBLE_VERBOSITY="3") if diff else fleet["env"]
    return run_module("ecr_endpoint_zones", args, env, check=check, diff=diff)


def test_the_zones_module_plans_across_accounts_in_check_mode_and_returns_what_it_documents(fleet):
    from tests.integration.test_return_docs import compare, documented

    # The hub's endpoints come first: check mode plans the zones anyway (warning), a real run refuses.
    rc, hub, output = zones_module(fleet, "hub", check=True)
    assert rc == 0 and [c["action"] for c in hub["changes"]] == ["create_zone"] * 3 + ["upsert_records"] * 3
    assert "has no ecr.api interface endpoint yet" in output
    rc, hub, output = zones_module(fleet, "hub")
    assert rc != 0 and "has no ecr.api interface endpoint" in hub["msg"], output
    assert mutating(fleet["server"]) == {}
    result = run(fleet, "playbooks/deploy.yml", "--limit", "hub")
    assert result.returncode == 0, result.stdout[-3000:]
    fleet["server"].clear_requests()
    rc, plan, output = zones_module(fleet, "spoke-b", check=True, diff=True)
    assert rc == 0, output
    assert mutating(fleet["server"]) == {}
    assert [(c["action"], c["details"]["cross_account"]) for c in plan["changes"]] == [("associate", True)] * 3
    assert plan["mode"] == "spoke" and all(z["associated"] for z in plan["zones"].values())
    assert not any(z["associated"] for z in plan["diff"]["before"]["zones"].values())
    compare(documented("ecr_endpoint_zones"), plan, "ecr_endpoint_zones (spoke, check)")
    rc, applied, output = zones_module(fleet, "spoke-b")
    assert rc == 0 and applied["changed"], output
    compare(documented("ecr_endpoint_zones"), applied, "ecr_endpoint_zones (spoke)")
    rc, hub, output = zones_module(fleet, "hub")
    assert rc == 0 and not hub["changed"], output
    compare(documented("ecr_endpoint_zones"), hub, "ecr_endpoint_zones (hub)")
    assert sorted(hub["zones"]) == NAMES and len(hub["zones"][NAMES[1]]["records"]) == 2
    # Absent: the spoke is taken off the owned zones, by the zones' account.
    rc, removed, output = zones_module(fleet, "spoke-b", state="absent")
    assert rc == 0 and [c["action"] for c in removed["changes"]] == ["disassociate"] * 3, output
    assert fleet["vpcs"]["spoke-b"]["vpc_id"] not in hub_zones(fleet)[NAMES[0]]["vpcs"]


def test_the_audit_playbook_judges_spokes_through_their_hub_and_compares_the_costs(fleet, tmp_path):
    deploy(fleet)
    report = tmp_path / "report"
    result = run(fleet, "playbooks/audit.yml", "-e", "posture_report_dir=%s" % report, "-e", "posture_fail_on=medium")
    assert result.returncode == 0, result.stdout[-4000:]
    posture = json.loads((report / "posture.json").read_text())
    assert posture["summary"]["compliant"] == 3 and posture["summary"]["non_compliant"] == 0
    assert {v["target"]: v["hub_vpc_id"] for v in posture["vpcs"]} == {
        name: fleet["vpcs"]["hub"]["vpc_id"] for name in ("hub", "spoke-a", "spoke-b")}
    one_vpc = round(3 * 3 * 730 * 0.01, 2)  # three interface services in three zones
    assert posture["cost"] == {"monthly_usd": one_vpc, "per_vpc_design_monthly_usd": round(3 * one_vpc, 2)}
    assert "would cost %.2f USD a month" % (3 * one_vpc) in (report / "posture.md").read_text()


# --------------------------------------------------------------------------- hub and spoke as people deploy it

def rewrite_inventory(fleet, change):
    """Apply ``change(hosts)`` to the fleet's inventory file."""
    with open(fleet["inventory"]) as handle:
        data = json.load(handle)
    change(data["all"]["hosts"])
    with open(fleet["inventory"], "w") as handle:
        json.dump(data, handle)


def admitted_by_hub(fleet):
    hub = [e for e in live_endpoints(fleet["ec2"]["hub"], fleet["vpcs"]["hub"]["vpc_id"])
           if e["ServiceName"].endswith(".ecr.api")][0]
    group = fleet["ec2"]["hub"].describe_security_groups(GroupIds=[hub["Groups"][0]["GroupId"]])
    return set(r["CidrIp"] for p in group["SecurityGroups"][0]["IpPermissions"] for r in p.get("IpRanges", []))


def test_a_hand_written_inventory_without_vpc_cidrs_gets_the_spokes_cidrs_read_by_deploy(fleet):
    def strip(hosts):
        for host in hosts.values():
            host.pop("vpc_cidrs")
        hosts["spoke-a"]["vpc_name"] = "spoke-a"  # by Name tag: read with the spoke's own connection
        hosts["spoke-a"].pop("vpc_id")
    rewrite_inventory(fleet, strip)
    first = deploy(fleet)
    assert all(r["failed"] == 0 for r in first.values())
    assert admitted_by_hub(fleet) == set(CIDRS.values())  # spoke-b's read in its own account
    fleet["server"].clear_requests()
    second = deploy(fleet)
    assert {h: r["changed"] for h, r in second.items()} == {"hub": 0, "spoke-a": 0, "spoke-b": 0}
    assert mutating(fleet["server"]) == {}
    # A hub run alone cannot read its spokes (not in the run): it fails before any change, naming them.
    result = run(fleet, "playbooks/deploy.yml", "--limit", "hub")
    assert result.returncode != 0
    text = " ".join(result.stdout.split())
    assert "spoke-a, spoke-b lack them" in text and "include them in the run" in text
    assert mutating(fleet["server"]) == {}


def test_destroying_a_hub_alone_never_cuts_its_spokes_dns_unless_forced(fleet):
    deploy(fleet)
    before = hub_zones(fleet)
    # A host without aws_account_id is named by the account of its aws_role_arn.
    rewrite_inventory(fleet, lambda hosts: hosts["spoke-b"].pop("aws_account_id"))
    fleet["server"].clear_requests()
    result = run(fleet, "playbooks/destroy.yml", "--limit", "hub")
    assert result.returncode != 0
    text = " ".join(result.stdout.split())
    vpcs = fleet["vpcs"]
    assert "%s (%s, account %s)" % (vpcs["spoke-a"]["vpc_id"], REGION, HUB_ACCOUNT) in text
    assert "%s (%s, account %s)" % (vpcs["spoke-b"]["vpc_id"], REGION, OTHER_ACCOUNT) in text, text[-2500:]
    assert "ecr_hub_force_destroy" in text
    assert mutating(fleet["server"]) == {}
    assert hub_zones(fleet) == before
    assert [s for s, _dns in services_of(fleet, "hub")] == ["ecr.api", "ecr.dkr", "logs", "s3"]

    # The whole fleet in check mode: the spokes leave in the same run, so the hub's plan goes through.
    checked = run(fleet, "playbooks/destroy.yml", "--check")
    assert checked.returncode == 0, checked.stdout[-4000:]
    assert mutating(fleet["server"]) == {}

    # A VPC outside the inventory associated with the hub's zones stops even a whole-fleet destroy's hub.
    outsider = seed_private_vpc(fleet["ec2"]["spoke-a"], "outsider", cidr="10.9.0.0/16", zones=1)
    api_zone = before[NAMES[0]]["zone_id"]
    fleet["r53"][HUB_ACCOUNT].associate_vpc_with_hosted_zone(
        HostedZoneId=api_zone, VPC={"VPCRegion": REGION, "VPCId": outsider["vpc_id"]})
    result = run(fleet, "playbooks/destroy.yml")
    assert result.returncode != 0
    text = " ".join(result.stdout.split())
    assert "%s (%s, account unknown)" % (outsider["vpc_id"], REGION) in text
    assert vpcs["spoke-a"]["vpc_id"] not in text.split("associated with", 1)[-1].split("which", 1)[0]
    assert sorted(hub_zones(fleet)) == NAMES  # the spokes were taken off, the hub kept everything
    assert services_of(fleet, "spoke-a") == [] and services_of(fleet, "spoke-b") == []

    forced = run(fleet, "playbooks/destroy.yml", "--limit", "hub", "-e", "ecr_hub_force_destroy=true")
    assert forced.returncode == 0, forced.stdout[-4000:]
    assert hub_zones(fleet) == {} and services_of(fleet, "hub") == []


@pytest.mark.parametrize("ecr_hub, words", [
    ("nowhere", "ecr_hub nowhere names no host of the inventory"),
    ("spoke-a", "ecr_hub spoke-a is not a hub (its ecr_endpoints_mode is spoke)"),
])
def test_a_spoke_whose_ecr_hub_is_no_hub_fails_deploy_and_audit_naming_ecr_hub(fleet, tmp_path, ecr_hub, words):
    rewrite_inventory(fleet, lambda hosts: hosts["spoke-b"].update(ecr_hub=ecr_hub))
    result = run(fleet, "playbooks/deploy.yml")
    assert result.returncode != 0
    assert words in " ".join(result.stdout.split())
    assert recap(result.stdout)["spoke-b"]["failed"] == 1
    assert services_of(fleet, "spoke-b") == []
    report = tmp_path / "report"
    audited = run(fleet, "playbooks/audit.yml", "-e", "posture_report_dir=%s" % report)
    assert audited.returncode != 0
    posture = json.loads((report / "posture.json").read_text())
    (error,) = [e for e in posture["errors"] if e["target"] == "spoke-b"]
    assert words in error["message"]
    # Never judged as a local VPC: no ENDPOINT_MISSING findings for it.
    assert "spoke-b" not in {v["target"] for v in posture["vpcs"]}


def test_an_untagged_zone_of_the_hubs_own_caller_reference_is_adopted_not_twinned(fleet):
    from ansible_collections.privatelink.ecr.plugins.module_utils._zones_apply import caller_reference

    deploy(fleet, "--limit", "hub")
    hub_id = fleet["vpcs"]["hub"]["vpc_id"]
    r53 = fleet["r53"][HUB_ACCOUNT]
    logs = hub_zones(fleet)[NAMES[2]]["zone_id"]
    # An interrupted run: the zone was created (its CallerReference derived from the hub and the name) and
    # the ownership tag never came.
    r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId=logs, RemoveTagKeys=["ManagedBy"])
    assert r53.get_hosted_zone(Id=logs)["HostedZone"]["CallerReference"] == caller_reference(hub_id, NAMES[2])
    fleet["server"].clear_requests()
    deploy(fleet, "--limit", "hub")
    assert mutating(fleet["server"]) == {"route53.ChangeTagsForResource": 1}
    zones = hub_zones(fleet)
    assert sorted(zones) == NAMES and zones[NAMES[2]]["zone_id"] == logs
    assert zones[NAMES[2]]["tags"] == {"ManagedBy": "privatelink.ecr"}
