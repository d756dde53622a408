"""A corpus of VPCs, each with one planted network-ACL or endpoint-policy fault, and look-alikes that work.

Every faulty VPC must be reported with the right finding id on the right resource, and with nothing else
of consequence; every look-alike must stay clean (no high or medium finding, no NACL_* / POLICY_BLOCKS_*).
The VPC: Fargate tasks in two workload subnets (10.0.1.0/24, 10.0.2.0/24), interface endpoints in two
endpoint subnets of the same zones (10.0.11.0/24, 10.0.12.0/24), the S3 gateway on the workload route
table, one ACL for the workload subnets (acl-work) and one for the endpoint subnets (acl-ep).
"""

import copy

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils._perimeter import perimeter_policy

REGION = "eu-west-1"
ACCOUNT = "111122223333"
ORG = "o-corpus0001"
S3_CIDRS = ["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16"]
LAYERS = "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"
WORK = {"subnet-w1": ("eu-west-1a", "10.0.1.0/24"), "subnet-w2": ("eu-west-1b", "10.0.2.0/24")}
ENDPOINT_SUBNETS = {"subnet-e1": ("eu-west-1a", "10.0.11.0/24"), "subnet-e2": ("eu-west-1b", "10.0.12.0/24")}
SERVICES = ("ecr.api", "ecr.dkr", "logs", "s3")


# ---------------------------------------------------------------- building blocks

def rule(number, action="allow", egress=False, cidr="0.0.0.0/0", protocol="6", ports=(443, 443)):
    low, high = ports if protocol == "6" and ports else (None, None)
    return {"rule_number": number, "egress": egress, "protocol": protocol, "action": action, "cidr": cidr,
            "from_port": low, "to_port": high}


def open_rules():
    return [rule(100, egress=e, protocol="-1") for e in (False, True)]


def with_star(entries):
    return entries + [rule(32767, "deny", e, protocol="-1") for e in (False, True)]


def acl(acl_id, subnets, entries):
    return {"network_acl_id": acl_id, "vpc_id": "vpc-c", "is_default": False, "subnet_ids": list(subnets),
            "entries": with_star(entries)}


def statement(effect="Allow", action="*", resource="*", principal="*", **extra):
    item = {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource}
    item.update(extra)
    return item


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def vpc():
    subnets = dict(WORK, **ENDPOINT_SUBNETS)
    endpoints = [{
        "vpc_endpoint_id": "vpce-%s" % service.replace(".", ""), "service": service,
        "service_name": "com.amazonaws.%s.%s" % (REGION, service), "vpc_endpoint_type": "Interface",
        "state": "available", "subnet_ids": sorted(ENDPOINT_SUBNETS), "route_table_ids": [],
        "security_group_ids": ["sg-ep"], "private_dns_enabled": True, "policy": None,
        "network_interface_ids": [], "tags": {}, "ip_address_type": "ipv4"} for service in SERVICES[:3]]
    endpoints.append({"vpc_endpoint_id": "vpce-s3", "service": "s3", "service_name": "com.amazonaws.%s.s3" % REGION,
                      "vpc_endpoint_type": "Gateway", "state": "available", "subnet_ids": [],
                      "route_table_ids": ["rtb-work"], "security_group_ids": [], "private_dns_enabled": False,
                      "policy": None, "network_interface_ids": [], "tags": {}})
    return {
        "vpc": {"vpc_id": "vpc-c", "cidrs": ["10.0.0.0/16"], "enable_dns_support": True,
                "enable_dns_hostnames": True},
        "region": REGION,
        "wanted": list(SERVICES),
        "services": {s: {"service_name": "com.amazonaws.%s.%s" % (REGION, s), "types": ["Interface"],
                         "zones": ["eu-west-1a", "eu-west-1b"], "offered": True} for s in SERVICES},
        "endpoints": endpoints,
        "subnets": {sid: {"subnet_id": sid, "availability_zone": zone, "cidr": cidr, "ipv6_cidrs": []}
                    for sid, (zone, cidr) in subnets.items()},
        "route_tables": {t: {"route_table_id": t, "main": t == "rtb-ep", "routes": [
            {"destination": "10.0.0.0/16", "target": "local", "state": "active"}]} for t in ("rtb-work", "rtb-ep")},
        "subnet_route_table": dict([(s, "rtb-work") for s in WORK] + [(s, "rtb-ep") for s in ENDPOINT_SUBNETS]),
        "security_groups": {"sg-ep": {"group_id": "sg-ep", "group_name": "ecr-private-endpoints", "ingress": [
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/16"], "ipv6_cidrs": [],
             "group_ids": [], "prefix_list_ids": []}]}},
        "workload_subnet_ids": sorted(WORK),
        "workload_enis": {},
        "account_id": ACCOUNT,
        "org_id": ORG,
        "org_note": None,
        "network_acls": {"acl-work": acl("acl-work", WORK, open_rules()),
                         "acl-ep": acl("acl-ep", ENDPOINT_SUBNETS, open_rules())},
        "subnet_network_acl": dict([(s, "acl-work") for s in WORK] + [(s, "acl-ep") for s in ENDPOINT_SUBNETS]),
        "s3_prefix_cidrs": list(S3_CIDRS),
        "client_port_range": [32768, 65535],
    }


