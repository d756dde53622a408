# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoint policies evaluated as IAM does, for one request; and what an image pull needs (private).

Pure Python, no AWS call. ``evaluate(policy, request)`` answers one request; ``pull_blockers``
asks it the questions a pull asks and returns the reasons it fails (none: the pull passes). The
posture audit (``POLICY_BLOCKS_PULL``) and the deploy module's guard use this one evaluation.

Evaluation, after IAM's "Policy evaluation logic"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html and
its page "How AWS enforcement code logic evaluates requests to allow or deny access"):

* every request starts implicitly denied; a matching ``Allow`` statement allows it; a matching
  ``Deny`` statement denies it whatever else allows it (explicit deny wins); statement order does
  not matter;
* a statement matches when its principal, action, resource and condition parts all match:
  ``Action`` / ``NotAction`` patterns are case-insensitive with ``*`` and ``?`` wildcards;
  ``Resource`` / ``NotResource`` patterns are matched per ARN segment (the colon-separated parts:
  ``?`` and a ``*`` inside a segment stay in it, a ``*`` that ends a segment may expand beyond the
  colons, so ``arn:PARTITION:ecr:*`` is every ECR resource; ``*`` alone matches every resource) and are
  case-sensitive; ``Principal`` ``*`` and ``{"AWS": "*"}`` are everyone, an account id or its
  ``:root`` ARN is every principal of that account; ``NotPrincipal`` is the complement;
  a missing ``Principal`` (and no ``NotPrincipal``) or ``Resource`` counts as ``*``;
* conditions: every operator block and every key in it must hold; the values listed for one key are
  alternatives. Only the request-context keys named in ``EVALUATED_KEYS`` are evaluated (with the
  ``String*`` operators, ``...IfExists``, ``Null`` and the ``ForAnyValue:`` / ``ForAllValues:``
  qualifiers). A statement that uses any other key or operator cannot be decided here: it is taken as
  **not matching** (an Allow that grants nothing, a Deny that denies nothing) and the verdict records
  it in ``unevaluated`` when its decision could have changed the outcome.

A principal named by a full IAM ARN of the VPC's own account (a given role or user) cannot be
matched either: the audit does not know which role the workloads use. It is treated the same way
(not matching, recorded).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

# Condition keys whose value the evaluation knows for a pull's requests (the POLICY_BLOCKS_PULL row of
# docs/docsite/rst/guide_posture.rst; the keys:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
EVALUATED_KEYS = ("aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:ResourceAccount", "aws:ResourceOrgID",
                  "aws:SourceVpc", "aws:SourceVpce")
_KEY_CASE = {k.lower(): k for k in EVALUATED_KEYS}

_STRING_OPERATORS = ("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
                     "StringLike", "StringNotLike")

ALLOWED = "allowed"
EXPLICIT_DENY = "explicit_deny"
IMPLICIT_DENY = "implicit_deny"


class Unknown:
    """A value present in the request whose content is not known (an AWS-owned account, say).

    It equals no string and matches only a pattern made of ``*`` alone.
    """

    def __init__(self, label):
        self.label = label

    def __repr__(self):
        return "<%s>" % self.label


OUTSIDE_ACCOUNT = Unknown("an account outside the VPC's account and organization")
OUTSIDE_ORG = Unknown("an organization other than the VPC's")


# ---------------------------------------------------------------- wildcard matching

_GLOB_CACHE = {}


def _glob(pattern, ignore_case=False):
    key = (pattern, ignore_case)
    regex = _GLOB_CACHE.get(key)
    if regex is None:
        parts = []
        for char in pattern:
            if char == "*":
                parts.append(".*")
            elif char == "?":
                parts.append(".")
            else:
                parts.append(re.escape(char))
        regex = re.compile("".join(parts), re.DOTALL | (re.IGNORECASE if ignore_case else 0))
        _GLOB_CACHE[key] = regex
    return regex


def wildcard_match(pattern, value, ignore_case=False):
    """``*`` (any run of characters, none included) and ``?`` (one character) over the whole value."""
    if isinstance(value, Unknown):
        return bool(pattern) and set(pattern) == {"*"}
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern, action):
    return wildcard_match(pattern, action, ignore_case=True)


