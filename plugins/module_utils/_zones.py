# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runner behind ecr_endpoint_zones: read -> plan -> validate -> apply (private).

Two connections: the VPC's (the module's own options) and the zone owner's (the hub account's:
``zone_owner``, else the same). A hub run creates and converges the zones in the hub's account; a
spoke run associates the spoke VPC with the hub's zones, across accounts through
CreateVPCAssociationAuthorization (zone owner) -> AssociateVPCWithHostedZone (VPC owner) ->
DeleteVPCAssociationAuthorization (zone owner), as Route 53's guide prescribes
(https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html).
The Route 53 reads live in ``_route53_reader``, the pure plan in ``_zones_plan``, the changes in
``_zones_apply``; the EC2 reads are ``_ec2_reader``'s, as for endpoints.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import PrivatelinkError
from ansible_collections.privatelink.ecr.plugins.module_utils._ec2_reader import Ec2Reader
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    BROKEN_STATES,
    GONE_STATES,
    INTERFACE,
    serving_order,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._route53_reader import Route53Reader, service_dns
from ansible_collections.privatelink.ecr.plugins.module_utils._zones_apply import (
    ZonesApplier,
    is_own_reference,
    with_concurrent_retry,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._services import (
    candidate_names,
    wanted_services,
)
from ansible_collections.privatelink.ecr.plugins.module_utils import _zones_plan as zplan


def centralized_services(params):
    """The services a hub centralizes from the module's options (S3 never: each spoke keeps its gateway)."""
    services = wanted_services(params["workload"], params.get("services"), params.get("extra_services"),
                               params["region"])
    return [s for s in services if s not in zplan.NOT_CENTRALIZED]


class ZonesRunner:
    def __init__(self, connection, owner_connection, params, check_mode):
        self.params = params
        self.check_mode = check_mode
        self.region = params["region"]
        self.connection = connection
        self.owner_connection = owner_connection or connection
        self.ec2 = Ec2Reader(connection.client("ec2"))
        self.owner_ec2 = self.ec2 if owner_connection is None else Ec2Reader(self.owner_connection.client("ec2"))
        self.warnings = []
        self.vpc_cidrs = []

    def _vpc(self, reader, vpc_id, vpc_name, what):
        try:
            return reader.vpc(vpc_id) if vpc_id else reader.vpc_by_name(vpc_name)
        except PrivatelinkError as exc:
            raise PrivatelinkError("%s: %s" % (what, exc), **exc.details)

    def run(self):
        params = self.params
        services = centralized_services(params)
        if not services:
            raise ValueError("no service to centralize: the set holds only s3, whose gateway endpoint each spoke keeps")
        vpc = self._vpc(self.ec2, params.get("vpc_id"), params.get("vpc_name"), "vpc")
        self.vpc_cidrs = list(vpc.get("cidrs") or []) + list(vpc.get("ipv6_cidrs") or [])
        if params["state"] == "query":
            # Read only the VPC: deploy learns a spoke's CIDR blocks with the spoke's own connection.
            return {"changed": False, "mode": "query", "vpc_id": vpc["vpc_id"], "hub_vpc_id": None,
                    "vpc_cidrs": self.vpc_cidrs, "zones": {}, "changes": [], "left": [],
                    "diff": {"before": {"zones": {}}, "after": {"zones": {}}}, "warnings": self.warnings}
        hub_given = params.get("hub_vpc_id") or params.get("hub_vpc_name")
        if hub_given:
            hub = self._vpc(self.owner_ec2, params.get("hub_vpc_id"), params.get("hub_vpc_name"),
                            "hub_vpc (read with the zone_owner connection)")
        else:
            hub = vpc
        is_hub = hub["vpc_id"] == vpc["vpc_id"]
        dns = self._service_dns(services)
        zones, missing = zplan.wanted_zones(services, dns)
        if missing:
            raise ValueError("%s: AWS reports no private DNS name for %s in %s, so no hosted zone can stand in for "
                             "it; remove it from services or keep it in each VPC"
                             % (", ".join(missing), "this service" if len(missing) == 1 else "these services",
                                self.region))
        owner_r53 = Route53Reader(self.owner_connection.client("route53"))
        if is_hub:
            return self._run_hub(vpc, zones, dns, owner_r53)
        return self._run_spoke(vpc, hub, zones, owner_r53)

    def _service_dns(self, services):
        details = self.owner_ec2.endpoint_services([candidate_names(s, self.region)[0] for s in services])
        dns, missing = service_dns(details, services, self.region)
        if missing:
            raise ValueError("%s: not offered as a VPC endpoint service in %s" % (", ".join(missing), self.region))
        return dns

    def _hub_zones(self, owner_r53, hub_id, names, records=False, associations=False):
        listed = [z for z in owner_r53.zones_of_vpc(hub_id, self.region) if z["name"] in names]
        tags = owner_r53.tags([z["zone_id"] for z in listed]) if listed else {}
        for zone in listed:
            zone["tags"] = tags.get(zone["zone_id"], {})
            zone["owned"] = zplan.is_owned_zone(zone["tags"])
            zone["vpcs"] = [[hub_id, self.region]]
            if records and not zone["owned"]:
                # A zone this collection created whose ownership tag never came (a run interrupted between
                # CreateHostedZone and ChangeTagsForResource) is recognised by its CallerReference.
                read = owner_r53.zone(zone["zone_id"])
                if is_own_reference(read["caller_reference"], hub_id, zone["name"]):
                    zone["owned"] = True
                    if associations:
                        zone["vpcs"] = read["vpcs"]
            elif associations and zone["owned"]:
                zone["vpcs"] = owner_r53.zone(zone["zone_id"])["vpcs"]
            zone["records"] = owner_r53.alias_records(zone["zone_id"]) if records and zone["owned"] else {}
            zone["authorizations"] = []
        return listed

    # -- hub ----------------------------------------------------------------------------------
    def _run_hub(self, vpc, zones, dns, owner_r53):
        params = self.params
        hub_id = vpc["vpc_id"]
        absent = params["state"] == "absent"
        current = self._hub_zones(owner_r53, hub_id, set(z["name"] for z in zones), records=True,
                                  associations=absent)
        if absent:
            self._check_hub_users(vpc, current, zones)
            actions = zplan.plan_hub_absent(zones, current, hub_id)
            for action in actions:
                zone = zplan.zone_by_name(current, action["details"]["name"], hub_id)
                action["details"]["raw_records"] = [r["raw"] for r in (zone.get("records") or {}).values()]
            return self._finish(actions, current, zones, hub_id, vpc, vpc, [])
        targets = self._targets(hub_id, zones, dns)
        actions, left = zplan.plan_hub(zones, current, targets, hub_id, self.region, params.get("tags"))
        return self._finish(actions, current, zones, hub_id, vpc, vpc, left)

    def _check_hub_users(self, hub, current, zones):
        """Destroying a hub never cuts DNS for a VPC outside the run: before any change, the VPCs associated
        with its owned zones other than the hub and the spokes leaving in this run (leaving_vpc_ids) fail the
        run, unless force_destroy."""
        leaving = set(self.params.get("leaving_vpc_ids") or [])
        accounts = self.params.get("vpc_accounts") or {}
        names = set(z["name"] for z in zones)
        users = {}
        for zone in current:
            if not zone.get("owned") or zone["name"] not in names:
                continue
            for vpc_id, region in zone.get("vpcs") or []:
                if vpc_id != hub["vpc_id"] and vpc_id not in leaving:
                    users.setdefault((vpc_id, region or self.region), []).append(zone["zone_id"])
        if not users:
            return
        described = ", ".join("%s (%s, account %s)" % (vpc_id, region, accounts.get(vpc_id) or "unknown")
                              for (vpc_id, region) in sorted(users))
        if self.params.get("force_destroy"):
            self.warnings.append("force_destroy: the hub's zones are deleted although %s still use%s them: "
                                 "they lose the names of the hub's services"
                                 % (described, "s" if len(users) == 1 else ""))
            return
        raise ValueError("hub VPC %s: its hosted zones are associated with %s, which %s not a spoke destroyed in this "
                         "run; deleting them would cut those VPCs' DNS for the hub's services. The hub's zones and "
                         "endpoints are left as they are: destroy those spokes in the same run (or take them off "
                         "first), or set ecr_hub_force_destroy: true (force_destroy) to remove them anyway"
                         % (hub["vpc_id"], described, "is" if len(users) == 1 else "are"))

    def _targets(self, hub_id, zones, dns):
        endpoints = self.owner_ec2.endpoints([hub_id])
        targets = {}
        for service in sorted(set(z["service"] for z in zones)):
            mine = sorted((e for e in endpoints if e["service_name"] == dns[service]["service_name"]
                           and e["vpc_endpoint_type"] == INTERFACE
                           and (e.get("state") or "").lower() not in GONE_STATES | BROKEN_STATES),
                          key=serving_order)
            if not mine:
                if self.check_mode:
                    self.warnings.append("hub VPC %s has no %s interface endpoint yet: the zone is planned to point "
                                         "at the endpoint the run creates" % (hub_id, service))
                    targets[service] = None
                    continue
                raise ValueError("hub VPC %s has no %s interface endpoint for the zone to point at: converge the "
                                 "hub's endpoints first (privatelink.ecr.ecr_private_endpoints with "
                                 "private_dns_enabled: false, as the vpc_endpoints role's hub mode does)"
                                 % (hub_id, service))
            endpoint = mine[0]
            if endpoint.get("private_dns_enabled"):
                message = ("the hub's %s endpoint %s has private DNS on: AWS then holds the name in the hub VPC, "
                           "and a hosted zone of the same name cannot be associated with it; turn private DNS off "
                           "on the hub's endpoints (private_dns_enabled: false, as the role's hub mode does)"
                           % (service, endpoint["vpc_endpoint_id"]))
                if not self.check_mode:
                    raise ValueError(message)
                self.warnings.append(message)
            targets[service] = zplan.target_of(endpoint)
            if targets[service] is None:
                raise PrivatelinkError("the hub's %s endpoint %s has no DNS entry to point a record at"
                                       % (service, endpoint["vpc_endpoint_id"]))
        return targets

    # -- spoke --------------------------------------------------------------------------------
    def _run_spoke(self, vpc, hub, zones, owner_r53):
        params = self.params
        present = params["state"] == "present"
        names = set(z["name"] for z in zones)
        hub_zones = self._hub_zones(owner_r53, hub["vpc_id"], names)
        for zone in hub_zones:
            zone["account_id"] = zone.get("account_id") or hub.get("owner_id")
        # The spoke's view: which zones (of any account) its VPC is associated with.
        vpc_r53 = Route53Reader(self.connection.client("route53"))
        spoke_zones = [z for z in vpc_r53.zones_of_vpc(vpc["vpc_id"], self.region) if z["name"] in names]
        associated = set(z["zone_id"] for z in spoke_zones)
        for zone in hub_zones:
            if zone["zone_id"] in associated:
                zone["vpcs"].append([vpc["vpc_id"], self.region])
            if zone["owned"] and zone.get("account_id") != vpc.get("owner_id"):
                zone["authorizations"] = owner_r53.authorizations(zone["zone_id"])
        actions, left, missing = zplan.plan_spoke(zones, hub_zones, vpc["vpc_id"], self.region, vpc.get("owner_id"),
                                                  present)
        if missing and present:
            message = ("hub VPC %s has no hosted zone %s: deploy the hub first (privatelink.ecr.deploy converges "
                       "hubs before spokes; with --limit, include the hub or converge it before)"
                       % (hub["vpc_id"], ", ".join(sorted(missing))))
            if not self.check_mode:
                raise ValueError(message)
            self.warnings.append(message)
        if any(a["action"] == "associate" for a in actions):
            self._check_spoke_conflicts(vpc, actions, spoke_zones)
        return self._finish(actions, hub_zones, zones, vpc["vpc_id"], vpc, hub, left)

    def _check_spoke_conflicts(self, vpc, actions, spoke_zones):
        """What Route 53 would refuse in the middle of the run, found before any change."""
        for action in actions:
            if action["action"] != "associate":
                continue
            name = action["details"]["name"]
            other = [z for z in spoke_zones if z["name"] == name and z["zone_id"] != action["details"]["zone_id"]]
            if other:
                raise ValueError("VPC %s is already associated with hosted zone %s (%s) named %s, and a VPC takes one "
                                 "private zone of a name (Route 53 ConflictingDomainExists): disassociate it, then "
                                 "run again" % (vpc["vpc_id"], other[0]["zone_id"], other[0].get("account_id")
                                                or other[0].get("service_owner"), name))
        services = set(a["service"] for a in actions if a["action"] == "associate")
        for endpoint in self.ec2.endpoints([vpc["vpc_id"]]):
            if (endpoint.get("state") or "").lower() in GONE_STATES or not endpoint.get("private_dns_enabled"):
                continue
            for service in services:
                if endpoint["service_name"] in candidate_names(service, self.region):
                    raise ValueError("VPC %s has its own %s endpoint %s with private DNS on, whose name the hub's zone "
                                     "would shadow (Route 53 refuses the association): delete it, or with the "
                                     "vpc_endpoints role in spoke mode set vpc_endpoints_purge_services: true"
                                     % (vpc["vpc_id"], service, endpoint["vpc_endpoint_id"]))

    # -- apply and report ---------------------------------------------------------------------
    def _finish(self, actions, current, zones, vpc_id, vpc, hub, left):
        before = zplan.view(current, zones, vpc_id)
        if not self.check_mode and actions:
            applier = ZonesApplier(with_concurrent_retry(self.owner_connection.client("route53")),
                                   with_concurrent_retry(self.connection.client("route53")),
                                   self.params.get("wait", True), self.params.get("wait_timeout", 600))
            try:
                applier.apply(actions)
            except PrivatelinkError as exc:
                exc.details["changes"] = _public(applier.applied)
                raise
        after = zplan.view(zplan.predict(current, actions), zones, vpc_id)
        return {
            "changed": bool(actions),
            "mode": "hub" if hub["vpc_id"] == vpc["vpc_id"] else "spoke",
            "vpc_id": vpc["vpc_id"],
            "hub_vpc_id": hub["vpc_id"],
            "vpc_cidrs": self.vpc_cidrs,
            "zones": after,
            "changes": _public(actions),
            "left": left,
            "diff": {"before": {"zones": before}, "after": {"zones": after}},
            "warnings": self.warnings,
        }


def _public(actions):
    return [{"service": a["service"], "action": a["action"],
             "details": dict((k, v) for k, v in a["details"].items() if k != "raw_records")} for a in actions]


def run_zones(connection, owner_connection, params, check_mode):
    """One run of ecr_endpoint_zones; raises PrivatelinkError or ValueError with a message for the user."""
    return ZonesRunner(connection, owner_connection, params, check_mode).run()
