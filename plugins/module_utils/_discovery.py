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


ENDPOINT_SUBNET_TAG = "privatelink.ecr/endpoints"


def _preference(subnet):
    """Lowest first: a subnet tagged for endpoints, then the most free addresses, then the lowest id.

    Free addresses because every interface endpoint takes one address per subnet; the tag lets a team
    point endpoints at the subnets they keep for them (not a transit-gateway or database subnet).
    """
    tags = dict((t.get("Key"), t.get("Value")) for t in subnet.get("Tags") or [])
    tagged = str(tags.get(ENDPOINT_SUBNET_TAG, "")).lower() == "true"
    return (not tagged, -int(subnet.get("AvailableIpAddressCount") or 0), subnet["SubnetId"])


def one_per_zone(subnets):
    """The preferred subnet of each Availability Zone (``_preference``), in zone order."""
    chosen = {}
    for subnet in sorted(subnets, key=_preference):
        chosen.setdefault(subnet.get("AvailabilityZone"), subnet)
    return [chosen[zone] for zone in sorted(chosen)]


def keep_in_place(chosen_ids, current_ids, private_ids, zone_of):
    """``chosen_ids`` with, in each of their zones, the subnet an endpoint already uses there instead,
    while that subnet is still private: discovery never moves an endpoint between private subnets of one
    zone (a subnet that stopped being private is replaced)."""
    by_zone = dict((zone_of.get(s), s) for s in chosen_ids)
    for subnet_id in sorted(current_ids or []):
        zone = zone_of.get(subnet_id)
        if subnet_id in private_ids and zone in by_zone:
            by_zone[zone] = subnet_id
    return sorted(by_zone.values())


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
