"""Seed moto_server with private VPCs like the ones the collection targets (tests, Molecule, demo).

A seeded VPC has DNS support and hostnames on, an internet gateway, one public subnet per AZ on a
public route table (0.0.0.0/0 -> igw), and one private subnet per AZ. By default each private
subnet has its own route table; with ``main_serves_private`` the first one has no explicit
association and so follows the main route table (which then must not route to the gateway).

``seed_organization`` builds an AWS Organization (OUs, tagged accounts, a role and VPCs in each) and
``create_controller`` / ``enforce_iam`` make one account's role impossible to assume (the demo);
``enforce_iam(url, False)`` turns moto's IAM enforcement off again, so ``client``'s default keys work.

``python tests/support/seed.py --endpoint-url URL --region R --name NAME [--role-arn ARN] [--delete]``
prints the seeded ids as JSON (or deletes the VPC named NAME and everything in it).
"""

import argparse
import json
import os
import sys
import urllib.request

import boto3

DEFAULT_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def client(service, endpoint_url, region, role_arn=None, external_id=None, credentials=None):
    """A boto3 client for moto_server, in the account of ``role_arn`` when given (assumed via STS).

    ``credentials`` (``aws_access_key_id`` / ``aws_secret_access_key``) are the caller's; default moto's
    ``testing`` keys, which work only while IAM enforcement is off (see ``enforce_iam``): a caller that
    relies on them on a server someone else may have enforced turns enforcement off first.
    """
    base = dict(credentials or DEFAULT_CREDENTIALS)
    credentials = base
    if role_arn:
        sts = boto3.client("sts", endpoint_url=endpoint_url, region_name=region, **base)
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


# ---------------------------------------------------------------- an AWS Organization

AUTOMATION_ROLE = "privatelink-ecr-automation"
# What the member role may do in the demo: the collection's EC2 calls and the audit's organization read.
# (docs/iam-policy.json is the least-privilege policy for real accounts; moto cannot evaluate its conditions.)
MEMBER_ROLE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["ec2:*", "organizations:DescribeOrganization", "sts:GetCallerIdentity",
                                   # the audit's workloads and images reads (docs/iam-policy.json, AuditReadOnly)
                                   "ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices",
                                   "ecs:DescribeTaskDefinition", "eks:ListClusters", "eks:DescribeCluster",
                                   "ecr:DescribePullThroughCacheRules", "ecr:DescribeRepositories"],
     "Resource": "*"}]}


def _tags(tags):
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def seed_organization(endpoint_url, ous, accounts, role_name=AUTOMATION_ROLE, external_id=None):
    """Create an AWS Organization in moto_server, its OUs and member accounts, a role and VPCs in each account.

    ``ous``: ``[(name, parent name or None for the root), ...]`` in creation order. ``accounts``:
    ``[{"name", "ou", "tags": {}, "vpcs": {region: [{"name", "cidr", "zones", "tags": {}}]}}, ...]``; each
    account gets the role ``role_name`` (trusting the management account, with ``sts:ExternalId`` when
    ``external_id`` is given) allowed MEMBER_ROLE_POLICY, and its VPCs are seeded by seed_private_vpc through
    that role, as the collection later reads them. moto gives every account and region a default VPC too.

    Call it before ``enforce_iam``. Returns ``{"org_id", "root_id", "management_account_id", "ous": {name:
    id}, "accounts": {name: {"id", "ou", "tags", "vpcs": [seeded VPC dicts with "region" and "tags"]}}}``.
    """
    org = boto3.client("organizations", endpoint_url=endpoint_url, region_name="us-east-1", **DEFAULT_CREDENTIALS)
    described = org.create_organization(FeatureSet="ALL")["Organization"]
    root_id = org.list_roots()["Roots"][0]["Id"]
    ou_ids = {}
    for name, parent in ous:
        parent_id = ou_ids[parent] if parent else root_id
        ou_ids[name] = org.create_organizational_unit(ParentId=parent_id, Name=name)["OrganizationalUnit"]["Id"]
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"AWS": "arn:aws:iam::%s:root" % described["MasterAccountId"]}}
    if external_id:
        trust["Condition"] = {"StringEquals": {"sts:ExternalId": external_id}}
    result = {"org_id": described["Id"], "root_id": root_id, "management_account_id": described["MasterAccountId"],
              "ous": ou_ids, "accounts": {}}
    for spec in accounts:
        account_id = org.create_account(AccountName=spec["name"], Email="%s@example.com" % spec["name"])[
            "CreateAccountStatus"]["AccountId"]
        if spec.get("ou"):
            org.move_account(AccountId=account_id, SourceParentId=root_id, DestinationParentId=ou_ids[spec["ou"]])
        if spec.get("tags"):
            org.tag_resource(ResourceId=account_id, Tags=_tags(spec["tags"]))
        role_arn = "arn:aws:iam::%s:role/%s" % (account_id, role_name)
        iam = client("iam", endpoint_url, "us-east-1", role_arn=role_arn)
        iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [trust]}))
        iam.put_role_policy(RoleName=role_name, PolicyName="privatelink-ecr", PolicyDocument=json.dumps(
            MEMBER_ROLE_POLICY))
        entry = {"id": account_id, "name": spec["name"], "ou": spec.get("ou"), "tags": dict(spec.get("tags") or {}),
                 "role_arn": role_arn, "vpcs": []}
        for region, vpcs in sorted((spec.get("vpcs") or {}).items()):
            ec2 = client("ec2", endpoint_url, region, role_arn=role_arn)
            for vpc in vpcs:
                seeded = seed_private_vpc(ec2, vpc["name"], cidr=vpc["cidr"], zones=vpc.get("zones", 2))
                if vpc.get("tags"):
                    ec2.create_tags(Resources=[seeded["vpc_id"]], Tags=_tags(vpc["tags"]))
                entry["vpcs"].append(dict(seeded, region=region, tags=dict(vpc.get("tags") or {}, Name=vpc["name"])))
        result["accounts"][spec["name"]] = entry
    return result


def create_controller(endpoint_url, name="privatelink-ecr-controller", deny_assume_accounts=()):
    """An IAM user of the management account allowed everything, except assuming any role of
    ``deny_assume_accounts`` (what AWS answers for a role that is missing or does not trust the caller:
    AccessDenied). Returns its keys as ``{"aws_access_key_id", "aws_secret_access_key"}``."""
    iam = boto3.client("iam", endpoint_url=endpoint_url, region_name="us-east-1", **DEFAULT_CREDENTIALS)
    iam.create_user(UserName=name)
    statements = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    if deny_assume_accounts:
        statements.append({"Effect": "Deny", "Action": "sts:AssumeRole",
                           "Resource": ["arn:aws:iam::%s:role/*" % a for a in deny_assume_accounts]})
    iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def enforce_iam(endpoint_url, enforced=True):
    """Turn moto_server's IAM enforcement on (``enforced``) or off, until the next call.

    On: from the next request on, only known keys work (moto's default ``testing`` keys no longer do),
    and each request is allowed by the caller's policies (the user's, or the assumed role's). Off: moto's
    state at startup, any keys work. The setting belongs to the whole server, not to a test or a demo
    act, and ``/moto-api/reset`` does not touch it: whoever turns it on turns it off again, or the next
    user of the server starts with it off explicitly (demo/run_demo.py does, before each act).
    moto reads the body as a number: requests allowed before enforcement starts (``inf``: never).
    """
    request = urllib.request.Request(endpoint_url + "/moto-api/reset-auth", data=b"0" if enforced else b"inf",
                                     method="POST",
                                     headers={"Content-Type": "text/plain"})  # a form type would hide the body
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


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
