"""Plain helpers for integration tests against moto_server: seed a private VPC, read state back.

The fixtures in tests/integration/conftest.py are built from these; a sub-folder's own
conftest or test can import them too: ``from tests.integration.moto_vpc import ...``.
"""

import time
from types import SimpleNamespace

import boto3

REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")
VPC_CIDR = "10.20.0.0/16"
OWNER_TAG = {"ManagedBy": "privatelink.ecr"}
# States of endpoints on their way out (raw moto keeps "deleted" ones listed until a reset).
GONE_STATES = ("deleted", "deleting")
# The endpoints of the default (fargate) workload, and their types.
FARGATE_TYPES = {"ecr.api": "Interface", "ecr.dkr": "Interface", "logs": "Interface", "s3": "Gateway"}


def ec2_client(url, region=REGION):
    """A boto3 EC2 client for moto_server (dummy credentials; never talks to AWS)."""
    return boto3.client("ec2", region_name=region, endpoint_url=url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _named(resource_type, name):
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def seed_private_vpc(ec2, cidr=VPC_CIDR, zones=ZONES, name="workload", dns_hostnames=True):
    """Create the VPC of a private container workload and return its ids.

    - the VPC, ``enableDnsSupport`` on and ``enableDnsHostnames`` on (private DNS needs
      both; ``dns_hostnames=False`` leaves the second off, as a default VPC-less account has it);
    - an internet gateway and one public subnet (first zone) whose route table routes
      0.0.0.0/0 to it: what the module must never be pointed at;
    - one private subnet per zone, each associated with its own route table (no internet route).

    Returns a SimpleNamespace: vpc_id, cidr, zones, igw_id, public_subnet_id,
    public_route_table_id, private_subnet_ids and private_route_table_ids (both in zone
    order), main_route_table_id.
    """
    vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_named("vpc", name))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": dns_hostnames})
    prefix = ".".join(cidr.split(".")[:2])

    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    public_subnet_id = ec2.create_subnet(
        VpcId=vpc_id, CidrBlock="%s.200.0/24" % prefix, AvailabilityZone=zones[0],
        TagSpecifications=_named("subnet", name + "-public"))["Subnet"]["SubnetId"]
    public_rtb_id = ec2.create_route_table(
        VpcId=vpc_id, TagSpecifications=_named("route-table", name + "-public"))["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rtb_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    ec2.associate_route_table(RouteTableId=public_rtb_id, SubnetId=public_subnet_id)

    subnet_ids, route_table_ids = [], []
    for index, zone in enumerate(zones):
        label = "%s-private-%s" % (name, zone)
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="%s.%d.0/24" % (prefix, index),
                                      AvailabilityZone=zone,
                                      TagSpecifications=_named("subnet", label))["Subnet"]["SubnetId"]
        rtb_id = ec2.create_route_table(
            VpcId=vpc_id, TagSpecifications=_named("route-table", label))["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=rtb_id, SubnetId=subnet_id)
        subnet_ids.append(subnet_id)
        route_table_ids.append(rtb_id)

    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                              {"Name": "association.main", "Values": ["true"]}])
    return SimpleNamespace(
        vpc_id=vpc_id, cidr=cidr, zones=list(zones), igw_id=igw_id,
        public_subnet_id=public_subnet_id, public_route_table_id=public_rtb_id,
        private_subnet_ids=subnet_ids, private_route_table_ids=route_table_ids,
        main_route_table_id=main["RouteTables"][0]["RouteTableId"],
    )


def endpoint_args(vpc, **overrides):
    """Module arguments converging ``vpc`` for the default (fargate) workload, plus overrides."""
    args = {"vpc_id": vpc.vpc_id, "subnet_ids": list(vpc.private_subnet_ids),
            "route_table_ids": list(vpc.private_route_table_ids)}
    args.update(overrides)
    return args


def read_endpoints(ec2, vpc_id, include_gone=False):
    """The VPC's endpoints as AWS (moto) reports them (raw dicts), deleted ones left out."""
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    if include_gone:
        return found
    return [e for e in found if (e.get("State") or "").lower() not in GONE_STATES]


def by_service(endpoints, region=REGION):
    """{short service name: [raw endpoint, ...]} -- a list, so that duplicates show."""
    prefix = "com.amazonaws.%s." % region
    result = {}
    for endpoint in endpoints:
        name = endpoint["ServiceName"]
        result.setdefault(name[len(prefix):] if name.startswith(prefix) else name, []).append(endpoint)
    return result


def tags_of(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags") or []}


def https_sources(ec2, group_id):
    """(IPv4 and IPv6 CIDRs admitted on TCP 443, every other ingress rule) of a security group."""
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    cidrs, others = set(), []
    for perm in group["IpPermissions"]:
        if perm.get("IpProtocol") == "tcp" and perm.get("FromPort") == 443 and perm.get("ToPort") == 443:
            cidrs.update(r["CidrIp"] for r in perm.get("IpRanges", []))
            cidrs.update(r["CidrIpv6"] for r in perm.get("Ipv6Ranges", []))
            if perm.get("UserIdGroupPairs") or perm.get("PrefixListIds"):
                others.append(perm)
        else:
            others.append(perm)
    return cidrs, others


def wait_gone(ec2, vpc_id, endpoint_ids, timeout=10.0):
    """Wait (bounded) until the AWS-semantics layer has dropped deleted endpoints from the listing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = set(e["VpcEndpointId"] for e in read_endpoints(ec2, vpc_id, include_gone=True))
        if not listed & set(endpoint_ids):
            return
        time.sleep(0.05)
    raise AssertionError("%s still listed after %ss" % (", ".join(endpoint_ids), timeout))
