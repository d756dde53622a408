"""Rule 15 of the AWS-semantics layer (tests/support/aws_semantics.py): shared VPCs (AWS RAM); and
Route 53's R9 (tests/support/aws_semantics_route53.py): a CallerReference is used once.

moto has no VPC sharing; the layer's control ``share_vpc`` declares "VPC X of account A is shared
into account B". Then, as AWS documents it (VPC user guide, "Share your VPC" and its limitations
page): DescribeVpcs in B lists X with A's ``OwnerId``, and CreateVpcEndpoint on X by B answers
``UnauthorizedOperation`` ("This operation does not support shared VPCs.") and creates nothing.
"""

import pytest
from botocore.exceptions import ClientError

from tests.integration.moto_vpc import REGION
from tests.support.seed import client, live_endpoints, seed_private_vpc

pytestmark = pytest.mark.integration

OWNER, PARTICIPANT, OTHER = "111111111111", "222222222222", "333333333333"


def ec2_of(server, account, region=REGION):
    return client("ec2", server.url, region, role_arn="arn:aws:iam::%s:role/probe" % account)


@pytest.fixture
def shared(moto):
    """VPC ``shared`` of OWNER shared into PARTICIPANT; PARTICIPANT has a VPC ``own`` of its own."""
    owner, participant = ec2_of(moto, OWNER), ec2_of(moto, PARTICIPANT)
    vpc = seed_private_vpc(owner, "network", cidr="10.10.0.0/16", zones=2, public=False)
    own = participant.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    shares = moto.share_vpc(vpc["vpc_id"], OWNER, PARTICIPANT, REGION)
    assert shares == [{"vpc_id": vpc["vpc_id"], "owner": OWNER, "participant": PARTICIPANT, "region": REGION}]
    return {"server": moto, "owner": owner, "participant": participant, "vpc": vpc, "own": own}


def test_a_participant_lists_the_shared_vpc_with_its_owner_id(shared):
    participant, vpc_id = shared["participant"], shared["vpc"]["vpc_id"]
    listed = {v["VpcId"]: v["OwnerId"] for v in participant.describe_vpcs()["Vpcs"]}
    assert listed[vpc_id] == OWNER and listed[shared["own"]] == PARTICIPANT
    # By id (alone, or with one of its own) and through filters, as AWS answers.
    (one,) = participant.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    assert one["OwnerId"] == OWNER and one["CidrBlock"] == "10.10.0.0/16"
    both = participant.describe_vpcs(VpcIds=[vpc_id, shared["own"]])["Vpcs"]
    assert sorted(v["VpcId"] for v in both) == sorted([vpc_id, shared["own"]])
    tagged = participant.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["network"]}])["Vpcs"]
    assert [v["VpcId"] for v in tagged] == [vpc_id]
    with pytest.raises(ClientError) as excinfo:
        participant.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidVpcID.NotFound"
    # The owner's view is unchanged; an account it is not shared into does not see it; another region neither.
    assert {v["VpcId"]: v["OwnerId"] for v in shared["owner"].describe_vpcs()["Vpcs"]}[vpc_id] == OWNER
    assert vpc_id not in [v["VpcId"] for v in ec2_of(shared["server"], OTHER).describe_vpcs()["Vpcs"]]
    assert vpc_id not in [v["VpcId"] for v in ec2_of(shared["server"], PARTICIPANT, "us-east-1")
                          .describe_vpcs()["Vpcs"]]


