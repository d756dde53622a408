"""Safe with what already exists (issue 16), as plain data: adoption only adds, state absent gives
back, an omitted policy is not managed, discovery never churns, diffs compare like with like."""

import json

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import AwsConnection
from ansible_collections.privatelink.ecr.plugins.module_utils._discovery import discover, keep_in_place, one_per_zone
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    POLICY_KEPT,
    group_view,
    wanted_policy,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import (
    execution_order,
    plan_give_back,
    plan_present,
)

from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import reconcile
from ansible_collections.privatelink.ecr.tests.unit.plan_fixtures import REGION, desired, endpoint
from ansible_collections.privatelink.ecr.tests.unit.reconcile_fixtures import params

ORG_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
                                                      "Resource": "*", "Condition": {"StringEquals": {
                                                          "aws:PrincipalOrgID": "o-abcdefghij"}}}]}
ZONES = {"subnet-a1": "eu-west-1a", "subnet-a2": "eu-west-1a", "subnet-b1": "eu-west-1b", "subnet-c1": "eu-west-1c"}


def theirs(**overrides):
    """The team's own ecr.api endpoint: their subnet in zone a, their group, an organization policy."""
    values = dict(owned=False, subnet_ids=["subnet-a2"], security_group_ids=["sg-theirs"],
                  private_dns_enabled=True, policy=ORG_POLICY, ip_address_type="dualstack")
    values.update(overrides)
    return endpoint("vpce-theirs", "ecr.api", **values)


def wanted(**overrides):
    values = dict(subnet_ids=["subnet-a1", "subnet-b1", "subnet-c1"], security_group_ids=["sg-managed"],
                  policy=POLICY_KEPT)
    values.update(overrides)
    return desired("ecr.api", **values)


def test_adopting_a_restricted_endpoint_only_adds():
    plan = plan_present([wanted()], [theirs()], REGION, zone_of=ZONES)
    assert plan == [{"service": "ecr.api", "action": "adopt", "details": {
        "vpc_endpoint_id": "vpce-theirs", "add_subnet_ids": ["subnet-b1", "subnet-c1"],
        "add_security_group_ids": ["sg-managed"]}}]


def test_adoption_never_removes_turns_off_or_resets():
    current = theirs(private_dns_enabled=False, subnet_ids=["subnet-a2", "subnet-b1", "subnet-c1"],
                     security_group_ids=["sg-managed", "sg-theirs"])
    plan = plan_present([wanted(private_dns_enabled=False)], [current], REGION, zone_of=ZONES)
    assert plan == []
    plan = plan_present([wanted(private_dns_enabled=True)], [current], REGION, zone_of=ZONES)
    assert plan == [{"service": "ecr.api", "action": "adopt",
                     "details": {"vpc_endpoint_id": "vpce-theirs", "private_dns_enabled": True}}]


def test_an_adopted_gateway_gets_route_tables_added_never_removed():
    current = endpoint("vpce-s3", "s3", "Gateway", owned=False, route_table_ids=["rtb-theirs", "rtb-1"])
    plan = plan_present([desired("s3", "Gateway", route_table_ids=["rtb-1", "rtb-2"], policy=POLICY_KEPT)],
                        [current], REGION)
    assert plan == [{"service": "s3", "action": "adopt",
                     "details": {"vpc_endpoint_id": "vpce-s3", "add_route_table_ids": ["rtb-2"]}}]


def test_a_policy_is_changed_on_an_adopted_endpoint_only_when_one_is_asked_for():
    assert plan_present([wanted(subnet_ids=None)], [theirs()], REGION, zone_of=ZONES) == [
        {"service": "ecr.api", "action": "adopt",
         "details": {"vpc_endpoint_id": "vpce-theirs", "add_security_group_ids": ["sg-managed"]}}]
    plan = plan_present([wanted(subnet_ids=None, security_group_ids=["sg-theirs"], policy=None)], [theirs()],
                        REGION)
    assert plan == [{"service": "ecr.api", "action": "adopt",
                     "details": {"vpc_endpoint_id": "vpce-theirs", "reset_policy": True}}]


def test_an_omitted_policy_is_not_managed_on_owned_endpoints_either():
    owned = endpoint("vpce-1", "ecr.api", policy=ORG_POLICY)
    assert plan_present([desired("ecr.api", policy=POLICY_KEPT)], [owned], REGION) == []
    assert plan_present([desired("ecr.api", policy=None)], [owned], REGION)[0]["details"] == {
        "vpc_endpoint_id": "vpce-1", "reset_policy": True}


def test_option_values_map_to_kept_default_or_the_document():
    assert wanted_policy(None) == POLICY_KEPT
    assert wanted_policy("default") is None
    assert wanted_policy(ORG_POLICY) == ORG_POLICY


def test_a_created_endpoint_with_no_policy_asked_gets_none_in_the_request():
    plan = plan_present([wanted()], [], REGION)
    assert plan[0]["action"] == "create" and "policy" not in plan[0]["details"]


