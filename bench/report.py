"""Render the benchmark's measurements as Markdown (bench/results.md and the README table)."""

import datetime
import os
import platform
import subprocess

OURS = "privatelink.ecr"
OURS_MODULE_PATH = OURS + " (module path)"
AMAZON = "amazon.aws"
PHASES = (("create", "first converge"), ("noop", "no-op re-run"))
NOOP_REQUEST_TARGET = 4
# Issue 25's targets: at 60 targets, ≥ 15× amazon.aws per target (wall), first converge and no-op;
# ≤ 0.25 CPU s per target in all (ansible-playbook, its workers and anything they start) on a no-op.
SPEEDUP_TARGET = 15.0
SPEEDUP_AT = 60
NOOP_CPU_TARGET = 0.25
FLEET_SECONDS_TARGET = 60
# The in-process path must not grow without bound with the number of hosts: the main process's peak
# RSS over the module path's at 300 VPCs may exceed the same difference at 60 targets by this much.
MEMORY_SLACK_MB = 16.0
# The organization stage: accounts x regions x VPCs per account-region, and its targets in seconds
# (issue 25: no-op deploy ≤ 60 s, audit ≤ 30 s, the inventory unchanged or faster than its 4.7 s).
ORG_SIZE = (50, 3, 2)
ORG_PHASES = (
    ("inventory", "inventory listing (`ansible-inventory --list`, host_per: vpc)", 4.7),
    ("create", "deploy, first converge (host_per: vpc)", None),
    ("noop", "deploy, no-op re-run (host_per: vpc)", 60),
    ("noop-module", "deploy, no-op re-run, module path", None),
    ("audit", "audit (host_per: region)", 30),
    ("audit-module", "audit, module path", None),
)


def per_target(requests, count):
    return sum(requests.values()) / float(count)


def _ratio(numerator, denominator):
    return "%.1f×" % (numerator / denominator) if denominator else "n/a"


def _versions():
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    for label, python in (("ours", os.path.join(here, "..", ".venv", "bin", "python")),
                          ("baseline", os.path.join(here, ".work", "venv-amazon", "bin", "python"))):
        code = ("import importlib.metadata as m\n"
                "names = ['ansible-core', 'ansible', 'boto3']\n"
                "out = []\n"
                "for n in names:\n"
                "    try: out.append('%s %s' % (n, m.version(n)))\n"
                "    except m.PackageNotFoundError: pass\n"
                "print(', '.join(out))")
        try:
            text = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60,
                                  check=False).stdout.strip()
        except OSError:
            text = "not installed"
        found.append("%s: %s" % (label, text))
    return "; ".join(found)


def _memory(found):
    """The peak memory cells: the main process's RSS and the whole tree's PSS (bench/memory.py)."""
    peak = found.get("memory")
    if not peak:
        return "–", "–"
    return "%.0f MiB" % peak["main_rss_mb"], "%.0f MiB" % peak["tree_pss_mb"]


