# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture.html: the report as one page, no external assets (private).

Sortable tables, severity boxes and account and finding lists that filter the rows; a link can carry
the view (``posture.html#sort=resource&desc=1&hide=info,low&account=ID&finding=ID``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html

from ansible_collections.privatelink.ecr.plugins.module_utils.report.model import (
    NO_IMAGE,
    SEVERITIES,
    WORKLOAD_COLUMNS,
    usd,
)

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


def _workloads(view):
    """The "Workloads and images" table (model.workload_rows), filtered by account like the others."""
    if not view["workloads"]:
        return ""
    return "<h2>Workloads and images</h2>" + _table(
        "workloads", [(key, title, "text") for key, title in WORKLOAD_COLUMNS],
        [({"data-account": row["account_id"], "data-vpc": row["vpc_id"], "data-path": row["path"]},
          [_named(row["account_id"], row["account_name"]), _e(row["region"]),
           _named(row["vpc_id"], row["vpc_name"], code=True), _e(row["workload"]),
           "<code>%s</code>" % _e(row["image"]) if row["image"] else NO_IMAGE, _e(row["registry"]), _e(row["path"])],
          [row["account_id"], None, row["vpc_id"], None, None, None, None]) for row in view["workloads"]])


def render(view):
    """posture.html's text of ``view`` (model.shape)."""
    report = view["report"]
    s = report["summary"]
    account_names, vpc_names = view["account_names"], view["vpc_names"]
    cards = "".join('<div class="card" data-card="%s"><b>%d</b>%s</div>' % (key, value, _e(label)) for key, value, label in (
        ("vpcs", s["vpcs"], "VPCs"), ("compliant", s["compliant"], "compliant"),
        ("non_compliant", s["non_compliant"], "not compliant"), ("errors", s["errors"], "audit errors"),
        ("high", s["findings"]["high"], "high"), ("medium", s["findings"]["medium"], "medium"),
        ("low", s["findings"]["low"], "low"), ("info", s["findings"]["info"], "info")))
    cards += '<div class="card" data-card="monthly_usd"><b>%s</b>USD a month</div>' % _e(view["fleet_usd"])
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
          + [_e(usd(v.get("monthly_cost_usd")))]
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
    errors = _workloads(view)
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
    choosers = (_select("account-filter", "Account", "every account", view["accounts"])
                + _select("finding-filter", "Finding", "every finding",
                          [(i, "%s (%d)" % (i, n)) for i, n in view["finding_ids"]]))
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
""" % (_CSS, _e(view["audited"]), cards, _e(view["cost_note"]), choosers, overview, len(report["vpcs"]), vpcs, errors,
       len(report["findings"]), filters, findings, _JS)
