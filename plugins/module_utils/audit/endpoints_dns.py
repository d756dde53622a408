# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoints and DNS (private): ENDPOINT_MISSING, ENDPOINT_NOT_AVAILABLE, PRIVATE_DNS_DISABLED,
VPC_DNS_DISABLED, AZ_NOT_COVERED. Pure functions of one VPC's state (``_state`` documents its shape)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._findings import DEPLOY, finding
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import (
    deploy_for,
    existing,
    hub_services,
    interface_services,
    interfaces,
    join,
    serving_interfaces,
    workload_subnets,
    zone_of,
)


def check_endpoint_missing(state):
    findings = []
    vpc_id = state["vpc"]["vpc_id"]
    served = hub_services(state)
    for service in state["wanted"]:
        if existing(state, service) or service in served:
            continue  # a service the hub serves is judged through its zone (HUB_ZONE_BROKEN)
        info = state["services"].get(service) or {}
        if info.get("offered") is False:
            message = ("VPC %s has no endpoint for %s, and AWS does not offer that service as a VPC "
                       "endpoint in %s" % (vpc_id, service, state["region"]))
            remediation = ("check the service name; if the workload needs %s, it cannot reach it privately "
                           "in this region" % service)
        else:
            kind = "Gateway endpoint on the private route tables" if service == "s3" else \
                "Interface endpoint with private DNS in one private subnet per Availability Zone"
            message = "VPC %s has no endpoint for %s (%s)" % (
                vpc_id, service, info.get("service_name") or "com.amazonaws.%s.%s" % (state["region"], service))
            remediation = "%s: it creates the %s %s" % (DEPLOY, service, kind)
        findings.append(finding("ENDPOINT_MISSING", vpc_id, message, remediation))
    return findings


_NOT_AVAILABLE_FIX = {
    "pendingacceptance": "the endpoint service's owner must accept the connection request (for an AWS "
                         "service this should not happen: delete the endpoint and %s)" % DEPLOY,
    "pending": "wait a few minutes; if it stays pending, delete it and %s" % DEPLOY,
    "failed": "delete the endpoint, then %s: it creates a new one" % DEPLOY,
    "rejected": "the service owner rejected the connection; delete the endpoint, then %s" % DEPLOY,
    "expired": "the connection request expired; delete the endpoint, then %s" % DEPLOY,
}


def check_endpoint_not_available(state):
    findings = []
    for service in state["wanted"]:
        for endpoint in existing(state, service):
            current = endpoint.get("state") or "unknown"
            if current.lower() == "available":
                continue
            findings.append(finding(
                "ENDPOINT_NOT_AVAILABLE", endpoint["vpc_endpoint_id"],
                "the %s endpoint %s is in state %s, not available: traffic to %s does not flow through it"
                % (service, endpoint["vpc_endpoint_id"], current, service),
                _NOT_AVAILABLE_FIX.get(current.lower(), "delete the endpoint, then %s" % DEPLOY)))
    return findings


def check_private_dns_disabled(state):
    findings = []
    served = hub_services(state)
    for service in interface_services(state):
        if service in served:
            continue  # a hub's endpoints leave the name to its zones: private DNS off by design
        endpoints = interfaces(state, service)
        if any(e.get("private_dns_enabled") for e in endpoints):
            continue
        for endpoint in endpoints:
            findings.append(finding(
                "PRIVATE_DNS_DISABLED", endpoint["vpc_endpoint_id"],
                "the %s interface endpoint %s has private DNS off: workloads resolve %s's public name and "
                "try to leave the VPC" % (service, endpoint["vpc_endpoint_id"], service),
                endpoint_id=endpoint["vpc_endpoint_id"]))
    return findings


def check_vpc_dns_disabled(state):
    vpc = state["vpc"]
    off = [name for name, key in (("enableDnsSupport", "enable_dns_support"),
                                  ("enableDnsHostnames", "enable_dns_hostnames"))
           if vpc.get(key) is False]
    if not off:
        return []
    return [finding(
        "VPC_DNS_DISABLED", vpc["vpc_id"],
        "VPC %s has %s off: private DNS names of interface endpoints do not resolve" % (vpc["vpc_id"], join(off)),
        attributes=" and ".join(off), vpc_id=vpc["vpc_id"])]


def check_az_not_covered(state):
    findings = []
    workload_zones = {}
    for subnet in workload_subnets(state):
        workload_zones.setdefault(subnet.get("availability_zone"), []).append(subnet["subnet_id"])
    for service in interface_services(state):
        offered = set((state["services"].get(service) or {}).get("zones") or [])
        for endpoint in serving_interfaces(state, service):
            covered = set(zone_of(state, s) for s in endpoint.get("subnet_ids") or [])
            gaps = sorted(z for z in workload_zones if z not in covered)
            if not gaps:
                continue
            fixable = [z for z in gaps if not offered or z in offered]
            unoffered = [z for z in gaps if z not in fixable]
            parts = []
            if fixable:
                parts.append("%s: it adds one private subnet of %s to %s in place"
                             % (deploy_for(state, endpoint), join(fixable), endpoint["vpc_endpoint_id"]))
            if unoffered:
                parts.append("AWS does not offer %s in %s; run these workloads in a covered zone"
                             % (service, join(unoffered)))
            findings.append(finding(
                "AZ_NOT_COVERED", endpoint["vpc_endpoint_id"],
                "the %s endpoint %s has no subnet in %s, where workload subnet(s) %s run: their traffic "
                "crosses zones and fails when the endpoint's zones are down"
                % (service, endpoint["vpc_endpoint_id"], join(gaps),
                   join(s for z in gaps for s in sorted(workload_zones[z]))),
                "; ".join(parts)))
    return findings
