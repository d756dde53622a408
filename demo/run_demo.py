"""`make demo`: the collection converging a fleet of 3 accounts x 2 regions on a local AWS emulator.

Starts moto_server on 127.0.0.1 (every AWS call of the demo goes there, never to AWS), seeds the
private VPC of each target of the example inventory (inventories/example) through assume-role into
its account, runs privatelink.ecr.deploy, runs it again to show that nothing changes, and prints a
summary table. When the audit playbook exists it then breaks one VPC on purpose (the S3 gateway
endpoint detached from a private route table), shows the audit's finding, repairs the VPC with
deploy and shows it compliant. The emulator is stopped however the demo ends.

Exit code 0 when every step did what it should, 1 otherwise.
"""

import json
import os
import re
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.support.ansible_cli import BIN, aws_env  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402
from tests.support.seed import client, live_endpoints, seed_private_vpc  # noqa: E402

INVENTORY = os.path.join(ROOT, "inventories", "example")
WORK = os.path.join(ROOT, ".build", "demo")
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


class DemoFailed(Exception):
    pass


def say(text):
    print("\n=== %s" % text, flush=True)


def targets_from_inventory():
    """Each inventory host with its merged variables (the example's values are plain, not templated)."""
    out = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", INVENTORY, "--list"],
                         capture_output=True, text=True, check=True, env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    hostvars = json.loads(out.stdout)["_meta"]["hostvars"]
    return sorted((dict(hostvars[name], host=name) for name in hostvars),
                  key=lambda t: (str(t["aws_account_id"]), t["aws_region"], t["host"]))


def seed(server, targets):
    for index, target in enumerate(targets):
        ec2 = client("ec2", server.url, target["aws_region"], target["aws_role_arn"])
        vpc = seed_private_vpc(ec2, target["vpc_name"], cidr="10.%d.0.0/16" % (10 + index))
        target["vpc_id"] = vpc["vpc_id"]
        print("  %-20s account %s  %-10s %s (%s): %d private + %d public subnets"
              % (target["host"], target["aws_account_id"], target["aws_region"], vpc["vpc_id"],
                 target["vpc_name"], len(vpc["private_subnet_ids"]), len(vpc["public_subnet_ids"])), flush=True)


def playbook(env, name, *args):
    """Run a playbook by FQCN, streaming its output; return {host: changed count}."""
    cmd = [os.path.join(BIN, "ansible-playbook"), "privatelink.ecr." + name, "-i", INVENTORY,
           "-e", json.dumps({"aws_endpoint_url": env["AWS_ENDPOINT_URL"]}), "--forks", "6"] + list(args)
    print("$ ansible-playbook privatelink.ecr.%s -i inventories/example %s" % (name, " ".join(args)), flush=True)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        lines.append(line)
    rc = proc.wait()
    recap = {m.group(1): {"changed": int(m.group(3)), "failed": int(m.group(4)) + int(m.group(5))}
             for m in RECAP.finditer("".join(lines))}
    return rc, recap


def endpoint_summary(server, target):
    ec2 = client("ec2", server.url, target["aws_region"], target["aws_role_arn"])
    prefix = "com.amazonaws.%s." % target["aws_region"]
    names = sorted(e["ServiceName"].replace(prefix, "") for e in live_endpoints(ec2, target["vpc_id"]))
    return names


def print_table(server, targets, first, second):
    say("Summary")
    header = ("account", "region", "VPC", "endpoints", "changed (1st deploy)", "changed (2nd deploy)")
    rows = []
    for target in targets:
        names = endpoint_summary(server, target)
        rows.append((target["aws_account_id"], target["aws_region"], "%s (%s)" % (target["vpc_id"], target["vpc_name"]),
                     "%d: %s" % (len(names), ", ".join(names)),
                     str(first.get(target["host"], {}).get("changed", "?")),
                     str(second.get(target["host"], {}).get("changed", "?"))))
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
    print(line)
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print(line)
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    print(line, flush=True)
    return rows


def break_one_vpc(server, target):
    """Detach the S3 gateway endpoint from one private route table: the mistake the audit must catch."""
    ec2 = client("ec2", server.url, target["aws_region"], target["aws_role_arn"])
    s3 = [e for e in live_endpoints(ec2, target["vpc_id"]) if e["ServiceName"].endswith(".s3")][0]
    detached = sorted(s3["RouteTableIds"])[0]
    ec2.modify_vpc_endpoint(VpcEndpointId=s3["VpcEndpointId"], RemoveRouteTableIds=[detached])
    print("  %s: S3 endpoint %s detached from route table %s" % (target["host"], s3["VpcEndpointId"], detached))


