# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report's data, shaped once from the stored records (private).

``build_report`` is posture.json's content; ``shape`` is what every renderer reads: that content plus
what the tables show beside it (names next to ids, the cost note, the filter lists and the workloads and
images rows), computed here once so that a format only formats.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._image_refs import image_paths

SCHEMA_VERSION = 1
SEVERITIES = ("high", "medium", "low", "info")
RANK = dict((name, rank) for rank, name in enumerate(SEVERITIES))
# The "Workloads and images" table's columns (key, heading), in every format.
WORKLOAD_COLUMNS = (("account_id", "Account"), ("region", "Region"), ("vpc_id", "VPC"), ("workload", "Workload"),
                    ("image", "Image"), ("registry", "Registry"), ("path", "Path"))
NO_IMAGE = "(no image known)"


def _account(record, vpc=None):
    return str((vpc or {}).get("account_id") or record.get("account_label") or "unknown")


def _name(value):
    """A name as posture.json keeps it: a non-empty string, else None."""
    return str(value) if value not in (None, "") else None


def _account_name(record):
    return _name(record.get("account_name"))


def counts(findings):
    """Findings per severity, every severity present."""
    result = {s: 0 for s in SEVERITIES}
    for item in findings:
        result[item["severity"]] = result.get(item["severity"], 0) + 1
    return result


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
                "counts": counts(vpc_findings),
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
    totals = counts(findings)
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


# ---------------------------------------------------------------- what the renderers show beside posture.json

def usd(value):
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
            % usd(cost.get("monthly_usd")))
    hubs = sorted(set(v["hub_vpc_id"] for v in report.get("vpcs") or [] if v.get("hub_vpc_id")))
    if hubs:
        note += (" Centralized through %d hub VPC(s) (%s); with its own interface endpoints in every VPC the same "
                 "fleet would cost %s USD a month." % (len(hubs), ", ".join(hubs),
                                                       usd(cost.get("per_vpc_design_monthly_usd"))))
    return note


def audited_note(records):
    times = sorted(r.get("audited_at") for r in records if r.get("audited_at"))
    if not times:
        return "No result files."
    if times[0] == times[-1]:
        return "Audited at %s." % times[0]
    return "Rendered from %d result file(s) audited between %s and %s." % (len(records), times[0], times[-1])


def workload_rows(report, account_names):
    """The "Workloads and images" rows (keys of WORKLOAD_COLUMNS, plus ``account_name`` and ``vpc_name``): one
    per image of each workload, a workload with no image known once (``image`` None)."""
    rows = []
    for vpc in report["vpcs"]:
        by_reference = dict((i["reference"], i) for i in vpc.get("images") or [])
        for workload in vpc.get("workloads") or []:
            label = "%s %s" % (workload.get("kind"), workload.get("name"))
            for reference in workload.get("images") or [None]:
                image = (by_reference.get(reference) if reference else None) or {}
                rows.append({"account_id": vpc["account_id"], "account_name": account_names.get(vpc["account_id"]),
                             "region": vpc["region"], "vpc_id": vpc["vpc_id"], "vpc_name": vpc.get("vpc_name"),
                             "workload": label, "image": image.get("reference"),
                             "registry": image.get("registry") or "", "path": image.get("path") or ""})
    return rows


def shape(report, audited):
    """What every renderer reads: posture.json's content (``report``), the audit times' note (``audited``)
    and what the tables show beside the ids, computed once."""
    account_names, vpc_names = names_of(report)
    accounts = dict((row["account_id"], account_names.get(row["account_id"])) for row in report["overview"])
    finding_ids = {}
    for item in report["findings"]:
        finding_ids[item["id"]] = finding_ids.get(item["id"], 0) + 1
    return {
        "report": report,
        "audited": audited,
        "account_names": account_names,
        "vpc_names": vpc_names,
        "cost_note": cost_note(report),
        "fleet_usd": usd((report.get("cost") or {}).get("monthly_usd")),
        "accounts": [(a, labelled(a, accounts[a])) for a in sorted(accounts)],
        "finding_ids": sorted(finding_ids.items()),
        "workloads": workload_rows(report, account_names),
    }
