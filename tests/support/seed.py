"""Seed moto_server with private VPCs like the ones the collection targets (tests, Molecule, demo).

A seeded VPC has DNS support and hostnames on, an internet gateway, one public subnet per AZ on a
public route table (0.0.0.0/0 -> igw), and one private subnet per AZ. By default each private
subnet has its own route table; with ``main_serves_private`` the first one has no explicit
association and so follows the main route table (which then must not route to the gateway).

``python tests/support/seed.py --endpoint-url URL --region R --name NAME [--role-arn ARN] [--delete]``
prints the seeded ids as JSON (or deletes the VPC named NAME and everything in it).
"""

import argparse
import json
import os
import sys

import boto3

DEFAULT_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def client(service, endpoint_url, region, role_arn=None, external_id=None):
    """A boto3 client for moto_server, in the account of ``role_arn`` when given (assumed via STS)."""
    credentials = dict(DEFAULT_CREDENTIALS)
    if role_arn:
        sts = boto3.client("sts", endpoint_url=endpoint_url, region_name=region, **DEFAULT_CREDENTIALS)
        kwargs = {"RoleArn": role_arn, "RoleSessionName": "privatelink-ecr-seed"}
        if external_id:
            kwargs["ExternalId"] = external_id
        assumed = sts.assume_role(**kwargs)["Credentials"]
        credentials = {"aws_access_key_id": assumed["AccessKeyId"],
                       "aws_secret_access_key": assumed["SecretAccessKey"],
                       "aws_session_token": assumed["SessionToken"]}
    return boto3.client(service, endpoint_url=endpoint_url, region_name=region, **credentials)


def _tag(name):
    return [{"Key": "Name", "Value": name}]


def _zones(ec2, count):
    zones = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])
    return zones[:count]


def seed_private_vpc(ec2, name, cidr="10.0.0.0/16", zones=3, public=True, main_serves_private=False,
                     extra_private_subnet=False):
    """Create the VPC ``name``; return its ids (see the module docstring for the layout)."""
    vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": _tag(name)}])["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    main_rt = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                 {"Name": "association.main", "Values": ["true"]}])
    main_rt_id = main_rt["RouteTables"][0]["RouteTableId"]
    prefix = cidr.split(".")[0] + "." + cidr.split(".")[1]
    result = {"vpc_id": vpc_id, "name": name, "main_route_table_id": main_rt_id, "zones": _zones(ec2, zones),
              "private_subnet_ids": [], "private_route_table_ids": [], "public_subnet_ids": [],
              "public_route_table_id": None, "internet_gateway_id": None, "extra_private_subnet_id": None}

    def subnet(block, zone, label):
        return ec2.create_subnet(VpcId=vpc_id, CidrBlock="%s.%s.0/24" % (prefix, block), AvailabilityZone=zone,
                                 TagSpecifications=[{"ResourceType": "subnet", "Tags": _tag(label)}])["Subnet"]["SubnetId"]

    for index, zone in enumerate(result["zones"]):
        subnet_id = subnet(10 + index, zone, "%s-private-%s" % (name, zone))
        result["private_subnet_ids"].append(subnet_id)
        if main_serves_private and index == 0:
            result["private_route_table_ids"].append(main_rt_id)
            continue
        rt_id = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=[
            {"ResourceType": "route-table", "Tags": _tag("%s-private-%s" % (name, zone))}])["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=rt_id, SubnetId=subnet_id)
        result["private_route_table_ids"].append(rt_id)
    if extra_private_subnet:
        # A second private subnet in the first AZ, on that AZ's route table: one per AZ must still hold.
        extra = subnet(20, result["zones"][0], "%s-private-extra" % name)
        if result["private_route_table_ids"][0] != main_rt_id:
            ec2.associate_route_table(RouteTableId=result["private_route_table_ids"][0], SubnetId=extra)
        result["extra_private_subnet_id"] = extra
    if public:
        igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
        public_rt = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=[
            {"ResourceType": "route-table", "Tags": _tag("%s-public" % name)}])["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
        for index, zone in enumerate(result["zones"]):
            subnet_id = subnet(100 + index, zone, "%s-public-%s" % (name, zone))
            ec2.associate_route_table(RouteTableId=public_rt, SubnetId=subnet_id)
            result["public_subnet_ids"].append(subnet_id)
        result.update(internet_gateway_id=igw_id, public_route_table_id=public_rt)
    result["private_route_table_ids"] = sorted(set(result["private_route_table_ids"]))
    return result


def vpc_id_by_name(ec2, name):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    return vpcs[0]["VpcId"] if vpcs else None


def live_endpoints(ec2, vpc_id):
    """The VPC's endpoints, less the ones moto keeps visible after deletion."""
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    return [e for e in found if e["State"].lower() not in ("deleted", "deleting", "failed", "rejected")]


def delete_vpc(ec2, vpc_id):
    """Delete the VPC and what the seed and the collection put in it (endpoints, groups, subnets...)."""
    endpoints = live_endpoints(ec2, vpc_id)
    if endpoints:
        ec2.delete_vpc_endpoints(VpcEndpointIds=[e["VpcEndpointId"] for e in endpoints])
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    for group in ec2.describe_security_groups(Filters=by_vpc)["SecurityGroups"]:
        if group["GroupName"] != "default":
            ec2.delete_security_group(GroupId=group["GroupId"])
    for table in ec2.describe_route_tables(Filters=by_vpc)["RouteTables"]:
        if any(a.get("Main") for a in table.get("Associations", [])):
            continue
        for assoc in table.get("Associations", []):
            ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
        ec2.delete_route_table(RouteTableId=table["RouteTableId"])
    for subnet in ec2.describe_subnets(Filters=by_vpc)["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    for igw in igws["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc_id)
        ec2.delete_internet_gateway(InternetGatewayId=igw["InternetGatewayId"])
    ec2.delete_vpc(VpcId=vpc_id)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"), required=False)
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "eu-west-1"))
    parser.add_argument("--name", required=True)
    parser.add_argument("--cidr", default="10.0.0.0/16")
    parser.add_argument("--zones", type=int, default=3)
    parser.add_argument("--role-arn")
    parser.add_argument("--delete", action="store_true", help="delete the VPC named NAME (no error when absent)")
    args = parser.parse_args(argv)
    if not args.endpoint_url or not args.endpoint_url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--endpoint-url (or AWS_ENDPOINT_URL) must point at moto_server on 127.0.0.1")
    ec2 = client("ec2", args.endpoint_url, args.region, args.role_arn)
    if args.delete:
        vpc_id = vpc_id_by_name(ec2, args.name)
        if vpc_id:
            delete_vpc(ec2, vpc_id)
        print(json.dumps({"deleted": vpc_id}))
        return 0
    existing = vpc_id_by_name(ec2, args.name)
    if existing:
        print(json.dumps({"vpc_id": existing, "name": args.name, "existing": True}))
        return 0
    print(json.dumps(seed_private_vpc(ec2, args.name, cidr=args.cidr, zones=args.zones)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
