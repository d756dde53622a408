"""Assertions added where mutation testing (``make mutation``) found the unit tests blind.

Each test names the behaviour a surviving mutant changed without any test noticing; the expected values
are worked out by hand. See docs/docsite/rst/guide_development.rst, "Mutation testing".
"""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils import _nacl_eval as nacl
from ansible_collections.privatelink.ecr.plugins.module_utils import _plan
from ansible_collections.privatelink.ecr.plugins.module_utils import _policy_eval as ev
from ansible_collections.privatelink.ecr.plugins.module_utils._apply import PlanApplier, _permissions
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError
from ansible_collections.privatelink.ecr.tests.unit.test_audit_checks import correct_state, spoke_state

REGION = "eu-west-1"


def entry(number, action, cidr, protocol="6", ports=None, egress=False):
    raw = {"RuleNumber": number, "Protocol": protocol, "RuleAction": action, "Egress": egress, "CidrBlock": cidr}
    if ports:
        raw["PortRange"] = {"From": ports[0], "To": ports[1]}
    return raw


# ---------------------------------------------------------------- _nacl_eval

def test_an_entry_without_rule_action_denies():
    # DescribeNetworkAcls always sends RuleAction; a missing one must not be read as allow.
    normal = nacl.normalise_entry({"RuleNumber": 100, "Protocol": "6", "Egress": False, "CidrBlock": "10.0.0.0/8"})
    assert normal["action"] == "deny"
    assert not nacl.evaluate_flow([normal], False, "10.1.0.0/16", 443, 443).allowed


def test_protocol_all_spelled_out_covers_tcp():
    entries = [entry(100, "deny", "10.0.0.0/8", protocol="all"), entry(200, "allow", "0.0.0.0/0", protocol="-1")]
    verdict = nacl.evaluate_flow(entries, False, "10.1.0.0/16", 443, 443)
    assert verdict.deciding_rules == [100]


def test_a_peer_with_host_bits_is_its_network():
    verdict = nacl.evaluate_flow([entry(100, "deny", "0.0.0.0/0", protocol="-1")], False, "10.1.2.3/16", 443, 443)
    assert verdict.blocked == [{"cidr": "10.1.0.0/16", "from_port": 443, "to_port": 443, "rule_number": 100,
                                "action": "deny"}]


def test_blocked_pieces_are_listed_by_rule_then_port():
    # Rule 100 denies 1000-2000, rule 200 denies the rest: the message lists rule 100 first although its
    # ports start higher.
    entries = [entry(100, "deny", "10.0.0.0/8", ports=(1000, 2000)), entry(200, "deny", "10.0.0.0/8", protocol="-1")]
    verdict = nacl.evaluate_flow(entries, False, "10.1.0.0/16", 443, 2000)
    assert verdict.blocked == [
        {"cidr": "10.1.0.0/16", "from_port": 1000, "to_port": 2000, "rule_number": 100, "action": "deny"},
        {"cidr": "10.1.0.0/16", "from_port": 443, "to_port": 999, "rule_number": 200, "action": "deny"}]


def test_free_rule_number_prefers_a_round_number_then_any_free_one():
    assert nacl.free_rule_number([], False, 100) == 90
    assert nacl.free_rule_number([entry(90, "allow", "0.0.0.0/0")], False, 100) == 80
    taken = [entry(number, "allow", "0.0.0.0/0") for number in range(10, 100, 10)]
    assert nacl.free_rule_number(taken, False, 100) == 99
    assert nacl.free_rule_number(taken, True, 100) == 90          # the other direction is free
    assert nacl.free_rule_number([entry(n, "allow", "0.0.0.0/0") for n in range(1, 4)], False, 4) is None


# ---------------------------------------------------------------- _plan

def spec(service, **extra):
    base = {"service": service, "service_name": "com.amazonaws.%s.%s" % (REGION, service),
            "vpc_endpoint_type": "Interface", "policy": None, "tags": {}, "subnet_ids": ["subnet-a"],
            "route_table_ids": None, "security_group_ids": ["sg-a"], "private_dns_enabled": True,
            "ip_address_type": "ipv4"}
    base.update(extra)
    return base


def current(eid, service, owned=True, **extra):
    base = {"vpc_endpoint_id": eid, "service_name": "com.amazonaws.%s.%s" % (REGION, service),
            "vpc_endpoint_type": "Interface", "state": "available", "subnet_ids": ["subnet-a"],
            "route_table_ids": [], "security_group_ids": ["sg-a"], "private_dns_enabled": True,
            "ip_address_type": "ipv4", "policy": None, "creation_timestamp": "2026-01-01",
            "tags": {"ManagedBy": "privatelink.ecr"} if owned else {}}
    base.update(extra)
    return base


