"""Every posture check on plain dicts: a fully correct VPC, and each way users get it wrong."""

import copy

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils._audit_reader import (
    normalise_route_table,
    normalise_security_group,
    service_catalog,
    vpc_state,
)

REGION = "eu-west-1"
ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
WORKLOAD_SUBNETS = ["subnet-a", "subnet-b", "subnet-c"]
ACCOUNT = "111122223333"
# Restricted (not AWS's full-access default) and still enough for a pull through every endpoint.
RESTRICTED = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage",
                                                     "ecr:GetDownloadUrlForLayer", "logs:CreateLogStream",
                                                     "logs:PutLogEvents"], "Resource": "*"},
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::prod-%s-starport-layer-bucket/*" % REGION}]}


def interface(service, endpoint_id, **extra):
    endpoint = {
        "vpc_endpoint_id": endpoint_id, "service": service,
        "service_name": "com.amazonaws.%s.%s" % (REGION, service), "vpc_endpoint_type": "Interface",
        "state": "available", "subnet_ids": list(WORKLOAD_SUBNETS), "route_table_ids": [],
        "security_group_ids": ["sg-endpoints"], "private_dns_enabled": True, "policy": RESTRICTED,
        "network_interface_ids": ["eni-%s-%d" % (endpoint_id, i) for i in range(3)], "tags": {},
    }
    endpoint.update(extra)
    return endpoint


def default_acl(acl_id="acl-default", subnets=("subnet-a", "subnet-b", "subnet-c", "subnet-pub")):
    entries = []
    for egress in (False, True):
        entries.append({"rule_number": 100, "egress": egress, "protocol": "-1", "action": "allow",
                        "cidr": "0.0.0.0/0", "from_port": None, "to_port": None})
        entries.append({"rule_number": 32767, "egress": egress, "protocol": "-1", "action": "deny",
                        "cidr": "0.0.0.0/0", "from_port": None, "to_port": None})
    return {"network_acl_id": acl_id, "vpc_id": "vpc-1", "is_default": True, "subnet_ids": list(subnets),
            "entries": entries}


def https_rule(*cidrs, **extra):
    rule = {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": list(cidrs), "ipv6_cidrs": [],
            "group_ids": [], "prefix_list_ids": []}
    rule.update(extra)
    return rule


def correct_state():
    """A VPC where Fargate tasks in three private subnets pull privately: nothing to report above low."""
    return {
        "vpc": {"vpc_id": "vpc-1", "cidrs": ["10.0.0.0/16"], "enable_dns_support": True,
                "enable_dns_hostnames": True},
        "region": REGION,
        "wanted": ["ecr.api", "ecr.dkr", "s3", "logs"],
        "services": {s: {"service_name": "com.amazonaws.%s.%s" % (REGION, s), "types": ["Interface"],
                         "zones": list(ZONES), "offered": True} for s in ("ecr.api", "ecr.dkr", "s3", "logs")},
        "endpoints": [
            interface("ecr.api", "vpce-api"),
            interface("ecr.dkr", "vpce-dkr"),
            interface("logs", "vpce-logs"),
            {"vpc_endpoint_id": "vpce-s3", "service": "s3", "service_name": "com.amazonaws.%s.s3" % REGION,
             "vpc_endpoint_type": "Gateway", "state": "available", "subnet_ids": [],
             "route_table_ids": ["rtb-a", "rtb-b", "rtb-main"], "security_group_ids": [],
             "private_dns_enabled": False, "policy": RESTRICTED, "network_interface_ids": [], "tags": {}},
        ],
        "subnets": {
            "subnet-a": {"subnet_id": "subnet-a", "availability_zone": ZONES[0], "cidr": "10.0.1.0/24", "ipv6_cidrs": []},
            "subnet-b": {"subnet_id": "subnet-b", "availability_zone": ZONES[1], "cidr": "10.0.2.0/24", "ipv6_cidrs": []},
            "subnet-c": {"subnet_id": "subnet-c", "availability_zone": ZONES[2], "cidr": "10.0.3.0/24", "ipv6_cidrs": []},
            "subnet-pub": {"subnet_id": "subnet-pub", "availability_zone": ZONES[0], "cidr": "10.0.100.0/24",
                           "ipv6_cidrs": []},
        },
        "route_tables": {
            "rtb-a": {"route_table_id": "rtb-a", "main": False, "routes": [
                {"destination": "10.0.0.0/16", "target": "local", "state": "active"}]},
            "rtb-b": {"route_table_id": "rtb-b", "main": False, "routes": [
                {"destination": "10.0.0.0/16", "target": "local", "state": "active"}]},
            "rtb-main": {"route_table_id": "rtb-main", "main": True, "routes": [
                {"destination": "10.0.0.0/16", "target": "local", "state": "active"}]},
            "rtb-pub": {"route_table_id": "rtb-pub", "main": False, "routes": [
                {"destination": "0.0.0.0/0", "target": "igw-1", "state": "active"}]},
        },
        "subnet_route_table": {"subnet-a": "rtb-a", "subnet-b": "rtb-b", "subnet-c": "rtb-main",
                               "subnet-pub": "rtb-pub"},
        "security_groups": {"sg-endpoints": {"group_id": "sg-endpoints", "group_name": "ecr-private-endpoints",
                                             "ingress": [https_rule("10.0.0.0/16")]}},
        "workload_subnet_ids": list(WORKLOAD_SUBNETS),
        "workload_enis": {},
        "account_id": ACCOUNT,
        "org_id": None,
        "org_note": "none",
        "network_acls": {"acl-default": default_acl()},
        "subnet_network_acl": {s: "acl-default" for s in ("subnet-a", "subnet-b", "subnet-c", "subnet-pub")},
        "s3_prefix_cidrs": ["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16"],
        "client_port_range": [32768, 65535],
    }


def endpoint(state, endpoint_id):
    return next(e for e in state["endpoints"] if e["vpc_endpoint_id"] == endpoint_id)


def ids(findings):
    return sorted((f["id"], f["resource"]) for f in findings)


def only(state, check):
    findings = check(state)
    for item in findings:
        assert set(item) == {"id", "severity", "resource", "message", "remediation"}
        # The one exception by contract: SG_BLOCKS_HTTPS is info when no workload group is known at all.
        assert item["severity"] == checks.FINDING_SEVERITIES[item["id"]] or (
            item["severity"] == "info" and "no workload found that carries a referenced group" in item["message"])
        assert item["resource"] in item["message"], item
        assert item["remediation"]
    return findings


# ---------------------------------------------------------------- contract

def test_severities_match_the_contract():
    assert checks.FINDING_SEVERITIES == {
        "ENDPOINT_MISSING": "high", "ENDPOINT_NOT_AVAILABLE": "high", "PRIVATE_DNS_DISABLED": "high",
        "VPC_DNS_DISABLED": "high", "S3_ROUTE_MISSING": "high", "AZ_NOT_COVERED": "medium",
        "SG_BLOCKS_HTTPS": "high", "SG_OPEN_TO_WORLD": "medium", "INTERNET_ROUTE": "info",
        "POLICY_UNRESTRICTED": "low", "NACL_BLOCKS_HTTPS": "high", "POLICY_BLOCKS_PULL": "high",
        "HUB_ZONE_BROKEN": "high", "HUB_UNREACHABLE": "high",
        "IMAGE_NEEDS_INTERNET": "high", "IMAGE_OTHER_REGION": "high", "CACHE_RULE_BROKEN": "high",
        "CACHE_NOT_SEEDED": "medium", "EGRESS_BLOCKS_PULL": "high"}
    # One check per id, every one of them in the registry.
    assert len(checks.CHECKS) == len(checks.FINDING_SEVERITIES)


def test_fully_correct_vpc_has_no_finding():
    state = correct_state()
    assert checks.audit(state) == []
    assert checks.is_compliant(checks.audit(state))


def test_correct_vpc_with_default_policies_is_compliant_with_low_findings_only():
    state = correct_state()
    for item in state["endpoints"]:
        item["policy"] = None
    findings = checks.audit(state)
    assert set(f["severity"] for f in findings) == {"low"}
    assert ids(findings) == [("POLICY_UNRESTRICTED", e) for e in ("vpce-api", "vpce-dkr", "vpce-logs", "vpce-s3")]
    assert checks.is_compliant(findings)


def test_findings_are_sorted_most_severe_first():
    state = correct_state()
    endpoint(state, "vpce-api")["policy"] = None           # low
    state["vpc"]["enable_dns_hostnames"] = False             # high
    endpoint(state, "vpce-dkr")["subnet_ids"] = ["subnet-a", "subnet-b"]  # medium
    assert [f["severity"] for f in checks.audit(state)] == ["high", "medium", "low"]
    assert not checks.is_compliant(checks.audit(state))


# ---------------------------------------------------------------- ENDPOINT_MISSING

def test_missing_endpoint_is_reported_per_service():
    state = correct_state()
    state["endpoints"] = [e for e in state["endpoints"] if e["service"] != "ecr.api"]
    findings = only(state, checks.check_endpoint_missing)
    assert ids(findings) == [("ENDPOINT_MISSING", "vpc-1")]
    assert "ecr.api" in findings[0]["message"]
    assert "privatelink.ecr.deploy" in findings[0]["remediation"]


def test_deleted_endpoint_counts_as_missing():
    state = correct_state()
    endpoint(state, "vpce-logs")["state"] = "deleted"
    assert [f["message"] for f in only(state, checks.check_endpoint_missing)] == [
        "VPC vpc-1 has no endpoint for logs (com.amazonaws.eu-west-1.logs)"]
    assert checks.check_endpoint_not_available(state) == []


def test_service_not_offered_in_region_says_so():
    state = correct_state()
    state["wanted"].append("eks-auth")
    state["services"]["eks-auth"] = {"service_name": None, "types": [], "zones": [], "offered": False}
    findings = only(state, checks.check_endpoint_missing)
    assert "does not offer" in findings[0]["message"] and "eks-auth" in findings[0]["message"]


# ---------------------------------------------------------------- ENDPOINT_NOT_AVAILABLE

@pytest.mark.parametrize("status", ["pendingAcceptance", "pending", "failed", "rejected", "expired"])
def test_endpoint_not_available(status):
    state = correct_state()
    endpoint(state, "vpce-dkr")["state"] = status
    findings = only(state, checks.check_endpoint_not_available)
    assert ids(findings) == [("ENDPOINT_NOT_AVAILABLE", "vpce-dkr")]
    assert status in findings[0]["message"]
    assert not checks.is_compliant(checks.audit(state))
    # It exists, so it is not also reported missing.
    assert checks.check_endpoint_missing(state) == []


def test_pending_acceptance_remediation_names_the_service_owner():
    state = correct_state()
    endpoint(state, "vpce-s3")["state"] = "pendingAcceptance"
    (item,) = only(state, checks.check_endpoint_not_available)
    assert "accept" in item["remediation"]


def test_failed_endpoint_config_is_not_checked_further():
    # A failed endpoint serves nothing: its subnets and groups do not matter, its state does.
    state = correct_state()
    dkr = endpoint(state, "vpce-dkr")
    dkr.update(state="failed", subnet_ids=["subnet-a"], private_dns_enabled=False)
    assert ids(checks.audit(state)) == [("ENDPOINT_NOT_AVAILABLE", "vpce-dkr")]


# ---------------------------------------------------------------- PRIVATE_DNS_DISABLED

def test_private_dns_off_on_ecr_dkr():
    state = correct_state()
    endpoint(state, "vpce-dkr")["private_dns_enabled"] = False
    findings = only(state, checks.check_private_dns_disabled)
    assert ids(findings) == [("PRIVATE_DNS_DISABLED", "vpce-dkr")]
    assert "ecr.dkr" in findings[0]["message"]


def test_second_endpoint_without_private_dns_is_fine_when_one_has_it():
    # AWS allows private DNS on one endpoint per service and VPC; the other one is not a problem.
    state = correct_state()
    state["endpoints"].append(interface("ecr.dkr", "vpce-dkr-2", private_dns_enabled=False))
    assert checks.check_private_dns_disabled(state) == []
    assert checks.audit(state) == []


def test_s3_gateway_needs_no_private_dns():
    state = correct_state()
    assert endpoint(state, "vpce-s3")["private_dns_enabled"] is False
    assert checks.check_private_dns_disabled(state) == []


def test_s3_interface_endpoint_without_gateway_is_checked_as_interface():
    state = correct_state()
    state["endpoints"] = [e for e in state["endpoints"] if e["service"] != "s3"]
    state["endpoints"].append(interface("s3", "vpce-s3i", private_dns_enabled=False))
    assert ids(checks.check_private_dns_disabled(state)) == [("PRIVATE_DNS_DISABLED", "vpce-s3i")]


def test_s3_interface_endpoint_alone_is_s3_route_missing():
    # ECR's guide names the S3 gateway endpoint for layers: an interface endpoint alone does not do.
    state = correct_state()
    state["endpoints"] = [e for e in state["endpoints"] if e["service"] != "s3"]
    state["endpoints"].append(interface("s3", "vpce-s3i"))
    (item,) = only(state, checks.check_s3_route_missing)
    assert (item["id"], item["resource"]) == ("S3_ROUTE_MISSING", "vpce-s3i")
    assert "gateway" in item["message"] and "s3_endpoint_type" in item["remediation"]
    assert ids(checks.audit(state)) == [("S3_ROUTE_MISSING", "vpce-s3i")]
    # Next to a gateway endpoint, the interface endpoint is fine.
    state["endpoints"].append(endpoint(correct_state(), "vpce-s3"))
    assert checks.check_s3_route_missing(state) == []


# ---------------------------------------------------------------- VPC_DNS_DISABLED

@pytest.mark.parametrize("attribute,name", [("enable_dns_hostnames", "enableDnsHostnames"),
                                            ("enable_dns_support", "enableDnsSupport")])
def test_vpc_dns_attribute_off(attribute, name):
    state = correct_state()
    state["vpc"][attribute] = False
    findings = only(state, checks.check_vpc_dns_disabled)
    assert ids(findings) == [("VPC_DNS_DISABLED", "vpc-1")]
    assert name in findings[0]["message"]


# ---------------------------------------------------------------- S3_ROUTE_MISSING

def test_s3_gateway_on_some_but_not_all_private_route_tables():
    state = correct_state()
    endpoint(state, "vpce-s3")["route_table_ids"] = ["rtb-a", "rtb-b"]
    findings = only(state, checks.check_s3_route_missing)
    assert ids(findings) == [("S3_ROUTE_MISSING", "rtb-main")]
    assert "subnet-c" in findings[0]["message"] and "vpce-s3" in findings[0]["message"]
    assert "rtb-main" in findings[0]["remediation"]


def test_main_route_table_serves_unassociated_subnets():
    # subnet-c has no explicit association: the main route table is the one that must carry S3.
    state = correct_state()
    endpoint(state, "vpce-s3")["route_table_ids"] = ["rtb-a", "rtb-b", "rtb-pub"]
    assert ids(checks.check_s3_route_missing(state)) == [("S3_ROUTE_MISSING", "rtb-main")]


def test_public_route_table_without_s3_is_not_reported():
    state = correct_state()
    assert "rtb-pub" not in endpoint(state, "vpce-s3")["route_table_ids"]
    assert checks.check_s3_route_missing(state) == []


def test_two_gateway_endpoints_together_cover_the_route_tables():
    state = correct_state()
    endpoint(state, "vpce-s3")["route_table_ids"] = ["rtb-a"]
    second = copy.deepcopy(endpoint(state, "vpce-s3"))
    second.update(vpc_endpoint_id="vpce-s3b", route_table_ids=["rtb-b", "rtb-main"])
    state["endpoints"].append(second)
    assert checks.check_s3_route_missing(state) == []


def test_no_s3_endpoint_is_missing_not_route_missing():
    state = correct_state()
    state["endpoints"] = [e for e in state["endpoints"] if e["service"] != "s3"]
    assert checks.check_s3_route_missing(state) == []
    assert ids(checks.check_endpoint_missing(state)) == [("ENDPOINT_MISSING", "vpc-1")]


# ---------------------------------------------------------------- AZ_NOT_COVERED

def test_interface_endpoint_in_two_of_three_zones():
    state = correct_state()
    endpoint(state, "vpce-api")["subnet_ids"] = ["subnet-a", "subnet-b"]
    findings = only(state, checks.check_az_not_covered)
    assert ids(findings) == [("AZ_NOT_COVERED", "vpce-api")]
    assert "eu-west-1c" in findings[0]["message"] and "subnet-c" in findings[0]["message"]
    assert checks.is_compliant(findings) is False


def test_endpoint_subnet_other_than_workload_subnet_in_same_zone_covers_it():
    state = correct_state()
    state["subnets"]["subnet-c2"] = {"subnet_id": "subnet-c2", "availability_zone": ZONES[2],
                                     "cidr": "10.0.13.0/24", "ipv6_cidrs": []}
    endpoint(state, "vpce-api")["subnet_ids"] = ["subnet-a", "subnet-b", "subnet-c2"]
    assert checks.check_az_not_covered(state) == []


def test_zone_where_the_service_is_not_offered_says_so():
    state = correct_state()
    state["services"]["ecr.api"]["zones"] = ZONES[:2]
    endpoint(state, "vpce-api")["subnet_ids"] = ["subnet-a", "subnet-b"]
    (item,) = only(state, checks.check_az_not_covered)
    assert "does not offer ecr.api in eu-west-1c" in item["remediation"]


# ---------------------------------------------------------------- SG_BLOCKS_HTTPS

def test_group_admits_443_only_from_another_cidr():
    state = correct_state()
    state["security_groups"]["sg-endpoints"]["ingress"] = [https_rule("192.168.0.0/24")]
    findings = only(state, checks.check_sg_blocks_https)
    assert ids(findings) == [("SG_BLOCKS_HTTPS", e) for e in ("vpce-api", "vpce-dkr", "vpce-logs")]
    for item in findings:
        for subnet in WORKLOAD_SUBNETS:
            assert subnet in item["message"]


def test_group_admits_only_some_workload_subnets():
    state = correct_state()
    state["security_groups"]["sg-endpoints"]["ingress"] = [https_rule("10.0.1.0/24", "10.0.2.0/24")]
    findings = only(state, checks.check_sg_blocks_https)
    assert len(findings) == 3
    item = findings[0]
    assert "subnet-c (10.0.3.0/24)" in item["message"] and "subnet-a" not in item["message"]


def test_group_admits_another_port_only():
    state = correct_state()
    state["security_groups"]["sg-endpoints"]["ingress"] = [https_rule("10.0.0.0/16", from_port=80, to_port=80)]
    assert len(checks.check_sg_blocks_https(state)) == 3


@pytest.mark.parametrize("rule", [
    https_rule("10.0.0.0/8"),
    https_rule("10.0.0.0/16", from_port=0, to_port=65535),
    https_rule("10.0.0.0/16", protocol="-1", from_port=None, to_port=None),
    https_rule("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/25", "10.0.3.128/25"),
])
def test_group_rules_that_do_admit_the_workload(rule):
    state = correct_state()
    state["security_groups"]["sg-endpoints"]["ingress"] = [rule]
    assert checks.check_sg_blocks_https(state) == []


def test_udp_rule_does_not_admit_https():
    state = correct_state()
    state["security_groups"]["sg-endpoints"]["ingress"] = [https_rule("10.0.0.0/16", protocol="udp")]
    assert len(checks.check_sg_blocks_https(state)) == 3


def test_second_group_of_the_endpoint_can_admit():
    state = correct_state()
    state["security_groups"]["sg-endpoints"]["ingress"] = []
    state["security_groups"]["sg-extra"] = {"group_id": "sg-extra", "group_name": "x",
                                            "ingress": [https_rule("10.0.0.0/16")]}
    for item in state["endpoints"]:
        if item["vpc_endpoint_type"] == "Interface":
            item["security_group_ids"] = ["sg-endpoints", "sg-extra"]
    assert checks.check_sg_blocks_https(state) == []


def _reference_only(state):
    state["security_groups"]["sg-endpoints"]["ingress"] = [https_rule(group_ids=["sg-tasks"])]


def test_reference_to_a_group_no_workload_is_seen_carrying():
    state = correct_state()
    _reference_only(state)
    findings = only(state, checks.check_sg_blocks_https)
    assert len(findings) == 3
    assert "sg-tasks" in findings[0]["message"]
    # No workload security group is known at all: noted, not judged (info).
    assert all(f["severity"] == "info" for f in findings)
    assert "no workload found that carries a referenced group" in findings[0]["message"]


def test_reference_to_a_group_the_workload_does_not_carry():
    state = correct_state()
    _reference_only(state)
    state["workload_enis"] = {s: [{"eni_id": "eni-task-" + s, "group_ids": ["sg-other"]}] for s in WORKLOAD_SUBNETS}
    assert len(checks.check_sg_blocks_https(state)) == 3


def test_reference_to_a_group_the_workload_carries():
    state = correct_state()
    _reference_only(state)
    state["workload_enis"] = {s: [{"eni_id": "eni-task-" + s, "group_ids": ["sg-tasks", "sg-other"]}]
                              for s in WORKLOAD_SUBNETS}
    assert checks.check_sg_blocks_https(state) == []
    assert checks.audit(state) == []


def test_reference_ignores_the_endpoints_own_interfaces():
    state = correct_state()
    _reference_only(state)
    state["workload_enis"] = {s: [{"eni_id": "eni-task-" + s, "group_ids": ["sg-tasks"]}] for s in WORKLOAD_SUBNETS}
    # Every endpoint's own ENIs sit in the workload subnets with the endpoint group: not workloads.
    state["workload_enis"]["subnet-a"].append({"eni_id": "eni-vpce-api-0", "group_ids": ["sg-endpoints"]})
    state["workload_enis"]["subnet-b"].append({"eni_id": "eni-vpce-logs-1", "group_ids": ["sg-endpoints"]})
    assert checks.check_sg_blocks_https(state) == []
    # A workload ENI without the group still counts.
    state["workload_enis"]["subnet-b"].append({"eni_id": "eni-rogue", "group_ids": ["sg-endpoints"]})
    assert len(checks.check_sg_blocks_https(state)) == 3


def test_reference_with_one_workload_interface_lacking_the_group():
    state = correct_state()
    _reference_only(state)
    state["workload_enis"] = {s: [{"eni_id": "eni-task-" + s, "group_ids": ["sg-tasks"]}] for s in WORKLOAD_SUBNETS}
    state["workload_enis"]["subnet-b"].append({"eni_id": "eni-rogue", "group_ids": ["sg-other"]})
    findings = checks.check_sg_blocks_https(state)
    assert len(findings) == 3 and all("subnet-b" in f["message"] and "subnet-a" not in f["message"]
                                      for f in findings)


def test_ipv6_only_workload_subnet_is_matched_against_ipv6_rules():
    state = correct_state()
    state["subnets"]["subnet-c"].update(cidr=None, ipv6_cidrs=["2001:db8:0:3::/64"])
    assert len(checks.check_sg_blocks_https(state)) == 3
    state["security_groups"]["sg-endpoints"]["ingress"].append(
        https_rule(ipv6_cidrs=["2001:db8::/56"]))
    assert checks.check_sg_blocks_https(state) == []


# ---------------------------------------------------------------- SG_OPEN_TO_WORLD

@pytest.mark.parametrize("rule", [https_rule("0.0.0.0/0"), https_rule(ipv6_cidrs=["::/0"]),
                                  https_rule("0.0.0.0/0", protocol="-1", from_port=None, to_port=None)])
def test_endpoint_group_open_to_world(rule):
    state = correct_state()
    state["security_groups"]["sg-endpoints"]["ingress"].append(rule)
    findings = only(state, checks.check_sg_open_to_world)
    assert ids(findings) == [("SG_OPEN_TO_WORLD", "sg-endpoints")]
    assert "vpce-api" in findings[0]["message"]
    # Open to the world admits the workload too: no SG_BLOCKS_HTTPS on top.
    assert checks.check_sg_blocks_https(state) == []


def test_group_of_no_endpoint_is_not_audited():
    state = correct_state()
    state["security_groups"]["sg-web"] = {"group_id": "sg-web", "group_name": "web",
                                          "ingress": [https_rule("0.0.0.0/0")]}
    assert checks.check_sg_open_to_world(state) == []


# ---------------------------------------------------------------- INTERNET_ROUTE

@pytest.mark.parametrize("target", ["nat-1", "igw-1", "eigw-1"])
def test_workload_subnet_with_internet_route(target):
    state = correct_state()
    state["route_tables"]["rtb-b"]["routes"].append({"destination": "0.0.0.0/0", "target": target,
                                                     "state": "active"})
    findings = only(state, checks.check_internet_route)
    assert ids(findings) == [("INTERNET_ROUTE", "rtb-b")]
    assert findings[0]["severity"] == "info" and "subnet-b" in findings[0]["message"]
    assert checks.is_compliant(checks.audit(state))


def test_internet_route_of_a_non_workload_subnet_is_not_reported():
    state = correct_state()
    assert checks.check_internet_route(state) == []  # rtb-pub serves the public subnet only


def test_blackhole_and_transit_routes_are_not_internet():
    state = correct_state()
    state["route_tables"]["rtb-a"]["routes"] += [
        {"destination": "0.0.0.0/0", "target": "nat-gone", "state": "blackhole"},
        {"destination": "::/0", "target": "tgw-1", "state": "active"}]
    assert checks.check_internet_route(state) == []


# ---------------------------------------------------------------- POLICY_UNRESTRICTED

@pytest.mark.parametrize("policy", [
    None,
    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]},
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["*"]}]},
])
def test_full_access_policy(policy):
    state = correct_state()
    endpoint(state, "vpce-s3")["policy"] = policy
    findings = only(state, checks.check_policy_unrestricted)
    assert ids(findings) == [("POLICY_UNRESTRICTED", "vpce-s3")]
    assert "starport-layer-bucket" in findings[0]["remediation"]


def test_restricted_policy_is_not_reported():
    assert checks.check_policy_unrestricted(correct_state()) == []


# ---------------------------------------------------------------- the state builder over raw AWS answers

def _raw_subnet(subnet_id, zone, cidr, vpc="vpc-1"):
    return {"SubnetId": subnet_id, "VpcId": vpc, "AvailabilityZone": zone, "CidrBlock": cidr}


def _raw_table(table_id, subnets=(), main=False, igw=False, vpc="vpc-1"):
    associations = [{"Main": False, "SubnetId": s} for s in subnets]
    if main:
        associations.append({"Main": True})
    routes = [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]
    if igw:
        routes.append({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"})
    return {"RouteTableId": table_id, "VpcId": vpc, "Associations": associations, "Routes": routes}


def test_vpc_state_discovers_private_workload_subnets_and_their_route_tables():
    raw_subnets = [_raw_subnet("subnet-a", ZONES[0], "10.0.1.0/24"), _raw_subnet("subnet-b", ZONES[1], "10.0.2.0/24"),
                   _raw_subnet("subnet-c", ZONES[2], "10.0.3.0/24"),
                   _raw_subnet("subnet-pub", ZONES[0], "10.0.100.0/24"),
                   _raw_subnet("subnet-other-vpc", ZONES[0], "10.9.0.0/24", vpc="vpc-2")]
    raw_tables = [_raw_table("rtb-a", ["subnet-a"]), _raw_table("rtb-b", ["subnet-b"]),
                  _raw_table("rtb-main", main=True), _raw_table("rtb-pub", ["subnet-pub"], igw=True)]
    groups = [normalise_security_group({"GroupId": "sg-endpoints", "GroupName": "ecr-private-endpoints",
                                        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                                                           "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]})]
    reference = correct_state()
    endpoints = [dict((k, v) for k, v in e.items() if k != "service") for e in reference["endpoints"]]
    details = [{"ServiceName": "com.amazonaws.%s.%s" % (REGION, s), "ServiceType": [{"ServiceType": "Interface"}],
                "AvailabilityZones": ZONES} for s in ("ecr.api", "ecr.dkr", "s3", "logs")]
    catalog = service_catalog(reference["wanted"], REGION, details)
    state = vpc_state(reference["vpc"], REGION, reference["wanted"], catalog, endpoints, raw_subnets, raw_tables,
                      groups)
    assert sorted(state["workload_subnet_ids"]) == WORKLOAD_SUBNETS
    assert state["subnet_route_table"]["subnet-c"] == "rtb-main"
    assert "subnet-other-vpc" not in state["subnets"]
    assert [e["service"] for e in state["endpoints"]] == ["ecr.api", "ecr.dkr", "logs", "s3"]
    assert checks.audit(state) == []


def test_normalised_route_table_keeps_nat_targets():
    table = normalise_route_table({"RouteTableId": "rtb-1", "Associations": [], "Routes": [
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"}]})
    assert table["routes"] == [{"destination": "0.0.0.0/0", "target": "nat-1", "state": "active"}]


def test_normalised_security_group_rules():
    group = normalise_security_group({"GroupId": "sg-1", "IpPermissions": [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "UserIdGroupPairs": [{"GroupId": "sg-2"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [{"PrefixListId": "pl-1"}]}]})
    assert group["ingress"] == [{"protocol": "-1", "from_port": None, "to_port": None, "cidrs": ["10.0.0.0/8"],
                                 "ipv6_cidrs": ["::/0"], "group_ids": ["sg-2"], "prefix_list_ids": ["pl-1"]}]


def test_service_catalog_marks_unoffered_services():
    catalog = service_catalog(["ecr.api", "eks-auth"], REGION, [
        {"ServiceName": "com.amazonaws.%s.ecr.api" % REGION, "ServiceType": [{"ServiceType": "Interface"}],
         "AvailabilityZones": ZONES}])
    assert catalog["ecr.api"]["offered"] is True and catalog["ecr.api"]["zones"] == ZONES
    assert catalog["eks-auth"]["offered"] is False


# ---------------------------------------------------------------- the module's per-VPC result

def test_module_result_shows_the_endpoint_workloads_use():
    from ansible_collections.privatelink.ecr.plugins.modules.ecr_private_endpoints_info import vpc_result

    state = correct_state()
    state["endpoints"].append(interface("s3", "vpce-s3-interface", private_dns_enabled=False))
    state["endpoints"].append(interface("ecr.api", "vpce-api-old", state="failed"))
    state["endpoints"].append(interface("logs", "vpce-logs-gone", state="deleted"))
    result = vpc_result("111111111111", state)
    assert result["endpoints"]["s3"]["vpc_endpoint_id"] == "vpce-s3"           # the gateway
    assert result["endpoints"]["ecr.api"]["vpc_endpoint_id"] == "vpce-api"     # the available one
    assert result["endpoints"]["logs"]["vpc_endpoint_id"] == "vpce-logs"
    assert ids(result["findings"]) == [("ENDPOINT_NOT_AVAILABLE", "vpce-api-old")]
    assert result["compliant"] is False and result["account_id"] == "111111111111"
    assert set(result) == {"vpc_id", "vpc_name", "account_id", "region", "compliant", "workload_subnet_ids",
                           "workloads", "endpoints", "findings", "monthly_cost_usd", "per_vpc_design_monthly_usd", "hub"}
    assert result["vpc_name"] is None  # an untagged VPC
    state["vpc"]["tags"] = {"Name": "payments", "team": "a"}
    assert vpc_result("111111111111", state)["vpc_name"] == "payments"
    assert result["hub"] is None and result["per_vpc_design_monthly_usd"] == result["monthly_cost_usd"]


# ---------------------------------------------------------------- NACL_BLOCKS_HTTPS, POLICY_BLOCKS_PULL, cost

def _acl_entry(number, action, egress, cidr="0.0.0.0/0", protocol="-1", ports=(None, None)):
    return {"rule_number": number, "egress": egress, "protocol": protocol, "action": action, "cidr": cidr,
            "from_port": ports[0], "to_port": ports[1]}


def test_correct_vpc_with_default_acls_has_no_nacl_finding():
    assert checks.check_nacl_blocks_https(correct_state()) == []


def test_nacl_check_is_skipped_when_the_acls_were_not_read():
    state = correct_state()
    del state["network_acls"], state["subnet_network_acl"]
    assert checks.check_nacl_blocks_https(state) == []


def test_endpoints_in_the_workload_subnets_cross_acls_only_between_subnets():
    # Each workload subnet holds an endpoint interface; only the traffic to the other two subnets is filtered.
    state = correct_state()
    acl = state["network_acls"]["acl-default"]
    acl["entries"] = [_acl_entry(100, "allow", False, "10.0.1.0/24"), _acl_entry(100, "allow", True, "10.0.1.0/24"),
                      _acl_entry(32767, "deny", False), _acl_entry(32767, "deny", True)]
    findings = only(state, checks.check_nacl_blocks_https)
    assert {f["resource"] for f in findings} == {"acl-default"}
    text = " ".join(f["message"] for f in findings)
    assert "10.0.2.0/24" in text and "10.0.3.0/24" in text and "inbound" in text and "outbound" in text


def test_s3_prefix_list_is_only_checked_for_a_gateway():
    state = correct_state()
    state["network_acls"]["acl-default"]["entries"] = [
        _acl_entry(100, "allow", e, "10.0.0.0/16") for e in (False, True)] + [
        _acl_entry(32767, "deny", e) for e in (False, True)]
    findings = only(state, checks.check_nacl_blocks_https)
    assert {f["resource"] for f in findings} == {"acl-default"}
    assert all("52.216.0.0/15" in f["message"] for f in findings) and len(findings) == 2
    state["endpoints"] = [e for e in state["endpoints"] if e["service"] != "s3"]
    assert checks.check_nacl_blocks_https(state) == []


def test_client_port_range_is_what_return_traffic_must_reach():
    state = correct_state()
    state["network_acls"]["acl-default"]["entries"] = [
        _acl_entry(100, "allow", False, protocol="6", ports=(443, 443)),
        _acl_entry(110, "allow", False, protocol="6", ports=(32768, 60999)),
        _acl_entry(100, "allow", True, protocol="6", ports=(443, 443)),
        _acl_entry(110, "allow", True, protocol="6", ports=(32768, 60999)),
        _acl_entry(32767, "deny", False), _acl_entry(32767, "deny", True)]
    assert checks.check_nacl_blocks_https(dict(state, client_port_range=[32768, 60999])) == []
    findings = checks.check_nacl_blocks_https(state)   # the default also covers Windows clients
    assert findings and all("61000-65535" in f["message"] for f in findings)
    assert all("From=32768,To=65535" in f["remediation"] for f in findings)


def test_policy_blocks_pull_names_the_missing_permission_and_the_endpoint():
    state = correct_state()
    endpoint(state, "vpce-s3")["policy"] = {"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::team-bucket/*"}]}
    (item,) = only(state, checks.check_policy_blocks_pull)
    assert item["resource"] == "vpce-s3" and "s3:GetObject" in item["message"]
    assert "prod-eu-west-1-starport-layer-bucket" in item["remediation"] and "s3_policy" in item["remediation"]
    assert not checks.is_compliant(checks.audit(state))


def test_policy_finding_says_when_the_organization_could_not_be_read():
    state = correct_state()
    state["org_note"] = "denied"
    endpoint(state, "vpce-dkr")["policy"] = {"Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}}]}
    (item,) = only(state, checks.check_policy_blocks_pull)
    assert "DescribeOrganization was denied" in item["message"]


def test_policy_check_needs_the_account():
    state = correct_state()
    state.pop("account_id")
    endpoint(state, "vpce-s3")["policy"] = {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]}
    assert checks.check_policy_blocks_pull(state) == []
    state["vpc"]["owner_id"] = ACCOUNT
    assert ids(checks.check_policy_blocks_pull(state)) == [("POLICY_BLOCKS_PULL", "vpce-s3")]


def test_monthly_cost_counts_billed_interface_endpoints_only():
    state = correct_state()
    # Three interface endpoints in three subnets: 9 endpoint-AZs x 730 h x 0.01.
    assert checks.monthly_cost_usd(state) == 65.7
    assert checks.monthly_cost_usd(state, 0.011) == 72.27
    state["endpoints"].append(interface("sts", "vpce-sts", subnet_ids=["subnet-a"], tags={}))      # any service
    state["endpoints"].append(interface("ssm", "vpce-ssm", state="pendingAcceptance"))            # still billed
    for gone in ("deleted", "deleting", "failed", "rejected"):
        state["endpoints"].append(interface("kms", "vpce-" + gone, state=gone))
    assert checks.monthly_cost_usd(state) == round((9 + 1 + 3) * 730 * 0.01, 2)
    state["endpoints"] = []
    assert checks.monthly_cost_usd(state) == 0


@pytest.mark.parametrize("value,expected", [("32768-65535", (32768, 65535)), (" 1024-65535 ", (1024, 65535)),
                                            ("443-443", (443, 443))])
def test_client_port_range_option(value, expected):
    from ansible_collections.privatelink.ecr.plugins.modules.ecr_private_endpoints_info import parse_port_range

    assert parse_port_range(value) == expected


@pytest.mark.parametrize("value", ["", "32768", "65535-32768", "0-70000", "a-b", "1-2-3", "-1-5"])
def test_bad_client_port_range_is_refused(value):
    from ansible_collections.privatelink.ecr.plugins.modules.ecr_private_endpoints_info import parse_port_range

    with pytest.raises(ValueError) as err:
        parse_port_range(value)
    assert "client_port_range" in str(err.value)


def test_module_result_carries_the_monthly_cost():
    from ansible_collections.privatelink.ecr.plugins.modules.ecr_private_endpoints_info import vpc_result

    assert vpc_result(ACCOUNT, correct_state(), 0.02)["monthly_cost_usd"] == 131.4


def test_acl_maps_use_the_default_acl_for_unassociated_subnets():
    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_reader import acl_maps
    from ansible_collections.privatelink.ecr.plugins.module_utils._nacl_eval import normalise_acl

    raw = [{"NetworkAclId": "acl-default", "VpcId": "vpc-1", "IsDefault": True, "Associations": [], "Entries": []},
           {"NetworkAclId": "acl-tight", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-b"}], "Entries": []},
           {"NetworkAclId": "acl-other", "VpcId": "vpc-2", "IsDefault": True, "Associations": [], "Entries": []}]
    acls, by_subnet = acl_maps([normalise_acl(a) for a in raw], "vpc-1", ["subnet-a", "subnet-b"])
    assert sorted(acls) == ["acl-default", "acl-tight"]
    assert by_subnet == {"subnet-a": "acl-default", "subnet-b": "acl-tight"}


class _Orgs:
    def __init__(self, code=None):
        self.code = code

    def describe_organization(self):
        from botocore.exceptions import ClientError

        if self.code:
            raise ClientError({"Error": {"Code": self.code, "Message": "no"}}, "DescribeOrganization")
        return {"Organization": {"Id": "o-abcdefghij"}}


class _Connection:
    def __init__(self, orgs):
        self.orgs = orgs

    def client(self, service):
        return self.orgs if service == "organizations" else object()


@pytest.mark.parametrize("code,expected", [(None, ("o-abcdefghij", None)),
                                           ("AWSOrganizationsNotInUseException", (None, "none")),
                                           ("AccessDeniedException", (None, "denied"))])
def test_organization_id_read(code, expected):
    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_reader import AuditReader

    assert AuditReader(_Connection(_Orgs(code))).organization_id() == expected


def test_organization_read_other_errors_fail_with_a_message():
    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_reader import AuditReader
    from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError

    with pytest.raises(PrivatelinkError) as err:
        AuditReader(_Connection(_Orgs("ServiceException"))).organization_id()
    assert "DescribeOrganization" in str(err.value)


# ---------------------------------------------------------------- centralized endpoints (hub and spokes)

HUB_SERVICES = ("ecr.api", "ecr.dkr", "logs")
DNS_NAMES = {"ecr.api": "api.ecr.eu-west-1.amazonaws.com", "ecr.dkr": "*.dkr.ecr.eu-west-1.amazonaws.com",
             "logs": "logs.eu-west-1.amazonaws.com"}


def hub_endpoint(service):
    return interface(service, "vpce-hub-" + service, subnet_ids=["subnet-h1", "subnet-h2", "subnet-h3"],
                     security_group_ids=["sg-hub"], private_dns_enabled=False, network_interface_ids=[],
                     dns_entries=[{"dns_name": "vpce-hub-%s.vpce.amazonaws.com" % service, "hosted_zone_id": "ZV"}])


def hub_zone(service):
    name = DNS_NAMES[service].lstrip("*.")
    records = {"%s|A" % name: {"dns_name": "vpce-hub-%s.vpce.amazonaws.com" % service, "hosted_zone_id": "ZV"}}
    if DNS_NAMES[service].startswith("*."):
        records["*.%s|A" % name] = dict(records["%s|A" % name])
    return {"zone_id": "Z-" + service, "name": name, "owned": True, "account_id": "999999999999",
            "records": records}


def spoke_state():
    """A spoke in another account: only its S3 gateway, the hub's zones associated, a peering route to the hub."""
    state = correct_state()
    state["endpoints"] = [e for e in state["endpoints"] if e["service"] == "s3"]
    state["security_groups"] = {"sg-hub": {"group_id": "sg-hub", "group_name": "ecr-private-endpoints",
                                           "ingress": [https_rule("10.0.0.0/16", "10.9.0.0/16")]}}
    for table in ("rtb-a", "rtb-b", "rtb-main"):
        state["route_tables"][table]["routes"].append(
            {"destination": "10.9.0.0/16", "target": "pcx-hub", "state": "active"})
    state["hub"] = {
        "vpc_id": "vpc-hub", "account_id": "999999999999", "is_self": False,
        "endpoints": [hub_endpoint(s) for s in HUB_SERVICES],
        "subnets": dict(("subnet-h%d" % (i + 1), {"subnet_id": "subnet-h%d" % (i + 1), "availability_zone": zone,
                                                  "cidr": "10.9.%d.0/24" % (i + 1), "ipv6_cidrs": []})
                        for i, zone in enumerate(ZONES)),
        "security_groups": {},
        "service_dns": dict((s, {"service_name": "com.amazonaws.%s.%s" % (REGION, s), "dns_names": [DNS_NAMES[s]]})
                            for s in HUB_SERVICES),
        "zones": [hub_zone(s) for s in HUB_SERVICES],
        "transit_gateways": [],
    }
    state["vpc_zones"] = [{"zone_id": z["zone_id"], "name": z["name"], "account_id": "999999999999"}
                          for z in state["hub"]["zones"]]
    state["peerings"] = {"pcx-hub": {"status": "active", "vpc_ids": ["vpc-1", "vpc-hub"]}}
    return state


def serious(findings):
    return ids(f for f in findings if f["severity"] in ("high", "medium"))


def test_a_served_spoke_is_compliant_without_its_own_interface_endpoints():
    state = spoke_state()
    assert checks.hub_services(state) == ["ecr.api", "ecr.dkr", "logs"]
    assert serious(checks.audit(state)) == []
    # Without its hub the same VPC misses three endpoints: the false alarm existence-only checks raise.
    del state["hub"]
    assert serious(checks.audit(state)) == [("ENDPOINT_MISSING", "vpc-1")] * 3


def test_a_removed_association_is_hub_zone_broken_for_that_zone_only():
    state = spoke_state()
    state["vpc_zones"] = [z for z in state["vpc_zones"] if z["zone_id"] != "Z-logs"]
    findings = checks.audit(state)
    assert serious(findings) == [("HUB_ZONE_BROKEN", "Z-logs")]
    (broken,) = only(state, checks.check_hub_zone_broken)
    assert "not associated" in broken["message"] and "ecr_endpoints_mode: spoke" in broken["remediation"]


def test_a_zone_of_the_same_name_in_the_way_is_named():
    state = spoke_state()
    state["vpc_zones"] = [z for z in state["vpc_zones"] if z["zone_id"] != "Z-ecr.api"] + [
        {"zone_id": "Z-theirs", "name": "api.ecr.eu-west-1.amazonaws.com", "account_id": ACCOUNT}]
    (broken,) = only(state, checks.check_hub_zone_broken)
    assert broken["resource"] == "Z-ecr.api" and "Z-theirs" in broken["message"] and "Z-theirs" in broken["remediation"]


def test_a_deleted_hub_endpoint_or_a_wrong_record_is_hub_zone_broken():
    state = spoke_state()
    state["hub"]["endpoints"] = [e for e in state["hub"]["endpoints"] if e["service"] != "ecr.dkr"]
    assert serious(checks.audit(state)) == [("HUB_ZONE_BROKEN", "Z-ecr.dkr")]
    state = spoke_state()
    del state["hub"]["zones"][1]["records"]["*.dkr.ecr.eu-west-1.amazonaws.com|A"]
    (broken,) = only(state, checks.check_hub_zone_broken)
    assert "*.dkr.ecr.eu-west-1.amazonaws.com has no alias record" in broken["message"]
    state = spoke_state()
    state["hub"]["endpoints"][0]["state"] = "pending"
    assert serious(checks.audit(state)) == [("HUB_ZONE_BROKEN", "Z-ecr.api")]


def test_a_hub_without_its_zone_is_reported_on_the_hub_vpc():
    state = spoke_state()
    state["hub"]["zones"] = state["hub"]["zones"][:2]
    state["vpc_zones"] = state["vpc_zones"][:2]
    assert serious(checks.audit(state)) == [("HUB_ZONE_BROKEN", "vpc-hub")]


def test_a_route_table_without_a_route_to_the_hub_is_hub_unreachable():
    state = spoke_state()
    state["route_tables"]["rtb-b"]["routes"] = state["route_tables"]["rtb-b"]["routes"][:1]
    assert serious(checks.audit(state)) == [("HUB_UNREACHABLE", "rtb-b")]
    # A blackhole, an inactive peering, a peering with another VPC: none reaches the hub.
    state = spoke_state()
    state["route_tables"]["rtb-a"]["routes"][1]["state"] = "blackhole"
    assert serious(checks.audit(state)) == [("HUB_UNREACHABLE", "rtb-a")]
    state = spoke_state()
    state["peerings"]["pcx-hub"]["status"] = "pending-acceptance"
    assert serious(checks.audit(state)) == [("HUB_UNREACHABLE", t) for t in ("rtb-a", "rtb-b", "rtb-main")]
    # A more specific route elsewhere wins over the route to the hub.
    state = spoke_state()
    state["route_tables"]["rtb-main"]["routes"].append(
        {"destination": "10.9.1.0/24", "target": "pcx-other", "state": "active"})
    (unreachable,) = only(state, checks.check_hub_unreachable)
    assert unreachable["resource"] == "rtb-main" and "10.9.1.0/24" in unreachable["message"]
    # A transit gateway the hub is attached to counts.
    state = spoke_state()
    for table in ("rtb-a", "rtb-b", "rtb-main"):
        state["route_tables"][table]["routes"][1]["target"] = "tgw-1"
    assert serious(checks.audit(state)) == [("HUB_UNREACHABLE", t) for t in ("rtb-a", "rtb-b", "rtb-main")]
    state["hub"]["transit_gateways"] = ["tgw-1"]
    assert serious(checks.audit(state)) == []


def test_the_hubs_group_and_zones_are_judged_against_the_spokes_workloads():
    state = spoke_state()
    state["security_groups"]["sg-hub"]["ingress"] = [https_rule("10.9.0.0/16")]
    findings = only(state, checks.check_sg_blocks_https)
    assert ids(findings) == [("SG_BLOCKS_HTTPS", "vpce-hub-" + s) for s in HUB_SERVICES]
    assert "for the hub VPC vpc-hub" in findings[0]["remediation"]
    state = spoke_state()
    state["hub"]["endpoints"][1]["subnet_ids"] = ["subnet-h1", "subnet-h2"]
    (gap,) = only(state, checks.check_az_not_covered)
    assert gap["resource"] == "vpce-hub-ecr.dkr" and ZONES[2] in gap["message"]


def test_on_the_hub_itself_private_dns_off_is_by_design():
    state = correct_state()
    for item in state["endpoints"]:
        if item["vpc_endpoint_type"] == "Interface":
            item["private_dns_enabled"] = False
            item["dns_entries"] = [{"dns_name": "vpce-hub-%s.vpce.amazonaws.com" % item["service"]}]
    assert ids(checks.check_private_dns_disabled(state)) == [("PRIVATE_DNS_DISABLED", e) for e in
                                                             ("vpce-api", "vpce-dkr", "vpce-logs")]
    hub = spoke_state()["hub"]
    state["hub"] = dict(hub, vpc_id="vpc-1", is_self=True, endpoints=[], zones=[dict(z, records=dict(
        (k, {"dns_name": "vpce-hub-%s.vpce.amazonaws.com" % z["zone_id"][2:]}) for k in z["records"]))
        for z in hub["zones"]])
    state["hub"]["endpoints"] = [e for e in state["endpoints"] if e["vpc_endpoint_type"] == "Interface"]
    state["vpc_zones"] = [{"zone_id": z["zone_id"], "name": z["name"]} for z in hub["zones"]]
    assert serious(checks.audit(state)) == []
    assert checks.check_hub_unreachable(state) == []


def test_costs_of_the_hub_and_of_the_per_vpc_design():
    spoke = spoke_state()
    assert checks.monthly_cost_usd(spoke) == 0
    # Three services in its three workload zones, had it its own endpoints.
    assert checks.per_vpc_design_monthly_usd(spoke, 0.01) == round(3 * 3 * 730 * 0.01, 2)
    spoke["hub"]["zones"], spoke["hub"]["endpoints"] = [], []
    assert checks.per_vpc_design_monthly_usd(spoke) == checks.monthly_cost_usd(spoke)
    local = correct_state()
    assert checks.per_vpc_design_monthly_usd(local) == checks.monthly_cost_usd(local) == round(9 * 730 * 0.01, 2)
