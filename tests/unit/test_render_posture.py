"""playbooks/files/render_posture.py on plain result records: merge, order, escaping, fail-on."""

import importlib.util
import io
import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "playbooks", "files", "render_posture.py")


def _load():
    spec = importlib.util.spec_from_file_location("render_posture", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _load()


def finding(finding_id, severity, resource, message=None):
    return {"id": finding_id, "severity": severity, "resource": resource,
            "message": message or "%s on %s" % (finding_id, resource), "remediation": "fix %s" % resource}


def record(target, account, region, vpc_id, findings, compliant=None, error=None, cost=21.9):
    if error:
        return {"target": target, "account_label": account, "region": region, "vpc": vpc_id, "error": error,
                "vpcs": []}
    if compliant is None:
        compliant = not any(f["severity"] in ("high", "medium") for f in findings)
    return {"target": target, "account_label": "", "region": region, "vpc": vpc_id, "error": None,
            "vpcs": [{"vpc_id": vpc_id, "account_id": account, "region": region, "compliant": compliant,
                      "monthly_cost_usd": cost, "workload_subnet_ids": ["subnet-1"],
                      "endpoints": {"ecr.api": {"vpc_endpoint_id": "vpce-1", "vpc_endpoint_type": "Interface",
                                                "state": "available", "subnet_ids": ["subnet-1"]}},
                      "findings": findings}]}


RECORDS = [
    record("prod-eu", "111111111111", "eu-west-1", "vpc-a", [finding("POLICY_UNRESTRICTED", "low", "vpce-1")]),
    record("prod-us", "111111111111", "us-east-1", "vpc-b", [
        finding("AZ_NOT_COVERED", "medium", "vpce-2"), finding("S3_ROUTE_MISSING", "high", "rtb-1"),
        finding("INTERNET_ROUTE", "info", "rtb-1")]),
    record("dev-eu", "222222222222", "eu-west-1", "vpc-c", [finding("ENDPOINT_MISSING", "high", "vpc-c")]),
    record("dev-us", "222222222222", "us-east-1", "", [], error="AccessDenied: no ec2:DescribeVpcs"),
]


def test_report_counts_and_overview_per_account_and_region():
    report = render.build_report(RECORDS)
    assert report["summary"] == {"targets": 4, "vpcs": 3, "compliant": 1, "non_compliant": 2, "errors": 1,
                                 "findings": {"high": 2, "medium": 1, "low": 1, "info": 1}}
    rows = {(r["account_id"], r["region"]): r for r in report["overview"]}
    assert list(rows) == [("111111111111", "eu-west-1"), ("111111111111", "us-east-1"),
                          ("222222222222", "eu-west-1"), ("222222222222", "us-east-1")]
    assert rows[("111111111111", "us-east-1")]["high"] == 1 and rows[("111111111111", "us-east-1")]["medium"] == 1
    assert rows[("222222222222", "us-east-1")]["errors"] == 1 and rows[("222222222222", "us-east-1")]["vpcs"] == 0
    assert report["errors"][0]["message"].startswith("AccessDenied")


def test_findings_most_severe_first_with_their_location():
    findings = render.build_report(RECORDS)["findings"]
    assert [f["severity"] for f in findings] == ["high", "high", "medium", "low", "info"]
    assert findings[0]["vpc_id"] == "vpc-b" and findings[0]["account_id"] == "111111111111"
    assert findings[1]["vpc_id"] == "vpc-c" and findings[1]["target"] == "dev-eu"


def test_report_does_not_depend_on_record_order():
    assert render.build_report(RECORDS) == render.build_report(list(reversed(RECORDS)))


def test_markdown_has_overview_then_findings_and_escapes_pipes():
    records = RECORDS + [record("odd", "333333333333", "eu-west-1", "vpc-d",
                                [finding("SG_OPEN_TO_WORLD", "medium", "sg-1", "admits tcp | all")])]
    text = render.render_markdown(render.build_report(records), "Audited now.")
    assert text.index("## Accounts and regions") < text.index("## VPCs") < text.index("## Findings")
    assert "| 111111111111 | us-east-1 | 1 | 0 | 1 | 0 | 1 | 1 | 0 | 1 |" in text
    assert "admits tcp \\| all" in text
    assert "AccessDenied" in text.split("## Audit errors")[1]


def test_html_is_self_contained_and_escapes_everything():
    hostile = record("x<script>", "333333333333", "eu-west-1", "vpc-e",
                     [finding("ENDPOINT_MISSING", "high", "vpc-e", "<img src=x onerror=alert(1)>")])
    page = render.render_html(render.build_report(RECORDS + [hostile]), "Audited <now>.")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "x&lt;script&gt;" in page and "Audited &lt;now&gt;." in page
    # No external assets: one file that opens offline.
    for marker in ("src=\"http", "href=\"http", "src='http", "@import", "<link"):
        assert marker not in page
    assert page.count("<script>") == 1
    assert 'data-severity="high"' in page and 'id="overview"' in page


def test_store_load_and_render_a_directory(tmp_path):
    render.store_results(str(tmp_path), RECORDS[:2])
    render.store_results(str(tmp_path), RECORDS[2:])  # another slice of the inventory, later
    assert sorted(os.listdir(tmp_path / "targets")) == ["dev-eu.json", "dev-us.json", "prod-eu.json",
                                                        "prod-us.json"]
    report, files = render.render(str(tmp_path))
    assert [os.path.basename(f) for f in files] == ["posture.html", "posture.json", "posture.md"]
    assert json.loads((tmp_path / "posture.json").read_text()) == report == render.build_report(
        [dict(r, schema_version=1) for r in RECORDS])
    # A target audited again replaces its own file, nothing else.
    render.store_results(str(tmp_path), [record("prod-eu", "111111111111", "eu-west-1", "vpc-a", [])])
    assert render.render(str(tmp_path))[0]["summary"]["findings"]["low"] == 0
    assert len(os.listdir(tmp_path / "targets")) == 4


def test_target_file_names_are_safe_and_distinct():
    assert render.target_file_name("prod-eu") == "prod-eu.json"
    a, b = render.target_file_name("a/b"), render.target_file_name("a_b")
    assert a != b and "/" not in a
    assert render.target_file_name("../../etc/passwd").startswith(".._.._etc_passwd-")


def _main(tmp_path, monkeypatch, capsys, records, *args):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(records)))
    code = render.main([str(tmp_path), "--results", "-"] + list(args))
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.parametrize("fail_on,hits", [("high", 2), ("medium", 3), ("low", 4)])
def test_fail_on_counts_severity_and_worse(tmp_path, monkeypatch, capsys, fail_on, hits):
    code, summary = _main(tmp_path, monkeypatch, capsys, RECORDS, "--fail-on", fail_on)
    assert code == render.EXIT_FAIL_ON and summary["fail_on_hits"] == hits
    assert (tmp_path / "posture.html").exists()  # reports are written before the verdict