def test_create_details_do_not_share_lists_with_the_desired_spec():
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]}
    desired = spec("ecr.api", tags={"Team": "a"}, policy=policy)
    (action,) = _plan.plan_present([desired], [], REGION)
    action["details"]["subnet_ids"].append("subnet-z")
    action["details"]["tags"]["Env"] = "x"
    action["details"]["policy"]["Statement"][0]["Effect"] = "Deny"
    assert desired["subnet_ids"] == ["subnet-a"] and desired["tags"] == {"Team": "a"}
    assert policy["Statement"][0]["Effect"] == "Allow"


def test_delete_actions_say_what_and_why():
    gateway_wanted = spec("s3", vpc_endpoint_type="Gateway", subnet_ids=None, security_group_ids=None,
                          private_dns_enabled=None, ip_address_type=None, route_table_ids=["rtb-a"])
    actions = _plan.plan_present([gateway_wanted], [current("vpce-01", "s3")], REGION)
    delete = [a for a in actions if a["action"] == "delete"][0]
    assert delete == {"service": "s3", "action": "delete", "details": {
        "vpc_endpoint_id": "vpce-01", "service_name": "com.amazonaws.eu-west-1.s3",
        "vpc_endpoint_type": "Interface", "reason": "type Interface cannot be changed in place to Gateway"}}
    duplicates = [current("vpce-01", "ecr.api"), current("vpce-02", "ecr.api", creation_timestamp="2026-02-01")]
    (delete,) = _plan.plan_present([spec("ecr.api")], duplicates, REGION)
    assert delete["details"]["reason"] == "duplicate of vpce-01"
    (delete,) = _plan.plan_absent(["com.amazonaws.eu-west-1.ecr.api"], duplicates[:1], REGION)
    assert delete["details"]["reason"] == "state is absent"


def test_giving_back_the_managed_group_says_so():
    adopted = [current("vpce-01", "ecr.api", owned=False, security_group_ids=["sg-mine", "sg-managed"])]
    actions, left = _plan.plan_give_back(adopted, "sg-managed", REGION)
    assert actions == [{"service": "ecr.api", "action": "adopt",
                        "details": {"vpc_endpoint_id": "vpce-01", "remove_security_group_ids": ["sg-managed"]}}]
    assert left == [{"vpc_endpoint_id": "vpce-01", "service": "ecr.api",
                     "reason": "not created by privatelink.ecr (no ManagedBy tag): kept, and the managed security "
                               "group sg-managed taken back"}]


# ---------------------------------------------------------------- _policy_eval

def test_an_outsider_is_shown_by_its_label():
    assert repr(ev.OUTSIDE_ACCOUNT) == "<an account outside the VPC's account and organization>"


@pytest.mark.parametrize("principal", ["AIDAEXAMPLE", "arn:aws:iam::role/no-account"])
def test_a_principal_that_is_not_understood_is_recorded(principal):
    doc = {"Statement": [{"Sid": "Odd", "Effect": "Allow", "Principal": {"AWS": principal}, "Action": "*",
                          "Resource": "*"}]}
    verdict = ev.evaluate(doc, ev.Request("ecr:BatchGetImage", "*", "111122223333",
                                          {"aws:PrincipalAccount": "111122223333"}))
    assert not verdict.allowed
    assert verdict.unevaluated == [("statement 'Odd'", "Principal %s" % principal)]


# ---------------------------------------------------------------- _apply

def stubbed_applier():
    client = boto3.client("ec2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x",
                          endpoint_url="http://127.0.0.1:9")
    return PlanApplier(client, "vpc-0123456789abcdef0", wait_timeout=5), Stubber(client)


def test_https_rules_for_both_address_families():
    assert _permissions(["10.0.0.0/16", "2001:db8::/56"]) == [{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "HTTPS to VPC endpoints"}],
        "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/56", "Description": "HTTPS to VPC endpoints"}]}]
    assert "IpRanges" not in _permissions(["::/0"])[0]


def test_deleting_an_endpoint_already_gone_is_not_a_failure():
    applier, stub = stubbed_applier()
    gone = {"ResourceId": "vpce-01", "Error": {"Code": "InvalidVpcEndpoint.NotFound", "Message": "gone"}}
    other = {"ResourceId": "vpce-02", "Error": {"Code": "OperationNotPermitted", "Message": "not yours"}}
    stub.add_response("delete_vpc_endpoints", {"Unsuccessful": [gone]}, {"VpcEndpointIds": ["vpce-01"]})
    stub.add_response("delete_vpc_endpoints", {"Unsuccessful": [gone, other]},
                      {"VpcEndpointIds": ["vpce-01", "vpce-02"]})
    # A failure other than NotFound is looked up: still available, so it is a real failure.
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [{"VpcEndpointId": "vpce-02", "State": "Available"}]},
                      {"Filters": [{"Name": "vpc-endpoint-id", "Values": ["vpce-02"]}]})
    with stub:
        applier.delete_endpoints(["vpce-01"])
        with pytest.raises(PrivatelinkError) as err:
            applier.delete_endpoints(["vpce-02", "vpce-01"])
    assert str(err.value) == "Failed to delete VPC endpoints: vpce-02: not yours"


