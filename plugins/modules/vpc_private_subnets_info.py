#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc_private_subnets_info
short_description: Find a VPC by id or Name tag and discover its private subnets and their route tables
version_added: 0.1.0
description:
  - Finds the VPC by O(vpc_id) or by its C(Name) tag (O(vpc_name)), failing with a clear message when no VPC
    or several VPCs match.
  - Returns the VPC's private subnets (those whose route table has no route to an internet gateway; a subnet
    without an explicit route table association follows the VPC's main route table), one of them per
    Availability Zone for interface endpoints, and the route tables serving them (the main route table
    included when it serves a private subnet) for the S3 gateway endpoint.
  - This is the discovery the C(privatelink.ecr.vpc_endpoints) role runs before
    M(privatelink.ecr.ecr_private_endpoints), and the same rule the audit uses for its default workload subnets.
  - Sends at most three read requests (C(DescribeSubnets) and C(DescribeRouteTables) filtered by VPC, and
    C(DescribeVpcs) only to find the VPC by name or to tell an unknown VPC id from a VPC without subnets).
    Never changes anything.
author:
  - privatelink.ecr maintainers (@privatelink)
options:
  vpc_id:
    description: The VPC, for example V(vpc-0123456789abcdef0). Exactly one of O(vpc_id) and O(vpc_name) is required.
    type: str
  vpc_name:
    description: The value of the VPC's C(Name) tag. Exactly one VPC of the region must carry it.
    type: str
extends_documentation_fragment:
  - privatelink.ecr.connection
  - privatelink.ecr.attributes
  - privatelink.ecr.attributes.action_group
attributes:
  check_mode:
    support: full
    details: The module only reads; it runs the same in check mode.
  diff_mode:
    support: none
  idempotent:
    support: full
seealso:
  - module: privatelink.ecr.ecr_private_endpoints
"""

EXAMPLES = r"""
- name: Discover the private subnets of the VPC named apps
  privatelink.ecr.vpc_private_subnets_info:
    region: eu-west-1
    vpc_name: apps
  register: discovered

- name: Give them the ECR endpoints
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_id: "{{ discovered.vpc_id }}"
    subnet_ids: "{{ discovered.subnet_ids }}"
    route_table_ids: "{{ discovered.route_table_ids }}"
"""

RETURN = r"""
vpc_id:
  description: The VPC's id.
  returned: always
  type: str
  sample: vpc-0123456789abcdef0
account_id:
  description: The AWS account that owns the VPC's subnets (or the VPC, when it has none).
  returned: always
  type: str
  sample: "111122223333"
subnet_ids:
  description: One private subnet per Availability Zone (the lowest subnet id of each zone, stable across runs), for interface endpoints.
  returned: always
  type: list
  elements: str
  sample: [subnet-0aaaaaaaaaaaaaaa1, subnet-0bbbbbbbbbbbbbbb2, subnet-0ccccccccccccccc3]
private_subnet_ids:
  description: Every private subnet of the VPC, sorted by Availability Zone then id.
  returned: always
  type: list
  elements: str
  sample: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa4, subnet-0bbbbbbbbbbbbbbb2, subnet-0ccccccccccccccc3]
route_table_ids:
  description: The route tables serving the private subnets, the main route table included when it serves one.
  returned: always
  type: list
  elements: str
  sample: [rtb-0aaaaaaaaaaaaaaa1, rtb-0bbbbbbbbbbbbbbb2]
availability_zones:
  description: The Availability Zones that hold a private subnet.
  returned: always
  type: list
  elements: str
  sample: [eu-west-1a, eu-west-1b, eu-west-1c]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    CONNECTION_ARGUMENT_SPEC,
    CONNECTION_MUTUALLY_EXCLUSIVE,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._discovery import discover
from ansible_collections.privatelink.ecr.plugins.module_utils._runner import with_connection
from ansible_collections.privatelink.ecr.plugins.module_utils._vpc_lookup import VpcLookup


def argument_spec():
    spec = dict(
        vpc_id=dict(type="str"),
        vpc_name=dict(type="str"),
    )
    spec.update(CONNECTION_ARGUMENT_SPEC)
    return spec


def module_kwargs():
    """AnsibleModule's keyword arguments, shared with the action plugin of the same name."""
    return dict(
        argument_spec=argument_spec(),
        mutually_exclusive=[("vpc_id", "vpc_name")] + CONNECTION_MUTUALLY_EXCLUSIVE,
        required_one_of=[("vpc_id", "vpc_name")],
        supports_check_mode=True,
    )


def run(module):
    """The module's work on ``module`` (an AnsibleModule, or the action plugin's InProcessModule:
    plugins/module_utils/_runner.py); ends in its exit_json or fail_json."""
    found = with_connection(module, lambda connection: VpcLookup(connection.client("ec2")).find(
        module.params.get("vpc_id"), module.params.get("vpc_name")))
    discovered = discover(found["subnets"], found["route_tables"])
    module.exit_json(
        changed=False,
        vpc_id=found["vpc_id"],
        account_id=found["account_id"],
        subnet_ids=discovered["subnet_ids"],
        private_subnet_ids=discovered["private_subnet_ids"],
        route_table_ids=discovered["route_table_ids"],
        availability_zones=discovered["availability_zones"],
    )


def main():
    run(AnsibleModule(**module_kwargs()))


if __name__ == "__main__":
    main()