def test_a_participant_lists_the_shared_vpcs_subnets_with_the_owners_id(shared):
    participant, vpc = shared["participant"], shared["vpc"]
    in_vpc = participant.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]}])["Subnets"]
    assert sorted(s["SubnetId"] for s in in_vpc) == sorted(vpc["private_subnet_ids"])
    assert {s["OwnerId"] for s in in_vpc} == {OWNER}
    own_subnet = participant.create_subnet(VpcId=shared["own"], CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    every = {s["SubnetId"]: s["OwnerId"] for s in participant.describe_subnets()["Subnets"]}
    assert every[own_subnet] == PARTICIPANT and every[vpc["private_subnet_ids"][0]] == OWNER
    (one,) = participant.describe_subnets(SubnetIds=[vpc["private_subnet_ids"][0]])["Subnets"]
    assert one["VpcId"] == vpc["vpc_id"]
    with pytest.raises(ClientError) as excinfo:
        participant.describe_subnets(SubnetIds=["subnet-0123456789abcdef0"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidSubnetID.NotFound"
    # An account it is not shared into sees none of them.
    other = ec2_of(shared["server"], OTHER).describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]}])["Subnets"]
    assert other == []


def test_only_the_owner_creates_endpoints_in_a_shared_vpc(shared):
    vpc = shared["vpc"]
    with pytest.raises(ClientError) as excinfo:
        shared["participant"].create_vpc_endpoint(
            VpcId=vpc["vpc_id"], ServiceName="com.amazonaws.%s.ecr.api" % REGION, VpcEndpointType="Interface",
            SubnetIds=vpc["private_subnet_ids"][:1], PrivateDnsEnabled=False)
    error = excinfo.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("UnauthorizedOperation", "This operation does not support shared VPCs.")
    assert live_endpoints(shared["owner"], vpc["vpc_id"]) == []
    # The owner can.
    created = shared["owner"].create_vpc_endpoint(
        VpcId=vpc["vpc_id"], ServiceName="com.amazonaws.%s.s3" % REGION, VpcEndpointType="Gateway",
        RouteTableIds=vpc["private_route_table_ids"])["VpcEndpoint"]
    assert created["OwnerId"] == OWNER
    assert [e["VpcEndpointId"] for e in live_endpoints(shared["owner"], vpc["vpc_id"])] == [created["VpcEndpointId"]]


def test_the_share_control_checks_its_input_and_reset_forgets_shares(shared):
    server = shared["server"]
    with pytest.raises(OSError):  # 400: the VPC is not the owner's
        server.share_vpc(shared["own"], OWNER, PARTICIPANT, REGION)
    with pytest.raises(OSError):  # 400: shared into its own owner
        server.share_vpc(shared["vpc"]["vpc_id"], OWNER, OWNER, REGION)
    server.reset()
    participant = ec2_of(server, PARTICIPANT)
    assert participant.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.10.0.0/16"]}])["Vpcs"] == []


def test_a_caller_reference_creates_one_zone_then_answers_hosted_zone_already_exists(moto):
    owner = ec2_of(moto, OWNER)
    vpc = seed_private_vpc(owner, "hub", cidr="10.10.0.0/16", zones=1, public=False)
    r53 = client("route53", moto.url, REGION, role_arn="arn:aws:iam::%s:role/probe" % OWNER)

    def create(name, reference):
        return r53.create_hosted_zone(Name=name, CallerReference=reference, HostedZoneConfig={"PrivateZone": True},
                                      VPC={"VPCRegion": REGION, "VPCId": vpc["vpc_id"]})

    zone_id = create("api.ecr.%s.amazonaws.com" % REGION, "ref-1")["HostedZone"]["Id"]
    assert r53.get_hosted_zone(Id=zone_id)["HostedZone"]["CallerReference"] == "ref-1"
    with pytest.raises(ClientError) as excinfo:
        create("logs.%s.amazonaws.com" % REGION, "ref-1")
    assert excinfo.value.response["Error"]["Code"] == "HostedZoneAlreadyExists"
    assert [z["Id"] for z in r53.list_hosted_zones()["HostedZones"]] == [zone_id]
    # Another account may use the same reference: references are the caller's.
    other = ec2_of(moto, PARTICIPANT)
    other_vpc = other.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    client("route53", moto.url, REGION, role_arn="arn:aws:iam::%s:role/probe" % PARTICIPANT).create_hosted_zone(
        Name="logs.%s.amazonaws.com" % REGION, CallerReference="ref-1", HostedZoneConfig={"PrivateZone": True},
        VPC={"VPCRegion": REGION, "VPCId": other_vpc})
