"""VpcLookup (behind vpc_private_subnets_info) on a stub EC2 client: which requests, which errors."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError
from ansible_collections.privatelink.ecr.plugins.module_utils._vpc_lookup import VpcLookup


class StubEc2:
    """Answers describe calls from lists of raw items, filtering by vpc-id / tag:Name; records each call."""

    def __init__(self, vpcs=(), subnets=(), route_tables=(), error=None):
        self.data = {"describe_vpcs": ("Vpcs", list(vpcs)), "describe_subnets": ("Subnets", list(subnets)),
                     "describe_route_tables": ("RouteTables", list(route_tables))}
        self.error = error
        self.calls = []

    def _answer(self, operation, **kwargs):
        self.calls.append((operation, kwargs))
        if self.error:
            raise ClientError({"Error": {"Code": self.error, "Message": "stub"}}, operation)
        key, items = self.data[operation]
        for flt in kwargs.get("Filters", []):
            if flt["Name"] == "vpc-id":
                items = [i for i in items if i.get("VpcId") in flt["Values"]]
            elif flt["Name"] == "tag:Name":
                items = [i for i in items if any(t["Key"] == "Name" and t["Value"] in flt["Values"]
                                                 for t in i.get("Tags", []))]
        if "VpcIds" in kwargs:
            items = [i for i in items if i["VpcId"] in kwargs["VpcIds"]]
        return {key: items}

    def get_paginator(self, operation):
        stub = self

        class Paginator:
            def paginate(self, **kwargs):
                yield stub._answer(operation, **kwargs)

        return Paginator()

    def describe_vpcs(self, **kwargs):
        return self._answer("describe_vpcs", **kwargs)


def vpc(vpc_id, name=None, owner="111122223333"):
    return {"VpcId": vpc_id, "OwnerId": owner, "Tags": [{"Key": "Name", "Value": name}] if name else []}


SUBNETS = [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "eu-west-1a", "OwnerId": "111122223333"}]
TABLES = [{"RouteTableId": "rtb-main", "VpcId": "vpc-1", "Associations": [{"Main": True}], "Routes": []}]


def test_by_id_reads_subnets_and_route_tables_only():
    ec2 = StubEc2(vpcs=[vpc("vpc-1")], subnets=SUBNETS, route_tables=TABLES)

    found = VpcLookup(ec2).find(vpc_id="vpc-1")

    assert [c[0] for c in ec2.calls] == ["describe_subnets", "describe_route_tables"]
    assert (found["vpc_id"], found["account_id"]) == ("vpc-1", "111122223333")
    assert found["subnets"] == SUBNETS and found["route_tables"] == TABLES


def test_by_id_without_subnets_checks_that_the_vpc_exists():
    ec2 = StubEc2(vpcs=[vpc("vpc-2", owner="444455556666")])

    found = VpcLookup(ec2).find(vpc_id="vpc-2")

    assert [c[0] for c in ec2.calls] == ["describe_subnets", "describe_vpcs", "describe_route_tables"]
    assert (found["vpc_id"], found["account_id"], found["subnets"]) == ("vpc-2", "444455556666", [])


def test_unknown_vpc_id_is_named_in_the_error():
    with pytest.raises(PrivatelinkError, match="^vpc_id vpc-9: no such VPC in this account and region$"):
        VpcLookup(StubEc2()).find(vpc_id="vpc-9")


def test_by_name_filters_on_the_name_tag():
    ec2 = StubEc2(vpcs=[vpc("vpc-1", "apps"), vpc("vpc-3", "other")], subnets=SUBNETS, route_tables=TABLES)

    found = VpcLookup(ec2).find(vpc_name="apps")

    assert found["vpc_id"] == "vpc-1"
    assert ec2.calls[0] == ("describe_vpcs", {"Filters": [{"Name": "tag:Name", "Values": ["apps"]}]})
    assert len(ec2.calls) == 3


def test_by_name_with_several_matches_lists_them():
    ec2 = StubEc2(vpcs=[vpc("vpc-b", "apps"), vpc("vpc-a", "apps")])

    with pytest.raises(PrivatelinkError, match=r"vpc_name apps: 2 VPCs carry this Name tag \(vpc-a, vpc-b\)"):
        VpcLookup(ec2).find(vpc_name="apps")
    assert len(ec2.calls) == 1


def test_by_name_without_match_fails():
    with pytest.raises(PrivatelinkError, match="vpc_name apps: no VPC with this Name tag"):
        VpcLookup(StubEc2(vpcs=[vpc("vpc-1", "other")])).find(vpc_name="apps")


def test_aws_errors_become_actionable_messages():
    with pytest.raises(PrivatelinkError, match="Failed to describe the VPC's subnets: UnauthorizedOperation: stub; "
                                               "the credentials lack this permission"):
        VpcLookup(StubEc2(error="UnauthorizedOperation")).find(vpc_id="vpc-1")


def test_neither_id_nor_name_is_refused():
    with pytest.raises(PrivatelinkError, match="Set vpc_id or vpc_name"):
        VpcLookup(StubEc2()).find()
