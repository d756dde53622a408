"""Plain-dict endpoints and desired specs for plan tests (no AWS)."""

import copy

REGION = "eu-west-1"
OWNED = {"ManagedBy": "privatelink.ecr"}


def endpoint(vid, service, etype="Interface", owned=True, **overrides):
    base = {
        "vpc_endpoint_id": vid,
        "service_name": "com.amazonaws.%s.%s" % (REGION, service),
        "vpc_endpoint_type": etype,
        "state": "available",
        "subnet_ids": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"] if etype == "Interface" else [],
        "route_table_ids": [] if etype == "Interface" else ["rtb-aaaaaaaa"],
        "security_group_ids": ["sg-11111111"] if etype == "Interface" else [],
        "private_dns_enabled": etype == "Interface",
        "ip_address_type": "ipv4" if etype == "Interface" else None,
        "dns_entries": [],
        "policy": None,
        "tags": dict(OWNED) if owned else {},
        "creation_timestamp": "2026-01-01T00:00:00",
    }
    base.update(overrides)
    return base


def desired(service, etype="Interface", **overrides):
    base = {
        "service": service,
        "service_name": "com.amazonaws.%s.%s" % (REGION, service),
        "vpc_endpoint_type": etype,
        "policy": None,
        "tags": {},
        "subnet_ids": ["subnet-aaaaaaaa", "subnet-bbbbbbbb"] if etype == "Interface" else None,
        "route_table_ids": None if etype == "Interface" else ["rtb-aaaaaaaa"],
        "security_group_ids": ["sg-11111111"] if etype == "Interface" else None,
        "private_dns_enabled": True if etype == "Interface" else None,
        "ip_address_type": "ipv4" if etype == "Interface" else None,
    }
    base.update(overrides)
    return base


def fargate_desired(**overrides):
    specs = [desired("ecr.api"), desired("ecr.dkr"), desired("s3", "Gateway"), desired("logs")]
    for spec in specs:
        spec.update({k: copy.deepcopy(v) for k, v in overrides.items() if spec.get(k) is not None or k == "tags"})
    return specs


def fargate_current(owned=True):
    return [endpoint("vpce-1", "ecr.api", owned=owned), endpoint("vpce-2", "ecr.dkr", owned=owned),
            endpoint("vpce-3", "s3", "Gateway", owned=owned), endpoint("vpce-4", "logs", owned=owned)]
