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


def perimeter_policy(service_short_name, region, org_id, workload):
    """The data-perimeter policy for the endpoint of ``service_short_name`` (``s3`` = the S3 endpoint).

    ``org_id``: the organization (``o-...``); ``workload``: the module's workload (``eks`` adds the EKS
    add-on registries to ``ecr.api`` and ``ecr.dkr``). Raises ValueError on a malformed organization id.
    """
    if not isinstance(org_id, str) or not _ORG_ID.match(org_id):
        raise ValueError("perimeter_org_id %r is not an AWS Organizations id (o- and 10 to 32 lowercase letters "
                         "or digits)" % (org_id,))
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
    elif service_short_name in ("ecr.api", "ecr.dkr") and workload == "eks":
        statements.append({
            "Sid": "AllowOrgPrincipalsToPullEksAddonImages",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": list(_PULL_ACTIONS),
            "Resource": "arn:%s:ecr:%s:%s:repository/*" % (partition, region, eks_addon_registry_account(region)),
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": org_id}},
        })
    return {"Version": "2012-10-17", "Statement": statements}
