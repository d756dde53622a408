"""Render the benchmark's measurements as Markdown (bench/results.md and the README table)."""

import datetime
import os
import platform
import subprocess

OURS = "privatelink.ecr"
AMAZON = "amazon.aws"
PHASES = (("create", "first converge"), ("noop", "no-op re-run"))
NOOP_REQUEST_TARGET = 4
SPEEDUP_TARGET = 5.0
FLEET_SECONDS_TARGET = 60


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


def summary_table(results, sizes, variants):
    """One row per N, phase and variant; each of ours is compared with amazon.aws of the same N and phase."""
    lines = ["| N | phase | variant | wall | per target | CPU/target | requests/target | speed-up vs %s (wall) "
             "| (CPU) | fewer requests |" % AMAZON,
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for count in sizes:
        for phase, label in PHASES:
            theirs = results.get((AMAZON, count), {}).get(phase)
            for variant in variants:
                found = results.get((variant, count), {}).get(phase)
                if not found:
                    continue
                requests = per_target(found["requests"], count)
                compare = theirs and variant != AMAZON
                lines.append("| %d | %s | %s | %.1f s | %.2f s | %.2f s | %.1f | %s | %s | %s |" % (
                    count, label, variant, found["seconds"], found["seconds"] / count, found["cpu"] / count,
                    requests,
                    _ratio(theirs["seconds"], found["seconds"]) if compare else "–",
                    _ratio(theirs["cpu"], found["cpu"]) if compare else "–",
                    _ratio(per_target(theirs["requests"], count), requests) if compare else "–"))
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


def targets_section(results, sizes, variants):
    """The issue's targets, judged for each of our variants from this run's numbers only."""
    lines = []
    biggest = max(sizes)
    for variant in [v for v in variants if v != AMAZON]:
        measured = [c for c in sizes if (variant, c) in results]
        if not measured:
            continue
        lines.append("- **%s**" % variant)
        noop = [(c, results[(variant, c)]["noop"]["requests"]) for c in measured]
        worst = max(per_target(r, c) for c, r in noop)
        ec2_only = max(sum(v for k, v in r.items() if k.startswith("ec2.")) / float(c) for c, r in noop)
        lines.append("  - no-op converge ≤ %d AWS requests per VPC: **%s** — %.1f per target (%.1f of them EC2, "
                     "the rest STS AssumeRole)." % (NOOP_REQUEST_TARGET, _met(worst <= NOOP_REQUEST_TARGET), worst,
                                                    ec2_only))
        for phase, label in PHASES:
            ratios = [(c, results[(AMAZON, c)][phase]["seconds"] / results[(variant, c)][phase]["seconds"],
                       results[(AMAZON, c)][phase]["cpu"] / results[(variant, c)][phase]["cpu"])
                      for c in measured if (AMAZON, c) in results]
            if ratios:
                lines.append("  - per-target wall time ≥ %d× better than amazon.aws, %s: **%s** — %s (CPU: %s)."
                             % (SPEEDUP_TARGET, label, _met(all(r >= SPEEDUP_TARGET for _c, r, _cpu in ratios)),
                                ", ".join("N=%d: %.1f×" % (c, r) for c, r, _cpu in ratios),
                                ", ".join("N=%d: %.1f×" % (c, cpu) for c, _r, cpu in ratios)))
        if biggest >= 60 and (variant, biggest) in results:
            found = results[(variant, biggest)]
            lines.append("  - %d targets converge in < %d s: **%s** — first converge %.1f s, no-op re-run %.1f s."
                         % (biggest, FLEET_SECONDS_TARGET, _met(found["create"]["seconds"] < FLEET_SECONDS_TARGET),
                            found["create"]["seconds"], found["noop"]["seconds"]))
    return "\n".join(lines)


def _table_and_targets(results, sizes, variants, heading):
    return [summary_table(results, sizes, variants), "", heading, "", targets_section(results, sizes, variants)]


def render(results, sizes, variants, forks, notes=()):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Benchmark: privatelink.ecr against the amazon.aws way",
        "",
        "Measured by `make bench` on %s: %d cores, Python %s, forks=%d, moto_server on 127.0.0.1. "
        "Each N runs on freshly seeded targets (accounts via assume-role × regions, one private VPC each), "
        "first converge then no-op re-run; wall time is the whole `ansible-playbook` run; requests are counted "
        "at moto_server and divided by N. Variants of ours: hosts naming their VPC by `vpc_id` with the role's "
        "defaults (the headline); the same with `vpc_endpoints_discover: on_create`; hosts naming their VPC "
        "by `vpc_name`. amazon.aws finds each VPC by its Name tag." % (stamp, os.cpu_count() or 0, platform.python_version(), forks),
        "",
        "Versions — %s.%s" % (_versions(), " Options: %s." % ", ".join(notes) if notes else ""),
        "",
        "CPU is user+sys of `ansible-playbook` and every process under it (workers, modules); on a shared "
        "machine it moves much less than wall time. With 2 cores, wall time cannot go below CPU / 2.",
        "",
    ] + _table_and_targets(results, sizes, variants, "## Targets")
    for count in sizes:
        parts += ["", "## AWS requests per target by action, N=%d" % count, "", actions_table(results, count, variants)]
    return "\n".join(parts) + "\n"


README_BEGIN = "<!-- bench:begin -->"
README_END = "<!-- bench:end -->"


def readme_block(results, sizes, variants, forks):
    """What `make bench` puts between the README's markers: the summary table and the targets."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    return "\n".join([
        "Measured %s by `make bench`: %d cores, Python %s, forks=%d." % (
            stamp, os.cpu_count() or 0, platform.python_version(), forks),
        "",
    ] + _table_and_targets(results, sizes, variants, "Targets of this run, as measured:"))


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
