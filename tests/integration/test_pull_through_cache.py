"""privatelink.ecr.ecr_pull_through_cache through the real `ansible` CLI against moto_server.

The AWS-semantics layer (tests/support/aws_semantics_ecr.py) answers the pull-through cache API as the
ECR API reference describes it. Every test reads the rules back with boto3; re-runs report changed=0
with no mutating request; each bad input fails before any mutating request with a message naming it.
"""

import boto3
import pytest

from tests.support.ansible_cli import run_module

ACCOUNT = "123456789012"
REGION = "eu-west-1"
HOST = "%s.dkr.ecr.%s.amazonaws.com" % (ACCOUNT, REGION)


def client(aws, service):
    return boto3.client(service, region_name=REGION, endpoint_url=aws.url, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture
def ptc(aws):
    """Two credential secrets, the registry's rules read back, and a module runner."""
    secrets = client(aws, "secretsmanager")
    ns = type("Ptc", (), {})()
    ns.hub_arn = secrets.create_secret(Name="ecr-pullthroughcache/docker-hub", SecretString="{}")["ARN"]
    ns.hub2_arn = secrets.create_secret(Name="ecr-pullthroughcache/docker-hub-2", SecretString="{}")["ARN"]
    ns.ecr = client(aws, "ecr")
    aws.server.clear_requests()

    def rules():
        pages = ns.ecr.get_paginator("describe_pull_through_cache_rules").paginate()
        return dict((r["ecrRepositoryPrefix"], r) for page in pages for r in page["pullThroughCacheRules"])

    def run(rules_arg, check=False, diff=False, **extra):
        env = dict(aws.env, ANSIBLE_VERBOSITY="3") if diff else aws.env
        return run_module("ecr_pull_through_cache", dict(rules=rules_arg, **extra), env, check=check, diff=diff)

    ns.rules, ns.run = rules, run
    return ns


WANTED = [{"prefix": "ecr-public", "upstream": "ecr-public"},
          {"prefix": "k8s", "upstream": "k8s"},
          {"prefix": "docker-hub", "upstream": "docker-hub", "credential_secret": "ecr-pullthroughcache/docker-hub"}]


def test_converge_rerun_check_update_purge_absent(aws, ptc):
    # check mode first: the plan, nothing created
    rc, result, out = ptc.run(WANTED, check=True)
    assert rc == 0, out
    assert result["changed"] is True and [c["action"] for c in result["changes"]] == ["create"] * 3
    assert ptc.rules() == {} and aws.server.mutating_requests() == {}

    # converge; page size 2 so the module's read spans pages
    aws.server._call("/_aws_semantics/ecr", method="POST", data=b'{"default_page_size": 2}')
    rc, result, out = ptc.run(WANTED)
    assert rc == 0, out
    assert [(c["prefix"], c["action"]) for c in result["changes"]] == [
        ("ecr-public", "create"), ("k8s", "create"), ("docker-hub", "create")]
    live = ptc.rules()
    assert sorted(live) == ["docker-hub", "ecr-public", "k8s"]
    assert live["docker-hub"]["credentialArn"] == ptc.hub_arn
    assert live["k8s"]["upstreamRegistryUrl"] == "registry.k8s.io" and live["k8s"]["upstreamRegistry"] == "k8s"
    assert [r["image_prefix"] for r in result["rules"]] == ["%s/ecr-public" % HOST, "%s/k8s" % HOST,
                                                            "%s/docker-hub" % HOST]
    assert result["rules"][2]["credential_secret_arn"] == ptc.hub_arn

    # re-run: unchanged, no mutating request, every page read
    aws.server.clear_requests()
    rc, result, out = ptc.run(WANTED)
    assert rc == 0 and result["changed"] is False and result["changes"] == [], out
    assert aws.server.mutating_requests() == {}
    assert aws.server.requests().get("ecr.DescribePullThroughCacheRules") == 2

    # another secret: updated in place (check mode and diff first)
    changed = [dict(r) for r in WANTED]
    changed[2]["credential_secret"] = ptc.hub2_arn
    aws.server.clear_requests()
    rc, result, out = ptc.run(changed, check=True, diff=True)
    assert rc == 0 and result["changes"][0]["action"] == "update", out
    before, after = ({r["prefix"]: r for r in result["diff"][side]["rules"]} for side in ("before", "after"))
    assert before["docker-hub"]["credential_secret_arn"] == ptc.hub_arn
    assert after["docker-hub"]["credential_secret_arn"] == ptc.hub2_arn
    assert before["k8s"] == after["k8s"]
    assert aws.server.mutating_requests() == {} and ptc.rules()["docker-hub"]["credentialArn"] == ptc.hub_arn
    created_at = ptc.rules()["docker-hub"]["createdAt"]
    rc, result, out = ptc.run(changed)
    assert rc == 0, out
    assert result["changes"] == [{"prefix": "docker-hub", "action": "update", "details": {
        "credential_secret_arn": {"before": ptc.hub_arn, "after": ptc.hub2_arn}}}]
    assert aws.server.mutating_requests() == {"ecr.UpdatePullThroughCacheRule": 1}
    assert ptc.rules()["docker-hub"]["credentialArn"] == ptc.hub2_arn
    assert ptc.rules()["docker-hub"]["createdAt"] == created_at  # the same rule, not a new one

    # a rule the module is not given stays, until purge
    ptc.ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistryUrl="quay.io")
    rc, result, out = ptc.run(changed)
    assert rc == 0 and result["changed"] is False and "quay" in ptc.rules(), out
    rc, result, out = ptc.run(changed[:2], purge=True)
    assert rc == 0, out
    assert [(c["prefix"], c["action"]) for c in result["changes"]] == [("docker-hub", "delete"), ("quay", "delete")]
    assert sorted(ptc.rules()) == ["ecr-public", "k8s"]

    # absent: the listed prefixes only
    rc, result, out = ptc.run([{"prefix": "k8s"}, {"prefix": "docker-hub"}], state="absent")
    assert rc == 0 and [(c["prefix"], c["action"]) for c in result["changes"]] == [("k8s", "delete")], out
    assert result["rules"] == [] and sorted(ptc.rules()) == ["ecr-public"]
    aws.server.clear_requests()
    rc, result, out = ptc.run([{"prefix": "k8s"}], state="absent")
    assert rc == 0 and result["changed"] is False and aws.server.mutating_requests() == {}, out