def resource_matches(pattern, resource):
    """IAM's resource matching: ``*`` is everything; otherwise wildcards stay within their ARN segment, except
    a ``*`` that is the last character of a segment, which "can expand to match beyond the colon boundaries"
    (IAM user guide, "IAM JSON policy elements: Resource", Using wildcards in resource ARNs:
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html)."""
    if pattern == "*":
        return True
    if isinstance(resource, Unknown):
        return False
    return _arn_glob(pattern).fullmatch(resource) is not None


def _arn_glob(pattern):
    key = ("arn", pattern)
    regex = _GLOB_CACHE.get(key)
    if regex is None:
        parts = []
        for index, char in enumerate(pattern):
            if char == "*":
                ends_segment = index + 1 == len(pattern) or pattern[index + 1] == ":"
                parts.append(".*" if ends_segment else "[^:]*")
            elif char == "?":
                parts.append("[^:]")
            else:
                parts.append(re.escape(char))
        regex = re.compile("".join(parts), re.DOTALL)
        _GLOB_CACHE[key] = regex
    return regex


# ---------------------------------------------------------------- the request

def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Request:
    """One request through the endpoint.

    ``principal_account``: the caller's account id, or ``OUTSIDE_ACCOUNT``; ``context``: the
    request-context keys (a key left out is absent from the request, a value may be ``Unknown``).
    """

    def __init__(self, action, resource, principal_account, context, label=None):
        self.action = action
        self.resource = resource
        self.principal_account = principal_account
        self.context = dict((k.lower(), v) for k, v in context.items() if v is not None)
        self.label = label

    def describe(self):
        return self.label or "%s on %s" % (self.action, self.resource)


class Verdict:
    """The outcome for one request: ``decision`` and the statements behind it."""

    def __init__(self, decision, deciding, unevaluated):
        self.decision = decision
        self.deciding = deciding          # labels of the statements that decided (allow or deny)
        self.unevaluated = unevaluated    # [(label, reason)] of undecidable statements that could change it

    @property
    def allowed(self):
        return self.decision == ALLOWED

    def __repr__(self):
        return "Verdict(%s, deciding=%r, unevaluated=%r)" % (self.decision, self.deciding, self.unevaluated)


class _Undecidable(Exception):
    """A statement part the evaluation cannot decide (an unknown key or operator, a named role)."""


# ---------------------------------------------------------------- statement parts

def _principal_matches(value, request):
    """True / False, or raise _Undecidable (an IAM ARN of a given role or user in a known account)."""
    if value == "*":
        return True
    if not isinstance(value, dict):
        raise _Undecidable("Principal %r is not a principal map" % (value,))
    undecided = None
    for kind, items in value.items():
        if kind != "AWS":
            continue  # Service, Federated, CanonicalUser: never the IAM principal of a pull
        for item in _as_list(items):
            if item == "*":
                return True
            account, whole_account = _principal_account(item)
            if account is None:
                undecided = "Principal %s" % item
                continue
            if isinstance(request.principal_account, Unknown) or account != request.principal_account:
                continue
            if whole_account:
                return True
            undecided = "Principal %s (a given role or user of the account)" % item
    if undecided:
        raise _Undecidable(undecided)
    return False


_ACCOUNT_ID = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:[a-z-]+:(iam|sts)::(\d{12}):(.+)$")


def _principal_account(item):
    """``(account, whole_account)`` of a principal entry; ``(None, False)`` when not understood."""
    if _ACCOUNT_ID.match(item):
        return item, True
    match = _IAM_ARN.match(item)
    if match:
        return match.group(2), match.group(3) == "root"
    return None, False


def _matches_any(patterns, value, matcher):
    return any(matcher(p, value) for p in _as_list(patterns))


