"""Generated data-perimeter endpoint policies let every pull through, for every service of every workload.

The policies are judged by the tests' own reference evaluator (tests/support/reference_policy_eval.py,
written from IAM's pages) and by hand-worked request tables, not by the collection's evaluator alone.
"""

import json

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils._perimeter import (
    EKS_ADDON_REGISTRY_DEFAULT,
    eks_addon_registry_account,
    perimeter_policy,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import parse_policy
from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import pull_blockers
from ansible_collections.privatelink.ecr.plugins.module_utils._services import WORKLOAD_SERVICES
from ansible_collections.privatelink.ecr.tests.support import reference_policy_eval as ref

ACCOUNT = "111122223333"
ORG = "o-perimeter01"
REGIONS = ["eu-west-1", "us-east-1", "ap-southeast-7", "cn-north-1", "us-gov-west-1"]
CASES = [(workload, service, region) for workload, services in sorted(WORKLOAD_SERVICES.items())
         for service in services for region in REGIONS]


@pytest.mark.parametrize("workload,service,region", CASES)
def test_every_generated_policy_lets_a_pull_through(workload, service, region):
    policy = perimeter_policy(service, region, ORG, workload)
    assert ref.pull_passes(service, policy, region, ACCOUNT, ORG, "vpc-1", "vpce-1")
    assert ref.pull_passes(service, policy, region, ACCOUNT, ORG, "vpc-1", "vpce-1", repository="team-a/api",
                           log_group="/aws/eks/cluster")
    # The audit's own verdict agrees.
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


OTHER = "444455556666"
OTHER_ORG = "o-someoneelse"
NOBODY = ref.SOMEONE_ELSE


def ask(action, resource, account=ACCOUNT, org=ORG, resource_account=ACCOUNT, resource_org=ORG):
    return ref.make_request(action, resource, account, {
        "aws:PrincipalAccount": account, "aws:PrincipalOrgID": org, "aws:ResourceAccount": resource_account,
        "aws:ResourceOrgID": resource_org, "aws:SourceVpc": "vpc-1", "aws:SourceVpce": "vpce-1"})


REPO = "arn:aws:ecr:eu-west-1:%s:repository/app" % ACCOUNT
# Hand-worked: who may do what through each endpoint of a perimeter in eu-west-1 (workload fargate).
# The perimeter's rule: the organization's principals on the organization's resources; plus, on S3, the
# ECR layer bucket for anyone (the presigned URL's principal is an ECR account outside the organization).
PERIMETER_TABLE = [
    ("ecr.dkr", ask("ecr:BatchGetImage", REPO), ref.ALLOW),
    ("ecr.dkr", ask("ecr:PutImage", REPO), ref.ALLOW),                       # the perimeter is not least privilege
    ("ecr.api", ask("ecr:GetAuthorizationToken", "*"), ref.ALLOW),
    ("ecr.dkr", ask("ecr:BatchGetImage", REPO, account=OTHER, org=OTHER_ORG), ref.IMPLICIT_DENY),
    ("ecr.dkr", ask("ecr:BatchGetImage", REPO, account=OTHER, org=None), ref.IMPLICIT_DENY),
    ("ecr.dkr", ask("ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:%s:repository/x" % OTHER,
                    resource_account=OTHER, resource_org=OTHER_ORG), ref.IMPLICIT_DENY),
    # The EKS add-on registry is AWS's: outside the organization, so fargate's perimeter keeps it out.
    ("ecr.dkr", ask("ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:602401143452:repository/eks/coredns",
                    resource_account="602401143452", resource_org=None), ref.IMPLICIT_DENY),
    ("s3", ask("s3:GetObject", "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/sha256-x", account=NOBODY,
               org=NOBODY, resource_account=NOBODY, resource_org=NOBODY), ref.ALLOW),
    ("s3", ask("s3:PutObject", "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/sha256-x", account=NOBODY,
               org=NOBODY, resource_account=NOBODY, resource_org=NOBODY), ref.IMPLICIT_DENY),
    ("s3", ask("s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/x", account=NOBODY,
               org=NOBODY, resource_account=NOBODY, resource_org=NOBODY), ref.IMPLICIT_DENY),
    ("s3", ask("s3:PutObject", "arn:aws:s3:::exfil-bucket/x", resource_account=OTHER, resource_org=OTHER_ORG),
     ref.IMPLICIT_DENY),
    ("s3", ask("s3:PutObject", "arn:aws:s3:::team-bucket/x"), ref.ALLOW),
    ("logs", ask("logs:PutLogEvents", "arn:aws:logs:eu-west-1:%s:log-group:/ecs/app:log-stream:x" % ACCOUNT),
     ref.ALLOW),
    ("logs", ask("logs:PutLogEvents", "arn:aws:logs:eu-west-1:%s:log-group:/x:log-stream:x" % OTHER,
                 resource_account=OTHER, resource_org=OTHER_ORG), ref.IMPLICIT_DENY),
]


@pytest.mark.parametrize("service,request_,expected", PERIMETER_TABLE)
def test_the_perimeter_lets_in_exactly_the_organization(service, request_, expected):
    assert ref.decide(perimeter_policy(service, "eu-west-1", ORG, "fargate"), request_) == expected


def test_layer_bucket_statement_has_no_principal_or_org_condition():
    policy = perimeter_policy("s3", "eu-west-1", ORG, "fargate")
    (layers,) = [s for s in policy["Statement"] if "starport-layer-bucket" in json.dumps(s)]
    assert layers["Resource"] == "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"
    assert "Condition" not in layers and layers["Principal"] == {"AWS": "*"}


# From the EKS user guide, "View Amazon container image registries for Amazon EKS add-ons"
# (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html), a few rows copied by hand.
EKS_REGISTRIES = [("ap-southeast-7", "aws", "121268973566"), ("cn-north-1", "aws-cn", "918309763551"),
                  ("us-gov-west-1", "aws-us-gov", "013241004608"), ("af-south-1", "aws", "877085696533"),
                  ("eu-west-1", "aws", "602401143452"), ("us-east-1", "aws", "602401143452")]


@pytest.mark.parametrize("region,partition,registry", EKS_REGISTRIES)
def test_eks_adds_the_add_on_registry_of_the_region(region, partition, registry):
    assert eks_addon_registry_account(region) == registry
    addon = ask("ecr:BatchGetImage", "arn:%s:ecr:%s:%s:repository/eks/coredns" % (partition, region, registry),
                resource_account=registry, resource_org=None)
    for service in ("ecr.api", "ecr.dkr"):
        assert ref.decide(perimeter_policy(service, region, ORG, "eks"), addon) == ref.ALLOW
        assert ref.decide(perimeter_policy(service, region, ORG, "fargate"), addon) == ref.IMPLICIT_DENY
    # Only the organization's principals may use the add-on registry.
    outsider = ask("ecr:BatchGetImage", "arn:%s:ecr:%s:%s:repository/eks/coredns" % (partition, region, registry),
                   account=OTHER, org=OTHER_ORG, resource_account=registry, resource_org=None)
    assert ref.decide(perimeter_policy("ecr.dkr", region, ORG, "eks"), outsider) == ref.IMPLICIT_DENY
    assert EKS_ADDON_REGISTRY_DEFAULT == "602401143452"


def test_the_interface_perimeter_document_written_by_hand():
    # The two statements of the data-perimeter examples' default endpoint policy
    # (aws-samples/data-perimeter-policy-examples, vpc_endpoint_policies/), the organization filled in.
    expected = {"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowRequestsByOrgPrincipalsToOrgResources", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": ORG, "aws:ResourceOrgID": ORG}}},
        {"Sid": "AllowRequestsByAWSServicePrincipals", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}}]}
    assert perimeter_policy("ecr.dkr", "eu-west-1", ORG, "fargate") == expected
    assert perimeter_policy("logs", "eu-west-1", ORG, "eks") == expected
    # Every other endpoint's document holds these two statements unchanged.
    for service in ("ecr.api", "s3"):
        for workload in sorted(WORKLOAD_SERVICES):
            statements = perimeter_policy(service, "eu-west-1", ORG, workload)["Statement"]
            assert all(statement in statements for statement in expected["Statement"]), (service, workload)


@pytest.mark.parametrize("org", ["", "o-", "O-ABCDEFGHIJ", "r-abcd", None, "o-short"])
def test_malformed_organization_id_is_refused(org):
    with pytest.raises(ValueError) as err:
        perimeter_policy("ecr.api", "eu-west-1", org, "fargate")
    assert "perimeter_org_id" in str(err.value)
