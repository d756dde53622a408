# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network ACLs evaluated as AWS does, for a whole flow of addresses and ports (private).

Pure Python, no AWS call. From the VPC user guide, "Control subnet traffic with network access
control lists" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html) and its
"Network ACL rules" page (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html):

* an ACL has numbered inbound and outbound rules; a packet is checked against the rules of its
  direction from the lowest number up and the **first rule that matches decides** (allow or deny);
* the last rule, ``*`` (rule number 32767 in DescribeNetworkAcls), denies what no rule matched;
* ACLs are **stateless**: the answer of a connection is checked again, in the other direction, on
  the client's ephemeral port;
* a rule's protocol ``-1`` is every protocol and port; ``6`` is TCP with a port range (and any other
  protocol number never matches a TCP packet);
* IPv4 rules (``CidrBlock``) match IPv4 traffic only, IPv6 rules (``Ipv6CidrBlock``) IPv6 only;
* traffic between two addresses of the same subnet does not cross the ACL (the caller skips it).

A *flow* is a set of packets: every address of a peer CIDR block × every port of a port range. It is
allowed only when every one of its packets is allowed. Since a rule may cover part of the flow only,
the flow is kept as a list of pieces (CIDR block × port interval) still undecided; each rule, lowest
number first, decides the part of every piece it covers and leaves the rest undecided (see
``_split``). What no rule decides falls to the ``*`` rule.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

STAR_RULE = 32767
ALL_PORTS = (0, 65535)
TCP = "6"


def normalise_entry(raw):
    """One DescribeNetworkAcls ``Entries`` item as plain data."""
    cidr = raw.get("CidrBlock") or raw.get("Ipv6CidrBlock")
    ports = raw.get("PortRange") or {}
    return {
        "rule_number": int(raw.get("RuleNumber", STAR_RULE)),
        "egress": bool(raw.get("Egress")),
        "protocol": str(raw.get("Protocol", "-1")).lower(),
        "action": str(raw.get("RuleAction", "deny")).lower(),
        "cidr": cidr,
        "from_port": ports.get("From"),
        "to_port": ports.get("To"),
    }


def normalise_acl(raw):
    return {
        "network_acl_id": raw["NetworkAclId"],
        "vpc_id": raw.get("VpcId"),
        "is_default": bool(raw.get("IsDefault")),
        "subnet_ids": sorted(a["SubnetId"] for a in raw.get("Associations") or [] if a.get("SubnetId")),
        "entries": [normalise_entry(e) for e in raw.get("Entries") or []],
    }


def _rule_ports(entry):
    """The port interval a rule covers for TCP, or None when it never matches TCP."""
    protocol = entry["protocol"]
    if protocol in ("-1", "all"):
        return ALL_PORTS
    if protocol not in (TCP, "tcp"):
        return None
    low, high = entry.get("from_port"), entry.get("to_port")
    if low is None or high is None:
        return ALL_PORTS
    return (int(low), int(high))


def _network(cidr):
    try:
        return ipaddress.ip_network(cidr, strict=False)
    except (TypeError, ValueError):
        return None


def _overlap(low_a, high_a, low_b, high_b):
    low, high = max(low_a, low_b), min(high_a, high_b)
    return (low, high) if low <= high else None


def _split(piece, rule_net, rule_ports):
    """``(covered, rest)``: the part of ``piece`` the rule covers, and the pieces it leaves undecided.

    A piece is ``(network, (low, high))``. With A the piece's block, P its ports, R the rule's block
    and Q its ports, the rule covers (A ∩ R) × (P ∩ Q) and leaves
    (A \\ R) × P  ∪  (A ∩ R) × (P \\ Q): the addresses outside the rule with every port, and the
    addresses inside it with the ports outside the rule. A \\ R is a list of CIDR blocks
    (``address_exclude``); P \\ Q is at most two intervals. Two CIDR blocks either nest or are disjoint,
    so A ∩ R is A or R.
    """
    network, (low, high) = piece
    if network.version != rule_net.version or not network.overlaps(rule_net):
        return None, [piece]
    ports = _overlap(low, high, rule_ports[0], rule_ports[1])
    if ports is None:
        return None, [piece]
    inside = network if network.subnet_of(rule_net) else rule_net
    rest = []
    if inside != network:
        rest.extend((block, (low, high)) for block in network.address_exclude(inside))
    if low < ports[0]:
        rest.append((inside, (low, ports[0] - 1)))
    if ports[1] < high:
        rest.append((inside, (ports[1] + 1, high)))
    return (inside, ports), rest


