# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only EC2 calls, batched: one request per resource kind, never one per resource (private)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    PrivatelinkError,
    aws_error,
    error_code,
    translated,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    normalise_endpoint,
    normalise_group,
    tags_to_dict,
)

try:
    from botocore.exceptions import ClientError
except ImportError:  # pragma: no cover - HAS_BOTO3 is checked by the connection
    ClientError = Exception


def paginate(client, operation, key, **kwargs):
    items = []
    for page in client.get_paginator(operation).paginate(**kwargs):
        items.extend(page.get(key, []))
    return items


# AWS accepts at most 200 values in one filter; stay well below.
_FILTER_CHUNK = 100


def _chunks(values, size=_FILTER_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def paginate_filtered(client, operation, key, name, values):
    items = []
    for chunk in _chunks(values):
        items.extend(paginate(client, operation, key, Filters=[{"Name": name, "Values": chunk}]))
    return items


def normalise_vpc(raw, dns_support=None, dns_hostnames=None):
    return {
        "vpc_id": raw["VpcId"],
        "owner_id": raw.get("OwnerId"),
        "cidrs": [a["CidrBlock"] for a in raw.get("CidrBlockAssociationSet") or []
                  if a.get("CidrBlockState", {}).get("State", "associated") == "associated"]
        or ([raw["CidrBlock"]] if raw.get("CidrBlock") else []),
        "ipv6_cidrs": [a["Ipv6CidrBlock"] for a in raw.get("Ipv6CidrBlockAssociationSet") or []
                       if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"],
        "is_default": bool(raw.get("IsDefault")),
        "tags": tags_to_dict(raw.get("Tags")),
        "enable_dns_support": dns_support,
        "enable_dns_hostnames": dns_hostnames,
    }


def _unknown_vpcs_message(exc, option, vpc_ids):
    """Our message for AWS's "no such VPC" codes (None for any other error: describe_exception's applies)."""
    if error_code(exc) in ("InvalidVpcID.NotFound", "InvalidVpcID.Malformed"):
        return "%s %s: no such VPC in this account and region" % (option, ", ".join(vpc_ids))
    return None


class Ec2Reader:
    def __init__(self, client):
        self.client = client
        # Whole-VPC listings already read (discovery): later lookups by id are answered from them.
        self._vpc_subnets = {}
        self._vpc_route_tables = {}

    def vpc(self, vpc_id):
        """The VPC, or a PrivatelinkError naming vpc_id (and keeping AWS's answer) when it does not exist."""
        try:
            vpcs = self.client.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        except ClientError as exc:
            raise aws_error(exc, "describe VPC %s" % vpc_id, message=_unknown_vpcs_message(exc, "vpc_id", [vpc_id]))
        except Exception as exc:  # pylint: disable=duplicate-except  # botocore's other errors (credentials, region, network)
            raise aws_error(exc, "describe VPC %s" % vpc_id)
        if not vpcs:
            raise PrivatelinkError("vpc_id %s: no such VPC in this account and region" % vpc_id)
        return normalise_vpc(vpcs[0])

    def unknown_vpcs(self, option, vpc_ids):
        """The error for ids a filtered DescribeVpcs did not return, with AWS's own answer for them.

        A filter answers an unknown id with nothing; asking for the ids themselves (on this failure path
        only) gets AWS's InvalidVpcID.NotFound and its request id, which the failure returns.
        """
        message = "%s %s: no such VPC in this account and region" % (option, ", ".join(vpc_ids))
        try:
            self.client.describe_vpcs(VpcIds=list(vpc_ids))
        except ClientError as exc:
            return aws_error(exc, "describe VPC %s" % ", ".join(vpc_ids),
                             message=_unknown_vpcs_message(exc, option, vpc_ids))
        except Exception:  # pylint: disable=duplicate-except  # the filter's answer is enough to say it
            pass
        return PrivatelinkError(message)

    @translated("find the VPC by its Name tag")
    def vpcs_named(self, names):
        """Every VPC of the region whose Name tag is one of ``names``: the one lookup by name (paginated,
        one listing for all the names). The callers decide what zero or several matches mean."""
        return [normalise_vpc(v) for v in paginate(self.client, "describe_vpcs", "Vpcs",
                                                   Filters=[{"Name": "tag:Name", "Values": list(names)}])]

    def vpc_by_name(self, name):
        """The one VPC of the region whose Name tag is ``name``; otherwise an error naming what was found."""
        found = self.vpcs_named([name])
        if len(found) != 1:
            raise PrivatelinkError("vpc_name %r: %s in this account and region; name the VPC by vpc_id, or give it "
                                   "a unique Name tag" % (name, "no VPC carries that Name tag" if not found else
                                                          "%d VPCs carry it (%s)" % (len(found), ", ".join(
                                                              sorted(v["vpc_id"] for v in found)))))
        return found[0]

    @translated("describe the VPCs")
    def vpcs(self, vpc_ids=None):
        kwargs = {"VpcIds": vpc_ids} if vpc_ids else {}
        return [normalise_vpc(v) for v in paginate(self.client, "describe_vpcs", "Vpcs", **kwargs)]

    @translated("read the VPC's DNS attributes")
    def dns_attributes(self, vpc_id):
        support = self.client.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")
        hostnames = self.client.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
        return (support["EnableDnsSupport"]["Value"], hostnames["EnableDnsHostnames"]["Value"])

    @translated("describe the VPC's endpoints")
    def endpoints(self, vpc_ids):
        raw = paginate(self.client, "describe_vpc_endpoints", "VpcEndpoints",
                       Filters=[{"Name": "vpc-id", "Values": list(vpc_ids)}])
        return [dict(normalise_endpoint(r), vpc_id=r.get("VpcId")) for r in raw]

    @translated("describe the VPC's endpoints")
    def endpoints_by_id(self, endpoint_ids):
        raw = self.client.describe_vpc_endpoints(VpcEndpointIds=list(endpoint_ids))["VpcEndpoints"]
        return [normalise_endpoint(r) for r in raw]

    @translated("describe the VPC's endpoints")
    def endpoints_filtered(self, endpoint_ids):
        """The endpoints with these ids that still exist (a filter, unlike VpcEndpointIds, does not
        fail as a whole when one of them is gone)."""
        return [normalise_endpoint(r) for r in paginate_filtered(
            self.client, "describe_vpc_endpoints", "VpcEndpoints", "vpc-endpoint-id", endpoint_ids)]

    @translated("describe the managed security group")
    def group_by_name(self, vpc_id, name):
        groups = self.client.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": [name]}])
        found = [normalise_group(g) for g in groups["SecurityGroups"]]
        return found[0] if found else None

    def _by_ids(self, operation, key, id_param, ids, what, not_found_codes):
        if not ids:
            return []
        try:
            return paginate(self.client, operation, key, **{id_param: list(ids)}) \
                if self.client.can_paginate(operation) else \
                getattr(self.client, operation)(**{id_param: list(ids)})[key]
        except ClientError as exc:
            message = None
            if error_code(exc) in not_found_codes:
                message = "%s: %s (%s) in this account and region" % (
                    what, exc.response.get("Error", {}).get("Message", "") or "not found", ", ".join(ids))
            raise aws_error(exc, "describe %s" % what, message=message)
        except Exception as exc:  # pylint: disable=duplicate-except
            raise aws_error(exc, "describe %s" % what)

    def _vpc_listing(self, cache, operation, key, vpc_ids):
        """Every item of these VPCs (raw), VPC by VPC: one paginated request filtered by vpc-id for all the
        VPCs not listed yet (deploy's one VPC, the audit's whole region), each VPC's items kept."""
        unread = [v for v in vpc_ids if v not in cache]
        if unread:
            items = paginate_filtered(self.client, operation, key, "vpc-id", unread)
            # Every Subnet and RouteTable names its VpcId (EC2 API reference,
            # https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Subnet.html and API_RouteTable.html).
            for vpc_id in unread:
                cache[vpc_id] = [i for i in items if i.get("VpcId") == vpc_id]
        return [i for v in vpc_ids for i in cache[v]]

    def subnets_of_vpcs(self, vpc_ids):
        """Every subnet of the VPCs (raw items), in one paginated, filtered request; botocore's errors are
        the caller's to name."""
        return self._vpc_listing(self._vpc_subnets, "describe_subnets", "Subnets", vpc_ids)

    def route_tables_of_vpcs(self, vpc_ids):
        """Every route table of the VPCs (raw items), in one paginated, filtered request; botocore's errors
        are the caller's to name."""
        return self._vpc_listing(self._vpc_route_tables, "describe_route_tables", "RouteTables", vpc_ids)

    @translated("describe the VPC's subnets")
    def subnets_of_vpc(self, vpc_id):
        """Every subnet of the VPC (raw items), in one paginated, filtered request."""
        return self.subnets_of_vpcs([vpc_id])

    @translated("describe the VPC's route tables")
    def route_tables_of_vpc(self, vpc_id):
        """Every route table of the VPC (raw items), in one paginated, filtered request."""
        return self.route_tables_of_vpcs([vpc_id])

    @staticmethod
    def _from_listing(listings, key, ids):
        """The items with these ids when a whole-VPC listing already holds every one of them."""
        wanted = set(ids)
        for items in listings.values():
            found = [i for i in items if i[key] in wanted]
            if len(found) == len(wanted):
                return found
        return None

    def subnets(self, subnet_ids):
        cached = self._from_listing(self._vpc_subnets, "SubnetId", subnet_ids)
        if cached is not None:
            return cached
        return self._by_ids("describe_subnets", "Subnets", "SubnetIds", subnet_ids, "subnet_ids",
                            ("InvalidSubnetID.NotFound", "InvalidSubnetID.Malformed"))

    def route_tables(self, route_table_ids):
        cached = self._from_listing(self._vpc_route_tables, "RouteTableId", route_table_ids)
        if cached is not None:
            return cached
        return self._by_ids("describe_route_tables", "RouteTables", "RouteTableIds", route_table_ids,
                            "route_table_ids", ("InvalidRouteTableID.NotFound", "InvalidRouteTableID.Malformed"))

    def security_groups(self, group_ids, what="security_group_ids"):
        return self._by_ids("describe_security_groups", "SecurityGroups", "GroupIds", group_ids,
                            what, ("InvalidGroup.NotFound", "InvalidGroupId.Malformed"))

    def endpoint_services(self, full_names):
        """Details of the named services; on an unknown name, every service of the region instead.

        AWS rejects the whole request when one name is unknown; the full listing then lets the
        caller say which names are not offered (and find ``cn.com.amazonaws.`` spellings).
        """
        try:
            return paginate(self.client, "describe_vpc_endpoint_services", "ServiceDetails",
                            ServiceNames=list(full_names))
        except ClientError as exc:
            if error_code(exc) != "InvalidServiceName":
                raise aws_error(exc, "describe endpoint services")
        except Exception as exc:  # pylint: disable=duplicate-except
            raise aws_error(exc, "describe endpoint services")
        return self.all_endpoint_services()

    @translated("describe endpoint services")
    def all_endpoint_services(self):
        return paginate(self.client, "describe_vpc_endpoint_services", "ServiceDetails")
