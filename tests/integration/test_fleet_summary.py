"""privatelink.ecr.deploy and privatelink.ecr.destroy end with one fleet summary, against moto_server.

A line per host with an action or a failure, then
``Plan: C to create, M to modify, A to adopt, D to delete; U of N hosts unchanged`` in check mode and
``Applied: ...`` otherwise, printed once (by ansible.builtin.debug: the default callback and AWX job
output alike); --limit, failed hosts, hubs' zones and spokes' associations included. And --diff of a
policy change shows the statements that change, not the whole document twice.
"""

import json
import os
import re
import subprocess

import pytest

# The hub-and-spoke fixture.
from tests.integration.test_hub_and_spoke import fleet  # noqa: F401  pylint: disable=unused-import
from tests.integration.test_hub_and_spoke import hub_zones, mutating, run as run_fleet, services_of as fleet_services
from tests.support.ansible_cli import BIN, ROOT, aws_env, recap
from tests.support.seed import client, live_endpoints, seed_private_vpc

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
HOSTS = ("apps-a", "apps-b", "apps-c")
# The fargate set (ecr.api, ecr.dkr, logs, s3) and the managed security group.
PER_VPC = 5
SUMMARY_LINE = re.compile(r"^\s*\"((?:Plan|Applied): \d+ to create, \d+ to modify, \d+ to adopt, \d+ to delete; "
                          r"\d+ of \d+ hosts unchanged)\"", re.M)


@pytest.fixture
def vpcs(moto, tmp_path):
    ec2 = client("ec2", moto.url, REGION)
    seeded = {name: seed_private_vpc(ec2, name, cidr="10.%d.0.0/16" % index) for index, name in enumerate(HOSTS)}
    moto.clear_requests()
    return seeded


def write_inventory(tmp_path, moto, hosts):
    inventory = {"all": {"vars": {"ansible_connection": "local", "aws_region": REGION, "aws_endpoint_url": moto.url},
                         "hosts": hosts}}
    path = tmp_path / "hosts.json"
    path.write_text(json.dumps(inventory))
    return str(path)


def run(playbook, inventory, *args):
    # The endpoint comes from the inventory only: a module that ignored it would call nowhere.
    cmd = [os.path.join(BIN, "ansible-playbook"), playbook, "-i", inventory, "--forks", "2"] + list(args)
    return subprocess.run(cmd, env=aws_env("http://127.0.0.1:9", REGION), cwd=ROOT, capture_output=True, text=True,
                          timeout=600, check=False)


def summary(result):
    """(the host lines, the fleet line) of the run's summary, as printed; exactly one fleet line."""
    lines = SUMMARY_LINE.findall(result.stdout)
    assert len(lines) == 1, result.stdout[-4000:] + result.stderr[-2000:]
    block = result.stdout[result.stdout.index("TASK [Print the fleet summary]"):]
    block = block[:block.index("PLAY RECAP")]
    hosts = re.findall(r"^\s*\"([^\"]+: (?:failed; )?\d+ to create, \d+ to modify, \d+ to adopt, \d+ to delete)\",?$",
                       block, re.M)
    return hosts, lines[0]


def endpoints_of(moto, vpc):
    return live_endpoints(client("ec2", moto.url, REGION), vpc["vpc_id"])


