"""Policies compare as documents; bad ones are rejected with the option's name."""

import json

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils._policy import (
    is_full_access,
    parse_current,
    parse_policy,
    policies_equal,
)

ECR_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Pull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
     "Resource": "*"}]}


def test_string_and_dict_are_the_same_policy():
    assert parse_policy(json.dumps(ECR_ONLY), "policy") == ECR_ONLY
    assert parse_policy(ECR_ONLY, "policy") == ECR_ONLY


@pytest.mark.parametrize("empty", [None, "", {}])
def test_no_policy(empty):
    assert parse_policy(empty, "policy") is None


def test_order_spelling_and_whitespace_do_not_matter():
    reordered = {"Statement": [{"Resource": ["*"], "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                                "Principal": {"AWS": "*"}, "Effect": "Allow", "Sid": "Pull"}],
                 "Version": "2012-10-17"}
    assert policies_equal(ECR_ONLY, reordered)
    assert policies_equal(ECR_ONLY, parse_current(json.dumps(reordered, indent=4)))


def test_a_different_action_is_a_different_policy():
    other = json.loads(json.dumps(ECR_ONLY))
    other["Statement"][0]["Action"].append("ecr:PutImage")
    assert not policies_equal(ECR_ONLY, other)


def test_condition_values_compare_as_sets():
    a = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-b", "o-a"]}}}]}
    b = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-a", "o-b"]}}}]}
    c = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a"}}}]}
    assert policies_equal(a, b)
    assert not policies_equal(a, c)
    assert not is_full_access(a)


def test_default_full_access_policy():
    default = {"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
                                                       "Resource": "*"}]}
    assert is_full_access(default) and is_full_access(None)
    assert policies_equal(None, default)
    assert not policies_equal(None, ECR_ONLY)


@pytest.mark.parametrize("value, words", [
    ("{not json", "policy is not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ({"Statement": []}, "non-empty \"Statement\""),
    ({"Version": "2012-10-17"}, "non-empty \"Statement\""),
    ({"Statemnt": [{}]}, "unknown top-level key(s) Statemnt"),
    ({"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Action": "*"}]}, "Version"),
    ({"Statement": [{"Effect": "Maybe", "Action": "*"}]}, "Effect"),
    ({"Statement": [{"Effect": "Allow"}]}, "needs \"Action\" or \"NotAction\""),
    ({"Statement": ["Allow"]}, "Statement[0] must be an object"),
    ({"Statement": [{"Effect": "Allow", "Action": "*", "Resourse": "*"}]}, "unknown key(s) Resourse"),
    ("x" * 20481, "at most 20480"),
])
def test_bad_policies_name_the_option(value, words):
    with pytest.raises(ValueError) as err:
        parse_policy(value, "policy")
    assert words in str(err.value)
    assert str(err.value).startswith("policy")
