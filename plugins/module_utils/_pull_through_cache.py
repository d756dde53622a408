# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ECR pull-through cache rules of one registry (private to this collection).

Validation and the plan are pure functions (unit-tested without AWS); ``PullThroughCacheReader``
reads the registry's rules (paginated) and the credential secrets' metadata (never their value);
``PullThroughCacheApplier`` applies a plan in order and remembers what it applied.

AWS pages this follows:
- ECR API reference, CreatePullThroughCacheRule / DescribePullThroughCacheRules /
  UpdatePullThroughCacheRule / DeletePullThroughCacheRule:
  https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
  (the prefix pattern, the ``upstreamRegistry`` enum, the ``upstreamRegistryUrl`` syntax per upstream,
  the ``credentialArn`` pattern ``...:secret:ecr-pullthroughcache/...``; Update changes only the
  secret or the role, so another upstream, URL or upstream prefix means delete and create).
- ECR user guide, https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
  (which upstreams need a Secrets Manager secret, which an IAM role) and
  https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-rule.html
  (the secret's name begins with ``ecr-pullthroughcache/``, same account and Region as the rule).
- Secrets Manager DescribeSecret (metadata only, no value):
  https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    PrivatelinkError,
    aws_error,
    error_code,
)

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - reported by the connection's HAS_BOTO3
    BotoCoreError = ClientError = Exception

# upstream -> default upstreamRegistryUrl (None: the user names it), API_CreatePullThroughCacheRule.
UPSTREAMS = {
    "ecr-public": "public.ecr.aws",
    "docker-hub": "registry-1.docker.io",
    "quay": "quay.io",
    "github-container-registry": "ghcr.io",
    "k8s": "registry.k8s.io",
    "gitlab-container-registry": "registry.gitlab.com",
    "azure-container-registry": None,
    "chainguard": "cgr.dev",
    "ecr": None,
}
# Authenticate with a Secrets Manager secret (user guide, pull-through-cache.html).
NEEDS_SECRET = ("docker-hub", "github-container-registry", "gitlab-container-registry", "azure-container-registry",
                "chainguard")
