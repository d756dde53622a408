"""ecr_private_endpoints on the networks landing zones run (issue 22), through the AWS-semantics layer:
S3 interface endpoints with or without a gateway, a central registry account, the perimeter on EC2 nodes,
private hosted zones a VPC already has, and shared VPCs. Each case converges (or fails before any
change), is read back from AWS, and a second run sends no mutating call.
"""

import json

from tests.integration.moto_vpc import REGION, by_service, read_endpoints

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
    aws.server.share_vpc(private_vpc.vpc_id, owner, PARTICIPANT, REGION)
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


# --- private DNS against the zones the VPC already has ------------------------------------------

NETWORK = "333333333333"


def _client(aws, service, credentials=None):
    import boto3

    return boto3.client(service, region_name=aws.region, endpoint_url=aws.url,
                        **(credentials or dict(aws_access_key_id="testing", aws_secret_access_key="testing")))


def hub_zone_associated_with(aws, vpc_id, name):
    """A private zone of a network account's hub (another tool's), associated with ``vpc_id`` as Route 53
    prescribes across accounts. Returns the zone id."""
    creds = _client(aws, "sts").assume_role(RoleArn="arn:aws:iam::%s:role/network" % NETWORK,
                                            RoleSessionName="network")["Credentials"]
    creds = dict(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                 aws_session_token=creds["SessionToken"])
    hub = _client(aws, "ec2", creds).create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    network = _client(aws, "route53", creds)
    zone_id = network.create_hosted_zone(Name=name, CallerReference="other-tool-" + name,
                                         HostedZoneConfig={"PrivateZone": True},
                                         VPC={"VPCRegion": aws.region, "VPCId": hub})["HostedZone"]["Id"]
    zone_id = zone_id.split("/")[-1]
    network.create_vpc_association_authorization(HostedZoneId=zone_id, VPC={"VPCRegion": aws.region, "VPCId": vpc_id})
    _client(aws, "route53").associate_vpc_with_hosted_zone(HostedZoneId=zone_id,
                                                           VPC={"VPCRegion": aws.region, "VPCId": vpc_id})
    return zone_id


def test_a_zone_of_another_account_named_like_a_service_fails_the_run_before_any_change(
        aws, private_vpc, run_endpoints):
    name = "dkr.ecr.%s.amazonaws.com" % aws.region
    zone_id = hub_zone_associated_with(aws, private_vpc.vpc_id, name)
    aws.server.clear_requests()
    rc, result, output = run_endpoints()
    assert rc != 0
    message = result["msg"]
    assert "ecr.dkr (*.%s): private hosted zone %s (%s), owned by account %s" % (name, zone_id, name, NETWORK) \
        in message, output
    assert "Disassociate the VPC from the zone" in message and "ecr_endpoints_mode: spoke" in message
    assert "conflicting DNS domain" not in output  # found by the module, not by AWS half-way
    assert aws.server.mutating_requests() == {}
    assert aws.server.requests().get("route53.ListHostedZonesByVPC") == 1
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []

    # The way out: the VPC's account disassociates its VPC; then the run converges, and a no-op run
    # neither changes anything nor lists the zones again.
    _client(aws, "route53").disassociate_vpc_from_hosted_zone(
        HostedZoneId=zone_id, VPC={"VPCRegion": aws.region, "VPCId": private_vpc.vpc_id})
    rc, result, output = run_endpoints()
    assert rc == 0 and result["changed"] is True, output
    endpoints = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    assert endpoints["ecr.dkr"][0]["PrivateDnsEnabled"] is True
    again = second_run_is_a_no_op(aws, run_endpoints)
    assert "route53.ListHostedZonesByVPC" not in aws.server.requests()
    assert again["endpoints"]["ecr.dkr"]["private_dns_enabled"] is True


def test_a_parent_zone_an_aws_service_owns_is_named_with_that_service(aws, private_vpc, run_endpoints):
    aws.server.configure_semantics(service_owned_zones=[{
        "zone_id": "ZPARENTZONE01", "name": "amazonaws.com.", "vpc_id": private_vpc.vpc_id,
        "vpc_region": aws.region, "service": "resolver.amazonaws.com"}])
    rc, result, output = run_endpoints(services=["logs"])
    assert rc != 0
    assert "logs (logs.%s.amazonaws.com): private hosted zone ZPARENTZONE01 (amazonaws.com), owned by the AWS " \
           "service resolver.amazonaws.com" % aws.region in result["msg"], output
    assert aws.server.mutating_requests() == {}


def test_turning_private_dns_on_in_place_is_checked_too(aws, private_vpc, run_endpoints):
    rc, result, output = run_endpoints(services=["ecr.api"], private_dns_enabled=False)
    assert rc == 0, output
    assert "route53.ListHostedZonesByVPC" not in aws.server.requests()  # private DNS off: nothing to check
    zone_id = hub_zone_associated_with(aws, private_vpc.vpc_id, "api.ecr.%s.amazonaws.com" % aws.region)
    aws.server.clear_requests()
    rc, result, output = run_endpoints(services=["ecr.api"])
    assert rc != 0 and zone_id in result["msg"], output
    assert aws.server.mutating_requests() == {}
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert endpoint["PrivateDnsEnabled"] is False


