"""Pure checks behind shared VPCs and private DNS against the zones a VPC already has."""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils import _validate as validate

REGION = "eu-west-1"
DNS = {"ecr.api": ["api.ecr.eu-west-1.amazonaws.com"], "ecr.dkr": ["*.dkr.ecr.eu-west-1.amazonaws.com"],
       "logs": ["logs.eu-west-1.amazonaws.com"]}


def zone(name, zone_id="Z1", account="333333333333", service=None):
    return {"zone_id": zone_id, "name": name, "account_id": None if service else account, "service_owner": service}


# ------------------------------------------------------------------ OwnerId

def test_the_owner_s_own_vpc_passes():
    validate.check_vpc_owner({"vpc_id": "vpc-1", "owner_id": "111111111111"}, "111111111111")


def test_a_vpc_shared_in_is_refused_naming_its_owner_and_the_way_out():
    with pytest.raises(ValueError) as err:
        validate.check_vpc_owner({"vpc_id": "vpc-1", "owner_id": "111111111111"}, "222222222222")
    message = str(err.value)
    assert "VPC vpc-1 is owned by account 111111111111 and shared into account 222222222222" in message
    assert "run against account 111111111111" in message


def test_an_unknown_owner_or_caller_is_not_guessed():
    validate.check_vpc_owner({"vpc_id": "vpc-1", "owner_id": None}, "222222222222")
    validate.check_vpc_owner({"vpc_id": "vpc-1", "owner_id": "111111111111"}, None)


# ------------------------------------------------------------------ zones in the way

@pytest.mark.parametrize("name, service", [
    ("api.ecr.eu-west-1.amazonaws.com", "ecr.api"),
    ("API.ECR.eu-west-1.amazonaws.com.", "ecr.api"),          # case and trailing dot do not matter
    ("dkr.ecr.eu-west-1.amazonaws.com", "ecr.dkr"),           # the wildcard's own zone
    ("ecr.eu-west-1.amazonaws.com", "ecr.api"),               # a parent of both ECR names
    ("logs.eu-west-1.amazonaws.com", "logs"),
    ("eu-west-1.amazonaws.com", "logs"),
    ("amazonaws.com", "logs"),                                # amazonaws.com-level zones included
])
def test_a_zone_named_like_a_service_or_a_parent_of_it_is_in_the_way(name, service):
    with pytest.raises(ValueError) as err:
        validate.check_zones_in_the_way(DNS, [zone(name, "ZWAY")], "vpc-1")
    message = str(err.value)
    assert "%s (" % service in message and "private hosted zone ZWAY (%s)" % name.lower().rstrip(".") in message
    assert "owned by account 333333333333" in message and "vpc-1" in message
    assert "Disassociate the VPC" in message and "ecr_hub" in message


@pytest.mark.parametrize("name", [
    "example.internal", "corp.amazonaws.com.example", "s3.eu-west-1.amazonaws.com", "ecr.eu-west-2.amazonaws.com",
    "x.api.ecr.eu-west-1.amazonaws.com",  # a child of the name does not answer for it
    "pi.ecr.eu-west-1.amazonaws.com",     # a suffix that is not a whole label
])
def test_other_zones_are_not_in_the_way(name):
    validate.check_zones_in_the_way(DNS, [zone(name)], "vpc-1")


def test_every_conflict_is_named_once_and_a_service_owner_too():
    zones = [zone("api.ecr.eu-west-1.amazonaws.com", "ZA"), zone("amazonaws.com", "ZP", service="efs.amazonaws.com")]
    with pytest.raises(ValueError) as err:
        validate.check_zones_in_the_way(DNS, zones, "vpc-1")
    message = str(err.value)
    assert message.count("ZA (") == 1 and message.count("ZP (") == 3
    assert "owned by the AWS service efs.amazonaws.com" in message


def test_no_names_or_no_zones_pass():
    validate.check_zones_in_the_way({}, [zone("amazonaws.com")], "vpc-1")
    validate.check_zones_in_the_way(DNS, [], "vpc-1")


