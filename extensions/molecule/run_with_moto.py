"""Run a command (by default `molecule test --all`) with a moto_server started for it on 127.0.0.1.

``python extensions/molecule/run_with_moto.py [molecule arguments...]`` from the collection root:
starts the counting moto_server (tests/support/moto_server.py), exports AWS_ENDPOINT_URL and dummy
credentials so that no AWS call can leave the machine, puts this venv's bin first on PATH (Molecule
runs ansible-playbook and ansible-config from PATH), runs molecule, stops moto_server however it ends
(also on SIGTERM), and exits with molecule's own exit code -- its summary can read "Successful" after
a failed idempotence step; the exit code is what counts.
"""

import os
import signal
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT)

from tests.support.moto_server import MotoServer  # noqa: E402

BIN = os.path.dirname(sys.executable)


def molecule_env(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "PATH": BIN + os.pathsep + env.get("PATH", ""),
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "eu-west-1",
        "AWS_MAX_ATTEMPTS": "3",
        # moto_server runs with the AWS-semantics layer: endpoints are pending for a fraction of a second.
        "PRIVATELINK_ECR_WAIT_DELAY": "0.1",
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".build", "collections"),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "NO_COLOR": "1",
    })
    return env


def main(args):
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log = os.path.join(ROOT, ".build", "molecule-moto_server.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with MotoServer(log_path=log) as server:
        print("moto_server on %s (log: %s)" % (server.url, os.path.relpath(log, ROOT)), flush=True)
        proc = subprocess.Popen([os.path.join(BIN, "molecule")] + (args or ["test", "--all"]),
                                env=molecule_env(server.url), cwd=ROOT)
        try:
            return proc.wait()
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