def set_acl(state, acl_id, entries):
    state["network_acls"][acl_id]["entries"] = with_star(entries)


def set_policy(state, service, policy):
    for item in state["endpoints"]:
        if item["service"] == service:
            item["policy"] = policy


def set_all_policies(state, policy):
    for service in SERVICES:
        set_policy(state, service, copy.deepcopy(policy))


# ---------------------------------------------------------------- planted faults: (state editor, expected finding)

def workload_acl_allows_only_port_80_out(state):
    set_acl(state, "acl-work", [rule(100, egress=True, ports=(80, 80)), rule(100, protocol="-1")])
    return ("NACL_BLOCKS_HTTPS", "acl-work")


def return_traffic_forgotten_on_workload_acl(state):
    set_acl(state, "acl-work", [rule(100, egress=True, protocol="-1"), rule(100, cidr="10.0.0.0/16")])
    return ("NACL_BLOCKS_HTTPS", "acl-work")


def endpoint_acl_denies_one_workload_subnet(state):
    set_acl(state, "acl-ep", [rule(50, "deny", cidr="10.0.2.0/24", protocol="-1")] + open_rules())
    return ("NACL_BLOCKS_HTTPS", "acl-ep")


def endpoint_acl_answers_linux_ports_only(state):
    # 32768-60999: Windows clients (49152-65535) never get their answers above 60999.
    set_acl(state, "acl-ep", [rule(100), rule(100, egress=True, cidr="10.0.0.0/16", ports=(32768, 60999))])
    return ("NACL_BLOCKS_HTTPS", "acl-ep")


def s3_ranges_enumerated_but_one_missing(state):
    set_acl(state, "acl-work", [
        rule(100, egress=True, cidr="10.0.0.0/16"),
        rule(110, egress=True, cidr=S3_CIDRS[0]), rule(120, egress=True, cidr=S3_CIDRS[1]),
        rule(100, cidr="0.0.0.0/0", ports=(32768, 65535))])
    return ("NACL_BLOCKS_HTTPS", "acl-work")


def deny_slice_of_an_endpoint_subnet_before_allow(state):
    set_acl(state, "acl-work", [rule(90, "deny", egress=True, cidr="10.0.11.128/25")] + open_rules())
    return ("NACL_BLOCKS_HTTPS", "acl-work")


def s3_gateway_policy_for_team_buckets_only(state):
    set_policy(state, "s3", doc(statement(action="s3:*", resource=["arn:aws:s3:::team-artifacts",
                                                                   "arn:aws:s3:::team-artifacts/*"])))
    return ("POLICY_BLOCKS_PULL", "vpce-s3")


