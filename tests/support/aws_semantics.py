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

10. ``rule_parameters_of_type`` -- route tables on an interface endpoint, subnets or security groups on
    a gateway endpoint -> ``InvalidParameter``; ``ResetPolicy`` on an interface endpoint answered per
    the ``reset_policy_on_interface`` guess. API_CreateVpcEndpoint / API_ModifyVpcEndpoint.
11. ``rule_known_ids`` -- unknown subnet, security group, route table ids -> ``InvalidSubnetID.NotFound``,
    ``InvalidGroup.NotFound``, ``InvalidRouteTableID.NotFound``; one of another VPC -> ``InvalidParameter``.
    errors-overview.html.
12. ``rule_ip_address_type`` -- ``dualstack`` needs subnets with IPv4 and IPv6 ranges, ``ipv6`` IPv6-only
    subnets -> ``InvalidParameter``. privatelink/create-interface-endpoint.html (IP address type).
    The endpoint's type is kept and reported by DescribeVpcEndpoints (moto drops it).
13. ``rule_policy_document`` -- not JSON, no Principal, over 20,480 characters -> ``InvalidPolicyDocument``.
    privatelink/vpc-endpoints-access.html.
14. ``fix_subnet_cidr_state`` -- DescribeSubnets reports an IPv6 block's ``Ipv6CidrBlockState.State`` as
    the state (``associated``); moto answers the text of a dict. API_SubnetCidrBlockState.html.
15. ``rule_shared_vpc`` -- VPC sharing (AWS RAM), which moto lacks: ``POST /_aws_semantics/share_vpc``
    {vpc_id, owner, participant, region} declares "VPC X of account ``owner`` is shared into account
    ``participant``" (the VPC must exist in the owner's account). DescribeVpcs in the participant then
    lists it with the owner's ``OwnerId`` (filters and VpcId.N honoured), DescribeSubnets its subnets (the
    owner's ``OwnerId``; filters and SubnetId.N honoured), and CreateVpcEndpoint on it
    by the participant answers ``UnauthorizedOperation`` "This operation does not support shared VPCs."
    -- only the owner creates endpoints in a shared VPC. VPC user guide, "Share your VPC"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html) and its limitations
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html); wording as AWS
    answers it: https://repost.aws/knowledge-center/vpc-interface-endpoint-creation-errors.
    ``GET /_aws_semantics/share_vpc`` lists the shares; ``/moto-api/reset`` forgets them.
16. ``rule_inbound_resolver_only`` -- an interface endpoint of a service that also has gateway endpoints
    (S3, DynamoDB) with private DNS: ``DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint`` defaults to
    true, and true needs a gateway endpoint of the service in the VPC, else ``InvalidParameter``; the
    endpoint reports its ``DnsOptions`` (moto keeps none). S3 user guide, "AWS PrivateLink for Amazon S3";
    API_DnsOptionsSpecification.
17.-18. Managed prefix lists (unknown lists refused in routes, security-group rules and
    GetManagedPrefixListEntries; entries paged): tests/support/aws_semantics_prefix_lists.py.

Behaviours no AWS page states are guesses, each switchable between its plausible answers
(``GUESSES``, settable through the control path); docs/reliability.md lists them.

Route 53 (private hosted zones across accounts: association authorizations, VPC ownership,
zones listed by VPC across accounts) follows the rules of tests/support/aws_semantics_route53.py.

Time is evaluated lazily on each EC2 request: no background thread. Control:
``GET /_aws_semantics`` -> the config (JSON); ``POST /_aws_semantics`` {pending_seconds,
deleting_seconds, service_azs, a guess of ``GUESSES``: one of its answers, Route 53's change_seconds,
route53_page_size} updates it; ``POST /moto-api/reset`` also forgets tokens and
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
    from aws_semantics_ecr import EcrPullThroughCache
    from aws_semantics_workloads import WorkloadSemantics
    import aws_semantics_prefix_lists as prefix_lists
except ImportError:  # pragma: no cover - the package import
    from tests.support.aws_semantics_route53 import Route53Semantics, zones_answering
    from tests.support.aws_semantics_ecr import EcrPullThroughCache
    from tests.support.aws_semantics_workloads import WorkloadSemantics
    from tests.support import aws_semantics_prefix_lists as prefix_lists

API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
DRY_RUN_ACTIONS = ("CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints", "CreateSecurityGroup",
                   "DeleteSecurityGroup", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress",
                   "CreateTags", "DeleteTags")
