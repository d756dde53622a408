"""Make moto_server answer like real EC2 for VPC endpoints (tests only).

A WSGI middleware in moto_server's own process: it sees every HTTP request and reads or
changes moto's in-memory EC2 backends (``moto.ec2.models.ec2_backends``) directly. moto 5.x
accepts what AWS refuses; each rule below makes it refuse, or time, what AWS does. One function
per rule, each citing the page it follows:

1. ``rule_lifecycle_modifiable`` + ``_settle`` timers -- an interface endpoint is ``pending`` for ``pending_seconds`` after
   CreateVpcEndpoint / ModifyVpcEndpoint, then ``available`` (gateway endpoints: at once);
   ModifyVpcEndpoint on a non-available endpoint -> ``IncorrectState``; DeleteVpcEndpoints leaves
   it ``deleting`` for ``deleting_seconds``, then it is gone from every listing.
   API_CreateVpcEndpoint / API_ModifyVpcEndpoint / API_DeleteVpcEndpoints, errors-overview.
2. ``rule_client_token`` -- same ClientToken + same parameters -> the original endpoint (state
   ``deleted`` once gone); other parameters -> ``IdempotentParameterMismatch``.
   ec2/latest/devguide/ec2-api-idempotency.html
3. ``rule_one_subnet_per_zone`` -- ``DuplicateSubnetsInSameZone``. API_CreateVpcEndpoint, errors-overview.
4. ``rule_route_table_free`` -- ``RouteAlreadyExists`` for a route table already routing to the
   service through another gateway endpoint. privatelink/vpce-gateway.html
5. ``rule_private_dns`` -- ``InvalidParameter`` when private DNS is asked (interface endpoints
   default to it) on a VPC without enableDnsSupport + enableDnsHostnames, or while another
   endpoint of the service in the VPC holds it. privatelink/create-interface-endpoint.html
   ``rule_zone_in_the_way``: or while a private hosted zone associated with the VPC (any account's, or
   an AWS service's: control ``service_owned_zones``) answers for the service's private DNS name or a
   parent of it. privatelink/privatelink-access-aws-services.html#private-dns.
6. ``rule_service_zones`` -- services offered in some AZs only (config ``service_azs``):
   DescribeVpcEndpointServices reports them, a subnet elsewhere -> ``InvalidParameter``.
   API_DescribeVpcEndpointServices (also: the ``service-name`` filter works, moto answers 500).
7. ``rule_dry_run`` -- ``DryRun=true`` -> ``DryRunOperation`` (HTTP 412) after the checks, no
   side effect. API_CreateVpcEndpoint (DryRun), errors-overview.
8. ``apply_modify_extras`` -- ModifyVpcEndpoint ``PrivateDnsEnabled`` and ``ResetPolicy`` take
   effect (moto ignores both); ``sync_gateway_routes`` keeps a gateway endpoint's routes in step
   with Add/RemoveRouteTableIds. API_ModifyVpcEndpoint, privatelink/vpce-gateway.html.
   (Also: DescribeVpcEndpoints accepts the ``vpc-endpoint-id`` filter; moto answers 500.)
9. ``rule_group_unused`` -- DeleteSecurityGroup of a group an endpoint (even ``deleting``) still
   uses -> ``DependencyViolation``. API_DeleteSecurityGroup.
10. ``rule_inbound_resolver_only`` -- an interface endpoint of a service that also has gateway endpoints
   (S3, DynamoDB) with private DNS: ``DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`` defaults to
   true, and true needs a gateway endpoint of the service in the VPC, else ``InvalidParameter``; the
   endpoint reports its ``DnsOptions`` (moto keeps none). S3 user guide, "AWS PrivateLink for Amazon S3";
   API_DnsOptionsSpecification.

Shared VPCs (AWS RAM), control ``shared_vpcs`` ({vpc id: [participant account, ...]}; the VPC lives in
its owner's account): ``shared_vpc_owner`` / ``rule_shared_vpc_participant`` -- DescribeVpcs by VpcId in
a participant account lists the owner's VPC with the owner's ``OwnerId``; CreateVpcEndpoint there ->
``UnauthorizedOperation``. VPC user guide, vpc-sharing.html and vpc-share-limitations.html.

Route 53 (private hosted zones across accounts: association authorizations, VPC ownership,
zones listed by VPC across accounts) follows the rules of tests/support/aws_semantics_route53.py.

Time is evaluated lazily on each EC2 request: no background thread. Control:
``GET /_aws_semantics`` -> the config (JSON); ``POST /_aws_semantics`` {pending_seconds,
deleting_seconds, service_azs} updates it; ``POST /moto-api/reset`` also forgets tokens and
timers and restores the startup config.
"""

