"""Identity-policy evaluation with the tag and create-action conditions of EC2 (test side).

Why not ``_policy_eval.evaluate``: it decides endpoint policies for an image pull and evaluates only
the six request-context keys in its ``EVALUATED_KEYS``; a statement with any other key (the
``aws:ResourceTag/...``, ``aws:RequestTag/...``, ``aws:TagKeys`` and ``ec2:CreateAction`` conditions
of docs/iam-policy.json) is taken there as not matching. Its keys are fixed, not a generic context,
so this module does not call ``evaluate``: it reuses ``_policy_eval``'s matching helpers
(``action_matches``, ``resource_matches``, ``wildcard_match``) and adds, for identity policies only,
the request context EC2 builds for one API call:

* IAM authorizes a call once per resource it names (Service Authorization Reference for Amazon
  EC2: each action lists its resource types and, per type, the condition keys in its context);
  the call is allowed only when every one of those authorizations is allowed;
* an existing resource brings its tags as ``aws:ResourceTag/KEY`` and ``ec2:ResourceTag/KEY``;
* tags in the request (``TagSpecifications`` of a create, ``Tags`` of CreateTags) are
  ``aws:RequestTag/KEY`` and the multi-valued ``aws:TagKeys`` of the resource they go on;
* tagging during a create is authorized as ``ec2:CreateTags`` too, with ``ec2:CreateAction``
  naming the create ("Grant permission to tag resources during creation", Amazon EC2 user guide);
* Route 53 resources (``hostedzone``, ``change``) have global ARNs (``arn:aws:route53:::hostedzone/ID``)
  and bring **no** tags into the context: Route 53 cannot grant or deny by a hosted zone's tags
  ("Overview of managing access permissions to your Amazon Route 53 resources": tags for hosted
  zones do not support permissions). What a Route 53 call does bring, the test passes as
  ``context``: ``route53:VPCs`` (``VPCId=...,VPCRegion=...``) and the multi-valued
  ``route53:ChangeResourceRecordSetsNormalizedRecordNames`` / ``...RecordTypes`` / ``...Actions``.

Evaluation (IAM's policy evaluation logic): explicit Deny wins, then any Allow, else implicit deny;
condition operators ``String*`` (``Not``, ``IgnoreCase``, ``Like``), ``...IfExists``, ``Null`` and the
``ForAllValues:`` / ``ForAnyValue:`` qualifiers; a key absent from the context fails the positive
operators and satisfies the negated ones; ``ForAllValues`` over an absent key holds, ``ForAnyValue``
does not. A condition key this module does not model raises ``UnmodelledKey`` instead of being
guessed, so a policy using one cannot pass a test by accident.
"""

import fnmatch

from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import (
    action_matches,
    resource_matches,
    wildcard_match,
)

ACCOUNT = "111122223333"
REGION = "eu-west-1"

ALLOWED = "allowed"
EXPLICIT_DENY = "explicit_deny"
IMPLICIT_DENY = "implicit_deny"

# The keys this module puts into a request context (lower case; ``*`` is a tag key).
MODELLED_KEYS = ("aws:resourcetag/*", "ec2:resourcetag/*", "aws:requesttag/*", "aws:tagkeys", "ec2:createaction",
                 "route53:vpcs", "route53:changeresourcerecordsetsnormalizedrecordnames",
                 "route53:changeresourcerecordsetsrecordtypes", "route53:changeresourcerecordsetsactions")
MULTI_VALUED = ("aws:tagkeys", "route53:changeresourcerecordsetsnormalizedrecordnames",
                "route53:changeresourcerecordsetsrecordtypes", "route53:changeresourcerecordsetsactions")
# Route 53's resource types: global ARNs, and no resource tags in the request context.
ROUTE53_KINDS = ("hostedzone", "change", "healthcheck", "delegationset", "trafficpolicy", "queryloggingconfig")
_STRING_OPERATORS = ("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
                     "StringLike", "StringNotLike")


class UnmodelledKey(Exception):
    """The policy uses a condition key or operator the test model does not evaluate."""


def arn(kind, resource_id, region=REGION, account=ACCOUNT):
    if kind in ROUTE53_KINDS:
        return "arn:aws:route53:::%s/%s" % (kind, resource_id)
    return "arn:aws:ec2:%s:%s:%s/%s" % (region, account, kind, resource_id)


