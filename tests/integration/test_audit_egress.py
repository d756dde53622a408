"""EGRESS_BLOCKS_PULL, prefix lists and a hub's way back, through moto_server with the AWS-semantics layer.

A VPC is deployed with the core module, tasks run in it (network interfaces of type ``interface`` with a
workload group), and each step changes it the way users do with boto3, audits it with
ecr_private_endpoints_info and asserts the findings on the state AWS reports. The rules are the pure
checks' (tests/unit/test_egress_corpus.py); here the reads are proven: egress rules, prefix lists named by
rules and routes (read once each), the hub's route tables and network ACLs read with the hub's connection.
"""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.ansible_cli import aws_env, run_module  # noqa: E402
from tests.support.audit_fixtures import REGION, deploy_args, ec2_client, seed_private_vpc  # noqa: E402

pytestmark = pytest.mark.integration

HTTPS = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}


@pytest.fixture
def world(server):
    server.reset()
    return {"server": server, "ec2": ec2_client(server.url), "env": aws_env(server.url, REGION)}


def audit(world, **args):
    world["server"].clear_requests()
    rc, result, output = run_module("ecr_private_endpoints_info", args, world["env"])
    assert rc == 0, output
    assert world["server"].mutating_requests() == {} and result["changed"] is False
    return result


def only_vpc(result, vpc_id):
    (vpc,) = [v for v in result["vpcs"] if v["vpc_id"] == vpc_id]
    return vpc


def serious(vpc):
    return sorted((f["id"], f["resource"]) for f in vpc["findings"] if f["severity"] in ("high", "medium"))


def of_id(vpc, finding_id):
    return [f for f in vpc["findings"] if f["id"] == finding_id]


def s3_prefix_list(ec2):
    (found,) = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name",
                                                           "Values": ["com.amazonaws.%s.s3" % REGION]}])["PrefixLists"]
    return found["PrefixListId"]


def endpoint_group(ec2, vpc_id):
    raw = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    groups = set(g["GroupId"] for e in raw for g in e.get("Groups") or [])
    assert len(groups) == 1
    return groups.pop(), sorted(e["VpcEndpointId"] for e in raw if e["VpcEndpointType"] == "Interface")


def deployed_with_tasks_group(world, cidr_prefix, name):
    """A private VPC with its endpoints deployed, and an empty security group "tasks" for its workloads."""
    ec2 = world["ec2"]
    vpc = seed_private_vpc(ec2, cidr_prefix=cidr_prefix, name=name)
    rc, _result, output = run_module("ecr_private_endpoints", deploy_args(vpc), world["env"])
    assert rc == 0, output
    tasks = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc["vpc_id"])["GroupId"]
    return ec2, vpc, tasks


