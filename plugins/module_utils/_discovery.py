# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which subnets of a VPC are private and which route tables serve them (private).

One rule, used by the role's discovery and by the audit's default workload subnets:
a subnet is private when its route table (the explicitly associated one, else the VPC's
main route table) has no route to an internet gateway. Pure functions over the raw
DescribeSubnets / DescribeRouteTables items.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _routes_to_internet_gateway(route_table):
    return any((r.get("GatewayId") or "").startswith("igw-") and r.get("State", "active") != "blackhole"
               for r in route_table.get("Routes") or [])


def route_table_of_subnets(subnets, route_tables):
    """Map each subnet id to the route table that serves it (explicit association, else main)."""
    explicit, main = {}, None
    for table in route_tables:
        for assoc in table.get("Associations") or []:
            if assoc.get("Main"):
                main = table
            elif assoc.get("SubnetId"):
                explicit[assoc["SubnetId"]] = table
    result = {}
    for subnet in subnets:
        table = explicit.get(subnet["SubnetId"], main)
        if table is not None:
            result[subnet["SubnetId"]] = table
    return result


def private_subnets(subnets, route_tables):
    """The subnets whose route table has no route to an internet gateway, sorted by AZ then id."""
    serving = route_table_of_subnets(subnets, route_tables)
    private = [s for s in subnets
               if s["SubnetId"] in serving and not _routes_to_internet_gateway(serving[s["SubnetId"]])]
    return sorted(private, key=lambda s: (s.get("AvailabilityZone", ""), s["SubnetId"]))


def one_per_zone(subnets):
    """The first subnet (by id) of each Availability Zone: stable across runs, whatever fills up."""
    chosen = {}
    for subnet in sorted(subnets, key=lambda s: s["SubnetId"]):
        chosen.setdefault(subnet.get("AvailabilityZone"), subnet)
    return [chosen[zone] for zone in sorted(chosen)]


def private_route_table_ids(subnets, route_tables):
    """Ids of the route tables serving private subnets (the main one included when it serves one)."""
    serving = route_table_of_subnets(subnets, route_tables)
    return sorted(set(serving[s["SubnetId"]]["RouteTableId"] for s in private_subnets(subnets, route_tables)))


def discover(subnets, route_tables):
    """Everything the role passes to the module: private subnets (one per AZ) and their route tables."""
    private = private_subnets(subnets, route_tables)
    return {
        "private_subnet_ids": [s["SubnetId"] for s in private],
        "subnet_ids": [s["SubnetId"] for s in one_per_zone(private)],
        "route_table_ids": private_route_table_ids(subnets, route_tables),
        "availability_zones": sorted(set(s.get("AvailabilityZone") for s in private)),
    }


def fit_to_zones(subnets, offered_zones):
    """The discovered ``subnets`` (raw items) a service can use, and the zones it skips.

    AWS offers some services in only some Availability Zones of a region (DescribeVpcEndpointServices
    ``AvailabilityZones``, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ServiceDetail.html)
    and refuses an endpoint subnet elsewhere. An empty ``offered_zones`` means AWS named none: every
    zone is kept. Returns (subnet ids, skipped zones), both sorted.
    """
    offered = set(offered_zones or [])
    kept = sorted(s["SubnetId"] for s in subnets if not offered or s.get("AvailabilityZone") in offered)
    skipped = sorted(set(s.get("AvailabilityZone") for s in subnets if offered and s.get("AvailabilityZone")
                         not in offered))
    return kept, skipped
