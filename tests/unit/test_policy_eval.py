"""The endpoint-policy evaluator: IAM's rules one by one, AWS's documented examples, Hypothesis properties
judged by an independent reference (tests/support/reference_policy_eval.py), and pull_blockers."""

import fnmatch
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.privatelink.ecr.plugins.module_utils import _policy_eval as ev
from ansible_collections.privatelink.ecr.tests.support import reference_policy_eval as ref

REGION = "eu-west-1"
ACCOUNT = "111122223333"
ORG = "o-abcdefghij"
VPC = "vpc-0a1b2c3d"
VPCE = "vpce-0a1b2c3d"
REPO = "arn:aws:ecr:eu-west-1:111122223333:repository/app"
LAYERS = "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"


def request(action="ecr:BatchGetImage", resource=REPO, account=ACCOUNT, **context):
    base = {"aws:PrincipalAccount": account, "aws:PrincipalOrgID": ORG, "aws:ResourceAccount": ACCOUNT,
            "aws:ResourceOrgID": ORG, "aws:SourceVpc": VPC, "aws:SourceVpce": VPCE}
    base.update(context)
    return ev.Request(action, resource, account, base)


def allow(**extra):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    if "NotAction" in extra:
        statement.pop("Action")
    if "NotResource" in extra:
        statement.pop("Resource")
    statement.update(extra)
    return {k: v for k, v in statement.items() if v is not None}


def deny(**extra):
    statement = dict(allow(**extra), Effect="Deny")
    return statement


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def decision(doc, req=None):
    return ev.evaluate(doc, req or request()).decision


# ---------------------------------------------------------------- IAM's rules

def test_no_policy_is_the_default_full_access():
    assert ev.evaluate(None, request()).allowed


def test_default_deny_without_a_matching_allow():
    assert decision(policy(allow(Action="s3:*"))) == ev.IMPLICIT_DENY


def test_explicit_deny_wins_over_any_allow():
    assert decision(policy(allow(), deny(Action="ecr:BatchGetImage"))) == ev.EXPLICIT_DENY


def test_a_single_statement_object_is_accepted():
    assert ev.evaluate({"Statement": allow()}, request()).allowed


@pytest.mark.parametrize("pattern,hit", [
    ("ecr:*", True), ("ECR:batchgetimage", True), ("ecr:Batch*", True), ("ecr:BatchGetImag?", True),
    ("ecr:Batch?etImage", True), ("ecr:Get*", False), ("ecr:BatchGetImage?", False), ("*", True),
    ("e?r:*", True), ("s3:*", False)])
def test_action_wildcards_and_case(pattern, hit):
    assert (decision(policy(allow(Action=pattern))) == ev.ALLOWED) is hit


@pytest.mark.parametrize("pattern,hit", [
    ("*", True), ("arn:aws:ecr:*:*:repository/*", True), ("arn:aws:ecr:eu-west-1:111122223333:repository/a??", True),
    ("arn:aws:ecr:eu-west-1:111122223333:repository/App", False),   # resources are case-sensitive
    ("arn:aws:ecr:eu-west-1:444455556666:repository/*", False),
    ("arn:aws:ecr:eu-west-1:1111?2223333:repository/app", True),
    ("arn:aws:ecr:eu-west-1:111122223333:repository/ap", False),
    ("arn:aws:*:eu-west-1:111122223333:repository/app", True),
    ("arn:aws:ecr:eu-*-1:111122223333:*", True)])
def test_resource_arn_segments(pattern, hit):
    assert (decision(policy(allow(Resource=pattern))) == ev.ALLOWED) is hit


def test_resource_star_request_only_matches_star():
    token = request("ecr:GetAuthorizationToken", "*")
    assert ev.evaluate(policy(allow(Resource="arn:aws:ecr:*:*:repository/*")), token).decision == ev.IMPLICIT_DENY
    assert ev.evaluate(policy(allow()), token).allowed


def test_not_action_and_not_resource():
    assert decision(policy(allow(NotAction="s3:*"))) == ev.ALLOWED
    assert decision(policy(allow(NotAction=["ecr:Batch*"]))) == ev.IMPLICIT_DENY
    assert decision(policy(allow(), deny(NotResource=REPO))) == ev.ALLOWED
    assert decision(policy(allow(), deny(NotResource="arn:aws:ecr:*:*:repository/other"))) == ev.EXPLICIT_DENY


