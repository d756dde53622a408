"""ecr_private_endpoints_info against moto_server: deploy a VPC with the core module, break it, audit it.

VPCs are deployed with the real CLIs (privatelink.ecr.ecr_private_endpoints), broken with boto3 the
way users break them, and audited; the tests assert the findings. To keep the suite fast, the
"fleet" fixture deploys one VPC per case in one playbook run and audits them all in one module
call. States moto cannot represent (an endpoint in pendingAcceptance or failed) are covered in
tests/unit/test_audit_checks.py.
"""

import json
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.ansible_cli import aws_env, run_module, run_playbook  # noqa: E402
from tests.support.audit_fixtures import (  # noqa: E402
    REGION,
    assumed_credentials,
    deploy_args,
    ec2_client,
    seed_private_vpc,
)

pytestmark = pytest.mark.integration

HIGH_OR_MEDIUM = ("high", "medium")


@pytest.fixture
def lab(server):
    """An empty moto account with a seeded private VPC (main route table serving one private subnet)."""
    server.reset()
    ec2 = ec2_client(server.url)
    seeded = seed_private_vpc(ec2)
    return {"server": server, "ec2": ec2, "vpc": seeded, "env": aws_env(server.url, REGION)}


def deploy(lab, **extra):
    rc, result, output = run_module("ecr_private_endpoints", deploy_args(lab["vpc"], **extra), lab["env"])
    assert rc == 0, output
    return result


def audit(lab, check=False, **args):
    args.setdefault("vpc_ids", [lab["vpc"]["vpc_id"]])
    lab["server"].clear_requests()
    rc, result, output = run_module("ecr_private_endpoints_info", args, lab["env"], check=check)
    assert rc == 0, output
    # Read-only, whatever it finds.
    assert lab["server"].mutating_requests() == {}
    assert result["changed"] is False
    return result


def the_vpc(result, vpc_id):
    (vpc,) = [v for v in result["vpcs"] if v["vpc_id"] == vpc_id]
    return vpc


def found(vpc, finding_id):
    return [f for f in vpc["findings"] if f["id"] == finding_id]


def serious(vpc):
    return [f for f in vpc["findings"] if f["severity"] in HIGH_OR_MEDIUM]


def deployed_state(ec2, vpc_id):
    """What the deploy made, read back with boto3: endpoints by short service name, the managed group."""
    prefix = "com.amazonaws.%s." % REGION
    raw = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    endpoints = {}
    for item in raw:
        if item["State"].lower() in ("deleted", "deleting"):
            continue
        endpoints[item["ServiceName"][len(prefix):]] = {
            "vpc_endpoint_id": item["VpcEndpointId"], "service_name": item["ServiceName"],
            "vpc_endpoint_type": item["VpcEndpointType"], "subnet_ids": item.get("SubnetIds") or [],
            "security_group_ids": [g["GroupId"] for g in item.get("Groups") or []]}
    groups = set(g for e in endpoints.values() for g in e["security_group_ids"])
    assert sorted(endpoints) == ["ecr.api", "ecr.dkr", "logs", "s3"] and len(groups) == 1
    return {"endpoints": endpoints, "security_group_id": groups.pop()}


DEPLOY_MANY = """\
- name: Deploy every seeded VPC with the core module
  hosts: all
  connection: local
  gather_facts: false
  tasks:
    - name: Converge the VPC
      privatelink.ecr.ecr_private_endpoints:
        vpc_id: "{{ vpc_id }}"
        subnet_ids: "{{ subnet_ids }}"
        route_table_ids: "{{ route_table_ids }}"
"""


