# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route 53 private hosted zones for centralized endpoints: the pure half (private).

Everything here is data in, data out: the zones a hub needs (named after the services' private DNS
names as DescribeVpcEndpointServices reports them, never from a hand-written table), the records
each holds (the apex alias to the hub endpoint, and ``*.`` where the private DNS name is a
wildcard), and the plan that takes the current zones to the wanted ones. ``_zones`` reads AWS,
calls these functions, and applies the plan.

Shapes::

    service DNS   {short: {"service_name", "dns_names": ["api.ecr.eu-west-1.amazonaws.com", "*.dkr..."]}}
    wanted zone   {"name", "service", "wildcard"}
    current zone  {"zone_id", "name", "account_id", "owned", "tags", "vpcs": [[vpc_id, region]],
                   "records": {"NAME|TYPE": {"dns_name", "hosted_zone_id"}} or None (not read),
                   "authorizations": [[vpc_id, region]] or None (not read)}
    target        {"vpc_endpoint_id", "dns_name", "hosted_zone_id", "state"}
    action        {"service", "action", "details"}

Actions, in the order they are applied: ``create_zone`` (with the hub VPC, then the ownership tag),
``tag_zone``, ``upsert_records``, ``associate`` (a cross-account one authorizes with the zone's
account, associates with the VPC's, and deletes the authorization), ``delete_authorization``,
``disassociate``, ``delete_zone`` (its records first).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    OWNER_TAG_KEY,
    OWNER_TAG_VALUE,
)

ZONE_PLACEHOLDER = "(hosted zone, to be created)"
TARGET_PLACEHOLDER = "(hub endpoint, to be created)"
# Services a hub never centralizes: S3 layers go through each spoke's own (free) gateway endpoint,
# and a gateway endpoint serves only its own VPC: traffic from across a peering or a transit gateway
# cannot use it (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html; README.md,
# "Per-VPC or centralized endpoints: what each costs").
NOT_CENTRALIZED = frozenset(["s3"])
ACTION_ORDER = ("create_zone", "tag_zone", "upsert_records", "associate", "delete_authorization",
                "disassociate", "delete_zone")


def normal_name(name):
    """A DNS name as compared: lower case, no trailing dot."""
    return (name or "").strip().rstrip(".").lower()


def record_key(name, record_type="A"):
    return "%s|%s" % (normal_name(name), record_type.upper())


def dns_names_of(detail):
    """The private DNS names of one DescribeVpcEndpointServices ``ServiceDetails`` item."""
    names = [n.get("PrivateDnsName") for n in detail.get("PrivateDnsNames") or [] if n.get("PrivateDnsName")]
    if not names and detail.get("PrivateDnsName"):
        names = [detail["PrivateDnsName"]]
    result = []
    for name in names:
        if normal_name(name) not in [normal_name(n) for n in result]:
            result.append(normal_name(name))
    return result


def wanted_zones(services, service_dns):
    """One zone per distinct private DNS name of each centralized service, in service order.

    ``*.dkr.ecr.eu-west-1.amazonaws.com`` gives the zone ``dkr.ecr.eu-west-1.amazonaws.com`` with a
    wildcard record besides the apex one. Returns ``(zones, missing)``: services without a private
    DNS name cannot be centralized and are listed in ``missing``.
    """
    zones, missing, seen = [], [], set()
    for service in services:
        if service in NOT_CENTRALIZED:
            continue
        names = (service_dns.get(service) or {}).get("dns_names") or []
        if not names:
            missing.append(service)
            continue
        for name in names:
            wildcard = name.startswith("*.")
            zone_name = name[2:] if wildcard else name
            if zone_name in seen:
                for zone in zones:
                    if zone["name"] == zone_name:
                        zone["wildcard"] = zone["wildcard"] or wildcard
                continue
            seen.add(zone_name)
            zones.append({"name": zone_name, "service": service, "wildcard": wildcard})
    return zones, missing


def target_of(endpoint):
    """The alias target of an interface endpoint: its regional DNS entry (AWS lists it first)."""
    entries = [e for e in endpoint.get("dns_entries") or [] if e.get("dns_name")]
    if not entries:
        return None
    return {"vpc_endpoint_id": endpoint["vpc_endpoint_id"], "dns_name": normal_name(entries[0]["dns_name"]),
            "hosted_zone_id": entries[0].get("hosted_zone_id"), "state": endpoint.get("state")}


