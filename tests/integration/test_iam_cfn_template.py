"""docs/iam/member-account-role.yaml: valid for cfn-lint, and creates the member-account role in
moto_server's CloudFormation with the trust of the automation account (external id) and exactly the
statements of docs/iam-policy.json.

cfn-lint is a test requirement (requirements-test.txt): a missing cfn-lint fails this test, it does
not skip it.
"""

import json
import os
import shutil
import subprocess
import sys

import boto3
import pytest
import yaml

from tests.support.ansible_cli import ROOT
from tests.support.moto_server import MotoServer

TEMPLATE = os.path.join(ROOT, "docs", "iam", "member-account-role.yaml")
POLICY_PATH = os.path.join(ROOT, "docs", "iam-policy.json")
REGION = "us-east-1"
AUTOMATION_ACCOUNT = "210987654321"
EXTERNAL_ID = "plecr-3f9a1c7e"
DEFAULT_ROLE = "privatelink-ecr-automation"


def cfn_lint():
    """The cfn-lint next to this interpreter (the .venv), else on PATH; fail, never skip, without one."""
    here = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    found = here if os.path.exists(here) else shutil.which("cfn-lint")
    assert found, "cfn-lint is missing: pip install -r requirements-test.txt"
    return found


def test_cfn_lint_passes():
    result = subprocess.run([cfn_lint(), "--format", "parseable", TEMPLATE], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_parameters():
    with open(TEMPLATE) as handle:
        parameters = yaml.safe_load(handle)["Parameters"]   # long-form intrinsics only: plain YAML
    assert parameters["RoleName"]["Default"] == DEFAULT_ROLE   # the inventory plugin's role_name
    assert parameters["ExternalId"]["NoEcho"] is True
    assert "Default" not in parameters["ExternalId"] and "Default" not in parameters["AutomationAccountId"]
    assert parameters["AutomationRoleName"]["Default"] == ""


def _as_document(value):
    return value if isinstance(value, dict) else json.loads(value)


@pytest.fixture(scope="module")
def stacks():
    with MotoServer(semantics=False) as server:
        yield dict(region_name=REGION, endpoint_url=server.url, aws_access_key_id="testing",
                   aws_secret_access_key="testing")


def _create(kwargs, name, parameters):
    with open(TEMPLATE) as handle:
        body = handle.read()
    cloudformation = boto3.client("cloudformation", **kwargs)
    cloudformation.create_stack(StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_NAMED_IAM"],
                                Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()])
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    return stack


def _attached_document(iam, role_name):
    attached = iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == [role_name + "-policy"]
    arn = attached[0]["PolicyArn"]
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    return _as_document(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])


def test_the_stack_creates_the_role_with_the_policy_and_the_trust(stacks):
    stack = _create(stacks, "privatelink-ecr-role", {"AutomationAccountId": AUTOMATION_ACCOUNT,
                                                     "ExternalId": EXTERNAL_ID})
    outputs = dict((o["OutputKey"], o["OutputValue"]) for o in stack["Outputs"])
    assert outputs["RoleName"] == DEFAULT_ROLE
    assert outputs["RoleArn"].endswith(":role/" + DEFAULT_ROLE)
    # NoEcho is checked in the template (test_the_parameters): moto 5.2.5 does not mask NoEcho values in
    # DescribeStacks (it tests the value, not the key, against its NoEcho list); CloudFormation shows ****.

    iam = boto3.client("iam", **stacks)
    role = iam.get_role(RoleName=DEFAULT_ROLE)["Role"]
    trust = _as_document(role["AssumeRolePolicyDocument"])
    assert trust["Statement"] == [{
        "Sid": "AutomationAccountWithExternalId", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::%s:root" % AUTOMATION_ACCOUNT}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}}]

    with open(POLICY_PATH) as handle:
        expected = json.load(handle)
    document = _attached_document(iam, DEFAULT_ROLE)
    assert document["Statement"] == expected["Statement"]
    assert document["Version"] == expected["Version"]


def test_the_trust_can_name_one_role_of_the_automation_account(stacks):
    _create(stacks, "privatelink-ecr-role-named", {"AutomationAccountId": AUTOMATION_ACCOUNT,
                                                   "AutomationRoleName": "awx-runner", "ExternalId": EXTERNAL_ID,
                                                   "RoleName": "plecr-other"})
    iam = boto3.client("iam", **stacks)
    trust = _as_document(iam.get_role(RoleName="plecr-other")["Role"]["AssumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::%s:role/awx-runner" % AUTOMATION_ACCOUNT}
    assert trust["Statement"][0]["Condition"] == {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}
    with open(POLICY_PATH) as handle:
        assert _attached_document(iam, "plecr-other")["Statement"] == json.load(handle)["Statement"]
