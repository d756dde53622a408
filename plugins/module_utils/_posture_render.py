# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture reports (posture.json, posture.md, posture.html) of a directory of audit results (private).

Pure Python standard library, no Ansible and no AWS: the module ``privatelink.ecr.posture_report``
calls it, and so does ``playbooks/files/render_posture.py`` (which loads this file by path, so it
runs with any ``python3``).

A *record* is what the audit keeps per inventory target::

    {"target": HOST, "account_label": ACCOUNT, "account_name": NAME or None, "region": REGION, "vpc": VPC,
     "error": MESSAGE or None, "vpcs": [ecr_private_endpoints_info's per-VPC results],
     "audited_at": "YYYY-MM-DDTHH:MM:SSZ"}

``account_name`` is the inventory host's ``aws_account_name`` (what people call the account); each
VPC result's ``vpc_name`` is its Name tag. The reports show both next to the ids.

Records are kept one file per target in ``REPORT_DIR/targets/``, and the reports cover every
stored record, so runs over parts of an inventory (``--limit``, AWX job slicing) merge. Files are
written atomically and only when their content changes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import hashlib
import html
import json
import os
import re
import tempfile

try:
    from ansible_collections.privatelink.ecr.plugins.module_utils._image_refs import image_paths
except ImportError:  # loaded by path, without Ansible (playbooks/files/render_posture.py): the sibling file
    import importlib.util

    _spec = importlib.util.spec_from_file_location(
        "privatelink_ecr_image_refs", os.path.join(os.path.dirname(os.path.abspath(__file__)), "_image_refs.py"))
    _image_refs = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_image_refs)
    image_paths = _image_refs.image_paths

SCHEMA_VERSION = 1
SEVERITIES = ("high", "medium", "low", "info")
RANK = dict((name, rank) for rank, name in enumerate(SEVERITIES))
TARGETS_DIR = "targets"
REPORT_FILES = ("posture.html", "posture.json", "posture.md")
EXIT_FAIL_ON = 3
# Records made from the aws_vpcs inventory's errors carry this source: each run over such an
# inventory replaces them all (the account that works again leaves no stale error behind).
INVENTORY_SOURCE = "inventory"
INVENTORY_PREFIX = "privatelink.ecr.aws_vpcs inventory: "


class ReportError(Exception):
    """A record, a stored result file or the report directory is not usable; the message says which."""


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- result files