import copy
import io
import json
import os
import re
import threading
import time
import uuid
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from moto.core.serialize import SerializationContext, XFormedAttributePicker, get_serializer_class
from moto.core.utils import get_service_model
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint
from moto.ec2.responses._base_response import EC2BaseResponse

try:  # run as a script by counting_moto.py, or imported as tests.support.aws_semantics
    from aws_semantics_route53 import Route53Semantics, zones_answering
except ImportError:  # pragma: no cover - the package import
    from tests.support.aws_semantics_route53 import Route53Semantics, zones_answering

API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
DRY_RUN_ACTIONS = ("CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints", "CreateSecurityGroup",
                   "DeleteSecurityGroup", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress",
                   "CreateTags", "DeleteTags")
NOT_IN_FINGERPRINT = ("Action", "Version", "ClientToken", "DryRun")
CONFIG_KEYS = ("pending_seconds", "deleting_seconds", "service_azs", "shared_vpcs", "service_owned_zones")


class Refusal(Exception):
    """An EC2 error answer: ``code``, ``message``, HTTP ``status``."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class Request:
    """The parts of an EC2 query-protocol request the rules need."""

    def __init__(self, environ):
        scope = re.search(r"Credential=([^/,]+)/[^/]+/([^/]+)/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
        self.access_key, self.region, self.service = scope.groups() if scope else ("", "us-east-1", "")
        self.params, self.action = {}, None
        if self.service != "ec2":
            return  # other services' bodies (S3 objects...) are not ours to read
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        pairs = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        pairs.update(parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True))
        self.params = {k: v[0] for k, v in pairs.items()}
        self.action = self.params.get("Action")
        self.account = account_of(environ, self.access_key)

    def get(self, name, default=None):
        return self.params.get(name, default)

    def flag(self, name):
        """True / False for a boolean parameter, None when absent."""
        value = self.params.get(name)
        return None if value is None else value.lower() == "true"

    def list(self, name):
        """The members of a query list ``Name.1``, ``Name.2``... in order."""
        found = [(int(k[len(name) + 1:]), v) for k, v in self.params.items()
                 if k.startswith(name + ".") and k[len(name) + 1:].isdigit()]
        return [v for _key, v in sorted(found)]

    def filters(self):
        """{filter name: [values]} from ``Filter.N.Name`` / ``Filter.N.Value.M``."""
        result = {}
        for index in sorted({k.split(".")[1] for k in self.params if re.match(r"Filter\.\d+\.Name$", k)}, key=int):
            result[self.params["Filter.%s.Name" % index]] = self.list("Filter.%s.Value" % index)
        return result

    def fingerprint(self):
        return sorted((k, v) for k, v in self.params.items() if k not in NOT_IN_FINGERPRINT)


def account_of(environ, access_key):
    """The account moto itself would pick (moto.core.responses.BaseResponse.get_current_account)."""
    from moto.iam.models import get_account_id_from  # maps STS / IAM access keys to their account
    return (os.environ.get("MOTO_ACCOUNT_ID") or environ.get("HTTP_X_MOTO_ACCOUNT_ID")
            or get_account_id_from(access_key or "AKIAEXAMPLE"))


def subnet_zone(backend, subnet_id):
    """A subnet's AZ, or None for an unknown subnet (moto then reports it itself)."""
    try:
        return backend.get_subnet(subnet_id).availability_zone
    except Exception:  # moto's InvalidSubnetID.NotFound
        return None