def _substitute(value, request):
    """Policy variables (``${aws:PrincipalAccount}``) of evaluated keys; others are undecidable."""
    if "${" not in value:
        return value

    def replace(match):
        name = match.group(1)
        if name in ("*", "?", "$"):
            return name
        found = request.context.get(name.lower())
        if found is None or isinstance(found, Unknown) or name.lower() not in _KEY_CASE:
            raise _Undecidable("policy variable ${%s}" % name)
        return found

    return re.sub(r"\$\{([^}]+)\}", replace, value)


def _string_test(operator, policy_values, actual):
    negated = "Not" in operator
    base = operator.replace("Not", "")
    if base == "StringLike":
        hit = any(wildcard_match(v, actual) for v in policy_values)
    elif base == "StringEqualsIgnoreCase":
        hit = not isinstance(actual, Unknown) and any(v.lower() == actual.lower() for v in policy_values)
    else:
        hit = not isinstance(actual, Unknown) and actual in policy_values
    return not hit if negated else hit


def _condition_holds(operator, key, values, request):
    """One (operator, key) pair of a Condition block, or raise _Undecidable."""
    if key.lower() not in _KEY_CASE:
        raise _Undecidable("condition key %s" % key)
    present = key.lower() in request.context
    actual = request.context.get(key.lower())
    values = [v if isinstance(v, str) else json.dumps(v) for v in _as_list(values)]
    qualifier = None
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
        if qualifier not in ("ForAnyValue", "ForAllValues"):
            raise _Undecidable("condition operator %s:%s" % (qualifier, operator))
    if operator == "Null" and qualifier is None:
        # {"key": "true"}: the key is absent; "false": it is present.
        return (not present) in [v.lower() == "true" for v in values]
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[:-len("IfExists")]
    if operator not in _STRING_OPERATORS:
        raise _Undecidable("condition operator %s" % operator)
    if not present:
        # The policy's values do not matter then, policy variables in them included.
        if if_exists or qualifier == "ForAllValues":
            return True  # IfExists: no key, no test; ForAllValues over an empty set is true
        if qualifier == "ForAnyValue":
            return False
        # An absent key matches nothing: the positive operators fail, the negated ones hold.
        return "Not" in operator
    values = [_substitute(v, request) for v in values]
    # Every key evaluated here is single-valued: both qualifiers test the one value.
    return _string_test(operator, values, actual)


def _conditions_hold(condition, request):
    if not condition:
        return True
    if not isinstance(condition, dict):
        raise _Undecidable("a Condition that is not a map")
    for operator, pairs in condition.items():
        if not isinstance(pairs, dict):
            raise _Undecidable("condition %s" % operator)
        for key, values in pairs.items():
            if not _condition_holds(operator, key, values, request):
                return False
    return True


def _label(statement, index):
    sid = statement.get("Sid")
    return "statement %s" % (repr(sid) if sid else "#%d" % (index + 1))


def statements_of(policy):
    statements = policy.get("Statement") or []
    return [statements] if isinstance(statements, dict) else list(statements)


def _statement_applies(statement, request):
    """True / False for one statement, or raise _Undecidable. Cheap, certain parts first."""
    if "Action" in statement:
        if not _matches_any(statement["Action"], request.action, action_matches):
            return False
    elif "NotAction" in statement:
        if _matches_any(statement["NotAction"], request.action, action_matches):
            return False
    else:
        return False
    if "NotResource" in statement:
        if _matches_any(statement["NotResource"], request.resource, resource_matches):
            return False
    elif not _matches_any(statement.get("Resource", "*"), request.resource, resource_matches):
        return False
    if "NotPrincipal" in statement:
        if _principal_matches(_normal_principal(statement["NotPrincipal"]), request):
            return False
    elif not _principal_matches(_normal_principal(statement.get("Principal", "*")), request):
        return False
    return _conditions_hold(statement.get("Condition"), request)


def _normal_principal(value):
    if value == "*" or value == {"AWS": "*"} or value == {"AWS": ["*"]}:
        return "*"
    return value


