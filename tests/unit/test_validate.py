"""Validation rules that need AWS's answers, fed with plain dicts."""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils import _validate as validate

VPC = "vpc-0123456789abcdef0"


def subnet(sid, zone, vpc=VPC):
    return {"SubnetId": sid, "AvailabilityZone": zone, "VpcId": vpc}


def test_one_subnet_per_zone_in_the_vpc_passes():
    validate.check_subnets([subnet("subnet-1", "eu-west-1a"), subnet("subnet-2", "eu-west-1b")], VPC,
                           {"ecr.api": {"eu-west-1a", "eu-west-1b"}})


def test_two_subnets_in_one_zone_are_named():
    with pytest.raises(ValueError) as err:
        validate.check_subnets([subnet("subnet-1", "eu-west-1a"), subnet("subnet-2", "eu-west-1a")], VPC, {})
    assert "subnet_ids: subnet-1, subnet-2 are all in eu-west-1a" in str(err.value)


def test_subnet_of_another_vpc_is_named():
    with pytest.raises(ValueError) as err:
        validate.check_subnets([subnet("subnet-1", "eu-west-1a", "vpc-other")], VPC, {})
    assert "subnet_ids: subnet-1 not in " + VPC in str(err.value)


def test_zone_where_a_service_is_not_offered_is_reported():
    with pytest.raises(ValueError) as err:
        validate.check_subnets([subnet("subnet-1", "eu-west-1c")], VPC, {"eks-auth": {"eu-west-1a"}})
    assert "eks-auth" in str(err.value) and "subnet-1 (eu-west-1c)" in str(err.value)


@pytest.mark.parametrize("params, words", [
    ({"vpc_id": "vpc-123"}, "vpc_id: 'vpc-123' is not a valid id"),
    ({"vpc_id": VPC, "subnet_ids": ["sg-0123456789abcdef0"]}, "subnet_ids: 'sg-0123456789abcdef0'"),
    ({"vpc_id": VPC, "route_table_ids": ["rtb-0123456789abcdef0", "rtb-0123456789abcdef0"]}, "more than once"),
    ({"vpc_id": VPC, "security_group_ids": ["sg-xyz"]}, "security_group_ids"),
])
def test_id_shapes(params, words):
    with pytest.raises(ValueError) as err:
        validate.check_ids(params)
    assert words in str(err.value)


def test_world_cidr_is_accepted_with_a_warning_and_junk_rejected():
    warnings = validate.check_cidrs(["10.0.0.0/16", "0.0.0.0/0"])[1]
    assert len(warnings) == 1 and "0.0.0.0/0" in warnings[0]
    with pytest.raises(ValueError) as err:
        validate.check_cidrs(["10.0.0.1/16"])
    assert "allowed_cidrs" in str(err.value)


def test_private_dns_needs_both_attributes():
    validate.check_private_dns(True, True, VPC)
    with pytest.raises(ValueError) as err:
        validate.check_private_dns(True, False, VPC)
    assert "enableDnsHostnames" in str(err.value) and "private_dns_enabled" in str(err.value)


@pytest.mark.parametrize("tags", [{"aws:x": "y"}, {"k": "v" * 257}, {"bad\nkey": "v"}])
def test_bad_tags(tags):
    with pytest.raises(ValueError) as err:
        validate.check_tags(tags)
    assert str(err.value).startswith("tags:")


def test_types_offered():
    resolved = {"s3": {"types": {"Gateway"}}}
    with pytest.raises(ValueError) as err:
        validate.check_types_offered(resolved, {"s3": "Interface"})
    assert "s3_endpoint_type" in str(err.value)
