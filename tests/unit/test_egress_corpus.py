"""A corpus of VPCs with one planted fault in the workloads' egress, in prefix lists or on a hub's way back,
and look-alikes (correct VPCs built to look like a fault) that must stay clean.

The VPC is the pull-blocker corpus's (tests/unit/test_pull_blocker_corpus.py): Fargate tasks in two workload
subnets (10.0.1.0/24, 10.0.2.0/24), interface endpoints in 10.0.11.0/24 and 10.0.12.0/24 with group sg-ep, the S3
gateway; here the tasks run (one network interface per workload subnet) with group sg-task, whose outbound rules
allow TCP 443 to the VPC and to the S3 prefix list by id.

The rules the checks rest on:
- Security groups are stateful, their rules aggregate over the groups of an interface, and a rule may name a
  CIDR block, a security group or a managed prefix list as destination (VPC user guide, "Security group rules",
  https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html; "Reference prefix lists in your AWS
  resources", https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists-referencing.html).
- Workloads behind an S3 gateway endpoint need outbound rules to S3's prefix list (PrivateLink guide, "Gateway
  endpoints for Amazon S3", https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
- Route tables pick the longest prefix match; a route to a prefix list counts with its entries (VPC user guide,
  "Route priority", https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
- Network ACLs are stateless, both directions (VPC user guide, "Control subnet traffic with network access
  control lists", https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).
"""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils.audit import security_groups as egress

# The base VPC and ACL builders of the pull-blocker corpus.
from ansible_collections.privatelink.ecr.tests.unit.test_pull_blocker_corpus import (  # noqa: E402
    ENDPOINT_SUBNETS, REGION, S3_CIDRS, WORK, acl, open_rules, rule, vpc)

S3_PL = "pl-6da54004"
CORP_PL = "pl-0c0rp0000000000aa"
INTERFACES = ("vpce-ecrapi", "vpce-ecrdkr", "vpce-logs")


def sg_rule(cidrs=(), group_ids=(), prefix_list_ids=(), protocol="tcp", ports=(443, 443), ipv6_cidrs=()):
    low, high = ports if protocol == "tcp" else (None, None)
    return {"protocol": protocol, "from_port": low, "to_port": high, "cidrs": list(cidrs),
            "ipv6_cidrs": list(ipv6_cidrs), "group_ids": list(group_ids), "prefix_list_ids": list(prefix_list_ids)}


def group(group_id, egress_rules, ingress=()):
    return {"group_id": group_id, "group_name": group_id[3:], "vpc_id": "vpc-c", "ingress": list(ingress),
            "egress": list(egress_rules)}


def prefix_list(prefix_list_id, name, cidrs, owner="AWS"):
    return {"prefix_list_id": prefix_list_id, "name": name, "owner_id": owner, "cidrs": list(cidrs)}


def base():
    state = vpc()
    state["workload_enis"] = dict((s, [{"eni_id": "eni-task-" + s[-2:], "interface_type": "interface",
                                        "group_ids": ["sg-task"]}]) for s in WORK)
    state["security_groups"]["sg-task"] = group("sg-task", [sg_rule(["10.0.0.0/16"]), sg_rule(prefix_list_ids=[S3_PL])])
    state["s3_prefix_list_id"] = S3_PL
    state["prefix_lists"] = {S3_PL: prefix_list(S3_PL, "com.amazonaws.%s.s3" % REGION, S3_CIDRS),
                             CORP_PL: prefix_list(CORP_PL, "corp-workloads", ["10.0.0.0/16"], "111122223333")}
    return state


def set_egress(state, *rules, **kwargs):
    state["security_groups"][kwargs.get("group_id", "sg-task")]["egress"] = list(rules)


def set_corp(state, *cidrs):
    state["prefix_lists"][CORP_PL]["cidrs"] = list(cidrs)


def endpoint_ingress(state, *rules):
    state["security_groups"]["sg-ep"]["ingress"] = list(rules)


# ---------------------------------------------------------------- hub: a spoke of this VPC's shape

HUB_SUBNETS = {"subnet-h1": ("eu-west-1a", "10.9.1.0/24"), "subnet-h2": ("eu-west-1b", "10.9.2.0/24")}


