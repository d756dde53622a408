# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The endpoint model: AWS answers normalised to plain dicts, and desired specs (private).

Everything downstream (plan, audit, return values) works on these dicts only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._policy import parse_current

OWNER_TAG_KEY = "ManagedBy"
OWNER_TAG_VALUE = "privatelink.ecr"

INTERFACE = "Interface"
GATEWAY = "Gateway"

# Endpoints in these states no longer serve traffic and are not reconciled.
GONE_STATES = frozenset(["deleted", "deleting"])
# Endpoints on their way to "available": EC2 refuses to modify them until then.
PENDING_STATES = frozenset(["pending", "pendingAcceptance"])
# Endpoints in these states never will; an owned one is deleted so it can be created again.
BROKEN_STATES = frozenset(["failed", "rejected", "expired"])

# A desired policy that is not managed: the option was omitted, so an existing endpoint keeps its
# policy and a new one gets AWS's default. (None stands for AWS's default, asked with "default".)
POLICY_KEPT = "(the endpoint's own policy, kept)"

# Stands for the managed security group's id until the group exists (check mode, first run).
MANAGED_GROUP_PLACEHOLDER = "(managed security group, to be created)"


def tags_to_dict(tag_list):
    return {t["Key"]: t.get("Value", "") for t in tag_list or []}


def is_owned(endpoint):
    return endpoint.get("tags", {}).get(OWNER_TAG_KEY) == OWNER_TAG_VALUE


def serving_order(endpoint):
    """The one rule, for deploy and audit, of which endpoint serves a service when a VPC has several:
    the user's own over the collection's (an owned duplicate is deleted, never theirs), then the one
    holding the private DNS name (what workloads resolve; EC2 lets one endpoint per service and VPC hold
    it), then the oldest. Sort by it; the first serves. Ownership first keeps the choice stable: a run
    never changes ownership, and on the user's own endpoints it only ever turns private DNS on."""
    return (is_owned(endpoint), not endpoint.get("private_dns_enabled"), endpoint.get("creation_timestamp") or "",
            endpoint["vpc_endpoint_id"])


def serving_endpoint(endpoints):
    """The endpoint that serves a service among the VPC's endpoints of it (none deleted): an available one
    before any other, a gateway before an interface (ECR's layers come through the S3 gateway endpoint:
    https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html), then ``serving_order``."""
    return sorted(endpoints, key=lambda e: ((e.get("state") or "").lower() != "available",
                                            e["vpc_endpoint_type"] != GATEWAY) + serving_order(e))[0]


def normalise_endpoint(raw):
    """One DescribeVpcEndpoints item as the collection's endpoint dict."""
    return {
        "vpc_endpoint_id": raw["VpcEndpointId"],
        "service_name": raw["ServiceName"],
        "vpc_endpoint_type": raw.get("VpcEndpointType") or INTERFACE,
        "state": raw.get("State"),
        "subnet_ids": sorted(raw.get("SubnetIds") or []),
        "route_table_ids": sorted(raw.get("RouteTableIds") or []),
        "security_group_ids": sorted(g["GroupId"] for g in raw.get("Groups") or []),
        "private_dns_enabled": bool(raw.get("PrivateDnsEnabled", False)),
        "ip_address_type": raw.get("IpAddressType"),
        "dns_entries": [{"dns_name": d.get("DnsName"), "hosted_zone_id": d.get("HostedZoneId")}
                        for d in raw.get("DnsEntries") or []],
        "network_interface_ids": sorted(raw.get("NetworkInterfaceIds") or []),
        "policy": parse_current(raw.get("PolicyDocument")),
        "tags": tags_to_dict(raw.get("Tags")),
        "creation_timestamp": str(raw.get("CreationTimestamp") or ""),
        "dns_options": dns_options_view(raw.get("DnsOptions")),
    }


def dns_options_view(raw):
    """DescribeVpcEndpoints' ``DnsOptions`` in the collection's shape; None when AWS reports none (gateways)."""
    if not raw:
        return None
    return {"dns_record_ip_type": raw.get("DnsRecordIpType"),
            "private_dns_only_for_inbound_resolver_endpoint": raw.get("PrivateDnsOnlyForInboundResolverEndpoint")}


