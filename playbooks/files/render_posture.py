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

The rendering is the collection's package ``plugins/module_utils/report/``, the same code the
module runs: Python standard library only, it runs wherever python3 runs, without Ansible (this
script makes the collection it belongs to importable by its name first).
"""

from __future__ import absolute_import, division, print_function

import argparse
import importlib
import json
import os
import sys
import types

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_PACKAGE = "ansible_collections.privatelink.ecr.plugins.module_utils.report"
_IMPL_PATH = os.path.join(_ROOT, "plugins", "module_utils", "report", "write.py")


def _load_impl():
    """The report package of the collection this file belongs to, by its collection name.

    Under Ansible (or with the collection on ``sys.path``) the name resolves as usual; without it, the
    collection's namespace packages are made here, the last one pointing at this collection's root.
    """
    try:
        return importlib.import_module(_PACKAGE + ".write")
    except ImportError:
        pass
    parent = None
    for name, path in (("ansible_collections", []), ("ansible_collections.privatelink", []),
                       ("ansible_collections.privatelink.ecr", [_ROOT])):
        module = sys.modules.get(name)
        if module is None or name.endswith(".ecr"):
            module = types.ModuleType(name)
            module.__path__ = path
            sys.modules[name] = module
            if parent is not None:
                setattr(parent, name.rsplit(".", 1)[1], module)
        parent = module
    return importlib.import_module(_PACKAGE + ".write")


_impl = _load_impl()
_store = importlib.import_module(_PACKAGE + ".store")
_model = importlib.import_module(_PACKAGE + ".model")

# The functions tests and scripts used from this file before the rendering moved to module_utils.
SCHEMA_VERSION = _model.SCHEMA_VERSION
SEVERITIES = _model.SEVERITIES
EXIT_FAIL_ON = _impl.EXIT_FAIL_ON
ReportError = _store.ReportError
target_file_name = _store.target_file_name
store_results = _store.store_results
load_results = _store.load_results
build_report = _model.build_report
render_markdown = _impl.markdown_of
render_html = _impl.html_of
audited_note = _model.audited_note
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
