#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ecr_endpoint_zones
short_description: Share a hub VPC's ECR endpoints with spoke VPCs through Route 53 private hosted zones
version_added: 0.1.0
description:
  - Centralized endpoints - a B(hub) VPC per region holds the interface endpoints (with private DNS off, made by
    M(privatelink.ecr.ecr_private_endpoints)) and one Route 53 private hosted zone per service, which this module
    creates and associates with every B(spoke) VPC, in the hub's account or in another account.
  - On a hub (O(hub_vpc_id) and O(hub_vpc_name) omitted, or naming O(vpc_id) itself) the module creates, in the
    hub's account, one private hosted zone per private DNS name of each service, named as
    C(DescribeVpcEndpointServices) reports it (C(api.ecr.REGION.amazonaws.com), C(dkr.ecr.REGION.amazonaws.com),
    C(logs.REGION.amazonaws.com)), associated with the hub VPC, with an apex alias record to the hub's endpoint
    and a C(*.) alias record where the private DNS name is a wildcard (C(*.dkr.ecr.REGION.amazonaws.com)).
    Records that point elsewhere are corrected in place.
  - On a spoke (O(hub_vpc_id) or O(hub_vpc_name) naming the hub) the module associates the spoke VPC with the
    hub's zones. When the zones belong to another account, the zone's account authorizes the association
    (C(CreateVPCAssociationAuthorization), with the O(zone_owner) connection), the spoke's account associates
    (C(AssociateVPCWithHostedZone), with the module's own connection), and the authorization is deleted
    (C(DeleteVPCAssociationAuthorization)) whatever the outcome; an authorization an interrupted run left
    behind is deleted.
  - S3 is never centralized; each spoke keeps its own S3 gateway endpoint (gateway endpoints cannot be shared).
  - Zones the module creates carry the tag C(ManagedBy=privatelink.ecr). A zone of a wanted name without it is
    left alone (listed in RV(left)); spokes are not associated with it.
  - Reads everything first, computes a plan, checks what Route 53 would refuse (a spoke VPC already associated
    with another zone of the name, a spoke's own endpoint holding the name with private DNS, a hub endpoint with
    private DNS on), and then applies it. In check mode the plan is returned in RV(changes) and nothing that
    mutates is called; in diff mode RV(diff) shows C(before) and C(after).
  - The hub's own endpoints, security group and the network path from the spokes to the hub (transit gateway or
    peering) are not this module's; the audit (M(privatelink.ecr.ecr_private_endpoints_info) with its
    O(privatelink.ecr.ecr_private_endpoints_info#module:hub) option) checks them.
author:
  - privatelink.ecr maintainers (@privatelink)
options:
  vpc_id:
    description: The VPC to serve - the hub itself, or a spoke. Exactly one of O(vpc_id) and O(vpc_name).
    type: str
  vpc_name:
    description: The value of the VPC's C(Name) tag; exactly one VPC of the region must carry it.
    type: str
  hub_vpc_id:
    description:
      - The hub VPC whose endpoints the zones point at, read with the O(zone_owner) connection. Omitted (with
        O(hub_vpc_name)), O(vpc_id) is the hub.
    type: str
  hub_vpc_name:
    description: The hub VPC by its C(Name) tag, instead of O(hub_vpc_id).
    type: str
  zone_owner:
    description:
      - The connection of the hub's account, which owns the zones, when it is not the module's own (a spoke in
        another account). It uses the module's region, endpoint and base credentials, with its own role.
      - Omitted, the module's own connection reads and changes the zones.
      - One module call holds both connections, so the authorization, the association and the deletion of the
        authorization happen together and none is left behind, and check mode shows the whole plan.
    type: dict
    suboptions:
      role_arn:
        description: A role in the hub's account, assumed from the base credentials. Omitted, the base credentials.
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
            profile), used instead of the module's O(profile); O(zone_owner.role_arn) is assumed on top of it.
          - Omitted, the module's own credentials; an empty string, the environment's credentials.
        type: str
  state:
    description:
      - V(present) creates and converges the zones (hub) or the associations (spoke).
      - V(absent) on a hub deletes the owned zones of the selected services (their records first); on a spoke it
        disassociates the VPC from the hub's owned zones. Zones without the ownership tag are never touched.
        A hub whose zones are associated with a VPC other than itself and O(leaving_vpc_ids) fails before any
        change, naming those VPCs (and their accounts, from O(vpc_accounts)), unless O(force_destroy).
      - V(query) changes nothing and reads only the VPC, for RV(vpc_cidrs) (the C(privatelink.ecr.deploy) playbook
        learns a spoke's CIDR blocks with it, with the spoke's own connection, before it converges the hubs).
    type: str
    choices: [present, absent, query]
    default: present
  leaving_vpc_ids:
    description:
      - With O(state=absent) on a hub, the VPCs (its spokes) taken off its zones in the same run, whose association
        does not stop the deletion (in check mode they are still associated).
    type: list
    elements: str
    default: []
  force_destroy:
    description:
      - With O(state=absent) on a hub, delete its zones even when they are associated with VPCs outside
        O(leaving_vpc_ids); those VPCs lose the names of the hub's services (a warning names them).
    type: bool
    default: false
  vpc_accounts:
    description:
      - VPC id to account id, to name the account of each VPC that stops a hub's deletion (the role passes the
        inventory's C(vpc_id) and C(aws_account_id)).
    type: dict
    default: {}
  tags:
    description: Tags set on the zones the module manages (hub only); other existing tags are left alone.
    type: dict
    default: {}
  wait:
    description: Wait until Route 53 reports each record change C(INSYNC).
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
  - "Zones are created with a C(CallerReference) derived from the hub VPC and the zone name, so a retried or
    interrupted create finds its own zone (C(HostedZoneAlreadyExists) - read, tag, go on; an untagged zone of
    that reference is recognised and tagged) instead of leaving an untagged twin. Route 53's C(Throttling) and
    C(PriorRequestNotComplete) are retried by botocore's retry mode, C(ConcurrentModification) by the module,
    with increasing waits."
  - "A no-op hub run reads the VPC, the endpoint services, the hub's endpoints, the zones associated with the hub
    (C(ListHostedZonesByVPC)), their tags and each owned zone's records; a no-op spoke run reads the two VPCs, the
    endpoint services, the zones associated with each VPC, their tags and, across accounts, each zone's pending
    authorizations."
  - "IAM: C(route53:ListHostedZonesByVPC), C(route53:ListTagsForResources), C(route53:ListResourceRecordSets), C(route53:GetHostedZone),
    C(route53:GetChange), C(route53:CreateHostedZone), C(route53:ChangeTagsForResource),
    C(route53:ChangeResourceRecordSets), C(route53:DeleteHostedZone) and C(ec2:DescribeVpcs) in the hub's account;
    C(route53:CreateVPCAssociationAuthorization), C(route53:ListVPCAssociationAuthorizations),
    C(route53:DeleteVPCAssociationAuthorization) and C(route53:DisassociateVPCFromHostedZone) in the hub's account
    for spokes; C(route53:AssociateVPCWithHostedZone), C(route53:ListHostedZonesByVPC), C(ec2:DescribeVpcs) and
    C(ec2:DescribeVpcEndpoints) in each spoke's account. Creating or associating a private zone also needs
    C(ec2:DescribeVpcs) on the VPC, as Route 53 checks it with the caller's credentials."
