"""ECS and EKS answers of the AWS-semantics layer (tests/support/aws_semantics_workloads.py), rule by rule.

Each rule is proven against the layer and shown to differ from plain moto (``semantics=False``), so the
layer is what makes the audit's tests hold AWS's behaviour.
"""

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.support.moto_server import MotoServer
from tests.support.seed import enforce_iam

pytestmark = pytest.mark.integration
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def servers():
    with MotoServer(semantics=True) as layered, MotoServer(semantics=False) as raw:
        yield {"layer": layered, "raw": raw}


def make(server, service):
    return boto3.client(service, region_name=REGION, endpoint_url=server.url, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


def seed(server, services=11):
    """A VPC, a subnet, an ECS cluster with ``services`` awsvpc services; returns (ec2, ecs, vpc, subnet)."""
    server.reset()
    ec2, ecs = make(server, "ec2"), make(server, "ecs")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    ecs.create_cluster(clusterName="c")
    task = ecs.register_task_definition(family="t", networkMode="awsvpc", containerDefinitions=[
        {"name": "c", "image": "nginx:1.27", "memory": 512}])["taskDefinition"]["taskDefinitionArn"]
    for index in range(services):
        ecs.create_service(cluster="c", serviceName="s%d" % index, taskDefinition=task, desiredCount=0,
                           launchType="FARGATE",
                           networkConfiguration={"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": []}})
    return ec2, ecs, vpc, subnet


def test_w1_describe_services_takes_at_most_ten(servers):
    _ec2, ecs, _vpc, _subnet = seed(servers["layer"])
    names = ["s%d" % i for i in range(11)]
    with pytest.raises(ClientError) as refused:
        ecs.describe_services(cluster="c", services=names)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterException"
    assert len(ecs.describe_services(cluster="c", services=names[:10])["services"]) == 10
    # Plain moto describes any number.
    _ec2, raw_ecs, _vpc, _subnet = seed(servers["raw"])
    assert len(raw_ecs.describe_services(cluster="c", services=names)["services"]) == 11


def test_w2_eks_cluster_names_its_vpc_and_cluster_security_group(servers):
    ec2, _ecs, vpc, subnet = seed(servers["layer"], services=0)
    eks = make(servers["layer"], "eks")
    created = eks.create_cluster(name="k", roleArn="arn:aws:iam::123456789012:role/eks",
                                 resourcesVpcConfig={"subnetIds": [subnet]})["cluster"]["resourcesVpcConfig"]
    described = eks.describe_cluster(name="k")["cluster"]["resourcesVpcConfig"]
    assert created["vpcId"] == described["vpcId"] == vpc
    group = described["clusterSecurityGroupId"]
    assert created["clusterSecurityGroupId"] == group
    (read,) = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
    assert read["VpcId"] == vpc and read["GroupName"].startswith("eks-cluster-sg-k-")
    # Plain moto answers neither.
    _ec2, _ecs, _vpc, raw_subnet = seed(servers["raw"], services=0)
    raw_eks = make(servers["raw"], "eks")
    raw_eks.create_cluster(name="k", roleArn="arn:aws:iam::123456789012:role/eks",
                           resourcesVpcConfig={"subnetIds": [raw_subnet]})
    config = raw_eks.describe_cluster(name="k")["cluster"]["resourcesVpcConfig"]
    assert "vpcId" not in config and "clusterSecurityGroupId" not in config


def test_w2_reset_forgets_the_clusters(servers):
    _ec2, _ecs, _vpc, subnet = seed(servers["layer"], services=0)
    eks = make(servers["layer"], "eks")
    eks.create_cluster(name="k", roleArn="arn:aws:iam::123456789012:role/eks",
                       resourcesVpcConfig={"subnetIds": [subnet]})
    first = eks.describe_cluster(name="k")["cluster"]["resourcesVpcConfig"]["clusterSecurityGroupId"]
    ec2, _ecs, _vpc, subnet = seed(servers["layer"], services=0)
    eks.create_cluster(name="k", roleArn="arn:aws:iam::123456789012:role/eks",
                       resourcesVpcConfig={"subnetIds": [subnet]})
    second = eks.describe_cluster(name="k")["cluster"]["resourcesVpcConfig"]["clusterSecurityGroupId"]
    assert second != first
    assert ec2.describe_security_groups(GroupIds=[second])["SecurityGroups"]


def _user(server, name, actions):
    iam = make(server, "iam")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return boto3.client("eks", region_name=REGION, endpoint_url=server.url, aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"])


@pytest.mark.parametrize("layer", [True, False])
def test_w3_signed_eks_reads_are_accepted_under_iam_enforcement(servers, layer):
    server = servers["layer" if layer else "raw"]
    server.reset()
    allowed = _user(server, "reader", ["eks:ListClusters", "eks:DescribeCluster"])
    other = _user(server, "other", ["ec2:DescribeVpcs"])
    enforce_iam(server.url)
    try:
        if layer:
            assert allowed.list_clusters()["clusters"] == []
            assert allowed.list_clusters(maxResults=100)["clusters"] == []
            with pytest.raises(ClientError) as missing:
                allowed.describe_cluster(name="none")
            assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
            with pytest.raises(ClientError) as denied:
                other.list_clusters()
            assert "AccessDenied" in str(denied.value)
        else:  # plain moto refuses every signed EKS GET
            with pytest.raises(ClientError) as refused:
                allowed.list_clusters()
            assert "SignatureDoesNotMatch" in str(refused.value)
    finally:
        enforce_iam(server.url, False)
