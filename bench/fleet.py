"""The benchmark's fleet: N targets (accounts via assume-role x regions), one private VPC each.

Seeds moto_server on 127.0.0.1 only, writes the inventory both playbooks read (one host per
target VPC, the host variables of docs/docsite/rst/guide_fleet.rst), and reads the endpoints back so that a run which
did not converge is never reported as fast.
"""

import concurrent.futures
import json
import os
import threading

import boto3

REGIONS = ("eu-west-1", "us-east-1", "ap-southeast-2")
ROLE_NAME = "privatelink-ecr-deploy"
EXTERNAL_ID = "bench-external-id"
BASE_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
# What a converged target holds: the `fargate` workload's endpoints.
WANTED = {"ecr.api": "Interface", "ecr.dkr": "Interface", "logs": "Interface", "s3": "Gateway"}
GONE_STATES = ("deleted", "deleting", "failed", "rejected")


def layout(count):
    """(accounts, regions) for ``count`` targets: 1 = 1x1, 6 = 3x2, 60 = 20x3."""
    regions = 1 if count == 1 else (2 if count <= 6 else 3)
    if count % regions:
        regions = 1
    return count // regions, regions


def targets(count):
    """One dict per target VPC, with the host vars the playbooks read."""
    accounts, regions = layout(count)
    found = []
    for account_index in range(accounts):
        account_id = "%012d" % (100000000001 + account_index)
        for region in REGIONS[:regions]:
            name = "bench-%s-%s" % (account_id[-3:], region)
            found.append({
                "host": name,
                "aws_account_id": account_id,
                "aws_region": region,
                "aws_role_arn": "arn:aws:iam::%s:role/%s" % (account_id, ROLE_NAME),
                "aws_external_id": EXTERNAL_ID,
                "vpc_name": name,
            })
    return found


_LOCAL = threading.local()


def thread_session():
    """This thread's boto3 session: sessions are not shared between threads, and one per thread loads
    botocore's models once per thread instead of once per client (what made seeding 300 VPCs slow)."""
    if getattr(_LOCAL, "session", None) is None:
        _LOCAL.session = boto3.session.Session()
    return _LOCAL.session


def ec2_for(target, endpoint_url):
    """An EC2 client in the target's account (assumed like the playbooks do) and region."""
    session = thread_session()
    sts = session.client("sts", endpoint_url=endpoint_url, region_name=target["aws_region"], **BASE_CREDENTIALS)
    creds = sts.assume_role(RoleArn=target["aws_role_arn"], RoleSessionName="bench-seed",
                            ExternalId=target["aws_external_id"])["Credentials"]
    return session.client("ec2", endpoint_url=endpoint_url, region_name=target["aws_region"],
                          aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                          aws_session_token=creds["SessionToken"])


def _tags(kind, name):
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def seed_target(target, endpoint_url):
    """A private VPC as in the demo: 3 AZs, a private subnet + route table per AZ, a public subnet on an igw."""
    ec2 = ec2_for(target, endpoint_url)
    name = target["vpc_name"]
    cidr = target.get("cidr", "10.0.0.0/16")
    prefix = cidr.split(".0.0/")[0]  # "10.N": the subnets' /24s inside the VPC's /16
    vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_tags("vpc", name))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    zones = sorted(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"])[:3]
    for index, zone in enumerate(zones):
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="%s.%d.0/24" % (prefix, 10 + index),
                                      AvailabilityZone=zone)["Subnet"]["SubnetId"]
        table_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table_id, SubnetId=subnet_id)
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    public_table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    public_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="%s.100.0/24" % prefix,
                                      AvailabilityZone=zones[0])["Subnet"]["SubnetId"]
    ec2.associate_route_table(RouteTableId=public_table, SubnetId=public_subnet)
    return dict(target, vpc_id=vpc_id)


def _parallel(func, items, endpoint_url):
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda item: func(item, endpoint_url), items))


def seed(fleet, endpoint_url):
    return _parallel(seed_target, fleet, endpoint_url)


def endpoints_of(target, endpoint_url):
    """{short service name: type} of the target VPC's live endpoints (a list when one service has several)."""
    ec2 = ec2_for(target, endpoint_url)
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [target["vpc_id"]]}])["VpcEndpoints"]
    live = [e for e in found if e["State"].lower() not in GONE_STATES]
    prefix = "com.amazonaws.%s." % target["aws_region"]
    return sorted((e["ServiceName"].replace(prefix, ""), e["VpcEndpointType"]) for e in live)


def unconverged(fleet, endpoint_url):
    """Targets whose endpoints are not exactly the wanted ones, with what they hold instead."""
    wanted = sorted(WANTED.items())
    held = _parallel(endpoints_of, fleet, endpoint_url)
    return {t["host"]: h for t, h in zip(fleet, held) if h != wanted}


def write_inventory(fleet, path, endpoint_url, by_id=False, host_vars=None):
    """YAML-compatible JSON inventory: one host per target VPC, under `all`.

    Hosts name their VPC by ``vpc_name`` (its Name tag), or by ``vpc_id`` with ``by_id``;
    ``host_vars`` are added to every host (a role variable a variant sets).
    """
    hosts = {}
    for target in fleet:
        host = {key: target[key] for key in ("aws_region", "aws_role_arn", "aws_external_id", "aws_account_id")}
        host["aws_endpoint_url"] = endpoint_url
        if by_id:
            host["vpc_id"] = target["vpc_id"]
        else:
            host["vpc_name"] = target["vpc_name"]
        host.update(host_vars or {})
        hosts[target["host"]] = host
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        json.dump({"all": {"hosts": hosts, "vars": {"ansible_connection": "local"}}}, handle, indent=1)
    return path
