# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture audit's read step: every VPC of a region in a handful of batched requests (private).

``read_region`` asks AWS (one request per resource kind for all VPCs together, plus the two
DNS attributes per VPC, which the API cannot batch) and ``vpc_state`` turns the answers into
the plain state that the checks of ``audit`` inspect. The normalisers are pure and unit-tested.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import WORKLOAD_INTERFACE_TYPE, policy_endpoints
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.network_acls import DEFAULT_CLIENT_PORT_RANGE
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.images_cache import (
    cache_needs,
    cache_worth_reading,
    workload_group_ids,
    workload_subnet_choice,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    PrivatelinkError,
    aws_error,
    error_code,
    located_error,
    translated,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._discovery import private_subnets, route_table_of_subnets
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import normalise_group
from ansible_collections.privatelink.ecr.plugins.module_utils._ec2_reader import (
    Ec2Reader,
    normalise_vpc,
    paginate,
    paginate_filtered,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._nacl_eval import normalise_acl
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import is_full_access
from ansible_collections.privatelink.ecr.plugins.module_utils._prefix_lists import (
    PrefixListReader,
    route_prefix_list_ids,
    rule_prefix_list_ids,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._services import (
    default_full_name,
    resolve_from_details,
    short_name,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._workloads_reader import read_cache, workloads_by_vpc

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - HAS_BOTO3 is checked by the connection
    BotoCoreError = ClientError = Exception

# Interfaces AWS places in a subnet for infrastructure, not for tasks or pods that pull images.
NOT_WORKLOAD_INTERFACES = frozenset(["vpc_endpoint", "nat_gateway", "load_balancer", "network_load_balancer",
                                     "gateway_load_balancer", "gateway_load_balancer_endpoint", "transit_gateway"])


# ---------------------------------------------------------------- pure normalisers

def normalise_subnet(raw):
    return {
        "subnet_id": raw["SubnetId"],
        "vpc_id": raw.get("VpcId"),
        "availability_zone": raw.get("AvailabilityZone"),
        "availability_zone_id": raw.get("AvailabilityZoneId"),
        "cidr": raw.get("CidrBlock"),
        "ipv6_cidrs": [a["Ipv6CidrBlock"] for a in raw.get("Ipv6CidrBlockAssociationSet") or []
                       if a.get("Ipv6CidrBlock")],
    }


def _route_target(route):
    for key in ("GatewayId", "NatGatewayId", "EgressOnlyInternetGatewayId", "TransitGatewayId",
                "VpcPeeringConnectionId", "NetworkInterfaceId", "InstanceId", "LocalGatewayId",
                "CarrierGatewayId", "CoreNetworkArn"):
        if route.get(key):
            return route[key]
    return None


def normalise_route_table(raw):
    return {
        "route_table_id": raw["RouteTableId"],
        "vpc_id": raw.get("VpcId"),
        "main": any(a.get("Main") for a in raw.get("Associations") or []),
        "subnet_ids": sorted(a["SubnetId"] for a in raw.get("Associations") or [] if a.get("SubnetId")),
        "routes": [{
            "destination": r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock")
            or r.get("DestinationPrefixListId"),
            "target": _route_target(r),
            "state": r.get("State", "active"),
        } for r in raw.get("Routes") or []],
    }


# One normaliser of security groups for deploy and audit (``_endpoint_model.normalise_group``).
normalise_security_group = normalise_group


def normalise_eni(raw):
    return {
        "eni_id": raw["NetworkInterfaceId"],
        "subnet_id": raw.get("SubnetId"),
        "interface_type": raw.get("InterfaceType"),
        "group_ids": sorted(g["GroupId"] for g in raw.get("Groups") or []),
    }


def service_catalog(wanted, region, details):
    """Per wanted short name: its offered name, endpoint types and zones (``offered`` False if none)."""
    resolved, missing = resolve_from_details(wanted, region, details)
    catalog = {}
    for short in wanted:
        if short in resolved:
            entry = resolved[short]
            catalog[short] = {"service_name": entry["service_name"], "types": sorted(entry["types"]),
                              "zones": sorted(entry["zones"]), "offered": True}
        else:
            catalog[short] = {"service_name": None, "types": [], "zones": [], "offered": short not in missing}
    return catalog


def acl_maps(acls, vpc_id, subnet_ids):
    """``(network_acls, subnet_network_acl)`` of one VPC; a subnet with no association uses the default ACL."""
    mine = dict((a["network_acl_id"], a) for a in acls if a.get("vpc_id") in (None, vpc_id))
    by_subnet = {}
    for acl in mine.values():
        for subnet_id in acl["subnet_ids"]:
            by_subnet[subnet_id] = acl["network_acl_id"]
    default = [a["network_acl_id"] for a in mine.values() if a.get("is_default")]
    for subnet_id in subnet_ids:
        if subnet_id not in by_subnet and default:
            by_subnet[subnet_id] = default[0]
    return mine, by_subnet


def vpc_state(vpc, region, wanted, catalog, endpoints, raw_subnets, raw_route_tables, groups,
              workload_subnet_ids=None, enis=None, acls=None, extra=None):
    """The plain state of one VPC that every check reads (see ``audit._state``).

    ``acls``: normalised network ACLs (None: not read, the NACL check is skipped); ``extra``: keys added
    as they are (account_id, org_id, org_note, s3_prefix_cidrs, client_port_range).
    """
    vpc_id = vpc["vpc_id"]
    raw_subnets = [s for s in raw_subnets if s.get("VpcId") == vpc_id]
    raw_route_tables = [t for t in raw_route_tables if t.get("VpcId") == vpc_id]
    if workload_subnet_ids is None:
        # Same rule as the role's discovery: no route to an internet gateway.
        workload_subnet_ids = [s["SubnetId"] for s in private_subnets(raw_subnets, raw_route_tables)]
    serving = route_table_of_subnets(raw_subnets, raw_route_tables)
    vpc_endpoints = [dict(e, service=short_name(e["service_name"], region)) for e in endpoints
                     if e.get("vpc_id") in (None, vpc_id)]
    enis_by_subnet = {}
    for eni in enis or []:
        if eni.get("subnet_id") and eni.get("interface_type") not in NOT_WORKLOAD_INTERFACES:
            enis_by_subnet.setdefault(eni["subnet_id"], []).append(eni)
    state = {
        "vpc": vpc,
        "region": region,
        "wanted": list(wanted),
        "services": catalog,
        "endpoints": vpc_endpoints,
        "subnets": {s["SubnetId"]: normalise_subnet(s) for s in raw_subnets},
        "route_tables": {t["RouteTableId"]: normalise_route_table(t) for t in raw_route_tables},
        "subnet_route_table": {subnet_id: table["RouteTableId"] for subnet_id, table in serving.items()},
        "security_groups": {g["group_id"]: g for g in groups},
        "workload_subnet_ids": list(workload_subnet_ids),
        "workload_enis": enis_by_subnet,
    }
    if acls is not None:
        state["network_acls"], state["subnet_network_acl"] = acl_maps(acls, vpc_id, list(state["subnets"]))
    state.update(extra or {})
    return state


# ---------------------------------------------------------------- AWS reads

class AuditReader:
    """Batched, read-only requests for the audit; Ec2Reader's where it has them."""

    def __init__(self, connection):
        self.connection = connection
        self.client = connection.client("ec2")
        self.ec2 = Ec2Reader(self.client)
        # Each managed prefix list is read once per run, whoever names it (a route, a rule, the S3 gateway).
        self.prefix_lists = PrefixListReader(self.client)

    @translated("identify the account (sts:GetCallerIdentity)")
    def account_id(self):
        # A role assumed for this connection already named its account (one request and client fewer);
        # the connection keeps it, so a failure later names the account without asking again.
        return self.connection.caller_account()

    @translated("describe the VPCs")
    def vpcs(self, vpc_ids, vpc_names):
        """The VPCs to audit: by id, by Name tag, or (neither given) every VPC of the region."""
        found = {}
        if vpc_ids:
            raw = self.client.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": list(vpc_ids)}])["Vpcs"]
            for vpc in [normalise_vpc(v) for v in raw]:
                found[vpc["vpc_id"]] = vpc
            unknown = sorted(set(vpc_ids) - set(found))
            if unknown:
                raise self.ec2.unknown_vpcs("vpc_ids", unknown)
        if vpc_names:
            named = self.ec2.vpcs_named(vpc_names)
            for name in vpc_names:
                matches = [v for v in named if v["tags"].get("Name") == name]
                if len(matches) != 1:
                    raise PrivatelinkError(
                        "vpc_names %s: %s VPCs have this Name tag in this account and region; name exactly one "
                        "or use vpc_ids%s" % (name, len(matches), (" (%s)" % ", ".join(
                            sorted(v["vpc_id"] for v in matches))) if matches else ""))
                found[matches[0]["vpc_id"]] = matches[0]
        if not vpc_ids and not vpc_names:
            for vpc in self.ec2.vpcs():
                found[vpc["vpc_id"]] = vpc
        return [found[k] for k in sorted(found)]

    @translated("describe the subnets")
    def subnets(self, vpc_ids):
        return self.ec2.subnets_of_vpcs(vpc_ids)

    @translated("describe the route tables")
    def route_tables(self, vpc_ids):
        return self.ec2.route_tables_of_vpcs(vpc_ids)

    @translated("describe the network interfaces of the workload subnets")
    def enis(self, subnet_ids):
        if not subnet_ids:
            return []
        raw = paginate_filtered(self.client, "describe_network_interfaces", "NetworkInterfaces",
                                "subnet-id", subnet_ids)
        return [normalise_eni(r) for r in raw]

    @translated("describe the network ACLs")
    def network_acls(self, vpc_ids):
        raw = paginate_filtered(self.client, "describe_network_acls", "NetworkAcls", "vpc-id", vpc_ids)
        return [normalise_acl(a) for a in raw]

    def organization_id(self):
        """``(org_id, note)``: the account's AWS Organizations id, or None and why.

        AWSOrganizationsNotInUseException means the account is in no organization (note "none"): its
        requests carry no aws:PrincipalOrgID. AccessDenied(Exception) means the credentials may not ask
        (note "denied"): the audit then evaluates as if there were no organization and says so in the
        POLICY_BLOCKS_PULL message. Anything else fails the audit like any other read.
        """
        try:
            answer = self.connection.client("organizations").describe_organization()
        except ClientError as exc:
            code = error_code(exc)
            if code == "AWSOrganizationsNotInUseException":
                return None, "none"
            if code in ("AccessDeniedException", "AccessDenied"):
                return None, "denied"
            raise aws_error(exc, "read the organization (organizations:DescribeOrganization)")
        except BotoCoreError as exc:  # pylint: disable=duplicate-except
            raise aws_error(exc, "read the organization (organizations:DescribeOrganization)")
        return (answer.get("Organization") or {}).get("Id"), None

    def security_groups(self, group_ids, what="security_group_ids"):
        """The groups, normalised; ``what`` names the groups in the error when one does not exist."""
        return [normalise_security_group(g) for g in self.ec2.security_groups(sorted(set(group_ids)), what)]

    def services(self, wanted, region):
        details = self.ec2.endpoint_services([default_full_name(s, region) for s in wanted])
        return service_catalog(wanted, region, details)


def _check_workload_subnets(workload_subnet_ids, raw_subnets):
    known = set(s["SubnetId"] for s in raw_subnets)
    unknown = [s for s in workload_subnet_ids if s not in known]
    if unknown:
        raise PrivatelinkError("workload_subnet_ids %s: not a subnet of the audited VPC(s)" % ", ".join(unknown))


def read_region(connection, region, wanted, vpc_ids=None, vpc_names=None, workload_subnet_ids=None,
                client_port_range=None, hub=None, read_workloads=True, images=None, workload_security_group_ids=None):
    """Read every audited VPC of one region; return ``(account_id, [state, ...])``.

    Beyond one request per resource kind, reads are made only when they can matter: the managed prefix
    lists (DescribeManagedPrefixLists once, GetManagedPrefixListEntries once per list) when an S3 gateway
    endpoint is audited or a security-group rule (or, for a spoke, a route) names a list, and
    organizations:DescribeOrganization (once) when an audited endpoint has a policy other than full access.
    The network interfaces of the workload subnets are read once (their groups are workload security
    groups), and the endpoints' and workloads' security groups together in one request.

    ``hub`` (``{"connection", "vpc_id" or "vpc_name"}``): the audited VPCs are served by that hub VPC
    (centralized endpoints); its data is read once with the hub's connection (``read_hub``), and each
    audited VPC's zone associations and peering connections with its own.

    ``read_workloads``, ``images``, ``workload_security_group_ids``: what runs in each VPC and what it pulls
    (``_workloads_reader``; two requests when the account has no ECS or EKS cluster).
    """
    reader = AuditReader(connection)
    account_id = reader.account_id()
    vpcs = reader.vpcs(vpc_ids or [], vpc_names or [])
    if not vpcs:
        return account_id, []
    ids = [v["vpc_id"] for v in vpcs]
    for vpc in vpcs:
        vpc["enable_dns_support"], vpc["enable_dns_hostnames"] = reader.ec2.dns_attributes(vpc["vpc_id"])
    endpoints = reader.ec2.endpoints(ids)
    raw_subnets = reader.subnets(ids)
    raw_route_tables = reader.route_tables(ids)
    if workload_subnet_ids:
        _check_workload_subnets(workload_subnet_ids, raw_subnets)
    groups = []  # read below, with the workloads' groups
    catalog = reader.services(wanted, region)
    acls = reader.network_acls(ids)
    workloads = workloads_by_vpc(connection, ids, raw_subnets, read_workloads, images, workload_security_group_ids)
    extra = {"account_id": account_id, "org_id": None, "org_note": None, "s3_prefix_cidrs": None,
             "s3_prefix_list_id": None, "prefix_lists": {},
             "client_port_range": list(client_port_range or DEFAULT_CLIENT_PORT_RANGE),
             "image_cache": _image_cache(connection, account_id, region, workloads)}

    def state_for(vpc, enis=None):
        # The listed workload subnets apply to the VPC holding them; other VPCs keep the default rule.
        explicit = [s["SubnetId"] for s in raw_subnets
                    if s["SubnetId"] in (workload_subnet_ids or []) and s.get("VpcId") == vpc["vpc_id"]]
        mine = workloads[vpc["vpc_id"]]
        own = set(s["SubnetId"] for s in raw_subnets if s.get("VpcId") == vpc["vpc_id"])
        chosen = [s for s in workload_subnet_choice(explicit, [w for w in mine if w["kind"] != "given"], [])
                  if s in own]
        state = vpc_state(vpc, region, wanted, catalog, endpoints, raw_subnets, raw_route_tables, groups,
                          chosen or None, enis, acls, extra)
        state["workloads"] = mine
        return state

    states = [state_for(v) for v in vpcs]
    # The workload subnets' interfaces: their groups are workload security groups (EGRESS_BLOCKS_PULL), and
    # endpoint groups that admit by group reference are judged by them.
    enis = reader.enis(sorted(set(sid for s in states for sid in s["workload_subnet_ids"])))
    given = list(workload_security_group_ids or [])
    # The workloads' own groups (ECS services, EKS clusters) are read in the same request.
    groups = reader.security_groups([g for e in endpoints for g in e.get("security_group_ids") or []] + [
        g for eni in enis if eni.get("interface_type") == WORKLOAD_INTERFACE_TYPE for g in eni["group_ids"]]
        + workload_group_ids([w for found in workloads.values() for w in found], given),
        "security groups of the endpoints and workloads%s" % (
            " (workload_security_group_ids: %s)" % ", ".join(given) if given else ""))
    states = [state_for(v, enis) for v in vpcs]
    vpc_of_group = dict((g["group_id"], g.get("vpc_id")) for g in groups)
    for state in states:
        # A given group counts for the VPC it belongs to.
        state["workload_security_group_ids"] = [g for g in given if vpc_of_group.get(g) in (None, state["vpc"]["vpc_id"])]
    if "s3" in wanted and any(policy_endpoints(s, "s3") for s in states):
        s3_list = reader.prefix_lists.by_name(_prefix_list_name(catalog, region))
        if s3_list:
            extra["s3_prefix_cidrs"], extra["s3_prefix_list_id"] = s3_list["cidrs"], s3_list["prefix_list_id"]
    named = rule_prefix_list_ids(groups, "ingress") | rule_prefix_list_ids(groups, "egress")
    if hub is not None:
        named |= route_prefix_list_ids(t for s in states for t in s["route_tables"].values())
    reader.prefix_lists.read(named)
    extra["prefix_lists"] = dict(reader.prefix_lists.lists)  # the S3 list too, when read above
    if any(not is_full_access(e.get("policy")) for s in states for service in wanted
           for e in policy_endpoints(s, service)):
        extra["org_id"], extra["org_note"] = reader.organization_id()
    for state in states:
        state.update(extra)
    if hub is not None:
        hub_data = read_hub(hub["connection"], region, wanted, hub.get("vpc_id"), hub.get("vpc_name"))
        add_hub(reader, region, states, raw_subnets, hub_data)
    return account_id, states


# ---------------------------------------------------------------- centralized endpoints (hub and spokes)

def read_hub(connection, region, wanted, vpc_id=None, vpc_name=None):
    """What the audit needs of a hub VPC, read with the hub's connection (a dozen requests, once per run).

    ``{vpc_id, account_id, cidrs, endpoints, subnets, security_groups, service_dns, zones, transit_gateways,
    route_tables, subnet_route_table, network_acls, subnet_network_acl, prefix_lists}``:
    the hub's endpoints (with ``service``), subnets, endpoint groups, the wanted services' private DNS
    names, the private hosted zones of those names associated with the hub VPC (with ``owned`` and
    their alias ``records``), the transit gateways the hub VPC is attached to, and what the way back
    from its endpoint subnets crosses: their route tables (with the hub account's prefix lists they
    route to) and network ACLs.
    """
    # Imported here: only an audit of spokes needs the zones module's reader.
    from ansible_collections.privatelink.ecr.plugins.module_utils._route53_reader import Route53Reader, service_dns
    from ansible_collections.privatelink.ecr.plugins.module_utils import _zones_plan as zplan

    ec2 = Ec2Reader(connection.client("ec2"))
    try:
        vpc = ec2.vpc(vpc_id) if vpc_id else ec2.vpc_by_name(vpc_name)
    except PrivatelinkError as exc:
        # The hub's account and region, not the audited one's.
        raise located_error(PrivatelinkError("hub: %s" % exc, **exc.details), connection)
    hub_id = vpc["vpc_id"]
    endpoints = [dict(e, service=short_name(e["service_name"], region)) for e in ec2.endpoints([hub_id])]
    subnets = _translated_read("describe the hub's subnets", lambda: ec2.subnets_of_vpc(hub_id))
    groups = [normalise_security_group(g) for g in
              ec2.security_groups(sorted(set(g for e in endpoints for g in e.get("security_group_ids") or [])))]
    centralized = [s for s in wanted if s not in zplan.NOT_CENTRALIZED]
    details = ec2.endpoint_services([default_full_name(s, region) for s in centralized]) if centralized else []
    dns = service_dns(details, centralized, region)[0]
    names = set()
    for entry in dns.values():
        names.update(n[2:] if n.startswith("*.") else n for n in entry["dns_names"])
    r53 = Route53Reader(connection.client("route53"))
    zones = [z for z in r53.zones_of_vpc(hub_id, region) if z["name"] in names]
    tags = r53.tags([z["zone_id"] for z in zones]) if zones else {}
    for zone in zones:
        zone["owned"] = zplan.is_owned_zone(tags.get(zone["zone_id"]))
        zone["records"] = dict((k, {"dns_name": v["dns_name"], "hosted_zone_id": v["hosted_zone_id"]})
                               for k, v in r53.alias_records(zone["zone_id"]).items())
    attachments = _translated_read("describe the hub's transit gateway attachments", lambda: paginate(
        connection.client("ec2"), "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments",
        Filters=[{"Name": "vpc-id", "Values": [hub_id]}]))
    network = _hub_network(connection, hub_id, subnets)
    return dict(network, **{
        "vpc_id": hub_id,
        "account_id": vpc.get("owner_id"),
        "cidrs": vpc["cidrs"] + vpc["ipv6_cidrs"],
        "endpoints": endpoints,
        "subnets": dict((s["SubnetId"], normalise_subnet(s)) for s in subnets),
        "security_groups": dict((g["group_id"], g) for g in groups),
        "service_dns": dns,
        "zones": zones,
        "transit_gateways": sorted(set(a["TransitGatewayId"] for a in attachments
                                       if (a.get("State") or "").lower() == "available")),
    })


def _hub_network(connection, hub_id, raw_subnets):
    """The hub's route tables (and the prefix lists they route to) and network ACLs, with its connection."""
    reader = AuditReader(connection)
    raw_tables = reader.route_tables([hub_id])
    tables = dict((t["RouteTableId"], normalise_route_table(t)) for t in raw_tables)
    acls, by_subnet = acl_maps(reader.network_acls([hub_id]), hub_id, [s["SubnetId"] for s in raw_subnets])
    return {
        "route_tables": tables,
        "subnet_route_table": dict((sid, t["RouteTableId"]) for sid, t in
                                   route_table_of_subnets(raw_subnets, raw_tables).items()),
        "network_acls": acls,
        "subnet_network_acl": by_subnet,
        "prefix_lists": reader.prefix_lists.read(route_prefix_list_ids(tables.values())),
    }


def _translated_read(action, read):
    try:
        return read()
    except PrivatelinkError:
        raise
    except (BotoCoreError, ClientError) as exc:
        raise aws_error(exc, action)


def hub_for(state, hub_data, raw_subnets):
    """The hub as one audited VPC sees it: the hub's subnets named by this account's zone names.

    Availability Zone names are per account; zone ids are not. A hub subnet whose zone id this
    VPC's account also has is named as this account names it.
    """
    names = dict((s.get("AvailabilityZoneId"), s.get("AvailabilityZone")) for s in raw_subnets
                 if s.get("AvailabilityZoneId"))
    subnets = {}
    for subnet_id, subnet in hub_data["subnets"].items():
        subnets[subnet_id] = dict(subnet, availability_zone=names.get(subnet.get("availability_zone_id"),
                                                                      subnet["availability_zone"]))
    return dict(hub_data, subnets=subnets, is_self=hub_data["vpc_id"] == state["vpc"]["vpc_id"])


@translated("describe the peering connections of the route tables")
def _peerings(client, ids):
    if not ids:
        return {}
    raw = paginate_filtered(client, "describe_vpc_peering_connections", "VpcPeeringConnections",
                            "vpc-peering-connection-id", sorted(ids))
    return dict((p["VpcPeeringConnectionId"], {
        "status": ((p.get("Status") or {}).get("Code") or "").lower(),
        "vpc_ids": sorted(filter(None, [(p.get("AccepterVpcInfo") or {}).get("VpcId"),
                                        (p.get("RequesterVpcInfo") or {}).get("VpcId")]))}) for p in raw)


def add_hub(reader, region, states, raw_subnets, hub_data):
    """Give each audited VPC's state its hub, its zone associations and the peerings its routes use."""
    from ansible_collections.privatelink.ecr.plugins.module_utils._route53_reader import Route53Reader

    r53 = Route53Reader(reader.connection.client("route53"))
    tables = [t for s in states for t in s["route_tables"].values()] + list(hub_data["route_tables"].values())
    pcx = set(r["target"] for t in tables for r in t["routes"] if (r.get("target") or "").startswith("pcx-"))
    peerings = _peerings(reader.client, pcx)
    for state in states:
        mine = [s for s in raw_subnets if s.get("VpcId") == state["vpc"]["vpc_id"]]
        state["hub"] = hub_for(state, hub_data, mine)
        state["vpc_zones"] = r53.zones_of_vpc(state["vpc"]["vpc_id"], region)
        state["peerings"] = peerings
        state["security_groups"] = dict(state["security_groups"], **hub_data["security_groups"])


def _image_cache(connection, account_id, region, workloads):
    """The own registry's pull-through cache, read only when some image can involve it (else None)."""
    references = [r for found in workloads.values() for w in found for r in w.get("images") or []]
    if not cache_worth_reading(references, region, account_id):
        return None
    return read_cache(connection, account_id, region, cache_needs([references], region, account_id))


def _prefix_list_name(catalog, region):
    """The S3 gateway's prefix list is named after the S3 service (com.amazonaws.REGION.s3)."""
    name = (catalog.get("s3") or {}).get("service_name") or "com.amazonaws.%s.s3" % region
    return name[len("cn."):] if name.startswith("cn.") else name
