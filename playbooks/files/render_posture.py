# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the posture report of a directory of per-target audit results (command line).

The privatelink.ecr.audit playbook keeps one result file per inventory target in
``REPORT_DIR/targets/`` and renders ``posture.json``, ``posture.md`` and ``posture.html``
over all of them (through the module ``privatelink.ecr.posture_report``), so runs over parts of
an inventory (``--limit``, AWX job slicing) merge into one report. Re-render a directory (for
example after copying the ``targets/`` files of several execution nodes into one) with::

    python3 playbooks/files/render_posture.py posture-report
    python3 ~/.ansible/collections/ansible_collections/privatelink/ecr/playbooks/files/render_posture.py DIR

Options: ``--results FILE`` (or ``-`` for stdin) stores a JSON list of target records
first; ``--fail-on high|medium|low`` exits with status 3 when a finding of that severity or
worse exists (in the stored records when ``--results`` is given, else in the whole directory).
The last line printed is a JSON summary (the module's return values).

The rendering is the collection's ``plugins/module_utils/_posture_render.py``, the same code the
module runs, loaded here by path: Python standard library only, it runs wherever python3 runs,
without Ansible.
"""

from __future__ import absolute_import, division, print_function

import argparse
import importlib.util
import json
import os
import sys

_IMPL_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                          "plugins", "module_utils", "_posture_render.py")


def _load_impl():
    spec = importlib.util.spec_from_file_location("privatelink_ecr_posture_render", _IMPL_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_impl = _load_impl()

# The functions tests and scripts used from this file before the rendering moved to module_utils.
SCHEMA_VERSION = _impl.SCHEMA_VERSION
SEVERITIES = _impl.SEVERITIES
EXIT_FAIL_ON = _impl.EXIT_FAIL_ON
ReportError = _impl.ReportError
target_file_name = _impl.target_file_name
store_results = _impl.store_results
load_results = _impl.load_results
build_report = _impl.build_report
render_markdown = _impl.render_markdown
render_html = _impl.render_html
audited_note = _impl.audited_note
render = _impl.render
threshold_hits = _impl.threshold_hits
write_reports = _impl.write_reports


def main(argv=None):
    parser = argparse.ArgumentParser(description="Render posture.json/.md/.html from REPORT_DIR/targets/*.json")
    parser.add_argument("report_dir")
    parser.add_argument("--results", help="JSON list of target records to store first ('-' reads stdin)")
    parser.add_argument("--fail-on", choices=("high", "medium", "low"), default=None)
    args = parser.parse_args(argv)
    records = None
    if args.results:
        if args.results == "-":
            text = sys.stdin.read()
        else:
            with open(args.results, encoding="utf-8") as handle:
                text = handle.read()
        try:
            records = json.loads(text)
        except ValueError as exc:
            parser.error("--results does not hold JSON: %s" % exc)
        if not isinstance(records, list):
            parser.error("--results must hold a JSON list of target records")
    try:
        result = write_reports(args.report_dir, records, fail_on=args.fail_on)
    except ReportError as exc:
        print("render_posture.py: %s" % exc, file=sys.stderr)
        return 2
    print(json.dumps(result, sort_keys=True))
    return EXIT_FAIL_ON if result["fail_on_hits"] else 0


if __name__ == "__main__":
    sys.exit(main())
