# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit's workloads and image-cache reads (private): what runs in the audited VPCs, and what it pulls.

Requests, per region and run (docs/docsite/rst/guide_performance.rst gives the totals):
- ECS: ListClusters (pages of 100), ListServices per cluster (pages of 100), DescribeServices 10 at a
  time (the API's limit: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html),
  DescribeTaskDefinition once per task definition of a service in an audited VPC.
- EKS: ListClusters (pages of 100), DescribeCluster per cluster
  (https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCluster.html: ``resourcesVpcConfig``
  has ``vpcId``, ``subnetIds`` and the ``clusterSecurityGroupId`` EKS creates).
An account with no ECS cluster and no EKS cluster costs the two ListClusters requests.
- Only when an image lives in the account's own registry of the region, or outside ECR:
  DescribePullThroughCacheRules (the registry's rules), DescribeSecret per credential secret a used rule
  names (metadata, never the value), DescribeRepositories per cached repository an image needs.

The normalisers are pure and unit-tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    aws_error,
    error_code,
    translated,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._ec2_reader import paginate
from ansible_collections.privatelink.ecr.plugins.module_utils._pull_through_cache import PullThroughCacheReader

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - HAS_BOTO3 is checked by the connection
    BotoCoreError = ClientError = Exception

DESCRIBE_SERVICES_MAX = 10
PAGE_SIZE = 100


# ---------------------------------------------------------------- pure normalisers

def ecs_service(raw, images):
    """A workload record of one ECS service (``images``: its task definition's container images)."""
    awsvpc = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    return {"kind": "ecs_service", "name": raw.get("serviceName"), "arn": raw.get("serviceArn"),
            "subnet_ids": sorted(set(awsvpc.get("subnets") or [])),
            "security_group_ids": sorted(set(awsvpc.get("securityGroups") or [])),
            "images": list(images)}


def task_definition_images(raw):
    """The distinct images of a task definition's containers, in container order."""
    images = []
    for container in (raw or {}).get("containerDefinitions") or []:
        image = container.get("image")
        if image and image not in images:
            images.append(image)
    return images


def eks_cluster(raw, subnet_vpcs):
    """``(vpc_id, workload)`` of one EKS cluster; the VPC from ``resourcesVpcConfig.vpcId``, else its subnets'."""
    config = raw.get("resourcesVpcConfig") or {}
    subnets = sorted(set(config.get("subnetIds") or []))
    vpc_id = config.get("vpcId") or next((subnet_vpcs[s] for s in subnets if s in subnet_vpcs), None)
    groups = sorted(set(filter(None, [config.get("clusterSecurityGroupId")] + list(config.get("securityGroupIds")
                                                                                   or []))))
    # Pod images are not readable through AWS APIs (the info module's ``images`` option gives them).
    return vpc_id, {"kind": "eks_cluster", "name": raw.get("name"), "arn": raw.get("arn"), "subnet_ids": subnets,
                    "security_group_ids": groups, "images": []}


def given_workload(images, security_group_ids):
    """What the user gave (``images``, ``workload_security_group_ids``) as one workload, or None."""
    if not images and not security_group_ids:
        return None
    return {"kind": "given", "name": "given", "arn": None, "subnet_ids": [],
            "security_group_ids": sorted(set(security_group_ids or [])), "images": list(images or [])}


def vpc_of_service(workload, subnet_vpcs):
    """The audited VPC an ECS service's awsvpc subnets belong to, else None (another VPC, or no awsvpc)."""
    for subnet_id in workload["subnet_ids"]:
        if subnet_id in subnet_vpcs:
            return subnet_vpcs[subnet_id]
    return None


# ---------------------------------------------------------------- AWS reads

class WorkloadsReader:
    """ECS services and EKS clusters of one account and region; task definitions read once each."""

    def __init__(self, connection):
        self.connection = connection
        self.task_definitions = {}

    @translated("list the ECS clusters and services (ecs:ListClusters, ecs:ListServices, ecs:DescribeServices)")
    def _ecs_services(self):
        ecs = self.connection.client("ecs")
        services = []
        for cluster in paginate(ecs, "list_clusters", "clusterArns", PaginationConfig={"PageSize": PAGE_SIZE}):
            arns = paginate(ecs, "list_services", "serviceArns", cluster=cluster,
                            PaginationConfig={"PageSize": PAGE_SIZE})
            for start in range(0, len(arns), DESCRIBE_SERVICES_MAX):
                answer = ecs.describe_services(cluster=cluster, services=arns[start:start + DESCRIBE_SERVICES_MAX])
                # ACTIVE services only (DRAINING and INACTIVE ones run nothing more); scaled to zero counts.
                services.extend(s for s in answer.get("services") or [] if s.get("status") == "ACTIVE")
        return services

    def _images_of(self, ecs, arn):
        if arn not in self.task_definitions:
            try:
                raw = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
            except (BotoCoreError, ClientError) as exc:
                raise aws_error(exc, "describe the task definition %s (ecs:DescribeTaskDefinition)" % arn)
            self.task_definitions[arn] = task_definition_images(raw)
        return self.task_definitions[arn]

    def ecs(self, subnet_vpcs):
        """``{vpc_id: [workload, ...]}`` of the ECS services whose awsvpc subnets are in an audited VPC."""
        found = {}
        ecs = None
        for raw in self._ecs_services():
            awsvpc = (raw.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
            vpc_id = next((subnet_vpcs[s] for s in awsvpc.get("subnets") or [] if s in subnet_vpcs), None)
            if vpc_id is None:
                continue
            ecs = ecs or self.connection.client("ecs")
            images = self._images_of(ecs, raw["taskDefinition"]) if raw.get("taskDefinition") else []
            found.setdefault(vpc_id, []).append(ecs_service(raw, images))
        return found

    @translated("list and describe the EKS clusters (eks:ListClusters, eks:DescribeCluster)")
    def eks(self, vpc_ids, subnet_vpcs):
        """``{vpc_id: [workload, ...]}`` of the EKS clusters in an audited VPC."""
        eks = self.connection.client("eks")
        found = {}
        # ListClusters returns 100 clusters a page when maxResults is not given (API_ListClusters.html).
        for name in paginate(eks, "list_clusters", "clusters"):
            vpc_id, workload = eks_cluster(eks.describe_cluster(name=name)["cluster"], subnet_vpcs)
            if vpc_id in vpc_ids:
                found.setdefault(vpc_id, []).append(workload)
        return found


def read_workloads(connection, vpc_ids, raw_subnets):
    """``{vpc_id: [workload, ...]}`` for the audited VPCs, ECS services first, each kind sorted by name."""
    subnet_vpcs = dict((s["SubnetId"], s.get("VpcId")) for s in raw_subnets if s.get("VpcId") in vpc_ids)
    reader = WorkloadsReader(connection)
    ecs = reader.ecs(subnet_vpcs)
    eks = reader.eks(set(vpc_ids), subnet_vpcs)
    result = {}
    for vpc_id in vpc_ids:
        result[vpc_id] = (sorted(ecs.get(vpc_id, []), key=lambda w: (w["name"] or "", w["arn"] or ""))
                          + sorted(eks.get(vpc_id, []), key=lambda w: (w["name"] or "", w["arn"] or "")))
    return result


# ---------------------------------------------------------------- the registry's pull-through cache

class CacheReader:
    """The own registry's pull-through cache rules, their secrets' existence and the cached repositories."""

    def __init__(self, connection):
        self.connection = connection

    def rules(self):
        return PullThroughCacheReader(self.connection).rules()

    def secret_exists(self, arn):
        """False when the secret does not exist or is scheduled for deletion (DescribeSecret: no value read)."""
        try:
            answer = self.connection.client("secretsmanager").describe_secret(SecretId=arn)
        except (BotoCoreError, ClientError) as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return False
            raise aws_error(exc, "describe the secret %s of a pull-through cache rule "
                                 "(secretsmanager:DescribeSecret)" % arn)
        return not answer.get("DeletedDate")

    def repository_exists(self, name):
        """ECR DescribeRepositories names one repository: RepositoryNotFoundException means not cached yet."""
        try:
            self.connection.client("ecr").describe_repositories(repositoryNames=[name])
        except (BotoCoreError, ClientError) as exc:
            if error_code(exc) == "RepositoryNotFoundException":
                return False
            raise aws_error(exc, "describe the repository %s (ecr:DescribeRepositories)" % name)
        return True


def read_cache(connection, account_id, region, needs):
    """``{rules, secrets: {arn: exists}, repositories: {name: exists}}`` of the own registry, or None.

    ``needs(rules)`` returns ``(secret_arns, repository_names)`` worth reading once the rules are known.
    Pull-through cache is not offered in the China Regions (ECR user guide, pull-through-cache.html): None.
    """
    if (region or "").startswith("cn-"):
        return None
    reader = CacheReader(connection)
    rules = reader.rules()
    secret_arns, repositories = needs(rules)
    return {"account_id": account_id, "rules": rules,
            "secrets": dict((arn, reader.secret_exists(arn)) for arn in sorted(secret_arns)),
            "repositories": dict((name, reader.repository_exists(name)) for name in sorted(repositories))}


def workloads_by_vpc(connection, vpc_ids, raw_subnets, read=True, images=None, security_group_ids=None):
    """``{vpc_id: [workload, ...]}``: what runs in each audited VPC (with ``read``), then the user's ``given``."""
    found = read_workloads(connection, vpc_ids, raw_subnets) if read else dict((v, []) for v in vpc_ids)
    given = given_workload(images, security_group_ids)
    return dict((vpc_id, found.get(vpc_id, []) + ([dict(given)] if given else [])) for vpc_id in vpc_ids)
