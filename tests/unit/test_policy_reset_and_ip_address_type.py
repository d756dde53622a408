"""``policy: default`` resets a gateway endpoint with ResetPolicy and an interface endpoint with AWS's
default document (ResetPolicy is "(Gateway endpoint)" in the EC2 API reference); ``ip_address_type``
is checked against the subnets (IPv4 / IPv6 ranges) before any change."""

import json

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.privatelink.ecr.plugins.module_utils._apply import PlanApplier
from ansible_collections.privatelink.ecr.plugins.module_utils._validate import (
    check_ip_address_type,
    ip_address_type_placements,
)

VPC = "vpc-0123456789abcdef0"
EID = "vpce-0aaaaaaaaaaaaaaa1"
# Written out by hand from https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html
DEFAULT_DOCUMENT = '{"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}]}'


def applier_and_stub():
    client = boto3.client("ec2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x",
                          endpoint_url="http://127.0.0.1:9")
    return PlanApplier(client, VPC, wait_timeout=5), Stubber(client)


def reset(service="ecr.api"):
    return {"service": service, "action": "modify", "details": {"vpc_endpoint_id": EID, "reset_policy": True}}


@pytest.mark.parametrize("endpoint_type", ["Interface", None])
def test_an_interface_endpoint_or_one_of_unknown_type_is_sent_the_default_document(endpoint_type):
    applier, stub = applier_and_stub()
    stub.add_response("modify_vpc_endpoint", {"Return": True},
                      {"VpcEndpointId": EID, "PolicyDocument": DEFAULT_DOCUMENT})
    with stub:
        applier.modify_endpoint(reset(), "available", endpoint_type)
    stub.assert_no_pending_responses()
    assert json.loads(DEFAULT_DOCUMENT)["Statement"] == [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]


def test_a_gateway_endpoint_is_reset_with_reset_policy():
    applier, stub = applier_and_stub()
    stub.add_response("modify_vpc_endpoint", {"Return": True}, {"VpcEndpointId": EID, "ResetPolicy": True})
    with stub:
        applier.modify_endpoint(reset("s3"), "available", "Gateway")
    stub.assert_no_pending_responses()


def test_apply_passes_each_endpoint_s_type():
    applier, stub = applier_and_stub()
    gateway_id = "vpce-0bbbbbbbbbbbbbbb2"
    stub.add_response("modify_vpc_endpoint", {"Return": True},
                      {"VpcEndpointId": EID, "PolicyDocument": DEFAULT_DOCUMENT})
    stub.add_response("modify_vpc_endpoint", {"Return": True}, {"VpcEndpointId": gateway_id, "ResetPolicy": True})
    s3 = {"service": "s3", "action": "modify", "details": {"vpc_endpoint_id": gateway_id, "reset_policy": True}}
    with stub:
        applied = applier.apply([reset(), s3], {}, {EID: "available", gateway_id: "available"},
                                types={EID: "Interface", gateway_id: "Gateway"})
    stub.assert_no_pending_responses()
    assert [a["service"] for a in applied] == ["ecr.api", "s3"]


# --- ip_address_type against the subnets ----------------------------------------------------

V4 = {"SubnetId": "subnet-0000000000000000a", "Ipv6CidrBlockAssociationSet": []}
DUAL = {"SubnetId": "subnet-0000000000000000b",
        "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8::/64",
                                         "Ipv6CidrBlockState": {"State": "associated"}}]}
V6_ONLY = dict(DUAL, SubnetId="subnet-0000000000000000c", Ipv6Native=True)
DISASSOCIATED = {"SubnetId": "subnet-0000000000000000d",
                 "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2001:db8:1::/64",
                                                  "Ipv6CidrBlockState": {"State": "disassociated"}}]}
SUBNETS = dict((s["SubnetId"], s) for s in (V4, DUAL, V6_ONLY, DISASSOCIATED))

# (IP address type, subnet) -> fits, worked out from the IP address type section of
# https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html
FITS = {
    ("ipv4", V4["SubnetId"]): True, ("ipv4", DUAL["SubnetId"]): True, ("ipv4", V6_ONLY["SubnetId"]): False,
    ("dualstack", V4["SubnetId"]): False, ("dualstack", DUAL["SubnetId"]): True,
    ("dualstack", V6_ONLY["SubnetId"]): False, ("dualstack", DISASSOCIATED["SubnetId"]): False,
    ("ipv6", V4["SubnetId"]): False, ("ipv6", DUAL["SubnetId"]): False, ("ipv6", V6_ONLY["SubnetId"]): True,
}


@pytest.mark.parametrize("ip_type, subnet_id", sorted(FITS))
def test_each_ip_address_type_against_each_kind_of_subnet(ip_type, subnet_id):
    placements = [("the new ecr.api endpoint", ip_type, [subnet_id])]
    if FITS[(ip_type, subnet_id)]:
        assert check_ip_address_type(placements, SUBNETS) is None
    else:
        with pytest.raises(ValueError) as refused:
            check_ip_address_type(placements, SUBNETS)
        message = str(refused.value)
        assert message.startswith("ip_address_type: the new ecr.api endpoint would be %s in %s" % (ip_type, subnet_id))


def test_placements_cover_creates_added_subnets_and_type_changes_only():
    current = [{"vpc_endpoint_id": EID, "vpc_endpoint_type": "Interface", "ip_address_type": "dualstack",
                "subnet_ids": [DUAL["SubnetId"]]},
               {"vpc_endpoint_id": "vpce-0ccccccccccccccc3", "vpc_endpoint_type": "Interface",
                "ip_address_type": "ipv4", "subnet_ids": [V4["SubnetId"]]},
               {"vpc_endpoint_id": "vpce-0ddddddddddddddd4", "vpc_endpoint_type": "Gateway", "subnet_ids": []}]
    actions = [
        {"service": "logs", "action": "create",
         "details": {"vpc_endpoint_type": "Interface", "ip_address_type": "ipv6", "subnet_ids": [V6_ONLY["SubnetId"]]}},
        {"service": "s3", "action": "create", "details": {"vpc_endpoint_type": "Gateway", "route_table_ids": []}},
        {"service": "ecr.api", "action": "modify",
         "details": {"vpc_endpoint_id": EID, "add_subnet_ids": [V4["SubnetId"]]}},
        {"service": "ecr.dkr", "action": "modify",
         "details": {"vpc_endpoint_id": "vpce-0ccccccccccccccc3", "ip_address_type": "dualstack",
                     "remove_subnet_ids": [V4["SubnetId"]], "add_subnet_ids": [DUAL["SubnetId"]]}},
        {"service": "sts", "action": "modify", "details": {"vpc_endpoint_id": EID, "tags": {"a": "b"}}},
        {"service": "s3", "action": "modify",
         "details": {"vpc_endpoint_id": "vpce-0ddddddddddddddd4", "add_route_table_ids": ["rtb-0aaaaaaaaaaaaaaa1"]}},
    ]
    assert ip_address_type_placements(actions, current) == [
        ("the new logs endpoint", "ipv6", [V6_ONLY["SubnetId"]]),
        ("%s (ecr.api)" % EID, "dualstack", sorted([DUAL["SubnetId"], V4["SubnetId"]])),
        ("vpce-0ccccccccccccccc3 (ecr.dkr)", "dualstack", [DUAL["SubnetId"]]),
    ]
    with pytest.raises(ValueError) as refused:
        check_ip_address_type(ip_address_type_placements(actions, current), SUBNETS)
    assert "%s (ecr.api) would be dualstack in %s" % (EID, V4["SubnetId"]) in str(refused.value)
