"""Print the AWS state of the Molecule scenario's VPC as JSON, read with boto3 (verify and destroy).

``aws_state.py ENDPOINT_URL REGION ROLE_ARN VPC_NAME`` -- the VPC found by its Name tag in the account
of ROLE_ARN (assumed first). Subnets and route tables are told private or public by the Name tags the
seed gave them (tests/support/seed.py), not by the collection's own discovery rule.
"""

import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
sys.path.insert(0, ROOT)

from tests.support.seed import client, live_endpoints  # noqa: E402

MANAGED_GROUP = "ecr-private-endpoints"


def _name(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags") or []}.get("Name", "")


def state(ec2, region, name):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    if not vpcs:
        return {"vpc_id": None, "endpoints": [], "managed_group": None}
    vpc = vpcs[0]
    by_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnets = ec2.describe_subnets(Filters=by_vpc)["Subnets"]
    tables = ec2.describe_route_tables(Filters=by_vpc)["RouteTables"]
    private = sorted(s["SubnetId"] for s in subnets if "-private-" in _name(s))
    table_of = {a["SubnetId"]: t["RouteTableId"] for t in tables for a in t.get("Associations") or [] if a.get("SubnetId")}
    main = [t["RouteTableId"] for t in tables if any(a.get("Main") for a in t.get("Associations") or [])][0]
    prefix = "com.amazonaws.%s." % region
    endpoints = [{
        "id": e["VpcEndpointId"],
        "service": e["ServiceName"][len(prefix):] if e["ServiceName"].startswith(prefix) else e["ServiceName"],
        "type": e["VpcEndpointType"],
        "state": e["State"].lower(),
        "subnet_ids": sorted(e.get("SubnetIds") or []),
        "route_table_ids": sorted(e.get("RouteTableIds") or []),
        "security_group_ids": sorted(g["GroupId"] for g in e.get("Groups") or []),
        "private_dns_enabled": bool(e.get("PrivateDnsEnabled")),
        "tags": {t["Key"]: t["Value"] for t in e.get("Tags") or []},
        "owner_id": e.get("OwnerId"),
    } for e in live_endpoints(ec2, vpc["VpcId"])]
    groups = ec2.describe_security_groups(Filters=by_vpc + [{"Name": "group-name", "Values": [MANAGED_GROUP]}])
    managed = None
    for group in groups["SecurityGroups"]:
        sources = sorted(r["CidrIp"] for p in group["IpPermissions"]
                         if p.get("IpProtocol") == "tcp" and p.get("FromPort") == 443 and p.get("ToPort") == 443
                         for r in p.get("IpRanges") or [])
        managed = {"id": group["GroupId"], "https_sources": sources}
    return {
        "vpc_id": vpc["VpcId"],
        "vpc_cidr": vpc["CidrBlock"],
        "private_subnet_ids": private,
        "private_route_table_ids": sorted(set(table_of.get(s, main) for s in private)),
        "public_route_table_id": next((t["RouteTableId"] for t in tables if _name(t).endswith("-public")), None),
        "endpoints": endpoints,
        "owner_ids": sorted(set(e["owner_id"] for e in endpoints)),
        "managed_group": managed,
    }


def main(endpoint_url, region, role_arn, name):
    if not endpoint_url.startswith(("http://127.0.0.1", "http://localhost")):
        sys.exit("refusing %s: this reads moto_server on 127.0.0.1 only" % endpoint_url)
    print(json.dumps(state(client("ec2", endpoint_url, region, role_arn), region, name), sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:5])
