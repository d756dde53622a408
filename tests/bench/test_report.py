"""bench/report.py judges the issue's targets from measured numbers: it must say "not met" when they are not."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import report  # noqa: E402  pylint: disable=wrong-import-position

OURS = report.OURS
AMAZON = report.AMAZON


def phase(seconds, cpu, requests):
    return {"seconds": seconds, "cpu": cpu, "requests": requests}


def measured(ours_noop_requests, ours_seconds, fleet_seconds):
    """Results for N=1 and N=60: amazon.aws takes 10 s per target; ours as given."""
    results = {}
    for count, ours in ((1, ours_seconds), (60, fleet_seconds)):
        results[(AMAZON, count)] = {name: phase(10.0 * count, 12.0 * count, {"ec2.DescribeVpcEndpoints": 23 * count})
                                    for name in ("create", "noop")}
        results[(OURS, count)] = {
            "create": phase(ours, ours, {"ec2.CreateVpcEndpoint": 4 * count}),
            "noop": phase(ours, ours, {"sts.AssumeRole": count,
                                       "ec2.DescribeVpcs": (ours_noop_requests - 1) * count}),
        }
    return results


def test_targets_met_when_the_numbers_meet_them():
    text = report.targets_section(measured(4, 1.9, 50.0), [1, 60], [OURS, AMAZON])

    assert "no-op converge ≤ 4 AWS requests per VPC: **met** — 4.0 per target (3.0 of them EC2" in text
    assert "first converge: **met** — N=1: 5.3×, N=60: 12.0×" in text
    assert "60 targets converge in < 60 s: **met** — first converge 50.0 s" in text
    assert "not met" not in text


def test_targets_not_met_when_any_number_misses():
    text = report.targets_section(measured(6, 2.5, 61.0), [1, 60], [OURS, AMAZON])

    assert "no-op converge ≤ 4 AWS requests per VPC: **not met** — 6.0 per target" in text
    # 10 s / 2.5 s = 4x at N=1 fails the 5x target even though N=60 (600 s / 61 s) passes.
    assert "first converge: **not met** — N=1: 4.0×, N=60: 9.8×" in text
    assert "60 targets converge in < 60 s: **not met** — first converge 61.0 s" in text


def test_summary_rows_compare_each_variant_with_amazon():
    table = report.summary_table(measured(4, 2.0, 50.0), [1], [OURS, AMAZON])

    assert "| 1 | first converge | privatelink.ecr | 2.0 s | 2.00 s | 2.00 s | 4.0 | 5.0× | 6.0× | 5.8× |" in table
    assert "| 1 | no-op re-run | amazon.aws | 10.0 s | 10.00 s | 12.00 s | 23.0 | – | – | – |" in table


def test_readme_block_replaces_only_what_is_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("before\n%s\nold table\n%s\nafter\n" % (report.README_BEGIN, report.README_END))

    assert report.update_readme(str(readme), "new table")

    assert readme.read_text() == "before\n%s\nnew table\n%s\nafter\n" % (report.README_BEGIN, report.README_END)


def test_readme_without_markers_is_left_alone(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("no markers here\n")

    assert not report.update_readme(str(readme), "new table")
    assert readme.read_text() == "no markers here\n"


# --------------------------------------------------------------------------- the organization stage


def org_phase(seconds, cpu, moto_cpu, requests, hosts):
    return {"seconds": seconds, "cpu": cpu, "moto_cpu": moto_cpu, "requests": requests, "hosts": hosts,
            "load_before": " 12:00:00 up 1 day,  load average: 1.50, 1.20, 0.90"}


def org_results(inventory=8.0, noop=150.0, audit=50.0):
    return {
        "size": [50, 3, 2], "vpcs": 300, "account_regions": 150, "forks": 10,
        "inventory": org_phase(inventory, 6.0, 0.5, {"sts.AssumeRole": 50, "ec2.DescribeVpcs": 150,
                                                     "organizations.ListAccounts": 1}, 300),
        "create": org_phase(400.0, 500.0, 60.0, {"ec2.CreateVpcEndpoint": 1200}, 300),
        "noop": org_phase(noop, 280.0, 20.0, {"ec2.DescribeVpcs": 300, "sts.AssumeRole": 300}, 300),
        "audit": org_phase(audit, 90.0, 6.0, {"ec2.DescribeVpcs": 150}, 150),
    }


def test_org_targets_met():
    text = report.org_verdicts(org_results(), cores=2)

    assert "inventory listing (`ansible-inventory --list`, host_per: vpc) ≤ 15 s: **met** — 8.0 s wall" in text
    assert "deploy, no-op re-run (host_per: vpc) ≤ 180 s: **met** — 150.0 s wall (0.50 s per VPC)" in text
    # The floor: (controller + moto_server CPU) / cores.
    assert "CPU 280.0 s controller + 20.0 s moto_server, so no less than 150.0 s on 2 cores" in text
    assert "audit (host_per: region) ≤ 60 s: **met** — 50.0 s wall" in text
    assert "load before 1.50, 1.20, 0.90" in text
    assert "not met" not in text
    assert "first converge" not in text  # no target for it


def test_org_targets_not_met_each_on_its_own():
    text = report.org_verdicts(org_results(inventory=15.1, noop=181.0, audit=60.5), cores=2)

    assert "≤ 15 s: **not met** — 15.1 s wall" in text
    assert "≤ 180 s: **not met** — 181.0 s wall (0.60 s per VPC)" in text
    assert "≤ 60 s: **not met** — 60.5 s wall" in text


def test_org_table_rows():
    table = report.org_table(org_results(), cores=2)

    assert ("| deploy, no-op re-run (host_per: vpc) | 300 | 150.0 s | 0.50 s | 280.0 s | 20.0 s | 150.0 s "
            "| 600 | 2.0 | 1.50, 1.20, 0.90 | ≤ 180 s |") in table
    assert "| deploy, first converge (host_per: vpc) | 300 | 400.0 s |" in table and "| – |" in table
    assert "| audit (host_per: region) | 150 | 50.0 s |" in table


def test_render_org_only():
    text = report.render({}, [], [], 10, org=org_results(), loads=["load average: 3.00, 2.00, 1.00"])

    assert "## Organization scale: 50 accounts × 3 regions × 2 VPCs (300 VPCs, 150 account-regions)" in text
    assert "## Targets" not in text and "N=1" not in text
    assert "`3.00, 2.00, 1.00`" in text
    assert "| organizations.ListAccounts | 1 |  |  |  |" in text


# --------------------------------------------------------------------------- where the table is written


def test_marker_files_finds_markdown_and_rst_markers_only_on_their_own_lines(tmp_path):
    (tmp_path / "README.md").write_text("The table is between the `bench:begin` / `bench:end` markers.\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "perf.rst").write_text("Intro.\n\n.. bench:begin\n\nold\n\n.. bench:end\n")
    (tmp_path / "docs" / "other.md").write_text("%s\nold\n%s\n" % (report.README_BEGIN, report.README_END))
    (tmp_path / "docs" / "wrong.rst").write_text("%s\n%s\n" % (report.README_BEGIN, report.README_END))
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "x.rst").write_text(".. bench:begin\n.. bench:end\n")

    assert report.marker_files(str(tmp_path)) == [str(tmp_path / "docs" / "other.md"),
                                                  str(tmp_path / "docs" / "perf.rst")]


def test_rst_file_gets_a_list_table(tmp_path):
    path = tmp_path / "perf.rst"
    path.write_text("Intro.\n\n.. bench:begin\n\nold\n\n.. bench:end\n\nAfter.\n")
    block = "Measured by `make bench`.\n\n| a | b |\n|---|---:|\n| x | |\n\n- **ours**\n  - met"

    assert report.update_marked_file(str(path), block)

    text = path.read_text()
    assert text.startswith("Intro.\n\n.. bench:begin\n\nMeasured by ``make bench``.\n")
    assert ".. list-table::\n   :header-rows: 1\n\n   * - a\n     - b\n   * - x\n     - \\\n" in text
    assert "- **ours**\n\n  - met" in text
    assert "old" not in text and text.endswith("\n.. bench:end\n\nAfter.\n")


def test_file_without_markers_is_not_written(tmp_path):
    path = tmp_path / "perf.rst"
    path.write_text("no markers\n")

    assert not report.update_marked_file(str(path), "table")
    assert path.read_text() == "no markers\n"
