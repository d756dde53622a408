# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which AWS services a container workload needs, and how their names are spelled (private)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_ECR = ["ecr.api", "ecr.dkr", "s3"]
_FARGATE = _ECR + ["logs"]

WORKLOAD_SERVICES = {
    "ecr": _ECR,
    "fargate": _FARGATE,
    "ecs": _FARGATE + ["ecs", "ecs-agent", "ecs-telemetry"],
    "eks": _ECR + ["ec2", "sts", "logs", "eks", "eks-auth", "elasticloadbalancing", "autoscaling"],
}
WORKLOADS = sorted(WORKLOAD_SERVICES)

# Prefixes AWS uses for its own endpoint services; China regions use "cn.com.amazonaws." for some.
AWS_SERVICE_PREFIXES = ("com.amazonaws.", "cn.com.amazonaws.")

_SHORT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$")
# A region name of any partition (botocore's regionRegex values: eu-west-1, us-gov-west-1, us-isob-east-1,
# eusc-de-east-1, ...): the first label may be longer than two letters.
_FULL_NAME = re.compile(r"^(cn\.)?com\.amazonaws\.([a-z]{2,}(-[a-z]+)+-\d+)\.([a-z0-9][a-z0-9.-]*)$")
# Other endpoint services (PrivateLink partners, own services) are named like this.
_CUSTOM_NAME = re.compile(r"^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-f]+$")


def short_name(service_name, region):
    """The short name of a full service name (``com.amazonaws.eu-west-1.ecr.api`` -> ``ecr.api``)."""
    match = _FULL_NAME.fullmatch(service_name)
    if match and match.group(2) == region:
        return match.group(4)
    return service_name


def default_full_name(short, region):
    return "com.amazonaws.%s.%s" % (region, short)


def wanted_services(workload, services, extra_services, region):
    """Return the ordered, de-duplicated short names the caller wants, or raise ValueError.

    ``services`` replaces the workload's set; ``extra_services`` adds to it. A full name
    for this region is reduced to its short name so that the two spellings are one service.
    """
    if services is not None and len(services) == 0:
        raise ValueError("services is an empty list; omit it to use the workload's set, or name at least one service")
    base = list(services) if services is not None else list(WORKLOAD_SERVICES[workload])
    result = []
    for name in base + list(extra_services or []):
        if not isinstance(name, str) or not name.strip():
            raise ValueError("services/extra_services contain an empty or non-string entry: %r" % (name,))
        name = name.strip()
        if _FULL_NAME.fullmatch(name):
            match = _FULL_NAME.fullmatch(name)
            if match.group(2) != region:
                raise ValueError("service %s belongs to region %s, but the module runs in %s"
                                 % (name, match.group(2), region))
            name = match.group(4)
        elif not (_SHORT_NAME.fullmatch(name) or _CUSTOM_NAME.fullmatch(name)):
            raise ValueError("service %r is not a service name: use a short name such as 'ecr.api' "
                             "or a full name such as 'com.amazonaws.%s.ecr.api'" % (name, region))
        if len(name) > 255:
            raise ValueError("service name %r is longer than 255 characters" % name[:40])
        if name not in result:
            result.append(name)
    return result


def candidate_names(short, region):
    """Full names under which AWS may offer a short name in this region."""
    if _CUSTOM_NAME.fullmatch(short):
        return [short]
    return [prefix + region + "." + short for prefix in AWS_SERVICE_PREFIXES]


def match_existing_name(short, region, existing_names):
    """The full name of an existing endpoint's service that is this short name, if any."""
    for name in candidate_names(short, region):
        if name in existing_names:
            return name
    return None


def resolve_from_details(shorts, region, details):
    """Map short names to offered services using DescribeVpcEndpointServices details.

    Returns ``(resolved, missing)`` where resolved maps short name to
    ``{"service_name", "types", "zones"}`` and missing lists short names not offered.
    """
    offered = {}
    for detail in details:
        entry = offered.setdefault(detail["ServiceName"], {"types": set(), "zones": set()})
        entry["types"].update(t["ServiceType"] for t in detail.get("ServiceType", []))
        entry["zones"].update(detail.get("AvailabilityZones", []))
    resolved, missing = {}, []
    for short in shorts:
        for name in candidate_names(short, region):
            if name in offered:
                resolved[short] = {"service_name": name, "types": offered[name]["types"],
                                   "zones": offered[name]["zones"]}
                break
        else:
            missing.append(short)
    return resolved, missing
