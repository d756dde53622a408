"""`make bench`: privatelink.ecr's deploy playbook against the amazon.aws way, on N targets, and at organization scale.

For each N (default 1, 6 and 60) and each variant (ours with hosts naming their VPC by id, the
default; ours with `vpc_endpoints_discover: on_create`; ours with hosts naming their VPC by its
Name tag; the amazon.aws playbook), on a fresh moto_server state:
seed N targets (accounts via assume-role x regions, one private VPC each), run the
playbook once (create) and again (no-op), and record the wall time and the AWS requests
counted at moto_server, per action. Both runs must leave every VPC with exactly the
wanted endpoints, else the benchmark fails rather than report a number. Prints the table
and writes bench/results.md. moto_server is started on 127.0.0.1 and always stopped.

Then the organization stage (bench/org_stage.py), on one moto_server: an AWS Organization of ACCOUNTS
member accounts x REGIONS x VPCS private VPCs (default 50 x 3 x 2 = 300), listed by the
`privatelink.ecr.aws_vpcs` inventory plugin (`ansible-inventory --list`), converged by the deploy
playbook on its `host_per: vpc` inventory (first converge, then no-op), and audited by the audit
playbook on its `host_per: region` inventory. Each phase records wall time, the CPU of the
controller's process tree and of moto_server, the requests, and the machine load (`uptime`).
`--org-only` runs just this stage; `--no-org` leaves it out.
Not a test: nothing here asserts timings.
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import fleet  # noqa: E402
import memory  # noqa: E402
import org_stage  # noqa: E402
import report  # noqa: E402
from tests.support.moto_server import MUTATING_PREFIXES, MotoServer  # noqa: E402

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
    # The same as the headline with every module in an interpreter of its own (the in-process switch
    # off): what each target cost before the action plugins, measured in the same run.
    {"key": "ours-module", "label": report.OURS_MODULE_PATH, "impl": OURS, "by_id": True,
     "host_vars": {"privatelink_ecr_in_process": False}},
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
        # The AWS-semantics layer keeps interface endpoints pending ~0.3 s: poll that often.
        "PRIVATELINK_ECR_WAIT_DELAY": "0.1",
        # An inventory source that fails to parse fails the run (as AWX inventory updates do).
        "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
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


def machine_load():
    """`uptime` as it prints it (load averages over 1, 5 and 15 minutes): measurements vary with it."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except OSError:
        return "load average: %.2f, %.2f, %.2f" % os.getloadavg()


