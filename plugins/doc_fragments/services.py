# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Which services a workload needs: the same options, and the same sets, in every module.
    DOCUMENTATION = r"""
options:
  workload:
    description:
      - Picks the set of services when O(services) is not given.
      - V(ecr) is C(ecr.api), C(ecr.dkr), C(s3). V(fargate) adds C(logs). V(ecs) is V(fargate) plus C(ecs),
        C(ecs-agent), C(ecs-telemetry). V(eks) is V(ecr) plus C(ec2), C(sts), C(logs), C(eks), C(eks-auth),
        C(elasticloadbalancing), C(autoscaling).
    type: str
    choices: [ecr, fargate, ecs, eks]
    default: fargate
  services:
    description:
      - Replaces the workload's set. Short names (V(ecr.api)) or full names (V(com.amazonaws.eu-west-1.ecr.api)).
      - Short names are resolved to the region's real service names with C(DescribeVpcEndpointServices), so
        partitions that use another prefix (C(cn.com.amazonaws.)) work.
    type: list
    elements: str
  extra_services:
    description: Added to the set, for example V(secretsmanager), V(ssm), V(ssmmessages), V(kms), V(sts), V(xray).
    type: list
    elements: str
    default: []
"""