def deploy_many(env, seeded, folder):
    """Deploy several VPCs in one ansible-playbook run (one host per VPC, in parallel)."""
    inventory = {"all": {"hosts": {name: deploy_args(vpc) for name, vpc in seeded.items()}}}
    inventory_path = os.path.join(folder, "inventory.json")
    playbook_path = os.path.join(folder, "deploy_many.yml")
    with open(inventory_path, "w") as handle:
        json.dump(inventory, handle)
    with open(playbook_path, "w") as handle:
        handle.write(DEPLOY_MANY)
    proc = run_playbook(playbook_path, env, inventory=inventory_path, args=["-f", "4"])
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------- each way a deployed VPC breaks

def _endpoint_id(deployed, service):
    return deployed["endpoints"][service]["vpc_endpoint_id"]


def _interface_ids(deployed):
    return sorted(e["vpc_endpoint_id"] for e in deployed["endpoints"].values()
                  if e["vpc_endpoint_type"] == "Interface")


def _replace_https_rule(ec2, vpc, deployed, **source):
    group = deployed["security_group_id"]
    ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": vpc["cidr"]}]}])
    rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
    rule.update(source)
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[rule])


def _group(ec2, vpc, name):
    return ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc["vpc_id"])["GroupId"]


# Each break returns the (finding id, resource) pairs the audit must report; [] for none.
def break_s3_route(ec2, vpc, deployed):
    # Detach the main route table (which serves the third private subnet) from the S3 gateway.
    ec2.modify_vpc_endpoint(VpcEndpointId=_endpoint_id(deployed, "s3"),
                            RemoveRouteTableIds=[vpc["main_route_table_id"]])
    return [("S3_ROUTE_MISSING", vpc["main_route_table_id"])]


def break_az(ec2, vpc, deployed):
    ec2.modify_vpc_endpoint(VpcEndpointId=_endpoint_id(deployed, "ecr.api"),
                            RemoveSubnetIds=[vpc["private_subnet_ids"][2]])
    return [("AZ_NOT_COVERED", _endpoint_id(deployed, "ecr.api"))]


def break_sg_other_cidr(ec2, vpc, deployed):
    _replace_https_rule(ec2, vpc, deployed, IpRanges=[{"CidrIp": "192.168.0.0/24"}])
    return [("SG_BLOCKS_HTTPS", e) for e in _interface_ids(deployed)]


def break_sg_reference(ec2, vpc, deployed):
    # The endpoints admit the "tasks" group only, and the workloads running carry another group. (With no
    # workload security group known at all, the finding is info: tests/integration/test_audit_egress.py.)
    _replace_https_rule(ec2, vpc, deployed, UserIdGroupPairs=[{"GroupId": _group(ec2, vpc, "tasks")}])
    other = _group(ec2, vpc, "other")
    for subnet in vpc["private_subnet_ids"]:
        ec2.create_network_interface(SubnetId=subnet, Groups=[other])
    return [("SG_BLOCKS_HTTPS", e) for e in _interface_ids(deployed)]


def sg_reference_worn(ec2, vpc, deployed):
    # The same rule, and every workload running in the private subnets carries the group: admitted.
    tasks = _group(ec2, vpc, "tasks")
    _replace_https_rule(ec2, vpc, deployed, UserIdGroupPairs=[{"GroupId": tasks}])
    for subnet in vpc["private_subnet_ids"]:
        ec2.create_network_interface(SubnetId=subnet, Groups=[tasks])
    return []


def sg_reference_one_unworn(ec2, vpc, deployed):
    tasks, other = _group(ec2, vpc, "tasks"), _group(ec2, vpc, "other")
    _replace_https_rule(ec2, vpc, deployed, UserIdGroupPairs=[{"GroupId": tasks}])
    for subnet in vpc["private_subnet_ids"]:
        ec2.create_network_interface(SubnetId=subnet, Groups=[tasks])
    ec2.create_network_interface(SubnetId=vpc["private_subnet_ids"][1], Groups=[other])
    return [("SG_BLOCKS_HTTPS", e) for e in _interface_ids(deployed)]


