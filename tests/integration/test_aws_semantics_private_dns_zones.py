"""AWS-semantics layer rules for S3 interface endpoints' DNS options and zones in the way of private DNS
(tests/support/aws_semantics.py rules 16 and 5, tests/support/aws_semantics_route53.py R4 and R10; shared
VPCs, rule 15, are proven in test_aws_semantics_landing_zones.py): direct boto3 calls, each rule proven on the state it
leaves as well as on the error it answers.
"""

import time

import boto3

import pytest
from botocore.exceptions import ClientError

from tests.integration.moto_vpc import REGION

S3 = "com.amazonaws.%s.s3" % REGION
ECR_API = "com.amazonaws.%s.ecr.api" % REGION


# The AWS-semantics layer on this module's own server (conftest.py: ``server``, and ``ec2`` and ``vpc`` on it).
MOTO_SERVER = {"semantics": True, "pending_seconds": 0.1, "deleting_seconds": 0.1}


def s3_interface(ec2, vpc, **extra):
    return ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=S3, VpcEndpointType="Interface",
                                   SubnetIds=vpc.private_subnet_ids, **extra)["VpcEndpoint"]


def describe(ec2, endpoint_id):
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]


# --- rule 16: S3 interface endpoints and PrivateDnsOnlyForInboundResolverEndpoint -----------------

def test_s3_interface_with_private_dns_needs_a_gateway_for_the_default_option(ec2, vpc):
    with pytest.raises(ClientError) as err:
        s3_interface(ec2, vpc)
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    assert "PrivateDnsOnlyForInboundResolverEndpoint" in err.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        s3_interface(ec2, vpc, DnsOptions={"PrivateDnsOnlyForInboundResolverEndpoint": True})
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []


def test_s3_interface_without_a_gateway_is_created_with_the_option_false(ec2, vpc):
    created = s3_interface(ec2, vpc, DnsOptions={"PrivateDnsOnlyForInboundResolverEndpoint": False})
    assert describe(ec2, created["VpcEndpointId"])["DnsOptions"] == {
        "DnsRecordIpType": "ipv4", "PrivateDnsOnlyForInboundResolverEndpoint": False}


def test_s3_interface_beside_a_gateway_defaults_to_inbound_resolvers_only(ec2, vpc):
    ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=S3, VpcEndpointType="Gateway",
                            RouteTableIds=vpc.private_route_table_ids)
    created = s3_interface(ec2, vpc)
    assert describe(ec2, created["VpcEndpointId"])["DnsOptions"]["PrivateDnsOnlyForInboundResolverEndpoint"] is True


def test_s3_interface_without_private_dns_has_no_such_option(ec2, vpc):
    created = s3_interface(ec2, vpc, PrivateDnsEnabled=False)
    assert describe(ec2, created["VpcEndpointId"])["DnsOptions"] == {"DnsRecordIpType": "ipv4"}
    # Turning private DNS on later is the same decision, and keeps the refusal.
    endpoint_id = created["VpcEndpointId"]
    _wait_available(ec2, endpoint_id)
    with pytest.raises(ClientError) as err:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=True)
    assert "PrivateDnsOnlyForInboundResolverEndpoint" in err.value.response["Error"]["Message"]
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=True,
                            DnsOptions={"PrivateDnsOnlyForInboundResolverEndpoint": False})
    after = describe(ec2, endpoint_id)
    assert after["PrivateDnsEnabled"] is True
    assert after["DnsOptions"]["PrivateDnsOnlyForInboundResolverEndpoint"] is False


def test_other_interface_services_are_not_concerned(ec2, vpc):
    created = ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=ECR_API, VpcEndpointType="Interface",
                                      SubnetIds=vpc.private_subnet_ids)["VpcEndpoint"]
    assert describe(ec2, created["VpcEndpointId"])["DnsOptions"] == {"DnsRecordIpType": "ipv4"}


def _wait_available(ec2, endpoint_id, timeout=5.0):
    deadline = time.monotonic() + timeout
    while describe(ec2, endpoint_id)["State"] != "available" and time.monotonic() < deadline:
        time.sleep(0.05)
    return describe(ec2, endpoint_id)["State"] == "available"


# --- Route 53: zones of other owners and services, and private DNS against them (R4, R10) ------------

