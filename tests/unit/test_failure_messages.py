"""One mapper of AWS errors (aws_error) and one way to fail a module (fail_module): AWS's answer is kept,
the message names the account and region, and naming the account never costs the happy path a request."""

import os
import re
import time

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, WaiterError
from moto import mock_aws

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    AwsConnection,
    PrivatelinkError,
    aws_error,
    fail_module,
    located,
    located_error,
    located_in,
    translated,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._ec2_reader import Ec2Reader

BASE = dict(region="eu-west-1", access_key="testing", secret_key="testing", session_token=None, profile=None,
            endpoint_url=None, validate_certs=True, role_arn=None, role_session_name="privatelink-ecr",
            external_id=None, aws_ca_bundle=None, aws_config=None)


def client_error(code, message="m", request_id="req-1", status=400, operation="DescribeVpcs"):
    return ClientError({"Error": {"Code": code, "Message": message},
                        "ResponseMetadata": {"RequestId": request_id, "HTTPStatusCode": status}}, operation)


class Failed(Exception):
    pass


class FakeModule:
    def __init__(self):
        self.failed = None

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise Failed()


def test_aws_error_keeps_aws_answer_with_our_message_or_botocore_s():
    exc = aws_error(client_error("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist"), "describe VPC vpc-1",
                    message="vpc_id vpc-1: no such VPC in this account and region")
    assert str(exc) == "vpc_id vpc-1: no such VPC in this account and region"
    assert exc.details["error"] == {"code": "InvalidVpcID.NotFound", "message": "The vpc ID 'vpc-1' does not exist"}
    assert exc.details["response_metadata"] == {"request_id": "req-1", "http_status_code": 400}
    plain = aws_error(client_error("UnauthorizedOperation"), "describe the VPCs")
    assert str(plain).startswith("Failed to describe the VPCs: UnauthorizedOperation: m; the credentials lack")
    network = aws_error(EndpointConnectionError(endpoint_url="https://ec2.eu-west-1.amazonaws.com"), "describe")
    assert "cannot reach" in str(network) and "error" not in network.details


def test_a_waiter_that_stopped_on_an_aws_error_keeps_it():
    last = {"Error": {"Code": "InvalidVpcEndpointId.NotFound", "Message": "gone"},
            "ResponseMetadata": {"RequestId": "req-w", "HTTPStatusCode": 400}}
    exc = aws_error(WaiterError("VpcEndpointAvailable", "Waiter encountered a terminal failure state", last),
                    "wait", message="Timed out")
    assert exc.details["error"]["code"] == "InvalidVpcEndpointId.NotFound"
    assert exc.details["response_metadata"]["request_id"] == "req-w"
    timed_out = aws_error(WaiterError("VpcEndpointAvailable", "Max attempts exceeded", {"VpcEndpoints": []}), "wait")
    assert "error" not in timed_out.details


def test_the_translated_decorator_goes_through_the_same_mapper():
    @translated("describe the VPCs")
    def read():
        raise client_error("RequestLimitExceeded", request_id="req-t")

    with pytest.raises(PrivatelinkError) as err:
        read()
    assert err.value.details["response_metadata"]["request_id"] == "req-t"
    assert "lower forks" in str(err.value)


@pytest.mark.parametrize("message, expected", [
    ("vpc_id vpc-1: no such VPC in this account and region",
     "vpc_id vpc-1: no such VPC in account 111122223333, region eu-west-1"),
    ("Failed to describe the VPCs: UnauthorizedOperation: m",
     "Failed to describe the VPCs: UnauthorizedOperation: m (account 111122223333, region eu-west-1)"),
])
def test_located_names_the_account_and_region(message, expected):
    assert located(message, located_in("111122223333", "eu-west-1")) == expected


def test_located_without_a_place_and_with_an_unknown_account():
    assert located("bad input", None) == "bad input"
    assert located_in(None, "eu-west-1") == "account (not known), region eu-west-1"


def test_fail_module_returns_aws_answer_and_the_place():
    connection = AwsConnection(BASE)
    connection.account_id = "111122223333"  # known (a role, or read already): no request
    module = FakeModule()
    exc = aws_error(client_error("InvalidVpcID.NotFound"), "describe", message="vpc_id vpc-1: no such VPC in "
                    "this account and region")
    with pytest.raises(Failed):
        fail_module(module, exc, connection)
    assert module.failed["msg"] == "vpc_id vpc-1: no such VPC in account 111122223333, region eu-west-1"
    assert module.failed["error"]["code"] == "InvalidVpcID.NotFound"
    assert module.failed["response_metadata"]["request_id"] == "req-1"
    assert module.failed["boto3_version"] and module.failed["botocore_version"]


def test_input_errors_before_any_connection_are_reported_as_they_are():
    module = FakeModule()
    with pytest.raises(Failed):
        fail_module(module, ValueError("wait_timeout must be zero or more seconds"))
    assert module.failed["msg"] == "wait_timeout must be zero or more seconds"
    assert "error" not in module.failed


def test_the_account_is_asked_once_on_the_failure_path_only(monkeypatch):
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(key, raising=False)
    with mock_aws():
        connection = AwsConnection(BASE)
        assert connection.account_id is None  # building the connection asked nothing
        assert connection.account_for_message() == "123456789012"  # moto's account
        assert connection.account_id == "123456789012"  # kept: asked once


