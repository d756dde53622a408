"""Connection options that reach botocore: aws_ca_bundle (TLS-inspecting proxies) and aws_config."""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    AwsConnection,
    PrivatelinkError,
    failure_fields,
)

BASE = dict(region="eu-west-1", access_key="testing", secret_key="testing", session_token=None, profile=None,
            endpoint_url="http://127.0.0.1:9", validate_certs=True, role_arn=None,
            role_session_name="privatelink-ecr", external_id=None, aws_ca_bundle=None, aws_config=None)


def test_a_ca_bundle_is_what_botocore_verifies_against(tmp_path):
    bundle = tmp_path / "corporate-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    connection = AwsConnection(dict(BASE, aws_ca_bundle=str(bundle)))
    assert connection.verify == str(bundle)
    assert connection.client("ec2")._endpoint.http_session._verify == str(bundle)


def test_validate_certs_false_wins_over_a_ca_bundle():
    assert AwsConnection(dict(BASE, aws_ca_bundle="/nonexistent.pem", validate_certs=False)).verify is False
    assert AwsConnection(BASE).verify is True


def test_aws_config_settings_win_over_the_collection_s_and_keep_the_rest():
    connection = AwsConnection(dict(BASE, aws_config={"connect_timeout": 3, "proxies": {"https": "http://p:3128"}}))
    config = connection.client("ec2").meta.config
    assert config.connect_timeout == 3 and config.proxies == {"https": "http://p:3128"}
    assert config.read_timeout == 60 and config.retries["mode"] in ("adaptive", "standard", "legacy")


def test_an_unknown_aws_config_setting_is_named():
    with pytest.raises(PrivatelinkError) as err:
        AwsConnection(dict(BASE, aws_config={"conect_timeout": 3}))
    assert "aws_config" in str(err.value) and "conect_timeout" in str(err.value)


def test_failure_fields_carry_versions_and_only_what_happened():
    plain = failure_fields(ValueError("bad input"))
    assert set(plain) == {"boto3_version", "botocore_version"}
    applied = failure_fields(PrivatelinkError("quota", changes=[{"service": "logs", "action": "create"}],
                                              error={"code": "VpcEndpointLimitExceeded", "message": "m"},
                                              response_metadata={"request_id": "r", "http_status_code": 400}))
    assert applied["changed"] is True and applied["changes"][0]["service"] == "logs"
    assert applied["error"]["code"] == "VpcEndpointLimitExceeded" and applied["response_metadata"]["request_id"] == "r"


def test_an_assumed_role_names_its_account_so_the_audit_asks_no_caller_identity(monkeypatch):
    from botocore.stub import Stubber

    from ansible_collections.privatelink.ecr.plugins.module_utils._audit_reader import AuditReader

    made = []
    original = AwsConnection._make_client

    def stubbed(self, service, credentials=None):
        client = original(self, service, credentials)
        stubber = Stubber(client)
        if service == "sts" and not credentials:
            expiry = "2030-01-01T00:00:00Z"
            stubber.add_response("assume_role", {
                "Credentials": {"AccessKeyId": "ASIAEXAMPLEEXAMPLE01", "SecretAccessKey": "s" * 40,
                                "SessionToken": "token", "Expiration": expiry},
                "AssumedRoleUser": {"Arn": "arn:aws-cn:sts::210987654321:assumed-role/audit/privatelink-ecr",
                                    "AssumedRoleId": "AROAEXAMPLE:privatelink-ecr"}})
        stubber.activate()  # any other call, GetCallerIdentity included, fails the test
        made.append(service)
        return client

    monkeypatch.setattr(AwsConnection, "_make_client", stubbed)
    connection = AwsConnection(dict(BASE, role_arn="arn:aws-cn:iam::210987654321:role/audit"))
    assert connection.account_id == "210987654321"
    assert AuditReader(connection).account_id() == "210987654321"
    assert made.count("sts") == 1  # the base client that assumed the role; no STS client of the role
    # Without a role, the account comes from GetCallerIdentity.
    assert AwsConnection(BASE).account_id is None
