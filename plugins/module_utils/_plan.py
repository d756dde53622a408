# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan: pure functions from (desired, current) to a list of actions (private).

An action is ``{"service", "action", "details"}`` with action one of ``create``,
``modify``, ``adopt`` (modify an endpoint the collection did not create) or ``delete``.
Nothing here calls AWS, so every rule is unit-tested with plain dicts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    BROKEN_STATES,
    GATEWAY,
    GONE_STATES,
    INTERFACE,
    MANAGED_GROUP_PLACEHOLDER,
    OWNER_TAG_KEY,
    POLICY_KEPT,
    OWNER_TAG_VALUE,
    is_owned,
    serving_order,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import policies_equal
from ansible_collections.privatelink.ecr.plugins.module_utils._services import short_name

SECURITY_GROUP_SERVICE = "security_group"


def live(endpoints):
    return [e for e in endpoints if (e.get("state") or "").lower() not in GONE_STATES]


def _usable(endpoint):
    return (endpoint.get("state") or "").lower() not in BROKEN_STATES


_keeper_order = serving_order  # the endpoint kept for a service is the one that serves it


def _set_diff(desired, current, key, add_key, remove_key, details, additive=False):
    wanted = desired.get(key)
    if wanted is None:
        return
    have = set(current.get(key) or [])
    add, remove = sorted(set(wanted) - have), sorted(have - set(wanted))
    if add:
        details[add_key] = add
    if remove and not additive:
        details[remove_key] = remove


def _policy_and_tags(desired, current, details):
    wanted = desired.get("policy")
    if wanted != POLICY_KEPT and not policies_equal(wanted, current.get("policy")):
        if wanted is None:
            details["reset_policy"] = True
        else:
            details["policy"] = wanted
    tags = current.get("tags") or {}
    missing = {k: v for k, v in (desired.get("tags") or {}).items() if tags.get(k) != v}
    if missing:
        details["tags"] = missing


def endpoint_changes(desired, current):
    """What ModifyVpcEndpoint (and CreateTags) must change on an owned ``current`` to reach ``desired``."""
    details = {}
    if desired["vpc_endpoint_type"] == INTERFACE:
        _set_diff(desired, current, "subnet_ids", "add_subnet_ids", "remove_subnet_ids", details)
        _set_diff(desired, current, "security_group_ids", "add_security_group_ids", "remove_security_group_ids",
                  details)
        if desired.get("private_dns_enabled") is not None and \
                bool(current.get("private_dns_enabled")) != desired["private_dns_enabled"]:
            details["private_dns_enabled"] = desired["private_dns_enabled"]
        if desired.get("ip_address_type") and current.get("ip_address_type") and \
                current["ip_address_type"] != desired["ip_address_type"]:
            details["ip_address_type"] = desired["ip_address_type"]
    else:
        _set_diff(desired, current, "route_table_ids", "add_route_table_ids", "remove_route_table_ids", details)
    _policy_and_tags(desired, current, details)
    return details


def adoption_changes(desired, current, zone_of=None):
    """What adopting the user's ``current`` endpoint adds; nothing its owner set is taken away.

    A wanted subnet is added only in a zone the endpoint does not cover yet (``zone_of`` maps subnet
    ids to zones; without it every missing subnet is proposed and the zone check before the apply
    decides), the route tables and security groups only added, private DNS only turned on, the
    IP address type left alone, the policy changed only when one is asked for.
    """
    details = {}
    zone_of = zone_of or {}
    if desired["vpc_endpoint_type"] == INTERFACE:
        covered = set(zone_of.get(s) for s in current.get("subnet_ids") or []) - set([None])
        have = set(current.get("subnet_ids") or [])
        add, zones = [], set(covered)
        for subnet_id in sorted(desired.get("subnet_ids") or []):
            zone = zone_of.get(subnet_id)
            if subnet_id in have or (zone is not None and zone in zones):
                continue
            add.append(subnet_id)
            zones.add(zone)
        if add:
            details["add_subnet_ids"] = add
        _set_diff(desired, current, "security_group_ids", "add_security_group_ids", None, details, additive=True)
        if desired.get("private_dns_enabled") and not current.get("private_dns_enabled"):
            details["private_dns_enabled"] = True
    else:
        _set_diff(desired, current, "route_table_ids", "add_route_table_ids", None, details, additive=True)
    _policy_and_tags(desired, current, details)
    return details


def _create_details(desired):
    details = {k: copy.deepcopy(v) for k, v in desired.items()
               if k != "service" and v is not None and v != POLICY_KEPT}
    details["tags"] = dict(desired.get("tags") or {}, **{OWNER_TAG_KEY: OWNER_TAG_VALUE})
    return details


def _delete(endpoint, region, reason):
    return {"service": short_name(endpoint["service_name"], region), "action": "delete",
            "details": {"vpc_endpoint_id": endpoint["vpc_endpoint_id"],
                        "service_name": endpoint["service_name"],
                        "vpc_endpoint_type": endpoint["vpc_endpoint_type"], "reason": reason}}


