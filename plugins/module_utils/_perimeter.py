# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data-perimeter endpoint policies that keep image pulls working (private, pure).

Modelled on AWS's data-perimeter examples for VPC endpoint policies
(aws-samples/data-perimeter-policy-examples, ``vpc_endpoint_policies/``: the default, ``ecr.api`` and
``s3`` examples): through the endpoint, principals of the organization may reach resources of the
organization, and AWS service principals may act for it; everything else is implicitly denied. Its
exceptions, kept to what a pull needs:

* S3: ``s3:GetObject`` on the ECR layer bucket ``prod-REGION-starport-layer-bucket`` for every
  principal and **without** a principal or organization condition. ECR hands the client a URL
  presigned by an ECR-owned account, so that request's principal is outside the organization, and the
  bucket is AWS's (ECR user guide, "Amazon ECR interface VPC endpoints", minimum S3 permissions; the
  examples' "AllowRequestsToAWSOwnedResources" statement lists the same bucket).
* ``ecr.api`` / ``ecr.dkr`` for the ``eks`` workload: the organization's principals may pull from the
  AWS-owned registries that hold the EKS add-on images (the examples'
  "AllowRequestsByOrgsIdentitiesToAWSResources" statement). The account of each region's registry comes
  from the EKS user guide, "View Amazon container image registries for Amazon EKS add-ons"
  (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-images.html, source
  awsdocs/amazon-eks-user-guide ``latest/ug/workloads/add-ons-images.adoc``), as of 2026.

* S3, for the ``ecs`` and ``eks`` sets (EC2 nodes behind the same S3 gateway, which every private route
  table of the VPC uses): ``s3:GetObject`` and ``s3:ListBucket`` on the AWS-owned buckets the nodes read
  without a principal of the organization, as the examples' "AllowRequestsToAWSOwnedResources" statement
  (``vpc_endpoint_policies/s3_endpoint_policy.json``) lists them, kept to what ECS and EKS nodes run: the
  Amazon Linux package repositories ``dnf`` / ``yum`` read, the SSM agent's buckets and the CloudWatch
  agent's (``AWS_OWNED_NODE_BUCKETS``, each cited there), plus the caller's ``perimeter_extra_s3_resources``.
* ``ecr.api`` / ``ecr.dkr`` with ``registry_account_ids``: the organization's principals may pull from
  those accounts' repositories even when an account is outside the organization (a partner's registry);
  inside it the organization statement already allows it.

The examples' "resource-perimeter-exception" tag statement is left out on purpose: a tag-based escape
hatch is a decision for the organization, not a default.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import layer_bucket, partition_of

# EKS add-on image registries by region (EKS user guide, see above). Regions not listed use the account
# that serves most regions.
EKS_ADDON_REGISTRY_DEFAULT = "602401143452"
EKS_ADDON_REGISTRIES = {
    "af-south-1": "877085696533",
    "ap-east-1": "800184023465",
    "ap-east-2": "533267051163",
    "ap-southeast-3": "296578399912",
    "ap-south-2": "900889452093",
    "ap-southeast-4": "491585149902",
    "ap-southeast-5": "151610086707",
    "ap-southeast-6": "333609536671",
    "ap-southeast-7": "121268973566",
    "cn-north-1": "918309763551",
    "cn-northwest-1": "961992271922",
    "eu-south-1": "590381155156",
    "eu-south-2": "455263428931",
    "eu-central-2": "900612956339",
    "il-central-1": "066635153087",
    "mx-central-1": "730335286997",
    "me-south-1": "558608220178",
    "me-central-1": "759879836304",
    "ca-west-1": "761377655185",
    "us-gov-east-1": "151742754352",
    "us-gov-west-1": "013241004608",
    "eusc-de-east-1": "877088126301",
}

# AWS-owned buckets that EC2 nodes (ECS container instances, EKS nodes) read through the S3 gateway, by
# purpose; REGION is the endpoint's region. All of them appear in aws-samples/data-perimeter-policy-examples,
# vpc_endpoint_policies/s3_endpoint_policy.json, "AllowRequestsToAWSOwnedResources".
AWS_OWNED_NODE_BUCKETS = (
    # Amazon Linux package repositories (dnf on AL2023, yum on AL2, the ECS- and EKS-optimized AMIs). The
    # AL2023 bucket's name has a fixed suffix: AL2023 user guide, "Kernel Live Patching on AL2023"
    # (https://docs.aws.amazon.com/linux/al2023/ug/live-patching.html), and "Package repository"
    # (https://docs.aws.amazon.com/linux/al2023/ug/managing-repos-os-updates.html); AL2's repositories:
    # re:Post knowledge center "ec2-al1-al2-update-yum-without-internet".
    "al2023-repos-REGION-de612dc2",
    "amazonlinux-2-repos-REGION",
    "amazonlinux.REGION.amazonaws.com",
    "packages.REGION.amazonaws.com",
    "repo.REGION.amazonaws.com",
    # SSM Agent: Systems Manager user guide, "SSM Agent communications with AWS managed S3 buckets"
    # (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-technical-details.html
    # #ssm-agent-minimum-s3-permissions: "a VPC endpoint policy ... must allow" these buckets) and
    # "Amazon S3 buckets for patching operations" (patch-operations-s3-buckets.html: patch-baseline-snapshot).
    "aws-ssm-REGION",
    "amazon-ssm-REGION",
    "amazon-ssm-packages-REGION",
    "aws-ssm-distributor-file-REGION",
    "aws-ssm-document-attachments-REGION",
    "patch-baseline-snapshot-REGION",
    "REGION-birdwatcher-prod",
    # CloudWatch agent packages: CloudWatch user guide, "Download and install the CloudWatch agent"
    # (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/download-cloudwatch-agent-commandline.html:
    # s3://amazoncloudwatch-agent-REGION/ and the global s3://amazoncloudwatch-agent/).
    "amazoncloudwatch-agent-REGION",
    "amazoncloudwatch-agent",
)
# The service sets whose EC2 nodes share the VPC's S3 gateway.
NODE_WORKLOADS = ("ecs", "eks")
_S3_ARN = re.compile(r"^arn:(aws[a-z-]*):s3:::[a-z0-9.*?-][^\s]*$")
_ACCOUNT = re.compile(r"^\d{12}$")

