"""The module under every plausible answer to the AWS-semantics layer's guesses.

Each guess (a behaviour no AWS page states; the list and its reasons are in docs/reliability.md,
"Guesses") is switched through the layer's control path, and the module is proven right under
each answer, on the state read back from EC2 -- not tuned to the one answer the layer gives by
default.
"""

import json

import pytest

from tests.integration.moto_vpc import ec2_client, read_endpoints, seed_private_vpc, wait_gone
from tests.support.aws_semantics import GUESSES

pytestmark = pytest.mark.integration

DEFAULT_STATEMENTS = [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
# CreateVpcEndpoint requests a run sends to replace an endpoint deleted by hand, per answer to the
# token_replay_after_delete guess (other tests that count them use this table, not one answer).
CREATES_AFTER_DELETE = {"deleted": 2, "original": 2, "forgotten": 1}
HAND_EDITED = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": ["ecr:GetAuthorizationToken"], "Resource": "*"}]}


def test_every_guess_is_listed_in_the_reliability_guide():
    with open("docs/reliability.md") as handle:
        guide = handle.read()
    for name, answers in GUESSES.items():
        assert "`%s`" % name in guide, name
        for answer in answers:
            assert "`%s`" % answer in guide, (name, answer)


@pytest.mark.parametrize("guess", GUESSES["token_replay_after_delete"])
def test_an_endpoint_deleted_by_hand_is_created_again_under_every_token_replay(aws, private_vpc, run_endpoints,
                                                                               guess):
    aws.server.configure_semantics(token_replay_after_delete=guess)
    rc, first, output = run_endpoints(services=["ecr.dkr"])
    assert rc == 0, output
    old_id = first["endpoints"]["ecr.dkr"]["vpc_endpoint_id"]
    aws.ec2.delete_vpc_endpoints(VpcEndpointIds=[old_id])
    wait_gone(aws.ec2, private_vpc.vpc_id, [old_id])

    aws.server.clear_requests()
    rc, result, output = run_endpoints(services=["ecr.dkr"])
    assert rc == 0, output
    # A stale answer (the gone endpoint) is sent again with a fresh token; a forgotten token creates at once.
    assert aws.server.requests().get("ec2.CreateVpcEndpoint") == CREATES_AFTER_DELETE[guess]
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert endpoint["VpcEndpointId"] != old_id
    assert endpoint["State"] == "available"
    assert result["endpoints"]["ecr.dkr"]["vpc_endpoint_id"] == endpoint["VpcEndpointId"]

    aws.server.clear_requests()
    rc, again, output = run_endpoints(services=["ecr.dkr"])
    assert rc == 0 and again["changed"] is False, output
    assert aws.server.mutating_requests() == {}


@pytest.mark.parametrize("guess", GUESSES["reset_policy_on_interface"])
def test_policy_default_resets_an_interface_endpoint_under_every_reset_policy_answer(aws, private_vpc,
                                                                                     run_endpoints, guess):
    aws.server.configure_semantics(reset_policy_on_interface=guess)
    rc, first, output = run_endpoints(services=["ecr.api", "s3"], policy=HAND_EDITED, s3_policy=HAND_EDITED,
                                      allow_blocking_policy=True)
    assert rc == 0, output
    for endpoint in read_endpoints(aws.ec2, private_vpc.vpc_id):
        assert json.loads(endpoint["PolicyDocument"]) == HAND_EDITED

    aws.server.clear_requests()
    rc, result, output = run_endpoints(services=["ecr.api", "s3"], policy="default", s3_policy="default")
    assert rc == 0, output
    assert sorted((c["service"], c["details"].get("reset_policy")) for c in result["changes"]) == [
        ("ecr.api", True), ("s3", True)]
    assert aws.server.requests().get("ec2.ModifyVpcEndpoint") == 2
    for endpoint in read_endpoints(aws.ec2, private_vpc.vpc_id):
        assert json.loads(endpoint["PolicyDocument"])["Statement"] == DEFAULT_STATEMENTS, endpoint["VpcEndpointType"]

    aws.server.clear_requests()
    rc, again, output = run_endpoints(services=["ecr.api", "s3"], policy="default", s3_policy="default")
    assert rc == 0 and again["changed"] is False, output
    assert aws.server.mutating_requests() == {}


@pytest.mark.parametrize("guess", GUESSES["delete_while_deleting"])
def test_deleting_an_endpoint_another_run_is_deleting_is_done_under_every_answer(aws, private_vpc, guess):
    """The applier's delete, as the module runs it, racing another deletion of the same endpoint."""
    from ansible_collections.privatelink.ecr.plugins.module_utils._apply import PlanApplier

    aws.server.configure_semantics(delete_while_deleting=guess, deleting_seconds=1.0)
    ec2 = ec2_client(aws.url)
    endpoint_id = ec2.create_vpc_endpoint(VpcId=private_vpc.vpc_id, ServiceName="com.amazonaws.eu-west-1.s3",
                                          VpcEndpointType="Gateway",
                                          RouteTableIds=private_vpc.private_route_table_ids)["VpcEndpoint"]
    endpoint_id = endpoint_id["VpcEndpointId"]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint_id])  # the other run
    PlanApplier(ec2, private_vpc.vpc_id, wait_timeout=10).delete_endpoints([endpoint_id])
    wait_gone(ec2, private_vpc.vpc_id, [endpoint_id])
    assert read_endpoints(ec2, private_vpc.vpc_id, include_gone=True) == []


@pytest.mark.parametrize("guess", GUESSES["foreign_id_code"])
def test_a_subnet_of_another_vpc_fails_before_any_change_under_every_error_code(aws, private_vpc, run_endpoints,
                                                                                guess):
    aws.server.configure_semantics(foreign_id_code=guess)
    other = seed_private_vpc(aws.ec2, cidr="10.30.0.0/16", name="other")
    aws.server.clear_requests()
    rc, result, output = run_endpoints(services=["ecr.api"],
                                       subnet_ids=private_vpc.private_subnet_ids[:2] + other.private_subnet_ids[2:])
    assert rc != 0
    assert "subnet_ids: %s not in %s" % (other.private_subnet_ids[2], private_vpc.vpc_id) in output
    assert aws.server.mutating_requests() == {}
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []
