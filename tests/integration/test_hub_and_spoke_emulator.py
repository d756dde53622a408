"""The Route 53 half of the AWS-semantics layer (tests/support/aws_semantics_route53.py) answers as
Route 53 does for private hosted zones shared across accounts: an association from another account
needs the zone account's authorization, authorizations can be listed and deleted, zones are listed
by VPC across accounts, and the requests are counted by operation like EC2's."""

import os
import sys

import pytest
from botocore.exceptions import ClientError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.seed import client  # noqa: E402

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
HUB_ROLE = "arn:aws:iam::111111111111:role/privatelink-ecr"
SPOKE_ROLE = "arn:aws:iam::222222222222:role/privatelink-ecr"


@pytest.fixture
def accounts(moto):
    hub_ec2, spoke_ec2 = client("ec2", moto.url, REGION, HUB_ROLE), client("ec2", moto.url, REGION, SPOKE_ROLE)
    hub_r53, spoke_r53 = client("route53", moto.url, REGION, HUB_ROLE), client("route53", moto.url, REGION, SPOKE_ROLE)
    hub_vpc = hub_ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    spoke_vpc = spoke_ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    zone = hub_r53.create_hosted_zone(Name="api.ecr.%s.amazonaws.com" % REGION, CallerReference="t",
                                      VPC={"VPCRegion": REGION, "VPCId": hub_vpc},
                                      HostedZoneConfig={"PrivateZone": True})["HostedZone"]["Id"].split("/")[-1]
    moto.clear_requests()
    return {"hub": hub_r53, "spoke": spoke_r53, "zone": zone, "spoke_vpc": {"VPCRegion": REGION, "VPCId": spoke_vpc},
            "hub_vpc": hub_vpc, "server": moto}


def code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def test_cross_account_association_needs_the_zone_accounts_authorization(accounts):
    hub, spoke, zone, vpc = accounts["hub"], accounts["spoke"], accounts["zone"], accounts["spoke_vpc"]
    with pytest.raises(ClientError) as refused:
        spoke.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC=vpc)
    assert code(refused) == "NotAuthorizedException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    # The zone's account cannot associate the other account's VPC itself either.
    with pytest.raises(ClientError) as refused:
        hub.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC=vpc)
    assert code(refused) == "NotAuthorizedException"

    hub.create_vpc_association_authorization(HostedZoneId=zone, VPC=vpc)
    assert hub.list_vpc_association_authorizations(HostedZoneId=zone)["VPCs"] == [vpc]
    spoke.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC=vpc)
    with pytest.raises(ClientError) as refused:
        spoke.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC=vpc)
    assert code(refused) == "ConflictingDomainExists"
    hub.delete_vpc_association_authorization(HostedZoneId=zone, VPC=vpc)
    assert hub.list_vpc_association_authorizations(HostedZoneId=zone)["VPCs"] == []
    assert vpc in hub.get_hosted_zone(Id=zone)["VPCs"]
    (summary,) = spoke.list_hosted_zones_by_vpc(VPCId=vpc["VPCId"], VPCRegion=REGION)["HostedZoneSummaries"]
    assert summary["HostedZoneId"] == zone and summary["Owner"] == {"OwningAccount": "111111111111"}

    with pytest.raises(ClientError) as refused:
        hub.delete_vpc_association_authorization(HostedZoneId=zone, VPC=vpc)
    assert code(refused) == "VPCAssociationAuthorizationNotFound"
    # Either account may disassociate; the last VPC stays.
    spoke.disassociate_vpc_from_hosted_zone(HostedZoneId=zone, VPC=vpc)
    with pytest.raises(ClientError) as refused:
        hub.disassociate_vpc_from_hosted_zone(HostedZoneId=zone,
                                              VPC={"VPCRegion": REGION, "VPCId": accounts["hub_vpc"]})
    assert code(refused) == "LastVPCAssociation"
    counts = accounts["server"].requests()
    assert counts["route53.AssociateVPCWithHostedZone"] == 4
    assert counts["route53.CreateVPCAssociationAuthorization"] == 1
    assert counts["route53.DeleteVPCAssociationAuthorization"] == 2


def test_only_the_zone_account_authorizes_and_only_the_vpc_account_lists(accounts):
    spoke, zone, vpc = accounts["spoke"], accounts["zone"], accounts["spoke_vpc"]
    with pytest.raises(ClientError) as refused:
        spoke.create_vpc_association_authorization(HostedZoneId=zone, VPC=vpc)
    assert code(refused) == "NoSuchHostedZone"
    with pytest.raises(ClientError) as refused:
        accounts["hub"].list_hosted_zones_by_vpc(VPCId=vpc["VPCId"], VPCRegion=REGION)
    assert code(refused) == "InvalidVPCId"


def test_a_vpc_takes_one_private_zone_of_a_name(accounts):
    hub = accounts["hub"]
    with pytest.raises(ClientError) as refused:
        hub.create_hosted_zone(Name="api.ecr.%s.amazonaws.com" % REGION, CallerReference="t2",
                               VPC={"VPCRegion": REGION, "VPCId": accounts["hub_vpc"]},
                               HostedZoneConfig={"PrivateZone": True})
    assert code(refused) == "ConflictingDomainExists"
