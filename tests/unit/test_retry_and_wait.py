"""botocore does the retrying; waiting is bounded and names what did not become available.

- ``botocore_config`` sets botocore's retry mode (adaptive unless AWS_RETRY_MODE says
  otherwise) and AWS_MAX_ATTEMPTS, and every client the connection makes carries it;
- no module_utils file sleeps or loops around an API call by itself;
- a wait that times out (or meets a failed endpoint) raises an error naming each endpoint
  that is not ``available`` and its state, and none that is.
"""

import os
import re

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.privatelink.ecr.plugins.module_utils._apply import PlanApplier
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    AwsConnection,
    PrivatelinkError,
    botocore_config,
)

MODULE_UTILS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                            "plugins", "module_utils")


@pytest.fixture
def no_retry_env(monkeypatch):
    for name in ("AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("env, mode, attempts", [
    ({}, "adaptive", 10),
    ({"AWS_MAX_ATTEMPTS": "4"}, "adaptive", 4),
    ({"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "2"}, "standard", 2),
    ({"AWS_RETRY_MODE": "bogus", "AWS_MAX_ATTEMPTS": "many"}, "adaptive", 10),
    ({"AWS_MAX_ATTEMPTS": "0"}, "adaptive", 1),
])
def test_botocore_retry_mode_and_attempts(no_retry_env, env, mode, attempts):
    for name, value in env.items():
        no_retry_env.setenv(name, value)
    config = botocore_config()
    # AWS_MAX_ATTEMPTS counts the first attempt, as in every AWS SDK: 1 means no retry at all.
    assert config.retries == {"mode": mode, "total_max_attempts": attempts}


def test_every_client_of_the_connection_carries_the_retry_config(no_retry_env):
    no_retry_env.setenv("AWS_MAX_ATTEMPTS", "6")
    connection = AwsConnection({"region": "eu-west-1", "access_key": "AKIDEXAMPLE", "secret_key": "x",
                                "endpoint_url": "http://127.0.0.1:9"})
    for service in ("ec2", "sts"):
        retries = connection.client(service).meta.config.retries
        assert retries == {"mode": "adaptive", "total_max_attempts": 6}
        assert "privatelink.ecr/" in connection.client(service).meta.config.user_agent_extra


def test_no_hand_written_retry_or_sleep_in_module_utils():
    offenders = []
    for name in sorted(os.listdir(MODULE_UTILS)):
        if not name.endswith(".py"):
            continue
        with open(os.path.join(MODULE_UTILS, name)) as handle:
            text = handle.read()
        if re.search(r"\bsleep\s*\(", text) or re.search(r"for\s+\w+\s+in\s+range\([^)]*\):\s*\n\s*try:", text):
            offenders.append(name)
    assert offenders == []


def test_max_attempts_counts_the_first_attempt(no_retry_env):
    """AWS_MAX_ATTEMPTS=2 means one request and one retry: three throttled answers are not all used."""
    no_retry_env.setenv("AWS_MAX_ATTEMPTS", "2")
    no_retry_env.setenv("AWS_RETRY_MODE", "standard")
    connection = AwsConnection({"region": "eu-west-1", "access_key": "AKIDEXAMPLE", "secret_key": "x",
                                "endpoint_url": "http://127.0.0.1:9"})
    client = connection.client("ec2")
    calls = []
    client.meta.events.register("before-send", lambda request, **_: calls.append(1) or _throttled())
    no_retry_env.setattr("time.sleep", lambda seconds: None)  # botocore's backoff, not ours
    with pytest.raises(Exception) as err:
        client.describe_vpcs()
    assert "RequestLimitExceeded" in str(err.value)
    assert len(calls) == 2


def _throttled():
    from botocore.awsrequest import AWSResponse

    class Raw:
        def stream(self, **_):
            yield b""

    body = (b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
            b"</Message></Error></Errors><RequestID>r</RequestID></Response>")
    response = AWSResponse("http://127.0.0.1:9", 503, {}, Raw())
    response._content = body
    return response


def stubbed_applier(wait_timeout=0):
    client = boto3.client("ec2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x",
                          endpoint_url="http://127.0.0.1:9")
    return PlanApplier(client, "vpc-0123456789abcdef0", wait_timeout=wait_timeout), Stubber(client)


def endpoints_answer(*states):
    return {"VpcEndpoints": [{"VpcEndpointId": vid, "State": state} for vid, state in states]}


def test_wait_timeout_names_each_endpoint_not_available():
    applier, stub = stubbed_applier(wait_timeout=0)  # one poll, then give up: bounded
    stub.add_response("describe_vpc_endpoints",
                      endpoints_answer(("vpce-0aaaaaaaaaaaaaaa1", "pending"), ("vpce-0bbbbbbbbbbbbbbb2", "available"),
                                       ("vpce-0ccccccccccccccc3", "pendingAcceptance")),
                      {"VpcEndpointIds": ["vpce-0aaaaaaaaaaaaaaa1", "vpce-0bbbbbbbbbbbbbbb2", "vpce-0ccccccccccccccc3"]})
    with stub, pytest.raises(PrivatelinkError) as err:
        applier.wait_available(["vpce-0ccccccccccccccc3", "vpce-0aaaaaaaaaaaaaaa1", "vpce-0bbbbbbbbbbbbbbb2"])
    message = str(err.value)
    assert "vpce-0aaaaaaaaaaaaaaa1 (pending)" in message
    assert "vpce-0ccccccccccccccc3 (pendingAcceptance)" in message
    assert "vpce-0bbbbbbbbbbbbbbb2" not in message
    assert "available" in message and "0s" in message


def test_a_failed_endpoint_stops_the_wait_at_once_and_is_named():
    applier, stub = stubbed_applier(wait_timeout=600)  # would poll for 10 minutes; "failed" ends it now
    stub.add_response("describe_vpc_endpoints", endpoints_answer(("vpce-0aaaaaaaaaaaaaaa1", "failed")),
                      {"VpcEndpointIds": ["vpce-0aaaaaaaaaaaaaaa1"]})
    with stub, pytest.raises(PrivatelinkError) as err:
        applier.wait_available(["vpce-0aaaaaaaaaaaaaaa1"])
    assert "vpce-0aaaaaaaaaaaaaaa1 (failed)" in str(err.value)
    stub.assert_no_pending_responses()


def test_wait_returns_when_every_endpoint_is_available():
    applier, stub = stubbed_applier(wait_timeout=0)
    stub.add_response("describe_vpc_endpoints", endpoints_answer(("vpce-0aaaaaaaaaaaaaaa1", "available")),
                      {"VpcEndpointIds": ["vpce-0aaaaaaaaaaaaaaa1"]})
    with stub:
        applier.wait_available(["vpce-0aaaaaaaaaaaaaaa1"])
    stub.assert_no_pending_responses()


def test_wait_error_from_aws_is_a_message_not_a_traceback():
    applier, stub = stubbed_applier(wait_timeout=0)
    stub.add_client_error("describe_vpc_endpoints", service_error_code="UnauthorizedOperation",
                          service_message="You are not authorized to perform this operation.")
    with stub, pytest.raises(PrivatelinkError) as err:
        applier.wait_available(["vpce-0aaaaaaaaaaaaaaa1"])
    assert "UnauthorizedOperation" in str(err.value)


def test_group_created_by_another_run_but_not_yet_visible_is_a_message_not_a_traceback():
    """CreateSecurityGroup says Duplicate (another run, or our lost first attempt, made it) while
    DescribeSecurityGroups, eventually consistent, does not show it yet."""
    applier, stub = stubbed_applier()
    stub.add_client_error("create_security_group", service_error_code="InvalidGroup.Duplicate",
                          service_message="The security group 'ecr-private-endpoints' already exists")
    stub.add_response("describe_security_groups", {"SecurityGroups": []})
    action = {"service": "security_group", "action": "create",
              "details": {"group_name": "ecr-private-endpoints", "description": "d", "add_cidrs": ["10.0.0.0/16"],
                          "tags": {"ManagedBy": "privatelink.ecr"}}}
    with stub, pytest.raises(PrivatelinkError) as err:
        applier.apply_group(action)
    assert "ecr-private-endpoints" in str(err.value) and "run again" in str(err.value)


def test_group_created_by_another_run_is_reused():
    applier, stub = stubbed_applier()
    stub.add_client_error("create_security_group", service_error_code="InvalidGroup.Duplicate")
    stub.add_response("describe_security_groups", {"SecurityGroups": [{"GroupId": "sg-0123456789abcdef0"}]})
    stub.add_client_error("authorize_security_group_ingress", service_error_code="InvalidPermission.Duplicate")
    action = {"service": "security_group", "action": "create",
              "details": {"group_name": "ecr-private-endpoints", "description": "d", "add_cidrs": ["10.0.0.0/16"],
                          "tags": {"ManagedBy": "privatelink.ecr"}}}
    with stub:
        assert applier.apply_group(action) == "sg-0123456789abcdef0"
    stub.assert_no_pending_responses()


def test_one_duplicate_rule_does_not_keep_the_other_sources_out():
    """AWS rejects an AuthorizeSecurityGroupIngress with several sources when one is already there
    (another run added it); the others must still be added."""
    applier, stub = stubbed_applier()
    stub.add_client_error("authorize_security_group_ingress", service_error_code="InvalidPermission.Duplicate")
    stub.add_client_error("authorize_security_group_ingress", service_error_code="InvalidPermission.Duplicate",
                          expected_params={"GroupId": "sg-0123456789abcdef0", "IpPermissions": [
                              {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [
                                  {"CidrIp": "10.20.0.0/16", "Description": "HTTPS to VPC endpoints"}]}]})
    stub.add_response("authorize_security_group_ingress", {},
                      expected_params={"GroupId": "sg-0123456789abcdef0", "IpPermissions": [
                          {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [
                              {"CidrIp": "10.30.0.0/16", "Description": "HTTPS to VPC endpoints"}]}]})
    action = {"service": "security_group", "action": "modify",
              "details": {"group_id": "sg-0123456789abcdef0", "group_name": "ecr-private-endpoints",
                          "add_cidrs": ["10.20.0.0/16", "10.30.0.0/16"]}}
    with stub:
        applier.apply_group(action)
    stub.assert_no_pending_responses()
