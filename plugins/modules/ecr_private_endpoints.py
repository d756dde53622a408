#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecr_private_endpoints
short_description: Give a VPC's private subnets a working path to Amazon ECR through VPC endpoints
version_added: 0.1.0
description:
  - Makes the VPC endpoints that container workloads (ECS on EC2, Fargate, EKS) need to pull images from
    Amazon ECR without an internet route match the desired state, in one idempotent call per VPC
    (the ECR API and Docker endpoints, the S3 gateway endpoint on the private route tables, CloudWatch Logs
    and any other service endpoint).
  - Reads the VPC's whole current state, computes a plan, and applies it. In check mode the plan is returned
    in RV(changes) and nothing that mutates is called. In diff mode RV(diff) shows C(before) and C(after).
  - Everything C(ModifyVpcEndpoint) can change (subnets, security groups, route tables, policy, private DNS,
    IP address type) is changed in place, keeping the endpoint id. Only the endpoint type cannot be changed;
    an owned endpoint of the wrong type is replaced.
  - Endpoints the module creates carry the tag C(ManagedBy=privatelink.ecr) and are converged fully. An
    existing endpoint for a wanted service without that tag is adopted B(additively) - never duplicated, never
    deleted, and nothing its owner set is taken away - the module adds a subnet for each wanted zone it does not
    cover, the route tables, the managed group (or O(security_group_ids)) and private DNS when asked, and changes
    its policy only when O(policy), O(s3_policy) or O(perimeter_org_id) is given.
  - All input is validated, against AWS where needed, before the first mutating call; so is every conflict EC2
    would refuse in the middle of a run (a route table already routed to the service through another gateway
    endpoint, private DNS held by another endpoint of the service, two subnets in one zone, a subnet in a zone
    where the service is not offered).
  - An endpoint still C(pending) is waited for (bounded by O(wait_timeout)) before it is modified, since EC2
    refuses to modify it until then.
author:
  - privatelink.ecr maintainers (@privatelink)
