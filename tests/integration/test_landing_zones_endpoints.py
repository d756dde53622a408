"""ecr_private_endpoints on the networks landing zones run (issue 22), through the AWS-semantics layer:
S3 interface endpoints with or without a gateway, a central registry account, the perimeter on EC2 nodes,
private hosted zones a VPC already has, and shared VPCs. Each case converges (or fails before any
change), is read back from AWS, and a second run sends no mutating call.
"""

import json

from tests.integration.moto_vpc import by_service, read_endpoints

S3 = "com.amazonaws.eu-west-1.s3"
ORG = "o-landingzone1"
REGISTRY = "222233334444"


def second_run_is_a_no_op(aws, run_endpoints, **args):
    aws.server.clear_requests()
    rc, again, output = run_endpoints(**args)
    assert rc == 0 and again["changed"] is False, output
    assert aws.server.mutating_requests() == {}
    return again


# --- S3 interface endpoints (DnsOptions) --------------------------------------------------------

def test_s3_interface_endpoint_in_a_vpc_without_a_gateway(aws, private_vpc, run_endpoints):
    args = dict(services=["ecr.api", "ecr.dkr", "s3"], s3_endpoint_type="interface")
    rc, result, output = run_endpoints(**args)
    assert rc == 0, output
    [s3] = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))["s3"]
    assert s3["VpcEndpointType"] == "Interface" and s3["PrivateDnsEnabled"] is True
    assert s3["DnsOptions"]["PrivateDnsOnlyForInboundResolverEndpoint"] is False
    assert result["endpoints"]["s3"]["dns_options"] == {
        "dns_record_ip_type": "ipv4", "private_dns_only_for_inbound_resolver_endpoint": False}
    [create] = [c for c in result["changes"] if c["service"] == "s3"]
    assert create["details"]["dns_options"] == {"private_dns_only_for_inbound_resolver_endpoint": False}
    again = second_run_is_a_no_op(aws, run_endpoints, **args)
    assert again["endpoints"]["s3"]["dns_options"]["private_dns_only_for_inbound_resolver_endpoint"] is False


def test_s3_interface_endpoint_beside_the_user_s_own_gateway(aws, private_vpc, run_endpoints):
    theirs = aws.ec2.create_vpc_endpoint(VpcId=private_vpc.vpc_id, ServiceName=S3, VpcEndpointType="Gateway",
                                         RouteTableIds=private_vpc.private_route_table_ids)["VpcEndpoint"]
    args = dict(services=["s3"], s3_endpoint_type="interface")
    rc, result, output = run_endpoints(**args)
    assert rc == 0, output
    endpoints = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))["s3"]
    interface = [e for e in endpoints if e["VpcEndpointType"] == "Interface"]
    assert [e["VpcEndpointId"] for e in endpoints if e["VpcEndpointType"] == "Gateway"] == [theirs["VpcEndpointId"]]
    assert interface[0]["DnsOptions"]["PrivateDnsOnlyForInboundResolverEndpoint"] is True
    assert result["endpoints"]["s3"]["dns_options"]["private_dns_only_for_inbound_resolver_endpoint"] is True
    second_run_is_a_no_op(aws, run_endpoints, **args)


def test_check_mode_predicts_the_s3_dns_options(aws, private_vpc, run_endpoints):
    rc, result, output = run_endpoints(check=True, services=["s3"], s3_endpoint_type="interface")
    assert rc == 0, output
    assert result["endpoints"]["s3"]["dns_options"] == {
        "dns_record_ip_type": "ipv4", "private_dns_only_for_inbound_resolver_endpoint": False}
    assert aws.server.mutating_requests() == {}


# --- shared VPCs: only the owner converges --------------------------------------------------------

PARTICIPANT = "222222222222"


def test_a_vpc_shared_into_the_account_is_refused_before_any_change_naming_its_owner(
        aws, private_vpc, run_endpoints):
    owner = aws.ec2.describe_vpcs(VpcIds=[private_vpc.vpc_id])["Vpcs"][0]["OwnerId"]
    aws.server.configure_semantics(shared_vpcs={private_vpc.vpc_id: [PARTICIPANT]})
    aws.server.clear_requests()
    rc, result, output = run_endpoints(role_arn="arn:aws:iam::%s:role/privatelink-ecr" % PARTICIPANT)
    assert rc != 0
    assert "VPC %s is owned by account %s and shared into account %s" % (
        private_vpc.vpc_id, owner, PARTICIPANT) in result["msg"], output
    assert "UnauthorizedOperation" not in output
    assert aws.server.mutating_requests() == {}
    assert result.get("changed") is not True
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []

    # Its owner converges it, and again sends no mutating call.
    rc, result, output = run_endpoints()
    assert rc == 0 and result["changed"] is True, output
    assert sorted(by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    second_run_is_a_no_op(aws, run_endpoints)
