"""bench/report.py judges the issue's targets from measured numbers: it must say "not met" when they are not."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))

import report  # noqa: E402  pylint: disable=wrong-import-position

OURS = report.OURS
OURS_MODULE_PATH = report.OURS_MODULE_PATH
AMAZON = report.AMAZON


def phase(seconds, cpu, requests, main_rss=None):
    found = {"seconds": seconds, "cpu": cpu, "requests": requests}
    if main_rss is not None:
        found["memory"] = {"main_rss_mb": main_rss, "tree_pss_mb": main_rss * 2}
    return found


def measured(ours_noop_requests, ours_seconds, fleet_seconds, fleet_cpu=None):
    """Results for N=1 and N=60: amazon.aws takes 10 s per target; ours as given."""
    results = {}
    for count, ours in ((1, ours_seconds), (60, fleet_seconds)):
        cpu = fleet_cpu if fleet_cpu is not None and count == 60 else ours
        results[(AMAZON, count)] = {name: phase(10.0 * count, 12.0 * count, {"ec2.DescribeVpcEndpoints": 23 * count})
                                    for name in ("create", "noop")}
        results[(OURS, count)] = {
            "create": phase(ours, cpu, {"ec2.CreateVpcEndpoint": 4 * count}),
            "noop": phase(ours, cpu, {"sts.AssumeRole": count,
                                      "ec2.DescribeVpcs": (ours_noop_requests - 1) * count}),
        }
    return results


def test_targets_met_when_the_numbers_meet_them():
    # 600 s / 39 s = 15.4x at 60 targets; 9 CPU s / 60 = 0.15 s per target.
    text = report.targets_section(measured(4, 1.9, 39.0, fleet_cpu=9.0), [1, 60], [OURS, AMAZON])

    assert "no-op converge ≤ 4 AWS requests per VPC: **met** — 4.0 per target (3.0 of them EC2" in text
    assert "at 60 targets ≥ 15× better than amazon.aws, first converge: **met** — N=1: 5.3×, N=60: 15.4×" in text
    assert "no-op re-run: **met**" in text
    assert "CPU per target on a no-op ≤ 0.25 s in all" in text and "N=60: **met** — 0.150 s." in text
    assert "60 targets converge in < 60 s: **met** — first converge 39.0 s" in text
    assert "not met" not in text


def test_targets_not_met_when_any_number_misses():
    text = report.targets_section(measured(6, 2.5, 41.0, fleet_cpu=15.6), [1, 60], [OURS, AMAZON])

    assert "no-op converge ≤ 4 AWS requests per VPC: **not met** — 6.0 per target" in text
    # Judged at 60 targets only: 600 s / 41 s = 14.6x misses 15x (N=1's 4.0x is shown, not judged).
    assert "first converge: **not met** — N=1: 4.0×, N=60: 14.6×" in text
    assert "N=60: **not met** — 0.260 s." in text


def test_only_sixty_targets_are_judged():
    text = report.targets_section(measured(4, 2.5, 30.0, fleet_cpu=9.0), [1, 60], [OURS, AMAZON])

    assert "first converge: **met** — N=1: 4.0×, N=60: 20.0×" in text


def test_summary_rows_compare_each_variant_with_amazon():
    results = measured(4, 2.0, 50.0)
    results[(OURS, 1)]["noop"]["memory"] = {"main_rss_mb": 120.4, "tree_pss_mb": 301.6}
    table = report.summary_table(results, [1], [OURS, AMAZON])

    assert ("| 1 | first converge | privatelink.ecr | 2.0 s | 2.00 s | 2.00 s | 4.0 | 5.0× | 6.0× | 5.8× | – | – |"
            in table)
    assert "| 1 | no-op re-run | privatelink.ecr | 2.0 s | 2.00 s | 2.00 s | 4.0 | 5.0× | 6.0× | 5.8× | 120 MiB | 302 MiB |" in table
    assert "| 1 | no-op re-run | amazon.aws | 10.0 s | 10.00 s | 12.00 s | 23.0 | – | – | – | – | – |" in table


def with_module_path(results, wall_factor, main_rss_in_process, main_rss_module):
    """Add the module path: ``wall_factor`` times slower, and main-process RSS per N as given."""
    for count in (1, 60):
        ours = results[(OURS, count)]
        results[(OURS_MODULE_PATH, count)] = {name: phase(ours[name]["seconds"] * wall_factor,
                                                          ours[name]["cpu"] * 4, {}, main_rss_module[count])
                                              for name in ("create", "noop")}
        ours["noop"]["memory"] = {"main_rss_mb": main_rss_in_process[count], "tree_pss_mb": 1.0}
    return results


def test_module_path_is_shown_against_in_process_not_judged():
    results = with_module_path(measured(4, 2.0, 30.0), 3.0, {1: 150, 60: 160}, {1: 100, 60: 110})
    text = report.targets_section(results, [1, 60], [OURS, OURS_MODULE_PATH, AMAZON])

    assert "- **privatelink.ecr (module path)** (the switch off" in text
    assert "in-process against the module path, first converge: N=1: 3.0×, N=60: 3.0× (wall), N=1: 4.0×" in text
    # No target line is judged for the module path: only the in-process variant's verdicts.
    assert text.count("ansible-playbook, its workers") == 1


def test_memory_bounded_when_the_in_process_excess_stays_constant():
    results = with_module_path(measured(4, 2.0, 30.0), 3.0, {1: 150, 60: 160}, {1: 100, 60: 110})
    org = org_results()
    org["noop"]["memory"] = {"main_rss_mb": 190.0, "tree_pss_mb": 1.0}
    org["noop-module"] = dict(org["noop"], memory={"main_rss_mb": 135.0, "tree_pss_mb": 1.0})

    text = report.memory_verdict(results, [1, 60], org)

    assert "from 1 to 300 hosts): **met** — 1 hosts: +50 MiB, 60 hosts: +50 MiB, 300 hosts: +55 MiB." in text


def test_memory_not_bounded_when_the_in_process_excess_grows_with_hosts():
    results = with_module_path(measured(4, 2.0, 30.0), 3.0, {1: 150, 60: 200}, {1: 100, 60: 110})

    text = report.memory_verdict(results, [1, 60], None)

    assert "from 1 to 60 hosts): **not met** — 1 hosts: +50 MiB, 60 hosts: +90 MiB." in text


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


def org_results(inventory=8.0, noop=150.0, audit=50.0, noop_cpu=280.0):
    return {
        "size": [50, 3, 2], "vpcs": 300, "account_regions": 150, "forks": 10,
        "inventory": org_phase(inventory, 6.0, 0.5, {"sts.AssumeRole": 50, "ec2.DescribeVpcs": 150,
                                                     "organizations.ListAccounts": 1}, 300),
        "create": org_phase(400.0, 500.0, 60.0, {"ec2.CreateVpcEndpoint": 1200}, 300),
        "noop": org_phase(noop, noop_cpu, 20.0, {"ec2.DescribeVpcs": 300, "sts.AssumeRole": 300}, 300),
        "audit": org_phase(audit, 90.0, 6.0, {"ec2.DescribeVpcs": 150}, 150),
    }


def test_org_targets_met():
    text = report.org_verdicts(org_results(inventory=4.5, noop=55.0, audit=28.0, noop_cpu=60.0), cores=2)

    assert "inventory listing (`ansible-inventory --list`, host_per: vpc) ≤ 4.7 s: **met** — 4.5 s wall" in text
    assert "deploy, no-op re-run (host_per: vpc) ≤ 60 s: **met** — 55.0 s wall (0.18 s per VPC)" in text
    # The floor: (controller + moto_server CPU) / cores.
    assert "CPU 60.0 s controller + 20.0 s moto_server, so no less than 40.0 s on 2 cores" in text
    assert "audit (host_per: region) ≤ 30 s: **met** — 28.0 s wall" in text
    assert "CPU per VPC on the no-op deploy ≤ 0.25 s in all" in text and "**met** — 0.200 s." in text
    assert "load before 1.50, 1.20, 0.90" in text
    assert "not met" not in text
    assert "first converge" not in text  # no target for it


def test_org_targets_not_met_each_on_its_own():
    text = report.org_verdicts(org_results(inventory=4.8, noop=60.5, audit=30.5, noop_cpu=75.3), cores=2)

    assert "≤ 4.7 s: **not met** — 4.8 s wall" in text
    assert "≤ 60 s: **not met** — 60.5 s wall (0.20 s per VPC)" in text
    assert "≤ 30 s: **not met** — 30.5 s wall" in text
    assert "start): **not met** — 0.251 s." in text


def test_org_module_path_phases_compared_not_judged():
    org = org_results(noop=50.0, audit=25.0, noop_cpu=60.0)
    org["noop-module"] = org_phase(150.0, 270.0, 20.0, {"ec2.DescribeVpcs": 300}, 300)
    org["audit-module"] = org_phase(75.0, 120.0, 6.0, {"ec2.DescribeVpcs": 150}, 150)

    text = report.org_verdicts(org, cores=2)
    table = report.org_table(org, cores=2)

    assert "in-process against the module path, no-op deploy: 3.0× (wall), 4.5× (CPU)." in text
    assert "in-process against the module path, audit: 3.0× (wall)" in text
    assert "; the module path: 0.900 s." in text
    assert "| deploy, no-op re-run, module path | 300 | 150.0 s | 0.50 s | 270.0 s | 0.90 s |" in table
    assert table.count("| – |") >= 3  # no target on the module path rows nor on the first converge


def test_org_table_rows():
    org = org_results(noop=50.0, noop_cpu=60.0)
    org["noop"]["memory"] = {"main_rss_mb": 180.2, "tree_pss_mb": 420.0}
    table = report.org_table(org, cores=2)

    assert ("| deploy, no-op re-run (host_per: vpc) | 300 | 50.0 s | 0.17 s | 60.0 s | 0.20 s | 20.0 s | 40.0 s "
            "| 600 | 2.0 | 180 MiB | 420 MiB | 1.50, 1.20, 0.90 | ≤ 60 s |") in table
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