def evaluate(policy, request):
    """The Verdict of ``policy`` (a dict; None = AWS's default full-access policy) for ``request``."""
    if policy is None:
        return Verdict(ALLOWED, ["the default full-access policy"], [])
    allows, denies, open_allows, open_denies = [], [], [], []
    for index, statement in enumerate(statements_of(policy)):
        if not isinstance(statement, dict):
            continue
        effect = statement.get("Effect")
        label = _label(statement, index)
        try:
            applies = _statement_applies(statement, request)
        except _Undecidable as exc:
            (open_allows if effect == "Allow" else open_denies).append((label, str(exc)))
            continue
        if applies:
            (allows if effect == "Allow" else denies).append(label)
    if denies:
        return Verdict(EXPLICIT_DENY, denies, [])
    if allows:
        # An undecidable Deny could still deny it.
        return Verdict(ALLOWED, allows, list(open_denies))
    # An undecidable Allow could still allow it (and an undecidable Deny would not matter).
    return Verdict(IMPLICIT_DENY, [], list(open_allows))


# ---------------------------------------------------------------- what an image pull needs

# Used only when botocore's partition data cannot be read (no botocore): its regionRegex values, as of 2026.
_FALLBACK_PARTITIONS = (
    ("aws-cn", r"^cn\-\w+\-\d+$"),
    ("aws-us-gov", r"^us\-gov\-\w+\-\d+$"),
    ("aws-iso", r"^us\-iso\-\w+\-\d+$"),
    ("aws-iso-b", r"^us\-isob\-\w+\-\d+$"),
    ("aws-iso-e", r"^eu\-isoe\-\w+\-\d+$"),
    ("aws-iso-f", r"^us\-isof\-\w+\-\d+$"),
    ("aws-eusc", r"^eusc\-(de)\-\w+\-\d+$"),
)
_PARTITIONS = []


def _partition_data():
    """``[(partition id, region regex, set of listed regions)]`` from botocore's own partition data.

    ``partitions.json`` (the SDKs' shared partition metadata, also behind the endpoint rules); older botocore
    releases carry the same partitions in ``endpoints.json``.
    """
    if _PARTITIONS:
        return _PARTITIONS
    try:
        from botocore.loaders import create_loader

        loader = create_loader()
        try:
            entries = [(p["id"], p["regionRegex"], set(p.get("regions") or {}))
                       for p in loader.load_data("partitions")["partitions"]]
        # An older botocore without partitions.json: its endpoints.json lists the partitions too.
        except Exception:  # pylint: disable=broad-except
            entries = [(p["partition"], p["regionRegex"], set(p.get("regions") or {}))
                       for p in loader.load_data("endpoints")["partitions"]]
    # No botocore, or unreadable data: the built-in list.
    except Exception:  # pylint: disable=broad-except
        entries = []
    # A botocore older than a partition (boto3 1.34 predates aws-eusc) still gets it from the built-in list.
    known = set(entry[0] for entry in entries)
    entries += [(pid, regex, set()) for pid, regex in _FALLBACK_PARTITIONS if pid not in known]
    _PARTITIONS.extend(entries)
    return _PARTITIONS


def partition_of(region):
    """The partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-eusc``, ...), from botocore's data.

    A region the data lists wins; then the first partition whose ``regionRegex`` matches; else ``aws``.
    """
    entries = _partition_data()
    for partition, _regex, regions in entries:
        if region in regions:
            return partition
    for partition, regex, _regions in entries:
        if partition != "aws" and re.match(regex, region or ""):
            return partition
    return "aws"


def layer_bucket(region):
    """Where ECR keeps image layers; pulls download them from it by presigned URL through the S3 endpoint."""
    return "prod-%s-starport-layer-bucket" % region


# The ECR user guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)"
# (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html): a pull calls
# ecr:GetAuthorizationToken (api.ecr), ecr:BatchGetImage for the manifest and ecr:GetDownloadUrlForLayer for
# each layer, then downloads the layers from the layer bucket through the S3 gateway endpoint; its "Minimum
# Amazon S3 bucket permissions" give s3:GetObject on arn:aws:s3:::prod-REGION-starport-layer-bucket/* to any
# principal. The URL is presigned by ECR, so that request's principal is an AWS-owned account.
PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
PULL_SERVICES = ("ecr.api", "ecr.dkr", "logs", "s3")

_FILLS = ("pull-check", "x")