NOT_IN_FINGERPRINT = ("Action", "Version", "ClientToken", "DryRun")
CONFIG_KEYS = ("pending_seconds", "deleting_seconds", "service_azs", "service_owned_zones")
# Guesses: behaviours no AWS page states, each with its plausible answers (the first is the
# default). docs/reliability.md lists them; tests prove the module right under every answer.
GUESSES = {
    # A replayed ClientToken whose endpoint is gone: the old answer with state ``deleted``, or the
    # old answer as first given (state ``pending``), or a new endpoint (the token forgotten).
    "token_replay_after_delete": ("deleted", "original", "forgotten"),
    # DeleteVpcEndpoints on an endpoint already ``deleting``: success, or the id listed Unsuccessful.
    "delete_while_deleting": ("success", "unsuccessful"),
    # ModifyVpcEndpoint ResetPolicy on an interface endpoint ("(Gateway endpoint)" in the reference):
    # refused, accepted and ignored, or applied.
    "reset_policy_on_interface": ("refuse", "ignore", "reset"),
    # The error code for a subnet, group or route table of another VPC.
    "foreign_id_code": ("InvalidParameter", "InvalidParameterValue"),
}
GUESS_DEFAULTS = dict((name, answers[0]) for name, answers in GUESSES.items())


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


def apply_modify_extras(req, endpoint, guess="refuse"):
    """Rule 8: PrivateDnsEnabled and ResetPolicy take effect on modify (moto ignores both).

    API_ModifyVpcEndpoint.html: ResetPolicy restores "the default policy", which "allows full
    access to the service" -- the same document moto gives a new endpoint without a policy.
    """
    if req.flag("PrivateDnsEnabled") is not None:
        endpoint.private_dns_enabled = req.flag("PrivateDnsEnabled")
    if req.flag("ResetPolicy") and not is_interface(endpoint.vpc_endpoint_type):
        endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
    elif req.flag("ResetPolicy") and guess == "reset":
        endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
    if req.get("IpAddressType"):
        endpoint.ip_address_type = req.get("IpAddressType")


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


def rule_parameters_of_type(req, interface, guesses, modify=False):
    """Rule 10: parameters of the other endpoint type are refused.

    API_CreateVpcEndpoint.html / API_ModifyVpcEndpoint.html scope RouteTableIds / Add|RemoveRouteTableIds
    and ResetPolicy to "(Gateway endpoint)", SubnetIds / SecurityGroupIds to "(Interface endpoint)".
    Code and wording as AWS answers them: ansible-collections/amazon.aws#576 ("Route table IDs are only
    supported for Gateway type VPC Endpoint."), nanlabs/terraform-aws-starter#18 ("Subnet IDs are only
    supported for Interface and GatewayLoadBalancer type VPC Endpoints."). The security-group wording
    follows the subnet one (a guess: no page quotes it).
    """
    prefixes = ("AddRouteTableId", "RemoveRouteTableId") if modify else ("RouteTableId",)
    if interface and any(req.list(p) for p in prefixes):
        raise Refusal("InvalidParameter", "Route table IDs are only supported for Gateway type VPC Endpoint.")
    if interface:
        if modify and req.flag("ResetPolicy") and guesses["reset_policy_on_interface"] == "refuse":
            raise Refusal("InvalidParameter", "ResetPolicy is only supported for Gateway type VPC Endpoint.")
        return
    subnets = ("AddSubnetId", "RemoveSubnetId") if modify else ("SubnetId",)
    groups = ("AddSecurityGroupId", "RemoveSecurityGroupId") if modify else ("SecurityGroupId",)
    if any(req.list(p) for p in subnets):
        raise Refusal("InvalidParameter", "Subnet IDs are only supported for Interface and GatewayLoadBalancer "
                      "type VPC Endpoints.")
    if any(req.list(p) for p in groups):
        raise Refusal("InvalidParameter", "Security group IDs are only supported for Interface and "
                      "GatewayLoadBalancer type VPC Endpoints.")


