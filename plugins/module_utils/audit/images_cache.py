# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image checks of the posture audit (private): IMAGE_NEEDS_INTERNET, IMAGE_OTHER_REGION, CACHE_RULE_BROKEN,
CACHE_NOT_SEEDED. Pure functions over one VPC's state (``_state`` documents its shape), with:

    "workloads": [{"kind", "name", "arn", "subnet_ids", "security_group_ids", "images"}],
    "workload_security_group_ids": [...],   # the workloads' groups and the user's
    "image_cache": None or {"account_id", "rules": {prefix: rule}, "secrets": {arn: exists},
                            "repositories": {name: exists}},   # _workloads_reader.read_cache

AWS pages these rules rest on:
- ECR and VPC endpoints, https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html: images
  of the Region's private registries are pulled through the ecr.api/ecr.dkr/S3 endpoints; the first pull
  through a pull-through cache rule needs a route to the internet (a NAT gateway), later pulls do not.
- Pull-through cache, https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html and
  pull-through-cache-working-pulling.html: the upstreams, which need a Secrets Manager secret, and the
  reference ``ACCOUNT.dkr.ecr.REGION.amazonaws.com/PREFIX/REPOSITORY:TAG``.
- Private image replication, https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html: the
  answer to an image held in another Region.
- A default route is any active 0.0.0.0/0 route of the subnet's route table (VPC user guide, route tables:
  https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html); what lies past it is not judged.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.module_utils import _image_refs as refs
