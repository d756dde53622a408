"""Make moto_server answer like Route 53 for private hosted zones shared across accounts (tests only).

The Route 53 half of the AWS-semantics layer (tests/support/aws_semantics.py wires it in): a
handler that sees each Route 53 request (REST-XML, paths ``/2013-04-01/...``) before moto and
answers it itself when moto would answer differently from AWS. moto 5.x keeps one Route 53
backend per account, has no association *authorization* calls, never checks who owns a VPC,
and lists zones by VPC only in the caller's own account. Rules, one function each, each citing
the Route 53 API reference page it follows (https://docs.aws.amazon.com/Route53/latest/APIReference/):

R1. ``rule_authorize`` -- CreateVPCAssociationAuthorization (POST .../hostedzone/ID/authorizevpcassociation)
    by the zone's account; ListVPCAssociationAuthorizations (GET, same path);
    DeleteVPCAssociationAuthorization (POST .../deauthorizevpcassociation) ->
    ``VPCAssociationAuthorizationNotFound`` when there is none.
    API_CreateVPCAssociationAuthorization.html, API_ListVPCAssociationAuthorizations.html,
    API_DeleteVPCAssociationAuthorization.html.
R2. ``rule_associate`` -- AssociateVPCWithHostedZone: the caller must own the VPC (``InvalidVPCId``
    for an unknown VPC, ``NotAuthorizedException`` when the zone's account names another account's
    VPC); a zone of another account needs that account's authorization for this VPC, else
    ``NotAuthorizedException`` (HTTP 401); a VPC already associated with a zone of the same name
    -> ``ConflictingDomainExists``. API_AssociateVPCWithHostedZone.html and
    Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html
    (authorize with the zone's account, associate with the VPC's account).
R3. ``rule_disassociate`` -- DisassociateVPCFromHostedZone by the zone's account or the VPC's
    account (moto: only the zone's); ``VPCAssociationNotFound``; the last VPC cannot be removed
    (``LastVPCAssociation``). API_DisassociateVPCFromHostedZone.html.
R4. ``list_by_vpc`` -- ListHostedZonesByVPC lists the zones of every account associated with the
    VPC, each with ``Owner.OwningAccount``, and the zones AWS services own (control
    ``service_owned_zones``: [{zone_id, name, vpc_id, vpc_region, service}]) with ``Owner.OwningService``;
    only the VPC's account may ask (``InvalidVPCId``). API_ListHostedZonesByVPC.html, API_HostedZoneOwner.html.
R5. ``rule_create_private_zone`` -- CreateHostedZone with a VPC: the VPC must exist in the caller's
    account (``InvalidVPCId``) and must not be associated with a zone of that name already
    (``ConflictingDomainExists``). API_CreateHostedZone.html.

R6. ``rule_change_pending`` -- a change (ChangeResourceRecordSets, CreateHostedZone, (dis)associations)
    is ``PENDING`` for ``change_seconds``, then GetChange answers ``INSYNC``. API_GetChange.html
    ("PENDING indicates that the changes in this request have not propagated to all Amazon Route 53
    DNS servers").
R7. ``rule_small_pages`` -- ListHostedZonesByVPC, ListResourceRecordSets and
    ListVPCAssociationAuthorizations answer at most ``route53_page_size`` items per page, with the
    documented continuation (NextToken; NextRecordName / NextRecordType). API_ListHostedZonesByVPC.html,
    API_ListResourceRecordSets.html, API_ListVPCAssociationAuthorizations.html.
R8. ``associated`` -- a VPC is matched by VPCId *and* VPCRegion (disassociation, listing by VPC).
    API_VPC.html (a VPC is named by both).
R9. ``rule_caller_reference`` -- CreateHostedZone with a CallerReference one of the account's zones was
    created with -> ``HostedZoneAlreadyExists`` (moto creates a second zone). API_CreateHostedZone.html
    (CallerReference: "allows failed CreateHostedZone requests to be retried without the risk of executing
    the operation twice"; HostedZoneAlreadyExists).
R10. ``zones_answering`` -- the zones (any account's, or a service's) associated with a VPC whose name is a
    DNS name or a parent of it: CreateVpcEndpoint / ModifyVpcEndpoint with private DNS on is refused while one
    answers for the service's private DNS name (tests/support/aws_semantics.py, rule 5).

Authorizations live in the handler (reset with ``/moto-api/reset``); associations in moto's zones.
"""