@pytest.mark.parametrize("principal,hit", [
    ("*", True), ({"AWS": "*"}, True), ({"AWS": ["*"]}, True), ({"AWS": ACCOUNT}, True),
    ({"AWS": "arn:aws:iam::%s:root" % ACCOUNT}, True), ({"AWS": "444455556666"}, False),
    ({"Service": "ecs-tasks.amazonaws.com"}, False), ({"AWS": ["444455556666", "*"]}, True),
    ({"AWS": ["444455556666", "arn:aws:iam::%s:root" % ACCOUNT]}, True)])
def test_principals(principal, hit):
    assert (decision(policy(allow(Principal=principal))) == ev.ALLOWED) is hit


def test_not_principal():
    assert decision(policy(allow(), deny(NotPrincipal={"AWS": ACCOUNT}, Principal=None))) == ev.ALLOWED
    doc = policy(allow(), {"Effect": "Deny", "NotPrincipal": {"AWS": "444455556666"}, "Action": "*",
                           "Resource": "*"})
    assert decision(doc) == ev.EXPLICIT_DENY


def test_a_named_role_of_the_account_cannot_be_decided_and_is_recorded():
    doc = policy(allow(Principal={"AWS": "arn:aws:iam::%s:role/task-execution" % ACCOUNT}))
    verdict = ev.evaluate(doc, request())
    assert verdict.decision == ev.IMPLICIT_DENY
    assert verdict.unevaluated and "role" in verdict.unevaluated[0][1]


@pytest.mark.parametrize("condition,hit", [
    ({"StringEquals": {"aws:PrincipalOrgID": ORG}}, True),
    ({"StringEquals": {"aws:principalorgid": ORG}}, True),                       # keys are case-insensitive
    ({"StringEquals": {"aws:PrincipalOrgID": ["o-zzzzzzzzzz", ORG]}}, True),    # values are alternatives
    ({"StringEquals": {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}}, False),
    ({"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}, False),
    ({"StringLike": {"aws:SourceVpce": "vpce-0a*"}}, True),
    ({"StringNotLike": {"aws:SourceVpc": "vpc-9*"}}, True),
    ({"StringEqualsIgnoreCase": {"aws:SourceVpc": VPC.upper()}}, True),
    ({"StringEquals": {"aws:SourceVpc": VPC, "aws:ResourceAccount": "444455556666"}}, False),   # keys AND
    ({"StringEquals": {"aws:SourceVpc": VPC}, "StringLike": {"aws:ResourceOrgID": "o-*"}}, True),
    ({"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": ORG}}, True),
    ({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}}, False),
    ({"Null": {"aws:SourceVpce": "false"}}, True),
    ({"Null": {"aws:SourceVpce": "true"}}, False),
    ({"StringEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}, True),
])
def test_evaluated_conditions(condition, hit):
    verdict = ev.evaluate(policy(allow(Condition=condition)), request())
    assert verdict.allowed is hit
    assert verdict.unevaluated == []


@pytest.mark.parametrize("operator,hit", [
    ("StringEquals", False), ("StringNotEquals", True), ("StringEqualsIfExists", True),
    ("ForAnyValue:StringEquals", False), ("ForAllValues:StringEquals", True)])
def test_absent_keys(operator, hit):
    # No organization: aws:PrincipalOrgID is not in the request.
    req = request(**{"aws:PrincipalOrgID": None})
    verdict = ev.evaluate(policy(allow(Condition={operator: {"aws:PrincipalOrgID": ORG}})), req)
    assert verdict.allowed is hit


def test_unknown_condition_key_allow_grants_nothing_and_is_recorded():
    doc = policy(allow(Sid="Tagged", Condition={"StringEquals": {"aws:PrincipalTag/team": "platform"}}))
    verdict = ev.evaluate(doc, request())
    assert verdict.decision == ev.IMPLICIT_DENY
    assert verdict.unevaluated == [("statement 'Tagged'", "condition key aws:PrincipalTag/team")]


def test_unknown_condition_key_deny_denies_nothing_and_is_recorded():
    doc = policy(allow(), deny(Sid="NoTls", Condition={"Bool": {"aws:SecureTransport": "false"}}))
    verdict = ev.evaluate(doc, request())
    assert verdict.allowed and verdict.unevaluated[0][0] == "statement 'NoTls'"


def test_unknown_statements_that_cannot_change_the_outcome_are_not_recorded():
    doc = policy(allow(), allow(Condition={"Bool": {"aws:PrincipalIsAWSService": "true"}}))
    assert ev.evaluate(doc, request()).unevaluated == []
    doc = policy(deny(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}}))
    assert ev.evaluate(doc, request()).unevaluated == []


