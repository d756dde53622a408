# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Posture checks on the workloads' own security groups and on a hub's way back (private).

Pure functions over the state of ``_audit_checks`` (no AWS call), with these keys besides::

    "workload_enis": {subnet_id: [{"eni_id", "interface_type", "group_ids"}]},
    "workloads": [{"name", "subnet_ids", "security_group_ids", ...}],   # optional: the workloads read
    "workload_security_group_ids": [sg_id, ...],                       # optional: given by the user
    "security_groups": {sg_id: {..., "ingress": [rule], "egress": [rule]}},
    "prefix_lists": {pl_id: {"prefix_list_id", "name", "owner_id", "cidrs"}},
    "s3_prefix_list_id": "pl-..." or None,
    "hub": {..., "route_tables", "subnet_route_table", "network_acls", "subnet_network_acl", "prefix_lists"},

Security groups are stateful and evaluated per network interface: the rules of every group an interface
carries are aggregated, and a request allowed out is answered whatever the inbound rules (VPC user guide,
"Security group rules", https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html). A
workload that reaches an interface endpoint needs an outbound TCP 443 rule to the endpoint's network
interfaces (a CIDR block holding its subnets, a reference to one of the endpoint's groups, or a prefix
list whose entries hold them); one that downloads image layers through the S3 gateway needs an outbound
rule to S3's ranges, usually the prefix list ``com.amazonaws.REGION.s3`` by id (VPC user guide, "Gateway
endpoints for Amazon S3", https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html,
"Security groups": "the security groups ... must allow traffic to and from the prefix list").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils import _audit_checks as checks
from ansible_collections.privatelink.ecr.plugins.module_utils._prefix_lists import route_covering, rule_cidrs

# DescribeNetworkInterfaces: ``InterfaceType`` ``interface`` is an ordinary interface (tasks, pods, instances);
# endpoints, NAT gateways, load balancers... have their own types (EC2 API reference, NetworkInterface,
# https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html).
WORKLOAD_INTERFACE_TYPE = "interface"


# ---------------------------------------------------------------- the workloads' security groups

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


# ---------------------------------------------------------------- EGRESS_BLOCKS_PULL

def _endpoint_subnet(state, subnet_id):
    return state["subnets"].get(subnet_id) or ((state.get("hub") or {}).get("subnets") or {}).get(subnet_id)


def _endpoint_cidrs(state, endpoint):
    """The CIDR blocks the endpoint's interfaces have addresses in (IPv6 for an IPv6-only endpoint)."""
    cidrs = []
    for subnet_id in endpoint.get("subnet_ids") or []:
        subnet = _endpoint_subnet(state, subnet_id) or {}
        if endpoint.get("ip_address_type") == "ipv6" or not subnet.get("cidr"):
            cidrs.extend((subnet.get("ipv6_cidrs") or [])[:1])
        else:
            cidrs.append(subnet["cidr"])
    return cidrs


def targets(state):
    """What a pull reaches: ``[(service, endpoint or None, cidrs, group_ids, prefix_list_id)]``."""
    found = []
    for service in checks.interface_services(state):
        for endpoint in checks.serving_interfaces(state, service):
            found.append((service, endpoint, _endpoint_cidrs(state, endpoint),
                          set(endpoint.get("security_group_ids") or []), None))
    if "s3" in state["wanted"] and checks.policy_endpoints(state, "s3") and "s3" not in checks.interface_services(state):
        s3_id = state.get("s3_prefix_list_id")
        cidrs = state.get("s3_prefix_cidrs")
        if s3_id or cidrs:
            found.append(("s3", None, list(cidrs or []), set(), s3_id))
    return found


def _reaches(rules, prefix_lists, target):
    """True when the outbound ``rules`` (of every group of one interface) allow TCP 443 to the target."""
    _service, _endpoint, cidrs, group_ids, prefix_list_id = target
    https = [r for r in rules if checks.rule_admits_https(r)]
    if group_ids and any(set(r.get("group_ids") or []) & group_ids for r in https):
        return True
    if prefix_list_id and any(prefix_list_id in (r.get("prefix_list_ids") or []) for r in https):
        return True
    allowed = [c for r in https for c in rule_cidrs(r, prefix_lists)]
    return bool(cidrs) and all(checks.cidr_covered(c, allowed) for c in cidrs)


def _target_text(state, target):
    service, endpoint, cidrs, _groups, prefix_list_id = target
    if endpoint is None:
        gateway = checks.policy_endpoints(state, "s3")
        return "s3 (gateway endpoint %s: prefix list %s%s)" % (
            ", ".join(g["vpc_endpoint_id"] for g in gateway), prefix_list_id or "com.amazonaws.%s.s3" % state["region"],
            ", %s" % ", ".join(cidrs) if cidrs and not prefix_list_id else "")
    return "%s (endpoint %s, subnets %s, groups %s)" % (
        service, endpoint["vpc_endpoint_id"], ", ".join(cidrs) or "none",
        ", ".join(endpoint.get("security_group_ids") or []) or "none")