def test_absent_takes_the_managed_group_back_and_says_what_was_left():
    adopted = [theirs(security_group_ids=["sg-managed", "sg-theirs"]),
               endpoint("vpce-only", "logs", owned=False, security_group_ids=["sg-managed"]),
               endpoint("vpce-untouched", "ecr.dkr", owned=False, security_group_ids=["sg-theirs"])]
    actions, left = plan_give_back(adopted, "sg-managed", REGION)
    assert actions == [{"service": "ecr.api", "action": "adopt", "details": {
        "vpc_endpoint_id": "vpce-theirs", "remove_security_group_ids": ["sg-managed"]}}]
    assert [(item["vpc_endpoint_id"], item["service"]) for item in left] == [
        ("vpce-only", "logs"), ("vpce-theirs", "ecr.api"), ("vpce-untouched", "ecr.dkr")]
    reasons = dict((item["vpc_endpoint_id"], item["reason"]) for item in left)
    assert "taken back" in reasons["vpce-theirs"]
    assert "its only group" in reasons["vpce-only"]
    assert "kept as it is" in reasons["vpce-untouched"]


def test_changes_are_listed_in_the_order_they_are_applied():
    actions = [{"service": "ecr.api", "action": "modify", "details": {}},
               {"service": "security_group", "action": "delete", "details": {}},
               {"service": "logs", "action": "create", "details": {}},
               {"service": "s3", "action": "delete", "details": {}},
               {"service": "security_group", "action": "create", "details": {}},
               {"service": "ecr.dkr", "action": "adopt", "details": {}}]
    assert [(a["service"], a["action"]) for a in execution_order(actions)] == [
        ("security_group", "create"), ("s3", "delete"), ("logs", "create"), ("ecr.api", "modify"),
        ("ecr.dkr", "adopt"), ("security_group", "delete")]


def subnet(sid, zone, free, tagged=False):
    raw = {"SubnetId": sid, "AvailabilityZone": zone, "AvailableIpAddressCount": free, "VpcId": "vpc-1"}
    if tagged:
        raw["Tags"] = [{"Key": "privatelink.ecr/endpoints", "Value": "true"}]
    return raw


def test_discovery_prefers_the_tagged_subnet_then_the_most_free_addresses_then_the_lowest_id():
    subnets = [subnet("subnet-a1", "eu-west-1a", 10), subnet("subnet-a2", "eu-west-1a", 4000),
               subnet("subnet-b1", "eu-west-1b", 4000), subnet("subnet-b2", "eu-west-1b", 12, tagged=True),
               subnet("subnet-c2", "eu-west-1c", 50), subnet("subnet-c1", "eu-west-1c", 50)]
    assert [s["SubnetId"] for s in one_per_zone(subnets)] == ["subnet-a2", "subnet-b2", "subnet-c1"]


def test_discovery_keeps_an_endpoint_on_its_private_subnet_and_replaces_one_no_longer_private():
    chosen = ["subnet-a2", "subnet-b1"]
    assert keep_in_place(chosen, ["subnet-a1", "subnet-b9"], {"subnet-a1", "subnet-a2", "subnet-b1"},
                         {"subnet-a1": "eu-west-1a", "subnet-a2": "eu-west-1a", "subnet-b1": "eu-west-1b",
                          "subnet-b9": "eu-west-1b"}) == ["subnet-a1", "subnet-b1"]


def test_upgrade_from_lowest_id_placement_moves_nothing():
    """A VPC converged by 0.1.0 (lowest subnet id per zone) keeps its endpoints where they are."""
    subnets = [subnet("subnet-a1", "eu-west-1a", 10), subnet("subnet-a2", "eu-west-1a", 4000)]
    routes = [{"RouteTableId": "rtb-main", "Associations": [{"Main": True}], "Routes": []}]
    found = discover(subnets, routes)
    assert found["subnet_ids"] == ["subnet-a2"]
    old_placement = ["subnet-a1"]
    assert keep_in_place(found["subnet_ids"], old_placement, set(found["private_subnet_ids"]),
                         {"subnet-a1": "eu-west-1a", "subnet-a2": "eu-west-1a"}) == old_placement


def test_the_group_view_has_one_shape_before_and_after():
    raw = {"group_id": "sg-1", "group_name": "ecr-private-endpoints", "vpc_id": "vpc-1", "description": "d",
           "https_cidrs": ["10.0.0.0/16"], "other_ingress": [], "tags": {"ManagedBy": "privatelink.ecr"}}
    assert sorted(group_view(raw)) == ["description", "group_id", "group_name", "https_cidrs", "tags", "vpc_id"]
    assert group_view(None) is None


def test_a_policy_given_as_json_text_is_compared_as_the_document(aws):
    """The string a playbook passes is parsed once; the plan compares documents, not text."""
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*",
                                                        "Resource": "*"}]}
    text = json.dumps(document, indent=2)
    first = reconcile(AwsConnection(params(aws)), params(aws, services=["ecr.api"], policy=text), check_mode=False)
    assert first["changed"] and first["endpoints"]["ecr.api"]["policy"] == document
    again = reconcile(AwsConnection(params(aws)), params(aws, services=["ecr.api"], policy=text), check_mode=False)
    assert (again["changed"], again["changes"]) == (False, [])
