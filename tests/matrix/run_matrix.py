"""Compatibility matrix: every ansible-core minor the collection claims x the lowest and the newest
boto3/botocore its requirements allow (make test-matrix).

Each combination gets its own virtualenv under .build/matrix/ (ansible-core, boto3 and botocore at
the combination's versions, plus what the tests import: moto, pytest, hypothesis) and runs:

- ``sanity``: ``ansible-test sanity`` of that ansible-core (its own rules) on a Galaxy build, through
  tests/utils/run-ansible-test.sh, with the combination's Python;
- ``units``: ``python -m pytest tests/unit`` with the combination's Python;
- ``smoke``: tests/matrix/smoke.py with the combination's Python and that venv's ``ansible``:
  converge a seeded private VPC, re-run (changed=0), audit it, and list the inventory plugin when it
  exists -- against one moto_server (AWS-semantics layer) that this driver runs from the
  interpreter it runs on (the emulator is test infrastructure, not the code under test); it is reset
  between combinations and always stopped.

It prints a table (combination x suite: pass/fail, seconds), writes it as JSON to
.build/matrix/results.json and, for a run of the whole matrix, into
docs/docsite/rst/compatibility.rst between the ``matrix:begin`` / ``matrix:end`` markers.
Exit status 1 when any suite failed. Every step has a timeout; its process group is killed on it.

    python tests/matrix/run_matrix.py                      # the whole matrix (10 combinations)
    python tests/matrix/run_matrix.py --slice              # make test's slice: sanity + units, oldest and newest core
    python tests/matrix/run_matrix.py --cores 2.21 --boto newest --suites units,smoke
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from tests.support.moto_server import MotoServer  # noqa: E402

WORK = os.path.join(ROOT, ".build", "matrix")
DOC = os.path.join(ROOT, "docs", "docsite", "rst", "compatibility.rst")
BEGIN, END = ".. matrix:begin", ".. matrix:end"
# The tree under test: the working tree, or a git archive of --ref under .build/matrix/src-SHA.
SRC = ROOT

# ansible-core minor -> the Pythons it supports as a controller (its setup.cfg / ansible-test's
# controller list), narrowed to what the matrix runs. With ``connection: local`` the controller's
# Python is also the modules' Python. First = the floor row's Python, last = the newest row's.
CORES = {
    "2.17": ("3.10", "3.12"),
    "2.18": ("3.11", "3.13"),
    "2.19": ("3.11", "3.13"),
    "2.20": ("3.12", "3.13"),
    "2.21": ("3.12", "3.13"),
}
SUITES = ("sanity", "units", "smoke")
# What the tests need besides ansible-core and the SDK (versions as in requirements-test.txt).
TEST_PACKAGES = ("moto[server,ec2,sts,iam]>=5.2.5,<5.3", "pytest>=8,<10", "hypothesis>=6.100,<7")
TIMEOUTS = {"install": 900, "sanity": 1500, "units": 900, "smoke": 600}


def sdk_floor():
    """The boto3 / botocore floors requirements.txt allows (``>=X``)."""
    floors = {}
    with open(os.path.join(SRC, "requirements.txt")) as handle:
        for line in handle:
            found = re.match(r"\s*(boto3|botocore)\s*>=\s*([0-9.]+)", line)
            if found:
                floors[found.group(1)] = found.group(2)
    return floors


def sdk_ceiling():
    with open(os.path.join(SRC, "requirements.txt")) as handle:
        text = handle.read()
    found = re.search(r"boto3\s*>=\s*[0-9.]+\s*,\s*<\s*([0-9.]+)", text)
    return found.group(1) if found else "2"


def find_python(version):
    """An interpreter of ``version`` (3.X): pyenv's newest 3.X.Y, else PATH's python3.X (not a shim)."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = sorted(glob.glob(os.path.join(root, "versions", version + ".*", "bin", "python" + version)),
                        key=lambda p: [int(x) for x in re.findall(r"\d+", p.split("/versions/")[1].split("/")[0])])
    if candidates:
        return candidates[-1]
    found = shutil.which("python" + version)
    return found if found and "/shims/" not in found and not found.startswith(WORK) else None