def break_private_dns(ec2, vpc, deployed):
    # moto ignores PrivateDnsEnabled in ModifyVpcEndpoint: replace ecr.dkr by a hand-made endpoint without it.
    old = deployed["endpoints"]["ecr.dkr"]
    ec2.delete_vpc_endpoints(VpcEndpointIds=[old["vpc_endpoint_id"]])
    new = ec2.create_vpc_endpoint(
        VpcId=vpc["vpc_id"], ServiceName=old["service_name"], VpcEndpointType="Interface",
        SubnetIds=old["subnet_ids"], SecurityGroupIds=old["security_group_ids"],
        PrivateDnsEnabled=False)["VpcEndpoint"]["VpcEndpointId"]
    return [("PRIVATE_DNS_DISABLED", new)]


def break_dns_hostnames(ec2, vpc, deployed):
    ec2.modify_vpc_attribute(VpcId=vpc["vpc_id"], EnableDnsHostnames={"Value": False})
    return [("VPC_DNS_DISABLED", vpc["vpc_id"])]


def break_missing_logs(ec2, vpc, deployed):
    ec2.delete_vpc_endpoints(VpcEndpointIds=[_endpoint_id(deployed, "logs")])
    return [("ENDPOINT_MISSING", vpc["vpc_id"])]


def break_sg_world(ec2, vpc, deployed):
    ec2.authorize_security_group_ingress(GroupId=deployed["security_group_id"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return [("SG_OPEN_TO_WORLD", deployed["security_group_id"])]


def nat_route(ec2, vpc, deployed):
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=vpc["public_subnet_id"], AllocationId=allocation)
    ec2.create_route(RouteTableId=vpc["private_route_table_ids"][0], DestinationCidrBlock="0.0.0.0/0",
                     NatGatewayId=nat["NatGateway"]["NatGatewayId"])
    return [("INTERNET_ROUTE", vpc["private_route_table_ids"][0])]


def _custom_acl(ec2, vpc, subnet_ids, entries):
    """A new network ACL with ``entries`` (rule, egress, protocol, cidr, ports), put on ``subnet_ids``."""
    acl_id = ec2.create_network_acl(VpcId=vpc["vpc_id"])["NetworkAcl"]["NetworkAclId"]
    for number, egress, protocol, cidr, ports in entries:
        entry = {"NetworkAclId": acl_id, "RuleNumber": number, "Egress": egress, "Protocol": protocol,
                 "RuleAction": "allow", "CidrBlock": cidr}
        if ports:
            entry["PortRange"] = {"From": ports[0], "To": ports[1]}
        ec2.create_network_acl_entry(**entry)
    acls = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]}])["NetworkAcls"]
    for subnet_id in subnet_ids:
        (association,) = [a["NetworkAclAssociationId"] for acl in acls for a in acl["Associations"]
                          if a["SubnetId"] == subnet_id]
        ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl_id)
    return acl_id


def _s3_prefix_cidrs(ec2):
    (prefix_list,) = ec2.describe_managed_prefix_lists(Filters=[
        {"Name": "prefix-list-name", "Values": ["com.amazonaws.%s.s3" % REGION]}])["PrefixLists"]
    return [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(
        PrefixListId=prefix_list["PrefixListId"])["Entries"]]


def break_nacl_return_traffic(ec2, vpc, deployed):
    # The second private subnet gets an ACL that admits HTTPS in and lets everything out, and forgets that
    # the answers to its own clients come back in on ephemeral ports (stateless).
    acl_id = _custom_acl(ec2, vpc, [vpc["private_subnet_ids"][1]], [
        (100, False, "6", vpc["cidr"], (443, 443)), (100, True, "-1", "0.0.0.0/0", None)])
    return [("NACL_BLOCKS_HTTPS", acl_id)]


