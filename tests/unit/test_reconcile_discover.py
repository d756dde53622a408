"""The ``discover`` option: one module call finds the placement itself, in two reads, only when asked."""

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import AwsConnection
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import reconcile
from ansible_collections.privatelink.ecr.tests.unit.reconcile_fixtures import CallRecorder, params

NO_OP_READS = ["DescribeSecurityGroups", "DescribeVpcEndpoints", "DescribeVpcs"]
DISCOVERY_READS = ["DescribeRouteTables", "DescribeSubnets"]


def main_route_table(aws):
    tables = aws["ec2"].describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [aws["vpc"]]}, {"Name": "association.main", "Values": ["true"]}])
    return tables["RouteTables"][0]["RouteTableId"]


def run(aws, check_mode=False, **overrides):
    """One reconcile with the ids omitted (as the role calls it); returns (result, calls)."""
    options = dict(dict(subnet_ids=None, route_table_ids=None), **overrides)
    connection = AwsConnection(params(aws, **options))
    recorder = CallRecorder(connection)
    return reconcile(connection, params(aws, **options), check_mode=check_mode), recorder


def test_always_places_new_endpoints_in_the_private_subnets_and_their_route_tables(aws):
    result, recorder = run(aws, discover="always")

    assert result["changed"]
    assert result["discovered"] == {"subnet_ids": aws["subnets"], "route_table_ids": [main_route_table(aws)],
                                    "availability_zones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "skipped": {}}
    for service in ("ecr.api", "ecr.dkr", "logs"):
        assert result["endpoints"][service]["subnet_ids"] == sorted(aws["subnets"])
    assert result["endpoints"]["s3"]["route_table_ids"] == [main_route_table(aws)]
    # The discovered subnets are validated from the listing already read, not read again.
    assert recorder.calls.count("DescribeSubnets") == 1 and recorder.calls.count("DescribeRouteTables") == 1


def test_always_no_op_costs_two_reads_more_and_changes_nothing(aws):
    run(aws, discover="always")

    result, recorder = run(aws, discover="always")

    assert not result["changed"] and result["changes"] == []
    assert sorted(recorder.calls) == sorted(NO_OP_READS + DISCOVERY_READS)


def test_always_repairs_placement_drift_and_picks_up_a_new_zone(aws):
    first = run(aws, discover="always", services=["ecr.api"])[0]
    endpoint_id = first["endpoints"]["ecr.api"]["vpc_endpoint_id"]
    aws["ec2"].modify_vpc_endpoint(VpcEndpointId=endpoint_id, RemoveSubnetIds=[aws["subnets"][0]])

    result = run(aws, discover="always", services=["ecr.api"])[0]

    assert [(c["service"], c["action"]) for c in result["changes"]] == [("ecr.api", "modify")]
    assert result["changes"][0]["details"]["add_subnet_ids"] == [aws["subnets"][0]]
    assert result["endpoints"]["ecr.api"]["vpc_endpoint_id"] == endpoint_id
    assert result["endpoints"]["ecr.api"]["subnet_ids"] == sorted(aws["subnets"])


def test_on_create_no_op_sends_only_the_three_reads(aws):
    run(aws, discover="always")

    result, recorder = run(aws, discover="on_create")

    assert not result["changed"]
    assert result["discovered"] is None
    assert sorted(recorder.calls) == NO_OP_READS


def test_on_create_keeps_existing_placement_and_places_only_what_it_creates(aws):
    first = run(aws, discover="always", services=["ecr.api"])[0]
    endpoint_id = first["endpoints"]["ecr.api"]["vpc_endpoint_id"]
    aws["ec2"].modify_vpc_endpoint(VpcEndpointId=endpoint_id, RemoveSubnetIds=[aws["subnets"][0]])

    result, recorder = run(aws, discover="on_create", services=["ecr.api", "ecr.dkr"])

    assert [(c["service"], c["action"]) for c in result["changes"]] == [("ecr.dkr", "create")]
    assert result["endpoints"]["ecr.api"]["subnet_ids"] == sorted(aws["subnets"][1:])
    assert result["endpoints"]["ecr.dkr"]["subnet_ids"] == sorted(aws["subnets"])
    assert recorder.calls.count("DescribeSubnets") == 1


def test_given_ids_win_over_discovery(aws):
    chosen = aws["subnets"][:2]

    result = run(aws, discover="always", subnet_ids=chosen)[0]

    assert result["endpoints"]["ecr.api"]["subnet_ids"] == sorted(chosen)
    assert result["endpoints"]["s3"]["route_table_ids"] == [main_route_table(aws)]


def test_check_mode_discovers_and_plans_without_mutating(aws):
    result, recorder = run(aws, check_mode=True, discover="always")

    assert result["changed"] and result["discovered"]["subnet_ids"] == aws["subnets"]
    assert recorder.mutating() == []
    assert aws["ec2"].describe_vpc_endpoints()["VpcEndpoints"] == []


@pytest.mark.parametrize("mode", ["always", "on_create"])
def test_a_vpc_without_private_subnet_fails_before_any_change(aws, mode):
    gateway = aws["ec2"].create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    aws["ec2"].attach_internet_gateway(InternetGatewayId=gateway, VpcId=aws["vpc"])
    aws["ec2"].create_route(RouteTableId=main_route_table(aws), DestinationCidrBlock="0.0.0.0/0",
                            GatewayId=gateway)

    with pytest.raises(ValueError) as err:
        run(aws, discover=mode)

    assert "VPC %s has no private subnet" % aws["vpc"] in str(err.value)
    assert aws["ec2"].describe_vpc_endpoints()["VpcEndpoints"] == []
    assert aws["ec2"].describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["ecr-private-endpoints"]}])["SecurityGroups"] == []


def test_never_keeps_the_contract_creating_needs_the_ids(aws):
    with pytest.raises(ValueError) as err:
        run(aws, discover="never")

    assert "subnet_ids is required to create the ecr.api endpoint" in str(err.value)
