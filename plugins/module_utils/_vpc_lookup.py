# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find one VPC by id or Name tag, with its subnets and route tables, in few requests (private).

By id: DescribeSubnets and DescribeRouteTables filtered by ``vpc-id``; DescribeVpcs only when the
VPC has no subnet, to tell an unknown id from an empty VPC. By name: DescribeVpcs filtered by
``tag:Name`` first. Every botocore error becomes a PrivatelinkError with an actionable message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError
from ansible_collections.privatelink.ecr.plugins.module_utils._ec2_reader import Ec2Reader


class VpcLookup:
    def __init__(self, client):
        self.client = client
        self.reader = Ec2Reader(client)

    def find(self, vpc_id=None, vpc_name=None):
        """``{vpc_id, account_id, subnets, route_tables}`` of the one VPC matching the id or the name."""
        if not vpc_id and not vpc_name:
            raise PrivatelinkError("Set vpc_id or vpc_name to say which VPC")
        owner = None
        if vpc_name:
            vpc = self._by_name(vpc_name)
            vpc_id, owner = vpc["vpc_id"], vpc["owner_id"]
        subnets = self.reader.subnets_of_vpc(vpc_id)
        if not subnets and owner is None:
            owner = self.reader.vpc(vpc_id)["owner_id"]
        route_tables = self.reader.route_tables_of_vpc(vpc_id)
        if subnets:
            owner = subnets[0].get("OwnerId") or owner
        return {"vpc_id": vpc_id, "account_id": owner, "subnets": subnets, "route_tables": route_tables}

    def _by_name(self, name):
        vpcs = self.reader.vpcs_named([name])
        if not vpcs:
            raise PrivatelinkError("vpc_name %s: no VPC with this Name tag in this account and region" % name)
        if len(vpcs) > 1:
            raise PrivatelinkError("vpc_name %s: %d VPCs carry this Name tag (%s); set vpc_id instead"
                                   % (name, len(vpcs), ", ".join(sorted(v["vpc_id"] for v in vpcs))))
        return vpcs[0]