def test_unknown_operator_is_undecidable():
    verdict = ev.evaluate(policy(allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})), request())
    assert not verdict.allowed and verdict.unevaluated


def test_outside_principal_matches_only_everyone():
    outside = ev.Request("s3:GetObject", "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/x", ev.OUTSIDE_ACCOUNT,
                         {"aws:PrincipalAccount": ev.OUTSIDE_ACCOUNT, "aws:PrincipalOrgID": ev.OUTSIDE_ORG})
    assert ev.evaluate(policy(allow()), outside).allowed
    assert not ev.evaluate(policy(allow(Principal={"AWS": ACCOUNT})), outside).allowed
    assert not ev.evaluate(policy(allow(Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}})), outside).allowed
    assert ev.evaluate(policy(allow(Condition={"StringNotEquals": {"aws:PrincipalOrgID": ORG}})), outside).allowed
    assert ev.evaluate(policy(allow(Condition={"StringLike": {"aws:PrincipalAccount": "*"}})), outside).allowed
    assert not ev.evaluate(policy(allow(Condition={"StringLike": {"aws:PrincipalAccount": "1*"}})), outside).allowed


# ---------------------------------------------------------------- Hypothesis properties

LITERAL = st.text(alphabet="abcXYZ019:/-_.", min_size=0, max_size=12)


@given(st.text(alphabet="ab*?:/", max_size=10), st.text(alphabet="ab:/", max_size=10))
def test_wildcards_agree_with_a_reference_glob(pattern, value):
    # fnmatchcase has the same * and ? (the alphabet has no [ ] sets) and also matches the whole string.
    assert ev.wildcard_match(pattern, value) == fnmatch.fnmatchcase(value, pattern)


@given(st.lists(LITERAL, min_size=1, max_size=4), st.data())
def test_any_value_matches_the_pattern_made_by_starring_parts_of_it(parts, data):
    value = "".join(parts)
    # Keep some parts, replace the others by "*": the kept parts still appear in order.
    starred = "*" + "*".join(part if data.draw(st.booleans()) else "" for part in parts) + "*"
    assert ev.wildcard_match(starred, value)
    assert ev.wildcard_match("*".join(parts), value)
    if value:
        index = data.draw(st.integers(0, len(value) - 1))
        assert ev.wildcard_match(value[:index] + "?" + value[index + 1:], value)
        assert not ev.wildcard_match(value[:index] + "?" + value[index:], value)  # one character too many


@given(st.text(alphabet="ecrBatchGetImage:*?", min_size=1, max_size=20), st.randoms())
def test_action_match_ignores_case(pattern, rnd):
    mixed = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in pattern)
    assert ev.action_matches(pattern, "ecr:BatchGetImage") == ev.action_matches(mixed, "ecr:BatchGetImage")


STATEMENT = st.fixed_dictionaries({
    "Effect": st.sampled_from(["Allow", "Deny"]),
    "Action": st.sampled_from(["*", "ecr:*", "ecr:BatchGetImage", "s3:*", "ecr:Get*", ["logs:*", "ecr:Batch*"]]),
    "Resource": st.sampled_from(["*", REPO, "arn:aws:ecr:*:*:repository/*", "arn:aws:s3:::bucket/*"]),
}, optional={
    "Principal": st.sampled_from(["*", {"AWS": ACCOUNT}, {"AWS": "444455556666"}]),
    "Condition": st.sampled_from([
        {"StringEquals": {"aws:PrincipalOrgID": ORG}}, {"StringEquals": {"aws:SourceVpce": "vpce-other"}},
        {"StringEquals": {"aws:PrincipalTag/team": "x"}}]),
})


@given(st.lists(STATEMENT, max_size=6), st.randoms())
@settings(max_examples=200)
def test_statement_order_does_not_matter(statements, rnd):
    shuffled = list(statements)
    rnd.shuffle(shuffled)
    assert decision(policy(*statements)) == decision(policy(*shuffled))


