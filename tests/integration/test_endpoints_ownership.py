"""Ownership: endpoints the collection did not create are adopted, never duplicated, never deleted.

Unowned endpoints are made with boto3 (no ``ManagedBy`` tag), as another team or the
console would have made them.
"""

from tests.integration.moto_vpc import OWNER_TAG, by_service, https_sources, read_endpoints, tags_of

THEIR_TAGS = {"Owner": "team-a"}
OUR_TAGS = {"Team": "platform"}


def create_unowned(ec2, vpc_id, service, **kwargs):
    """An endpoint without the ownership tag (another team's, or made in the console)."""
    kind = "Gateway" if service == "s3" else "Interface"
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName="com.amazonaws.eu-west-1." + service, VpcEndpointType=kind,
        TagSpecifications=[{"ResourceType": "vpc-endpoint",
                            "Tags": [{"Key": k, "Value": v} for k, v in THEIR_TAGS.items()]}],
        **kwargs)
    return endpoint["VpcEndpoint"]["VpcEndpointId"]


def live(ec2, vpc_id):
    """{service: raw endpoint} of endpoints not deleted, asserting one per service."""
    found = by_service(read_endpoints(ec2, vpc_id))
    for service, endpoints in found.items():
        assert len(endpoints) == 1, "duplicate %s endpoints: %s" % (service, endpoints)
    return {service: endpoints[0] for service, endpoints in found.items()}


def group_exists(ec2, vpc_id, group_id):
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    return group_id in [g["GroupId"] for g in groups]


def test_unowned_endpoints_are_adopted_converged_and_never_deleted(aws, private_vpc, run_endpoints):
    ec2, vpc_id = aws.ec2, private_vpc.vpc_id
    subnets, route_tables = private_vpc.private_subnet_ids, private_vpc.private_route_table_ids
    theirs = {
        "ecr.api": create_unowned(ec2, vpc_id, "ecr.api", SubnetIds=subnets[:2], PrivateDnsEnabled=True),
        "s3": create_unowned(ec2, vpc_id, "s3", RouteTableIds=route_tables[:1]),
    }
    aws.server.clear_requests()

    rc, result, output = run_endpoints(tags=OUR_TAGS)
    assert rc == 0, output
    group_id = result["security_group_id"]
    actions = {c["service"]: c for c in result["changes"]}
    assert sorted((c["service"], c["action"]) for c in result["changes"]) == [
        ("ecr.api", "adopt"), ("ecr.dkr", "create"), ("logs", "create"), ("s3", "adopt"),
        ("security_group", "create")]
    assert actions["ecr.api"]["details"]["vpc_endpoint_id"] == theirs["ecr.api"]
    assert actions["ecr.api"]["details"]["add_subnet_ids"] == [subnets[2]]
    assert len(actions["ecr.api"]["details"]["add_security_group_ids"]) == 1
    assert actions["s3"]["details"]["add_route_table_ids"] == sorted(route_tables[1:])
    assert aws.server.requests().get("ec2.CreateVpcEndpoint") == 2

    state = live(ec2, vpc_id)
    assert sorted(state) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    assert {s: state[s]["VpcEndpointId"] for s in theirs} == theirs
    assert sorted(state["ecr.api"]["SubnetIds"]) == sorted(subnets)
    assert group_id in [g["GroupId"] for g in state["ecr.api"]["Groups"]]
    assert sorted(state["s3"]["RouteTableIds"]) == sorted(route_tables)
    # The user's tags go on every endpoint; the ownership tag only on what the module created.
    for service in theirs:
        assert tags_of(state[service]) == dict(THEIR_TAGS, **OUR_TAGS)
    for service in ("ecr.dkr", "logs"):
        assert tags_of(state[service]) == dict(OWNER_TAG, **OUR_TAGS)
    assert {s: e["vpc_endpoint_id"] for s, e in result["endpoints"].items()} == {
        s: e["VpcEndpointId"] for s, e in state.items()}

    aws.server.clear_requests()
    rc, again, output = run_endpoints(tags=OUR_TAGS)
    assert rc == 0, output
    assert (again["changed"], again["changes"]) == (False, [])
    assert aws.server.mutating_requests() == {}

    # Tearing down everything we own (purge_services: every owned endpoint) spares theirs.
    rc, gone, output = run_endpoints(state="absent", purge_services=True)
    assert rc == 0, output
    assert sorted((c["service"], c["action"]) for c in gone["changes"]) == [
        ("ecr.dkr", "delete"), ("logs", "delete")]
    assert {s: e["VpcEndpointId"] for s, e in live(ec2, vpc_id).items()} == theirs
    # Their ecr.api endpoint still uses the managed group, so the group stays.
    assert group_exists(ec2, vpc_id, group_id)