def test_plan_apply_rerun_drift_and_destroy_end_with_their_summary(moto, vpcs, tmp_path):
    inventory = write_inventory(tmp_path, moto, dict((name, {"vpc_id": vpc["vpc_id"]}) for name, vpc in vpcs.items()))
    created = ["%s: %d to create, 0 to modify, 0 to adopt, 0 to delete" % (name, PER_VPC) for name in HOSTS]

    plan = run("playbooks/deploy.yml", inventory, "--check")
    assert plan.returncode == 0, plan.stdout[-4000:]
    assert summary(plan) == (created, "Plan: 15 to create, 0 to modify, 0 to adopt, 0 to delete; 0 of 3 hosts unchanged")
    assert moto.mutating_requests() == {}
    assert all(endpoints_of(moto, vpc) == [] for vpc in vpcs.values())

    applied = run("playbooks/deploy.yml", inventory)
    assert applied.returncode == 0, applied.stdout[-4000:]
    assert summary(applied) == (created,
                                "Applied: 15 to create, 0 to modify, 0 to adopt, 0 to delete; 0 of 3 hosts unchanged")
    assert all(len(endpoints_of(moto, vpc)) == PER_VPC - 1 for vpc in vpcs.values())

    moto.clear_requests()
    again = run("playbooks/deploy.yml", inventory)
    assert again.returncode == 0, again.stdout[-4000:]
    assert summary(again) == ([], "Applied: 0 to create, 0 to modify, 0 to adopt, 0 to delete; 3 of 3 hosts unchanged")
    assert moto.mutating_requests() == {}
    assert {r["changed"] for r in recap(again.stdout).values()} == {0}

    # Drift on one VPC: its logs endpoint deleted by hand. Only that host is listed; the others are counted.
    ec2 = client("ec2", moto.url, REGION)
    [logs] = [e for e in endpoints_of(moto, vpcs["apps-b"]) if e["ServiceName"].endswith(".logs")]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[logs["VpcEndpointId"]])
    repair = run("playbooks/deploy.yml", inventory, "--check")
    assert summary(repair) == (["apps-b: 1 to create, 0 to modify, 0 to adopt, 0 to delete"],
                               "Plan: 1 to create, 0 to modify, 0 to adopt, 0 to delete; 2 of 3 hosts unchanged")
    repaired = run("playbooks/deploy.yml", inventory)
    assert summary(repaired)[1] == "Applied: 1 to create, 0 to modify, 0 to adopt, 0 to delete; 2 of 3 hosts unchanged"

    # Destroy, planned on two hosts (--limit counts only those), then applied on all.
    gone = ["%s: 0 to create, 0 to modify, 0 to adopt, %d to delete" % (name, PER_VPC) for name in HOSTS]
    moto.clear_requests()
    planned = run("playbooks/destroy.yml", inventory, "--check", "--limit", "apps-a,apps-c")
    assert planned.returncode == 0, planned.stdout[-4000:]
    assert summary(planned) == ([gone[0], gone[2]],
                                "Plan: 0 to create, 0 to modify, 0 to adopt, 10 to delete; 0 of 2 hosts unchanged")
    assert moto.mutating_requests() == {}
    destroyed = run("playbooks/destroy.yml", inventory)
    assert destroyed.returncode == 0, destroyed.stdout[-4000:]
    assert summary(destroyed) == (gone,
                                  "Applied: 0 to create, 0 to modify, 0 to adopt, 15 to delete; 0 of 3 hosts unchanged")
    assert all(endpoints_of(moto, vpc) == [] for vpc in vpcs.values())
    assert summary(run("playbooks/destroy.yml", inventory))[1] == \
        "Applied: 0 to create, 0 to modify, 0 to adopt, 0 to delete; 3 of 3 hosts unchanged"


def test_failed_hosts_are_listed_and_counted_and_do_not_hide_the_others(moto, vpcs, tmp_path):
    hosts = {"apps-a": {"vpc_id": vpcs["apps-a"]["vpc_id"]},
             # The module fails (no such VPC); the role's check fails before any module (no VPC named).
             "missing": {"vpc_id": "vpc-0123456789abcdef0"},
             "unnamed": {},
             "apps-b": {"vpc_id": vpcs["apps-b"]["vpc_id"]}}
    inventory = write_inventory(tmp_path, moto, hosts)

    result = run("playbooks/deploy.yml", inventory)

    assert result.returncode != 0
    assert {h: r["failed"] for h, r in recap(result.stdout).items()} == \
        {"apps-a": 0, "missing": 1, "unnamed": 1, "apps-b": 0}
    assert summary(result) == ([
        "apps-a: 5 to create, 0 to modify, 0 to adopt, 0 to delete",
        "missing: failed; 0 to create, 0 to modify, 0 to adopt, 0 to delete",
        "unnamed: failed; 0 to create, 0 to modify, 0 to adopt, 0 to delete",
        "apps-b: 5 to create, 0 to modify, 0 to adopt, 0 to delete",
    ], "Applied: 10 to create, 0 to modify, 0 to adopt, 0 to delete; 0 of 4 hosts unchanged")
    assert len(endpoints_of(moto, vpcs["apps-a"])) == len(endpoints_of(moto, vpcs["apps-b"])) == PER_VPC - 1

    # The failed hosts are still no change: never counted as unchanged.
    again = run("playbooks/deploy.yml", inventory)
    assert summary(again)[1] == "Applied: 0 to create, 0 to modify, 0 to adopt, 0 to delete; 2 of 4 hosts unchanged"


