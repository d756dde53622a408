"""Where a module's time goes: cProfile of one run of a privatelink.ecr module, imports included.

    .venv/bin/python bench/profile_module.py [--phase create|noop] [--top 25]

Starts moto_server on 127.0.0.1 (always stopped), seeds one target like the benchmark
(assume-role into its account), then runs ecr_private_endpoints as the role does for a VPC
given by id (discover: always) in a fresh Python process under cProfile, the way Ansible runs
it (one process per module call), and prints its wall time, the AWS requests it sent, and the
top functions by cumulative time. With --phase noop the VPC is converged first.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
COLLECTIONS = os.path.join(ROOT, ".build", "collections")


def child(module, args_json, top):
    """Run one module in this process under cProfile (imports included), print the stats."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    sys.path.insert(0, COLLECTIONS)
    from ansible.module_utils import basic
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": json.loads(args_json)}).encode()
    basic._ANSIBLE_PROFILE = "legacy"  # ansible-core >= 2.19 wants a serialization profile
    name = "ansible_collections.privatelink.ecr.plugins.modules." + module
    output = io.StringIO()
    real_stdout, sys.stdout = sys.stdout, output
    try:
        __import__(name, fromlist=["main"]).main()
    except SystemExit:
        pass
    finally:
        sys.stdout = real_stdout
        profiler.disable()
    elapsed = time.perf_counter() - started
    result = json.loads(output.getvalue())
    stats = io.StringIO()
    pstats.Stats(profiler, stream=stats).sort_stats("cumulative").print_stats(top)
    print(json.dumps({"seconds": elapsed, "result": result, "stats": stats.getvalue()}))


def run_child(module, args, top):
    env = dict(os.environ, PYTHONPATH=COLLECTIONS)
    proc = subprocess.run([sys.executable, __file__, "--child", module, json.dumps(args), "--top", str(top)],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    if proc.returncode:
        raise RuntimeError(proc.stderr)
    return json.loads(proc.stdout)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--phase", choices=("create", "noop"), default="noop")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--child", nargs=2, metavar=("MODULE", "ARGS_JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child[0], args.child[1], args.top)
    sys.path.insert(0, ROOT)
    sys.path.insert(0, HERE)
    import fleet
    from tests.support.moto_server import MotoServer
    with MotoServer() as server:
        target = fleet.seed(fleet.targets(1), server.url)[0]
        # What the role runs for a host naming its VPC by id: one call that discovers the placement.
        module_args = {"region": target["aws_region"], "endpoint_url": server.url, "access_key": "testing",
                       "secret_key": "testing", "role_arn": target["aws_role_arn"],
                       "external_id": target["aws_external_id"], "vpc_id": target["vpc_id"], "discover": "always"}
        if args.phase == "noop":
            run_child("ecr_private_endpoints", module_args, args.top)
        server.clear_requests()
        converged = run_child("ecr_private_endpoints", module_args, args.top)
        print("ecr_private_endpoints (%s): %.2f s in-process, changed=%s, AWS requests %s" % (
            args.phase, converged["seconds"], converged["result"].get("changed"),
            json.dumps(server.requests(), sort_keys=True)))
        print(converged["stats"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
