# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route 53 reads, for the zones module (hub and spoke runs) and the audit (a spoke judged through its hub's
zones) (private).

Read-only: what changes a zone is ``_zones_apply.ZonesApplier``; the plan over what is read here is ``_zones_plan``.
Every botocore error becomes a PrivatelinkError naming the Route 53 action.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import translated
from ansible_collections.privatelink.ecr.plugins.module_utils._services import resolve_from_details
from ansible_collections.privatelink.ecr.plugins.module_utils import _zones_plan as zplan


def service_dns(details, services, region):
    """``{short: {service_name, dns_names}}`` from DescribeVpcEndpointServices details; ``missing`` services."""
    resolved, missing = resolve_from_details(services, region, details)
    by_name = dict((d["ServiceName"], d) for d in details)
    result = {}
    for short, entry in resolved.items():
        result[short] = {"service_name": entry["service_name"],
                         "dns_names": zplan.dns_names_of(by_name.get(entry["service_name"]) or {})}
    return result, missing


class Route53Reader:
    """The reads of one account's Route 53."""

    def __init__(self, client):
        self.client = client

    @translated("list the hosted zones associated with the VPC (route53:ListHostedZonesByVPC)")
    def zones_of_vpc(self, vpc_id, region):
        """``[{zone_id, name, account_id}]`` of every private zone associated with the VPC, any account."""
        found, token = [], None
        while True:
            kwargs = dict(VPCId=vpc_id, VPCRegion=region)
            if token:
                kwargs["NextToken"] = token
            page = self.client.list_hosted_zones_by_vpc(**kwargs)
            for item in page.get("HostedZoneSummaries") or []:
                owner = item.get("Owner") or {}
                found.append({"zone_id": item["HostedZoneId"].split("/")[-1], "name": zplan.normal_name(item["Name"]),
                              "account_id": owner.get("OwningAccount"), "service_owner": owner.get("OwningService")})
            token = page.get("NextToken")
            if not token:
                return found

    @translated("read the hosted zones' tags (route53:ListTagsForResources)")
    def tags(self, zone_ids):
        result = {}
        ids = list(zone_ids)
        for start in range(0, len(ids), 10):  # at most 10 resources per request
            answer = self.client.list_tags_for_resources(ResourceType="hostedzone", ResourceIds=ids[start:start + 10])
            for item in answer.get("ResourceTagSets") or []:
                result[item["ResourceId"]] = dict((t["Key"], t["Value"]) for t in item.get("Tags") or [])
        return result

    @translated("read the hosted zone's records (route53:ListResourceRecordSets)")
    def alias_records(self, zone_id):
        """``{record key: {dns_name, hosted_zone_id}}`` of the zone's alias A records (others: ``None``)."""
        records = {}
        paginator = self.client.get_paginator("list_resource_record_sets")
        for page in paginator.paginate(HostedZoneId=zone_id):
            for item in page.get("ResourceRecordSets") or []:
                if item.get("Type") in ("NS", "SOA"):
                    continue
                alias = item.get("AliasTarget")
                records[zplan.record_key(item["Name"].replace("\\052", "*"), item["Type"])] = {
                    "dns_name": zplan.normal_name(alias.get("DNSName")), "hosted_zone_id": alias.get("HostedZoneId"),
                    "raw": item} if alias else {"dns_name": None, "hosted_zone_id": None, "raw": item}
        return records

    @translated("read the hosted zone (route53:GetHostedZone)")
    def zone(self, zone_id):
        """``{caller_reference, vpcs: [[vpc_id, region]]}`` of one zone (every VPC associated, any account)."""
        answer = self.client.get_hosted_zone(Id=zone_id)
        return {"caller_reference": (answer.get("HostedZone") or {}).get("CallerReference"),
                "vpcs": [[v.get("VPCId"), v.get("VPCRegion")] for v in answer.get("VPCs") or []]}

    @translated("list the VPC association authorizations (route53:ListVPCAssociationAuthorizations)")
    def authorizations(self, zone_id):
        found, token = [], None
        while True:
            kwargs = {"HostedZoneId": zone_id}
            if token:
                kwargs["NextToken"] = token
            page = self.client.list_vpc_association_authorizations(**kwargs)
            found.extend([v["VPCId"], v.get("VPCRegion")] for v in page.get("VPCs") or [])
            token = page.get("NextToken")
            if not token:
                return found
