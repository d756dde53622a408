"""The zones runner's AWS-facing rules on stub clients: the deterministic CallerReference and what happens on
HostedZoneAlreadyExists, Route 53's ConcurrentModification retried (bounded), and the hub-destroy rule."""

import pytest
from botocore.exceptions import ClientError

from ansible_collections.privatelink.ecr.plugins.module_utils import _zones_apply as _zones
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError
from ansible_collections.privatelink.ecr.plugins.module_utils._zones import ZonesRunner
from ansible_collections.privatelink.ecr.plugins.module_utils._zones_apply import (
    ZonesApplier,
    caller_reference,
    is_own_reference,
)

HUB = "vpc-0aaaaaaaaaaaaaaa1"
NAME = "api.ecr.eu-west-1.amazonaws.com"


def error(code, operation="CreateHostedZone"):
    return ClientError({"Error": {"Code": code, "Message": code}}, operation)


class StubRoute53:
    """Records calls; ``fail`` maps an operation to the errors its next calls raise, in order."""

    def __init__(self, fail=None, zones=None):
        self.calls = []
        self.fail = dict((k, list(v)) for k, v in (fail or {}).items())
        self.zones = zones or {}  # zone id -> {"name", "reference", "vpcs"}

    def _maybe_fail(self, operation):
        if self.fail.get(operation):
            raise self.fail[operation].pop(0)

    def create_hosted_zone(self, **kwargs):
        self.calls.append(("create_hosted_zone", kwargs["CallerReference"]))
        self._maybe_fail("create_hosted_zone")
        return {"HostedZone": {"Id": "/hostedzone/ZNEW"}}

    def change_tags_for_resource(self, **kwargs):
        self.calls.append(("change_tags_for_resource", kwargs["ResourceId"]))
        self._maybe_fail("change_tags_for_resource")
        return {}

    def list_hosted_zones_by_vpc(self, **kwargs):
        self.calls.append(("list_hosted_zones_by_vpc", kwargs["VPCId"]))
        return {"HostedZoneSummaries": [{"HostedZoneId": zone_id, "Name": zone["name"] + ".",
                                         "Owner": {"OwningAccount": "111111111111"}}
                                        for zone_id, zone in sorted(self.zones.items())]}

    def get_hosted_zone(self, Id):
        self.calls.append(("get_hosted_zone", Id))
        zone = self.zones[Id]
        return {"HostedZone": {"Id": "/hostedzone/" + Id, "CallerReference": zone["reference"]},
                "VPCs": [{"VPCId": v, "VPCRegion": "eu-west-1"} for v in zone.get("vpcs", [HUB])]}


def create_action():
    return {"service": "ecr.api", "action": "create_zone",
            "details": {"name": NAME, "vpc_id": HUB, "vpc_region": "eu-west-1", "zone_id": "(placeholder)",
                        "tags": {"ManagedBy": "privatelink.ecr"}}}


def test_the_caller_reference_is_derived_from_the_hub_and_the_name():
    first = caller_reference(HUB, NAME)
    assert first == caller_reference(HUB, NAME.upper() + ".")  # the name as compared
    assert first != caller_reference("vpc-0bbbbbbbbbbbbbbb2", NAME) != caller_reference(HUB, "logs.x")
    assert len(first) <= 128 and first.startswith("privatelink-ecr-" + HUB)
    assert caller_reference(HUB, NAME, 2) == first + "-2"
    assert is_own_reference(first, HUB, NAME) and is_own_reference(first + "-3", HUB, NAME)
    assert not is_own_reference(first + "-x", HUB, NAME) and not is_own_reference("theirs", HUB, NAME)
    assert not is_own_reference(None, HUB, NAME)


def test_a_new_zone_is_created_with_the_reference_then_tagged():
    r53 = StubRoute53()
    ZonesApplier(r53, r53).apply([create_action()])
    assert r53.calls == [("create_hosted_zone", caller_reference(HUB, NAME)), ("change_tags_for_resource", "ZNEW")]


def test_hosted_zone_already_exists_reads_the_zone_of_the_reference_tags_it_and_goes_on():
    r53 = StubRoute53(fail={"create_hosted_zone": [error("HostedZoneAlreadyExists")]},
                      zones={"ZOLD": {"name": NAME, "reference": caller_reference(HUB, NAME)}})
    applier = ZonesApplier(r53, r53)
    action = create_action()
    applier.apply([action])
    assert action["details"]["zone_id"] == "ZOLD" and applier.created == {NAME: "ZOLD"}
    assert r53.calls[-1] == ("change_tags_for_resource", "ZOLD")
    assert [c[0] for c in r53.calls].count("create_hosted_zone") == 1


def test_a_reference_of_a_deleted_zone_moves_to_the_next_generation():
    r53 = StubRoute53(fail={"create_hosted_zone": [error("HostedZoneAlreadyExists")]})
    ZonesApplier(r53, r53).apply([create_action()])
    creates = [c[1] for c in r53.calls if c[0] == "create_hosted_zone"]
    assert creates == [caller_reference(HUB, NAME), caller_reference(HUB, NAME, 2)]
    assert r53.calls[-1] == ("change_tags_for_resource", "ZNEW")


