"""The module converges through throttling, 503s and lost answers, and never duplicates.

Every run goes through the fault proxy (tests/support/fault_proxy.py); the outcome is read
back from moto directly. botocore's own retries (adaptive mode, AWS_MAX_ATTEMPTS=10) do the
retrying; the module has no loop of its own.
"""

import pytest

from tests.integration.moto_vpc import endpoint_args
from tests.integration.reliability.conftest import FARGATE, assert_converged
from tests.support.ansible_cli import run_module

FAULT_MIXES = {
    "throttle-30": dict(throttle=0.30),
    "unavailable-25": dict(unavailable=0.25),
    "lost-answers-25": dict(drop=0.25),
    "mixed": dict(throttle=0.10, unavailable=0.10, drop=0.10),
}


@pytest.mark.parametrize("mix", sorted(FAULT_MIXES))
def test_converges_at_fault_rate_and_second_run_is_clean(mix, aws, private_vpc, proxy, proxied_env):
    proxy.configure(seed=7, **FAULT_MIXES[mix])
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), proxied_env)
    assert rc == 0, output
    assert result["changed"] is True
    assert sorted(result["endpoints"]) == sorted(FARGATE)
    assert proxy.faults_injected() > 0, "the proxy injected no fault: the test proved nothing"
    found, group = assert_converged(aws.ec2, private_vpc)
    assert result["security_group_id"] == group["GroupId"]
    assert {s: e["vpc_endpoint_id"] for s, e in result["endpoints"].items()} == \
        {s: found[s][0]["VpcEndpointId"] for s in FARGATE}

    # Second run, faults still on: nothing to do, and nothing that mutates reaches AWS.
    aws.server.clear_requests()
    rc, again, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), proxied_env)
    assert rc == 0, output
    assert again["changed"] is False and again["changes"] == []
    assert aws.server.mutating_requests() == {}
    assert_converged(aws.ec2, private_vpc)
