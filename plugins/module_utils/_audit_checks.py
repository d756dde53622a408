# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Posture checks: one pure function per finding id, over one VPC's normalised state (private).

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
    }

A security-group rule is ``{"protocol", "from_port", "to_port", "cidrs", "ipv6_cidrs",
"group_ids", "prefix_list_ids"}`` (protocol ``-1`` means every protocol and port).
Each check returns a list of findings ``{id, severity, resource, message, remediation}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.privatelink.ecr.plugins.module_utils import _audit_images
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    BROKEN_STATES,
    GATEWAY,
    GONE_STATES,
    INTERFACE,
    serving_order,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._findings import (
    CATALOGUE,
    DEPLOY,
    PLANNED,
    SEVERITY_RANK,
    finding,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._nacl_eval import (
    evaluate_flow,
    free_rule_number,
    rule_label,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import is_full_access
from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import (
    depends_on_unevaluated,
    layer_bucket,
    partition_of,
    pull_blockers,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._prefix_lists import route_covering, rule_cidrs
from ansible_collections.privatelink.ecr.plugins.module_utils._zones_plan import NOT_CENTRALIZED

# Every finding id the checks emit, with its severity: the catalogue less the ids no check emits yet.
FINDING_SEVERITIES = dict((i, e["severity"]) for i, e in CATALOGUE.items() if i not in PLANNED)

WORLD = ("0.0.0.0/0", "::/0")
HTTPS_PORT = 443
# Ephemeral ports of Linux (32768-60999) and Windows (49152-65535) clients: where NACL return traffic goes.
DEFAULT_CLIENT_PORT_RANGE = (32768, 65535)
HOURS_PER_MONTH = 730
# Endpoints in these states are not billed (the info module's RETURN docs, vpcs[].monthly_cost_usd; the
# hourly charge: https://aws.amazon.com/privatelink/pricing/).
UNBILLED_STATES = frozenset(["deleted", "deleting", "failed", "rejected"])


# ---------------------------------------------------------------- selections over the state

def _state_of(endpoint):
    return (endpoint.get("state") or "").lower()


def existing(state, service):
    """Endpoints of ``service`` that exist (anything but deleted/deleting), the one that serves first
    (``serving_order``, the rule deploy keeps by)."""
    return sorted((e for e in state["endpoints"]
                   if e.get("service") == service and _state_of(e) not in GONE_STATES),
                  key=serving_order)


def usable(state, service):
    """Existing endpoints that serve or will serve traffic (not failed, rejected or expired)."""
    return [e for e in existing(state, service) if _state_of(e) not in BROKEN_STATES]


def _gateways(state, service):
    return [e for e in usable(state, service) if e["vpc_endpoint_type"] == GATEWAY]


def _interfaces(state, service):
    """The interface endpoints that serve ``service`` to the VPC: a spoke's come from its hub."""
    if service in hub_services(state) and not state["hub"].get("is_self"):
        return _hub_interfaces(state, service)
    return [e for e in usable(state, service) if e["vpc_endpoint_type"] == INTERFACE]


# ---------------------------------------------------------------- centralized endpoints (hub and spokes)


def _hub_interfaces(state, service):
    hub = state.get("hub") or {}
    return sorted((e for e in hub.get("endpoints") or [] if e.get("service") == service
                   and e["vpc_endpoint_type"] == INTERFACE
                   and _state_of(e) not in GONE_STATES and _state_of(e) not in BROKEN_STATES),
                  key=serving_order)


def _zone_names(state, service):
    """``[(zone name, wildcard)]`` of a service, from its private DNS names as AWS reports them."""
    names = ((state.get("hub") or {}).get("service_dns", {}).get(service) or {}).get("dns_names") or []
    return [(n[2:], True) if n.startswith("*.") else (n, False) for n in names]


def _hub_zone(state, name):
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
        if any(_hub_zone(state, pair[0]) for pair in _zone_names(state, service)) or _hub_interfaces(state, service):
            served.append(service)
    return served


def _is_hub_endpoint(state, endpoint):
    hub = state.get("hub") or {}
    return not hub.get("is_self") and any(e["vpc_endpoint_id"] == endpoint["vpc_endpoint_id"]
                                          for e in hub.get("endpoints") or [])


def _deploy_for(state, endpoint):
    """Who repairs an endpoint: this VPC's deploy, or its hub's."""
    if _is_hub_endpoint(state, endpoint):
        return "run privatelink.ecr.deploy for the hub VPC %s" % state["hub"]["vpc_id"]
    return DEPLOY


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
        available = [e for e in _hub_interfaces(state, service) if _state_of(e) == "available"]
        targets = set(_normal(d.get("dns_name")) for e in available for d in e.get("dns_entries") or [])
        for name, wildcard in _zone_names(state, service):
            zone = _hub_zone(state, name)
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


def _route_to(table, cidr, prefix_lists=None):
    """The most specific route of ``table`` whose destination holds all of ``cidr`` (a route to a managed
    prefix list counts with the list's entries)."""
    return route_covering(table, cidr, prefix_lists or {})


def _reaches_hub(state, route):
    if route is None or route.get("state", "active") == "blackhole":
        return False
    hub, target = state["hub"], route.get("target") or ""
    if target.startswith("tgw-"):
        return target in (hub.get("transit_gateways") or [])
    if target.startswith("pcx-"):
        peering = (state.get("peerings") or {}).get(target) or {}
        return peering.get("status") == "active" and hub["vpc_id"] in (peering.get("vpc_ids") or [])
    return False


def check_hub_unreachable(state):
    """Each workload subnet's route table must send the hub endpoints' subnets to the hub (TGW or peering)."""
    hub = state.get("hub")
    if not hub or hub.get("is_self"):
        return []  # the hub reaches its own endpoints through its local route
    hub_subnets = set()
    for service in hub_services(state):
        for endpoint in _hub_interfaces(state, service):
            hub_subnets.update(endpoint.get("subnet_ids") or [])
    cidrs = sorted(set(_subnet_cidr(hub["subnets"][s]) for s in hub_subnets if s in hub["subnets"]) - {None})
    users = workload_subnets_by_route_table(state)
    findings = []
    for table_id in sorted(users):
        table = state["route_tables"].get(table_id) or {}
        missing = []
        for cidr in cidrs:
            route = _route_to(table, cidr, state.get("prefix_lists"))
            if not _reaches_hub(state, route):
                missing.append("%s (%s)" % (cidr, "no route" if route is None else "%s -> %s%s" % (
                    route.get("destination"), route.get("target") or "?",
                    ", blackhole" if route.get("state") == "blackhole" else "")))
        if missing:
            findings.append(finding(
                "HUB_UNREACHABLE", table_id,
                "route table %s of workload subnet(s) %s has no route to the hub VPC %s for its endpoint subnet(s) "
                "%s: calls to the services the hub serves time out"
                % (table_id, _join(sorted(users[table_id])), hub["vpc_id"], _join(missing)),
                cidrs=_join(cidrs), table_id=table_id, hub_vpc_id=hub["vpc_id"]))
    # And the way back: the hub's endpoint subnets must route to the workload subnets.
    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_egress import check_hub_return_route

    return findings + check_hub_return_route(state)


def interface_services(state):
    """Wanted services reached through an interface endpoint (S3 only when it has no gateway)."""
    return [s for s in state["wanted"] if _interfaces(state, s) and not _gateways(state, s)]


def serving_interfaces(state, service):
    """The interface endpoints the workloads' DNS lookups reach: those with private DNS on,
    else (nothing resolves privately) every interface endpoint of the service."""
    endpoints = sorted(_interfaces(state, service), key=serving_order)
    with_dns = [e for e in endpoints if e.get("private_dns_enabled")]
    return with_dns or endpoints


def workload_subnets(state):
    return [state["subnets"][s] for s in state["workload_subnet_ids"] if s in state["subnets"]]


def _zone_of(state, subnet_id):
    subnet = state["subnets"].get(subnet_id) or ((state.get("hub") or {}).get("subnets") or {}).get(subnet_id)
    return (subnet or {}).get("availability_zone")


def _join(items):
    return ", ".join(items)


# ---------------------------------------------------------------- security-group arithmetic

def rule_admits_https(rule):
    """True when the rule allows TCP 443 (every protocol, or TCP with a port range holding 443)."""
    protocol = str(rule.get("protocol"))
    if protocol in ("-1", "all"):
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = rule.get("from_port"), rule.get("to_port")
    if low is None or high is None or low == -1:
        return True
    return low <= HTTPS_PORT <= high


def _networks(cidrs):
    result = []
    for cidr in cidrs:
        try:
            result.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    return result


def cidr_covered(cidr, admitted_cidrs):
    """True when every address of ``cidr`` is inside the union of ``admitted_cidrs``."""
    target = ipaddress.ip_network(cidr, strict=False)
    same_family = [n for n in _networks(admitted_cidrs) if n.version == target.version]
    # Collapsing merges adjacent blocks, so two /25 rules do cover a /24 subnet.
    return any(target.subnet_of(n) for n in ipaddress.collapse_addresses(same_family))


def https_sources(groups, prefix_lists=None):
    """CIDRs and group ids admitted on TCP 443 by the union of ``groups``' ingress rules.

    A rule naming a managed prefix list admits the list's entries (VPC user guide, "Reference prefix lists
    in your AWS resources", https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists-referencing.html).
    """
    cidrs, group_ids = [], set()
    for group in groups:
        for rule in group.get("ingress") or []:
            if rule_admits_https(rule):
                cidrs.extend(rule_cidrs(rule, prefix_lists or {}))
                group_ids.update(rule.get("group_ids") or [])
    return cidrs, group_ids


def _subnet_cidr(subnet):
    return subnet.get("cidr") or (subnet.get("ipv6_cidrs") or [None])[0]


def _admitted_by_reference(state, subnet_id, referenced, endpoint_enis):
    """A group reference admits a subnet only when the workloads there all carry a referenced group.

    The workloads of a subnet: the interfaces seen in it, the workloads read whose subnets hold it (a
    service scaled to zero included), else the groups of ``workload_security_group_ids``. With none
    (nothing known to run there) the reference cannot be shown to cover the workload, so the subnet
    counts as not admitted.
    """
    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_egress import carriers_in

    enis = [e for e in (state.get("workload_enis") or {}).get(subnet_id, [])
            if e["eni_id"] not in endpoint_enis]
    seen = [set(e.get("group_ids") or []) for e in enis] + \
        [set(c["group_ids"]) for c in carriers_in(state, subnet_id) if not c["label"].startswith("eni-")]
    return bool(seen) and all(groups & referenced for groups in seen)


# ---------------------------------------------------------------- the checks, one per finding id

def check_endpoint_missing(state):
    findings = []
    vpc_id = state["vpc"]["vpc_id"]
    served = hub_services(state)
    for service in state["wanted"]:
        if existing(state, service) or service in served:
            continue  # a service the hub serves is judged through its zone (HUB_ZONE_BROKEN)
        info = state["services"].get(service) or {}
        if info.get("offered") is False:
            message = ("VPC %s has no endpoint for %s, and AWS does not offer that service as a VPC "
                       "endpoint in %s" % (vpc_id, service, state["region"]))
            remediation = ("check the service name; if the workload needs %s, it cannot reach it privately "
                           "in this region" % service)
        else:
            kind = "Gateway endpoint on the private route tables" if service == "s3" else \
                "Interface endpoint with private DNS in one private subnet per Availability Zone"
            message = "VPC %s has no endpoint for %s (%s)" % (
                vpc_id, service, info.get("service_name") or "com.amazonaws.%s.%s" % (state["region"], service))
            remediation = "%s: it creates the %s %s" % (DEPLOY, service, kind)
        findings.append(finding("ENDPOINT_MISSING", vpc_id, message, remediation))
    return findings


_NOT_AVAILABLE_FIX = {
    "pendingacceptance": "the endpoint service's owner must accept the connection request (for an AWS "
                         "service this should not happen: delete the endpoint and %s)" % DEPLOY,
    "pending": "wait a few minutes; if it stays pending, delete it and %s" % DEPLOY,
    "failed": "delete the endpoint, then %s: it creates a new one" % DEPLOY,
    "rejected": "the service owner rejected the connection; delete the endpoint, then %s" % DEPLOY,
    "expired": "the connection request expired; delete the endpoint, then %s" % DEPLOY,
}


def check_endpoint_not_available(state):
    findings = []
    for service in state["wanted"]:
        for endpoint in existing(state, service):
            current = endpoint.get("state") or "unknown"
            if current.lower() == "available":
                continue
            findings.append(finding(
                "ENDPOINT_NOT_AVAILABLE", endpoint["vpc_endpoint_id"],
                "the %s endpoint %s is in state %s, not available: traffic to %s does not flow through it"
                % (service, endpoint["vpc_endpoint_id"], current, service),
                _NOT_AVAILABLE_FIX.get(current.lower(), "delete the endpoint, then %s" % DEPLOY)))
    return findings


def check_private_dns_disabled(state):
    findings = []
    served = hub_services(state)
    for service in interface_services(state):
        if service in served:
            continue  # a hub's endpoints leave the name to its zones: private DNS off by design
        endpoints = _interfaces(state, service)
        if any(e.get("private_dns_enabled") for e in endpoints):
            continue
        for endpoint in endpoints:
            findings.append(finding(
                "PRIVATE_DNS_DISABLED", endpoint["vpc_endpoint_id"],
                "the %s interface endpoint %s has private DNS off: workloads resolve %s's public name and "
                "try to leave the VPC" % (service, endpoint["vpc_endpoint_id"], service),
                endpoint_id=endpoint["vpc_endpoint_id"]))
    return findings


def check_vpc_dns_disabled(state):
    vpc = state["vpc"]
    off = [name for name, key in (("enableDnsSupport", "enable_dns_support"),
                                  ("enableDnsHostnames", "enable_dns_hostnames"))
           if vpc.get(key) is False]
    if not off:
        return []
    return [finding(
        "VPC_DNS_DISABLED", vpc["vpc_id"],
        "VPC %s has %s off: private DNS names of interface endpoints do not resolve" % (vpc["vpc_id"], _join(off)),
        attributes=" and ".join(off), vpc_id=vpc["vpc_id"])]


def check_s3_route_missing(state):
    if "s3" not in state["wanted"]:
        return []
    gateways = _gateways(state, "s3")
    if not gateways:
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
            for endpoint in _interfaces(state, "s3")]
    attached = set()
    for gateway in gateways:
        attached.update(gateway.get("route_table_ids") or [])
    missing = {}
    for subnet in workload_subnets(state):
        table = state["subnet_route_table"].get(subnet["subnet_id"])
        if table and table not in attached:
            missing.setdefault(table, []).append(subnet["subnet_id"])
    gateway_ids = _join(sorted(g["vpc_endpoint_id"] for g in gateways))
    return [finding(
        "S3_ROUTE_MISSING", table,
        "route table %s (of workload subnet(s) %s) has no route to the S3 gateway endpoint %s: image layers "
        "from S3 cannot be pulled there" % (table, _join(sorted(subnets)), gateway_ids),
        "%s: it attaches %s to %s in place" % (DEPLOY, table, gateway_ids))
        for table, subnets in sorted(missing.items())]


def check_az_not_covered(state):
    findings = []
    workload_zones = {}
    for subnet in workload_subnets(state):
        workload_zones.setdefault(subnet.get("availability_zone"), []).append(subnet["subnet_id"])
    for service in interface_services(state):
        offered = set((state["services"].get(service) or {}).get("zones") or [])
        for endpoint in serving_interfaces(state, service):
            covered = set(_zone_of(state, s) for s in endpoint.get("subnet_ids") or [])
            gaps = sorted(z for z in workload_zones if z not in covered)
            if not gaps:
                continue
            fixable = [z for z in gaps if not offered or z in offered]
            unoffered = [z for z in gaps if z not in fixable]
            parts = []
            if fixable:
                parts.append("%s: it adds one private subnet of %s to %s in place"
                             % (_deploy_for(state, endpoint), _join(fixable), endpoint["vpc_endpoint_id"]))
            if unoffered:
                parts.append("AWS does not offer %s in %s; run these workloads in a covered zone"
                             % (service, _join(unoffered)))
            findings.append(finding(
                "AZ_NOT_COVERED", endpoint["vpc_endpoint_id"],
                "the %s endpoint %s has no subnet in %s, where workload subnet(s) %s run: their traffic "
                "crosses zones and fails when the endpoint's zones are down"
                % (service, endpoint["vpc_endpoint_id"], _join(gaps),
                   _join(s for z in gaps for s in sorted(workload_zones[z]))),
                "; ".join(parts)))
    return findings


def check_sg_blocks_https(state):
    findings = []
    subnets = workload_subnets(state)
    if not subnets:
        return []
    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_egress import workload_security_group_ids

    known_groups = workload_security_group_ids(state)
    # The endpoints' own interfaces sit in the workload subnets too; they are not workloads.
    endpoint_enis = set(eni for e in state["endpoints"] for eni in e.get("network_interface_ids") or [])
    for service in interface_services(state):
        for endpoint in serving_interfaces(state, service):
            group_ids = endpoint.get("security_group_ids") or []
            groups = [state["security_groups"][g] for g in group_ids if g in state["security_groups"]]
            cidrs, referenced = https_sources(groups, state.get("prefix_lists"))
            blocked = []
            for subnet in subnets:
                cidr = _subnet_cidr(subnet)
                if cidr and cidr_covered(cidr, cidrs):
                    continue
                if referenced and _admitted_by_reference(state, subnet["subnet_id"], referenced, endpoint_enis):
                    continue
                blocked.append("%s (%s)" % (subnet["subnet_id"], cidr or "no CIDR"))
            if not blocked:
                continue
            via = ""
            if referenced:
                via = "; it admits security group(s) %s, which the workloads seen in those subnets do not " \
                      "all carry (or none run there now)" % _join(sorted(referenced))
            if _is_hub_endpoint(state, endpoint):
                fix = ("%s: its managed security group admits the vpc_cidrs of the hub and of every host whose ecr_hub "
                       "names it, so give this VPC's host vpc_cidrs and ecr_hub; or add an inbound TCP 443 rule for "
                       "those subnets' CIDRs to %s" % (_deploy_for(state, endpoint), _join(group_ids)
                                                       or "the endpoint's security group"))
            else:
                fix = ("%s: its managed security group admits TCP 443 from the VPC's CIDR blocks (set allowed_cidrs "
                       "to narrow it); or add an inbound TCP 443 rule for those subnets' CIDRs to %s"
                       % (DEPLOY, _join(group_ids) or "the endpoint's security group"))
            item = finding(
                "SG_BLOCKS_HTTPS", endpoint["vpc_endpoint_id"],
                "no security group of the %s endpoint %s (%s) admits TCP 443 from workload subnet(s) %s%s"
                % (service, endpoint["vpc_endpoint_id"], _join(group_ids) or "none", _join(blocked), via), fix)
            if referenced and not known_groups:
                # The endpoint admits by group references and no workload group is known at all (nothing
                # runs, no workload read, no workload_security_group_ids): it cannot be judged, only noted.
                item["severity"] = "info"
                item["message"] += "; no workload found that carries a referenced group"
            findings.append(item)
    return findings


def check_sg_open_to_world(state):
    users = {}
    for endpoint in state["endpoints"]:
        if _state_of(endpoint) in GONE_STATES or endpoint["vpc_endpoint_type"] != INTERFACE:
            continue
        for group_id in endpoint.get("security_group_ids") or []:
            users.setdefault(group_id, []).append(endpoint["vpc_endpoint_id"])
    findings = []
    for group_id in sorted(users):
        group = state["security_groups"].get(group_id)
        if not group:
            continue
        open_rules = []
        for rule in group.get("ingress") or []:
            for source in (rule.get("cidrs") or []) + (rule.get("ipv6_cidrs") or []):
                if source in WORLD:
                    open_rules.append("%s from %s" % (_describe_ports(rule), source))
        if open_rules:
            findings.append(finding(
                "SG_OPEN_TO_WORLD", group_id,
                "security group %s (%s) of endpoint(s) %s admits %s"
                % (group_id, group.get("group_name") or "", _join(sorted(users[group_id])), _join(open_rules)),
                group_id=group_id))
    return findings


def _describe_ports(rule):
    protocol = str(rule.get("protocol"))
    if protocol in ("-1", "all"):
        return "all traffic"
    low, high = rule.get("from_port"), rule.get("to_port")
    if low == high:
        return "%s %s" % (protocol, low)
    return "%s %s-%s" % (protocol, low, high)


def workload_subnets_by_route_table(state):
    """{route table id: [workload subnet ids it serves]}, the tables a workload's traffic leaves by."""
    users = {}
    for subnet in workload_subnets(state):
        table = state["subnet_route_table"].get(subnet["subnet_id"])
        if table:
            users.setdefault(table, []).append(subnet["subnet_id"])
    return users


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
                % (table_id, _join(sorted(users[table_id])), _join(exits))))
    return findings


