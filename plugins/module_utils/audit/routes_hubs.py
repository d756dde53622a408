# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes and hubs (private): S3_ROUTE_MISSING, INTERNET_ROUTE, and for a VPC served by a hub's centralized
endpoints HUB_ZONE_BROKEN (the hub's private hosted zones) and HUB_UNREACHABLE (the routes to the hub's
endpoint subnets and back). Pure functions of one VPC's state (``_state`` documents its shape)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._findings import DEPLOY, finding
from ansible_collections.privatelink.ecr.plugins.module_utils._prefix_lists import route_covering
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import (
    WORLD,
    gateways,
    hub_endpoint_subnets,
    hub_interfaces,
    hub_services,
    hub_zone,
    interfaces,
    join,
    state_of,
    subnet_cidr,
    workload_subnets,
    workload_subnets_by_route_table,
    zone_names,
)


def check_s3_route_missing(state):
    if "s3" not in state["wanted"]:
        return []
    s3_gateways = gateways(state, "s3")
    if not s3_gateways:
        # An S3 interface endpoint alone does not serve image layers: ECR's guide (Amazon ECR interface VPC
        # endpoints, https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html) names the S3
        # gateway endpoint for them. No endpoint at all is ENDPOINT_MISSING.
        return [finding(
            "S3_ROUTE_MISSING", endpoint["vpc_endpoint_id"],
            "VPC %s reaches S3 only through the interface endpoint %s, and no route table of its workload "
            "subnets has the S3 gateway endpoint: ECR image layers are downloaded through the S3 gateway "
            "endpoint, so pulls fail" % (state["vpc"]["vpc_id"], endpoint["vpc_endpoint_id"]),
            "%s with s3_endpoint_type gateway (the default): it adds the S3 gateway endpoint on the private "
            "route tables (gateway endpoints are free; the interface endpoint may stay for other uses)" % DEPLOY)
            for endpoint in interfaces(state, "s3")]
    attached = set()
    for gateway in s3_gateways:
        attached.update(gateway.get("route_table_ids") or [])
    missing = {}
    for subnet in workload_subnets(state):
        table = state["subnet_route_table"].get(subnet["subnet_id"])
        if table and table not in attached:
            missing.setdefault(table, []).append(subnet["subnet_id"])
    gateway_ids = join(sorted(g["vpc_endpoint_id"] for g in s3_gateways))
    return [finding(
        "S3_ROUTE_MISSING", table,
        "route table %s (of workload subnet(s) %s) has no route to the S3 gateway endpoint %s: image layers "
        "from S3 cannot be pulled there" % (table, join(sorted(subnets)), gateway_ids),
        "%s: it attaches %s to %s in place" % (DEPLOY, table, gateway_ids))
        for table, subnets in sorted(missing.items())]


def check_internet_route(state):
    users = workload_subnets_by_route_table(state)
    findings = []
    for table_id in sorted(users):
        table = state["route_tables"].get(table_id) or {}
        exits = ["%s -> %s" % (r["destination"], r["target"]) for r in table.get("routes") or []
                 if r.get("destination") in WORLD and r.get("state", "active") != "blackhole"
                 and (r.get("target") or "").startswith(("igw-", "nat-", "eigw-"))]
        if exits:
            findings.append(finding(
                "INTERNET_ROUTE", table_id,
                "route table %s of workload subnet(s) %s routes %s: image pulls can bypass the endpoints"
                % (table_id, join(sorted(users[table_id])), join(exits))))
    return findings


# ---------------------------------------------------------------- centralized endpoints (hub and spokes)

def _dns_key(name, wildcard=False):
    return "%s|A" % ("*." + name if wildcard else name)


def _normal(name):
    return (name or "").rstrip(".").lower()


def check_hub_zone_broken(state):
    """A hub service resolves in the VPC only through an associated zone whose records reach an available hub endpoint."""
    hub = state.get("hub")
    if not hub:
        return []
    vpc_id = state["vpc"]["vpc_id"]
    associated = dict((z["zone_id"], z) for z in state.get("vpc_zones") or [])
    findings = []
    deploy_hub = "run privatelink.ecr.deploy for the hub %s (it converges its endpoints and zones)" % hub["vpc_id"]
    deploy_spoke = ("run privatelink.ecr.deploy for this VPC (ecr_endpoints_mode: spoke): it associates it with the "
                    "hub's zones, through the hub account's authorization across accounts")
    for service in hub_services(state):
        available = [e for e in hub_interfaces(state, service) if state_of(e) == "available"]
        targets = set(_normal(d.get("dns_name")) for e in available for d in e.get("dns_entries") or [])
        for name, wildcard in zone_names(state, service):
            zone = hub_zone(state, name)
            problem, resource, fix = None, hub["vpc_id"], deploy_hub
            if zone is None:
                problem = "the hub VPC %s has no private hosted zone %s" % (hub["vpc_id"], name)
            elif zone["zone_id"] not in associated:
                resource = zone["zone_id"]
                others = [z for z in associated.values() if _normal(z["name"]) == name]
                problem = ("VPC %s is not associated with the hub's zone %s (%s)%s" % (
                    vpc_id, zone["zone_id"], name, "; it is associated with zone %s of the same name instead"
                    % others[0]["zone_id"] if others else ""))
                fix = deploy_spoke if not others else "disassociate VPC %s from zone %s, then %s" % (
                    vpc_id, others[0]["zone_id"], deploy_spoke)
            else:
                resource = zone["zone_id"]
                wrong = []
                for key in [_dns_key(name)] + ([_dns_key(name, True)] if wildcard else []):
                    record = (zone.get("records") or {}).get(key)
                    target = _normal((record or {}).get("dns_name"))
                    if not record:
                        wrong.append("%s has no alias record" % key.split("|")[0])
                    elif target not in targets:
                        wrong.append("%s points at %s, which is not an available %s endpoint of the hub"
                                     % (key.split("|")[0], target or "no alias", service))
                if wrong:
                    problem = "the hub's zone %s (%s): %s" % (zone["zone_id"], name, "; ".join(wrong))
                    if not available:
                        problem += " (the hub VPC %s has no available %s endpoint)" % (hub["vpc_id"], service)
            if problem:
                findings.append(finding(
                    "HUB_ZONE_BROKEN", resource,
                    "%s: %s does not resolve to the hub's endpoint in VPC %s, so %s calls from it fail"
                    % (problem, name, vpc_id, service), fix))
                break  # one finding per service
    return findings


