"""A deliberately naive reading of IAM policy evaluation, written from AWS's pages: the tests' oracle.

It exists so that the collection's evaluator (plugins/module_utils/_policy_eval.py) is judged by
something that is not itself. It is written straight from the IAM user guide, one rule per function,
with no caching, no shared helper and no import from the collection; slowness does not matter here:

* Policy evaluation logic, and "The difference between explicit and implicit denies"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html):
  a request is denied by default; an applicable Allow allows it; an applicable Deny denies it
  whatever allows it; the order of statements does not matter.
* Action / NotAction (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html): action names
  are case-insensitive, ``*`` and ``?`` are wildcards; NotAction matches every action not listed.
* Resource / NotResource (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html): ARNs are
  case-sensitive; ``*`` and ``?`` work within a segment (the parts between colons); "if the wildcard (*)
  is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries".
* Principal / NotPrincipal (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html,
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html): ``"*"`` and
  ``{"AWS": "*"}`` are everyone; an account id or ``arn:aws:iam::ID:root`` is every principal of that account.
* Condition operators (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)
  and "Condition with multiple context keys or values"
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html):
  all operators and all keys must hold (AND); the values of one key are alternatives (OR), and for a
  negated operator the key must match none of them. A key absent from the request makes a condition
  false, except a negated operator (true), ``...IfExists`` (true) and ``Null``; ``ForAllValues`` with an
  absent key is true, ``ForAnyValue`` false. Condition key names are case-insensitive. ``${key}`` in a
  value is a policy variable (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).

One known difference: the collection's evaluator never lets a wildcard span segments, so it reads a
pattern with fewer segments than the ARN (``arn:aws:ecr:*``) as matching nothing, where the Resource
page's rule above lets the trailing ``*`` match the rest; the tests' generators stay away from such
patterns (they are rare in endpoint policies) until the evaluator follows the page.

The collection evaluates a subset, and so does this oracle: the String operators and Null, on the
request-context keys in ``KNOWN_KEYS``. A statement using anything else cannot be decided by either, and
both take it as not applying (the collection's choice: the audit cannot know such values), as they do a
principal named by an IAM role or user ARN of the requester's own account. A request value of
``SOMEONE_ELSE`` is known to exist but not known: it equals no string and is matched only by ``*``.
"""

import re

KNOWN_KEYS = ["aws:principalaccount", "aws:principalorgid", "aws:resourceaccount", "aws:resourceorgid",
              "aws:sourcevpc", "aws:sourcevpce"]

SOMEONE_ELSE = object()

ALLOW = "allow"
EXPLICIT_DENY = "explicit deny"
IMPLICIT_DENY = "implicit deny"

# AWS's default endpoint policy: full access (PrivateLink guide, "Control access to VPC endpoints using
# endpoint policies", https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
DEFAULT_POLICY = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


class CannotDecide(Exception):
    pass


def as_list(value):
    if isinstance(value, list):
        return value
    return [value]


def glob_to_regex(pattern, star_crosses_colons):
    """``*`` is any run of characters, ``?`` one character; everything else is itself."""
    out = ""
    for position, char in enumerate(pattern):
        if char == "*":
            at_segment_end = position + 1 == len(pattern) or pattern[position + 1] == ":"
            out += ".*" if (star_crosses_colons or at_segment_end) else "[^:]*"
        elif char == "?":
            out += "." if star_crosses_colons else "[^:]"
        else:
            out += re.escape(char)
    return out


def action_matches(pattern, action):
    return re.fullmatch(glob_to_regex(pattern, True), action, re.IGNORECASE) is not None


def resource_matches(pattern, resource):
    if pattern == "*":
        return True
    if resource == "*":
        # A request on no particular resource (ecr:GetAuthorizationToken) is matched by "*" only.
        return False
    return re.fullmatch(glob_to_regex(pattern, False), resource) is not None


def principal_matches(principal, request):
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for name in as_list(principal.get("AWS", [])):
        if name == "*":
            return True
        if request["account"] is SOMEONE_ELSE:
            continue
        if name == request["account"] or name == "arn:aws:iam::%s:root" % request["account"]:
            return True
        if re.fullmatch(r"arn:[a-z-]+:(iam|sts)::%s:.+" % request["account"], name):
            raise CannotDecide("a role or user of the account")
    return False


def substitute(value, context):
    def replace(match):
        key = match.group(1).lower()
        if context.get(key) is None or context[key] is SOMEONE_ELSE:
            raise CannotDecide("policy variable")
        return context[key]
    return re.sub(r"\$\{([^}]+)\}", replace, value)


def one_value_matches(base, wanted, actual):
    """The un-negated test of one policy value against one request value."""
    if actual is SOMEONE_ELSE:
        return base == "StringLike" and wanted == "*"
    if base == "StringEquals":
        return actual == wanted
    if base == "StringEqualsIgnoreCase":
        return actual.lower() == wanted.lower()
    if base == "StringLike":
        return re.fullmatch(glob_to_regex(wanted, True), actual) is not None
    raise CannotDecide("operator")


