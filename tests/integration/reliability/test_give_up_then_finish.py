"""When AWS keeps failing past botocore's retries, the run fails with a clear message and the
next run finishes the job without duplicating what the failed run did create."""

from tests.integration.moto_vpc import by_service, endpoint_args, read_endpoints
from tests.integration.reliability.conftest import FARGATE, assert_converged, managed_groups
from tests.support.ansible_cli import run_module


def test_throttled_past_retries_fails_clearly_and_next_run_finishes(aws, private_vpc, proxy, proxied_env):
    proxy.configure(throttle=1.0, actions={"CreateVpcEndpoint"})
    env = dict(proxied_env, AWS_MAX_ATTEMPTS="2")
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), env)
    assert rc != 0, output
    message = result["msg"]
    assert "Failed to create a VPC endpoint: RequestLimitExceeded" in message, message
    assert "AWS_MAX_ATTEMPTS" in message, message  # what the person can do about it
    assert "Traceback" not in output
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []  # throttled requests never executed
    group_before = [g["GroupId"] for g in managed_groups(aws.ec2, private_vpc.vpc_id)]
    assert len(group_before) == 1  # the group came first in the plan and was created

    proxy.configure()
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), proxied_env)
    assert rc == 0, output
    group = assert_converged(aws.ec2, private_vpc)[1]
    assert [group["GroupId"]] == group_before  # the failed run's group was reused, not doubled


def test_lost_answers_past_retries_fail_clearly_and_next_run_adopts_what_was_made(
        aws, private_vpc, proxy, proxied_env):
    # Every CreateVpcEndpoint executes at moto, but its answer never comes back.
    proxy.configure(drop=1.0, actions={"CreateVpcEndpoint"})
    env = dict(proxied_env, AWS_MAX_ATTEMPTS="3")
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), env)
    assert rc != 0, output
    assert "Failed to create a VPC endpoint" in result["msg"], result["msg"]
    assert "Connection was closed" in result["msg"], result["msg"]
    made = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    # The retries carried the same ClientToken, so the executed create made exactly one endpoint.
    assert len(made) == 1 and all(len(v) == 1 for v in made.values()), made
    assert proxy.counts["token_replays"] >= 1
    (service, [endpoint]), = made.items()

    proxy.configure()
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), proxied_env)
    assert rc == 0, output
    found = assert_converged(aws.ec2, private_vpc)[0]
    assert found[service][0]["VpcEndpointId"] == endpoint["VpcEndpointId"]
    assert sorted(result["endpoints"]) == sorted(FARGATE)