def route53(server, credentials=None):
    return boto3.client("route53", region_name=REGION, endpoint_url=server.url,
                        **(credentials or dict(aws_access_key_id="testing", aws_secret_access_key="testing")))


def other_account_credentials(server, account="333333333333"):
    sts = boto3.client("sts", region_name=REGION, endpoint_url=server.url,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    creds = sts.assume_role(RoleArn="arn:aws:iam::%s:role/network" % account, RoleSessionName="network")["Credentials"]
    return dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"])


def zone_in_other_account(server, ec2, vpc, name):
    """A private zone created in another account (a network account's hub) and associated with ``vpc``."""
    creds = other_account_credentials(server)
    network_ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=server.url, **creds)
    hub = network_ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    network = route53(server, creds)
    zone_id = network.create_hosted_zone(Name=name, CallerReference="hub-" + name, HostedZoneConfig={
        "PrivateZone": True}, VPC={"VPCRegion": REGION, "VPCId": hub})["HostedZone"]["Id"].split("/")[-1]
    network.create_vpc_association_authorization(HostedZoneId=zone_id, VPC={"VPCRegion": REGION, "VPCId": vpc.vpc_id})
    route53(server).associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC={"VPCRegion": REGION,
                                                                              "VPCId": vpc.vpc_id})
    return zone_id


def test_zones_of_other_accounts_and_of_services_are_listed_by_vpc_with_their_owner(server, ec2, vpc):
    zone_id = zone_in_other_account(server, ec2, vpc, "api.ecr.%s.amazonaws.com" % REGION)
    server.configure_semantics(service_owned_zones=[{
        "zone_id": "ZSERVICEOWNED1", "name": "efs.%s.amazonaws.com." % REGION, "vpc_id": vpc.vpc_id,
        "vpc_region": REGION, "service": "efs.amazonaws.com"}])
    summaries = route53(server).list_hosted_zones_by_vpc(VPCId=vpc.vpc_id, VPCRegion=REGION)["HostedZoneSummaries"]
    owners = {s["HostedZoneId"]: s["Owner"] for s in summaries}
    assert owners == {zone_id: {"OwningAccount": "333333333333"},
                      "ZSERVICEOWNED1": {"OwningService": "efs.amazonaws.com"}}


def test_private_dns_conflicts_with_a_zone_of_that_name_on_the_vpc(server, ec2, vpc):
    zone_in_other_account(server, ec2, vpc, "api.ecr.%s.amazonaws.com" % REGION)
    with pytest.raises(ClientError) as err:
        ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=ECR_API, VpcEndpointType="Interface",
                                SubnetIds=vpc.private_subnet_ids)
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    assert "conflicting DNS domain for api.ecr.%s.amazonaws.com" % REGION in err.value.response["Error"]["Message"]
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    # Without private DNS, or for another service, nothing is in the way.
    quiet = ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=ECR_API, VpcEndpointType="Interface",
                                    SubnetIds=vpc.private_subnet_ids, PrivateDnsEnabled=False)["VpcEndpoint"]
    ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName="com.amazonaws.%s.ecr.dkr" % REGION,
                            VpcEndpointType="Interface", SubnetIds=vpc.private_subnet_ids)
    assert _wait_available(ec2, quiet["VpcEndpointId"])
    with pytest.raises(ClientError):
        ec2.modify_vpc_endpoint(VpcEndpointId=quiet["VpcEndpointId"], PrivateDnsEnabled=True)
    assert describe(ec2, quiet["VpcEndpointId"])["PrivateDnsEnabled"] is False


def test_a_parent_zone_owned_by_a_service_is_in_the_way_too(server, ec2, vpc):
    server.configure_semantics(service_owned_zones=[{
        "zone_id": "ZPARENT000001", "name": "amazonaws.com", "vpc_id": vpc.vpc_id, "vpc_region": REGION,
        "service": "resolver.amazonaws.com"}])
    with pytest.raises(ClientError) as err:
        ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName="com.amazonaws.%s.logs" % REGION,
                                VpcEndpointType="Interface", SubnetIds=vpc.private_subnet_ids)
    assert "conflicting DNS domain for logs.%s.amazonaws.com" % REGION in err.value.response["Error"]["Message"]