class Resource:
    """One resource a call names: its ARN, its current tags (None while it is being created)."""

    def __init__(self, kind, resource_id, tags=None, new=False):
        self.arn = arn(kind, resource_id)
        self.tags = None if new else dict(tags or {})
        self.new = new
        # EC2 puts a resource's tags into the context; Route 53 does not (module docstring).
        self.tags_in_context = kind not in ROUTE53_KINDS

    def __repr__(self):
        return "<%s%s>" % (self.arn.rsplit(":", 1)[-1], " (new)" if self.new else " tags=%r" % (self.tags,))


def existing(kind, resource_id, **tags):
    return Resource(kind, resource_id, tags)


def created(kind, resource_id="*new*"):
    return Resource(kind, resource_id, new=True)


class Authorization:
    """One resource authorization of a call: the action, the resource ARN and its request context."""

    def __init__(self, action, resource, context):
        self.action = action
        self.resource = resource
        self.context = dict((k.lower(), v) for k, v in context.items())


class Call:
    """One API call: ``action`` (``ec2:CreateTags``), the resources it names, the tags it writes.

    ``tagged``: the resources the request's tags go on (the created resource, or CreateTags'
    resources); ``create_action``: set on the CreateTags authorization made during a create;
    ``context``: further keys of the request, on every authorization (Route 53's ``route53:VPCs``, the
    record names of a ChangeResourceRecordSets).
    """

    def __init__(self, action, resources, request_tags=None, tagged=None, create_action=None, label=None,
                 context=None):
        self.action = action
        self.resources = list(resources)
        self.request_tags = request_tags
        self.tagged = [r.arn for r in (tagged if tagged is not None else [])]
        self.create_action = create_action
        self.context = dict(context or {})
        self.label = label or action

    def authorizations(self):
        result = []
        for resource in self.resources:
            context = dict(self.context)
            for key, value in ((resource.tags or {}) if resource.tags_in_context else {}).items():
                context["aws:ResourceTag/" + key] = value
                context["ec2:ResourceTag/" + key] = value
            if self.request_tags is not None and resource.arn in self.tagged:
                for key, value in self.request_tags.items():
                    context["aws:RequestTag/" + key] = value
                context["aws:TagKeys"] = sorted(self.request_tags)
            if self.create_action:
                context["ec2:CreateAction"] = self.create_action
            result.append(Authorization(self.action, resource.arn, context))
        return result

    def __repr__(self):
        return self.label


def create_with_tags(action, new_resource, other_resources, tags, label=None):
    """A create with TagSpecifications: the create itself, and the CreateTags EC2 authorizes with it."""
    create = Call(action, [new_resource] + list(other_resources), request_tags=tags, tagged=[new_resource],
                  label=label or action)
    tagging = Call("ec2:CreateTags", [new_resource], request_tags=tags, tagged=[new_resource],
                   create_action=action.split(":", 1)[1], label=(label or action) + " (its CreateTags)")
    return [create, tagging]


def create_tags(resources, tags, label=None):
    return Call("ec2:CreateTags", resources, request_tags=tags, tagged=resources, label=label)


# ---------------------------------------------------------------- evaluation

def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _modelled(key):
    lowered = key.lower()
    return any(fnmatch.fnmatchcase(lowered, pattern) for pattern in MODELLED_KEYS)


def _string_test(operator, policy_values, actual):
    negated = "Not" in operator
    base = operator.replace("Not", "")
    if base == "StringLike":
        hit = any(wildcard_match(v, actual) for v in policy_values)
    elif base == "StringEqualsIgnoreCase":
        hit = any(v.lower() == actual.lower() for v in policy_values)
    else:
        hit = actual in policy_values
    return not hit if negated else hit