# Take no credential at all: public registries, and ECR (an IAM role instead).
NO_SECRET = ("ecr-public", "k8s", "ecr")
URL_PATTERNS = {
    "azure-container-registry": (re.compile(r"^[a-z0-9-]+\.azurecr\.io$"), "NAME.azurecr.io"),
    "ecr": (re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com$"), "ACCOUNT.dkr.ecr.REGION.amazonaws.com"),
}
# botocore's ECR model, shape PullThroughCacheRuleRepositoryPrefix (2-30 characters).
PREFIX_PATTERN = re.compile(r"^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\/?|ROOT)$")
SECRET_NAME_PREFIX = "ecr-pullthroughcache/"
SECRET_NAME_PATTERN = re.compile(r"^ecr-pullthroughcache/[a-zA-Z0-9/_+=.@-]+$")
SECRET_ARN = re.compile(r"^arn:(aws(?:-[a-z]+)*):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$")
ROLE_ARN = re.compile(r"^arn:aws(-[a-z]+)*:iam::\d{12}:role/.+$")
RULE_KEYS = ("prefix", "upstream", "upstream_registry_url", "credential_secret_arn", "custom_role_arn",
             "upstream_repository_prefix")
# Update can change these in place; anything else of a rule cannot change (API_UpdatePullThroughCacheRule).
UPDATABLE = ("credential_secret_arn", "custom_role_arn")


def check_region(region):
    """Pull-through cache is not offered in the China Regions (user guide, pull-through-cache.html)."""
    if (region or "").startswith("cn-"):
        raise ValueError("ECR pull-through cache is not available in the China Regions (%s): the rules cannot be "
                         "created there; cache the images through a registry in another partition, or push them"
                         % region)


def _prefix(value, what):
    if not isinstance(value, str) or not 2 <= len(value) <= 30 or not PREFIX_PATTERN.match(value):
        raise ValueError("%s: %r is not an ECR repository prefix: 2-30 characters, lower-case letters and digits "
                         "separated by '.', '_', '-' or '/' (ECR's pattern), or ROOT" % (what, value))
    return value if value == "ROOT" else value.rstrip("/")


def secret_name(value):
    """The secret's name of a name or an ARN (an ARN's name ends with Secrets Manager's 6-character suffix)."""
    match = SECRET_ARN.match(value)
    return match.group(4) if match else value


def validate_rules(rules, state):
    """Normalize and check the ``rules`` option before any call; raise ValueError with what to fix.

    Returns ``[{prefix, upstream, upstream_registry_url, credential_secret, custom_role_arn,
    upstream_repository_prefix}]`` in the given order (``state=absent``: only ``prefix`` counts)."""
    result, seen = [], set()
    for index, rule in enumerate(rules or []):
        if not isinstance(rule, dict):
            raise ValueError("rules[%d] must be a dict with at least prefix" % index)
        what = "rules[%d]" % index
        prefix = _prefix(rule.get("prefix"), what + ".prefix")
        what = "rule %s" % prefix
        if prefix in seen:
            raise ValueError("%s is listed twice in rules; a registry has one rule per prefix" % what)
        seen.add(prefix)
        if state == "absent":
            result.append({"prefix": prefix})
            continue
        result.append(_validate_present(rule, prefix, what))
    return result


def _validate_present(rule, prefix, what):
    upstream = rule.get("upstream")
    if upstream not in UPSTREAMS:
        raise ValueError("%s: upstream must be one of %s, got %r" % (what, ", ".join(UPSTREAMS), upstream))
    url = rule.get("upstream_registry_url") or UPSTREAMS[upstream]
    if url is None:
        raise ValueError("%s: upstream %s needs upstream_registry_url (%s)"
                         % (what, upstream, URL_PATTERNS[upstream][1]))
    if upstream in URL_PATTERNS and not URL_PATTERNS[upstream][0].match(url):
        raise ValueError("%s: upstream_registry_url %r is not of the form %s for upstream %s"
                         % (what, url, URL_PATTERNS[upstream][1], upstream))
    if UPSTREAMS[upstream] and url != UPSTREAMS[upstream]:
        raise ValueError("%s: upstream %s is reached at %s, not %r; leave upstream_registry_url out"
                         % (what, upstream, UPSTREAMS[upstream], url))
    secret, role = rule.get("credential_secret"), rule.get("custom_role_arn")
    if upstream in NEEDS_SECRET and not secret:
        raise ValueError("%s: upstream %s needs credential_secret, a Secrets Manager secret named %s... in the "
                         "registry's account and region (docs/docsite/rst/guide_pull_through_cache.rst gives its "
                         "JSON keys)" % (what, upstream, SECRET_NAME_PREFIX))
    if upstream in NO_SECRET and secret:
        raise ValueError("%s: upstream %s takes no credential_secret%s" % (
            what, upstream, " (it authenticates with custom_role_arn)" if upstream == "ecr" else ""))
    if secret:
        name = secret_name(secret)
        if not SECRET_NAME_PATTERN.match(name):
            raise ValueError("%s: credential_secret %r: ECR only uses secrets whose name starts with %s (letters, "
                             "digits and /_+=.@- after it); create or rename the secret" % (what, secret,
                                                                                            SECRET_NAME_PREFIX))
    if upstream == "ecr" and not role:
        raise ValueError("%s: upstream ecr needs custom_role_arn, the IAM role ECR assumes to read the upstream "
                         "registry" % what)
    if upstream != "ecr" and role:
        raise ValueError("%s: custom_role_arn applies to upstream ecr only" % what)
    if role and not ROLE_ARN.match(role):
        raise ValueError("%s: custom_role_arn %r is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)"
                         % (what, role))
    upstream_prefix = rule.get("upstream_repository_prefix")
    upstream_prefix = _prefix(upstream_prefix, what + ": upstream_repository_prefix") if upstream_prefix else "ROOT"
    return {"prefix": prefix, "upstream": upstream, "upstream_registry_url": url, "credential_secret": secret,
            "custom_role_arn": role, "upstream_repository_prefix": upstream_prefix}


def check_secret_location(secret, account_id, region):
    """An ARN given as credential_secret must be in the registry's account and region (ECR's rule)."""
    match = SECRET_ARN.match(secret or "")
    if match and (match.group(2), match.group(3)) != (region, account_id):
        raise ValueError("credential_secret %s is in account %s region %s; ECR only uses a secret in the registry's "
                         "own account %s and region %s" % (secret, match.group(3), match.group(2), account_id, region))


def upstream_of_url(url):
    """The upstream a URL names (rules created before ``upstreamRegistry`` existed are described without it)."""
    for upstream, default in UPSTREAMS.items():
        if default and default == url:
            return upstream
    return next((upstream for upstream, (pattern, _form) in URL_PATTERNS.items() if pattern.match(url or "")), None)


def rule_from_aws(rule):
    """One DescribePullThroughCacheRules entry in the module's terms."""
    return {"prefix": rule["ecrRepositoryPrefix"],
            "upstream": rule.get("upstreamRegistry") or upstream_of_url(rule.get("upstreamRegistryUrl")),
            "upstream_registry_url": rule.get("upstreamRegistryUrl"),
            "credential_secret_arn": rule.get("credentialArn"), "custom_role_arn": rule.get("customRoleArn"),
            "upstream_repository_prefix": rule.get("upstreamRepositoryPrefix") or "ROOT"}


def image_prefix(account_id, region, prefix):
    """Where a workload pulls through the rule (user guide, pull-through-cache-working-pulling.html)."""
    host = "%s.dkr.ecr.%s.amazonaws.com" % (account_id, region)
    return host if prefix == "ROOT" else "%s/%s" % (host, prefix)


def plan(desired, current, secret_arns, state="present", purge=False):
    """The actions, in the order they are applied; pure.

    ``desired``: validate_rules' output; ``current``: {prefix: rule_from_aws(...)}; ``secret_arns``:
    {credential_secret as given: the secret's full ARN}. Raises ValueError (before any change) when a
    listed rule exists with another upstream, URL or upstream prefix: AWS cannot change those."""
    actions = []
    if state == "absent":
        for rule in desired:
            if rule["prefix"] in current:
                actions.append({"prefix": rule["prefix"], "action": "delete", "details": dict(current[rule["prefix"]])})
        return actions
    wanted = {}
    conflicts = []
    for rule in desired:
        target = {"prefix": rule["prefix"], "upstream": rule["upstream"],
                  "upstream_registry_url": rule["upstream_registry_url"],
                  "credential_secret_arn": secret_arns.get(rule["credential_secret"]) if rule["credential_secret"]
                  else None,
                  "custom_role_arn": rule["custom_role_arn"],
                  "upstream_repository_prefix": rule["upstream_repository_prefix"]}
        wanted[rule["prefix"]] = target
        existing = current.get(rule["prefix"])
        if existing is None:
            actions.append({"prefix": rule["prefix"], "action": "create", "details": target})
            continue
        fixed = [key for key in ("upstream", "upstream_registry_url", "upstream_repository_prefix")
                 if existing.get(key) != target[key]]
        if fixed:
            conflicts.append("rule %s exists with %s; AWS cannot change a rule's %s in place: remove it with "
                             "state: absent first, then create it again" % (
                                 rule["prefix"], ", ".join("%s %s (wanted %s)" % (k, existing.get(k), target[k])
                                                           for k in fixed), "/".join(fixed)))
            continue
        changed = dict((key, {"before": existing.get(key), "after": target[key]}) for key in UPDATABLE
                       if existing.get(key) != target[key])
        if changed:
            actions.append({"prefix": rule["prefix"], "action": "update", "details": changed})
    if conflicts:
        raise ValueError("; ".join(conflicts))
    if purge:
        for prefix in sorted(set(current) - set(wanted)):
            actions.append({"prefix": prefix, "action": "delete", "details": dict(current[prefix])})
    return actions


def predict(current, actions):
    """The registry's rules once ``actions`` are applied: {prefix: rule}."""
    after = dict((prefix, dict(rule)) for prefix, rule in current.items())
    for action in actions:
        if action["action"] == "create":
            after[action["prefix"]] = dict(action["details"])
        elif action["action"] == "update":
            for key, change in action["details"].items():
                after[action["prefix"]][key] = change["after"]
        else:
            after.pop(action["prefix"], None)
    return after


def view(rules, account_id, region):
    """Rules as the module returns them (RETURN ``rules``), in the given order."""
    return [dict(dict((key, rule.get(key)) for key in RULE_KEYS),
                 image_prefix=image_prefix(account_id, region, rule["prefix"])) for rule in rules]


class PullThroughCacheReader:
    """The registry's rules (all pages) and the credential secrets' ARNs (metadata only)."""

    def __init__(self, connection):
        self.connection = connection

    def account_id(self):
        if self.connection.account_id:
            return self.connection.account_id
        try:
            return self.connection.client("sts").get_caller_identity()["Account"]
        except (BotoCoreError, ClientError) as exc:
            raise aws_error(exc, "identify the account")

    def rules(self):
        try:
            paginator = self.connection.client("ecr").get_paginator("describe_pull_through_cache_rules")
            return dict((entry["ecrRepositoryPrefix"], rule_from_aws(entry)) for page in paginator.paginate()
                        for entry in page.get("pullThroughCacheRules", []))
        except (BotoCoreError, ClientError) as exc:
            raise aws_error(exc, "describe the pull through cache rules")

    def secret_arn(self, secret, account_id, region):
        """The full ARN of a secret given by name or ARN; it must exist (DescribeSecret, no value read)."""
        try:
            answer = self.connection.client("secretsmanager").describe_secret(SecretId=secret)
        except (BotoCoreError, ClientError) as exc:
            if error_code(exc) == "ResourceNotFoundException":
                raise aws_error(exc, "describe the secret %s" % secret, message=(
                    "credential_secret %s does not exist in account %s region %s; create it there "
                    "(its name must start with %s) before the rule" % (secret, account_id, region, SECRET_NAME_PREFIX)))
            raise aws_error(exc, "describe the secret %s" % secret)
        if answer.get("DeletedDate"):
            raise PrivatelinkError("credential_secret %s is scheduled for deletion (%s); ECR cannot use it: restore "
                                   "it or name another secret" % (secret, answer["DeletedDate"]))
        return answer["ARN"]


class PullThroughCacheApplier:
    """Apply a plan in order; ``applied`` lists what succeeded (returned on a partial failure)."""

    def __init__(self, client):
        self.client = client
        self.applied = []

    def apply(self, actions):
        for action in actions:
            try:
                getattr(self, "_" + action["action"])(action["prefix"], action["details"])
            except (BotoCoreError, ClientError) as exc:
                raise aws_error(exc, "%s the pull through cache rule %s" % (action["action"], action["prefix"]))
            self.applied.append(action)

    def _create(self, prefix, details):
        kwargs = dict(ecrRepositoryPrefix=prefix, upstreamRegistry=details["upstream"],
                      upstreamRegistryUrl=details["upstream_registry_url"])
        for key, name in (("credential_secret_arn", "credentialArn"), ("custom_role_arn", "customRoleArn")):
            if details.get(key):
                kwargs[name] = details[key]
        if details.get("upstream_repository_prefix") not in (None, "ROOT"):
            kwargs["upstreamRepositoryPrefix"] = details["upstream_repository_prefix"]
        self.client.create_pull_through_cache_rule(**kwargs)

    def _update(self, prefix, details):
        kwargs = dict(ecrRepositoryPrefix=prefix)
        for key, name in (("credential_secret_arn", "credentialArn"), ("custom_role_arn", "customRoleArn")):
            if key in details and details[key]["after"]:
                kwargs[name] = details[key]["after"]
        self.client.update_pull_through_cache_rule(**kwargs)

    def _delete(self, prefix, details):
        self.client.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix)


