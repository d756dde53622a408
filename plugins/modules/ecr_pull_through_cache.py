#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecr_pull_through_cache
short_description: Converge the ECR pull-through cache rules of a registry, for public images in private subnets
version_added: 0.1.0
description:
  - Workloads with no route to the internet get images from public registries through ECR pull-through cache
    rules - C(ACCOUNT.dkr.ecr.REGION.amazonaws.com/PREFIX/REPOSITORY:TAG) is fetched from the upstream once,
    cached in the private registry and served through the same ECR endpoints as the registry's own images.
  - The module converges the rules of one registry (the connection's account and region), idempotently - it
    reads every rule (all pages of C(DescribePullThroughCacheRules)) and the credential secrets' metadata
    (C(secretsmanager:DescribeSecret); the secret's value is never read), computes a plan, checks it, then
    applies it. In check mode the plan is returned in RV(changes) and nothing that mutates is called; in diff mode
    RV(diff) shows C(before) and C(after).
  - Everything is validated before the first change - the prefix against ECR's pattern, the upstream, its
    registry URL, the credential each upstream needs, and that the secret's name starts with
    C(ecr-pullthroughcache/) and that it exists in the registry's own account and region.
  - Rules cannot carry tags, so the module never touches a prefix it is not given, except with O(purge).
  - AWS cannot change a rule's upstream, upstream URL or upstream repository prefix - a listed prefix whose rule
    differs there fails before any change (remove it with O(state=absent) first). A changed credential secret or
    role is updated in place (C(UpdatePullThroughCacheRule)).
  - Pull-through cache is not offered in the China Regions; the module says so before any call.
  - The B(first) pull of an image through a rule needs internet egress from the VPC (a NAT gateway) - ECR
    fetches it from the upstream then; later pulls are served from the cache. See the guide
    R(Public images in private subnets,ansible_collections.privatelink.ecr.docsite.guide_pull_through_cache).
author:
  - privatelink.ecr maintainers (@privatelink)
options:
  rules:
    description:
      - The rules of the registry to converge, one per prefix.
    type: list
    elements: dict
    default: []
    suboptions:
      prefix:
        description:
          - The ECR repository prefix images are pulled under, 2 to 30 characters of ECR's pattern (lower-case
            letters and digits separated by C(.), C(_), C(-) or C(/)), or V(ROOT) for the registry's root.
        type: str
        required: true
      upstream:
        description:
          - The upstream registry. Required with O(state=present).
          - V(docker-hub), V(github-container-registry), V(gitlab-container-registry),
            V(azure-container-registry) and V(chainguard) need O(rules[].credential_secret); V(ecr) needs
            O(rules[].custom_role_arn); V(ecr-public), V(quay) and V(k8s) need nothing.
        type: str
        choices: [ecr-public, docker-hub, quay, github-container-registry, k8s, gitlab-container-registry,
                  azure-container-registry, chainguard, ecr]
      upstream_registry_url:
        description:
          - The upstream registry's host. Defaults per upstream - V(public.ecr.aws), V(registry-1.docker.io),
            V(quay.io), V(ghcr.io), V(registry.k8s.io), V(registry.gitlab.com), V(cgr.dev); another value for those
            upstreams is an error.
          - Required for V(azure-container-registry) (C(NAME.azurecr.io)) and V(ecr)
            (C(ACCOUNT.dkr.ecr.REGION.amazonaws.com)).
        type: str
      credential_secret:
        description:
          - The Secrets Manager secret holding the upstream's credentials, by name or ARN. Its name must start with
            C(ecr-pullthroughcache/) and it must exist in the registry's account and region (both checked before
            any change; the value is never read).
          - Required for V(docker-hub), V(github-container-registry), V(gitlab-container-registry),
            V(azure-container-registry) and V(chainguard); refused for V(ecr-public), V(k8s) and V(ecr).
          - Naming another secret later updates the rule in place.
        type: str
      custom_role_arn:
        description:
          - The IAM role (in the registry's account) ECR assumes to read an V(ecr) upstream. Required for V(ecr),
            refused for other upstreams. A changed role is updated in place.
        type: str
      upstream_repository_prefix:
        description:
          - The upstream repository prefix the rule maps to (ECR's pattern, or V(ROOT), the default).
        type: str
  state:
    description:
      - V(present) creates and updates the listed rules.
      - V(absent) deletes the listed prefixes' rules only (only O(rules[].prefix) is read).
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), also delete the registry's rules whose prefix is not listed.
    type: bool
    default: false
extends_documentation_fragment:
  - privatelink.ecr.connection
  - privatelink.ecr.attributes
  - privatelink.ecr.attributes.action_group
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  idempotent:
    support: full
notes:
  - "A no-op run reads the rules (C(ecr:DescribePullThroughCacheRules), every page), each listed credential secret
    (C(secretsmanager:DescribeSecret)) and, without O(role_arn), the caller's account (C(sts:GetCallerIdentity),
    which needs no permission)."
  - "IAM: C(ecr:DescribePullThroughCacheRules), C(ecr:CreatePullThroughCacheRule),
    C(ecr:UpdatePullThroughCacheRule), C(ecr:DeletePullThroughCacheRule) and C(secretsmanager:DescribeSecret) on
    C(arn:aws:secretsmanager:*:*:secret:ecr-pullthroughcache/*). docs/iam-policy.json grants exactly these. ECR
    itself reads the secret's value (C(secretsmanager:GetSecretValue)) when it pulls, with its service-linked role."
  - "Where the pulled repositories are created with which settings (encryption, lifecycle, immutability) is ECR's
    repository creation templates' business, the next step after the rules."
seealso:
  - module: privatelink.ecr.ecr_private_endpoints
  - name: Sync an upstream registry with an Amazon ECR private registry
    description: ECR's guide to pull-through cache rules, which upstreams need a secret and its JSON keys.
    link: https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html
  - name: CreatePullThroughCacheRule
    description: The API the module calls, with the prefix and credential ARN patterns.
    link: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html
"""

EXAMPLES = r"""
- name: ECR Public, Kubernetes and Docker Hub images through the private registry
  privatelink.ecr.ecr_pull_through_cache:
    region: eu-west-1
    rules:
      - prefix: ecr-public
        upstream: ecr-public
      - prefix: k8s
        upstream: k8s
      - prefix: docker-hub
        upstream: docker-hub
        credential_secret: ecr-pullthroughcache/docker-hub

- name: An Azure registry, the secret by ARN; show the plan only
  privatelink.ecr.ecr_pull_through_cache:
    region: eu-west-1
    rules:
      - prefix: azure
        upstream: azure-container-registry
        upstream_registry_url: myregistry.azurecr.io
        credential_secret: arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/azure-AbCdEf
  check_mode: true
  diff: true

- name: Exactly these rules - delete every other rule of the registry
  privatelink.ecr.ecr_pull_through_cache:
    region: eu-west-1
    purge: true
    rules:
      - prefix: quay
        upstream: quay

- name: Remove a rule (to change its upstream, remove it first)
  privatelink.ecr.ecr_pull_through_cache:
    region: eu-west-1
    state: absent
    rules:
      - prefix: docker-hub
"""

RETURN = r"""
rules:
  description:
    - Every listed rule after the run (in check mode, as it will be), in the given order; V([]) with
      O(state=absent).
  returned: success
  type: list
  elements: dict
  sample:
    - prefix: docker-hub
      upstream: docker-hub
      upstream_registry_url: registry-1.docker.io
      credential_secret_arn: arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf
      custom_role_arn: null
      upstream_repository_prefix: ROOT
      image_prefix: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub
  contains:
    prefix:
      description: The ECR repository prefix.
      type: str
    upstream:
      description: The upstream registry.
      type: str
    upstream_registry_url:
      description: The upstream registry's host.
      type: str
    credential_secret_arn:
      description: The full ARN of the credential secret; V(null) when the upstream takes none.
      type: str
    custom_role_arn:
      description: The role ECR assumes for an V(ecr) upstream; V(null) otherwise.
      type: str
    upstream_repository_prefix:
      description: The upstream repository prefix, V(ROOT) when the whole upstream is mapped.
      type: str
    image_prefix:
      description:
        - Where workloads pull through the rule, C(ACCOUNT.dkr.ecr.REGION.amazonaws.com/PREFIX) followed by the
          upstream repository (Docker Hub's official images under C(library/)).
      type: str
changes:
  description:
    - The plan, in the order it is applied; empty when nothing changes. V(create) details are the rule created
      (as in RV(rules) without C(image_prefix)), V(update) details map each changed key
      (C(credential_secret_arn), C(custom_role_arn)) to its C(before) and C(after), V(delete) details are the
      rule deleted.
    - On a failure after changes, the result still has RV(changes), listing exactly what was applied.
  returned: always
  type: list
  elements: dict
  sample:
    - prefix: docker-hub
      action: update
      details:
        credential_secret_arn:
          before: arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf
          after: arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/docker-hub-2-GhIjKl
  contains:
    prefix:
      description: The rule's prefix.
      type: str
    action:
      description: V(create), V(update) or V(delete).
      type: str
    details:
      description: What is created, changed or deleted.
      type: dict
diff:
  description: Before and after, in diff mode - the rules listed or deleted, as in RV(rules).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: C(rules) before the run.
      type: dict
    after:
      description: C(rules) after the run (in check mode, as they will be).
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    CONNECTION_ARGUMENT_SPEC,
    CONNECTION_MUTUALLY_EXCLUSIVE,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._pull_through_cache import (
    UPSTREAMS,
    check_region,
    run_pull_through_cache,
    validate_rules,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._runner import run_module


def argument_spec():
    spec = dict(
        rules=dict(type="list", elements="dict", default=[], options=dict(
            prefix=dict(type="str", required=True),
            upstream=dict(type="str", choices=list(UPSTREAMS)),
            upstream_registry_url=dict(type="str"),
            credential_secret=dict(type="str", no_log=False),
            custom_role_arn=dict(type="str"),
            upstream_repository_prefix=dict(type="str"),
        )),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        purge=dict(type="bool", default=False),
    )
    spec.update(CONNECTION_ARGUMENT_SPEC)
    return spec


def module_kwargs():
    """AnsibleModule's keyword arguments, shared with the action plugin of the same name."""
    return dict(argument_spec=argument_spec(), mutually_exclusive=CONNECTION_MUTUALLY_EXCLUSIVE,
                supports_check_mode=True)


def run(module):
    """The module's work on ``module`` (an AnsibleModule, or the action plugin's InProcessModule:
    plugins/module_utils/_runner.py); ends in its exit_json or fail_json."""
    run_module(module, check_input,
               lambda connection: run_pull_through_cache(connection, module.params, module.check_mode))


def check_input(params):
    """What can be checked without AWS is checked before the connection is even made."""
    validate_rules(params["rules"], params["state"])
    if params["rules"] or params["purge"]:
        check_region(params.get("region"))


def main():
    run(AnsibleModule(**module_kwargs()))


if __name__ == "__main__":
    main()
