"""A central registry account (registry_account_ids) and the perimeter's AWS-owned buckets for EC2 nodes."""

import json

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils._perimeter import perimeter_policy
from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import Request, evaluate, pull_blockers
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import check_local_input

OWN = "111122223333"
REGISTRY = "222233334444"
ORG = "o-landingzone1"
REGION = "eu-west-1"

# The organization's usual pattern: pulls only from the central registry account's repositories.
CENTRAL_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Token", "Effect": "Allow", "Principal": "*", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
    {"Sid": "CentralRegistry", "Effect": "Allow", "Principal": "*",
     "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
     "Resource": "arn:aws:ecr:eu-west-1:%s:repository/*" % REGISTRY},
]}


def blockers(service, policy, registries, account=OWN, region=REGION):
    return pull_blockers(service, policy, region, account, ORG, "vpc-1", "vpce-1", registries)


# ------------------------------------------------------------------ the evaluation

@pytest.mark.parametrize("service", ["ecr.api", "ecr.dkr"])
def test_a_central_registry_policy_passes_when_that_registry_is_named(service):
    assert blockers(service, CENTRAL_ONLY, [REGISTRY]) == []


@pytest.mark.parametrize("service", ["ecr.api", "ecr.dkr"])
def test_the_default_is_the_vpc_s_own_account_which_that_policy_blocks(service):
    reasons = blockers(service, CENTRAL_ONLY, None)
    assert reasons and all(OWN in r for r in reasons)
    assert "ecr:BatchGetImage on arn:aws:ecr:eu-west-1:%s:repository/pull-check is not allowed" % OWN in reasons[0]


def test_each_listed_account_is_checked_and_the_blocked_one_is_named():
    reasons = blockers("ecr.dkr", CENTRAL_ONLY, [REGISTRY, OWN])
    assert len(reasons) == 2
    assert all(r.startswith("pull from registry account %s: " % OWN) for r in reasons)
    assert not any(REGISTRY in r for r in reasons)


def test_an_explicit_deny_on_the_registry_account_is_named_with_the_statement():
    policy = {"Version": "2012-10-17", "Statement": CENTRAL_ONLY["Statement"] + [
        {"Sid": "NoCentral", "Effect": "Deny", "Principal": "*", "Action": "ecr:*",
         "Resource": "arn:aws:ecr:*:%s:*" % REGISTRY}]}
    reasons = blockers("ecr.api", policy, [REGISTRY])
    assert reasons[0].startswith("pull from registry account %s: " % REGISTRY)
    assert "denied by statement 'NoCentral'" in reasons[0]


def test_a_resource_account_condition_is_evaluated_for_the_registry_account():
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceAccount": [REGISTRY]}}}]}
    assert blockers("ecr.dkr", policy, [REGISTRY]) == []
    assert blockers("ecr.dkr", policy, None) != []


def test_logs_and_s3_do_not_depend_on_the_registry_accounts():
    logs_only_own = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "logs:*",
         "Resource": "arn:aws:logs:eu-west-1:%s:log-group:*" % OWN}]}
    assert blockers("logs", logs_only_own, [REGISTRY]) == []


def test_the_module_guard_refuses_before_any_change_naming_the_account():
    from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import Reconciler

    class Connection:
        def client(self, _name):
            return None

    params = {"region": REGION, "registry_account_ids": [OWN], "allow_blocking_policy": False,
              "perimeter_org_id": None}
    reconciler = Reconciler(Connection(), params, check_mode=True)
    actions = [{"service": "ecr.dkr", "action": "modify",
                "details": {"vpc_endpoint_id": "vpce-1", "policy": CENTRAL_ONLY}}]
    with pytest.raises(ValueError) as err:
        reconciler._refuse_blocking_policies(actions, {"owner_id": OWN})
    assert "pull from registry account %s" % OWN in str(err.value)
    reconciler.params = dict(params, registry_account_ids=[REGISTRY])
    reconciler._refuse_blocking_policies(actions, {"owner_id": OWN})  # passes