options:
  vpc_id:
    description:
      - The VPC, for example V(vpc-0123456789abcdef0). Exactly one of O(vpc_id) and O(vpc_name).
    type: str
  vpc_name:
    description:
      - The value of the VPC's C(Name) tag. Exactly one VPC of the region must carry it; otherwise the module
        fails before any change and names the VPCs it found (or none). Costs no request more than O(vpc_id).
    type: str
  state:
    description:
      - V(present) converges the endpoints.
      - V(absent) deletes the endpoints of the selected services that carry the ownership tag (every owned
        endpoint with O(purge_services=true)), takes the managed security group back from adopted endpoints
        (what else was added to them stays; they are listed in RV(left)), and then deletes the managed group
        when nothing uses it.
    type: str
    choices: [present, absent]
    default: present
  s3_endpoint_type:
    description: Type of the S3 endpoint. A V(gateway) endpoint is free and is attached to route tables.
    type: str
    choices: [gateway, interface]
    default: gateway
  subnet_ids:
    description:
      - Subnets of the interface endpoints, at most one per Availability Zone, all in O(vpc_id), in zones where
        each service is offered.
      - When omitted, existing endpoints keep their subnets, and creating an endpoint fails, unless O(discover)
        says to find them; the M(privatelink.ecr.vpc_private_subnets_info) module and the
        C(privatelink.ecr.vpc_endpoints) role discover them too.
    type: list
    elements: str
  route_table_ids:
    description:
      - Route tables of the S3 gateway endpoint, all in O(vpc_id); usually every route table of a private subnet.
      - When omitted, as for O(subnet_ids).
    type: list
    elements: str
  discover:
    description:
      - Whether the module finds O(subnet_ids) and O(route_table_ids) itself when they are omitted, by the rule
        of the C(privatelink.ecr.vpc_endpoints) role - the VPC's private subnets (those whose route table has no
        route to an internet gateway) and the route tables serving them, the main one included. In each zone
        with a private subnet it picks the subnet the service's endpoint already uses there while that is still
        private (discovery never moves an endpoint between private subnets of one zone), else a private subnet
        tagged C(privatelink.ecr/endpoints=true), else the one with the most free addresses (ties, lowest id).
      - Discovery is per service; each interface service gets the zones where AWS offers it
        (C(DescribeVpcEndpointServices)); a zone a service skips is named in a warning and in
        RV(discovered.skipped).
      - V(never) keeps the behaviour described under O(subnet_ids).
      - V(always) discovers on every run (two read requests more) and converges every endpoint to the
        discovered placement, so a new private subnet in a new zone is picked up and drift is repaired.
      - V(on_create) discovers only when an endpoint has to be created, for that endpoint; existing endpoints
        keep their subnets and route tables, and a run that creates nothing sends no extra request.
      - Fails, before anything changes, when the VPC has no private subnet.
      - Ignored with O(state=absent) and for whichever of the two lists is given.
    type: str
    choices: [never, always, on_create]
    default: never
  security_group_ids:
    description:
      - Security groups of the interface endpoints, all in O(vpc_id).
      - When empty, the module manages its own group, O(security_group_name), admitting TCP 443 from
        O(allowed_cidrs) only.
    type: list
    elements: str
    default: []
  security_group_name:
    description: Name of the managed security group.
    type: str
    default: ecr-private-endpoints
  allowed_cidrs:
    description:
      - Sources the managed group admits on TCP 443. Default, the VPC's IPv4 and IPv6 CIDR blocks.
      - V(0.0.0.0/0) or V(::/0) is accepted only when listed here, with a warning.
    type: list
    elements: str
  private_dns_enabled:
    description:
      - Private DNS for interface endpoints, so the services' public names resolve to the endpoints.
        Needs the VPC's C(enableDnsSupport) and C(enableDnsHostnames); the module fails before changing
        anything when they are off.
    type: bool
    default: true
  policy:
    description:
      - Endpoint policy for the interface endpoints, as a dict or a JSON string; compared as a document, not as
        a string. V(default) resets it to AWS's default (full access); an interface endpoint is sent that
        default document, a gateway endpoint C(ResetPolicy) (which the EC2 API reference scopes to gateway
        endpoints).
      - When not set (and no O(perimeter_org_id)), the policy is not managed - a new endpoint gets AWS's
        default and an existing one keeps its policy.
      - A policy that would block an image pull (the evaluation behind the audit's C(POLICY_BLOCKS_PULL))
        fails the run before any change, naming what is missing, unless O(allow_blocking_policy=true).
    type: raw
  s3_policy:
    description: Endpoint policy for the S3 endpoint, as for O(policy).
    type: raw
  perimeter_org_id:
    description:
      - An AWS Organizations id (C(o-...)). Each of O(policy) and O(s3_policy) that is not given is generated
        per service as a data-perimeter policy - only principals and resources of that organization, and AWS
        services acting for it - plus the exceptions an image pull needs - C(s3:GetObject) on the ECR layer
        bucket C(prod-REGION-starport-layer-bucket) for every principal (ECR presigns layer URLs), and for the
        C(eks) set the AWS-owned registries EKS add-ons pull from.
      - "For the C(ecs) and C(eks) sets (EC2 nodes behind the same S3 gateway), the S3 policy also lets every
        principal C(s3:GetObject) and C(s3:ListBucket) the AWS-owned buckets the nodes need, as
        aws-samples/data-perimeter-policy-examples does: the Amazon Linux package repositories
        (C(al2023-repos-REGION-de612dc2), C(amazonlinux-2-repos-REGION), C(amazonlinux.REGION.amazonaws.com),
        C(packages.REGION.amazonaws.com), C(repo.REGION.amazonaws.com)), the SSM agent's buckets
        (C(aws-ssm-REGION), C(amazon-ssm-REGION), C(amazon-ssm-packages-REGION),
        C(aws-ssm-distributor-file-REGION), C(aws-ssm-document-attachments-REGION),
        C(patch-baseline-snapshot-REGION), C(REGION-birdwatcher-prod)) and the CloudWatch agent's
        (C(amazoncloudwatch-agent-REGION), C(amazoncloudwatch-agent)), plus O(perimeter_extra_s3_resources).
        Without them a perimeter on the gateway breaks C(dnf), the SSM agent and agent updates on every node."
      - With O(registry_account_ids), the C(ecr.api) and C(ecr.dkr) policies also let the organization's
        principals pull from those accounts' repositories.
      - Compared as documents, so a second run changes nothing.
    type: str
  perimeter_extra_s3_resources:
    description:
      - More S3 ARNs (C(arn:PARTITION:s3:::BUCKET) for C(s3:ListBucket), C(arn:PARTITION:s3:::BUCKET/*) for
        C(s3:GetObject)) for the unconditioned AWS-owned-resources statement of the S3 policy O(perimeter_org_id)
        generates, such as the buckets of other agents the nodes run.
      - Needs O(perimeter_org_id).
    type: list
    elements: str
    default: []
  registry_account_ids:
    description:
      - The accounts whose private ECR registries the workloads pull from, such as the organization's central
        registry account. The pull guard (see O(allow_blocking_policy)) and the policies O(perimeter_org_id)
        generates check a pull from each of them; a failure names the account whose pull is blocked.
      - Omitted, the VPC's own account. Given, it replaces that default - list the VPC's own account too if
        its workloads also pull from it.
      - A registry account is taken as a member of the VPC's organization when C(aws:ResourceOrgID) is evaluated.
    type: list
    elements: str
  allow_blocking_policy:
    description: Apply O(policy) / O(s3_policy) even though the module finds it would block an image pull.
    type: bool
    default: false
  tags:
    description:
      - Tags set on every endpoint and on the managed group. Other existing tags are left alone.
    type: dict
    default: {}
  purge_services:
    description: Delete owned endpoints whose service is not in the set. Never touches endpoints without the ownership tag.
    type: bool
    default: false
  ip_address_type:
    description:
      - IP address type of the interface endpoints; V(dualstack) needs subnets with IPv4 and IPv6 CIDR blocks,
        V(ipv6) IPv6-only subnets.
      - Checked against the subnets before any change; the run fails naming the subnets that do not fit.
    type: str
    choices: [ipv4, dualstack, ipv6]
    default: ipv4
  wait:
    description: Wait until every created or modified endpoint's state is C(available).
    type: bool
    default: true
  wait_timeout:
    description: How long to wait, in seconds.
    type: int
    default: 600
extends_documentation_fragment:
  - privatelink.ecr.services
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
  - A no-op run sends three read requests (the VPC, its endpoints, the managed security group), five with
    O(discover=always).
  - Each create carries a deterministic C(ClientToken) derived from the VPC, the service and the desired
    specification, so a retried or concurrent create cannot make a second endpoint. EC2 answers a reused token
    with the original endpoint even after it was deleted; such an answer is recognised and the create is sent
    again with a fresh token, and a run never reports success for an endpoint that does not exist.
  - With O(s3_endpoint_type=interface) and C(ecr.dkr) in the set the module warns that ECR's guide names the
    S3 gateway endpoint for image layer downloads. An S3 interface endpoint is created with
    C(DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint) true only when the VPC has an S3 gateway endpoint,
    false otherwise (AWS refuses true without one).
  - "Before it turns private DNS on (create or modify), the module lists the private hosted zones associated with the
    VPC (C(route53:ListHostedZonesByVPC), which also shows zones of other accounts and of AWS services). A zone named
    like a service's private DNS name, or a parent of it (C(dkr.ecr.REGION.amazonaws.com),
    C(api.ecr.REGION.amazonaws.com), C(logs.REGION.amazonaws.com), C(amazonaws.com)), fails the run before any
    change, naming the zone id, its name and its owner: disassociate the VPC from it, or make the VPC a spoke of
    that hub. A no-op run does not make this call."
  - "A VPC shared into the caller's account through AWS RAM (its C(OwnerId) is another account) is refused before
    any change, naming the owner account: only a VPC's owner can create endpoints in it. The caller's account
    comes from the assumed role, else from C(sts:GetCallerIdentity), read only when the run would change something."
seealso:
  - module: privatelink.ecr.ecr_private_endpoints_info
"""

EXAMPLES = r"""
- name: Fargate tasks in private subnets pull from ECR privately
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_id: vpc-0123456789abcdef0
    subnet_ids: [subnet-0aaaaaaaaaaaaaaa1, subnet-0bbbbbbbbbbbbbbb2, subnet-0ccccccccccccccc3]
    route_table_ids: [rtb-0aaaaaaaaaaaaaaa1, rtb-0bbbbbbbbbbbbbbb2]
    tags:
      Team: platform

- name: EKS nodes, plus Secrets Manager, with a restrictive ECR policy
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_id: vpc-0123456789abcdef0
    workload: eks
    extra_services: [secretsmanager]
    subnet_ids: "{{ private_subnet_ids }}"
    route_table_ids: "{{ private_route_table_ids }}"
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Principal: "*"
          Action: "*"
          Resource: "*"
          Condition:
            StringEquals:
              aws:PrincipalOrgID: o-exampleorgid

- name: Show the plan without changing anything
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_id: vpc-0123456789abcdef0
    subnet_ids: "{{ private_subnet_ids }}"
    route_table_ids: "{{ private_route_table_ids }}"
  check_mode: true
  diff: true
  register: plan

- name: One call per VPC, by its Name tag, placing the endpoints in the private subnets the module finds itself
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_name: containers-prod
    discover: always

- name: Data-perimeter endpoint policies for the organization, with the exceptions a pull needs
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_id: vpc-0123456789abcdef0
    discover: always
    perimeter_org_id: o-exampleorgid

- name: EKS nodes pulling from the organization's central registry account, behind a data perimeter
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_id: vpc-0123456789abcdef0
    discover: always
    workload: eks
    perimeter_org_id: o-exampleorgid
    registry_account_ids: ["222233334444"]
    perimeter_extra_s3_resources: ["arn:aws:s3:::my-node-bootstrap-bucket/*"]

- name: Remove what this collection created in the VPC (endpoints of every service, then the group)
  privatelink.ecr.ecr_private_endpoints:
    region: eu-west-1
    vpc_id: vpc-0123456789abcdef0
    state: absent
    purge_services: true

- name: In another account, through a role
  privatelink.ecr.ecr_private_endpoints:
    region: us-east-1
    role_arn: arn:aws:iam::111122223333:role/privatelink-ecr
    external_id: "{{ vault_external_id }}"
    vpc_id: vpc-0123456789abcdef0
    subnet_ids: "{{ private_subnet_ids }}"
    route_table_ids: "{{ private_route_table_ids }}"
"""

RETURN = r"""
endpoints:
  description: The endpoint of each wanted service after the run (in check mode, as it will be), keyed by short name.
  returned: always
  type: dict
  sample:
    ecr.api:
      vpc_endpoint_id: vpce-0123456789abcdef0
      service_name: com.amazonaws.eu-west-1.ecr.api
      vpc_endpoint_type: Interface
      state: available
      subnet_ids: [subnet-0aaaaaaaaaaaaaaa1]
      route_table_ids: []
      security_group_ids: [sg-0123456789abcdef0]
      private_dns_enabled: true
      dns_entries: [{dns_name: vpce-0123.api.ecr.eu-west-1.vpce.amazonaws.com, hosted_zone_id: Z2ABCDEF}]
      policy: null
      tags: {ManagedBy: privatelink.ecr}
      ip_address_type: ipv4
      dns_options: {dns_record_ip_type: ipv4, private_dns_only_for_inbound_resolver_endpoint: null}
  contains:
    vpc_endpoint_id:
      description: The endpoint id; in check mode a placeholder for an endpoint to be created.
      type: str
    service_name:
      description: The full service name.
      type: str
    vpc_endpoint_type:
      description: V(Interface) or V(Gateway).
      type: str
    state:
      description: The endpoint's state, V(available) when it serves traffic.
      type: str
    subnet_ids:
      description: Subnets of an interface endpoint.
      type: list
      elements: str
    route_table_ids:
      description: Route tables of a gateway endpoint.
      type: list
      elements: str
    security_group_ids:
      description: Security groups of an interface endpoint.
      type: list
      elements: str
    private_dns_enabled:
      description: Whether private DNS is on.
      type: bool
    dns_entries:
      description: The endpoint's DNS names.
      type: list
      elements: dict
    policy:
      description: The endpoint policy as a dict; null for none.
      type: dict
    tags:
      description: The endpoint's tags.
      type: dict
    ip_address_type:
      description: The IP address type of an interface endpoint.
      type: str
    dns_options:
      description:
        - An interface endpoint's DNS options as AWS reports them (null for a gateway endpoint).
        - "For an S3 interface endpoint with private DNS, C(private_dns_only_for_inbound_resolver_endpoint) is
          true only when the VPC has an S3 gateway endpoint (VPC traffic keeps using the gateway, on-premises
          resolvers get the interface endpoint); without one it is false, as AWS requires."
      type: dict
      contains:
        dns_record_ip_type:
          description: The DNS records created for the endpoint (V(ipv4), V(dualstack), V(ipv6), V(service-defined)).
          type: str
        private_dns_only_for_inbound_resolver_endpoint:
          description: Whether private DNS answers only queries from Route 53 inbound resolver endpoints.
          type: bool
security_group_id:
  description: The managed security group's id, when the module manages one (O(security_group_ids) empty).
  returned: always
  type: str
  sample: sg-0123456789abcdef0
discovered:
  description: The placement O(discover) found (null when it did not run).
  returned: always
  type: dict
  contains:
    subnet_ids:
      description: One private subnet per Availability Zone.
      type: list
      elements: str
    route_table_ids:
      description: The route tables serving the VPC's private subnets.
      type: list
      elements: str
    availability_zones:
      description: The zones of the VPC's private subnets.
      type: list
      elements: str
    skipped:
      description: For each service that skipped a discovered zone because AWS does not offer it there, those
        zones; V({}) when none did.
      type: dict
  sample:
    subnet_ids: [subnet-0aaaaaaaaaaaaaaa1, subnet-0bbbbbbbbbbbbbbb2]
    route_table_ids: [rtb-0aaaaaaaaaaaaaaa1]
    availability_zones: [eu-west-1a, eu-west-1b]
    skipped: {eks-auth: [eu-west-1b]}
left:
  description: With O(state=absent), the adopted endpoints (not created by the collection) that were kept, and why.
  returned: always
  type: list
  elements: dict
  sample:
    - vpc_endpoint_id: vpce-0123456789abcdef0
      service: ecr.api
      reason: "not created by privatelink.ecr (no ManagedBy tag): kept, and the managed security group taken back"
  contains:
    vpc_endpoint_id:
      description: The endpoint kept.
      type: str
    service:
      description: Its short service name.
      type: str
    reason:
      description: Why it was kept and what was given back.
      type: str
changes:
  description:
    - The plan, one item per action, in the order it is applied (the managed group, deletes, creates,
      modifications, the group's deletion). Empty when nothing changes. A C(create) that was applied carries
      the new C(vpc_endpoint_id) in its details.
    - On a failure after changes, the result still has RV(changes), listing exactly what was applied.
    - C(modify) and C(adopt) details list exactly what changes (C(add_subnet_ids), C(remove_subnet_ids),
      C(add_security_group_ids), C(remove_security_group_ids), C(add_route_table_ids),
      C(remove_route_table_ids), C(policy), C(reset_policy), C(private_dns_enabled), C(ip_address_type),
      C(tags)); the managed group's changes have service C(security_group).
  returned: always
  type: list
  elements: dict
  sample:
    - service: ecr.api
      action: modify
      details: {vpc_endpoint_id: vpce-0123456789abcdef0, add_subnet_ids: [subnet-0ccccccccccccccc3]}
  contains:
    service:
      description: Short service name, or C(security_group) for the managed group.
      type: str
    action:
      description: One of V(create), V(modify), V(delete), V(adopt).
      type: str
    details:
      description: What the action does.
      type: dict
diff:
  description: Before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description:
        - Endpoints (keyed by service) and the managed group before the run.
        - The policy of an endpoint on both sides shows only the statements that change (in C(before) their old
          form, in C(after) their new one); the statements both documents have alike are left out of both, which
          then carry C(unchanged_statements), their number. Equal policies are shown whole.
      type: dict
    after:
      description:
        - Endpoints and the managed group after the run (in check mode, as they will be), in the shape of C(before)
          (policies as there).
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    CONNECTION_ARGUMENT_SPEC,
    CONNECTION_MUTUALLY_EXCLUSIVE,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import check_local_input, reconcile
from ansible_collections.privatelink.ecr.plugins.module_utils._runner import run_module
from ansible_collections.privatelink.ecr.plugins.module_utils._services import WORKLOADS


def argument_spec():
    spec = dict(
        vpc_id=dict(type="str"),
        vpc_name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        workload=dict(type="str", default="fargate", choices=WORKLOADS),
        services=dict(type="list", elements="str"),
        extra_services=dict(type="list", elements="str", default=[]),
        s3_endpoint_type=dict(type="str", default="gateway", choices=["gateway", "interface"]),
        subnet_ids=dict(type="list", elements="str"),
        route_table_ids=dict(type="list", elements="str"),
        discover=dict(type="str", default="never", choices=["never", "always", "on_create"]),
        security_group_ids=dict(type="list", elements="str", default=[]),
        security_group_name=dict(type="str", default="ecr-private-endpoints"),
        allowed_cidrs=dict(type="list", elements="str"),
        private_dns_enabled=dict(type="bool", default=True),
        policy=dict(type="raw"),
        s3_policy=dict(type="raw"),
        tags=dict(type="dict", default={}),
        purge_services=dict(type="bool", default=False),
        ip_address_type=dict(type="str", default="ipv4", choices=["ipv4", "dualstack", "ipv6"]),
        perimeter_org_id=dict(type="str"),
        perimeter_extra_s3_resources=dict(type="list", elements="str", default=[]),
        registry_account_ids=dict(type="list", elements="str"),
        allow_blocking_policy=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    spec.update(CONNECTION_ARGUMENT_SPEC)
    return spec


def module_kwargs():
    """AnsibleModule's keyword arguments, shared with the action plugin of the same name."""
    return dict(argument_spec=argument_spec(),
                mutually_exclusive=[["vpc_id", "vpc_name"]] + CONNECTION_MUTUALLY_EXCLUSIVE,
                required_one_of=[["vpc_id", "vpc_name"]], supports_check_mode=True)


def run(module):
    """The module's work on ``module`` (an AnsibleModule, or the action plugin's InProcessModule:
    plugins/module_utils/_runner.py); ends in its exit_json or fail_json."""
    run_module(module, check_input, lambda connection: reconcile(connection, module.params, module.check_mode))


def check_input(params):
    """What can be checked without AWS (a ValueError names the option)."""
    if params.get("region"):
        check_local_input(params)
    if params["wait_timeout"] < 0:
        raise ValueError("wait_timeout must be zero or more seconds")


def main():
    run(AnsibleModule(**module_kwargs()))


if __name__ == "__main__":
    main()