def test_concurrent_modification_is_retried_by_botocore_with_growing_waits():
    delay = _zones.concurrent_modification_delay
    busy = (None, {"Error": {"Code": "ConcurrentModification"}})
    waits = [delay(response=busy, attempts=n) for n in range(1, _zones.CONCURRENT_ATTEMPTS)]
    assert all(w is not None for w in waits) and waits == sorted(waits) and waits[0] < waits[-1]
    assert delay(response=busy, attempts=_zones.CONCURRENT_ATTEMPTS) is None  # bounded
    assert delay(response=(None, {"Error": {"Code": "AccessDenied"}}), attempts=1) is None
    assert delay(response=None, attempts=1) is None  # a connection error: botocore's own retry decides


class _Raw:
    def __init__(self, body):
        self.body = body

    def stream(self, **_kwargs):
        yield self.body


def test_a_route53_client_retries_concurrent_modification_through_botocore(monkeypatch):
    """Two ConcurrentModification answers, then success: one call for the caller, three requests sent."""
    import boto3
    from botocore.awsrequest import AWSResponse
    from botocore.config import Config

    monkeypatch.setenv("PRIVATELINK_ECR_WAIT_DELAY", "0.05")
    r53 = boto3.client("route53", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x",
                       endpoint_url="http://127.0.0.1:9", config=Config(retries={"mode": "standard"}))
    assert _zones.with_concurrent_retry(r53) is r53 and _zones.with_concurrent_retry(r53) is r53  # once
    namespace = "https://route53.amazonaws.com/doc/2013-04-01/"
    busy = ('<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>ConcurrentModification</Code>'
            "<Message>busy</Message></Error><RequestId>r</RequestId></ErrorResponse>" % namespace).encode()
    done = ('<ChangeTagsForResourceResponse xmlns="%s"></ChangeTagsForResourceResponse>' % namespace).encode()
    answers = [(400, busy), (400, busy), (200, done)]
    sent = []

    def answer(request, **_kwargs):
        status, body = answers[len(sent)]
        sent.append(request.url)
        return AWSResponse(request.url, status, {}, _Raw(body))

    r53.meta.events.register("before-send.route-53", answer)
    r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId="Z1", AddTags=[{"Key": "k", "Value": "v"}])
    assert len(sent) == 3
    # Bounded: an answer that stays busy is reported after CONCURRENT_ATTEMPTS requests.
    answers[:] = [(400, busy)] * 10
    del sent[:]
    with pytest.raises(ClientError) as excinfo:
        r53.change_tags_for_resource(ResourceType="hostedzone", ResourceId="Z1", AddTags=[{"Key": "k", "Value": "v"}])
    assert excinfo.value.response["Error"]["Code"] == "ConcurrentModification"
    assert len(sent) == _zones.CONCURRENT_ATTEMPTS


def test_other_errors_are_reported_with_the_action():
    denied = StubRoute53(fail={"create_hosted_zone": [error("AccessDenied")]})
    with pytest.raises(PrivatelinkError) as excinfo:
        ZonesApplier(denied, denied).apply([create_action()])
    assert "create the hosted zone %s" % NAME in str(excinfo.value)
    assert [c[0] for c in denied.calls] == ["create_hosted_zone"]


def runner(**params):
    base = {"leaving_vpc_ids": [], "force_destroy": False, "vpc_accounts": {}}
    base.update(params)
    instance = ZonesRunner.__new__(ZonesRunner)
    instance.params, instance.region, instance.warnings = base, "eu-west-1", []
    return instance


def hub_zone(vpcs, owned=True, name=NAME):
    return {"zone_id": "Z1", "name": name, "owned": owned, "vpcs": [[v, "eu-west-1"] for v in vpcs]}


WANTED = [{"name": NAME, "service": "ecr.api", "wildcard": False}]


def test_a_hub_destroy_stops_before_any_change_when_a_zone_serves_a_vpc_outside_the_run():
    current = [hub_zone([HUB, "vpc-spoke", "vpc-outside"])]
    with pytest.raises(ValueError) as excinfo:
        runner(leaving_vpc_ids=["vpc-spoke"], vpc_accounts={"vpc-outside": "222222222222"})._check_hub_users(
            {"vpc_id": HUB}, current, WANTED)
    message = str(excinfo.value)
    assert "vpc-outside (eu-west-1, account 222222222222)" in message and "vpc-spoke" not in message
    assert "force_destroy" in message and "left as they are" in message


def test_a_hub_destroy_goes_on_when_only_leaving_spokes_or_unowned_zones_remain_or_when_forced():
    runner(leaving_vpc_ids=["vpc-spoke"])._check_hub_users({"vpc_id": HUB}, [hub_zone([HUB, "vpc-spoke"])], WANTED)
    runner()._check_hub_users({"vpc_id": HUB}, [hub_zone([HUB, "vpc-x"], owned=False)], WANTED)
    forced = runner(force_destroy=True)
    forced._check_hub_users({"vpc_id": HUB}, [hub_zone([HUB, "vpc-x"])], WANTED)
    assert forced.warnings and "vpc-x (eu-west-1, account unknown)" in forced.warnings[0]