def test_fail_on_judges_the_targets_of_this_run(tmp_path, monkeypatch, capsys):
    _main(tmp_path, monkeypatch, capsys, RECORDS)  # everything, earlier
    code, summary = _main(tmp_path, monkeypatch, capsys, RECORDS[:1], "--fail-on", "medium")
    assert code == 0 and summary["fail_on_hits"] == 0 and summary["scope_targets"] == 1
    assert summary["summary"]["targets"] == 4  # ... while the report still covers the union
    code, summary = _main(tmp_path, monkeypatch, capsys, RECORDS[:1], "--fail-on", "low")
    assert code == render.EXIT_FAIL_ON and summary["fail_on_hits"] == 1


def test_rerender_without_results_judges_the_whole_directory(tmp_path, monkeypatch, capsys):
    render.store_results(str(tmp_path), RECORDS)
    assert render.main([str(tmp_path), "--fail-on", "high"]) == render.EXIT_FAIL_ON
    summary = json.loads(capsys.readouterr().out.strip())
    assert summary["scope_targets"] == 4 and summary["scope_errors"] == ["dev-us"]
    assert render.main([str(tmp_path)]) == 0


# ---------------------------------------------------------------- cost and the NACL / policy findings

def test_cost_per_vpc_and_for_the_fleet():
    report = render.build_report(RECORDS)
    assert [v["monthly_cost_usd"] for v in report["vpcs"]] == [21.9, 21.9, 21.9]
    # Without hubs every VPC has its own endpoints: the per-VPC design costs what the fleet costs.
    assert report["cost"] == {"monthly_usd": 65.7, "per_vpc_design_monthly_usd": 65.7}
    assert set(report) == {"schema_version", "summary", "overview", "vpcs", "errors", "findings", "cost"}