@given(st.lists(STATEMENT, max_size=6))
@settings(max_examples=200)
def test_a_matching_deny_always_wins(statements):
    assert decision(policy(*(statements + [deny(Action="ecr:BatchGetImage", Resource=REPO)]))) == ev.EXPLICIT_DENY


@given(st.sampled_from(["ecr:*", "ecr:BatchGetImage", "s3:*", "*", "ecr:Get*"]))
def test_not_action_is_the_complement_of_action(pattern):
    with_action = ev.evaluate(policy(allow(Action=pattern)), request()).allowed
    with_not_action = ev.evaluate(policy(allow(NotAction=pattern)), request()).allowed
    assert with_action != with_not_action


# ---------------------------------------------------------------- pull_blockers

def blockers(service, doc, org=ORG):
    return ev.pull_blockers(service, doc, REGION, ACCOUNT, org, VPC, VPCE)


def test_pull_blockers_default_policy_and_other_services_pass():
    for service in ("ecr.api", "ecr.dkr", "logs", "s3"):
        assert blockers(service, None) == []
    assert blockers("sts", policy(deny())) == []


def test_pull_blockers_accepts_a_json_string():
    assert blockers("ecr.dkr", json.dumps(policy(allow()))) == []
    assert blockers("ecr.dkr", json.dumps(policy(deny()))) != []


def test_ecr_api_without_the_authorization_token():
    doc = policy(allow(Action=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]))
    (reason,) = blockers("ecr.api", doc)
    assert "ecr:GetAuthorizationToken" in reason
    assert blockers("ecr.dkr", doc) == []


def test_s3_restricted_to_the_teams_buckets_breaks_pulls():
    doc = policy(allow(Action="s3:*", Resource=["arn:aws:s3:::team-artifacts", "arn:aws:s3:::team-artifacts/*"]))
    (reason,) = blockers("s3", doc)
    assert "s3:GetObject" in reason and "prod-eu-west-1-starport-layer-bucket" in reason


def test_s3_layer_bucket_with_an_org_condition_breaks_pulls():
    doc = policy(allow(Action="s3:GetObject", Resource=LAYERS,
                       Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}}))
    assert blockers("s3", doc) != []
    assert blockers("s3", policy(allow(Action="s3:GetObject", Resource=LAYERS))) == []


def test_reasons_say_when_the_verdict_rests_on_an_unevaluated_statement():
    doc = policy(allow(Sid="ByTag", Condition={"StringEquals": {"aws:PrincipalTag/team": "x"}}))
    reasons = blockers("ecr.dkr", doc)
    assert reasons and ev.depends_on_unevaluated(reasons) and "aws:PrincipalTag/team" in reasons[0]
    assert not ev.depends_on_unevaluated(blockers("ecr.dkr", policy(allow(Action="s3:*"))))


def test_some_repository_is_enough():
    doc = policy(allow(Action="ecr:*", Resource="arn:aws:ecr:eu-west-1:111122223333:repository/team-a/*"),
                 allow(Action="ecr:GetAuthorizationToken"))
    assert blockers("ecr.api", doc) == []
    # ... but the two pull actions must meet on one repository.
    split = policy(allow(Action="ecr:BatchGetImage", Resource="arn:aws:ecr:*:*:repository/a-*"),
                   allow(Action="ecr:GetDownloadUrlForLayer", Resource="arn:aws:ecr:*:*:repository/b-*"))
    assert blockers("ecr.dkr", split) != []


def test_logs_group_forms():
    for resource in ("arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app:*",
                     "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/*",
                     "arn:aws:logs:*:*:*"):
        assert blockers("logs", policy(allow(Action=["logs:CreateLogStream", "logs:PutLogEvents"],
                                             Resource=resource))) == [], resource
    other_account = policy(allow(Action="logs:*", Resource="arn:aws:logs:eu-west-1:444455556666:log-group:*"))
    assert len(blockers("logs", other_account)) == 2


def test_no_organization_breaks_an_org_only_policy():
    doc = policy(allow(Condition={"StringEquals": {"aws:PrincipalOrgID": ORG}}))
    assert blockers("ecr.dkr", doc) == []
    assert blockers("ecr.dkr", doc, org=None) != []


def test_partitions():
    assert ev.partition_of("cn-north-1") == "aws-cn" and ev.partition_of("us-gov-west-1") == "aws-us-gov"
    reasons = ev.pull_blockers("s3", policy(allow(Action="s3:GetObject", Resource=LAYERS)), "cn-north-1",
                               ACCOUNT, ORG, VPC, VPCE)
    assert reasons and "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket" in reasons[0]