def tight_nacl_that_works(ec2, vpc, deployed):
    # Every private subnet: HTTPS and its answers within the VPC, HTTPS to each S3 range and the answers back.
    entries = [(100, False, "6", vpc["cidr"], (443, 443)), (110, False, "6", vpc["cidr"], (32768, 65535)),
               (100, True, "6", vpc["cidr"], (443, 443)), (110, True, "6", vpc["cidr"], (32768, 65535))]
    for index, cidr in enumerate(_s3_prefix_cidrs(ec2)):
        entries += [(200 + index, True, "6", cidr, (443, 443)), (200 + index, False, "6", cidr, (32768, 65535))]
    _custom_acl(ec2, vpc, vpc["private_subnet_ids"], entries)
    return []


LAYERS = "arn:aws:s3:::prod-%s-starport-layer-bucket/*" % REGION


def _set_policy(ec2, deployed, service, statements):
    ec2.modify_vpc_endpoint(VpcEndpointId=_endpoint_id(deployed, service), PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))


def break_s3_policy(ec2, vpc, deployed):
    # Restricted to the team's own bucket: ECR's layer bucket is forgotten.
    _set_policy(ec2, deployed, "s3", [{"Effect": "Allow", "Principal": "*", "Action": "s3:*",
                                       "Resource": ["arn:aws:s3:::team-artifacts", "arn:aws:s3:::team-artifacts/*"]}])
    return [("POLICY_BLOCKS_PULL", _endpoint_id(deployed, "s3"))]


def least_privilege_policies(ec2, vpc, deployed):
    _set_policy(ec2, deployed, "s3", [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                       "Resource": [LAYERS, "arn:aws:s3:::team-artifacts/*"]}])
    _set_policy(ec2, deployed, "ecr.api", [
        {"Effect": "Allow", "Principal": "*", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
         "Resource": "arn:aws:ecr:%s:123456789012:repository/team-a/*" % REGION}])
    _set_policy(ec2, deployed, "ecr.dkr", [
        {"Effect": "Allow", "Principal": "*", "Action": ["ecr:Batch*", "ecr:Get*"], "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:SourceVpc": vpc["vpc_id"]}}}])
    _set_policy(ec2, deployed, "logs", [
        {"Effect": "Allow", "Principal": "*", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
         "Resource": "arn:aws:logs:%s:123456789012:log-group:/ecs/*" % REGION}])
    return []


def break_s3_interface_only(ec2, vpc, deployed):
    # The S3 gateway replaced by an S3 interface endpoint: ECR's layers need the gateway.
    ec2.delete_vpc_endpoints(VpcEndpointIds=[_endpoint_id(deployed, "s3")])
    new = ec2.create_vpc_endpoint(
        VpcId=vpc["vpc_id"], ServiceName="com.amazonaws.%s.s3" % REGION, VpcEndpointType="Interface",
        SubnetIds=vpc["private_subnet_ids"], SecurityGroupIds=[deployed["security_group_id"]],
        # Without a gateway AWS refuses the default (true): S3 user guide, "AWS PrivateLink for Amazon S3".
        PrivateDnsEnabled=True, DnsOptions={"PrivateDnsOnlyForInboundResolverEndpoint": False}
    )["VpcEndpoint"]["VpcEndpointId"]
    return [("S3_ROUTE_MISSING", new)]


def untouched(ec2, vpc, deployed):
    return []


