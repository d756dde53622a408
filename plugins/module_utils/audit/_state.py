# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Selections over one VPC's state, the one snapshot every family of checks reads (private).

Nothing here calls AWS. ``_audit_reader.vpc_state`` builds the state; its shape is::

    {
      "vpc": {"vpc_id", "cidrs", "enable_dns_support", "enable_dns_hostnames", ...},
      "region": "eu-west-1",
      "wanted": ["ecr.api", "ecr.dkr", "s3", "logs"],            # short service names
      "services": {short: {"service_name", "types", "zones", "offered"}},
      "endpoints": [endpoint dicts of _endpoint_model, plus "service" (short name)],
      "subnets": {subnet_id: {"subnet_id", "availability_zone", "cidr", "ipv6_cidrs"}},
      "route_tables": {rtb_id: {"route_table_id", "main", "routes": [{"destination", "target"}]}},
      "subnet_route_table": {subnet_id: rtb_id},                # explicit association, else main
      "security_groups": {sg_id: {"group_id", "group_name", "ingress": [rule, ...]}},
      "workload_subnet_ids": [...],                              # where tasks run
      "workload_enis": {subnet_id: [{"eni_id", "group_ids"}]},   # optional: read only when needed
      "account_id": "111122223333", "org_id": "o-..." or None,   # optional: the policy check needs them
      "org_note": None or why org_id is None ("denied": the read was refused),
      "network_acls": {acl_id: _nacl_eval.normalise_acl(...)},   # optional: the NACL check needs them
      "subnet_network_acl": {subnet_id: acl_id},
      "s3_prefix_cidrs": [cidr, ...] or None,                    # the com.amazonaws.REGION.s3 prefix list
      "client_port_range": [32768, 65535],
      # optional, a VPC served by a hub (centralized endpoints; _audit_reader.read_hub / add_hub):
      "hub": {"vpc_id", "account_id", "is_self", "endpoints", "subnets", "security_groups",
              "service_dns": {short: {"service_name", "dns_names"}},
              "zones": [{"zone_id", "name", "owned", "records": {"NAME|A": {"dns_name", ...}}}],
              "transit_gateways": [tgw_id, ...]},
      "vpc_zones": [{"zone_id", "name", "account_id"}],          # zones associated with this VPC
      "peerings": {pcx_id: {"status", "vpc_ids"}},
      # the workloads (read for the egress and image checks, and a hub's side of the way back):
      "workload_enis": {subnet_id: [{"eni_id", "interface_type", "group_ids"}]},
      "workloads": [{"name", "subnet_ids", "security_group_ids", ...}],   # optional: the workloads read
      "workload_security_group_ids": [sg_id, ...],                       # optional: given by the user
      "security_groups": {sg_id: {..., "ingress": [rule], "egress": [rule]}},
      "prefix_lists": {pl_id: {"prefix_list_id", "name", "owner_id", "cidrs"}},
      "s3_prefix_list_id": "pl-..." or None,
      "hub": {..., "route_tables", "subnet_route_table", "network_acls", "subnet_network_acl", "prefix_lists"},
    }

A security-group rule is ``{"protocol", "from_port", "to_port", "cidrs", "ipv6_cidrs",
"group_ids", "prefix_list_ids"}`` (protocol ``-1`` means every protocol and port).
Each check (one module per family in this package) returns a list of findings ``{id, severity, resource,
message, remediation}``; the texts' fixed parts and the severities come from ``_findings.CATALOGUE``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    BROKEN_STATES,
    GATEWAY,
    GONE_STATES,
    INTERFACE,
    serving_order,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._findings import DEPLOY
from ansible_collections.privatelink.ecr.plugins.module_utils._zones_plan import NOT_CENTRALIZED

WORLD = ("0.0.0.0/0", "::/0")
HTTPS_PORT = 443


# ---------------------------------------------------------------- selections over the state

def state_of(endpoint):
    return (endpoint.get("state") or "").lower()