def test_egress_restricted_to_the_vpc_is_found_repaired_and_prefix_lists_count(world):
    ec2, vpc, tasks = deployed_with_tasks_group(world, "10.40", "egress")
    for subnet in vpc["private_subnet_ids"]:
        eni = ec2.create_network_interface(SubnetId=subnet, Groups=[tasks])["NetworkInterface"]
        assert eni.get("InterfaceType", "interface") == "interface"
    assert serious(only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]]), vpc["vpc_id"])) == []

    # Egress restricted to the VPC: the endpoints are reached, S3's layer downloads are not.
    ec2.revoke_security_group_egress(GroupId=tasks, IpPermissions=[{"IpProtocol": "-1",
                                                                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_egress(GroupId=tasks, IpPermissions=[dict(HTTPS, IpRanges=[{"CidrIp": vpc["cidr"]}])])
    result = only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]]), vpc["vpc_id"])
    assert serious(result) == [("EGRESS_BLOCKS_PULL", tasks)]
    (item,) = of_id(result, "EGRESS_BLOCKS_PULL")
    s3 = s3_prefix_list(ec2)
    assert "cannot reach s3," in item["message"] and s3 in item["message"]
    assert item["remediation"].endswith(
        "aws ec2 authorize-security-group-egress --group-id %s --ip-permissions "
        "'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=%s}]'" % (tasks, s3))

    # The remediation, applied as the command says: clean again.
    ec2.authorize_security_group_egress(GroupId=tasks, IpPermissions=[dict(HTTPS, PrefixListIds=[{"PrefixListId": s3}])])
    assert serious(only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]]), vpc["vpc_id"])) == []

    # The endpoints admit a customer prefix list holding the VPC instead of its CIDR: still clean, each list
    # read once.
    group, interfaces = endpoint_group(ec2, vpc["vpc_id"])
    corp = ec2.create_managed_prefix_list(PrefixListName="corp", AddressFamily="IPv4", MaxEntries=5,
                                          Entries=[{"Cidr": vpc["cidr"]}])["PrefixList"]["PrefixListId"]
    ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[dict(HTTPS, IpRanges=[{"CidrIp": vpc["cidr"]}])])
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[dict(HTTPS, PrefixListIds=[{"PrefixListId": corp}])])
    result = only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]]), vpc["vpc_id"])
    assert serious(result) == []
    counts = world["server"].requests()
    assert counts["ec2.DescribeManagedPrefixLists"] == 1 and counts["ec2.GetManagedPrefixListEntries"] == 2
    assert counts["ec2.DescribeSecurityGroups"] == counts["ec2.DescribeNetworkInterfaces"] == 1

    # The list changed to hold one workload subnet only: the endpoints block the two others.
    ec2.modify_managed_prefix_list(PrefixListId=corp, CurrentVersion=1, AddEntries=[
        {"Cidr": vpc["private_subnet_cidrs"][0]}], RemoveEntries=[{"Cidr": vpc["cidr"]}])
    result = only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]]), vpc["vpc_id"])
    assert serious(result) == [("SG_BLOCKS_HTTPS", e) for e in interfaces]
    assert all(vpc["private_subnet_ids"][1] in f["message"] and vpc["private_subnet_ids"][0] not in f["message"]
               for f in of_id(result, "SG_BLOCKS_HTTPS"))


