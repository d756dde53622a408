"""The module against EC2's documented behaviour (the AWS-semantics layer in front of moto): each
test is one way a run went wrong against AWS before issue 11, now converging or failing cleanly.

- a run that must modify an endpoint still ``pending`` waits for it instead of IncorrectState;
- an endpoint deleted by hand is created again, although EC2 answers the first create (same
  ClientToken as the original request) with the deleted endpoint;
- gateway route tables held by another S3 endpoint fail the run before its first mutating call;
- a service AWS offers in only some zones is placed in those, the others named, not refused.
"""

import pytest

from tests.integration.moto_vpc import by_service, read_endpoints, wait_gone
from tests.integration.test_aws_semantics_guesses import CREATES_AFTER_DELETE


@pytest.fixture
def slow_pending(aws):
    """Endpoints stay pending long enough for a second run to start while they are."""
    aws.server.configure_semantics(pending_seconds=3.0)
    return aws


def states(ec2, vpc_id):
    return {s: [e["State"] for e in found] for s, found in by_service(read_endpoints(ec2, vpc_id)).items()}


def test_a_run_that_must_modify_a_pending_endpoint_waits_for_it(slow_pending, private_vpc, run_endpoints):
    subnets = private_vpc.private_subnet_ids
    rc, first, output = run_endpoints(services=["ecr.api"], subnet_ids=subnets[:2], wait=False)
    assert rc == 0, output
    assert states(slow_pending.ec2, private_vpc.vpc_id) == {"ecr.api": ["pending"]}

    rc, result, output = run_endpoints(services=["ecr.api"], subnet_ids=subnets)
    assert rc == 0, output
    assert "IncorrectState" not in output
    assert [(c["action"], c["details"].get("add_subnet_ids")) for c in result["changes"]] == [
        ("modify", [subnets[2]])]
    [endpoint] = read_endpoints(slow_pending.ec2, private_vpc.vpc_id)
    assert endpoint["VpcEndpointId"] == first["endpoints"]["ecr.api"]["vpc_endpoint_id"]
    assert sorted(endpoint["SubnetIds"]) == sorted(subnets)
    assert endpoint["State"] == "available"
    assert result["endpoints"]["ecr.api"]["state"] == "available"


def test_an_endpoint_deleted_by_hand_is_created_again_not_answered_by_its_old_token(
        aws, private_vpc, run_endpoints):
    rc, first, output = run_endpoints(services=["ecr.dkr"])
    assert rc == 0, output
    old_id = first["endpoints"]["ecr.dkr"]["vpc_endpoint_id"]
    aws.ec2.delete_vpc_endpoints(VpcEndpointIds=[old_id])
    wait_gone(aws.ec2, private_vpc.vpc_id, [old_id])

    aws.server.clear_requests()
    rc, result, output = run_endpoints(services=["ecr.dkr"])
    assert rc == 0, output
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert endpoint["VpcEndpointId"] != old_id
    assert endpoint["State"] == "available"
    assert result["endpoints"]["ecr.dkr"]["vpc_endpoint_id"] == endpoint["VpcEndpointId"]
    guess = aws.server.semantics_config()["token_replay_after_delete"]  # docs/reliability.md, "Guesses"
    assert aws.server.requests().get("ec2.CreateVpcEndpoint") == CREATES_AFTER_DELETE[guess]

    aws.server.clear_requests()
    rc, again, output = run_endpoints(services=["ecr.dkr"])
    assert rc == 0 and again["changed"] is False, output
    assert aws.server.mutating_requests() == {}


def test_route_tables_held_by_another_s3_gateway_endpoint_fail_before_any_change(aws, private_vpc, run_endpoints):
    """Two S3 gateway endpoints of the user's, each on one private route table: the module adopts
    one and would add the other's route table to it, which EC2 refuses with RouteAlreadyExists."""
    ec2, tables = aws.ec2, private_vpc.private_route_table_ids
    s3 = "com.amazonaws.eu-west-1.s3"
    theirs = [ec2.create_vpc_endpoint(VpcId=private_vpc.vpc_id, ServiceName=s3, VpcEndpointType="Gateway",
                                      RouteTableIds=[table])["VpcEndpoint"]["VpcEndpointId"] for table in tables[:2]]
    aws.server.clear_requests()

    rc, result, output = run_endpoints()
    assert rc != 0
    assert "RouteAlreadyExists" not in output
    # The message names the other endpoint (whichever one was not kept) and the table it holds.
    assert any("--vpc-endpoint-id %s --remove-route-table-ids %s" % (theirs[i], tables[i]) in output
               for i in (0, 1)), output
    assert aws.server.mutating_requests() == {}
    assert sorted(e["VpcEndpointId"] for e in read_endpoints(ec2, private_vpc.vpc_id)) == sorted(theirs)


def test_a_service_offered_in_some_zones_is_placed_there_and_the_rest_named(aws, private_vpc, run_endpoints):
    zones = private_vpc.zones
    aws.server.configure_semantics(service_azs={"ecr.api": zones[:2]})
    rc, result, output = run_endpoints(subnet_ids=None, route_table_ids=None, discover="always")
    assert rc == 0, output
    assert result["discovered"]["skipped"] == {"ecr.api": [zones[2]]}
    assert "ecr.api: AWS does not offer this endpoint service in %s" % zones[2] in output
    found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    assert sorted(found["ecr.api"][0]["SubnetIds"]) == sorted(private_vpc.private_subnet_ids[:2])
    for service in ("ecr.dkr", "logs"):
        assert sorted(found[service][0]["SubnetIds"]) == sorted(private_vpc.private_subnet_ids)

    aws.server.clear_requests()
    rc, again, output = run_endpoints(subnet_ids=None, route_table_ids=None, discover="always")
    assert rc == 0 and again["changed"] is False, output
    assert again["discovered"]["skipped"] == {"ecr.api": [zones[2]]}
    assert aws.server.mutating_requests() == {}


def test_a_subnet_given_in_a_zone_where_the_service_is_not_offered_fails_before_any_change(
        aws, private_vpc, run_endpoints):
    zones = private_vpc.zones
    aws.server.configure_semantics(service_azs={"ecr.api": zones[:2]})
    rc, result, output = run_endpoints()
    assert rc != 0
    assert "AWS does not offer the ecr.api endpoint service in the zone of %s (%s)" % (
        private_vpc.private_subnet_ids[2], zones[2]) in output
    assert aws.server.mutating_requests() == {}
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []
