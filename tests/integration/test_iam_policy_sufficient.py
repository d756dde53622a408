"""docs/iam-policy.json is sufficient: deploy, drift repair, audit, discovery and destroy all
succeed under moto's IAM enforcement with a user that has only that policy, and a user
with only its read-only statement cannot deploy.

moto enforces IAM only after ``POST /moto-api/reset-auth`` (body ``0``, ``text/plain``) and
then for good, so this module runs its own moto_server: the users, keys and policies are
made before enforcement starts, and everything after is authorised against them.

What moto can and cannot check (docs/reliability.md): it matches actions, and Resource
only against ``*`` (EC2 requests reach its check with the resource ``*``, so a statement scoped
to ``arn:aws:ec2:*:*:vpc-endpoint/*`` grants nothing there); it cannot evaluate
``aws:ResourceTag`` / ``aws:RequestTag`` / ``aws:TagKeys`` / ``ec2:CreateAction`` conditions (it
denies any statement whose condition key it has no value for). The policy given to moto is
therefore docs/iam-policy.json with its Condition blocks left out and its Resource set to ``*``:
this test proves the action list; each statement's resources and conditions are proven with the
policy evaluator in tests/unit/test_iam_least_privilege.py, and are AWS's to enforce.
"""

import copy
import json
import os
import urllib.request
from types import SimpleNamespace

import boto3
import pytest

from tests.integration.moto_vpc import REGION, by_service, endpoint_args, read_endpoints, seed_private_vpc
from tests.support.ansible_cli import ROOT, aws_env, run_module
from tests.support.moto_server import MotoServer

POLICY_PATH = os.path.join(ROOT, "docs", "iam-policy.json")
DENIED = ("AccessDenied", "UnauthorizedOperation")


def load_policy():
    with open(POLICY_PATH) as handle:
        return json.load(handle)


def for_moto(policy, sids=None):
    """The policy as moto can evaluate it: Conditions left out, Resource ``*``, optionally only some statements."""
    result = copy.deepcopy(policy)
    result["Statement"] = [dict([(k, v) for k, v in s.items() if k not in ("Condition", "Resource")] + [
        ("Resource", "*")]) for s in result["Statement"] if sids is None or s["Sid"] in sids]
    return result


def policy_actions(policy):
    return set(a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))


def make_user(iam, name, document):
    iam.create_user(UserName=name)
    arn = iam.create_policy(PolicyName=name + "-policy", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@pytest.fixture(scope="module")
def enforced(tmp_path_factory):
    """A moto_server with IAM enforcement on, a seeded VPC and three users."""
    with MotoServer() as server:
        root = dict(region_name=REGION, endpoint_url=server.url, aws_access_key_id="testing",
                    aws_secret_access_key="testing")
        vpc = seed_private_vpc(boto3.client("ec2", **root))
        boto3.client("secretsmanager", **root).create_secret(Name="ecr-pullthroughcache/docker-hub",
                                                             SecretString='{"username": "u", "accessToken": "t"}')
        iam = boto3.client("iam", **root)
        policy = load_policy()
        users = {
            "deployer": make_user(iam, "deployer", for_moto(policy)),
            "auditor": make_user(iam, "auditor", for_moto(policy, sids={"AuditReadOnly"})),
            "admin": make_user(iam, "admin", {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
        }
        request = urllib.request.Request(server.url + "/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(request, timeout=10).read()
        admin = boto3.client("ec2", region_name=REGION, endpoint_url=server.url,
                             aws_access_key_id=users["admin"]["AWS_ACCESS_KEY_ID"],
                             aws_secret_access_key=users["admin"]["AWS_SECRET_ACCESS_KEY"])
        server.clear_requests()
        yield SimpleNamespace(server=server, vpc=vpc, users=users, admin=admin, policy=policy)


def env_for(enforced, user):
    return aws_env(enforced.server.url, REGION, extra=enforced.users[user])


def test_enforcement_is_on(enforced):
    with pytest.raises(Exception) as err:
        boto3.client("ec2", region_name=REGION, endpoint_url=enforced.server.url, aws_access_key_id="testing",
                     aws_secret_access_key="testing").describe_vpcs()
    assert "InvalidClientTokenId" in str(err.value) or "AuthFailure" in str(err.value)


def test_read_only_statement_cannot_deploy_and_says_what_is_missing(enforced):
    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(enforced.vpc),
                                    env_for(enforced, "auditor"))
    assert rc != 0, output
    assert any(code in result["msg"] for code in DENIED), result["msg"]
    assert "docs/iam-policy.json" in result["msg"]
    assert read_endpoints(enforced.admin, enforced.vpc.vpc_id) == []


def test_the_policy_is_enough_for_the_whole_lifecycle(enforced):
    vpc = enforced.vpc
    env = env_for(enforced, "deployer")
    enforced.server.clear_requests()

    rc, result, output = run_module("ecr_private_endpoints", endpoint_args(vpc), env)
    assert rc == 0 and result["changed"], output
    assert sorted(by_service(read_endpoints(enforced.admin, vpc.vpc_id))) == ["ecr.api", "ecr.dkr", "logs", "s3"]

    # Drift repair and option changes: ModifyVpcEndpoint, CreateTags, Authorize/RevokeSecurityGroupIngress.
    changed = endpoint_args(vpc, subnet_ids=vpc.private_subnet_ids[:2], allowed_cidrs=["10.99.0.0/16"],
                            tags={"Team": "platform"},
                            policy={"Version": "2012-10-17", "Statement": [
                                {"Effect": "Allow", "Principal": "*", "Action": ["ecr:*", "logs:*"],
                                 "Resource": "*"}]})
    rc, result, output = run_module("ecr_private_endpoints", changed, env)
    assert rc == 0 and result["changed"], output

    rc, result, output = run_module("ecr_private_endpoints_info", {"vpc_ids": [vpc.vpc_id]}, env)
    assert rc == 0, output
    assert [v["vpc_id"] for v in result["vpcs"]] == [vpc.vpc_id]

    rc, result, output = run_module("vpc_private_subnets_info", {"vpc_id": vpc.vpc_id}, env)
    assert rc == 0, output

    rc, result, output = run_module("ecr_private_endpoints", {"vpc_id": vpc.vpc_id, "state": "absent",
                                                              "purge_services": True}, env)
    assert rc == 0 and result["changed"], output
    assert read_endpoints(enforced.admin, vpc.vpc_id) == []
    groups = enforced.admin.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [vpc.vpc_id]}, {"Name": "group-name", "Values": ["ecr-private-endpoints"]}])
    assert groups["SecurityGroups"] == []

    # Every action the collection sent is in the policy, and the run used every mutating one.
    sent = set(name for name in enforced.server.requests())
    as_iam = set("%s:%s" % tuple(name.split(".", 1)) for name in sent)
    assert as_iam <= policy_actions(enforced.policy), as_iam - policy_actions(enforced.policy)
    # The deploy's pre-check of the zones already on the VPC, before private DNS is turned on.
    assert "route53:ListHostedZonesByVPC" in as_iam
    mutating = set(a for a in policy_actions(enforced.policy) if a.startswith("ec2:")
                   and not a.startswith("ec2:Describe"))
    assert mutating <= as_iam, "not exercised: %s" % sorted(mutating - as_iam)