def plan_present(desired_specs, current, region, purge_services=False, zone_of=None):
    """Actions that make the VPC's endpoints match ``desired_specs`` (one per wanted service).

    Owned endpoints are converged fully; the user's own are adopted additively (``adoption_changes``).
    """
    actions = []
    current = live(current)
    wanted_names = set(d["service_name"] for d in desired_specs)
    for desired in desired_specs:
        same_service = [e for e in current if e["service_name"] == desired["service_name"]]
        for endpoint in same_service:
            if endpoint["vpc_endpoint_type"] != desired["vpc_endpoint_type"] and is_owned(endpoint):
                actions.append(_delete(endpoint, region, "type %s cannot be changed in place to %s"
                                       % (endpoint["vpc_endpoint_type"], desired["vpc_endpoint_type"])))
        candidates = sorted((e for e in same_service
                             if e["vpc_endpoint_type"] == desired["vpc_endpoint_type"]), key=_keeper_order)
        for endpoint in candidates:
            if not _usable(endpoint) and is_owned(endpoint):
                actions.append(_delete(endpoint, region, "state is %s" % endpoint["state"]))
        candidates = [e for e in candidates if _usable(e)]
        if not candidates:
            actions.append({"service": desired["service"], "action": "create", "details": _create_details(desired)})
            continue
        keeper = candidates[0]
        for extra in candidates[1:]:
            if is_owned(extra):
                actions.append(_delete(extra, region, "duplicate of %s" % keeper["vpc_endpoint_id"]))
        changes = endpoint_changes(desired, keeper) if is_owned(keeper) else adoption_changes(desired, keeper, zone_of)
        if changes:
            changes["vpc_endpoint_id"] = keeper["vpc_endpoint_id"]
            actions.append({"service": desired["service"], "action": "modify" if is_owned(keeper) else "adopt",
                            "details": changes})
    if purge_services:
        for endpoint in current:
            if is_owned(endpoint) and endpoint["service_name"] not in wanted_names:
                actions.append(_delete(endpoint, region, "service not wanted (purge_services)"))
    return actions


def plan_absent(service_names, current, region, purge_services=False):
    """Delete owned endpoints of the given services (every owned endpoint with purge_services)."""
    return [_delete(e, region, "state is absent") for e in sorted(live(current), key=_keeper_order)
            if is_owned(e) and (purge_services or e["service_name"] in service_names)]


def plan_give_back(adopted, managed_group_id, region):
    """``state: absent`` on the user's own endpoints: keep each, and take back the managed group.

    Subnets and route tables the collection added stay (nothing records whether their owner wanted
    them). An endpoint whose only group is the managed one keeps it: an interface endpoint needs one.
    Returns (actions, left) where left lists ``{vpc_endpoint_id, service, reason}`` per endpoint kept.
    """
    actions, left = [], []
    for endpoint in sorted(adopted, key=lambda e: e["vpc_endpoint_id"]):
        service = short_name(endpoint["service_name"], region)
        groups = endpoint.get("security_group_ids") or []
        reason = "not created by privatelink.ecr (no %s tag): kept as it is" % OWNER_TAG_KEY
        if managed_group_id and managed_group_id in groups:
            if len(groups) > 1:
                actions.append({"service": service, "action": "adopt",
                                "details": {"vpc_endpoint_id": endpoint["vpc_endpoint_id"],
                                            "remove_security_group_ids": [managed_group_id]}})
                reason = ("not created by privatelink.ecr (no %s tag): kept, and the managed security group %s "
                          "taken back" % (OWNER_TAG_KEY, managed_group_id))
            else:
                reason = ("not created by privatelink.ecr (no %s tag): kept with the managed security group %s, "
                          "its only group (an interface endpoint needs one); so the group is kept too"
                          % (OWNER_TAG_KEY, managed_group_id))
        left.append({"vpc_endpoint_id": endpoint["vpc_endpoint_id"], "service": service, "reason": reason})
    return actions, left


def plan_security_group(group_name, cidrs, tags, current_group, description):
    """The managed group's action (create or modify), or None when it is as wanted."""
    wanted = sorted(set(cidrs))
    if current_group is None:
        return {"service": SECURITY_GROUP_SERVICE, "action": "create",
                "details": {"group_name": group_name, "description": description, "add_cidrs": wanted,
                            "tags": dict(tags or {}, **{OWNER_TAG_KEY: OWNER_TAG_VALUE})}}
    have = set(current_group["https_cidrs"])
    details = {}
    if set(wanted) - have:
        details["add_cidrs"] = sorted(set(wanted) - have)
    if have - set(wanted):
        details["remove_cidrs"] = sorted(have - set(wanted))
    missing = {k: v for k, v in (tags or {}).items() if current_group["tags"].get(k) != v}
    if missing:
        details["tags"] = missing
    if not details:
        return None
    details["group_id"] = current_group["group_id"]
    details["group_name"] = current_group["group_name"]
    return {"service": SECURITY_GROUP_SERVICE, "action": "modify" if is_owned(current_group) else "adopt",
            "details": details}


