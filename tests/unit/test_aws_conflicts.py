"""Conflicts EC2 reports only in the middle of an apply, found from the plan before it (pure checks)."""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils import _validate as validate
from ansible_collections.privatelink.ecr.plugins.module_utils._discovery import fit_to_zones
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import plan_present

S3 = "com.amazonaws.eu-west-1.s3"
API = "com.amazonaws.eu-west-1.ecr.api"
OWNED = {"ManagedBy": "privatelink.ecr"}


def gateway(eid, tables, tags=None):
    return {"vpc_endpoint_id": eid, "service_name": S3, "vpc_endpoint_type": "Gateway", "state": "available",
            "route_table_ids": tables, "subnet_ids": [], "security_group_ids": [], "private_dns_enabled": False,
            "policy": None, "tags": tags or {}}


def interface(eid, subnets, dns, tags=None, created="2026-01-01"):
    return {"vpc_endpoint_id": eid, "service_name": API, "vpc_endpoint_type": "Interface", "state": "available",
            "route_table_ids": [], "subnet_ids": subnets, "security_group_ids": ["sg-1"], "private_dns_enabled": dns,
            "policy": None, "tags": tags or {}, "creation_timestamp": created, "ip_address_type": "ipv4"}


def create_gateway(tables):
    return {"service": "s3", "action": "create",
            "details": {"service_name": S3, "vpc_endpoint_type": "Gateway", "route_table_ids": tables}}


def test_create_on_a_route_table_held_by_another_gateway_endpoint_names_it_and_the_way_out():
    current = [gateway("vpce-theirs", ["rtb-1"])]
    with pytest.raises(ValueError) as err:
        validate.check_route_table_conflicts([create_gateway(["rtb-1", "rtb-2"])], current)
    message = str(err.value)
    assert "rtb-1" in message and "vpce-theirs" in message and "not managed by privatelink.ecr" in message
    assert "remove rtb-1 from route_table_ids" in message and "--remove-route-table-ids rtb-1" in message
    assert "rtb-2" not in message


def test_adding_a_route_table_held_by_another_endpoint_is_a_conflict_too():
    current = [gateway("vpce-keeper", ["rtb-1"]), gateway("vpce-other", ["rtb-2"])]
    action = {"service": "s3", "action": "adopt", "details": {"vpc_endpoint_id": "vpce-keeper",
                                                              "add_route_table_ids": ["rtb-2", "rtb-3"]}}
    with pytest.raises(ValueError) as err:
        validate.check_route_table_conflicts([action], current)
    assert "rtb-2" in str(err.value) and "vpce-other" in str(err.value)


def test_a_route_table_freed_by_a_delete_of_the_same_plan_is_no_conflict():
    current = [gateway("vpce-keeper", ["rtb-1"], OWNED), gateway("vpce-dup", ["rtb-2"], OWNED)]
    actions = [{"service": "s3", "action": "delete", "details": {"vpc_endpoint_id": "vpce-dup"}},
               {"service": "s3", "action": "modify", "details": {"vpc_endpoint_id": "vpce-keeper",
                                                                 "add_route_table_ids": ["rtb-2"]}}]
    assert validate.check_route_table_conflicts(actions, current) is None
    # Without the delete, the same modify claims a table vpce-dup still holds.
    with pytest.raises(ValueError) as err:
        validate.check_route_table_conflicts(actions[1:], current)
    assert "rtb-2" in str(err.value) and "vpce-dup" in str(err.value)


def test_route_tables_of_another_service_do_not_conflict():
    other = dict(gateway("vpce-ddb", ["rtb-1"]), service_name="com.amazonaws.eu-west-1.dynamodb")
    assert validate.check_route_table_conflicts([create_gateway(["rtb-1"])], [other]) is None
    # The same table held by an endpoint of the same service is a conflict.
    with pytest.raises(ValueError) as err:
        validate.check_route_table_conflicts([create_gateway(["rtb-1"])], [gateway("vpce-s3", ["rtb-1"])])
    assert "vpce-s3" in str(err.value)


def test_private_dns_held_by_another_endpoint_of_the_service_is_named():
    current = [interface("vpce-theirs", ["subnet-a"], dns=True)]
    create = {"service": "ecr.api", "action": "create",
              "details": {"service_name": API, "vpc_endpoint_type": "Interface", "private_dns_enabled": True}}
    with pytest.raises(ValueError) as err:
        validate.check_private_dns_conflicts([create], current)
    message = str(err.value)
    assert "vpce-theirs" in message and "private_dns_enabled: false" in message
    assert "--no-private-dns-enabled" in message


