"""The AWS-semantics layer of the test moto_server (tests/support/aws_semantics.py), rule by rule.

Direct boto3 calls against one moto_server for the module (reset before each test); every rule
is proven on the state it leaves, not only on the error it answers. One test runs plain moto
(``semantics=False``) for contrast.
"""

import json
import time

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.moto_vpc import REGION, ec2_client, seed_private_vpc
from tests.support.moto_server import MotoServer

PENDING = 0.3
DELETING = 0.3
ECR_API = "com.amazonaws.%s.ecr.api" % REGION
ECR_DKR = "com.amazonaws.%s.ecr.dkr" % REGION
S3 = "com.amazonaws.%s.s3" % REGION


# The AWS-semantics layer on this module's own server (conftest.py: ``server``, and ``ec2`` and ``vpc`` on it).
MOTO_SERVER = {"semantics": True, "pending_seconds": PENDING, "deleting_seconds": DELETING}


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def describe(ec2, endpoint_id):
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]


def listed(ec2, vpc_id):
    return ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]


def wait_for(check, timeout=5.0):
    """Poll ``check`` (bounded) until it returns a true value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def wait_state(ec2, endpoint_id, state):
    return wait_for(lambda: describe(ec2, endpoint_id)["State"] == state)


def wait_gone(ec2, endpoint_id, vpc_id):
    return wait_for(lambda: endpoint_id not in [e["VpcEndpointId"] for e in listed(ec2, vpc_id)])


def interface(ec2, vpc, service=ECR_API, subnets=None, **extra):
    return ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=service, VpcEndpointType="Interface",
                                   SubnetIds=vpc.private_subnet_ids if subnets is None else subnets,
                                   **extra)["VpcEndpoint"]


def gateway(ec2, vpc, route_tables, **extra):
    return ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=S3, VpcEndpointType="Gateway",
                                   RouteTableIds=route_tables, **extra)["VpcEndpoint"]


def prefix_routes(ec2, route_table_id):
    table = ec2.describe_route_tables(RouteTableIds=[route_table_id])["RouteTables"][0]
    return [r["GatewayId"] for r in table["Routes"] if r.get("DestinationPrefixListId")]


# --- rule 1: pending / available / deleting / gone -------------------------------------------

def test_interface_endpoint_is_pending_after_create_and_modify_then_available(ec2, vpc):
    created = interface(ec2, vpc)
    endpoint_id = created["VpcEndpointId"]
    assert created["State"] == "pending"
    assert describe(ec2, endpoint_id)["State"] == "pending"
    by_id_filter = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-id", "Values": [endpoint_id]}])
    assert [e["VpcEndpointId"] for e in by_id_filter["VpcEndpoints"]] == [endpoint_id]

    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, RemoveSubnetIds=[vpc.private_subnet_ids[2]])
    assert code_of(refused) == "IncorrectState"
    assert len(describe(ec2, endpoint_id)["SubnetIds"]) == 3  # the refused modify changed nothing

    assert wait_state(ec2, endpoint_id, "available")
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, RemoveSubnetIds=[vpc.private_subnet_ids[2]])
    after = describe(ec2, endpoint_id)
    assert after["State"] == "pending"
    assert sorted(after["SubnetIds"]) == sorted(vpc.private_subnet_ids[:2])
    assert wait_state(ec2, endpoint_id, "available")


def test_gateway_endpoint_is_available_at_once_without_private_dns(ec2, vpc):
    created = gateway(ec2, vpc, vpc.private_route_table_ids)
    assert created["State"] == "available"
    assert created["PrivateDnsEnabled"] is False
    assert describe(ec2, created["VpcEndpointId"])["State"] == "available"


def test_deleted_endpoint_is_deleting_then_gone_from_every_listing(ec2, vpc):
    endpoint_id = interface(ec2, vpc)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    assert describe(ec2, endpoint_id)["State"] == "deleting"
    assert [e["State"] for e in listed(ec2, vpc.vpc_id)] == ["deleting"]
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[vpc.private_subnet_ids[0]])
    assert code_of(refused) == "IncorrectState"
    # Deleting again while it is on its way out is accepted and changes nothing.
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])

    assert wait_gone(ec2, endpoint_id, vpc.vpc_id)
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    with pytest.raises(ClientError) as missing:
        ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    assert code_of(missing) == "InvalidVpcEndpointId.NotFound"


# --- rule 2: ClientToken --------------------------------------------------------------------

def test_client_token_returns_the_original_endpoint_even_once_it_is_gone(ec2, vpc):
    first = interface(ec2, vpc, ClientToken="token-1")
    again = interface(ec2, vpc, ClientToken="token-1")
    assert again["VpcEndpointId"] == first["VpcEndpointId"]
    assert [e["VpcEndpointId"] for e in listed(ec2, vpc.vpc_id)] == [first["VpcEndpointId"]]

    assert wait_state(ec2, first["VpcEndpointId"], "available")
    assert interface(ec2, vpc, ClientToken="token-1")["State"] == "available"  # the current state

    ec2.delete_vpc_endpoints(VpcEndpointIds=[first["VpcEndpointId"]])
    assert wait_gone(ec2, first["VpcEndpointId"], vpc.vpc_id)
    replay = interface(ec2, vpc, ClientToken="token-1")
    assert (replay["VpcEndpointId"], replay["State"]) == (first["VpcEndpointId"], "deleted")
    assert listed(ec2, vpc.vpc_id) == []  # still nothing created


def test_client_token_with_other_parameters_is_a_mismatch(ec2, vpc):
    first = interface(ec2, vpc, ClientToken="token-2")
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, subnets=vpc.private_subnet_ids[:2], ClientToken="token-2")
    assert code_of(refused) == "IdempotentParameterMismatch"
    assert [e["VpcEndpointId"] for e in listed(ec2, vpc.vpc_id)] == [first["VpcEndpointId"]]


# --- rule 3: one subnet per zone ------------------------------------------------------------

def test_two_subnets_in_one_zone_are_refused_on_create_and_modify(ec2, vpc):
    second_a = ec2.create_subnet(VpcId=vpc.vpc_id, CidrBlock="10.20.50.0/24",
                                 AvailabilityZone=vpc.zones[0])["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, subnets=vpc.private_subnet_ids + [second_a])
    assert code_of(refused) == "DuplicateSubnetsInSameZone"
    assert listed(ec2, vpc.vpc_id) == []

    endpoint_id = interface(ec2, vpc)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[second_a])
    assert code_of(refused) == "DuplicateSubnetsInSameZone"
    assert second_a not in describe(ec2, endpoint_id)["SubnetIds"]
    # Swapping the zone's subnet in one call leaves one subnet per zone: accepted.
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[second_a],
                            RemoveSubnetIds=[vpc.private_subnet_ids[0]])
    assert sorted(describe(ec2, endpoint_id)["SubnetIds"]) == sorted(vpc.private_subnet_ids[1:] + [second_a])


# --- rule 4: RouteAlreadyExists -------------------------------------------------------------

def test_a_route_table_routes_to_a_gateway_service_through_one_endpoint(ec2, vpc):
    rtb_a, rtb_b, rtb_c = vpc.private_route_table_ids
    first = gateway(ec2, vpc, [rtb_a])["VpcEndpointId"]
    with pytest.raises(ClientError) as refused:
        gateway(ec2, vpc, [rtb_a, rtb_b])
    assert code_of(refused) == "RouteAlreadyExists"
    assert [e["VpcEndpointId"] for e in listed(ec2, vpc.vpc_id)] == [first]

    second = gateway(ec2, vpc, [rtb_b])["VpcEndpointId"]
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=second, AddRouteTableIds=[rtb_a])
    assert code_of(refused) == "RouteAlreadyExists"
    assert describe(ec2, second)["RouteTableIds"] == [rtb_b]

    # A table added by modify gets the prefix-list route, and loses it when removed.
    ec2.modify_vpc_endpoint(VpcEndpointId=second, AddRouteTableIds=[rtb_c])
    assert prefix_routes(ec2, rtb_c) == [second]
    ec2.modify_vpc_endpoint(VpcEndpointId=second, RemoveRouteTableIds=[rtb_c])
    assert prefix_routes(ec2, rtb_c) == []

    # Once the first endpoint is gone, its table is free again.
    ec2.delete_vpc_endpoints(VpcEndpointIds=[first])
    assert wait_gone(ec2, first, vpc.vpc_id)
    ec2.modify_vpc_endpoint(VpcEndpointId=second, AddRouteTableIds=[rtb_a])
    assert sorted(describe(ec2, second)["RouteTableIds"]) == sorted([rtb_a, rtb_b])
    assert prefix_routes(ec2, rtb_a) == [second]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[second])  # every route it holds can be removed
    assert prefix_routes(ec2, rtb_a) == [] and prefix_routes(ec2, rtb_b) == []


# --- rule 5: private DNS --------------------------------------------------------------------

def test_one_endpoint_per_service_and_vpc_may_hold_private_dns(ec2, vpc):
    holder = interface(ec2, vpc)  # no PrivateDnsEnabled: AWS's default is on
    assert holder["PrivateDnsEnabled"] is True
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc)
    assert code_of(refused) == "InvalidParameter"
    assert "conflicting DNS domain" in refused.value.response["Error"]["Message"]
    assert len(listed(ec2, vpc.vpc_id)) == 1

    second = interface(ec2, vpc, PrivateDnsEnabled=False)
    assert second["PrivateDnsEnabled"] is False
    assert interface(ec2, vpc, service=ECR_DKR)["PrivateDnsEnabled"] is True  # another service: fine
    assert wait_state(ec2, second["VpcEndpointId"], "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=second["VpcEndpointId"], PrivateDnsEnabled=True)
    assert code_of(refused) == "InvalidParameter"
    assert describe(ec2, second["VpcEndpointId"])["PrivateDnsEnabled"] is False


def test_private_dns_needs_dns_support_and_hostnames(ec2):
    vpc = seed_private_vpc(ec2, dns_hostnames=False)
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc)
    assert code_of(refused) == "InvalidParameter"
    assert "enableDnsHostnames" in refused.value.response["Error"]["Message"]
    assert listed(ec2, vpc.vpc_id) == []
    assert interface(ec2, vpc, PrivateDnsEnabled=False)["PrivateDnsEnabled"] is False


# --- rule 6: services in some AZs only ------------------------------------------------------

def test_a_service_offered_in_some_zones_only(server, ec2, vpc):
    server.configure_semantics(service_azs={"ecr.api": ["eu-west-1a", "eu-west-1b"]})
    by_filter = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-name", "Values": [ECR_API]}])
    assert [s["ServiceName"] for s in by_filter["ServiceDetails"]] == [ECR_API]
    assert by_filter["ServiceDetails"][0]["AvailabilityZones"] == ["eu-west-1a", "eu-west-1b"]
    by_name = ec2.describe_vpc_endpoint_services(ServiceNames=[ECR_API, ECR_DKR])
    assert {s["ServiceName"]: s["AvailabilityZones"] for s in by_name["ServiceDetails"]} == {
        ECR_API: ["eu-west-1a", "eu-west-1b"], ECR_DKR: list(vpc.zones)}

    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc)
    assert code_of(refused) == "InvalidParameter"
    assert vpc.private_subnet_ids[2] in refused.value.response["Error"]["Message"]
    assert listed(ec2, vpc.vpc_id) == []

    endpoint_id = interface(ec2, vpc, subnets=vpc.private_subnet_ids[:2])["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[vpc.private_subnet_ids[2]])
    assert code_of(refused) == "InvalidParameter"
    assert sorted(describe(ec2, endpoint_id)["SubnetIds"]) == sorted(vpc.private_subnet_ids[:2])

    server.reset()  # back to the startup config: every service in every zone
    assert server.semantics_config()["service_azs"] == {}


# --- rule 7: DryRun -------------------------------------------------------------------------

def dry(call, **params):
    with pytest.raises(ClientError) as answer:
        call(DryRun=True, **params)
    assert code_of(answer) == "DryRunOperation"
    assert answer.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412


def test_dry_run_answers_dry_run_operation_and_changes_nothing(ec2, vpc):
    dry(ec2.create_vpc_endpoint, VpcId=vpc.vpc_id, ServiceName=ECR_API, VpcEndpointType="Interface",
        SubnetIds=vpc.private_subnet_ids)
    assert listed(ec2, vpc.vpc_id) == []

    dry(ec2.create_security_group, GroupName="dry", Description="dry", VpcId=vpc.vpc_id)

    def groups():
        return ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups()] == ["default"]

    group_id = ec2.create_security_group(GroupName="sg", Description="sg", VpcId=vpc.vpc_id)["GroupId"]
    rule = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": vpc.cidr}]}]
    dry(ec2.authorize_security_group_ingress, GroupId=group_id, IpPermissions=rule)
    assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"] == []
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rule)
    dry(ec2.revoke_security_group_ingress, GroupId=group_id, IpPermissions=rule)
    assert len(ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"]) == 1

    endpoint_id = interface(ec2, vpc, PrivateDnsEnabled=False)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    dry(ec2.modify_vpc_endpoint, VpcEndpointId=endpoint_id, PrivateDnsEnabled=True)
    assert describe(ec2, endpoint_id)["PrivateDnsEnabled"] is False
    assert describe(ec2, endpoint_id)["State"] == "available"
    dry(ec2.create_tags, Resources=[endpoint_id], Tags=[{"Key": "k", "Value": "v"}])
    assert describe(ec2, endpoint_id).get("Tags", []) == []
    ec2.create_tags(Resources=[endpoint_id], Tags=[{"Key": "k", "Value": "v"}])
    dry(ec2.delete_tags, Resources=[endpoint_id], Tags=[{"Key": "k"}])
    assert describe(ec2, endpoint_id)["Tags"] == [{"Key": "k", "Value": "v"}]
    dry(ec2.delete_vpc_endpoints, VpcEndpointIds=[endpoint_id])
    assert describe(ec2, endpoint_id)["State"] == "available"
    dry(ec2.delete_security_group, GroupId=group_id)
    assert len(groups()) == 2


def test_dry_run_answers_after_the_rule_checks(ec2, vpc):
    interface(ec2, vpc)
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, DryRun=True)  # a private-DNS conflict wins over DryRunOperation
    assert code_of(refused) == "InvalidParameter"
    assert len(listed(ec2, vpc.vpc_id)) == 1


# --- rule 8: PrivateDnsEnabled and ResetPolicy on modify ------------------------------------

DEFAULT_STATEMENTS = [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
CUSTOM = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]})


def test_modify_honours_private_dns_and_reset_policy_on_a_gateway(ec2, vpc):
    endpoint_id = interface(ec2, vpc, PrivateDnsEnabled=False)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=True)
    assert describe(ec2, endpoint_id)["PrivateDnsEnabled"] is True

    s3 = gateway(ec2, vpc, vpc.private_route_table_ids, PolicyDocument=CUSTOM)["VpcEndpointId"]
    assert json.loads(describe(ec2, s3)["PolicyDocument"]) == json.loads(CUSTOM)
    ec2.modify_vpc_endpoint(VpcEndpointId=s3, ResetPolicy=True)
    assert json.loads(describe(ec2, s3)["PolicyDocument"])["Statement"] == DEFAULT_STATEMENTS


@pytest.mark.parametrize("guess", ["refuse", "ignore", "reset"])
def test_reset_policy_on_an_interface_endpoint_follows_the_guess(server, ec2, vpc, guess):
    """The reference marks ResetPolicy "(Gateway endpoint)"; what EC2 does on an interface endpoint
    is a guess (docs/reliability.md), each answer switchable."""
    server.configure_semantics(reset_policy_on_interface=guess)
    endpoint_id = interface(ec2, vpc, PolicyDocument=CUSTOM)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    if guess == "refuse":
        with pytest.raises(ClientError) as refused:
            ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, ResetPolicy=True)
        assert code_of(refused) == "InvalidParameter"
    else:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, ResetPolicy=True)
    statements = json.loads(describe(ec2, endpoint_id)["PolicyDocument"])["Statement"]
    assert statements == (DEFAULT_STATEMENTS if guess == "reset" else json.loads(CUSTOM)["Statement"])
    # Sending the default document works whatever the guess (the module's way).
    assert wait_state(ec2, endpoint_id, "available")
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PolicyDocument=json.dumps({"Statement": DEFAULT_STATEMENTS}))
    assert json.loads(describe(ec2, endpoint_id)["PolicyDocument"])["Statement"] == DEFAULT_STATEMENTS


# --- rule 9: DependencyViolation ------------------------------------------------------------

def test_a_security_group_used_by_an_endpoint_cannot_be_deleted(ec2, vpc):
    group_id = ec2.create_security_group(GroupName="sg", Description="sg", VpcId=vpc.vpc_id)["GroupId"]
    endpoint_id = interface(ec2, vpc, SecurityGroupIds=[group_id])["VpcEndpointId"]
    with pytest.raises(ClientError) as refused:
        ec2.delete_security_group(GroupId=group_id)
    assert code_of(refused) == "DependencyViolation"

    assert wait_state(ec2, endpoint_id, "available")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    with pytest.raises(ClientError) as refused:  # still deleting: still in use
        ec2.delete_security_group(GroupId=group_id)
    assert code_of(refused) == "DependencyViolation"
    assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]

    assert wait_gone(ec2, endpoint_id, vpc.vpc_id)
    ec2.delete_security_group(GroupId=group_id)
    with pytest.raises(ClientError):
        ec2.describe_security_groups(GroupIds=[group_id])


# --- rule 10: parameters of the other endpoint type ----------------------------------------

def test_parameters_of_the_other_endpoint_type_are_refused(ec2, vpc):
    group_id = ec2.create_security_group(GroupName="sg", Description="sg", VpcId=vpc.vpc_id)["GroupId"]
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, RouteTableIds=vpc.private_route_table_ids[:1])
    assert code_of(refused) == "InvalidParameter"
    assert "Route table IDs are only supported for Gateway" in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as refused:
        gateway(ec2, vpc, vpc.private_route_table_ids[:1], SubnetIds=vpc.private_subnet_ids[:1])
    assert code_of(refused) == "InvalidParameter"
    assert "Subnet IDs are only supported for Interface" in refused.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as refused:
        gateway(ec2, vpc, vpc.private_route_table_ids[:1], SecurityGroupIds=[group_id])
    assert code_of(refused) == "InvalidParameter"
    assert listed(ec2, vpc.vpc_id) == []

    api = interface(ec2, vpc)["VpcEndpointId"]
    s3 = gateway(ec2, vpc, vpc.private_route_table_ids[:1])["VpcEndpointId"]
    assert wait_state(ec2, api, "available")
    for endpoint_id, wrong in ((api, {"AddRouteTableIds": vpc.private_route_table_ids[1:2]}),
                               (api, {"RemoveRouteTableIds": vpc.private_route_table_ids[:1]}),
                               (s3, {"AddSubnetIds": vpc.private_subnet_ids[:1]}),
                               (s3, {"RemoveSubnetIds": vpc.private_subnet_ids[:1]}),
                               (s3, {"AddSecurityGroupIds": [group_id]})):
        with pytest.raises(ClientError) as refused:
            ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, **wrong)
        assert code_of(refused) == "InvalidParameter", wrong
    assert describe(ec2, api)["State"] == "available"  # nothing was changed
    assert describe(ec2, s3)["RouteTableIds"] == vpc.private_route_table_ids[:1]
    assert prefix_routes(ec2, vpc.private_route_table_ids[1]) == []


# --- rule 11: unknown and foreign ids -------------------------------------------------------

def test_unknown_ids_are_not_found_and_ids_of_another_vpc_are_refused(server, ec2, vpc):
    other = seed_private_vpc(ec2, cidr="10.30.0.0/16", name="other")
    other_group = ec2.create_security_group(GroupName="o", Description="o", VpcId=other.vpc_id)["GroupId"]
    for extra, expected in (({"subnets": ["subnet-0123456789abcdef0"]}, "InvalidSubnetID.NotFound"),
                            ({"SecurityGroupIds": ["sg-0123456789abcdef0"]}, "InvalidGroup.NotFound"),
                            ({"subnets": other.private_subnet_ids[:1]}, "InvalidParameter"),
                            ({"SecurityGroupIds": [other_group]}, "InvalidParameter")):
        with pytest.raises(ClientError) as refused:
            interface(ec2, vpc, **extra)
        assert code_of(refused) == expected, extra
    with pytest.raises(ClientError) as refused:
        gateway(ec2, vpc, ["rtb-0123456789abcdef0"])
    assert code_of(refused) == "InvalidRouteTableID.NotFound"
    with pytest.raises(ClientError) as refused:
        gateway(ec2, vpc, other.private_route_table_ids[:1])
    assert code_of(refused) == "InvalidParameter"
    assert "belongs to %s" % other.vpc_id in refused.value.response["Error"]["Message"]
    assert listed(ec2, vpc.vpc_id) == []
    assert prefix_routes(ec2, other.private_route_table_ids[0]) == []

    api = interface(ec2, vpc, subnets=vpc.private_subnet_ids[:2])["VpcEndpointId"]
    s3 = gateway(ec2, vpc, vpc.private_route_table_ids[:1])["VpcEndpointId"]
    assert wait_state(ec2, api, "available")
    for endpoint_id, wrong, expected in (
            (api, {"AddSubnetIds": ["subnet-0123456789abcdef0"]}, "InvalidSubnetID.NotFound"),
            (api, {"AddSubnetIds": other.private_subnet_ids[2:]}, "InvalidParameter"),
            (api, {"AddSecurityGroupIds": ["sg-0123456789abcdef0"]}, "InvalidGroup.NotFound"),
            (api, {"AddSecurityGroupIds": [other_group]}, "InvalidParameter"),
            (s3, {"AddRouteTableIds": ["rtb-0123456789abcdef0"]}, "InvalidRouteTableID.NotFound"),
            (s3, {"AddRouteTableIds": other.private_route_table_ids[1:2]}, "InvalidParameter")):
        with pytest.raises(ClientError) as refused:
            ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, **wrong)
        assert code_of(refused) == expected, wrong
    assert sorted(describe(ec2, api)["SubnetIds"]) == sorted(vpc.private_subnet_ids[:2])
    assert describe(ec2, s3)["RouteTableIds"] == vpc.private_route_table_ids[:1]

    server.configure_semantics(foreign_id_code="InvalidParameterValue")  # the other plausible code
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, subnets=other.private_subnet_ids[:1], PrivateDnsEnabled=False)
    assert code_of(refused) == "InvalidParameterValue"


# --- rule 12: IP address type against the subnets ------------------------------------------

def ipv6_subnets(ec2, vpc):
    """Give the VPC an IPv6 block and each private subnet a /64 of it (dual-stack subnets)."""
    block = ec2.associate_vpc_cidr_block(VpcId=vpc.vpc_id, AmazonProvidedIpv6CidrBlock=True)
    prefix = block["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"].split("::")[0]
    for index, subnet_id in enumerate(vpc.private_subnet_ids):
        ec2.associate_subnet_cidr_block(SubnetId=subnet_id, Ipv6CidrBlock="%s:%x::/64" % (prefix, index))


def test_dualstack_and_ipv6_need_subnets_with_ipv6_ranges(ec2, vpc):
    for ip_type in ("dualstack", "ipv6"):
        with pytest.raises(ClientError) as refused:
            interface(ec2, vpc, IpAddressType=ip_type)
        assert code_of(refused) == "InvalidParameter"
        assert vpc.private_subnet_ids[0] in refused.value.response["Error"]["Message"]
    assert listed(ec2, vpc.vpc_id) == []
    ipv4 = interface(ec2, vpc, PrivateDnsEnabled=False)["VpcEndpointId"]
    assert describe(ec2, ipv4)["IpAddressType"] == "ipv4"  # reported, as AWS does
    assert wait_state(ec2, ipv4, "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=ipv4, IpAddressType="dualstack")
    assert code_of(refused) == "InvalidParameter"
    assert describe(ec2, ipv4)["IpAddressType"] == "ipv4"

    ipv6_subnets(ec2, vpc)
    for subnet in ec2.describe_subnets(SubnetIds=vpc.private_subnet_ids)["Subnets"]:  # rule 14
        assert [a["Ipv6CidrBlockState"]["State"] for a in subnet["Ipv6CidrBlockAssociationSet"]] == ["associated"]
    dual = interface(ec2, vpc, IpAddressType="dualstack")["VpcEndpointId"]
    assert describe(ec2, dual)["IpAddressType"] == "dualstack"
    with pytest.raises(ClientError) as refused:  # dual-stack subnets are not IPv6-only ones
        interface(ec2, vpc, service=ECR_DKR, IpAddressType="ipv6")
    assert code_of(refused) == "InvalidParameter"
    ec2.modify_vpc_endpoint(VpcEndpointId=ipv4, IpAddressType="dualstack")
    assert describe(ec2, ipv4)["IpAddressType"] == "dualstack"


# --- rule 13: policy documents --------------------------------------------------------------

def test_malformed_principal_less_and_oversized_policies_are_refused(ec2, vpc):
    no_principal = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    statement = {"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"}
    oversized = json.dumps({"Statement": [dict(statement, Sid="S%05d" % i) for i in range(300)]})
    assert len(oversized) > 20480
    for document in ('{"Statement": [', no_principal, oversized):
        with pytest.raises(ClientError) as refused:
            interface(ec2, vpc, PolicyDocument=document)
        assert code_of(refused) == "InvalidPolicyDocument"
    assert listed(ec2, vpc.vpc_id) == []
    fits = json.dumps({"Statement": [dict(statement, Sid="S%05d" % i) for i in range(190)]})
    assert len(fits) <= 20480
    endpoint_id = interface(ec2, vpc, PolicyDocument=fits)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PolicyDocument="not json")
    assert code_of(refused) == "InvalidPolicyDocument"
    assert json.loads(describe(ec2, endpoint_id)["PolicyDocument"]) == json.loads(fits)


# --- guesses: a deleted endpoint's token, a delete while deleting ---------------------------

@pytest.mark.parametrize("guess", ["deleted", "original", "forgotten"])
def test_a_gone_endpoint_s_token_is_answered_per_the_guess(server, ec2, vpc, guess):
    server.configure_semantics(token_replay_after_delete=guess)
    first = interface(ec2, vpc, ClientToken="token-g")["VpcEndpointId"]
    assert wait_state(ec2, first, "available")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[first])
    assert wait_gone(ec2, first, vpc.vpc_id)
    replay = interface(ec2, vpc, ClientToken="token-g")
    live = [e["VpcEndpointId"] for e in listed(ec2, vpc.vpc_id)]
    if guess == "forgotten":
        assert replay["VpcEndpointId"] != first and live == [replay["VpcEndpointId"]]
    else:
        assert (replay["VpcEndpointId"], replay["State"]) == (first, {"deleted": "deleted",
                                                                      "original": "pending"}[guess])
        assert live == []


@pytest.mark.parametrize("guess", ["success", "unsuccessful"])
def test_deleting_an_endpoint_already_deleting_follows_the_guess(server, ec2, vpc, guess):
    server.configure_semantics(delete_while_deleting=guess)
    endpoint_id = gateway(ec2, vpc, vpc.private_route_table_ids)["VpcEndpointId"]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    again = ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])["Unsuccessful"]
    assert [u["ResourceId"] for u in again] == ([] if guess == "success" else [endpoint_id])
    assert describe(ec2, endpoint_id)["State"] == "deleting"
    assert wait_gone(ec2, endpoint_id, vpc.vpc_id)


# --- counting, accounts, control ------------------------------------------------------------

def test_refused_requests_still_count_as_sent(server, ec2, vpc):
    interface(ec2, vpc)
    server.clear_requests()
    with pytest.raises(ClientError):
        interface(ec2, vpc)
    with pytest.raises(ClientError):
        interface(ec2, vpc, DryRun=True)
    assert server.requests() == {"ec2.CreateVpcEndpoint": 2}


def test_assumed_role_credentials_act_in_their_own_account(server, ec2):
    sts = boto3.client("sts", region_name=REGION, endpoint_url=server.url,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    creds = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/probe", RoleSessionName="probe")["Credentials"]
    other = boto3.client("ec2", region_name=REGION, endpoint_url=server.url,
                         aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])
    vpc = seed_private_vpc(other)
    created = interface(other, vpc)
    assert created["OwnerId"] == "222222222222"
    assert created["State"] == "pending"
    assert wait_state(other, created["VpcEndpointId"], "available")
    assert listed(ec2, vpc.vpc_id) == []  # not in the default account


def test_control_path_reads_updates_and_resets_the_config(server, ec2):
    assert server.semantics_config() == {"enabled": True, "pending_seconds": PENDING,
                                         "deleting_seconds": DELETING, "service_azs": {},
                                         "token_replay_after_delete": "deleted", "delete_while_deleting": "success",
                                         "reset_policy_on_interface": "refuse", "foreign_id_code": "InvalidParameter",
                                         "service_owned_zones": [], "change_seconds": 0.2, "route53_page_size": 2}
    assert server.configure_semantics(pending_seconds=2.5)["pending_seconds"] == 2.5
    with pytest.raises(OSError):  # urllib's HTTPError: 400 for an unknown setting
        server.configure_semantics(bogus=1)
    with pytest.raises(OSError):  # a guess takes one of its plausible answers only
        server.configure_semantics(delete_while_deleting="maybe")
    assert server.configure_semantics(delete_while_deleting="unsuccessful",
                                      route53_page_size=5)["route53_page_size"] == 5
    server.reset()
    assert server.semantics_config()["pending_seconds"] == PENDING
    assert server.semantics_config()["delete_while_deleting"] == "success"
    assert server.semantics_config()["route53_page_size"] == 2


def test_raw_moto_is_forgiving_for_contrast(monkeypatch):
    monkeypatch.setenv("PRIVATELINK_ECR_RAW_MOTO", "1")
    assert MotoServer().semantics is False
    monkeypatch.delenv("PRIVATELINK_ECR_RAW_MOTO")
    assert MotoServer().semantics is True

    with MotoServer(semantics=False) as raw:
        assert "--raw" in raw.command()
        ec2 = ec2_client(raw.url)
        vpc = seed_private_vpc(ec2)
        interface(ec2, vpc, DryRun=True)  # plain moto creates on a dry run
        found = listed(ec2, vpc.vpc_id)
        assert len(found) == 1 and found[0]["State"] == "available"
        interface(ec2, vpc)  # a second private-DNS holder: accepted
        ec2.delete_vpc_endpoints(VpcEndpointIds=[found[0]["VpcEndpointId"]])
        assert describe(ec2, found[0]["VpcEndpointId"])["State"] == "deleted"  # listed forever
