"""ECR pull-through cache rules in the AWS-semantics layer (tests/support/aws_semantics_ecr.py), rule by rule.

Direct boto3 calls against one moto_server (reset before each test); each rule is proven on the rules
read back, not only on the error answered. Plain moto (``semantics=False``) has no such API at all.
"""

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.support.moto_server import MotoServer

REGION = "eu-west-1"
OTHER_ACCOUNT = "222233334444"


# The AWS-semantics layer on this module's own server (the ``server`` fixture of conftest.py).
MOTO_SERVER = {"semantics": True}


def make_client(server, service, region=REGION, account=None):
    client = boto3.client(service, region_name=region, endpoint_url=server.url, aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    if account:  # moto's own way to act as another account
        client.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.add_header(
            "x-moto-account-id", account))
    return client


@pytest.fixture
def ecr(server):
    server.reset()
    return make_client(server, "ecr")


@pytest.fixture
def secret_arn(server, ecr):
    """A Docker Hub credential secret, named as ECR requires (its value is never read by ECR's checks)."""
    secrets = make_client(server, "secretsmanager")
    return secrets.create_secret(Name="ecr-pullthroughcache/docker-hub",
                                 SecretString='{"username":"u","accessToken":"t"}')["ARN"]


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def rules(client, **params):
    return client.describe_pull_through_cache_rules(**params)["pullThroughCacheRules"]


def test_plain_moto_has_no_pull_through_cache_api():
    with MotoServer(semantics=False) as raw:
        with pytest.raises(Exception):
            make_client(raw, "ecr").describe_pull_through_cache_rules()


def test_create_describe_and_delete_a_rule_without_credentials(ecr):
    created = ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="ecr-public", upstreamRegistry="ecr-public",
                                                 upstreamRegistryUrl="public.ecr.aws")
    assert created["ecrRepositoryPrefix"] == "ecr-public" and created["registryId"] == "123456789012"
    [rule] = rules(ecr)
    assert (rule["ecrRepositoryPrefix"], rule["upstreamRegistry"], rule["upstreamRegistryUrl"]) == (
        "ecr-public", "ecr-public", "public.ecr.aws")
    assert "credentialArn" not in rule and rule["upstreamRepositoryPrefix"] == "ROOT"
    deleted = ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix="ecr-public")
    assert deleted["upstreamRegistryUrl"] == "public.ecr.aws"
    assert rules(ecr) == []


def test_a_second_rule_for_a_prefix_already_exists(ecr):
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistryUrl="quay.io")
    with pytest.raises(ClientError) as excinfo:
        ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistry="k8s",
                                           upstreamRegistryUrl="registry.k8s.io")
    assert code_of(excinfo) == "PullThroughCacheRuleAlreadyExistsException"
    [rule] = rules(ecr)
    assert rule["upstreamRegistry"] == "quay"  # inferred from the URL, and left as it was


def test_upstreams_with_a_secret_need_a_credential_arn_and_ecr_a_role(ecr):
    for upstream, url in (("docker-hub", "registry-1.docker.io"), ("github-container-registry", "ghcr.io"),
                          ("gitlab-container-registry", "registry.gitlab.com"), ("chainguard", "cgr.dev"),
                          ("azure-container-registry", "myreg.azurecr.io"), ("ecr", "111122223333.dkr.ecr.eu-west-1"
                                                                             ".amazonaws.com")):
        with pytest.raises(ClientError) as excinfo:
            ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="up-" + upstream[:8].strip("-"),
                                               upstreamRegistry=upstream, upstreamRegistryUrl=url)
        assert code_of(excinfo) == "InvalidParameterException", upstream
    assert rules(ecr) == []


def test_credential_arn_pattern_account_region_and_existence(server, ecr, secret_arn):
    wrong_name = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-credentials-AbCdEf"
    other_region = secret_arn.replace(":eu-west-1:", ":us-east-1:")
    missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/missing-AbCdEf"
    for arn, code in ((wrong_name, "ValidationException"), (other_region, "UnableToAccessSecretException"),
                      (missing, "SecretNotFoundException")):
        with pytest.raises(ClientError) as excinfo:
            ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub", upstreamRegistry="docker-hub",
                                               upstreamRegistryUrl="registry-1.docker.io", credentialArn=arn)
        assert code_of(excinfo) == code, arn
    assert rules(ecr) == []
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub", upstreamRegistry="docker-hub",
                                       upstreamRegistryUrl="registry-1.docker.io", credentialArn=secret_arn)
    assert rules(ecr)[0]["credentialArn"] == secret_arn


def test_secret_scheduled_for_deletion_cannot_be_accessed(server, ecr, secret_arn):
    make_client(server, "secretsmanager").delete_secret(SecretId=secret_arn, RecoveryWindowInDays=7)
    with pytest.raises(ClientError) as excinfo:
        ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub", upstreamRegistry="docker-hub",
                                           upstreamRegistryUrl="registry-1.docker.io", credentialArn=secret_arn)
    assert code_of(excinfo) == "UnableToAccessSecretException"


