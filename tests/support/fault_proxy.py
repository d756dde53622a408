"""A fault-injecting HTTP proxy on 127.0.0.1 between the collection and moto_server (tests only).

AWS throttles, answers 503 and drops connections; moto never does. The proxy makes it do
so, on purpose and reproducibly:

- ``throttle``: answer HTTP 503 with the EC2 error ``RequestLimitExceeded`` (the request is
  not executed, as on AWS);
- ``unavailable``: answer HTTP 503 with the EC2 error ``Unavailable`` (not executed);
- ``drop``: forward the request to moto, then close the connection without the answer -
  the request *did* execute, the caller cannot know: the ambiguous failure.

Each request whose action is selected draws once from a seeded ``random.Random``; at most
``max_faults`` faults are injected in all (bounded, so a run always ends).

Like AWS and unlike moto, it honours ``ClientToken`` on ``CreateVpcEndpoint``: a repeated
token with the same parameters gets the first answer again without reaching moto; with other
parameters, ``IdempotentParameterMismatch``. Concurrent requests with one token are
serialised, so three racing runs see one endpoint.

Mutating requests are forwarded one at a time: each AWS request is atomic (two racing
``CreateSecurityGroup`` with one name make one group), while moto's threaded server checks
and then creates without a lock.

``hold(action, nth)`` makes the proxy forward the nth such request, then keep its answer
back until ``release()`` - so a test can SIGKILL a run at a known point of its apply step.

Use in-process (``with FaultProxy(moto.url) as proxy: proxy.configure(throttle=0.3)``), or
``python tests/support/fault_proxy.py --target URL --throttle 0.3`` in the foreground.
"""

import argparse
import http.client
import random
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FAULT_KINDS = ("throttle", "unavailable", "drop")
# Headers that belong to one hop, not to the request or answer.
HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
               "content-length"}
TOKEN_ACTIONS = ("CreateVpcEndpoint",)
MUTATING_PREFIXES = ("Create", "Delete", "Modify", "Authorize", "Revoke", "Associate", "Disassociate", "Replace",
                     "Attach", "Detach", "Accept", "Reject")
HOLD_TIMEOUT = 120  # seconds a held answer waits for release(); bounded like everything else
UPSTREAM_TIMEOUT = 60

_ERRORS = {
    "throttle": ("RequestLimitExceeded", "Request limit exceeded."),
    "unavailable": ("Unavailable", "The server is overloaded and can't handle the request."),
}


