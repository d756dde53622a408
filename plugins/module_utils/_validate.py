# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input validation, before the first mutating call (private).

``check_*`` functions are pure: they take the module's options and what AWS answered,
and raise ValueError with a message naming the input and what is wrong.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    OWNER_TAG_KEY,
    OWNER_TAG_VALUE,
    is_owned,
)

_ID_SHAPES = {
    "vpc_id": re.compile(r"^vpc-[0-9a-f]{8}([0-9a-f]{9})?$"),
    "subnet_ids": re.compile(r"^subnet-[0-9a-f]{8}([0-9a-f]{9})?$"),
    "route_table_ids": re.compile(r"^rtb-[0-9a-f]{8}([0-9a-f]{9})?$"),
    "security_group_ids": re.compile(r"^sg-[0-9a-f]{8}([0-9a-f]{9})?$"),
}
_GROUP_NAME = re.compile(r"^[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]{1,255}$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$", re.UNICODE)
_WORLD = ("0.0.0.0/0", "::/0")


def check_ids(params):
    """Ids of the wrong shape (typos, ids pasted from another resource type)."""
    for option, shape in _ID_SHAPES.items():
        value = params.get(option)
        values = [value] if isinstance(value, str) else (value or [])
        bad = [v for v in values if not isinstance(v, str) or not shape.fullmatch(v)]
        if bad:
            example = shape.pattern.split("-")[0].lstrip("^")
            raise ValueError("%s: %s is not a valid id (expected %s-<8 or 17 hex digits>)"
                             % (option, ", ".join(repr(b) for b in bad), example))
        if option != "vpc_id" and value is not None and len(set(values)) != len(values):
            raise ValueError("%s lists the same id more than once" % option)


def check_lists_not_empty(params):
    for option in ("subnet_ids", "route_table_ids"):
        if params.get(option) is not None and len(params[option]) == 0 and params.get("state") == "present":
            raise ValueError("%s is an empty list; omit it to keep existing endpoints' %s, "
                             "or list at least one" % (option, option.replace("_ids", "s").replace("_", " ")))


def check_group_name(name):
    if not name or not _GROUP_NAME.fullmatch(name) or name.lower().startswith("sg-"):
        raise ValueError("security_group_name %r is not a valid security group name (1-255 letters, digits, "
                         "spaces and ._-:/()#,@[]+=&;{}!$*; not starting with sg-)" % (name,))


def check_tags(tags):
    for key, value in (tags or {}).items():
        if not isinstance(key, str) or not _TAG_KEY.fullmatch(key) or key.lower().startswith("aws:"):
            raise ValueError("tags: key %r is not a valid tag key (1-128 letters, digits, spaces and "
                             "_.:/=+-@; not starting with aws:)" % (key,))
        if value is None or len(str(value)) > 256:
            raise ValueError("tags: value of %r must be a string of at most 256 characters" % key)


def check_cidrs(cidrs):
    """Return (cidrs, warnings); raise on anything that is not a CIDR block."""
    warnings = []
    for cidr in cidrs:
        try:
            ipaddress.ip_network(cidr, strict=True)
        except (ValueError, TypeError) as exc:
            raise ValueError("allowed_cidrs: %r is not a CIDR block (%s)" % (cidr, exc))
        if cidr in _WORLD:
            warnings.append("allowed_cidrs contains %s: the endpoints' security group admits HTTPS from "
                            "anywhere that can route to the VPC; list the workload CIDRs instead" % cidr)
    return list(cidrs), warnings


def check_subnets(subnets, vpc_id, service_zones):
    """Subnets must be in the VPC, one per AZ, and in AZs where every interface service is offered."""
    outside = sorted(s["SubnetId"] for s in subnets if s.get("VpcId") != vpc_id)
    if outside:
        raise ValueError("subnet_ids: %s not in %s; list only subnets of that VPC (aws ec2 describe-subnets "
                         "--filters Name=vpc-id,Values=%s)" % (", ".join(outside), vpc_id, vpc_id))
    by_zone = {}
    for subnet in subnets:
        by_zone.setdefault(subnet["AvailabilityZone"], []).append(subnet["SubnetId"])
    crowded = {zone: ids for zone, ids in by_zone.items() if len(ids) > 1}
    if crowded:
        zone = sorted(crowded)[0]
        raise ValueError("subnet_ids: %s are all in %s; an interface endpoint takes at most one subnet "
                         "per Availability Zone: keep one of them" % (", ".join(sorted(crowded[zone])), zone))
    for service, zones in sorted(service_zones.items()):
        elsewhere = sorted(s["SubnetId"] + " (" + s["AvailabilityZone"] + ")" for s in subnets
                           if zones and s["AvailabilityZone"] not in zones)
        if elsewhere:
            raise ValueError("subnet_ids: AWS does not offer the %s endpoint service in the zone of %s (it is offered "
                             "in %s); remove the subnet from subnet_ids, or omit subnet_ids and use discover, which "
                             "places each service only in the zones AWS offers it"
                             % (service, ", ".join(elsewhere), ", ".join(sorted(zones))))