seealso:
  - module: privatelink.ecr.ecr_private_endpoints
  - module: privatelink.ecr.ecr_private_endpoints_info
  - name: Associating a VPC and a private hosted zone created with different accounts
    description: Route 53's guide to the authorization, association and deletion of the authorization.
    link: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html
"""

EXAMPLES = r"""
- name: On the hub - one private hosted zone per service, pointing at the hub's endpoints
  privatelink.ecr.ecr_endpoint_zones:
    region: eu-west-1
    vpc_id: vpc-0aaaaaaaaaaaaaaa1
    workload: fargate

- name: On a spoke of the same account - associate it with the hub's zones
  privatelink.ecr.ecr_endpoint_zones:
    region: eu-west-1
    vpc_id: vpc-0bbbbbbbbbbbbbbb2
    hub_vpc_id: vpc-0aaaaaaaaaaaaaaa1

- name: On a spoke of another account - the hub's account authorizes, the spoke's associates
  privatelink.ecr.ecr_endpoint_zones:
    region: eu-west-1
    role_arn: arn:aws:iam::222222222222:role/privatelink-ecr
    vpc_id: vpc-0ccccccccccccccc3
    hub_vpc_id: vpc-0aaaaaaaaaaaaaaa1
    zone_owner:
      role_arn: arn:aws:iam::111111111111:role/privatelink-ecr
  check_mode: true
  diff: true