def test_records_without_a_cost_count_as_nothing():
    old = record("old", "111111111111", "eu-west-1", "vpc-o", [], cost=None)
    report = render.build_report(RECORDS[:1] + [old])
    assert report["cost"]["monthly_usd"] == 21.9
    assert "| n/a |" in render.render_markdown(report, "now")


def test_cost_in_markdown_and_html():
    report = render.build_report(RECORDS)
    text = render.render_markdown(report, "Audited now.")
    assert "65.70 USD a month for the fleet" in text
    assert "| 111111111111 | us-east-1 | vpc-b | prod-us | **no** | 1 | 1 | 0 | 1 | 21.90 |" in text
    assert "| **Fleet** | | | | | | | | | **65.70** |" in text
    page = render.render_html(report, "now")
    assert 'data-card="monthly_usd"><b>65.70</b>' in page and 'data-key="monthly_cost_usd"' in page
    assert '<p id="cost">Interface endpoints: 65.70 USD a month' in page


def test_nacl_and_policy_findings_are_reported_like_the_others():
    nacl = finding("NACL_BLOCKS_HTTPS", "high", "acl-0abc",
                   "network ACL acl-0abc denies inbound TCP 32768-65535 by rule *")
    policy = finding("POLICY_BLOCKS_PULL", "high", "vpce-0s3",
                     "the policy of the s3 endpoint vpce-0s3 blocks image pulls: s3:GetObject on ...")
    records = [record("blocked", "333333333333", "eu-west-1", "vpc-n", [nacl, policy])]
    report = render.build_report(records)
    assert [f["id"] for f in report["findings"]] == ["NACL_BLOCKS_HTTPS", "POLICY_BLOCKS_PULL"]
    assert report["summary"]["findings"]["high"] == 2 and report["summary"]["non_compliant"] == 1
    text = render.render_markdown(report, "now")
    assert "| high | NACL_BLOCKS_HTTPS | 333333333333 | eu-west-1 | vpc-n | acl-0abc |" in text
    assert "| high | POLICY_BLOCKS_PULL |" in text
    page = render.render_html(report, "now")
    assert 'data-finding="NACL_BLOCKS_HTTPS"' in page and 'data-finding="POLICY_BLOCKS_PULL"' in page


# ---------------------------------------------------------------- the module_utils the module and this script share

from ansible_collections.privatelink.ecr.plugins.module_utils.report import model, store  # noqa: E402
from ansible_collections.privatelink.ecr.plugins.module_utils.report import write as impl  # noqa: E402


def test_the_script_runs_the_module_utils_code():
    assert os.path.samefile(render._IMPL_PATH, impl.__file__)
    records = RECORDS + [record("x", "333333333333", "eu-west-1", "vpc-x", [finding("INTERNET_ROUTE", "info", "r")])]
    assert render.build_report(records) == impl.build_report(records)
    assert render.render_html(impl.build_report(records), "now") == impl.html_of(impl.build_report(records), "now")


def test_write_reports_writes_only_what_changed(tmp_path):
    stamped = [dict(r, audited_at="2026-01-01T00:00:00Z") for r in RECORDS]
    first = impl.write_reports(str(tmp_path), stamped)
    assert first["posture_changed"] and len(first["changed_files"]) == 3 + len(RECORDS)
    assert first["files"] == [str(tmp_path / n) for n in ("posture.html", "posture.json", "posture.md")]
    mtimes = dict((n, os.stat(str(tmp_path / n)).st_mtime_ns) for n in os.listdir(tmp_path) if "." in n)
    again = impl.write_reports(str(tmp_path), stamped)
    assert again["changed_files"] == [] and not again["posture_changed"]
    assert dict((n, os.stat(str(tmp_path / n)).st_mtime_ns) for n in mtimes) == mtimes  # not even rewritten
    # A record without audited_at gets the given time.
    third = impl.write_reports(str(tmp_path), [dict(RECORDS[0], findings=[])], now="2026-02-02T00:00:00Z")
    assert str(tmp_path / "targets" / "prod-eu.json") in third["changed_files"]
    assert json.loads((tmp_path / "targets" / "prod-eu.json").read_text())["audited_at"] == "2026-02-02T00:00:00Z"