def check_group_is_ours(group, vpc_id):
    """The managed group is converged fully (rules added and removed), so a group of that name the
    collection did not create is not taken over: its rules are its owner's."""
    if group is not None and (group.get("tags") or {}).get(OWNER_TAG_KEY) != OWNER_TAG_VALUE:
        raise ValueError("security_group_name: %s already has a security group named %r (%s) that privatelink.ecr "
                         "did not create (no ManagedBy tag), and the module would rewrite its rules; set "
                         "security_group_name to another name, or list it in security_group_ids to use it as it is"
                         % (vpc_id, group["group_name"], group["group_id"]))


def check_in_vpc(records, id_key, vpc_id, option):
    outside = sorted(r[id_key] for r in records if r.get("VpcId") != vpc_id)
    if outside:
        raise ValueError("%s: %s not in %s; list only ones of that VPC" % (option, ", ".join(outside), vpc_id))


def check_services_offered(missing, region):
    if missing:
        raise ValueError("services: %s not offered as VPC endpoint services in %s; check the spelling (short names "
                         "such as ecr.api, or full names such as com.amazonaws.%s.ecr.api) and the region, or remove "
                         "them from services / extra_services" % (", ".join(missing), region, region))


def check_types_offered(resolved, wanted_types):
    for service, endpoint_type in sorted(wanted_types.items()):
        types = resolved[service]["types"]
        if types and endpoint_type not in types:
            hint = " (set s3_endpoint_type)" if service == "s3" else ""
            raise ValueError("services: %s is offered only as %s endpoint in this region, not %s%s"
                             % (service, "/".join(sorted(types)), endpoint_type, hint))


def check_private_dns(enable_dns_support, enable_dns_hostnames, vpc_id):
    off = [name for name, value in (("enableDnsSupport", enable_dns_support),
                                    ("enableDnsHostnames", enable_dns_hostnames)) if not value]
    if off:
        raise ValueError("private_dns_enabled: %s has %s turned off, and private DNS for interface endpoints "
                         "needs both enableDnsSupport and enableDnsHostnames; turn them on "
                         "(aws ec2 modify-vpc-attribute) or set private_dns_enabled: false"
                         % (vpc_id, " and ".join(off)))


# -- conflicts AWS would reject in the middle of an apply --------------------------------------
# Each check takes the plan and the endpoints read before it, and fails before the first
# mutating call with the resource that conflicts and the way out.

def _target_endpoint(action, by_id):
    return by_id.get(action["details"].get("vpc_endpoint_id"))


def _others(current, service_name, endpoint_type, exclude_ids):
    return [e for e in current if e["service_name"] == service_name and e["vpc_endpoint_type"] == endpoint_type
            and e["vpc_endpoint_id"] not in exclude_ids]


def _owner_note(endpoint):
    return "managed by privatelink.ecr" if is_owned(endpoint) else "not managed by privatelink.ecr"


def check_route_table_conflicts(actions, current):
    """A route table routes to a gateway service through one endpoint only: EC2 answers
    RouteAlreadyExists otherwise (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html,
    "Routing"). ``current`` holds the live endpoints; those the plan deletes are no conflict (the
    applier waits until they are gone)."""
    by_id = dict((e["vpc_endpoint_id"], e) for e in current)
    deleted = set(a["details"]["vpc_endpoint_id"] for a in actions if a["action"] == "delete")
    for action in actions:
        if action["action"] == "create" and action["details"].get("vpc_endpoint_type") == "Gateway":
            service_name, target_id, wanted = (action["details"]["service_name"], None,
                                               action["details"].get("route_table_ids") or [])
        elif action["action"] in ("modify", "adopt") and action["details"].get("add_route_table_ids"):
            target = _target_endpoint(action, by_id)
            service_name, target_id, wanted = (target["service_name"], target["vpc_endpoint_id"],
                                               action["details"]["add_route_table_ids"])
        else:
            continue
        for other in _others(current, service_name, "Gateway", deleted | set([target_id])):
            held = sorted(set(wanted) & set(other["route_table_ids"]))
            if held:
                tables = ", ".join(held)
                raise ValueError(
                    "route_table_ids: %s already route%s to %s through %s (%s), and a route table can use only "
                    "one gateway endpoint per service; remove %s from route_table_ids, or detach %s from %s first "
                    "(aws ec2 modify-vpc-endpoint --vpc-endpoint-id %s --remove-route-table-ids %s)"
                    % (tables, "s" if len(held) == 1 else "", service_name, other["vpc_endpoint_id"],
                       _owner_note(other), tables, tables, other["vpc_endpoint_id"], other["vpc_endpoint_id"],
                       " ".join(held)))