- name: Take a spoke off the hub's zones
  privatelink.ecr.ecr_endpoint_zones:
    region: eu-west-1
    vpc_id: vpc-0bbbbbbbbbbbbbbb2
    hub_vpc_id: vpc-0aaaaaaaaaaaaaaa1
    state: absent
"""

RETURN = r"""
mode:
  description: V(hub) when the module served the hub VPC itself, V(spoke) for a spoke, V(query) with O(state=query).
  returned: success
  type: str
  sample: spoke
vpc_id:
  description: The VPC served.
  returned: success
  type: str
  sample: vpc-0bbbbbbbbbbbbbbb2
hub_vpc_id:
  description: The hub VPC (null with O(state=query)).
  returned: success
  type: str
  sample: vpc-0aaaaaaaaaaaaaaa1
vpc_cidrs:
  description: The IPv4 and IPv6 CIDR blocks of O(vpc_id) (associated ones).
  returned: success
  type: list
  elements: str
  sample: [10.1.0.0/16]
zones:
  description:
    - The hub's zones of the wanted services after the run (in check mode, as they will be), keyed by zone name
      (the service's private DNS name without a leading C(*.)).
  returned: success
  type: dict
  sample:
    dkr.ecr.eu-west-1.amazonaws.com:
      zone_id: Z0123456789ABCDEFGHIJ
      service: ecr.dkr
      account_id: "111111111111"
      owned: true
      associated: true
      records:
        - {name: "*.dkr.ecr.eu-west-1.amazonaws.com", type: A, alias_dns_name: vpce-0123-abcd.dkr.ecr.eu-west-1.vpce.amazonaws.com}
        - {name: dkr.ecr.eu-west-1.amazonaws.com, type: A, alias_dns_name: vpce-0123-abcd.dkr.ecr.eu-west-1.vpce.amazonaws.com}
  contains:
    zone_id:
      description: The hosted zone id; in check mode a placeholder for a zone to be created.
      type: str
    service:
      description: The short name of the service the zone stands in for.
      type: str
    account_id:
      description: The account owning the zone, when known.
      type: str
    owned:
      description: Whether the zone carries the ownership tag.
      type: bool
    associated:
      description: Whether O(vpc_id) is associated with the zone.
      type: bool
    records:
      description: The zone's alias records (read on a hub run only; V([]) on a spoke run).
      type: list
      elements: dict
changes:
  description:
    - The plan, in the order it is applied; empty when nothing changes. Actions are V(create_zone), V(tag_zone),
      V(upsert_records), V(associate) (C(cross_account) true when it goes through an authorization),
      V(delete_authorization), V(disassociate) and V(delete_zone).
    - On a failure after changes, the result still has RV(changes), listing exactly what was applied.
  returned: always
  type: list
  elements: dict
  sample:
    - service: ecr.api
      action: associate
      details: {zone_id: Z0123456789ABCDEFGHIJ, name: api.ecr.eu-west-1.amazonaws.com, vpc_id: vpc-0ccccccccccccccc3,
                vpc_region: eu-west-1, cross_account: true, zone_account_id: "111111111111"}
  contains:
    service:
      description: Short service name.
      type: str
    action:
      description: What is done.
      type: str
    details:
      description: The zone, the VPC, the records or tags concerned.
      type: dict
left:
  description: Zones of a wanted name the collection did not create, left alone, and why.
  returned: success
  type: list
  elements: dict
  contains:
    service:
      description: Short service name.
      type: str
    zone_id:
      description: The zone left alone.
      type: str
    name:
      description: Its name.
      type: str
    reason:
      description: Why it was left alone.
      type: str
diff:
  description: Before and after, in diff mode.
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description: The zones (as in RV(zones)) before the run.
      type: dict
    after:
      description: The zones after the run (in check mode, as they will be).
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    CONNECTION_ARGUMENT_SPEC,
    CONNECTION_MUTUALLY_EXCLUSIVE,
    DEFAULT_SESSION_NAME,
    AwsConnection,
    other_account_params,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import OWNER_TAG_KEY
from ansible_collections.privatelink.ecr.plugins.module_utils._runner import run_module
from ansible_collections.privatelink.ecr.plugins.module_utils._services import WORKLOADS
from ansible_collections.privatelink.ecr.plugins.module_utils._zones import centralized_services, run_zones


def argument_spec():
    spec = dict(
        vpc_id=dict(type="str"),
        vpc_name=dict(type="str"),
        hub_vpc_id=dict(type="str"),
        hub_vpc_name=dict(type="str"),
        zone_owner=dict(type="dict", options=dict(
            role_arn=dict(type="str"),
            external_id=dict(type="str", no_log=True),
            role_session_name=dict(type="str", default=DEFAULT_SESSION_NAME),
            profile=dict(type="str"),
        )),
        state=dict(type="str", default="present", choices=["present", "absent", "query"]),
        leaving_vpc_ids=dict(type="list", elements="str", default=[]),
        force_destroy=dict(type="bool", default=False),
        vpc_accounts=dict(type="dict", default={}),
        workload=dict(type="str", default="fargate", choices=WORKLOADS),
        services=dict(type="list", elements="str"),
        extra_services=dict(type="list", elements="str", default=[]),
        tags=dict(type="dict", default={}),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    spec.update(CONNECTION_ARGUMENT_SPEC)
    return spec


def owner_connection(module):
    """The zone owner's connection (None: the module's own): the module's region, endpoint and base
    credentials, with the zone owner's role."""
    owner = module.params.get("zone_owner")
    if owner is None:
        return None
    return AwsConnection(other_account_params(module.params, owner))


def module_kwargs():
    """AnsibleModule's keyword arguments, shared with the action plugin of the same name."""
    return dict(argument_spec=argument_spec(),
                mutually_exclusive=[["vpc_id", "vpc_name"], ["hub_vpc_id", "hub_vpc_name"]]
                + CONNECTION_MUTUALLY_EXCLUSIVE,
                required_one_of=[["vpc_id", "vpc_name"]], supports_check_mode=True)


def run(module):
    """The module's work on ``module`` (an AnsibleModule, or the action plugin's InProcessModule:
    plugins/module_utils/_runner.py); ends in its exit_json or fail_json."""
    run_module(module, check_input,
               lambda connection: run_zones(connection, owner_connection(module), module.params, module.check_mode))


def check_input(params):
    """What can be checked without AWS (a ValueError names the option)."""
    if params.get("region"):
        centralized_services(params)
    if params["wait_timeout"] < 0:
        raise ValueError("wait_timeout must be zero or more seconds")
    if params.get("zone_owner") is not None and not (params.get("hub_vpc_id") or params.get("hub_vpc_name")):
        raise ValueError("zone_owner applies to a spoke (with hub_vpc_id or hub_vpc_name): a hub's zones are "
                         "created in the hub VPC's own account, with the module's connection")
    if OWNER_TAG_KEY in (params.get("tags") or {}):
        raise ValueError("tags: %s is the ownership tag the module sets itself; remove it from tags" % OWNER_TAG_KEY)


def main():
    run(AnsibleModule(**module_kwargs()))


if __name__ == "__main__":
    main()