def ec2_error_body(code, message):
    """The XML body EC2's query API answers an error with."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>%s</Code>'
            "<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>"
            % (code, message, uuid.uuid4())).encode("utf-8")


class FaultConfig:
    """What to inject: per-kind rates (0..1), which actions, the seed and the bound."""

    def __init__(self, throttle=0.0, unavailable=0.0, drop=0.0, actions=None, seed=0, max_faults=500):
        for name, rate in (("throttle", throttle), ("unavailable", unavailable), ("drop", drop)):
            if not 0.0 <= rate <= 1.0:
                raise ValueError("%s rate %r is not between 0 and 1" % (name, rate))
        if throttle + unavailable + drop > 1.0:
            raise ValueError("fault rates add up to more than 1")
        self.rates = {"throttle": throttle, "unavailable": unavailable, "drop": drop}
        # None: every AWS action; otherwise a set of action names such as {"CreateVpcEndpoint"}.
        self.actions = set(actions) if actions is not None else None
        self.seed = seed
        self.max_faults = max_faults


class FaultProxy:
    """The proxy server; a context manager, always stopped."""

    def __init__(self, target_url, port=0):
        parts = urlsplit(target_url)
        self.target = (parts.hostname, parts.port or 80)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = None
        self.configure()
        self._tokens = {}
        self._token_locks = {}
        self._mutation_lock = threading.Lock()
        self._hold = None

    # -- control --------------------------------------------------------------------------
    def configure(self, **kwargs):
        """Set the faults (see FaultConfig); also restarts the RNG and the counts."""
        config = FaultConfig(**kwargs)
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
            self.counts = {kind: 0 for kind in FAULT_KINDS}
            self.counts.update(forwarded=0, token_replays=0, token_mismatches=0)
            self.by_action = {}
        return self

    def forget_tokens(self):
        """Forget ClientTokens (call with moto's reset: the endpoints they name are gone)."""
        with self._lock:
            self._tokens.clear()
            self._token_locks.clear()

    def faults_injected(self):
        with self._lock:
            return sum(self.counts[kind] for kind in FAULT_KINDS)

    def hold(self, action, nth=1):
        """Keep back the answer of the nth ``action`` request (after moto executed it)."""
        with self._lock:
            self._hold = {"action": action, "nth": nth, "seen": 0,
                          "held": threading.Event(), "release": threading.Event()}
        return self._hold["held"]

    def release(self):
        with self._lock:
            hold, self._hold = self._hold, None
        if hold:
            hold["release"].set()

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.release()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- decisions (called by the handler) ------------------------------------------------
    def _draw(self, action):
        """The fault for this request, or None."""
        with self._lock:
            config = self.config
            if action is None or (config.actions is not None and action not in config.actions):
                return None
            if sum(self.counts[kind] for kind in FAULT_KINDS) >= config.max_faults:
                return None
            draw = self._rng.random()
            for kind in FAULT_KINDS:
                rate = config.rates[kind]
                if draw < rate:
                    self.counts[kind] += 1
                    self.by_action.setdefault(action, {}).setdefault(kind, 0)
                    self.by_action[action][kind] += 1
                    return kind
                draw -= rate
            return None

    def _token_lock(self, token):
        with self._lock:
            return self._token_locks.setdefault(token, threading.Lock())

    def _count(self, key):
        with self._lock:
            self.counts[key] += 1

    def _hold_for(self, action):
        with self._lock:
            hold = self._hold
            if not hold or hold["action"] != action:
                return None
            hold["seen"] += 1
            return hold if hold["seen"] == hold["nth"] else None

    # -- forwarding -----------------------------------------------------------------------
    def forward(self, method, path, headers, body):
        """Send the request to moto; return (status, reason, headers, body)."""
        connection = http.client.HTTPConnection(self.target[0], self.target[1], timeout=UPSTREAM_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
            kept = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_HEADERS]
        finally:
            connection.close()
        self._count("forwarded")
        return answer.status, answer.reason, kept, payload

    def _forward_atomically(self, action, method, path, headers, body):
        if action and action.startswith(MUTATING_PREFIXES):
            with self._mutation_lock:
                return self.forward(method, path, headers, body)
        return self.forward(method, path, headers, body)

    def execute(self, method, path, headers, body, params):
        """Forward, honouring ClientToken on create calls like AWS does."""
        action = _first(params, "Action")
        token = _first(params, "ClientToken")
        if action not in TOKEN_ACTIONS or not token:
            return self._forward_atomically(action, method, path, headers, body)
        signature = sorted((k, tuple(v)) for k, v in params.items())
        with self._token_lock(token):
            with self._lock:
                seen = self._tokens.get(token)
            if seen is not None:
                if seen[0] != signature:
                    self._count("token_mismatches")
                    return (400, "Bad Request", [("Content-Type", "text/xml")], ec2_error_body(
                        "IdempotentParameterMismatch",
                        "The client token you have provided is associated with a resource that is already "
                        "deleted or has different parameters."))
                self._count("token_replays")
                return seen[1]
            answer = self._forward_atomically(action, method, path, headers, body)
            if answer[0] == 200:
                with self._lock:
                    self._tokens[token] = (signature, answer)
            return answer


def _first(params, key):
    values = params.get(key)
    return values[0] if values else None


def _handler_for(proxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects

        def log_message(self, *args):  # quiet: tests read the counts instead
            pass

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            params = parse_qs(body.decode("utf-8", "replace")) if body else {}
            params.update(parse_qs(urlsplit(self.path).query))
            action = _first(params, "Action")
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            headers["Content-Length"] = str(len(body))
            fault = proxy._draw(action)
            if fault in _ERRORS:
                self._answer(503, "Service Unavailable", [("Content-Type", "text/xml")], ec2_error_body(*_ERRORS[fault]))
                return
            try:
                answer = proxy.execute(self.command, self.path, headers, body, params)
            except (OSError, http.client.HTTPException) as exc:
                self._answer(502, "Bad Gateway", [("Content-Type", "text/plain")], str(exc).encode())
                return
            hold = proxy._hold_for(action)
            if hold:
                hold["held"].set()
                hold["release"].wait(HOLD_TIMEOUT)
            if fault == "drop":
                self._drop()
                return
            self._answer(*answer)

        def _answer(self, status, reason, headers, payload):
            try:
                self.send_response(status, reason)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                self.close_connection = True  # the client went away (killed run): nothing to tell it

        def _drop(self):
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--target", required=True, help="moto_server URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--port", type=int, default=0)
    for kind in FAULT_KINDS:
        parser.add_argument("--" + kind, type=float, default=0.0, help="rate of %s faults (0..1)" % kind)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-faults", type=int, default=500)
    args = parser.parse_args()
    with FaultProxy(args.target, args.port) as proxy:
        proxy.configure(throttle=args.throttle, unavailable=args.unavailable, drop=args.drop, seed=args.seed,
                        max_faults=args.max_faults)
        print(proxy.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
