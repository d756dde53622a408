# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Managed prefix lists: read once per run, and expanded wherever a rule or a route names one (private).

A security-group rule may name a managed prefix list as its source or destination, and a route table
may route to a prefix list destination (``DestinationPrefixListId``); both count with the list's
entries. VPC user guide, "Managed prefix lists"
(https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html) and "Reference prefix
lists in your AWS resources" (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists-referencing.html).
AWS-managed lists (``OwnerId`` ``AWS``: ``com.amazonaws.REGION.s3`` and others) and customer-managed
lists (own or shared through AWS RAM) are read alike: DescribeManagedPrefixLists lists every list the
account can see, GetManagedPrefixListEntries gives one list's current entries (EC2 API reference,
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeManagedPrefixLists.html and
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetManagedPrefixListEntries.html; both paginated).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import translated
from ansible_collections.privatelink.ecr.plugins.module_utils._ec2_reader import paginate

PREFIX = "pl-"


def is_prefix_list(value):
    return str(value or "").startswith(PREFIX)


def normalise_prefix_list(raw, entries):
    return {
        "prefix_list_id": raw["PrefixListId"],
        "name": raw.get("PrefixListName"),
        "owner_id": raw.get("OwnerId"),
        "cidrs": sorted(e["Cidr"] for e in entries or [] if e.get("Cidr")),
    }


def rule_prefix_list_ids(groups, direction="ingress"):
    """Every prefix list id the ``direction`` rules (``ingress`` or ``egress``) of ``groups`` name."""
    ids = set()
    for group in groups:
        for rule in group.get(direction) or []:
            ids.update(rule.get("prefix_list_ids") or [])
    return ids


def route_prefix_list_ids(route_tables):
    """Every prefix list id a route of ``route_tables`` (normalised) has as destination."""
    return set(r["destination"] for t in route_tables for r in t.get("routes") or []
               if is_prefix_list(r.get("destination")))


def cidrs_of(prefix_lists, prefix_list_id):
    """The entries of a list, or [] when it is unknown (not visible to the account: it covers nothing)."""
    return list(((prefix_lists or {}).get(prefix_list_id) or {}).get("cidrs") or [])


def rule_cidrs(rule, prefix_lists):
    """A rule's CIDR blocks, IPv4 and IPv6, with the entries of the prefix lists it names."""
    cidrs = list(rule.get("cidrs") or []) + list(rule.get("ipv6_cidrs") or [])
    for prefix_list_id in rule.get("prefix_list_ids") or []:
        cidrs.extend(cidrs_of(prefix_lists, prefix_list_id))
    return cidrs


def route_covering(table, cidr, prefix_lists):
    """The route of ``table`` that carries traffic to every address of ``cidr``, or None.

    Longest prefix match; a route to a prefix list counts with each of its entries, and a static CIDR
    route wins over a prefix-list route of the same length (VPC user guide, "Route priority",
    https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html).
    """
    target = ipaddress.ip_network(cidr, strict=False)
    best = None
    for route in table.get("routes") or []:
        destination = route.get("destination") or ""
        blocks = cidrs_of(prefix_lists, destination) if is_prefix_list(destination) else [destination]
        for block in blocks:
            try:
                network = ipaddress.ip_network(block, strict=False)
            except ValueError:
                continue
            if network.version != target.version or not target.subnet_of(network):
                continue
            rank = (network.prefixlen, not is_prefix_list(destination))
            if best is None or rank > best[0]:
                best = (rank, route)
    return best[1] if best else None


class PrefixListReader:
    """Managed prefix lists of one account and region: listed once, each list's entries read once."""

    def __init__(self, client):
        self.client = client
        self._listing = None
        self.lists = {}

    @translated("describe the managed prefix lists")
    def listing(self):
        if self._listing is None:
            raw = paginate(self.client, "describe_managed_prefix_lists", "PrefixLists")
            self._listing = dict((p["PrefixListId"], p) for p in raw)
        return self._listing

    def by_name(self, name):
        """The list named ``name`` (with its entries), or None when the account sees none of that name."""
        matches = sorted(k for k, v in self.listing().items() if v.get("PrefixListName") == name)
        return self.read([matches[0]])[matches[0]] if matches else None

    @translated("read the entries of the managed prefix lists")
    def read(self, ids):
        """``{id: normalised list}`` for ``ids``; a list the account cannot see is left out."""
        wanted = sorted(set(i for i in ids if is_prefix_list(i)))
        if any(i not in self.lists for i in wanted):
            listing = self.listing()
            for prefix_list_id in wanted:
                if prefix_list_id in self.lists or prefix_list_id not in listing:
                    continue
                entries = paginate(self.client, "get_managed_prefix_list_entries", "Entries",
                                   PrefixListId=prefix_list_id)
                self.lists[prefix_list_id] = normalise_prefix_list(listing[prefix_list_id], entries)
        return dict((i, self.lists[i]) for i in wanted if i in self.lists)
