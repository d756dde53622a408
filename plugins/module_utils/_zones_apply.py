# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The applier of ecr_endpoint_zones (private): the only Route 53 calls that change anything.

As ``_apply`` is for endpoints: it carries out the actions of a plan ``_zones_plan`` computed over what
``_route53_reader`` read, in order, and records each one it completed (``applied``) so that a failure after
changes can say what was done. Also here: the deterministic CallerReference of a hub's zone, and the retry of
Route 53's ConcurrentModification, both rules of the calls made here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    PrivatelinkError,
    aws_error,
    error_code,
    wait_delay,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._route53_reader import Route53Reader
from ansible_collections.privatelink.ecr.plugins.module_utils import _zones_plan as zplan

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - HAS_BOTO3 is checked by the connection
    BotoCoreError = ClientError = Exception


# Route 53 answers retried with increasing waits. Throttling and PriorRequestNotComplete are retried by
# botocore's own retry mode (the connection's standard/adaptive mode lists both: botocore/retries/standard.py;
# the Route 53 API reference says to retry PriorRequestNotComplete with increasing waits).
# ConcurrentModification ("Another user submitted a request to create, update, or delete the object at the
# same time", https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeTagsForResource.html and the
# association calls) is in no botocore retry list: a needs-retry handler on the Route 53 clients lets botocore
# retry it too (botocore's retry hook: the handler returns how long botocore waits before the next attempt).
CONCURRENT_ATTEMPTS = 5
_RETRY_MARK = "_privatelink_ecr_concurrent_retry"


def concurrent_modification_delay(response=None, attempts=None, **_kwargs):
    """botocore ``needs-retry`` handler: the wait before retrying a ConcurrentModification, None otherwise."""
    if response is None or attempts is None or attempts >= CONCURRENT_ATTEMPTS:
        return None
    parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else {}
    if ((parsed or {}).get("Error") or {}).get("Code") != "ConcurrentModification":
        return None
    return min(20.0, wait_delay(default=1.0) * (2 ** (attempts - 1)))


def with_concurrent_retry(client):
    """The Route 53 client, retrying ConcurrentModification through botocore (registered once per client)."""
    if not getattr(client, _RETRY_MARK, False):
        client.meta.events.register("needs-retry.route-53", concurrent_modification_delay)
        setattr(client, _RETRY_MARK, True)
    return client


# Bounded: a CallerReference of a deleted zone may stay taken (API_CreateHostedZone.html: "You must use a
# unique CallerReference string every time you submit a CreateHostedZone request").
REFERENCE_GENERATIONS = 5


def caller_reference(hub_vpc_id, zone_name, generation=1):
    """The deterministic CallerReference of a hub's zone (API_CreateHostedZone.html, HostedZoneAlreadyExists:
    "a hosted zone has already been created with the specified CallerReference"): a retried or interrupted
    create finds its own zone instead of leaving an untagged twin."""
    digest = hashlib.sha256(("%s|%s" % (hub_vpc_id, zplan.normal_name(zone_name))).encode("utf-8")).hexdigest()[:32]
    base = "privatelink-ecr-%s-%s" % (hub_vpc_id, digest)
    return base if generation <= 1 else "%s-%d" % (base, generation)


def is_own_reference(reference, hub_vpc_id, zone_name):
    base = caller_reference(hub_vpc_id, zone_name)
    return bool(reference) and (reference == base or (reference.startswith(base + "-")
                                                      and reference[len(base) + 1:].isdigit()))


