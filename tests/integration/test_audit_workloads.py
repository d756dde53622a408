"""ecr_private_endpoints_info reads what runs in a VPC (ECS services, EKS clusters) and judges its images.

Against moto_server with the AWS-semantics layer (DescribeServices 10 at a time, EKS's vpcId and cluster
security group: tests/support/aws_semantics_workloads.py; pull-through cache rules:
tests/support/aws_semantics_ecr.py). Each case is seeded with boto3 as a user builds it, the audit's findings
and reads are asserted, and a look-alike of each fault is proven clean.
"""

import os
import sys

import boto3
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.support.ansible_cli import aws_env, run_module  # noqa: E402
from ansible_collections.privatelink.ecr.plugins.module_utils._image_refs import image_paths  # noqa: E402
from tests.support.audit_fixtures import REGION, deploy_args, ec2_client, seed_private_vpc  # noqa: E402

pytestmark = pytest.mark.integration
ACCOUNT = "123456789012"
HUB = "%s.dkr.ecr.%s.amazonaws.com" % (ACCOUNT, REGION)


def client(server, service):
    return boto3.client(service, region_name=REGION, endpoint_url=server.url, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture
def lab(server):
    server.reset()
    ec2 = ec2_client(server.url)
    seeded = seed_private_vpc(ec2)
    env = aws_env(server.url, REGION)
    rc, _result, output = run_module("ecr_private_endpoints", deploy_args(seeded), env)
    assert rc == 0, output
    return {"server": server, "ec2": ec2, "vpc": seeded, "env": env,
            "ecs": client(server, "ecs"), "eks": client(server, "eks")}


def audit(lab, **args):
    args.setdefault("vpc_ids", [lab["vpc"]["vpc_id"]])
    lab["server"].clear_requests()
    rc, result, output = run_module("ecr_private_endpoints_info", args, lab["env"])
    assert rc == 0, output
    assert lab["server"].mutating_requests() == {}
    (vpc,) = result["vpcs"]
    return vpc


def ids(vpc):
    return sorted(f["id"] for f in vpc["findings"] if f["severity"] in ("high", "medium"))


def fargate_service(lab, name, images, subnets=None, cluster="prod", desired=1):
    ecs = lab["ecs"]
    ecs.create_cluster(clusterName=cluster)
    group = lab["ec2"].create_security_group(GroupName="task-%s" % name, Description="tasks",
                                             VpcId=lab["vpc"]["vpc_id"])["GroupId"]
    task = ecs.register_task_definition(
        family=name, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
        containerDefinitions=[{"name": "c%d" % i, "image": image} for i, image in enumerate(images)],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster=cluster, serviceName=name, taskDefinition=task, desiredCount=desired,
                       launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                           "subnets": subnets or lab["vpc"]["private_subnet_ids"][:2], "securityGroups": [group],
                           "assignPublicIp": "DISABLED"}})
    return group, task


def test_no_ecs_and_no_eks_costs_two_requests(lab):
    vpc = audit(lab)
    counts = lab["server"].requests()
    assert counts.get("ecs.ListClusters") == 1 and counts.get("eks.ListClusters") == 1
    assert not [k for k in counts if k.startswith(("ecs.", "eks.", "ecr.", "secretsmanager."))
                and k not in ("ecs.ListClusters", "eks.ListClusters")], counts
    assert vpc["workloads"] == [] and "images" not in vpc
    # No workload found: the private subnets by the discovery rule.
    assert vpc["workload_subnet_ids"] == sorted(lab["vpc"]["private_subnet_ids"]) or \
        set(vpc["workload_subnet_ids"]) == set(lab["vpc"]["private_subnet_ids"])
    assert audit(lab, read_workloads=False)["workloads"] == []
    assert not [k for k in lab["server"].requests() if k.startswith(("ecs.", "eks."))]


def test_fargate_service_with_docker_hub_image_needs_internet(lab):
    group, _task = fargate_service(lab, "web", ["nginx:1.27", "%s/app:1" % HUB], desired=0)
    vpc = audit(lab)
    (service,) = vpc["workloads"]
    assert service["kind"] == "ecs_service" and service["name"] == "web"
    assert service["arn"].endswith(":service/prod/web")
    assert service["security_group_ids"] == [group] and service["images"] == ["nginx:1.27", "%s/app:1" % HUB]
    # The workload subnets are the service's, not every private subnet.
    assert vpc["workload_subnet_ids"] == sorted(lab["vpc"]["private_subnet_ids"][:2])
    assert ids(vpc) == ["IMAGE_NEEDS_INTERNET"]
    (item,) = [f for f in vpc["findings"] if f["id"] == "IMAGE_NEEDS_INTERNET"]
    assert item["resource"] == "nginx:1.27" and "ecs_service web" in item["message"]
    assert "docker-hub" in item["remediation"]
    assert "%s/docker-hub/library/nginx:1.27" % HUB in item["remediation"]
    assert "secret" in item["remediation"]
    paths = dict((i["reference"], i["path"]) for i in image_paths(vpc))
    assert paths == {"nginx:1.27": "none", "%s/app:1" % HUB: "private endpoint"}


def test_a_default_route_makes_the_same_service_clean(lab):
    """Look-alike: the same Docker Hub image, from subnets with a NAT route (any active 0.0.0.0/0)."""
    fargate_service(lab, "web", ["nginx:1.27"], subnets=[lab["vpc"]["public_subnet_id"]])
    vpc = audit(lab)
    assert vpc["workload_subnet_ids"] == [lab["vpc"]["public_subnet_id"]]
    assert [f for f in vpc["findings"] if f["id"].startswith(("IMAGE_", "CACHE_"))] == []
    assert image_paths(vpc)[0]["path"] == "internet"