def existing(state, service):
    """Endpoints of ``service`` that exist (anything but deleted/deleting), the one that serves first
    (``serving_order``, the rule deploy keeps by)."""
    return sorted((e for e in state["endpoints"]
                   if e.get("service") == service and state_of(e) not in GONE_STATES),
                  key=serving_order)


def usable(state, service):
    """Existing endpoints that serve or will serve traffic (not failed, rejected or expired)."""
    return [e for e in existing(state, service) if state_of(e) not in BROKEN_STATES]


def gateways(state, service):
    return [e for e in usable(state, service) if e["vpc_endpoint_type"] == GATEWAY]


def interfaces(state, service):
    """The interface endpoints that serve ``service`` to the VPC: a spoke's come from its hub."""
    if service in hub_services(state) and not state["hub"].get("is_self"):
        return hub_interfaces(state, service)
    return [e for e in usable(state, service) if e["vpc_endpoint_type"] == INTERFACE]


def interface_services(state):
    """Wanted services reached through an interface endpoint (S3 only when it has no gateway)."""
    return [s for s in state["wanted"] if interfaces(state, s) and not gateways(state, s)]


def serving_interfaces(state, service):
    """The interface endpoints the workloads' DNS lookups reach: those with private DNS on,
    else (nothing resolves privately) every interface endpoint of the service."""
    endpoints = sorted(interfaces(state, service), key=serving_order)
    with_dns = [e for e in endpoints if e.get("private_dns_enabled")]
    return with_dns or endpoints


def policy_endpoints(state, service):
    """The endpoints of ``service`` whose policy a pull goes through (the S3 gateway for S3)."""
    if service == "s3":
        return gateways(state, "s3")
    return serving_interfaces(state, service)


def workload_subnets(state):
    return [state["subnets"][s] for s in state["workload_subnet_ids"] if s in state["subnets"]]


def workload_subnets_by_route_table(state):
    """{route table id: [workload subnet ids it serves]}, the tables a workload's traffic leaves by."""
    users = {}
    for subnet in workload_subnets(state):
        table = state["subnet_route_table"].get(subnet["subnet_id"])
        if table:
            users.setdefault(table, []).append(subnet["subnet_id"])
    return users


def subnet_anywhere(state, subnet_id):
    """A subnet of the VPC, else of its hub (where a spoke's endpoints have their interfaces)."""
    return state["subnets"].get(subnet_id) or ((state.get("hub") or {}).get("subnets") or {}).get(subnet_id)


def zone_of(state, subnet_id):
    return (subnet_anywhere(state, subnet_id) or {}).get("availability_zone")


def subnet_cidr(subnet):
    return subnet.get("cidr") or (subnet.get("ipv6_cidrs") or [None])[0]


def join(items):
    return ", ".join(items)


# ---------------------------------------------------------------- centralized endpoints (hub and spokes)

def hub_interfaces(state, service):
    hub = state.get("hub") or {}
    return sorted((e for e in hub.get("endpoints") or [] if e.get("service") == service
                   and e["vpc_endpoint_type"] == INTERFACE
                   and state_of(e) not in GONE_STATES and state_of(e) not in BROKEN_STATES),
                  key=serving_order)


def zone_names(state, service):
    """``[(zone name, wildcard)]`` of a service, from its private DNS names as AWS reports them."""
    names = ((state.get("hub") or {}).get("service_dns", {}).get(service) or {}).get("dns_names") or []
    return [(n[2:], True) if n.startswith("*.") else (n, False) for n in names]


def hub_zone(state, name):
    zones = [z for z in (state.get("hub") or {}).get("zones") or [] if z["name"] == name]
    zones.sort(key=lambda z: (not z.get("owned"), z["zone_id"]))
    return zones[0] if zones else None


