"""Safe with what already exists (issue 16), run as a platform engineer would before production:
a team's own restricted endpoint is adopted additively and given back by destroy; a VPC converged
by the previous placement rule is a no-op; failures say what AWS answered and what was applied."""

import json

from tests.integration.moto_vpc import endpoint_args, read_endpoints
from tests.support.ansible_cli import aws_env, run_module
from tests.support.fault_proxy import FaultProxy

ORG_POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}}]}


def their_endpoint(aws, vpc):
    """The team's ecr.api endpoint: their own group, one subnet, an organization-only policy."""
    group = aws.ec2.create_security_group(GroupName="team-endpoints", Description="by the team",
                                          VpcId=vpc.vpc_id)["GroupId"]
    endpoint = aws.ec2.create_vpc_endpoint(
        VpcId=vpc.vpc_id, ServiceName="com.amazonaws.eu-west-1.ecr.api", VpcEndpointType="Interface",
        SubnetIds=[vpc.private_subnet_ids[0]], SecurityGroupIds=[group], PrivateDnsEnabled=True,
        PolicyDocument=json.dumps(ORG_POLICY))["VpcEndpoint"]["VpcEndpointId"]
    return endpoint, group


def read_one(aws, endpoint_id):
    return aws.ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]


def test_a_hand_made_restricted_endpoint_is_adopted_additively_and_destroy_gives_it_back(
        aws, private_vpc, run_endpoints):
    endpoint_id, their_group = their_endpoint(aws, private_vpc)
    subnets = private_vpc.private_subnet_ids

    rc, plan, output = run_endpoints(check=True, diff=True, services=["ecr.api"])
    assert rc == 0, output
    [adopt] = [c for c in plan["changes"] if c["service"] == "ecr.api"]
    assert adopt["action"] == "adopt"
    assert sorted(adopt["details"]) == ["add_security_group_ids", "add_subnet_ids", "vpc_endpoint_id"]
    assert adopt["details"]["add_subnet_ids"] == sorted(subnets[1:])
    after = plan["diff"]["after"]["endpoints"]["ecr.api"]
    assert their_group in after["security_group_ids"]
    assert after["policy"] == ORG_POLICY
    assert sorted(plan["diff"]["before"]["security_group"] or {}) == sorted(
        plan["diff"]["after"]["security_group"]) or plan["diff"]["before"]["security_group"] is None

    rc, result, output = run_endpoints(services=["ecr.api"])
    assert rc == 0, output
    managed = result["security_group_id"]
    adopted = read_one(aws, endpoint_id)
    assert sorted(g["GroupId"] for g in adopted["Groups"]) == sorted([their_group, managed])
    assert sorted(adopted["SubnetIds"]) == sorted(subnets)
    assert json.loads(adopted["PolicyDocument"]) == ORG_POLICY
    assert "ManagedBy" not in {t["Key"] for t in adopted.get("Tags", [])}

    rc, again, output = run_endpoints(services=["ecr.api"])
    assert rc == 0 and again["changed"] is False, output

    rc, destroyed, output = run_endpoints(services=["ecr.api"], state="absent")
    assert rc == 0, output
    assert destroyed["changed"] is True
    assert [(c["service"], c["action"]) for c in destroyed["changes"]] == [
        ("ecr.api", "adopt"), ("security_group", "delete")]
    [left] = destroyed["left"]
    assert left["vpc_endpoint_id"] == endpoint_id and "taken back" in left["reason"]
    given_back = read_one(aws, endpoint_id)
    assert [g["GroupId"] for g in given_back["Groups"]] == [their_group]
    assert json.loads(given_back["PolicyDocument"]) == ORG_POLICY
    assert given_back["State"] in ("available", "pending")
    remaining = aws.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [private_vpc.vpc_id]}])
    assert managed not in [g["GroupId"] for g in remaining["SecurityGroups"]]


def test_a_vpc_converged_with_the_lowest_subnet_id_per_zone_is_a_no_op_after_the_upgrade(
        aws, private_vpc, run_endpoints):
    """0.1.0 discovered the lowest subnet id of each zone; a bigger subnet added since then in a zone
    must not pull an existing endpoint over."""
    ec2, zones = aws.ec2, private_vpc.zones
    bigger = ec2.create_subnet(VpcId=private_vpc.vpc_id, CidrBlock="10.20.64.0/18",
                               AvailabilityZone=zones[0])["Subnet"]["SubnetId"]
    ec2.associate_route_table(RouteTableId=private_vpc.private_route_table_ids[0], SubnetId=bigger)
    in_zone_a = sorted([private_vpc.private_subnet_ids[0], bigger])
    old_rule = [in_zone_a[0]] + list(private_vpc.private_subnet_ids[1:])
    rc, first, output = run_endpoints(subnet_ids=old_rule)
    assert rc == 0, output

    aws.server.clear_requests()
    rc, result, output = run_endpoints(subnet_ids=None, route_table_ids=None, discover="always")
    assert rc == 0, output
    assert result["changed"] is False, result["changes"]
    assert aws.server.mutating_requests() == {}
    assert bigger in result["discovered"]["subnet_ids"]  # what a new endpoint would get: the most free addresses


def test_a_failure_after_changes_reports_them_with_the_aws_error(aws, private_vpc):
    with FaultProxy(aws.url) as proxy:
        proxy.configure(unavailable=1.0, actions={"CreateVpcEndpoint"})
        env = aws_env(proxy.url, aws.region, extra={"AWS_MAX_ATTEMPTS": "1"})
        rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc, services=["ecr.api"]),
                                        env)
    assert rc != 0
    assert result["changed"] is True
    assert [(c["service"], c["action"]) for c in result["changes"]] == [("security_group", "create")]
    assert result["changes"][0]["details"]["group_id"].startswith("sg-")
    assert result["error"]["code"] == "Unavailable"
    assert result["response_metadata"]["http_status_code"] == 503
    assert result["boto3_version"] and result["botocore_version"]
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []


def test_profile_with_keys_is_refused_by_the_argument_spec(aws, private_vpc):
    rc, result, output = run_module("ecr_private_endpoints",
                                    endpoint_args(private_vpc, profile="team", access_key="AKIAEXAMPLE"), aws.env)
    assert rc != 0
    assert "mutually exclusive" in result["msg"] and "profile" in result["msg"]
    assert aws.server.requests() == {}


def test_aws_config_reaches_botocore_and_a_bad_setting_is_named(aws, private_vpc):
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(
        private_vpc, services=["s3"], aws_config={"connect_timeout": 3, "read_timeout": 30}), aws.env)
    assert rc == 0, output
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(
        private_vpc, services=["s3"], aws_config={"no_such_setting": 1}), aws.env)
    assert rc != 0
    assert "aws_config" in result["msg"] and "no_such_setting" in result["msg"]