def test_a_failed_group_deletion_names_what_failed():
    applier, stub = stubbed_applier()
    stub.add_client_error("delete_security_group", "UnauthorizedOperation", "no", expected_params={"GroupId": "sg-1"})
    with stub, pytest.raises(PrivatelinkError) as err:
        applier._delete_group("sg-1")  # pylint: disable=protected-access
    assert str(err.value).startswith("Failed to delete the managed security group: UnauthorizedOperation: no")


def test_waiting_for_released_interfaces_asks_for_the_groups_interfaces():
    applier, stub = stubbed_applier()
    stub.add_response("describe_network_interfaces", {"NetworkInterfaces": []},
                      {"Filters": [{"Name": "group-id", "Values": ["sg-1"]}]})
    with stub:
        applier.wait_interfaces_released("sg-1")
    stub.assert_no_pending_responses()


def test_undecidable_statements_are_named_by_position_and_reason():
    doc = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"},
                         {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                          "Condition": {"IpAddress": {"aws:PrincipalOrgID": "10.0.0.0/8"}}},
                         {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                          "Condition": {"StringEquals": ["aws:PrincipalOrgID"]}}]}
    verdict = ev.evaluate(doc, ev.Request("ecr:BatchGetImage", "*", "111122223333",
                                          {"aws:PrincipalAccount": "111122223333"}))
    assert verdict.unevaluated == [("statement #2", "condition operator IpAddress"),
                                   ("statement #3", "condition StringEquals")]


# ---------------------------------------------------------------- audit (the checks)

def _nacl_state(*entries):
    state = correct_state()
    state["network_acls"]["acl-default"]["entries"] = [
        {"rule_number": number, "egress": egress, "protocol": "-1", "action": action, "cidr": cidr,
         "from_port": None, "to_port": None} for number, action, cidr in entries for egress in (False, True)]
    return state


def test_nacl_remediation_says_entry_or_entries_as_it_lists():
    state = _nacl_state((100, "allow", "10.0.1.0/24"), (32767, "deny", "0.0.0.0/0"))
    findings = checks.check_nacl_blocks_https(state)
    assert findings
    for item in findings:
        commands = item["remediation"].count("aws ec2 create-network-acl-entry")
        assert commands >= 1
        assert (" entry to " in item["remediation"]) == (commands == 1), item["remediation"]
        assert (" entries to " in item["remediation"]) == (commands > 1), item["remediation"]


def test_nacl_remediation_names_every_peer_when_no_rule_number_is_free():
    # Rule 1 denies: no number below it is free, so each blocked peer gets "replace rule 1" advice.
    state = _nacl_state((1, "deny", "10.0.0.0/16"), (100, "allow", "0.0.0.0/0"))
    findings = checks.check_nacl_blocks_https(state)
    assert findings
    for item in findings:
        assert "create-network-acl-entry" not in item["remediation"]
        peers = [cidr for cidr in ("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24") if cidr in item["message"]]
        assert len(peers) >= 2
        for cidr in peers:
            assert "rule 1 denies %s; replace it" % cidr in item["remediation"]


def test_full_access_policy_on_an_interface_endpoint_names_the_role_variable():
    state = correct_state()
    for endpoint in state["endpoints"]:
        endpoint["policy"] = None
    findings = {f["resource"]: f for f in checks.check_policy_unrestricted(state)}
    for eid in ("vpce-api", "vpce-logs"):
        assert findings[eid]["remediation"].startswith(
            "set policy (role variable vpc_endpoints_policy; one policy serves every interface endpoint) to allow "
            "only what your workloads call")
    assert "s3_policy" in findings["vpce-s3"]["remediation"]


def test_the_per_vpc_design_counts_the_spokes_own_endpoints_of_other_services():
    spoke = spoke_state()
    spoke["endpoints"].append({"vpc_endpoint_id": "vpce-sts", "service": "sts", "vpc_endpoint_type": "Interface",
                               "state": "available", "subnet_ids": ["subnet-a", "subnet-b"]})
    # The hub's three services in the spoke's three zones, plus its own sts endpoint in two subnets.
    assert checks.per_vpc_design_monthly_usd(spoke, 0.01) == round((3 * 3 + 2) * 730 * 0.01, 2)
