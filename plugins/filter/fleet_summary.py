# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: fleet_summary
short_description: Count the actions of a fleet run, per host and in all, the way C(terraform plan) ends
version_added: 0.1.0
description:
  - Reads, for each inventory host of a run, the results its tasks registered (M(privatelink.ecr.ecr_private_endpoints),
    M(privatelink.ecr.ecr_endpoint_zones), C(privatelink.ecr.ecr_pull_through_cache)) and counts the actions of
    their C(changes) by kind, per host and for the fleet.
  - "The fleet line reads C(Plan: C to create, M to modify, A to adopt, D to delete; U of N hosts unchanged) in
    check mode, C(Applied: ...) with the same counts otherwise. N is the number of hosts given, U the hosts that
    did not fail and have no action."
  - "How actions count. Endpoints and the managed security group: C(create), C(modify), C(adopt), C(delete) as
    they are. Pull-through cache rules: C(create), C(update) (a modify), C(delete). Hosted zones: C(create_zone)
    and C(associate) (a VPC association is created) are creates; C(tag_zone) and C(upsert_records) are modifies,
    except on a zone the same result creates, where they are part of that create; C(disassociate),
    C(delete_authorization) (an authorization an interrupted run left) and C(delete_zone) are deletes. Any other
    action counts as a modify."
  - A failed host (named in O(failed), or with a registered result that failed) counts in N, never in U; what it
    applied before it failed (the C(changes) of a failed result) is counted, and its line says C(failed).
  - Only hosts with an action or a failure get a line of their own; the others are counted, not listed.
  - The C(privatelink.ecr.deploy) and C(privatelink.ecr.destroy) playbooks end with this summary.
positional: _input, hostvars
options:
  _input:
    description: The inventory hostnames of the run (in a play, C(ansible_play_hosts_all)), in the order to report.
    type: list
    elements: str
    required: true
  hostvars:
    description:
      - "Every host's variables (C(hostvars)), or any dict of C({host: {variable: value}})."
      - A host absent from it, or without any of the O(results) variables, has no action.
    type: dict
    required: true
  results:
    description:
      - The names of the registered variables to read on each host. Each holds one registered result, or a loop's
        result with a C(results) list; skipped results and names a host does not have are ignored.
    type: list
    elements: str
    default: [vpc_endpoints_result, vpc_endpoints_zones_result, vpc_endpoints_zones_absent_result,
              ecr_pull_through_cache_result]
  failed:
    description: The hosts that failed (in a play, C(ansible_play_hosts_all | difference(ansible_play_hosts))).
    type: list
    elements: str
    default: []
  check_mode:
    description: Whether the run was a plan (C(ansible_check_mode)); it picks C(Plan:) or C(Applied:).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Print the plan of the run, once (the end of privatelink.ecr.deploy)
  ansible.builtin.debug:
    msg: "{{ summary.lines + [summary.line] }}"
  run_once: true
  vars:
    summary: >-
      {{ ansible_play_hosts_all | privatelink.ecr.fleet_summary(hostvars,
           failed=ansible_play_hosts_all | difference(ansible_play_hosts), check_mode=ansible_check_mode) }}
# ok: [vpc-a] => {
#     "msg": [
#         "vpc-a: 5 to create, 0 to modify, 0 to adopt, 0 to delete",
#         "vpc-c: failed; 0 to create, 0 to modify, 0 to adopt, 0 to delete",
#         "Plan: 5 to create, 0 to modify, 0 to adopt, 0 to delete; 1 of 3 hosts unchanged"
#     ]
# }

- name: The fleet's creates, as a number
  ansible.builtin.debug:
    msg: "{{ (ansible_play_hosts_all | privatelink.ecr.fleet_summary(hostvars)).totals.create }}"
"""

RETURN = r"""
_value:
  description: The counts and the lines to print.
  type: dict
  contains:
    line:
      description: "The fleet line: C(Plan: C to create, M to modify, A to adopt, D to delete; U of N hosts
        unchanged), or C(Applied: ...) with the same counts when O(check_mode) is false."
      type: str
      sample: "Applied: 3 to create, 1 to modify, 0 to adopt, 0 to delete; 4 of 5 hosts unchanged"
    lines:
      description: One line per host with an action or a failure, in the order of the hosts given.
      type: list
      elements: str
      sample: ["vpc-a: 3 to create, 1 to modify, 0 to adopt, 0 to delete"]
    hosts:
      description: The hosts with an action or a failure, each with its counts.
      type: list
      elements: dict
      contains:
        host:
          description: The inventory hostname.
          type: str
        create:
          description: Actions that create.
          type: int
        modify:
          description: Actions that change in place.
          type: int
        adopt:
          description: Endpoints (or the managed group) taken in additively.
          type: int
        delete:
          description: Actions that delete.
          type: int
        failed:
          description: Whether the host failed.
          type: bool
    totals:
      description: The fleet's counts, C({create, modify, adopt, delete}).
      type: dict
    unchanged:
      description: The hosts that did not fail and have no action (U).
      type: int
    total:
      description: The hosts given (N).
      type: int
    failed:
      description: The hosts that failed.
      type: list
      elements: str
    check_mode:
      description: O(check_mode), as given.
      type: bool
