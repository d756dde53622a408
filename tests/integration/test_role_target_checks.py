"""The role's checks of what the inventory says about a target, through privatelink.ecr.deploy.

Each host below is wrong in one way (or, for the last hub, two), and each must fail with its own
message before any AWS request; a well-formed host of the same run still converges. The checks are
one task of the role, so a local VPC pays for one skipped task, not one per check.
"""

import json
import os
import subprocess

import pytest

from tests.support.ansible_cli import BIN, ROOT, aws_env, recap
from tests.support.moto_server import MotoServer
from tests.support.seed import client, live_endpoints, seed_private_vpc

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing answers there


@pytest.fixture(scope="module")
def moto():
    with MotoServer() as running:
        yield running


def test_each_wrong_target_fails_with_its_own_message_and_no_request(moto, tmp_path):
    ec2 = client("ec2", moto.url, REGION)
    good = seed_private_vpc(ec2, "good")
    hosts = {
        "good": {"vpc_id": good["vpc_id"]},
        "unnamed": {},
        "region-host": {"vpc_ids": ["vpc-0aaa", "vpc-0bbb"]},
        "spoke-without-hub": {"vpc_id": "vpc-0c01", "ecr_endpoints_mode": "spoke"},
        "spoke-of-ghost": {"vpc_id": "vpc-0c02", "ecr_endpoints_mode": "spoke", "ecr_hub": "ghost"},
        "spoke-of-local": {"vpc_id": "vpc-0c03", "ecr_endpoints_mode": "spoke", "ecr_hub": "good"},
        "far-hub": {"vpc_id": "vpc-0d01", "ecr_endpoints_mode": "hub", "aws_region": "us-east-1",
                    "vpc_cidrs": ["10.9.0.0/16"]},
        "spoke-of-far-hub": {"vpc_id": "vpc-0c04", "ecr_endpoints_mode": "spoke", "ecr_hub": "far-hub"},
        # A hub whose spoke has no vpc_cidrs and is in another region (two problems): deploy reads the CIDR
        # blocks of the spokes of a hub of their region only, so the hub still lacks them.
        "blind-hub": {"vpc_id": "vpc-0d02", "ecr_endpoints_mode": "hub", "ecr_hub": "", "aws_region": "us-east-2",
                      "vpc_cidrs": ["10.8.0.0/16"]},
        "spoke-of-blind-hub": {"vpc_id": "vpc-0c05", "ecr_endpoints_mode": "spoke", "ecr_hub": "blind-hub"},
    }
    for name, host in hosts.items():
        if name != "good":
            # Were a module to run for a wrong host, its call would go nowhere and say so in the output.
            host["aws_endpoint_url"] = NOWHERE
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                 "aws_region": REGION, "aws_endpoint_url": moto.url},
        "hosts": hosts}}))
    moto.clear_requests()

    result = subprocess.run([os.path.join(BIN, "ansible-playbook"), "playbooks/deploy.yml", "-i", str(inventory),
                             "--forks", "4"], env=aws_env(moto.url, REGION), cwd=ROOT, capture_output=True,
                            text=True, timeout=600, check=False)
    output = result.stdout + result.stderr

    assert result.returncode == 2, output
    runs = recap(result.stdout)
    assert runs["good"]["failed"] == 0 and runs["good"]["changed"] == 1, output
    # A local VPC (the role's local entry point, no zones tasks): the argument check, one skipped target check,
    # the endpoints; and, run once for the whole run on the first host (here the only one left at the end), the
    # two controller-side checks of the pull-through cache play (no host has rules: no request) and the fleet
    # summary.
    assert runs["good"] == {"ok": 5, "changed": 1, "failed": 0, "skipped": 1}, output
    wrong = sorted(name for name in hosts if name != "good")
    assert sorted(name for name, run in runs.items() if run["failed"]) == wrong, output
    expected = {
        "unnamed": "unnamed: set vpc_endpoints_vpc_id or vpc_endpoints_vpc_name (or the host variables vpc_id or "
                   "vpc_name) to say which VPC to converge",
        "region-host": "region-host: is an account-region host (vpc_ids: vpc-0aaa, vpc-0bbb), which only the audit "
                       "takes; deploy converges one VPC per host: use host_per: vpc in the aws_vpcs inventory source",
        "spoke-without-hub": "spoke-without-hub is a spoke (ecr_endpoints_mode: spoke): set ecr_hub to the inventory "
                             "hostname of its hub",
        "spoke-of-ghost": "spoke-of-ghost is a spoke (ecr_endpoints_mode: spoke): ecr_hub ghost names no host of the "
                          "inventory",
        "spoke-of-local": "spoke-of-local is a spoke (ecr_endpoints_mode: spoke): ecr_hub good is not a hub (its "
                          "ecr_endpoints_mode is local)",
        "spoke-of-far-hub": "spoke-of-far-hub is a spoke (ecr_endpoints_mode: spoke): ecr_hub far-hub is in region "
                            "us-east-1, not eu-west-1: a hub serves the spokes of its own region",
        "blind-hub": "blind-hub is a hub: its endpoints' security group admits its own and its spokes' CIDR blocks, "
                     "from the host variable vpc_cidrs, or read by privatelink.ecr.deploy with each spoke's own "
                     "connection when the spoke is in the run; spoke-of-blind-hub lacks them: include it in the run, "
                     "set vpc_cidrs there, or set vpc_endpoints_allowed_cidrs on the hub",
    }
    flat = " ".join(output.split())
    for host, message in expected.items():
        assert message in flat, (host, output)
    # The spoke of a hub in another region fails in the spokes' play: its hub did converge nothing either.
    assert "spoke-of-blind-hub is a spoke (ecr_endpoints_mode: spoke): ecr_hub blind-hub is in region us-east-2" \
        in flat
    assert "Traceback" not in output
    # The run's summary counts every host: the wrong ones as failed, never as unchanged.
    assert "Applied: 5 to create, 0 to modify, 0 to adopt, 0 to delete; 0 of 10 hosts unchanged" in output
    assert "unnamed: failed; 0 to create" in output
    # No module ran for a wrong host (its endpoint is nowhere); the good one converged alone.
    assert NOWHERE not in output and "Could not connect" not in output
    assert moto.mutating_requests()["ec2.CreateVpcEndpoint"] == 4
    prefix = "com.amazonaws.%s." % REGION
    assert sorted(e["ServiceName"][len(prefix):] for e in live_endpoints(ec2, good["vpc_id"])) == [
        "ecr.api", "ecr.dkr", "logs", "s3"]