def rule_known_ids(backend, vpc_id, guesses, subnet_ids=(), group_ids=(), route_table_ids=()):
    """Rule 11: every id names a resource of the endpoint's VPC.

    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html: InvalidSubnetID.NotFound,
    InvalidGroup.NotFound, InvalidRouteTableID.NotFound. A resource of another VPC: the code is the
    ``foreign_id_code`` guess (no page states it).
    """
    def foreign(kind, resource_id, owner_vpc):
        raise Refusal(guesses["foreign_id_code"], "The %s %s belongs to %s, not to the endpoint's VPC %s."
                      % (kind, resource_id, owner_vpc, vpc_id))

    for subnet_id in subnet_ids:
        try:
            subnet = backend.get_subnet(subnet_id)
        except Exception:  # moto's InvalidSubnetID.NotFound
            raise Refusal("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist" % subnet_id)
        if subnet.vpc_id != vpc_id:
            foreign("subnet", subnet_id, subnet.vpc_id)
    for group_id in group_ids:
        group = backend.get_security_group_from_id(group_id)
        if group is None:
            raise Refusal("InvalidGroup.NotFound", "The security group '%s' does not exist" % group_id)
        if group.vpc_id != vpc_id:
            foreign("security group", group_id, group.vpc_id)
    for route_table_id in route_table_ids:
        table = backend.route_tables.get(route_table_id)
        if table is None:
            raise Refusal("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist" % route_table_id)
        if table.vpc_id != vpc_id:
            foreign("route table", route_table_id, table.vpc_id)


def subnet_ranges(backend, subnet_id):
    """(has IPv4, has IPv6) of a subnet: IPv6-only subnets (Ipv6Native) have no IPv4 range."""
    try:
        subnet = backend.get_subnet(subnet_id)
    except Exception:  # unknown: rule_known_ids reports it
        return True, True
    return not getattr(subnet, "ipv6_native", False), bool(subnet.ipv6_cidr_block_association_set)


def rule_ip_address_type(backend, ip_address_type, subnet_ids):
    """Rule 12: the IP address type fits every subnet.

    https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html (IP address type):
    IPv4 "only if all selected subnets have IPv4 address ranges", IPv6 "only if all selected subnets
    are IPv6 only subnets", Dualstack "only if all selected subnets have both IPv4 and IPv6 address
    ranges". Code InvalidParameter (wording a guess).
    """
    wanted = {"ipv4": (True, False), "ipv6": (False, True), "dualstack": (True, True)}.get(ip_address_type)
    if wanted is None:
        return
    for subnet_id in subnet_ids:
        has_v4, has_v6 = subnet_ranges(backend, subnet_id)
        if (wanted[0] and not has_v4) or (wanted[1] and not has_v6) or (ip_address_type == "ipv6" and has_v4):
            raise Refusal("InvalidParameter", "The subnet %s does not support the IP address type %s: %s"
                          % (subnet_id, ip_address_type, {"ipv4": "it has no IPv4 address range",
                                                          "ipv6": "it is not an IPv6-only subnet",
                                                          "dualstack": "it needs both IPv4 and IPv6 address "
                                                                       "ranges"}[ip_address_type]))


def rule_policy_document(document):
    """Rule 13: a policy document is JSON, has a Principal, and at most 20,480 characters.

    https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html ("must contain a
    Principal element", "cannot exceed 20,480 characters, including white space"). Code and wording
    as AWS answers it: hashicorp/terraform-provider-aws#42291 ("InvalidPolicyDocument: The Policy
    Document is not valid.").
    """
    if document is None:
        return
    if len(document) > 20480:
        raise Refusal("InvalidPolicyDocument", "The Policy Document is not valid. It is %d characters long; the "
                      "limit is 20480." % len(document))
    try:
        parsed = json.loads(document)
    except ValueError as exc:
        raise Refusal("InvalidPolicyDocument", "The Policy Document is not valid. Syntax error: %s" % exc)
    statements = parsed.get("Statement") if isinstance(parsed, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements or not all(
            isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s) for s in statements):
        raise Refusal("InvalidPolicyDocument", "The Policy Document is not valid. Every statement needs a "
                      "Principal element.")


def fix_subnet_cidr_state(body):
    """Rule 14: ``<state>associated</state>``, not moto's ``<state>{'State': 'associated'}</state>``.

    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SubnetCidrBlockState.html (State: one
    of associating, associated, disassociating, disassociated, failing, failed).
    """
    return re.sub(rb"<state>\{[^<]*?(associating|associated|disassociating|disassociated|failing|failed)[^<]*?\}"
                  rb"</state>", rb"<state>\1</state>", body)


