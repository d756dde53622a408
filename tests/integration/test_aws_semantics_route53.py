"""The Route 53 rules R6-R8 of the AWS-semantics layer (tests/support/aws_semantics_route53.py):
changes PENDING for a moment then INSYNC, list calls in small pages, VPCs matched by id and region.
Each proven on what Route 53 reads back, through the session's moto_server (reset per test)."""

import time

import pytest
from botocore.exceptions import ClientError

from tests.support.seed import client

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
OTHER_REGION = "eu-central-1"
HUB_ROLE = "arn:aws:iam::111111111111:role/privatelink-ecr"
SPOKE_ROLE = "arn:aws:iam::222222222222:role/privatelink-ecr"


def code(exc_info):
    return exc_info.value.response["Error"]["Code"]


@pytest.fixture
def hub(moto):
    ec2, r53 = client("ec2", moto.url, REGION, HUB_ROLE), client("route53", moto.url, REGION, HUB_ROLE)
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return {"ec2": ec2, "r53": r53, "vpc": {"VPCRegion": REGION, "VPCId": vpc_id}, "server": moto}


def private_zone(hub, name):
    return hub["r53"].create_hosted_zone(Name=name, CallerReference=name, VPC=hub["vpc"],
                                         HostedZoneConfig={"PrivateZone": True})["HostedZone"]["Id"].split("/")[-1]


def test_a_change_is_pending_for_a_moment_then_insync(hub):
    assert hub["server"].semantics_config()["change_seconds"] < 1  # fractions of a second
    zone = private_zone(hub, "api.ecr.%s.amazonaws.com" % REGION)
    answer = hub["r53"].change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "x.api.ecr.%s.amazonaws.com" % REGION, "Type": "A",
                                                   "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.1"}]}}]})
    change_id = answer["ChangeInfo"]["Id"]
    assert answer["ChangeInfo"]["Status"] == "PENDING"
    assert hub["r53"].get_change(Id=change_id)["ChangeInfo"]["Status"] == "PENDING"
    deadline = time.monotonic() + 5
    while hub["r53"].get_change(Id=change_id)["ChangeInfo"]["Status"] != "INSYNC" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hub["r53"].get_change(Id=change_id)["ChangeInfo"]["Status"] == "INSYNC"
    # The record is there once the change is.
    pages = hub["r53"].get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone)
    names = [r["Name"] for page in pages for r in page["ResourceRecordSets"]]
    assert "x.api.ecr.%s.amazonaws.com." % REGION in names


def test_the_waiter_waits_through_pending(hub):
    zone = private_zone(hub, "dkr.ecr.%s.amazonaws.com" % REGION)
    hub["server"].configure_semantics(change_seconds=0.4)
    answer = hub["r53"].change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "dkr.ecr.%s.amazonaws.com" % REGION, "Type": "TXT",
                                                   "TTL": 60, "ResourceRecords": [{"Value": '"a"'}]}}]})
    started = time.monotonic()
    hub["r53"].get_waiter("resource_record_sets_changed").wait(
        Id=answer["ChangeInfo"]["Id"], WaiterConfig={"Delay": 0.1, "MaxAttempts": 50})
    assert time.monotonic() - started >= 0.2  # it had to wait: the change was PENDING


def test_record_sets_come_in_small_pages(hub):
    zone = private_zone(hub, "logs.%s.amazonaws.com" % REGION)
    hub["r53"].change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "r%d.logs.%s.amazonaws.com" % (i, REGION), "Type": "A",
                                                   "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.%d" % i}]}}
        for i in range(3)]})
    first = hub["r53"].list_resource_record_sets(HostedZoneId=zone)
    assert len(first["ResourceRecordSets"]) == 2 and first["IsTruncated"] is True
    pages = list(hub["r53"].get_paginator("list_resource_record_sets").paginate(HostedZoneId=zone))
    assert len(pages) == 3  # NS, SOA and three A records, two per page
    records = [(r["Name"], r["Type"]) for page in pages for r in page["ResourceRecordSets"]]
    assert len(records) == len(set(records)) == 5


def test_zones_by_vpc_and_authorizations_come_in_small_pages(hub, moto):
    names = ["z%d.example.internal" % i for i in range(3)]
    zones = [private_zone(hub, name) for name in names]
    first = hub["r53"].list_hosted_zones_by_vpc(VPCId=hub["vpc"]["VPCId"], VPCRegion=REGION)
    assert len(first["HostedZoneSummaries"]) == 2 and first.get("NextToken")
    rest = hub["r53"].list_hosted_zones_by_vpc(VPCId=hub["vpc"]["VPCId"], VPCRegion=REGION,
                                               NextToken=first["NextToken"])
    assert "NextToken" not in rest
    listed = [z["HostedZoneId"] for z in first["HostedZoneSummaries"] + rest["HostedZoneSummaries"]]
    assert sorted(listed) == sorted(zones)

    spoke_ec2 = client("ec2", moto.url, REGION, SPOKE_ROLE)
    spoke_vpcs = [spoke_ec2.create_vpc(CidrBlock="10.%d.0.0/16" % (10 + i))["Vpc"]["VpcId"] for i in range(3)]
    for vpc_id in spoke_vpcs:
        hub["r53"].create_vpc_association_authorization(HostedZoneId=zones[0],
                                                        VPC={"VPCRegion": REGION, "VPCId": vpc_id})
    page = hub["r53"].list_vpc_association_authorizations(HostedZoneId=zones[0])
    assert len(page["VPCs"]) == 2 and page.get("NextToken")
    more = hub["r53"].list_vpc_association_authorizations(HostedZoneId=zones[0], NextToken=page["NextToken"])
    assert sorted(v["VPCId"] for v in page["VPCs"] + more["VPCs"]) == sorted(spoke_vpcs)


def test_a_vpc_is_matched_by_id_and_region(hub):
    zone = private_zone(hub, "sts.%s.amazonaws.com" % REGION)
    second = hub["ec2"].create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as refused:  # the VPC is not in that region
        hub["r53"].associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": OTHER_REGION, "VPCId": second})
    assert code(refused) == "InvalidVPCId"
    hub["r53"].associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": REGION, "VPCId": second})
    with pytest.raises(ClientError) as refused:  # right id, wrong region: not that association
        hub["r53"].disassociate_vpc_from_hosted_zone(HostedZoneId=zone,
                                                     VPC={"VPCRegion": OTHER_REGION, "VPCId": second})
    assert code(refused) == "VPCAssociationNotFound"
    assert {"VPCRegion": REGION, "VPCId": second} in hub["r53"].get_hosted_zone(Id=zone)["VPCs"]
    with pytest.raises(ClientError) as refused:
        hub["r53"].list_hosted_zones_by_vpc(VPCId=second, VPCRegion=OTHER_REGION)
    assert code(refused) == "InvalidVPCId"
    answer = hub["r53"].disassociate_vpc_from_hosted_zone(HostedZoneId=zone,
                                                          VPC={"VPCRegion": REGION, "VPCId": second})
    assert answer["ChangeInfo"]["Status"] == "PENDING"
    assert hub["r53"].list_hosted_zones_by_vpc(VPCId=second, VPCRegion=REGION)["HostedZoneSummaries"] == []