def wanted_records(zone, target):
    """``{record key: alias}`` a hub zone holds: the apex, and ``*.`` for a wildcard name."""
    alias = {"dns_name": target["dns_name"], "hosted_zone_id": target["hosted_zone_id"]}
    records = {record_key(zone["name"]): alias}
    if zone["wildcard"]:
        records[record_key("*." + zone["name"])] = dict(alias)
    return records


def zone_by_name(current, name, vpc_id=None):
    """The current zone named ``name`` (associated with ``vpc_id`` when given), owned ones first."""
    found = [z for z in current if normal_name(z["name"]) == normal_name(name)
             and (vpc_id is None or any(v[0] == vpc_id for v in z.get("vpcs") or []))]
    found.sort(key=lambda z: (not z.get("owned"), z["zone_id"]))
    return found[0] if found else None


def is_owned_zone(tags):
    return (tags or {}).get(OWNER_TAG_KEY) == OWNER_TAG_VALUE


def _action(service, action, **details):
    return {"service": service, "action": action, "details": details}


def order(actions):
    return sorted(actions, key=lambda a: ACTION_ORDER.index(a["action"]))


def plan_hub(zones, current, targets, hub_vpc_id, region, tags=None):
    """The actions that give the hub VPC one owned zone per wanted name, with its alias records.

    ``targets``: {service: target or None} (None: the hub has no endpoint for it yet, check mode
    only). A zone of the name the collection did not create is left alone and listed in ``left``.
    Returns ``(actions, left)``.
    """
    tags = dict((k, str(v)) for k, v in (tags or {}).items())
    actions, left = [], []
    for zone in zones:
        service = zone["service"]
        target = targets.get(service) or {"vpc_endpoint_id": TARGET_PLACEHOLDER, "dns_name": TARGET_PLACEHOLDER,
                                          "hosted_zone_id": TARGET_PLACEHOLDER}
        records = wanted_records(zone, target)
        existing = zone_by_name(current, zone["name"], hub_vpc_id)
        if existing is None:
            actions.append(_action(service, "create_zone", name=zone["name"], vpc_id=hub_vpc_id, vpc_region=region,
                                   zone_id=ZONE_PLACEHOLDER,
                                   tags=dict(tags, **{OWNER_TAG_KEY: OWNER_TAG_VALUE})))
            actions.append(_action(service, "upsert_records", zone_id=ZONE_PLACEHOLDER, name=zone["name"],
                                   records=_record_list(records)))
            continue
        if not existing.get("owned"):
            left.append({"service": service, "zone_id": existing["zone_id"], "name": zone["name"],
                         "reason": "a hosted zone of this name not created by privatelink.ecr (no %s=%s tag) is "
                                   "associated with the hub VPC: left alone, and spokes are not associated with it"
                                   % (OWNER_TAG_KEY, OWNER_TAG_VALUE)})
            continue
        # The ownership tag too: a zone recognised as ours by its CallerReference may lack it.
        wanted_tags = dict(tags, **{OWNER_TAG_KEY: OWNER_TAG_VALUE})
        missing_tags = dict((k, v) for k, v in wanted_tags.items() if (existing.get("tags") or {}).get(k) != v)
        if missing_tags:
            actions.append(_action(service, "tag_zone", zone_id=existing["zone_id"], name=zone["name"],
                                   tags=missing_tags))
        have = existing.get("records") or {}
        changed = dict((key, alias) for key, alias in records.items() if not _same_alias(have.get(key), alias))
        if changed:
            actions.append(_action(service, "upsert_records", zone_id=existing["zone_id"], name=zone["name"],
                                   records=_record_list(changed)))
    return order(actions), left


def _same_alias(have, want):
    return bool(have) and normal_name(have.get("dns_name")) == normal_name(want["dns_name"]) \
        and (have.get("hosted_zone_id") or "") == (want.get("hosted_zone_id") or "")


def _record_list(records):
    return [{"name": key.split("|")[0], "type": key.split("|")[1], "alias_dns_name": alias["dns_name"],
             "alias_hosted_zone_id": alias["hosted_zone_id"]} for key, alias in sorted(records.items())]


def plan_hub_absent(zones, current, hub_vpc_id):
    """Delete the owned zones of the wanted names associated with the hub VPC (records first)."""
    actions = []
    for zone in zones:
        existing = zone_by_name(current, zone["name"], hub_vpc_id)
        if existing is None or not existing.get("owned"):
            continue
        records = sorted(existing.get("records") or {})
        actions.append(_action(zone["service"], "delete_zone", zone_id=existing["zone_id"], name=zone["name"],
                               records=records))
    return order(actions)