def hub_services(state):
    """Wanted services the VPC's hub serves: it has a zone of the service's name, or an endpoint for it.

    S3 is never centralized (each VPC keeps its own gateway endpoint). Empty without a hub.
    """
    hub = state.get("hub")
    if not hub:
        return []
    served = []
    for service in state["wanted"]:
        if service in NOT_CENTRALIZED:
            continue
        if any(hub_zone(state, pair[0]) for pair in zone_names(state, service)) or hub_interfaces(state, service):
            served.append(service)
    return served


def hub_endpoint_subnets(state):
    """The subnets of the hub's interface endpoints for the services it serves the VPC, sorted."""
    subnets = set()
    for service in hub_services(state):
        for endpoint in hub_interfaces(state, service):
            subnets.update(endpoint.get("subnet_ids") or [])
    return sorted(subnets)


def is_hub_endpoint(state, endpoint):
    hub = state.get("hub") or {}
    return not hub.get("is_self") and any(e["vpc_endpoint_id"] == endpoint["vpc_endpoint_id"]
                                          for e in hub.get("endpoints") or [])


def deploy_for(state, endpoint):
    """Who repairs an endpoint: this VPC's deploy, or its hub's."""
    if is_hub_endpoint(state, endpoint):
        return "run privatelink.ecr.deploy for the hub VPC %s" % state["hub"]["vpc_id"]
    return DEPLOY


# ---------------------------------------------------------------- what carries the workloads' security groups

# DescribeNetworkInterfaces: ``InterfaceType`` ``interface`` is an ordinary interface (tasks, pods, instances);
# endpoints, NAT gateways, load balancers... have their own types (EC2 API reference, NetworkInterface,
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html).
WORKLOAD_INTERFACE_TYPE = "interface"


def _endpoint_enis(state):
    hub = state.get("hub") or {}
    return set(eni for e in list(state["endpoints"]) + list(hub.get("endpoints") or [])
               for eni in e.get("network_interface_ids") or [])


def carriers(state):
    """``[{"label", "group_ids", "subnet_ids"}]``: what carries workload security groups in the VPC.

    The network interfaces of type ``interface`` in the workload subnets (not an endpoint's own), the
    workloads read (``workloads``: ECS services, EKS clusters), and each group of the
    ``workload_security_group_ids`` option (``subnet_ids`` None: wherever the workloads run).
    """
    endpoint_enis = _endpoint_enis(state)
    found = []
    for subnet_id in state.get("workload_subnet_ids") or []:
        for eni in (state.get("workload_enis") or {}).get(subnet_id, []):
            if eni["eni_id"] in endpoint_enis or \
                    (eni.get("interface_type") or WORKLOAD_INTERFACE_TYPE) != WORKLOAD_INTERFACE_TYPE:
                continue
            found.append({"label": eni["eni_id"], "group_ids": sorted(eni.get("group_ids") or []),
                          "subnet_ids": [subnet_id]})
    for workload in state.get("workloads") or []:
        # The ``given`` workload's groups are the option's, counted once below.
        if workload.get("security_group_ids") and workload.get("kind") != "given":
            found.append({"label": "%s %s" % (workload.get("kind") or "workload", workload.get("name") or "?"),
                          "group_ids": sorted(workload["security_group_ids"]),
                          "subnet_ids": list(workload.get("subnet_ids") or []) or None})
    for group_id in state.get("workload_security_group_ids") or []:
        found.append({"label": "workload_security_group_ids", "group_ids": [group_id], "subnet_ids": None})
    return found


def workload_security_group_ids(state):
    """The workload security groups of the VPC, sorted (see ``carriers``)."""
    return sorted(set(g for c in carriers(state) for g in c["group_ids"]))


def carriers_in(state, subnet_id):
    """The carriers running in ``subnet_id``; the option's groups when nothing seen there names the subnet."""
    every = carriers(state)
    here = [c for c in every if c["subnet_ids"] and subnet_id in c["subnet_ids"]]
    return here or [c for c in every if c["subnet_ids"] is None]