def test_many_services_described_ten_at_a_time_task_definitions_once(lab):
    ecs = lab["ecs"]
    _group, task = fargate_service(lab, "svc-00", ["%s/app:1" % HUB])
    for index in range(1, 23):
        ecs.create_service(cluster="prod", serviceName="svc-%02d" % index, taskDefinition=task, desiredCount=0,
                           launchType="FARGATE", networkConfiguration={"awsvpcConfiguration": {
                               "subnets": lab["vpc"]["private_subnet_ids"][:1], "securityGroups": []}})
    vpc = audit(lab)
    assert len(vpc["workloads"]) == 23
    counts = lab["server"].requests()
    assert counts["ecs.DescribeServices"] == 3  # 23 services, 10 at a time
    assert counts["ecs.DescribeTaskDefinition"] == 1
    assert ids(vpc) == []


def test_eks_cluster_and_given_images(lab):
    eks = lab["eks"]
    subnets = lab["vpc"]["private_subnet_ids"][1:]
    eks.create_cluster(name="platform", roleArn="arn:aws:iam::%s:role/eks" % ACCOUNT,
                       resourcesVpcConfig={"subnetIds": subnets})
    # A group of the VPC for pods not running now (an unknown id fails the audit, naming the option).
    given_group = lab["ec2"].create_security_group(GroupName="pods", Description="pods",
                                                   VpcId=lab["vpc"]["vpc_id"])["GroupId"]
    vpc = audit(lab, images=["quay.io/prometheus/node-exporter:v1.8.2", "%s/app:1" % HUB.replace(REGION, "us-east-1")],
                workload_security_group_ids=[given_group])
    kinds = [(w["kind"], w["name"]) for w in vpc["workloads"]]
    assert kinds == [("eks_cluster", "platform"), ("given", "given")]
    cluster = vpc["workloads"][0]
    assert cluster["subnet_ids"] == sorted(subnets) and len(cluster["security_group_ids"]) == 1
    assert cluster["security_group_ids"][0].startswith("sg-") and cluster["images"] == []
    assert vpc["workloads"][1]["arn"] is None
    assert ids(vpc) == ["IMAGE_NEEDS_INTERNET", "IMAGE_OTHER_REGION"]
    quay = [f for f in vpc["findings"] if f["id"] == "IMAGE_NEEDS_INTERNET"][0]
    assert "%s/quay/prometheus/node-exporter:v1.8.2" % HUB in quay["remediation"]
    assert "no credential secret" in quay["remediation"]


def _docker_hub_rule(lab, with_secret=True):
    secrets = client(lab["server"], "secretsmanager")
    arn = secrets.create_secret(Name="ecr-pullthroughcache/docker-hub",
                                SecretString='{"username":"u","accessToken":"t"}')["ARN"]
    client(lab["server"], "ecr").create_pull_through_cache_rule(
        ecrRepositoryPrefix="docker-hub", upstreamRegistryUrl="registry-1.docker.io", upstreamRegistry="docker-hub",
        credentialArn=arn)
    if not with_secret:
        secrets.delete_secret(SecretId=arn, ForceDeleteWithoutRecovery=True)
    return arn


def test_cached_image_not_seeded_then_clean(lab):
    _docker_hub_rule(lab)
    cached = "%s/docker-hub/library/nginx:1.27" % HUB
    fargate_service(lab, "web", [cached])
    vpc = audit(lab)
    assert ids(vpc) == ["CACHE_NOT_SEEDED"]
    (item,) = [f for f in vpc["findings"] if f["id"] == "CACHE_NOT_SEEDED"]
    assert item["severity"] == "medium" and "docker pull %s" % cached in item["remediation"]
    assert image_paths(vpc)[0]["path"] == "pull-through cache (not seeded)"
    assert lab["server"].requests()["ecr.DescribeRepositories"] == 1
    # Seeded (the repository the first pull creates exists): clean, through the cache.
    client(lab["server"], "ecr").create_repository(repositoryName="docker-hub/library/nginx")
    vpc = audit(lab)
    assert ids(vpc) == [] and image_paths(vpc)[0]["path"] == "private endpoint"


def test_cache_rule_whose_secret_is_gone_is_broken(lab):
    _docker_hub_rule(lab, with_secret=False)
    client(lab["server"], "ecr").create_repository(repositoryName="docker-hub/library/nginx")
    fargate_service(lab, "web", ["%s/docker-hub/library/nginx:1.27" % HUB])
    vpc = audit(lab)
    assert ids(vpc) == ["CACHE_RULE_BROKEN"]
    (item,) = [f for f in vpc["findings"] if f["id"] == "CACHE_RULE_BROKEN"]
    assert item["resource"] == "docker-hub"
    assert image_paths(vpc)[0]["path"] == "pull-through cache (rule broken)"


def test_existing_rule_is_named_in_the_remediation(lab):
    _docker_hub_rule(lab)
    fargate_service(lab, "web", ["library/redis:7"])
    vpc = audit(lab)
    (item,) = [f for f in vpc["findings"] if f["id"] == "IMAGE_NEEDS_INTERNET"]
    assert "existing pull-through cache rule docker-hub" in item["remediation"]
    assert "%s/docker-hub/library/redis:7" % HUB in item["remediation"]
