#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: posture_report
short_description: Write the ECR private-endpoint posture reports (JSON, Markdown, HTML) from audit results
version_added: 0.1.0
description:
  - Writes C(posture.json), C(posture.md) and C(posture.html) into O(dest) from the per-target audit records
    the C(privatelink.ecr.audit) playbook collects (each holding the
    RV(privatelink.ecr.ecr_private_endpoints_info#module:vpcs) of one inventory target, or the error that stopped
    its audit).
  - Each record is kept as one file in the C(targets/) folder of O(dest), and the reports cover every stored
    record, so runs over parts of an inventory (C(--limit), AWX job slicing, several execution nodes writing to one shared
    directory) merge into one report. A target audited again replaces its own file only.
  - "The reports: C(posture.json) (keys C(schema_version), C(summary), C(overview), C(vpcs), C(findings), C(errors)
    and C(cost)), C(posture.md) and C(posture.html) (one self-contained page with sortable tables, severity
    filters and filters by account and by finding id, no external assets)."
  - Each C(vpcs) entry of C(posture.json) carries C(account_name) (the record's C(account_name); null when
    none) and C(vpc_name) (the VPC's C(Name) tag; null when untagged); the Markdown and HTML reports show both
    next to the ids. A link can open C(posture.html) filtered, for example
    C(posture.html#account=111122223333&finding=S3_ROUTE_MISSING&hide=info).
  - Makes no AWS call and needs no AWS credentials; it runs where the playbook's C(localhost) runs (the
    controller, or the AWX execution node), so O(dest) is a path there. It is not in the C(aws) action group.
  - With O(fail_on), the module fails B(after) writing the reports when a finding of that severity or worse
    exists among the targets of O(results).
  - Files are written atomically (a reader never sees half a file) and only when their content changes.
author:
  - privatelink.ecr maintainers (@privatelink)
options:
  results:
    description:
      - The per-target records to store, each a dict with C(target) (the inventory host name, required),
        C(account_label) (the account id when known), C(account_name) (what people call the account, the
        inventory's C(aws_account_name); optional), C(region), C(vpc) (the VPC id or name asked for),
        C(error) (the message when the audit of the target failed, else null), C(vpcs) (the info module's
        RV(privatelink.ecr.ecr_private_endpoints_info#module:vpcs)) and optionally C(audited_at) (UTC,
        C(YYYY-MM-DDTHH:MM:SSZ); default the current time).
      - When omitted, nothing is stored and the reports are rendered again from the records already in
        the C(targets/) folder of O(dest); O(fail_on) then judges all of them.
    type: list
    elements: dict
  dest:
    description:
      - The report directory; created when missing.
    type: path
    required: true
  fail_on:
    description:
      - Fail when a finding of this severity or worse exists among the targets of O(results) (among every stored
        target when O(results) is omitted). The reports are written first.
      - Audit errors do not count; the audit playbook fails the targets whose audit failed on its own.
    type: str
    choices: [high, medium, low]
  inventory_errors:
    description:
      - "The errors of the C(privatelink.ecr.aws_vpcs) inventory (its C(all) group variable C(aws_vpcs_errors),
        a list of C({account_id, region, message})): each is reported as an audit error of target
        C(ACCOUNT-REGION) (C(ACCOUNT) when the account itself could not be listed)."
      - When given, the inventory errors stored by earlier runs are replaced by these (an account that can be
        listed again leaves no stale error); when omitted they are kept.
    type: list
    elements: dict
extends_documentation_fragment:
  - privatelink.ecr.connection
  - privatelink.ecr.attributes
  - privatelink.ecr.attributes.action_group
attributes:
  check_mode:
    support: full
    details:
      - The reports are this module's output, not a change to AWS or to any managed resource, so check mode
        writes them too (C(ansible-playbook privatelink.ecr.audit --check) still produces the reports) and
        returns C(changed) as outside check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - With the same O(results) (records carrying their C(audited_at)), a second run writes nothing and returns
        C(changed=false). A record without C(audited_at) is stamped with the current time, so its file changes.
notes:
  - The connection options are accepted, and ignored, only so that C(module_defaults) for the group
    C(group/privatelink.ecr.aws), which holds every module of the collection, apply to this one too.
  - C(changed) is true when a file's content changed (a report, a stored record, or a stale inventory error
    removed). Audit times appear in C(posture.md) and C(posture.html), so a new audit changes them even when the
    findings are the same; RV(posture_changed) tells whether C(posture.json), which holds no time, changed.
  - "The same code renders from the command line, without Ansible:
    C(python3 <collection>/playbooks/files/render_posture.py DIR [--fail-on high])."
seealso:
  - module: privatelink.ecr.ecr_private_endpoints_info
  - name: The privatelink.ecr.audit playbook
    description: Audits every inventory target and writes the reports with this module.
    link: https://example.org/privatelink/ecr#posture-audit
"""

EXAMPLES = r"""
- name: Audit two VPCs of a region
  privatelink.ecr.ecr_private_endpoints_info:
    region: eu-west-1
    vpc_ids: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]
  register: audit

