"""Start and stop a counting moto_server on 127.0.0.1 (tests, demo, benchmark).

By default the server runs the AWS-semantics layer (tests/support/aws_semantics.py), so EC2
endpoints behave as AWS documents them (pending, deleting, ClientToken, DryRun, conflicts).
``MotoServer(semantics=False)``, or ``PRIVATELINK_ECR_RAW_MOTO=1`` in the environment, runs
plain moto instead.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
MUTATING_PREFIXES = ("Create", "Delete", "Modify", "Authorize", "Revoke", "Associate", "Disassociate", "Change",
                     "Replace", "Attach", "Detach", "Put", "Update", "Reset", "Accept", "Reject")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """A moto_server process; use as a context manager so it is always stopped."""

    def __init__(self, port=None, log_path=None, semantics=None, pending_seconds=None, deleting_seconds=None):
        self.port = port or free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log_path = log_path
        if semantics is None:
            semantics = os.environ.get("PRIVATELINK_ECR_RAW_MOTO", "") in ("", "0")
        self.semantics = semantics
        self.pending_seconds = pending_seconds
        self.deleting_seconds = deleting_seconds
        self.process = None

    def command(self):
        args = [sys.executable, os.path.join(HERE, "counting_moto.py"), "--port", str(self.port)]
        if not self.semantics:
            args.append("--raw")
        if self.pending_seconds is not None:
            args += ["--pending-seconds", str(self.pending_seconds)]
        if self.deleting_seconds is not None:
            args += ["--deleting-seconds", str(self.deleting_seconds)]
        return args

    def start(self, timeout=120):
        log = open(self.log_path or os.devnull, "ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("moto_server exited with %s" % self.process.returncode)
            try:
                urllib.request.urlopen(self.url + "/_counter", timeout=1).read()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("moto_server did not answer on %s within %ss" % (self.url, timeout))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _call(self, path, method="GET", data=None, headers=None):
        request = urllib.request.Request(self.url + path, method=method, data=data, headers=headers or {})
        # Generous: on a loaded 2-core machine moto_server can take seconds to answer a reset.
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.read()

    def configure_semantics(self, **settings):
        """Change the AWS-semantics layer (pending_seconds, deleting_seconds, service_azs, a guess,
        service_owned_zones) until the next reset; returns the whole config. Fails on a raw (``semantics=False``) server."""
        if not self.semantics:
            raise RuntimeError("this moto_server runs without the AWS-semantics layer")
        answer = self._call("/_aws_semantics", method="POST", data=json.dumps(settings).encode(),
                            headers={"Content-Type": "application/json"})
        return json.loads(answer)

    def share_vpc(self, vpc_id, owner, participant, region):
        """Share ``vpc_id`` of account ``owner`` into account ``participant`` (AWS RAM, which moto lacks):
        the AWS-semantics layer's rule 15 (tests/support/aws_semantics.py). Until the next reset."""
        if not self.semantics:
            raise RuntimeError("this moto_server runs without the AWS-semantics layer")
        body = {"vpc_id": vpc_id, "owner": owner, "participant": participant, "region": region}
        answer = self._call("/_aws_semantics/share_vpc", method="POST", data=json.dumps(body).encode(),
                            headers={"Content-Type": "application/json"})
        return json.loads(answer)["shares"]

    def semantics_config(self):
        return json.loads(self._call("/_aws_semantics")) if self.semantics else None

    def reset(self):
        """Forget every resource (about 1 ms), the request counts, and the AWS-semantics layer's
        tokens and timers; its config goes back to the startup values."""
        self._call("/moto-api/reset", method="POST")
        self.clear_requests()

    def requests(self):
        """Counts of requests since the last clear, keyed ``service.Action``."""
        return json.loads(self._call("/_counter"))

    def clear_requests(self):
        self._call("/_counter", method="DELETE")

    def mutating_requests(self):
        return {k: v for k, v in self.requests().items()
                if k.split(".", 1)[-1].startswith(MUTATING_PREFIXES)}


if __name__ == "__main__":
    # Used by the Makefile's demo/bench: `python tests/support/moto_server.py PORT` runs until killed.
    server = MotoServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else None)
    # "until killed": a SIGTERM unwinds the `with`, so the moto_server child is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with server:
        print(server.url, flush=True)
        try:
            server.process.wait()
        except KeyboardInterrupt:
            pass