class Combination:
    def __init__(self, core, boto):
        self.core = core
        self.boto = boto  # "floor" or "newest"
        self.python = CORES[core][0 if boto == "floor" else -1]
        self.name = "core%s-py%s-boto-%s" % (core, self.python, boto)
        self.venv = os.path.join(WORK, self.name)
        self.bin = os.path.join(self.venv, "bin")
        self.versions = {}
        self.results = {}

    def specs(self):
        if self.boto == "floor":
            floors = sdk_floor()
            sdk = ["boto3==%s" % floors["boto3"], "botocore==%s" % floors["botocore"]]
        else:
            ceiling = sdk_ceiling()
            sdk = ["boto3<%s" % ceiling, "botocore<%s" % ceiling]
        return ["ansible-core==%s.*" % self.core] + sdk + list(TEST_PACKAGES)

    def label(self):
        v = self.versions
        floor = sdk_floor().get("boto3", "floor")
        return "ansible-core %s, Python %s, boto3 %s / botocore %s" % (
            v.get("ansible-core", self.core), v.get("python", self.python),
            v.get("boto3", floor if self.boto == "floor" else "newest"),
            v.get("botocore", floor if self.boto == "floor" else "newest"))


def run(cmd, log_path, timeout, env=None, cwd=None):
    """Run ``cmd`` in its own process group with output to ``log_path``; (status, seconds).
    On a timeout (or an interrupt of this driver) the whole group is killed."""
    start = time.monotonic()
    status = "interrupted"
    with open(log_path, "w") as log:
        log.write("$ %s\n" % " ".join(cmd))
        log.flush()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=cwd or SRC, env=env,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
            status = "pass" if code == 0 else "fail"
        except subprocess.TimeoutExpired:
            status = "timeout"
        finally:
            # Whatever the step left behind in its group (ansible-test's children too) goes with it.
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    break
                time.sleep(0.5)
            proc.wait()
        if status == "timeout":
            log.write("\nTIMEOUT after %ss\n" % timeout)
    return status, time.monotonic() - start