LOCAL_ENTRY_PLAY = """
- name: Converge the VPCs that have their own endpoints, through the role's local entry point
  hosts: all
  connection: local
  gather_facts: false
  tasks:
    - name: Converge the VPC's endpoints
      ansible.builtin.import_role:
        name: privatelink.ecr.vpc_endpoints
        tasks_from: local
"""


def test_the_local_entry_point_converges_a_local_vpc_and_refuses_a_hub_or_a_spoke(moto, tmp_path):
    ec2 = client("ec2", moto.url, REGION)
    local = seed_private_vpc(ec2, "entry-local", zones=2)
    hosts = {
        "local": {"vpc_id": local["vpc_id"]},
        # Without their zones tasks a hub would lose its zones and a spoke its association: refused, no request.
        "hub": {"vpc_id": "vpc-0e01", "ecr_endpoints_mode": "hub", "vpc_cidrs": ["10.7.0.0/16"],
                "aws_endpoint_url": NOWHERE},
        "spoke": {"vpc_id": "vpc-0e02", "ecr_endpoints_mode": "spoke", "ecr_hub": "hub", "aws_endpoint_url": NOWHERE},
    }
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}", "aws_region": REGION,
                 "aws_endpoint_url": moto.url},
        "hosts": hosts}}))
    playbook = tmp_path / "local_entry.yml"
    playbook.write_text(LOCAL_ENTRY_PLAY)
    moto.clear_requests()

    result = subprocess.run([os.path.join(BIN, "ansible-playbook"), str(playbook), "-i", str(inventory)],
                            env=aws_env(moto.url, REGION), cwd=ROOT, capture_output=True, text=True, timeout=600,
                            check=False)
    output = result.stdout + result.stderr
    flat = " ".join(output.split())

    runs = recap(result.stdout)
    # The argument check, the skipped target check, the endpoints: no zones task to skip.
    assert runs["local"] == {"ok": 2, "changed": 1, "failed": 0, "skipped": 1}, output
    assert runs["hub"]["failed"] == 1 and runs["spoke"]["failed"] == 1, output
    for name, mode in (("hub", "hub"), ("spoke", "spoke")):
        assert ("%s is a %s (vpc_endpoints_mode): the role's local entry point (tasks_from: local) converges only "
                "a VPC with its own endpoints; use the main entry point" % (name, mode)) in flat, output
    assert NOWHERE not in output and "Traceback" not in output
    prefix = "com.amazonaws.%s." % REGION
    assert sorted(e["ServiceName"][len(prefix):] for e in live_endpoints(ec2, local["vpc_id"])) == [
        "ecr.api", "ecr.dkr", "logs", "s3"]
