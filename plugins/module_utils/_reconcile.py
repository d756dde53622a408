# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile runner behind ecr_private_endpoints: read -> plan -> validate -> apply (private).

A no-op run sends three read requests (the VPC, its endpoints, the managed group), and two
more (the VPC's subnets and route tables) when ``discover`` is ``always``; everything else
(service names, DNS attributes) is read only when the plan is about to change something that
depends on it: the caller's account (sts:GetCallerIdentity, unless an assumed role named it) when the
plan changes anything, to refuse a VPC shared in from another account; the VPC's private hosted zones
(route53:ListHostedZonesByVPC) when it turns private DNS on.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.privatelink.ecr.plugins.module_utils._discovery import discover, fit_to_zones, keep_in_place
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError, translated
from ansible_collections.privatelink.ecr.plugins.module_utils._ec2_reader import Ec2Reader
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    GATEWAY,
    INTERFACE,
    MANAGED_GROUP_PLACEHOLDER,
    OWNER_TAG_KEY,
    OWNER_TAG_VALUE,
    desired_endpoint,
    group_view,
    is_owned,
    wanted_policy,
    public_view,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import (
    SECURITY_GROUP_SERVICE,
    endpoints_by_service,
    execution_order,
    live,
    plan_absent,
    plan_give_back,
    plan_present,
    name_created_group,
    plan_security_group,
    predict,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._perimeter import (
    check_extra_s3_resources,
    check_registry_account_ids,
    perimeter_policy,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import parse_policy, policy_diff
from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import pull_blockers
from ansible_collections.privatelink.ecr.plugins.module_utils._services import (
    candidate_names,
    match_existing_name,
    resolve_from_details,
    short_name,
    wanted_services,
)
from ansible_collections.privatelink.ecr.plugins.module_utils import _validate as validate

GROUP_DESCRIPTION = "HTTPS from workloads to VPC endpoints (managed by privatelink.ecr)"


# Control characters never belong in an id, a name or a tag key. The shape checks cannot catch a
# trailing newline on their own: a regular expression's "$" matches just before one.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_OPTIONS = ("vpc_id", "vpc_name", "subnet_ids", "route_table_ids", "security_group_ids", "security_group_name",
                 "services", "extra_services")


def check_control_characters(params):
    for option in _TEXT_OPTIONS:
        value = params.get(option)
        for item in [value] if isinstance(value, str) else (value or []):
            if isinstance(item, str) and _CONTROL_CHARACTER.search(item):
                raise ValueError("%s: %r contains a control character" % (option, item))
    for key in params.get("tags") or {}:
        if isinstance(key, str) and _CONTROL_CHARACTER.search(key):
            raise ValueError("tags: key %r contains a control character" % (key,))


def check_conflicts(params):
    """Options that cannot mean what they say together: fail rather than silently ignore one."""
    if OWNER_TAG_KEY in (params.get("tags") or {}):
        # The module sets it on what it creates; a user value would flip ownership on the next run.
        raise ValueError("tags: %s is the ownership tag the module sets itself (%s=%s on what it creates); "
                         "remove it from tags" % (OWNER_TAG_KEY, OWNER_TAG_KEY, OWNER_TAG_VALUE))
    if params.get("security_group_ids") and params.get("allowed_cidrs") is not None:
        raise ValueError("allowed_cidrs applies only to the managed security group, which is not used when "
                         "security_group_ids is set; remove allowed_cidrs or security_group_ids")


def check_local_input(params):
    """Everything that can be checked without AWS; returns (services, policies, warnings)."""
    check_control_characters(params)
    validate.check_ids(params)
    validate.check_lists_not_empty(params)
    validate.check_tags(params.get("tags"))
    check_conflicts(params)
    if not params.get("security_group_ids"):
        validate.check_group_name(params.get("security_group_name"))
    warnings = []
    if params.get("allowed_cidrs") is not None:
        if not params["allowed_cidrs"]:
            raise ValueError("allowed_cidrs is an empty list: the managed group would admit nothing; "
                             "omit it to admit the VPC's CIDR blocks")
        warnings = validate.check_cidrs(params["allowed_cidrs"])[1]
    services = wanted_services(params["workload"], params.get("services"), params.get("extra_services"),
                               params["region"])
    policy = parse_policy(params.get("policy"), "policy")
    s3_policy = parse_policy(params.get("s3_policy"), "s3_policy")
    check_registry_account_ids(params.get("registry_account_ids"))
    check_extra_s3_resources(params.get("perimeter_extra_s3_resources"), params["region"])
    if params.get("perimeter_org_id"):
        perimeter_policy("s3", params["region"], params["perimeter_org_id"], params["workload"])  # checks the id
    elif params.get("perimeter_extra_s3_resources"):
        raise ValueError("perimeter_extra_s3_resources applies only to the policy perimeter_org_id generates; "
                         "set perimeter_org_id, or put the buckets in s3_policy")
    if params.get("s3_endpoint_type") == "interface" and "ecr.dkr" in services and "s3" in services:
        # https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html names the S3 gateway
        # endpoint for the layer downloads of a pull.
        warnings.append("s3_endpoint_type is interface: ECR's guide names the S3 gateway endpoint for image layer "
                        "downloads, and the audit reports S3_ROUTE_MISSING without one; use the default "
                        "s3_endpoint_type: gateway unless another path to S3 serves the layers")
    return services, policy, s3_policy, warnings


def _endpoint_type(service, params):
    if service == "s3" and params.get("s3_endpoint_type", "gateway") == "gateway":
        return GATEWAY
    return INTERFACE


def set_s3_dns_options(actions, current, names, types):
    """An S3 interface endpoint's DnsOptions, on each action that turns its private DNS on.

    ``PrivateDnsOnlyForInboundResolverEndpoint`` defaults to true when private DNS is on, and AWS refuses true
    unless the VPC has an S3 gateway endpoint (S3 user guide, "AWS PrivateLink for Amazon S3", private DNS,
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html#private-dns;
    EC2 API reference, DnsOptionsSpecification,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DnsOptionsSpecification.html). So: true (VPC
    traffic keeps going through the gateway, on-premises resolvers get the interface) with a gateway that
    stays, false (the interface endpoint answers for S3 in the VPC) without one.
    """
    if types.get("s3") != INTERFACE or "s3" not in names:
        return
    deleted = set(a["details"].get("vpc_endpoint_id") for a in actions if a["action"] == "delete")
    has_gateway = any(e["service_name"] == names["s3"] and e["vpc_endpoint_type"] == GATEWAY
                      and e["vpc_endpoint_id"] not in deleted for e in live(current))
    for action in actions:
        if action["service"] == "s3" and action["details"].get("private_dns_enabled") \
                and action["details"].get("vpc_endpoint_type", INTERFACE) == INTERFACE:
            action["details"]["dns_options"] = {"private_dns_only_for_inbound_resolver_endpoint": has_gateway}


class Reconciler:
    def __init__(self, connection, params, check_mode):
        self.params = params
        self.check_mode = check_mode
        self.region = params["region"]
        self.vpc_id = params.get("vpc_id")
        self.connection = connection
        self.client = connection.client("ec2")
        self.reader = Ec2Reader(self.client)
        self.warnings = []
        self._service_details = None
        self._retired = {}  # short service name -> ids of its deleted endpoints (for ClientTokens)
        self._applied_group_id = None
        self._zone_of = None  # subnet id -> zone, read only when adopting needs it
        self._private_ids = set()
        self.discovered = None  # the placement found by ``discover``, when it ran

    # -- reading --------------------------------------------------------------------------
    def _service_info(self, services):
        """Resolve short names through DescribeVpcEndpointServices (raises when not offered)."""
        if self._service_details is None:
            names = [candidate_names(s, self.region)[0] for s in services]
            self._service_details = self.reader.endpoint_services(names)
        resolved, missing = resolve_from_details(services, self.region, self._service_details)
        validate.check_services_offered(missing, self.region)
        return resolved

    def _resolve_names(self, services, current):
        """Full service names: from existing endpoints when possible, else from AWS."""
        existing = set(e["service_name"] for e in current)
        names = {s: match_existing_name(s, self.region, existing) for s in services}
        if all(names.values()):
            return names
        resolved = self._service_info(services)
        return {s: resolved[s]["service_name"] for s in services}

    # -- the run --------------------------------------------------------------------------
    def run(self):
        services, policy, s3_policy, warnings = check_local_input(self.params)
        self.warnings.extend(warnings)
        # AWS stores tag values as strings: compare as strings, or `CostCentre: 42` changes every run.
        self.params = params = dict(self.params, policy=policy, s3_policy=s3_policy,
                                    tags=dict((k, str(v)) for k, v in (self.params.get("tags") or {}).items()))

        vpc = self.reader.vpc(self.vpc_id) if self.vpc_id else self.reader.vpc_by_name(params["vpc_name"])
        self.vpc_id = vpc["vpc_id"]
        everything = self.reader.endpoints([self.vpc_id])
        current = live(everything)
        for endpoint in everything:
            if endpoint not in current:
                self._retired.setdefault(short_name(endpoint["service_name"], self.region), []).append(
                    endpoint["vpc_endpoint_id"])
        if params["state"] == "absent":
            return self._run_absent(services, current, vpc)

        names = self._resolve_names(services, current)
        types = {s: _endpoint_type(s, params) for s in services}
        needs_group = any(t == INTERFACE for t in types.values()) and not params.get("security_group_ids")
        group = self.reader.group_by_name(self.vpc_id, params["security_group_name"]) if needs_group else None
        group_action = None
        if needs_group:
            validate.check_group_is_ours(group, self.vpc_id)
            cidrs = params.get("allowed_cidrs") or (vpc["cidrs"] + vpc["ipv6_cidrs"])
            group_action = plan_security_group(params["security_group_name"], cidrs, params.get("tags"),
                                               group, GROUP_DESCRIPTION)
            group_ids = [group["group_id"] if group else MANAGED_GROUP_PLACEHOLDER]
        else:
            group_ids = params.get("security_group_ids") or []
        desired, actions, placed = self._plan_with_placement(services, names, types, group_ids, current)
        set_s3_dns_options(actions, current, names, types)
        self._check_creatable(actions)
        if actions:
            validate.check_vpc_owner(vpc, self._caller_account_id())
            self._validate_against_aws(services, types, actions, vpc, placed, current)
            self._refuse_blocking_policies(actions, vpc)
        if group_action:
            actions.insert(0, group_action)
        return self._finish(execution_order(actions), current, desired, group, vpc)

    def _plan_with_placement(self, services, names, types, group_ids, current):
        """The plan, with whatever ``discover`` finds for the subnets and route tables left out.

        Returns (desired specs, actions, the options with the placement used).
        """
        params = self.params
        mode = params.get("discover") or "never"
        omitted = params.get("subnet_ids") is None or params.get("route_table_ids") is None
        placed, creating, fitted = params, set(), {}

        def placement_of(service):
            # "always": every endpoint goes to the discovered placement; "on_create": only those created.
            if placed is params or (mode == "on_create" and service not in creating):
                return params
            if params.get("subnet_ids") is not None or types[service] != INTERFACE:
                return placed
            subnets = fitted.get(service, placed["subnet_ids"])
            return dict(placed, subnet_ids=self._kept_in_place(names[service], subnets, current))

        if mode == "always" and omitted:
            placed = self._placed(params)
        desired, actions = self._plan(services, names, types, group_ids, current, placement_of)
        if mode == "on_create" and omitted:
            creating = set(a["service"] for a in actions if a["action"] == "create")
            if creating:
                # A plan that creates nothing needs no discovery, and a no-op stays at three reads.
                placed = self._placed(params)
                desired, actions = self._plan(services, names, types, group_ids, current, placement_of)
        if self.discovered is not None and params.get("subnet_ids") is None \
                and self._places_interfaces(actions, types):
            # Discovery is per service: each interface service only where AWS offers it. Read only
            # when the plan would create or add subnets, so a no-op needs no service read.
            fitted = self._fit_to_offered_zones(services, types)
            desired, actions = self._plan(services, names, types, group_ids, current, placement_of)
        return desired, actions, placed

    def _plan(self, services, names, types, group_ids, current, placement_of):
        desired = [desired_endpoint(s, names[s], types[s], placement_of(s), group_ids, self._policy_for(s))
                   for s in services]
        actions = plan_present(desired, current, self.region, self.params.get("purge_services"), self._zone_of)
        if self._zone_of is None and any(a["action"] == "adopt" and a["details"].get("add_subnet_ids")
                                         for a in actions):
            # Adopting adds a subnet only in a zone the endpoint does not cover: that needs the zones.
            by_id = dict((e["vpc_endpoint_id"], e) for e in current)
            ids = set()
            for action in actions:
                if action["action"] == "adopt" and action["details"].get("add_subnet_ids"):
                    ids.update(action["details"]["add_subnet_ids"])
                    ids.update(by_id[action["details"]["vpc_endpoint_id"]]["subnet_ids"])
            self._zone_of = dict((s["SubnetId"], s["AvailabilityZone"]) for s in self.reader.subnets(sorted(ids)))
            actions = plan_present(desired, current, self.region, self.params.get("purge_services"), self._zone_of)
        return desired, actions

    def _policy_for(self, service):
        """The policy wanted for a service's endpoint: the option's, else the perimeter's, else kept."""
        params = self.params
        value = params.get("s3_policy") if service == "s3" else params.get("policy")
        if value is None and params.get("perimeter_org_id"):
            return perimeter_policy(service, self.region, params["perimeter_org_id"], params["workload"],
                                    params.get("registry_account_ids"), params.get("perimeter_extra_s3_resources"))
        return wanted_policy(value)

    @staticmethod
    def _places_interfaces(actions, types):
        return any(types.get(a["service"]) == INTERFACE and (a["action"] == "create" or a["details"].get(
            "add_subnet_ids")) for a in actions)

    def _fit_to_offered_zones(self, services, types):
        """Each interface service's share of the discovered subnets; skipped zones are reported."""
        resolved = self._service_info(services)
        chosen = set(self.discovered["subnet_ids"])
        subnets = [s for s in self.reader.subnets_of_vpc(self.vpc_id) if s["SubnetId"] in chosen]
        fitted, skipped = {}, {}
        for service in services:
            if types[service] != INTERFACE:
                continue
            fitted[service], skipped_zones = fit_to_zones(subnets, resolved[service]["zones"])
            if skipped_zones:
                skipped[service] = skipped_zones
                self.warnings.append(
                    "%s: AWS does not offer this endpoint service in %s, so its endpoint has no subnet there; "
                    "workloads in %s reach it across zones" % (service, ", ".join(skipped_zones),
                                                               " and ".join(skipped_zones)))
            if not fitted[service]:
                raise ValueError("%s: AWS offers this endpoint service only in %s, and VPC %s has no private subnet "
                                 "there; add a private subnet in one of those zones, or remove %s from services"
                                 % (service, ", ".join(sorted(resolved[service]["zones"])), self.vpc_id, service))
        self.discovered["skipped"] = skipped
        return fitted

    # -- placement discovery --------------------------------------------------------------
    def _placed(self, params):
        """``params`` with whichever of subnet_ids / route_table_ids is omitted discovered."""
        found = self._discover()
        return dict(params,
                    subnet_ids=found["subnet_ids"] if params.get("subnet_ids") is None else params["subnet_ids"],
                    route_table_ids=(found["route_table_ids"] if params.get("route_table_ids") is None
                                     else params["route_table_ids"]))

    def _kept_in_place(self, service_name, subnet_ids, current):
        """The discovered subnets, with the ones the service's endpoint already uses kept (no churn)."""
        serving = [e for e in current if e["service_name"] == service_name and e["vpc_endpoint_type"] == INTERFACE]
        if not serving:
            return subnet_ids
        zone_of = dict((s["SubnetId"], s.get("AvailabilityZone")) for s in self.reader.subnets_of_vpc(self.vpc_id))
        in_use = set()
        for endpoint in serving:
            in_use.update(endpoint["subnet_ids"])
        return keep_in_place(subnet_ids, in_use, self._private_ids, zone_of)

    def _discover(self):
        """The VPC's private subnets (one per AZ) and their route tables: two reads, the role's rule."""
        found = discover(self.reader.subnets_of_vpc(self.vpc_id), self.reader.route_tables_of_vpc(self.vpc_id))
        if not found["subnet_ids"]:
            raise ValueError("VPC %s has no private subnet (every subnet's route table routes to an internet "
                             "gateway, or the VPC has no subnet); set subnet_ids and route_table_ids to choose "
                             "them" % self.vpc_id)
        self._private_ids = set(found["private_subnet_ids"])
        self.discovered = dict((k, found[k]) for k in ("subnet_ids", "route_table_ids", "availability_zones"))
        self.discovered["skipped"] = {}
        return found

    @staticmethod
    def _check_creatable(actions):
        for action in actions:
            if action["action"] != "create":
                continue
            details = action["details"]
            if details["vpc_endpoint_type"] == INTERFACE and details.get("subnet_ids") is None:
                raise ValueError("subnet_ids is required to create the %s endpoint: list one private subnet per "
                                 "Availability Zone, or use the privatelink.ecr.vpc_endpoints role, which "
                                 "discovers them" % action["service"])
            if details["vpc_endpoint_type"] == GATEWAY and details.get("route_table_ids") is None:
                raise ValueError("route_table_ids is required to create the %s gateway endpoint: list the route "
                                 "tables of the private subnets, or use the privatelink.ecr.vpc_endpoints role, "
                                 "which discovers them" % action["service"])

    def _validate_against_aws(self, services, types, actions, vpc, params, current):
        """Checks that need AWS's answers; run only when something is about to change.

        Discovered subnets and route tables are checked too, from the listing already read. Every
        conflict EC2 would only report in the middle of the apply is found here, before it.
        """
        resolved = self._service_info(services)
        validate.check_types_offered(resolved, types)
        if params.get("subnet_ids"):
            # A subnet the user lists in a zone where a service is not offered is an error; the
            # discovered ones were already fitted to each service's zones.
            given = self.params.get("subnet_ids") is not None
            zones = {s: resolved[s]["zones"] for s in services if types[s] == INTERFACE} if given else {}
            validate.check_subnets(self.reader.subnets(params["subnet_ids"]), self.vpc_id, zones)
        if params.get("route_table_ids") and GATEWAY in types.values():
            validate.check_in_vpc(self.reader.route_tables(params["route_table_ids"]), "RouteTableId",
                                  self.vpc_id, "route_table_ids")
        if params.get("security_group_ids"):
            validate.check_in_vpc(self.reader.security_groups(params["security_group_ids"]), "GroupId",
                                  self.vpc_id, "security_group_ids")
        dns_changes = any(
            (a["action"] == "create" and a["details"].get("private_dns_enabled"))
            or (a["action"] in ("modify", "adopt") and a["details"].get("private_dns_enabled"))
            for a in actions)
        if dns_changes:
            support, hostnames = self.reader.dns_attributes(self.vpc_id)
            validate.check_private_dns(support, hostnames, self.vpc_id)
            self._check_zones_in_the_way(actions, resolved)
        # dualstack / ipv6 need IPv6 subnets: checked before any change (EC2 would refuse the create or
        # modify mid-run). ipv4 is left to AWS: only IPv6-only subnets lack IPv4, and reading the
        # subnets for every run would cost a request.
        placements = [p for p in validate.ip_address_type_placements(actions, current) if p[1] != "ipv4"]
        ids = sorted(set(i for _label, _type, subnet_ids in placements for i in subnet_ids))
        if ids:
            validate.check_ip_address_type(placements, dict((s["SubnetId"], s) for s in self.reader.subnets(ids)))
        validate.check_route_table_conflicts(actions, current)
        validate.check_private_dns_conflicts(actions, current)
        added = [a for a in actions if a["action"] in ("modify", "adopt") and a["details"].get("add_subnet_ids")]
        if added:
            by_id = dict((e["vpc_endpoint_id"], e) for e in current)
            ids = set()
            for action in added:
                ids.update(action["details"]["add_subnet_ids"])
                ids.update(by_id[action["details"]["vpc_endpoint_id"]]["subnet_ids"])
            zone_of = dict((s["SubnetId"], s["AvailabilityZone"]) for s in self.reader.subnets(sorted(ids)))
            validate.check_one_subnet_per_zone(actions, current, zone_of)

    def _check_zones_in_the_way(self, actions, resolved):
        """The VPC's private hosted zones (any owner) against the private DNS names about to be turned on.

        One ListHostedZonesByVPC, made only when a create or modify turns private DNS on.
        """
        turning_on = sorted(set(a["service"] for a in actions if a["action"] in ("create", "modify", "adopt")
                                and a["details"].get("private_dns_enabled")))
        if not turning_on:
            return
        # Imported here: only a run that turns private DNS on needs Route 53.
        from ansible_collections.privatelink.ecr.plugins.module_utils._route53_reader import Route53Reader
        from ansible_collections.privatelink.ecr.plugins.module_utils._zones_plan import dns_names_of

        by_name = dict((d["ServiceName"], d) for d in self._service_details or [])
        dns_names = dict((s, dns_names_of(by_name.get(resolved[s]["service_name"]) or {}))
                         for s in turning_on if s in resolved)
        if not any(dns_names.values()):
            return
        zones = Route53Reader(self.connection.client("route53")).zones_of_vpc(self.vpc_id, self.region)
        validate.check_zones_in_the_way(dns_names, zones, self.vpc_id)

    def _refuse_blocking_policies(self, actions, vpc):
        """A policy the run would apply that stops an image pull fails the run before any change
        (unless allow_blocking_policy); the audit's POLICY_BLOCKS_PULL uses the same evaluation."""
        if self.params.get("allow_blocking_policy"):
            return
        applied = [a for a in actions if isinstance(a["details"].get("policy"), dict)]
        if not applied:
            return
        org_id = self.params.get("perimeter_org_id") or self._organization_id(applied)
        for action in applied:
            service = action["service"]
            # registry_account_ids: a pull from each listed account (a central registry) must pass; omitted,
            # the VPC's own account.
            reasons = pull_blockers(service, action["details"]["policy"], self.region, vpc.get("owner_id"), org_id,
                                    self.vpc_id, action["details"].get("vpc_endpoint_id"),
                                    self.params.get("registry_account_ids"))
            if reasons:
                option = "s3_policy" if service == "s3" else "policy"
                raise ValueError("%s would block image pulls through the %s endpoint: %s; fix the policy, or set "
                                 "allow_blocking_policy: true to apply it anyway"
                                 % (option, service, "; ".join(r.rstrip(".") for r in reasons)))

    @translated("read the caller's account (sts:GetCallerIdentity)")
    def _caller_account_id(self):
        """The account the run acts as: known from an assumed role, else one GetCallerIdentity (asked only when
        the plan changes something, so a no-op run stays at its reads)."""
        if not self.connection.account_id:
            self.connection.account_id = self.connection.client("sts").get_caller_identity()["Account"]
        return self.connection.account_id

    def _organization_id(self, actions):
        """The VPC account's organization, read only when a policy to apply names one."""
        if not any("OrgID" in json.dumps(a["details"]["policy"]) or "OrgPaths" in json.dumps(a["details"]["policy"])
                   for a in actions):
            return None
        # Imported here: only a run applying an organization-conditioned policy needs the audit's reader.
        from ansible_collections.privatelink.ecr.plugins.module_utils._audit_reader import AuditReader

        return AuditReader(self.connection).organization_id()[0]

    def _run_absent(self, services, current, vpc):
        existing = set(e["service_name"] for e in current)
        names = set()
        for service in services:
            names.update(n for n in candidate_names(service, self.region) if n in existing)
        purge = self.params.get("purge_services")
        actions = plan_absent(names, current, self.region, purge)
        group = self.reader.group_by_name(self.vpc_id, self.params["security_group_name"]) \
            if not self.params.get("security_group_ids") else None
        managed_id = group["group_id"] if group and is_owned(group) else None
        adopted = [e for e in current if not is_owned(e) and (purge or e["service_name"] in names)]
        give_back, left = plan_give_back(adopted, managed_id, self.region)
        actions.extend(give_back)
        if managed_id:
            remaining = predict(current, actions, self.region)
            if not any(managed_id in e["security_group_ids"] for e in remaining):
                actions.append({"service": SECURITY_GROUP_SERVICE, "action": "delete",
                                "details": {"group_id": managed_id, "group_name": group["group_name"]}})
        return self._finish(execution_order(actions), current, [], group, vpc, left)

    # -- apply and report -----------------------------------------------------------------
    def _finish(self, actions, current, desired, group, vpc, left=None):
        before = self._view(current, desired, group)
        predicted = predict(current, actions, self.region)
        group_after = self._group_after(actions, group)
        if self.check_mode:
            after_endpoints = predicted
        else:
            after_endpoints = self._apply(actions, current) if actions else current
            group_after = self._group_after(actions, group, self._applied_group_id)
            if self._applied_group_id:
                actions = name_created_group(actions, self._applied_group_id)
            if self.params.get("wait") and desired:
                try:
                    after_endpoints = self._wait_until_available(after_endpoints, desired)
                except PrivatelinkError as exc:
                    # Every action was applied before this wait: a timeout still answers changed and changes
                    # (the connection documentation fragment's notes).
                    if actions:
                        exc.details.setdefault("changes", actions)
                    raise
            self._check_every_service_live(after_endpoints, desired, actions)
        after = self._view(after_endpoints, desired, group_after)
        return {
            "changed": bool(actions),
            "endpoints": after["endpoints"],
            "security_group_id": group_after["group_id"] if group_after else None,
            "changes": actions,
            "diff": diff_views(before, after),
            "discovered": self.discovered,
            "left": left or [],
            "warnings": self.warnings,
        }

    @staticmethod
    def _check_every_service_live(endpoints, desired, actions):
        """A run never reports success for an endpoint that does not exist."""
        kept = endpoints_by_service(endpoints, desired)
        missing = [d["service"] for d in desired if d["service"] not in kept]
        if missing:
            raise PrivatelinkError("After the changes AWS lists no live endpoint for %s; the run is not converged: "
                                   "run again, and if this persists look for a deleted endpoint in the VPC"
                                   % ", ".join(missing), changes=actions)

    def _wait_until_available(self, endpoints, desired):
        """Every wanted service's endpoint, touched or not, must be available before we report success."""
        kept = endpoints_by_service(endpoints, desired)
        pending = sorted(e["vpc_endpoint_id"] for e in kept.values() if e["state"] != "available")
        if not pending:
            return endpoints
        self._applier().wait_available(pending)
        return live(self.reader.endpoints([self.vpc_id]))

    def _applier(self):
        # Imported only when something is applied: Ansible ships module_utils in a zip, compiled again on
        # every run, and a no-op run never needs the apply code (about 20 ms of its CPU).
        from ansible_collections.privatelink.ecr.plugins.module_utils._apply import PlanApplier

        return PlanApplier(self.client, self.vpc_id, self.params.get("wait_timeout", 600))

    def _apply(self, actions, current):
        applier = self._applier()
        states = dict((e["vpc_endpoint_id"], e.get("state")) for e in current)
        types = dict((e["vpc_endpoint_id"], e.get("vpc_endpoint_type")) for e in current)
        try:
            applier.apply(actions, self._retired, states, wait=self.params.get("wait"), types=types)
            self._applied_group_id = applier.group_id
            after = live(self.reader.endpoints([self.vpc_id]))
            return self._recreate_vanished(applier, actions, after)
        except PrivatelinkError as exc:
            # What was applied before the failure is part of the answer (changed, changes).
            exc.details["changes"] = name_created_group(applier.applied, applier.group_id) \
                if applier.group_id else list(applier.applied)
            raise

    def _recreate_vanished(self, applier, actions, after):
        """Never trust a create's answer: an endpoint it named that does not exist is created again.

        EC2 answers a reused ClientToken with the original request's endpoint even after that one
        was deleted. Not listed and not found by id either means it is gone (listings and reads by
        id can lag a create for a moment, hence the second look before creating again).
        """
        listed = set(e["vpc_endpoint_id"] for e in after)
        missing = [a for a in actions if a["action"] == "create" and a["service"] != SECURITY_GROUP_SERVICE
                   and a["details"].get("vpc_endpoint_id") not in listed]
        if not missing:
            return after
        found = live(self.reader.endpoints_filtered([a["details"]["vpc_endpoint_id"] for a in missing]))
        found_ids = set(e["vpc_endpoint_id"] for e in found)
        gone = [a for a in missing if a["details"]["vpc_endpoint_id"] not in found_ids]
        for action in gone:
            stale_id = action["details"]["vpc_endpoint_id"]
            retired = self._retired.setdefault(action["service"], [])
            retired.append(stale_id)
            action["details"]["vpc_endpoint_id"] = applier.create_endpoint(action, retired)
        return live(self.reader.endpoints([self.vpc_id])) if gone else after + found

    def _group_after(self, actions, group, applied_id=None):
        """The managed group after ``actions``, in the shape of ``group_view`` (so diffs compare like with like)."""
        before = group_view(group)
        for action in actions:
            if action["service"] != SECURITY_GROUP_SERVICE:
                continue
            if action["action"] == "delete":
                return None
            details = action["details"]
            after = dict(before or {"description": details.get("description"), "vpc_id": self.vpc_id, "tags": {},
                                    "https_cidrs": []})
            after.update({
                "group_id": applied_id or details.get("group_id") or MANAGED_GROUP_PLACEHOLDER,
                "group_name": details["group_name"],
                "https_cidrs": sorted((set(after["https_cidrs"]) | set(details.get("add_cidrs", [])))
                                      - set(details.get("remove_cidrs", []))),
                "tags": dict(after["tags"], **details.get("tags", {})),
            })
            return after
        return before

    def _view(self, endpoints, desired, group):
        if desired:
            kept = endpoints_by_service(endpoints, desired)
        else:
            kept = dict((short_name(e["service_name"], self.region), e) for e in live(endpoints) if is_owned(e))
        return {
            "endpoints": dict((service, public_view(e)) for service, e in sorted(kept.items())),
            "security_group": group_view(group),
        }


def diff_views(before, after):
    """The module's ``diff``: ``before`` and ``after`` as ``_view`` gives them, except that the policy of an
    endpoint on both sides shows only the statements that change (``_policy.policy_diff``), not the whole
    document twice. Copies: the result's ``endpoints`` keep their full policies."""
    before_endpoints, after_endpoints = dict(before["endpoints"]), dict(after["endpoints"])
    for service in set(before_endpoints) & set(after_endpoints):
        old, new = policy_diff(before_endpoints[service].get("policy"), after_endpoints[service].get("policy"))
        before_endpoints[service] = dict(before_endpoints[service], policy=old)
        after_endpoints[service] = dict(after_endpoints[service], policy=new)
    return {"before": dict(before, endpoints=before_endpoints), "after": dict(after, endpoints=after_endpoints)}


def reconcile(connection, params, check_mode):
    """Run one reconcile; raises PrivatelinkError or ValueError with a message for the user."""
    return Reconciler(connection, params, check_mode).run()
