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


def summary_table(results, sizes, impls):
    lines = ["| N | phase | %s wall | per target | CPU/target | %s wall | per target | CPU/target | speed-up (wall) "
             "| speed-up (CPU) | requests/target %s | %s | ratio |" % (OURS, AMAZON, OURS, AMAZON),
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for count in sizes:
        for phase, label in PHASES:
            ours = results.get((OURS, count), {}).get(phase)
            theirs = results.get((AMAZON, count), {}).get(phase)
            cells = [str(count), label]
            for found in (ours, theirs):
                cells += (["%.1f s" % found["seconds"], "%.2f s" % (found["seconds"] / count),
                           "%.2f s" % (found["cpu"] / count)] if found else ["–"] * 3)
            both = ours and theirs
            cells += [_ratio(theirs["seconds"], ours["seconds"]) if both else "–",
                      _ratio(theirs["cpu"], ours["cpu"]) if both else "–"]
            ours_req = per_target(ours["requests"], count) if ours else None
            their_req = per_target(theirs["requests"], count) if theirs else None
            cells += ["%.1f" % ours_req if ours else "–", "%.1f" % their_req if theirs else "–",
                      _ratio(their_req, ours_req) if both else "–"]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def actions_table(results, count, impls):
    columns = [(impl, phase) for impl in impls for phase, _label in PHASES if (impl, count) in results]
    actions = sorted(set(a for impl, phase in columns for a in results[(impl, count)][phase]["requests"]))
    header = "| action | " + " | ".join("%s %s" % (impl, phase) for impl, phase in columns) + " |"
    lines = [header, "|---|" + "---:|" * len(columns)]
    for action in actions:
        cells = []
        for impl, phase in columns:
            n = results[(impl, count)][phase]["requests"].get(action, 0)
            cells.append(("%.2f" % (n / float(count))).rstrip("0").rstrip(".") if n else "")
        lines.append("| %s | %s |" % (action, " | ".join(cells)))
    totals = ["%.1f" % per_target(results[(impl, count)][phase]["requests"], count) for impl, phase in columns]
    lines.append("| **total** | %s |" % " | ".join("**%s**" % t for t in totals))
    return "\n".join(lines)


def targets_section(results, sizes):
    lines = []
    noop = [(c, results[(OURS, c)]["noop"]["requests"]) for c in sizes if (OURS, c) in results]
    if noop:
        worst = max(per_target(r, c) for c, r in noop)
        ec2_only = max(sum(v for k, v in r.items() if k.startswith("ec2.")) / float(c) for c, r in noop)
        lines.append("- No-op converge ≤ %d AWS requests per VPC (ours): **%s** — %.1f requests per target in all "
                     "(%.1f of them EC2; the rest is STS AssumeRole, once per module call)."
                     % (NOOP_REQUEST_TARGET, "met" if worst <= NOOP_REQUEST_TARGET else "not met", worst, ec2_only))
    for phase, label in PHASES:
        ratios = [(c, results[(AMAZON, c)][phase]["seconds"] / results[(OURS, c)][phase]["seconds"])
                  for c in sizes if (OURS, c) in results and (AMAZON, c) in results]
        if ratios:
            met = all(ratio >= SPEEDUP_TARGET for _count, ratio in ratios)
            cpu = ", ".join("N=%d: %.1f×" % (c, results[(AMAZON, c)][phase]["cpu"] / results[(OURS, c)][phase]["cpu"])
                            for c, _ratio in ratios)
            lines.append("- Per-target wall time ≥ %d× better than amazon.aws, %s: **%s** — %s (CPU time: %s)."
                         % (SPEEDUP_TARGET, label, "met" if met else "not met",
                            ", ".join("N=%d: %.1f×" % (c, r) for c, r in ratios), cpu))
    biggest = max(sizes)
    if biggest >= 60 and (OURS, biggest) in results:
        seconds = results[(OURS, biggest)]["create"]["seconds"]
        lines.append("- %d targets converge in < %d s: **%s** — %.1f s."
                     % (biggest, FLEET_SECONDS_TARGET, "met" if seconds < FLEET_SECONDS_TARGET else "not met",
                        seconds))
    return "\n".join(lines)


def render(results, sizes, impls, forks, notes=()):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Benchmark: privatelink.ecr against the amazon.aws way",
        "",
        "Measured by `make bench` on %s: %d cores, Python %s, forks=%d, moto_server on 127.0.0.1. "
        "Each N runs on freshly seeded targets (accounts via assume-role × regions, one private VPC each), "
        "first converge then no-op re-run; wall time is the whole `ansible-playbook` run; requests are counted "
        "at moto_server and divided by N." % (stamp, os.cpu_count() or 0, platform.python_version(), forks),
        "",
        "Versions — %s.%s" % (_versions(), " Options: %s." % ", ".join(notes) if notes else ""),
        "",
        "CPU is user+sys of `ansible-playbook` and every process under it (workers, modules); on a shared "
        "machine it moves much less than wall time. With 2 cores, wall time cannot go below CPU / 2.",
        "",
        summary_table(results, sizes, impls),
        "",
        "## Targets",
        "",
        targets_section(results, sizes),
    ]
    for count in sizes:
        parts += ["", "## AWS requests per target by action, N=%d" % count, "", actions_table(results, count, impls)]
    return "\n".join(parts) + "\n"
