"""The runner end to end on in-process moto: plan, check mode, apply, errors as messages."""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    AwsConnection,
    PrivatelinkError,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import reconcile
from ansible_collections.privatelink.ecr.tests.unit.reconcile_fixtures import CallRecorder, params


def test_check_mode_plans_without_mutating(aws):
    connection = AwsConnection(params(aws))
    recorder = CallRecorder(connection)
    result = reconcile(connection, params(aws), check_mode=True)
    assert result["changed"]
    assert [(c["service"], c["action"]) for c in result["changes"]] == [
        ("security_group", "create"), ("ecr.api", "create"), ("ecr.dkr", "create"), ("s3", "create"),
        ("logs", "create")]
    assert recorder.mutating() == []
    assert aws["ec2"].describe_vpc_endpoints()["VpcEndpoints"] == []


def test_apply_then_noop_in_three_reads(aws):
    first = reconcile(AwsConnection(params(aws)), params(aws), check_mode=False)
    assert sorted(first["endpoints"]) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    assert first["endpoints"]["s3"]["route_table_ids"] == [aws["table"]]
    assert first["endpoints"]["ecr.api"]["security_group_ids"] == [first["security_group_id"]]
    connection = AwsConnection(params(aws))
    recorder = CallRecorder(connection)
    second = reconcile(connection, params(aws), check_mode=False)
    assert not second["changed"] and second["changes"] == []
    assert sorted(recorder.calls) == ["DescribeSecurityGroups", "DescribeVpcEndpoints", "DescribeVpcs"]
    assert second["endpoints"] == first["endpoints"]


def test_invalid_input_fails_before_any_mutation(aws):
    other = aws["ec2"].create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    foreign = aws["ec2"].create_subnet(VpcId=other, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    connection = AwsConnection(params(aws))
    recorder = CallRecorder(connection)
    with pytest.raises(ValueError) as err:
        reconcile(connection, params(aws, subnet_ids=[foreign]), check_mode=False)
    assert "subnet_ids: %s not in %s" % (foreign, aws["vpc"]) in str(err.value)
    assert recorder.mutating() == []


def test_unknown_vpc_is_named(aws):
    with pytest.raises(PrivatelinkError) as err:
        reconcile(AwsConnection(params(aws)), params(aws, vpc_id="vpc-0123456789abcdef0"), check_mode=True)
    assert "vpc_id vpc-0123456789abcdef0: no such VPC" in str(err.value)


def test_missing_region_and_credentials_are_messages(aws, monkeypatch):
    with pytest.raises(PrivatelinkError) as err:
        AwsConnection(params(aws, region=None))
    assert "No AWS region" in str(err.value)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(PrivatelinkError) as err:
        AwsConnection(params(aws))
    assert "No AWS credentials" in str(err.value)
