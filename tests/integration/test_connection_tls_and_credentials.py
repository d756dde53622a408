"""The connection options end to end: TLS verification against an HTTPS endpoint with a private CA, explicit
session credentials, a named profile, the assumed role's session name.

The HTTPS endpoint is tests/support/tls_endpoint.py: a CA and a server certificate generated for this test,
TLS terminated on 127.0.0.1 in front of the session's moto_server (AWS-semantics layer on). Every run's
result is checked against the state read back over plain HTTP.
"""

import json
import os
import urllib.request

import boto3

from tests.integration.moto_vpc import REGION, by_service, endpoint_args, read_endpoints, seed_private_vpc
from tests.support.ansible_cli import run_module
from tests.support.fault_proxy import FaultProxy
from tests.support.tls_endpoint import TlsEndpoint


def assumed_roles(url):
    """STS's record of every AssumeRole the server answered (moto's state, read back)."""
    with urllib.request.urlopen(url + "/moto-api/data.json", timeout=120) as answer:
        return json.loads(answer.read()).get("sts", {}).get("AssumedRole", [])


def _tls_env(aws, url, **extra):
    env = dict(aws.env, AWS_ENDPOINT_URL=url)
    env.pop("AWS_CA_BUNDLE", None)
    # Neither botocore nor requests may find the test CA any other way than the option under test.
    env.update({"REQUESTS_CA_BUNDLE": "", "SSL_CERT_FILE": os.devnull, "SSL_CERT_DIR": os.devnull})
    env.update(extra)
    return env


def test_aws_ca_bundle_trusts_a_private_ca_and_the_endpoints_are_created(aws, private_vpc):
    with TlsEndpoint(aws.url) as tls:
        env = _tls_env(aws, tls.url)
        args = endpoint_args(private_vpc, endpoint_url=tls.url, aws_ca_bundle=tls.ca_path)
        rc, result, out = run_module("ecr_private_endpoints", args, env)
        assert rc == 0, out
        assert result["changed"] is True
        # Read back over plain HTTP, not through the module: the endpoints exist in AWS.
        found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
        assert set(found) == {"ecr.api", "ecr.dkr", "s3", "logs"}
        assert {e[0]["VpcEndpointId"] for e in found.values()} == {
            e["vpc_endpoint_id"] for e in result["endpoints"].values()}
        rc, again, out = run_module("ecr_private_endpoints", args, env)
        assert rc == 0 and again["changed"] is False, out
        assert tls.handshake_failures == 0


def test_validate_certs_false_reaches_the_endpoint_without_the_ca(aws, private_vpc):
    with TlsEndpoint(aws.url) as tls:
        env = _tls_env(aws, tls.url)
        rc, result, out = run_module("vpc_private_subnets_info",
                                     {"vpc_id": private_vpc.vpc_id, "validate_certs": False}, env)
        assert rc == 0, out
        subnets = aws.ec2.describe_subnets(SubnetIds=list(private_vpc.private_subnet_ids))["Subnets"]
        assert sorted(result["subnet_ids"]) == sorted(s["SubnetId"] for s in subnets)
        # aws_ca_bundle is ignored when validate_certs is false (the connection fragment's documentation):
        # a bundle that cannot verify anything does not matter.
        rc, result, out = run_module("vpc_private_subnets_info",
                                     {"vpc_id": private_vpc.vpc_id, "validate_certs": False,
                                      "aws_ca_bundle": os.devnull}, env)
        assert rc == 0, out


def test_default_validation_without_the_ca_fails_cleanly_and_changes_nothing(aws, private_vpc):
    with TlsEndpoint(aws.url) as tls:
        env = _tls_env(aws, tls.url)
        rc, result, out = run_module("ecr_private_endpoints", endpoint_args(private_vpc), env)
        assert rc != 0
        assert "FAILED!" in out and result is not None, out
        # botocore's own words, behind the action that failed: the user sees what to fix (the CA).
        assert result["msg"].startswith("Failed to describe VPC %s: SSLError: " % private_vpc.vpc_id), result["msg"]
        assert "CERTIFICATE_VERIFY_FAILED" in result["msg"], result["msg"]
        assert "Traceback" not in out and "exception" not in result, out
        assert tls.handshake_failures >= 1
        assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []
        assert aws.server.mutating_requests() == {}