def public_view(endpoint):
    """The return value shape of ``endpoints.<service>`` (the RETURN docs of ecr_private_endpoints)."""
    keys = ("vpc_endpoint_id", "service_name", "vpc_endpoint_type", "state", "subnet_ids",
            "route_table_ids", "security_group_ids", "private_dns_enabled", "dns_entries",
            "policy", "tags", "ip_address_type", "dns_options")
    return {k: endpoint.get(k) for k in keys}


def normalise_rule(permission):
    """One IpPermissions item as plain data (protocol ``-1`` is every protocol and port)."""
    return {
        "protocol": str(permission.get("IpProtocol")),
        "from_port": permission.get("FromPort"),
        "to_port": permission.get("ToPort"),
        "cidrs": sorted(r["CidrIp"] for r in permission.get("IpRanges") or [] if r.get("CidrIp")),
        "ipv6_cidrs": sorted(r["CidrIpv6"] for r in permission.get("Ipv6Ranges") or [] if r.get("CidrIpv6")),
        "group_ids": sorted(p["GroupId"] for p in permission.get("UserIdGroupPairs") or [] if p.get("GroupId")),
        "prefix_list_ids": sorted(p["PrefixListId"] for p in permission.get("PrefixListIds") or []
                                  if p.get("PrefixListId")),
    }


def normalise_group(raw):
    """A security group as plain data, for deploy and audit alike: id, name, VPC, tags, every ingress
    rule, and the TCP 443 CIDR sources the managed group is converged on."""
    cidrs = set()
    other_rules = []
    for perm in raw.get("IpPermissions") or []:
        https = perm.get("IpProtocol") == "tcp" and perm.get("FromPort") == 443 and perm.get("ToPort") == 443
        sources = [r["CidrIp"] for r in perm.get("IpRanges") or []] + \
                  [r["CidrIpv6"] for r in perm.get("Ipv6Ranges") or []]
        if https:
            cidrs.update(sources)
        if not https or perm.get("UserIdGroupPairs") or perm.get("PrefixListIds"):
            other_rules.append(perm)
    return {
        "group_id": raw["GroupId"],
        "group_name": raw.get("GroupName"),
        "vpc_id": raw.get("VpcId"),
        "description": raw.get("Description"),
        "https_cidrs": sorted(cidrs),
        "other_ingress": other_rules,
        "ingress": [normalise_rule(p) for p in raw.get("IpPermissions") or []],
        # The audit judges workload groups' outbound rules (EGRESS_BLOCKS_PULL).
        "egress": [normalise_rule(p) for p in raw.get("IpPermissionsEgress") or []],
        "tags": tags_to_dict(raw.get("Tags")),
    }


def wanted_policy(value):
    """The desired spec's policy for an option value: omitted -> kept, "default" -> AWS's default (None)."""
    if value is None:
        return POLICY_KEPT
    if value == "default":
        return None
    return value


GROUP_VIEW_KEYS = ("group_id", "group_name", "description", "vpc_id", "https_cidrs", "tags")


def group_view(group):
    """The managed group as the diff shows it, before and after alike (None when there is none)."""
    if group is None:
        return None
    return dict((k, group.get(k)) for k in GROUP_VIEW_KEYS)


def desired_endpoint(service, service_name, endpoint_type, params, security_group_ids, policy=POLICY_KEPT):
    """What one endpoint should look like, from the module's options (``policy``: see wanted_policy)."""
    spec = {
        "service": service,
        "service_name": service_name,
        "vpc_endpoint_type": endpoint_type,
        "policy": policy,
        "tags": dict(params.get("tags") or {}),
        "subnet_ids": None,
        "route_table_ids": None,
        "security_group_ids": None,
        "private_dns_enabled": None,
        "ip_address_type": None,
    }
    if endpoint_type == GATEWAY:
        rts = params.get("route_table_ids")
        spec["route_table_ids"] = sorted(set(rts)) if rts is not None else None
    else:
        subnets = params.get("subnet_ids")
        spec["subnet_ids"] = sorted(set(subnets)) if subnets is not None else None
        spec["security_group_ids"] = sorted(set(security_group_ids))
        spec["private_dns_enabled"] = bool(params.get("private_dns_enabled"))
        spec["ip_address_type"] = params.get("ip_address_type") or "ipv4"
    return spec
