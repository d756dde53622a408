"""The module privatelink.ecr.posture_report, alone (the real `ansible` CLI) and inside the audit playbook.

The audit playbook writes its three reports through the module, also under ``--check`` (the reports
are the audit's output, not a change to AWS), fails on ``posture_fail_on`` only after writing them,
and reports the errors of an aws_vpcs inventory (``aws_vpcs_errors``) as audit errors.
"""

import json
import os
import stat
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.ansible_cli import aws_env, run_module, run_playbook  # noqa: E402
from tests.support.audit_fixtures import REGION, deploy_args, ec2_client, seed_private_vpc  # noqa: E402
from tests.support.inventory import write_inventory  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402

pytestmark = pytest.mark.integration

PLAYBOOK = "privatelink.ecr.audit"
REPORTS = ["posture.html", "posture.json", "posture.md"]


def finding(finding_id, severity, resource):
    return {"id": finding_id, "severity": severity, "resource": resource, "message": "%s on %s" % (finding_id, resource),
            "remediation": "fix %s" % resource}


def record(target, findings, audited_at="2026-01-02T03:04:05Z", account="111122223333"):
    return {"target": target, "account_label": account, "region": REGION, "vpc": "vpc-" + target, "error": None,
            "audited_at": audited_at,
            "vpcs": [{"vpc_id": "vpc-" + target, "account_id": account, "region": REGION,
                      "compliant": not any(f["severity"] in ("high", "medium") for f in findings),
                      "monthly_cost_usd": 21.9, "workload_subnet_ids": ["subnet-1"], "endpoints": {},
                      "findings": findings}]}


RECORDS = [record("web", [finding("POLICY_UNRESTRICTED", "low", "vpce-1")]),
           record("api", [finding("NACL_BLOCKS_HTTPS", "high", "acl-1")])]


def read_json(path):
    with open(str(path)) as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def env():
    # The module makes no AWS call: an endpoint nobody listens on proves it.
    return aws_env("http://127.0.0.1:9", REGION)


# ---------------------------------------------------------------- the module alone

def test_writes_the_three_reports_and_is_idempotent(tmp_path, env):
    dest = tmp_path / "report"
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS}, env)
    assert rc == 0 and result["changed"], output
    assert sorted(os.listdir(dest)) == REPORTS + ["targets"]
    assert result["files"] == [str(dest / name) for name in REPORTS]
    assert result["summary"] == {"targets": 2, "vpcs": 2, "compliant": 1, "non_compliant": 1, "errors": 0,
                                 "findings": {"high": 1, "medium": 0, "low": 1, "info": 0}}
    assert result["posture_changed"] and result["fail_on_hits"] == 0 and result["cost"]["monthly_usd"] == 43.8
    assert read_json(dest / "posture.json")["summary"] == result["summary"]
    # New files follow the umask, not mkstemp's 0600: a report is for reading.
    assert stat.S_IMODE(os.stat(str(dest / "posture.html")).st_mode) & 0o044
    before = dict((name, (dest / name).read_text()) for name in REPORTS)

    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS}, env)
    assert rc == 0 and not result["changed"] and result["changed_files"] == [], output
    assert not result["posture_changed"]
    assert dict((name, (dest / name).read_text()) for name in REPORTS) == before

    # A new audit time changes the Markdown and HTML (they show it), not posture.json.
    later = [dict(r, audited_at="2026-01-03T00:00:00Z") for r in RECORDS]
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": later}, env)
    assert rc == 0 and result["changed"] and not result["posture_changed"], output
    assert str(dest / "posture.json") not in result["changed_files"]
    assert str(dest / "posture.md") in result["changed_files"]


def test_check_mode_still_writes_the_reports(tmp_path, env):
    dest = tmp_path / "checked"
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS}, env, check=True)
    assert rc == 0 and result["changed"], output
    assert sorted(os.listdir(dest)) == REPORTS + ["targets"]


def test_fail_on_fails_after_writing(tmp_path, env):
    dest = tmp_path / "gate"
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS, "fail_on": "high"},
                                    env)
    assert rc != 0, output
    assert result["msg"].startswith("1 finding(s) of severity high or worse (1 high, 0 medium, 1 low, 0 info)")
    assert result["fail_on_hits"] == 1 and result["changed"]
    assert read_json(dest / "posture.json")["summary"]["findings"]["high"] == 1
    # Only the targets of this call are judged; omitting results judges the whole directory.
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS[:1], "fail_on": "medium"},
                                    env)
    assert rc == 0 and result["scope_targets"] == 1, output
    rc, result, output = run_module("posture_report", {"dest": str(dest), "fail_on": "medium"}, env)
    assert rc != 0 and result["scope_targets"] == 2, output