def test_private_dns_off_on_the_new_endpoint_is_no_conflict():
    current = [interface("vpce-theirs", ["subnet-a"], dns=True)]
    create = {"service": "ecr.api", "action": "create",
              "details": {"service_name": API, "vpc_endpoint_type": "Interface", "private_dns_enabled": False}}
    assert validate.check_private_dns_conflicts([create], current) is None
    # The same create with private DNS on is the conflict.
    create["details"]["private_dns_enabled"] = True
    with pytest.raises(ValueError) as err:
        validate.check_private_dns_conflicts([create], current)
    assert "vpce-theirs" in str(err.value)


def test_turning_private_dns_on_while_another_endpoint_holds_it_is_a_conflict():
    current = [interface("vpce-a", ["subnet-a"], dns=False), interface("vpce-b", ["subnet-b"], dns=True)]
    modify = {"service": "ecr.api", "action": "adopt",
              "details": {"vpc_endpoint_id": "vpce-a", "private_dns_enabled": True}}
    with pytest.raises(ValueError) as err:
        validate.check_private_dns_conflicts([modify], current)
    assert "vpce-b" in str(err.value)


def test_the_plan_keeps_the_endpoint_that_holds_private_dns_so_there_is_no_conflict():
    """Two endpoints of the user's for one service: the one workloads resolve to is the one kept."""
    current = [interface("vpce-a", ["subnet-a"], dns=False, created="2025-01-01"),
               interface("vpce-b", ["subnet-a"], dns=True, created="2026-01-01")]
    desired = {"service": "ecr.api", "service_name": API, "vpc_endpoint_type": "Interface", "policy": None,
               "tags": {}, "subnet_ids": ["subnet-a"], "route_table_ids": None, "security_group_ids": ["sg-1"],
               "private_dns_enabled": True, "ip_address_type": "ipv4"}
    actions = plan_present([desired], current, "eu-west-1")
    assert actions == []
    assert validate.check_private_dns_conflicts(actions, current) is None


def test_adding_a_subnet_in_a_zone_the_endpoint_already_uses_is_named():
    current = [interface("vpce-a", ["subnet-a1"], dns=True)]
    modify = {"service": "ecr.api", "action": "adopt",
              "details": {"vpc_endpoint_id": "vpce-a", "add_subnet_ids": ["subnet-a2", "subnet-b1"]}}
    zones = {"subnet-a1": "eu-west-1a", "subnet-a2": "eu-west-1a", "subnet-b1": "eu-west-1b"}
    with pytest.raises(ValueError) as err:
        validate.check_one_subnet_per_zone([modify], current, zones)
    message = str(err.value)
    assert "vpce-a already uses subnet-a1 in eu-west-1a" in message and "adding subnet-a2" in message


def test_moving_an_endpoint_to_another_subnet_of_the_same_zone_is_one_subnet_per_zone():
    current = [interface("vpce-a", ["subnet-a1"], dns=True, tags=OWNED)]
    modify = {"service": "ecr.api", "action": "modify",
              "details": {"vpc_endpoint_id": "vpce-a", "add_subnet_ids": ["subnet-a2"],
                          "remove_subnet_ids": ["subnet-a1"]}}
    zones = {"subnet-a1": "eu-west-1a", "subnet-a2": "eu-west-1a"}
    assert validate.check_one_subnet_per_zone([modify], current, zones) is None
    # Adding without removing leaves two subnets in eu-west-1a.
    del modify["details"]["remove_subnet_ids"]
    with pytest.raises(ValueError) as err:
        validate.check_one_subnet_per_zone([modify], current, zones)
    assert "vpce-a already uses subnet-a1 in eu-west-1a" in str(err.value)


def test_fit_to_zones_keeps_the_offered_zones_and_names_the_skipped_ones():
    subnets = [{"SubnetId": "subnet-a", "AvailabilityZone": "eu-west-1a"},
               {"SubnetId": "subnet-b", "AvailabilityZone": "eu-west-1b"},
               {"SubnetId": "subnet-c", "AvailabilityZone": "eu-west-1c"}]
    assert fit_to_zones(subnets, {"eu-west-1a", "eu-west-1b"}) == (["subnet-a", "subnet-b"], ["eu-west-1c"])
    assert fit_to_zones(subnets, set()) == (["subnet-a", "subnet-b", "subnet-c"], [])
    assert fit_to_zones(subnets, {"eu-west-1d"}) == ([], ["eu-west-1a", "eu-west-1b", "eu-west-1c"])


def test_a_same_name_group_not_created_by_the_collection_is_not_taken_over():
    theirs = {"group_id": "sg-theirs", "group_name": "ecr-private-endpoints", "tags": {}}
    with pytest.raises(ValueError) as err:
        validate.check_group_is_ours(theirs, "vpc-1")
    assert "sg-theirs" in str(err.value) and "security_group_ids" in str(err.value)
    assert validate.check_group_is_ours(dict(theirs, tags={"ManagedBy": "privatelink.ecr"}), "vpc-1") is None
    assert validate.check_group_is_ours(None, "vpc-1") is None
