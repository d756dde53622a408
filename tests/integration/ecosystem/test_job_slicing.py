"""AWX job slicing: each slice runs the playbook over a part of the inventory, often on another node.

The playbooks must give the same result when a fleet run is split. The same fleet is converged
and audited once in one run, and once in two `--limit` halves (what two job slices run), from an
installed build of the collection by FQCN. Each slice audits into its own report directory, as on
separate execution nodes; their per-target result files are then gathered into one directory and
re-rendered with the documented command. The end state of every VPC and the merged report must
equal the one-run ones (AWS ids replaced by labels: they differ between the two moto states).
"""

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.integration.ecosystem.fleet import Fleet
from tests.support.ansible_cli import recap

pytestmark = pytest.mark.integration

FARGATE = ["ecr.api", "ecr.dkr", "logs", "s3"]
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def break_two_vpcs(fleet):
    """One high finding each, on hosts of different slices: a route table off S3, DNS hostnames off."""
    s3_host, dns_host = fleet.hosts[0], fleet.hosts[1]
    vpc = fleet.vpcs[s3_host]
    ec2 = fleet.ec2(vpc["account"])
    s3 = [e for e in ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]}])["VpcEndpoints"]
          if e["ServiceName"].endswith(".s3") and e["State"].lower() == "available"][0]
    # The first zone's private route table (the seed's id list is sorted by id, which is random).
    first_zone_table = ec2.describe_route_tables(Filters=[
        {"Name": "association.subnet-id", "Values": [vpc["private_subnet_ids"][0]]}])["RouteTables"][0]
    ec2.modify_vpc_endpoint(VpcEndpointId=s3["VpcEndpointId"], RemoveRouteTableIds=[first_zone_table["RouteTableId"]])
    vpc = fleet.vpcs[dns_host]
    fleet.ec2(vpc["account"]).modify_vpc_attribute(VpcId=vpc["vpc_id"], EnableDnsHostnames={"Value": False})
    return {s3_host: ["S3_ROUTE_MISSING"], dns_host: ["VPC_DNS_DISABLED"]}


def run_slice(fleet, installed, playbook, limit, extra_vars=None):
    args = ["--limit", limit] if limit else []
    result = fleet.run_playbook(playbook, installed.collections, *args, extra_vars=extra_vars, cwd=installed.workdir)
    assert result.returncode == 0, result.stdout + result.stderr
    hosts = recap(result.stdout)
    assert sorted(hosts) == (sorted(limit.split(",")) if limit else fleet.hosts)
    return hosts


def read_report(report_dir, fleet, labels):
    """posture.json with ids replaced by labels and its lists in label order (ids sort at random)."""
    with open(os.path.join(report_dir, "posture.json"), encoding="utf-8") as handle:
        report = json.loads(fleet.normalise_ids(handle.read(), labels))
    report["vpcs"].sort(key=lambda v: v["target"])
    for findings in [report["findings"]] + [v["findings"] for v in report["vpcs"]]:
        findings.sort(key=lambda f: (f["severity"], f.get("target", ""), f["id"], f["resource"]))
    with open(os.path.join(report_dir, "posture.md"), encoding="utf-8") as handle:
        # Less the line that says when the targets were audited.
        markdown_lines = sorted(line for line in fleet.normalise_ids(handle.read(), labels).splitlines()
                                if not TIMESTAMP.search(line))
    return report, markdown_lines


def as_lines(report):
    return json.dumps(report, indent=1, sort_keys=True).splitlines()


def merge_reports(slice_dirs, merged_dir, installed):
    """What an operator does with the slices' directories: gather targets/, re-render (README)."""
    os.makedirs(os.path.join(merged_dir, "targets"))
    for slice_dir in slice_dirs:
        for name in os.listdir(os.path.join(slice_dir, "targets")):
            shutil.copy(os.path.join(slice_dir, "targets", name), os.path.join(merged_dir, "targets", name))
    render = subprocess.run([sys.executable, os.path.join(installed.path, "playbooks", "files", "render_posture.py"),
                             merged_dir], capture_output=True, text=True, timeout=120, check=False)
    assert render.returncode == 0, render.stdout + render.stderr


def test_two_limit_halves_converge_and_report_like_one_run(aws, tmp_path, installed):
    # One run over the whole fleet.
    (tmp_path / "whole").mkdir()
    whole = Fleet(aws.server, tmp_path / "whole").seed()
    changed = run_slice(whole, installed, "privatelink.ecr.deploy", None)
    assert all(host["changed"] > 0 for host in changed.values())
    one_state = whole.end_state()
    broken = break_two_vpcs(whole)
    run_slice(whole, installed, "privatelink.ecr.audit", None, {"posture_report_dir": str(tmp_path / "whole-report")})
    one_report, one_markdown = read_report(str(tmp_path / "whole-report"), whole, whole.labels())

    # The same fleet from scratch, in two slices, each slice reporting on its own "node".
    aws.server.reset()
    (tmp_path / "sliced").mkdir()
    sliced = Fleet(aws.server, tmp_path / "sliced").seed()
    halves = sliced.halves()
    assert set(halves[0].split(",")).isdisjoint(halves[1].split(","))
    for limit in halves:
        run_slice(sliced, installed, "privatelink.ecr.deploy", limit)
    sliced_state = sliced.end_state()
    break_two_vpcs(sliced)
    slice_dirs = [str(tmp_path / ("slice-%d-report" % index)) for index in range(len(halves))]
    for limit, report_dir in zip(halves, slice_dirs):
        run_slice(sliced, installed, "privatelink.ecr.audit", limit, {"posture_report_dir": report_dir})
    labels = sliced.labels()
    first_slice, _markdown = read_report(slice_dirs[0], sliced, labels)
    merge_reports(slice_dirs, str(tmp_path / "merged-report"), installed)
    merged_report, merged_markdown = read_report(str(tmp_path / "merged-report"), sliced, labels)

    # The converge: one endpoint per service in every VPC, whichever way the fleet was split.
    assert sorted(one_state) == whole.hosts == sliced.hosts
    for host, vpc_state in one_state.items():
        assert sorted(vpc_state["endpoints"]) == FARGATE, host
        assert all(len(endpoints) == 1 for endpoints in vpc_state["endpoints"].values()), host
    assert sliced_state == one_state

    # The audit: a slice's report holds its half; the merged one equals the one-run report.
    assert sorted(v["target"] for v in first_slice["vpcs"]) == sorted(halves[0].split(","))
    # As lines, so that a difference shows as a readable diff.
    assert as_lines(merged_report) == as_lines(one_report)
    assert merged_markdown == one_markdown
    assert one_report["summary"]["targets"] == len(whole.hosts)
    high = {v["target"]: sorted(f["id"] for f in v["findings"] if f["severity"] == "high")
            for v in one_report["vpcs"] if not v["compliant"]}
    assert high == broken