@pytest.mark.parametrize("bad", [[], ["12345"], ["22223333444a"], [222233334444]])
def test_registry_account_ids_are_checked_before_any_call(bad):
    params = {"region": REGION, "workload": "fargate", "security_group_name": "ecr-private-endpoints",
              "registry_account_ids": bad}
    with pytest.raises(ValueError) as err:
        check_local_input(params)
    assert "registry_account_ids" in str(err.value)


# ------------------------------------------------------------------ the audit

def _state(policy, registries):
    return {
        "vpc": {"vpc_id": "vpc-1", "owner_id": OWN}, "region": REGION, "wanted": ["ecr.dkr"],
        "endpoints": [{"vpc_endpoint_id": "vpce-dkr", "service": "ecr.dkr", "vpc_endpoint_type": "Interface",
                       "state": "available", "private_dns_enabled": True, "subnet_ids": ["subnet-a"],
                       "policy": policy, "tags": {}}],
        "account_id": OWN, "org_id": ORG, "org_note": None, "registry_account_ids": registries,
    }


def test_the_audit_checks_the_listed_registry_accounts():
    assert checks.check_policy_blocks_pull(_state(CENTRAL_ONLY, [REGISTRY])) == []
    (finding,) = checks.check_policy_blocks_pull(_state(CENTRAL_ONLY, [REGISTRY, OWN]))
    assert finding["id"] == "POLICY_BLOCKS_PULL" and finding["resource"] == "vpce-dkr"
    assert "pull from registry account %s" % OWN in finding["message"]
    assert "arn:aws:ecr:eu-west-1:%s:repository/*" % OWN in finding["remediation"]
    assert "arn:aws:ecr:eu-west-1:%s:repository/*" % REGISTRY in finding["remediation"]


def test_the_audit_without_registry_accounts_checks_the_vpc_s_own():
    (finding,) = checks.check_policy_blocks_pull(_state(CENTRAL_ONLY, None))
    assert OWN in finding["message"] and "pull from registry account" not in finding["message"]


# ------------------------------------------------------------------ the perimeter and registry accounts

def test_the_perimeter_lets_the_organization_pull_from_a_registry_outside_it():
    policy = perimeter_policy("ecr.dkr", REGION, ORG, "fargate", registry_account_ids=["333344445555"])
    partner = Request("ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:333344445555:repository/vendor/app", OWN,
                      {"aws:PrincipalAccount": OWN, "aws:PrincipalOrgID": ORG,
                       "aws:ResourceAccount": "333344445555", "aws:ResourceOrgID": "o-partner00001"})
    assert evaluate(policy, partner).allowed
    assert not evaluate(perimeter_policy("ecr.dkr", REGION, ORG, "fargate"), partner).allowed
    assert blockers("ecr.api", perimeter_policy("ecr.api", REGION, ORG, "ecs", [REGISTRY]), [REGISTRY]) == []


# ------------------------------------------------------------------ the S3 buckets EC2 nodes need

AL = ["al2023-repos-eu-west-1-de612dc2", "amazonlinux-2-repos-eu-west-1", "amazonlinux.eu-west-1.amazonaws.com",
      "packages.eu-west-1.amazonaws.com", "repo.eu-west-1.amazonaws.com"]
SSM = ["aws-ssm-eu-west-1", "amazon-ssm-eu-west-1", "amazon-ssm-packages-eu-west-1",
       "aws-ssm-distributor-file-eu-west-1", "aws-ssm-document-attachments-eu-west-1",
       "patch-baseline-snapshot-eu-west-1", "eu-west-1-birdwatcher-prod"]
CLOUDWATCH = ["amazoncloudwatch-agent-eu-west-1", "amazoncloudwatch-agent"]


def _owned_statement(policy):
    (statement,) = [s for s in policy["Statement"] if s["Sid"] == "AllowRequestsToAWSOwnedResources"]
    return statement


def _outsider(action, resource):
    # An AWS-owned bucket: neither the principal nor the resource is the organization's.
    return Request(action, resource, OWN, {"aws:PrincipalAccount": OWN, "aws:PrincipalOrgID": ORG,
                                           "aws:ResourceAccount": "999988887777",
                                           "aws:ResourceOrgID": "o-awsowned0001"})


