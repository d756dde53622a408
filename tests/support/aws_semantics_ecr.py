"""Give moto_server ECR pull-through cache rules as the ECR API reference describes them (tests only).

moto 5.2 has no pull-through cache API (its ECR answers these operations ``NotImplementedError``).
This WSGI middleware sits inside the AWS-semantics layer (tests/support/aws_semantics.py wraps moto's
application with it) and answers the five operations itself, in ECR's JSON protocol
(``X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>``); every other request goes on to
moto. Rules live per account and region, as a registry does. Pages it follows
(https://docs.aws.amazon.com/AmazonECR/latest/APIReference/):

P1. CreatePullThroughCacheRule (API_CreatePullThroughCacheRule.html): ``ecrRepositoryPrefix`` 2-30
    characters of ECR's pattern or ``ROOT``; ``upstreamRegistry`` one of the ``UpstreamRegistry`` enum;
    ``upstreamRegistryUrl`` in the syntax the page gives per upstream; ``credentialArn`` matching
    ``^arn:aws(-\\w+)*:secretsmanager:...:secret:ecr-pullthroughcache/...$`` (``ValidationException``
    otherwise). Upstreams that authenticate with a secret (Docker Hub, GitHub, GitLab, Azure,
    Chainguard) need ``credentialArn`` and ``ecr`` needs ``customRoleArn`` (``InvalidParameterException``);
    the secret must be in the registry's account and region (``UnableToAccessSecretException``) and
    exist in Secrets Manager (``SecretNotFoundException``; one scheduled for deletion cannot be
    accessed). A second rule for the prefix -> ``PullThroughCacheRuleAlreadyExistsException``.
    User guide: AmazonECR/latest/userguide/pull-through-cache.html (which upstreams need what),
    pull-through-cache-creating-rule.html (secret name prefix, same account and Region).
P2. DescribePullThroughCacheRules (API_DescribePullThroughCacheRules.html): ``ecrRepositoryPrefixes``
    (a prefix with no rule -> ``PullThroughCacheRuleNotFoundException``), ``maxResults`` 1-1000 (absent:
    up to 100, here ``default_page_size``), ``nextToken``.
P3. UpdatePullThroughCacheRule (API_UpdatePullThroughCacheRule.html): the secret or role of an existing
    rule (``PullThroughCacheRuleNotFoundException``), with the secret checks of P1; the upstream cannot
    change (the operation has no such parameter).
P4. DeletePullThroughCacheRule (API_DeletePullThroughCacheRule.html): returns the rule deleted;
    ``PullThroughCacheRuleNotFoundException``.
P5. ValidatePullThroughCacheRule (API_ValidatePullThroughCacheRule.html): ``isValid`` false with a
    ``failure`` when the rule's secret cannot be found (the emulator has no upstream to log in to).

Control: ``GET /_aws_semantics/ecr`` -> ``{"default_page_size": N}``; ``POST`` the same to change it
(small pages make the readers' pagination visible); ``POST /moto-api/reset`` forgets every rule.
moto's IAM enforcement (``/moto-api/reset-auth``) applies to these operations as to moto's own.
"""

import io
import json
import os
import re
import threading
import time
import uuid

TARGET = "AmazonEC2ContainerRegistry_V20150921."
OPERATIONS = ("CreatePullThroughCacheRule", "DescribePullThroughCacheRules", "UpdatePullThroughCacheRule",
              "DeletePullThroughCacheRule", "ValidatePullThroughCacheRule")
# botocore's ECR model (shapes PullThroughCacheRuleRepositoryPrefix, CredentialArn, UpstreamRegistry).
PREFIX = re.compile(r"^([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*\/?|ROOT)$")
CREDENTIAL_ARN = re.compile(r"^arn:aws(-\w+)*:secretsmanager:[a-zA-Z0-9-:]+:secret:ecr\-pullthroughcache\/"
                            r"[a-zA-Z0-9\/_+=.@-]+$")
# upstreamRegistryUrl per upstream, as API_CreatePullThroughCacheRule.html gives it.
FIXED_URLS = {"ecr-public": "public.ecr.aws", "docker-hub": "registry-1.docker.io", "quay": "quay.io",
              "github-container-registry": "ghcr.io", "k8s": "registry.k8s.io",
              "gitlab-container-registry": "registry.gitlab.com", "chainguard": "cgr.dev",
              "ecr-public-premium": "public.ecr.aws"}
PATTERN_URLS = {"azure-container-registry": re.compile(r"^[a-z0-9-]+\.azurecr\.io$"),
                "ecr": re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")}
UPSTREAMS = tuple(FIXED_URLS) + tuple(PATTERN_URLS)
NEEDS_SECRET = ("docker-hub", "github-container-registry", "gitlab-container-registry", "azure-container-registry",
                "chainguard")
DEFAULT_PAGE_SIZE = 100


class EcrRefusal(Exception):
    """An ECR error answer (JSON protocol: ``__type`` and ``message``) with its HTTP status."""

    def __init__(self, code, message, status="400 Bad Request"):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def authorize(environ, body, account, operation):
    """moto's own IAM enforcement (on after ``POST /moto-api/reset-auth``) for the operations answered here,
    which never reach moto's handlers: the signature, then the caller's policies for ``ecr:<operation>``."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam.access_control import IAMRequest
    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        return
    headers = dict((key[5:].replace("_", "-").title(), value) for key, value in environ.items()
                   if key.startswith("HTTP_"))
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = environ[key]
    try:
        request = IAMRequest(account_id=account, method=environ.get("REQUEST_METHOD"),
                             path=environ.get("PATH_INFO") or "/", data={}, body=body, headers=headers,
                             action=operation)
        request.check_signature()
        request.check_action_permitted("*")
    except Exception as denied:  # moto's RESTError subclasses: AccessDenied, SignatureDoesNotMatch...
        raise EcrRefusal(getattr(denied, "error_type", "AccessDenied"), getattr(denied, "message", str(denied)),
                         "403 Forbidden")


def caller(environ):
    """(account, region) of a signed request, as moto itself would pick the account."""
    from moto.iam.models import get_account_id_from  # maps STS / IAM access keys to their account
    scope = re.search(r"Credential=([^/,]+)/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    access_key, region = scope.groups() if scope else ("", "us-east-1")
    account = (os.environ.get("MOTO_ACCOUNT_ID") or environ.get("HTTP_X_MOTO_ACCOUNT_ID")
               or get_account_id_from(access_key or "AKIAEXAMPLE"))
    return account, region


def check_prefix(value, name="ecrRepositoryPrefix"):
    if not isinstance(value, str) or not 2 <= len(value) <= 30 or not PREFIX.match(value):
        raise EcrRefusal("ValidationException", "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                         "constraint: Member must satisfy regular expression pattern: %s and length 2-30"
                         % (value, name, PREFIX.pattern))
    return value if value == "ROOT" else value.rstrip("/")


def check_secret(account, region, arn):
    """P1's secret checks; the secret's value is never read."""
    if not CREDENTIAL_ARN.match(arn) or not 50 <= len(arn) <= 612:
        raise EcrRefusal("ValidationException", "1 validation error detected: Value '%s' at 'credentialArn' failed "
                         "to satisfy constraint: Member must satisfy regular expression pattern: %s"
                         % (arn, CREDENTIAL_ARN.pattern))
    parts = arn.split(":")
    if parts[3] != region or parts[4] != account:
        raise EcrRefusal("UnableToAccessSecretException", "The secret %s is not in the registry's account %s and "
                         "Region %s" % (arn, account, region))
    from moto.secretsmanager.models import secretsmanager_backends
    secret = secretsmanager_backends[account][region].secrets.get(arn)
    if secret is None:
        raise EcrRefusal("SecretNotFoundException", "The ARN of the secret specified in the pull through cache rule "
                         "was not found: %s" % arn)
    if secret.is_deleted():
        raise EcrRefusal("UnableToAccessSecretException", "The secret %s is scheduled for deletion" % arn)


class EcrPullThroughCache:
    """WSGI middleware in front of moto's app; see the module docstring."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.rules = {}  # (account, region) -> {prefix: rule}
            self.default_page_size = DEFAULT_PAGE_SIZE

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/moto-api/reset" and method == "POST":
            self.reset()
        if path == "/_aws_semantics/ecr":
            return self._control(environ, method, start_response)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        operation = target[len(TARGET):] if target.startswith(TARGET) else None
        if operation not in OPERATIONS:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        account, region = caller(environ)
        try:
            authorize(environ, body, account, operation)
            params = json.loads(body or b"{}")
            registry = params.get("registryId")
            if registry is not None and registry != account:
                raise EcrRefusal("InvalidParameterException", "registryId %s is not the caller's registry %s"
                                 % (registry, account))
            with self.lock:
                answer = getattr(self, "_" + operation)(account, region, params)
            status = "200 OK"
        except EcrRefusal as refusal:
            status, answer = refusal.status, {"__type": refusal.code, "message": refusal.message}
        except ValueError:
            status, answer = "400 Bad Request", {"__type": "SerializationException", "message": "malformed JSON"}
        payload = json.dumps(answer).encode()
        start_response(status, [("Content-Type", "application/x-amz-json-1.1"),
                                ("x-amzn-RequestId", str(uuid.uuid4())), ("Content-Length", str(len(payload)))])
        return [payload]

    def _control(self, environ, method, start_response):
        status = "200 OK"
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            update = json.loads(environ["wsgi.input"].read(length) or b"{}")
            size = update.get("default_page_size")
            if set(update) - {"default_page_size"} or not isinstance(size, int) or not 1 <= size <= 1000:
                status = "400 Bad Request"
            else:
                self.default_page_size = size
        payload = json.dumps({"default_page_size": self.default_page_size}).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def _registry(self, account, region):
        return self.rules.setdefault((account, region), {})

    def _rule(self, account, region, params):
        prefix = check_prefix(params.get("ecrRepositoryPrefix"))
        rule = self._registry(account, region).get(prefix)
        if rule is None:
            raise EcrRefusal("PullThroughCacheRuleNotFoundException", "The pull through cache rule with prefix '%s' "
                             "does not exist in the registry with id '%s'" % (prefix, account))
        return prefix, rule

    # --- operations (P1-P5) ---
    def _CreatePullThroughCacheRule(self, account, region, params):
        prefix = check_prefix(params.get("ecrRepositoryPrefix"))
        url = params.get("upstreamRegistryUrl")
        if not url:
            raise EcrRefusal("ValidationException", "upstreamRegistryUrl is required")
        upstream = params.get("upstreamRegistry")
        if upstream is None:  # optional in the API: the URL names it
            upstream = next((name for name, fixed in FIXED_URLS.items() if fixed == url), None)
            upstream = upstream or next((name for name, rx in PATTERN_URLS.items() if rx.match(url)), None)
        if upstream not in UPSTREAMS:
            raise EcrRefusal("ValidationException", "Value '%s' at 'upstreamRegistry' failed to satisfy constraint: "
                             "Member must satisfy enum value set: %s" % (upstream, list(UPSTREAMS)))
        if url != FIXED_URLS.get(upstream, url) or (upstream in PATTERN_URLS and not PATTERN_URLS[upstream].match(url)):
            raise EcrRefusal("InvalidParameterException", "Invalid upstream registry URL '%s' for upstream registry "
                             "'%s'" % (url, upstream))
        credential, role = params.get("credentialArn"), params.get("customRoleArn")
        if upstream in NEEDS_SECRET and not credential:
            raise EcrRefusal("InvalidParameterException", "A credential ARN is required for upstream registry '%s'"
                             % upstream)
        if upstream == "ecr" and not role:
            raise EcrRefusal("InvalidParameterException", "A custom role ARN is required for upstream registry 'ecr'")
        if credential:
            check_secret(account, region, credential)
        upstream_prefix = params.get("upstreamRepositoryPrefix")
        if upstream_prefix is not None:
            upstream_prefix = check_prefix(upstream_prefix, "upstreamRepositoryPrefix")
        registry = self._registry(account, region)
        if prefix in registry:
            raise EcrRefusal("PullThroughCacheRuleAlreadyExistsException", "A pull through cache rule with prefix "
                             "'%s' already exists in the registry with id '%s'" % (prefix, account))
        rule = {"ecrRepositoryPrefix": prefix, "upstreamRegistryUrl": url, "createdAt": time.time(),
                "registryId": account, "upstreamRegistry": upstream, "upstreamRepositoryPrefix": upstream_prefix
                or "ROOT"}
        for key, value in (("credentialArn", credential), ("customRoleArn", role)):
            if value:
                rule[key] = value
        registry[prefix] = rule
        return dict(rule)

    def _DescribePullThroughCacheRules(self, account, region, params):
        registry = self._registry(account, region)
        wanted = params.get("ecrRepositoryPrefixes")
        if wanted is not None:
            names = [check_prefix(p, "ecrRepositoryPrefixes") for p in wanted]
            missing = [p for p in names if p not in registry]
            if missing:
                raise EcrRefusal("PullThroughCacheRuleNotFoundException", "The pull through cache rule with prefix "
                                 "'%s' does not exist in the registry with id '%s'" % (missing[0], account))
        else:
            names = sorted(registry)
        size = params.get("maxResults", self.default_page_size)
        if not isinstance(size, int) or not 1 <= size <= 1000:
            raise EcrRefusal("ValidationException", "maxResults must be between 1 and 1000")
        start = 0
        if params.get("nextToken"):
            try:
                start = int(params["nextToken"].split(":", 1)[1])
            except (IndexError, ValueError):
                raise EcrRefusal("InvalidParameterException", "Invalid parameter: nextToken")
        page = names[start:start + size]
        answer = {"pullThroughCacheRules": [dict(registry[p]) for p in page]}
        if start + size < len(names):
            answer["nextToken"] = "ptc:%d" % (start + size)
        return answer

    def _UpdatePullThroughCacheRule(self, account, region, params):
        _prefix, rule = self._rule(account, region, params)
        credential, role = params.get("credentialArn"), params.get("customRoleArn")
        if not credential and not role:
            raise EcrRefusal("InvalidParameterException", "credentialArn or customRoleArn is required")
        if credential:
            check_secret(account, region, credential)
            rule["credentialArn"] = credential
        if role:
            rule["customRoleArn"] = role
        rule["updatedAt"] = time.time()
        return dict((key, rule[key]) for key in ("ecrRepositoryPrefix", "registryId", "updatedAt", "credentialArn",
                                                 "customRoleArn", "upstreamRepositoryPrefix") if key in rule)

    def _DeletePullThroughCacheRule(self, account, region, params):
        prefix, rule = self._rule(account, region, params)
        del self._registry(account, region)[prefix]
        return dict((k, v) for k, v in rule.items() if k not in ("upstreamRegistry", "updatedAt"))

    def _ValidatePullThroughCacheRule(self, account, region, params):
        _prefix, rule = self._rule(account, region, params)
        answer = dict((k, v) for k, v in rule.items() if k not in ("createdAt", "updatedAt", "upstreamRegistry"))
        answer["isValid"] = True
        if rule.get("credentialArn"):
            try:
                check_secret(account, region, rule["credentialArn"])
            except EcrRefusal as refusal:
                answer.update(isValid=False, failure="%s: %s" % (refusal.code, refusal.message))
        return answer
