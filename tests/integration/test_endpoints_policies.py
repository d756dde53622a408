"""Endpoint policies the module writes (issue 12): data-perimeter policies converge, are idempotent
and pass the audit; a policy that would block an image pull is refused before any change."""

import json

import boto3

from tests.integration.moto_vpc import by_service, read_endpoints
from tests.support.ansible_cli import run_module

NO_AUTH_TOKEN = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
     "Resource": "*"}]}
TEAM_BUCKETS_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::team-artifacts/*"}]}


def organization(aws):
    client = boto3.client("organizations", region_name="us-east-1", endpoint_url=aws.url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    return client.create_organization(FeatureSet="ALL")["Organization"]["Id"]


def test_perimeter_policies_converge_are_idempotent_and_pass_the_audit(aws, private_vpc, run_endpoints):
    org_id = organization(aws)
    rc, first, output = run_endpoints(perimeter_org_id=org_id)
    assert rc == 0, output
    found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    for service in ("ecr.api", "ecr.dkr", "logs", "s3"):
        policy = json.loads(found[service][0]["PolicyDocument"])
        assert org_id in json.dumps(policy), service
    layer = json.loads(found["s3"][0]["PolicyDocument"])
    assert any("prod-eu-west-1-starport-layer-bucket" in json.dumps(s) and "Condition" not in s
               for s in layer["Statement"])

    aws.server.clear_requests()
    rc, again, output = run_endpoints(perimeter_org_id=org_id)
    assert rc == 0 and again["changed"] is False, output
    assert aws.server.mutating_requests() == {}

    rc, audit, output = run_module("ecr_private_endpoints_info", {"vpc_ids": [private_vpc.vpc_id]}, aws.env)
    assert rc == 0, output
    ids = [f["id"] for f in audit["vpcs"][0]["findings"]]
    assert not [i for i in ids if i.startswith("POLICY_")], audit["vpcs"][0]["findings"]


def test_a_policy_that_blocks_pulls_is_refused_before_any_change(aws, private_vpc, run_endpoints):
    rc, result, output = run_endpoints(policy=NO_AUTH_TOKEN)
    assert rc != 0
    assert "ecr:GetAuthorizationToken" in result["msg"] and "allow_blocking_policy" in result["msg"]
    assert aws.server.mutating_requests() == {}
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []

    rc, result, output = run_endpoints(services=["s3"], s3_policy=TEAM_BUCKETS_ONLY)
    assert rc != 0
    assert "prod-eu-west-1-starport-layer-bucket" in result["msg"] and "s3_policy" in result["msg"]
    assert aws.server.mutating_requests() == {}


def test_allow_blocking_policy_applies_it_anyway_and_the_audit_reports_it(aws, private_vpc, run_endpoints):
    rc, result, output = run_endpoints(services=["s3"], s3_policy=TEAM_BUCKETS_ONLY, allow_blocking_policy=True)
    assert rc == 0, output
    [s3] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert json.loads(s3["PolicyDocument"]) == TEAM_BUCKETS_ONLY
    rc, audit, output = run_module("ecr_private_endpoints_info",
                                   {"vpc_ids": [private_vpc.vpc_id], "services": ["s3"]}, aws.env)
    assert rc == 0, output
    assert "POLICY_BLOCKS_PULL" in [f["id"] for f in audit["vpcs"][0]["findings"]]


def test_an_omitted_policy_keeps_the_endpoint_s_own_and_default_resets_it(aws, private_vpc, run_endpoints):
    rc, first, output = run_endpoints(services=["s3"], s3_policy=TEAM_BUCKETS_ONLY, allow_blocking_policy=True)
    assert rc == 0, output
    aws.server.clear_requests()
    rc, kept, output = run_endpoints(services=["s3"])
    assert rc == 0 and kept["changed"] is False, output
    assert aws.server.mutating_requests() == {}
    [s3] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert json.loads(s3["PolicyDocument"]) == TEAM_BUCKETS_ONLY
    rc, reset, output = run_endpoints(services=["s3"], s3_policy="default")
    assert rc == 0, output
    assert [c["details"].get("reset_policy") for c in reset["changes"]] == [True]
    [s3] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert [s["Action"] for s in json.loads(s3["PolicyDocument"])["Statement"]] == ["*"]


def test_an_s3_interface_endpoint_for_ecr_gets_a_warning(aws, private_vpc, run_endpoints):
    rc, result, output = run_endpoints(services=["ecr.dkr", "s3"], s3_endpoint_type="interface")
    assert rc == 0, output
    assert "S3 gateway endpoint" in output
    # The warning does not stop the run: AWS holds what was asked, an S3 *interface* endpoint.
    found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    assert sorted(found) == ["ecr.dkr", "s3"]
    [s3] = found["s3"]
    assert s3["VpcEndpointType"] == "Interface" and s3["State"] == "available"
    assert sorted(s3["SubnetIds"]) == sorted(private_vpc.private_subnet_ids)
    assert not s3.get("RouteTableIds")
    assert result["endpoints"]["s3"]["vpc_endpoint_id"] == s3["VpcEndpointId"]
