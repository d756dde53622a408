"""Bad input fails before anything changes, with a message naming the input; no traceback.

Table-driven: each case builds its arguments (and environment) against the seeded VPC,
then the test asserts the failure message, that moto_server saw no mutating request,
and that the VPC still has no endpoint and no managed group.
"""

import os

import pytest

from tests.integration.moto_vpc import endpoint_args, read_endpoints
from tests.support.ansible_cli import run_module

UNKNOWN_VPC = "vpc-0123456789abcdef0"


def other_vpc(ec2):
    """A second VPC of the same account and region; returns (subnet id, route table id) in it."""
    vpc_id = ec2.create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.99.3.0/24",
                                  AvailabilityZone="eu-west-1c")["Subnet"]["SubnetId"]
    rtb_id = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    return subnet_id, rtb_id


def case_unknown_vpc(aws, vpc):
    return endpoint_args(vpc, vpc_id=UNKNOWN_VPC), None, ["vpc_id", UNKNOWN_VPC]


def case_subnet_in_another_vpc(aws, vpc):
    subnet_id = other_vpc(aws.ec2)[0]
    return endpoint_args(vpc, subnet_ids=vpc.private_subnet_ids[:2] + [subnet_id]), None, \
        ["subnet_ids", subnet_id, vpc.vpc_id]


def case_two_subnets_in_one_zone(aws, vpc):
    second = aws.ec2.create_subnet(VpcId=vpc.vpc_id, CidrBlock="10.20.50.0/24",
                                   AvailabilityZone="eu-west-1a")["Subnet"]["SubnetId"]
    return endpoint_args(vpc, subnet_ids=vpc.private_subnet_ids + [second]), None, \
        ["subnet_ids", second, vpc.private_subnet_ids[0], "eu-west-1a"]


def case_route_table_in_another_vpc(aws, vpc):
    rtb_id = other_vpc(aws.ec2)[1]
    return endpoint_args(vpc, route_table_ids=vpc.private_route_table_ids + [rtb_id]), None, \
        ["route_table_ids", rtb_id]


def case_unknown_service(aws, vpc):
    return endpoint_args(vpc, extra_services=["nosuchservice"]), None, ["nosuchservice", "services"]


def case_service_of_another_region(aws, vpc):
    return endpoint_args(vpc, services=["com.amazonaws.us-east-1.ecr.api"]), None, \
        ["com.amazonaws.us-east-1.ecr.api", "us-east-1"]


def case_policy_not_json(aws, vpc):
    return endpoint_args(vpc, policy="{'Version': 2012-10-17"), None, ["policy", "JSON"]


def case_policy_json_but_not_a_policy(aws, vpc):
    return endpoint_args(vpc, policy='{"Allow": "everything"}'), None, ["policy", "policy document"]


def case_s3_policy_not_json(aws, vpc):
    return endpoint_args(vpc, s3_policy="not json at all"), None, ["s3_policy", "JSON"]


def case_private_dns_with_dns_hostnames_off(aws, vpc):
    aws.ec2.modify_vpc_attribute(VpcId=vpc.vpc_id, EnableDnsHostnames={"Value": False})
    return endpoint_args(vpc), None, ["private_dns_enabled", "enableDnsHostnames", vpc.vpc_id]


def case_missing_region(aws, vpc):
    env = {k: v for k, v in aws.env.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    return endpoint_args(vpc), env, ["region"]


def case_missing_credentials(aws, vpc):
    env = {k: v for k, v in aws.env.items()
           if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")}
    # No shared files, and never the instance metadata service (no traffic beyond 127.0.0.1).
    env.update(AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_CONFIG_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true")
    return endpoint_args(vpc), env, ["credentials"]


def case_malformed_vpc_id(aws, vpc):
    return endpoint_args(vpc, vpc_id="vpc-NOTHEX"), None, ["vpc_id", "vpc-NOTHEX"]


def case_malformed_subnet_id(aws, vpc):
    return endpoint_args(vpc, subnet_ids=vpc.private_subnet_ids[:2] + ["subnet-12"]), None, \
        ["subnet_ids", "subnet-12"]


def case_route_table_id_of_the_wrong_kind(aws, vpc):
    return endpoint_args(vpc, route_table_ids=[vpc.private_subnet_ids[0]]), None, \
        ["route_table_ids", vpc.private_subnet_ids[0]]


def case_malformed_security_group_id(aws, vpc):
    return endpoint_args(vpc, security_group_ids=["sg-zz"]), None, ["security_group_ids", "sg-zz"]


def case_subnet_ids_omitted_on_first_create(aws, vpc):
    args = endpoint_args(vpc)
    del args["subnet_ids"]
    return args, None, ["subnet_ids"]


def case_route_table_ids_omitted_on_first_create(aws, vpc):
    args = endpoint_args(vpc, services=["s3"])
    del args["route_table_ids"]
    return args, None, ["route_table_ids"]


def case_empty_subnet_ids(aws, vpc):
    return endpoint_args(vpc, subnet_ids=[]), None, ["subnet_ids"]


CASES = {name[len("case_"):]: func for name, func in sorted(globals().items()) if name.startswith("case_")}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_before_any_change(case, aws, private_vpc):
    args, env, expected = CASES[case](aws, private_vpc)
    aws.server.clear_requests()
    rc, result, output = run_module("ecr_private_endpoints", args, env or aws.env)

    assert rc != 0, output
    # The minimal callback prints "FAILED!" and drops the "failed" key from the result it prints.
    assert result is not None and "| FAILED! =>" in output, output
    message = result["msg"]
    for fragment in expected:
        assert fragment in message, "%r not in %r" % (fragment, message)
    assert "Traceback" not in output
    assert "module_stderr" not in result, output
    assert aws.server.mutating_requests() == {}
    assert read_endpoints(aws.ec2, private_vpc.vpc_id, include_gone=True) == []
    groups = aws.ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [private_vpc.vpc_id]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]


def test_bad_change_to_a_converged_vpc_changes_nothing(aws, private_vpc, run_endpoints):
    """Validation also guards modifications: a second subnet in a zone fails, the endpoints stay."""
    rc, first, output = run_endpoints(services=["ecr.api"])
    assert rc == 0, output
    second = aws.ec2.create_subnet(VpcId=private_vpc.vpc_id, CidrBlock="10.20.51.0/24",
                                   AvailabilityZone="eu-west-1b")["Subnet"]["SubnetId"]
    aws.server.clear_requests()
    rc, result, output = run_endpoints(services=["ecr.api"], subnet_ids=private_vpc.private_subnet_ids + [second])
    assert rc != 0, output
    assert "subnet_ids" in result["msg"] and second in result["msg"] and "eu-west-1b" in result["msg"]
    assert aws.server.mutating_requests() == {}
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert endpoint["VpcEndpointId"] == first["endpoints"]["ecr.api"]["vpc_endpoint_id"]
    assert sorted(endpoint["SubnetIds"]) == sorted(private_vpc.private_subnet_ids)