def check_private_dns_conflicts(actions, current):
    """One endpoint per service and VPC can hold the service's private DNS name
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html, "DNS
    hostnames"); EC2 refuses a second one with InvalidParameter."""
    by_id = dict((e["vpc_endpoint_id"], e) for e in current)
    deleted = set(a["details"]["vpc_endpoint_id"] for a in actions if a["action"] == "delete")
    for action in actions:
        details = action["details"]
        if action["action"] == "create" and details.get("vpc_endpoint_type") == "Interface" \
                and details.get("private_dns_enabled"):
            service_name, target_id = details["service_name"], None
        elif action["action"] in ("modify", "adopt") and details.get("private_dns_enabled") is True:
            target = _target_endpoint(action, by_id)
            service_name, target_id = target["service_name"], target["vpc_endpoint_id"]
        else:
            continue
        holders = [e for e in _others(current, service_name, "Interface", deleted | set([target_id]))
                   if e.get("private_dns_enabled")]
        if holders:
            holder = holders[0]
            raise ValueError(
                "private_dns_enabled: %s (%s) already holds the private DNS name of %s in this VPC, and only one "
                "endpoint per service can; turn private DNS off on %s or delete it (aws ec2 modify-vpc-endpoint "
                "--vpc-endpoint-id %s --no-private-dns-enabled), or set private_dns_enabled: false"
                % (holder["vpc_endpoint_id"], _owner_note(holder), service_name, holder["vpc_endpoint_id"],
                   holder["vpc_endpoint_id"]))


def check_one_subnet_per_zone(actions, current, zone_of):
    """An interface endpoint takes one subnet per Availability Zone (DuplicateSubnetsInSameZone,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html); check the set
    each modification leaves. ``zone_of`` maps subnet ids to their zone."""
    by_id = dict((e["vpc_endpoint_id"], e) for e in current)
    for action in actions:
        details = action["details"]
        if action["action"] not in ("modify", "adopt") or not details.get("add_subnet_ids"):
            continue
        target = _target_endpoint(action, by_id)
        removed = set(details.get("remove_subnet_ids") or [])
        result = (set(target["subnet_ids"]) | set(details["add_subnet_ids"])) - removed
        by_zone = {}
        for subnet_id in sorted(result):
            by_zone.setdefault(zone_of.get(subnet_id), []).append(subnet_id)
        for zone, ids in sorted(by_zone.items(), key=lambda item: str(item[0])):
            if zone is not None and len(ids) > 1:
                kept = sorted(set(ids) & set(target["subnet_ids"]))
                added = sorted(set(ids) - set(kept))
                raise ValueError(
                    "subnet_ids: %s already uses %s in %s, and adding %s would give it two subnets there (an "
                    "interface endpoint takes one subnet per Availability Zone); list %s for %s instead"
                    % (target["vpc_endpoint_id"], ", ".join(kept), zone, ", ".join(added), ", ".join(kept), zone))


def ip_address_type_placements(actions, current):
    """``[(endpoint label, IP address type, subnet ids)]`` of every interface endpoint the plan creates,
    gives subnets, or gives another IP address type: the subnets it will have after the plan."""
    by_id = dict((e["vpc_endpoint_id"], e) for e in current)
    found = []
    for action in actions:
        details = action["details"]
        if action["action"] == "create" and details.get("vpc_endpoint_type") == "Interface":
            found.append(("the new %s endpoint" % action["service"], details.get("ip_address_type") or "ipv4",
                          sorted(details.get("subnet_ids") or [])))
        elif action["action"] in ("modify", "adopt") and (details.get("add_subnet_ids")
                                                          or details.get("ip_address_type")):
            target = _target_endpoint(action, by_id)
            if target is None or target.get("vpc_endpoint_type") != "Interface":
                continue
            ip_type = details.get("ip_address_type") or target.get("ip_address_type")
            if not ip_type:
                continue  # AWS did not say: nothing to check the added subnets against
            subnets = (set(target.get("subnet_ids") or []) | set(details.get("add_subnet_ids") or [])) \
                - set(details.get("remove_subnet_ids") or [])
            found.append(("%s (%s)" % (target["vpc_endpoint_id"], action["service"]), ip_type, sorted(subnets)))
    return found


