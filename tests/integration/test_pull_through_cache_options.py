"""The ecr_pull_through_cache rule options no other test converges: an ECR-to-ECR rule (``upstream: ecr``) with
its ``upstream_registry_url``, ``custom_role_arn`` and ``upstream_repository_prefix``, against moto_server
with the AWS-semantics layer (tests/support/aws_semantics_ecr.py), read back with DescribePullThroughCacheRules.
"""

import boto3

from tests.support.ansible_cli import run_module

REGION = "eu-west-1"
UPSTREAM = "111122223333.dkr.ecr.%s.amazonaws.com" % REGION
ROLE = "arn:aws:iam::123456789012:role/ecr-pull-through-cache-upstream"


def read_rules(aws):
    ecr = boto3.client("ecr", region_name=REGION, endpoint_url=aws.url, aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    pages = ecr.get_paginator("describe_pull_through_cache_rules").paginate()
    return dict((r["ecrRepositoryPrefix"], r) for page in pages for r in page["pullThroughCacheRules"])


def test_an_ecr_to_ecr_rule_with_its_role_and_upstream_prefix_converges_then_changes_nothing(aws):
    rule = {"prefix": "shared", "upstream": "ecr", "upstream_registry_url": UPSTREAM, "custom_role_arn": ROLE,
            "upstream_repository_prefix": "team-a"}
    rc, result, out = run_module("ecr_pull_through_cache", {"rules": [rule]}, aws.env)
    assert rc == 0 and result["changed"], out
    found = read_rules(aws)
    assert set(found) == {"shared"}
    assert found["shared"]["upstreamRegistry"] == "ecr"
    assert found["shared"]["upstreamRegistryUrl"] == UPSTREAM
    assert found["shared"]["customRoleArn"] == ROLE
    assert found["shared"]["upstreamRepositoryPrefix"] == "team-a"
    aws.server.clear_requests()
    rc, again, out = run_module("ecr_pull_through_cache", {"rules": [rule]}, aws.env)
    assert rc == 0 and not again["changed"], out
    assert aws.server.mutating_requests() == {}
