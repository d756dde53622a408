"""The connection options end to end: TLS verification against an HTTPS endpoint with a private CA, explicit
session credentials, a named profile, the assumed role's session name.

The HTTPS endpoint is tests/support/tls_endpoint.py: a CA and a server certificate generated for this test,
TLS terminated on 127.0.0.1 in front of the session's moto_server (AWS-semantics layer on). Every run's
result is checked against the state read back over plain HTTP.
"""

import os

from tests.integration.moto_vpc import by_service, endpoint_args, read_endpoints
from tests.support.ansible_cli import run_module
from tests.support.tls_endpoint import TlsEndpoint


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
