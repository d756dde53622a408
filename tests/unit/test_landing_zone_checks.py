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