# The order a plan is applied in: the managed group first (endpoints name it), then deletes (a
# replaced endpoint must be gone before its successor claims its private DNS name or routes),
# creates, modifications, and last the group's own deletion (once no endpoint uses it).
_PHASES = {"delete": 1, "create": 2, "modify": 3, "adopt": 3}


def _phase(action):
    if action["service"] == SECURITY_GROUP_SERVICE:
        return 4 if action["action"] == "delete" else 0
    return _PHASES[action["action"]]


def execution_order(actions):
    """The plan sorted into the order it is applied (stable within a phase): ``changes`` lists it so."""
    return sorted(actions, key=_phase)


def predict(current, actions, region, vpc_id=None):
    """The endpoints as they will be after ``actions``: the "after" of the diff in check mode.

    Applying the plan to its own prediction yields no action, a property the unit tests check.
    """
    result = {e["vpc_endpoint_id"]: copy.deepcopy(e) for e in live(current)}
    for index, action in enumerate(actions):
        details = action["details"]
        if action["service"] == SECURITY_GROUP_SERVICE:
            continue
        if action["action"] == "delete":
            result.pop(details["vpc_endpoint_id"], None)
        elif action["action"] == "create":
            new_id = "(new %s endpoint)" % action["service"]
            result[new_id] = {
                "vpc_endpoint_id": new_id,
                "service_name": details["service_name"],
                "vpc_endpoint_type": details["vpc_endpoint_type"],
                "state": "available",
                "subnet_ids": sorted(details.get("subnet_ids") or []),
                "route_table_ids": sorted(details.get("route_table_ids") or []),
                "security_group_ids": sorted(details.get("security_group_ids") or []),
                "private_dns_enabled": bool(details.get("private_dns_enabled")),
                "ip_address_type": details.get("ip_address_type"),
                "dns_entries": [],
                "policy": copy.deepcopy(details.get("policy")),
                "tags": dict(details["tags"]),
                "creation_timestamp": "~%04d" % index,
                "dns_options": _predicted_dns_options(details),
            }
        else:
            endpoint = result[details["vpc_endpoint_id"]]
            _apply_changes(endpoint, details)
    return sorted(result.values(), key=lambda e: e["vpc_endpoint_id"])


def _predicted_dns_options(details):
    """What AWS will report as a new endpoint's DnsOptions (none for a gateway endpoint)."""
    if details["vpc_endpoint_type"] == GATEWAY:
        return None
    ip_type = details.get("ip_address_type") or "ipv4"
    predicted = {"dns_record_ip_type": ip_type if ip_type in ("ipv4", "dualstack", "ipv6") else None,
                 "private_dns_only_for_inbound_resolver_endpoint": None}
    predicted.update(details.get("dns_options") or {})
    return predicted


def _apply_changes(endpoint, details):
    for key in ("subnet_ids", "security_group_ids", "route_table_ids"):
        values = (set(endpoint.get(key) or []) | set(details.get("add_" + key, []))) - \
            set(details.get("remove_" + key, []))
        endpoint[key] = sorted(values)
    if "private_dns_enabled" in details:
        endpoint["private_dns_enabled"] = details["private_dns_enabled"]
    if "ip_address_type" in details:
        endpoint["ip_address_type"] = details["ip_address_type"]
    if "dns_options" in details:
        endpoint["dns_options"] = dict(endpoint.get("dns_options") or {"dns_record_ip_type": None},
                                       **details["dns_options"])
    if details.get("reset_policy"):
        endpoint["policy"] = None
    if "policy" in details:
        endpoint["policy"] = copy.deepcopy(details["policy"])
    endpoint["tags"] = dict(endpoint.get("tags") or {}, **details.get("tags", {}))


def endpoints_by_service(endpoints, desired_specs):
    """The endpoint kept for each wanted service, keyed by short name (the module's return)."""
    result = {}
    for desired in desired_specs:
        matches = sorted((e for e in live(endpoints) if e["service_name"] == desired["service_name"]
                          and e["vpc_endpoint_type"] == desired["vpc_endpoint_type"] and _usable(e)),
                         key=_keeper_order)
        if matches:
            result[desired["service"]] = matches[0]
    return result


def name_created_group(actions, group_id):
    """The plan as applied: the managed group's placeholder replaced by the id AWS gave it."""
    result = copy.deepcopy(actions)
    for action in result:
        if action["service"] == SECURITY_GROUP_SERVICE and action["action"] == "create":
            action["details"]["group_id"] = group_id
        for key in ("security_group_ids", "add_security_group_ids"):
            ids = action["details"].get(key)
            if ids:
                action["details"][key] = sorted(set(group_id if i == MANAGED_GROUP_PLACEHOLDER else i for i in ids))
    return result
