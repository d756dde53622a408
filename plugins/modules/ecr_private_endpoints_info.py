#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecr_private_endpoints_info
short_description: Audit whether a VPC's workloads can pull images from Amazon ECR privately, and why not
version_added: 0.1.0
description:
  - Reads the VPC endpoints, subnets, route tables, security groups, DNS attributes and endpoint policies of
    one or more VPCs and reports, per VPC, every finding that stops (or weakens) private image pulls from
    Amazon ECR by ECS, Fargate or EKS workloads.
  - Never changes anything. Works on any VPC, whether or not this collection deployed its endpoints.
  - Each finding has an C(id), a C(severity), the C(resource) it concerns, a C(message) naming that
    resource and a C(remediation) a person can act on. A VPC is RV(vpcs[].compliant) when it has no
    V(high) or V(medium) finding.
  - "Finding ids and severities: C(ENDPOINT_MISSING) (high, a wanted service has no endpoint),
    C(ENDPOINT_NOT_AVAILABLE) (high, an endpoint is not C(available), for example C(pendingAcceptance) or
    C(failed)), C(PRIVATE_DNS_DISABLED) (high), C(VPC_DNS_DISABLED) (high, C(enableDnsSupport) or
    C(enableDnsHostnames) off), C(S3_ROUTE_MISSING) (high, a workload subnet's route table is not attached
    to the S3 gateway endpoint), C(AZ_NOT_COVERED) (medium, a workload subnet's zone has no subnet of an
    interface endpoint), C(SG_BLOCKS_HTTPS) (high, a workload subnet's CIDR is not admitted on TCP 443 by
    the endpoint's security groups), C(SG_OPEN_TO_WORLD) (medium, an endpoint group admits C(0.0.0.0/0) or
    C(::/0)), C(INTERNET_ROUTE) (info, a workload subnet routes the default route to an internet or NAT
    gateway), C(POLICY_UNRESTRICTED) (low, the default full-access endpoint policy),
    C(NACL_BLOCKS_HTTPS) (high, a network ACL denies TCP 443 between a workload subnet and an endpoint subnet,
    or the return traffic to O(client_port_range), or, for the S3 gateway, to or from the CIDR blocks of the
    region's S3 prefix list), C(POLICY_BLOCKS_PULL) (high, an endpoint policy does not allow what an image
    pull needs), C(HUB_ZONE_BROKEN) (high, a VPC served by a hub - O(hub) - is not associated with the hub's
    private hosted zone of a service, or the zone does not point at an available hub endpoint),
    C(HUB_UNREACHABLE) (high, a workload subnet's route table has no route to the hub's endpoint subnets through
    a transit gateway the hub is attached to or an active peering connection with the hub, or the hub's endpoint
    subnets' route tables have none back to the workload subnet; a route to a managed prefix list counts with the
    list's entries), C(EGRESS_BLOCKS_PULL) (high, a workload security group's outbound rules do not allow TCP 443
    to every endpoint subnet of a wanted interface service - by CIDR, by a reference to one of the endpoint's
    groups, or by a prefix list whose entries cover them - or to the S3 gateway's ranges - its prefix list
    C(pl-...) or CIDR blocks covering all its entries; one finding per group, naming the services it cannot
    reach, with the C(aws ec2 authorize-security-group-egress) command that repairs it),
    C(IMAGE_NEEDS_INTERNET) (high, an image comes from a registry outside ECR and the workload subnets have no
    default route), C(IMAGE_OTHER_REGION) (high, an image comes from ECR in another region and the workload
    subnets have no default route), C(CACHE_RULE_BROKEN) (high, a pull-through cache rule an image uses names a
    credential secret that does not exist), C(CACHE_NOT_SEEDED) (medium, an image through a pull-through cache
    rule whose cached repository does not exist yet, in a VPC with no default route)."
  - "Images are judged by registry: the region's private ECR is pulled through the endpoints (its account joins
    the registry accounts of the endpoint policy check; an image whose repository starts with a pull-through
    cache rule's prefix of the VPC's own registry is judged through the rule); another region's ECR and every
    other registry need a default route (any active C(0.0.0.0/0) route). The remediation of
    C(IMAGE_NEEDS_INTERNET) names the pull-through cache rule to create (upstream, prefix, whether a secret is
    needed) and the image reference to use through it, or, for registries pull-through cache does not support,
    copying the image into ECR."
  - "Workload security groups are the groups of the network interfaces in the workload subnets (C(InterfaceType)
    C(interface), not an endpoint's own), of the workloads read, and those of O(workload_security_group_ids).
    A group is judged with the groups each interface wears with it (rules add up per interface)."
  - "Security-group rules and routes that name a managed prefix list count with the list's entries (customer or
    AWS-managed, read with C(ec2:DescribeManagedPrefixLists) and C(ec2:GetManagedPrefixListEntries), each list
    once per run). An endpoint group that admits workloads only by group references admits the workload security
    groups it references; when no workload security group is known at all, C(SG_BLOCKS_HTTPS) is reported with
    severity V(info) (no workload found that carries a referenced group)."
  - "With O(hub), the audited VPCs are served by that hub VPC (centralized endpoints): a service the hub serves
    (it has a zone of the service's private DNS name, or an endpoint for it) is judged by the hub's endpoint -
    its state, its security groups against the VPC's workload subnets, its zones - and by C(HUB_ZONE_BROKEN) and
    C(HUB_UNREACHABLE) (one finding per service, or per route table), not by C(ENDPOINT_MISSING); on the hub
    itself, its endpoints' private DNS being off is by design (no C(PRIVATE_DNS_DISABLED)). The network ACLs of
    the hub's endpoint subnets are checked for the VPC's traffic too (C(NACL_BLOCKS_HTTPS), both directions). S3
    is always the VPC's own (gateway) endpoint."
  - An S3 interface endpoint without the S3 gateway endpoint is reported as C(S3_ROUTE_MISSING), because
    ECR's guide names the gateway endpoint for image layer downloads.
  - "Network ACLs are evaluated as AWS does: stateless, per direction, lowest rule number first, the first
    matching rule decides and the C(*) rule denies the rest; a flow passes only when every address of the
    peer's CIDR block and every port of the range passes. Traffic inside one subnet is not filtered."
  - "Endpoint policies are evaluated as IAM does, for the requests of a pull (explicit Deny wins, C(*) and
    C(?) wildcards, actions case-insensitive, C(NotAction), C(NotResource), C(NotPrincipal)): C(ecr.api)
    needs C(ecr:GetAuthorizationToken) on C(*) and C(ecr:BatchGetImage) and C(ecr:GetDownloadUrlForLayer) on
    a repository of the VPC's account; C(ecr.dkr) the two pull actions; C(logs) C(logs:CreateLogStream) and
    C(logs:PutLogEvents) on a log group of the account; the S3 gateway C(s3:GetObject) on
    C(arn:PARTITION:s3:::prod-REGION-starport-layer-bucket/*) by a principal outside the account and its
    organization (ECR presigns the layer URLs). The requester of the first three is a principal of the
    account, in its organization (read with C(organizations:DescribeOrganization); none when the account is
    in no organization or the read is denied)."
  - "Conditions on C(aws:PrincipalAccount), C(aws:PrincipalOrgID), C(aws:ResourceAccount),
    C(aws:ResourceOrgID), C(aws:SourceVpc) and C(aws:SourceVpce) are evaluated (C(String*) operators,
    C(...IfExists), C(Null), C(ForAnyValue:) and C(ForAllValues:)). A statement with any other condition key
    or operator, or naming a given role or user of the account as principal, is taken as not matching: an
    Allow that grants nothing, a Deny that denies nothing; the finding's message says so when the verdict
    depends on such a statement."
  - Each VPC result carries RV(vpcs[].monthly_cost_usd), the hourly charge of its interface endpoints, and
    RV(vpcs[].per_vpc_design_monthly_usd), what it would pay with its own interface endpoints for what its hub
    serves.
  - Reads a region's VPCs together, with one batched request per resource kind (plus two DNS attribute
    requests per VPC, which the EC2 API cannot batch); the network interfaces of the workload subnets once, and
    the endpoints' and workloads' security groups together in one request; the managed prefix lists are listed
    once per region when an S3 gateway endpoint is audited or a rule or route names one, and each list's entries
    read once; the organization once when an audited endpoint has a policy other than full access. With O(hub),
    the hub's route tables and network ACLs are read with the hub's connection too.
author:
  - privatelink.ecr maintainers (@privatelink)
options:
  vpc_ids:
    description:
      - The VPCs to audit. When empty (and O(vpc_names) is empty too), every VPC of the region is audited.
    type: list
    elements: str
    default: []
  vpc_names:
    description:
      - VPCs to audit by their C(Name) tag; each name must match exactly one VPC of the region.
      - Added to O(vpc_ids). Lets an inventory that names VPCs by C(vpc_name) use this module directly.
    type: list
    elements: str
    default: []
  workload_subnet_ids:
    description:
      - The subnets where the tasks or pods run; they apply to the audited VPC that holds them.
      - Default, and for an audited VPC holding none of them, the subnets of the workloads found there
        (O(read_workloads)); when none is found, the VPC's private subnets, by the rule the
        C(privatelink.ecr.vpc_endpoints) role uses, that is the subnets whose route table (the explicit
        association, else the main route table) has no route to an internet gateway.
      - A subnet that is in none of the audited VPCs fails the module.
    type: list
    elements: str
  read_workloads:
    description:
      - Read what runs in each audited VPC, that is the ECS services (every cluster, status C(ACTIVE), scaled to
        zero included) whose C(awsvpc) subnets are in the VPC, with their security groups and the images of
        their task definition's containers, and the EKS clusters in the VPC, with their subnets and cluster
        security group. RV(vpcs[].workloads) lists them.
      - Their subnets become the workload subnets when O(workload_subnet_ids) names none of the VPC's.
      - An account with no ECS cluster and no EKS cluster costs two requests (C(ecs:ListClusters),
        C(eks:ListClusters)).
    type: bool
    default: true
  images:
    description:
      - Image references the audited VPCs' workloads pull that AWS APIs cannot show (EKS pods' images, for
        example), judged like the images of the workloads found (a workload of kind C(given)).
      - "Parsed as Docker does: a first component with a C(.) or a C(:) or C(localhost) is a registry host;
        none means Docker Hub (C(nginx:1.27) is C(docker.io/library/nginx:1.27))."
    type: list
    elements: str
    default: []
  workload_security_group_ids:
    description:
      - Security groups the VPC's workloads carry that the audit cannot see running (a service scaled to zero on
        EC2, pods of a node group not yet up). They join the groups of the network interfaces in the workload
        subnets and of the workloads read; each counts for the audited VPC it belongs to.
      - Their outbound rules are checked (C(EGRESS_BLOCKS_PULL)), and an endpoint group that admits one of them
        by reference admits the workload subnets where nothing else is seen running.
      - The privatelink.ecr.audit playbook passes the host variable C(workload_security_group_ids).
    type: list
    elements: str
    default: []
  client_port_range:
    description:
      - The ports clients receive answers on (C(LOW-HIGH)), which network ACLs must pass back to the workload
        subnets from the endpoint subnets and from S3 (ACLs are stateless).
      - The default covers the ephemeral ports of Linux (32768-60999) and Windows (49152-65535) clients.
    type: str
    default: 32768-65535
  endpoint_hour_usd:
    description:
      - The price of one interface endpoint in one Availability Zone for one hour, in US dollars, for
        RV(vpcs[].monthly_cost_usd). Look it up on the AWS PrivateLink pricing page for the region.
    type: float
    default: 0.01
  registry_account_ids:
    description:
      - The accounts whose private ECR registries the workloads pull from (a central registry account is the
        usual organization pattern). C(POLICY_BLOCKS_PULL) checks a pull from each of them through the
        C(ecr.api) and C(ecr.dkr) endpoint policies, and its message names the account whose pull is blocked.
      - Omitted, the audited VPC's own account. Given, it replaces that default (list the VPC's own account too
        if its workloads also pull from it).
      - The privatelink.ecr.audit playbook passes the host variable C(registry_account_ids).
    type: list
    elements: str
  hub:
    description:
      - The hub VPC serving the audited VPCs (centralized endpoints; the hub itself may be audited too), and the
        connection of its account. Its endpoints, subnets, security groups, zones and transit gateway
        attachments are read once, with that connection; each audited VPC's zone associations
        (C(route53:ListHostedZonesByVPC)) and peering connections with its own.
      - The privatelink.ecr.audit playbook passes the hub host's C(vpc_id) and connection for hosts with
        C(ecr_endpoints_mode) V(hub) or V(spoke).
    type: dict
    suboptions:
      vpc_id:
        description: The hub VPC. Exactly one of O(hub.vpc_id) and O(hub.vpc_name).
        type: str
      vpc_name:
        description: The hub VPC by its C(Name) tag.
        type: str
      role_arn:
        description: A role in the hub's account, assumed from the base credentials (the module's region and endpoint).
          Omitted, the base credentials.
        type: str
      external_id:
        description: The external id the role's trust policy asks for.
        type: str
      role_session_name:
        description: The session name of the assumed role.
        type: str
        default: privatelink-ecr
      profile:
        description:
          - The AWS profile of the hub's account (the hub host's C(aws_profile), such as an IAM Identity Center
            profile), used instead of the module's O(profile); O(hub.role_arn) is assumed on top of it.
          - Omitted, the module's own credentials; an empty string, the environment's credentials.
        type: str
extends_documentation_fragment:
  - privatelink.ecr.services
  - privatelink.ecr.connection
  - privatelink.ecr.attributes
  - privatelink.ecr.attributes.action_group
attributes:
  check_mode:
    support: full
    details: The module never changes anything, so check mode runs the same audit.
  diff_mode:
    support: none
  idempotent:
    support: full
notes:
  - "Security groups that admit TCP 443 by reference to another security group count for a workload
    subnet only when the workloads there (the network interfaces running in it now, the workloads read whose
    subnets hold it, else the groups of O(workload_security_group_ids)) all carry a referenced group; a subnet
    with none cannot be shown to be admitted and is reported by C(SG_BLOCKS_HTTPS) (V(info) when no workload
    security group is known at all)."
  - Endpoints in state C(deleted) or C(deleting) count as absent.
  - "The audit needs, besides the EC2 reads, C(ec2:DescribeNetworkAcls), C(ec2:DescribeManagedPrefixLists),
    C(ec2:GetManagedPrefixListEntries) and C(organizations:DescribeOrganization), and for the workloads and
    images C(ecs:ListClusters), C(ecs:ListServices), C(ecs:DescribeServices), C(ecs:DescribeTaskDefinition),
    C(eks:ListClusters), C(eks:DescribeCluster), C(ecr:DescribePullThroughCacheRules),
    C(ecr:DescribeRepositories) and C(secretsmanager:DescribeSecret) (docs/iam-policy.json)."
seealso:
  - module: privatelink.ecr.ecr_private_endpoints
  - name: The privatelink.ecr.audit playbook
    description: Audits every inventory target and writes posture.json, posture.md and posture.html.
    link: https://example.org/privatelink/ecr#posture-audit
"""

EXAMPLES = r"""
- name: Audit one VPC
  privatelink.ecr.ecr_private_endpoints_info:
    region: eu-west-1
    vpc_ids: [vpc-0123456789abcdef0]
  register: posture

- name: Fail when the VPC cannot pull images privately
  ansible.builtin.assert:
    that: posture.vpcs[0].compliant
    fail_msg: "{{ posture.vpcs[0].findings | selectattr('severity', 'in', ['high', 'medium']) | map(attribute='message') }}"

- name: Audit every VPC of a region for an EKS workload, in another account
  privatelink.ecr.ecr_private_endpoints_info:
    region: us-east-1
    role_arn: arn:aws:iam::111122223333:role/privatelink-ecr-audit
    external_id: "{{ audit_external_id }}"
    workload: eks

- name: Audit a VPC by its Name tag, for workloads in two given subnets
  privatelink.ecr.ecr_private_endpoints_info:
    region: eu-west-1
    vpc_names: [platform-prod]
    workload_subnet_ids: [subnet-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb]

- name: Audit with the Linux ephemeral ports only and the endpoint price of another region
  privatelink.ecr.ecr_private_endpoints_info:
    region: sa-east-1
    client_port_range: 32768-60999
    endpoint_hour_usd: 0.017
"""

RETURN = r"""
vpcs:
  description: One entry per audited VPC, sorted by VPC id.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_id:
      description: The VPC.
      type: str
      sample: vpc-0123456789abcdef0
    vpc_name:
      description: The VPC's C(Name) tag; null when the VPC has none.
      type: str
      sample: platform-prod
    account_id:
      description: The AWS account the audit ran in (the assumed role's, else C(sts:GetCallerIdentity)).
      type: str
      sample: "111122223333"
    region:
      description: The region.
      type: str
      sample: eu-west-1
    compliant:
      description: True when the VPC has no V(high) or V(medium) finding.
      type: bool
    workload_subnet_ids:
      description: The subnets the checks treated as workload subnets (given, else the subnets of the workloads
        found, else the discovered private subnets).
      type: list
      elements: str
    workloads:
      description:
        - What runs in the VPC (O(read_workloads)), ECS services first, then EKS clusters, then one entry of kind
          V(given) for O(images) and O(workload_security_group_ids).
      type: list
      elements: dict
      contains:
        kind:
          description: V(ecs_service), V(eks_cluster) or V(given).
          type: str
          sample: ecs_service
        name:
          description: The service's or cluster's name (V(given) for the given entry).
          type: str
          sample: web
        arn:
          description: The service's or cluster's ARN; null for V(given).
          type: str
          sample: arn:aws:ecs:eu-west-1:111122223333:service/prod/web
        subnet_ids:
          description: Its C(awsvpc) subnets, or the cluster's subnets; empty for V(given).
          type: list
          elements: str
        security_group_ids:
          description: Its security groups (for a cluster, the cluster security group and the additional ones).
          type: list
          elements: str
        images:
          description: The images of the task definition's containers; the given images; empty for a cluster.
          type: list
          elements: str
          sample: [nginx:1.27]
    monthly_cost_usd:
      description:
        - The hourly charge of the VPC's interface endpoints for a month, in US dollars, rounded to cents
          (each endpoint's number of subnets x 730 h x O(endpoint_hour_usd)).
        - Every interface endpoint of the VPC counts, whatever its service or owner, unless it is C(deleted),
          C(deleting), C(failed) or C(rejected). Gateway endpoints are free; data processing is not included.
      type: float
      sample: 87.6
    per_vpc_design_monthly_usd:
      description:
        - What the VPC would pay a month with its own interface endpoints for the services its hub serves (one
          subnet in each of its workload Availability Zones), plus its own interface endpoints of other services;
          the fleet's sum is posture.json's C(cost.per_vpc_design_monthly_usd). Without O(hub), equal to
          RV(vpcs[].monthly_cost_usd).
      type: float
      sample: 65.7
    hub:
      description: With O(hub), the hub serving the VPC; null otherwise.
      type: dict
      contains:
        vpc_id:
          description: The hub VPC.
          type: str
        account_id:
          description: The hub's account.
          type: str
        services:
          description: The wanted services the hub serves (it has a zone of the service's name or an endpoint).
          type: list
          elements: str
        zone_ids:
          description: The ids of the hub's zones of those services.
          type: list
          elements: str
    endpoints:
      description:
        - The endpoint of each wanted service that has one, keyed by short service name; when a service has
          several, the one workloads use (available, gateway for S3, private DNS on).
      type: dict
      sample:
        ecr.api:
          vpc_endpoint_id: vpce-0123456789abcdef0
          service_name: com.amazonaws.eu-west-1.ecr.api
          vpc_endpoint_type: Interface
          state: available
          subnet_ids: [subnet-0aaaaaaaaaaaaaaaa]
          route_table_ids: []
          security_group_ids: [sg-0123456789abcdef0]
          private_dns_enabled: true
          dns_entries: []
          policy: null
          tags: {ManagedBy: privatelink.ecr}
          ip_address_type: ipv4
          dns_options: {dns_record_ip_type: ipv4, private_dns_only_for_inbound_resolver_endpoint: null}
    findings:
      description: What is wrong or worth knowing, most severe first.
      type: list
      elements: dict
      contains:
        id:
          description: >-
            One of C(ENDPOINT_MISSING), C(ENDPOINT_NOT_AVAILABLE), C(PRIVATE_DNS_DISABLED), C(VPC_DNS_DISABLED),
            C(S3_ROUTE_MISSING), C(AZ_NOT_COVERED), C(SG_BLOCKS_HTTPS), C(SG_OPEN_TO_WORLD), C(INTERNET_ROUTE),
            C(POLICY_UNRESTRICTED), C(NACL_BLOCKS_HTTPS), C(POLICY_BLOCKS_PULL), C(HUB_ZONE_BROKEN),
            C(HUB_UNREACHABLE), C(EGRESS_BLOCKS_PULL), C(IMAGE_NEEDS_INTERNET), C(IMAGE_OTHER_REGION),
            C(CACHE_RULE_BROKEN), C(CACHE_NOT_SEEDED).
          type: str
          sample: S3_ROUTE_MISSING
        severity:
          description: V(high), V(medium), V(low) or V(info); fixed per id, except C(SG_BLOCKS_HTTPS), which is
            V(info) when the endpoint admits by group reference and no workload security group is known at all.
          type: str
          sample: high
        resource:
          description: The id of the resource concerned (VPC, endpoint, route table, security group, network ACL,
            hosted zone, image reference or pull-through cache rule prefix).
          type: str
          sample: rtb-0123456789abcdef0
        message:
          description: What is wrong, naming the resource.
          type: str
        remediation:
          description: What to do about it.
          type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatelink.ecr.plugins.module_utils.audit.registry import (
    audit,
    hub_services,
    is_compliant,
    monthly_cost_usd,
    per_vpc_design_monthly_usd,
)
from ansible_collections.privatelink.ecr.plugins.module_utils.audit.images_cache import with_image_registries
from ansible_collections.privatelink.ecr.plugins.module_utils._audit_reader import read_region
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    CONNECTION_ARGUMENT_SPEC,
    CONNECTION_MUTUALLY_EXCLUSIVE,
    DEFAULT_SESSION_NAME,
    AwsConnection,
    other_account_params,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import public_view, serving_endpoint
from ansible_collections.privatelink.ecr.plugins.module_utils._perimeter import check_registry_account_ids
from ansible_collections.privatelink.ecr.plugins.module_utils._runner import validated, with_connection
from ansible_collections.privatelink.ecr.plugins.module_utils._services import WORKLOADS, wanted_services


def argument_spec():
    spec = dict(
        vpc_ids=dict(type="list", elements="str", default=[]),
        vpc_names=dict(type="list", elements="str", default=[]),
        workload=dict(type="str", default="fargate", choices=WORKLOADS),
        services=dict(type="list", elements="str"),
        extra_services=dict(type="list", elements="str", default=[]),
        workload_subnet_ids=dict(type="list", elements="str"),
        read_workloads=dict(type="bool", default=True),
        images=dict(type="list", elements="str", default=[]),
        workload_security_group_ids=dict(type="list", elements="str", default=[]),
        client_port_range=dict(type="str", default="32768-65535"),
        endpoint_hour_usd=dict(type="float", default=0.01),
        registry_account_ids=dict(type="list", elements="str"),
        hub=dict(type="dict", options=dict(
            vpc_id=dict(type="str"),
            vpc_name=dict(type="str"),
            role_arn=dict(type="str"),
            external_id=dict(type="str", no_log=True),
            role_session_name=dict(type="str", default=DEFAULT_SESSION_NAME),
            profile=dict(type="str"),
        ), mutually_exclusive=[["vpc_id", "vpc_name"]], required_one_of=[["vpc_id", "vpc_name"]]),
    )
    spec.update(CONNECTION_ARGUMENT_SPEC)
    return spec


def parse_port_range(value):
    """``LOW-HIGH`` as ``(low, high)``, or raise ValueError naming client_port_range."""
    parts = str(value).strip().split("-")
    try:
        low, high = (int(p) for p in parts) if len(parts) == 2 else (None, None)
    except ValueError:
        low = high = None
    if low is None or not 0 <= low <= high <= 65535:
        raise ValueError("client_port_range is %r; use LOW-HIGH with 0 <= LOW <= HIGH <= 65535, such as "
                         "32768-65535" % (value,))
    return low, high


def vpc_result(account_id, state, endpoint_hour_usd=0.01):
    findings = audit(state)
    endpoints = {}
    for service in state["wanted"]:
        mine = [e for e in state["endpoints"]
                if e["service"] == service and (e.get("state") or "").lower() not in ("deleted", "deleting")]
        if mine:
            endpoints[service] = public_view(serving_endpoint(mine))
    return {
        "vpc_id": state["vpc"]["vpc_id"],
        # The Name tag, read with the VPC itself (no request more); null when untagged.
        "vpc_name": (state["vpc"].get("tags") or {}).get("Name"),
        "account_id": account_id,
        "region": state["region"],
        "compliant": is_compliant(findings),
        "workload_subnet_ids": state["workload_subnet_ids"],
        "workloads": state.get("workloads") or [],
        "monthly_cost_usd": monthly_cost_usd(state, endpoint_hour_usd),
        "per_vpc_design_monthly_usd": per_vpc_design_monthly_usd(state, endpoint_hour_usd),
        "hub": _hub_result(state),
        "endpoints": endpoints,
        "findings": findings,
    }


def _hub_result(state):
    hub = state.get("hub")
    if not hub:
        return None
    served = hub_services(state)
    names = set()
    for service in served:
        names.update(n[2:] if n.startswith("*.") else n
                     for n in (hub["service_dns"].get(service) or {}).get("dns_names") or [])
    return {"vpc_id": hub["vpc_id"], "account_id": hub.get("account_id"), "services": served,
            "zone_ids": sorted(z["zone_id"] for z in hub.get("zones") or [] if z["name"] in names)}


def hub_connection(params):
    """The hub account's connection: the module's region, endpoint and base credentials, the hub's role."""
    return AwsConnection(other_account_params(params, params["hub"]))


def module_kwargs():
    """AnsibleModule's keyword arguments, shared with the action plugin of the same name."""
    return dict(argument_spec=argument_spec(), mutually_exclusive=CONNECTION_MUTUALLY_EXCLUSIVE,
                supports_check_mode=True)


def run(module):
    """The module's work on ``module`` (an AnsibleModule, or the action plugin's InProcessModule:
    plugins/module_utils/_runner.py); ends in its exit_json or fail_json."""
    params = module.params
    wanted, client_ports = validated(module, check_input)

    def read(connection):
        hub = None
        if params.get("hub"):
            hub = {"connection": hub_connection(params), "vpc_id": params["hub"].get("vpc_id"),
                   "vpc_name": params["hub"].get("vpc_name")}
        return read_region(connection, params["region"], wanted, params["vpc_ids"], params["vpc_names"],
                           params["workload_subnet_ids"], client_ports, hub, params["read_workloads"],
                           params["images"], params["workload_security_group_ids"])

    account_id, states = with_connection(module, read)
    for state in states:
        # The registry accounts whose pulls POLICY_BLOCKS_PULL evaluates: the given ones (else the VPC's own),
        # plus the accounts of the Region's ECR images its workloads use.
        state["registry_account_ids"] = params.get("registry_account_ids")
        with_image_registries(state)
    module.exit_json(changed=False, vpcs=[vpc_result(account_id, s, params["endpoint_hour_usd"]) for s in states])


def check_input(params):
    """The services wanted and the client ports, checked without AWS (a ValueError names the option)."""
    if not params.get("region"):
        raise ValueError("No AWS region: set the region option, AWS_REGION or AWS_DEFAULT_REGION")
    wanted = wanted_services(params["workload"], params["services"], params["extra_services"], params["region"])
    client_ports = parse_port_range(params["client_port_range"])
    check_registry_account_ids(params.get("registry_account_ids"))
    if params["endpoint_hour_usd"] < 0:
        raise ValueError("endpoint_hour_usd is %s; it is a price and cannot be negative" % params["endpoint_hour_usd"])
    return wanted, client_ports


def main():
    run(AnsibleModule(**module_kwargs()))


if __name__ == "__main__":
    main()