def is_interface(endpoint_type):
    return (endpoint_type or "Gateway").lower() == "interface"


# ---------------------------------------------------------------------------------- rules --

def rule_lifecycle_modifiable(endpoint):
    """Rule 1: only an ``available`` endpoint can be modified.

    States and IncorrectState: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
    and API_ModifyVpcEndpoint.html.
    """
    if endpoint.state != "available":
        raise Refusal("IncorrectState", "The vpc endpoint %s is in state %s and cannot be modified."
                      % (endpoint.id, endpoint.state))


def rule_client_token(layer, req, key):
    """Rule 2: same token + same parameters -> original result; other parameters -> mismatch.

    https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html ("the result might
    contain updated information, such as the current creation status").
    Returns the stored record to replay, or None for a new token.
    """
    record = layer.tokens.get(key)
    if record is None:
        return None
    if record["fingerprint"] != req.fingerprint():
        raise Refusal("IdempotentParameterMismatch", "The client token %s was already used with other "
                      "parameters; a client token can only be reused with identical requests." % key[2])
    return record


def rule_one_subnet_per_zone(backend, subnet_ids):
    """Rule 3: one subnet per AZ per endpoint.

    API_CreateVpcEndpoint.html ("You can specify only one subnet per Availability Zone"), error
    DuplicateSubnetsInSameZone (wording as AWS answers it, terraform-aws-modules/terraform-aws-vpc#583).
    """
    seen = set()
    for subnet_id in subnet_ids:
        zone = subnet_zone(backend, subnet_id)
        if zone in seen:
            raise Refusal("DuplicateSubnetsInSameZone", "Found another VPC endpoint subnet in the availability "
                          "zone of %s. VPC endpoint subnets should be in different availability zones "
                          "supported by the VPC endpoint service." % subnet_id)
        if zone:
            seen.add(zone)


def rule_route_table_free(backend, service_name, route_table_ids, own_id=None):
    """Rule 4: a route table routes to a gateway service through one endpoint only.

    https://docs.aws.amazon.com/vpc/latest/privatelink/vpce-gateway.html (one prefix-list route per
    route table and service) and RouteAlreadyExists in errors-overview.html.
    """
    for other in backend.vpc_end_points.values():
        if other.id == own_id or other.service_name != service_name or is_interface(other.vpc_endpoint_type):
            continue
        for route_table_id in route_table_ids:
            if route_table_id in (other.route_table_ids or []):
                raise Refusal("RouteAlreadyExists", "The route table %s already has a route to %s through "
                              "endpoint %s." % (route_table_id, service_name, other.id))


def rule_private_dns(backend, vpc_id, service_name, own_id=None):
    """Rule 5: private DNS needs both VPC DNS attributes, and one holder per service per VPC.

    https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html (private DNS,
    enableDnsHostnames + enableDnsSupport) and API_CreateVpcEndpoint.html (PrivateDnsEnabled).
    Conflict wording as AWS answers it: hashicorp/terraform-provider-aws#17535.
    """
    vpc = backend.get_vpc(vpc_id)
    if not (truthy(vpc.enable_dns_support) and truthy(vpc.enable_dns_hostnames)):
        raise Refusal("InvalidParameter", "Enabling private DNS requires both enableDnsSupport and "
                      "enableDnsHostnames VPC attributes set to true for %s" % vpc_id)
    for other in backend.vpc_end_points.values():
        if (other.id != own_id and other.vpc_id == vpc_id and other.service_name == service_name
                and is_interface(other.vpc_endpoint_type) and truthy(other.private_dns_enabled)):
            short = service_name.split(".", 3)[-1] if service_name.startswith("com.amazonaws.") else service_name
            region = backend.region_name
            raise Refusal("InvalidParameter", "private-dns-enabled cannot be set because there is already a "
                          "conflicting DNS domain for %s.%s.amazonaws.com in the VPC %s" % (short, region, vpc_id))


def rule_zone_in_the_way(layer, backend, account, vpc_id, service_name):
    """Rule 5 (zones): private DNS is refused while a private hosted zone associated with the VPC (any
    account's, or an AWS service's) answers for the service's private DNS name or a parent of it.

    PrivateLink guide, "Access an AWS service using an interface VPC endpoint", private DNS
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#private-dns:
    AWS creates a hidden, service-managed zone for the name); re:Post knowledge center
    "vpc-interface-endpoint-creation-errors" ("conflicting DNS domain": a private hosted zone with the
    name is associated with the VPC). Wording as AWS answers it: hashicorp/terraform-provider-aws#17535.
    """
    services = backend._collect_default_endpoint_services(account, backend.region_name)
    names = [n.get("PrivateDnsName") for s in services if s["ServiceName"] == service_name
             for n in (s.get("PrivateDnsNames") or [{"PrivateDnsName": s.get("PrivateDnsName")}])
             if n.get("PrivateDnsName")]
    for name in names:
        found = zones_answering(vpc_id, backend.region_name, name, layer.config.get("service_owned_zones"))
        if found:
            raise Refusal("InvalidParameter", "private-dns-enabled cannot be set because there is already a "
                          "conflicting DNS domain for %s in the VPC %s" % (name.lstrip("*."), vpc_id))


def rule_service_zones(layer, backend, service_name, subnet_ids):
    """Rule 6: a subnet must be in an AZ the service is offered in.

    API_DescribeVpcEndpointServices.html (ServiceDetail.AvailabilityZones); wording as AWS answers
    it: terraform-aws-modules/terraform-aws-vpc#785.
    """
    zones = layer.service_zones(service_name, backend.region_name)
    if zones is None:
        return
    for subnet_id in subnet_ids:
        zone = subnet_zone(backend, subnet_id)
        if zone and zone not in zones:
            raise Refusal("InvalidParameter", "The VPC endpoint service %s does not support the availability "
                          "zone of the subnet: %s." % (service_name, subnet_id))


def rule_dry_run(req):
    """Rule 7: DryRun answers DryRunOperation (HTTP 412) and changes nothing.

    API_CreateVpcEndpoint.html (DryRun) and errors-overview.html (DryRunOperation).
    """
    if req.flag("DryRun"):
        raise Refusal("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", status=412)


def apply_modify_extras(req, endpoint):
    """Rule 8: PrivateDnsEnabled and ResetPolicy take effect on modify (moto ignores both).

    API_ModifyVpcEndpoint.html: ResetPolicy restores "the default policy", which "allows full
    access to the service" -- the same document moto gives a new endpoint without a policy.
    """
    if req.flag("PrivateDnsEnabled") is not None:
        endpoint.private_dns_enabled = req.flag("PrivateDnsEnabled")
    if req.flag("ResetPolicy"):
        endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)


def rule_group_unused(backend, group_id):
    """Rule 9: a group an endpoint uses (even one still deleting) cannot be deleted.

    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html
    ("associated with an instance or network interface" -> DependencyViolation).
    """
    for endpoint in backend.vpc_end_points.values():
        if group_id in (endpoint.security_group_ids or []):
            raise Refusal("DependencyViolation", "resource %s has a dependent object" % group_id)


def sync_gateway_routes(backend, endpoint, added, removed):
    """Rule 8 (routes): a gateway endpoint's prefix-list route follows its route tables on modify.

    https://docs.aws.amazon.com/vpc/latest/privatelink/vpce-gateway.html (routing): moto only
    routes the tables given at create, and DeleteVpcEndpoints then fails on a table added later.
    """
    prefix_list = getattr(endpoint, "destination_prefix_list_id", None)
    if is_interface(endpoint.vpc_endpoint_type) or not prefix_list:
        return
    for route_table_id in added:
        try:
            backend.create_route(route_table_id, None, gateway_id=endpoint.id, destination_prefix_list_id=prefix_list)
        except Exception:  # the route is there already
            pass
    for route_table_id in removed:
        try:
            backend.delete_route(route_table_id, prefix_list)
        except Exception:  # no such route
            pass


