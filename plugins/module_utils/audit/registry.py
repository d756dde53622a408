# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture audit's registry: every check, by family, over one VPC's state (private).

(The package's ``__init__.py`` stays empty, as ansible-test's empty-init sanity test requires of
module_utils packages on older ansible-core.)


Nothing in this package calls AWS: ``_audit_reader.vpc_state`` reads the state (``_state`` documents its
shape and holds the selections every family shares). Each finding id is decided by one check, in one
family module, listed in ``CHECKS`` below; severities and the fixed texts come from ``_findings.CATALOGUE``:

- ``endpoints_dns``: ENDPOINT_MISSING, ENDPOINT_NOT_AVAILABLE, PRIVATE_DNS_DISABLED, VPC_DNS_DISABLED,
  AZ_NOT_COVERED;
- ``security_groups``: SG_BLOCKS_HTTPS, SG_OPEN_TO_WORLD, EGRESS_BLOCKS_PULL;
- ``network_acls``: NACL_BLOCKS_HTTPS;
- ``policies``: POLICY_UNRESTRICTED, POLICY_BLOCKS_PULL;
- ``routes_hubs``: S3_ROUTE_MISSING, INTERNET_ROUTE, HUB_ZONE_BROKEN, HUB_UNREACHABLE;
- ``images_cache``: IMAGE_NEEDS_INTERNET, IMAGE_OTHER_REGION, CACHE_RULE_BROKEN, CACHE_NOT_SEEDED;
- ``cost``: the monthly cost of the interface endpoints (not a finding).

Adding a finding: one entry in ``_findings.CATALOGUE``, one ``check_<id in lower case>(state)`` in its
family, listed in ``CHECKS``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._findings import CATALOGUE, PLANNED, SEVERITY_RANK
# The cost and the hub's services are read by the info module with the findings: re-exported here.
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import hub_services  # noqa: F401 pylint: disable=unused-import
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.cost import (  # noqa: F401 pylint: disable=unused-import
    monthly_cost_usd,
    per_vpc_design_monthly_usd,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.endpoints_dns import (
    check_az_not_covered,
    check_endpoint_missing,
    check_endpoint_not_available,
    check_private_dns_disabled,
    check_vpc_dns_disabled,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.images_cache import (
    check_cache_not_seeded,
    check_cache_rule_broken,
    check_image_needs_internet,
    check_image_other_region,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.network_acls import check_nacl_blocks_https
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.policies import (
    check_policy_blocks_pull,
    check_policy_unrestricted,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.routes_hubs import (
    check_hub_unreachable,
    check_hub_zone_broken,
    check_internet_route,
    check_s3_route_missing,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.security_groups import (
    check_egress_blocks_pull,
    check_sg_blocks_https,
    check_sg_open_to_world,
)

# Every finding id the checks emit, with its severity: the catalogue less the ids no check emits yet.
FINDING_SEVERITIES = dict((i, e["severity"]) for i, e in CATALOGUE.items() if i not in PLANNED)

# The registry: every check, one per finding id.
CHECKS = (
    check_endpoint_missing,
    check_endpoint_not_available,
    check_private_dns_disabled,
    check_vpc_dns_disabled,
    check_s3_route_missing,
    check_az_not_covered,
    check_sg_blocks_https,
    check_sg_open_to_world,
    check_internet_route,
    check_policy_unrestricted,
    check_nacl_blocks_https,
    check_policy_blocks_pull,
    check_hub_zone_broken,
    check_hub_unreachable,
    check_image_needs_internet,
    check_image_other_region,
    check_cache_rule_broken,
    check_cache_not_seeded,
    check_egress_blocks_pull,
)


def sort_findings(findings):
    return sorted(findings, key=lambda f: (SEVERITY_RANK[f["severity"]], f["id"], f["resource"]))


def audit(state):
    """Every finding for one VPC, most severe first."""
    findings = []
    for check in CHECKS:
        findings.extend(check(state))
    return sort_findings(findings)


def is_compliant(findings):
    return not any(f["severity"] in ("high", "medium") for f in findings)
