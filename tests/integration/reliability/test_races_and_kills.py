"""Races and interruption: concurrent runs on one VPC, and a run SIGKILLed mid-apply.

Both go through the fault proxy without faults, because it honours ClientToken like AWS
(moto does not: on moto itself two racing creates make two endpoints).
"""

import time

import pytest

from tests.integration.moto_vpc import by_service, read_endpoints
from tests.integration.reliability.conftest import (
    all_groups,
    assert_converged,
    group_alive,
    kill_group,
    managed_groups,
    playbook_vars,
    start_playbook,
)

RUN_TIMEOUT = 300
HOLD_WAIT = 120


def test_three_concurrent_playbooks_make_one_endpoint_per_service(aws, private_vpc, proxy, proxied_env, tmp_path):
    runs = [start_playbook(proxied_env, playbook_vars(private_vpc), str(tmp_path / ("run%d.log" % i)))
            for i in range(3)]
    codes = [run.wait(timeout=RUN_TIMEOUT) for run in runs]
    logs = [(tmp_path / ("run%d.log" % i)).read_text() for i in range(3)]
    assert codes == [0, 0, 0], "\n\n".join(logs)
    assert_converged(aws.ec2, private_vpc)
    assert len(all_groups(aws.ec2, private_vpc.vpc_id)) == 2  # the default group and ours, nothing else


def _kill_at(proxy, env, extra_vars, action, nth, log_path):
    """Start a run, SIGKILL it (every process of it) while AWS holds the answer to ``action``."""
    held = proxy.hold(action, nth)
    run = start_playbook(env, extra_vars, log_path)
    try:
        if not held.wait(HOLD_WAIT):
            pytest.fail("the run never reached %s #%d:\n%s" % (action, nth, open(log_path).read()))
    finally:
        kill_group(run)
        proxy.release()
    deadline = time.monotonic() + 30
    while group_alive(run.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not group_alive(run.pid), "a process of the killed run survived"
    assert run.returncode == -9


@pytest.mark.parametrize("action, nth", [("CreateSecurityGroup", 1), ("CreateVpcEndpoint", 2)])
def test_run_killed_mid_apply_is_finished_by_the_next(aws, private_vpc, proxy, proxied_env, tmp_path, action, nth):
    _kill_at(proxy, proxied_env, playbook_vars(private_vpc), action, nth, str(tmp_path / "killed.log"))
    before = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    # The held request did execute at AWS: the nth endpoint exists, its answer was lost with the run.
    assert sum(len(v) for v in before.values()) == (nth if action == "CreateVpcEndpoint" else 0)
    assert len(managed_groups(aws.ec2, private_vpc.vpc_id)) == 1  # it was made before the kill

    run = start_playbook(proxied_env, playbook_vars(private_vpc), str(tmp_path / "next.log"))
    assert run.wait(timeout=RUN_TIMEOUT) == 0, (tmp_path / "next.log").read_text()
    found = assert_converged(aws.ec2, private_vpc)[0]
    for service, endpoints in before.items():  # what the killed run made was kept, not doubled
        assert found[service][0]["VpcEndpointId"] == endpoints[0]["VpcEndpointId"]
    assert len(all_groups(aws.ec2, private_vpc.vpc_id)) == 2


def test_destroy_killed_between_endpoints_and_group_leaves_no_orphan_group(
        aws, private_vpc, proxy, proxied_env, tmp_path):
    run = start_playbook(proxied_env, playbook_vars(private_vpc), str(tmp_path / "deploy.log"))
    assert run.wait(timeout=RUN_TIMEOUT) == 0, (tmp_path / "deploy.log").read_text()
    absent = playbook_vars(private_vpc, endpoints_state="absent")
    _kill_at(proxy, proxied_env, absent, "DeleteVpcEndpoints", 1, str(tmp_path / "killed.log"))
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []
    assert len(managed_groups(aws.ec2, private_vpc.vpc_id)) == 1  # the kill came before the group's turn

    run = start_playbook(proxied_env, absent, str(tmp_path / "next.log"))
    assert run.wait(timeout=RUN_TIMEOUT) == 0, (tmp_path / "next.log").read_text()
    assert managed_groups(aws.ec2, private_vpc.vpc_id) == []
    assert len(all_groups(aws.ec2, private_vpc.vpc_id)) == 1  # only the VPC's default group is left
