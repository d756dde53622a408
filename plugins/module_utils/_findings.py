# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The finding catalogue: every finding id of the posture audit, in one table (private).

Each entry: ``severity`` (fixed per id; the checks take it from here), ``title`` (what the id means),
``aws`` (the AWS page the verdict rests on) and, where the check's remediation is fixed text,
``remediation`` (a ``str.format`` template the check fills). The info module's RETURN docs and the
findings table of docs/docsite/rst/guide_posture.rst are tested against this table
(tests/unit/test_finding_catalogue.py). Adding a finding is one entry here plus one check function in
its family's module of the ``audit`` package, listed in ``audit.CHECKS``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The severities, most severe first, are defined by the report model: it stays Python standard library only
# because playbooks/files/render_posture.py runs it without Ansible.
# Re-exported: the catalogue's users read the severities here.
from ansible_collections.privatelink.ecr.plugins.module_utils.report.model import (  # noqa: F401 pylint: disable=unused-import
    RANK as SEVERITY_RANK,
    SEVERITIES,
)

DEPLOY = "run privatelink.ecr.deploy for this VPC"


def _entry(severity, title, aws, remediation=None):
    return {"severity": severity, "title": title, "aws": aws, "remediation": remediation}


CATALOGUE = {
    "ENDPOINT_MISSING": _entry(
        "high", "a wanted service has no endpoint in the VPC",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"),
    "ENDPOINT_NOT_AVAILABLE": _entry(
        "high", "an endpoint is not available",
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html"),
    "PRIVATE_DNS_DISABLED": _entry(
        "high", "an interface endpoint has private DNS off",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
        "{deploy}: it turns private DNS on for {endpoint_id} in place (the VPC needs enableDnsSupport and "
        "enableDnsHostnames)"),
    "VPC_DNS_DISABLED": _entry(
        "high", "enableDnsSupport or enableDnsHostnames is off",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html",
        "turn {attributes} on for the VPC (aws ec2 modify-vpc-attribute --vpc-id {vpc_id} --enable-dns-support / "
        "--enable-dns-hostnames, or in the tool that manages the VPC), then {deploy}"),
    "S3_ROUTE_MISSING": _entry(
        "high", "a workload subnet's route table lacks the S3 gateway endpoint",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"),
    "AZ_NOT_COVERED": _entry(
        "medium", "a workload subnet's Availability Zone has no interface-endpoint subnet",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html"),
    "SG_BLOCKS_HTTPS": _entry(
        "high", "a workload subnet is not admitted on TCP 443 by an interface endpoint's security groups",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html"),
    "SG_OPEN_TO_WORLD": _entry(
        "medium", "an endpoint security group admits 0.0.0.0/0 or ::/0",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
        "remove the 0.0.0.0/0 and ::/0 rules from {group_id} and admit the workload subnets' CIDRs only; {deploy} "
        "with allowed_cidrs unset gives the endpoints a managed group that admits the VPC's CIDRs"),
    "INTERNET_ROUTE": _entry(
        "info", "a workload subnet routes 0.0.0.0/0 to an internet or NAT gateway",
        "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html",
        "nothing is required; to keep registry traffic private, remove the default route once the "
        "endpoints serve every service the workloads use"),
    "POLICY_UNRESTRICTED": _entry(
        "low", "an endpoint has the default full-access policy",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
        "{advice}, then {deploy}: it updates the policy in place"),
    "NACL_BLOCKS_HTTPS": _entry(
        "high", "a network ACL denies TCP 443 between workload and endpoint subnets, or the return traffic",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html"),
    "POLICY_BLOCKS_PULL": _entry(
        "high", "an endpoint policy does not allow what an image pull needs",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
        "let the endpoint policy allow {needs}: set {option} (or perimeter_org_id, which generates a data-perimeter "
        "policy that keeps pulls working), then {deploy}"),
    "HUB_ZONE_BROKEN": _entry(
        "high", "the hub's private hosted zone of a service is not associated with the VPC, or does not point at "
        "an available hub endpoint",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html"),
    "HUB_UNREACHABLE": _entry(
        "high", "a workload subnet's route table has no route to the hub's endpoint subnets",
        "https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/"
        "centralized-access-to-vpc-private-endpoints.html",
        "add a route to {cidrs} in {table_id} through the transit gateway the hub VPC is attached to or an active "
        "peering connection with {hub_vpc_id} (privatelink.ecr does not build that network)"),
    "EGRESS_BLOCKS_PULL": _entry(
        "high", "a workload security group's egress does not allow TCP 443 to the endpoints or to S3",
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"),
    "IMAGE_NEEDS_INTERNET": _entry(
        "high", "a workload's image comes from a registry outside ECR and the VPC has no default route",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html"),
    "IMAGE_OTHER_REGION": _entry(
        "high", "a workload's image comes from ECR in another region and the VPC has no default route",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html"),
    "CACHE_RULE_BROKEN": _entry(
        "high", "a pull-through cache rule an image uses names a credential secret that does not exist",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-creating-secret.html"),
    "CACHE_NOT_SEEDED": _entry(
        "medium", "an image's pull-through cache repository does not exist yet, in a VPC with no default route",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working-pulling.html"),
}

# Ids of the catalogue that no check emits yet (their checks are still to come). The catalogue test fails when
# a check emits one of them: the check that starts to takes its id out of here, so FINDING_SEVERITIES of
# the audit package and the docs follow.
PLANNED = frozenset()


def severity(finding_id):
    return CATALOGUE[finding_id]["severity"]


def fill_remediation(finding_id, **values):
    """The catalogue's remediation of ``finding_id``, filled with ``values`` (``deploy`` by default)."""
    values.setdefault("deploy", DEPLOY)
    return CATALOGUE[finding_id]["remediation"].format(**values)


def finding(finding_id, resource, message, remediation=None, **values):
    """One finding; ``remediation`` given, else the catalogue's template filled with ``values``."""
    return {
        "id": finding_id,
        "severity": severity(finding_id),
        "resource": resource,
        "message": message,
        "remediation": remediation if remediation is not None else fill_remediation(finding_id, **values),
    }