def test_prefix_pattern_and_upstream_url(ecr):
    for prefix in ("A-upper", "bad//double", "-leading"):  # botocore checks the length itself, not the pattern
        with pytest.raises(ClientError) as excinfo:
            ecr.create_pull_through_cache_rule(ecrRepositoryPrefix=prefix, upstreamRegistryUrl="quay.io")
        assert code_of(excinfo) == "ValidationException", prefix
    with pytest.raises(ClientError) as excinfo:
        ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistry="quay",
                                           upstreamRegistryUrl="ghcr.io")
    assert code_of(excinfo) == "InvalidParameterException"
    assert rules(ecr) == []


def test_rules_are_per_account_and_region(server, ecr):
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="k8s", upstreamRegistryUrl="registry.k8s.io")
    other_region = make_client(server, "ecr", region="us-east-1")
    other_account = make_client(server, "ecr", account=OTHER_ACCOUNT)
    assert rules(other_region) == [] and rules(other_account) == []
    other_account.create_pull_through_cache_rule(ecrRepositoryPrefix="k8s", upstreamRegistryUrl="registry.k8s.io")
    assert rules(other_account)[0]["registryId"] == OTHER_ACCOUNT
    assert [r["registryId"] for r in rules(ecr)] == ["123456789012"]


def test_describe_pages_and_filters(server, ecr):
    for index in range(5):
        ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="k8s-%d" % index, upstreamRegistryUrl="registry.k8s.io")
    first = ecr.describe_pull_through_cache_rules(maxResults=2)
    assert len(first["pullThroughCacheRules"]) == 2 and first["nextToken"]
    seen = [r["ecrRepositoryPrefix"] for r in first["pullThroughCacheRules"]]
    token = first["nextToken"]
    for _page in range(5):  # bounded
        answer = ecr.describe_pull_through_cache_rules(maxResults=2, nextToken=token)
        seen += [r["ecrRepositoryPrefix"] for r in answer["pullThroughCacheRules"]]
        token = answer.get("nextToken")
        if not token:
            break
    assert seen == ["k8s-%d" % i for i in range(5)]
    # the default page size (AWS: 100) can be made small, so the paginator's loop is visible
    server._call("/_aws_semantics/ecr", method="POST", data=b'{"default_page_size": 2}')
    assert "nextToken" in ecr.describe_pull_through_cache_rules()
    pages = list(ecr.get_paginator("describe_pull_through_cache_rules").paginate())
    assert len(pages) == 3 and sum(len(p["pullThroughCacheRules"]) for p in pages) == 5
    assert [r["ecrRepositoryPrefix"] for r in rules(ecr, ecrRepositoryPrefixes=["k8s-3"])] == ["k8s-3"]
    with pytest.raises(ClientError) as excinfo:
        rules(ecr, ecrRepositoryPrefixes=["k8s-3", "nope"])
    assert code_of(excinfo) == "PullThroughCacheRuleNotFoundException"


def test_update_changes_the_secret_in_place_and_needs_the_rule(server, ecr, secret_arn):
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub", upstreamRegistry="docker-hub",
                                       upstreamRegistryUrl="registry-1.docker.io", credentialArn=secret_arn)
    created_at = rules(ecr)[0]["createdAt"]
    second = make_client(server, "secretsmanager").create_secret(Name="ecr-pullthroughcache/docker-hub-2",
                                                                 SecretString="{}")["ARN"]
    updated = ecr.update_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub", credentialArn=second)
    assert updated["credentialArn"] == second and "updatedAt" in updated
    [rule] = rules(ecr)
    assert rule["credentialArn"] == second and rule["createdAt"] == created_at
    missing = second[:-6] + "zzzzzz"
    with pytest.raises(ClientError) as excinfo:
        ecr.update_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub", credentialArn=missing)
    assert code_of(excinfo) == "SecretNotFoundException"
    assert rules(ecr)[0]["credentialArn"] == second
    for call in (lambda: ecr.update_pull_through_cache_rule(ecrRepositoryPrefix="nope", credentialArn=second),
                 lambda: ecr.delete_pull_through_cache_rule(ecrRepositoryPrefix="nope"),
                 lambda: ecr.validate_pull_through_cache_rule(ecrRepositoryPrefix="nope")):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert code_of(excinfo) == "PullThroughCacheRuleNotFoundException"


def test_validate_reports_a_secret_that_is_gone(server, ecr, secret_arn):
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub", upstreamRegistry="docker-hub",
                                       upstreamRegistryUrl="registry-1.docker.io", credentialArn=secret_arn)
    assert ecr.validate_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub")["isValid"] is True
    make_client(server, "secretsmanager").delete_secret(SecretId=secret_arn, ForceDeleteWithoutRecovery=True)
    answer = ecr.validate_pull_through_cache_rule(ecrRepositoryPrefix="docker-hub")
    assert answer["isValid"] is False and "SecretNotFoundException" in answer["failure"]


def test_reset_forgets_every_rule(server, ecr):
    ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="k8s", upstreamRegistryUrl="registry.k8s.io")
    server.reset()
    assert rules(ecr) == []
