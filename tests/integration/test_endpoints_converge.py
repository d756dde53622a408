"""ecr_private_endpoints on a fresh private VPC: converge, idempotence, check mode, diff, playbook.

Every outcome is read back from moto_server with boto3; requests are counted at the server.
"""

import os

import yaml

from tests.integration.moto_vpc import (
    FARGATE_TYPES,
    OWNER_TAG,
    by_service,
    endpoint_args,
    https_sources,
    read_endpoints,
    tags_of,
)
from tests.support.ansible_cli import run_playbook

HERE = os.path.dirname(os.path.abspath(__file__))
USER_TAGS = {"Team": "platform", "CostCentre": "42"}


def managed_groups(ec2, vpc_id, name="ecr-private-endpoints"):
    return ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                 {"Name": "group-name", "Values": [name]}])["SecurityGroups"]


def assert_converged(ec2, vpc, group_id, tags=None):
    """The VPC holds exactly the fargate endpoints, each as the contract says; returns {service: id}."""
    found = by_service(read_endpoints(ec2, vpc.vpc_id))
    assert sorted(found) == sorted(FARGATE_TYPES)
    ids = {}
    for service, endpoints in found.items():
        assert len(endpoints) == 1, "duplicate %s endpoints: %s" % (service, endpoints)
        endpoint = endpoints[0]
        ids[service] = endpoint["VpcEndpointId"]
        assert endpoint["VpcEndpointType"] == FARGATE_TYPES[service]
        assert endpoint["State"] == "available"
        assert tags_of(endpoint) == dict(OWNER_TAG, **(tags or {}))
        if FARGATE_TYPES[service] == "Interface":
            assert sorted(endpoint["SubnetIds"]) == sorted(vpc.private_subnet_ids)
            assert vpc.public_subnet_id not in endpoint["SubnetIds"]
            assert [g["GroupId"] for g in endpoint["Groups"]] == [group_id]
            assert endpoint["PrivateDnsEnabled"] is True
            assert not endpoint.get("RouteTableIds")
        else:
            assert sorted(endpoint["RouteTableIds"]) == sorted(vpc.private_route_table_ids)
            assert vpc.public_route_table_id not in endpoint["RouteTableIds"]
            assert not endpoint.get("SubnetIds")
    return ids


def assert_managed_group(ec2, vpc, group_id, tags=None):
    groups = managed_groups(ec2, vpc.vpc_id)
    assert [g["GroupId"] for g in groups] == [group_id]
    assert tags_of(groups[0]) == dict(OWNER_TAG, **(tags or {}))
    cidrs, other_rules = https_sources(ec2, group_id)
    # TCP 443 from the VPC's CIDR and nothing else: no other port, no other source.
    assert cidrs == {vpc.cidr}
    assert other_rules == []


def test_converge_creates_the_fargate_endpoints_and_a_rerun_changes_nothing(aws, private_vpc, run_endpoints):
    rc, result, output = run_endpoints(diff=True, tags=USER_TAGS)
    assert rc == 0, output
    assert result["changed"] is True

    group_id = result["security_group_id"]
    assert group_id and group_id.startswith("sg-")
    ids = assert_converged(aws.ec2, private_vpc, group_id, USER_TAGS)
    assert_managed_group(aws.ec2, private_vpc, group_id, USER_TAGS)

    # The return value describes what AWS now holds.
    assert {s: e["vpc_endpoint_id"] for s, e in result["endpoints"].items()} == ids
    for service, endpoint in result["endpoints"].items():
        assert endpoint["vpc_endpoint_type"] == FARGATE_TYPES[service]
        assert endpoint["state"] == "available"
        assert endpoint["service_name"] == "com.amazonaws.eu-west-1." + service
    assert sorted((c["service"], c["action"]) for c in result["changes"]) == sorted(
        [(s, "create") for s in FARGATE_TYPES] + [("security_group", "create")])
    # Diff mode on a real run: nothing before, AWS's real ids after.
    assert result["diff"]["before"]["endpoints"] == {}
    assert {s: e["vpc_endpoint_id"] for s, e in result["diff"]["after"]["endpoints"].items()} == ids
    assert result["diff"]["after"]["security_group"]["group_id"] == group_id
    assert mutating_counts_are_creates(aws.server.requests())

    aws.server.clear_requests()
    rc, again, output = run_endpoints(tags=USER_TAGS)
    assert rc == 0, output
    assert again["changed"] is False
    assert again["changes"] == []
    assert again["security_group_id"] == group_id
    assert {s: e["vpc_endpoint_id"] for s, e in again["endpoints"].items()} == ids
    requests = aws.server.requests()
    assert aws.server.mutating_requests() == {}
    # A no-op converge reads the VPC, its endpoints and the managed group: 3 requests (at most 4).
    assert sum(requests.values()) <= 4, requests
    assert all(action.split(".", 1)[1].startswith("Describe") for action in requests), requests
    assert assert_converged(aws.ec2, private_vpc, group_id, USER_TAGS) == ids


