"""Commands the demo and the emulator print: exactly what they run, quoted for a shell (shlex.join).

Every command runs in the repository root with the environment ``exports`` prints, so a newcomer can
copy both into a shell (``make emulator`` keeps a seeded moto_server up for that).
"""

import os
import re
import shlex
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.ansible_cli import BIN, aws_env  # noqa: E402

RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
# What the environment of aws_env adds that a reader needs to see (the rest: ANSIBLE_* conveniences).
SHOWN_FIRST = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_ENDPOINT_URL")


def environment(url, credentials=None):
    """The environment of every command: AWS calls to moto_server at ``url``, the checkout's collection."""
    extra = {}
    if credentials:
        extra = {"AWS_ACCESS_KEY_ID": credentials["aws_access_key_id"],
                 "AWS_SECRET_ACCESS_KEY": credentials["aws_secret_access_key"]}
    # PRIVATELINK_ECR_WAIT_DELAY=0.1 (set by aws_env): the emulator keeps endpoints pending ~0.3 s, poll as often.
    return aws_env(url, "eu-west-1", extra=extra)


def exports(env):
    """Shell lines that recreate ``env``'s AWS and Ansible settings (PATH: the checkout's virtualenv first)."""
    names = [n for n in SHOWN_FIRST if n in env]
    names += sorted(n for n in env if n not in names and n.startswith(("AWS_", "ANSIBLE_", "PRIVATELINK_ECR_")))
    lines = ["unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION  # no real AWS identity in this shell"]
    lines += ["export %s=%s" % (name, shlex.quote(env[name])) for name in names]
    lines.append('export PATH=%s:"$PATH"' % shlex.quote(BIN))
    return lines


def relative(path):
    """``path`` relative to the repository root (where every command runs) when it is inside it."""
    path = os.path.abspath(path)
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path


def show(cmd):
    print("$ " + shlex.join(cmd), flush=True)


def run(cmd, env, check=False):
    """Print ``cmd`` exactly as run, run it in the repository root (programs found on env's PATH),
    stream its output; return (exit code, output, {host: {"changed", "failed"}} from a play recap)."""
    show(cmd)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        lines.append(line)
    rc = proc.wait()
    print("(exit code %d, %.1f s)" % (rc, time.monotonic() - started), flush=True)
    output = "".join(lines)
    recap = {m.group(1): {"changed": int(m.group(3)), "failed": int(m.group(4)) + int(m.group(5))}
             for m in RECAP.finditer(output)}
    if check and rc != 0:
        raise subprocess.CalledProcessError(rc, shlex.join(cmd), output)
    return rc, output, recap