def test_an_existing_rule_with_another_upstream_fails_before_any_change(aws, ptc):
    ptc.ecr.create_pull_through_cache_rule(ecrRepositoryPrefix="k8s", upstreamRegistryUrl="registry.k8s.io")
    aws.server.clear_requests()
    rc, result, out = ptc.run([{"prefix": "ecr-public", "upstream": "ecr-public"},
                               {"prefix": "k8s", "upstream": "quay"}])
    assert rc != 0, out
    assert "k8s" in result["msg"] and "state: absent" in result["msg"] and "upstream" in result["msg"]
    assert aws.server.mutating_requests() == {}
    assert sorted(ptc.rules()) == ["k8s"] and result["botocore_version"]


BAD = [
    ([{"prefix": "Upper", "upstream": "quay"}], ["Upper", "prefix"]),
    ([{"prefix": "quay", "upstream": "nosuch"}], ["upstream", "nosuch"]),
    ([{"prefix": "hub", "upstream": "docker-hub"}], ["hub", "credential_secret", "ecr-pullthroughcache/"]),
    ([{"prefix": "hub", "upstream": "docker-hub", "credential_secret": "dockerhub-creds"}],
     ["dockerhub-creds", "ecr-pullthroughcache/"]),
    ([{"prefix": "hub", "upstream": "docker-hub", "credential_secret": "ecr-pullthroughcache/missing"}],
     ["ecr-pullthroughcache/missing", "does not exist", ACCOUNT, REGION]),
    ([{"prefix": "hub", "upstream": "docker-hub", "credential_secret":
       "arn:aws:secretsmanager:us-east-1:%s:secret:ecr-pullthroughcache/docker-hub-AbCdEf" % ACCOUNT}],
     ["us-east-1", "region", REGION]),
    ([{"prefix": "acr", "upstream": "azure-container-registry",
       "credential_secret": "ecr-pullthroughcache/docker-hub"}],
     ["acr", "upstream_registry_url", "azurecr.io"]),
    ([{"prefix": "up", "upstream": "ecr", "upstream_registry_url": "111122223333.dkr.ecr.eu-west-1.amazonaws.com"}],
     ["custom_role_arn", "ecr"]),
    ([{"prefix": "quay", "upstream": "quay", "upstream_registry_url": "ghcr.io"}], ["quay.io", "ghcr.io"]),
    ([{"prefix": "k8s", "upstream": "k8s"}, {"prefix": "k8s", "upstream": "k8s"}], ["k8s", "twice"]),
]


@pytest.mark.parametrize("rules_arg,words", BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_fails_before_any_change(aws, ptc, rules_arg, words):
    # a valid rule first: nothing of it may be created either
    rc, result, out = ptc.run([{"prefix": "ecr-public", "upstream": "ecr-public"}] + rules_arg)
    assert rc != 0, out
    for word in words:
        assert word in result["msg"], (word, result["msg"])
    assert aws.server.mutating_requests() == {} and ptc.rules() == {}
    assert "Traceback" not in out


def test_china_regions_are_refused_before_any_call(aws, ptc):
    env = dict(aws.env, AWS_REGION="cn-north-1")
    rc, result, out = run_module("ecr_pull_through_cache", {"rules": [{"prefix": "k8s", "upstream": "k8s"}]}, env)
    assert rc != 0 and "China" in result["msg"], out
    assert aws.server.requests() == {}