"""

from collections.abc import Mapping

KINDS = ("create", "modify", "adopt", "delete")
# Every module's action names, as the kind it counts under. Endpoint and managed-group actions are the kinds
# themselves; ecr_pull_through_cache updates a rule in place; ecr_endpoint_zones names its Route 53 steps.
ACTION_KINDS = {
    "create": "create",
    "modify": "modify",
    "update": "modify",
    "adopt": "adopt",
    "delete": "delete",
    "create_zone": "create",
    "associate": "create",
    "tag_zone": "modify",
    "upsert_records": "modify",
    "disassociate": "delete",
    "delete_authorization": "delete",
    "delete_zone": "delete",
}
# Steps of a hosted zone that the same result creates: they finish that create, they change nothing that was.
PART_OF_ZONE_CREATE = frozenset(["tag_zone", "upsert_records"])
DEFAULT_RESULTS = ("vpc_endpoints_result", "vpc_endpoints_zones_result", "vpc_endpoints_zones_absent_result",
                   "ecr_pull_through_cache_result")


def count_changes(changes):
    """``{create, modify, adopt, delete}`` for one result's ``changes`` (see DOCUMENTATION for the rules)."""
    counts = dict((kind, 0) for kind in KINDS)
    changes = [c for c in changes or [] if isinstance(c, Mapping)]
    created_zones = set(_zone_name(c) for c in changes if c.get("action") == "create_zone")
    for change in changes:
        action = change.get("action")
        if action in PART_OF_ZONE_CREATE and _zone_name(change) in created_zones:
            continue
        counts[ACTION_KINDS.get(action, "modify")] += 1
    return counts


def _zone_name(change):
    details = change.get("details")
    return details.get("name") if isinstance(details, Mapping) else None


def _results_of(registered):
    """The module results a registered variable holds: itself, or each item of a loop's ``results``."""
    if not isinstance(registered, Mapping):
        return []
    if isinstance(registered.get("results"), list) and "changes" not in registered:
        return [r for r in registered["results"] if isinstance(r, Mapping)]
    return [registered]


def host_counts(variables, results=DEFAULT_RESULTS):
    """``(counts, failed)`` of one host from its registered results (skipped ones have no ``changes``)."""
    counts = dict((kind, 0) for kind in KINDS)
    failed = False
    for name in results:
        if variables is None or name not in variables:
            continue
        for result in _results_of(variables[name]):
            failed = failed or bool(result.get("failed"))
            for kind, number in count_changes(result.get("changes")).items():
                counts[kind] += number
    return counts, failed


def _counts_text(counts):
    return "%d to create, %d to modify, %d to adopt, %d to delete" % tuple(counts[k] for k in KINDS)


def summarize(hosts, hostvars, results=DEFAULT_RESULTS, failed=(), check_mode=False):
    """The fleet summary of ``hosts`` (pure: plain data in, plain data out)."""
    failed_hosts = set(failed or [])
    totals = dict((kind, 0) for kind in KINDS)
    listed, lines, failures = [], [], []
    unchanged = 0
    for host in hosts:
        variables = hostvars[host] if host in hostvars else None
        counts, result_failed = host_counts(variables, results)
        host_failed = result_failed or host in failed_hosts
        for kind in KINDS:
            totals[kind] += counts[kind]
        if host_failed:
            failures.append(host)
        elif not any(counts.values()):
            unchanged += 1
            continue
        listed.append(dict(counts, host=host, failed=host_failed))
        lines.append("%s: %s%s" % (host, "failed; " if host_failed else "", _counts_text(counts)))
    line = "%s: %s; %d of %d hosts unchanged" % ("Plan" if check_mode else "Applied", _counts_text(totals),
                                                 unchanged, len(hosts))
    return {"line": line, "lines": lines, "hosts": listed, "totals": totals, "unchanged": unchanged,
            "total": len(hosts), "failed": failures, "check_mode": bool(check_mode)}


def fleet_summary(hosts, hostvars, results=None, failed=None, check_mode=False):
    """The filter: ``ansible_play_hosts_all | privatelink.ecr.fleet_summary(hostvars, ...)``."""
    return summarize(list(hosts or []), hostvars or {}, list(results) if results is not None else DEFAULT_RESULTS,
                     failed or [], check_mode)


class FilterModule(object):
    def filters(self):
        return {"fleet_summary": fleet_summary}
