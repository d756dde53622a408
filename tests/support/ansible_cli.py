"""Run the real `ansible` / `ansible-playbook` CLIs against moto_server from tests."""

import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
BIN = os.path.dirname(sys.executable)


def aws_env(endpoint_url, region="eu-west-1", collections_path=COLLECTIONS, extra=None):
    """Environment for a run whose every AWS call goes to ``endpoint_url`` (moto_server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ANSIBLE_"))}
    env.update({
        "PATH": BIN + os.pathsep + env.get("PATH", ""),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": region,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_MAX_ATTEMPTS": "3",
        # The AWS-semantics layer keeps endpoints pending for a fraction of a second: poll as often.
        "PRIVATELINK_ECR_WAIT_DELAY": "0.1",
        "ANSIBLE_COLLECTIONS_PATH": collections_path,
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_HOST_KEY_CHECKING": "false",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCAL_TEMP": os.path.join(tempfile.gettempdir(), "privatelink-ecr-ansible-tmp"),
    })
    env.update(extra or {})
    return env


def recap(output):
    """{host: {"ok", "changed", "failed", "skipped"}} from ansible-playbook's PLAY RECAP ("failed" counts
    unreachable too)."""
    found = re.findall(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)",
                       output, re.M)
    return {host: {"ok": int(ok), "changed": int(changed), "failed": int(unreachable) + int(failed),
                   "skipped": int(skipped)}
            for host, ok, changed, unreachable, failed, skipped in found}


def unsafe_free(value):
    """A value of `ansible-inventory --list` without the unsafe marks.

    From ansible-core 2.19 its output (profile ``inventory_legacy``) wraps each string an inventory
    plugin gave as ``{"__ansible_unsafe": ...}``; 2.17 and 2.18 print them bare.
    """
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unsafe_free(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unsafe_free(v) for v in value]
    return value


def run_module(module, args, env, check=False, diff=False, timeout=300):
    """Run one module on localhost with the `ansible` CLI; return (rc, result dict, raw output)."""
    cmd = [os.path.join(BIN, "ansible"), "localhost", "-c", "local", "-i", "localhost,",
           "-m", module if "." in module else "privatelink.ecr." + module, "-a", json.dumps(args)]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    env = dict(env, ANSIBLE_STDOUT_CALLBACK="minimal", ANSIBLE_LOAD_CALLBACK_PLUGINS="1")
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    out = proc.stdout
    result = None
    marker = out.find("=> {")
    if marker != -1:
        try:
            result = json.loads(out[marker + 3:])
        except ValueError:
            result = None
    return proc.returncode, result, out + proc.stderr


def run_playbook(playbook, env, inventory=None, extra_vars=None, args=(), timeout=900):
    """Run ansible-playbook; return the CompletedProcess (stdout and stderr as text)."""
    cmd = [os.path.join(BIN, "ansible-playbook"), playbook]
    if inventory:
        cmd += ["-i", inventory]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    cmd += list(args)
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