def condition_holds(operator, key, values, context):
    key = key.lower()
    if key not in KNOWN_KEYS:
        raise CannotDecide("key")
    actual = context.get(key)
    values = as_list(values)
    if operator == "Null":
        # "true": the key must be absent; "false": present.
        return any((actual is None) == (str(v).lower() == "true") for v in values)
    qualifier = None
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
    if_exists = operator.endswith("IfExists")
    if if_exists:
        operator = operator[:-len("IfExists")]
    negated = operator.startswith("StringNot")
    base = operator.replace("StringNot", "String", 1)
    if base not in ("StringEquals", "StringEqualsIgnoreCase", "StringLike"):
        raise CannotDecide("operator")
    if actual is None:
        if qualifier == "ForAllValues":
            return True
        if qualifier == "ForAnyValue":
            return False
        return if_exists or negated
    wanted = [substitute(v, context) for v in values]
    hit = any(one_value_matches(base, w, actual) for w in wanted)
    return not hit if negated else hit


def statement_applies(statement, request):
    """True, False, or CannotDecide raised."""
    if "NotPrincipal" in statement:
        if principal_matches(statement["NotPrincipal"], request):
            return False
    elif not principal_matches(statement.get("Principal", "*"), request):
        return False
    if "NotAction" in statement:
        if any(action_matches(p, request["action"]) for p in as_list(statement["NotAction"])):
            return False
    elif not any(action_matches(p, request["action"]) for p in as_list(statement.get("Action", []))):
        return False
    if "NotResource" in statement:
        if any(resource_matches(p, request["resource"]) for p in as_list(statement["NotResource"])):
            return False
    elif not any(resource_matches(p, request["resource"]) for p in as_list(statement.get("Resource", "*"))):
        return False
    for operator, block in (statement.get("Condition") or {}).items():
        for key, values in block.items():
            if not condition_holds(operator, key, values, request["context"]):
                return False
    return True


def make_request(action, resource, account, context):
    """``context``: request-context keys (any case) to values; None or missing: the key is absent."""
    lowered = {k.lower(): v for k, v in context.items() if v is not None}
    return {"action": action, "resource": resource, "account": account, "context": lowered}


def decide(policy, request):
    """ALLOW, EXPLICIT_DENY or IMPLICIT_DENY; statements that cannot be decided do not apply."""
    if policy is None:
        policy = DEFAULT_POLICY
    allowed = False
    for statement in as_list(policy["Statement"]):
        try:
            applies = statement_applies(statement, request)
        except CannotDecide:
            applies = False
        if applies and statement["Effect"] == "Deny":
            return EXPLICIT_DENY
        if applies and statement["Effect"] == "Allow":
            allowed = True
    return ALLOW if allowed else IMPLICIT_DENY


# ---------------------------------------------------------------- what an image pull asks

def partition(region):
    """ARN partition of a region (IAM user guide, "IAM ARNs": aws, aws-cn, aws-us-gov)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def pull_needs(service, region, account, org, vpc, vpce, repository="some/repo", log_group="/ecs/some"):
    """The requests an image pull (and its task's logs) sends through the endpoint of ``service``.

    A list of needs; each need is a list of alternative requests, one of which must be allowed. From the
    ECR user guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)"
    (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html): ``ecr.api`` serves
    ecr:GetAuthorizationToken (no resource) and the image manifest, ``ecr.dkr`` the Docker registry API
    (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repository), and the layers come from the S3
    bucket ``prod-REGION-starport-layer-bucket`` through a URL ECR presigns with its own (AWS-owned)
    credentials, so that S3 request's principal is someone else. CloudWatch Logs: logs:CreateLogStream and
    logs:PutLogEvents, on the log group or its stream ARN.
    """
    part = partition(region)
    own = {"aws:PrincipalAccount": account, "aws:PrincipalOrgID": org, "aws:ResourceAccount": account,
           "aws:ResourceOrgID": org, "aws:SourceVpc": vpc, "aws:SourceVpce": vpce}
    if service == "s3":
        outside = {"aws:PrincipalAccount": SOMEONE_ELSE, "aws:PrincipalOrgID": SOMEONE_ELSE,
                   "aws:ResourceAccount": SOMEONE_ELSE, "aws:ResourceOrgID": SOMEONE_ELSE,
                   "aws:SourceVpc": vpc, "aws:SourceVpce": vpce}
        layer = "arn:%s:s3:::prod-%s-starport-layer-bucket/sha256-layer" % (part, region)
        return [[make_request("s3:GetObject", layer, SOMEONE_ELSE, outside)]]
    if service == "logs":
        group = "arn:%s:logs:%s:%s:log-group:%s" % (part, region, account, log_group)
        return [[make_request(action, group, account, own), make_request(action, group + ":log-stream:x", account, own)]
                for action in ("logs:CreateLogStream", "logs:PutLogEvents")]
    if service not in ("ecr.api", "ecr.dkr"):
        return []
    repo = "arn:%s:ecr:%s:%s:repository/%s" % (part, region, account, repository)
    needs = [[make_request(action, repo, account, own)]
             for action in ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")]
    if service == "ecr.api":
        needs.append([make_request("ecr:GetAuthorizationToken", "*", account, own)])
    return needs


def pull_passes(service, policy, region, account, org, vpc, vpce, **names):
    return all(any(decide(policy, request) == ALLOW for request in need)
               for need in pull_needs(service, region, account, org, vpc, vpce, **names))
