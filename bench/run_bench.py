"""`make bench`: privatelink.ecr's deploy playbook against the amazon.aws way, on N targets.

For each N (default 1, 6 and 60) and each variant (ours with hosts naming their VPC by id, the
default; ours with `vpc_endpoints_discover: on_create`; ours with hosts naming their VPC by its
Name tag; the amazon.aws playbook), on a fresh moto_server state:
seed N targets (accounts via assume-role x regions, one private VPC each), run the
playbook once (create) and again (no-op), and record the wall time and the AWS requests
counted at moto_server, per action. Both runs must leave every VPC with exactly the
wanted endpoints, else the benchmark fails rather than report a number. Prints the table
and writes bench/results.md. moto_server is started on 127.0.0.1 and always stopped.
Not a test: nothing here asserts timings.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import fleet  # noqa: E402
import report  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402

WORK = os.path.join(HERE, ".work")
OURS = {
    "name": "privatelink.ecr",
    "playbook": os.path.join(ROOT, "playbooks", "deploy.yml"),
    "bin": os.path.join(ROOT, ".venv", "bin"),
    "collections": os.path.join(ROOT, ".build", "collections"),
}
AMAZON = {
    "name": "amazon.aws",
    "playbook": os.path.join(HERE, "amazon_aws_deploy.yml"),
    "bin": os.path.join(WORK, "venv-amazon", "bin"),
    "collections": None,  # the collections bundled in the `ansible` package
}
# What is measured, in this order. The first is the headline (the role's defaults, hosts with vpc_id,
# as a dynamic inventory of VPCs gives them); the baseline finds its VPC by Name tag either way (one
# ec2_vpc_net_info task), so naming by id gives it nothing to save.
VARIANTS = (
    {"key": "ours", "label": report.OURS, "impl": OURS, "by_id": True, "host_vars": {}},
    {"key": "ours-on-create", "label": report.OURS + " (discover: on_create)", "impl": OURS, "by_id": True,
     "host_vars": {"vpc_endpoints_discover": "on_create"}},
    {"key": "ours-by-name", "label": report.OURS + " (VPC by Name tag)", "impl": OURS, "by_id": False,
     "host_vars": {}},
    {"key": "amazon", "label": report.AMAZON, "impl": AMAZON, "by_id": False, "host_vars": {}},
)
RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def playbook_env(impl, profile=False, pipelining=False):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_", "VIRTUAL_ENV"))}
    env.update({
        "PATH": impl["bin"] + os.pathsep + env.get("PATH", ""),
        # Base credentials: each host assumes its target's role with them (moto accepts any).
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "ANSIBLE_PYTHON_INTERPRETER": os.path.join(impl["bin"], "python"),
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCAL_TEMP": os.path.join(WORK, "ansible-tmp"),
        "ANSIBLE_HOME": os.path.join(WORK, "ansible-home"),
    })
    if pipelining:
        env["ANSIBLE_PIPELINING"] = "true"
    collections = [impl["collections"]] if impl["collections"] else []
    if profile:
        # profile_tasks comes from ansible.posix, bundled in the baseline venv's `ansible` package.
        site = subprocess.run([os.path.join(AMAZON["bin"], "python"), "-c",
                               "import ansible_collections, os; print(os.path.dirname(ansible_collections.__path__[0]))"],
                              capture_output=True, text=True, check=True).stdout.strip()
        collections.append(site)
        env["ANSIBLE_CALLBACKS_ENABLED"] = "ansible.posix.profile_tasks"
        env["PROFILE_TASKS_TASK_OUTPUT_LIMIT"] = "all"
    if collections:
        env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join(collections)
        env["ANSIBLE_COLLECTIONS_SCAN_SYS_PATH"] = "false" if impl["collections"] and not profile else "true"
    return env


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_playbook(impl, inventory, forks, log_path, options):
    """Run the implementation's playbook; return (wall s, CPU s, recap totals). Raises when it fails.

    CPU is user+sys of ansible-playbook and every process under it (workers, modules): on a
    shared machine it varies much less than wall time.
    """
    cmd = [os.path.join(impl["bin"], "ansible-playbook"), impl["playbook"], "-i", inventory, "--forks", str(forks)]
    env = playbook_env(impl, options.profile, options.pipelining)
    cpu_before = _children_cpu()
    started = time.monotonic()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    seconds = time.monotonic() - started
    cpu = _children_cpu() - cpu_before
    with open(log_path, "w") as handle:
        handle.write(proc.stdout + proc.stderr)
    recaps = [tuple(int(x) for x in m) for m in RECAP.findall(proc.stdout)]
    totals = {"hosts": len(recaps), "changed_hosts": sum(1 for r in recaps if r[1]),
              "failed": sum(r[2] + r[3] for r in recaps)}
    if proc.returncode != 0 or totals["failed"]:
        raise RuntimeError("%s failed (rc=%s); see %s" % (impl["name"], proc.returncode, log_path))
    return seconds, cpu, totals


def measure(variant, count, forks, options):
    """On a new moto_server, seed ``count`` targets, converge them, re-run; return both phases' measurements.

    A new server per measurement rather than POST /moto-api/reset: resetting dozens of accounts'
    backends can take longer than the reset call's timeout, and each variant starts from the same
    empty emulator.
    """
    log = os.path.join(WORK, "logs", "moto_server-%s-%d.log" % (variant["key"], count))
    with MotoServer(log_path=log) as server:
        return _measure(server, variant, count, forks, options)


def _measure(server, variant, count, forks, options):
    impl = variant["impl"]
    targets = fleet.seed(fleet.targets(count), server.url)
    tag = "%s-%d" % (variant["key"], count)
    inventory = fleet.write_inventory(targets, os.path.join(WORK, "inventory-%s.yml" % tag), server.url,
                                      by_id=variant["by_id"], host_vars=variant["host_vars"])
    phases = {}
    for phase in ("create", "noop"):
        server.clear_requests()
        log = os.path.join(WORK, "logs", "%s-%s.log" % (tag, phase))
        seconds, cpu, totals = run_playbook(impl, inventory, forks, log, options)
        requests = server.requests()
        missing = fleet.unconverged(targets, server.url)
        if missing:
            raise RuntimeError("%s %s left %d of %d targets unconverged, e.g. %s; see %s" % (
                variant["label"], phase, len(missing), count, sorted(missing.items())[0], log))
        phases[phase] = {"seconds": seconds, "cpu": cpu, "requests": requests, "recap": totals, "log": log}
        print("  %-40s N=%-3d %-6s %7.1f s wall %7.1f s CPU  %5.1f requests/target  %d/%d hosts changed" % (
            variant["label"], count, phase, seconds, cpu, sum(requests.values()) / float(count),
            totals["changed_hosts"], totals["hosts"]), flush=True)
    return phases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="1,6,60", help="comma-separated target counts (default 1,6,60)")
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--variants", default=",".join(v["key"] for v in VARIANTS),
                        help="comma-separated variants to run (default: all of %s)"
                             % ", ".join(v["key"] for v in VARIANTS))
    parser.add_argument("--profile", action="store_true",
                        help="enable ansible.posix.profile_tasks in both runs (the logs in bench/.work/logs show it)")
    parser.add_argument("--pipelining", action="store_true", help="ANSIBLE_PIPELINING=true for both (experiment)")
    parser.add_argument("--ours-collections", metavar="PATH",
                        help="a collections path holding another build of privatelink.ecr to measure as ours "
                             "(experiment: a prototype of a change); its playbooks/deploy.yml is run")
    parser.add_argument("--output", default=os.path.join(HERE, "results.md"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.ours_collections:
        OURS["collections"] = os.path.abspath(args.ours_collections)
        OURS["playbook"] = os.path.join(OURS["collections"], "ansible_collections", "privatelink", "ecr",
                                        "playbooks", "deploy.yml")
    chosen = [v for v in VARIANTS if v["key"] in args.variants.split(",")]
    if not chosen:
        parser.error("--variants: none of %s" % ", ".join(v["key"] for v in VARIANTS))
    for impl in [i for i in (OURS, AMAZON) if any(v["impl"] is i for v in chosen)]:
        if not os.path.exists(impl["playbook"]):
            parser.error("%s: playbook %s is missing" % (impl["name"], impl["playbook"]))
        if not os.path.exists(os.path.join(impl["bin"], "ansible-playbook")):
            parser.error("%s: no ansible-playbook in %s; run `make bench`" % (impl["name"], impl["bin"]))
    os.makedirs(os.path.join(WORK, "logs"), exist_ok=True)
    results = {}
    print("forks=%d; one moto_server on 127.0.0.1 per measurement" % args.forks, flush=True)
    for count in sizes:
        for variant in chosen:
            results[(variant["label"], count)] = measure(variant, count, args.forks, args)
            with open(os.path.join(WORK, "results.json"), "w") as handle:  # kept when a later size fails
                json.dump([[k[0], k[1], v] for k, v in results.items()], handle, indent=1)
    notes = [flag for flag in ("profile", "pipelining", "ours_collections") if getattr(args, flag)]
    table = report.render(results, sizes, [v["label"] for v in chosen], args.forks, notes)
    print(table)
    with open(args.output, "w") as handle:
        handle.write(table)
    print("written to %s" % os.path.relpath(args.output, ROOT))
    # Only a full run with the defaults is the README's table; experiments stay in their own output.
    default_run = (sizes == [1, 6, 60] and len(chosen) == len(VARIANTS) and not notes and args.forks == 10
                   and os.path.abspath(args.output) == os.path.join(HERE, "results.md"))
    readme = os.path.join(ROOT, "README.md")
    if default_run and report.update_readme(readme, report.readme_block(results, sizes, [v["label"] for v in chosen],
                                                                         args.forks)):
        print("README.md: Performance table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
