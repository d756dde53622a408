# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monthly cost of a VPC's interface endpoints, and of the per-VPC design a hub replaces (private)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import INTERFACE
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import hub_services, state_of, workload_subnets

HOURS_PER_MONTH = 730
# Endpoints in these states are not billed (the info module's RETURN docs, vpcs[].monthly_cost_usd; the
# hourly charge: https://aws.amazon.com/privatelink/pricing/).
UNBILLED_STATES = frozenset(["deleted", "deleting", "failed", "rejected"])


def _billed_subnets(state, skip=()):
    """Endpoint subnets billed by the hour: every interface endpoint of the VPC (any service, owned or not,
    less the services in ``skip``) unless deleted, deleting, failed or rejected."""
    return sum(len(e.get("subnet_ids") or []) for e in state["endpoints"]
               if e.get("vpc_endpoint_type") == INTERFACE and state_of(e) not in UNBILLED_STATES
               and e.get("service") not in skip)


def monthly_cost_usd(state, endpoint_hour_usd=0.01):
    """Hourly charge of the VPC's interface endpoints for a month: subnets x 730 h x rate, in cents.

    Every interface endpoint of the VPC counts (any service, owned or not) unless deleted, deleting, failed
    or rejected; gateway endpoints are free and data processing is left out (AWS PrivateLink pricing).
    """
    return round(_billed_subnets(state) * HOURS_PER_MONTH * float(endpoint_hour_usd), 2)


def per_vpc_design_monthly_usd(state, endpoint_hour_usd=0.01):
    """What the VPC would pay with its own interface endpoints for what its hub serves.

    Its interface endpoints of services the hub does not serve, plus, for each service the hub serves,
    one endpoint subnet in each of the VPC's workload Availability Zones. Without a hub, ``monthly_cost_usd``.
    """
    served = set(hub_services(state))
    if not served:
        return monthly_cost_usd(state, endpoint_hour_usd)
    zones = set(s.get("availability_zone") for s in workload_subnets(state))
    return round((_billed_subnets(state, served) + len(served) * len(zones)) * HOURS_PER_MONTH
                 * float(endpoint_hour_usd), 2)
