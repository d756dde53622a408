"""moto_server with a request counter, for tests, the demo and the benchmark.

Runs moto's own WSGI application on 127.0.0.1 and counts every AWS request by
``Service.Action`` so tests can assert how many (and which) requests a run sent:
``GET /_counter`` returns the counts, ``DELETE /_counter`` clears them.

Inside the counter sits the AWS-semantics layer (tests/support/aws_semantics.py: pending /
deleting endpoints, ClientToken, DryRun, placement and DNS conflicts as EC2 answers them), so a
request the layer refuses still counts as sent. ``--raw`` leaves it out (plain moto);
``--pending-seconds`` / ``--deleting-seconds`` set its timings.
"""

import argparse
import io
import json
import os
import signal
import sys
import threading
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.server import MotoRequestHandler
from werkzeug.serving import run_simple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run as a script: find the sibling
from aws_semantics import AwsSemantics  # noqa: E402

READ_PREFIXES = ("Describe", "Get", "List")


def _rest_operations(service):
    """(method, path regex, operation name) of a REST service, most literal path first."""
    import re
    import botocore.session

    model = botocore.session.get_session().get_service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        path = http["requestUri"].split("?")[0]
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path))
        routes.append((http["method"], re.compile("^%s/?$" % pattern), name, len(re.sub(r"{[^}]+}", "", path))))
    return sorted(routes, key=lambda r: -r[3])


# REST services, recognised by the signing scope's service name: the operation is the method and the path.
REST_OPERATIONS = {"route53": _rest_operations("route53"), "eks": _rest_operations("eks")}


class CountingMiddleware:
    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.counts = {}

    def _action(self, environ):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        params = parse_qs(body.decode("utf-8", "replace")) if body else {}
        params.update(parse_qs(environ.get("QUERY_STRING", "")))
        action = (params.get("Action") or [None])[0]
        if action is None:
            target = environ.get("HTTP_X_AMZ_TARGET", "")
            action = target.split(".")[-1] if target else None
        auth = environ.get("HTTP_AUTHORIZATION", "")
        rest = next((ops for name, ops in REST_OPERATIONS.items() if "/%s/" % name in auth), None)
        if action is None and rest:
            # Route 53 (REST-XML) and EKS (REST-JSON): the operation is the method and the path.
            for method, pattern, name, _literal in rest:
                if method == environ.get("REQUEST_METHOD") and pattern.match(environ.get("PATH_INFO") or ""):
                    action = name
                    break
        if action is None:
            return None
        service = "?"
        if "Credential=" in auth:
            parts = auth.split("Credential=")[1].split(",")[0].split("/")
            if len(parts) >= 4:
                service = parts[3]
        return "%s.%s" % (service, action)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == "/_counter":
            if environ["REQUEST_METHOD"] == "DELETE":
                with self.lock:
                    self.counts = {}
            with self.lock:
                payload = json.dumps(self.counts).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(len(payload)))])
            return [payload]
        action = self._action(environ)
        if action:
            with self.lock:
                self.counts[action] = self.counts.get(action, 0) + 1
        return self.app(environ, start_response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--raw", action="store_true", help="plain moto, without the AWS-semantics layer")
    parser.add_argument("--pending-seconds", type=float, default=0.3)
    parser.add_argument("--deleting-seconds", type=float, default=0.3)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    if not args.raw:
        app = AwsSemantics(app, pending_seconds=args.pending_seconds, deleting_seconds=args.deleting_seconds)
    run_simple("127.0.0.1", args.port, CountingMiddleware(app), threaded=True,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
