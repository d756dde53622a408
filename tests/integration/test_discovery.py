"""privatelink.ecr.vpc_private_subnets_info against moto_server: which subnets and route tables the role uses.

Each test seeds a VPC (tests/support/seed.py), runs the module with the real `ansible` CLI and
checks its answer against the ids the seed created.
"""

from types import SimpleNamespace

import pytest

from tests.support.ansible_cli import aws_env, run_module
from tests.support.seed import client, seed_private_vpc

pytestmark = pytest.mark.integration
REGION = "eu-west-1"


@pytest.fixture
def aws(server):
    """An empty moto account for each test: the server reset, an EC2 client, the CLI environment."""
    server.reset()
    return SimpleNamespace(server=server, env=aws_env(server.url, REGION), ec2=client("ec2", server.url, REGION))


def discover(aws, **args):
    rc, result, output = run_module("vpc_private_subnets_info", args, aws.env)
    return rc, result, output


def test_public_subnets_and_their_route_table_are_never_used(aws):
    vpc = seed_private_vpc(aws.ec2, "apps")
    aws.server.clear_requests()

    rc, result, output = discover(aws, vpc_id=vpc["vpc_id"])

    assert rc == 0, output
    assert result["changed"] is False
    assert result["subnet_ids"] == vpc["private_subnet_ids"]
    assert sorted(result["private_subnet_ids"]) == sorted(vpc["private_subnet_ids"])
    assert not set(vpc["public_subnet_ids"]) & set(result["private_subnet_ids"])
    assert result["route_table_ids"] == vpc["private_route_table_ids"]
    assert vpc["public_route_table_id"] not in result["route_table_ids"]
    # Every subnet here has an explicit association: the main route table serves none of them.
    assert vpc["main_route_table_id"] not in result["route_table_ids"]
    assert result["availability_zones"] == vpc["zones"]
    # Read-only, and in as few requests as the API allows: by id, no DescribeVpcs is needed.
    assert aws.server.requests() == {"ec2.DescribeSubnets": 1, "ec2.DescribeRouteTables": 1}


def test_main_route_table_is_used_when_it_serves_a_private_subnet(aws):
    vpc = seed_private_vpc(aws.ec2, "apps", main_serves_private=True)

    rc, result, output = discover(aws, vpc_id=vpc["vpc_id"])

    assert rc == 0, output
    assert vpc["main_route_table_id"] in result["route_table_ids"]
    assert result["route_table_ids"] == vpc["private_route_table_ids"]
    # The subnet without an explicit association is private through the main table.
    assert sorted(result["subnet_ids"]) == sorted(vpc["private_subnet_ids"])


def test_subnet_following_a_main_route_table_with_an_internet_route_is_public(aws):
    vpc = seed_private_vpc(aws.ec2, "apps")
    aws.ec2.create_route(RouteTableId=vpc["main_route_table_id"], DestinationCidrBlock="0.0.0.0/0",
                         GatewayId=vpc["internet_gateway_id"])
    unassociated = aws.ec2.create_subnet(VpcId=vpc["vpc_id"], CidrBlock="10.0.50.0/24",
                                         AvailabilityZone=vpc["zones"][0])["Subnet"]["SubnetId"]

    rc, result, output = discover(aws, vpc_id=vpc["vpc_id"])

    assert rc == 0, output
    assert unassociated not in result["private_subnet_ids"]
    assert vpc["main_route_table_id"] not in result["route_table_ids"]
    assert result["subnet_ids"] == vpc["private_subnet_ids"]


def test_one_subnet_per_availability_zone(aws):
    vpc = seed_private_vpc(aws.ec2, "apps", extra_private_subnet=True)
    first_zone = sorted([vpc["private_subnet_ids"][0], vpc["extra_private_subnet_id"]])

    rc, result, output = discover(aws, vpc_id=vpc["vpc_id"])

    assert rc == 0, output
    assert len(result["private_subnet_ids"]) == 4
    assert vpc["extra_private_subnet_id"] in result["private_subnet_ids"]
    zones = {s["SubnetId"]: s["AvailabilityZone"]
             for s in aws.ec2.describe_subnets(SubnetIds=result["subnet_ids"])["Subnets"]}
    assert sorted(zones.values()) == vpc["zones"]
    # The same pick every run: the lowest subnet id of the zone.
    assert first_zone[0] in result["subnet_ids"] and first_zone[1] not in result["subnet_ids"]


def test_vpc_found_by_name_tag(aws):
    seed_private_vpc(aws.ec2, "other", cidr="10.1.0.0/16")
    vpc = seed_private_vpc(aws.ec2, "apps")
    aws.server.clear_requests()

    rc, result, output = discover(aws, vpc_name="apps")

    assert rc == 0, output
    assert result["vpc_id"] == vpc["vpc_id"]
    assert result["subnet_ids"] == vpc["private_subnet_ids"]
    assert result["account_id"] == "123456789012"
    assert aws.server.requests() == {"ec2.DescribeVpcs": 1, "ec2.DescribeSubnets": 1, "ec2.DescribeRouteTables": 1}


def test_vpc_name_matching_no_vpc_fails_clearly(aws):
    seed_private_vpc(aws.ec2, "apps")

    rc, result, output = discover(aws, vpc_name="payments")

    assert rc != 0
    assert "vpc_name payments: no VPC with this Name tag" in result["msg"]
    assert "Traceback" not in output


def test_vpc_name_matching_several_vpcs_fails_naming_them(aws):
    first = seed_private_vpc(aws.ec2, "apps")
    second = seed_private_vpc(aws.ec2, "apps", cidr="10.1.0.0/16")

    rc, result, output = discover(aws, vpc_name="apps")

    assert rc != 0
    assert "vpc_name apps: 2 VPCs carry this Name tag" in result["msg"]
    assert first["vpc_id"] in result["msg"] and second["vpc_id"] in result["msg"]
    assert "set vpc_id instead" in result["msg"]


def test_unknown_vpc_id_fails_clearly(aws):
    rc, result, output = discover(aws, vpc_id="vpc-0123456789abcdef0")

    assert rc != 0
    # The account (moto's default, from sts:GetCallerIdentity on the failure path) and the region it looked in.
    assert result["msg"] == "vpc_id vpc-0123456789abcdef0: no such VPC in account 123456789012, region %s" % REGION
    assert result["error"]["code"] == "InvalidVpcID.NotFound"


def test_vpc_without_subnets_is_found_and_has_nothing_to_offer(aws):
    vpc_id = aws.ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]

    rc, result, output = discover(aws, vpc_id=vpc_id)

    assert rc == 0, output
    assert (result["vpc_id"], result["subnet_ids"], result["route_table_ids"]) == (vpc_id, [], [])


def test_vpc_id_and_vpc_name_together_are_refused(aws):
    rc, result, output = discover(aws, vpc_id="vpc-0123456789abcdef0", vpc_name="apps")

    assert rc != 0
    assert "mutually exclusive" in result["msg"] and "vpc_id" in result["msg"]
    assert aws.server.requests() == {}
