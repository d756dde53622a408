"""The privatelink.ecr.audit playbook, by FQCN, against moto_server: reports, merging, posture_fail_on.

Two targets in two accounts: "platform" (default account, deployed, compliant) and "payments"
(account 111111111111 reached by assume-role with an external id, named by vpc_name, never
deployed). Reports are written into temporary directories and read back.
"""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.ansible_cli import aws_env, run_module, run_playbook  # noqa: E402
from tests.support.audit_fixtures import (  # noqa: E402
    REGION,
    assumed_credentials,
    deploy_args,
    ec2_client,
    seed_private_vpc,
)
from tests.support.inventory import write_inventory  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402

pytestmark = pytest.mark.integration

PLAYBOOK = "privatelink.ecr.audit"
RENDER = os.path.join(ROOT, "playbooks", "files", "render_posture.py")
ROLE = "arn:aws:iam::111111111111:role/privatelink-ecr-audit"
EXTERNAL_ID = "audit-external-id-7f3a"


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    """moto_server with the two targets, and the inventory that names them."""
    with MotoServer() as server:
        ec2 = ec2_client(server.url)
        platform = seed_private_vpc(ec2, cidr_prefix="10.60")
        env = aws_env(server.url, REGION)
        rc, deployed, output = run_module("ecr_private_endpoints", deploy_args(platform), env)
        assert rc == 0, output
        payments_ec2 = ec2_client(server.url, credentials=assumed_credentials(server.url, ROLE, EXTERNAL_ID))
        payments = seed_private_vpc(payments_ec2, cidr_prefix="10.70", name="payments-prod")
        folder = tmp_path_factory.mktemp("audit-playbook")
        path = write_inventory(folder / "inventory.json", server.url, REGION, {
            "platform": {"vpc_id": platform["vpc_id"], "aws_account_id": "123456789012"},
            "payments": {"vpc_name": "payments-prod", "aws_role_arn": ROLE,
                         "aws_external_id": EXTERNAL_ID, "aws_account_name": "payments"},
        })
        yield {"server": server, "env": env, "inventory": path, "folder": folder,
               "platform": platform, "payments": payments}


def audit(estate, report_dir, *args, **extra_vars):
    extra_vars["posture_report_dir"] = str(report_dir)
    estate["server"].clear_requests()
    proc = run_playbook(PLAYBOOK, estate["env"], inventory=estate["inventory"], extra_vars=extra_vars,
                        args=args)
    assert estate["server"].mutating_requests() == {}
    return proc


def read_json(path):
    with open(path) as handle:
        return json.load(handle)


@pytest.fixture(scope="module")
def full_run(estate):
    report = estate["folder"] / "full"
    proc = audit(estate, report, "-vvv")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"dir": report, "proc": proc, "posture": read_json(report / "posture.json")}


