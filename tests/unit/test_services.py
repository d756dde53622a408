"""Service sets per workload and name spelling."""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils._services import (
    WORKLOAD_SERVICES,
    match_existing_name,
    resolve_from_details,
    short_name,
    wanted_services,
)


def test_workload_sets_are_the_documented_ones():
    assert WORKLOAD_SERVICES["ecr"] == ["ecr.api", "ecr.dkr", "s3"]
    assert WORKLOAD_SERVICES["fargate"] == ["ecr.api", "ecr.dkr", "s3", "logs"]
    assert WORKLOAD_SERVICES["ecs"] == ["ecr.api", "ecr.dkr", "s3", "logs", "ecs", "ecs-agent", "ecs-telemetry"]
    assert set(WORKLOAD_SERVICES["eks"]) == {"ecr.api", "ecr.dkr", "s3", "ec2", "sts", "logs", "eks", "eks-auth",
                                             "elasticloadbalancing", "autoscaling"}


def test_services_override_and_extras_add_without_duplicates():
    assert wanted_services("fargate", None, ["secretsmanager", "logs"], "eu-west-1") == [
        "ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager"]
    assert wanted_services("fargate", ["com.amazonaws.eu-west-1.ecr.api", "ecr.api", "s3"], [], "eu-west-1") == [
        "ecr.api", "s3"]


@pytest.mark.parametrize("services, extra, words", [
    ([], [], "services is an empty list"),
    (["com.amazonaws.us-east-1.ecr.api"], [], "belongs to region us-east-1"),
    (["ecr api"], [], "is not a service name"),
    (None, ["s3; rm -rf /"], "is not a service name"),
    (None, [""], "empty or non-string"),
])
def test_bad_service_names(services, extra, words):
    with pytest.raises(ValueError) as err:
        wanted_services("fargate", services, extra, "eu-west-1")
    assert words in str(err.value)


def test_names_resolve_in_both_partitions():
    details = [{"ServiceName": "cn.com.amazonaws.cn-north-1.ecr.api", "ServiceType": [{"ServiceType": "Interface"}],
                "AvailabilityZones": ["cn-north-1a"]},
               {"ServiceName": "com.amazonaws.cn-north-1.s3", "ServiceType": [{"ServiceType": "Gateway"}],
                "AvailabilityZones": ["cn-north-1a", "cn-north-1b"]},
               {"ServiceName": "com.amazonaws.cn-north-1.s3", "ServiceType": [{"ServiceType": "Interface"}],
                "AvailabilityZones": ["cn-north-1a"]}]
    resolved, missing = resolve_from_details(["ecr.api", "s3", "logs"], "cn-north-1", details)
    assert missing == ["logs"]
    assert resolved["ecr.api"]["service_name"] == "cn.com.amazonaws.cn-north-1.ecr.api"
    assert resolved["s3"]["types"] == {"Gateway", "Interface"}
    assert resolved["s3"]["zones"] == {"cn-north-1a", "cn-north-1b"}
    assert short_name("cn.com.amazonaws.cn-north-1.ecr.api", "cn-north-1") == "ecr.api"
    assert match_existing_name("ecr.api", "cn-north-1", {"cn.com.amazonaws.cn-north-1.ecr.api"}) == \
        "cn.com.amazonaws.cn-north-1.ecr.api"
    assert match_existing_name("ecr.dkr", "cn-north-1", {"cn.com.amazonaws.cn-north-1.ecr.api"}) is None