_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")
# ecr:BatchCheckLayerAvailability is what docker/containerd call before a layer download.
_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]


def eks_addon_registry_account(region):
    return EKS_ADDON_REGISTRIES.get(region, EKS_ADDON_REGISTRY_DEFAULT)


def _org_to_org(org_id):
    return {
        "Sid": "AllowRequestsByOrgPrincipalsToOrgResources",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id, "aws:ResourceOrgID": org_id}},
    }


def _aws_services():
    return {
        "Sid": "AllowRequestsByAWSServicePrincipals",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}},
    }


def node_bucket_names(region):
    """The AWS-owned buckets of ``AWS_OWNED_NODE_BUCKETS`` for a region, in their listed order."""
    return [name.replace("REGION", region) for name in AWS_OWNED_NODE_BUCKETS]


def check_extra_s3_resources(resources, region):
    """``perimeter_extra_s3_resources`` must be S3 ARNs of the region's partition; raises ValueError."""
    partition = partition_of(region)
    for resource in resources or []:
        match = _S3_ARN.match(resource) if isinstance(resource, str) else None
        if not match:
            raise ValueError("perimeter_extra_s3_resources: %r is not an S3 ARN (arn:%s:s3:::BUCKET or "
                             "arn:%s:s3:::BUCKET/KEY-PATTERN)" % (resource, partition, partition))
        if match.group(1) != partition:
            raise ValueError("perimeter_extra_s3_resources: %s is in partition %s, but region %s is in %s"
                             % (resource, match.group(1), region, partition))


def check_registry_account_ids(accounts):
    """``registry_account_ids`` must be 12-digit account ids; raises ValueError naming the bad entry."""
    if accounts is None:
        return
    if not accounts:
        raise ValueError("registry_account_ids is an empty list: list the accounts whose ECR registries the "
                         "workloads pull from, or omit it for the VPC's own account")
    for account in accounts:
        if not isinstance(account, str) or not _ACCOUNT.match(account):
            raise ValueError("registry_account_ids: %r is not an AWS account id (12 digits)" % (account,))


def _aws_owned_s3(region, workload, extra_s3_resources):
    partition = partition_of(region)
    resources = []
    if workload in NODE_WORKLOADS:
        for bucket in node_bucket_names(region):
            # ListBucket is authorised on the bucket, GetObject on its objects.
            resources.extend(["arn:%s:s3:::%s" % (partition, bucket), "arn:%s:s3:::%s/*" % (partition, bucket)])
    for resource in extra_s3_resources or []:
        if resource not in resources:
            resources.append(resource)
    if not resources:
        return None
    return {
        "Sid": "AllowRequestsToAWSOwnedResources",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": resources,
    }


def perimeter_policy(service_short_name, region, org_id, workload, registry_account_ids=None,
                     extra_s3_resources=None):
    """The data-perimeter policy for the endpoint of ``service_short_name`` (``s3`` = the S3 endpoint).

    ``org_id``: the organization (``o-...``); ``workload``: the module's workload (``eks`` adds the EKS
    add-on registries to ``ecr.api`` and ``ecr.dkr``; ``ecs`` and ``eks`` add the AWS-owned buckets EC2
    nodes read to S3); ``registry_account_ids``: accounts whose repositories the organization pulls from;
    ``extra_s3_resources``: more S3 ARNs for the AWS-owned-resources statement. Raises ValueError on a
    malformed organization id, account id or S3 ARN.
    """
    if not isinstance(org_id, str) or not _ORG_ID.match(org_id):
        raise ValueError("perimeter_org_id %r is not an AWS Organizations id (o- and 10 to 32 lowercase letters "
                         "or digits)" % (org_id,))
    check_registry_account_ids(registry_account_ids)
    check_extra_s3_resources(extra_s3_resources, region)
    partition = partition_of(region)
    statements = [_org_to_org(org_id), _aws_services()]
    if service_short_name == "s3":
        statements.append({
            "Sid": "AllowEcrImageLayersByPresignedUrl",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": "arn:%s:s3:::%s/*" % (partition, layer_bucket(region)),
        })
        owned = _aws_owned_s3(region, workload, extra_s3_resources)
        if owned:
            statements.append(owned)
    elif service_short_name in ("ecr.api", "ecr.dkr") and workload == "eks":
        statements.append({
            "Sid": "AllowOrgPrincipalsToPullEksAddonImages",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": list(_PULL_ACTIONS),
            "Resource": "arn:%s:ecr:%s:%s:repository/*" % (partition, region, eks_addon_registry_account(region)),
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
        })
    if service_short_name in ("ecr.api", "ecr.dkr") and registry_account_ids:
        statements.append({
            "Sid": "AllowOrgPrincipalsToPullFromRegistryAccounts",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": list(_PULL_ACTIONS),
            "Resource": ["arn:%s:ecr:%s:%s:repository/*" % (partition, region, account)
                         for account in sorted(set(registry_account_ids))],
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
        })
    return {"Version": "2012-10-17", "Statement": statements}