class ZonesApplier:
    """Applies a zones plan; ``applied`` lists what was done (for failures after changes)."""

    def __init__(self, owner_client, vpc_client, wait=True, wait_timeout=600):
        self.owner = owner_client
        self.vpc = vpc_client
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.applied = []
        self.created = {}  # placeholder -> zone id, per zone name

    def apply(self, actions):
        for action in actions:
            details = action["details"]
            if details.get("zone_id") == zplan.ZONE_PLACEHOLDER and details["name"] in self.created:
                details["zone_id"] = self.created[details["name"]]
            getattr(self, "_" + action["action"])(action)
            self.applied.append(action)

    def _call(self, what, func, **kwargs):
        try:
            return func(**kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise aws_error(exc, what)

    def _create_zone(self, action):
        details = action["details"]
        zone_id = None
        for generation in range(1, REFERENCE_GENERATIONS + 1):
            reference = caller_reference(details["vpc_id"], details["name"], generation)
            try:
                answer = self.owner.create_hosted_zone(
                    Name=details["name"], CallerReference=reference,
                    VPC={"VPCRegion": details["vpc_region"], "VPCId": details["vpc_id"]},
                    HostedZoneConfig={"Comment": "%s endpoint of hub %s (managed by privatelink.ecr)"
                                                 % (action["service"], details["vpc_id"]), "PrivateZone": True})
            except ClientError as exc:
                if error_code(exc) != "HostedZoneAlreadyExists":
                    raise aws_error(exc, "create the hosted zone %s" % details["name"])
                # A retried or interrupted create of this zone: read it, tag it, go on. None found (the zone
                # of that reference was deleted since): the next generation of the reference.
                zone_id = self._zone_of_reference(details, reference)
                if zone_id:
                    break
                continue
            # Both are Exception where botocore cannot be imported.
            except BotoCoreError as exc:  # pylint: disable=duplicate-except
                raise aws_error(exc, "create the hosted zone %s" % details["name"])
            zone_id = answer["HostedZone"]["Id"].split("/")[-1]
            break
        if zone_id is None:
            raise PrivatelinkError("create the hosted zone %s: Route 53 answered HostedZoneAlreadyExists for %d "
                                   "CallerReferences of this hub and name, and no zone of the hub carries them"
                                   % (details["name"], REFERENCE_GENERATIONS))
        details["zone_id"] = zone_id
        self.created[details["name"]] = zone_id
        # The ownership tag right after the zone: destroy removes only zones that carry it.
        self._call("tag the hosted zone %s" % zone_id, self.owner.change_tags_for_resource,
                   ResourceType="hostedzone", ResourceId=zone_id,
                   AddTags=[{"Key": k, "Value": v} for k, v in sorted(details["tags"].items())])

    def _zone_of_reference(self, details, reference):
        """The zone of the hub VPC named ``details["name"]`` created with ``reference``, or None."""
        reader = Route53Reader(self.owner)
        for zone in reader.zones_of_vpc(details["vpc_id"], details["vpc_region"]):
            if zone["name"] == zplan.normal_name(details["name"]) \
                    and reader.zone(zone["zone_id"])["caller_reference"] == reference:
                return zone["zone_id"]
        return None

    def _tag_zone(self, action):
        details = action["details"]
        self._call("tag the hosted zone %s" % details["zone_id"], self.owner.change_tags_for_resource,
                   ResourceType="hostedzone", ResourceId=details["zone_id"],
                   AddTags=[{"Key": k, "Value": v} for k, v in sorted(details["tags"].items())])

    def _upsert_records(self, action):
        details = action["details"]
        changes = [{"Action": "UPSERT", "ResourceRecordSet": {
            "Name": r["name"], "Type": r["type"],
            "AliasTarget": {"HostedZoneId": r["alias_hosted_zone_id"], "DNSName": r["alias_dns_name"],
                            "EvaluateTargetHealth": False}}} for r in details["records"]]
        answer = self._call("write the alias records of %s" % details["name"], self.owner.change_resource_record_sets,
                            HostedZoneId=details["zone_id"], ChangeBatch={
                                "Comment": "privatelink.ecr: %s endpoint" % action["service"], "Changes": changes})
        self._wait_change(answer["ChangeInfo"]["Id"])

    def _wait_change(self, change_id):
        if not self.wait:
            return
        delay = wait_delay()
        waiter = self.owner.get_waiter("resource_record_sets_changed")
        try:
            waiter.wait(Id=change_id, WaiterConfig={"Delay": delay,
                                                    "MaxAttempts": max(1, int(self.wait_timeout // delay))})
        except Exception as exc:  # botocore's WaiterError and client errors
            raise aws_error(exc, "wait for Route 53 change %s" % change_id)

    def _associate(self, action):
        details = action["details"]
        vpc = {"VPCRegion": details["vpc_region"], "VPCId": details["vpc_id"]}
        if not details.get("cross_account"):
            self._call("associate VPC %s with hosted zone %s" % (details["vpc_id"], details["zone_id"]),
                       self.vpc.associate_vpc_with_hosted_zone, HostedZoneId=details["zone_id"], VPC=vpc)
            return
        # The zone's account authorizes, the VPC's account associates, the authorization goes
        # (API_CreateVPCAssociationAuthorization.html, API_AssociateVPCWithHostedZone.html,
        # API_DeleteVPCAssociationAuthorization.html). Deleted even when the association fails:
        # nothing is left behind.
        self._call("authorize the association of VPC %s with hosted zone %s (in the zone's account %s)"
                   % (details["vpc_id"], details["zone_id"], details.get("zone_account_id")),
                   self.owner.create_vpc_association_authorization, HostedZoneId=details["zone_id"], VPC=vpc)
        try:
            self._call("associate VPC %s with hosted zone %s of account %s"
                       % (details["vpc_id"], details["zone_id"], details.get("zone_account_id")),
                       self.vpc.associate_vpc_with_hosted_zone, HostedZoneId=details["zone_id"], VPC=vpc)
        finally:
            self._delete_authorization(action)

    def _delete_authorization(self, action):
        details = action["details"]
        try:
            self.owner.delete_vpc_association_authorization(
                HostedZoneId=details["zone_id"], VPC={"VPCRegion": details["vpc_region"], "VPCId": details["vpc_id"]})
        except (BotoCoreError, ClientError) as exc:
            if error_code(exc) == "VPCAssociationAuthorizationNotFound":
                return  # already gone: nothing is left behind
            raise aws_error(exc, "delete the association authorization of VPC %s on hosted zone %s"
                            % (details["vpc_id"], details["zone_id"]))

    def _disassociate(self, action):
        details = action["details"]
        # The zone's account may disassociate any VPC (API_DisassociateVPCFromHostedZone.html).
        self._call("disassociate VPC %s from hosted zone %s" % (details["vpc_id"], details["zone_id"]),
                   self.owner.disassociate_vpc_from_hosted_zone, HostedZoneId=details["zone_id"],
                   VPC={"VPCRegion": details["vpc_region"], "VPCId": details["vpc_id"]})

    def _delete_zone(self, action):
        details = action["details"]
        raws = details.pop("raw_records", [])
        if raws:
            self._call("delete the records of hosted zone %s" % details["zone_id"],
                       self.owner.change_resource_record_sets, HostedZoneId=details["zone_id"],
                       ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in raws]})
        self._call("delete hosted zone %s" % details["zone_id"], self.owner.delete_hosted_zone, Id=details["zone_id"])
