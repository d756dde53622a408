"""Security rules, read back from AWS (moto):

- ``purge_services`` and ``state: absent`` never touch an endpoint without the ownership
  tag; an unowned endpoint for a wanted service is adopted, not duplicated;
- the managed security group admits 0.0.0.0/0 or ::/0 only when the user lists it, and
  then the run warns.
"""

from tests.integration.moto_vpc import by_service, endpoint_args, read_endpoints, tags_of
from tests.integration.reliability.conftest import https_sources, managed_groups
from tests.support.ansible_cli import run_module


def test_purge_and_absent_never_touch_unowned_endpoints(aws, private_vpc):
    vpc = private_vpc
    group = aws.ec2.create_security_group(GroupName="theirs", Description="user's own", VpcId=vpc.vpc_id)["GroupId"]
    theirs = {}
    for service in ("ecr.api", "sts"):
        theirs[service] = aws.ec2.create_vpc_endpoint(
            VpcId=vpc.vpc_id, ServiceName="com.amazonaws.eu-west-1." + service, VpcEndpointType="Interface",
            SubnetIds=[vpc.private_subnet_ids[0]], SecurityGroupIds=[group],
            TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Owner", "Value": "team-a"}]}],
        )["VpcEndpoint"]["VpcEndpointId"]

    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(vpc, purge_services=True), aws.env)
    assert rc == 0, output
    found = by_service(read_endpoints(aws.ec2, vpc.vpc_id))
    assert [e["VpcEndpointId"] for e in found["ecr.api"]] == [theirs["ecr.api"]]  # adopted, not doubled
    assert [e["VpcEndpointId"] for e in found["sts"]] == [theirs["sts"]]  # not wanted, not ours: kept
    assert "ManagedBy" not in tags_of(found["ecr.api"][0]) and "ManagedBy" not in tags_of(found["sts"][0])
    assert {c["service"]: c["action"] for c in result["changes"]}["ecr.api"] == "adopt"

    rc, result, output = run_module("ecr_private_endpoints", {"vpc_id": vpc.vpc_id, "state": "absent",
                                                              "purge_services": True}, aws.env)
    assert rc == 0, output
    left = by_service(read_endpoints(aws.ec2, vpc.vpc_id))
    assert {s: [e["VpcEndpointId"] for e in v] for s, v in left.items()} == \
        {"ecr.api": [theirs["ecr.api"]], "sts": [theirs["sts"]]}
    # The managed group is taken back from the adopted endpoint (it keeps its own group), then deleted.
    assert managed_groups(aws.ec2, vpc.vpc_id) == []
    assert [g["GroupId"] for g in left["ecr.api"][0]["Groups"]] == [group]
    assert sorted(item["vpc_endpoint_id"] for item in result["left"]) == sorted(theirs.values())
    assert all(c["details"]["vpc_endpoint_id"] not in theirs.values() for c in result["changes"]
               if c["action"] == "delete" and c["service"] != "security_group")


def test_group_is_open_to_the_world_only_when_listed_and_then_with_a_warning(aws, private_vpc):
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc), aws.env)
    assert rc == 0, output
    [group] = managed_groups(aws.ec2, private_vpc.vpc_id)
    assert https_sources(group) == [private_vpc.cidr]
    assert "[WARNING]" not in output

    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(private_vpc, allowed_cidrs=["0.0.0.0/0"]),
                                    aws.env)
    assert rc == 0, output
    [group] = managed_groups(aws.ec2, private_vpc.vpc_id)
    assert https_sources(group) == ["0.0.0.0/0"]
    assert "[WARNING]" in output and "0.0.0.0/0" in output[output.find("[WARNING]"):]