# ---------------------------------------------------------------- AWS's documented examples
# Each row: a statement list from an IAM user guide page, a request, and the decision the page states.
# Both the evaluator and the reference must reach it.
DOCUMENTED = [
    # "The difference between explicit and implicit denies": AllowGetList allows iam:Get* / iam:List*,
    # DenyReports denies every action with "Report" in its name; iam:CreatePolicy is implicitly denied.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
    ("interplay", [{"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"},
                   {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"}],
     [("iam:GetUser", "*", ref.ALLOW), ("iam:ListRoles", "*", ref.ALLOW),
      ("iam:CreatePolicy", "*", ref.IMPLICIT_DENY),
      ("iam:GetOrganizationsAccessReport", "*", ref.EXPLICIT_DENY),
      ("iam:GenerateCredentialReport", "*", ref.EXPLICIT_DENY)]),
    # "IAM JSON policy elements: NotAction", NotAction with Allow: every S3 action on any S3 resource except
    # s3:DeleteBucket; not s3:ListAllMyBuckets, which needs the "*" resource.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
    ("notaction-s3", [{"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}],
     [("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/photo.jpg", ref.ALLOW),
      ("s3:DeleteBucket", "arn:aws:s3:::amzn-s3-demo-bucket", ref.IMPLICIT_DENY),
      ("s3:ListAllMyBuckets", "*", ref.IMPLICIT_DENY)]),
    # Same page: every action of every service except IAM's.
    ("notaction-iam", [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
     [("ec2:RunInstances", "*", ref.ALLOW), ("IAM:CreateUser", "*", ref.IMPLICIT_DENY)]),
    # "IAM JSON policy elements: NotResource": deny everything outside one bucket, allow S3 in general.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
    ("notresource", [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                     {"Effect": "Deny", "Action": "s3:*",
                      "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}],
     [("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/march.csv", ref.ALLOW),
      ("s3:GetObject", "arn:aws:s3:::HRBucket/Other/march.csv", ref.EXPLICIT_DENY)]),
    # "IAM JSON policy elements: Resource", wildcards: one pattern covers every object of a bucket; the
    # IAM user name is case sensitive; a trailing * of a segment may expand beyond the colons.
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
    ("resource", [{"Effect": "Allow", "Action": "*",
                   "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/*", "arn:aws:iam::111122223333:user/Bob",
                                "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/*"]}],
     [("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/1/test/object.jpg", ref.ALLOW),
      ("iam:GetUser", "arn:aws:iam::111122223333:user/Bob", ref.ALLOW),
      ("iam:GetUser", "arn:aws:iam::111122223333:user/bob", ref.IMPLICIT_DENY),
      ("logs:PutLogEvents", "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app:log-stream:x", ref.ALLOW),
      ("s3:GetObject", "arn:aws:s3:::other-bucket/x", ref.IMPLICIT_DENY)]),
]


@pytest.mark.parametrize("name,statements,cases", DOCUMENTED, ids=[row[0] for row in DOCUMENTED])
def test_aws_documented_examples(name, statements, cases):
    doc = policy(*statements)
    for action, resource, expected in cases:
        req = request(action, resource)
        assert ref.decide(doc, reference_request(req)) == expected, (name, action, resource)
        assert DECISIONS[ev.evaluate(doc, req).decision] == expected, (name, action, resource)


# "IAM JSON policy elements: Condition operators": a key absent from the request makes the condition false,
# except for a negated operator (true), ...IfExists (true) and Null; ForAllValues with no value is true
# ("Condition with multiple context keys or values"); values of one key are alternatives, keys are ANDed.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
CONDITION_TABLE = [
    # operator, policy values, request value (None: absent), holds
    ("StringEquals", ORG, ORG, True), ("StringEquals", ORG, None, False), ("StringEquals", ORG, "o-other", False),
    ("StringNotEquals", ORG, None, True), ("StringNotEquals", ORG, ORG, False),
    ("StringNotEquals", ["o-other", ORG], ORG, False), ("StringNotEquals", ["o-other", "o-third"], ORG, True),
    ("StringEqualsIfExists", ORG, None, True), ("StringEqualsIfExists", ORG, "o-other", False),
    ("StringNotEqualsIfExists", ORG, None, True), ("StringNotEqualsIfExists", ORG, ORG, False),
    ("StringLike", "o-abc*", ORG, True), ("StringLike", "o-abc*", None, False), ("StringLike", "o-?", ORG, False),
    ("StringNotLike", "o-abc*", None, True), ("StringNotLike", "o-abc*", ORG, False),
    ("StringEqualsIgnoreCase", ORG.upper(), ORG, True), ("StringNotEqualsIgnoreCase", ORG.upper(), ORG, False),
    ("StringNotEqualsIgnoreCase", "O-OTHER", ORG, True),
    ("StringEquals", ORG.upper(), ORG, False),
    ("ForAnyValue:StringEquals", ORG, None, False), ("ForAllValues:StringEquals", ORG, None, True),
    ("ForAllValues:StringEquals", ORG, ORG, True), ("ForAllValues:StringEquals", "o-other", ORG, False),
    ("Null", "true", None, True), ("Null", "true", ORG, False), ("Null", "false", ORG, True),
    ("Null", "false", None, False),
]


@pytest.mark.parametrize("operator,values,actual,holds", CONDITION_TABLE)
def test_condition_operator_table(operator, values, actual, holds):
    doc = policy(allow(Condition={operator: {"aws:PrincipalOrgID": values}}))
    req = request(**{"aws:PrincipalOrgID": actual})
    assert ev.evaluate(doc, req).allowed is holds
    assert (ref.decide(doc, reference_request(req)) == ref.ALLOW) is holds


# ---------------------------------------------------------------- agreement with the reference

DECISIONS = {ev.ALLOWED: ref.ALLOW, ev.EXPLICIT_DENY: ref.EXPLICIT_DENY, ev.IMPLICIT_DENY: ref.IMPLICIT_DENY}
OTHER_ACCOUNT = "444455556666"


def reference_value(value):
    return ref.SOMEONE_ELSE if isinstance(value, ev.Unknown) else value


def reference_request(req):
    """The same request, for the reference (which shares no type with the evaluator)."""
    return ref.make_request(req.action, req.resource, reference_value(req.principal_account),
                            {key: reference_value(value) for key, value in req.context.items()})


ACTION_PATTERNS = ["*", "ecr:*", "ecr:BatchGetImage", "ECR:batch*", "ecr:Get*", "s3:*", "s3:GetObject",
                   "logs:*", "logs:Put?ogEvents", "ecr:GetAuthorizationToken", "sts:*"]
RESOURCE_PATTERNS = ["*", REPO, "arn:aws:ecr:*:*:repository/*", "arn:aws:ecr:eu-west-1:111122223333:*",
                     "arn:aws:ecr:eu-west-1:%s:repository/*" % OTHER_ACCOUNT, "arn:aws:ecr:*:*:repository/a??",
                     LAYERS, "arn:aws:s3:::team-bucket/*", "arn:aws:logs:*:*:*",
                     "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/*"]
PRINCIPALS = ["*", {"AWS": "*"}, {"AWS": ACCOUNT}, {"AWS": "arn:aws:iam::%s:root" % ACCOUNT},
              {"AWS": OTHER_ACCOUNT}, {"AWS": [OTHER_ACCOUNT, ACCOUNT]}, {"AWS": [OTHER_ACCOUNT, "*"]},
              {"Service": "ecs-tasks.amazonaws.com"}, {"AWS": "arn:aws:iam::%s:role/task" % ACCOUNT}]
CONDITION_KEYS = ["aws:PrincipalOrgID", "aws:principalaccount", "aws:SourceVpce", "aws:ResourceAccount",
                  "aws:PrincipalTag/team"]
CONDITION_OPERATORS = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase",
                       "StringEqualsIfExists", "StringNotEqualsIfExists", "ForAnyValue:StringEquals",
                       "ForAllValues:StringLike", "Null", "Bool", "IpAddress"]
CONDITION_VALUES = [ORG, ACCOUNT, VPCE, "o-*", "vpce-0a*", "*", "true", "false", ORG.upper(), [ORG, OTHER_ACCOUNT],
                    "${aws:PrincipalAccount}", "x"]


def one_or_more(pool):
    return st.sampled_from(pool) | st.lists(st.sampled_from(pool), min_size=1, max_size=3)


@st.composite
def statements(draw):
    statement = {"Effect": draw(st.sampled_from(["Allow", "Deny"]))}
    statement["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = \
        draw(one_or_more(ACTION_PATTERNS))
    if draw(st.booleans()):
        statement["NotResource" if draw(st.booleans()) and draw(st.booleans()) else "Resource"] = \
            draw(one_or_more(RESOURCE_PATTERNS))
    principal = draw(st.sampled_from(["Principal", "NotPrincipal", None, "Principal"]))
    if principal:
        statement[principal] = draw(st.sampled_from(PRINCIPALS))
    if draw(st.booleans()):
        statement["Condition"] = draw(st.dictionaries(
            st.sampled_from(CONDITION_OPERATORS),
            st.dictionaries(st.sampled_from(CONDITION_KEYS), st.sampled_from(CONDITION_VALUES), min_size=1,
                            max_size=2), min_size=1, max_size=2))
    return statement


@st.composite
def requests(draw):
    account = draw(st.sampled_from([ACCOUNT, OTHER_ACCOUNT, ev.OUTSIDE_ACCOUNT]))
    outside = account is ev.OUTSIDE_ACCOUNT
    context = {"aws:PrincipalAccount": account,
               "aws:PrincipalOrgID": draw(st.sampled_from([ORG, None, ev.OUTSIDE_ORG if outside else "o-zzzz"])),
               "aws:ResourceAccount": draw(st.sampled_from([ACCOUNT, None])),
               "aws:SourceVpce": draw(st.sampled_from([VPCE, "vpce-0a999", None]))}
    action = draw(st.sampled_from(["ecr:BatchGetImage", "ecr:GetAuthorizationToken", "s3:GetObject",
                                   "logs:PutLogEvents", "sts:AssumeRole"]))
    resource = draw(st.sampled_from([REPO, "arn:aws:ecr:eu-west-1:111122223333:repository/abc",
                                     "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/sha256-x", "*",
                                     "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/app:log-stream:x"]))
    return ev.Request(action, resource, account, context)


@given(st.lists(statements(), min_size=1, max_size=5), requests())
@settings(max_examples=250, deadline=None)
def test_the_evaluator_agrees_with_the_reference(statement_list, req):
    doc = policy(*statement_list)
    assert DECISIONS[ev.evaluate(doc, req).decision] == ref.decide(doc, reference_request(req))


# What a pull asks (ref.pull_needs, from the ECR user guide), decided by the reference: the resource
# patterns below name every repository / log group of the account or none, so one name stands for "some
# repository".
PULL_RESOURCES = ["*", "arn:aws:ecr:*:*:repository/*", "arn:aws:ecr:eu-west-1:111122223333:*",
                  "arn:aws:ecr:eu-west-1:%s:repository/*" % OTHER_ACCOUNT, LAYERS, "arn:aws:s3:::team-bucket/*",
                  "arn:aws:logs:*:*:*", "arn:aws:logs:eu-west-1:%s:log-group:*" % OTHER_ACCOUNT]
PULL_ACTIONS = ["*", "ecr:*", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken",
                "s3:GetObject", "s3:*", "logs:CreateLogStream", "logs:PutLogEvents", "logs:*"]


@st.composite
def pull_statements(draw):
    statement = {"Effect": draw(st.sampled_from(["Allow", "Allow", "Deny"])),
                 "Action": draw(one_or_more(PULL_ACTIONS)), "Resource": draw(one_or_more(PULL_RESOURCES)),
                 "Principal": draw(st.sampled_from(PRINCIPALS[:7]))}
    if draw(st.booleans()):
        statement["Condition"] = {draw(st.sampled_from(CONDITION_OPERATORS[:9])): {
            draw(st.sampled_from(["aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:SourceVpce",
                                  "aws:ResourceOrgID"])): draw(st.sampled_from([ORG, ACCOUNT, VPCE, "o-*", "*"]))}}
    return statement


@given(st.sampled_from(ev.PULL_SERVICES), st.lists(pull_statements(), min_size=1, max_size=4),
       st.sampled_from([ORG, None]))
@settings(max_examples=200, deadline=None)
def test_pull_blockers_agree_with_the_reference(service, statement_list, org):
    doc = policy(*statement_list)
    reasons = blockers(service, doc, org=org)
    assert (reasons == []) == ref.pull_passes(service, doc, REGION, ACCOUNT, org, VPC, VPCE)
    assert all(isinstance(reason, str) and reason for reason in reasons)
