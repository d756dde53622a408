"""The ``aws`` fixture: in-process moto with one VPC, three subnets (one per AZ) and a route table."""

import os

import boto3
import pytest
from moto import mock_aws

from ansible_collections.privatelink.ecr.tests.unit.reconcile_fixtures import REGION


@pytest.fixture
def aws(monkeypatch):
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.%d.0/24" % i,
                                     AvailabilityZone=REGION + zone)["Subnet"]["SubnetId"]
                   for i, zone in enumerate("abc")]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        yield {"ec2": ec2, "vpc": vpc, "subnets": subnets, "table": table}