def _own_context(account_id, org_id, vpc_id, vpce_id):
    return {"aws:PrincipalAccount": account_id, "aws:PrincipalOrgID": org_id,
            "aws:ResourceAccount": account_id, "aws:ResourceOrgID": org_id,
            "aws:SourceVpc": vpc_id, "aws:SourceVpce": vpce_id}


def _policy_resources(policy):
    for statement in statements_of(policy):
        if isinstance(statement, dict):
            for key in ("Resource", "NotResource"):
                for value in _as_list(statement.get(key)):
                    if isinstance(value, str):
                        yield value


def _instantiate(pattern, fill):
    return pattern.replace("*", fill).replace("?", "x")


def _candidate_names(policy, service, marker, region, account_id):
    """Names of own-account resources worth trying as the 'some repository / log group' of a pull.

    A pull needs the actions on *a* resource of the account, not on every one: a policy limited to
    ``repository/team-*`` lets pulls of those repositories through. The candidates are a generic
    name plus each resource pattern of the policy, wildcards filled in, that names such a resource.
    """
    names = ["pull-check"]
    for pattern in _policy_resources(policy):
        parts = pattern.split(":", 5)
        if len(parts) != 6 or not wildcard_match(parts[2], service):
            continue
        if not (wildcard_match(parts[3], region) and wildcard_match(parts[4], account_id)):
            continue
        for fill in _FILLS:
            tail = _instantiate(parts[5], fill)
            if tail.startswith(marker):
                name = tail[len(marker):].split(":log-stream")[0] if service == "logs" else tail[len(marker):]
                if name and name not in names:
                    names.append(name)
    return names


def _explain(verdict, request):
    if verdict.decision == EXPLICIT_DENY:
        return "%s is denied by %s" % (request.describe(), ", ".join(verdict.deciding))
    return "%s is not allowed (no Allow statement matches it)" % request.describe()


UNEVALUATED_NOTE = "not evaluated and taken as not matching"


def _with_unevaluated(reasons, verdicts):
    """Name, once, the undecidable statements the failed verdicts rest on (on the first reason)."""
    seen = []
    for verdict in verdicts:
        if verdict.allowed:
            continue
        for item in verdict.unevaluated:
            if item not in seen:
                seen.append(item)
    if reasons and seen:
        reasons = list(reasons)
        reasons[0] += "; the verdict rests on %s, %s (%s)" % (
            ", ".join(label for label, _reason in seen), UNEVALUATED_NOTE, "; ".join(reason for _label, reason in seen))
    return reasons


def _first_allowed(policy, requests_per_candidate):
    """``(True, None, [])`` when every request of some candidate is allowed, else the first candidate's
    ``(False, reasons, verdicts)``."""
    first = None
    for requests in requests_per_candidate:
        failures, verdicts = [], []
        for request in requests:
            verdict = evaluate(policy, request)
            if not verdict.allowed:
                failures.append(_explain(verdict, request))
                verdicts.append(verdict)
        if not failures:
            return True, None, []
        if first is None:
            first = (False, failures, verdicts)
    return first