def test_rejected_credentials_are_not_sent_to_sts_again():
    connection = AwsConnection(dict(BASE, endpoint_url="http://127.0.0.1:9"))

    def refuse():
        raise AssertionError("sts:GetCallerIdentity asked with credentials AWS rejected")

    connection.account_for_message = refuse
    module = FakeModule()
    with pytest.raises(Failed):
        fail_module(module, aws_error(client_error("AuthFailure"), "describe the VPCs"), connection)
    assert "account (not known), region eu-west-1" in module.failed["msg"]


def test_the_failure_path_lookup_is_bounded_and_never_raises():
    # Nothing listens on port 9: one refused attempt, no retries, no exception.
    connection = AwsConnection(dict(BASE, endpoint_url="http://127.0.0.1:9"))
    started = time.monotonic()
    assert connection.account_for_message() is None
    assert time.monotonic() - started < 20


def test_unknown_vpc_ids_of_a_filter_get_aws_own_answer(monkeypatch):
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    with mock_aws():
        connection = AwsConnection(BASE)
        exc = Ec2Reader(connection.client("ec2")).unknown_vpcs("vpc_ids", ["vpc-0123456789abcdef0"])
    assert str(exc) == "vpc_ids vpc-0123456789abcdef0: no such VPC in this account and region"
    assert exc.details["error"]["code"] == "InvalidVpcID.NotFound"
    assert exc.details["response_metadata"]["request_id"]


def test_an_error_of_another_account_keeps_that_account():
    """A hub's error names the hub's account (located_error), and fail_module does not rename it."""
    hub = AwsConnection(BASE)
    hub.account_id = "222233334444"
    mine = AwsConnection(BASE)
    mine.account_id = "111122223333"
    exc = located_error(PrivatelinkError("hub: vpc_id vpc-9: no such VPC in this account and region",
                                         **aws_error(client_error("InvalidVpcID.NotFound"), "d").details), hub)
    module = FakeModule()
    with pytest.raises(Failed):
        fail_module(module, exc, mine)
    assert module.failed["msg"] == "hub: vpc_id vpc-9: no such VPC in account 222233334444, region eu-west-1"
    assert module.failed["error"]["code"] == "InvalidVpcID.NotFound" and "located" not in module.failed


def test_a_role_that_cannot_be_assumed_names_its_account(monkeypatch):
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)

    def refuse(self, params):
        denied = client_error("AccessDenied", "not authorized to perform sts:AssumeRole", operation="AssumeRole")
        raise aws_error(denied, "assume the role")

    monkeypatch.setattr(AwsConnection, "_assume_role", refuse)
    with pytest.raises(PrivatelinkError) as err:
        AwsConnection(dict(BASE, role_arn="arn:aws:iam::444455556666:role/hub"))
    assert str(err.value).startswith("Failed to assume the role: AccessDenied: not authorized")
    assert str(err.value).endswith("(account 444455556666, region eu-west-1)")
    module = FakeModule()
    mine = AwsConnection(BASE)
    mine.account_id = "111122223333"
    with pytest.raises(Failed):
        fail_module(module, err.value, mine)  # e.g. a hub's role, failing inside the module's try
    assert "444455556666" in module.failed["msg"] and "111122223333" not in module.failed["msg"]
    assert module.failed["error"]["code"] == "AccessDenied"


# ---------------------------------------------------------------- every module, every mapper

PLUGINS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "plugins")


def _sources(folder):
    path = os.path.join(PLUGINS, folder)
    return dict((name, open(os.path.join(path, name), encoding="utf-8").read())
                for name in sorted(os.listdir(path)) if name.endswith(".py") and name != "__init__.py")


def test_every_module_that_calls_aws_fails_through_fail_module():
    """After the connection is made, a module's failure goes through fail_module (the account and region in
    the message, AWS's answer in the result): a bare fail_json after connection_from_module would lose both.
    The modules make the connection in the one frame of _runner (with_connection, run_module)."""
    modules = [(name, text) for name, text in _sources("modules").items()
               if "with_connection(" in text or "run_module(" in text]
    assert len(modules) >= 4
    for name, text in modules:
        assert "connection_from_module(" not in text, "%s: connect through with_connection or run_module" % name
    for name, text in [("_runner.py", _sources("module_utils")["_runner.py"])]:
        after = text.split("connection_from_module(module)", 1)[1]
        assert "fail_module(module, exc, connection" in after, name
        assert not re.search(r"module\.fail_json\(msg=str\(exc\)", after), \
            "%s: fail_module(module, exc, connection) instead of fail_json after the connection" % name


def test_one_mapper_turns_botocore_errors_into_user_errors():
    """aws_error is the mapper; a hand-made PrivatelinkError(describe_exception(...)) can forget AWS's answer."""
    for name, text in _sources("module_utils").items():
        if name == "_aws_connection.py":
            continue
        assert "PrivatelinkError(describe_exception(" not in text, "%s: use aws_error(exc, action)" % name
        assert "aws_error_details(exc)" not in text, "%s: use aws_error(exc, action, message=...)" % name
