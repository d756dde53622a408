"""Deploy and destroy converge ecr_pull_through_cache_rules once per account-region, before the endpoints.

Two VPC hosts of one account and region share their rules (one registry: converged by one host, never
twice); a third host in another account has its own. Rules are read back per account; a re-run sends
no mutating call; destroy removes the listed rules only.
"""

import pytest

from tests.integration.test_playbooks import ACCOUNTS, REGION, ec2_in, playbook_env, role_arn, run, write_inventory
from tests.support.ansible_cli import recap
from tests.support.seed import client, live_endpoints, seed_private_vpc

pytestmark = pytest.mark.integration

SHARED = [{"prefix": "ecr-public", "upstream": "ecr-public"},
          {"prefix": "docker-hub", "upstream": "docker-hub", "credential_secret": "ecr-pullthroughcache/docker-hub"}]
OWN = [{"prefix": "k8s", "upstream": "k8s"}]


def ecr_in(moto, account):
    return client("ecr", moto.url, REGION, role_arn(account))


def prefixes(moto, account):
    pages = ecr_in(moto, account).get_paginator("describe_pull_through_cache_rules").paginate()
    return sorted(rule["ecrRepositoryPrefix"] for page in pages for rule in page["pullThroughCacheRules"])


def fleet(moto, tmp_path, shared=None, second=None):
    shared, second = shared or SHARED, second or SHARED
    one, two = ACCOUNTS[0], ACCOUNTS[1]
    client("secretsmanager", moto.url, REGION, role_arn(one)).create_secret(
        Name="ecr-pullthroughcache/docker-hub", SecretString='{"username": "u", "accessToken": "t"}')
    vpcs = [seed_private_vpc(ec2_in(moto, one), name) for name in ("apps", "data")]
    seed_private_vpc(ec2_in(moto, two), "apps")
    return write_inventory(tmp_path / "hosts.json", moto, [
        ("one-apps", one, {"vpc_name": "apps", "ecr_pull_through_cache_rules": shared}),
        ("one-data", one, {"vpc_name": "data", "ecr_pull_through_cache_rules": second}),
        ("two-apps", two, {"vpc_name": "apps", "ecr_pull_through_cache_rules": OWN})]), vpcs


def test_rules_converge_once_per_account_region_before_the_endpoints_and_destroy_removes_them(moto, tmp_path):
    inventory, vpcs = fleet(moto, tmp_path)
    # a rule the inventory does not list: deploy and destroy leave it alone
    ecr_in(moto, ACCOUNTS[0]).create_pull_through_cache_rule(ecrRepositoryPrefix="quay", upstreamRegistryUrl="quay.io")
    moto.clear_requests()

    first = run("playbooks/deploy.yml", inventory, playbook_env())

    out, sent = first.stdout + first.stderr, moto.requests()
    assert first.returncode == 0, out
    # one registry, one converging host: 2 rules in account one, 1 in account two, never twice
    assert sent["ecr.CreatePullThroughCacheRule"] == 3 and sent["ecr.DescribePullThroughCacheRules"] == 2
    assert prefixes(moto, ACCOUNTS[0]) == ["docker-hub", "ecr-public", "quay"]
    assert prefixes(moto, ACCOUNTS[1]) == ["k8s"]
    # before the endpoints
    assert out.index("Converge the registry's pull-through cache rules") < out.index("Converge the hubs")
    assert all(live_endpoints(ec2_in(moto, ACCOUNTS[0]), vpc["vpc_id"]) for vpc in vpcs)
    assert set(recap(first.stdout)) == {"one-apps", "one-data", "two-apps"}

    moto.clear_requests()
    second = run("playbooks/deploy.yml", inventory, playbook_env())
    assert second.returncode == 0, second.stdout + second.stderr
    assert {r["changed"] for r in recap(second.stdout).values()} == {0}
    assert moto.mutating_requests() == {}

    destroy = run("playbooks/destroy.yml", inventory, playbook_env())
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert prefixes(moto, ACCOUNTS[0]) == ["quay"] and prefixes(moto, ACCOUNTS[1]) == []


def test_hosts_of_one_registry_with_other_rules_fail_before_any_change(moto, tmp_path):
    inventory, _vpcs = fleet(moto, tmp_path, second=SHARED[:1])
    moto.clear_requests()
    result = run("playbooks/deploy.yml", inventory, playbook_env())
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "ecr_pull_through_cache_rules differ" in out and "one-data" in out
    assert moto.mutating_requests() == {}
    assert prefixes(moto, ACCOUNTS[0]) == [] and prefixes(moto, ACCOUNTS[1]) == []