@pytest.mark.parametrize("workload", ["ecs", "eks"])
@pytest.mark.parametrize("bucket", AL + SSM + CLOUDWATCH)
def test_node_workloads_reach_each_aws_owned_bucket(workload, bucket):
    policy = perimeter_policy("s3", REGION, ORG, workload)
    assert evaluate(policy, _outsider("s3:GetObject", "arn:aws:s3:::%s/some/key.rpm" % bucket)).allowed
    assert evaluate(policy, _outsider("s3:ListBucket", "arn:aws:s3:::%s" % bucket)).allowed
    assert not evaluate(policy, _outsider("s3:PutObject", "arn:aws:s3:::%s/x" % bucket)).allowed


def test_the_node_bucket_statement_is_exactly_the_listed_buckets_without_a_condition():
    statement = _owned_statement(perimeter_policy("s3", REGION, ORG, "ecs"))
    expected = []
    for bucket in AL + SSM + CLOUDWATCH:
        expected += ["arn:aws:s3:::%s" % bucket, "arn:aws:s3:::%s/*" % bucket]
    assert statement["Resource"] == expected
    assert statement["Action"] == ["s3:GetObject", "s3:ListBucket"]
    assert statement["Principal"] == {"AWS": "*"} and "Condition" not in statement


@pytest.mark.parametrize("region, partition", [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_node_buckets_use_the_region_s_partition(region, partition):
    resources = _owned_statement(perimeter_policy("s3", region, ORG, "eks"))["Resource"]
    assert "arn:%s:s3:::al2023-repos-%s-de612dc2/*" % (partition, region) in resources
    assert "arn:%s:s3:::%s-birdwatcher-prod" % (partition, region) in resources


@pytest.mark.parametrize("workload", ["ecr", "fargate"])
def test_fargate_has_no_nodes_so_no_node_buckets(workload):
    policy = perimeter_policy("s3", REGION, ORG, workload)
    assert "AllowRequestsToAWSOwnedResources" not in json.dumps(policy)
    assert not evaluate(policy, _outsider("s3:GetObject", "arn:aws:s3:::aws-ssm-eu-west-1/x")).allowed


def test_extra_s3_resources_join_the_statement_for_every_workload():
    extra = ["arn:aws:s3:::corp-bootstrap/*", "arn:aws:s3:::corp-bootstrap"]
    fargate = _owned_statement(perimeter_policy("s3", REGION, ORG, "fargate", extra_s3_resources=extra))
    assert fargate["Resource"] == extra
    ecs = _owned_statement(perimeter_policy("s3", REGION, ORG, "ecs", extra_s3_resources=extra))
    assert ecs["Resource"][-2:] == extra and len(ecs["Resource"]) == 2 * 14 + 2
    assert perimeter_policy("ecr.dkr", REGION, ORG, "ecs", extra_s3_resources=extra) == \
        perimeter_policy("ecr.dkr", REGION, ORG, "ecs")


@pytest.mark.parametrize("bad, words", [
    ("corp-bootstrap", "not an S3 ARN"), ("arn:aws:ec2:::x", "not an S3 ARN"),
    ("arn:aws-cn:s3:::corp/*", "partition aws-cn"),
])
def test_extra_s3_resources_are_s3_arns_of_the_region_s_partition(bad, words):
    with pytest.raises(ValueError) as err:
        perimeter_policy("s3", REGION, ORG, "ecs", extra_s3_resources=[bad])
    assert "perimeter_extra_s3_resources" in str(err.value) and words in str(err.value)


def test_extra_s3_resources_without_a_perimeter_is_an_error():
    with pytest.raises(ValueError) as err:
        check_local_input({"region": REGION, "workload": "ecs", "security_group_name": "ecr-private-endpoints",
                           "perimeter_extra_s3_resources": ["arn:aws:s3:::corp/*"]})
    assert "perimeter_org_id" in str(err.value)