import re
import time
import uuid
from xml.etree import ElementTree
from urllib.parse import parse_qs, quote
from xml.sax.saxutils import escape

from moto.ec2.models import ec2_backends
from moto.route53.models import route53_backends

NS = "https://route53.amazonaws.com/doc/2013-04-01/"
PARTITION = "aws"
_ZONE_PATH = re.compile(r"^/2013-04-01/hostedzone/([^/]+)/(authorizevpcassociation|deauthorizevpcassociation|"
                        r"associatevpc|disassociatevpc)/?$")
_STATUS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict"}
_CHANGE_PATH = re.compile(r"^/2013-04-01/change/([^/]+)/?$")
_RRSET_PATH = re.compile(r"^/2013-04-01/hostedzone/([^/]+)/rrset/?$")
ROUTE53_DEFAULTS = {"change_seconds": 0.2, "route53_page_size": 2}


class Route53Refusal(Exception):
    """A Route 53 error answer: ``code``, ``message``, HTTP ``status``."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _text(root, path):
    found = root.find(_qualified(path))
    return found.text.strip() if found is not None and found.text else None


def _qualified(path):
    return "/".join("{%s}%s" % (NS, part) for part in path.split("/"))


def parse_vpc(body):
    """``(vpc_id, vpc_region)`` of a request body's ``VPC`` element."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise Route53Refusal("InvalidInput", "The XML document is malformed")
    vpc_id, region = _text(root, "VPC/VPCId"), _text(root, "VPC/VPCRegion")
    if not vpc_id:
        raise Route53Refusal("InvalidInput", "VPC.VPCId is required")
    return vpc_id, region


def zones_of(account):
    """moto's zones of one account (a dict id -> FakeZone); empty for an account never seen."""
    if account not in route53_backends:
        return {}
    return route53_backends[account][PARTITION].zones


def find_zone(zone_id):
    """``(owner account, zone)`` of a zone id, looked up in every account; None when unknown."""
    zone_id = zone_id.replace("/hostedzone/", "")
    for account in list(route53_backends.keys()):
        zone = zones_of(account).get(zone_id)
        if zone is not None:
            return account, zone
    return None


def vpc_owner(vpc_id, region):
    """The account whose EC2 backend in ``region`` holds the VPC, or None."""
    for account in list(ec2_backends.keys()):
        backends = ec2_backends[account]
        if region in backends and vpc_id in backends[region].vpcs:
            return account
    return None


def zone_vpcs(zone):
    return [(v.get("vpc_id"), v.get("vpc_region")) for v in zone.vpcs]


def _normal(name):
    return (name or "").rstrip(".").lower()


def associated(zone, vpc_id, region):
    """R8: the zone is associated with this VPC in this region (a region left out matches any)."""
    return any(pair[0] == vpc_id and (region is None or pair[1] in (None, region)) for pair in zone_vpcs(zone))


def page_of(items, query, size_key, token_key, page_size):
    """R7: ``(page, next token)`` of a listing, at most ``page_size`` (or the caller's smaller size)."""
    try:
        asked = int((query.get(size_key) or [page_size])[0])
    except ValueError:
        asked = page_size
    size = max(1, min(asked, page_size))
    start = int((query.get(token_key) or ["0"])[0] or 0)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


def rule_no_same_name(vpc_id, name, own_zone_id=None):
    """R2/R5: a VPC is associated with at most one private zone of a name.

    API_AssociateVPCWithHostedZone.html, ConflictingDomainExists: "The VPC that you specified is
    already associated with another hosted zone that has the same name."
    """
    for account in list(route53_backends.keys()):
        for zone_id, zone in zones_of(account).items():
            if zone_id == own_zone_id or _normal(zone.name) != _normal(name):
                continue
            if any(pair[0] == vpc_id for pair in zone_vpcs(zone)):
                raise Route53Refusal("ConflictingDomainExists", "The VPC %s is already associated with another "
                                     "hosted zone (%s) that has the same name, %s." % (vpc_id, zone_id, name))