BREAKS = {
    "s3-gateway-on-two-of-three-route-tables": break_s3_route,
    "interface-endpoint-in-two-of-three-azs": break_az,
    "sg-admits-443-from-another-cidr": break_sg_other_cidr,
    "sg-admits-443-via-unworn-group-reference": break_sg_reference,
    "sg-reference-one-workload-without-the-group": sg_reference_one_unworn,
    "private-dns-off-on-ecr-dkr": break_private_dns,
    "enable-dns-hostnames-off": break_dns_hostnames,
    "logs-endpoint-deleted": break_missing_logs,
    "sg-open-to-world": break_sg_world,
    "nacl-forgets-return-traffic": break_nacl_return_traffic,
    "s3-policy-without-the-layer-bucket": break_s3_policy,
    "s3-interface-endpoint-without-gateway": break_s3_interface_only,
}
# Not broken: what the audit must accept.
FINE = {
    "correct": untouched,
    "sg-reference-worn-by-every-workload": sg_reference_worn,
    "nat-route-is-info-only": nat_route,
    "tight-nacl-with-every-range": tight_nacl_that_works,
    "least-privilege-policies": least_privilege_policies,
}
# The cases that set their own endpoint policies (the others keep AWS's full-access default).
RESTRICTED = {"least-privilege-policies": ("ecr.api", "ecr.dkr", "logs", "s3")}


@pytest.fixture(scope="module")
def fleet(server, tmp_path_factory):
    """One VPC per case, deployed in one playbook run, broken, then audited in one module call.

    The audit runs with no vpc_ids, so it also proves that every VPC of the region is audited
    with batched reads. Results are kept, so later resets of the server do not matter.
    """
    server.reset()
    ec2 = ec2_client(server.url)
    env = aws_env(server.url, REGION)
    cases = dict(BREAKS, **FINE)
    seeded = {name: seed_private_vpc(ec2, cidr_prefix="10.%d" % (100 + index),
                                     name="fleet-%s" % name)
              for index, name in enumerate(sorted(cases))}
    deploy_many(env, seeded, str(tmp_path_factory.mktemp("fleet")))
    expected = {}
    for name, vpc in seeded.items():
        expected[name] = cases[name](ec2, vpc, deployed_state(ec2, vpc["vpc_id"]))
    server.clear_requests()
    rc, result, output = run_module("ecr_private_endpoints_info", {"vpc_ids": []}, env)
    assert rc == 0, output
    requests = server.requests()
    mutating = server.mutating_requests()
    # By Name tag, with the public subnet named as the workload subnet.
    correct = seeded["correct"]
    rc, by_name, output = run_module("ecr_private_endpoints_info", {
        "vpc_names": ["fleet-correct"], "workload_subnet_ids": [correct["public_subnet_id"]]}, env)
    assert rc == 0, output
    return {"seeded": seeded, "expected": expected, "result": result, "requests": requests,
            "mutating": mutating, "by_name": by_name}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_broken_vpc_is_reported(fleet, name):
    vpc = the_vpc(fleet["result"], fleet["seeded"][name]["vpc_id"])
    expected = fleet["expected"][name]
    finding_id = expected[0][0]
    assert sorted((f["id"], f["resource"]) for f in found(vpc, finding_id)) == sorted(expected)
    # Nothing else of consequence is reported: the checks are precise, not noisy.
    assert sorted(set(f["id"] for f in serious(vpc))) == [finding_id]
    assert vpc["compliant"] is False
    for item in found(vpc, finding_id):
        assert item["resource"] in item["message"] and item["remediation"]


@pytest.mark.parametrize("name", sorted(FINE))
def test_correct_vpc_is_compliant(fleet, name):
    vpc = the_vpc(fleet["result"], fleet["seeded"][name]["vpc_id"])
    assert serious(vpc) == [] and vpc["compliant"] is True
    assert sorted(vpc["endpoints"]) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    # The public subnet is not a workload subnet (its route table reaches the internet gateway).
    assert sorted(vpc["workload_subnet_ids"]) == sorted(fleet["seeded"][name]["private_subnet_ids"])
    # The deploy sets no policy: AWS's default full-access one is reported, at low severity only.
    assert sorted(f["resource"] for f in found(vpc, "POLICY_UNRESTRICTED")) == sorted(
        e["vpc_endpoint_id"] for s, e in vpc["endpoints"].items() if s not in RESTRICTED.get(name, ()))
    assert found(vpc, "NACL_BLOCKS_HTTPS") == [] and found(vpc, "POLICY_BLOCKS_PULL") == []
    # Three interface endpoints (ecr.api, ecr.dkr, logs) in three subnets: 9 x 730 h x 0.01 USD.
    assert vpc["monthly_cost_usd"] == 65.7
    info = [(f["id"], f["resource"]) for f in vpc["findings"] if f["severity"] == "info"]
    assert info == fleet["expected"][name]


