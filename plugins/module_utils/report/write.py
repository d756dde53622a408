# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One call: store the records, render the three reports over every stored record, judge ``fail_on`` (private).

What the module ``privatelink.ecr.posture_report`` and ``playbooks/files/render_posture.py`` call.

The package (its ``__init__.py`` stays empty, as ansible-test's empty-init sanity test requires of
module_utils packages on older ansible-core): the posture reports (posture.json, posture.md, posture.html)
of a directory of audit results.

Python standard library only, no Ansible and no AWS: the module ``privatelink.ecr.posture_report`` runs
it, and so does ``playbooks/files/render_posture.py`` with any ``python3`` (it makes the collection
importable by its name first). The data flows one way:

- ``store``: the per-target result records kept in ``REPORT_DIR/targets/`` (atomic writes, the
  aws_vpcs inventory's error records);
- ``model``: the records shaped once into posture.json's content (``build_report``) and, for the
  renderers, the view of it (``shape``: names, counts, the cost note, the workloads and images rows);
- ``render_json``, ``render_markdown``, ``render_html``: one file format each, a pure function of the
  view;
- ``write``: store, render the three files, judge ``fail_on`` (what the module and the script call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.privatelink.ecr.plugins.module_utils.report import render_html, render_json, render_markdown
from ansible_collections.privatelink.ecr.plugins.module_utils.report.model import (
    RANK,
    SEVERITIES,
    audited_note,
    build_report,
    counts,
    shape,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.report.store import (
    ReportError,
    check_records,
    inventory_error_records,
    load_results,
    read_text,
    replace_inventory_errors,
    store_results,
    utc_now,
    write_atomic,
)

REPORT_FILES = ("posture.html", "posture.json", "posture.md")
EXIT_FAIL_ON = 3


def markdown_of(report, audited):
    """posture.md's text of ``report`` (build_report's) with the audit times' note ``audited``."""
    return render_markdown.render(shape(report, audited))


def html_of(report, audited):
    """posture.html's text of ``report`` (build_report's) with the audit times' note ``audited``."""
    return render_html.render(shape(report, audited))


def report_texts(records):
    """(report, {file name: text}) for the given records: the report shaped once, each format rendered from it."""
    report = build_report(records)
    view = shape(report, audited_note(records))
    return report, {
        "posture.json": render_json.render(view),
        "posture.md": render_markdown.render(view),
        "posture.html": render_html.render(view),
    }


def render(report_dir):
    """Render the three reports of REPORT_DIR's stored results; return (report, [the three paths])."""
    report, _files, _changed = render_files(report_dir)
    return report, sorted(os.path.join(report_dir, n) for n in REPORT_FILES)


def render_files(report_dir):
    """As render(); also returns the paths whose content changed."""
    report, texts = report_texts(load_results(report_dir))
    changed = [os.path.join(report_dir, name) for name, text in sorted(texts.items())
               if write_atomic(os.path.join(report_dir, name), text)]
    return report, sorted(os.path.join(report_dir, n) for n in texts), changed


def threshold_hits(findings, fail_on):
    if not fail_on:
        return []
    return [f for f in findings if RANK[f["severity"]] <= RANK[fail_on]]


def write_reports(report_dir, records=None, fail_on=None, inventory_errors=None, now=None):
    """Store ``records`` (when given), render the reports over every stored record, judge ``fail_on``.

    ``inventory_errors`` (when not None) replaces the stored inventory-error records. ``fail_on``
    judges the findings of the targets of ``records`` (of the whole directory when ``records`` is
    None). Returns the summary dict the module returns and the command line prints.
    """
    if fail_on not in (None, "", "high", "medium", "low"):
        raise ReportError("fail_on is %r; use high, medium or low" % (fail_on,))
    report_dir = os.path.abspath(report_dir)
    try:
        os.makedirs(report_dir, exist_ok=True)
    except OSError as exc:
        raise ReportError("cannot create the report directory %s: %s" % (report_dir, exc))
    if not os.access(report_dir, os.W_OK):
        raise ReportError("the report directory %s is not writable" % report_dir)
    now = now or utc_now()
    changed = []
    if records is not None:
        check_records(records)
        changed += store_results(report_dir, records, now=now)
    if inventory_errors is not None:
        changed += replace_inventory_errors(report_dir, inventory_errors, now=now)
    old_json = read_text(os.path.join(report_dir, "posture.json"))
    report, files, written = render_files(report_dir)
    changed += written
    if records is not None:
        names = set(r["target"] for r in records)
        names.update(r["target"] for r in inventory_error_records(inventory_errors or []))
        scope = [f for f in report["findings"] if f["target"] in names]
        scope_errors = [e for e in report["errors"] if e["target"] in names]
        scope_targets = len(names)
    else:
        scope, scope_errors = report["findings"], report["errors"]
        scope_targets = report["summary"]["targets"]
    hits = threshold_hits(scope, fail_on)
    return {
        "report_dir": report_dir,
        "files": files,
        "changed_files": sorted(changed),
        "posture_changed": old_json != read_text(os.path.join(report_dir, "posture.json")),
        "summary": report["summary"],
        "cost": report["cost"],
        "scope_targets": scope_targets,
        "scope_findings": counts(scope),
        "scope_errors": [e["target"] for e in scope_errors],
        "fail_on": fail_on or None,
        "fail_on_hits": len(hits),
    }


def fail_on_message(result):
    """The failure message when ``result`` (of write_reports) has findings at or above fail_on."""
    return ("%d finding(s) of severity %s or worse (%s); see %s" % (
        result["fail_on_hits"], result["fail_on"],
        ", ".join("%d %s" % (result["scope_findings"][s], s) for s in SEVERITIES), ", ".join(result["files"])))