def condition_holds(operator, key, values, context):
    """One operator/key pair of a Condition block against one authorization's context."""
    if not _modelled(key):
        raise UnmodelledKey("condition key %s" % key)
    lowered = key.lower()
    present = lowered in context and context[lowered] not in (None, [])
    actual = context.get(lowered)
    values = [str(v).lower() if isinstance(v, bool) else str(v) for v in _as_list(values)]
    qualifier = None
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
        if qualifier not in ("ForAllValues", "ForAnyValue"):
            raise UnmodelledKey("operator qualifier %s" % qualifier)
    if operator == "Null":
        if qualifier:
            raise UnmodelledKey("%s:Null" % qualifier)
        return (not present) in [v.lower() == "true" for v in values]
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[:-len("IfExists")]
    if operator not in _STRING_OPERATORS:
        raise UnmodelledKey("condition operator %s" % operator)
    multi = lowered in MULTI_VALUED
    if multi and qualifier is None:
        raise UnmodelledKey("%s is multi-valued: use ForAllValues or ForAnyValue" % key)
    if not multi and qualifier is not None:
        raise UnmodelledKey("%s:%s on the single-valued key %s" % (qualifier, operator, key))
    if not present:
        if if_exists or qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return "Not" in operator
    if qualifier == "ForAllValues":
        return all(_string_test(operator, values, item) for item in actual)
    if qualifier == "ForAnyValue":
        return any(_string_test(operator, values, item) for item in actual)
    return _string_test(operator, values, actual)


def _statement_applies(statement, authorization):
    if "Principal" in statement or "NotPrincipal" in statement:
        raise UnmodelledKey("Principal in an identity policy statement")
    if "Action" in statement:
        if not any(action_matches(p, authorization.action) for p in _as_list(statement["Action"])):
            return False
    elif "NotAction" in statement:
        if any(action_matches(p, authorization.action) for p in _as_list(statement["NotAction"])):
            return False
    else:
        return False
    if "NotResource" in statement:
        if any(resource_matches(p, authorization.resource) for p in _as_list(statement["NotResource"])):
            return False
    elif not any(resource_matches(p, authorization.resource) for p in _as_list(statement.get("Resource"))):
        return False
    for operator, pairs in (statement.get("Condition") or {}).items():
        for key, values in pairs.items():
            if not condition_holds(operator, key, values, authorization.context):
                return False
    return True


class Verdict:
    def __init__(self, decision, deciding, denied_resources=()):
        self.decision = decision
        self.deciding = deciding                    # Sids that allowed (every authorization) or denied
        self.denied_resources = list(denied_resources)

    @property
    def allowed(self):
        return self.decision == ALLOWED

    def __repr__(self):
        return "Verdict(%s, deciding=%r, denied=%r)" % (self.decision, self.deciding, self.denied_resources)


def authorize_one(policy, authorization):
    allows, denies = [], []
    statements = policy.get("Statement") or []
    for index, statement in enumerate([statements] if isinstance(statements, dict) else statements):
        if _statement_applies(statement, authorization):
            label = statement.get("Sid") or "#%d" % (index + 1)
            (allows if statement.get("Effect") == "Allow" else denies).append(label)
    if denies:
        return Verdict(EXPLICIT_DENY, denies)
    if allows:
        return Verdict(ALLOWED, allows)
    return Verdict(IMPLICIT_DENY, [])


def authorize(policy, call):
    """The call's Verdict: allowed only when each of its resource authorizations is allowed."""
    deciding, denied, decision = [], [], ALLOWED
    for authorization in call.authorizations():
        verdict = authorize_one(policy, authorization)
        if verdict.allowed:
            deciding.extend(s for s in verdict.deciding if s not in deciding)
            continue
        denied.append(authorization.resource)
        if verdict.decision == EXPLICIT_DENY or decision == ALLOWED:
            decision = verdict.decision
    if denied:
        return Verdict(decision, [], denied)
    return Verdict(ALLOWED, deciding)


def authorize_all(policy, calls):
    """A list of calls that happen together (a create and its CreateTags): allowed when all are."""
    verdicts = [authorize(policy, c) for c in calls]
    denied = [(c.label, v.denied_resources) for c, v in zip(calls, verdicts) if not v.allowed]
    if denied:
        return Verdict(IMPLICIT_DENY, [], denied)
    deciding = []
    for verdict in verdicts:
        deciding.extend(s for s in verdict.deciding if s not in deciding)
    return Verdict(ALLOWED, deciding)


def condition_keys(policy):
    """Every condition key the policy uses."""
    keys = set()
    statements = policy.get("Statement") or []
    for statement in ([statements] if isinstance(statements, dict) else statements):
        for pairs in (statement.get("Condition") or {}).values():
            keys.update(pairs)
    return keys