def s3_layer_bucket_behind_an_org_condition(state):
    set_policy(state, "s3", doc(statement(action="s3:GetObject", resource=LAYERS,
                                          Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}})))
    return ("POLICY_BLOCKS_PULL", "vpce-s3")


def ecr_api_without_authorization_token(state):
    set_policy(state, "ecr.api", doc(statement(action=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"])))
    return ("POLICY_BLOCKS_PULL", "vpce-ecrapi")


def deny_catches_a_pull_action(state):
    set_policy(state, "ecr.dkr", doc(statement(), statement("Deny", action="ecr:Get*")))
    return ("POLICY_BLOCKS_PULL", "vpce-ecrdkr")


def deny_unless_another_endpoint(state):
    set_policy(state, "ecr.dkr", doc(statement(), statement(
        "Deny", Condition={"StringNotEquals": {"aws:SourceVpce": "vpce-0somewhereelse"}})))
    return ("POLICY_BLOCKS_PULL", "vpce-ecrdkr")


def ecr_dkr_wildcard_misses_batch_get_image(state):
    set_policy(state, "ecr.dkr", doc(statement(action="ecr:Get*")))
    return ("POLICY_BLOCKS_PULL", "vpce-ecrdkr")


def logs_only_for_another_account(state):
    set_policy(state, "logs", doc(statement(action="logs:*",
                                            resource="arn:aws:logs:eu-west-1:444455556666:log-group:*")))
    return ("POLICY_BLOCKS_PULL", "vpce-logs")


def not_action_deny_on_ecr_api(state):
    set_policy(state, "ecr.api", doc(statement(), statement("Deny", action=None,
                                                            NotAction=["ecr:GetAuthorizationToken"])))
    return ("POLICY_BLOCKS_PULL", "vpce-ecrapi")


def org_perimeter_but_account_left_the_org(state):
    set_policy(state, "ecr.dkr", perimeter_policy("ecr.dkr", REGION, ORG, "fargate"))
    state["org_id"], state["org_note"] = None, "none"
    return ("POLICY_BLOCKS_PULL", "vpce-ecrdkr")


FAULTS = [workload_acl_allows_only_port_80_out, return_traffic_forgotten_on_workload_acl,
          endpoint_acl_denies_one_workload_subnet, endpoint_acl_answers_linux_ports_only,
          s3_ranges_enumerated_but_one_missing, deny_slice_of_an_endpoint_subnet_before_allow,
          s3_gateway_policy_for_team_buckets_only, s3_layer_bucket_behind_an_org_condition,
          ecr_api_without_authorization_token, deny_catches_a_pull_action, deny_unless_another_endpoint,
          ecr_dkr_wildcard_misses_batch_get_image, logs_only_for_another_account, not_action_deny_on_ecr_api,
          org_perimeter_but_account_left_the_org]


# ---------------------------------------------------------------- look-alikes that work

def explicit_allows_before_a_deny_all(state):
    set_acl(state, "acl-work", [
        rule(100, egress=True, cidr="10.0.0.0/16")] + [rule(110 + i, egress=True, cidr=c) for i, c in enumerate(S3_CIDRS)]
        + [rule(200, "deny", egress=True, protocol="-1"),
           rule(100, ports=(1024, 65535)), rule(200, "deny", protocol="-1")])


def tight_acl_on_endpoint_subnets_only(state):
    set_acl(state, "acl-ep", [rule(100, cidr="10.0.1.0/24"), rule(110, cidr="10.0.2.0/24"),
                              rule(120, "deny", protocol="-1"),
                              rule(100, egress=True, cidr="10.0.0.0/22", ports=(32768, 65535)),
                              rule(110, "deny", egress=True, protocol="-1")])


def s3_ranges_enumerated(state):
    entries = [rule(100, egress=True, cidr="10.0.0.0/16"), rule(100, cidr="10.0.0.0/16", ports=(32768, 65535))]
    for index, cidr in enumerate(S3_CIDRS):
        entries.append(rule(110 + index, egress=True, cidr=cidr))
        entries.append(rule(110 + index, cidr=cidr, ports=(32768, 65535)))
    set_acl(state, "acl-work", entries)


def deny_on_other_ports_first(state):
    set_acl(state, "acl-work", [rule(50, "deny", ports=(22, 22)), rule(60, "deny", egress=True, ports=(3389, 3389))]
            + open_rules())


def same_subnet_traffic_is_not_filtered(state):
    # One zone: endpoints in the workload subnet itself, whose ACL denies its own block (no effect inside it).
    for sid in ("subnet-w2", "subnet-e1", "subnet-e2"):
        state["subnets"].pop(sid)
    state["workload_subnet_ids"] = ["subnet-w1"]
    for item in state["endpoints"]:
        if item["vpc_endpoint_type"] == "Interface":
            item["subnet_ids"] = ["subnet-w1"]
    set_acl(state, "acl-work", [rule(50, "deny", cidr="10.0.1.0/24", protocol="-1"),
                                rule(50, "deny", egress=True, cidr="10.0.1.0/24", protocol="-1")] + open_rules())


def windows_and_linux_ports_in_two_rules(state):
    set_acl(state, "acl-ep", [rule(100), rule(100, egress=True, cidr="10.0.0.0/16", ports=(32768, 60999)),
                              rule(110, egress=True, cidr="10.0.0.0/16", ports=(49152, 65535))])


def least_privilege_policies_with_the_layer_bucket(state):
    set_policy(state, "s3", doc(statement(action="s3:GetObject", resource=[LAYERS, "arn:aws:s3:::team-artifacts/*"])))
    set_policy(state, "ecr.api", doc(statement(action="ecr:GetAuthorizationToken"),
                                     statement(action=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                                       "ecr:BatchCheckLayerAvailability"],
                                               resource="arn:aws:ecr:eu-west-1:111122223333:repository/team-a/*")))
    set_policy(state, "ecr.dkr", doc(statement(action=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                                               resource="arn:aws:ecr:eu-west-1:111122223333:repository/team-a/*")))
    set_policy(state, "logs", doc(statement(action=["logs:CreateLogStream", "logs:PutLogEvents"],
                                            resource="arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/team-a:*")))


def wildcards_that_still_cover_a_pull(state):
    set_all_policies(state, doc(
        statement(action=["ECR:getauthorizationtoken", "ecr:Batch*", "ecr:GetDownload*", "logs:Create*",
                          "logs:Put?ogEvents"], resource="*"),
        statement(action="s3:Get*", resource="arn:aws:s3:::prod-*-starport-layer-bucket/*")))


def explicit_allow_with_a_deny_that_misses(state):
    deny = statement("Deny", action=["ecr:DeleteRepository", "s3:PutObject", "logs:DeleteLogGroup"])
    set_all_policies(state, doc(statement(), deny))


def deny_with_not_resource_that_spares_the_layer_bucket(state):
    set_policy(state, "s3", doc(statement(action="s3:*"), statement(
        "Deny", action="s3:*", resource=None, NotResource=[LAYERS, "arn:aws:s3:::team-artifacts/*"])))


def deny_unless_through_this_endpoint(state):
    for item in state["endpoints"]:
        if item["service"] in ("ecr.api", "ecr.dkr"):
            item["policy"] = doc(statement(), statement(
                "Deny", Condition={"StringNotEquals": {"aws:SourceVpce": item["vpc_endpoint_id"]}}))


def org_perimeter_policies(state):
    for item in state["endpoints"]:
        item["policy"] = perimeter_policy(item["service"], REGION, ORG, "fargate")


def principal_is_the_account(state):
    set_all_policies(state, doc(statement(principal={"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, action="ecr:*"),
                                statement(principal={"AWS": ACCOUNT}, action="logs:*"),
                                statement(action="s3:GetObject", resource=LAYERS)))


def org_condition_if_exists_in_an_account_without_an_org(state):
    # No organization: aws:PrincipalOrgID is absent, and ...IfExists tests nothing then.
    state["org_id"], state["org_note"] = None, "none"
    set_policy(state, "ecr.dkr", doc(statement(Condition={"StringEqualsIfExists": {"aws:PrincipalOrgID": ORG}})))


LOOK_ALIKES = [org_condition_if_exists_in_an_account_without_an_org,
               explicit_allows_before_a_deny_all, tight_acl_on_endpoint_subnets_only, s3_ranges_enumerated,
               deny_on_other_ports_first, same_subnet_traffic_is_not_filtered, windows_and_linux_ports_in_two_rules,
               least_privilege_policies_with_the_layer_bucket, wildcards_that_still_cover_a_pull,
               explicit_allow_with_a_deny_that_misses, deny_with_not_resource_that_spares_the_layer_bucket,
               deny_unless_through_this_endpoint, org_perimeter_policies, principal_is_the_account]


def _serious(findings):
    return [(f["id"], f["resource"]) for f in findings if f["severity"] in ("high", "medium")]


def _fix_statements(state):
    # NotAction / NotResource statements above carry Action=None / Resource=None placeholders: drop them.
    for item in state["endpoints"]:
        for st in (item.get("policy") or {}).get("Statement", []):
            for key in ("Action", "Resource"):
                if key in st and st[key] is None:
                    del st[key]


def test_the_base_vpc_is_clean():
    assert _serious(checks.audit(vpc())) == []


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__)
def test_planted_fault_is_found_and_only_it(fault):
    state = vpc()
    expected = fault(state)
    _fix_statements(state)
    findings = checks.audit(state)
    assert _serious(findings) == [expected]
    (item,) = [f for f in findings if f["id"] == expected[0]]
    assert item["resource"] in item["message"] and item["remediation"]
    if expected[0] == "NACL_BLOCKS_HTTPS":
        # The ACL, the deciding rule and the direction are named; the remediation gives the entry.
        assert "rule " in item["message"] and ("inbound" in item["message"] or "outbound" in item["message"])
        assert "create-network-acl-entry --network-acl-id %s" % expected[1] in item["remediation"]
    else:
        assert any(a in item["message"] for a in ("ecr:", "s3:GetObject", "logs:"))


@pytest.mark.parametrize("look_alike", LOOK_ALIKES, ids=lambda f: f.__name__)
def test_look_alike_stays_clean(look_alike):
    state = vpc()
    look_alike(state)
    _fix_statements(state)
    findings = checks.audit(state)
    assert _serious(findings) == []
    assert [f for f in findings if f["id"] in ("NACL_BLOCKS_HTTPS", "POLICY_BLOCKS_PULL")] == []


def test_corpus_messages_name_what_is_missing():
    state = vpc()
    ecr_api_without_authorization_token(state)
    (item,) = checks.check_policy_blocks_pull(state)
    assert "ecr:GetAuthorizationToken" in item["message"]
    state = vpc()
    endpoint_acl_answers_linux_ports_only(state)
    (item,) = checks.check_nacl_blocks_https(state)
    assert "outbound" in item["message"] and "61000-65535" in item["message"] and "rule *" in item["message"]
    assert "--egress --rule-number 32760 --protocol 6 --port-range From=32768,To=65535" in item["remediation"]
    state = vpc()
    deny_slice_of_an_endpoint_subnet_before_allow(state)
    (item,) = checks.check_nacl_blocks_https(state)
    assert "10.0.11.128/25" in item["message"] and "rule 90" in item["message"]
    assert "--rule-number 80" in item["remediation"]