class FlowVerdict:
    """Whether a flow passes one direction of an ACL; ``blocked`` lists what does not, and why."""

    def __init__(self, blocked):
        # [{"cidr", "from_port", "to_port", "rule_number", "action"}]; rule_number STAR_RULE is "*"
        self.blocked = blocked

    @property
    def allowed(self):
        return not self.blocked

    @property
    def deciding_rules(self):
        return sorted(set(b["rule_number"] for b in self.blocked))

    def __repr__(self):
        return "FlowVerdict(blocked=%r)" % (self.blocked,)


def evaluate_flow(entries, egress, peer_cidr, from_port, to_port):
    """Decide a TCP flow to (egress) or from (ingress) ``peer_cidr`` on ports ``from_port``-``to_port``.

    ``entries``: the ACL's entries (normalised or as DescribeNetworkAcls returns them). The ports are
    the destination ports of the packets checked in that direction.
    """
    entries = [e if "rule_number" in e else normalise_entry(e) for e in entries]
    rules = sorted((e for e in entries if e["egress"] == bool(egress)), key=lambda e: e["rule_number"])
    pending = [(ipaddress.ip_network(peer_cidr, strict=False), (int(from_port), int(to_port)))]
    blocked = []
    for rule in rules:
        if not pending:
            break
        rule_net, rule_ports = _network(rule["cidr"]), _rule_ports(rule)
        if rule_net is None or rule_ports is None:
            continue
        still = []
        for piece in pending:
            covered, rest = _split(piece, rule_net, rule_ports)
            still.extend(rest)
            if covered is not None and rule["action"] != "allow":
                blocked.append(_blocked(covered, rule["rule_number"]))
        pending = still
    # Nothing matched these: the "*" rule denies them (whether or not the answer listed it).
    blocked.extend(_blocked(piece, STAR_RULE) for piece in pending)
    return FlowVerdict(_merge(blocked))


def _blocked(piece, rule_number):
    network, (low, high) = piece
    return {"cidr": str(network), "from_port": low, "to_port": high, "rule_number": rule_number,
            "action": "deny"}


def _merge(blocked):
    """Collapse the blocked pieces per deciding rule and port interval (readable messages)."""
    groups = {}
    for item in blocked:
        groups.setdefault((item["rule_number"], item["from_port"], item["to_port"]), []).append(
            ipaddress.ip_network(item["cidr"]))
    merged = []
    for (rule, low, high), networks in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        for version in (4, 6):
            same = [n for n in networks if n.version == version]
            for network in ipaddress.collapse_addresses(same):
                merged.append({"cidr": str(network), "from_port": low, "to_port": high, "rule_number": rule,
                               "action": "deny"})
    return merged


def rule_label(rule_number):
    return "*" if rule_number == STAR_RULE else str(rule_number)


def free_rule_number(entries, egress, below):
    """A rule number not used in that direction and lower than ``below`` (a round one when possible)."""
    entries = [e if "rule_number" in e else normalise_entry(e) for e in entries]
    used = set(e["rule_number"] for e in entries if e["egress"] == bool(egress))
    start = below - 1
    for candidate in range(start - start % 10, 0, -10):
        if candidate not in used and candidate < below:
            return candidate
    for candidate in range(start, 0, -1):
        if candidate not in used:
            return candidate
    return None