def rule_caller_reference(account, body):
    """R9: a CallerReference already used by one of the account's zones -> HostedZoneAlreadyExists (409).

    https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html (HostedZoneAlreadyExists:
    "Amazon Route 53 returns this error when a hosted zone has already been created with the specified
    CallerReference").
    """
    try:
        reference = _text(ElementTree.fromstring(body), "CallerReference")
    except ElementTree.ParseError:
        return
    for zone_id, zone in zones_of(account).items():
        if reference and getattr(zone, "caller_reference", None) == reference:
            raise Route53Refusal("HostedZoneAlreadyExists", "A hosted zone (%s) has already been created with the "
                                 "specified caller reference." % zone_id, 409)


def rule_caller_owns_vpc(caller, vpc_id, region):
    """R2/R4/R5: only the VPC's account may name it (InvalidVPCId: "the current account is not
    authorized to access this VPC"). API_AssociateVPCWithHostedZone.html, API_ListHostedZonesByVPC.html."""
    owner = vpc_owner(vpc_id, region)
    if owner is None:
        raise Route53Refusal("InvalidVPCId", "The VPC ID %s is not valid in %s." % (vpc_id, region))
    if owner != caller:
        raise Route53Refusal("InvalidVPCId", "The VPC ID %s either isn't a valid ID or the current account is not "
                             "authorized to access this VPC." % vpc_id)
    return owner


def zones_answering(vpc_id, region, dns_name, service_owned=()):
    """R10: ``[(zone id, zone name, owner)]`` of the private zones associated with the VPC that answer for
    ``dns_name`` (``*.`` stripped): its own name or a parent's. ``service_owned``: the control's zones."""
    bare = _normal(dns_name)
    bare = bare[2:] if bare.startswith("*.") else bare
    found = []

    def answers(zone_name):
        zone_name = _normal(zone_name)
        return bool(zone_name) and (bare == zone_name or bare.endswith("." + zone_name))

    for account in list(route53_backends.keys()):
        for zone_id, zone in zones_of(account).items():
            if zone.private_zone and answers(zone.name) and any(v[0] == vpc_id for v in zone_vpcs(zone)):
                found.append((zone_id, _normal(zone.name), account))
    for zone in service_owned or ():
        if zone.get("vpc_id") == vpc_id and zone.get("vpc_region", region) == region and answers(zone.get("name")):
            found.append((zone["zone_id"], _normal(zone["name"]), zone.get("service")))
    return found