def spoke():
    """The VPC as a spoke: its interface endpoints are the hub's (vpc-hub, over transit gateway tgw-1)."""
    state = base()
    hub_endpoints = []
    for item in state["endpoints"]:
        if item["vpc_endpoint_type"] == "Interface":
            hub_endpoints.append(dict(item, vpc_endpoint_id=item["vpc_endpoint_id"] + "-hub",
                                      subnet_ids=sorted(HUB_SUBNETS), security_group_ids=["sg-hub"],
                                      private_dns_enabled=False))
    state["endpoints"] = [e for e in state["endpoints"] if e["vpc_endpoint_type"] == "Gateway"]
    for sid in ENDPOINT_SUBNETS:
        state["subnets"].pop(sid)
    state["security_groups"]["sg-hub"] = group("sg-hub", [], [sg_rule(["10.0.0.0/16"])])
    state["route_tables"]["rtb-work"]["routes"].append({"destination": "10.9.0.0/16", "target": "tgw-1",
                                                        "state": "active"})
    hub_acls = {"acl-hub": acl("acl-hub", HUB_SUBNETS, open_rules())}
    hub_acls["acl-hub"]["vpc_id"] = "vpc-hub"
    state["hub"] = {
        "vpc_id": "vpc-hub", "account_id": "999999999999", "is_self": False, "endpoints": hub_endpoints,
        "subnets": dict((sid, {"subnet_id": sid, "availability_zone": zone, "cidr": cidr, "ipv6_cidrs": []})
                        for sid, (zone, cidr) in HUB_SUBNETS.items()),
        "security_groups": {}, "service_dns": {}, "zones": [], "transit_gateways": ["tgw-1"],
        "route_tables": {"rtb-hub": {"route_table_id": "rtb-hub", "main": True, "routes": [
            {"destination": "10.9.0.0/16", "target": "local", "state": "active"},
            {"destination": "10.0.0.0/16", "target": "tgw-1", "state": "active"}]}},
        "subnet_route_table": dict((sid, "rtb-hub") for sid in HUB_SUBNETS),
        "network_acls": hub_acls,
        "subnet_network_acl": dict((sid, "acl-hub") for sid in HUB_SUBNETS),
        "prefix_lists": {"pl-0spokes000000000a": prefix_list("pl-0spokes000000000a", "spokes", ["10.0.0.0/16"],
                                                             "999999999999")},
    }
    state["peerings"] = {}
    # Egress to the hub's endpoint subnets, which are outside this VPC.
    state["security_groups"]["sg-task"]["egress"].append(sg_rule(["10.9.0.0/16"]))
    return state


# ---------------------------------------------------------------- planted faults: (builder, editor) -> expected