# ------------------------------------------------------------------ S3 interface DnsOptions (plan)

from ansible_collections.privatelink.ecr.plugins.module_utils._apply import _dns_options  # noqa: E402
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import predict  # noqa: E402
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import set_s3_dns_options  # noqa: E402

S3 = "com.amazonaws.eu-west-1.s3"


def _gateway(endpoint_id="vpce-gw", owned=False):
    return {"vpc_endpoint_id": endpoint_id, "service_name": S3, "vpc_endpoint_type": "Gateway",
            "state": "available", "tags": {"ManagedBy": "privatelink.ecr"} if owned else {}}


def _create_s3(private_dns=True):
    return {"service": "s3", "action": "create",
            "details": {"service_name": S3, "vpc_endpoint_type": "Interface", "private_dns_enabled": private_dns,
                        "subnet_ids": ["subnet-1"], "tags": {}}}


@pytest.mark.parametrize("current, deleting, expected", [
    ([], False, False),                        # no gateway: the interface answers for S3 in the VPC
    ([_gateway()], False, True),               # the user's gateway stays: inbound resolvers only
    ([_gateway(owned=True)], True, False),     # the collection's gateway is replaced by the interface
])
def test_the_s3_interface_option_follows_the_gateway_that_remains(current, deleting, expected):
    actions = [_create_s3()]
    if deleting:
        actions.insert(0, {"service": "s3", "action": "delete",
                           "details": {"vpc_endpoint_id": "vpce-gw", "service_name": S3,
                                       "vpc_endpoint_type": "Gateway"}})
    set_s3_dns_options(actions, current, {"s3": S3}, {"s3": "Interface"})
    assert actions[-1]["details"]["dns_options"] == {"private_dns_only_for_inbound_resolver_endpoint": expected}
    assert _dns_options(actions[-1]["details"]["dns_options"]) == {"PrivateDnsOnlyForInboundResolverEndpoint": expected}


def test_no_dns_options_without_private_dns_or_for_a_gateway():
    quiet = [_create_s3(private_dns=False)]
    set_s3_dns_options(quiet, [], {"s3": S3}, {"s3": "Interface"})
    assert "dns_options" not in quiet[0]["details"]
    gateway = [{"service": "s3", "action": "create", "details": {"service_name": S3, "vpc_endpoint_type": "Gateway",
                                                                 "route_table_ids": ["rtb-1"], "tags": {}}}]
    set_s3_dns_options(gateway, [], {"s3": S3}, {"s3": "Gateway"})
    assert "dns_options" not in gateway[0]["details"]


def test_turning_private_dns_on_in_place_carries_the_option_too():
    endpoint = {"vpc_endpoint_id": "vpce-s3i", "service_name": S3, "vpc_endpoint_type": "Interface",
                "state": "available", "private_dns_enabled": False, "tags": {"ManagedBy": "privatelink.ecr"},
                "dns_options": {"dns_record_ip_type": "ipv4", "private_dns_only_for_inbound_resolver_endpoint": None}}
    actions = [{"service": "s3", "action": "modify",
                "details": {"vpc_endpoint_id": "vpce-s3i", "private_dns_enabled": True}}]
    set_s3_dns_options(actions, [endpoint], {"s3": S3}, {"s3": "Interface"})
    assert actions[0]["details"]["dns_options"] == {"private_dns_only_for_inbound_resolver_endpoint": False}
    [after] = predict([endpoint], actions, REGION)
    assert after["dns_options"] == {"dns_record_ip_type": "ipv4",
                                    "private_dns_only_for_inbound_resolver_endpoint": False}


def test_check_mode_predicts_the_dns_options_of_a_new_endpoint():
    action = _create_s3()
    set_s3_dns_options([action], [], {"s3": S3}, {"s3": "Interface"})
    [new] = predict([], [action], REGION)
    assert new["dns_options"] == {"dns_record_ip_type": "ipv4", "private_dns_only_for_inbound_resolver_endpoint": False}