def pull_blockers(service, policy, region, account_id, org_id, vpc_id, vpce_id, registry_account_ids=None):
    """Why an endpoint policy stops an image pull through this endpoint; ``[]`` when a pull passes.

    ``service``: the endpoint's short service name (``ecr.api``, ``ecr.dkr``, ``logs`` or ``s3`` for the
    gateway endpoint; any other service needs nothing for a pull and gets ``[]``). ``policy``: the
    endpoint's policy as a dict (None: AWS's default full-access policy; a JSON string is parsed).
    ``region``, ``account_id`` (the VPC's account, whose principals pull from its own repositories),
    ``org_id`` (its AWS Organizations id, None when not in one), ``vpc_id`` and ``vpce_id`` (the values of
    ``aws:SourceVpc`` / ``aws:SourceVpce``). ``registry_account_ids``: the accounts whose repositories the
    workloads pull from (a central registry account, say); None means the VPC's own account. The pull of
    each is asked separately, by a principal of the VPC's account, and each failing reason starts with
    ``pull from registry account ACCOUNT`` when the list is given. A registry account is taken as a member
    of the VPC's organization (``aws:ResourceOrgID``), which is what a central registry is.

    Each reason is one sentence naming the permission that is missing (action and resource) and why
    (no Allow matches, or which statement denies it), and names the statements taken as not matching
    because they use condition keys this evaluation does not know, when the verdict depends on them.
    """
    if isinstance(policy, str):
        policy = json.loads(policy) if policy.strip() else None
    if policy is None or service not in PULL_SERVICES:
        return []
    partition = partition_of(region)
    own = _own_context(account_id, org_id, vpc_id, vpce_id)
    arn = "arn:%s:%%s:%s:%s:%%s" % (partition, region, account_id)

    def own_request(action, resource):
        return Request(action, resource, account_id, own)

    if service == "s3":
        outside = {"aws:PrincipalAccount": OUTSIDE_ACCOUNT, "aws:PrincipalOrgID": OUTSIDE_ORG,
                   "aws:ResourceAccount": OUTSIDE_ACCOUNT, "aws:ResourceOrgID": OUTSIDE_ORG,
                   "aws:SourceVpc": vpc_id, "aws:SourceVpce": vpce_id}
        bucket = "arn:%s:s3:::%s" % (partition, layer_bucket(region))
        request = Request("s3:GetObject", bucket + "/sha256-layer", OUTSIDE_ACCOUNT, outside,
                          label="s3:GetObject on %s/* by the presigned layer URL's principal (an ECR account, "
                                "outside the VPC's account and organization)" % bucket)
        verdict = evaluate(policy, request)
        return [] if verdict.allowed else _with_unevaluated([_explain(verdict, request)], [verdict])

    reasons, verdicts = [], []
    if service == "ecr.api":
        request = own_request("ecr:GetAuthorizationToken", "*")
        verdict = evaluate(policy, request)
        if not verdict.allowed:
            reasons.append(_explain(verdict, request))
            verdicts.append(verdict)
    if service in ("ecr.api", "ecr.dkr"):
        for registry in registry_account_ids if registry_account_ids is not None else [account_id]:
            names = _candidate_names(policy, "ecr", "repository/", region, registry)
            context = dict(own, **{"aws:ResourceAccount": registry})
            registry_arn = "arn:%s:ecr:%s:%s:repository/" % (partition, region, registry)
            ok, failures, failed = _first_allowed(policy, [
                [Request(action, registry_arn + name, account_id, context) for action in PULL_ACTIONS]
                for name in names])
            if not ok:
                if registry_account_ids is not None:
                    failures = ["pull from registry account %s: %s" % (registry, f) for f in failures]
                reasons.extend(failures)
                verdicts.extend(failed)
    if service == "logs":
        names = _candidate_names(policy, "logs", "log-group:", region, account_id)
        candidates = []
        for name in names:
            group = arn % ("logs", "log-group:" + name)
            stream = group + ":log-stream:pull-check"
            # CreateLogStream is authorised on the log group, PutLogEvents on the stream; policies name
            # either form (log-group:NAME or log-group:NAME:*), so each action passes on either.
            candidates.append([(own_request(action, group), own_request(action, stream)) for action in LOG_ACTIONS])
        ok, failures, failed = _first_allowed_pairs(policy, candidates)
        if not ok:
            reasons.extend(failures)
            verdicts.extend(failed)
    return _with_unevaluated(reasons, verdicts)


def _first_allowed_pairs(policy, candidates):
    first = None
    for pairs in candidates:
        failures, failed = [], []
        for pair in pairs:
            verdicts = [evaluate(policy, r) for r in pair]
            if not any(v.allowed for v in verdicts):
                index = 1 if verdicts[1].decision == EXPLICIT_DENY else 0
                failures.append(_explain(verdicts[index], pair[index]))
                failed.extend(verdicts)
        if not failures:
            return True, None, []
        if first is None:
            first = (False, failures, failed)
    return first


def depends_on_unevaluated(reasons):
    """True when a reason says the verdict rested on statements taken as not matching."""
    return any(UNEVALUATED_NOTE in r for r in reasons)
