"""Partitions from botocore's data, STS on its regional endpoint, per-service endpoint variables respected."""

import os
import re
import subprocess

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils.audit.policies import _policy_advice
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import AwsConnection
from ansible_collections.privatelink.ecr.plugins.module_utils._perimeter import EKS_ADDON_REGISTRIES, perimeter_policy
from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import partition_of
from ansible_collections.privatelink.ecr.plugins.module_utils._services import short_name, wanted_services

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASE = dict(region="eu-west-1", access_key="testing", secret_key="testing", session_token=None, profile=None,
            endpoint_url=None, validate_certs=True, role_arn=None, role_session_name="privatelink-ecr",
            external_id=None, aws_ca_bundle=None, aws_config=None)


@pytest.mark.parametrize("region, partition", [
    ("eu-west-1", "aws"), ("us-east-1", "aws"), ("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"),
    ("us-gov-west-1", "aws-us-gov"), ("us-gov-east-1", "aws-us-gov"), ("eusc-de-east-1", "aws-eusc"),
    ("us-iso-east-1", "aws-iso"), ("us-isob-east-1", "aws-iso-b"), ("eu-isoe-west-1", "aws-iso-e"),
    ("us-isof-south-1", "aws-iso-f"),
])
def test_partition_of_a_region_comes_from_botocore_s_data(region, partition):
    assert partition_of(region) == partition


def test_every_region_botocore_lists_gets_its_own_partition():
    from botocore.loaders import create_loader

    for entry in create_loader().load_data("partitions")["partitions"]:
        for region in entry["regions"]:
            if not region.endswith("-global"):
                assert partition_of(region) == entry["id"], region


def test_a_region_no_partition_knows_is_the_commercial_one():
    assert partition_of("zz-future-9") == "aws"


@pytest.mark.parametrize("region", sorted(EKS_ADDON_REGISTRIES))
def test_the_service_name_pattern_accepts_every_region_the_perimeter_lists(region):
    full = "com.amazonaws.%s.ecr.api" % region
    assert short_name(full, region) == "ecr.api"
    assert wanted_services("ecr", [full], [], region) == ["ecr.api"]
    policy = perimeter_policy("s3", region, "o-abcdefghij", "ecs")
    assert all(r.startswith("arn:%s:s3:::" % partition_of(region))
               for s in policy["Statement"] for r in ([s["Resource"]] if isinstance(s["Resource"], str)
                                                      else s["Resource"]) if r != "*")


def test_the_s3_remediation_names_the_region_s_partition():
    assert "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*" in _policy_advice("s3", "cn-north-1")
    assert "arn:aws-us-gov:s3:::prod-us-gov-west-1-starport-layer-bucket/*" in _policy_advice("s3", "us-gov-west-1")
    assert "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*" in _policy_advice("s3", "eu-west-1")


def test_no_code_hard_codes_the_commercial_partition_in_an_arn():
    # Examples in DOCUMENTATION/EXAMPLES may show arn:aws:...; code and messages may not.
    found = subprocess.run(["grep", "-rnE", r"arn:aws:", "plugins/module_utils", "roles", "playbooks"],
                           cwd=ROOT, capture_output=True, text=True, check=False).stdout
    offending = [line for line in found.splitlines() if not re.match(r"^[^:]+:\d+:\s*#", line)]
    assert offending == []


@pytest.fixture
def clean_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    return monkeypatch


@pytest.mark.parametrize("setting", [None, "legacy", "regional"])
def test_sts_is_called_on_the_regional_endpoint_whatever_the_environment_says(clean_env, setting):
    if setting:
        clean_env.setenv("AWS_STS_REGIONAL_ENDPOINTS", setting)
    connection = AwsConnection(dict(BASE, region="us-east-1"))
    assert connection.session.get_config_variable("sts_regional_endpoints") == "regional"
    assert connection.client("sts").meta.endpoint_url == "https://sts.us-east-1.amazonaws.com"
    assert AwsConnection(dict(BASE, region="af-south-1")).client("sts").meta.endpoint_url \
        == "https://sts.af-south-1.amazonaws.com"


def test_per_service_endpoint_variables_are_respected_when_endpoint_url_is_unset(clean_env):
    clean_env.setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:4001")
    clean_env.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4002")
    connection = AwsConnection(BASE)
    assert connection.client("ec2").meta.endpoint_url == "http://127.0.0.1:4001"
    assert connection.client("sts").meta.endpoint_url == "http://127.0.0.1:4002"
    assert connection.client("route53").meta.endpoint_url == "https://route53.amazonaws.com"


def test_the_global_variable_through_the_option_s_fallback_does_not_hide_a_service_s_own(clean_env):
    # The module option falls back to AWS_ENDPOINT_URL: the same value must not be forced on every client.
    clean_env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4000")
    clean_env.setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:4001")
    connection = AwsConnection(dict(BASE, endpoint_url="http://127.0.0.1:4000"))
    assert connection.client("ec2").meta.endpoint_url == "http://127.0.0.1:4001"
    assert connection.client("sts").meta.endpoint_url == "http://127.0.0.1:4000"


def test_an_explicit_endpoint_url_serves_every_service(clean_env):
    clean_env.setenv("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:4001")
    connection = AwsConnection(dict(BASE, endpoint_url="http://127.0.0.1:5000"))
    for service in ("ec2", "sts", "route53", "organizations", "ecs", "eks", "ecr"):
        assert connection.client(service).meta.endpoint_url == "http://127.0.0.1:5000"


def test_ignoring_configured_endpoints_keeps_the_option_s_value(clean_env):
    clean_env.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4000")
    clean_env.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    connection = AwsConnection(dict(BASE, endpoint_url="http://127.0.0.1:4000"))
    assert connection.client("ec2").meta.endpoint_url == "http://127.0.0.1:4000"


def test_a_config_file_services_section_is_respected(clean_env, tmp_path):
    config = tmp_path / "config"
    config.write_text("[default]\nservices = local\n\n[services local]\nec2 =\n  endpoint_url = http://127.0.0.1:4003\n")
    clean_env.setenv("AWS_CONFIG_FILE", str(config))
    connection = AwsConnection(BASE)
    assert connection.client("ec2").meta.endpoint_url == "http://127.0.0.1:4003"


def test_the_inventory_s_sts_is_regional_too(clean_env):
    from ansible_collections.privatelink.ecr.plugins.inventory.aws_vpcs import _Aws

    clean_env.setenv("AWS_STS_REGIONAL_ENDPOINTS", "legacy")
    aws = _Aws({"profile": None, "access_key": "testing", "secret_key": "testing", "session_token": None,
                "endpoint_url": None})
    assert aws.client("sts", "us-east-1").meta.endpoint_url == "https://sts.us-east-1.amazonaws.com"