def clean_env(combo, extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH") and not k.startswith(("ANSIBLE_", "AWS_"))}
    env["PATH"] = combo.bin + os.pathsep + env.get("PATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra or {})
    return env


def install(combo, logs, refresh):
    """Create (or reuse) the combination's venv; record the versions it holds."""
    stamp = os.path.join(combo.venv, ".matrix-installed")
    wanted = "\n".join(combo.specs())
    if refresh or not os.path.exists(stamp) or open(stamp).read() != wanted:
        python = find_python(combo.python)
        if not python:
            return "fail", 0.0, "no Python %s found (PATH or pyenv)" % combo.python
        shutil.rmtree(combo.venv, ignore_errors=True)
        log = os.path.join(logs, combo.name + "-install.log")
        script = " && ".join([
            "%s -m venv %s" % (python, combo.venv),
            "%s/pip install --quiet --disable-pip-version-check --upgrade pip" % combo.bin,
            "%s/pip install --quiet --disable-pip-version-check %s" % (
                combo.bin, " ".join("'%s'" % spec for spec in combo.specs())),
        ])
        status, seconds = run(["bash", "-c", script], log, TIMEOUTS["install"], env=clean_env(combo))
        if status != "pass":
            return status, seconds, "install failed: see %s" % os.path.relpath(log, ROOT)
        with open(stamp, "w") as handle:
            handle.write(wanted)
    else:
        seconds = 0.0
    probe = subprocess.run(
        [os.path.join(combo.bin, "python"), "-c",
         "import json, platform, ansible.release, boto3, botocore; print(json.dumps({'python': "
         "platform.python_version(), 'ansible-core': ansible.release.__version__, "
         "'boto3': boto3.__version__, 'botocore': botocore.__version__}))"],
        capture_output=True, text=True, timeout=120, check=False, env=clean_env(combo))
    if probe.returncode != 0:
        return "fail", seconds, "venv broken: %s" % probe.stderr.strip()[-300:]
    combo.versions = json.loads(probe.stdout)
    return "pass", seconds, ""


def run_suite(combo, suite, logs, server):
    log = os.path.join(logs, "%s-%s.log" % (combo.name, suite))
    if suite == "sanity":
        cmd = ["bash", os.path.join(SRC, "tests", "utils", "run-ansible-test.sh"), "sanity",
               "--python", combo.python, "--color", "no"]
        return run(cmd, log, TIMEOUTS["sanity"], env=clean_env(combo))
    if suite == "units":
        cmd = [os.path.join(combo.bin, "python"), "-m", "pytest", "-q", "tests/unit"]
        return run(cmd, log, TIMEOUTS["units"], env=clean_env(combo))
    server.reset()
    cmd = [os.path.join(combo.bin, "python"), os.path.join(SRC, "tests", "matrix", "smoke.py"),
           "--endpoint-url", server.url]
    return run(cmd, log, TIMEOUTS["smoke"], env=clean_env(combo))


def log_of(combo, suite):
    return os.path.join(WORK, "logs", "%s-%s.log" % (combo.name, suite))


def detail(combo, suite):
    """What failed, from the step's log: the sanity tests, the pytest counts, the smoke step."""
    try:
        with open(log_of(combo, suite), errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return ""
    if suite == "sanity":
        # The tests that printed an error; ansible-test stops at a test that crashes (FATAL).
        failed, current = [], None
        for line in lines:
            found = re.match(r'Running sanity test "([^"]+)"', line)
            if found:
                current = found.group(1)
            elif line.startswith("FATAL: The ") and "sanity test(s) listed below" in line:
                break  # the closing summary, printed after the last test: no test of its own
            elif line.startswith(("ERROR:", "FATAL:")) and current and current not in failed:
                failed.append(current + (" (crashed)" if line.startswith("FATAL:") else ""))
        return ", ".join(failed)
    if suite == "units":
        for line in reversed(lines):
            found = re.search(r"((?:\d+ (?:failed|passed|error|errors|xfailed|skipped)(?:, )?)+)", line)
            if found and (" in " in line):
                return found.group(1).rstrip(", ")
        return ""
    failed = [line[5:] for line in lines if line.startswith("FAIL ")]
    return failed[0] if failed else ""


def table(combos, suites):
    header = ["combination"] + list(suites)
    rows = []
    for combo in combos:
        cells = [combo.label()]
        for suite in suites:
            result = combo.results.get(suite)
            if not result:
                cells.append("not run")
                continue
            why = detail(combo, suite) if result[0] != "pass" or suite == "units" else ""
            cells.append("%s, %.0f s%s" % (result[0], result[1], ": " + why if why else ""))
        rows.append(cells)
    return header, rows


def print_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = "  ".join("%-*s" % (w, h) for w, h in zip(widths, header))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join("%-*s" % (w, c) for w, c in zip(widths, row)))


def rst_table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    rule = "  ".join("=" * w for w in widths)
    out = [rule, "  ".join("%-*s" % (w, h) for w, h in zip(widths, header)).rstrip(), rule]
    out += ["  ".join("%-*s" % (w, c) for w, c in zip(widths, row)).rstrip() for row in rows]
    out.append(rule)
    return out


def export(ref):
    """A git archive of ``ref`` under .build/matrix/src-SHA (reused when there); its path and sha."""
    sha = subprocess.run(["git", "rev-parse", "--verify", ref + "^{commit}"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    dest = os.path.join(WORK, "src-" + sha[:12])
    if not os.path.isdir(dest):
        partial = dest + ".partial"
        shutil.rmtree(partial, ignore_errors=True)
        os.makedirs(partial)
        archive = subprocess.Popen(["git", "archive", sha], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", partial], stdin=archive.stdout, check=True)
        archive.stdout.close()
        if archive.wait() != 0:
            raise SystemExit("git archive %s failed" % ref)
        os.rename(partial, dest)
    return dest, sha


def write_doc(header, rows, total, source):
    with open(DOC) as handle:
        text = handle.read()
    begin, end = text.find(BEGIN), text.find(END)
    if begin == -1 or end == -1:
        print("%s: markers %s / %s missing, not updated" % (DOC, BEGIN, END))
        return
    block = ["", "Measured %s by ``make test-matrix`` (%s) on %d cores (%s), one suite at a time, %.0f minutes "
             "in all." % (datetime.date.today().isoformat(), source, os.cpu_count() or 1, platform.system(),
                          total / 60), ""]
    block += rst_table(header, rows) + [""]
    with open(DOC, "w") as handle:
        handle.write(text[:begin + len(BEGIN)] + "\n" + "\n".join(block) + "\n" + text[end:])
    print("%s: table updated" % os.path.relpath(DOC, ROOT))


def report_only(args):
    """The table of a results.json (every combination of the matrix; the ones it lacks are "not run")."""
    with open(args.results) as handle:
        data = json.load(handle)
    measured = {entry["name"]: entry for entry in data["combinations"]}
    combos = []
    for core in CORES:
        for boto in ("floor", "newest"):
            combo = Combination(core, boto)
            entry = measured.get(combo.name)
            if entry:
                combo.versions = entry["versions"]
                combo.results = {s: (r["status"], r["seconds"]) for s, r in entry["results"].items()}
            combos.append(combo)
    header, rows = table(combos, list(SUITES))
    print_table(header, rows)
    if args.write_doc or (not args.no_doc and all(s in c.results for c in combos for s in SUITES)):
        write_doc(header, rows, data["seconds"], data.get("source", "the working tree"))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cores", default=",".join(CORES), help="comma-separated ansible-core minors")
    parser.add_argument("--boto", default="floor,newest", help="floor, newest or both")
    parser.add_argument("--suites", default=",".join(SUITES), help="sanity, units, smoke")
    parser.add_argument("--slice", action="store_true",
                        help="make test's slice: sanity + units on the oldest core (SDK floor) and the newest (newest SDK)")
    parser.add_argument("--refresh", action="store_true", help="re-create the venvs (the newest SDK moves)")
    parser.add_argument("--results", default=os.path.join(WORK, "results.json"))
    parser.add_argument("--no-doc", action="store_true", help="never write docs/docsite/rst/compatibility.rst")
    parser.add_argument("--ref", help="test this git commit (a git archive of it) instead of the working tree")
    parser.add_argument("--write-doc", action="store_true",
                        help="with --from-results: write compatibility.rst even when some combinations were not run")
    parser.add_argument("--from-results", action="store_true",
                        help="run nothing: print (and write) the table of the last run's results.json and logs")
    args = parser.parse_args()

    global SRC
    if args.from_results:
        return report_only(args)
    # A SIGTERM (make interrupted, CI's timeout) unwinds like an exception: groups killed, server stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    source = "the working tree"
    if args.ref:
        SRC, sha = export(args.ref)
        source = "commit %s" % sha[:12]
        print("testing %s in %s" % (source, os.path.relpath(SRC, ROOT)))

    if args.slice:
        cores = list(CORES)
        combos = [Combination(cores[0], "floor"), Combination(cores[-1], "newest")]
        suites = ["sanity", "units"]
    else:
        combos = [Combination(core, boto) for core in args.cores.split(",")
                  for boto in args.boto.split(",")]
        suites = [s for s in SUITES if s in args.suites.split(",")]
    full = (not args.slice and len(combos) == 2 * len(CORES) and list(suites) == list(SUITES))

    logs = os.path.join(WORK, "logs")
    os.makedirs(logs, exist_ok=True)
    started = time.monotonic()

    def save():
        # After every combination, so an interrupted run keeps what it measured (--from-results).
        with open(args.results, "w") as handle:
            json.dump({"seconds": round(time.monotonic() - started, 1), "source": source, "combinations": [
                {"name": c.name, "versions": c.versions,
                 "results": {s: {"status": r[0], "seconds": round(r[1], 1)} for s, r in c.results.items()}}
                for c in combos if c.results]}, handle, indent=2)

    server = MotoServer(log_path=os.path.join(logs, "moto_server.log")) if "smoke" in suites else None
    try:
        if server:
            server.start()
        for combo in combos:
            print("== %s" % combo.name, flush=True)
            status, seconds, why = install(combo, logs, args.refresh)
            print("   install: %s (%.0f s) %s" % (status, seconds, why), flush=True)
            combo.results["install"] = (status, seconds)
            if status != "pass":
                for suite in suites:
                    combo.results[suite] = ("fail", 0.0)
                save()
                continue
            for suite in suites:
                status, seconds = run_suite(combo, suite, logs, server)
                combo.results[suite] = (status, seconds)
                print("   %s: %s (%.0f s)  log: %s" % (
                    suite, status, seconds,
                    os.path.relpath(os.path.join(logs, "%s-%s.log" % (combo.name, suite)), ROOT)), flush=True)
            save()
    finally:
        if server:
            server.stop()
    total = time.monotonic() - started

    header, rows = table(combos, suites)
    print()
    print_table(header, rows)
    print("\n%.0f s in all" % total)
    save()
    if full and not args.no_doc:
        write_doc(header, rows, total, source)
    failed = [c.name + ":" + s for c in combos for s, r in c.results.items() if r[0] != "pass" and s in suites]
    if failed:
        print("FAILED: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
