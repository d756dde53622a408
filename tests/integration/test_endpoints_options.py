"""Options of ecr_private_endpoints no other test passes end to end, against moto_server with the AWS-semantics
layer: the ecs and eks service sets converged and re-run, a VPC and a managed security group by name, and a
wait_timeout that expires while AWS keeps the endpoints pending.
"""

import pytest

from tests.integration.moto_vpc import by_service, read_endpoints, tags_of

# The services each workload needs (docs/docsite/rst and the module's workload option), written out here
# rather than read from the collection, so a change to the collection's lists shows as a failure.
WORKLOAD_SETS = {
    "ecs": {"ecr.api", "ecr.dkr", "s3", "logs", "ecs", "ecs-agent", "ecs-telemetry"},
    "eks": {"ecr.api", "ecr.dkr", "s3", "ec2", "sts", "logs", "eks", "eks-auth", "elasticloadbalancing",
            "autoscaling"},
}


@pytest.mark.parametrize("workload", sorted(WORKLOAD_SETS))
def test_the_workloads_service_set_converges_and_a_rerun_changes_nothing(aws, private_vpc, run_endpoints, workload):
    rc, result, out = run_endpoints(workload=workload)
    assert rc == 0 and result["changed"], out
    found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    assert set(found) == WORKLOAD_SETS[workload]
    assert all(len(endpoints) == 1 for endpoints in found.values()), found
    for service, [endpoint] in found.items():
        if service == "s3":
            assert endpoint["VpcEndpointType"] == "Gateway"
            assert sorted(endpoint["RouteTableIds"]) == sorted(private_vpc.private_route_table_ids)
        else:
            assert endpoint["VpcEndpointType"] == "Interface" and endpoint["PrivateDnsEnabled"] is True
            assert sorted(endpoint["SubnetIds"]) == sorted(private_vpc.private_subnet_ids)
    aws.server.clear_requests()
    rc, again, out = run_endpoints(workload=workload)
    assert rc == 0 and not again["changed"], out
    assert aws.server.mutating_requests() == {}


def test_a_vpc_by_name_gets_the_security_group_of_the_given_name(aws, private_vpc, run_endpoints):
    args = {"vpc_name": "workload", "services": ["ecr.api", "ecr.dkr"], "security_group_name": "ecr-pulls-prod",
            "subnet_ids": list(private_vpc.private_subnet_ids)}
    rc, result, out = run_endpoints(args=args)
    assert rc == 0 and result["changed"], out
    groups = aws.ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [private_vpc.vpc_id]},
                                                       {"Name": "group-name", "Values": ["ecr-pulls-prod"]}])
    [group] = groups["SecurityGroups"]
    assert result["security_group_id"] == group["GroupId"]
    found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    assert set(found) == {"ecr.api", "ecr.dkr"}
    assert all([g["GroupId"] for g in e[0]["Groups"]] == [group["GroupId"]] for e in found.values()), found
    assert tags_of(group).get("ManagedBy") == "privatelink.ecr", tags_of(group)
    aws.server.clear_requests()
    rc, again, out = run_endpoints(args=args)
    assert rc == 0 and not again["changed"], out
    assert aws.server.mutating_requests() == {}


def test_wait_timeout_expiring_fails_naming_the_pending_endpoints_and_the_changes_made(aws, private_vpc,
                                                                                       run_endpoints):
    # AWS keeps a new interface endpoint pending for a while; here longer than the run is willing to wait.
    aws.server.configure_semantics(pending_seconds=30.0)
    rc, result, out = run_endpoints(services=["ecr.api"], wait=True, wait_timeout=1)
    assert rc != 0, out
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert endpoint["State"] == "pending"
    assert result["msg"].startswith("Timed out or failed after 1s waiting for the endpoints to become available: "
                                    "%s (pending)" % endpoint["VpcEndpointId"]), result["msg"]
    # The failure after the first change says what was applied (the connection fragment's notes).
    assert result["changed"] is True
    assert [(c["action"], c["service"]) for c in result["changes"] if c["service"] == "ecr.api"] == [
        ("create", "ecr.api")], result["changes"]