def check_guesses(update):
    """A guess can only be set to one of its plausible answers (ValueError otherwise)."""
    for name, value in update.items():
        if name in GUESSES and value not in GUESSES[name]:
            raise ValueError("%s must be one of %s" % (name, list(GUESSES[name])))


def rule_shared_vpc(layer, req, vpc_id):
    """Rule 15: a participant of a shared VPC cannot create endpoints in it.

    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html (participants cannot
    create VPC endpoints in a shared VPC); the error as AWS answers it:
    https://repost.aws/knowledge-center/vpc-interface-endpoint-creation-errors
    ("Client.UnauthorizedOperation", "This operation does not support shared VPCs.").
    """
    if vpc_id in layer.shared_into(req.account, req.region):
        raise Refusal("UnauthorizedOperation", "This operation does not support shared VPCs.")


def shared_vpcs_answer(layer, req, backend):
    """Rule 15 (reads): DescribeVpcs in a participant lists the VPCs shared into it, with the owner's OwnerId.

    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html (participants see the shared VPC
    and subnets; OwnerId is the owner's account). Returns the VPC objects, or None (no share: moto answers).
    """
    shared = layer.shared_into(req.account, req.region)
    if not shared:
        return None
    asked = req.list("VpcId")
    filters = req.filters() or None
    own_ids = [vpc_id for vpc_id in asked if vpc_id not in shared]
    shared_ids = [vpc_id for vpc_id in (asked or sorted(shared)) if vpc_id in shared]
    try:
        vpcs = backend.describe_vpcs(vpc_ids=own_ids, filters=filters) if own_ids or not asked else []
        for vpc_id in shared_ids:
            vpcs.extend(ec2_backends[shared[vpc_id]][req.region].describe_vpcs(vpc_ids=[vpc_id], filters=filters))
    except Exception as exc:  # moto's InvalidVpcID.NotFound for an unknown id
        raise Refusal(getattr(exc, "error_type", None) or "InvalidVpcID.NotFound",
                      getattr(exc, "message", None) or str(exc))
    return vpcs


def shared_subnets_answer(layer, req, backend):
    """Rule 15 (reads): DescribeSubnets in a participant also lists the shared VPC's subnets, the owner's OwnerId.

    https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html (participants see the subnets shared
    with them; the owner keeps them). Returns the subnet objects, or None (no share: moto answers).
    """
    shared = layer.shared_into(req.account, req.region)
    if not shared:
        return None
    asked = req.list("SubnetId")
    filters = req.filters() or None
    owners = sorted(set(shared.values()))
    found, missing = [], set(asked)
    try:
        for account, shared_vpcs in [(req.account, None)] + [(o, [v for v, w in shared.items() if w == o])
                                                             for o in owners]:
            source = backend if shared_vpcs is None else ec2_backends[account][req.region]
            subnets = [s for s in source.describe_subnets(filters=filters)
                       if shared_vpcs is None or s.vpc_id in shared_vpcs]
            if asked:
                subnets = [s for s in subnets if s.id in asked]
            missing -= set(s.id for s in subnets)
            found.extend(subnets)
    except Exception as exc:  # moto's errors for a malformed filter
        raise Refusal(getattr(exc, "error_type", None) or "InvalidParameterValue",
                      getattr(exc, "message", None) or str(exc))
    if missing:
        raise Refusal("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist" % sorted(missing)[0])
    return found


def _gateway_and_interface(service_name):
    return service_name.rsplit(".", 1)[-1] in ("s3", "dynamodb")