def test_write_reports_judges_fail_on_in_its_scope(tmp_path):
    result = impl.write_reports(str(tmp_path), RECORDS, fail_on="medium")
    assert result["fail_on_hits"] == 3 and result["scope_targets"] == 4 and result["scope_errors"] == ["dev-us"]
    assert impl.fail_on_message(result).startswith(
        "3 finding(s) of severity medium or worse (2 high, 1 medium, 1 low, 1 info); see ")
    assert impl.write_reports(str(tmp_path), RECORDS[:1], fail_on="medium")["fail_on_hits"] == 0
    assert impl.write_reports(str(tmp_path), None, fail_on="medium")["fail_on_hits"] == 3
    with pytest.raises(store.ReportError, match="fail_on is 'critical'"):
        impl.write_reports(str(tmp_path), RECORDS, fail_on="critical")


@pytest.mark.parametrize("records,message", [
    ({"target": "a"}, "results must be a list"),
    (["a"], r"results\[0\] is str"),
    ([{"vpcs": []}], r"results\[0\] has no 'target'"),
    ([{"target": "a", "vpcs": {}}], r"results\[0\] \(a\): 'vpcs' must be a list"),
])
def test_bad_records_are_named(tmp_path, records, message):
    with pytest.raises(store.ReportError, match=message):
        impl.write_reports(str(tmp_path), records)
    assert not os.path.exists(str(tmp_path / "posture.json"))


def test_inventory_errors_become_audit_errors_of_their_account(tmp_path):
    errors = [{"account_id": "444444444444", "region": None, "message": "Failed to assume ...: AccessDenied"},
              {"account_id": 555555555555, "region": "ap-east-1", "message": "OptInRequired"}]
    result = impl.write_reports(str(tmp_path), RECORDS, inventory_errors=errors)
    report = json.loads((tmp_path / "posture.json").read_text())
    inventory = [e for e in report["errors"] if e["message"].startswith(store.INVENTORY_PREFIX)]
    assert [(e["target"], e["account_id"], e["region"]) for e in inventory] == [
        ("444444444444", "444444444444", ""), ("555555555555-ap-east-1", "555555555555", "ap-east-1")]
    assert set(result["scope_errors"]) == {"dev-us", "444444444444", "555555555555-ap-east-1"}
    rows = dict(((r["account_id"], r["region"]), r) for r in report["overview"])
    assert rows[("444444444444", "")]["errors"] == 1 and rows[("555555555555", "ap-east-1")]["errors"] == 1
    # The next run's list replaces them; the audited targets' files stay.
    impl.write_reports(str(tmp_path), None, inventory_errors=[])
    report = json.loads((tmp_path / "posture.json").read_text())
    assert [e["target"] for e in report["errors"]] == ["dev-us"] and report["summary"]["targets"] == 4


def test_new_files_are_readable_and_replaced_files_keep_their_mode(tmp_path):
    old = os.umask(0o022)
    try:
        impl.write_reports(str(tmp_path), RECORDS)
        assert os.stat(str(tmp_path / "posture.html")).st_mode & 0o777 == 0o644
        os.chmod(str(tmp_path / "posture.md"), 0o600)
        impl.write_reports(str(tmp_path), [dict(RECORDS[0], audited_at="2030-01-01T00:00:00Z")])
        assert os.stat(str(tmp_path / "posture.md")).st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".tmp-")]


def test_command_line_reports_bad_records_without_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps([{"vpcs": []}])))
    assert render.main([str(tmp_path), "--results", "-"]) == 2
    assert "has no 'target'" in capsys.readouterr().err


# ---------------------------------------------------------------- names people know: account_name and vpc_name