# --- a central registry account -------------------------------------------------------------------

def central_registry_policy(region="eu-west-1"):
    """The organization's pattern: pulls only from the central registry account (and the logs the tasks write)."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "Token", "Effect": "Allow", "Principal": "*", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Sid": "CentralRegistry", "Effect": "Allow", "Principal": "*",
         "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
         "Resource": "arn:aws:ecr:%s:%s:repository/*" % (region, REGISTRY)},
        {"Sid": "Logs", "Effect": "Allow", "Principal": "*", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "*"},
    ]}


def test_a_central_registry_policy_is_refused_for_the_vpc_s_own_account_and_applied_for_the_registry(
        aws, private_vpc, run_endpoints):
    own = aws.ec2.describe_vpcs(VpcIds=[private_vpc.vpc_id])["Vpcs"][0]["OwnerId"]
    policy = central_registry_policy()
    rc, result, output = run_endpoints(policy=policy)
    assert rc != 0
    assert "ecr:BatchGetImage on arn:aws:ecr:eu-west-1:%s:repository/pull-check is not allowed" % own \
        in result["msg"], output
    assert aws.server.mutating_requests() == {}

    rc, result, output = run_endpoints(policy=policy, registry_account_ids=[own])
    assert rc != 0 and "pull from registry account %s" % own in result["msg"], output
    assert aws.server.mutating_requests() == {}

    rc, result, output = run_endpoints(policy=policy, registry_account_ids=[REGISTRY])
    assert rc == 0 and result["changed"] is True, output
    for service in ("ecr.api", "ecr.dkr", "logs"):
        [endpoint] = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))[service]
        assert json.loads(endpoint["PolicyDocument"]) == policy
    second_run_is_a_no_op(aws, run_endpoints, policy=policy, registry_account_ids=[REGISTRY])


def test_the_audit_checks_the_pull_from_each_registry_account(aws, private_vpc, run_endpoints):
    from tests.support.ansible_cli import run_module

    policy = central_registry_policy()
    rc, result, output = run_endpoints(policy=policy, registry_account_ids=[REGISTRY])
    assert rc == 0, output
    aws.server.clear_requests()

    def blocked(**extra):
        rc, audit, output = run_module("ecr_private_endpoints_info", dict({"vpc_ids": [private_vpc.vpc_id]}, **extra),
                                       aws.env)
        assert rc == 0, output
        [vpc] = audit["vpcs"]
        return [f for f in vpc["findings"] if f["id"] == "POLICY_BLOCKS_PULL"]

    assert blocked(registry_account_ids=[REGISTRY]) == []
    own_default = blocked()
    assert sorted(f["resource"] for f in own_default) == sorted(
        e["VpcEndpointId"] for s in ("ecr.api", "ecr.dkr")
        for e in by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))[s])
    both = blocked(registry_account_ids=[REGISTRY, "444455556666"])
    assert len(both) == 2 and all("pull from registry account 444455556666" in f["message"] for f in both)
    assert all("pull from registry account %s" % REGISTRY not in f["message"] for f in both)
    assert aws.server.mutating_requests() == {}


# --- the perimeter keeps EC2 nodes working ---------------------------------------------------------

def test_a_perimeter_for_ecs_nodes_lets_them_reach_the_aws_owned_buckets(aws, private_vpc, run_endpoints):
    from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import Request, evaluate

    extra = ["arn:aws:s3:::corp-node-bootstrap/*"]
    args = dict(workload="ecs", perimeter_org_id=ORG, perimeter_extra_s3_resources=extra,
                registry_account_ids=[REGISTRY])
    rc, result, output = run_endpoints(**args)
    assert rc == 0, output
    [gateway] = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))["s3"]
    s3_policy = json.loads(gateway["PolicyDocument"])
    outsider = {"aws:PrincipalAccount": "123456789012", "aws:PrincipalOrgID": ORG,
                "aws:ResourceAccount": "999988887777", "aws:ResourceOrgID": "o-awsowned0001"}
    for bucket in ("al2023-repos-eu-west-1-de612dc2", "amazon-ssm-eu-west-1", "amazoncloudwatch-agent-eu-west-1"):
        assert evaluate(s3_policy, Request("s3:GetObject", "arn:aws:s3:::%s/x" % bucket, "123456789012",
                                           outsider)).allowed, bucket
        assert evaluate(s3_policy, Request("s3:ListBucket", "arn:aws:s3:::%s" % bucket, "123456789012",
                                           outsider)).allowed, bucket
    assert evaluate(s3_policy, Request("s3:GetObject", extra[0].replace("*", "boot.sh"), "123456789012",
                                       outsider)).allowed
    assert not evaluate(s3_policy, Request("s3:GetObject", "arn:aws:s3:::exfiltration/x", "123456789012",
                                           outsider)).allowed
    [dkr] = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))["ecr.dkr"]
    assert "arn:aws:ecr:eu-west-1:%s:repository/*" % REGISTRY in dkr["PolicyDocument"]
    second_run_is_a_no_op(aws, run_endpoints, **args)