def test_hub_zones_and_spoke_associations_are_counted(fleet):  # noqa: F811
    # Hub: three interface endpoints, S3, the managed group and three zones (their records are part of each create).
    # Spokes: the S3 gateway endpoint and an association with each of the hub's three zones.
    plan = run_fleet(fleet, "playbooks/deploy.yml", "--check")
    assert plan.returncode == 0, plan.stdout[-4000:]
    assert mutating(fleet["server"]) == {}
    # The spokes' associations cannot be planned before the hub's zones exist (the zones module warns): the plan
    # counts their S3 endpoints only.
    assert summary(plan) == ([
        "hub: 8 to create, 0 to modify, 0 to adopt, 0 to delete",
        "spoke-a: 1 to create, 0 to modify, 0 to adopt, 0 to delete",
        "spoke-b: 1 to create, 0 to modify, 0 to adopt, 0 to delete",
    ], "Plan: 10 to create, 0 to modify, 0 to adopt, 0 to delete; 0 of 3 hosts unchanged")

    applied = run_fleet(fleet, "playbooks/deploy.yml")
    assert applied.returncode == 0, applied.stdout[-4000:]
    assert summary(applied) == ([
        "hub: 8 to create, 0 to modify, 0 to adopt, 0 to delete",
        "spoke-a: 4 to create, 0 to modify, 0 to adopt, 0 to delete",
        "spoke-b: 4 to create, 0 to modify, 0 to adopt, 0 to delete",
    ], "Applied: 16 to create, 0 to modify, 0 to adopt, 0 to delete; 0 of 3 hosts unchanged")
    assert len(hub_zones(fleet)) == 3
    assert all(len(zone["vpcs"]) == 3 for zone in hub_zones(fleet).values())

    again = run_fleet(fleet, "playbooks/deploy.yml")
    assert summary(again) == ([], "Applied: 0 to create, 0 to modify, 0 to adopt, 0 to delete; 3 of 3 hosts unchanged")

    destroyed = run_fleet(fleet, "playbooks/destroy.yml")
    assert destroyed.returncode == 0, destroyed.stdout[-4000:]
    assert summary(destroyed) == ([
        "hub: 0 to create, 0 to modify, 0 to adopt, 8 to delete",
        "spoke-a: 0 to create, 0 to modify, 0 to adopt, 4 to delete",
        "spoke-b: 0 to create, 0 to modify, 0 to adopt, 4 to delete",
    ], "Applied: 0 to create, 0 to modify, 0 to adopt, 16 to delete; 0 of 3 hosts unchanged")
    assert hub_zones(fleet) == {}
    assert all(fleet_services(fleet, name) == [] for name in ("hub", "spoke-a", "spoke-b"))


def test_diff_of_a_policy_change_shows_the_statements_that_change(aws, private_vpc, run_endpoints):
    pull = {"Sid": "Pull", "Effect": "Allow", "Principal": "*", "Resource": "*",
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"]}
    logs = {"Sid": "Logs", "Effect": "Allow", "Principal": "*", "Action": "logs:*", "Resource": "*"}
    first = {"Version": "2012-10-17", "Statement": [pull, logs]}
    rc, result, output = run_endpoints(services=["ecr.api"], policy=first)
    assert rc == 0, output
    deny = {"Sid": "NoDelete", "Effect": "Deny", "Principal": "*", "Action": "ecr:DeleteRepository", "Resource": "*"}
    second = {"Version": "2012-10-17", "Statement": [pull, deny]}

    rc, result, output = run_endpoints(check=True, diff=True, services=["ecr.api"], policy=second)

    assert rc == 0, output
    assert result["changes"][0]["action"] == "modify"
    assert result["changes"][0]["details"]["policy"] == second
    before, after = result["diff"]["before"]["endpoints"]["ecr.api"], result["diff"]["after"]["endpoints"]["ecr.api"]
    assert before["policy"] == {"Version": "2012-10-17", "Statement": [logs], "unchanged_statements": 1}
    assert after["policy"] == {"Version": "2012-10-17", "Statement": [deny], "unchanged_statements": 1}
    assert sorted(before) == sorted(after)
    # The result's endpoints keep the whole document (as it will be), and AWS still has the first one.
    assert result["endpoints"]["ecr.api"]["policy"] == second
    [endpoint] = live_endpoints(aws.ec2, private_vpc.vpc_id)
    assert json.loads(endpoint["PolicyDocument"]) == first