def process_cpu(pid):
    """user+sys CPU seconds of a running process (moto_server: one process, threads inside), from /proc."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))


def run_timed(cmd, env, log_path, server=None, timeout=3600):
    """Run ``cmd``; return {seconds, cpu (its process tree), moto_cpu, memory, load_before, load_after, proc}.

    ``memory`` is the controller's peak memory while it ran (bench/memory.py): the main process's resident
    high-water mark and the process tree's proportional set size.
    """
    load_before = machine_load()
    moto_before = process_cpu(server.process.pid) if server else 0.0
    cpu_before = _children_cpu()
    started = time.monotonic()
    with subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        with memory.PeakMemory(proc.pid) as peak:
            try:
                stdout, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                stdout, stderr = proc.communicate()
    seconds = time.monotonic() - started
    cpu = _children_cpu() - cpu_before
    moto_cpu = (process_cpu(server.process.pid) - moto_before) if server else 0.0
    with open(log_path, "w") as handle:
        handle.write(stdout + stderr)
    done = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    return {"seconds": seconds, "cpu": cpu, "moto_cpu": moto_cpu, "memory": peak.result(),
            "load_before": load_before, "load_after": machine_load(), "proc": done}


def recap_totals(stdout):
    """Hosts, hosts with a change and failed or unreachable hosts, from the PLAY RECAP."""
    recaps = [tuple(int(x) for x in m) for m in RECAP.findall(stdout)]
    return {"hosts": len(recaps), "changed_hosts": sum(1 for r in recaps if r[1]),
            "failed": sum(r[2] + r[3] for r in recaps)}


def run_playbook(impl, inventory, forks, log_path, options, server=None):
    """Run the implementation's playbook; return run_timed's measurements with the recap totals.

    Raises when it fails. CPU is user+sys of ansible-playbook and every process under it (workers,
    modules): on a shared machine it varies much less than wall time.
    """
    cmd = [os.path.join(impl["bin"], "ansible-playbook"), impl["playbook"], "-i", inventory, "--forks", str(forks)]
    found = run_timed(cmd, playbook_env(impl, options.profile, options.pipelining), log_path, server, timeout=1800)
    proc = found.pop("proc")
    found["recap"] = recap_totals(proc.stdout)
    if proc.returncode != 0 or found["recap"]["failed"]:
        raise RuntimeError("%s failed (rc=%s); see %s" % (impl["name"], proc.returncode, log_path))
    return found


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
        found = run_playbook(impl, inventory, forks, log, options, server)
        found["requests"] = server.requests()
        found["log"] = log
        missing = fleet.unconverged(targets, server.url)
        if missing:
            raise RuntimeError("%s %s left %d of %d targets unconverged, e.g. %s; see %s" % (
                variant["label"], phase, len(missing), count, sorted(missing.items())[0], log))
        phases[phase] = found
        print("  %-40s N=%-3d %-6s %7.1f s wall %7.1f s CPU  %5.1f requests/target  %d/%d hosts changed  "
              "peak %.0f MiB" % (variant["label"], count, phase, found["seconds"], found["cpu"],
                                 sum(found["requests"].values()) / float(count), found["recap"]["changed_hosts"],
                                 found["recap"]["hosts"], found["memory"]["tree_pss_mb"]), flush=True)
    return phases


def parse_org_size(text):
    """"ACCOUNTSxREGIONSxVPCS", e.g. "50x3x2"."""
    parts = [int(part) for part in text.lower().split("x")]
    if len(parts) != 3 or min(parts) < 1 or parts[1] > len(fleet.REGIONS):
        raise argparse.ArgumentTypeError("ACCOUNTSxREGIONSxVPCS with at most %d regions, e.g. 50x3x2"
                                         % len(fleet.REGIONS))
    return tuple(parts)


def run_org_stage(size, forks, options):
    """Seed the organization on one moto_server, then time listing, deploy (create, no-op) and audit on it."""
    accounts, regions, vpcs = size
    directory = os.path.join(WORK, "org")
    log = os.path.join(WORK, "logs", "moto_server-org.log")
    with MotoServer(log_path=log) as server:
        started = time.monotonic()
        ids = org_stage.create_organization(server.url, accounts)
        targets = org_stage.seed(org_stage.org_targets(ids, regions, vpcs), server.url)
        print("  organization seeded: %d accounts x %d regions x %d VPCs = %d VPCs in %.0f s (not timed)" % (
            accounts, regions, vpcs, len(targets), time.monotonic() - started), flush=True)
        sources = org_stage.write_sources(directory, server.url, regions)
        phases = _org_phases(server, targets, sources, directory, forks, options)
    phases["size"] = list(size)
    return phases


def _org_phase(server, name, cmd, env, expect_hosts):
    server.clear_requests()
    found = run_timed(cmd, env, os.path.join(WORK, "logs", "org-%s.log" % name), server)
    proc = found.pop("proc")
    found["requests"] = server.requests()
    found["log"] = os.path.join(WORK, "logs", "org-%s.log" % name)
    if proc.returncode != 0:
        raise RuntimeError("organization stage, %s failed (rc=%s); see %s" % (name, proc.returncode, found["log"]))
    if name != "inventory":
        totals = recap_totals(proc.stdout)
        found["hosts"] = totals["hosts"]
        found["changed_hosts"] = totals["changed_hosts"]
        if totals["failed"] or totals["hosts"] != expect_hosts:
            raise RuntimeError("organization stage, %s: %d hosts, %d failed, %d expected; see %s" % (
                name, totals["hosts"], totals["failed"], expect_hosts, found["log"]))
    return found, proc


def _org_phases(server, targets, sources, directory, forks, options):
    env = playbook_env(OURS, options.profile, options.pipelining)
    bin_dir = OURS["bin"]
    regions_hosts = len(set((t["aws_account_id"], t["aws_region"]) for t in targets))
    phases = {"vpcs": len(targets), "account_regions": regions_hosts, "forks": forks}

    def show(name, found, extra=""):
        print("  %-18s %7.1f s wall %7.1f s CPU (moto_server %5.1f s)  %6d requests  peak %.0f MiB main, "
              "%.0f MiB tree  %s  [%s]" % (
                  name, found["seconds"], found["cpu"], found["moto_cpu"], sum(found["requests"].values()),
                  found["memory"]["main_rss_mb"], found["memory"]["tree_pss_mb"], extra,
                  found["load_before"].split("load average:")[-1].strip()), flush=True)

    # 1. The inventory plugin alone: ansible-inventory --list over the organization.
    found, proc = _org_phase(server, "inventory", [os.path.join(bin_dir, "ansible-inventory"), "-i", sources["vpc"],
                                                   "--list", "--export"], env, None)
    listing = json.loads(proc.stdout)
    hostvars = listing.get("_meta", {}).get("hostvars", {})
    errors = listing.get("all", {}).get("vars", {}).get("aws_vpcs_errors")
    wanted = set(t["host"] for t in targets)
    if set(hostvars) != wanted or errors:
        raise RuntimeError("organization stage: the inventory lists %d hosts (%d expected; %d missing), errors %r"
                           % (len(hostvars), len(wanted), len(wanted - set(hostvars)), errors))
    found["hosts"] = len(hostvars)
    phases["inventory"] = found
    show("inventory", found, "%d hosts" % len(hostvars))

    # 2. and 3. Deploy on host_per: vpc, first converge then no-op (each run lists the inventory again);
    # the no-op once more on the module path (the in-process switch off), side by side.
    module_env = dict(env, PRIVATELINK_ECR_IN_PROCESS="false")
    for name, run_env in (("create", env), ("noop", env), ("noop-module", module_env)):
        found, _proc = _org_phase(server, name, [os.path.join(bin_dir, "ansible-playbook"), OURS["playbook"], "-i",
                                                 sources["vpc"], "--forks", str(forks)], run_env, len(targets))
        missing = fleet.unconverged(targets, server.url)
        if missing:
            raise RuntimeError("organization stage, %s left %d of %d VPCs unconverged, e.g. %s; see %s" % (
                name, len(missing), len(targets), sorted(missing.items())[0], found["log"]))
        if name != "create" and found["changed_hosts"]:
            raise RuntimeError("organization stage: the no-op re-run (%s) changed %d hosts; see %s"
                               % (name, found["changed_hosts"], found["log"]))
        phases[name] = found
        show("deploy " + name, found, "%d/%d hosts changed" % (found["changed_hosts"], found["hosts"]))

    # 4. Audit on host_per: region: one host per account-region, every VPC of it; then on the module path.
    for name, run_env in (("audit", env), ("audit-module", module_env)):
        found = _org_audit(server, name, targets, sources, directory, forks, run_env, regions_hosts)
        phases[name] = found
        show(name, found, "%d hosts, %d VPCs audited" % (found["hosts"], found["vpcs_audited"]))
    return phases


def _org_audit(server, name, targets, sources, directory, forks, env, regions_hosts):
    """Run the audit playbook over the organization; check it audited every VPC and changed nothing."""
    report_dir = os.path.join(directory, "posture-report")
    # The audit merges with the records already in its directory (--limit, job slicing): start empty.
    shutil.rmtree(report_dir, ignore_errors=True)
    audit = os.path.join(os.path.dirname(OURS["playbook"]), "audit.yml")
    found, _proc = _org_phase(server, name, [os.path.join(OURS["bin"], "ansible-playbook"), audit, "-i",
                                             sources["region"], "--forks", str(forks),
                                             "-e", "posture_report_dir=%s" % report_dir], env, regions_hosts)
    with open(os.path.join(report_dir, "posture.json")) as handle:
        posture = json.load(handle)
    audited = set(entry["vpc_id"] for entry in posture.get("vpcs", []))
    missing = set(t["vpc_id"] for t in targets) - audited
    if missing or audited - set(t["vpc_id"] for t in targets) or posture.get("errors"):
        raise RuntimeError("organization stage: the audit missed %d VPCs (e.g. %s), audited %d others, errors %r" % (
            len(missing), sorted(missing)[:1], len(audited - set(t["vpc_id"] for t in targets)),
            (posture.get("errors") or [])[:2]))
    mutating = {k: v for k, v in found["requests"].items() if k.split(".", 1)[-1].startswith(MUTATING_PREFIXES)}
    if mutating:
        raise RuntimeError("organization stage: the audit sent mutating requests %r" % mutating)
    found["vpcs_audited"] = len(audited)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="1,6,60", help="comma-separated target counts (default 1,6,60)")
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--variants", default=",".join(v["key"] for v in VARIANTS),
                        help="comma-separated variants to run (default: all of %s)"
                             % ", ".join(v["key"] for v in VARIANTS))
    stage = parser.add_mutually_exclusive_group()
    stage.add_argument("--org-only", action="store_true",
                       help="run only the organization stage (e.g. again on a quieter machine); writes --output "
                            "(default bench/results-org.md), never the table between the bench markers")
    stage.add_argument("--no-org", action="store_true", help="leave the organization stage out")
    parser.add_argument("--org-size", type=parse_org_size, default=report.ORG_SIZE, metavar="AxRxV",
                        help="accounts x regions x VPCs per account-region (default %s)"
                             % "x".join(str(n) for n in report.ORG_SIZE))
    parser.add_argument("--org-forks", type=int, default=None, help="forks of the organization stage (default --forks)")
    parser.add_argument("--profile", action="store_true",
                        help="enable ansible.posix.profile_tasks in both runs (the logs in bench/.work/logs show it)")
    parser.add_argument("--pipelining", action="store_true", help="ANSIBLE_PIPELINING=true for both (experiment)")
    parser.add_argument("--ours-collections", metavar="PATH",
                        help="a collections path holding another build of privatelink.ecr to measure as ours "
                             "(experiment: a prototype of a change); its playbooks/deploy.yml is run")
    parser.add_argument("--output", default=None, help="Markdown output (default bench/results.md; "
                                                       "bench/results-org.md with --org-only)")
    parser.add_argument("--table-file", default="auto", metavar="auto|none|PATH",
                        help="where a full default run writes its table: auto (default) = every file of the "
                             "repository holding the bench:begin / bench:end markers; none = results only")
    args = parser.parse_args(argv)
    sizes = [] if args.org_only else [int(s) for s in args.sizes.split(",") if s.strip()]
    output = args.output or os.path.join(HERE, "results-org.md" if args.org_only else "results.md")
    if args.ours_collections:
        OURS["collections"] = os.path.abspath(args.ours_collections)
        OURS["playbook"] = os.path.join(OURS["collections"], "ansible_collections", "privatelink", "ecr",
                                        "playbooks", "deploy.yml")
    chosen = [] if args.org_only else [v for v in VARIANTS if v["key"] in args.variants.split(",")]
    if not chosen and not args.org_only:
        parser.error("--variants: none of %s" % ", ".join(v["key"] for v in VARIANTS))
    impls = [i for i in (OURS, AMAZON) if any(v["impl"] is i for v in chosen)]
    if not args.no_org and OURS not in impls:
        impls.insert(0, OURS)
    for impl in impls:
        if not os.path.exists(impl["playbook"]):
            parser.error("%s: playbook %s is missing" % (impl["name"], impl["playbook"]))
        if not os.path.exists(os.path.join(impl["bin"], "ansible-playbook")):
            parser.error("%s: no ansible-playbook in %s; run `make bench`" % (impl["name"], impl["bin"]))
    os.makedirs(os.path.join(WORK, "logs"), exist_ok=True)
    results = {}
    loads = [machine_load()]
    print("forks=%d; one moto_server on 127.0.0.1 per measurement; %s" % (args.forks, loads[0]), flush=True)
    notes = [flag for flag in ("profile", "pipelining", "ours_collections") if getattr(args, flag)]
    if not args.no_org and tuple(args.org_size) != report.ORG_SIZE:
        notes.append("org_size %s" % "x".join(str(n) for n in args.org_size))
    org_results = None
    if not args.no_org:
        # First: the organization stage's numbers are kept (bench/results-org.md) even when a later
        # comparison is stopped or fails.
        org_forks = args.org_forks or args.forks
        print("organization stage: %s accounts x regions x VPCs, forks=%d; %s" % (
            "x".join(str(n) for n in args.org_size), org_forks, machine_load()), flush=True)
        org_results = run_org_stage(args.org_size, org_forks, args)
        with open(os.path.join(WORK, "results-org.json"), "w") as handle:
            json.dump(org_results, handle, indent=1)
        org_output = output if args.org_only else os.path.join(os.path.dirname(output), "results-org.md")
        with open(org_output, "w") as handle:
            handle.write(report.render({}, [], [], org_forks, notes, org=org_results, loads=loads + [machine_load()]))
        print("written to %s" % os.path.relpath(org_output, ROOT), flush=True)
    for count in sizes:
        for variant in chosen:
            results[(variant["label"], count)] = measure(variant, count, args.forks, args)
            with open(os.path.join(WORK, "results.json"), "w") as handle:  # kept when a later size fails
                json.dump([[k[0], k[1], v] for k, v in results.items()], handle, indent=1)
    loads.append(machine_load())
    text = report.render(results, sizes, [v["label"] for v in chosen], args.forks, notes, org=org_results,
                         loads=loads)
    print(text)
    with open(output, "w") as handle:
        handle.write(text)
    print("written to %s" % os.path.relpath(output, ROOT))
    # Only a full run with the defaults is the published table; experiments stay in their own output.
    default_run = (sizes == [1, 6, 60] and len(chosen) == len(VARIANTS) and not notes and args.forks == 10
                   and org_results is not None and args.org_forks is None
                   and os.path.abspath(output) == os.path.join(HERE, "results.md"))
    if not default_run:
        return 0
    block = report.table_block(results, sizes, [v["label"] for v in chosen], args.forks, org_results, loads)
    if args.table_file == "none":
        files = []
    elif args.table_file == "auto":
        files = report.marker_files(ROOT)
    else:
        files = [os.path.abspath(args.table_file)]
    written = [path for path in files if report.update_marked_file(path, block)]
    for path in written:
        print("%s: the table between the bench markers updated" % os.path.relpath(path, ROOT), flush=True)
    if not written:
        print("no file holds the bench:begin / bench:end markers%s: only %s written" % (
            "" if args.table_file != "none" else " (or --table-file none)", os.path.relpath(output, ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
