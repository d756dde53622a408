# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture.md: the report as Markdown tables (private)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils.report.model import (
    NO_IMAGE,
    SEVERITIES,
    WORKLOAD_COLUMNS,
    labelled,
    usd,
)


def _md(text):
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _workloads(view):
    """The "Workloads and images" section: which workload of which VPC pulls what, through which path."""
    if not view["workloads"]:
        return []
    lines = ["", "## Workloads and images", "",
             "Path: private endpoint (the Region's ECR through the VPC's endpoints), pull-through cache, internet "
             "(a default route), none (cannot be pulled now: see the findings).", "",
             "| %s |" % " | ".join(title for _key, title in WORKLOAD_COLUMNS),
             "| %s |" % " | ".join("---" for _column in WORKLOAD_COLUMNS)]
    for row in view["workloads"]:
        cells = dict(row, account_id=labelled(row["account_id"], row["account_name"]),
                     vpc_id=labelled(row["vpc_id"], row["vpc_name"]), image=row["image"] or NO_IMAGE)
        lines.append("| %s |" % " | ".join(_md(cells[key]) for key, _title in WORKLOAD_COLUMNS))
    return lines


def render(view):
    """posture.md's text of ``view`` (model.shape)."""
    report = view["report"]
    s = report["summary"]
    account_names, vpc_names = view["account_names"], view["vpc_names"]
    lines = [
        "# ECR private-endpoint posture",
        "",
        "%d target(s), %d VPC(s): %d compliant, %d not compliant, %d audit error(s). "
        "Findings: %s." % (s["targets"], s["vpcs"], s["compliant"], s["non_compliant"], s["errors"],
                           ", ".join("%d %s" % (s["findings"][k], k) for k in SEVERITIES)),
        "",
        view["cost_note"],
        "",
        "A VPC is compliant when it has no high or medium finding. %s" % view["audited"],
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
            usd(vpc.get("monthly_cost_usd"))))
    lines.append("| **Fleet** | | | | | | | | | **%s** |" % view["fleet_usd"])
    lines += _workloads(view)
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
