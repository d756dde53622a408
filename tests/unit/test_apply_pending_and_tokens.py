"""The applier against EC2's documented behaviour, with botocore's Stubber (no emulator):
a pending endpoint is waited for before it is modified, and a create answered with a deleted
endpoint (a reused ClientToken) is sent again with a fresh token."""

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.privatelink.ecr.plugins.module_utils._apply import PlanApplier, client_token
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError

VPC = "vpc-0123456789abcdef0"
EID = "vpce-0aaaaaaaaaaaaaaa1"


def stubbed(wait_timeout=5):
    client = boto3.client("ec2", region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x",
                          endpoint_url="http://127.0.0.1:9")
    return PlanApplier(client, VPC, wait_timeout=wait_timeout), Stubber(client)


def create_action():
    return {"service": "ecr.api", "action": "create",
            "details": {"service_name": "com.amazonaws.eu-west-1.ecr.api", "vpc_endpoint_type": "Interface",
                        "subnet_ids": ["subnet-0aaaaaaaaaaaaaaa1"], "security_group_ids": ["sg-0aaaaaaaaaaaaaaa1"],
                        "private_dns_enabled": True, "tags": {"ManagedBy": "privatelink.ecr"}}}


def modify_action():
    return {"service": "ecr.api", "action": "modify",
            "details": {"vpc_endpoint_id": EID, "add_subnet_ids": ["subnet-0bbbbbbbbbbbbbbb2"]}}


def endpoint(eid, state):
    return {"VpcEndpoint": {"VpcEndpointId": eid, "State": state}}


def test_a_create_answered_with_a_deleted_endpoint_is_sent_again_with_a_fresh_token():
    applier, stub = stubbed()
    action = create_action()
    first_token = client_token(VPC, action["details"], set())
    stub.add_response("create_vpc_endpoint", endpoint("vpce-0dddddddddddddd01", "deleted"),
                      {"VpcId": VPC, "ServiceName": ANY, "VpcEndpointType": "Interface", "TagSpecifications": ANY,
                       "SubnetIds": ANY, "SecurityGroupIds": ANY, "PrivateDnsEnabled": True,
                       "ClientToken": first_token})
    stub.add_response("create_vpc_endpoint", endpoint("vpce-0eeeeeeeeeeeeee02", "pending"))
    with stub:
        assert applier.create_endpoint(action, []) == "vpce-0eeeeeeeeeeeeee02"
    stub.assert_no_pending_responses()


def test_a_create_answered_with_an_endpoint_known_as_retired_is_sent_again():
    applier, stub = stubbed()
    stub.add_response("create_vpc_endpoint", endpoint("vpce-0dddddddddddddd01", "pending"))
    stub.add_response("create_vpc_endpoint", endpoint("vpce-0eeeeeeeeeeeeee02", "pending"))
    with stub:
        assert applier.create_endpoint(create_action(), ["vpce-0dddddddddddddd01"]) == "vpce-0eeeeeeeeeeeeee02"


def test_two_stale_answers_fail_with_a_message_and_no_third_create():
    applier, stub = stubbed()
    stub.add_response("create_vpc_endpoint", endpoint("vpce-0dddddddddddddd01", "deleted"))
    stub.add_response("create_vpc_endpoint", endpoint("vpce-0dddddddddddddd02", "deleting"))
    with stub, pytest.raises(PrivatelinkError) as err:
        applier.create_endpoint(create_action(), [])
    assert "vpce-0dddddddddddddd01" in str(err.value) and "deleted endpoint" in str(err.value)
    stub.assert_no_pending_responses()


def test_tokens_differ_once_the_answer_is_known_to_be_stale_and_agree_otherwise():
    details = create_action()["details"]
    assert client_token(VPC, details, []) == client_token(VPC, dict(details), [])
    assert client_token(VPC, details, []) != client_token(VPC, details, ["vpce-0dddddddddddddd01"])


def test_a_pending_endpoint_is_waited_for_before_it_is_modified():
    applier, stub = stubbed()
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [{"VpcEndpointId": EID, "State": "available"}]},
                      {"VpcEndpointIds": [EID]})
    stub.add_response("modify_vpc_endpoint", {"Return": True},
                      {"VpcEndpointId": EID, "AddSubnetIds": ["subnet-0bbbbbbbbbbbbbbb2"]})
    with stub:
        applier.modify_endpoint(modify_action(), "pending")
    stub.assert_no_pending_responses()


def test_an_available_endpoint_is_modified_at_once():
    applier, stub = stubbed()
    stub.add_response("modify_vpc_endpoint", {"Return": True})
    with stub:
        applier.modify_endpoint(modify_action(), "available")
    stub.assert_no_pending_responses()


def test_incorrect_state_from_a_concurrent_change_is_waited_out_once():
    applier, stub = stubbed()
    stub.add_client_error("modify_vpc_endpoint", service_error_code="IncorrectState",
                          service_message="The endpoint is not in the available state.")
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [{"VpcEndpointId": EID, "State": "available"}]})
    stub.add_response("modify_vpc_endpoint", {"Return": True})
    with stub:
        applier.modify_endpoint(modify_action(), "available")
    stub.assert_no_pending_responses()


def test_a_pending_endpoint_that_never_becomes_available_ends_in_a_bounded_wait_naming_it():
    applier, stub = stubbed(wait_timeout=0)
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [{"VpcEndpointId": EID, "State": "pending"}]})
    with stub, pytest.raises(PrivatelinkError) as err:
        applier.modify_endpoint(modify_action(), "pending")
    assert EID + " (pending)" in str(err.value)


def test_deletes_of_a_replaced_endpoint_are_waited_for_before_its_successor_is_created():
    applier, stub = stubbed()
    delete = {"service": "ecr.api", "action": "delete", "details": {"vpc_endpoint_id": "vpce-0dddddddddddddd01"}}
    stub.add_response("delete_vpc_endpoints", {"Unsuccessful": []})
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": []},
                      {"Filters": [{"Name": "vpc-endpoint-id", "Values": ["vpce-0dddddddddddddd01"]}]})
    stub.add_response("create_vpc_endpoint", endpoint("vpce-0eeeeeeeeeeeeee02", "pending"))
    create = create_action()
    with stub:
        applier.apply([delete, create], {})
    stub.assert_no_pending_responses()
    assert create["details"]["vpc_endpoint_id"] == "vpce-0eeeeeeeeeeeeee02"
