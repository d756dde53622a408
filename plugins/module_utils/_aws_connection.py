# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS connection for privatelink.ecr modules (private to this collection).

One place builds botocore clients from the shared connection options, assumes a role
when asked, configures botocore's own retry mode for throttling, and turns every
botocore/boto3 exception into a ``PrivatelinkError`` whose message a person can act on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import gc
import os

from ansible.module_utils.basic import env_fallback

try:
    # botocore's session rather than boto3's: importing boto3 also imports s3transfer, which these
    # modules never use (about 0.03 CPU s of every module run, measured over repeated runs).
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ParamValidationError,
        ProfileNotFound,
        WaiterError,
    )

    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without boto3
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR = exc

COLLECTION_VERSION = "0.1.0"
USER_AGENT = "privatelink.ecr/%s" % COLLECTION_VERSION
DEFAULT_SESSION_NAME = "privatelink-ecr"

CONNECTION_ARGUMENT_SPEC = dict(
    region=dict(type="str", aliases=["aws_region"], fallback=(env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"])),
    # No env fallback for the keys: botocore reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
    # AWS_SESSION_TOKEN (and the older AWS_SECURITY_TOKEN) itself, and drops them when a profile is given
    # explicitly (botocore.credentials.create_credential_resolver: "An explicitly provided profile will
    # negate an EnvProvider"). As fallbacks they made a host's aws_profile collide with the controller's
    # environment keys (profile and keys are mutually exclusive) or be silently replaced by them.
    access_key=dict(type="str", aliases=["aws_access_key_id"], no_log=False),
    secret_key=dict(type="str", aliases=["aws_secret_access_key"], no_log=True),
    session_token=dict(type="str", aliases=["aws_session_token"], no_log=True),
    profile=dict(type="str", aliases=["aws_profile"], fallback=(env_fallback, ["AWS_PROFILE"])),
    endpoint_url=dict(type="str", aliases=["aws_endpoint_url"], fallback=(env_fallback, ["AWS_ENDPOINT_URL"])),
    validate_certs=dict(type="bool", default=True),
    role_arn=dict(type="str"),
    role_session_name=dict(type="str", default=DEFAULT_SESSION_NAME),
    external_id=dict(type="str", no_log=True),
    aws_ca_bundle=dict(type="path", fallback=(env_fallback, ["AWS_CA_BUNDLE"])),
    aws_config=dict(type="dict"),
)
# A profile names its own credentials: keys beside it would silently win, so both is an error.
CONNECTION_MUTUALLY_EXCLUSIVE = [["profile", "access_key"], ["profile", "secret_key"], ["profile", "session_token"]]

# Error codes a person usually fixes the same way; the hint is appended to the message.
_HINTS = {
    "UnauthorizedOperation": "the credentials lack this permission; docs/iam-policy.json lists what the collection needs",
    "AccessDenied": "the credentials lack this permission; docs/iam-policy.json lists what the collection needs",
    "AccessDeniedException": "the credentials lack this permission; docs/iam-policy.json lists what the collection needs",
    "AuthFailure": "the credentials were rejected; check access_key/secret_key/session_token or the profile",
    "InvalidClientTokenId": "the access key is not known to AWS; check access_key or the profile",
    "SignatureDoesNotMatch": "the secret key does not match the access key",
    "ExpiredToken": "the session token has expired; refresh the credentials",
    "RequestExpired": "the request expired; check the controller's clock",
    "RequestLimitExceeded": "AWS kept throttling after botocore's retries; lower forks or raise AWS_MAX_ATTEMPTS",
    "Throttling": "AWS kept throttling after botocore's retries; lower forks or raise AWS_MAX_ATTEMPTS",
    "OptInRequired": "the account is not subscribed to this service or region",
}


class PrivatelinkError(Exception):
    """An error meant for the user: ``str(error)`` is the whole message."""

    def __init__(self, message, **details):
        super(PrivatelinkError, self).__init__(message)
        self.details = details


def describe_exception(exc, action):
    """Return an actionable one-line message for a botocore/boto3 exception."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "Unknown")
        message = "Failed to %s: %s: %s" % (action, code, error.get("Message", "").strip() or "(no message)")
        hint = _HINTS.get(code)
        return message + ("; " + hint if hint else "")
    if isinstance(exc, NoRegionError):
        return "Failed to %s: no AWS region; set the region option or AWS_REGION" % action
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError)):
        return ("Failed to %s: no usable AWS credentials; set access_key and secret_key, a profile, "
                "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" % action)
    if isinstance(exc, ProfileNotFound):
        return "Failed to %s: %s; check the profile option or AWS_PROFILE" % (action, exc)
    if isinstance(exc, EndpointConnectionError):
        return "Failed to %s: cannot reach %s; check endpoint_url, the region and the network" % (
            action, exc.kwargs.get("endpoint_url", "the AWS endpoint"))
    if isinstance(exc, ParamValidationError):
        return "Failed to %s: invalid request parameters: %s" % (action, exc)
    if isinstance(exc, WaiterError):
        return "Failed to %s: %s" % (action, exc)
    return "Failed to %s: %s: %s" % (action, type(exc).__name__, exc)


def error_code(exc):
    if isinstance(exc, ClientError):
        return exc.response.get("Error", {}).get("Code")
    return None


def aws_error(exc, action, message=None):
    """The one mapper of a botocore/boto3 exception to the user's error.

    The message is ``message`` when the caller can say it better (an unknown id named by its option),
    else ``describe_exception``'s; either way the error keeps AWS's own answer (``error`` and
    ``response_metadata``) when AWS answered, so the failed module returns it (docs: the
    ``privatelink.ecr.connection`` documentation fragment's notes).
    """
    return PrivatelinkError(message or describe_exception(exc, action), **aws_error_details(exc))


def translated(action):
    """Decorator: any botocore/boto3 exception raised by the call becomes a PrivatelinkError."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except (BotoCoreError, ClientError) as exc:
                raise aws_error(exc, action)

        return wrapper

    return decorate


def wait_delay(default=5.0):
    """Seconds between two polls of a wait, for every wait of the collection (endpoints, Route 53 changes,
    retries of a busy Route 53 object).

    Real endpoints take a minute or more to become available, so 5 s costs nothing against AWS.
    An emulator whose endpoints are ``pending`` for a fraction of a second (the test suite's
    AWS-semantics layer) sets PRIVATELINK_ECR_WAIT_DELAY to poll that often. Bounded to 0.05-60 s.
    """
    try:
        delay = float(os.environ.get("PRIVATELINK_ECR_WAIT_DELAY", default))
    except ValueError:
        delay = float(default)
    return min(max(delay, 0.05), 60.0)


def botocore_config(user_settings=None):
    """botocore's own retries (adaptive mode also rate-limits the client when AWS throttles),
    merged with the user's ``aws_config`` settings (theirs win)."""
    mode = os.environ.get("AWS_RETRY_MODE") or "adaptive"
    if mode not in ("legacy", "standard", "adaptive"):
        mode = "adaptive"
    try:
        attempts = int(os.environ.get("AWS_MAX_ATTEMPTS") or 10)
    except ValueError:
        attempts = 10
    config = Config(
        # AWS_MAX_ATTEMPTS counts the first attempt too (as in every AWS SDK); botocore's
        # "max_attempts" would count retries only and make one attempt more than asked.
        retries={"mode": mode, "total_max_attempts": max(1, attempts)},
        user_agent_extra=USER_AGENT,
        connect_timeout=10,
        read_timeout=60,
    )
    if user_settings:
        try:
            config = config.merge(Config(**user_settings))
        except TypeError as exc:
            raise PrivatelinkError("aws_config: %s; it takes botocore Config settings such as "
                                   "connect_timeout, read_timeout, retries, proxies" % exc)
    return config


def regional_sts(session):
    """The botocore session, with STS on the region's own endpoint whatever the SDK's default or the profile say.

    Tokens of the global endpoint are not valid in opt-in regions, and boto3 made regional the default only
    in 1.40 (IAM user guide, "Manage AWS STS in an AWS Region",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_enable-regions.html).
    """
    session.set_config_variable("sts_regional_endpoints", "regional")
    return session


# botocore's data loader shared by the sessions this process creates, or None (each session loads its own):
# set by share_service_models.
_SHARED_LOADER = None


def share_service_models(services=("ec2", "sts")):
    """Load the services' models and botocore's endpoint data once, for every session created afterwards.

    The action plugins call it when Ansible loads them in the controller's main process, before it forks a
    worker per task, each with the services its module calls: the workers inherit the loaded data and their
    sessions skip reading and decoding the models' JSON again (about 0.1 CPU s per client). A client is
    created (no request is sent) so that the loader's cache holds exactly what client creation asks for.
    A later call adds its services to the same loader.
    """
    global _SHARED_LOADER
    if not HAS_BOTO3:
        return
    try:
        session = botocore.session.Session()
        if _SHARED_LOADER is not None:
            session.register_component("data_loader", _SHARED_LOADER)
        for service in services:
            # verify=False: no request is sent, and the controller's CA settings are the task's business.
            session.create_client(service, region_name="us-east-1", aws_access_key_id="model-only",
                                  aws_secret_access_key="model-only", verify=False)
    except Exception:  # pylint: disable=broad-except
        # An unreadable config file, an unknown AWS_PROFILE, a malformed CA setting: nothing more is shared,
        # each session loads what is missing as it would without this, and the task reports the problem itself.
        return
    _SHARED_LOADER = session.get_component("data_loader")


def _new_session(profile):
    session = botocore.session.Session(profile=profile)
    # AWS_DATA_PATH (read by the session's own loader) adds model folders: such a run loads its own.
    if _SHARED_LOADER is not None and not os.environ.get("AWS_DATA_PATH"):
        session.register_component("data_loader", _SHARED_LOADER)
    return session


def _env_true(name):
    return (os.environ.get(name) or "").strip().lower() == "true"


def explicit_endpoint_url(endpoint_url):
    """The URL to pass to every client, or None to let botocore resolve each service's endpoint.

    ``endpoint_url`` serves every service the module calls. Left unset, or set only by the environment's
    ``AWS_ENDPOINT_URL`` (the option's fallback), botocore's own resolution applies: a service's
    ``AWS_ENDPOINT_URL_<SERVICE>`` variable, then ``AWS_ENDPOINT_URL``, then the config file's ``services``
    section and ``endpoint_url`` (SDK reference guide, "Service-specific endpoints",
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). Passing the global URL to
    each client would override the per-service ones. With ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` botocore
    reads none of them, so the option's value is passed on.
    """
    if not endpoint_url:
        return None
    if endpoint_url == os.environ.get("AWS_ENDPOINT_URL") and not _env_true("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
        return None
    return endpoint_url


class AwsConnection:
    """Clients for one target (region + credentials, after an optional role assumption)."""

    def __init__(self, params):
        self.region = params.get("region")
        self.endpoint_url = explicit_endpoint_url(params.get("endpoint_url"))
        # A CA bundle (TLS-inspecting proxies) is what botocore verifies against; off stays off.
        self.verify = (params.get("aws_ca_bundle") or True) if params.get("validate_certs", True) else False
        self._config = botocore_config(params.get("aws_config"))
        self._clients = {}
        self._assumed = {}  # the role's credentials, as client keyword arguments
        self.account_id = None  # known without a request once a role is assumed
        self.session = self._base_session(params)
        if params.get("role_arn"):
            try:
                self._assumed = self._assume_role(params)
            except PrivatelinkError as exc:
                # The account tried is the role's (its ARN names it), whichever connection this is: the
                # module's own, a hub's or a zone owner's.
                raise PrivatelinkError(located(str(exc), located_in(_arn_account(params["role_arn"]), self.region)),
                                       **dict(exc.details, located=True))

    @translated("create an AWS session")
    def _base_session(self, params):
        if not self.region:
            raise PrivatelinkError("No AWS region: set the region option, AWS_REGION or AWS_DEFAULT_REGION")
        session = regional_sts(_new_session(params.get("profile") or None))
        if params.get("access_key") or params.get("secret_key"):
            if not (params.get("access_key") and params.get("secret_key")):
                raise PrivatelinkError("access_key and secret_key must be given together")
            session.set_credentials(params["access_key"], params["secret_key"], params.get("session_token"))
        if session.get_credentials() is None:
            raise PrivatelinkError("No AWS credentials found: set access_key and secret_key, a profile, "
                                   "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
        return session

    @translated("assume the role")
    def _assume_role(self, params):
        sts = self._make_client("sts")
        kwargs = dict(RoleArn=params["role_arn"],
                      RoleSessionName=params.get("role_session_name") or DEFAULT_SESSION_NAME)
        if params.get("external_id"):
            kwargs["ExternalId"] = params["external_id"]
        answer = sts.assume_role(**kwargs)
        creds = answer["Credentials"]
        # AssumedRoleUser.Arn (required in the answer) is arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION:
        # the account is known without a GetCallerIdentity.
        # https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumedRoleUser.html
        self.account_id = _arn_account((answer.get("AssumedRoleUser") or {}).get("Arn"))
        # The role's clients come from the same session, with the role's keys: a second session would
        # load botocore's endpoint and model data again (about 0.1 CPU s per module run).
        return dict(aws_access_key_id=creds["AccessKeyId"],
                    aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"])

    def _make_client(self, service, credentials=None):
        return self.session.create_client(service, region_name=self.region, endpoint_url=self.endpoint_url,
                                          verify=self.verify, config=self._config, **(credentials or {}))

    def caller_account(self):
        """The account the credentials act in: named by the assumed role, else sts:GetCallerIdentity (once)."""
        if not self.account_id:
            self.account_id = self.client("sts").get_caller_identity()["Account"]
        return self.account_id

    def account_for_message(self):
        """The account id for a failure message, or None; never raises.

        Known without a request when a role was assumed or the account was already read. Otherwise one
        sts:GetCallerIdentity, on the failure path only, with one attempt and short timeouts; it needs no
        permission ("No permissions are required to perform this operation",
        https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html), so it answers
        even where the failed call was denied. Credentials AWS rejected would be rejected again: not asked.
        """
        if self.account_id:
            return self.account_id
        try:
            config = self._config.merge(Config(retries={"mode": "standard", "total_max_attempts": 1},
                                               connect_timeout=5, read_timeout=10))
            sts = self.session.create_client("sts", region_name=self.region, endpoint_url=self.endpoint_url,
                                             verify=self.verify, config=config, **self._assumed)
            self.account_id = sts.get_caller_identity()["Account"]
        except Exception:  # pylint: disable=broad-except  # the message is written without it
            return None
        return self.account_id

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = self._make_client(service, self._assumed)
            # A module process exits right after its few calls; the service model just loaded is
            # large, and freezing it spares the collector walking it again (about -17 % CPU per
            # run, measured by bench/).
            if hasattr(gc, "freeze"):
                gc.freeze()
        return self._clients[service]


def other_account_params(params, other):
    """The module's connection parameters for another account's connection (a hub's, a zone owner's).

    ``other``: ``{role_arn, external_id, role_session_name, profile}``. The module's region, endpoint
    and base credentials, with the other account's role; its ``profile`` (a host's aws_profile: each
    account may have its own IAM Identity Center profile) replaces the module's when given, and an
    empty string means no profile (the environment's credentials).
    """
    result = dict(params, role_arn=other.get("role_arn"), external_id=other.get("external_id"),
                  role_session_name=other.get("role_session_name") or DEFAULT_SESSION_NAME)
    if other.get("profile") is not None:
        result["profile"] = other["profile"] or None
        if result["profile"]:
            # The module's own keys (explicit or from the environment) belong to the module's account.
            result.update(access_key=None, secret_key=None, session_token=None)
    return result


def boto3_missing_message():
    return "boto3 and botocore are required: pip install -r requirements.txt (%s)" % BOTO3_IMPORT_ERROR


def connection_from_module(module):
    """Build the connection or fail the module with an actionable message."""
    if not HAS_BOTO3:
        module.fail_json(msg=boto3_missing_message())
    try:
        return AwsConnection(module.params)
    except PrivatelinkError as exc:
        # No session (input), or a role that could not be assumed (the error names the role's account).
        fail_module(module, exc)


# Codes of credentials AWS did not accept: asking STS with them again would only fail again.
_REJECTED_CREDENTIALS = frozenset(["InvalidClientTokenId", "AuthFailure", "SignatureDoesNotMatch", "ExpiredToken",
                                   "ExpiredTokenException", "UnrecognizedClientException", "IncompleteSignature"])
_THIS_ACCOUNT_AND_REGION = "this account and region"


def _arn_account(arn):
    """The account field of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:...), or None."""
    parts = (arn or "").split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None


def located_in(account_id, region):
    """``account 123456789012, region eu-west-1``: where a failed module looked."""
    return "account %s, region %s" % (account_id or "(not known)", region or "(none)")


def located(message, where):
    """The message naming where it happened: "this account and region" becomes the account and the region,
    any other message gets them appended."""
    if not where:
        return message
    if _THIS_ACCOUNT_AND_REGION in message:
        return message.replace(_THIS_ACCOUNT_AND_REGION, where)
    return "%s (%s)" % (message, where)


def located_error(exc, connection):
    """``exc`` naming the account and region of ``connection`` (another account's, such as a hub's), so that
    the module's failure does not name its own connection's instead."""
    details = dict(getattr(exc, "details", None) or {}, located=True)
    return PrivatelinkError(located(str(exc), located_in(connection.account_for_message(), connection.region)),
                            **details)


def fail_module(module, exc, connection=None, where=None):
    """Fail the module on ``exc``: its message naming the account and region of ``connection`` (or
    ``where``), and the failure fields (AWS's ``error`` and ``response_metadata``, the SDK versions, the
    changes already applied). Input errors found before any connection (no ``connection``, no ``where``)
    are reported as they are."""
    details = getattr(exc, "details", None) or {}
    if details.get("located"):
        where = None  # the error named its place already (located_error)
    elif where is None and connection is not None:
        code = (details.get("error") or {}).get("code")
        account = connection.account_id if code in _REJECTED_CREDENTIALS else connection.account_for_message()
        where = located_in(account, connection.region)
    module.fail_json(msg=located(str(exc), where), **failure_fields(exc))


def sdk_versions():
    try:
        import boto3
        boto3_version = boto3.__version__
    except ImportError:  # pragma: no cover - reported by HAS_BOTO3 already
        boto3_version = None
    try:
        import botocore
        botocore_version = botocore.__version__
    except ImportError:  # pragma: no cover
        botocore_version = None
    return {"boto3_version": boto3_version, "botocore_version": botocore_version}


def failure_fields(exc):
    """What every module returns beside ``msg`` on failure (the connection documentation fragment's notes): AWS's
    ``error`` and ``response_metadata`` when it answered, the SDK versions, and after a partial
    apply ``changed: true`` with the ``changes`` that were applied."""
    details = getattr(exc, "details", None) or {}
    fields = sdk_versions()
    for key in ("error", "response_metadata"):
        if details.get(key):
            fields[key] = details[key]
    if details.get("changes"):
        fields["changed"] = True
        fields["changes"] = details["changes"]
    return fields


def aws_error_details(exc):
    """``error`` and ``response_metadata`` of a botocore ClientError (or of the error answer a waiter
    stopped on), as the failure returns them."""
    if isinstance(exc, ClientError):
        response = exc.response
    elif isinstance(exc, WaiterError) and (getattr(exc, "last_response", None) or {}).get("Error"):
        response = exc.last_response
    else:
        return {}
    error = response.get("Error", {})
    meta = response.get("ResponseMetadata", {})
    return {"code": error.get("Code"),
            "error": {"code": error.get("Code"), "message": error.get("Message")},
            "response_metadata": {"request_id": meta.get("RequestId"),
                                  "http_status_code": meta.get("HTTPStatusCode")}}
