# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's result records, one file per inventory target in ``REPORT_DIR/targets/`` (private).

A *record* is what the audit keeps per inventory target::

    {"target": HOST, "account_label": ACCOUNT, "account_name": NAME or None, "region": REGION, "vpc": VPC,
     "error": MESSAGE or None, "vpcs": [ecr_private_endpoints_info's per-VPC results],
     "audited_at": "YYYY-MM-DDTHH:MM:SSZ"}

``account_name`` is the inventory host's ``aws_account_name`` (what people call the account); each
VPC result's ``vpc_name`` is its Name tag. The reports show both next to the ids.

The reports cover every stored record, so runs over parts of an inventory (``--limit``, AWX job
slicing) merge. Files are written atomically and only when their content changes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import json
import os
import re
import tempfile

from ansible_collections.privatelink.ecr.plugins.module_utils.report.model import SCHEMA_VERSION

TARGETS_DIR = "targets"
# Records made from the aws_vpcs inventory's errors carry this source: each run over such an
# inventory replaces them all (the account that works again leaves no stale error behind).
INVENTORY_SOURCE = "inventory"
INVENTORY_PREFIX = "privatelink.ecr.aws_vpcs inventory: "


class ReportError(Exception):
    """A record, a stored result file or the report directory is not usable; the message says which."""


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def target_file_name(target):
    """A file name per inventory host: readable, and distinct even when sanitising merges names."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", target)[:100] or "target"
    if safe != target:
        safe += "-" + hashlib.sha256(target.encode("utf-8")).hexdigest()[:8]
    return safe + ".json"


def read_text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def write_atomic(path, text):
    """Write ``text`` to ``path`` unless it holds exactly that already; return True when written.

    A reader (another slice rendering at the same time) never sees half a file. A new file gets the
    permissions the umask allows (not mkstemp's 0600); a replaced one keeps its own.
    """
    if read_text(path) == text:
        return False
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return True


def _record_text(record):
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def check_records(records):
    """Raise ReportError unless ``records`` is a list of records, each with a target."""
    if not isinstance(records, list):
        raise ReportError("results must be a list of target records, not %s" % type(records).__name__)
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise ReportError("results[%d] is %s; each result is a dict (a target record)"
                              % (index, type(record).__name__))
        if not record.get("target"):
            raise ReportError("results[%d] has no 'target': every result record needs one (the inventory host name)"
                              % index)
        if record.get("vpcs") is not None and not isinstance(record["vpcs"], list):
            raise ReportError("results[%d] (%s): 'vpcs' must be a list" % (index, record["target"]))


def store_results(report_dir, records, now=None):
    """Keep one file per record in REPORT_DIR/targets/; return the paths whose content changed.

    A record without ``audited_at`` is stamped with ``now`` (default: the current UTC time).
    """
    check_records(records)
    folder = os.path.join(report_dir, TARGETS_DIR)
    os.makedirs(folder, exist_ok=True)
    now = now or utc_now()
    changed = []
    for record in records:
        record = dict(record, schema_version=SCHEMA_VERSION)
        if not record.get("audited_at"):
            record["audited_at"] = now
        path = os.path.join(folder, target_file_name(record["target"]))
        if write_atomic(path, _record_text(record)):
            changed.append(path)
    return changed


def _stored(report_dir):
    """(path, record) of every stored result file, sorted by file name."""
    folder = os.path.join(report_dir, TARGETS_DIR)
    if not os.path.isdir(folder):
        return []
    found = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json") or name.startswith("."):
            continue
        path = os.path.join(folder, name)
        try:
            with open(path, encoding="utf-8") as handle:
                record = json.load(handle)
        except ValueError as exc:
            raise ReportError("%s is not a result file (%s); remove it or audit its target again" % (path, exc))
        if not isinstance(record, dict) or not record.get("target"):
            raise ReportError("%s is not a result file (no 'target'); remove it or audit its target again" % path)
        found.append((path, record))
    return found


def load_results(report_dir):
    return sorted((record for _path, record in _stored(report_dir)), key=lambda r: r["target"])


def inventory_error_records(errors, audited_at=None):
    """Records for the aws_vpcs inventory's ``aws_vpcs_errors`` ([{account_id, region, message}]).

    Each becomes an audit error of target ``ACCOUNT-REGION`` (``ACCOUNT`` for an account-level error,
    the plugin's host names), so it lands in its account's row of the reports.
    """
    if not isinstance(errors, list):
        raise ReportError("inventory_errors must be a list of {account_id, region, message}")
    records = []
    for index, error in enumerate(errors):
        if not isinstance(error, dict) or not error.get("account_id"):
            raise ReportError("inventory_errors[%d] needs an account_id (it is %r)" % (index, error))
        account = str(error["account_id"])
        region = error.get("region") or ""
        record = {"target": "%s-%s" % (account, region) if region else account, "account_label": account,
                  "region": region, "vpc": "", "vpcs": [], "source": INVENTORY_SOURCE,
                  "error": INVENTORY_PREFIX + str(error.get("message") or "the account could not be listed")}
        if audited_at:
            record["audited_at"] = audited_at
        records.append(record)
    return records


def replace_inventory_errors(report_dir, errors, now=None):
    """Make the stored inventory-error records exactly those of ``errors``; return the changed paths."""
    records = inventory_error_records(errors)
    keep = set(target_file_name(r["target"]) for r in records)
    changed = []
    for path, record in _stored(report_dir):
        if record.get("source") == INVENTORY_SOURCE and os.path.basename(path) not in keep:
            os.unlink(path)
            changed.append(path)
    # An unchanged error keeps its first time: the record says since when the account is out.
    previous = dict((os.path.basename(p), r) for p, r in _stored(report_dir))
    for record in records:
        old = previous.get(target_file_name(record["target"]))
        if old and old.get("source") == INVENTORY_SOURCE and old.get("error") == record["error"]:
            record["audited_at"] = old.get("audited_at")
    return changed + store_results(report_dir, records, now=now)