def test_the_policy_is_enough_for_pull_through_cache_rules_and_the_read_statement_is_not(enforced):
    """ecr_pull_through_cache's whole lifecycle under the policy (the AWS-semantics layer applies moto's IAM
    enforcement to the pull-through cache API it answers); every ecr:/secretsmanager: action is exercised."""
    rules = [{"prefix": "k8s", "upstream": "k8s"},
             {"prefix": "docker-hub", "upstream": "docker-hub", "credential_secret": "ecr-pullthroughcache/docker-hub"}]
    rc, result, output = run_module("ecr_pull_through_cache", {"rules": rules[:1]}, env_for(enforced, "auditor"))
    assert rc != 0 and any(code in result["msg"] for code in DENIED), output
    assert "docs/iam-policy.json" in result["msg"]

    env = env_for(enforced, "deployer")
    enforced.server.clear_requests()
    rc, result, output = run_module("ecr_pull_through_cache", {"rules": rules}, env)
    assert rc == 0 and [c["action"] for c in result["changes"]] == ["create", "create"], output
    secrets = boto3.client("secretsmanager", region_name=REGION, endpoint_url=enforced.server.url,
                           aws_access_key_id=enforced.users["admin"]["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=enforced.users["admin"]["AWS_SECRET_ACCESS_KEY"])
    second = secrets.create_secret(Name="ecr-pullthroughcache/docker-hub-2", SecretString="{}")["ARN"]
    rules[1]["credential_secret"] = second
    rc, result, output = run_module("ecr_pull_through_cache", {"rules": rules}, env)
    assert rc == 0 and [c["action"] for c in result["changes"]] == ["update"], output
    rc, result, output = run_module("ecr_pull_through_cache", {"rules": rules, "state": "absent"}, env)
    assert rc == 0 and [c["action"] for c in result["changes"]] == ["delete", "delete"], output

    sent = set("%s:%s" % tuple(name.split(".", 1)) for name in enforced.server.requests())
    sent.discard("secretsmanager:CreateSecret")  # the admin's, above
    assert sent <= policy_actions(enforced.policy), sent - policy_actions(enforced.policy)
    # ecr:DescribeRepositories is the audit's (cached repositories), exercised with the audit's other reads
    cache = set(a for a in policy_actions(enforced.policy) if a.startswith(("ecr:", "secretsmanager:"))) - {
        "ecr:DescribeRepositories"}
    assert cache <= sent, "not exercised: %s" % sorted(cache - sent)