def summary_table(results, sizes, variants):
    """One row per N, phase and variant; each of ours is compared with amazon.aws of the same N and phase."""
    lines = ["| N | phase | variant | wall | per target | CPU/target | requests/target | speed-up vs %s (wall) "
             "| (CPU) | fewer requests | peak RSS, main process | peak PSS, process tree |" % AMAZON,
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for count in sizes:
        for phase, label in PHASES:
            theirs = results.get((AMAZON, count), {}).get(phase)
            for variant in variants:
                found = results.get((variant, count), {}).get(phase)
                if not found:
                    continue
                requests = per_target(found["requests"], count)
                compare = theirs and variant != AMAZON
                lines.append("| %d | %s | %s | %.1f s | %.2f s | %.2f s | %.1f | %s | %s | %s | %s | %s |" % ((
                    count, label, variant, found["seconds"], found["seconds"] / count, found["cpu"] / count,
                    requests,
                    _ratio(theirs["seconds"], found["seconds"]) if compare else "–",
                    _ratio(theirs["cpu"], found["cpu"]) if compare else "–",
                    _ratio(per_target(theirs["requests"], count), requests) if compare else "–")
                    + _memory(found)))
    return "\n".join(lines)


def actions_table(results, count, variants):
    columns = [(variant, phase) for variant in variants for phase, _label in PHASES if (variant, count) in results]
    actions = sorted(set(a for variant, phase in columns for a in results[(variant, count)][phase]["requests"]))
    header = "| action | " + " | ".join("%s, %s" % (variant, phase) for variant, phase in columns) + " |"
    lines = [header, "|---|" + "---:|" * len(columns)]
    for action in actions:
        cells = []
        for variant, phase in columns:
            n = results[(variant, count)][phase]["requests"].get(action, 0)
            cells.append(("%.2f" % (n / float(count))).rstrip("0").rstrip(".") if n else "")
        lines.append("| %s | %s |" % (action, " | ".join(cells)))
    totals = ["%.1f" % per_target(results[(variant, count)][phase]["requests"], count) for variant, phase in columns]
    lines.append("| **total** | %s |" % " | ".join("**%s**" % t for t in totals))
    return "\n".join(lines)


def _met(condition):
    return "met" if condition else "not met"


def _speedups(results, variant, sizes, phase):
    return [(c, results[(AMAZON, c)][phase]["seconds"] / results[(variant, c)][phase]["seconds"],
             results[(AMAZON, c)][phase]["cpu"] / results[(variant, c)][phase]["cpu"])
            for c in sizes if (AMAZON, c) in results and (variant, c) in results]


def _variant_targets(results, sizes, variant):
    """The targets of one of our in-process variants, from this run's numbers."""
    lines = []
    measured = [c for c in sizes if (variant, c) in results]
    noop = [(c, results[(variant, c)]["noop"]["requests"]) for c in measured]
    worst = max(per_target(r, c) for c, r in noop)
    ec2_only = max(sum(v for k, v in r.items() if k.startswith("ec2.")) / float(c) for c, r in noop)
    lines.append("  - no-op converge ≤ %d AWS requests per VPC: **%s** — %.1f per target (%.1f of them EC2, "
                 "the rest STS AssumeRole)." % (NOOP_REQUEST_TARGET, _met(worst <= NOOP_REQUEST_TARGET), worst,
                                                ec2_only))
    for phase, label in PHASES:
        ratios = _speedups(results, variant, measured, phase)
        judged = [r for c, r, _cpu in ratios if c == SPEEDUP_AT]
        if judged:
            lines.append("  - per-target wall time at %d targets ≥ %d× better than amazon.aws, %s: **%s** — %s "
                         "(CPU: %s)." % (SPEEDUP_AT, SPEEDUP_TARGET, label, _met(judged[0] >= SPEEDUP_TARGET),
                                         ", ".join("N=%d: %.1f×" % (c, r) for c, r, _cpu in ratios),
                                         ", ".join("N=%d: %.1f×" % (c, cpu) for c, _r, cpu in ratios)))
    if (variant, SPEEDUP_AT) in results:
        found = results[(variant, SPEEDUP_AT)]
        cpu = found["noop"]["cpu"] / SPEEDUP_AT
        lines.append("  - CPU per target on a no-op ≤ %.2f s in all (ansible-playbook, its workers and what they "
                     "start), N=%d: **%s** — %.3f s." % (NOOP_CPU_TARGET, SPEEDUP_AT, _met(cpu <= NOOP_CPU_TARGET),
                                                         cpu))
        lines.append("  - %d targets converge in < %d s: **%s** — first converge %.1f s, no-op re-run %.1f s."
                     % (SPEEDUP_AT, FLEET_SECONDS_TARGET, _met(found["create"]["seconds"] < FLEET_SECONDS_TARGET),
                        found["create"]["seconds"], found["noop"]["seconds"]))
    return lines


def _module_path_lines(results, sizes):
    """The module path is no variant to judge: it is what the in-process path is measured against."""
    lines = []
    for phase, label in PHASES:
        pairs = [(c, results[(OURS_MODULE_PATH, c)][phase], results[(OURS, c)][phase]) for c in sizes
                 if (OURS_MODULE_PATH, c) in results and (OURS, c) in results]
        if pairs:
            lines.append("  - in-process against the module path, %s: %s (wall), %s (CPU)." % (
                label, ", ".join("N=%d: %.1f×" % (c, mod["seconds"] / ours["seconds"]) for c, mod, ours in pairs),
                ", ".join("N=%d: %.1f×" % (c, mod["cpu"] / ours["cpu"]) for c, mod, ours in pairs)))
    return lines


def targets_section(results, sizes, variants):
    """The issues' targets, judged for each of our in-process variants from this run's numbers only."""
    lines = []
    for variant in [v for v in variants if v not in (AMAZON, OURS_MODULE_PATH)]:
        if any((variant, c) in results for c in sizes):
            lines.append("- **%s**" % variant)
            lines += _variant_targets(results, sizes, variant)
    module_lines = _module_path_lines(results, sizes) if OURS_MODULE_PATH in variants else []
    if module_lines:
        lines.append("- **%s** (the switch off: every module in an interpreter of its own)" % OURS_MODULE_PATH)
        lines += module_lines
    return "\n".join(lines)


def _table_and_targets(results, sizes, variants, heading):
    return [summary_table(results, sizes, variants), "", heading, "", targets_section(results, sizes, variants)]


def _load(text):
    """The three load averages of an `uptime` line ("4.74, 4.99, 3.82"), or the text itself."""
    return text.split("load average:")[-1].strip() if text else "?"


def _target_text(target):
    return "≤ %g s" % target if target else "–"


def org_table(org, cores=None):
    """One row per phase of the organization stage: time, CPU (controller tree, moto_server), requests, memory."""
    cores = cores or os.cpu_count() or 1
    vpcs = org["vpcs"]
    lines = ["| phase | hosts | wall | per VPC | CPU, controller | CPU/VPC | CPU, moto_server | CPU floor on %d cores "
             "| requests | requests/VPC | peak RSS, main process | peak PSS, process tree | load before (1, 5, 15 min) "
             "| target |" % cores,
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for key, label, target in ORG_PHASES:
        found = org.get(key)
        if not found:
            continue
        requests = sum(found["requests"].values())
        lines.append("| %s | %d | %.1f s | %.2f s | %.1f s | %.2f s | %.1f s | %.1f s | %d | %.1f | %s | %s | %s | %s |"
                     % ((label, found.get("hosts", 0), found["seconds"], found["seconds"] / vpcs, found["cpu"],
                         found["cpu"] / vpcs, found["moto_cpu"], (found["cpu"] + found["moto_cpu"]) / cores, requests,
                         requests / float(vpcs)) + _memory(found)
                        + (_load(found.get("load_before")), _target_text(target))))
    return "\n".join(lines)


def org_verdicts(org, cores=None):
    """The organization stage's targets judged from its numbers, each with what bounds it (CPU / cores)."""
    cores = cores or os.cpu_count() or 1
    lines = []
    for key, label, target in ORG_PHASES:
        found = org.get(key)
        if not found or target is None:
            continue
        floor = (found["cpu"] + found["moto_cpu"]) / cores
        lines.append("- %s %s: **%s** — %.1f s wall (%.2f s per VPC); CPU %.1f s controller + %.1f s "
                     "moto_server, so no less than %.1f s on %d cores; load before %s." % (
                         label, _target_text(target), _met(found["seconds"] <= target), found["seconds"],
                         found["seconds"] / org["vpcs"], found["cpu"], found["moto_cpu"], floor, cores,
                         _load(found.get("load_before"))))
    noop = org.get("noop")
    if noop:
        cpu = noop["cpu"] / org["vpcs"]
        lines.append("- CPU per VPC on the no-op deploy ≤ %.2f s in all (ansible-playbook, its workers and what they "
                     "start): **%s** — %.3f s%s." % (
                         NOOP_CPU_TARGET, _met(cpu <= NOOP_CPU_TARGET), cpu,
                         "; the module path: %.3f s" % (org["noop-module"]["cpu"] / org["vpcs"])
                         if org.get("noop-module") else ""))
    for key, module_key, label in (("noop", "noop-module", "no-op deploy"), ("audit", "audit-module", "audit")):
        if org.get(key) and org.get(module_key):
            lines.append("- in-process against the module path, %s: %.1f× (wall), %.1f× (CPU)." % (
                label, org[module_key]["seconds"] / org[key]["seconds"], org[module_key]["cpu"] / org[key]["cpu"]))
    return "\n".join(lines)


def _main_rss_over_module_path(in_process, module_path):
    if not (in_process and module_path and in_process.get("memory") and module_path.get("memory")):
        return None
    return in_process["memory"]["main_rss_mb"] - module_path["memory"]["main_rss_mb"]


def memory_verdict(results, sizes, org):
    """Whether the in-process path's controller memory stays bounded as the hosts grow (N targets, then 300 VPCs).

    Both paths run the same strategy in the same main process; the in-process one imports botocore and
    its models there before forking (a constant). Anything it kept per host would make its main process's
    peak RSS over the module path's grow with the hosts.
    """
    points = [(c, _main_rss_over_module_path(results.get((OURS, c), {}).get("noop"),
                                             results.get((OURS_MODULE_PATH, c), {}).get("noop"))) for c in sizes]
    if org:
        points.append((org["vpcs"], _main_rss_over_module_path(org.get("noop"), org.get("noop-module"))))
    points = [(hosts, delta) for hosts, delta in points if delta is not None]
    if len(points) < 2:
        return ""
    growth = points[-1][1] - points[0][1]
    return ("- controller memory bounded (the main process's peak RSS on a no-op, in-process over the module path, "
            "grows by ≤ %g MiB from %d to %d hosts): **%s** — %s." % (
                MEMORY_SLACK_MB, points[0][0], points[-1][0], _met(growth <= MEMORY_SLACK_MB),
                ", ".join("%d hosts: %+.0f MiB" % (hosts, delta) for hosts, delta in points)))


def org_heading(org):
    return "%d accounts × %d regions × %d VPCs (%d VPCs, %d account-regions), one moto_server, forks=%d" % (
        org["size"][0], org["size"][1], org["size"][2], org["vpcs"], org["account_regions"], org["forks"])


def org_actions_table(org):
    columns = [(key, label) for key, label, _target in ORG_PHASES if key in org]
    actions = sorted(set(a for key, _label in columns for a in org[key]["requests"]))
    lines = ["| action | " + " | ".join(key for key, _label in columns) + " |", "|---|" + "---:|" * len(columns)]
    for action in actions:
        lines.append("| %s | %s |" % (action, " | ".join(
            str(org[key]["requests"].get(action, "")) for key, _label in columns)))
    lines.append("| **total** | %s |" % " | ".join(
        "**%d**" % sum(org[key]["requests"].values()) for key, _label in columns))
    return "\n".join(lines)


def org_section(org, heading="## Organization scale"):
    return [heading + ": " + org_heading(org), "", org_table(org), "", org_verdicts(org)]


def render(results, sizes, variants, forks, notes=(), org=None, loads=()):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Benchmark: privatelink.ecr against the amazon.aws way",
        "",
        "Measured by `make bench` on %s: %d cores, Python %s, forks=%d, moto_server on 127.0.0.1. "
        "Each N runs on freshly seeded targets (accounts via assume-role × regions, one private VPC each), "
        "first converge then no-op re-run; wall time is the whole `ansible-playbook` run; requests are counted "
        "at moto_server and divided by N. Variants of ours: hosts naming their VPC by `vpc_id` with the role's "
        "defaults (the headline); the same with `vpc_endpoints_discover: on_create`; hosts naming their VPC "
        "by `vpc_name`; the headline on the module path (the in-process switch off, every module in a Python "
        "interpreter of its own). amazon.aws finds each VPC by its Name tag. Peak memory is the controller's: "
        "the `ansible-playbook` process's resident high-water mark, and the proportional set size of it and "
        "every process under it (shared pages counted once), sampled every 0.1 s." % (stamp, os.cpu_count() or 0, platform.python_version(), forks),
        "",
        "Versions — %s.%s" % (_versions(), " Options: %s." % ", ".join(notes) if notes else ""),
        "",
        "CPU is user+sys of `ansible-playbook` and every process under it (workers, modules); on a shared "
        "machine it moves much less than wall time. With 2 cores, wall time cannot go below CPU / 2.",
        "",
        "Machine load (`uptime`) at the start and the end of the run: %s." % " / ".join(
            "`%s`" % _load(load) for load in loads) if loads else "Machine load: not recorded.",
        "",
    ]
    if sizes and variants:
        parts += _table_and_targets(results, sizes, variants, "## Targets")
    if org:
        parts += [""] if sizes and variants else []
        parts += org_section(org)
    memory = memory_verdict(results, sizes, org)
    if memory:
        parts += ["", "## Memory", "", memory]
    for count in sizes:
        parts += ["", "## AWS requests per target by action, N=%d" % count, "", actions_table(results, count, variants)]
    if org:
        parts += ["", "## AWS requests by action, organization scale (totals, all VPCs)", "", org_actions_table(org)]
    return "\n".join(parts) + "\n"


README_BEGIN = "<!-- bench:begin -->"
README_END = "<!-- bench:end -->"
# The same markers in reStructuredText (comments there): `.. bench:begin` / `.. bench:end` lines.
RST_BEGIN = ".. bench:begin"
RST_END = ".. bench:end"
SKIPPED_DIRS = (".git", ".venv", ".build", ".cache", ".tox", "node_modules", "bench", "tests", "changelogs")


def readme_block(results, sizes, variants, forks):
    """What `make bench` puts between the README's markers: the summary table and the targets."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    return "\n".join([
        "Measured %s by `make bench`: %d cores, Python %s, forks=%d." % (
            stamp, os.cpu_count() or 0, platform.python_version(), forks),
        "",
    ] + _table_and_targets(results, sizes, variants, "Targets of this run, as measured:"))


def table_block(results, sizes, variants, forks, org=None, loads=()):
    """What `make bench` puts between the markers: the comparison, its targets, the organization stage."""
    parts = [readme_block(results, sizes, variants, forks)]
    if loads:
        parts += ["", "Machine load (`uptime`) at the start and the end of the run: %s." % " / ".join(
            "`%s`" % _load(load) for load in loads)]
    if org:
        parts += [""] + org_section(org, heading="Organization scale")
    memory = memory_verdict(results, sizes, org)
    if memory:
        parts += ["", memory]
    return "\n".join(parts)


def _markers(path):
    return (RST_BEGIN, RST_END) if path.endswith(".rst") else (README_BEGIN, README_END)


def holds_markers(path):
    """True when the file has both bench markers, each on a line of its own, in its format's comment syntax."""
    begin, end = _markers(path)
    try:
        with open(path) as handle:
            lines = [line.strip() for line in handle]
    except (OSError, UnicodeDecodeError):
        return False
    return begin in lines and end in lines and lines.index(begin) < lines.index(end)


def marker_files(root):
    """The repository's Markdown and reStructuredText files holding the bench markers, sorted."""
    found = []
    for directory, dirs, files in os.walk(root):
        rel = os.path.relpath(directory, root)
        dirs[:] = sorted(d for d in dirs if not (rel == "." and d in SKIPPED_DIRS) and not d.startswith("."))
        for name in files:
            path = os.path.join(directory, name)
            if name.endswith((".md", ".rst")) and holds_markers(path):
                found.append(path)
    return sorted(found)


def markdown_to_rst(block):
    """The block in reStructuredText: pipe tables as list-tables, ``code``, bullets separated by blank lines."""
    out, table = [], []

    def inline(text):
        parts = text.split("`")
        return "".join(("``%s``" % part if index % 2 else part) for index, part in enumerate(parts))

    def flush():
        if not table:
            return
        rows = [[inline(cell.strip()) for cell in line.strip().strip("|").split("|")] for line in table
                if not set(line.replace("|", "").strip()) <= set("-: ")]
        out.extend(["", ".. list-table::", "   :header-rows: 1", ""])
        for row in rows:
            out.append("   * - %s" % (row[0] or "\\"))
            out.extend("     - %s" % (cell or "\\") for cell in row[1:])
        out.append("")
        del table[:]

    for line in block.split("\n"):
        if line.startswith("|"):
            table.append(line)
            continue
        flush()
        if line.lstrip().startswith("- ") and out and out[-1] != "":
            out.append("")
        out.append(inline(line))
    flush()
    return "\n".join(out).strip("\n")


def update_marked_file(path, block):
    """Replace what is between the file's bench markers (Markdown, or reStructuredText converted); False without them."""
    if not holds_markers(path):
        return False
    begin, end = _markers(path)
    if path.endswith(".rst"):
        block = markdown_to_rst(block)
    with open(path) as handle:
        lines = handle.read().split("\n")
    stripped = [line.strip() for line in lines]
    first, last = stripped.index(begin), stripped.index(end)
    with open(path, "w") as handle:
        handle.write("\n".join(lines[:first + 1] + ["", block, ""] + lines[last:]) if path.endswith(".rst")
                     else "\n".join(lines[:first + 1] + [block] + lines[last:]))
    return True


def update_readme(path, block):
    """Replace what is between the README's bench markers; False when the markers are missing."""
    with open(path) as handle:
        text = handle.read()
    begin, end = text.find(README_BEGIN), text.find(README_END)
    if begin < 0 or end < begin:
        return False
    with open(path, "w") as handle:
        handle.write(text[:begin + len(README_BEGIN)] + "\n" + block + "\n" + text[end:])
    return True