def target_file_name(target):
    """A file name per inventory host: readable, and distinct even when sanitising merges names."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", target)[:100] or "target"
    if safe != target:
        safe += "-" + hashlib.sha256(target.encode("utf-8")).hexdigest()[:8]
    return safe + ".json"


def _read_text(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def _write_atomic(path, text):
    """Write ``text`` to ``path`` unless it holds exactly that already; return True when written.

    A reader (another slice rendering at the same time) never sees half a file. A new file gets the
    permissions the umask allows (not mkstemp's 0600); a replaced one keeps its own.
    """
    if _read_text(path) == text:
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
        if _write_atomic(path, _record_text(record)):
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


# ---------------------------------------------------------------- the report model

def _account(record, vpc=None):
    return str((vpc or {}).get("account_id") or record.get("account_label") or "unknown")


def _name(value):
    """A name as posture.json keeps it: a non-empty string, else None."""
    return str(value) if value not in (None, "") else None


def _account_name(record):
    return _name(record.get("account_name"))


def _counts(findings):
    counts = {s: 0 for s in SEVERITIES}
    for item in findings:
        counts[item["severity"]] = counts.get(item["severity"], 0) + 1
    return counts


def _cost(value):
    """A VPC's monthly_cost_usd (None when the record predates it)."""
    return None if value is None else round(float(value), 2)


def build_report(records):
    """posture.json's content: stable keys, no timestamps (so merged runs compare equal)."""
    vpcs, errors, findings = [], [], []
    for record in records:
        region = record.get("region") or ""
        if record.get("error"):
            errors.append({"target": record["target"], "account_id": _account(record), "region": region,
                           "vpc": record.get("vpc") or "", "message": record["error"]})
            continue
        for vpc in record.get("vpcs") or []:
            account = _account(record, vpc)
            vpc_region = vpc.get("region") or region
            vpc_findings = sorted(vpc.get("findings") or [],
                                  key=lambda f: (RANK[f["severity"]], f["id"], f["resource"]))
            vpcs.append({
                "target": record["target"],
                "account_id": account,
                "account_label": record.get("account_label") or "",
                "account_name": _account_name(record),
                "region": vpc_region,
                "vpc_id": vpc["vpc_id"],
                "vpc_name": _name(vpc.get("vpc_name")),
                "compliant": bool(vpc.get("compliant")),
                "monthly_cost_usd": _cost(vpc.get("monthly_cost_usd")),
                # What the VPC would pay with its own interface endpoints for what its hub serves (the info
                # module's per_vpc_design_monthly_usd; a record without it: its own cost).
                "per_vpc_design_monthly_usd": _cost(vpc["per_vpc_design_monthly_usd"]
                                                    if vpc.get("per_vpc_design_monthly_usd") is not None
                                                    else vpc.get("monthly_cost_usd")),
                "hub_vpc_id": (vpc.get("hub") or {}).get("vpc_id"),
                "workload_subnet_ids": list(vpc.get("workload_subnet_ids") or []),
                # What runs in the VPC and, per image, the path it is pulled through (_image_refs.image_paths).
                "workloads": list(vpc.get("workloads") or []),
                "images": image_paths(dict(vpc, region=vpc_region)),
                "counts": _counts(vpc_findings),
                "endpoints": {name: {"vpc_endpoint_id": e.get("vpc_endpoint_id"),
                                     "vpc_endpoint_type": e.get("vpc_endpoint_type"),
                                     "state": e.get("state")}
                              for name, e in sorted((vpc.get("endpoints") or {}).items())},
                "findings": vpc_findings,
            })
            for item in vpc_findings:
                findings.append(dict(item, target=record["target"], account_id=account,
                                     region=vpc_region, vpc_id=vpc["vpc_id"]))
    vpcs.sort(key=lambda v: (v["account_id"], v["region"], v["vpc_id"], v["target"]))
    findings.sort(key=lambda f: (RANK[f["severity"]], f["account_id"], f["region"], f["vpc_id"], f["id"],
                                 f["resource"]))
    overview = {}
    for vpc in vpcs:
        row = overview.setdefault((vpc["account_id"], vpc["region"]), _overview_row(vpc["account_id"], vpc["region"]))
        row["vpcs"] += 1
        row["compliant" if vpc["compliant"] else "non_compliant"] += 1
        for severity in SEVERITIES:
            row[severity] += vpc["counts"][severity]
    for error in errors:
        overview.setdefault((error["account_id"], error["region"]),
                            _overview_row(error["account_id"], error["region"]))["errors"] += 1
    totals = _counts(findings)
    fleet_cost = round(sum(v["monthly_cost_usd"] or 0 for v in vpcs), 2)
    per_vpc_design = round(sum(v["per_vpc_design_monthly_usd"] or 0 for v in vpcs), 2)
    return {
        "schema_version": SCHEMA_VERSION,
        # The interface endpoints' hourly charge for a month, and the same fleet if every VPC a hub serves had
        # its own interface endpoints for the hub's services in its workload zones (without hubs: the same).
        "cost": {"monthly_usd": fleet_cost, "per_vpc_design_monthly_usd": per_vpc_design},
        "summary": {
            "targets": len(records),
            "vpcs": len(vpcs),
            "compliant": sum(1 for v in vpcs if v["compliant"]),
            "non_compliant": sum(1 for v in vpcs if not v["compliant"]),
            "errors": len(errors),
            "findings": totals,
        },
        "overview": [overview[k] for k in sorted(overview)],
        "vpcs": vpcs,
        "errors": errors,
        "findings": findings,
    }


def _overview_row(account, region):
    row = {"account_id": account, "region": region, "vpcs": 0, "compliant": 0, "non_compliant": 0, "errors": 0}
    row.update({s: 0 for s in SEVERITIES})
    return row


# ---------------------------------------------------------------- Markdown

def _md(text):
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _usd(value):
    return "n/a" if value is None else "%.2f" % value


def names_of(report):
    """``(account names by id, VPC names by (target, vpc id))`` from posture.json's ``vpcs`` entries, which
    carry them; the other tables (overview, findings, errors) show them by id."""
    accounts, vpcs = {}, {}
    for vpc in report.get("vpcs") or []:
        if vpc.get("account_name") and not accounts.get(vpc["account_id"]):
            accounts[vpc["account_id"]] = vpc["account_name"]
        vpcs[(vpc["target"], vpc["vpc_id"])] = vpc.get("vpc_name")
    return accounts, vpcs


def labelled(identifier, name):
    """``111111111111 (prod)``, ``vpc-0abc (payments)``: the id people look up, the name they know. The
    aws_vpcs inventory names an account by its id when it cannot read the name: shown once."""
    return "%s (%s)" % (identifier, name) if name and name != identifier else str(identifier)


def cost_note(report):
    cost = report.get("cost") or {}
    note = ("Interface endpoints: %s USD a month for the fleet (hourly charge; data processing not included)."
            % _usd(cost.get("monthly_usd")))
    hubs = sorted(set(v["hub_vpc_id"] for v in report.get("vpcs") or [] if v.get("hub_vpc_id")))
    if hubs:
        note += (" Centralized through %d hub VPC(s) (%s); with its own interface endpoints in every VPC the same "
                 "fleet would cost %s USD a month." % (len(hubs), ", ".join(hubs),
                                                       _usd(cost.get("per_vpc_design_monthly_usd"))))
    return note


def render_markdown(report, audited):
    s = report["summary"]
    account_names, vpc_names = names_of(report)
    lines = [
        "# ECR private-endpoint posture",
        "",
        "%d target(s), %d VPC(s): %d compliant, %d not compliant, %d audit error(s). "
        "Findings: %s." % (s["targets"], s["vpcs"], s["compliant"], s["non_compliant"], s["errors"],
                           ", ".join("%d %s" % (s["findings"][k], k) for k in SEVERITIES)),
        "",
        cost_note(report),
        "",
        "A VPC is compliant when it has no high or medium finding. %s" % audited,
        "",
        "## Accounts and regions",
        "",
        "| Account | Region | VPCs | Compliant | Not compliant | Errors | High | Medium | Low | Info |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["overview"]:
        lines.append("| %s | %s | %d | %d | %d | %d | %d | %d | %d | %d |" % (
            _md(labelled(row["account_id"], account_names.get(row["account_id"]))), _md(row["region"]), row["vpcs"],
            row["compliant"], row["non_compliant"], row["errors"], row["high"], row["medium"], row["low"], row["info"]))
    lines += ["", "## VPCs", "",
              "| Account | Region | VPC | Target | Compliant | High | Medium | Low | Info | Monthly USD |",
              "| --- | --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for vpc in report["vpcs"]:
        c = vpc["counts"]
        lines.append("| %s | %s | %s | %s | %s | %d | %d | %d | %d | %s |" % (
            _md(labelled(vpc["account_id"], vpc.get("account_name"))), _md(vpc["region"]),
            _md(labelled(vpc["vpc_id"], vpc.get("vpc_name"))), _md(vpc["target"]),
            "yes" if vpc["compliant"] else "**no**", c["high"], c["medium"], c["low"], c["info"],
            _usd(vpc.get("monthly_cost_usd"))))
    lines.append("| **Fleet** | | | | | | | | | **%s** |" % _usd((report.get("cost") or {}).get("monthly_usd")))
    lines += workloads_markdown(report, account_names)
    if report["errors"]:
        lines += ["", "## Audit errors", "", "| Target | Account | Region | Error |", "| --- | --- | --- | --- |"]
        for error in report["errors"]:
            account = labelled(error["account_id"], account_names.get(error["account_id"]))
            lines.append("| %s | %s | %s | %s |" % (_md(error["target"]), _md(account), _md(error["region"]),
                                                    _md(error["message"])))
    lines += ["", "## Findings", ""]
    if not report["findings"]:
        lines.append("No findings.")
    else:
        lines += ["| Severity | Finding | Account | Region | VPC | Resource | Message | Remediation |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for f in report["findings"]:
            lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % tuple(_md(x) for x in (
                f["severity"], f["id"], labelled(f["account_id"], account_names.get(f["account_id"])), f["region"],
                labelled(f["vpc_id"], vpc_names.get((f["target"], f["vpc_id"]))), f["resource"], f["message"],
                f["remediation"])))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- HTML (one file, no external assets)

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d2329;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.muted{color:#5b6670}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}
.card{border:1px solid #d5dbe1;border-radius:6px;padding:8px 14px;min-width:96px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;margin:6px 0 8px}
th,td{border-bottom:1px solid #e3e7eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7;position:sticky;top:0}
th.sortable{cursor:pointer;user-select:none}th.sortable:after{content:" \\2195";color:#8a949e}
th[aria-sort=ascending]:after{content:" \\2191"}th[aria-sort=descending]:after{content:" \\2193"}
td.num{text-align:right}.sev{font-weight:600;border-radius:4px;padding:1px 7px;color:#fff;white-space:nowrap}
.sev-high{background:#b42318}.sev-medium{background:#c4650a}.sev-low{background:#3b6fb6}.sev-info{background:#6b7785}
.ok{color:#137333;font-weight:600}.bad{color:#b42318;font-weight:600}
.filters label{margin-right:14px}code{font-size:12.5px;white-space:nowrap}.name{color:#5b6670}
.filters select{margin:0 14px 0 4px;font:inherit}
td.region,td.account_id{white-space:nowrap}th[data-type=number]{text-align:right}
"""

_JS = r"""
(function () {
  var rank = {high: 0, medium: 1, low: 2, info: 3};
  function key(cell, type) {
    var v = cell.getAttribute('data-sort-value');
    if (v === null) { v = cell.textContent.trim(); }
    if (type === 'severity') { return rank.hasOwnProperty(v) ? rank[v] : 9; }
    if (type === 'number') { return parseFloat(v) || 0; }
    return v.toLowerCase();
  }
  function sortTable(table, column, descending) {
    var body = table.tBodies[0];
    var header = table.tHead.rows[0].cells[column];
    var type = header.getAttribute('data-type') || 'text';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[column], type), y = key(b.cells[column], type);
      if (x < y) { return descending ? 1 : -1; }
      if (x > y) { return descending ? -1 : 1; }
      return (+a.getAttribute('data-order')) - (+b.getAttribute('data-order'));
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute('aria-sort'); });
    header.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    table.setAttribute('data-sorted-by', header.getAttribute('data-key'));
  }
  function columnOf(table, name) {
    var cells = table.tHead.rows[0].cells;
    for (var i = 0; i < cells.length; i++) { if (cells[i].getAttribute('data-key') === name) { return i; } }
    return -1;
  }
  function chosen(id) {
    var select = document.getElementById(id);
    return select ? select.value : '';
  }
  function rows(selector, keep) {
    var visible = 0;
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (row) {
      var on = keep(row);
      row.hidden = !on;
      if (on) { visible++; }
    });
    return visible;
  }
  function count(id, value) {
    var counter = document.getElementById(id);
    if (counter) { counter.textContent = String(value); }
  }
  // Severity boxes, one account and one finding id: the findings table shows the rows that match all
  // three, the VPCs table the account's VPCs (with that finding), the overview and errors the account's.
  function applyFilter() {
    var shown = {};
    Array.prototype.forEach.call(document.querySelectorAll('input[data-severity-filter]'), function (box) {
      shown[box.getAttribute('data-severity-filter')] = box.checked;
    });
    var account = chosen('account-filter'), finding = chosen('finding-filter');
    function ofAccount(row) { return !account || row.getAttribute('data-account') === account; }
    count('visible-findings', rows('#findings tbody tr', function (row) {
      return shown[row.getAttribute('data-severity')] !== false && ofAccount(row)
        && (!finding || row.getAttribute('data-finding') === finding);
    }));
    count('visible-vpcs', rows('#vpcs tbody tr', function (row) {
      var ids = ' ' + row.getAttribute('data-findings') + ' ';
      return ofAccount(row) && (!finding || ids.indexOf(' ' + finding + ' ') >= 0);
    }));
    rows('#overview tbody tr', ofAccount);
    rows('#errors tbody tr', ofAccount);
    document.body.setAttribute('data-filter-account', account);
    document.body.setAttribute('data-filter-finding', finding);
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell, index) {
      cell.classList.add('sortable');
      cell.setAttribute('tabindex', '0');
      function toggle() { sortTable(table, index, cell.getAttribute('aria-sort') === 'ascending'); }
      cell.addEventListener('click', toggle);
      cell.addEventListener('keydown', function (e) { if (e.key === 'Enter') { toggle(); } });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('input[data-severity-filter], select[data-filter]'),
                                function (input) { input.addEventListener('change', applyFilter); });
  // A link can carry the view: posture.html#sort=resource&desc=1&hide=info,low&account=111111111111&finding=ID
  var params = {};
  window.location.hash.replace(/^#/, '').split('&').forEach(function (part) {
    var kv = part.split('='); if (kv[0]) { params[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1] || ''); }
  });
  var findings = document.getElementById('findings');
  if (findings && findings.tBodies.length) {
    var column = columnOf(findings, params.sort || 'severity');
    sortTable(findings, column < 0 ? 0 : column, params.desc === '1');
  }
  (params.hide || '').split(',').forEach(function (name) {
    var box = document.querySelector('input[data-severity-filter="' + name + '"]');
    if (box) { box.checked = false; }
  });
  [['account-filter', params.account], ['finding-filter', params.finding]].forEach(function (pair) {
    var select = document.getElementById(pair[0]);
    // Only a value the list offers: an unknown one would hide every row without saying why.
    if (select && pair[1] && Array.prototype.some.call(select.options, function (o) { return o.value === pair[1]; })) {
      select.value = pair[1];
    }
  });
  applyFilter();
  document.body.setAttribute('data-ready', 'true');
})();
"""


def _e(value):
    return html.escape(str(value), quote=True)


def _sev(severity):
    return '<span class="sev sev-%s">%s</span>' % (_e(severity), _e(severity))


def _table(table_id, columns, rows, sortable=True):
    """columns: (key, title, type); rows: list of (attrs dict, [cell html, ...], [sort values or None])."""
    head = "".join('<th data-key="%s" data-type="%s" scope="col">%s</th>' % (_e(k), _e(t), _e(title))
                   for k, title, t in columns)
    body = []
    for order, (attrs, cells, sort_values) in enumerate(rows):
        attr_text = "".join(' %s="%s"' % (_e(k), _e(v)) for k, v in sorted(attrs.items()))
        tds = []
        for (key, _title, kind), cell, sort_value in zip(columns, cells, sort_values):
            extra = ' data-sort-value="%s"' % _e(sort_value) if sort_value is not None else ""
            tds.append('<td class="%s"%s>%s</td>' % ("num" if kind == "number" else key, extra, cell))
        body.append('<tr data-order="%d"%s>%s</tr>' % (order, attr_text, "".join(tds)))
    return '<table id="%s" class="%s"><thead><tr>%s</tr></thead><tbody>%s</tbody></table>' % (
        _e(table_id), "sortable" if sortable else "", head, "\n".join(body))


def _named(identifier, name, code=False):
    """The id (as code for resource ids) and, when known, the name people use, muted beside it."""
    shown = "<code>%s</code>" % _e(identifier) if code else _e(identifier)
    if name and name != identifier:
        shown += ' <span class="name">%s</span>' % _e(name)
    return shown


def _select(select_id, key, label, options):
    """A filter list: "all" first, then (value, text) options."""
    items = ['<option value="">%s</option>' % _e(label)]
    items += ['<option value="%s">%s</option>' % (_e(value), _e(text)) for value, text in options]
    return '<label for="%s">%s</label><select id="%s" data-filter="%s">%s</select>' % (
        _e(select_id), _e(key), _e(select_id), _e(key), "".join(items))


def _image_rows(report):
    """(vpc, workload label, image entry) per image of each workload; a workload with no image once, entry None."""
    rows = []
    for vpc in report["vpcs"]:
        by_reference = dict((i["reference"], i) for i in vpc.get("images") or [])
        for workload in vpc.get("workloads") or []:
            label = "%s %s" % (workload.get("kind"), workload.get("name"))
            for reference in workload.get("images") or [None]:
                rows.append((vpc, label, by_reference.get(reference) if reference else None))
    return rows


def workloads_markdown(report, account_names):
    """The "Workloads and images" section: which workload of which VPC pulls what, through which path."""
    rows = _image_rows(report)
    if not rows:
        return []
    lines = ["", "## Workloads and images", "",
             "Path: private endpoint (the Region's ECR through the VPC's endpoints), pull-through cache, internet "
             "(a default route), none (cannot be pulled now: see the findings).", "",
             "| Account | Region | VPC | Workload | Image | Registry | Path |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for vpc, label, image in rows:
        lines.append("| %s | %s | %s | %s | %s | %s | %s |" % tuple(_md(x) for x in (
            labelled(vpc["account_id"], account_names.get(vpc["account_id"])), vpc["region"],
            labelled(vpc["vpc_id"], vpc.get("vpc_name")), label, image["reference"] if image else "(no image known)",
            (image or {}).get("registry") or "", (image or {}).get("path") or "")))
    return lines


def workloads_html(report, account_names):
    rows = _image_rows(report)
    if not rows:
        return ""
    return "<h2>Workloads and images</h2>" + _table("workloads", [
        ("account_id", "Account", "text"), ("region", "Region", "text"), ("vpc_id", "VPC", "text"),
        ("workload", "Workload", "text"), ("image", "Image", "text"), ("registry", "Registry", "text"),
        ("path", "Path", "text")],
        [({"data-account": vpc["account_id"], "data-vpc": vpc["vpc_id"], "data-path": (image or {}).get("path") or ""},
          [_named(vpc["account_id"], account_names.get(vpc["account_id"])), _e(vpc["region"]),
           _named(vpc["vpc_id"], vpc.get("vpc_name"), code=True), _e(label),
           "<code>%s</code>" % _e(image["reference"]) if image else "(no image known)",
           _e((image or {}).get("registry") or ""), _e((image or {}).get("path") or "")],
          [vpc["account_id"], None, vpc["vpc_id"], None, None, None, None]) for vpc, label, image in rows])


def render_html(report, audited):
    s = report["summary"]
    account_names, vpc_names = names_of(report)
    cards = "".join('<div class="card" data-card="%s"><b>%d</b>%s</div>' % (key, value, _e(label)) for key, value, label in (
        ("vpcs", s["vpcs"], "VPCs"), ("compliant", s["compliant"], "compliant"),
        ("non_compliant", s["non_compliant"], "not compliant"), ("errors", s["errors"], "audit errors"),
        ("high", s["findings"]["high"], "high"), ("medium", s["findings"]["medium"], "medium"),
        ("low", s["findings"]["low"], "low"), ("info", s["findings"]["info"], "info")))
    cards += '<div class="card" data-card="monthly_usd"><b>%s</b>USD a month</div>' % _e(
        _usd((report.get("cost") or {}).get("monthly_usd")))
    number = "number"
    overview = _table("overview", [
        ("account_id", "Account", "text"), ("region", "Region", "text"), ("vpcs", "VPCs", number),
        ("compliant", "Compliant", number), ("non_compliant", "Not compliant", number),
        ("errors", "Errors", number), ("high", "High", number), ("medium", "Medium", number),
        ("low", "Low", number), ("info", "Info", number)],
        [({"data-account": r["account_id"], "data-region": r["region"]},
          [_named(r["account_id"], account_names.get(r["account_id"])), _e(r["region"])] + [str(r[k]) for k in (
              "vpcs", "compliant", "non_compliant", "errors", "high", "medium", "low", "info")],
          [r["account_id"]] + [None] * 9) for r in report["overview"]])
    vpcs = _table("vpcs", [
        ("account_id", "Account", "text"), ("region", "Region", "text"), ("vpc_id", "VPC", "text"),
        ("target", "Target", "text"), ("compliant", "Compliant", "text"), ("high", "High", number),
        ("medium", "Medium", number), ("low", "Low", number), ("info", "Info", number),
        ("monthly_cost_usd", "Monthly USD", number), ("endpoints", "Endpoints", "text")],
        [({"data-vpc": v["vpc_id"], "data-compliant": "true" if v["compliant"] else "false",
           "data-account": v["account_id"], "data-findings": " ".join(sorted(set(f["id"] for f in v["findings"])))},
          [_named(v["account_id"], v.get("account_name")), _e(v["region"]),
           _named(v["vpc_id"], v.get("vpc_name"), code=True), _e(v["target"]),
           '<span class="ok">yes</span>' if v["compliant"] else '<span class="bad">no</span>']
          + [str(v["counts"][k]) for k in SEVERITIES]
          + [_e(_usd(v.get("monthly_cost_usd")))]
          + [_e(", ".join("%s (%s)" % (name, e.get("state")) for name, e in v["endpoints"].items()) or "none")],
          [v["account_id"], None, v["vpc_id"]] + [None] * 8) for v in report["vpcs"]])
    findings = _table("findings", [
        ("severity", "Severity", "severity"), ("id", "Finding", "text"), ("account_id", "Account", "text"),
        ("region", "Region", "text"), ("vpc_id", "VPC", "text"), ("resource", "Resource", "text"),
        ("message", "Message", "text"), ("remediation", "Remediation", "text")],
        [({"data-severity": f["severity"], "data-finding": f["id"], "data-account": f["account_id"]},
          [_sev(f["severity"]), "<code>%s</code>" % _e(f["id"]),
           _named(f["account_id"], account_names.get(f["account_id"])), _e(f["region"]),
           _named(f["vpc_id"], vpc_names.get((f["target"], f["vpc_id"])), code=True),
           "<code>%s</code>" % _e(f["resource"]), _e(f["message"]), _e(f["remediation"])],
          [f["severity"], None, f["account_id"], None, f["vpc_id"], None, None, None]) for f in report["findings"]])
    errors = workloads_html(report, account_names)
    if report["errors"]:
        errors += "<h2>Audit errors</h2>" + _table("errors", [
            ("target", "Target", "text"), ("account_id", "Account", "text"), ("region", "Region", "text"),
            ("message", "Error", "text")],
            [({"data-target": x["target"], "data-account": x["account_id"]},
              [_e(x["target"]), _named(x["account_id"], account_names.get(x["account_id"])), _e(x["region"]),
               _e(x["message"])],
              [None, x["account_id"], None, None]) for x in report["errors"]])
    filters = "".join('<label><input type="checkbox" checked data-severity-filter="%s"> %s</label>' % (k, _sev(k))
                      for k in SEVERITIES)
    accounts = dict((row["account_id"], account_names.get(row["account_id"])) for row in report["overview"])
    finding_ids = {}
    for item in report["findings"]:
        finding_ids[item["id"]] = finding_ids.get(item["id"], 0) + 1
    choosers = (_select("account-filter", "Account", "every account",
                        [(a, labelled(a, accounts[a])) for a in sorted(accounts)])
                + _select("finding-filter", "Finding", "every finding",
                          [(i, "%s (%d)" % (i, n)) for i, n in sorted(finding_ids.items())]))
    return """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ECR private-endpoint posture</title>
<style>%s</style></head>
<body>
<h1>ECR private-endpoint posture</h1>
<p class="muted">A VPC is compliant when it has no high or medium finding. %s</p>
<div class="cards" id="summary">%s</div>
<p id="cost">%s</p>
<p class="filters" id="filters">Filter: %s</p>
<h2>Accounts and regions</h2>
%s
<h2>VPCs (<span id="visible-vpcs">%d</span> shown)</h2>
%s
%s
<h2>Findings (<span id="visible-findings">%d</span> shown)</h2>
<p class="filters">Show: %s <span class="muted">Click a column heading to sort.</span></p>
%s
<script>%s</script>
</body></html>
""" % (_CSS, _e(audited), cards, _e(cost_note(report)), choosers, overview, len(report["vpcs"]), vpcs, errors,
       len(report["findings"]), filters, findings, _JS)


# ---------------------------------------------------------------- one call: store, render, judge

def audited_note(records):
    times = sorted(r.get("audited_at") for r in records if r.get("audited_at"))
    if not times:
        return "No result files."
    if times[0] == times[-1]:
        return "Audited at %s." % times[0]
    return "Rendered from %d result file(s) audited between %s and %s." % (len(records), times[0], times[-1])


def report_texts(records):
    """(report, {file name: text}) for the given records."""
    report = build_report(records)
    audited = audited_note(records)
    return report, {
        "posture.json": json.dumps(report, indent=2, sort_keys=True) + "\n",
        "posture.md": render_markdown(report, audited),
        "posture.html": render_html(report, audited),
    }


def render(report_dir):
    """Render the three reports of REPORT_DIR's stored results; return (report, [the three paths])."""
    report, _files, _changed = render_files(report_dir)
    return report, sorted(os.path.join(report_dir, n) for n in REPORT_FILES)


def render_files(report_dir):
    """As render(); also returns the paths whose content changed."""
    report, texts = report_texts(load_results(report_dir))
    changed = [os.path.join(report_dir, name) for name, text in sorted(texts.items())
               if _write_atomic(os.path.join(report_dir, name), text)]
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
    old_json = _read_text(os.path.join(report_dir, "posture.json"))
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
        "posture_changed": old_json != _read_text(os.path.join(report_dir, "posture.json")),
        "summary": report["summary"],
        "cost": report["cost"],
        "scope_targets": scope_targets,
        "scope_findings": _counts(scope),
        "scope_errors": [e["target"] for e in scope_errors],
        "fail_on": fail_on or None,
        "fail_on_hits": len(hits),
    }


def fail_on_message(result):
    """The failure message when ``result`` (of write_reports) has findings at or above fail_on."""
    return ("%d finding(s) of severity %s or worse (%s); see %s" % (
        result["fail_on_hits"], result["fail_on"],
        ", ".join("%d %s" % (result["scope_findings"][s], s) for s in SEVERITIES), ", ".join(result["files"])))