def mutating_counts_are_creates(requests):
    """The first converge sends one create per endpoint and group and nothing destructive."""
    assert requests.get("ec2.CreateVpcEndpoint") == 4, requests
    assert requests.get("ec2.CreateSecurityGroup") == 1, requests
    assert not [a for a in requests if a.split(".", 1)[1].startswith(("Delete", "Modify", "Revoke"))], requests
    return True


def test_check_mode_on_an_untouched_vpc_reports_the_plan_and_creates_nothing(aws, private_vpc, run_endpoints):
    rc, result, output = run_endpoints(check=True, diff=True)
    assert rc == 0, output
    assert result["changed"] is True
    creates = sorted(c["service"] for c in result["changes"] if c["action"] == "create")
    assert creates == sorted(list(FARGATE_TYPES) + ["security_group"])
    assert [c for c in result["changes"] if c["action"] != "create"] == []
    by_name = {c["service"]: c["details"] for c in result["changes"]}
    assert by_name["s3"]["vpc_endpoint_type"] == "Gateway"
    assert sorted(by_name["s3"]["route_table_ids"]) == sorted(private_vpc.private_route_table_ids)
    assert sorted(by_name["ecr.dkr"]["subnet_ids"]) == sorted(private_vpc.private_subnet_ids)
    assert by_name["security_group"]["add_cidrs"] == [private_vpc.cidr]

    # --diff in check mode: before is empty, after is what the run would build.
    assert result["diff"]["before"]["endpoints"] == {}
    after = result["diff"]["after"]["endpoints"]
    assert {s: e["vpc_endpoint_type"] for s, e in after.items()} == FARGATE_TYPES
    assert sorted(after["ecr.api"]["subnet_ids"]) == sorted(private_vpc.private_subnet_ids)

    assert aws.server.mutating_requests() == {}
    assert read_endpoints(aws.ec2, private_vpc.vpc_id, include_gone=True) == []
    assert managed_groups(aws.ec2, private_vpc.vpc_id) == []


def test_diff_mode_shows_before_and_after_of_a_change(aws, private_vpc, run_endpoints):
    """Narrowing the subnets: before lists three, after two, and AWS ends with two."""
    rc, first, output = run_endpoints(services=["ecr.api"])
    assert rc == 0, output
    endpoint_id = first["endpoints"]["ecr.api"]["vpc_endpoint_id"]
    kept = private_vpc.private_subnet_ids[:2]

    rc, result, output = run_endpoints(diff=True, services=["ecr.api"], subnet_ids=kept)
    assert rc == 0, output
    assert result["changed"] is True
    before = result["diff"]["before"]["endpoints"]["ecr.api"]
    after = result["diff"]["after"]["endpoints"]["ecr.api"]
    assert before["vpc_endpoint_id"] == after["vpc_endpoint_id"] == endpoint_id
    assert sorted(before["subnet_ids"]) == sorted(private_vpc.private_subnet_ids)
    assert sorted(after["subnet_ids"]) == sorted(kept)
    assert result["changes"] == [{"service": "ecr.api", "action": "modify", "details": {
        "vpc_endpoint_id": endpoint_id, "remove_subnet_ids": [private_vpc.private_subnet_ids[2]]}}]
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert sorted(endpoint["SubnetIds"]) == sorted(kept)


