# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoint policies (private): POLICY_UNRESTRICTED (the default full-access policy) and POLICY_BLOCKS_PULL (a
pull from each registry account evaluated against the policies it goes through, ``_policy_eval``). Pure
functions of one VPC's state (``_state`` documents its shape)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils._findings import finding
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import is_full_access
from ansible_collections.privatelink.ecr.plugins.module_utils._policy_eval import (
    depends_on_unevaluated,
    layer_bucket,
    partition_of,
    pull_blockers,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import existing, policy_endpoints


def check_policy_unrestricted(state):
    findings = []
    for service in state["wanted"]:
        for endpoint in existing(state, service):
            if not is_full_access(endpoint.get("policy")):
                continue
            findings.append(finding(
                "POLICY_UNRESTRICTED", endpoint["vpc_endpoint_id"],
                "the %s endpoint %s has the default full-access policy: any principal may reach any %s resource "
                "through it" % (service, endpoint["vpc_endpoint_id"], service),
                advice=_policy_advice(service, state["region"])))
    return findings


def _policy_advice(service, region):
    if service == "s3":
        return ("set s3_policy to allow s3:GetObject on arn:%s:s3:::%s/* (where ECR keeps image layers) and on the "
                "buckets your workloads use" % (partition_of(region), layer_bucket(region)))
    return ("set policy (role variable vpc_endpoints_policy; one policy serves every interface endpoint) to allow "
            "only what your workloads call, such as image pulls from your accounts' ECR repositories and "
            "logs:CreateLogStream/PutLogEvents on their log groups")


_PULL_NEEDS = {
    "ecr.api": "ecr:GetAuthorizationToken on *, and ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the "
               "registry accounts' repositories (%(repos)s), for the account's principals",
    "ecr.dkr": "ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on the registry accounts' repositories "
               "(%(repos)s), for the account's principals",
    "logs": "logs:CreateLogStream and logs:PutLogEvents on the account's log groups "
            "(arn:%(p)s:logs:%(r)s:%(a)s:log-group:*), for the account's principals",
    "s3": "s3:GetObject on arn:%(p)s:s3:::%(b)s/* for every principal, with no aws:PrincipalAccount or "
          "aws:PrincipalOrgID condition (the layer URLs are presigned by ECR)",
}


def check_policy_blocks_pull(state):
    """A pull from each registry account (``state["registry_account_ids"]``, else the VPC's own) must pass."""
    account_id = state.get("account_id") or state["vpc"].get("owner_id")
    if not account_id:
        return []
    region, org_id, vpc_id = state["region"], state.get("org_id"), state["vpc"]["vpc_id"]
    registries = state.get("registry_account_ids") or None
    repos = ", ".join("arn:%s:ecr:%s:%s:repository/*" % (partition_of(region), region, registry)
                      for registry in (registries or [account_id]))
    findings = []
    for service in state["wanted"]:
        if service not in _PULL_NEEDS:
            continue
        for endpoint in policy_endpoints(state, service):
            reasons = pull_blockers(service, endpoint.get("policy"), region, account_id, org_id, vpc_id,
                                    endpoint["vpc_endpoint_id"], registries)
            if not reasons:
                continue
            notes = []
            if depends_on_unevaluated(reasons):
                notes.append("statements with condition keys the audit does not evaluate were taken as not "
                             "matching; check them by hand")
            if org_id is None:
                notes.append("the account's organization was %s, so aws:PrincipalOrgID and aws:ResourceOrgID are "
                             "absent from the evaluated requests" % (
                                 "not readable (organizations:DescribeOrganization was denied)"
                                 if state.get("org_note") == "denied" else "none"))
            needs = _PULL_NEEDS[service] % {"p": partition_of(region), "r": region, "a": account_id,
                                            "b": layer_bucket(region), "repos": repos}
            findings.append(finding(
                "POLICY_BLOCKS_PULL", endpoint["vpc_endpoint_id"],
                "the policy of the %s endpoint %s blocks image pulls: %s%s"
                % (service, endpoint["vpc_endpoint_id"], "; ".join(reasons),
                   "".join(" (%s)" % n for n in notes)),
                needs=needs, option="s3_policy" if service == "s3" else "policy"))
    return findings