def egress_restricted_to_the_vpc(state):
    # The most common cause of "CannotPullContainerError ... i/o timeout" once the endpoints exist.
    set_egress(state, sg_rule(["10.0.0.0/16"]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["s3"]


def egress_to_the_s3_prefix_list_only(state):
    set_egress(state, sg_rule(prefix_list_ids=[S3_PL]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["ecr.api", "ecr.dkr", "logs"]


def customer_prefix_list_covers_one_endpoint_subnet(state):
    set_corp(state, "10.0.11.0/24")
    set_egress(state, sg_rule(prefix_list_ids=[CORP_PL, S3_PL]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["ecr.api", "ecr.dkr", "logs"]


def s3_ranges_enumerated_but_one_missing(state):
    set_egress(state, sg_rule(["10.0.0.0/16"] + S3_CIDRS[:2]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["s3"]


def egress_to_the_vpc_on_http_only(state):
    set_egress(state, sg_rule(["10.0.0.0/16"], ports=(80, 80)), sg_rule(prefix_list_ids=[S3_PL]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["ecr.api", "ecr.dkr", "logs"]


def egress_references_a_group_that_is_not_the_endpoints(state):
    set_egress(state, sg_rule(group_ids=["sg-db"]), sg_rule(prefix_list_ids=[S3_PL]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["ecr.api", "ecr.dkr", "logs"]


def s3_egress_to_the_dynamodb_prefix_list(state):
    state["prefix_lists"]["pl-dynamodb"] = prefix_list("pl-dynamodb", "com.amazonaws.%s.dynamodb" % REGION,
                                                       ["52.94.0.0/22"])
    set_egress(state, sg_rule(["10.0.0.0/16"]), sg_rule(prefix_list_ids=["pl-dynamodb"]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["s3"]


def given_group_restricted_to_the_vpc(state):
    # A service scaled to zero: nothing runs, its group is given by workload_security_group_ids.
    state["workload_enis"] = {}
    state["workload_security_group_ids"] = ["sg-task"]
    set_egress(state, sg_rule(["10.0.0.0/16"]))
    return ("EGRESS_BLOCKS_PULL", "sg-task"), ["s3"]


def endpoint_admits_a_prefix_list_holding_one_workload_subnet(state):
    set_corp(state, "10.0.1.0/24")
    endpoint_ingress(state, sg_rule(prefix_list_ids=[CORP_PL]))
    return [("SG_BLOCKS_HTTPS", e) for e in INTERFACES], None


def endpoint_admits_a_group_the_running_tasks_do_not_carry(state):
    endpoint_ingress(state, sg_rule(group_ids=["sg-batch"]))
    return [("SG_BLOCKS_HTTPS", e) for e in INTERFACES], None


def hub_without_a_route_back(state):
    state["hub"]["route_tables"]["rtb-hub"]["routes"].pop()
    return ("HUB_UNREACHABLE", "rtb-hub"), None


def hub_routes_back_to_a_detached_transit_gateway(state):
    state["hub"]["route_tables"]["rtb-hub"]["routes"][1]["target"] = "tgw-old"
    return ("HUB_UNREACHABLE", "rtb-hub"), None


def hub_routes_back_by_a_prefix_list_missing_the_workloads(state):
    state["hub"]["prefix_lists"]["pl-0spokes000000000a"]["cidrs"] = ["10.1.0.0/16"]
    state["hub"]["route_tables"]["rtb-hub"]["routes"][1]["destination"] = "pl-0spokes000000000a"
    return ("HUB_UNREACHABLE", "rtb-hub"), None


def spoke_routes_to_the_hub_by_a_prefix_list_missing_a_hub_subnet(state):
    state["prefix_lists"]["pl-0hubs0000000000a"] = prefix_list("pl-0hubs0000000000a", "hubs", ["10.9.1.0/24"],
                                                               "111122223333")
    state["route_tables"]["rtb-work"]["routes"][1]["destination"] = "pl-0hubs0000000000a"
    return ("HUB_UNREACHABLE", "rtb-work"), None


def hub_acl_lets_the_request_in_but_not_the_answer_out(state):
    state["hub"]["network_acls"]["acl-hub"]["entries"] = acl("x", [], [
        rule(100, cidr="10.0.0.0/16"), rule(100, egress=True, cidr="10.9.0.0/16", protocol="-1")])["entries"]
    return ("NACL_BLOCKS_HTTPS", "acl-hub"), None


def hub_acl_denies_one_spoke_subnet(state):
    state["hub"]["network_acls"]["acl-hub"]["entries"] = acl("x", [], [
        rule(50, "deny", cidr="10.0.2.0/24", protocol="-1")] + open_rules())["entries"]
    return ("NACL_BLOCKS_HTTPS", "acl-hub"), None


FAULTS = [
    (base, egress_restricted_to_the_vpc), (base, egress_to_the_s3_prefix_list_only),
    (base, customer_prefix_list_covers_one_endpoint_subnet), (base, s3_ranges_enumerated_but_one_missing),
    (base, egress_to_the_vpc_on_http_only), (base, egress_references_a_group_that_is_not_the_endpoints),
    (base, s3_egress_to_the_dynamodb_prefix_list), (base, given_group_restricted_to_the_vpc),
    (base, endpoint_admits_a_prefix_list_holding_one_workload_subnet),
    (base, endpoint_admits_a_group_the_running_tasks_do_not_carry),
    (spoke, hub_without_a_route_back), (spoke, hub_routes_back_to_a_detached_transit_gateway),
    (spoke, hub_routes_back_by_a_prefix_list_missing_the_workloads),
    (spoke, spoke_routes_to_the_hub_by_a_prefix_list_missing_a_hub_subnet),
    (spoke, hub_acl_lets_the_request_in_but_not_the_answer_out), (spoke, hub_acl_denies_one_spoke_subnet),
]


# ---------------------------------------------------------------- look-alikes that work

def egress_to_the_s3_prefix_list_by_id(state):
    pass  # the base VPC itself: VPC CIDR + the S3 prefix list by id


def default_egress_to_everything(state):
    set_egress(state, sg_rule(["0.0.0.0/0"], protocol="-1"))


def customer_prefix_list_covering_the_endpoint_subnets(state):
    set_corp(state, "10.0.11.0/24", "10.0.12.0/24")
    set_egress(state, sg_rule(prefix_list_ids=[CORP_PL, S3_PL]))


def egress_by_reference_to_the_endpoint_group_and_s3_cidrs(state):
    set_egress(state, sg_rule(group_ids=["sg-ep"]), sg_rule(list(reversed(S3_CIDRS))))


def s3_entries_covered_by_wider_blocks(state):
    set_egress(state, sg_rule(["10.0.0.0/8", "52.0.0.0/8", "54.0.0.0/8", "3.0.0.0/8"]))


def endpoint_subnets_covered_by_two_halves(state):
    set_egress(state, sg_rule(["10.0.0.0/17", "10.0.128.0/17"], protocol="-1"), sg_rule(prefix_list_ids=[S3_PL]))


def restricted_group_worn_with_a_group_that_allows_the_rest(state):
    # Rules add up per interface: sg-task reaches the VPC, sg-s3 the S3 prefix list.
    set_egress(state, sg_rule(["10.0.0.0/16"]))
    state["security_groups"]["sg-s3"] = group("sg-s3", [sg_rule(prefix_list_ids=[S3_PL])])
    for enis in state["workload_enis"].values():
        enis[0]["group_ids"] = ["sg-s3", "sg-task"]


def restricted_group_only_on_endpoint_and_other_interfaces(state):
    # A NAT gateway's or an endpoint's interface with a restricted group is not a workload.
    state["security_groups"]["sg-infra"] = group("sg-infra", [sg_rule(["10.0.0.0/16"])])
    state["workload_enis"]["subnet-w1"].append({"eni_id": "eni-nat", "interface_type": "nat_gateway",
                                                "group_ids": ["sg-infra"]})
    state["endpoints"][0]["network_interface_ids"] = ["eni-vpce"]
    state["workload_enis"]["subnet-w2"].append({"eni_id": "eni-vpce", "interface_type": "interface",
                                                "group_ids": ["sg-infra"]})


def endpoint_admits_a_customer_prefix_list(state):
    endpoint_ingress(state, sg_rule(prefix_list_ids=[CORP_PL]))


def endpoint_admits_the_group_of_a_service_scaled_to_zero(state):
    # Nothing runs; the workloads read name the group the endpoint admits.
    state["workload_enis"] = {}
    state["workloads"] = [{"kind": "ecs_service", "name": "api", "arn": None, "subnet_ids": sorted(WORK),
                           "security_group_ids": ["sg-task"], "images": []}]
    endpoint_ingress(state, sg_rule(group_ids=["sg-task"]))


def endpoint_admits_a_given_group(state):
    state["workload_enis"] = {}
    state["workload_security_group_ids"] = ["sg-task"]
    endpoint_ingress(state, sg_rule(group_ids=["sg-task"]))


def endpoint_admits_by_reference_and_nothing_is_known(state):
    # No workload group known at all: noted as info, not judged.
    state["workload_enis"] = {}
    endpoint_ingress(state, sg_rule(group_ids=["sg-task"]))


def hub_routes_back_by_a_prefix_list(state):
    state["hub"]["route_tables"]["rtb-hub"]["routes"][1]["destination"] = "pl-0spokes000000000a"


def spoke_routes_to_the_hub_by_a_prefix_list(state):
    state["prefix_lists"]["pl-0hubs0000000000a"] = prefix_list("pl-0hubs0000000000a", "hubs", ["10.9.0.0/16"],
                                                               "111122223333")
    state["route_tables"]["rtb-work"]["routes"][1]["destination"] = "pl-0hubs0000000000a"


def hub_routes_back_through_an_active_peering(state):
    state["route_tables"]["rtb-work"]["routes"][1]["target"] = "pcx-1"
    state["hub"]["route_tables"]["rtb-hub"]["routes"][1]["target"] = "pcx-1"
    state["peerings"] = {"pcx-1": {"status": "active", "vpc_ids": ["vpc-c", "vpc-hub"]}}


def tight_hub_acl_that_passes_the_spoke(state):
    state["hub"]["network_acls"]["acl-hub"]["entries"] = acl("x", [], [
        rule(100, cidr="10.0.0.0/16"), rule(110, "deny", protocol="-1"),
        rule(100, egress=True, cidr="10.0.0.0/16", ports=(1024, 65535)),
        rule(110, "deny", egress=True, protocol="-1")])["entries"]


LOOK_ALIKES = [
    (base, egress_to_the_s3_prefix_list_by_id), (base, default_egress_to_everything),
    (base, customer_prefix_list_covering_the_endpoint_subnets),
    (base, egress_by_reference_to_the_endpoint_group_and_s3_cidrs), (base, s3_entries_covered_by_wider_blocks),
    (base, endpoint_subnets_covered_by_two_halves), (base, restricted_group_worn_with_a_group_that_allows_the_rest),
    (base, restricted_group_only_on_endpoint_and_other_interfaces), (base, endpoint_admits_a_customer_prefix_list),
    (base, endpoint_admits_the_group_of_a_service_scaled_to_zero), (base, endpoint_admits_a_given_group),
    (base, endpoint_admits_by_reference_and_nothing_is_known),
    (spoke, egress_to_the_s3_prefix_list_by_id), (spoke, hub_routes_back_by_a_prefix_list),
    (spoke, spoke_routes_to_the_hub_by_a_prefix_list), (spoke, hub_routes_back_through_an_active_peering),
    (spoke, tight_hub_acl_that_passes_the_spoke),
]


def _serious(findings):
    return sorted((f["id"], f["resource"]) for f in findings if f["severity"] in ("high", "medium"))


def _name(case):
    return "%s-%s" % (case[0].__name__, case[1].__name__)


@pytest.mark.parametrize("case", FAULTS, ids=_name)
def test_planted_fault_is_found_and_only_it(case):
    build, fault = case
    state = build()
    expected, services = fault(state)
    expected = expected if isinstance(expected, list) else [expected]
    findings = checks.audit(state)
    assert _serious(findings) == sorted(expected)
    for item in findings:
        if (item["id"], item["resource"]) in expected:
            assert item["resource"] in item["message"] and item["remediation"]
    if services is not None:
        (item,) = [f for f in findings if f["id"] == "EGRESS_BLOCKS_PULL"]
        assert "cannot reach %s," % ", ".join(services) in item["message"]
        assert item["remediation"].startswith("allow outbound TCP 443 from sg-task")
        assert "aws ec2 authorize-security-group-egress --group-id sg-task --ip-permissions" in item["remediation"]


@pytest.mark.parametrize("case", LOOK_ALIKES, ids=_name)
def test_look_alike_stays_clean(case):
    build, look_alike = case
    state = build()
    look_alike(state)
    findings = checks.audit(state)
    assert _serious(findings) == []
    assert [f for f in findings if f["id"] in ("EGRESS_BLOCKS_PULL", "HUB_UNREACHABLE", "NACL_BLOCKS_HTTPS")] == []


def test_the_base_vpcs_have_workload_groups_and_are_clean():
    for build in (base, spoke):
        state = build()
        assert egress.workload_security_group_ids(state) == ["sg-task"]
        findings = checks.audit(state)
        assert _serious(findings) == [] and set(f["id"] for f in findings) <= {"POLICY_UNRESTRICTED"}


def test_egress_remediation_is_the_exact_command():
    state = base()
    set_egress(state)  # no outbound rule at all
    (item,) = egress.check_egress_blocks_pull(state)
    assert item["remediation"].endswith(
        "--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.11.0/24},"
        "{CidrIp=10.0.12.0/24}],PrefixListIds=[{PrefixListId=%s}]'" % S3_PL)
    assert "eni-task-w1, eni-task-w2" in item["message"] and "vpce-s3" in item["message"]


def test_nothing_known_is_info_with_the_contract_message():
    state = base()
    endpoint_admits_by_reference_and_nothing_is_known(state)
    infos = [f for f in checks.audit(state) if f["id"] == "SG_BLOCKS_HTTPS"]
    assert sorted(f["resource"] for f in infos) == list(INTERFACES)
    assert all(f["severity"] == "info" and "no workload found that carries a referenced group" in f["message"]
               for f in infos)


def test_a_group_worn_with_a_permissive_one_on_some_interfaces_only_is_still_reported():
    state = base()
    restricted_group_worn_with_a_group_that_allows_the_rest(state)
    state["workload_enis"]["subnet-w2"][0]["group_ids"] = ["sg-task"]  # this task wears sg-task alone
    assert _serious(checks.audit(state)) == [("EGRESS_BLOCKS_PULL", "sg-task")]


def test_hub_findings_name_the_hub_and_the_way_back():
    state = spoke()
    hub_without_a_route_back(state)
    (item,) = [f for f in checks.audit(state) if f["id"] == "HUB_UNREACHABLE"]
    assert "vpc-hub" in item["message"] and "10.0.1.0/24, 10.0.2.0/24" in item["remediation"]
    state = spoke()
    hub_acl_lets_the_request_in_but_not_the_answer_out(state)
    (item,) = [f for f in checks.audit(state) if f["id"] == "NACL_BLOCKS_HTTPS"]
    assert "outbound" in item["message"] and "of the hub VPC vpc-hub" in item["message"]
    assert "create-network-acl-entry --network-acl-id acl-hub --egress" in item["remediation"]
