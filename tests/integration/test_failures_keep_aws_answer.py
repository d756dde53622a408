"""A module that turns an AWS error into its own message still returns AWS's answer, and says where it looked.

Every module, asked for a VPC id the region does not have, fails with its own message naming the option,
the account and the region, and returns ``error`` ({code, message}: AWS's ``InvalidVpcID.NotFound``),
``response_metadata`` ({request_id, http_status_code}) and the boto3/botocore versions (the connection
documentation fragment's notes). The account comes from the assumed role's ARN when there is one (no
request), else from one sts:GetCallerIdentity made on the failure path only.
"""

import pytest

from tests.support.ansible_cli import run_module

UNKNOWN = "vpc-0123456789abcdef0"
DEFAULT_ACCOUNT = "123456789012"  # moto_server's account for the default keys
ROLE_ACCOUNT = "111111111111"
ROLE = "arn:aws:iam::%s:role/privatelink-ecr-audit" % ROLE_ACCOUNT

ARGS = {
    "ecr_private_endpoints": {"vpc_id": UNKNOWN, "subnet_ids": ["subnet-0123456789abcdef0"],
                              "route_table_ids": ["rtb-0123456789abcdef0"]},
    "ecr_private_endpoints_info": {"vpc_ids": [UNKNOWN]},
    "vpc_private_subnets_info": {"vpc_id": UNKNOWN},
    "ecr_endpoint_zones": {"vpc_id": UNKNOWN},
}
OPTION = {"ecr_private_endpoints_info": "vpc_ids"}


def _assert_keeps_aws_answer(result, output, module, account, region):
    assert result is not None, output
    assert result["error"]["code"] == "InvalidVpcID.NotFound", output
    assert UNKNOWN in result["error"]["message"], output
    assert result["response_metadata"]["request_id"], output
    assert result["response_metadata"]["http_status_code"] == 400, output
    assert result["boto3_version"] and result["botocore_version"], output
    message = result["msg"]
    assert "%s %s: no such VPC in account %s, region %s" % (OPTION.get(module, "vpc_id"), UNKNOWN, account, region) \
        in message, message
    assert "this account and region" not in message


@pytest.mark.parametrize("module", sorted(ARGS))
def test_unknown_vpc_id_keeps_aws_answer_and_names_account_and_region(aws, module):
    aws.server.clear_requests()
    rc, result, output = run_module(module, ARGS[module], aws.env)
    assert rc != 0
    _assert_keeps_aws_answer(result, output, module, DEFAULT_ACCOUNT, aws.region)
    assert aws.server.mutating_requests() == {}


@pytest.mark.parametrize("module", sorted(ARGS))
def test_an_assumed_role_names_its_account_without_asking_sts(aws, module):
    aws.server.clear_requests()
    rc, result, output = run_module(module, dict(ARGS[module], role_arn=ROLE), aws.env)
    assert rc != 0
    _assert_keeps_aws_answer(result, output, module, ROLE_ACCOUNT, aws.region)
    # The role's ARN named the account: the only STS request is the AssumeRole itself.
    sts = dict((key, n) for key, n in aws.server.requests().items() if key.startswith("sts."))
    assert sts == {"sts.AssumeRole": 1}, sts


def test_the_happy_path_asks_sts_nothing_more(aws, private_vpc):
    """Naming the account costs nothing when the module succeeds: no sts request at all without a role."""
    aws.server.clear_requests()
    rc, _result, output = run_module("vpc_private_subnets_info", {"vpc_id": private_vpc.vpc_id}, aws.env)
    assert rc == 0, output
    assert not [key for key in aws.server.requests() if key.startswith("sts.")]


def test_a_hub_of_another_account_is_named_with_its_account(aws, private_vpc):
    hub_role = "arn:aws:iam::222222222222:role/privatelink-ecr-audit"
    rc, result, output = run_module("ecr_private_endpoints_info", {
        "vpc_ids": [private_vpc.vpc_id], "hub": {"vpc_id": UNKNOWN, "role_arn": hub_role}}, aws.env)
    assert rc != 0
    assert result["msg"] == "hub: vpc_id %s: no such VPC in account 222222222222, region %s" % (UNKNOWN, aws.region), \
        output
    assert result["error"]["code"] == "InvalidVpcID.NotFound" and result["response_metadata"]["request_id"]