def _gateway_and_interface(service_name):
    return service_name.rsplit(".", 1)[-1] in ("s3", "dynamodb")


def rule_inbound_resolver_only(backend, vpc_id, service_name, wanted, private_dns):
    """Rule 10: the DnsOptions an interface endpoint of S3 (or DynamoDB) ends up with, or a refusal.

    ``wanted``: the request's DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint (None when absent).
    S3 user guide, "AWS PrivateLink for Amazon S3", private DNS
    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html#private-dns):
    with private DNS on, "Enable private DNS only for inbound endpoints" is on by default and needs a gateway
    endpoint in the VPC; API_DnsOptionsSpecification.html (the option exists only for services with both
    endpoint types). Wording as AWS answers it: hashicorp/terraform-provider-aws#31873.
    Returns the value to record (None: the option does not apply).
    """
    if not _gateway_and_interface(service_name) or not private_dns:
        return None
    value = True if wanted is None else wanted
    if value:
        gateways = [e for e in backend.vpc_end_points.values()
                    if e.vpc_id == vpc_id and e.service_name == service_name
                    and not is_interface(e.vpc_endpoint_type) and e.state not in ("deleting", "deleted")]
        if not gateways:
            raise Refusal("InvalidParameter", "To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC %s "
                          "must have a Gateway endpoint for the service." % vpc_id)
    return value


def dns_options_of(req, only_inbound, default_ip_type="ipv4"):
    """The DnsOptions AWS reports for a new interface endpoint (API_DnsOptions.html)."""
    options = {"DnsRecordIpType": req.get("DnsOptions.DnsRecordIpType") or
               {"dualstack": "dualstack", "ipv6": "ipv6"}.get(req.get("IpAddressType") or "", default_ip_type)}
    if only_inbound is not None:
        options["PrivateDnsOnlyForInboundResolverEndpoint"] = only_inbound
    return options


def shared_vpc_owner(layer, account, region, vpc_id):
    """``(owner account, VPC)`` of a VPC the ``shared_vpcs`` control shares into ``account``; None otherwise."""
    if account not in (layer.config.get("shared_vpcs") or {}).get(vpc_id, []):
        return None
    for owner in list(ec2_backends.keys()):
        backends = ec2_backends[owner]
        if owner != account and region in backends and vpc_id in backends[region].vpcs:
            return owner, backends[region].vpcs[vpc_id]
    return None


def rule_shared_vpc_participant(layer, req, backend):
    """Shared VPCs as a participant sees them; an answer ``(status, body)`` or None to let the rest decide.

    VPC user guide, "Share your VPC" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html):
    participants see the shared VPC, whose ``OwnerId`` is the owner's account; "Limitations"
    (vpc-share-limitations.html): they cannot create VPC endpoints in it -> UnauthorizedOperation, as
    re:Post knowledge center "vpc-interface-endpoint-creation-errors" reports it.
    """
    if req.action == "DescribeVpcs" and req.list("VpcId"):
        wanted = req.list("VpcId")
        shared = [shared_vpc_owner(layer, req.account, req.region, v) for v in wanted]
        if not any(shared):
            return None
        vpcs = []
        for vpc_id, found in zip(wanted, shared):
            if found:
                vpcs.append(found[1])
            elif vpc_id in backend.vpcs:
                vpcs.append(backend.vpcs[vpc_id])
            else:
                raise Refusal("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist" % vpc_id)
        return layer._serialize("DescribeVpcs", {"Vpcs": vpcs})
    if req.action == "CreateVpcEndpoint" and shared_vpc_owner(layer, req.account, req.region, req.get("VpcId")):
        raise Refusal("UnauthorizedOperation", "You are not authorized to perform this operation. This operation "
                      "does not support shared VPCs (VPC %s is owned by another account)." % req.get("VpcId"))
    return None


def truthy(value):
    return value is True or str(value).lower() == "true"


# ----------------------------------------------------------------------------- middleware --