def test_inventory_errors_are_audit_errors_and_replaced_by_the_next_run(tmp_path, env):
    dest = tmp_path / "inventory"
    errors = [{"account_id": "310987654321", "region": None,
               "message": "Failed to assume arn:aws:iam::310987654321:role/x: AccessDenied: denied"},
              {"account_id": "210987654321", "region": "ap-east-1", "message": "the region is not enabled"}]
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS,
                                                       "inventory_errors": errors}, env)
    assert rc == 0, output
    posture = read_json(dest / "posture.json")
    assert posture["summary"]["errors"] == 2 and result["scope_errors"] == ["210987654321-ap-east-1", "310987654321"]
    by_target = dict((e["target"], e) for e in posture["errors"])
    assert by_target["310987654321"]["account_id"] == "310987654321" and by_target["310987654321"]["region"] == ""
    assert "AccessDenied" in by_target["310987654321"]["message"]
    assert by_target["210987654321-ap-east-1"]["region"] == "ap-east-1"
    assert "| 310987654321 |  | privatelink.ecr.aws_vpcs inventory: Failed to assume" in (dest / "posture.md").read_text()
    # Unchanged errors change nothing ...
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS,
                                                       "inventory_errors": errors}, env)
    assert rc == 0 and not result["changed"], output
    # ... and once the account can be listed again, its error goes away.
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS,
                                                       "inventory_errors": errors[1:]}, env)
    assert rc == 0 and result["changed"], output
    assert [e["target"] for e in read_json(dest / "posture.json")["errors"]] == ["210987654321-ap-east-1"]
    # Omitted: the stored errors stay.
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS}, env)
    assert read_json(dest / "posture.json")["summary"]["errors"] == 1


@pytest.mark.parametrize("args,message", [
    ({"results": [{"vpcs": []}]}, "results[0] has no 'target'"),
    ({"results": RECORDS, "inventory_errors": [{"message": "x"}]}, "inventory_errors[0] needs an account_id"),
    ({"results": RECORDS, "fail_on": "critical"}, "value of fail_on must be one of"),
])
def test_bad_input_fails_clearly(tmp_path, env, args, message):
    rc, result, output = run_module("posture_report", dict(args, dest=str(tmp_path / "bad")), env)
    assert rc != 0 and message in result["msg"], output
    assert "Traceback" not in output


def test_a_broken_result_file_is_named(tmp_path, env):
    dest = tmp_path / "broken"
    os.makedirs(str(dest / "targets"))
    (dest / "targets" / "old.json").write_text("{not json")
    rc, result, output = run_module("posture_report", {"dest": str(dest), "results": RECORDS}, env)
    assert rc != 0 and "old.json is not a result file" in result["msg"], output


# ---------------------------------------------------------------- inside the audit playbook

@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """moto_server with one deployed VPC (4 POLICY_UNRESTRICTED findings, low) and its inventory."""
    with MotoServer() as server:
        ec2 = ec2_client(server.url)
        vpc = seed_private_vpc(ec2, cidr_prefix="10.61")
        env = aws_env(server.url, REGION)
        rc, _result, output = run_module("ecr_private_endpoints", deploy_args(vpc), env)
        assert rc == 0, output
        folder = tmp_path_factory.mktemp("posture-report")
        path = write_inventory(
            folder / "inventory.json", server.url, REGION,
            {"platform": {"vpc_id": vpc["vpc_id"], "aws_account_id": "123456789012"}},
            # What the aws_vpcs inventory plugin sets when an account cannot be listed.
            aws_vpcs_errors=[{"account_id": "310987654321", "region": None,
                              "message": "Failed to assume the role: AccessDenied"}])
        yield {"server": server, "env": env, "inventory": path, "folder": folder, "vpc": vpc}


def audit(estate, report_dir, *args, **extra_vars):
    extra_vars["posture_report_dir"] = str(report_dir)
    estate["server"].clear_requests()
    proc = run_playbook(PLAYBOOK, estate["env"], inventory=estate["inventory"], extra_vars=extra_vars, args=args)
    assert estate["server"].mutating_requests() == {}
    return proc


def test_audit_writes_the_reports_through_the_module_also_in_check_mode(estate):
    for mode, args in (("run", ()), ("check", ("--check",))):
        report = estate["folder"] / mode
        proc = audit(estate, report, *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "TASK [Write posture.json, posture.md and posture.html" in proc.stdout
        assert sorted(os.listdir(str(report))) == REPORTS + ["targets"]
        assert sorted(os.listdir(str(report / "targets"))) == ["310987654321.json", "platform.json"]
        posture = read_json(report / "posture.json")
        assert posture["summary"]["vpcs"] == 1 and posture["summary"]["findings"]["low"] == 4
        # The inventory's error is an audit error of its account; it does not fail the play.
        assert posture["errors"] == [{"target": "310987654321", "account_id": "310987654321", "region": "",
                                      "vpc": "", "message": "privatelink.ecr.aws_vpcs inventory: Failed to assume "
                                                            "the role: AccessDenied"}]
    assert read_json(estate["folder"] / "run" / "posture.json") == read_json(estate["folder"] / "check" / "posture.json")


def test_fail_on_fails_the_play_after_writing_also_in_check_mode(estate):
    report = estate["folder"] / "gate"
    proc = audit(estate, report, "--check", posture_fail_on="low")
    assert proc.returncode != 0
    assert "4 finding(s) of severity low or worse (0 high, 0 medium, 4 low, 0 info)" in proc.stdout
    # The summary was shown and the reports written before the play failed.
    assert "TASK [Show the posture summary]" in proc.stdout
    assert read_json(report / "posture.json")["summary"]["findings"]["low"] == 4
    assert audit(estate, estate["folder"] / "gate-medium", posture_fail_on="medium").returncode == 0


def test_an_unusable_report_directory_fails_the_play_clearly(estate, tmp_path):
    # A path under a regular file cannot be a directory, whoever runs the test (root included).
    (tmp_path / "a-file").write_text("")
    proc = audit(estate, tmp_path / "a-file" / "report")
    assert proc.returncode != 0
    assert "posture_report: cannot create the report directory" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