# --------------------------------------------------------------------------- credentials given as options

TARGET_ROLE = "arn:aws:iam::444455556666:role/privatelink-ecr-automation"


class RecordingProxy(FaultProxy):
    """The fault proxy with no fault: it records the session token each request was signed with."""

    def __init__(self, target_url):
        super().__init__(target_url)
        self.tokens = []

    def forward(self, method, path, headers, body):
        self.tokens.append(headers.get("X-Amz-Security-Token"))
        return super().forward(method, path, headers, body)


def assume(url, role, session):
    sts = boto3.client("sts", endpoint_url=url, region_name=REGION, aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    return sts.assume_role(RoleArn=role, RoleSessionName=session)["Credentials"]


def target_vpc(url, creds):
    """A private VPC in the target account, seeded with its temporary credentials."""
    ec2 = boto3.client("ec2", endpoint_url=url, region_name=REGION, aws_access_key_id=creds["AccessKeyId"],
                       aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
    return ec2, seed_private_vpc(ec2, name="target")


def test_session_token_signs_every_request_and_the_keys_act_in_their_account(aws):
    creds = assume(aws.url, TARGET_ROLE, "seed")
    ec2, vpc = target_vpc(aws.url, creds)
    with RecordingProxy(aws.url) as proxy:
        args = endpoint_args(vpc, services=["ecr.api"], endpoint_url=proxy.url, access_key=creds["AccessKeyId"],
                             secret_key=creds["SecretAccessKey"], session_token=creds["SessionToken"])
        rc, result, out = run_module("ecr_private_endpoints", args, aws.env)
        assert rc == 0 and result["changed"], out
        assert proxy.tokens and set(proxy.tokens) == {creds["SessionToken"]}, set(proxy.tokens)
    # The VPC exists only in account 444455556666: the endpoint is there, read back with that account's keys.
    assert list(by_service(read_endpoints(ec2, vpc.vpc_id))) == ["ecr.api"]
    assert vpc.vpc_id not in [v["VpcId"] for v in aws.ec2.describe_vpcs()["Vpcs"]]


def test_a_named_profile_wins_over_the_environment_keys_and_role_session_name_reaches_sts(aws, tmp_path):
    creds = assume(aws.url, TARGET_ROLE, "seed")
    ec2, vpc = target_vpc(aws.url, creds)
    (tmp_path / "credentials").write_text(
        "[target]\naws_access_key_id = %s\naws_secret_access_key = %s\naws_session_token = %s\n"
        % (creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]))
    (tmp_path / "config").write_text("")
    # The environment keeps moto's default keys (another account): the profile must win over them.
    env = dict(aws.env, AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
               AWS_CONFIG_FILE=str(tmp_path / "config"))
    rc, result, out = run_module("vpc_private_subnets_info", {"vpc_id": vpc.vpc_id, "profile": "target"}, env)
    assert rc == 0, out
    assert sorted(result["subnet_ids"]) == sorted(vpc.private_subnet_ids)
    assert result["account_id"] == "444455556666"
    # The profile's credentials with a role on top, under the given session name: STS records the session.
    other_role = "arn:aws:iam::777788889999:role/privatelink-ecr-automation"
    rc, result, out = run_module("vpc_private_subnets_info", {
        "vpc_id": vpc.vpc_id, "profile": "target", "role_arn": other_role, "role_session_name": "ci-run-1842"}, env)
    # The VPC is not in 777788889999: the failure names that account, so the role was assumed.
    assert rc != 0 and "777788889999" in result["msg"], out
    sessions = [(r["role_arn"], r["session_name"]) for r in assumed_roles(aws.url)]
    assert (other_role, "ci-run-1842") in sessions, sessions
