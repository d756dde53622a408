"""posture.html in a real browser: headless Chromium renders the report the audit playbook wrote.

The report comes from a real run of privatelink.ecr.audit against moto_server over two accounts:
a deployed, compliant VPC and a deployed VPC broken on purpose (the S3 gateway detached from a
private route table, the endpoint group opened to 0.0.0.0/0). The test asserts on the DOM after
the page's script ran (--dump-dom) and keeps a screenshot in tests/output/.
"""

import json
import os
import shutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.browser import chromium  # noqa: E402
from tests.support.ansible_cli import aws_env, run_module, run_playbook  # noqa: E402
from tests.support.audit_fixtures import (  # noqa: E402
    REGION,
    assumed_credentials,
    deploy_args,
    ec2_client,
    seed_private_vpc,
)
from tests.support.moto_server import MotoServer  # noqa: E402

OUTPUT = os.path.join(ROOT, "tests", "output")
RANK = {"high": 0, "medium": 1, "low": 2, "info": 3}
ROLE = "arn:aws:iam::111111111111:role/privatelink-ecr-audit"

pytestmark = pytest.mark.skipif(not chromium.binary(),
                                reason="Debian's chromium is not installed; `make test-audit-browser` installs it")


def _deploy(env, seeded, **extra):
    rc, result, output = run_module("ecr_private_endpoints", deploy_args(seeded, **extra), env)
    assert rc == 0, output
    return result


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("posture-html")
    with MotoServer() as server:
        env = aws_env(server.url, REGION)
        ec2 = ec2_client(server.url)
        good = seed_private_vpc(ec2, cidr_prefix="10.80")
        _deploy(env, good)
        broken_ec2 = ec2_client(server.url, credentials=assumed_credentials(server.url, ROLE))
        broken = seed_private_vpc(broken_ec2, cidr_prefix="10.90", name="payments")
        deployed = _deploy(env, broken, role_arn=ROLE)
        broken_ec2.modify_vpc_endpoint(VpcEndpointId=deployed["endpoints"]["s3"]["vpc_endpoint_id"],
                                       RemoveRouteTableIds=[broken["main_route_table_id"]])
        broken_ec2.authorize_security_group_ingress(GroupId=deployed["security_group_id"], IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        inventory = {"all": {
            "vars": {"aws_region": REGION, "aws_endpoint_url": server.url, "ansible_connection": "local",
                     "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
            "hosts": {"platform": {"vpc_id": good["vpc_id"]},
                      "payments": {"vpc_name": "payments", "aws_role_arn": ROLE,
                                   "aws_account_name": "payments-prod"}}}}
        inventory_path = str(folder / "inventory.json")
        with open(inventory_path, "w") as handle:
            json.dump(inventory, handle)
        report_dir = folder / "report"
        proc = run_playbook("privatelink.ecr.audit", env, inventory=inventory_path,
                            extra_vars={"posture_report_dir": str(report_dir)})
        assert proc.returncode == 0, proc.stdout + proc.stderr
    os.makedirs(OUTPUT, exist_ok=True)
    shutil.copy(str(report_dir / "posture.html"), os.path.join(OUTPUT, "posture.html"))
    with open(report_dir / "posture.json") as handle:
        posture = json.load(handle)
    return {"html": str(report_dir / "posture.html"), "posture": posture, "good": good, "broken": broken,
            "deployed": deployed}


def url(report, fragment=""):
    return "file://" + report["html"] + fragment


def test_rendered_report_shows_overview_vpcs_and_findings_by_severity(report):
    dom = chromium.Dom(chromium.dump_dom(url(report)))
    assert dom.body.get("data-ready") == "true"  # the page's script ran in the browser
    overview = [(r["data-account"], r["data-region"]) for r in dom.tables["overview"]["rows"]]
    assert overview == [("111111111111", REGION), ("123456789012", REGION)]
    vpcs = {r["data-vpc"]: r["data-compliant"] for r in dom.tables["vpcs"]["rows"]}
    assert vpcs == {report["good"]["vpc_id"]: "true", report["broken"]["vpc_id"]: "false"}
    findings = dom.tables["findings"]
    assert findings["attrs"].get("data-sorted-by") == "severity"
    severities = [r["data-severity"] for r in findings["rows"]]
    assert severities == sorted(severities, key=RANK.get)
    assert severities[0] == "high" and "medium" in severities and "low" in severities
    ids = set(r["data-finding"] for r in findings["rows"])
    assert {"S3_ROUTE_MISSING", "SG_OPEN_TO_WORLD", "POLICY_UNRESTRICTED"} <= ids
    assert len(findings["rows"]) == len(report["posture"]["findings"])
    assert dom.text_of_id["visible-findings"] == str(len(findings["rows"]))
    assert not any("hidden" in r for r in findings["rows"])


def test_findings_sort_by_another_column_in_the_browser(report):
    dom = chromium.Dom(chromium.dump_dom(url(report, "#sort=severity&desc=1")))
    severities = [r["data-severity"] for r in dom.tables["findings"]["rows"]]
    assert severities == sorted(severities, key=RANK.get, reverse=True) and severities[-1] == "high"
    header = [h for h in dom.tables["findings"]["headers"] if h.get("data-key") == "severity"][0]
    assert header.get("aria-sort") == "descending"
    dom = chromium.Dom(chromium.dump_dom(url(report, "#sort=id")))
    ids = [r["data-finding"] for r in dom.tables["findings"]["rows"]]
    assert ids == sorted(ids, key=str.lower) and dom.tables["findings"]["attrs"]["data-sorted-by"] == "id"


def test_severity_filter_hides_rows_in_the_browser(report):
    dom = chromium.Dom(chromium.dump_dom(url(report, "#hide=low,info")))
    rows = dom.tables["findings"]["rows"]
    shown = [r for r in rows if "hidden" not in r]
    assert shown and all(r["data-severity"] in ("high", "medium") for r in shown)
    assert all("hidden" in r for r in rows if r["data-severity"] in ("low", "info"))
    assert dom.text_of_id["visible-findings"] == str(len(shown))


def test_filter_by_account_in_the_browser(report):
    """#account=ID (what the account list sets): that account's findings, VPCs, overview rows only."""
    broken = report["broken"]["vpc_id"]
    dom = chromium.Dom(chromium.dump_dom(url(report, "#account=111111111111")))
    assert dom.body.get("data-filter-account") == "111111111111"
    rows = dom.tables["findings"]["rows"]
    shown = [r for r in rows if "hidden" not in r]
    assert shown and all(r["data-account"] == "111111111111" for r in shown)
    assert all("hidden" in r for r in rows if r["data-account"] != "111111111111")
    assert dom.text_of_id["visible-findings"] == str(len(shown))
    assert [r["data-vpc"] for r in dom.tables["vpcs"]["rows"] if "hidden" not in r] == [broken]
    assert dom.text_of_id["visible-vpcs"] == "1"
    assert [r["data-account"] for r in dom.tables["overview"]["rows"] if "hidden" not in r] == ["111111111111"]
    # The other account, and every account again.
    dom = chromium.Dom(chromium.dump_dom(url(report, "#account=123456789012")))
    assert [r["data-vpc"] for r in dom.tables["vpcs"]["rows"] if "hidden" not in r] == [report["good"]["vpc_id"]]
    assert all(r["data-account"] == "123456789012" for r in dom.tables["findings"]["rows"] if "hidden" not in r)


def test_filter_by_finding_id_with_severity_and_account(report):
    dom = chromium.Dom(chromium.dump_dom(url(report, "#finding=SG_OPEN_TO_WORLD")))
    rows = dom.tables["findings"]["rows"]
    shown = [r for r in rows if "hidden" not in r]
    expected = [f for f in report["posture"]["findings"] if f["id"] == "SG_OPEN_TO_WORLD"]
    assert len(shown) == len(expected) >= 1 and all(r["data-finding"] == "SG_OPEN_TO_WORLD" for r in shown)
    assert dom.body.get("data-filter-finding") == "SG_OPEN_TO_WORLD"
    # Only the VPCs that have that finding.
    assert [r["data-vpc"] for r in dom.tables["vpcs"]["rows"] if "hidden" not in r] == [report["broken"]["vpc_id"]]
    # Combined with the severity boxes and the account: the filters narrow together.
    dom = chromium.Dom(chromium.dump_dom(url(report, "#finding=SG_OPEN_TO_WORLD&hide=medium,high")))
    assert not [r for r in dom.tables["findings"]["rows"] if "hidden" not in r]
    assert dom.text_of_id["visible-findings"] == "0"
    dom = chromium.Dom(chromium.dump_dom(url(report, "#finding=SG_OPEN_TO_WORLD&account=123456789012")))
    assert not [r for r in dom.tables["findings"]["rows"] if "hidden" not in r]


def test_an_unknown_filter_value_filters_nothing(report):
    dom = chromium.Dom(chromium.dump_dom(url(report, "#account=999999999999&finding=NO_SUCH_FINDING")))
    assert dom.body.get("data-filter-account") == "" and dom.body.get("data-filter-finding") == ""
    assert not any("hidden" in r for r in dom.tables["findings"]["rows"] + dom.tables["vpcs"]["rows"])


def test_names_are_shown_next_to_the_ids(report):
    by_vpc = {v["vpc_id"]: v for v in report["posture"]["vpcs"]}
    assert by_vpc[report["broken"]["vpc_id"]]["vpc_name"] == "payments"
    assert by_vpc[report["broken"]["vpc_id"]]["account_name"] == "payments-prod"
    page = chromium.dump_dom(url(report))
    assert '<code>%s</code> <span class="name">payments</span>' % report["broken"]["vpc_id"] in page
    assert '111111111111 <span class="name">payments-prod</span>' in page


def test_screenshot_is_kept_as_an_artifact(report):
    path = os.path.join(OUTPUT, "posture.png")
    if os.path.exists(path):
        os.remove(path)
    chromium.screenshot(url(report), path)
    with open(path, "rb") as handle:
        data = handle.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20000  # a rendered page, not a blank one