from ansible_collections.privatelink.ecr.plugins.module_utils._findings import finding
from ansible_collections.privatelink.ecr.plugins.module_utils._image_refs import (
    PATH_CACHE,
    PATH_ENDPOINT,
    PATH_INTERNET,
    PATH_NONE,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._pull_through_cache import (
    NEEDS_SECRET,
    SECRET_NAME_PREFIX,
    image_prefix,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import join

DEFAULT_ROUTE = "0.0.0.0/0"


def through_cache(parsed, account_id, region, prefix):
    """The reference to pull ``parsed`` through the rule ``prefix`` of the registry ACCOUNT/REGION.

    ECR user guide, pull-through-cache-working-pulling.html: ``ACCOUNT.dkr.ecr.REGION.amazonaws.com/PREFIX/
    REPOSITORY:TAG``; Docker Hub's official images keep their ``library/`` component.
    """
    return "%s/%s%s" % (image_prefix(account_id, region, prefix), parsed["repository"], refs.suffix(parsed))


def needs_secret(upstream):
    return upstream in NEEDS_SECRET


def secret_advice(upstream):
    return ("a Secrets Manager secret named %s... in the same account and Region holding the upstream's "
            "credentials" % SECRET_NAME_PREFIX if needs_secret(upstream) else "no credential secret")


# ---------------------------------------------------------------- workload subnets and routes

def workload_subnet_choice(given, workloads, private):
    """The workload subnets in the contract's order: given; else the workloads' own (all of them, sorted), else
    the private subnets by the discovery rule (``private``)."""
    if given:
        return list(given)
    found = sorted(set(s for w in workloads for s in w.get("subnet_ids") or []))
    return found or list(private)


def workload_group_ids(workloads, given):
    return sorted(set(g for w in workloads for g in w.get("security_group_ids") or []) | set(given or []))


def has_default_route(state, subnet_id):
    """True when the subnet's route table has an active 0.0.0.0/0 route (any target)."""
    table = state["route_tables"].get(state["subnet_route_table"].get(subnet_id)) or {}
    return any(r.get("destination") == DEFAULT_ROUTE and (r.get("state") or "active") == "active"
               for r in table.get("routes") or [])


def _subnets_of(state, workload):
    mine = [s for s in workload.get("subnet_ids") or [] if s in state["subnets"]]
    return mine or [s for s in state["workload_subnet_ids"] if s in state["subnets"]]


# ---------------------------------------------------------------- judging each image

def _label(workload):
    return "%s %s" % (workload["kind"], workload["name"])


def judge_images(state):
    """One entry per distinct image reference of the VPC's workloads, in first-seen order::

        {reference, registry, repository, kind (ecr | ecr_other_region | external | invalid), path,
         workloads: [labels], closed: [subnets without a default route], rule: prefix or None,
         cached_repository_exists: bool or None, rule_secret_exists: bool or None, error}
    """
    entries = {}
    order = []
    cache = state.get("image_cache") or {}
    rules = cache.get("rules") or {}
    own = cache.get("account_id") or state.get("account_id")
    for workload in state.get("workloads") or []:
        subnets = _subnets_of(state, workload)
        closed = [s for s in subnets if not has_default_route(state, s)]
        for reference in workload.get("images") or []:
            entry = entries.get(reference)
            if entry is None:
                entry = _judge(reference, state["region"], own, rules, cache)
                entry.update(workloads=[], closed=[])
                entries[reference] = entry
                order.append(reference)
            if _label(workload) not in entry["workloads"]:
                entry["workloads"].append(_label(workload))
            entry["closed"] = sorted(set(entry["closed"]) | set(closed))
    result = []
    for reference in order:
        entry = entries[reference]
        entry["path"] = _path(entry)
        result.append(entry)
    return result


def _judge(reference, region, own, rules, cache):
    entry = {"reference": reference, "registry": None, "repository": None, "kind": "invalid", "rule": None,
             "cached_repository_exists": None, "rule_secret_exists": None, "error": None, "parsed": None}
    try:
        parsed = refs.parse(reference)
    except ValueError as exc:
        entry["error"] = str(exc)
        return entry
    entry.update(parsed=parsed, registry=parsed["registry"], repository=parsed["repository"],
                 kind=refs.classify(parsed, region))
    location = refs.ecr_location(parsed["registry"])
    if entry["kind"] == "ecr" and location[0] == own and rules:
        prefix = refs.cache_rule_for(parsed["repository"], rules)
        if prefix is not None:
            entry["rule"] = prefix
            arn = rules[prefix].get("credential_secret_arn")
            entry["rule_secret_exists"] = (cache.get("secrets") or {}).get(arn) if arn else None
            entry["cached_repository_exists"] = (cache.get("repositories") or {}).get(parsed["repository"])
    return entry


def _path(entry):
    if entry["kind"] == "ecr":
        if entry["rule"] is not None and entry["cached_repository_exists"] is False:
            return PATH_CACHE if not entry["closed"] else PATH_NONE
        return PATH_CACHE if entry["rule"] is not None else PATH_ENDPOINT
    if entry["kind"] in ("external", "ecr_other_region"):
        return PATH_INTERNET if not entry["closed"] else PATH_NONE
    return PATH_NONE


def _located(references):
    """``(parsed, (account, region) of its ECR registry or None)`` for each reference that parses; one that
    does not is skipped."""
    for reference in references:
        try:
            parsed = refs.parse(reference)
        except ValueError:
            continue
        yield parsed, refs.ecr_location(parsed["registry"])


def cache_needs(state_images_by_vpc, region, account_id):
    """What read_cache must read once the rules are known: ``needs(rules) -> (secret_arns, repositories)``."""
    def needs(rules):
        secrets, repositories = set(), set()
        for references in state_images_by_vpc:
            for parsed, location in _located(references):
                if not location or location != (account_id, region):
                    continue
                prefix = refs.cache_rule_for(parsed["repository"], rules)
                if prefix is None:
                    continue
                if rules[prefix].get("credential_secret_arn"):
                    secrets.add(rules[prefix]["credential_secret_arn"])
                repositories.add(parsed["repository"])
        return secrets, repositories
    return needs


def cache_worth_reading(references, region, account_id):
    """The registry's rules matter when an image is outside ECR (the remediation names a rule) or in the
    account's own registry of the Region (it may come through a rule)."""
    for _parsed, location in _located(references):
        if location is None or location == (account_id, region):
            return True
    return False


def image_registry_accounts(state):
    """The accounts of the Region's private ECR registries the VPC's images come from.

    They join the registry accounts whose pulls the endpoint policies must allow (POLICY_BLOCKS_PULL): the
    audit unions them with ``registry_account_ids`` (default the VPC's own account).
    """
    accounts = set()
    for workload in state.get("workloads") or []:
        for _parsed, location in _located(workload.get("images") or []):
            if location and location[1] == state["region"]:
                accounts.add(location[0])
    return sorted(accounts)


def with_image_registries(state):
    """Union the Region's ECR image accounts into ``state["registry_account_ids"]`` (the registry accounts whose
    pulls POLICY_BLOCKS_PULL evaluates; absent, the VPC's own account). Left as it is when they add nothing."""
    base = list(state.get("registry_account_ids") or [state.get("account_id") or state["vpc"].get("owner_id")])
    extra = [a for a in image_registry_accounts(state) if a not in base]
    if extra and all(base):
        state["registry_account_ids"] = sorted(set(base) | set(extra))
    return state


# ---------------------------------------------------------------- the checks

def _closed_text(entry):
    return "workload subnet(s) %s have no default route (0.0.0.0/0)" % join(entry["closed"])


def _existing_rule(rules, upstream, registry):
    for prefix in sorted(rules):
        rule = rules[prefix]
        if rule.get("upstream") != upstream:
            continue
        if upstream == "azure-container-registry" and rule.get("upstream_registry_url") != registry:
            continue
        return prefix
    return None


def _copy_advice(entry, account_id, region):
    target = "%s.dkr.ecr.%s.amazonaws.com/%s%s" % (account_id or "ACCOUNT", region,
                                                   entry["repository"], refs.suffix(entry["parsed"]))
    return ("copy the image into a private ECR repository of this account and Region from a host with internet "
            "access (for example: docker pull %s && docker tag %s %s && docker push %s) and use %s, or give the "
            "workload subnets a route out (a NAT gateway)" % (entry["reference"], entry["reference"], target,
                                                              target, target))


def _needs_internet_remediation(state, entry):
    account_id, region = state.get("account_id") or "ACCOUNT", state["region"]
    upstream = refs.upstream_of(entry["registry"])
    if upstream is None or region.startswith("cn-"):
        why = ("ECR pull-through cache does not support %s" % entry["registry"]) if upstream is None else \
            "ECR pull-through cache is not offered in the China Regions"
        return "%s: %s" % (why, _copy_advice(entry, account_id, region))
    name, prefix = upstream
    rules = (state.get("image_cache") or {}).get("rules") or {}
    existing = _existing_rule(rules, name, entry["registry"])
    if existing:
        return ("pull it through the registry's existing pull-through cache rule %s (upstream %s): use %s in the "
                "task definition or pod spec; the first pull through the rule needs internet egress (see "
                "CACHE_NOT_SEEDED)" % (existing, name,
                                       through_cache(entry["parsed"], account_id, region, existing)))
    return ("create an ECR pull-through cache rule with upstream %s, prefix %s and %s (privatelink.ecr."
            "ecr_pull_through_cache, host variable ecr_pull_through_cache_rules: {prefix: %s, upstream: %s%s}), "
            "then use %s in the task definition or pod spec; the first pull through the rule needs internet "
            "egress (see CACHE_NOT_SEEDED)" % (
                name, prefix, secret_advice(name), prefix, name,
                ", credential_secret: %s%s" % (SECRET_NAME_PREFIX, prefix) if needs_secret(name) else "",
                through_cache(entry["parsed"], account_id, region, prefix)))


def check_image_needs_internet(state):
    findings = []
    for entry in judge_images(state):
        if entry["kind"] != "external" or not entry["closed"]:
            continue
        findings.append(finding(
            "IMAGE_NEEDS_INTERNET", entry["reference"],
            "image %s (registry %s, repository %s) of %s comes from a registry outside ECR, and %s: pulls of "
            "it time out (CannotPullContainerError) since no VPC endpoint serves that registry"
            % (entry["reference"], entry["registry"], entry["repository"], join(entry["workloads"]),
               _closed_text(entry)),
            _needs_internet_remediation(state, entry)))
    return findings


def check_image_other_region(state):
    findings = []
    for entry in judge_images(state):
        if entry["kind"] != "ecr_other_region" or not entry["closed"]:
            continue
        account_id, other = refs.ecr_location(entry["registry"])
        findings.append(finding(
            "IMAGE_OTHER_REGION", entry["reference"],
            "image %s of %s is in the ECR registry of account %s in %s, not %s, and %s: the VPC's endpoints serve "
            "only %s's registries, so pulls of it time out" % (
                entry["reference"], join(entry["workloads"]), account_id, other, state["region"],
                _closed_text(entry), state["region"]),
            "replicate the repository into %s with ECR replication (a registry replication rule of account %s, "
            "https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html) and use "
            "%s.dkr.ecr.%s.amazonaws.com/%s%s, or reach %s's ECR through cross-Region interface endpoints" % (
                state["region"], account_id, account_id, state["region"], entry["repository"],
                refs.suffix(entry["parsed"]), other)))
    return findings


def check_cache_rule_broken(state):
    rules = (state.get("image_cache") or {}).get("rules") or {}
    broken = {}
    for entry in judge_images(state):
        if entry["rule"] is not None and entry["rule_secret_exists"] is False:
            broken.setdefault(entry["rule"], []).append(entry)
    findings = []
    for prefix in sorted(broken):
        rule = rules[prefix]
        images = broken[prefix]
        findings.append(finding(
            "CACHE_RULE_BROKEN", prefix,
            "the pull-through cache rule %s (upstream %s) names the credential secret %s, which does not exist "
            "(or is scheduled for deletion): ECR cannot log in upstream, so image(s) %s of %s that are not cached "
            "yet, or whose tag changed upstream, fail to pull" % (
                prefix, rule.get("upstream"), rule.get("credential_secret_arn"),
                join(e["reference"] for e in images), join(sorted(set(w for e in images for w in e["workloads"])))),
            "create the secret again in this account and Region (its name starts with %s; a JSON object with the "
            "upstream's username and accessToken) and point the rule at it: set credential_secret in "
            "ecr_pull_through_cache_rules and run privatelink.ecr.deploy (UpdatePullThroughCacheRule)"
            % SECRET_NAME_PREFIX))
    return findings


def check_cache_not_seeded(state):
    findings = []
    for entry in judge_images(state):
        if entry["rule"] is None or entry["cached_repository_exists"] is not False or not entry["closed"]:
            continue
        findings.append(finding(
            "CACHE_NOT_SEEDED", entry["reference"],
            "image %s of %s comes through the pull-through cache rule %s, but its cached repository %s does not "
            "exist yet, and %s: ECR fetches an image from upstream on its first pull only when that pull comes "
            "from a VPC with internet egress, so this first pull fails; later pulls are served from the cache "
            "through the endpoints" % (entry["reference"], join(entry["workloads"]), entry["rule"],
                                       entry["repository"], _closed_text(entry)),
            "seed the cache once from a host with internet egress and credentials of this account (for example: "
            "aws ecr get-login-password --region %s | docker login --username AWS --password-stdin %s && docker "
            "pull %s), or give the workload subnets a NAT gateway for the first pull; once the repository %s "
            "exists the VPC's endpoints serve the image" % (
                state["region"], entry["registry"], entry["reference"], entry["repository"])))
    return findings
