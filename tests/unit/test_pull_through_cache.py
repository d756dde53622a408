"""ecr_pull_through_cache without AWS: input validation, the pure plan, predict/view, and the applier's order."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError, failure_fields
from ansible_collections.privatelink.ecr.plugins.module_utils._pull_through_cache import (
    PullThroughCacheApplier,
    check_region,
    check_secret_location,
    image_prefix,
    plan,
    predict,
    rule_from_aws,
    run_pull_through_cache,
    validate_rules,
    view,
)

ACCOUNT, REGION = "111122223333", "eu-west-1"
SECRET = "ecr-pullthroughcache/docker-hub"
SECRET_ARN = "arn:aws:secretsmanager:%s:%s:secret:%s-AbCdEf" % (REGION, ACCOUNT, SECRET)
SECRET2_ARN = "arn:aws:secretsmanager:%s:%s:secret:%s-2-GhIjKl" % (REGION, ACCOUNT, SECRET)


def aws_rule(prefix, upstream, url, credential=None, role=None, upstream_prefix="ROOT"):
    rule = {"ecrRepositoryPrefix": prefix, "upstreamRegistry": upstream, "upstreamRegistryUrl": url,
            "registryId": ACCOUNT, "upstreamRepositoryPrefix": upstream_prefix}
    if credential:
        rule["credentialArn"] = credential
    if role:
        rule["customRoleArn"] = role
    return rule_from_aws(rule)


# --- validation -------------------------------------------------------------------------

def test_defaults_per_upstream_and_root_upstream_prefix():
    [k8s, hub, acr] = validate_rules([
        {"prefix": "k8s", "upstream": "k8s"},
        {"prefix": "docker-hub/", "upstream": "docker-hub", "credential_secret": SECRET},
        {"prefix": "acr", "upstream": "azure-container-registry", "upstream_registry_url": "myreg.azurecr.io",
         "credential_secret": SECRET_ARN}], "present")
    assert k8s["upstream_registry_url"] == "registry.k8s.io" and k8s["upstream_repository_prefix"] == "ROOT"
    assert hub["prefix"] == "docker-hub" and hub["upstream_registry_url"] == "registry-1.docker.io"
    assert acr["upstream_registry_url"] == "myreg.azurecr.io" and acr["credential_secret"] == SECRET_ARN
    for upstream, url in (("ecr-public", "public.ecr.aws"), ("quay", "quay.io"), ("github-container-registry",
                          "ghcr.io"), ("gitlab-container-registry", "registry.gitlab.com"), ("chainguard", "cgr.dev")):
        rule = {"prefix": "p-x", "upstream": upstream}
        if upstream in ("github-container-registry", "gitlab-container-registry", "chainguard"):
            rule["credential_secret"] = SECRET
        assert validate_rules([rule], "present")[0]["upstream_registry_url"] == url


@pytest.mark.parametrize("rule,words", [
    ({"prefix": "A", "upstream": "quay"}, ["prefix", "'A'"]),
    ({"prefix": "a" * 31, "upstream": "quay"}, ["prefix", "2-30"]),
    ({"prefix": "bad//x", "upstream": "quay"}, ["bad//x"]),
    ({"prefix": "quay"}, ["upstream must be one of", "None"]),
    ({"prefix": "quay", "upstream": "docker"}, ["docker-hub", "'docker'"]),
    ({"prefix": "hub", "upstream": "docker-hub"}, ["credential_secret", "ecr-pullthroughcache/"]),
    ({"prefix": "gh", "upstream": "github-container-registry"}, ["credential_secret"]),
    ({"prefix": "gl", "upstream": "gitlab-container-registry"}, ["credential_secret"]),
    ({"prefix": "cg", "upstream": "chainguard"}, ["credential_secret"]),
    ({"prefix": "acr", "upstream": "azure-container-registry", "credential_secret": SECRET},
     ["upstream_registry_url", "NAME.azurecr.io"]),
    ({"prefix": "acr", "upstream": "azure-container-registry", "credential_secret": SECRET,
      "upstream_registry_url": "myreg.example.com"}, ["myreg.example.com", "azurecr.io"]),
    ({"prefix": "acr", "upstream": "azure-container-registry", "upstream_registry_url": "r.azurecr.io"},
     ["credential_secret"]),
    ({"prefix": "hub", "upstream": "docker-hub", "credential_secret": "dockerhub"}, ["'dockerhub'",
                                                                                     "ecr-pullthroughcache/"]),
    ({"prefix": "hub", "upstream": "docker-hub", "credential_secret":
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:dockerhub-AbCdEf"}, ["ecr-pullthroughcache/"]),
    ({"prefix": "k8s", "upstream": "k8s", "credential_secret": SECRET}, ["takes no credential_secret"]),
    ({"prefix": "quay", "upstream": "quay", "upstream_registry_url": "ghcr.io"}, ["quay.io", "'ghcr.io'"]),
    ({"prefix": "up", "upstream": "ecr"}, ["upstream_registry_url", "ACCOUNT.dkr.ecr.REGION.amazonaws.com"]),
    ({"prefix": "up", "upstream": "ecr", "upstream_registry_url": "111122223333.dkr.ecr.us-east-1.amazonaws.com"},
     ["custom_role_arn"]),
    ({"prefix": "up", "upstream": "ecr", "upstream_registry_url": "111122223333.dkr.ecr.us-east-1.amazonaws.com",
      "custom_role_arn": "not-an-arn"}, ["custom_role_arn", "not-an-arn"]),
    ({"prefix": "quay", "upstream": "quay", "custom_role_arn": "arn:aws:iam::111122223333:role/x"},
     ["custom_role_arn", "ecr only"]),
    ({"prefix": "quay", "upstream": "quay", "upstream_repository_prefix": "UP"}, ["upstream_repository_prefix"]),
])
def test_bad_rules_are_refused_with_what_to_fix(rule, words):
    with pytest.raises(ValueError) as excinfo:
        validate_rules([rule], "present")
    for word in words:
        assert word in str(excinfo.value), (word, str(excinfo.value))


def test_ecr_upstream_with_a_role_is_valid():
    [rule] = validate_rules([{"prefix": "up", "upstream": "ecr", "custom_role_arn": "arn:aws:iam::111122223333:role/r",
                              "upstream_registry_url": "444455556666.dkr.ecr.us-east-1.amazonaws.com",
                              "upstream_repository_prefix": "team"}], "present")
    assert rule["custom_role_arn"].endswith(":role/r") and rule["upstream_repository_prefix"] == "team"


def test_absent_reads_only_the_prefix_and_duplicates_are_refused():
    assert validate_rules([{"prefix": "k8s", "upstream": "nonsense"}], "absent") == [{"prefix": "k8s"}]
    with pytest.raises(ValueError, match="twice"):
        validate_rules([{"prefix": "k8s"}, {"prefix": "k8s/"}], "absent")
    with pytest.raises(ValueError, match="prefix"):
        validate_rules([{"prefix": "K"}], "absent")


def test_china_regions_and_secrets_elsewhere_are_refused():
    with pytest.raises(ValueError, match="China"):
        check_region("cn-north-1")
    check_region("eu-west-1")
    check_secret_location(SECRET, ACCOUNT, REGION)
    check_secret_location(SECRET_ARN, ACCOUNT, REGION)
    with pytest.raises(ValueError, match="us-east-1"):
        check_secret_location(SECRET_ARN.replace(REGION, "us-east-1"), ACCOUNT, REGION)
    with pytest.raises(ValueError, match="999999999999"):
        check_secret_location(SECRET_ARN.replace(ACCOUNT, "999999999999"), ACCOUNT, REGION)


# --- plan ---------------------------------------------------------------------------------

DESIRED = validate_rules([{"prefix": "k8s", "upstream": "k8s"},
                          {"prefix": "docker-hub", "upstream": "docker-hub", "credential_secret": SECRET}], "present")


def test_create_in_listed_order_then_nothing_once_converged():
    actions = plan(DESIRED, {}, {SECRET: SECRET_ARN})
    assert [(a["prefix"], a["action"]) for a in actions] == [("k8s", "create"), ("docker-hub", "create")]
    assert actions[1]["details"]["credential_secret_arn"] == SECRET_ARN
    current = predict({}, actions)
    assert plan(DESIRED, current, {SECRET: SECRET_ARN}) == []
    # as AWS describes them
    live = {"k8s": aws_rule("k8s", "k8s", "registry.k8s.io"),
            "docker-hub": aws_rule("docker-hub", "docker-hub", "registry-1.docker.io", SECRET_ARN)}
    assert plan(DESIRED, live, {SECRET: SECRET_ARN}) == []


def test_another_secret_is_an_update_in_place():
    live = {"docker-hub": aws_rule("docker-hub", "docker-hub", "registry-1.docker.io", SECRET2_ARN),
            "k8s": aws_rule("k8s", "k8s", "registry.k8s.io")}
    actions = plan(DESIRED, live, {SECRET: SECRET_ARN})
    assert actions == [{"prefix": "docker-hub", "action": "update",
                        "details": {"credential_secret_arn": {"before": SECRET2_ARN, "after": SECRET_ARN}}}]
    assert predict(live, actions)["docker-hub"]["credential_secret_arn"] == SECRET_ARN


def test_another_upstream_url_or_upstream_prefix_fails_the_whole_plan():
    for live_rule, word in ((aws_rule("k8s", "quay", "quay.io"), "upstream quay"),
                            (aws_rule("k8s", "k8s", "registry.k8s.io", upstream_prefix="sub"), "upstream_repository")):
        with pytest.raises(ValueError) as excinfo:
            plan(DESIRED, {"k8s": live_rule}, {SECRET: SECRET_ARN})
        assert "k8s" in str(excinfo.value) and "state: absent" in str(excinfo.value) and word in str(excinfo.value)


def test_upstream_missing_from_an_old_rule_is_read_from_its_url():
    old = rule_from_aws({"ecrRepositoryPrefix": "k8s", "upstreamRegistryUrl": "registry.k8s.io"})
    assert old["upstream"] == "k8s" and plan(DESIRED[:1], {"k8s": old}, {}) == []


def test_purge_deletes_unlisted_rules_after_the_listed_changes_and_absent_deletes_listed_only():
    live = {"quay": aws_rule("quay", "quay", "quay.io"), "ecr-public": aws_rule("ecr-public", "ecr-public",
                                                                                "public.ecr.aws")}
    assert plan(DESIRED, live, {SECRET: SECRET_ARN}) == plan(DESIRED, {}, {SECRET: SECRET_ARN})  # untouched
    actions = plan(DESIRED, live, {SECRET: SECRET_ARN}, purge=True)
    assert [(a["prefix"], a["action"]) for a in actions] == [
        ("k8s", "create"), ("docker-hub", "create"), ("ecr-public", "delete"), ("quay", "delete")]
    assert actions[-1]["details"]["upstream_registry_url"] == "quay.io"
    gone = plan(validate_rules([{"prefix": "quay"}, {"prefix": "k8s"}], "absent"), live, {}, state="absent")
    assert gone == [{"prefix": "quay", "action": "delete", "details": live["quay"]}]
    assert sorted(predict(live, gone)) == ["ecr-public"]


def test_view_gives_the_image_prefix():
    [rule] = view([aws_rule("docker-hub", "docker-hub", "registry-1.docker.io", SECRET_ARN)], ACCOUNT, REGION)
    assert rule == {"prefix": "docker-hub", "upstream": "docker-hub", "upstream_registry_url": "registry-1.docker.io",
                    "credential_secret_arn": SECRET_ARN, "custom_role_arn": None, "upstream_repository_prefix": "ROOT",
                    "image_prefix": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub"}
    assert image_prefix(ACCOUNT, REGION, "ROOT") == "111122223333.dkr.ecr.eu-west-1.amazonaws.com"


# --- apply ---------------------------------------------------------------------------------

class FakeEcr:
    """Records calls; the ``fail_at``-th call (1-based, counting every call) answers an AWS error."""

    def __init__(self, fail_at=None):
        self.calls, self.fail_at = [], fail_at

    def get_paginator(self, name):
        return type("Paginator", (), {"paginate": lambda _self: [{"pullThroughCacheRules": []}]})()

    def __getattr__(self, name):
        def call(**kwargs):
            if self.fail_at == len(self.calls) + 1:
                raise ClientError({"Error": {"Code": "SecretNotFoundException", "Message": "gone"},
                                   "ResponseMetadata": {"RequestId": "r-1", "HTTPStatusCode": 400}}, name)
            self.calls.append((name, kwargs))
            return {}
        return call


def test_applier_sends_what_the_plan_says_in_order():
    live = {"quay": aws_rule("quay", "quay", "quay.io"),
            "docker-hub": aws_rule("docker-hub", "docker-hub", "registry-1.docker.io", SECRET2_ARN)}
    actions = plan(DESIRED, live, {SECRET: SECRET_ARN}, purge=True)
    fake = FakeEcr()
    PullThroughCacheApplier(fake).apply(actions)
    assert fake.calls == [
        ("create_pull_through_cache_rule", {"ecrRepositoryPrefix": "k8s", "upstreamRegistry": "k8s",
                                            "upstreamRegistryUrl": "registry.k8s.io"}),
        ("update_pull_through_cache_rule", {"ecrRepositoryPrefix": "docker-hub", "credentialArn": SECRET_ARN}),
        ("delete_pull_through_cache_rule", {"ecrRepositoryPrefix": "quay"})]


class FakeConnection:
    """A registry with no rule (ECR: ``ecr``); Secrets Manager knows SECRET."""

    region, account_id = REGION, ACCOUNT

    def __init__(self, ecr):
        self.ecr = ecr

    def client(self, service):
        if service == "ecr":
            return self.ecr
        return type("Secrets", (), {"describe_secret": lambda _self, SecretId: {"ARN": SECRET_ARN, "Name": SECRET}})()


PARAMS = {"rules": [{"prefix": "k8s", "upstream": "k8s"},
                    {"prefix": "docker-hub", "upstream": "docker-hub", "credential_secret": SECRET}]}


def test_check_mode_sends_nothing_that_mutates():
    ecr = FakeEcr()
    result = run_pull_through_cache(FakeConnection(ecr), PARAMS, check_mode=True)
    assert result["changed"] and [c["action"] for c in result["changes"]] == ["create", "create"]
    assert ecr.calls == [] and [r["prefix"] for r in result["rules"]] == ["k8s", "docker-hub"]


def test_a_failure_after_changes_reports_what_was_applied():
    ecr = FakeEcr(fail_at=2)  # the first create succeeds, the second fails
    with pytest.raises(PrivatelinkError) as excinfo:
        run_pull_through_cache(FakeConnection(ecr), PARAMS, check_mode=False)
    assert "docker-hub" in str(excinfo.value) and "SecretNotFoundException" in str(excinfo.value)
    fields = failure_fields(excinfo.value)
    assert fields["changed"] is True and [c["prefix"] for c in fields["changes"]] == ["k8s"]
    assert fields["error"]["code"] == "SecretNotFoundException" and fields["response_metadata"]["request_id"] == "r-1"


class SecretsAnswer:
    """A Secrets Manager client answering DescribeSecret with ``answer`` (a dict, or a ClientError to raise)."""

    def __init__(self, answer):
        self.answer, self.asked = answer, []

    def describe_secret(self, SecretId):
        self.asked.append(SecretId)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def reader_with(secrets):
    from ansible_collections.privatelink.ecr.plugins.module_utils._pull_through_cache import PullThroughCacheReader
    connection = type("Connection", (), {"region": REGION, "account_id": ACCOUNT,
                                         "client": lambda self, service: secrets})()
    return PullThroughCacheReader(connection)


def test_the_secret_is_described_never_read_and_must_exist_and_not_be_deleted():
    secrets = SecretsAnswer({"ARN": SECRET_ARN, "Name": SECRET})
    assert reader_with(secrets).secret_arn(SECRET, ACCOUNT, REGION) == SECRET_ARN
    assert secrets.asked == [SECRET] and not hasattr(secrets, "get_secret_value")
    missing = ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "not found"}}, "DescribeSecret")
    with pytest.raises(PrivatelinkError) as excinfo:
        reader_with(SecretsAnswer(missing)).secret_arn(SECRET, ACCOUNT, REGION)
    assert all(word in str(excinfo.value) for word in (SECRET, "does not exist", ACCOUNT, REGION))
    with pytest.raises(PrivatelinkError, match="scheduled for deletion"):
        reader_with(SecretsAnswer({"ARN": SECRET_ARN, "DeletedDate": "2026-12-01"})).secret_arn(SECRET, ACCOUNT,
                                                                                                REGION)
    denied = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "DescribeSecret")
    with pytest.raises(PrivatelinkError, match="docs/iam-policy.json"):
        reader_with(SecretsAnswer(denied)).secret_arn(SECRET, ACCOUNT, REGION)