def check_policy_unrestricted(state):
    findings = []
    for service in state["wanted"]:
        for endpoint in existing(state, service):
            if not is_full_access(endpoint.get("policy")):
                continue
            findings.append(finding(
                "POLICY_UNRESTRICTED", endpoint["vpc_endpoint_id"],
                "the %s endpoint %s has the default full-access policy: any principal may reach any %s resource "
                "through it" % (service, endpoint["vpc_endpoint_id"], service),
                advice=_policy_advice(service, state["region"])))
    return findings


def _policy_advice(service, region):
    if service == "s3":
        return ("set s3_policy to allow s3:GetObject on arn:%s:s3:::%s/* (where ECR keeps image layers) and on the "
                "buckets your workloads use" % (partition_of(region), layer_bucket(region)))
    return ("set policy (role variable vpc_endpoints_policy; one policy serves every interface endpoint) to allow "
            "only what your workloads call, such as image pulls from your accounts' ECR repositories and "
            "logs:CreateLogStream/PutLogEvents on their log groups")


# ---------------------------------------------------------------- network ACLs (stateless)

def _client_ports(state):
    low, high = state.get("client_port_range") or DEFAULT_CLIENT_PORT_RANGE
    return int(low), int(high)


def _pair_cidrs(workload, endpoint_subnet, ip_address_type):
    """The CIDR blocks the two subnets talk over: IPv4, or IPv6 for an IPv6-only endpoint (or no IPv4)."""
    if ip_address_type != "ipv6" and workload.get("cidr") and endpoint_subnet.get("cidr"):
        return workload["cidr"], endpoint_subnet["cidr"]
    if workload.get("ipv6_cidrs") and endpoint_subnet.get("ipv6_cidrs"):
        return workload["ipv6_cidrs"][0], endpoint_subnet["ipv6_cidrs"][0]
    return None, None