def subnet_ip_ranges(subnet):
    """``(has IPv4, has IPv6)`` of a DescribeSubnets item: an IPv6-only subnet (Ipv6Native) has no IPv4."""
    has_v6 = any((a.get("Ipv6CidrBlockState") or {}).get("State", "associated") == "associated"
                 for a in subnet.get("Ipv6CidrBlockAssociationSet") or [])
    return not subnet.get("Ipv6Native", False), has_v6


def check_ip_address_type(placements, subnets):
    """Each endpoint's IP address type fits every subnet it will be in.

    https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html (IP address
    type): IPv4 needs subnets with IPv4 ranges, Dualstack subnets with IPv4 and IPv6 ranges, IPv6
    IPv6-only subnets. ``subnets`` maps subnet ids to DescribeSubnets items.
    """
    needs = {"ipv4": "an IPv4 range", "dualstack": "both an IPv4 and an IPv6 range (an IPv6 CIDR block)",
             "ipv6": "to be IPv6-only (no IPv4 range)"}
    for label, ip_type, subnet_ids in placements:
        unfit = []
        for subnet_id in subnet_ids:
            if subnet_id not in subnets:
                continue  # a placeholder or unknown subnet: reported by the subnet checks
            has_v4, has_v6 = subnet_ip_ranges(subnets[subnet_id])
            if (ip_type == "ipv4" and not has_v4) or (ip_type == "dualstack" and not (has_v4 and has_v6)) \
                    or (ip_type == "ipv6" and (has_v4 or not has_v6)):
                unfit.append(subnet_id)
        if unfit:
            raise ValueError(
                "ip_address_type: %s would be %s in %s, but an endpoint of that IP address type needs every "
                "subnet %s; give the subnets IPv6 CIDR blocks (aws ec2 associate-subnet-cidr-block), choose other "
                "subnet_ids, or set ip_address_type to match the subnets"
                % (label, ip_type, ", ".join(unfit), needs[ip_type]))


def check_vpc_owner(vpc, caller_account_id):
    """Only a VPC's owner can create endpoints in it; a VPC shared in through AWS RAM is refused.

    VPC user guide, "Share your VPC" and its limitations
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html): participants cannot create
    interface or gateway endpoints in a shared VPC, and AWS answers their CreateVpcEndpoint with
    UnauthorizedOperation. DescribeVpcs shows them the owner's account as ``OwnerId``.
    """
    owner = vpc.get("owner_id")
    if not owner or not caller_account_id or owner == caller_account_id:
        return
    raise ValueError("VPC %s is owned by account %s and shared into account %s (AWS RAM): only its owner can create, "
                     "change or delete its VPC endpoints; run against account %s instead (its own inventory host, "
                     "or a role_arn / profile of that account)" % (vpc["vpc_id"], owner, caller_account_id, owner))


def _zone_owner(zone):
    if zone.get("account_id"):
        return "account %s" % zone["account_id"]
    if zone.get("service_owner"):
        return "the AWS service %s" % zone["service_owner"]
    return "an unknown owner"


def check_zones_in_the_way(dns_names, zones, vpc_id):
    """Private hosted zones associated with the VPC that would take a service's private DNS names.

    ``dns_names``: {short service: [private DNS names, ``*.`` wildcards included]} of the endpoints whose private
    DNS the run turns on; ``zones``: ListHostedZonesByVPC's answer as ``[{zone_id, name, account_id,
    service_owner}]``. A zone named like the service's name, or like a parent of it (``amazonaws.com``
    included), answers for that name in the VPC: AWS refuses the endpoint's private DNS ("conflicting DNS
    domain"), or the zone shadows it (PrivateLink guide, "Manage DNS names for VPC endpoint services" /
    "Private DNS", https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html
    #private-dns; Route 53 API reference, API_ListHostedZonesByVPC.html).
    """
    conflicts = []
    for service in sorted(dns_names):
        for name in dns_names[service]:
            name = name.rstrip(".").lower()
            bare = name[2:] if name.startswith("*.") else name
            for zone in zones:
                zone_name = (zone.get("name") or "").rstrip(".").lower()
                if zone_name and (bare == zone_name or bare.endswith("." + zone_name)):
                    conflicts.append("%s (%s): private hosted zone %s (%s), owned by %s" % (
                        service, name, zone["zone_id"], zone_name, _zone_owner(zone)))
    if conflicts:
        raise ValueError(
            "private DNS cannot be turned on in VPC %s: it is associated with private hosted zones that answer for "
            "the services' names - %s. Disassociate the VPC from the zone (route53 disassociate-vpc-from-hosted-zone, "
            "by the zone's or the VPC's account), or make this VPC a spoke of the hub that zone serves "
            "(ecr_endpoints_mode: spoke and ecr_hub) instead of giving it its own endpoints"
            % (vpc_id, "; ".join(sorted(set(conflicts)))))