def test_allowed_cidrs_are_the_only_https_sources(aws, private_vpc, run_endpoints):
    workloads = ["10.20.0.0/24", "10.20.1.0/24"]
    rc, first, output = run_endpoints(services=["ecr.api"], allowed_cidrs=workloads)
    assert rc == 0, output
    group_id = first["security_group_id"]
    assert https_sources(aws.ec2, group_id) == (set(workloads), [])

    rc, result, output = run_endpoints(services=["ecr.api"], allowed_cidrs=["10.20.2.0/24"])
    assert rc == 0, output
    assert result["changes"] == [{"service": "security_group", "action": "modify", "details": {
        "group_id": group_id, "group_name": "ecr-private-endpoints",
        "add_cidrs": ["10.20.2.0/24"], "remove_cidrs": workloads}}]
    assert result["security_group_id"] == group_id
    assert https_sources(aws.ec2, group_id) == ({"10.20.2.0/24"}, [])


def test_own_security_groups_replace_the_managed_group(aws, private_vpc, run_endpoints):
    own = aws.ec2.create_security_group(GroupName="team-https", Description="team's own",
                                        VpcId=private_vpc.vpc_id)["GroupId"]
    rc, result, output = run_endpoints(security_group_ids=[own])
    assert rc == 0, output
    assert result["security_group_id"] is None
    assert "security_group" not in [c["service"] for c in result["changes"]]
    found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    for service in ("ecr.api", "ecr.dkr", "logs"):
        assert [g["GroupId"] for g in found[service][0]["Groups"]] == [own]
    assert managed_groups(aws.ec2, private_vpc.vpc_id) == []


def test_numeric_tag_values_are_idempotent(aws, private_vpc, run_endpoints):
    """YAML's ``CostCentre: 42`` arrives as an int; AWS stores "42": the rerun must not see a change."""
    rc, first, output = run_endpoints(services=["ecr.api"], tags={"CostCentre": 42})
    assert rc == 0, output
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert tags_of(endpoint)["CostCentre"] == "42"
    aws.server.clear_requests()
    rc, again, output = run_endpoints(services=["ecr.api"], tags={"CostCentre": 42})
    assert rc == 0, output
    assert (again["changed"], again["changes"]) == (False, [])
    assert aws.server.mutating_requests() == {}


def write_inventory(tmp_path):
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"target": {
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
    }}}}))
    return str(inventory)


def test_playbook_converges_then_is_idempotent(aws, private_vpc, tmp_path):
    """A real ansible-playbook run: check mode, converge, converge again (asserted in the play)."""
    proc = run_playbook(os.path.join(HERE, "playbooks", "converge_twice.yml"), aws.env,
                        inventory=write_inventory(tmp_path),
                        extra_vars={"endpoint_url": aws.url, "aws_region": aws.region,
                                    **endpoint_args(private_vpc)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Changed: the check-mode plan and the first converge; the rerun is not.
    assert "changed=2" in proc.stdout.split("PLAY RECAP")[1]
    groups = managed_groups(aws.ec2, private_vpc.vpc_id)
    assert len(groups) == 1
    assert_converged(aws.ec2, private_vpc, groups[0]["GroupId"], {"Team": "playbook"})
    assert_managed_group(aws.ec2, private_vpc, groups[0]["GroupId"], {"Team": "playbook"})


def test_changes_name_the_real_group_id_after_apply(aws, private_vpc, run_endpoints):
    """After a real run, ``changes`` names the group AWS created, not the check-mode placeholder."""
    rc, result, output = run_endpoints(services=["ecr.api"])
    assert rc == 0, output
    group_id = result["security_group_id"]
    [create] = [c for c in result["changes"] if c["service"] == "ecr.api"]
    assert create["details"]["security_group_ids"] == [group_id]
    # ... the group AWS holds, and the one the endpoint AWS holds uses.
    assert [g["GroupId"] for g in managed_groups(aws.ec2, private_vpc.vpc_id)] == [group_id]
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert endpoint["VpcEndpointId"] == create["details"]["vpc_endpoint_id"]
    assert [g["GroupId"] for g in endpoint["Groups"]] == [group_id]