def test_purge_services_deletes_only_owned_endpoints_of_unwanted_services(aws, private_vpc, run_endpoints):
    ec2, vpc_id = aws.ec2, private_vpc.vpc_id
    rc, first, output = run_endpoints(extra_services=["sts"])
    assert rc == 0, output
    ours = {s: e["vpc_endpoint_id"] for s, e in first["endpoints"].items()}
    assert sorted(ours) == ["ecr.api", "ecr.dkr", "logs", "s3", "sts"]
    their_ssm = create_unowned(ec2, vpc_id, "ssm", SubnetIds=private_vpc.private_subnet_ids[:1])

    # Without purge_services an endpoint no longer wanted is left alone.
    aws.server.clear_requests()
    rc, kept, output = run_endpoints()
    assert rc == 0, output
    assert (kept["changed"], kept["changes"]) == (False, [])
    assert aws.server.mutating_requests() == {}
    assert "sts" in live(ec2, vpc_id)

    aws.server.clear_requests()
    rc, result, output = run_endpoints(purge_services=True)
    assert rc == 0, output
    assert result["changed"] is True
    assert [(c["service"], c["action"], c["details"]["vpc_endpoint_id"]) for c in result["changes"]] == [
        ("sts", "delete", ours["sts"])]
    assert aws.server.mutating_requests() == {"ec2.DeleteVpcEndpoints": 1}
    state = {s: e["VpcEndpointId"] for s, e in live(ec2, vpc_id).items()}
    expected = {s: i for s, i in ours.items() if s != "sts"}
    expected["ssm"] = their_ssm
    assert state == expected
    assert sorted(result["endpoints"]) == ["ecr.api", "ecr.dkr", "logs", "s3"]


def test_state_absent_leaves_unowned_endpoints_and_removes_the_managed_group(aws, private_vpc, run_endpoints):
    ec2, vpc_id = aws.ec2, private_vpc.vpc_id
    rc, first, output = run_endpoints()
    assert rc == 0, output
    group_id = first["security_group_id"]
    their_ssm = create_unowned(ec2, vpc_id, "ssm", SubnetIds=private_vpc.private_subnet_ids[:1])
    assert https_sources(ec2, group_id) == ({private_vpc.cidr}, [])

    expected = [("ecr.api", "delete"), ("ecr.dkr", "delete"), ("logs", "delete"), ("s3", "delete"),
                ("security_group", "delete")]

    # Check mode: the deletes are planned and shown, nothing is deleted.
    aws.server.clear_requests()
    rc, plan, output = run_endpoints(state="absent", check=True, diff=True)
    assert rc == 0, output
    assert plan["changed"] is True
    assert sorted((c["service"], c["action"]) for c in plan["changes"]) == expected
    assert aws.server.mutating_requests() == {}
    assert sorted(plan["diff"]["before"]["endpoints"]) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    assert plan["diff"]["after"]["endpoints"] == {}
    assert sorted(live(ec2, vpc_id)) == ["ecr.api", "ecr.dkr", "logs", "s3", "ssm"]
    assert group_exists(ec2, vpc_id, group_id)

    rc, result, output = run_endpoints(state="absent")
    assert rc == 0, output
    assert result["changed"] is True
    assert sorted((c["service"], c["action"]) for c in result["changes"]) == expected
    assert result["endpoints"] == {}
    assert result["security_group_id"] is None
    assert {s: e["VpcEndpointId"] for s, e in live(ec2, vpc_id).items()} == {"ssm": their_ssm}
    assert not group_exists(ec2, vpc_id, group_id)

    aws.server.clear_requests()
    rc, again, output = run_endpoints(state="absent")
    assert rc == 0, output
    assert (again["changed"], again["changes"]) == (False, [])
    assert aws.server.mutating_requests() == {}
