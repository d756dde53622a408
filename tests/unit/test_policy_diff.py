"""Diff mode shows the statements of a policy that change, not the whole document twice."""

import copy

from ansible_collections.privatelink.ecr.plugins.module_utils._policy import policy_diff
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import diff_views

PULL = {"Sid": "Pull", "Effect": "Allow", "Principal": "*",
        "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "*"}
AUTH = {"Sid": "Auth", "Effect": "Allow", "Principal": "*", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
LOGS = {"Sid": "Logs", "Effect": "Allow", "Principal": "*", "Action": ["logs:PutLogEvents"], "Resource": "*"}
ORG = {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
       "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"}}}


def doc(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def test_only_the_changed_statements_are_shown_with_the_count_of_the_others():
    moved = dict(ORG, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-bbbbbbbbbb"}})
    before, after = policy_diff(doc(PULL, AUTH, ORG), doc(PULL, AUTH, moved, LOGS))
    assert before == {"Version": "2012-10-17", "Statement": [ORG], "unchanged_statements": 2}
    assert after == {"Version": "2012-10-17", "Statement": [moved, LOGS], "unchanged_statements": 2}
    assert sorted(before) == sorted(after)


def test_statements_alike_in_another_spelling_or_order_are_unchanged():
    respelled = dict(AUTH, Action=["ecr:GetAuthorizationToken"], Principal={"AWS": "*"})
    before, after = policy_diff(doc(AUTH, PULL), doc(PULL, respelled, LOGS))
    assert before["Statement"] == [] and after["Statement"] == [LOGS]
    assert before["unchanged_statements"] == after["unchanged_statements"] == 2


def test_a_removed_statement_shows_before_only():
    before, after = policy_diff(doc(PULL, AUTH), doc(PULL))
    assert (before["Statement"], after["Statement"]) == ([AUTH], [])
    assert before["unchanged_statements"] == 1


def test_duplicates_count_once_each():
    before, after = policy_diff(doc(PULL, PULL, AUTH), doc(PULL, AUTH))
    assert (before["Statement"], after["Statement"]) == ([PULL], [])
    assert after["unchanged_statements"] == 2


def test_a_single_statement_object_is_a_list_of_one():
    before, after = policy_diff({"Version": "2012-10-17", "Statement": PULL}, doc(PULL, AUTH))
    assert (before["Statement"], after["Statement"], after["unchanged_statements"]) == ([], [AUTH], 1)


def test_whole_documents_when_nothing_is_alike_or_nothing_changes():
    assert policy_diff(doc(PULL), doc(ORG)) == (doc(PULL), doc(ORG))
    assert policy_diff(doc(PULL, AUTH), doc(AUTH, PULL)) == (doc(PULL, AUTH), doc(AUTH, PULL))
    # No document: AWS's default, shown as it is.
    assert policy_diff(None, doc(ORG)) == (None, doc(ORG))
    assert policy_diff(doc(ORG), None) == (doc(ORG), None)


def test_the_other_keys_of_each_document_are_kept():
    old = {"Version": "2008-10-17", "Id": "old", "Statement": [PULL, AUTH]}
    before, after = policy_diff(old, doc(PULL))
    assert (before["Version"], before["Id"], after["Version"]) == ("2008-10-17", "old", "2012-10-17")


def endpoint(policy, endpoint_id="vpce-1"):
    return {"vpc_endpoint_id": endpoint_id, "subnet_ids": ["subnet-1"], "policy": policy}


def test_the_module_diff_trims_policies_of_endpoints_on_both_sides_and_leaves_the_views_alone():
    group = {"group_id": "sg-1", "https_cidrs": ["10.0.0.0/16"]}
    before = {"endpoints": {"ecr.api": endpoint(doc(PULL, AUTH)), "s3": endpoint(doc(PULL), "vpce-2")},
              "security_group": group}
    after = {"endpoints": {"ecr.api": endpoint(doc(PULL, LOGS)), "logs": endpoint(doc(PULL, LOGS), "(new)")},
             "security_group": group}
    kept_before, kept_after = copy.deepcopy(before), copy.deepcopy(after)

    diff = diff_views(before, after)

    assert diff["before"]["endpoints"]["ecr.api"]["policy"] == {"Version": "2012-10-17", "Statement": [AUTH],
                                                                "unchanged_statements": 1}
    assert diff["after"]["endpoints"]["ecr.api"]["policy"] == {"Version": "2012-10-17", "Statement": [LOGS],
                                                               "unchanged_statements": 1}
    assert diff["before"]["endpoints"]["ecr.api"]["subnet_ids"] == ["subnet-1"]
    # Created and deleted endpoints keep their whole policy: every statement of it changes.
    assert diff["after"]["endpoints"]["logs"]["policy"] == doc(PULL, LOGS)
    assert diff["before"]["endpoints"]["s3"]["policy"] == doc(PULL)
    assert diff["before"]["security_group"] == diff["after"]["security_group"] == group
    # The views are the result's endpoints too: untouched.
    assert (before, after) == (kept_before, kept_after)