def posture_of(report_dir, vpc_id):
    with open(os.path.join(report_dir, "posture.json")) as handle:
        report = json.load(handle)
    for vpc in report.get("vpcs") or []:
        if vpc.get("vpc_id") == vpc_id:
            return vpc
    raise DemoFailed("posture.json has no entry for %s" % vpc_id)


def audit_round(env, server, targets, report_dir):
    victim = targets[0]
    say("Break %s on purpose" % victim["host"])
    break_one_vpc(server, victim)

    say("Audit: the finding")
    rc = playbook(env, "audit", "-e", json.dumps({"posture_report_dir": report_dir}))[0]
    if rc != 0:
        raise DemoFailed("the audit failed (exit code %d)" % rc)
    broken = posture_of(report_dir, victim["vpc_id"])
    for finding in broken.get("findings") or []:
        print("  [%s] %s %s: %s" % (finding.get("severity"), finding.get("id"), finding.get("resource"),
                                    finding.get("message")))
    if broken.get("compliant") or not any(f.get("id") == "S3_ROUTE_MISSING" for f in broken.get("findings") or []):
        raise DemoFailed("the audit did not report S3_ROUTE_MISSING on %s" % victim["vpc_id"])

    say("Repair with deploy")
    rc, recap = playbook(env, "deploy", "--limit", victim["host"])
    if rc != 0 or recap.get(victim["host"], {}).get("changed", 0) < 1:
        raise DemoFailed("deploy did not repair %s" % victim["host"])

    say("Audit again: compliant")
    playbook(env, "audit", "-e", json.dumps({"posture_report_dir": report_dir}))
    repaired = posture_of(report_dir, victim["vpc_id"])
    print("  %s (%s): compliant=%s" % (victim["host"], victim["vpc_id"], repaired.get("compliant")))
    if not repaired.get("compliant"):
        raise DemoFailed("%s is still not compliant after the repair" % victim["vpc_id"])
    print("  reports: %s/posture.{json,md,html}" % os.path.relpath(report_dir, ROOT))


def run(server):
    env = aws_env(server.url)
    targets = targets_from_inventory()
    say("Seeding %d private VPCs in moto_server at %s (assume-role into each account)" % (len(targets), server.url))
    seed(server, targets)

    say("Deploy")
    rc, first = playbook(env, "deploy")
    if rc != 0:
        raise DemoFailed("the first deploy failed (exit code %d)" % rc)

    say("Deploy again: nothing changes")
    server.clear_requests()
    rc, second = playbook(env, "deploy")
    if rc != 0:
        raise DemoFailed("the second deploy failed (exit code %d)" % rc)
    mutating = server.mutating_requests()

    rows = print_table(server, targets, first, second)
    print("Second deploy: %d mutating AWS request(s) %s" % (sum(mutating.values()), mutating or ""))
    if any(r[5] != "0" for r in rows) or mutating:
        raise DemoFailed("the second deploy changed something")
    if any(not r[3].startswith("4:") for r in rows):
        raise DemoFailed("a VPC does not have its 4 endpoints")

    if os.path.exists(os.path.join(ROOT, "playbooks", "audit.yml")):
        os.makedirs(WORK, exist_ok=True)
        audit_round(env, server, targets, tempfile.mkdtemp(prefix="posture-report-", dir=WORK))
    else:
        print("\n(playbooks/audit.yml is not there yet: the audit part of the demo is skipped)")


def main():
    # A SIGTERM (make interrupted, CI timeout) unwinds through the `with` below, so moto_server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(WORK, exist_ok=True)
    try:
        with MotoServer(log_path=os.path.join(WORK, "moto_server.log")) as server:
            run(server)
    except DemoFailed as exc:
        print("\nDEMO FAILED: %s" % exc, file=sys.stderr)
        return 1
    except (subprocess.CalledProcessError, OSError, RuntimeError) as exc:
        print("\nDEMO FAILED: %s" % exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nDemo interrupted; moto_server stopped.", file=sys.stderr)
        return 130
    print("\nDemo finished; moto_server stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
