"""A realistic private VPC for the posture-audit tests, seeded with boto3 into moto_server.

Three private subnets (one per AZ: two with their own route table, one on the main route
table) and one public subnet whose route table sends 0.0.0.0/0 to an internet gateway.
"""

import boto3

REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")


def ec2_client(url, region=REGION, credentials=None):
    credentials = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client("ec2", region_name=region, endpoint_url=url, **credentials)


def assumed_credentials(url, role_arn, external_id=None):
    """Credentials of an assumed role (moto keeps each account's resources apart)."""
    sts = boto3.client("sts", region_name=REGION, endpoint_url=url,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    kwargs = {"RoleArn": role_arn, "RoleSessionName": "seed"}
    if external_id:
        kwargs["ExternalId"] = external_id
    creds = sts.assume_role(**kwargs)["Credentials"]
    return {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}


def seed_private_vpc(ec2, cidr_prefix="10.20", name=None, dns=True):
    """Create the VPC; return ids: vpc_id, private_subnet_ids, private_route_table_ids, main_route_table_id, ..."""
    vpc_id = ec2.create_vpc(CidrBlock="%s.0.0/16" % cidr_prefix)["Vpc"]["VpcId"]
    if name:
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": name}])
    if dns:
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
        ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    main_rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                  {"Name": "association.main", "Values": ["true"]}])
    main_rtb_id = main_rtb["RouteTables"][0]["RouteTableId"]
    subnets, tables = [], []
    for index, zone in enumerate(ZONES):
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="%s.%d.0/24" % (cidr_prefix, index + 1),
                                   AvailabilityZone=zone)["Subnet"]["SubnetId"]
        subnets.append(subnet)
        if index < 2:  # the third private subnet follows the main route table
            table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
            ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
            tables.append(table)
    tables.append(main_rtb_id)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    public_rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    public_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="%s.100.0/24" % cidr_prefix,
                                      AvailabilityZone=ZONES[0])["Subnet"]["SubnetId"]
    ec2.associate_route_table(RouteTableId=public_rtb, SubnetId=public_subnet)
    return {
        "vpc_id": vpc_id,
        "cidr": "%s.0.0/16" % cidr_prefix,
        "private_subnet_ids": subnets,
        "private_subnet_cidrs": ["%s.%d.0/24" % (cidr_prefix, i + 1) for i in range(len(ZONES))],
        "private_route_table_ids": tables,
        "main_route_table_id": main_rtb_id,
        "public_subnet_id": public_subnet,
        "public_route_table_id": public_rtb,
        "internet_gateway_id": igw,
    }


def deploy_args(seeded, **extra):
    """Arguments for privatelink.ecr.ecr_private_endpoints that make ``seeded`` fully correct."""
    args = {"vpc_id": seeded["vpc_id"], "subnet_ids": seeded["private_subnet_ids"],
            "route_table_ids": seeded["private_route_table_ids"]}
    args.update(extra)
    return args
