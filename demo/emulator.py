"""`make emulator`: a seeded local AWS emulator that stays up, to try the collection by hand.

Starts moto_server on 127.0.0.1 in the background (tests/support/moto_server.py: the AWS-semantics
layer on, so endpoints are pending for a moment as in AWS), seeds the demo's AWS Organization
(demo/organization.py: no endpoint deployed yet), writes the aws_vpcs inventory files and an ``env.sh``
into .build/emulator/, prints the environment to export, commands to try and how to stop it, and
returns. ``make emulator`` again while it runs prints the same again; ``make emulator-stop`` stops it.

    python demo/emulator.py [--port PORT]     start (or show the running one)
    python demo/emulator.py --stop            stop it

Nothing leaves 127.0.0.1: every AWS call of the printed commands goes to the emulator.
"""

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from demo import organization  # noqa: E402
from demo.commands import environment, exports, relative  # noqa: E402
from tests.support.moto_server import free_port  # noqa: E402

WORK = os.path.join(ROOT, ".build", "emulator")
STATE = os.path.join(WORK, "emulator.json")


def _alive(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def running():
    """The running emulator's state ({pid, url, ...}), or None."""
    try:
        with open(STATE) as handle:
            state = json.load(handle)
    except (OSError, ValueError):
        return None
    if not _alive(state["pid"]):
        return None
    try:
        urllib.request.urlopen(state["url"] + "/_counter", timeout=2).read()
    except OSError:
        return None
    return state


def start(port):
    """moto_server in its own session (it outlives this script), answering on 127.0.0.1:port."""
    os.makedirs(WORK, exist_ok=True)
    url = "http://127.0.0.1:%d" % port
    log_path = os.path.join(WORK, "moto_server.log")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "support", "moto_server.py"), str(port)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
                                start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("moto_server exited with %s; see %s" % (proc.returncode, relative(log_path)))
        try:
            urllib.request.urlopen(url + "/_counter", timeout=1).read()
            return proc.pid, url
        except OSError:
            time.sleep(0.2)
    stop_pid(proc.pid)
    raise RuntimeError("moto_server did not answer on %s within 60 s; see %s" % (url, relative(log_path)))


def stop_pid(pid, timeout=15):
    """SIGTERM: tests/support/moto_server.py stops its moto_server child, then exits."""
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.1)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


def print_guide(state):
    env = environment(state["url"], state["credentials"])
    fleet, audit = relative(state["inventories"]["fleet"]), relative(state["inventories"]["audit"])
    env_file = relative(os.path.join(WORK, "env.sh"))
    report = relative(os.path.join(WORK, "posture-report"))
    print("""
A seeded AWS emulator (moto_server, pid {pid}) answers on {url}: the demo's organization, no endpoint
deployed yet. Inventory files: {fleet} (one host per VPC) and {audit} (one per account and region);
group_vars/all.yml beside them sets the data perimeter (vpc_endpoints_perimeter_org_id: {org_id}).
IAM enforcement is on, as in the demo's organization act: only the controller's keys below work
(moto's default `testing` keys are refused), and they may not assume the sandbox account's role.

The environment (also in {env_file}: `source {env_file}`):
""".format(pid=state["pid"], url=state["url"], fleet=fleet, audit=audit, org_id=state["org_id"],
           env_file=env_file))
    for line in exports(env):
        print("  " + line)
    print("""
Then try, from {root}:
  {graph}
  {check}
  {deploy}
  {audit_cmd}
  {destroy}

Stop it with `make emulator-stop` (or: kill {pid}).""".format(
        root=ROOT, pid=state["pid"],
        graph=shlex.join(["ansible-inventory", "-i", fleet, "--graph"]),
        check=shlex.join(["ansible-playbook", "privatelink.ecr.deploy", "-i", fleet, "--check", "--diff"]),
        deploy=shlex.join(["ansible-playbook", "privatelink.ecr.deploy", "-i", fleet]),
        audit_cmd=shlex.join(["ansible-playbook", "privatelink.ecr.audit", "-i", audit,
                              "-e", "posture_report_dir=%s" % report]),
        destroy=shlex.join(["ansible-playbook", "privatelink.ecr.destroy", "-i", fleet])))


def up(port):
    state = running()
    if state:
        print("The emulator is already running.")
        print_guide(state)
        return 0
    pid, url = start(port or free_port())
    try:
        print("Seeding the demo's AWS Organization into %s ..." % url, flush=True)
        org = organization.seed(url)
        for line in organization.describe(org):
            print(line)
        paths = organization.write_inventories(WORK, url, org, "make emulator (demo/emulator.py)")
        state = {"pid": pid, "url": url, "org_id": org["org_id"], "credentials": org["credentials"],
                 "inventories": paths}
        with open(os.path.join(WORK, "env.sh"), "w") as handle:
            handle.write("# Written by make emulator: the environment of the commands it prints.\n")
            handle.write("\n".join(exports(environment(url, org["credentials"]))) + "\n")
        with open(STATE, "w") as handle:
            json.dump(state, handle, indent=2)
    except BaseException:
        stop_pid(pid)
        raise
    print_guide(state)
    return 0


def down():
    state = None
    try:
        with open(STATE) as handle:
            state = json.load(handle)
    except (OSError, ValueError):
        pass
    if not state or not _alive(state["pid"]):
        print("No emulator is running.")
    else:
        stop_pid(state["pid"])
        print("Emulator (pid %d, %s) stopped." % (state["pid"], state["url"]))
    if os.path.exists(STATE):
        os.unlink(STATE)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("EMULATOR_PORT") or 0) or None,
                        help="port on 127.0.0.1 (default: EMULATOR_PORT, else a free one)")
    parser.add_argument("--stop", action="store_true", help="stop the running emulator")
    args = parser.parse_args(argv)
    try:
        return down() if args.stop else up(args.port)
    except (OSError, RuntimeError) as exc:
        print("emulator: %s" % exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