def plan_spoke(zones, hub_zones, vpc_id, region, vpc_account, present=True):
    """Associate (or, absent, disassociate) the spoke VPC with the hub's owned zones.

    ``hub_zones``: the zones associated with the hub VPC (``account_id`` is the zone's account,
    ``vpcs`` every VPC associated, ``authorizations`` the pending ones). A zone of another account
    is associated through an authorization, which is deleted afterwards; an authorization for this
    VPC left by an interrupted run is deleted. Returns ``(actions, left, missing)``: ``missing``
    lists the wanted zone names the hub does not have.
    """
    actions, left, missing = [], [], []
    for zone in zones:
        service = zone["service"]
        existing = zone_by_name(hub_zones, zone["name"])
        if existing is None:
            missing.append(zone["name"])
            continue
        if not existing.get("owned"):
            left.append({"service": service, "zone_id": existing["zone_id"], "name": zone["name"],
                         "reason": "the hub's zone of this name was not created by privatelink.ecr: not associated"})
            continue
        associated = any(v[0] == vpc_id for v in existing.get("vpcs") or [])
        cross = existing.get("account_id") != vpc_account
        pending = any(a[0] == vpc_id for a in existing.get("authorizations") or [])
        if present and not associated:
            actions.append(_action(service, "associate", zone_id=existing["zone_id"], name=zone["name"],
                                   vpc_id=vpc_id, vpc_region=region, cross_account=cross,
                                   zone_account_id=existing.get("account_id")))
            continue  # a cross-account association deletes its authorization itself
        if pending:
            actions.append(_action(service, "delete_authorization", zone_id=existing["zone_id"], name=zone["name"],
                                   vpc_id=vpc_id, vpc_region=region))
        if not present and associated:
            actions.append(_action(service, "disassociate", zone_id=existing["zone_id"], name=zone["name"],
                                   vpc_id=vpc_id, vpc_region=region))
    return order(actions), left, missing


def predict(current, actions):
    """The zones after ``actions`` (same shape as ``current``): what check mode and diff report."""
    zones = [dict(z, vpcs=[list(v) for v in z.get("vpcs") or []], records=dict(z.get("records") or {}),
                  authorizations=[list(a) for a in z.get("authorizations") or []]) for z in current]
    by_id = dict((z["zone_id"], z) for z in zones)
    for action in actions:
        details, kind = action["details"], action["action"]
        if kind == "create_zone":
            zone = {"zone_id": details["zone_id"], "name": details["name"], "owned": True, "tags": details["tags"],
                    "vpcs": [[details["vpc_id"], details["vpc_region"]]], "records": {}, "authorizations": [],
                    "account_id": None}
            zones.append(zone)
            by_id[zone["zone_id"]] = zone
            continue
        zone = by_id.get(details.get("zone_id"))
        if zone is None:
            continue
        if kind == "tag_zone":
            zone["tags"] = dict(zone.get("tags") or {}, **details["tags"])
        elif kind == "upsert_records":
            for record in details["records"]:
                zone["records"][record_key(record["name"], record["type"])] = {
                    "dns_name": record["alias_dns_name"], "hosted_zone_id": record["alias_hosted_zone_id"]}
        elif kind == "associate":
            zone["vpcs"].append([details["vpc_id"], details["vpc_region"]])
        elif kind == "delete_authorization":
            zone["authorizations"] = [a for a in zone["authorizations"] if a[0] != details["vpc_id"]]
        elif kind == "disassociate":
            zone["vpcs"] = [v for v in zone["vpcs"] if v[0] != details["vpc_id"]]
        elif kind == "delete_zone":
            zones.remove(zone)
            del by_id[zone["zone_id"]]
    return zones


def view(zones, wanted, vpc_id):
    """``{zone name: zone}`` as the module returns it, for the wanted names found in ``zones``."""
    result = {}
    for zone in wanted:
        found = zone_by_name(zones, zone["name"])
        if found is None:
            continue
        result[zone["name"]] = {
            "zone_id": found["zone_id"],
            "service": zone["service"],
            "account_id": found.get("account_id"),
            "owned": bool(found.get("owned")),
            "associated": any(v[0] == vpc_id for v in found.get("vpcs") or []),
            "records": [{"name": key.split("|")[0], "type": key.split("|")[1], "alias_dns_name": alias["dns_name"]}
                        for key, alias in sorted((found.get("records") or {}).items())],
        }
    return result