def test_reported_private_subnets_in_sg_reference_case(fleet):
    seeded = fleet["seeded"]["sg-reference-one-workload-without-the-group"]
    vpc = the_vpc(fleet["result"], seeded["vpc_id"])
    for item in found(vpc, "SG_BLOCKS_HTTPS"):
        # Only the subnet where a workload lacks the group is blocked.
        assert seeded["private_subnet_ids"][1] in item["message"]
        assert seeded["private_subnet_ids"][0] not in item["message"]


def test_every_vpc_of_the_region_in_batched_reads(fleet):
    audited = [v["vpc_id"] for v in fleet["result"]["vpcs"]]
    assert audited == sorted(audited)
    assert set(v["vpc_id"] for v in fleet["seeded"].values()) <= set(audited)
    assert all(v["account_id"] == "123456789012" and v["region"] == REGION for v in fleet["result"]["vpcs"])
    assert fleet["mutating"] == {}
    counts = fleet["requests"]
    # Two DNS attributes per VPC (the API has no batch form); one request per kind for the rest.
    assert counts.pop("ec2.DescribeVpcAttribute") == 2 * len(audited)
    assert all(n == 1 for n in counts.values()), counts
    # The NACL and policy checks add four reads per region, whatever the number of VPCs: the ACLs, the S3
    # prefix list (by name, then its entries), and the organization (some endpoint here has a policy).
    for kind in ("ec2.DescribeNetworkAcls", "ec2.DescribeManagedPrefixLists", "ec2.GetManagedPrefixListEntries",
                 "organizations.DescribeOrganization"):
        assert counts[kind] == 1, kind


def test_vpc_by_name_with_explicit_workload_subnets(fleet):
    correct = fleet["seeded"]["correct"]
    (vpc,) = fleet["by_name"]["vpcs"]
    assert vpc["vpc_id"] == correct["vpc_id"]
    assert vpc["workload_subnet_ids"] == [correct["public_subnet_id"]]
    public_rtb = correct["public_route_table_id"]
    assert [(f["id"], f["resource"]) for f in vpc["findings"] if f["resource"] == public_rtb] == [
        ("S3_ROUTE_MISSING", public_rtb), ("INTERNET_ROUTE", public_rtb)]


# ---------------------------------------------------------------- one VPC at a time

def test_check_mode_audits_and_changes_nothing(lab):
    assert audit(lab, check=True)["vpcs"] == audit(lab)["vpcs"]


def test_deployed_vpc_reads_and_cost(lab):
    deploy(lab)
    result = audit(lab, endpoint_hour_usd=0.02, client_port_range="1024-65535")
    vpc = the_vpc(result, lab["vpc"]["vpc_id"])
    assert serious(vpc) == [] and vpc["monthly_cost_usd"] == 131.4
    counts = lab["server"].requests()
    # Default endpoint policies: no organization read; an S3 gateway: its prefix list is read once.
    assert "organizations.DescribeOrganization" not in counts
    assert counts["ec2.DescribeNetworkAcls"] == counts["ec2.GetManagedPrefixListEntries"] == 1


def test_untouched_vpc_misses_every_endpoint(lab):
    vpc = the_vpc(audit(lab), lab["vpc"]["vpc_id"])
    missing = found(vpc, "ENDPOINT_MISSING")
    assert sorted(m["message"].split(" has no endpoint for ")[1].split(" ")[0] for m in missing) == [
        "ecr.api", "ecr.dkr", "logs", "s3"]
    assert vpc["compliant"] is False and vpc["endpoints"] == {}
    assert lab["ec2"].describe_vpc_endpoints()["VpcEndpoints"] == []


