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

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    PrivatelinkError,
    describe_exception,
    error_code,
    translated,
)

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - HAS_BOTO3 is checked by the connection
    BotoCoreError = ClientError = Exception

_UNKNOWN_VPC_CODES = ("InvalidVpcID.NotFound", "InvalidVpcID.Malformed")


def _all_pages(client, operation, key, **kwargs):
    items = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


class VpcLookup:
    def __init__(self, client):
        self.client = client

    def find(self, vpc_id=None, vpc_name=None):
        """``{vpc_id, account_id, subnets, route_tables}`` of the one VPC matching the id or the name."""
        if not vpc_id and not vpc_name:
            raise PrivatelinkError("Set vpc_id or vpc_name to say which VPC")
        owner = None
        if vpc_name:
            vpc = self._by_name(vpc_name)
            vpc_id, owner = vpc["VpcId"], vpc.get("OwnerId")
        subnets = self._subnets(vpc_id)
        if not subnets and owner is None:
            owner = self._by_id(vpc_id).get("OwnerId")
        route_tables = self._route_tables(vpc_id)
        if subnets:
            owner = subnets[0].get("OwnerId") or owner
        return {"vpc_id": vpc_id, "account_id": owner, "subnets": subnets, "route_tables": route_tables}

    @translated("find the VPC by its Name tag")
    def _by_name(self, name):
        vpcs = _all_pages(self.client, "describe_vpcs", "Vpcs", Filters=[{"Name": "tag:Name", "Values": [name]}])
        if not vpcs:
            raise PrivatelinkError("vpc_name %s: no VPC with this Name tag in this account and region" % name)
        if len(vpcs) > 1:
            raise PrivatelinkError("vpc_name %s: %d VPCs carry this Name tag (%s); set vpc_id instead"
                                   % (name, len(vpcs), ", ".join(sorted(v["VpcId"] for v in vpcs))))
        return vpcs[0]

    def _by_id(self, vpc_id):
        try:
            vpcs = self.client.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        except ClientError as exc:
            if error_code(exc) in _UNKNOWN_VPC_CODES:
                raise PrivatelinkError("vpc_id %s: no such VPC in this account and region" % vpc_id)
            raise PrivatelinkError(describe_exception(exc, "describe VPC %s" % vpc_id), code=error_code(exc))
        except BotoCoreError as exc:  # pylint: disable=duplicate-except
            raise PrivatelinkError(describe_exception(exc, "describe VPC %s" % vpc_id))
        if not vpcs:
            raise PrivatelinkError("vpc_id %s: no such VPC in this account and region" % vpc_id)
        return vpcs[0]

    @translated("describe the VPC's subnets")
    def _subnets(self, vpc_id):
        return _all_pages(self.client, "describe_subnets", "Subnets", Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])

    @translated("describe the VPC's route tables")
    def _route_tables(self, vpc_id):
        return _all_pages(self.client, "describe_route_tables", "RouteTables",
                          Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