- name: Write the reports, fail when a high finding exists
  privatelink.ecr.posture_report:
    dest: /srv/reports/ecr-posture
    fail_on: high
    results:
      - target: "{{ inventory_hostname }}"
        account_label: "111122223333"
        region: eu-west-1
        error: null
        vpcs: "{{ audit.vpcs }}"
  delegate_to: localhost

- name: Render one report from the records of every host of the play (what the audit playbook does)
  privatelink.ecr.posture_report:
    dest: "{{ posture_report_dir }}"
    results: "{{ ansible_play_hosts_all | map('extract', hostvars) | selectattr('posture_record', 'defined')
                 | map(attribute='posture_record') | list }}"
    inventory_errors: "{{ aws_vpcs_errors | default(omit) }}"
  run_once: true
  delegate_to: localhost
  register: posture

- name: Show the summary
  ansible.builtin.debug:
    msg: "{{ posture.summary }} -- {{ posture.files }}"

- name: Render a directory again (for example after copying the targets/ files of several nodes into it)
  privatelink.ecr.posture_report:
    dest: /srv/reports/ecr-posture
"""

RETURN = r"""
report_dir:
  description: The report directory (absolute).
  returned: always
  type: str
  sample: /srv/reports/ecr-posture
files:
  description: The three report files, written or already up to date.
  returned: always
  type: list
  elements: str
  sample: [/srv/reports/ecr-posture/posture.html, /srv/reports/ecr-posture/posture.json,
           /srv/reports/ecr-posture/posture.md]
changed_files:
  description: The files whose content this run changed (reports and stored records; removed stale ones too).
  returned: always
  type: list
  elements: str
  sample: [/srv/reports/ecr-posture/posture.md, /srv/reports/ecr-posture/targets/prod-eu-west-1.json]
posture_changed:
  description: Whether C(posture.json) changed (it holds no time, so this is true only when the posture changed).
  returned: always
  type: bool
summary:
  description: The report's summary over every stored target (C(posture.json) C(summary)).
  returned: always
  type: dict
  contains:
    targets:
      description: Stored targets.
      type: int
    vpcs:
      description: Audited VPCs.
      type: int
    compliant:
      description: VPCs with no V(high) or V(medium) finding.
      type: int
    non_compliant:
      description: The other VPCs.
      type: int
    errors:
      description: Targets whose audit failed, and inventory errors.
      type: int
    findings:
      description: Findings per severity.
      type: dict
      sample: {high: 1, medium: 0, low: 0, info: 2}
cost:
  description: The fleet's monthly interface-endpoint charge (C(posture.json) C(cost)).
  returned: always
  type: dict
  sample: {monthly_usd: 65.7, per_vpc_design_monthly_usd: 65.7}
scope_targets:
  description: The targets O(fail_on) judged (those of O(results) and O(inventory_errors), or every stored one).
  returned: always
  type: int
  sample: 6
scope_findings:
  description: Findings per severity among those targets.
  returned: always
  type: dict
  sample: {high: 1, medium: 0, low: 0, info: 0}
scope_errors:
  description: Those of the judged targets whose audit failed.
  returned: always
  type: list
  elements: str
  sample: [prod-us-east-1]
fail_on:
  description: The O(fail_on) severity, or null.
  returned: always
  type: str
  sample: high
fail_on_hits:
  description: Findings at or above O(fail_on) among the judged targets (0 without O(fail_on)).
  returned: always
  type: int
  sample: 0
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.privatelink.ecr.plugins.module_utils.report.store import ReportError
from ansible_collections.privatelink.ecr.plugins.module_utils.report.write import fail_on_message, write_reports


def module_kwargs():
    """AnsibleModule's keyword arguments, shared with the action plugin of the same name."""
    spec = dict(
        results=dict(type="list", elements="dict"),
        dest=dict(type="path", required=True),
        fail_on=dict(type="str", choices=["high", "medium", "low"]),
        inventory_errors=dict(type="list", elements="dict"),
    )
    # Accepted and unused: module_defaults for group/privatelink.ecr.aws reach every module of the group.
    spec.update(CONNECTION_ARGUMENT_SPEC)
    return dict(
        argument_spec=spec,
        # The reports are the output, not a change to AWS: written in check mode too (see the docs).
        supports_check_mode=True,
    )


def run(module):
    """The module's work on ``module`` (an AnsibleModule, or the action plugin's InProcessModule:
    plugins/module_utils/_runner.py); ends in its exit_json or fail_json."""
    params = module.params
    try:
        result = write_reports(params["dest"], params["results"], fail_on=params["fail_on"],
                               inventory_errors=params["inventory_errors"])
    except (ReportError, OSError) as exc:
        module.fail_json(msg="posture_report: %s" % exc)
    result["changed"] = bool(result["changed_files"])
    if result["fail_on_hits"]:
        module.fail_json(msg=fail_on_message(result), **result)
    module.exit_json(**result)


def main():
    run(AnsibleModule(**module_kwargs()))


if __name__ == "__main__":
    main()