def test_deploy_repairs_what_the_audit_reports(lab):
    # Breaks that privatelink.ecr.deploy repairs in place, all at once (DNS attributes and foreign
    # rules need a person: their remediation says so).
    deploy(lab)
    ec2, vpc = lab["ec2"], lab["vpc"]
    expected = break_missing_logs(ec2, vpc, _deployed(lab, allow_missing=False))
    deployed = _deployed(lab)
    for breaker in (break_s3_route, break_az, break_sg_other_cidr):
        expected += breaker(ec2, vpc, deployed)
    broken = the_vpc(audit(lab), vpc["vpc_id"])
    assert set(expected) <= set((f["id"], f["resource"]) for f in serious(broken))
    for item in serious(broken):
        assert "privatelink.ecr.deploy" in item["remediation"]
    deploy(lab)
    repaired = the_vpc(audit(lab), vpc["vpc_id"])
    assert serious(repaired) == [] and repaired["compliant"] is True


def _deployed(lab, allow_missing=True):
    if not allow_missing:
        return deployed_state(lab["ec2"], lab["vpc"]["vpc_id"])
    state = {"endpoints": {}, "security_group_id": None}
    prefix = "com.amazonaws.%s." % REGION
    for item in lab["ec2"].describe_vpc_endpoints(
            Filters=[{"Name": "vpc-id", "Values": [lab["vpc"]["vpc_id"]]}])["VpcEndpoints"]:
        if item["State"].lower() in ("deleted", "deleting"):
            continue
        state["endpoints"][item["ServiceName"][len(prefix):]] = {
            "vpc_endpoint_id": item["VpcEndpointId"], "vpc_endpoint_type": item["VpcEndpointType"]}
        for group in item.get("Groups") or []:
            state["security_group_id"] = group["GroupId"]
    return state


def test_private_dns_repaired_by_deploy(lab):
    deploy(lab)
    break_private_dns(lab["ec2"], lab["vpc"], deployed_state(lab["ec2"], lab["vpc"]["vpc_id"]))
    deploy(lab)
    assert found(the_vpc(audit(lab), lab["vpc"]["vpc_id"]), "PRIVATE_DNS_DISABLED") == []


@pytest.mark.parametrize("args,names", [
    ({"vpc_ids": ["vpc-0000000000000dead"]}, "vpc-0000000000000dead"),
    ({"vpc_ids": [], "vpc_names": ["nobody-calls-it-this"]}, "nobody-calls-it-this"),
    ({"workload_subnet_ids": ["subnet-0000000000000dead"]}, "subnet-0000000000000dead"),
    ({"services": ["not a service!"]}, "not a service!"),
    ({"client_port_range": "65535-1024"}, "client_port_range"),
])
def test_bad_input_fails_with_a_message_naming_it(lab, args, names):
    args = dict({"vpc_ids": [lab["vpc"]["vpc_id"]]}, **args)
    rc, result, output = run_module("ecr_private_endpoints_info", args, lab["env"])
    assert rc != 0
    assert names in result["msg"]
    assert "Traceback" not in output


def test_assumed_role_audits_the_target_account(lab):
    role = "arn:aws:iam::111111111111:role/privatelink-ecr-audit"
    target = ec2_client(lab["server"].url, credentials=assumed_credentials(lab["server"].url, role, "ext-1"))
    seeded = seed_private_vpc(target, cidr_prefix="10.50")
    rc, result, output = run_module("ecr_private_endpoints_info",
                                    {"vpc_ids": [seeded["vpc_id"]], "role_arn": role, "external_id": "ext-1"},
                                    lab["env"])
    assert rc == 0, output
    (vpc,) = result["vpcs"]
    assert vpc["account_id"] == "111111111111" and vpc["vpc_id"] == seeded["vpc_id"]
