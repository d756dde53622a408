"""Rules 17-18 of the AWS-semantics layer (tests/support/aws_semantics_prefix_lists.py): managed prefix lists.

Each rule is proven on the state it leaves (no route, no rule created), and plain moto (``semantics=False``)
is shown to differ, so the rule is needed. EC2 API reference: errors-overview.html
(InvalidPrefixListID.NotFound), API_GetManagedPrefixListEntries.html (MaxResults 1-100, NextToken).
"""

import pytest
from botocore.exceptions import ClientError

from tests.integration.moto_vpc import REGION, ec2_client, seed_private_vpc
from tests.support.moto_server import MotoServer

UNKNOWN = "pl-0123456789abcdef0"


@pytest.fixture(scope="module")
def servers():
    with MotoServer(semantics=True) as layered, MotoServer(semantics=False) as raw:
        yield {"layer": layered, "raw": raw}


@pytest.fixture(params=["layer", "raw"])
def world(request, servers):
    server = servers[request.param]
    server.reset()
    ec2 = ec2_client(server.url)
    return {"kind": request.param, "ec2": ec2, "vpc": seed_private_vpc(ec2)}


def refused(call):
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["Error"]["Message"]
    return None


def test_route_to_an_unknown_prefix_list_is_refused_and_not_created(world):
    ec2, vpc = world["ec2"], world["vpc"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    table = vpc.private_route_table_ids[0]
    answer = refused(lambda: ec2.create_route(RouteTableId=table, DestinationPrefixListId=UNKNOWN,
                                              TransitGatewayId=tgw))
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    if world["kind"] == "layer":
        assert answer == ("InvalidPrefixListID.NotFound", "The prefix list ID '%s' does not exist" % UNKNOWN)
        assert [r for r in routes if r.get("TransitGatewayId")] == []
    else:  # moto: a route with no destination at all
        assert answer is None and [r for r in routes if r.get("TransitGatewayId") and not (
            r.get("DestinationCidrBlock") or r.get("DestinationPrefixListId"))]


def test_route_to_a_known_prefix_list_is_created_with_its_destination(world):
    ec2, vpc = world["ec2"], world["vpc"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    pl = ec2.create_managed_prefix_list(PrefixListName="hubs", AddressFamily="IPv4", MaxEntries=5,
                                        Entries=[{"Cidr": "10.9.0.0/16"}])["PrefixList"]["PrefixListId"]
    table = vpc.private_route_table_ids[0]
    ec2.create_route(RouteTableId=table, DestinationPrefixListId=pl, TransitGatewayId=tgw)
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert [(r["DestinationPrefixListId"], r["TransitGatewayId"]) for r in routes
            if r.get("DestinationPrefixListId")] == [(pl, tgw)]


@pytest.mark.parametrize("direction", ["ingress", "egress"])
def test_security_group_rule_naming_an_unknown_prefix_list_is_refused(world, direction):
    ec2, vpc = world["ec2"], world["vpc"]
    group = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc.vpc_id)["GroupId"]
    call = getattr(ec2, "authorize_security_group_%s" % direction)
    permission = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": UNKNOWN}]}
    answer = refused(lambda: call(GroupId=group, IpPermissions=[permission]))
    (described,) = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
    rules = described["IpPermissions" if direction == "ingress" else "IpPermissionsEgress"]
    named = [r for r in rules if r.get("PrefixListIds")]
    if world["kind"] == "layer":
        assert answer[0] == "InvalidPrefixListID.NotFound" and named == []
    else:
        assert answer is None and named


def test_security_group_rule_naming_the_s3_prefix_list_is_kept(world):
    ec2, vpc = world["ec2"], world["vpc"]
    (s3,) = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name",
                                                        "Values": ["com.amazonaws.%s.s3" % REGION]}])["PrefixLists"]
    assert s3["OwnerId"] == "AWS"
    group = ec2.create_security_group(GroupName="g", Description="g", VpcId=vpc.vpc_id)["GroupId"]
    ec2.authorize_security_group_egress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": s3["PrefixListId"]}]}])
    (described,) = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
    assert [p["PrefixListId"] for r in described["IpPermissionsEgress"] for p in r.get("PrefixListIds") or []] == [
        s3["PrefixListId"]]


def test_entries_of_an_unknown_prefix_list_are_an_error_not_an_empty_list(world):
    ec2 = world["ec2"]
    answer = refused(lambda: ec2.get_managed_prefix_list_entries(PrefixListId=UNKNOWN))
    if world["kind"] == "layer":
        assert answer[0] == "InvalidPrefixListID.NotFound"
    else:
        assert answer is None and ec2.get_managed_prefix_list_entries(PrefixListId=UNKNOWN)["Entries"] == []


def test_entries_are_paged(world):
    ec2 = world["ec2"]
    cidrs = ["10.%d.0.0/16" % i for i in range(7)]
    pl = ec2.create_managed_prefix_list(PrefixListName="many", AddressFamily="IPv4", MaxEntries=10,
                                        Entries=[{"Cidr": c} for c in cidrs])["PrefixList"]["PrefixListId"]
    first = ec2.get_managed_prefix_list_entries(PrefixListId=pl, MaxResults=3)
    if world["kind"] == "raw":  # moto ignores MaxResults: one page, every entry
        assert len(first["Entries"]) == 7 and "NextToken" not in first
        return
    assert [e["Cidr"] for e in first["Entries"]] == cidrs[:3] and first["NextToken"]
    pages = ec2.get_paginator("get_managed_prefix_list_entries").paginate(
        PrefixListId=pl, PaginationConfig={"PageSize": 3})
    assert [e["Cidr"] for page in pages for e in page["Entries"]] == cidrs
    assert refused(lambda: ec2.get_managed_prefix_list_entries(PrefixListId=pl, MaxResults=101))[0] == \
        "InvalidParameterValue"