def rule_inbound_resolver_only(backend, vpc_id, service_name, wanted, private_dns):
    """Rule 16: the DnsOptions an interface endpoint of S3 (or DynamoDB) ends up with, or a refusal.

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


def truthy(value):
    return value is True or str(value).lower() == "true"


# ----------------------------------------------------------------------------- middleware --

class AwsSemantics:
    """WSGI middleware around moto's app; see the module docstring."""

    def __init__(self, app, pending_seconds=0.3, deleting_seconds=0.3, service_azs=None, clock=time.monotonic):
        # ECR pull-through cache rules (tests/support/aws_semantics_ecr.py); ECS and EKS answers as AWS gives them
        # (tests/support/aws_semantics_workloads.py).
        self.app = EcrPullThroughCache(WorkloadSemantics(app))
        self.clock = clock
        self.startup = dict(GUESS_DEFAULTS, pending_seconds=float(pending_seconds),
                            deleting_seconds=float(deleting_seconds), service_azs=dict(service_azs or {}),
                            service_owned_zones=[])
        self.lock = threading.RLock()
        self.route53 = Route53Semantics(service_owned=lambda: self.config.get("service_owned_zones"))
        self.reset()

    def reset(self):
        with self.lock:
            self.config = copy.deepcopy(self.startup)
            self.tokens = {}  # (account, region, token) -> {fingerprint, id, body}
            self.timers = {}  # (account, region) -> {endpoint id: (next state, deadline)}
            self.route53.reset()
            self.shares = {}  # (participant account, region) -> {vpc id: owner account}

    def service_zones(self, service_name, region):
        """The zones ``service_azs`` offers a service in (short or full name), None for all."""
        for name, zones in self.config["service_azs"].items():
            if service_name in (name, "com.amazonaws.%s.%s" % (region, name)):
                return list(zones)
        return None

    def shared_into(self, account, region):
        """{vpc id: owner account} of the VPCs shared into ``account`` in ``region`` (rule 10)."""
        return self.shares.get((account, region), {})

    def share_vpc(self, vpc_id, owner, participant, region):
        """Rule 15's control: VPC ``vpc_id`` of ``owner`` is shared into ``participant`` (AWS RAM)."""
        if vpc_id not in ec2_backends[owner][region].vpcs:
            raise ValueError("no VPC %s in account %s, %s" % (vpc_id, owner, region))
        if owner == participant:
            raise ValueError("a VPC is shared into another account than its owner")
        self.shares.setdefault((participant, region), {})[vpc_id] = owner

    # --- WSGI ---
    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/_aws_semantics":
            return self._control(environ, method, start_response)
        if path == "/_aws_semantics/share_vpc":
            return self._control_share_vpc(environ, method, start_response)
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
                if handler is not None:
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
        status, payload = answer if answer is not None else self._moto(environ)
        with self.lock:  # R6: changes are PENDING for a moment (aws_semantics_route53.py)
            payload = self.route53.after(environ, status, payload)
        start_response(status, [("Content-Type", "text/xml"), ("Content-Length", str(len(payload)))])
        return [payload]

    def _control(self, environ, method, start_response):
        status = "200 OK"
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            try:
                update = json.loads(environ["wsgi.input"].read(length) or b"{}")
                unknown = set(update) - set(CONFIG_KEYS) - set(GUESSES) - set(self.route53.config)
                if unknown:
                    raise ValueError("unknown settings: %s" % sorted(unknown))
                check_guesses(update)
                with self.lock:
                    self.config.update((k, v) for k, v in update.items() if k not in self.route53.config)
                    self.route53.config.update((k, v) for k, v in update.items() if k in self.route53.config)
            except ValueError as error:
                status = "400 Bad Request"
                payload = json.dumps({"error": str(error)}).encode()
        if status == "200 OK":
            payload = json.dumps(dict(self.config, enabled=True, **self.route53.config)).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def _control_share_vpc(self, environ, method, start_response):
        """``POST /_aws_semantics/share_vpc`` {vpc_id, owner, participant, region}; GET lists the shares."""
        status = "200 OK"
        try:
            if method == "POST":
                length = int(environ.get("CONTENT_LENGTH") or 0)
                share = json.loads(environ["wsgi.input"].read(length) or b"{}")
                missing = [k for k in ("vpc_id", "owner", "participant", "region") if not share.get(k)]
                if missing or set(share) - {"vpc_id", "owner", "participant", "region"}:
                    raise ValueError("share_vpc takes vpc_id, owner, participant and region (missing: %s)" % missing)
                with self.lock:
                    self.share_vpc(share["vpc_id"], share["owner"], share["participant"], share["region"])
            with self.lock:
                listed = [{"vpc_id": vpc_id, "owner": owner, "participant": participant, "region": region}
                          for (participant, region), vpcs in sorted(self.shares.items())
                          for vpc_id, owner in sorted(vpcs.items())]
            payload = json.dumps({"shares": listed}).encode()
        except (ValueError, KeyError) as error:
            status = "400 Bad Request"
            payload = json.dumps({"error": str(error)}).encode()
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
            answer = self._replay(backend, record, token) if record is not None else None
            if answer is not None:
                return answer
        service, vpc_id = req.get("ServiceName"), req.get("VpcId")
        rule_shared_vpc(self, req, vpc_id)
        interface = is_interface(req.get("VpcEndpointType"))
        subnet_ids = req.list("SubnetId")
        rule_parameters_of_type(req, interface, self.config)
        if vpc_id in backend.vpcs:  # an unknown VPC: moto answers InvalidVpcID.NotFound
            rule_known_ids(backend, vpc_id, self.config, subnet_ids, req.list("SecurityGroupId"),
                           req.list("RouteTableId"))
        rule_policy_document(req.get("PolicyDocument"))
        if interface:
            rule_ip_address_type(backend, req.get("IpAddressType"), subnet_ids)
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
        # Rule 12: AWS reports an interface endpoint's IpAddressType (API_VpcEndpoint.html); moto drops it.
        endpoint.ip_address_type = req.get("IpAddressType") or ("ipv4" if interface else None)
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
        # Gone: no page says what EC2 answers (guess ``token_replay_after_delete``).
        guess = self.config["token_replay_after_delete"]
        if guess == "forgotten":
            return None  # a new endpoint, as for a new token
        if guess == "original":
            return "200 OK", record["body"]
        return "200 OK", re.sub(rb"<state>[^<]*</state>", b"<state>deleted</state>", record["body"], count=1)

    def _on_ModifyVpcEndpoint(self, req, backend, environ):
        endpoint = backend.vpc_end_points.get(req.get("VpcEndpointId"))
        if endpoint is None:
            return None  # moto answers InvalidVpcEndpointId.NotFound
        rule_lifecycle_modifiable(endpoint)
        interface = is_interface(endpoint.vpc_endpoint_type)
        rule_parameters_of_type(req, interface, self.config, modify=True)
        rule_known_ids(backend, endpoint.vpc_id, self.config, req.list("AddSubnetId"),
                       req.list("AddSecurityGroupId"), req.list("AddRouteTableId"))
        rule_policy_document(req.get("PolicyDocument"))
        if interface:
            kept = [s for s in (endpoint.subnet_ids or []) if s not in req.list("RemoveSubnetId")]
            if req.get("IpAddressType"):
                rule_ip_address_type(backend, req.get("IpAddressType"), kept + req.list("AddSubnetId"))
            else:
                rule_ip_address_type(backend, getattr(endpoint, "ip_address_type", None), req.list("AddSubnetId"))
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
            apply_modify_extras(req, endpoint, self.config["reset_policy_on_interface"])
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
            # Already on their way out: moto would try to remove their routes a second time. What
            # EC2 answers is a guess (``delete_while_deleting``): success, or each id Unsuccessful.
            failed = [] if self.config["delete_while_deleting"] == "success" else [
                {"Error": {"Code": "IncorrectState", "Message": "The vpc endpoint %s is in state deleting." % i},
                 "ResourceId": i} for i in live]
            return self._serialize("DeleteVpcEndpoints", {"Unsuccessful": failed})
        status, body = self._moto(environ)
        if status.startswith("200"):
            for endpoint_id in live:
                self._start(req, backend.vpc_end_points[endpoint_id], "deleting", "gone",
                            self.config["deleting_seconds"])
        return status, body

    def _on_DescribeVpcs(self, req, backend, environ):
        vpcs = shared_vpcs_answer(self, req, backend)
        if vpcs is None:
            return None
        return self._serialize("DescribeVpcs", {"Vpcs": vpcs})

    def _on_DescribeSubnets(self, req, backend, environ):
        subnets = shared_subnets_answer(self, req, backend)
        status, body = self._moto(environ) if subnets is None else self._serialize(
            "DescribeSubnets", {"Subnets": subnets})
        return status, fix_subnet_cidr_state(body)

    def _on_DeleteSecurityGroup(self, req, backend, environ):
        if req.get("GroupId"):
            rule_group_unused(backend, req.get("GroupId"))
        rule_dry_run(req)
        return None

    # Rules 17-18: managed prefix lists (tests/support/aws_semantics_prefix_lists.py).
    def _on_CreateRoute(self, req, backend, environ):
        prefix_lists.rule_prefix_lists_of_request(Refusal, req, backend)
        if req.action in DRY_RUN_ACTIONS:
            rule_dry_run(req)

    _on_ReplaceRoute = _on_AuthorizeSecurityGroupIngress = _on_AuthorizeSecurityGroupEgress = _on_CreateRoute

    def _on_GetManagedPrefixListEntries(self, req, backend, environ):
        return self._serialize("GetManagedPrefixListEntries", prefix_lists.get_entries(Refusal, req, backend))

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