def test_reports_cover_every_target(full_run, estate):
    report = full_run["dir"]
    assert sorted(os.listdir(report / "targets")) == ["payments.json", "platform.json"]
    posture = full_run["posture"]
    assert posture["summary"] == {"targets": 2, "vpcs": 2, "compliant": 1, "non_compliant": 1, "errors": 0,
                                  "findings": {"high": 4, "medium": 0, "low": 4, "info": 0}}
    assert [(r["account_id"], r["region"], r["vpcs"], r["compliant"], r["high"]) for r in posture["overview"]] == [
        ("111111111111", REGION, 1, 0, 4), ("123456789012", REGION, 1, 1, 0)]
    by_target = {v["target"]: v for v in posture["vpcs"]}
    assert by_target["platform"]["vpc_id"] == estate["platform"]["vpc_id"] and by_target["platform"]["compliant"]
    assert by_target["payments"]["vpc_id"] == estate["payments"]["vpc_id"]
    assert set(f["id"] for f in by_target["payments"]["findings"]) == {"ENDPOINT_MISSING"}
    markdown = (report / "posture.md").read_text()
    assert "| 111111111111 (payments) | eu-west-1 | 1 | 0 | 1 | 0 | 4 | 0 | 0 | 0 |" in markdown
    assert estate["payments"]["vpc_id"] in markdown.split("## Findings")[1]
    page = (report / "posture.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and estate["platform"]["vpc_id"] in page
    # Cost: the deployed VPC has three interface endpoints in three AZs (9 x 730 h x 0.01 USD), the other none.
    assert by_target["platform"]["monthly_cost_usd"] == 65.7 and by_target["payments"]["monthly_cost_usd"] == 0
    assert posture["cost"] == {"monthly_usd": 65.7, "per_vpc_design_monthly_usd": 65.7}
    assert "65.70 USD a month for the fleet" in markdown and "| **Fleet** |" in markdown
    assert 'data-card="monthly_usd"><b>65.70</b>' in page


def test_reports_name_the_accounts_and_vpcs_people_know(full_run, estate):
    """account_name is the host's aws_account_name, vpc_name the VPC's Name tag; null when there is none."""
    by_target = {v["target"]: v for v in full_run["posture"]["vpcs"]}
    assert (by_target["payments"]["account_name"], by_target["payments"]["vpc_name"]) == ("payments", "payments-prod")
    assert (by_target["platform"]["account_name"], by_target["platform"]["vpc_name"]) == (None, None)
    markdown = (full_run["dir"] / "posture.md").read_text()
    assert "| 111111111111 (payments) | eu-west-1 | 1 | 0 | 1 |" in markdown.split("## VPCs")[0]
    findings_table = markdown.split("## Findings")[1]
    assert "| ENDPOINT_MISSING | 111111111111 (payments) | eu-west-1 | %s (payments-prod) |" % (
        estate["payments"]["vpc_id"]) in findings_table
    vpcs_table = (full_run["dir"] / "posture.md").read_text().split("## VPCs")[1].split("## Findings")[0]
    assert "| 111111111111 (payments) | eu-west-1 | %s (payments-prod) | payments |" % estate["payments"]["vpc_id"] \
        in vpcs_table
    assert "| 123456789012 | eu-west-1 | %s | platform |" % estate["platform"]["vpc_id"] in vpcs_table
    page = (full_run["dir"] / "posture.html").read_text()
    assert '<code>%s</code> <span class="name">payments-prod</span>' % estate["payments"]["vpc_id"] in page
    assert '<option value="111111111111">111111111111 (payments)</option>' in page
    assert '<option value="ENDPOINT_MISSING">ENDPOINT_MISSING (' in page


def test_cost_and_port_range_host_variables(estate):
    report = estate["folder"] / "priced"
    proc = audit(estate, report, "--limit", "platform", posture_endpoint_hour_usd=0.02,
                 posture_client_port_range="1024-65535")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    posture = read_json(report / "posture.json")
    assert posture["cost"]["monthly_usd"] == 131.4 and posture["summary"]["compliant"] == 1
    proc = audit(estate, estate["folder"] / "bad-range", "--limit", "platform", posture_client_port_range="443")
    assert proc.returncode != 0 and "client_port_range" in proc.stdout


def test_secrets_never_reach_the_output(full_run):
    # The run was made with -vvv: the external id is passed to the module, and must never show.
    output = full_run["proc"].stdout + full_run["proc"].stderr
    assert "task path:" in output  # it really was verbose (-vv and more print each task's path)
    assert EXTERNAL_ID not in output
    for name in os.listdir(full_run["dir"] / "targets"):
        assert EXTERNAL_ID not in (full_run["dir"] / "targets" / name).read_text()


def test_limited_runs_merge_into_the_same_report(full_run, estate):
    report = estate["folder"] / "halves"
    for half in ("platform", "payments"):
        proc = audit(estate, report, "--limit", half)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert read_json(report / "posture.json") == full_run["posture"]


def test_documented_command_rerenders_a_directory(full_run, estate):
    report = estate["folder"] / "copy"
    os.makedirs(report / "targets")
    for name in os.listdir(full_run["dir"] / "targets"):
        (report / "targets" / name).write_text((full_run["dir"] / "targets" / name).read_text())
    proc = subprocess.run([sys.executable, RENDER, str(report)], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip())["summary"]["vpcs"] == 2
    assert read_json(report / "posture.json") == full_run["posture"]
    assert (report / "posture.md").read_text() == (full_run["dir"] / "posture.md").read_text()


def test_fail_on_gates_after_writing_the_reports(estate):
    report = estate["folder"] / "gate"
    proc = audit(estate, report, posture_fail_on="high")
    assert proc.returncode != 0
    assert "4 finding(s) of severity high or worse" in proc.stdout
    assert read_json(report / "posture.json")["summary"]["findings"]["high"] == 4
    # Only the targets of this run are judged: the compliant one (low findings only) passes a medium
    # gate (tests/unit/test_render_posture.py shows it fails a low one) ...
    assert audit(estate, report, "--limit", "platform", posture_fail_on="medium").returncode == 0
    # ... while the report still covers both targets.
    assert read_json(report / "posture.json")["summary"]["targets"] == 2


def test_a_failed_audit_is_reported_and_fails_the_play(estate):
    folder = estate["folder"]
    inventory = read_json(estate["inventory"])
    inventory["all"]["hosts"]["gone"] = {"vpc_id": "vpc-0000000000000dead", "aws_account_id": "999999999999"}
    path = str(folder / "inventory-with-error.json")
    with open(path, "w") as handle:
        json.dump(inventory, handle)
    report = folder / "errors"
    proc = run_playbook(PLAYBOOK, estate["env"], inventory=path, extra_vars={"posture_report_dir": str(report)})
    assert proc.returncode != 0
    posture = read_json(report / "posture.json")
    assert posture["summary"]["vpcs"] == 2 and posture["summary"]["errors"] == 1
    (error,) = posture["errors"]
    assert error["target"] == "gone" and error["account_id"] == "999999999999"
    assert "vpc-0000000000000dead" in error["message"]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_bad_fail_on_value_is_refused(estate):
    proc = audit(estate, estate["folder"] / "refused", posture_fail_on="critical")
    assert proc.returncode != 0 and "posture_fail_on is critical" in proc.stdout
    assert not os.path.exists(estate["folder"] / "refused" / "posture.json")


def test_workload_security_group_ids_host_variable(estate):
    # A service scaled to zero whose group has no outbound rule: only the host variable can name it.
    ec2 = ec2_client(estate["server"].url)
    group = ec2.create_security_group(GroupName="scaled-to-zero", Description="tasks",
                                      VpcId=estate["platform"]["vpc_id"])["GroupId"]
    ec2.revoke_security_group_egress(GroupId=group, IpPermissions=[{"IpProtocol": "-1",
                                                                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    try:
        report = estate["folder"] / "workload-groups"
        proc = audit(estate, report, "--limit", "platform", workload_security_group_ids=[group])
        assert proc.returncode == 0, proc.stdout + proc.stderr
        (vpc,) = read_json(report / "posture.json")["vpcs"]
        assert [(f["id"], f["resource"]) for f in vpc["findings"] if f["id"] == "EGRESS_BLOCKS_PULL"] == [
            ("EGRESS_BLOCKS_PULL", group)]
    finally:
        ec2.delete_security_group(GroupId=group)