def named(target, account, account_name, vpc_id, vpc_name, findings, error=None):
    """A record of a host with aws_account_name, whose VPC carries a Name tag."""
    base = record(target, account, "eu-west-1", vpc_id, findings, error=error)
    base["account_name"] = account_name
    for vpc in base["vpcs"]:
        vpc["vpc_name"] = vpc_name
    return base


NAMED = [
    named("shop", "444444444444", "shop-prod", "vpc-s", "checkout", [finding("S3_ROUTE_MISSING", "high", "rtb-s")]),
    named("lab", "555555555555", None, "vpc-l", None, [finding("POLICY_UNRESTRICTED", "low", "vpce-l")]),
    named("lab-us", "555555555555", None, "", None, [], error="AccessDenied"),
    # The aws_vpcs inventory names an account it cannot read the name of by its id: shown once.
    named("tools", "666666666666", "666666666666", "vpc-t", "", [finding("S3_ROUTE_MISSING", "high", "rtb-t")]),
]


def test_posture_json_names_accounts_and_vpcs_or_says_null():
    report = render.build_report(NAMED)
    vpcs = {v["vpc_id"]: (v["account_name"], v["vpc_name"]) for v in report["vpcs"]}
    assert vpcs == {"vpc-s": ("shop-prod", "checkout"), "vpc-l": (None, None), "vpc-t": ("666666666666", None)}
    # The other entries keep their keys (the names are shown by id from the vpcs entries).
    assert not any("account_name" in x or "vpc_name" in x
                   for x in report["findings"] + report["overview"] + report["errors"])
    assert model.names_of(report) == ({"444444444444": "shop-prod", "666666666666": "666666666666"}, {
        ("shop", "vpc-s"): "checkout", ("lab", "vpc-l"): None, ("tools", "vpc-t"): None})
    # Records written before names existed still render: both null.
    old = render.build_report(RECORDS)
    assert all(v["account_name"] is None and v["vpc_name"] is None for v in old["vpcs"])


def test_markdown_shows_the_names_next_to_the_ids():
    text = render.render_markdown(render.build_report(NAMED), "now")
    overview, rest = text.split("## VPCs")
    assert "| 444444444444 (shop-prod) | eu-west-1 | 1 |" in overview
    assert "| 555555555555 | eu-west-1 | 1 |" in overview and "| 666666666666 | eu-west-1 |" in overview
    assert "| 444444444444 (shop-prod) | eu-west-1 | vpc-s (checkout) | shop | **no** |" in rest
    assert "| 555555555555 | eu-west-1 | vpc-l | lab | yes |" in rest
    assert "| high | S3_ROUTE_MISSING | 444444444444 (shop-prod) | eu-west-1 | vpc-s (checkout) | rtb-s |" in rest
    assert "| high | S3_ROUTE_MISSING | 666666666666 | eu-west-1 | vpc-t | rtb-t |" in rest


def test_html_shows_the_names_and_offers_filters_by_account_and_finding():
    page = render.render_html(render.build_report(NAMED + [
        named("x", "777777777777", "<b>x</b>", "vpc-x", "<i>y</i>", [])]), "now")
    assert '<code>vpc-s</code> <span class="name">checkout</span>' in page
    assert '444444444444 <span class="name">shop-prod</span>' in page
    assert "<b>x</b>" not in page and "<i>y</i>" not in page and "&lt;i&gt;y&lt;/i&gt;" in page
    accounts = page.split('id="account-filter"')[1].split("</select>")[0]
    assert accounts.index('value=""') < accounts.index('value="444444444444">444444444444 (shop-prod)<') \
        < accounts.index('value="555555555555">555555555555<') < accounts.index('value="666666666666">666666666666<')
    findings = page.split('id="finding-filter"')[1].split("</select>")[0]
    assert 'value="S3_ROUTE_MISSING">S3_ROUTE_MISSING (2)<' in findings and 'value="POLICY_UNRESTRICTED"' in findings
    # Every row the filter acts on carries what it filters by.
    assert 'data-account="444444444444" data-compliant="false" data-findings="S3_ROUTE_MISSING"' in page
    assert '<tr data-order="0" data-account="444444444444" data-finding="S3_ROUTE_MISSING" data-severity="high">' \
        in page
    assert 'data-account="555555555555" data-target="lab-us"' in page