def run_pull_through_cache(connection, params, check_mode):
    """One run of ecr_pull_through_cache: validate, read, plan, apply (not in check mode), report.

    Raises ValueError or PrivatelinkError with a message for the user; a PrivatelinkError after a partial
    apply carries ``changes`` (what was applied)."""
    state, purge, region = params.get("state") or "present", bool(params.get("purge")), connection.region
    desired = validate_rules(params.get("rules"), state)
    if not desired and not (purge and state == "present"):
        return {"changed": False, "rules": [], "changes": [], "diff": {"before": {"rules": []}, "after": {"rules": []}}}
    check_region(region)
    reader = PullThroughCacheReader(connection)
    account_id = reader.account_id()
    secrets = {}
    if state == "present":
        for rule in desired:
            if rule["credential_secret"]:
                check_secret_location(rule["credential_secret"], account_id, region)
        for rule in desired:
            secret = rule["credential_secret"]
            if secret and secret not in secrets:
                secrets[secret] = reader.secret_arn(secret, account_id, region)
    current = reader.rules()
    actions = plan(desired, current, secrets, state, purge)
    if actions and not check_mode:
        applier = PullThroughCacheApplier(connection.client("ecr"))
        try:
            applier.apply(actions)
        except PrivatelinkError as exc:
            exc.details["changes"] = applier.applied
            raise
    after = predict(current, actions)
    listed = [rule["prefix"] for rule in desired]
    touched = listed + [a["prefix"] for a in actions if a["prefix"] not in listed]
    return {
        "changed": bool(actions),
        "rules": view([after[p] for p in listed if p in after], account_id, region),
        "changes": actions,
        "diff": {"before": {"rules": view([current[p] for p in touched if p in current], account_id, region)},
                 "after": {"rules": view([after[p] for p in touched if p in after], account_id, region)}},
    }
