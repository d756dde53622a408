# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network ACLs (private): NACL_BLOCKS_HTTPS, both directions of each HTTPS flow between the workload subnets
and the endpoints' subnets (a hub's included) or S3. ACLs are stateless, evaluated by ``_nacl_eval``.
Pure functions of one VPC's state (``_state`` documents its shape)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._findings import finding
from ansible_collections.privatelink.ecr.plugins.module_utils._nacl_eval import (
    evaluate_flow,
    free_rule_number,
    rule_label,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import (
    HTTPS_PORT,
    gateways,
    interface_services,
    is_hub_endpoint,
    join,
    serving_interfaces,
    workload_subnets,
)

# Ephemeral ports of Linux (32768-60999) and Windows (49152-65535) clients: where NACL return traffic goes.
DEFAULT_CLIENT_PORT_RANGE = (32768, 65535)


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
            result.append(self.finding(acl_id, egress, ports, group))
        return result

    def finding(self, acl_id, egress, ports, group):
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
                   % (acl_id, join(sorted(group["subnets"])), direction, kind,
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
                    if other is None and is_hub_endpoint(state, endpoint):
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
        if "s3" in state["wanted"] and gateways(state, "s3"):
            for cidr in state.get("s3_prefix_cidrs") or []:
                if (":" in cidr) != (":" in (workload.get("cidr") or ":")):
                    continue
                label = ("S3, prefix list com.amazonaws.%s.s3 of the gateway endpoint" % state["region"], None)
                problems.check(wid, True, cidr, https, label)
                problems.check(wid, False, cidr, clients, label)
    return problems.findings() + hub_problems.findings()