def _permission(missing):
    """The one IpPermission (AWS CLI shorthand) that lets a group reach every missing target."""
    v4, v6, lists = [], [], []
    for _service, endpoint, cidrs, _groups, prefix_list_id in missing:
        if endpoint is None and prefix_list_id:
            lists.append(prefix_list_id)
            continue
        for cidr in cidrs:
            (v6 if ":" in cidr else v4).append(cidr)
    parts = ["IpProtocol=tcp", "FromPort=443", "ToPort=443"]
    if v4:
        parts.append("IpRanges=[%s]" % ",".join("{CidrIp=%s}" % c for c in _unique(v4)))
    if v6:
        parts.append("Ipv6Ranges=[%s]" % ",".join("{CidrIpv6=%s}" % c for c in _unique(v6)))
    if lists:
        parts.append("PrefixListIds=[%s]" % ",".join("{PrefixListId=%s}" % p for p in _unique(lists)))
    return ",".join(parts)


def _unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def check_egress_blocks_pull(state):
    """Each workload security group must let its workloads reach every endpoint a pull uses, and S3.

    A group is judged with the groups each of its carriers wears with it (rules aggregate per interface);
    a group only the ``workload_security_group_ids`` option names is judged alone.
    """
    wanted = targets(state)
    if not wanted:
        return []
    groups = state["security_groups"]
    prefix_lists = state.get("prefix_lists") or {}
    everyone = carriers(state)
    findings = []
    for group_id in workload_security_group_ids(state):
        if group_id not in groups:
            continue  # not read (another VPC's, or gone): its rules are unknown
        combos = _unique(c["group_ids"] for c in everyone if group_id in c["group_ids"]) or [[group_id]]
        missing = []
        for combo in combos:
            rules = [r for g in combo for r in (groups.get(g) or {}).get("egress") or []]
            for target in wanted:
                if target not in missing and not _reaches(rules, prefix_lists, target):
                    missing.append(target)
        if not missing:
            continue
        services = _unique(t[0] for t in missing)
        users = _unique(c["label"] for c in everyone if group_id in c["group_ids"])
        findings.append(checks.finding(
            "EGRESS_BLOCKS_PULL", group_id,
            "the outbound rules of security group %s (%s), carried by %s, do not allow TCP 443 to %s: workloads "
            "with this group cannot reach %s, and image pulls fail (CannotPullContainerError ... i/o timeout)"
            % (group_id, groups[group_id].get("group_name") or "", ", ".join(users[:5]) + (
                " and %d more" % (len(users) - 5) if len(users) > 5 else ""),
               "; ".join(_target_text(state, t) for t in missing), ", ".join(services)),
            "allow outbound TCP 443 from %s to %s: aws ec2 authorize-security-group-egress --group-id %s "
            "--ip-permissions '%s'" % (group_id, ", ".join(services), group_id, _permission(missing))))
    return findings


# ---------------------------------------------------------------- hubs: the way back

def _hub_endpoint_subnets(state):
    subnets = set()
    for service in checks.hub_services(state):
        for endpoint in checks._hub_interfaces(state, service):  # pylint: disable=protected-access
            subnets.update(endpoint.get("subnet_ids") or [])
    return sorted(subnets)


def check_hub_return_route(state):
    """HUB_UNREACHABLE from the hub's side: its endpoint subnets' route tables must route back to the workloads."""
    hub = state.get("hub")
    if not hub or hub.get("is_self") or hub.get("route_tables") is None:
        return []
    by_table = {}
    for subnet_id in _hub_endpoint_subnets(state):
        table_id = (hub.get("subnet_route_table") or {}).get(subnet_id)
        if table_id:
            by_table.setdefault(table_id, []).append(subnet_id)
    # pylint: disable-next=protected-access
    workload_cidrs = sorted(set(checks._subnet_cidr(s) for s in checks.workload_subnets(state)) - {None})
    findings = []
    for table_id in sorted(by_table):
        table = hub["route_tables"].get(table_id) or {}
        missing = []
        for cidr in workload_cidrs:
            route = route_covering(table, cidr, hub.get("prefix_lists") or {})
            if not _back_to_spoke(state, route):
                missing.append("%s (%s)" % (cidr, "no route" if route is None else "%s -> %s%s" % (
                    route.get("destination"), route.get("target") or "?",
                    ", blackhole" if route.get("state") == "blackhole" else "")))
        if missing:
            findings.append(checks.finding(
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


def _back_to_spoke(state, route):
    if route is None or route.get("state", "active") == "blackhole":
        return False
    hub, target = state["hub"], route.get("target") or ""
    if target.startswith("tgw-"):
        return target in (hub.get("transit_gateways") or [])
    if target.startswith("pcx-"):
        peering = (state.get("peerings") or {}).get(target) or {}
        return peering.get("status") == "active" and state["vpc"]["vpc_id"] in (peering.get("vpc_ids") or [])
    return False


# One check per finding id: HUB_UNREACHABLE's is _audit_checks.check_hub_unreachable, which calls
# check_hub_return_route for the way back.
CHECKS = (check_egress_blocks_pull,)