def _reaches_vpc(state, route, vpc_id):
    """True when ``route`` leads to ``vpc_id`` across the hub's network: an active route to a transit gateway
    the hub is attached to, or to an active peering connection with ``vpc_id``. Walked both ways: from a
    spoke's table to the hub, and from the hub's tables back to the spoke."""
    if route is None or route.get("state", "active") == "blackhole":
        return False
    hub, target = state["hub"], route.get("target") or ""
    if target.startswith("tgw-"):
        return target in (hub.get("transit_gateways") or [])
    if target.startswith("pcx-"):
        peering = (state.get("peerings") or {}).get(target) or {}
        return peering.get("status") == "active" and vpc_id in (peering.get("vpc_ids") or [])
    return False


def _unrouted(state, table, cidrs, prefix_lists, vpc_id):
    """``["CIDR (what the table does with it)"]`` for each of ``cidrs`` the table does not route to ``vpc_id``.

    The most specific route whose destination holds all of a CIDR decides (a route to a managed prefix list
    counts with the list's entries)."""
    missing = []
    for cidr in cidrs:
        route = route_covering(table, cidr, prefix_lists or {})
        if not _reaches_vpc(state, route, vpc_id):
            missing.append("%s (%s)" % (cidr, "no route" if route is None else "%s -> %s%s" % (
                route.get("destination"), route.get("target") or "?",
                ", blackhole" if route.get("state") == "blackhole" else "")))
    return missing


def check_hub_unreachable(state):
    """Each workload subnet's route table must send the hub endpoints' subnets to the hub (TGW or peering),
    and the hub's endpoint subnets' route tables must route back to the workloads."""
    hub = state.get("hub")
    if not hub or hub.get("is_self"):
        return []  # the hub reaches its own endpoints through its local route
    cidrs = sorted(set(subnet_cidr(hub["subnets"][s]) for s in hub_endpoint_subnets(state)
                       if s in hub["subnets"]) - {None})
    users = workload_subnets_by_route_table(state)
    findings = []
    for table_id in sorted(users):
        table = state["route_tables"].get(table_id) or {}
        missing = _unrouted(state, table, cidrs, state.get("prefix_lists"), hub["vpc_id"])
        if missing:
            findings.append(finding(
                "HUB_UNREACHABLE", table_id,
                "route table %s of workload subnet(s) %s has no route to the hub VPC %s for its endpoint subnet(s) "
                "%s: calls to the services the hub serves time out"
                % (table_id, join(sorted(users[table_id])), hub["vpc_id"], join(missing)),
                cidrs=join(cidrs), table_id=table_id, hub_vpc_id=hub["vpc_id"]))
    # And the way back: the hub's endpoint subnets must route to the workload subnets.
    return findings + _hub_return_routes(state)


def _hub_return_routes(state):
    """HUB_UNREACHABLE from the hub's side: its endpoint subnets' route tables must route back to the workloads."""
    hub = state["hub"]
    if hub.get("route_tables") is None:
        return []
    by_table = {}
    for subnet_id in hub_endpoint_subnets(state):
        table_id = (hub.get("subnet_route_table") or {}).get(subnet_id)
        if table_id:
            by_table.setdefault(table_id, []).append(subnet_id)
    workload_cidrs = sorted(set(subnet_cidr(s) for s in workload_subnets(state)) - {None})
    findings = []
    for table_id in sorted(by_table):
        table = hub["route_tables"].get(table_id) or {}
        missing = _unrouted(state, table, workload_cidrs, hub.get("prefix_lists"), state["vpc"]["vpc_id"])
        if missing:
            findings.append(finding(
                "HUB_UNREACHABLE", table_id,
                "route table %s of the hub VPC %s (of its endpoint subnet(s) %s) has no route back to VPC %s for "
                "workload subnet CIDR(s) %s: the endpoints' answers never reach the workloads, so calls to the "
                "services the hub serves time out"
                % (table_id, hub["vpc_id"], ", ".join(sorted(by_table[table_id])), state["vpc"]["vpc_id"],
                   ", ".join(missing)),
                "in the hub's account, add a route to %s in %s through the transit gateway both VPCs are attached "
                "to or the active peering connection with %s (a route to a managed prefix list holding them counts; "
                "privatelink.ecr does not build that network)"
                % (", ".join(workload_cidrs), table_id, state["vpc"]["vpc_id"])))
    return findings
