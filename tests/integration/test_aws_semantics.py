"""The AWS-semantics layer of the test moto_server (tests/support/aws_semantics.py), rule by rule.

Direct boto3 calls against one moto_server for the module (reset before each test); every rule
is proven on the state it leaves, not only on the error it answers. One test runs plain moto
(``semantics=False``) for contrast.
"""

import json
import time

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.integration.moto_vpc import REGION, ec2_client, seed_private_vpc
from tests.support.moto_server import MotoServer

PENDING = 0.3
DELETING = 0.3
ECR_API = "com.amazonaws.%s.ecr.api" % REGION
ECR_DKR = "com.amazonaws.%s.ecr.dkr" % REGION
S3 = "com.amazonaws.%s.s3" % REGION


@pytest.fixture(scope="module")
def server():
    running = MotoServer(semantics=True, pending_seconds=PENDING, deleting_seconds=DELETING)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def ec2(server):
    server.reset()
    return ec2_client(server.url)


@pytest.fixture
def vpc(ec2):
    return seed_private_vpc(ec2)


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def describe(ec2, endpoint_id):
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]


def listed(ec2, vpc_id):
    return ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]


def wait_for(check, timeout=5.0):
    """Poll ``check`` (bounded) until it returns a true value; return that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def wait_state(ec2, endpoint_id, state):
    return wait_for(lambda: describe(ec2, endpoint_id)["State"] == state)


def wait_gone(ec2, endpoint_id, vpc_id):
    return wait_for(lambda: endpoint_id not in [e["VpcEndpointId"] for e in listed(ec2, vpc_id)])


def interface(ec2, vpc, service=ECR_API, subnets=None, **extra):
    return ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=service, VpcEndpointType="Interface",
                                   SubnetIds=vpc.private_subnet_ids if subnets is None else subnets,
                                   **extra)["VpcEndpoint"]


def gateway(ec2, vpc, route_tables, **extra):
    return ec2.create_vpc_endpoint(VpcId=vpc.vpc_id, ServiceName=S3, VpcEndpointType="Gateway",
                                   RouteTableIds=route_tables, **extra)["VpcEndpoint"]


def prefix_routes(ec2, route_table_id):
    table = ec2.describe_route_tables(RouteTableIds=[route_table_id])["RouteTables"][0]
    return [r["GatewayId"] for r in table["Routes"] if r.get("DestinationPrefixListId")]


# --- rule 1: pending / available / deleting / gone -------------------------------------------

def test_interface_endpoint_is_pending_after_create_and_modify_then_available(ec2, vpc):
    created = interface(ec2, vpc)
    endpoint_id = created["VpcEndpointId"]
    assert created["State"] == "pending"
    assert describe(ec2, endpoint_id)["State"] == "pending"
    by_id_filter = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-id", "Values": [endpoint_id]}])
    assert [e["VpcEndpointId"] for e in by_id_filter["VpcEndpoints"]] == [endpoint_id]

    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, RemoveSubnetIds=[vpc.private_subnet_ids[2]])
    assert code_of(refused) == "IncorrectState"
    assert len(describe(ec2, endpoint_id)["SubnetIds"]) == 3  # the refused modify changed nothing

    assert wait_state(ec2, endpoint_id, "available")
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, RemoveSubnetIds=[vpc.private_subnet_ids[2]])
    after = describe(ec2, endpoint_id)
    assert after["State"] == "pending"
    assert sorted(after["SubnetIds"]) == sorted(vpc.private_subnet_ids[:2])
    assert wait_state(ec2, endpoint_id, "available")


def test_gateway_endpoint_is_available_at_once_without_private_dns(ec2, vpc):
    created = gateway(ec2, vpc, vpc.private_route_table_ids)
    assert created["State"] == "available"
    assert created["PrivateDnsEnabled"] is False
    assert describe(ec2, created["VpcEndpointId"])["State"] == "available"


def test_deleted_endpoint_is_deleting_then_gone_from_every_listing(ec2, vpc):
    endpoint_id = interface(ec2, vpc)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    assert describe(ec2, endpoint_id)["State"] == "deleting"
    assert [e["State"] for e in listed(ec2, vpc.vpc_id)] == ["deleting"]
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[vpc.private_subnet_ids[0]])
    assert code_of(refused) == "IncorrectState"
    # Deleting again while it is on its way out is accepted and changes nothing.
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])

    assert wait_gone(ec2, endpoint_id, vpc.vpc_id)
    assert ec2.describe_vpc_endpoints()["VpcEndpoints"] == []
    with pytest.raises(ClientError) as missing:
        ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    assert code_of(missing) == "InvalidVpcEndpointId.NotFound"


# --- rule 2: ClientToken --------------------------------------------------------------------

def test_client_token_returns_the_original_endpoint_even_once_it_is_gone(ec2, vpc):
    first = interface(ec2, vpc, ClientToken="token-1")
    again = interface(ec2, vpc, ClientToken="token-1")
    assert again["VpcEndpointId"] == first["VpcEndpointId"]
    assert [e["VpcEndpointId"] for e in listed(ec2, vpc.vpc_id)] == [first["VpcEndpointId"]]

    assert wait_state(ec2, first["VpcEndpointId"], "available")
    assert interface(ec2, vpc, ClientToken="token-1")["State"] == "available"  # the current state

    ec2.delete_vpc_endpoints(VpcEndpointIds=[first["VpcEndpointId"]])
    assert wait_gone(ec2, first["VpcEndpointId"], vpc.vpc_id)
    replay = interface(ec2, vpc, ClientToken="token-1")
    assert (replay["VpcEndpointId"], replay["State"]) == (first["VpcEndpointId"], "deleted")
    assert listed(ec2, vpc.vpc_id) == []  # still nothing created


def test_client_token_with_other_parameters_is_a_mismatch(ec2, vpc):
    first = interface(ec2, vpc, ClientToken="token-2")
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, subnets=vpc.private_subnet_ids[:2], ClientToken="token-2")
    assert code_of(refused) == "IdempotentParameterMismatch"
    assert [e["VpcEndpointId"] for e in listed(ec2, vpc.vpc_id)] == [first["VpcEndpointId"]]


# --- rule 3: one subnet per zone ------------------------------------------------------------

def test_two_subnets_in_one_zone_are_refused_on_create_and_modify(ec2, vpc):
    second_a = ec2.create_subnet(VpcId=vpc.vpc_id, CidrBlock="10.20.50.0/24",
                                 AvailabilityZone=vpc.zones[0])["Subnet"]["SubnetId"]
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, subnets=vpc.private_subnet_ids + [second_a])
    assert code_of(refused) == "DuplicateSubnetsInSameZone"
    assert listed(ec2, vpc.vpc_id) == []

    endpoint_id = interface(ec2, vpc)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[second_a])
    assert code_of(refused) == "DuplicateSubnetsInSameZone"
    assert second_a not in describe(ec2, endpoint_id)["SubnetIds"]
    # Swapping the zone's subnet in one call leaves one subnet per zone: accepted.
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[second_a],
                            RemoveSubnetIds=[vpc.private_subnet_ids[0]])
    assert sorted(describe(ec2, endpoint_id)["SubnetIds"]) == sorted(vpc.private_subnet_ids[1:] + [second_a])


# --- rule 4: RouteAlreadyExists -------------------------------------------------------------

def test_a_route_table_routes_to_a_gateway_service_through_one_endpoint(ec2, vpc):
    rtb_a, rtb_b, rtb_c = vpc.private_route_table_ids
    first = gateway(ec2, vpc, [rtb_a])["VpcEndpointId"]
    with pytest.raises(ClientError) as refused:
        gateway(ec2, vpc, [rtb_a, rtb_b])
    assert code_of(refused) == "RouteAlreadyExists"
    assert [e["VpcEndpointId"] for e in listed(ec2, vpc.vpc_id)] == [first]

    second = gateway(ec2, vpc, [rtb_b])["VpcEndpointId"]
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=second, AddRouteTableIds=[rtb_a])
    assert code_of(refused) == "RouteAlreadyExists"
    assert describe(ec2, second)["RouteTableIds"] == [rtb_b]

    # A table added by modify gets the prefix-list route, and loses it when removed.
    ec2.modify_vpc_endpoint(VpcEndpointId=second, AddRouteTableIds=[rtb_c])
    assert prefix_routes(ec2, rtb_c) == [second]
    ec2.modify_vpc_endpoint(VpcEndpointId=second, RemoveRouteTableIds=[rtb_c])
    assert prefix_routes(ec2, rtb_c) == []

    # Once the first endpoint is gone, its table is free again.
    ec2.delete_vpc_endpoints(VpcEndpointIds=[first])
    assert wait_gone(ec2, first, vpc.vpc_id)
    ec2.modify_vpc_endpoint(VpcEndpointId=second, AddRouteTableIds=[rtb_a])
    assert sorted(describe(ec2, second)["RouteTableIds"]) == sorted([rtb_a, rtb_b])
    assert prefix_routes(ec2, rtb_a) == [second]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[second])  # every route it holds can be removed
    assert prefix_routes(ec2, rtb_a) == [] and prefix_routes(ec2, rtb_b) == []


# --- rule 5: private DNS --------------------------------------------------------------------

def test_one_endpoint_per_service_and_vpc_may_hold_private_dns(ec2, vpc):
    holder = interface(ec2, vpc)  # no PrivateDnsEnabled: AWS's default is on
    assert holder["PrivateDnsEnabled"] is True
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc)
    assert code_of(refused) == "InvalidParameter"
    assert "conflicting DNS domain" in refused.value.response["Error"]["Message"]
    assert len(listed(ec2, vpc.vpc_id)) == 1

    second = interface(ec2, vpc, PrivateDnsEnabled=False)
    assert second["PrivateDnsEnabled"] is False
    assert interface(ec2, vpc, service=ECR_DKR)["PrivateDnsEnabled"] is True  # another service: fine
    assert wait_state(ec2, second["VpcEndpointId"], "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=second["VpcEndpointId"], PrivateDnsEnabled=True)
    assert code_of(refused) == "InvalidParameter"
    assert describe(ec2, second["VpcEndpointId"])["PrivateDnsEnabled"] is False


def test_private_dns_needs_dns_support_and_hostnames(ec2):
    vpc = seed_private_vpc(ec2, dns_hostnames=False)
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc)
    assert code_of(refused) == "InvalidParameter"
    assert "enableDnsHostnames" in refused.value.response["Error"]["Message"]
    assert listed(ec2, vpc.vpc_id) == []
    assert interface(ec2, vpc, PrivateDnsEnabled=False)["PrivateDnsEnabled"] is False


# --- rule 6: services in some AZs only ------------------------------------------------------

def test_a_service_offered_in_some_zones_only(server, ec2, vpc):
    server.configure_semantics(service_azs={"ecr.api": ["eu-west-1a", "eu-west-1b"]})
    by_filter = ec2.describe_vpc_endpoint_services(Filters=[{"Name": "service-name", "Values": [ECR_API]}])
    assert [s["ServiceName"] for s in by_filter["ServiceDetails"]] == [ECR_API]
    assert by_filter["ServiceDetails"][0]["AvailabilityZones"] == ["eu-west-1a", "eu-west-1b"]
    by_name = ec2.describe_vpc_endpoint_services(ServiceNames=[ECR_API, ECR_DKR])
    assert {s["ServiceName"]: s["AvailabilityZones"] for s in by_name["ServiceDetails"]} == {
        ECR_API: ["eu-west-1a", "eu-west-1b"], ECR_DKR: list(vpc.zones)}

    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc)
    assert code_of(refused) == "InvalidParameter"
    assert vpc.private_subnet_ids[2] in refused.value.response["Error"]["Message"]
    assert listed(ec2, vpc.vpc_id) == []

    endpoint_id = interface(ec2, vpc, subnets=vpc.private_subnet_ids[:2])["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    with pytest.raises(ClientError) as refused:
        ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddSubnetIds=[vpc.private_subnet_ids[2]])
    assert code_of(refused) == "InvalidParameter"
    assert sorted(describe(ec2, endpoint_id)["SubnetIds"]) == sorted(vpc.private_subnet_ids[:2])

    server.reset()  # back to the startup config: every service in every zone
    assert server.semantics_config()["service_azs"] == {}


# --- rule 7: DryRun -------------------------------------------------------------------------

def dry(call, **params):
    with pytest.raises(ClientError) as answer:
        call(DryRun=True, **params)
    assert code_of(answer) == "DryRunOperation"
    assert answer.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412


def test_dry_run_answers_dry_run_operation_and_changes_nothing(ec2, vpc):
    dry(ec2.create_vpc_endpoint, VpcId=vpc.vpc_id, ServiceName=ECR_API, VpcEndpointType="Interface",
        SubnetIds=vpc.private_subnet_ids)
    assert listed(ec2, vpc.vpc_id) == []

    dry(ec2.create_security_group, GroupName="dry", Description="dry", VpcId=vpc.vpc_id)

    def groups():
        return ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc.vpc_id]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups()] == ["default"]

    group_id = ec2.create_security_group(GroupName="sg", Description="sg", VpcId=vpc.vpc_id)["GroupId"]
    rule = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": vpc.cidr}]}]
    dry(ec2.authorize_security_group_ingress, GroupId=group_id, IpPermissions=rule)
    assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"] == []
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=rule)
    dry(ec2.revoke_security_group_ingress, GroupId=group_id, IpPermissions=rule)
    assert len(ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"]) == 1

    endpoint_id = interface(ec2, vpc, PrivateDnsEnabled=False)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    dry(ec2.modify_vpc_endpoint, VpcEndpointId=endpoint_id, PrivateDnsEnabled=True)
    assert describe(ec2, endpoint_id)["PrivateDnsEnabled"] is False
    assert describe(ec2, endpoint_id)["State"] == "available"
    dry(ec2.create_tags, Resources=[endpoint_id], Tags=[{"Key": "k", "Value": "v"}])
    assert describe(ec2, endpoint_id).get("Tags", []) == []
    ec2.create_tags(Resources=[endpoint_id], Tags=[{"Key": "k", "Value": "v"}])
    dry(ec2.delete_tags, Resources=[endpoint_id], Tags=[{"Key": "k"}])
    assert describe(ec2, endpoint_id)["Tags"] == [{"Key": "k", "Value": "v"}]
    dry(ec2.delete_vpc_endpoints, VpcEndpointIds=[endpoint_id])
    assert describe(ec2, endpoint_id)["State"] == "available"
    dry(ec2.delete_security_group, GroupId=group_id)
    assert len(groups()) == 2


def test_dry_run_answers_after_the_rule_checks(ec2, vpc):
    interface(ec2, vpc)
    with pytest.raises(ClientError) as refused:
        interface(ec2, vpc, DryRun=True)  # a private-DNS conflict wins over DryRunOperation
    assert code_of(refused) == "InvalidParameter"
    assert len(listed(ec2, vpc.vpc_id)) == 1


# --- rule 8: PrivateDnsEnabled and ResetPolicy on modify ------------------------------------

def test_modify_honours_private_dns_and_reset_policy(ec2, vpc):
    custom = json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]})
    endpoint_id = interface(ec2, vpc, PrivateDnsEnabled=False, PolicyDocument=custom)["VpcEndpointId"]
    assert wait_state(ec2, endpoint_id, "available")
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, PrivateDnsEnabled=True)
    assert describe(ec2, endpoint_id)["PrivateDnsEnabled"] is True

    assert wait_state(ec2, endpoint_id, "available")
    ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, ResetPolicy=True)
    default = describe(ec2, gateway(ec2, vpc, vpc.private_route_table_ids)["VpcEndpointId"])["PolicyDocument"]
    assert json.loads(describe(ec2, endpoint_id)["PolicyDocument"]) == json.loads(default)
    assert json.loads(default)["Statement"] == [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]


# --- rule 9: DependencyViolation ------------------------------------------------------------

def test_a_security_group_used_by_an_endpoint_cannot_be_deleted(ec2, vpc):
    group_id = ec2.create_security_group(GroupName="sg", Description="sg", VpcId=vpc.vpc_id)["GroupId"]
    endpoint_id = interface(ec2, vpc, SecurityGroupIds=[group_id])["VpcEndpointId"]
    with pytest.raises(ClientError) as refused:
        ec2.delete_security_group(GroupId=group_id)
    assert code_of(refused) == "DependencyViolation"

    assert wait_state(ec2, endpoint_id, "available")
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])
    with pytest.raises(ClientError) as refused:  # still deleting: still in use
        ec2.delete_security_group(GroupId=group_id)
    assert code_of(refused) == "DependencyViolation"
    assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]

    assert wait_gone(ec2, endpoint_id, vpc.vpc_id)
    ec2.delete_security_group(GroupId=group_id)
    with pytest.raises(ClientError):
        ec2.describe_security_groups(GroupIds=[group_id])


# --- counting, accounts, control ------------------------------------------------------------

def test_refused_requests_still_count_as_sent(server, ec2, vpc):
    interface(ec2, vpc)
    server.clear_requests()
    with pytest.raises(ClientError):
        interface(ec2, vpc)
    with pytest.raises(ClientError):
        interface(ec2, vpc, DryRun=True)
    assert server.requests() == {"ec2.CreateVpcEndpoint": 2}


def test_assumed_role_credentials_act_in_their_own_account(server, ec2):
    sts = boto3.client("sts", region_name=REGION, endpoint_url=server.url,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    creds = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/probe", RoleSessionName="probe")["Credentials"]
    other = boto3.client("ec2", region_name=REGION, endpoint_url=server.url,
                         aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"])
    vpc = seed_private_vpc(other)
    created = interface(other, vpc)
    assert created["OwnerId"] == "222222222222"
    assert created["State"] == "pending"
    assert wait_state(other, created["VpcEndpointId"], "available")
    assert listed(ec2, vpc.vpc_id) == []  # not in the default account


def test_control_path_reads_updates_and_resets_the_config(server, ec2):
    assert server.semantics_config() == {"enabled": True, "pending_seconds": PENDING,
                                         "deleting_seconds": DELETING, "service_azs": {}, "shared_vpcs": {},
                                         "service_owned_zones": []}
    assert server.configure_semantics(pending_seconds=2.5)["pending_seconds"] == 2.5
    with pytest.raises(OSError):  # urllib's HTTPError: 400 for an unknown setting
        server.configure_semantics(bogus=1)
    server.reset()
    assert server.semantics_config()["pending_seconds"] == PENDING


def test_raw_moto_is_forgiving_for_contrast(monkeypatch):
    monkeypatch.setenv("PRIVATELINK_ECR_RAW_MOTO", "1")
    assert MotoServer().semantics is False
    monkeypatch.delenv("PRIVATELINK_ECR_RAW_MOTO")
    assert MotoServer().semantics is True

    with MotoServer(semantics=False) as raw:
        assert "--raw" in raw.command()
        ec2 = ec2_client(raw.url)
        vpc = seed_private_vpc(ec2)
        interface(ec2, vpc, DryRun=True)  # plain moto creates on a dry run
        found = listed(ec2, vpc.vpc_id)
        assert len(found) == 1 and found[0]["State"] == "available"
        interface(ec2, vpc)  # a second private-DNS holder: accepted
        ec2.delete_vpc_endpoints(VpcEndpointIds=[found[0]["VpcEndpointId"]])
        assert describe(ec2, found[0]["VpcEndpointId"])["State"] == "deleted"  # listed forever