def _direction(egress):
    return "outbound" if egress else "inbound"


def _ports_text(low, high):
    return "%d" % low if low == high else "%d-%d" % (low, high)


class _NaclProblems:
    """Blocked flows gathered per (ACL, direction, ports): one finding each."""

    def __init__(self, state):
        self.state = state
        self.acls = state.get("network_acls") or {}
        self.by_subnet = state.get("subnet_network_acl") or {}
        self.groups = {}
        self.cache = {}

    def check(self, subnet_id, egress, peer_cidr, ports, peer_label):
        acl_id = self.by_subnet.get(subnet_id)
        acl = self.acls.get(acl_id)
        if not acl or not peer_cidr:
            return
        key = (acl_id, egress, peer_cidr, ports)
        if key not in self.cache:
            self.cache[key] = evaluate_flow(acl["entries"], egress, peer_cidr, ports[0], ports[1])
        verdict = self.cache[key]
        if verdict.allowed:
            return
        group = self.groups.setdefault((acl_id, egress, ports), {"subnets": set(), "peers": {}})
        group["subnets"].add(subnet_id)
        peer = group["peers"].setdefault(peer_cidr, {"labels": {}, "blocked": verdict.blocked})
        what, user = peer_label
        users = peer["labels"].setdefault(what, [])
        if user and user not in users:
            users.append(user)

    def findings(self):
        result = []
        for (acl_id, egress, ports), group in sorted(self.groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
            result.append(self._finding(acl_id, egress, ports, group))
        return result

    def _finding(self, acl_id, egress, ports, group):
        direction = _direction(egress)
        to_from = "to" if egress else "from"
        port_text = _ports_text(*ports)
        peers, entries, rules = [], [], set()
        used = set()
        acl_entries = self.acls[acl_id]["entries"]
        for cidr in sorted(group["peers"]):
            peer = group["peers"][cidr]
            parts = []
            for piece in peer["blocked"]:
                rules.add(piece["rule_number"])
                where = [] if piece["cidr"] == cidr else [piece["cidr"]]
                if (piece["from_port"], piece["to_port"]) != ports:
                    where.append("ports %s" % _ports_text(piece["from_port"], piece["to_port"]))
                parts.append("rule %s%s" % (rule_label(piece["rule_number"]),
                                            " for %s" % " ".join(where) if where else ""))
            labels = "; ".join(what + (" " + ", ".join(users) if users else "")
                               for what, users in sorted(peer["labels"].items()))
            peers.append("%s %s (%s): %s" % (to_from, cidr, labels, ", ".join(parts)))
            below = min(p["rule_number"] for p in peer["blocked"])
            number = _unused_number(acl_entries, egress, below, used)
            if number is None:
                entries.append("rule %s denies %s; replace it so TCP %s %s %s is allowed"
                               % (rule_label(below), cidr, port_text, to_from, cidr))
                continue
            used.add(number)
            entries.append("aws ec2 create-network-acl-entry --network-acl-id %s %s--rule-number %d --protocol 6 "
                           "--port-range From=%d,To=%d --%s %s --rule-action allow"
                           % (acl_id, "--egress " if egress else "--ingress ", number, ports[0], ports[1],
                              "ipv6-cidr-block" if ":" in cidr else "cidr-block", cidr))
        kind = "TCP 443" if ports == (HTTPS_PORT, HTTPS_PORT) else \
            "TCP %s (return traffic to the clients' ephemeral ports, client_port_range)" % port_text
        message = ("network ACL %s (of subnet(s) %s) denies %s %s by %s: %s. ACLs are stateless: both "
                   "directions of the HTTPS connection must be allowed"
                   % (acl_id, _join(sorted(group["subnets"])), direction, kind,
                      ", ".join("rule %s" % rule_label(r) for r in sorted(rules)), "; ".join(peers)))
        remediation = ("add %s entr%s to %s, numbered below the rule that denies, allowing TCP %s %s each of "
                       "these blocks: %s" % (direction, "y" if len(entries) == 1 else "ies", acl_id, port_text,
                                             to_from, " ; ".join(entries)))
        return finding("NACL_BLOCKS_HTTPS", acl_id, message, remediation)


def _unused_number(entries, egress, below, used):
    taken = list(entries) + [{"rule_number": n, "egress": egress} for n in used]
    return free_rule_number(taken, egress, below)


def check_nacl_blocks_https(state):
    """Workload subnet <-> endpoint subnets on TCP 443 and back, and workload subnet <-> S3 for the gateway."""
    if not state.get("subnet_network_acl"):
        return []
    problems = _NaclProblems(state)
    # A hub's endpoint subnets have the hub's ACLs (read with the hub's connection): spoke traffic crosses them.
    hub = state.get("hub") or {}
    hub_problems = _NaclProblems({"network_acls": hub.get("network_acls"),
                                  "subnet_network_acl": hub.get("subnet_network_acl")})
    https = (HTTPS_PORT, HTTPS_PORT)
    clients = _client_ports(state)
    for workload in workload_subnets(state):
        wid = workload["subnet_id"]
        for service in interface_services(state):
            for endpoint in serving_interfaces(state, service):
                label = "%s %s" % (service, endpoint["vpc_endpoint_id"])
                for sid in endpoint.get("subnet_ids") or []:
                    other, endpoint_side = state["subnets"].get(sid), problems
                    if other is None and _is_hub_endpoint(state, endpoint):
                        other, endpoint_side = (hub.get("subnets") or {}).get(sid), hub_problems
                        label = "%s %s of the hub VPC %s" % (service, endpoint["vpc_endpoint_id"], hub["vpc_id"])
                    if sid == wid or not other:
                        continue  # inside one subnet, traffic never crosses an ACL
                    wcidr, ecidr = _pair_cidrs(workload, other, endpoint.get("ip_address_type"))
                    if not wcidr:
                        continue
                    to_endpoint = ("endpoint subnet %s of" % sid, label)
                    to_workload = ("workload subnet %s, client of" % wid, label)
                    problems.check(wid, True, ecidr, https, to_endpoint)        # request leaves the workload
                    endpoint_side.check(sid, False, wcidr, https, to_workload)  # and enters the endpoint subnet
                    endpoint_side.check(sid, True, wcidr, clients, to_workload)  # the answer leaves it
                    problems.check(wid, False, ecidr, clients, to_endpoint)     # and comes back
        if "s3" in state["wanted"] and _gateways(state, "s3"):
            for cidr in state.get("s3_prefix_cidrs") or []:
                if (":" in cidr) != (":" in (workload.get("cidr") or ":")):
                    continue
                label = ("S3, prefix list com.amazonaws.%s.s3 of the gateway endpoint" % state["region"], None)
                problems.check(wid, True, cidr, https, label)
                problems.check(wid, False, cidr, clients, label)
    return problems.findings() + hub_problems.findings()


# ---------------------------------------------------------------- endpoint policies against a pull

_PULL_NEEDS = {
    "ecr.api": "ecr:GetAuthorizationToken on *, and ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the "
               "registry accounts' repositories (%(repos)s), for the account's principals",
    "ecr.dkr": "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the registry accounts' repositories "
               "(%(repos)s), for the account's principals",
    "logs": "logs:CreateLogStream and logs:PutLogEvents on the account's log groups "
            "(arn:%(p)s:logs:%(r)s:%(a)s:log-group:*), for the account's principals",
    "s3": "s3:GetObject on arn:%(p)s:s3:::%(b)s/* for every principal, with no aws:PrincipalAccount or "
          "aws:PrincipalOrgID condition (the layer URLs are presigned by ECR)",
}


def policy_endpoints(state, service):
    """The endpoints of ``service`` whose policy a pull goes through (the S3 gateway for S3)."""
    if service == "s3":
        return _gateways(state, "s3")
    return serving_interfaces(state, service)


def check_policy_blocks_pull(state):
    """A pull from each registry account (``state["registry_account_ids"]``, else the VPC's own) must pass."""
    account_id = state.get("account_id") or state["vpc"].get("owner_id")
    if not account_id:
        return []
    region, org_id, vpc_id = state["region"], state.get("org_id"), state["vpc"]["vpc_id"]
    registries = state.get("registry_account_ids") or None
    repos = ", ".join("arn:%s:ecr:%s:%s:repository/*" % (partition_of(region), region, registry)
                      for registry in (registries or [account_id]))
    findings = []
    for service in state["wanted"]:
        if service not in _PULL_NEEDS:
            continue
        for endpoint in policy_endpoints(state, service):
            reasons = pull_blockers(service, endpoint.get("policy"), region, account_id, org_id, vpc_id,
                                    endpoint["vpc_endpoint_id"], registries)
            if not reasons:
                continue
            notes = []
            if depends_on_unevaluated(reasons):
                notes.append("statements with condition keys the audit does not evaluate were taken as not "
                             "matching; check them by hand")
            if org_id is None:
                notes.append("the account's organization was %s, so aws:PrincipalOrgID and aws:ResourceOrgID are "
                             "absent from the evaluated requests" % (
                                 "not readable (organizations:DescribeOrganization was denied)"
                                 if state.get("org_note") == "denied" else "none"))
            needs = _PULL_NEEDS[service] % {"p": partition_of(region), "r": region, "a": account_id,
                                            "b": layer_bucket(region), "repos": repos}
            findings.append(finding(
                "POLICY_BLOCKS_PULL", endpoint["vpc_endpoint_id"],
                "the policy of the %s endpoint %s blocks image pulls: %s%s"
                % (service, endpoint["vpc_endpoint_id"], "; ".join(reasons),
                   "".join(" (%s)" % n for n in notes)),
                needs=needs, option="s3_policy" if service == "s3" else "policy"))
    return findings


# ---------------------------------------------------------------- cost

def monthly_cost_usd(state, endpoint_hour_usd=0.01):
    """Hourly charge of the VPC's interface endpoints for a month: subnets x 730 h x rate, in cents.

    Every interface endpoint of the VPC counts (any service, owned or not) unless deleted, deleting, failed
    or rejected; gateway endpoints are free and data processing is left out (AWS PrivateLink pricing).
    """
    subnets = sum(len(e.get("subnet_ids") or []) for e in state["endpoints"]
                  if e.get("vpc_endpoint_type") == INTERFACE and _state_of(e) not in UNBILLED_STATES)
    return round(subnets * HOURS_PER_MONTH * float(endpoint_hour_usd), 2)


def per_vpc_design_monthly_usd(state, endpoint_hour_usd=0.01):
    """What the VPC would pay with its own interface endpoints for what its hub serves.

    Its interface endpoints of services the hub does not serve, plus, for each service the hub serves,
    one endpoint subnet in each of the VPC's workload Availability Zones. Without a hub, ``monthly_cost_usd``.
    """
    served = set(hub_services(state))
    if not served:
        return monthly_cost_usd(state, endpoint_hour_usd)
    own = sum(len(e.get("subnet_ids") or []) for e in state["endpoints"]
              if e.get("vpc_endpoint_type") == INTERFACE and _state_of(e) not in UNBILLED_STATES
              and e.get("service") not in served)
    zones = set(s.get("availability_zone") for s in workload_subnets(state))
    return round((own + len(served) * len(zones)) * HOURS_PER_MONTH * float(endpoint_hour_usd), 2)


CHECKS = (
    check_endpoint_missing,
    check_endpoint_not_available,
    check_private_dns_disabled,
    check_vpc_dns_disabled,
    check_s3_route_missing,
    check_az_not_covered,
    check_sg_blocks_https,
    check_sg_open_to_world,
    check_internet_route,
    check_policy_unrestricted,
    check_nacl_blocks_https,
    check_policy_blocks_pull,
    check_hub_zone_broken,
    check_hub_unreachable,
) + _audit_images.CHECKS


def sort_findings(findings):
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f["severity"]], f["id"], f["resource"]))


def audit(state):
    """Every finding for one VPC, most severe first."""
    # Imported here: the workload-egress and hub-return checks build on this module's helpers.
    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_egress import CHECKS as EGRESS_CHECKS

    findings = []
    for check in CHECKS + EGRESS_CHECKS:
        findings.extend(check(state))
    return sort_findings(findings)


def is_compliant(findings):
    return not any(f["severity"] in ("high", "medium") for f in findings)