def test_group_reference_with_nothing_running_is_info_until_the_group_is_given(world):
    ec2, vpc, tasks = deployed_with_tasks_group(world, "10.41", "scaled-to-zero")
    group, interfaces = endpoint_group(ec2, vpc["vpc_id"])
    ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[dict(HTTPS, IpRanges=[{"CidrIp": vpc["cidr"]}])])
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[dict(HTTPS, UserIdGroupPairs=[{"GroupId": tasks}])])
    result = only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]]), vpc["vpc_id"])
    assert serious(result) == [] and result["compliant"] is True
    infos = of_id(result, "SG_BLOCKS_HTTPS")
    assert sorted(f["resource"] for f in infos) == interfaces
    assert all(f["severity"] == "info" and "no workload found that carries a referenced group" in f["message"]
               for f in infos)
    # The service's group given (it is scaled to zero): admitted, and its egress judged.
    given = only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]], workload_security_group_ids=[tasks]), vpc["vpc_id"])
    assert of_id(given, "SG_BLOCKS_HTTPS") == [] and serious(given) == []
    ec2.revoke_security_group_egress(GroupId=tasks, IpPermissions=[{"IpProtocol": "-1",
                                                                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    given = only_vpc(audit(world, vpc_ids=[vpc["vpc_id"]], workload_security_group_ids=[tasks]), vpc["vpc_id"])
    assert serious(given) == [("EGRESS_BLOCKS_PULL", tasks)]
    assert "cannot reach ecr.api, ecr.dkr, logs, s3," in of_id(given, "EGRESS_BLOCKS_PULL")[0]["message"]


def test_hub_way_back_by_prefix_list_and_hub_nacls(world):
    ec2 = world["ec2"]
    hub = seed_private_vpc(ec2, cidr_prefix="10.9", name="hub")
    spoke = seed_private_vpc(ec2, cidr_prefix="10.30", name="spoke")
    hub_group = ec2.create_security_group(GroupName="hub-endpoints", Description="hub", VpcId=hub["vpc_id"])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=hub_group, IpPermissions=[dict(HTTPS, IpRanges=[{"CidrIp": "10.0.0.0/8"}])])
    for service in ("ecr.api", "ecr.dkr", "logs"):
        ec2.create_vpc_endpoint(VpcId=hub["vpc_id"], VpcEndpointType="Interface", PrivateDnsEnabled=False,
                                ServiceName="com.amazonaws.%s.%s" % (REGION, service),
                                SubnetIds=hub["private_subnet_ids"], SecurityGroupIds=[hub_group])
    ec2.create_vpc_endpoint(VpcId=spoke["vpc_id"], VpcEndpointType="Gateway", ServiceName="com.amazonaws.%s.s3" % REGION,
                            RouteTableIds=spoke["private_route_table_ids"])
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    for vpc in (hub, spoke):
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc["vpc_id"],
                                                  SubnetIds=vpc["private_subnet_ids"][:1])
    # The spoke routes to the hub by a prefix list (the usual transit-gateway design).
    hubs = ec2.create_managed_prefix_list(PrefixListName="hubs", AddressFamily="IPv4", MaxEntries=5,
                                          Entries=[{"Cidr": hub["cidr"]}])["PrefixList"]["PrefixListId"]
    for table in spoke["private_route_table_ids"]:
        ec2.create_route(RouteTableId=table, DestinationPrefixListId=hubs, TransitGatewayId=tgw)
    args = {"vpc_ids": [spoke["vpc_id"]], "hub": {"vpc_id": hub["vpc_id"]}}
    result = only_vpc(audit(world, **args), spoke["vpc_id"])
    # The way there counts with the list's entries; the way back is missing from every hub endpoint subnet.
    unreachable = of_id(result, "HUB_UNREACHABLE")
    assert sorted(f["resource"] for f in unreachable) == sorted(hub["private_route_table_ids"])
    assert all(hub["vpc_id"] in f["message"] and "back to VPC %s" % spoke["vpc_id"] in f["message"] for f in unreachable)
    # The hub routes back by a prefix list holding the spokes: reachable both ways.
    spokes = ec2.create_managed_prefix_list(PrefixListName="spokes", AddressFamily="IPv4", MaxEntries=5,
                                            Entries=[{"Cidr": "10.30.0.0/16"}])["PrefixList"]["PrefixListId"]
    for table in hub["private_route_table_ids"]:
        ec2.create_route(RouteTableId=table, DestinationPrefixListId=spokes, TransitGatewayId=tgw)
    result = only_vpc(audit(world, **args), spoke["vpc_id"])
    assert of_id(result, "HUB_UNREACHABLE") == [] and of_id(result, "NACL_BLOCKS_HTTPS") == []
    # The hub's endpoint subnets' ACL denies the spoke: reported on the hub's ACL.
    (acl,) = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [hub["vpc_id"]]},
                                                {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50, Protocol="-1", RuleAction="deny",
                                 Egress=False, CidrBlock="10.30.0.0/16")
    result = only_vpc(audit(world, **args), spoke["vpc_id"])
    (blocked,) = of_id(result, "NACL_BLOCKS_HTTPS")
    assert blocked["resource"] == acl["NetworkAclId"] and "inbound" in blocked["message"]
    assert "rule 50" in blocked["message"] and "of the hub VPC %s" % hub["vpc_id"] in blocked["message"]


def test_an_unknown_given_group_fails_naming_the_option(world):
    vpc = seed_private_vpc(world["ec2"], cidr_prefix="10.42", name="unknown-group")
    world["server"].clear_requests()
    rc, result, _output = run_module("ecr_private_endpoints_info", {
        "vpc_ids": [vpc["vpc_id"]], "workload_security_group_ids": ["sg-0123456789abcdef0"]}, world["env"])
    assert rc != 0 and "workload_security_group_ids: sg-0123456789abcdef0" in result["msg"]
    assert world["server"].mutating_requests() == {}
