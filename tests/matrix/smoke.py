"""Integration smoke of one matrix combination (tests/matrix/run_matrix.py runs it with the
combination's Python, so ``ansible`` and the modules' boto3 are that venv's).

Against a moto_server already running (``--endpoint-url``, AWS-semantics layer on):
1. seed a private VPC (three AZs, a public subnet beside);
2. converge it with privatelink.ecr.ecr_private_endpoints: changed, every fargate endpoint ``available``;
3. converge again: changed=0;
4. audit it with privatelink.ecr.ecr_private_endpoints_info: compliant, no high/medium finding;
5. when plugins/inventory/aws_vpcs.py exists: list the VPC through privatelink.ecr.aws_vpcs.
Exit 0 when every step held; each failing step prints what it got.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
from tests.integration.moto_vpc import FARGATE_TYPES, REGION, ec2_client, endpoint_args, seed_private_vpc  # noqa: E402
from tests.support.ansible_cli import BIN, aws_env, run_module, unsafe_free  # noqa: E402

ACCOUNT = "123456789012"  # moto's default account


def check(condition, step, detail):
    if not condition:
        print("FAIL %s: %s" % (step, detail))
        sys.exit(1)
    print("ok   %s" % step)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint-url", required=True)
    args = parser.parse_args()
    env = aws_env(args.endpoint_url, region=REGION)

    vpc = seed_private_vpc(ec2_client(args.endpoint_url), name="matrix-smoke")

    rc, result, out = run_module("ecr_private_endpoints", endpoint_args(vpc), env)
    check(rc == 0 and result and result.get("changed") is True, "converge", out[-3000:])
    endpoints = result.get("endpoints") or {}
    check(set(endpoints) == set(FARGATE_TYPES)
          and all(e.get("state") == "available" for e in endpoints.values()),
          "converge: every fargate endpoint available", json.dumps(endpoints, indent=1)[-3000:])

    rc, result, out = run_module("ecr_private_endpoints", endpoint_args(vpc), env)
    check(rc == 0 and result and result.get("changed") is False and not result.get("changes"),
          "re-run: changed=0", out[-3000:])

    rc, result, out = run_module("ecr_private_endpoints_info", {"vpc_ids": [vpc.vpc_id]}, env)
    vpcs = (result or {}).get("vpcs") or []
    serious = [f for v in vpcs for f in v.get("findings", []) if f.get("severity") in ("high", "medium")]
    check(rc == 0 and len(vpcs) == 1 and vpcs[0].get("compliant") is True and not serious,
          "audit: compliant", out[-3000:])

    if os.path.exists(os.path.join(ROOT, "plugins", "inventory", "aws_vpcs.py")):
        with tempfile.TemporaryDirectory() as work:
            source = os.path.join(work, "matrix.aws_vpcs.yml")
            with open(source, "w") as handle:
                handle.write("plugin: privatelink.ecr.aws_vpcs\nregions: [%s]\naccounts: ['%s']\n"
                             "vpc_filters: {'tag:Name': matrix-smoke}\n" % (REGION, ACCOUNT))
            proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", source, "--list", "--export"],
                                  env=dict(env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true"), cwd=work,
                                  capture_output=True, text=True, timeout=300, check=False)
        try:
            hostvars = unsafe_free(json.loads(proc.stdout)["_meta"]["hostvars"])
        except (ValueError, KeyError):
            hostvars = {}
        found = [h for h, v in hostvars.items() if v.get("vpc_id") == vpc.vpc_id]
        check(proc.returncode == 0 and found == ["%s-%s-%s" % (ACCOUNT, REGION, vpc.vpc_id)],
              "inventory plugin privatelink.ecr.aws_vpcs lists the VPC", (proc.stdout + proc.stderr)[-3000:])
    else:
        print("skip inventory plugin: plugins/inventory/aws_vpcs.py does not exist")
    return 0


if __name__ == "__main__":
    sys.exit(main())
