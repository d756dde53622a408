"""Every module's RETURN block says exactly what it returns: documented keys against a real run's
result, nested ``contains`` included (issue 16). A key returned but not documented, or documented
``returned: always`` but missing, fails."""

import importlib

import pytest
import yaml

from tests.integration.moto_vpc import endpoint_args
from tests.support.ansible_cli import run_module

# Keys Ansible itself adds to every result, not the module's to document.
ANSIBLE_KEYS = {"changed", "invocation", "warnings", "deprecations", "failed", "msg", "_ansible_no_log"}


def documented(module):
    source = importlib.import_module("ansible_collections.privatelink.ecr.plugins.modules.%s" % module)
    return yaml.safe_load(source.RETURN)


def compare(doc, result, where):
    """The keys of ``result`` match ``doc`` (a RETURN mapping); recurse into ``contains``."""
    undocumented = sorted(set(result) - set(doc) - ANSIBLE_KEYS)
    assert not undocumented, "%s returns undocumented keys %s" % (where, undocumented)
    for key, spec in doc.items():
        if key not in result:
            assert spec.get("returned", "always") != "always", "%s: %s is documented as always returned" % (where, key)
            continue
        value, contains = result[key], spec.get("contains")
        if contains is None or value is None:
            continue
        if spec["type"] == "list":
            for index, item in enumerate(value):
                compare(contains, item, "%s.%s[%d]" % (where, key, index))
        elif spec["type"] == "dict" and set(contains) & set(value):
            compare(contains, value, "%s.%s" % (where, key))
        elif spec["type"] == "dict":
            # A dict keyed by name (endpoints by service): each value has the documented shape.
            for name, item in value.items():
                compare(contains, item, "%s.%s.%s" % (where, key, name))


def test_ecr_private_endpoints_returns_what_it_documents(aws, private_vpc):
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(
        private_vpc, subnet_ids=None, route_table_ids=None, discover="always"), aws.env)
    assert rc == 0, output
    compare(documented("ecr_private_endpoints"), result, "ecr_private_endpoints")
    assert result["discovered"] and result["endpoints"] and result["changes"]
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc, state="absent"), aws.env)
    assert rc == 0, output
    compare(documented("ecr_private_endpoints"), result, "ecr_private_endpoints (absent)")


def test_ecr_private_endpoints_info_returns_what_it_documents(aws, private_vpc):
    rc, _converged, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), aws.env)
    assert rc == 0, output
    rc, result, output = run_module("ecr_private_endpoints_info", {"vpc_ids": [private_vpc.vpc_id]}, aws.env)
    assert rc == 0, output
    assert result["vpcs"][0]["findings"]
    compare(documented("ecr_private_endpoints_info"), result, "ecr_private_endpoints_info")


def test_vpc_private_subnets_info_returns_what_it_documents(aws, private_vpc):
    rc, result, output = run_module("vpc_private_subnets_info", {"vpc_id": private_vpc.vpc_id}, aws.env)
    assert rc == 0, output
    compare(documented("vpc_private_subnets_info"), result, "vpc_private_subnets_info")


@pytest.mark.parametrize("module", ["ecr_private_endpoints", "ecr_private_endpoints_info", "vpc_private_subnets_info"])
def test_a_failure_carries_the_documented_failure_fields(aws, module):
    """Every failure has msg, the SDK versions, and AWS's error when it answered (the notes of
    plugins/doc_fragments/connection.py)."""
    args = {"vpc_id": "vpc-0123456789abcdef0"} if module != "ecr_private_endpoints_info" else {
        "vpc_ids": ["vpc-0123456789abcdef0"]}
    if module == "ecr_private_endpoints":
        args.update(subnet_ids=["subnet-0123456789abcdef0"], route_table_ids=["rtb-0123456789abcdef0"])
    rc, result, output = run_module(module, args, aws.env)
    assert rc != 0
    assert result["msg"] and result["boto3_version"] and result["botocore_version"], output


def test_ecr_pull_through_cache_returns_what_it_documents(aws):
    import boto3
    secrets = boto3.client("secretsmanager", region_name=aws.region, endpoint_url=aws.url,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
    secrets.create_secret(Name="ecr-pullthroughcache/docker-hub", SecretString="{}")
    rules = [{"prefix": "k8s", "upstream": "k8s"},
             {"prefix": "docker-hub", "upstream": "docker-hub", "credential_secret": "ecr-pullthroughcache/docker-hub"}]
    env = dict(aws.env, ANSIBLE_VERBOSITY="3")  # diff mode: Ansible prints "diff" from verbosity 3
    rc, result, output = run_module("ecr_pull_through_cache", {"rules": rules}, env, diff=True)
    assert rc == 0, output
    assert result["rules"] and result["changes"] and result["diff"]["after"]["rules"]
    compare(documented("ecr_pull_through_cache"), result, "ecr_pull_through_cache")
    rc, result, output = run_module("ecr_pull_through_cache", {"rules": [{"prefix": "k8s"}], "state": "absent"},
                                    aws.env)
    assert rc == 0 and result["changes"], output
    compare(documented("ecr_pull_through_cache"), result, "ecr_pull_through_cache (absent)")
    # a failure AWS answered: msg, AWS's error and request metadata, the SDK versions
    rc, result, output = run_module("ecr_pull_through_cache", {"rules": [{
        "prefix": "hub2", "upstream": "docker-hub", "credential_secret": "ecr-pullthroughcache/missing"}]}, aws.env)
    assert rc != 0, output
    assert result["error"]["code"] == "ResourceNotFoundException" and result["response_metadata"]["request_id"]
    assert result["msg"] and result["boto3_version"] and result["botocore_version"]