class Route53Semantics:
    """The Route 53 rules; ``handle`` returns ``(status, body)`` or None to let moto answer.

    ``service_owned``: a callable returning the ``service_owned_zones`` control (R4), or None.
    """

    def __init__(self, service_owned=None, clock=time.monotonic):
        self.service_owned = service_owned or (lambda: [])
        self.clock = clock
        self.reset()

    def reset(self):
        self.authorizations = {}  # (owner account, zone id) -> set of (vpc id, vpc region)
        self.config = dict(ROUTE53_DEFAULTS)
        self.changes = {}  # change id -> when it becomes INSYNC

    # --- R6 / R7: the answers of moto, made AWS-like ---
    def rule_change_pending(self, change_id):
        """R6: GetChange of a change the layer saw: PENDING until its time is up, then INSYNC."""
        deadline = self.changes.get(change_id)
        if deadline is None:
            return None  # not one of ours: moto answers (INSYNC)
        status = "PENDING" if self.clock() < deadline else "INSYNC"
        return self.ok("GetChangeResponse", "<ChangeInfo><Id>/change/%s</Id><Status>%s</Status><SubmittedAt>"
                       "2026-01-01T00:00:00Z</SubmittedAt></ChangeInfo>" % (escape(change_id), status))

    def after(self, environ, status, body):
        """R6 on moto's answers: a change it reports INSYNC at once is PENDING for a moment."""
        if environ.get("REQUEST_METHOD") not in ("POST", "DELETE") or not status.startswith("20"):
            return body
        match = re.search(rb"<ChangeInfo>\s*<Id>(?:/change/)?([^<]+)</Id>", body)
        if not match:
            return body
        self.changes[match.group(1).decode()] = self.clock() + float(self.config["change_seconds"])
        return re.sub(rb"(<ChangeInfo>.*?<Status>)INSYNC(</Status>)", rb"\1PENDING\2", body, count=1, flags=re.S)

    def rule_small_pages(self, environ):
        """R7 for ListResourceRecordSets (moto pages it itself): ask moto for a small page."""
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        page_size = int(self.config["route53_page_size"])
        try:
            asked = int((query.get("maxitems") or [page_size])[0])
        except ValueError:
            asked = page_size
        query["maxitems"] = [str(max(1, min(asked, page_size)))]
        environ["QUERY_STRING"] = "&".join("%s=%s" % (k, quote(v, safe="")) for k, values in query.items()
                                           for v in values)

    def handle(self, environ, account, body):
        path, method = environ.get("PATH_INFO") or "", environ.get("REQUEST_METHOD")
        try:
            change = _CHANGE_PATH.match(path)
            if change and method == "GET":
                return self.rule_change_pending(change.group(1))
            if _RRSET_PATH.match(path) and method == "GET":
                self.rule_small_pages(environ)
                return None
            if path.rstrip("/") == "/2013-04-01/hostedzonesbyvpc" and method == "GET":
                return self.list_by_vpc(account, parse_qs(environ.get("QUERY_STRING", "")))
            if path.rstrip("/") == "/2013-04-01/hostedzone" and method == "POST":
                rule_caller_reference(account, body)
                return self.rule_create_private_zone(account, body)
            match = _ZONE_PATH.match(path)
            if not match:
                return None
            zone_id, verb = match.groups()
            if verb == "authorizevpcassociation":
                return self.rule_authorize(account, zone_id, body if method == "POST" else None,
                                           parse_qs(environ.get("QUERY_STRING", "")))
            if verb == "deauthorizevpcassociation":
                return self.rule_deauthorize(account, zone_id, body)
            if verb == "associatevpc":
                return self.rule_associate(account, zone_id, body)
            return self.rule_disassociate(account, zone_id, body)
        except Route53Refusal as refusal:
            return self.error(refusal)

    # --- rules ---
    def _own_zone(self, account, zone_id):
        zone = zones_of(account).get(zone_id)
        if zone is None:
            # Another account's zone is not found either: only its owner may authorize.
            raise Route53Refusal("NoSuchHostedZone", "No hosted zone found with ID: %s" % zone_id, 404)
        return zone

    def rule_authorize(self, account, zone_id, body, query=None):
        """R1: Create (POST) / List (GET) association authorizations, by the zone's account.

        API_CreateVPCAssociationAuthorization.html ("you must use the account that created the hosted
        zone"; one authorization per VPC) and API_ListVPCAssociationAuthorizations.html.
        """
        self._own_zone(account, zone_id)
        granted = self.authorizations.setdefault((account, zone_id), set())
        if body is None:
            page, token = page_of(sorted(granted), query or {}, "maxresults", "nexttoken",
                                  int(self.config["route53_page_size"]))
            vpcs = "".join("<VPC><VPCRegion>%s</VPCRegion><VPCId>%s</VPCId></VPC>" % (escape(r or ""), escape(v))
                           for v, r in page)
            return self.ok("ListVPCAssociationAuthorizationsResponse",
                           "<HostedZoneId>%s</HostedZoneId>%s<VPCs>%s</VPCs>"
                           % (escape(zone_id), "<NextToken>%s</NextToken>" % token if token else "", vpcs))
        vpc_id, region = parse_vpc(body)
        if vpc_owner(vpc_id, region) is None:
            raise Route53Refusal("InvalidVPCId", "The VPC ID %s is not valid in %s." % (vpc_id, region))
        granted.add((vpc_id, region))
        return self.ok("CreateVPCAssociationAuthorizationResponse",
                       "<HostedZoneId>%s</HostedZoneId><VPC><VPCRegion>%s</VPCRegion><VPCId>%s</VPCId></VPC>"
                       % (escape(zone_id), escape(region or ""), escape(vpc_id)))

    def rule_deauthorize(self, account, zone_id, body):
        """R1: DeleteVPCAssociationAuthorization; VPCAssociationAuthorizationNotFound (404) when none.

        API_DeleteVPCAssociationAuthorization.html.
        """
        self._own_zone(account, zone_id)
        vpc_id, region = parse_vpc(body)
        granted = self.authorizations.setdefault((account, zone_id), set())
        if (vpc_id, region) not in granted:
            raise Route53Refusal("VPCAssociationAuthorizationNotFound", "The VPC %s has not been authorized to be "
                                 "associated with hosted zone %s." % (vpc_id, zone_id), 404)
        granted.discard((vpc_id, region))
        return self.ok("DeleteVPCAssociationAuthorizationResponse", "")

    def rule_associate(self, account, zone_id, body):
        """R2: the VPC's account associates; a zone of another account needs its authorization.

        API_AssociateVPCWithHostedZone.html: NotAuthorizedException (401) "Associating the specified VPC
        with the specified hosted zone has not been authorized"; InvalidVPCId; ConflictingDomainExists.
        """
        vpc_id, region = parse_vpc(body)
        found = find_zone(zone_id)
        if found is None:
            raise Route53Refusal("NoSuchHostedZone", "No hosted zone found with ID: %s" % zone_id, 404)
        owner, zone = found
        if not zone.private_zone:
            raise Route53Refusal("PublicZoneVPCAssociation", "You're trying to associate a VPC with a public "
                                 "hosted zone. Amazon Route 53 doesn't support associating a VPC with a public "
                                 "hosted zone.")
        vpc_account = vpc_owner(vpc_id, region)
        if vpc_account is None:
            raise Route53Refusal("InvalidVPCId", "The VPC ID %s is not valid in %s." % (vpc_id, region))
        if vpc_account != account:
            # The zone's account cannot associate another account's VPC: the VPC's account must.
            raise Route53Refusal("NotAuthorizedException", "Associating VPC %s (account %s) with hosted zone %s "
                                 "has not been authorized: the VPC's account must submit the association"
                                 % (vpc_id, vpc_account, zone_id), 401)
        if owner != account and (vpc_id, region) not in self.authorizations.get((owner, zone_id), set()):
            raise Route53Refusal("NotAuthorizedException", "Associating VPC %s with hosted zone %s has not been "
                                 "authorized by the hosted zone's account %s (CreateVPCAssociationAuthorization)"
                                 % (vpc_id, zone_id, owner), 401)
        if any(pair[0] == vpc_id for pair in zone_vpcs(zone)):
            raise Route53Refusal("ConflictingDomainExists", "The VPC %s is already associated with hosted zone %s."
                                 % (vpc_id, zone_id))
        rule_no_same_name(vpc_id, zone.name, own_zone_id=zone_id)
        zone.add_vpc(vpc_id, region)
        return self.ok("AssociateVPCWithHostedZoneResponse", self.change_info())

    def rule_disassociate(self, account, zone_id, body):
        """R3: by the zone's account or the VPC's; never the last VPC.

        API_DisassociateVPCFromHostedZone.html.
        """
        vpc_id, region = parse_vpc(body)
        found = find_zone(zone_id)
        if found is None:
            raise Route53Refusal("NoSuchHostedZone", "No hosted zone found with ID: %s" % zone_id, 404)
        owner, zone = found
        if account not in (owner, vpc_owner(vpc_id, region)):
            raise Route53Refusal("NoSuchHostedZone", "No hosted zone found with ID: %s" % zone_id, 404)
        if not associated(zone, vpc_id, region):
            raise Route53Refusal("VPCAssociationNotFound", "The VPC %s is not associated with hosted zone %s."
                                 % (vpc_id, zone_id), 404)
        if len(zone.vpcs) <= 1:
            raise Route53Refusal("LastVPCAssociation", "The VPC %s is the last VPC associated with hosted zone %s; "
                                 "a private hosted zone keeps at least one." % (vpc_id, zone_id))
        zone.delete_vpc(vpc_id)
        return self.ok("DisassociateVPCFromHostedZoneResponse", self.change_info())

    def list_by_vpc(self, account, query):
        """R4: every account's zones associated with the VPC, asked by the VPC's account.

        API_ListHostedZonesByVPC.html ("regardless of which AWS account ... owns the hosted zones";
        HostedZoneOwner.OwningAccount).
        """
        vpc_id = (query.get("vpcid") or [None])[0]
        region = (query.get("vpcregion") or [None])[0]
        if not vpc_id or not region:
            raise Route53Refusal("InvalidInput", "vpcid and vpcregion are required")
        rule_caller_owns_vpc(account, vpc_id, region)
        summaries = []
        for owner in sorted(route53_backends.keys()):
            for zone_id, zone in sorted(zones_of(owner).items()):
                if zone.private_zone and associated(zone, vpc_id, region):
                    summaries.append("<HostedZoneSummary><HostedZoneId>%s</HostedZoneId><Name>%s</Name><Owner>"
                                     "<OwningAccount>%s</OwningAccount></Owner></HostedZoneSummary>"
                                     % (escape(zone_id), escape(zone.name), escape(owner)))
        for zone in self.service_owned() or []:
            # A zone an AWS service created in its own account: Owner.OwningService, no OwningAccount.
            if zone.get("vpc_id") == vpc_id and zone.get("vpc_region", region) == region:
                summaries.append("<HostedZoneSummary><HostedZoneId>%s</HostedZoneId><Name>%s</Name><Owner>"
                                 "<OwningService>%s</OwningService></Owner></HostedZoneSummary>"
                                 % (escape(zone["zone_id"]), escape(zone["name"]), escape(zone["service"])))
        page, token = page_of(summaries, query, "maxitems", "nexttoken", int(self.config["route53_page_size"]))
        return self.ok("ListHostedZonesByVPCResponse", "<HostedZoneSummaries>%s</HostedZoneSummaries>"
                       "<MaxItems>%d</MaxItems>%s" % ("".join(page), len(page) or 1,
                                                      "<NextToken>%s</NextToken>" % token if token else ""))

    def rule_create_private_zone(self, account, body):
        """R5: CreateHostedZone with a VPC of the caller's account, not yet on a zone of that name.

        API_CreateHostedZone.html (VPC; ConflictingDomainExists, InvalidVPCId). Then moto creates it.
        """
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            return None
        vpc_id, region, name = _text(root, "VPC/VPCId"), _text(root, "VPC/VPCRegion"), _text(root, "Name")
        if not vpc_id:
            return None
        rule_caller_owns_vpc(account, vpc_id, region)
        rule_no_same_name(vpc_id, name)
        return None

    # --- answers ---
    @staticmethod
    def change_info():
        return ("<ChangeInfo><Id>/change/C%s</Id><Status>INSYNC</Status><SubmittedAt>2026-01-01T00:00:00Z"
                "</SubmittedAt></ChangeInfo>" % uuid.uuid4().hex[:12].upper())

    @staticmethod
    def ok(element, inner):
        body = '<?xml version="1.0" encoding="UTF-8"?>\n<%s xmlns="%s">%s</%s>' % (element, NS, inner, element)
        return "200 OK", body.encode()

    @staticmethod
    def error(refusal):
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="%s"><Error><Type>Sender</Type>'
                "<Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>"
                % (NS, escape(refusal.code), escape(refusal.message), uuid.uuid4()))
        return "%d %s" % (refusal.status, _STATUS[refusal.status]), body.encode()
