"""Generated data-perimeter endpoint policies let every pull through, for every service of every workload."""

import json

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils import _audit_checks as checks
from ansible_collections.privatelink.ecr.plugins.module_utils._perimeter import (
    EKS_ADDON_REGISTRY_DEFAULT,
    eks_addon_registry_account,
    perimeter_policy,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import normalise_policy, parse_policy
from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import Request, evaluate, pull_blockers
from ansible_collections.privatelink.ecr.plugins.module_utils._services import WORKLOAD_SERVICES

ACCOUNT = "111122223333"
ORG = "o-perimeter01"
REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-7", "cn-north-1", "us-gov-west-1"]
CASES = [(workload, service, region) for workload, services in sorted(WORKLOAD_SERVICES.items())
         for service in services for region in REGIONS]


@pytest.mark.parametrize("workload,service,region", CASES)
def test_every_generated_policy_lets_a_pull_through(workload, service, region):
    policy = perimeter_policy(service, region, ORG, workload)
    assert pull_blockers(service, policy, region, ACCOUNT, ORG, "vpc-1", "vpce-1") == []
    # A valid document by the collection's own rules, within AWS's size limit.
    assert parse_policy(json.dumps(policy), "policy") == policy


@pytest.mark.parametrize("workload", sorted(WORKLOAD_SERVICES))
def test_audit_of_a_perimeter_vpc_has_no_policy_finding(workload):
    region = "eu-west-1"
    services = WORKLOAD_SERVICES[workload]
    endpoints = []
    for service in services:
        gateway = service == "s3"
        endpoints.append({
            "vpc_endpoint_id": "vpce-" + service.replace(".", "-"), "service": service,
            "service_name": "com.amazonaws.%s.%s" % (region, service),
            "vpc_endpoint_type": "Gateway" if gateway else "Interface", "state": "available",
            "subnet_ids": [] if gateway else ["subnet-a"], "route_table_ids": ["rtb-a"] if gateway else [],
            "security_group_ids": [] if gateway else ["sg-1"], "private_dns_enabled": not gateway,
            "policy": perimeter_policy(service, region, ORG, workload), "network_interface_ids": [], "tags": {}})
    state = {
        "vpc": {"vpc_id": "vpc-1", "cidrs": ["10.0.0.0/16"], "enable_dns_support": True, "enable_dns_hostnames": True},
        "region": region, "wanted": list(services),
        "services": {s: {"service_name": "com.amazonaws.%s.%s" % (region, s), "types": ["Interface"],
                         "zones": ["eu-west-1a"], "offered": True} for s in services},
        "endpoints": endpoints,
        "subnets": {"subnet-a": {"subnet_id": "subnet-a", "availability_zone": "eu-west-1a", "cidr": "10.0.1.0/24",
                                 "ipv6_cidrs": []}},
        "route_tables": {"rtb-a": {"route_table_id": "rtb-a", "main": True, "routes": []}},
        "subnet_route_table": {"subnet-a": "rtb-a"},
        "security_groups": {"sg-1": {"group_id": "sg-1", "group_name": "g", "ingress": [
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["10.0.0.0/16"], "ipv6_cidrs": [],
             "group_ids": [], "prefix_list_ids": []}]}},
        "workload_subnet_ids": ["subnet-a"], "workload_enis": {},
        "account_id": ACCOUNT, "org_id": ORG, "org_note": None,
    }
    findings = checks.audit(state)
    assert [f for f in findings if f["id"].startswith("POLICY_")] == []
    assert findings == []


def test_layer_bucket_statement_has_no_principal_or_org_condition():
    policy = perimeter_policy("s3", "eu-west-1", ORG, "fargate")
    (layers,) = [s for s in policy["Statement"] if "starport-layer-bucket" in json.dumps(s)]
    assert layers["Resource"] == "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"
    assert "Condition" not in layers and layers["Principal"] == {"AWS": "*"}


def test_the_perimeter_still_keeps_outsiders_out():
    policy = perimeter_policy("ecr.dkr", "eu-west-1", ORG, "fargate")
    outsider = Request("ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:%s:repository/app" % ACCOUNT, "444455556666",
                       {"aws:PrincipalAccount": "444455556666", "aws:PrincipalOrgID": "o-someoneelse",
                        "aws:ResourceAccount": ACCOUNT, "aws:ResourceOrgID": ORG})
    assert not evaluate(policy, outsider).allowed
    foreign_repo = Request("ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:444455556666:repository/x", ACCOUNT,
                           {"aws:PrincipalAccount": ACCOUNT, "aws:PrincipalOrgID": ORG,
                            "aws:ResourceAccount": "444455556666", "aws:ResourceOrgID": "o-someoneelse"})
    assert not evaluate(policy, foreign_repo).allowed
    s3 = perimeter_policy("s3", "eu-west-1", ORG, "fargate")
    other_bucket = Request("s3:GetObject", "arn:aws:s3:::exfil-bucket/x", ACCOUNT,
                           {"aws:PrincipalAccount": ACCOUNT, "aws:PrincipalOrgID": ORG,
                            "aws:ResourceAccount": "444455556666", "aws:ResourceOrgID": "o-someoneelse"})
    assert not evaluate(s3, other_bucket).allowed


def test_eks_adds_the_add_on_registry_of_the_region():
    eks = perimeter_policy("ecr.dkr", "ap-southeast-7", ORG, "eks")
    assert "arn:aws:ecr:ap-southeast-7:121268973566:repository/*" in json.dumps(eks)
    addon = Request("ecr:BatchGetImage", "arn:aws:ecr:ap-southeast-7:121268973566:repository/eks/coredns", ACCOUNT,
                    {"aws:PrincipalAccount": ACCOUNT, "aws:PrincipalOrgID": ORG,
                     "aws:ResourceAccount": "121268973566"})
    assert evaluate(eks, addon).allowed
    assert not evaluate(perimeter_policy("ecr.dkr", "ap-southeast-7", ORG, "fargate"), addon).allowed
    assert eks_addon_registry_account("eu-west-1") == EKS_ADDON_REGISTRY_DEFAULT == "602401143452"
    assert "arn:aws-cn:ecr:cn-north-1:918309763551:repository/*" in json.dumps(
        perimeter_policy("ecr.api", "cn-north-1", ORG, "eks"))


def test_generated_policies_are_stable_documents():
    # Generated per service and compared as documents: the same inputs give the same document.
    for service in ("ecr.api", "s3", "logs"):
        assert normalise_policy(perimeter_policy(service, "eu-west-1", ORG, "eks")) == normalise_policy(
            perimeter_policy(service, "eu-west-1", ORG, "eks"))


@pytest.mark.parametrize("org", ["", "o-", "O-ABCDEFGHIJ", "r-abcd", None, "o-short"])
def test_malformed_organization_id_is_refused(org):
    with pytest.raises(ValueError) as err:
        perimeter_policy("ecr.api", "eu-west-1", org, "fargate")
    assert "perimeter_org_id" in str(err.value)