class AwsSemantics:
    """WSGI middleware around moto's app; see the module docstring."""

    def __init__(self, app, pending_seconds=0.3, deleting_seconds=0.3, service_azs=None, clock=time.monotonic):
        self.app = app
        self.clock = clock
        self.startup = {"pending_seconds": float(pending_seconds), "deleting_seconds": float(deleting_seconds),
                        "service_azs": dict(service_azs or {}), "shared_vpcs": {}, "service_owned_zones": []}
        self.lock = threading.RLock()
        self.route53 = Route53Semantics(service_owned=lambda: self.config.get("service_owned_zones"))
        self.reset()

    def reset(self):
        with self.lock:
            self.config = copy.deepcopy(self.startup)
            self.tokens = {}  # (account, region, token) -> {fingerprint, id, body}
            self.timers = {}  # (account, region) -> {endpoint id: (next state, deadline)}
            self.route53.reset()

    def service_zones(self, service_name, region):
        """The zones ``service_azs`` offers a service in (short or full name), None for all."""
        for name, zones in self.config["service_azs"].items():
            if service_name in (name, "com.amazonaws.%s.%s" % (region, name)):
                return list(zones)
        return None

    # --- WSGI ---
    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/_aws_semantics":
            return self._control(environ, method, start_response)
        if path == "/moto-api/reset" and method == "POST":
            self.reset()
            return self.app(environ, start_response)
        req = Request(environ)
        if req.service == "route53":
            return self._route53(environ, req, start_response)
        if req.service != "ec2" or not req.action:
            return self.app(environ, start_response)
        handler = getattr(self, "_on_" + req.action, None)
        with self.lock:
            backend = ec2_backends[req.account][req.region]
            self._settle(req, backend)
            try:
                answer = rule_shared_vpc_participant(self, req, backend)
                if answer is not None:
                    pass
                elif handler is not None:
                    answer = handler(req, backend, environ)
                elif req.action in DRY_RUN_ACTIONS:
                    rule_dry_run(req)
                    answer = None
                else:
                    answer = None
            except Refusal as refusal:
                answer = self._error(refusal)
        if answer is None:
            return self.app(environ, start_response)
        status, body = answer
        start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
        return [body]

    def _route53(self, environ, req, start_response):
        """Route 53's REST-XML requests: the rules of aws_semantics_route53, else moto."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)  # moto reads it again
        with self.lock:
            answer = self.route53.handle(environ, account_of(environ, req.access_key), body)
        if answer is None:
            return self.app(environ, start_response)
        status, payload = answer
        start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(payload)))])
        return [payload]

    def _control(self, environ, method, start_response):
        status = "200 OK"
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                update = json.loads(environ["wsgi.input"].read(length) or b"{}")
                unknown = set(update) - set(CONFIG_KEYS)
                if unknown:
                    raise ValueError("unknown settings: %s" % sorted(unknown))
                with self.lock:
                    self.config.update(update)
            except ValueError as error:
                status = "400 Bad Request"
                payload = json.dumps({"error": str(error)}).encode()
        if status == "200 OK":
            payload = json.dumps(dict(self.config, enabled=True)).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    # --- time ---
    def _settle(self, req, backend):
        """Move endpoints whose timer ran out: pending -> available, deleting -> gone."""
        timers = self.timers.setdefault((req.account, req.region), {})
        now = self.clock()
        for endpoint_id, (next_state, deadline) in list(timers.items()):
            if now < deadline:
                continue
            del timers[endpoint_id]
            if next_state == "gone":
                backend.vpc_end_points.pop(endpoint_id, None)
            elif endpoint_id in backend.vpc_end_points:
                backend.vpc_end_points[endpoint_id].state = next_state

    def _start(self, req, endpoint, state, next_state, seconds):
        endpoint.state = state
        self.timers[(req.account, req.region)][endpoint.id] = (next_state, self.clock() + seconds)

    # --- moto and answers ---
    def _moto(self, environ):
        """Run moto on the request; (status line, body bytes)."""
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            return lambda data: None

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            getattr(result, "close", lambda: None)()
        return captured["status"], body

    def _serialize(self, action, result):
        operation = get_service_model("ec2").operation_model(action)
        serializer = get_serializer_class("ec2", "ec2")(
            operation_model=operation, context=SerializationContext(str(uuid.uuid4())),
            value_picker=XFormedAttributePicker(response_transformers=EC2BaseResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER))
        body = serializer.serialize(result)["body"]
        return "200 OK", body.encode() if isinstance(body, str) else body

    @staticmethod
    def _error(refusal):
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>%s</Code>"
                "<Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>"
                % (escape(refusal.code), escape(refusal.message), uuid.uuid4()))
        reason = {400: "Bad Request", 412: "Precondition Failed"}[refusal.status]
        return "%d %s" % (refusal.status, reason), body.encode()

    # --- actions ---
    def _on_CreateVpcEndpoint(self, req, backend, environ):
        token = req.get("ClientToken")
        key = (req.account, req.region, token)
        if token and not req.flag("DryRun"):
            record = rule_client_token(self, req, key)
            if record is not None:
                return self._replay(backend, record, token)
        service, vpc_id = req.get("ServiceName"), req.get("VpcId")
        interface = is_interface(req.get("VpcEndpointType"))
        subnet_ids = req.list("SubnetId")
        rule_one_subnet_per_zone(backend, subnet_ids)
        rule_service_zones(self, backend, service, subnet_ids)
        if not interface:
            rule_route_table_free(backend, service, req.list("RouteTableId"))
        # AWS turns private DNS on for interface endpoints unless told otherwise (API_CreateVpcEndpoint).
        private_dns = interface and req.flag("PrivateDnsEnabled") is not False
        if private_dns and vpc_id in backend.vpcs:
            rule_private_dns(backend, vpc_id, service)
            rule_zone_in_the_way(self, backend, req.account, vpc_id, service)
        only_inbound = rule_inbound_resolver_only(backend, vpc_id, service, req.flag(
            "DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint"), private_dns) if interface else None
        rule_dry_run(req)

        status, body = self._moto(environ)
        if not status.startswith("200"):
            return status, body
        endpoint = backend.vpc_end_points[re.search(rb"<vpcEndpointId>([^<]+)<", body).group(1).decode()]
        endpoint.private_dns_enabled = private_dns  # gateway endpoints report false, as AWS does
        # DescribeVpcEndpoints' filter vpc-endpoint-id (API_DescribeVpcEndpoints.html): moto's generic
        # filter reads the attribute of that name and answers 500 without it.
        endpoint.vpc_endpoint_id = endpoint.id
        if interface:
            endpoint.dns_options = dns_options_of(req, only_inbound)
            self._start(req, endpoint, "pending", "available", self.config["pending_seconds"])
        answer = self._serialize("CreateVpcEndpoint", {"VpcEndpoint": endpoint, "ClientToken": token})
        if token:
            self.tokens[key] = {"fingerprint": req.fingerprint(), "id": endpoint.id, "body": answer[1]}
        return answer

    def _replay(self, backend, record, token):
        endpoint = backend.vpc_end_points.get(record["id"])
        if endpoint is not None:
            return self._serialize("CreateVpcEndpoint", {"VpcEndpoint": endpoint, "ClientToken": token})
        # Gone: the original answer, in its final state.
        return "200 OK", re.sub(rb"<state>[^<]*</state>", b"<state>deleted</state>", record["body"], count=1)

    def _on_ModifyVpcEndpoint(self, req, backend, environ):
        endpoint = backend.vpc_end_points.get(req.get("VpcEndpointId"))
        if endpoint is None:
            return None  # moto answers InvalidVpcEndpointId.NotFound
        rule_lifecycle_modifiable(endpoint)
        added, removed = req.list("AddSubnetId"), req.list("RemoveSubnetId")
        if added or removed:
            kept = [s for s in (endpoint.subnet_ids or []) if s not in removed]
            rule_one_subnet_per_zone(backend, kept + [s for s in added if s not in kept])
            rule_service_zones(self, backend, endpoint.service_name, added)
        if req.list("AddRouteTableId"):
            rule_route_table_free(backend, endpoint.service_name, req.list("AddRouteTableId"), own_id=endpoint.id)
        only_inbound = None
        if req.flag("PrivateDnsEnabled") and is_interface(endpoint.vpc_endpoint_type):
            rule_private_dns(backend, endpoint.vpc_id, endpoint.service_name, own_id=endpoint.id)
            rule_zone_in_the_way(self, backend, req.account, endpoint.vpc_id, endpoint.service_name)
            wanted = req.flag("DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint")
            if wanted is None:
                wanted = (getattr(endpoint, "dns_options", None) or {}).get("PrivateDnsOnlyForInboundResolverEndpoint")
            only_inbound = rule_inbound_resolver_only(backend, endpoint.vpc_id, endpoint.service_name, wanted, True)
        rule_dry_run(req)

        status, body = self._moto(environ)
        if status.startswith("200"):
            apply_modify_extras(req, endpoint)
            if only_inbound is not None:
                endpoint.dns_options = dict(getattr(endpoint, "dns_options", None) or {},
                                            PrivateDnsOnlyForInboundResolverEndpoint=only_inbound)
            sync_gateway_routes(backend, endpoint, req.list("AddRouteTableId"), req.list("RemoveRouteTableId"))
            if is_interface(endpoint.vpc_endpoint_type):
                self._start(req, endpoint, "pending", "available", self.config["pending_seconds"])
        return status, body

    def _on_DeleteVpcEndpoints(self, req, backend, environ):
        rule_dry_run(req)
        ids = req.list("VpcEndpointId")
        live = [i for i in ids if i in backend.vpc_end_points]
        if live and all(backend.vpc_end_points[i].state == "deleting" for i in live):
            # Already on their way out: moto would try to remove their routes a second time.
            return self._serialize("DeleteVpcEndpoints", {"Unsuccessful": []})
        status, body = self._moto(environ)
        if status.startswith("200"):
            for endpoint_id in live:
                self._start(req, backend.vpc_end_points[endpoint_id], "deleting", "gone",
                            self.config["deleting_seconds"])
        return status, body

    def _on_DeleteSecurityGroup(self, req, backend, environ):
        if req.get("GroupId"):
            rule_group_unused(backend, req.get("GroupId"))
        rule_dry_run(req)
        return None

    def _on_DescribeVpcEndpointServices(self, req, backend, environ):
        """Rule 6 (reads): AvailabilityZones from ``service_azs``; ServiceNames and filters applied here.

        API_DescribeVpcEndpointServices.html: filters service-name, service-type; ServiceNames.
        """
        filters = req.filters()
        if set(filters) - {"service-name", "service-type"}:
            return None  # tag / owner filters: moto's own handling
        services = backend._collect_default_endpoint_services(req.account, req.region)
        services = services + [c.to_dict() for c in backend.configurations.values()]
        names = req.list("ServiceName")
        for name in names:
            if name not in [s["ServiceName"] for s in services]:
                raise Refusal("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist" % name)
        chosen = []
        for service in sorted(services, key=lambda s: s["ServiceName"]):
            types = {t["ServiceType"] for t in service.get("ServiceType", [])}
            if ((names and service["ServiceName"] not in names)
                    or ("service-name" in filters and service["ServiceName"] not in filters["service-name"])
                    or ("service-type" in filters and not types & set(filters["service-type"]))):
                continue
            service = copy.deepcopy(service)
            zones = self.service_zones(service["ServiceName"], req.region)
            if zones is not None:
                service["AvailabilityZones"] = [z for z in service.get("AvailabilityZones", []) if z in zones]
            chosen.append(service)
        start = int(req.get("NextToken") or 0)
        size = int(req.get("MaxResults") or 1000)
        page = chosen[start:start + size]
        next_token = str(start + size) if start + size < len(chosen) else None
        return self._serialize("DescribeVpcEndpointServices", {
            "ServiceNames": [s["ServiceName"] for s in page], "ServiceDetails": page, "NextToken": next_token})
