"""docs/iam-policy.json cannot be turned on resources the collection does not own (issue 16, point 5).

moto does not evaluate IAM conditions (docs/reliability.md), so each statement of the policy is
proven here with the policy evaluator: tests/support/iam_conditions.py, which reuses
``_policy_eval``'s matching helpers and adds the request context EC2 builds (resource tags, request
tags, ``aws:TagKeys``, ``ec2:CreateAction``; one authorization per resource of a call).

* ``EXPECTATIONS``: every call the module makes (plugins/module_utils/_apply.py) is allowed, and
  the calls that would turn the role on others' resources are denied;
* the policy is no wider and no narrower than needed: removing any statement, or any condition,
  or widening it in the ways listed in ``WRONG_POLICIES``, makes an expectation fail;
* what IAM cannot enforce (ModifyVpcEndpoint's parameters) is held by the module: an adopted
  endpoint only ever gets additive ModifyVpcEndpoint parameters (docs/iam/README.md);
* Route 53 (the zones module, hub and spokes): every Route 53 call plugins/module_utils/_route53_reader.py,
  _zones.py and _zones_apply.py make is allowed (parsed from the code, its paginator and waiter resolved through botocore), each
  EC2 read the audit makes is in ``AuditReadOnly``; Route 53 has no tag conditions, so IAM cannot
  tell an owned zone from a foreign one: the policy narrows what it can (private zones only, records
  under AWS service names only, hosted zones only) and the module's plan touches owned zones only.
"""

import copy
import json
import os
import re

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils._apply import PlanApplier
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import POLICY_KEPT
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import plan_give_back, plan_present
from ansible_collections.privatelink.ecr.plugins.module_utils import _zones_plan as zplan
from ansible_collections.privatelink.ecr.tests.support.iam_conditions import (
    Call,
    Resource,
    UnmodelledKey,
    authorize,
    authorize_all,
    condition_keys,
    create_tags,
    create_with_tags,
    created,
    existing,
)
from ansible_collections.privatelink.ecr.tests.unit.plan_fixtures import REGION, desired, endpoint

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
POLICY_PATH = os.path.join(ROOT, "docs", "iam-policy.json")
APPLY_PATH = os.path.join(ROOT, "plugins", "module_utils", "_apply.py")
# The zones module's Route 53 calls: its reader and its applier.
ZONES_PATHS = [os.path.join(ROOT, "plugins", "module_utils", name) for name in ("_route53_reader.py", "_zones.py", "_zones_apply.py")]
PTC_PATH = os.path.join(ROOT, "plugins", "module_utils", "_pull_through_cache.py")
WORKLOADS_PATH = os.path.join(ROOT, "plugins", "module_utils", "_workloads_reader.py")
READER_PATHS = [os.path.join(ROOT, "plugins", "module_utils", name) for name in ("_audit_reader.py", "_ec2_reader.py")]
OWNER = {"ManagedBy": "privatelink.ecr"}


def load_policy():
    with open(POLICY_PATH) as handle:
        return json.load(handle)


POLICY = load_policy()

# ---------------------------------------------------------------- the resources of the calls

VPC = existing("vpc", "vpc-0a")
SUBNETS = [existing("subnet", "subnet-a1"), existing("subnet", "subnet-b1", **{"privatelink.ecr/endpoints": "true"})]
ROUTE_TABLES = [existing("route-table", "rtb-1"), existing("route-table", "rtb-2", Name="private")]
OWNED_ENDPOINT = existing("vpc-endpoint", "vpce-owned", Team="platform", **OWNER)
ADOPTED_ENDPOINT = existing("vpc-endpoint", "vpce-theirs", Name="team-ecr-api")
UNTAGGED_ENDPOINT = existing("vpc-endpoint", "vpce-untagged")
TERRAFORM_ENDPOINT = existing("vpc-endpoint", "vpce-tf", ManagedBy="terraform")
MANAGED_GROUP = existing("security-group", "sg-managed", **OWNER)
THEIR_GROUP = existing("security-group", "sg-theirs", Team="db")
NEW_ENDPOINT = created("vpc-endpoint")
NEW_GROUP = created("security-group")
USER_TAGS = {"Team": "platform", "CostCenter": "42"}


def call(action, *resources, **kwargs):
    return Call("ec2:" + action, resources, **kwargs)


# Route 53: the hub's zones (global ARNs; tags are not in Route 53's request context, so an owned and a
# foreign zone are the same to IAM), the spoke's VPC as route53:VPCs, the record names a change writes.
OWNED_ZONE = existing("hostedzone", "Z0OWNEDAPI", **OWNER)
FOREIGN_ZONE = existing("hostedzone", "Z0CORPZONE", ManagedBy="terraform")
ANY = Resource("vpc", "*")
CHANGE = existing("change", "C2RDJ5EXAMPLE2")
HEALTH_CHECK = existing("healthcheck", "02ec8401-9879-4259-91fa-example94674")
SPOKE_VPC = {"route53:VPCs": "VPCId=vpc-0spoke,VPCRegion=eu-west-1"}
HUB_VPC = {"route53:VPCs": "VPCId=vpc-0a,VPCRegion=eu-west-1"}
RECORD_NAMES = "route53:ChangeResourceRecordSetsNormalizedRecordNames"


def r53(action, *resources, **kwargs):
    return Call("route53:" + action, resources, **kwargs)


def records(*names, **kwargs):
    """ChangeResourceRecordSets on a zone writing ``names`` (normalized: lower case, no final dot, ``*`` as \\052)."""
    context = {RECORD_NAMES: list(names)} if names else {}
    context.update(kwargs.pop("context", {}))
    return r53("ChangeResourceRecordSets", kwargs.pop("zone", OWNED_ZONE), context=context, **kwargs)


def reads():
    actions = [a for s in POLICY["Statement"] if s["Sid"] == "AuditReadOnly" for a in s["Action"]]
    return [(a + " (read)", [Call(a, [Resource("vpc", "*")], label=a)], True) for a in actions]


# (label, calls that happen together, expected: allowed?)
ALLOWED = [
    # CreateSecurityGroup with TagSpecifications (the managed group, ManagedBy and the tags option).
    ("create the managed group with the ownership tag",
     create_with_tags("ec2:CreateSecurityGroup", NEW_GROUP, [VPC], dict(USER_TAGS, **OWNER)), True),
    ("authorize 443 on the managed group", [call("AuthorizeSecurityGroupIngress", MANAGED_GROUP)], True),
    ("revoke a CIDR from the managed group", [call("RevokeSecurityGroupIngress", MANAGED_GROUP)], True),
    ("tag the managed group (tags option)", [create_tags([MANAGED_GROUP], USER_TAGS)], True),
    ("delete the managed group", [call("DeleteSecurityGroup", MANAGED_GROUP)], True),
    # CreateVpcEndpoint with TagSpecifications: interface (subnets, groups) and gateway (route tables).
    ("create an interface endpoint with the ownership tag, managed and user groups",
     create_with_tags("ec2:CreateVpcEndpoint", NEW_ENDPOINT, [VPC] + SUBNETS + [MANAGED_GROUP, THEIR_GROUP],
                      dict(USER_TAGS, **OWNER)), True),
    ("create the S3 gateway endpoint with the ownership tag",
     create_with_tags("ec2:CreateVpcEndpoint", NEW_ENDPOINT, [VPC] + ROUTE_TABLES, dict(OWNER)), True),
    # ModifyVpcEndpoint on owned endpoints: converged fully (adds and removals).
    ("modify an owned endpoint: add and remove subnets and groups",
     [call("ModifyVpcEndpoint", OWNED_ENDPOINT, *(SUBNETS + [MANAGED_GROUP, THEIR_GROUP]))], True),
    ("modify an owned gateway endpoint: add and remove route tables",
     [call("ModifyVpcEndpoint", OWNED_ENDPOINT, *ROUTE_TABLES)], True),
    ("modify an owned endpoint: policy, private DNS, IP address type", [call("ModifyVpcEndpoint", OWNED_ENDPOINT)],
     True),
    # ModifyVpcEndpoint on adopted endpoints: the module sends additions only (and on destroy takes back
    # the managed group); IAM sees the same action either way (docs/iam/README.md).
    ("adopt an endpoint: add subnets and the managed group",
     [call("ModifyVpcEndpoint", ADOPTED_ENDPOINT, *(SUBNETS + [MANAGED_GROUP]))], True),
    ("adopt an untagged gateway endpoint: add route tables",
     [call("ModifyVpcEndpoint", UNTAGGED_ENDPOINT, *ROUTE_TABLES)], True),
    ("adopt an endpoint tagged ManagedBy=terraform: turn private DNS on",
     [call("ModifyVpcEndpoint", TERRAFORM_ENDPOINT)], True),
    ("destroy: take the managed group back from an adopted endpoint",
     [call("ModifyVpcEndpoint", ADOPTED_ENDPOINT, MANAGED_GROUP)], True),
    # CreateTags after creation (the tags option), never the ownership key.
    ("tag an owned endpoint (tags option)", [create_tags([OWNED_ENDPOINT], USER_TAGS)], True),
    ("tag an adopted endpoint (tags option)", [create_tags([ADOPTED_ENDPOINT], USER_TAGS)], True),
    ("tag an untagged endpoint (tags option)", [create_tags([UNTAGGED_ENDPOINT], {"Team": "platform"})], True),
    # DeleteVpcEndpoints on owned endpoints, one or several per request.
    ("delete an owned endpoint", [call("DeleteVpcEndpoints", OWNED_ENDPOINT)], True),
    ("delete two owned endpoints in one request",
     [call("DeleteVpcEndpoints", OWNED_ENDPOINT, existing("vpc-endpoint", "vpce-owned2", **OWNER))], True),
]

# Every Route 53 call of plugins/module_utils/_route53_reader.py (the zones module's and the audit's reads)
# _zones.py and _zones_apply.py (the zones module's changes).
ROUTE53_ALLOWED = [
    # reads: hub run, spoke run, audit
    ("list the zones associated with the hub VPC", [r53("ListHostedZonesByVPC", ANY, context=HUB_VPC)], True),
    ("list the zones associated with a spoke VPC", [r53("ListHostedZonesByVPC", ANY, context=SPOKE_VPC)], True),
    # ecr_private_endpoints, before it turns private DNS on: the zones (any owner's) already on the VPC.
    ("list the zones associated with a VPC before turning private DNS on",
     [r53("ListHostedZonesByVPC", ANY, context={"route53:VPCs": "VPCId=vpc-0local,VPCRegion=eu-west-1"})], True),
    ("read the tags of the hub's zones (up to 10 per request)",
     [r53("ListTagsForResources", OWNED_ZONE, FOREIGN_ZONE)], True),
    ("read the records of an owned zone", [r53("ListResourceRecordSets", OWNED_ZONE)], True),
    ("list the pending association authorizations of an owned zone",
     [r53("ListVPCAssociationAuthorizations", OWNED_ZONE)], True),
    ("wait for a record change (the resource_record_sets_changed waiter)", [r53("GetChange", CHANGE)], True),
    ("read an owned zone's VPCs before a hub's destroy, or an untagged zone's CallerReference",
     [r53("GetHostedZone", OWNED_ZONE, FOREIGN_ZONE)], True),
    # hub: create, tag, write the alias records, delete
    ("create a private zone associated with the hub VPC",
     [r53("CreateHostedZone", ANY, context=HUB_VPC),
      r53("AssociateVPCWithHostedZone", created("hostedzone"), context=HUB_VPC,
          label="its VPC association (listed by AWS for a private CreateHostedZone)")], True),
    ("tag the new zone ManagedBy=privatelink.ecr and the tags option", [r53("ChangeTagsForResource", OWNED_ZONE)],
     True),
    ("upsert the apex alias of api.ecr", [records("api.ecr.eu-west-1.amazonaws.com")], True),
    ("upsert the apex and wildcard aliases of dkr.ecr",
     [records("dkr.ecr.eu-west-1.amazonaws.com", "\\052.dkr.ecr.eu-west-1.amazonaws.com")], True),
    ("upsert an alias in a China region", [records("api.ecr.cn-north-1.amazonaws.com.cn")], True),
    ("destroy: delete the records of an owned zone", [records("logs.eu-west-1.amazonaws.com")], True),
    ("destroy: delete an owned zone", [r53("DeleteHostedZone", OWNED_ZONE)], True),
    # spoke: same account, other account (authorize, associate, remove the authorization); destroy
    ("associate a spoke VPC with an owned zone", [r53("AssociateVPCWithHostedZone", OWNED_ZONE, context=SPOKE_VPC)],
     True),
    ("authorize another account's spoke VPC on an owned zone",
     [r53("CreateVPCAssociationAuthorization", OWNED_ZONE, context=SPOKE_VPC)], True),
    ("delete the association authorization afterwards",
     [r53("DeleteVPCAssociationAuthorization", OWNED_ZONE, context=SPOKE_VPC)], True),
    ("destroy: disassociate a spoke VPC from an owned zone",
     [r53("DisassociateVPCFromHostedZone", OWNED_ZONE, context=SPOKE_VPC)], True),
    # the audit of spokes: the hub's transit gateway attachments, the spokes' peering connections
    ("audit: the hub's transit gateway attachments", [Call("ec2:DescribeTransitGatewayVpcAttachments", [ANY])], True),
    ("audit: the spokes' peering connections", [Call("ec2:DescribeVpcPeeringConnections", [ANY])], True),
]
ALLOWED = ALLOWED + ROUTE53_ALLOWED


# ECR pull-through cache rules (the ecr_pull_through_cache module, _pull_through_cache.py). The rule actions
# have no resource type (registry-level: Resource "*"), a secret is the resource of Secrets Manager's actions
# (Service Authorization Reference, list_amazonelasticcontainerregistry.html and list_awssecretsmanager.html).
def secret(name):
    resource = existing("secret", name)
    resource.arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:" + name
    return resource


CACHE_SECRET = secret("ecr-pullthroughcache/docker-hub-AbCdEf")
OTHER_SECRET = secret("prod/db-password-AbCdEf")
PTC_ALLOWED = [
    ("read the registry's pull-through cache rules", [Call("ecr:DescribePullThroughCacheRules", [ANY])], True),
    ("create a pull-through cache rule", [Call("ecr:CreatePullThroughCacheRule", [ANY])], True),
    ("update a rule's secret in place", [Call("ecr:UpdatePullThroughCacheRule", [ANY])], True),
    ("delete a pull-through cache rule", [Call("ecr:DeletePullThroughCacheRule", [ANY])], True),
    ("describe a pull-through cache secret (metadata)", [Call("secretsmanager:DescribeSecret", [CACHE_SECRET])], True),
]
PTC_DENIED = [
    ("read a pull-through cache secret's value", [Call("secretsmanager:GetSecretValue", [CACHE_SECRET])], False),
    ("describe any other secret", [Call("secretsmanager:DescribeSecret", [OTHER_SECRET])], False),
    ("write a pull-through cache secret", [Call("secretsmanager:PutSecretValue", [CACHE_SECRET])], False),
    ("list every secret", [Call("secretsmanager:ListSecrets", [ANY])], False),
    ("validate a rule (ECR reads the secret's value)", [Call("ecr:ValidatePullThroughCacheRule", [ANY])], False),
    ("change the registry policy", [Call("ecr:PutRegistryPolicy", [ANY])], False),
    ("create a repository", [Call("ecr:CreateRepository", [ANY])], False),
    ("delete a repository", [Call("ecr:DeleteRepository", [ANY])], False),
]
ALLOWED = ALLOWED + PTC_ALLOWED

DENIED = [
    # The ownership tag is written only when creating.
    ("write ManagedBy on an adopted endpoint", [create_tags([ADOPTED_ENDPOINT], dict(OWNER))], False),
    ("write ManagedBy on an untagged endpoint", [create_tags([UNTAGGED_ENDPOINT], dict(OWNER))], False),
    ("write ManagedBy among other tags on an adopted endpoint",
     [create_tags([ADOPTED_ENDPOINT], dict(USER_TAGS, **OWNER))], False),
    ("overwrite ManagedBy=terraform with privatelink.ecr", [create_tags([TERRAFORM_ENDPOINT], dict(OWNER))], False),
    ("rewrite ManagedBy on an owned endpoint (disown it)",
     [create_tags([OWNED_ENDPOINT], {"ManagedBy": "someone-else"})], False),
    ("write ManagedBy on a security group of the user", [create_tags([THEIR_GROUP], dict(OWNER))], False),
    ("write ManagedBy on the VPC", [create_tags([VPC], dict(OWNER))], False),
    ("write ManagedBy on an endpoint claiming a create that is not one",
     [Call("ec2:CreateTags", [ADOPTED_ENDPOINT], request_tags=dict(OWNER), tagged=[ADOPTED_ENDPOINT],
           create_action="CreateVpc", label="CreateTags with ec2:CreateAction=CreateVpc")], False),
    ("tag a subnet while creating it", [Call("ec2:CreateTags", [SUBNETS[0]], request_tags=dict(OWNER),
                                             tagged=[SUBNETS[0]], create_action="CreateSubnet")], False),
    ("tag a security group of the user (even without ManagedBy)", [create_tags([THEIR_GROUP], USER_TAGS)], False),
    ("tag an endpoint with an empty tag set (the Null check)", [create_tags([ADOPTED_ENDPOINT], {})], False),
    ("remove the ownership tag from an owned endpoint",
     [call("DeleteTags", OWNED_ENDPOINT, request_tags={"ManagedBy": ""}, tagged=[OWNED_ENDPOINT])], False),
    ("remove another tag from an owned endpoint",
     [call("DeleteTags", OWNED_ENDPOINT, request_tags={"Team": ""}, tagged=[OWNED_ENDPOINT])], False),
    ("remove a tag from an adopted endpoint",
     [call("DeleteTags", ADOPTED_ENDPOINT, request_tags={"Name": ""}, tagged=[ADOPTED_ENDPOINT])], False),
    # Creates carry the ownership tag.
    ("create an endpoint without tags",
     [call("CreateVpcEndpoint", NEW_ENDPOINT, VPC, *SUBNETS)], False),
    ("create an endpoint with other tags only",
     create_with_tags("ec2:CreateVpcEndpoint", NEW_ENDPOINT, [VPC] + SUBNETS, dict(USER_TAGS)), False),
    ("create an endpoint tagged ManagedBy=terraform",
     create_with_tags("ec2:CreateVpcEndpoint", NEW_ENDPOINT, [VPC] + SUBNETS, {"ManagedBy": "terraform"}), False),
    ("create a security group without the ownership tag",
     create_with_tags("ec2:CreateSecurityGroup", NEW_GROUP, [VPC], dict(USER_TAGS)), False),
    ("create a security group without tags", [call("CreateSecurityGroup", NEW_GROUP, VPC)], False),
    # Delete only what carries the ownership tag.
    ("delete an adopted endpoint", [call("DeleteVpcEndpoints", ADOPTED_ENDPOINT)], False),
    ("delete an untagged endpoint", [call("DeleteVpcEndpoints", UNTAGGED_ENDPOINT)], False),
    ("delete an endpoint tagged ManagedBy=terraform", [call("DeleteVpcEndpoints", TERRAFORM_ENDPOINT)], False),
    ("delete an owned and an adopted endpoint in one request",
     [call("DeleteVpcEndpoints", OWNED_ENDPOINT, ADOPTED_ENDPOINT)], False),
    ("delete a security group of the user", [call("DeleteSecurityGroup", THEIR_GROUP)], False),
    # Change the rules of the owned group only.
    ("authorize ingress on a security group of the user", [call("AuthorizeSecurityGroupIngress", THEIR_GROUP)],
     False),
    ("revoke ingress from a security group of the user", [call("RevokeSecurityGroupIngress", THEIR_GROUP)], False),
    ("authorize egress on the managed group (never used)", [call("AuthorizeSecurityGroupEgress", MANAGED_GROUP)],
     False),
    # Nothing else the module never calls.
    ("delete a subnet", [call("DeleteSubnet", SUBNETS[0])], False),
    ("delete a route table", [call("DeleteRouteTable", ROUTE_TABLES[0])], False),
    ("create a route in a route table", [call("CreateRoute", ROUTE_TABLES[0])], False),
    ("modify a VPC attribute", [call("ModifyVpcAttribute", VPC)], False),
    ("modify an endpoint service's configuration",
     [Call("ec2:ModifyVpcEndpointServiceConfiguration", [existing("vpc-endpoint-service", "vpce-svc-1")])], False),
    ("create an endpoint service", [Call("ec2:CreateVpcEndpointServiceConfiguration",
                                         [created("vpc-endpoint-service")], request_tags=dict(OWNER),
                                         tagged=[created("vpc-endpoint-service")])], False),
    ("pass a role", [Call("iam:PassRole", [Resource("vpc", "*")])], False),
    # Route 53: only private zones, only records under AWS service names, only hosted zones.
    ("create a public hosted zone (no VPC)", [r53("CreateHostedZone", ANY)], False),
    ("write a record of your own domain", [records("www.example.com", zone=FOREIGN_ZONE)], False),
    ("write a record whose name only begins like an AWS name",
     [records("api.ecr.eu-west-1.amazonaws.com.example.org", zone=FOREIGN_ZONE)], False),
    ("write AWS service records and one of your own in one change",
     [records("api.ecr.eu-west-1.amazonaws.com", "corp.example.com")], False),
    ("change records with no record name in the context (the Null check)", [records()], False),
    ("tag a health check", [r53("ChangeTagsForResource", HEALTH_CHECK)], False),
    ("read a health check's tags", [r53("ListTagsForResources", HEALTH_CHECK)], False),
    ("create a health check", [r53("CreateHealthCheck", ANY)], False),
    ("list every hosted zone of the account", [r53("ListHostedZones", ANY)], False),
    ("change a zone's comment", [r53("UpdateHostedZoneComment", OWNED_ZONE)], False),
    ("turn DNSSEC signing on", [r53("EnableHostedZoneDNSSEC", OWNED_ZONE)], False),
    ("create a query logging configuration", [r53("CreateQueryLoggingConfig", OWNED_ZONE)], False),
    ("create a reusable delegation set", [r53("CreateReusableDelegationSet", ANY)], False),
    ("create a traffic policy instance in a zone", [r53("CreateTrafficPolicyInstance", FOREIGN_ZONE)], False),
    ("transfer a domain", [Call("route53domains:TransferDomain", [ANY])], False),
    ("associate a Resolver rule", [Call("route53resolver:AssociateResolverRule", [ANY])], False),
    ("create an IAM role", [Call("iam:CreateRole", [ANY])], False),
    ("attach a policy to a role", [Call("iam:AttachRolePolicy", [ANY])], False),
    ("assume another role", [Call("sts:AssumeRole", [ANY])], False),
]

DENIED = DENIED + PTC_DENIED

EXPECTATIONS = reads() + ALLOWED + DENIED


def verdict(policy, calls):
    return authorize_all(policy, calls)


def failures(policy):
    """The labels of the expectations the policy does not meet."""
    wrong = []
    for label, calls, expected in EXPECTATIONS:
        if verdict(policy, calls).allowed != expected:
            wrong.append((label, expected))
    return wrong


# ---------------------------------------------------------------- the policy meets every expectation

@pytest.mark.parametrize("label,calls,expected", EXPECTATIONS, ids=[e[0] for e in EXPECTATIONS])
def test_the_policy(label, calls, expected):
    result = verdict(POLICY, calls)
    assert result.allowed == expected, "%s: %r" % (label, result)


def test_the_sids_behind_the_main_permissions():
    def sids(calls):
        return set(verdict(POLICY, calls).deciding)

    create_endpoint = create_with_tags("ec2:CreateVpcEndpoint", NEW_ENDPOINT, [VPC] + SUBNETS, dict(OWNER))
    assert {"CreateEndpointsOnlyWithTheOwnershipTag", "PlaceEndpointsInSubnetsRouteTablesAndGroups",
            "TagOnlyWhileCreating"} == sids(create_endpoint)
    assert sids([call("DeleteVpcEndpoints", OWNED_ENDPOINT)]) == {"DeleteOnlyOwnedEndpoints"}
    assert "ModifyOwnedEndpoints" in sids([call("ModifyVpcEndpoint", OWNED_ENDPOINT)])
    assert "ModifyAdoptedEndpointsAdditionsOnlyByTheModule" in sids([call("ModifyVpcEndpoint", ADOPTED_ENDPOINT)])
    assert sids([create_tags([ADOPTED_ENDPOINT], USER_TAGS)]) == {"TagAdoptedEndpointsWithoutTheOwnershipKey"}
    assert sids([create_tags([MANAGED_GROUP], USER_TAGS)]) == {"TagOwnedResourcesWithoutTheOwnershipKey"}
    assert sids([r53("CreateHostedZone", ANY, context=HUB_VPC)]) == {"Route53CreatePrivateZonesOnly"}
    assert sids([records("api.ecr.eu-west-1.amazonaws.com")]) == {"Route53WriteAwsServiceRecordsOnly"}
    assert sids([r53("ListResourceRecordSets", OWNED_ZONE)]) == {"Route53ReadHostedZones"}
    assert sids([r53("DeleteHostedZone", OWNED_ZONE)]) == {
        "Route53TagDeleteAndAssociateZonesOwnershipCheckedByTheModule"}


def test_every_condition_key_is_evaluated_not_guessed():
    keys = condition_keys(POLICY)
    assert keys == {"aws:RequestTag/ManagedBy", "aws:ResourceTag/ManagedBy", "aws:TagKeys", "ec2:CreateAction",
                    "route53:VPCs", RECORD_NAMES}
    with pytest.raises(UnmodelledKey):
        authorize({"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
                                  "Condition": {"StringEquals": {"ec2:Vpc": "x"}}}]}, call("DeleteSubnet", VPC))


def test_every_call_the_applier_makes_is_an_allowed_expectation():
    """Each boto3 call in _apply.py that changes something is proven allowed above."""
    with open(APPLY_PATH) as handle:
        names = set(re.findall(r"self\.client\.([a-z_]+)\(", handle.read()))
    mutating = set("ec2:" + "".join(p.capitalize() for p in n.split("_")) for n in names
                   if not n.startswith(("describe_", "get_")))
    assert mutating >= {"ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:CreateTags"}, mutating
    allowed_actions = set(c.action for _name, calls, expected in ALLOWED if expected for c in calls)
    assert mutating <= allowed_actions, mutating - allowed_actions
    assert set(a for a in policy_actions() if a.startswith("ec2:") and not a.startswith(("ec2:Describe", "ec2:Get"))) \
        == mutating


def policy_actions():
    return set(a for s in POLICY["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"]))


def _route53_api():
    import botocore.session
    return botocore.session.get_session().create_client("route53", region_name="us-east-1", aws_access_key_id="x",
                                                        aws_secret_access_key="x")


def zones_route53_calls():
    """``route53:Action`` of every Route 53 request _route53_reader.py, _zones.py and _zones_apply.py can send: the methods
    called on their clients (``self.client`` of Route53Reader, ``self.owner`` / ``self.vpc`` of ZonesApplier),
    the operations of their paginators, and the operation their waiters poll, named as botocore names them."""
    source = ""
    for path in ZONES_PATHS:
        with open(path) as handle:
            source += handle.read()
    api = _route53_api()
    methods = set(re.findall(r"self\.(?:client|owner|vpc)\.([a-z_]+)\b", source)) - {"get_paginator", "get_waiter"}
    methods |= set(re.findall(r"get_paginator\(\"([a-z_]+)\"\)", source))
    names = set(api.meta.method_to_api_mapping[m] for m in methods)
    names |= set(api.get_waiter(w).config.operation for w in re.findall(r"get_waiter\(\"([a-z_]+)\"\)", source))
    return set("route53:" + n for n in names)


def test_every_route53_call_of_the_zones_module_is_an_allowed_expectation():
    """Parsed from _route53_reader.py, _zones.py and _zones_apply.py: a new Route 53 call there fails this test until the policy allows it here."""
    calls = zones_route53_calls()
    assert calls >= {"route53:CreateHostedZone", "route53:ChangeResourceRecordSets", "route53:GetChange",
                     "route53:ListResourceRecordSets", "route53:AssociateVPCWithHostedZone"}, calls
    allowed_actions = set(c.action for _name, batch, expected in ROUTE53_ALLOWED if expected for c in batch)
    assert calls <= allowed_actions, calls - allowed_actions
    # and the policy grants no Route 53 action the code does not call
    assert set(a for a in policy_actions() if a.startswith("route53:")) == calls


def test_every_call_of_the_pull_through_cache_module_is_allowed_and_nothing_more():
    """Parsed from _pull_through_cache.py: its ECR and Secrets Manager calls (methods on its clients, its
    paginator) are exactly the policy's ecr: and secretsmanager: actions, each an allowed expectation."""
    import botocore.session
    with open(PTC_PATH) as handle:
        source = handle.read()
    session = botocore.session.get_session()
    calls = set()
    for service, pattern in (("ecr", r"self\.client\.([a-z_]+)\("), ("ecr", r"get_paginator\(\"([a-z_]+)\"\)"),
                             ("secretsmanager", r"client\(\"secretsmanager\"\)\.([a-z_]+)\(")):
        api = session.create_client(service, region_name="us-east-1", aws_access_key_id="x",
                                    aws_secret_access_key="x")
        calls |= set("%s:%s" % (service, api.meta.method_to_api_mapping[m]) for m in re.findall(pattern, source))
    assert calls == {"ecr:DescribePullThroughCacheRules", "ecr:CreatePullThroughCacheRule",
                     "ecr:UpdatePullThroughCacheRule", "ecr:DeletePullThroughCacheRule",
                     "secretsmanager:DescribeSecret"}, calls
    allowed_actions = set(c.action for _name, batch, expected in PTC_ALLOWED if expected for c in batch)
    assert calls == allowed_actions
    # plus the audit's read of the cached repositories (_workloads_reader.py, test below)
    assert set(a for a in policy_actions() if a.startswith(("ecr:", "secretsmanager:"))) == calls | {
        "ecr:DescribeRepositories"}


def test_every_call_of_the_workloads_reader_is_in_the_read_statement_and_nothing_more():
    """Parsed from _workloads_reader.py: its ECS, EKS, ECR and Secrets Manager calls (methods on its clients,
    paginated operation names). The ECS/EKS/ECR ones are exactly the read statement's ecs:, eks: and ecr:
    actions; DescribeSecret is the pull-through cache secrets' metadata-only statement, which it needs too."""
    import botocore.session
    with open(WORKLOADS_PATH) as handle:
        source = handle.read()
    session = botocore.session.get_session()
    names = set(re.findall(r"\.((?:describe|list|get)_[a-z_]+)\(", source))
    names |= set(re.findall(r"\"((?:describe|list|get)_[a-z_]+)\"", source))
    calls = set()
    for service in ("ecs", "eks", "ecr", "secretsmanager"):
        api = session.create_client(service, region_name="us-east-1", aws_access_key_id="x",
                                    aws_secret_access_key="x")
        calls |= set("%s:%s" % (service, api.meta.method_to_api_mapping[n]) for n in names
                     if n in api.meta.method_to_api_mapping)
    # the rules are read through _pull_through_cache.PullThroughCacheReader (its paginator)
    calls.add("ecr:DescribePullThroughCacheRules")
    audit = set(a for s in POLICY["Statement"] if s["Sid"] == "AuditReadOnly" for a in s["Action"])
    assert set(a for a in audit if a.startswith(("ecs:", "eks:", "ecr:"))) == calls - {"secretsmanager:DescribeSecret"}
    assert {"ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ecs:DescribeTaskDefinition",
            "eks:ListClusters", "eks:DescribeCluster", "ecr:DescribeRepositories",
            "secretsmanager:DescribeSecret"} <= calls, calls
    assert verdict(POLICY, [Call("secretsmanager:DescribeSecret", [CACHE_SECRET])]).allowed


def test_the_endpoints_module_calls_route53_only_through_the_zones_module_s_reader():
    """_reconcile.py's private-DNS pre-check lists zones with _zones.Route53Reader (parsed above), nothing else."""
    with open(os.path.join(ROOT, "plugins", "module_utils", "_reconcile.py")) as handle:
        source = handle.read()
    assert re.findall(r"Route53Reader\(self\.connection\.client\(\"route53\"\)\)\.([a-z_]+)\(", source) == [
        "zones_of_vpc"]
    assert source.count('client("route53")') == 1
    assert "route53:ListHostedZonesByVPC" in zones_route53_calls()


def test_every_ec2_read_of_the_audit_and_the_readers_is_in_the_read_statement():
    """The EC2 reads _audit_reader.py and _ec2_reader.py name (methods, paginated operation names)."""
    api_names = set()
    for path in READER_PATHS:
        with open(path) as handle:
            source = handle.read()
        api_names |= set(re.findall(r"\.((?:describe|get)_[a-z_]+)\(", source))
        api_names |= set(re.findall(r"\"((?:describe|get)_[a-z_]+)\"", source))
    import botocore.session
    ec2 = botocore.session.get_session().create_client("ec2", region_name="us-east-1", aws_access_key_id="x",
                                                       aws_secret_access_key="x")
    reads = set("ec2:" + ec2.meta.method_to_api_mapping[n] for n in api_names
                if n in ec2.meta.method_to_api_mapping)
    assert {"ec2:DescribeTransitGatewayVpcAttachments", "ec2:DescribeVpcPeeringConnections"} <= reads, reads
    audit = set(a for s in POLICY["Statement"] if s["Sid"] == "AuditReadOnly" for a in s["Action"])
    assert reads <= audit, reads - audit


# ---------------------------------------------------------------- no wider, no narrower

# Conditions whose removal changes nothing on its own: ModifyVpcEndpoint and CreateTags on endpoints are
# split into an owned and an adopted statement whose ResourceTag conditions are complements (the union is
# every endpoint; IAM cannot tell additive from removing parameters, docs/iam/README.md). The split lets an
# organisation delete the two adoption statements to forbid adoption in IAM (test below).
COMPLEMENTARY = {("ModifyOwnedEndpoints", "aws:ResourceTag/ManagedBy"),
                 ("ModifyAdoptedEndpointsAdditionsOnlyByTheModule", "aws:ResourceTag/ManagedBy"),
                 ("TagAdoptedEndpointsWithoutTheOwnershipKey", "aws:ResourceTag/ManagedBy")}


def without_statement(policy, sid):
    result = copy.deepcopy(policy)
    result["Statement"] = [s for s in result["Statement"] if s["Sid"] != sid]
    return result


def without_condition(policy, sid, key):
    result = copy.deepcopy(policy)
    for statement in result["Statement"]:
        if statement["Sid"] == sid:
            for operator in list(statement["Condition"]):
                statement["Condition"][operator].pop(key, None)
                if not statement["Condition"][operator]:
                    del statement["Condition"][operator]
            if not statement["Condition"]:
                del statement["Condition"]
    return result


@pytest.mark.parametrize("sid", [s["Sid"] for s in POLICY["Statement"]])
def test_each_statement_is_needed(sid):
    wrong = failures(without_statement(POLICY, sid))
    assert any(expected for _request, expected in wrong), "nothing needs %s" % sid


CONDITIONS = [(s["Sid"], key) for s in POLICY["Statement"] for pairs in (s.get("Condition") or {}).values()
              for key in pairs]


@pytest.mark.parametrize("sid,key", CONDITIONS, ids=["%s-%s" % c for c in CONDITIONS])
def test_each_condition_is_needed(sid, key):
    wrong = failures(without_condition(POLICY, sid, key))
    if (sid, key) in COMPLEMENTARY:
        assert wrong == []
    else:
        assert any(not expected for _request, expected in wrong), "nothing is denied by %s on %s" % (key, sid)


def _edit(sid, change):
    def apply(policy):
        result = copy.deepcopy(policy)
        for statement in result["Statement"]:
            if statement["Sid"] == sid:
                change(statement)
        return result
    return apply


def _rename_operator(old, new):
    def change(statement):
        statement["Condition"][new] = statement["Condition"].pop(old)
    return change


def _add_statement(statement):
    def apply(policy):
        result = copy.deepcopy(policy)
        result["Statement"].append(statement)
        return result
    return apply


WRONG_POLICIES = {
    # too wide
    "the old policy's shape: deploy actions on every resource":
        _add_statement({"Sid": "Old", "Effect": "Allow", "Resource": "*", "Action": [
            "ec2:CreateVpcEndpoint", "ec2:ModifyVpcEndpoint", "ec2:CreateSecurityGroup",
            "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:CreateTags"]}),
    "endpoint placement on every resource (vpc-endpoint included)":
        _edit("PlaceEndpointsInSubnetsRouteTablesAndGroups", lambda s: s.update(Resource="*")),
    "ForAnyValue instead of ForAllValues on the tag keys":
        _edit("TagAdoptedEndpointsWithoutTheOwnershipKey",
              _rename_operator("ForAllValues:StringNotEquals", "ForAnyValue:StringNotEquals")),
    "the ownership key left out of the excluded tag keys":
        _edit("TagOwnedResourcesWithoutTheOwnershipKey",
              lambda s: s["Condition"].update({"ForAllValues:StringNotEquals": {"aws:TagKeys": "Owner"}})),
    "tagging during any create": _edit("TagOnlyWhileCreating", lambda s: s["Condition"]["StringEquals"].update(
        {"ec2:CreateAction": ["CreateVpcEndpoint", "CreateSecurityGroup", "CreateVpc", "CreateSubnet"]})),
    "group rules on every group": _edit("ChangeOnlyTheOwnedGroup", lambda s: s.pop("Condition")),
    "DeleteTags granted": _edit("TagOwnedResourcesWithoutTheOwnershipKey",
                                lambda s: s.update(Action=["ec2:CreateTags", "ec2:DeleteTags"])),
    "ec2:* on owned resources": _add_statement({"Sid": "Wide", "Effect": "Allow", "Action": "ec2:*",
                                                "Resource": "*", "Condition": {"StringEquals": {
                                                    "aws:ResourceTag/ManagedBy": "privatelink.ecr"}}}),
    "the ownership condition inverted on delete":
        _edit("DeleteOnlyOwnedEndpoints", _rename_operator("StringEquals", "StringNotEquals")),
    # too narrow
    "CreateTags during creation on endpoints only":
        _edit("TagOnlyWhileCreating", lambda s: s.update(Resource=s["Resource"][:1])),
    "no route tables for endpoints":
        _edit("PlaceEndpointsInSubnetsRouteTablesAndGroups", lambda s: s.update(
            Resource=[r for r in s["Resource"] if "route-table" not in r])),
    "no security groups for endpoints":
        _edit("PlaceEndpointsInSubnetsRouteTablesAndGroups", lambda s: s.update(
            Resource=[r for r in s["Resource"] if "security-group" not in r])),
    "the ownership value misspelt on delete": _edit("DeleteOnlyOwnedEndpoints", lambda s: s.update(Condition={
        "StringEquals": {"aws:ResourceTag/ManagedBy": "PrivateLink.ECR"}})),
    "reads without DescribeVpcEndpointServices": _edit("AuditReadOnly", lambda s: s.update(
        Action=[a for a in s["Action"] if a != "ec2:DescribeVpcEndpointServices"])),
    "Route 53 writes on every resource": _edit("Route53TagDeleteAndAssociateZonesOwnershipCheckedByTheModule",
                                               lambda s: s.update(Resource="*")),
    "route53:* on hosted zones": _add_statement({"Sid": "R53", "Effect": "Allow", "Action": "route53:*",
                                                "Resource": "arn:aws:route53:::hostedzone/*"}),
    "ForAnyValue instead of ForAllValues on the record names":
        _edit("Route53WriteAwsServiceRecordsOnly",
              _rename_operator("ForAllValues:StringLike", "ForAnyValue:StringLike")),
    "record names matched without the leading dot (amazonaws.com.example.org)":
        _edit("Route53WriteAwsServiceRecordsOnly", lambda s: s["Condition"]["ForAllValues:StringLike"].update(
            {RECORD_NAMES: ["*amazonaws.com*"]})),
    "ListHostedZones instead of ListHostedZonesByVPC": _edit("Route53ListTheZonesOfAVpc", lambda s: s.update(
        Action="route53:ListHostedZones")),
    "no AWS China record names": _edit("Route53WriteAwsServiceRecordsOnly", lambda s: s["Condition"][
        "ForAllValues:StringLike"].update({RECORD_NAMES: ["*.amazonaws.com"]})),
    "GetChange on hosted zones instead of changes": _edit("Route53FollowChanges", lambda s: s.update(
        Resource="arn:aws:route53:::hostedzone/*")),
    "an explicit Deny of ModifyVpcEndpoint on unowned endpoints":
        _add_statement({"Sid": "NoAdoption", "Effect": "Deny", "Action": "ec2:ModifyVpcEndpoint",
                        "Resource": "*", "Condition": {"StringNotEquals": {
                            "aws:ResourceTag/ManagedBy": "privatelink.ecr"}}}),
}


@pytest.mark.parametrize("name", sorted(WRONG_POLICIES))
def test_a_wrong_policy_fails_an_expectation(name):
    assert failures(WRONG_POLICIES[name](POLICY)), "%s passes every expectation" % name


def test_without_the_adoption_statements_iam_forbids_adoption_and_owned_work_goes_on():
    strict = without_statement(without_statement(POLICY, "ModifyAdoptedEndpointsAdditionsOnlyByTheModule"),
                               "TagAdoptedEndpointsWithoutTheOwnershipKey")
    wrong = dict((label, expected) for label, expected in failures(strict))
    assert wrong and all(expected for expected in wrong.values())
    assert all("adopt" in label or "destroy" in label or "untagged" in label for label in wrong), wrong


# ---------------------------------------------------------------- what IAM cannot enforce, the module does

def test_iam_cannot_tell_additive_from_removing_parameters():
    """ModifyVpcEndpoint's context has the endpoint's tags and region, not its parameters: removing a
    subnet of an adopted endpoint is authorized exactly as adding one (docs/iam/README.md)."""
    add = [call("ModifyVpcEndpoint", ADOPTED_ENDPOINT, SUBNETS[1])]
    remove = [call("ModifyVpcEndpoint", ADOPTED_ENDPOINT, SUBNETS[0])]
    assert verdict(POLICY, add).allowed and verdict(POLICY, remove).allowed


class RecordingClient:
    def __init__(self):
        self.calls = []

    def modify_vpc_endpoint(self, **kwargs):
        self.calls.append(("ModifyVpcEndpoint", kwargs))
        return {"Return": True}

    def create_tags(self, **kwargs):
        self.calls.append(("CreateTags", kwargs))
        return {}


ADDITIVE = {"VpcEndpointId", "AddSubnetIds", "AddRouteTableIds", "AddSecurityGroupIds", "PrivateDnsEnabled"}


def _sent_for(actions):
    client = RecordingClient()
    applier = PlanApplier(client, "vpc-0a")
    for action in actions:
        applier.modify_endpoint(action)
    return client.calls


def test_the_module_sends_adopted_endpoints_additions_only():
    zones = {"subnet-a1": "eu-west-1a", "subnet-a2": "eu-west-1a", "subnet-b1": "eu-west-1b"}
    theirs = [endpoint("vpce-theirs", "ecr.api", owned=False, subnet_ids=["subnet-a2"], private_dns_enabled=False,
                       security_group_ids=["sg-theirs"], ip_address_type="dualstack",
                       policy={"Version": "2012-10-17", "Statement": []}, tags={"Team": "db"}),
              endpoint("vpce-s3", "s3", "Gateway", owned=False, route_table_ids=["rtb-theirs"])]
    # Everything the user asks differs from what the owner set: only additions may come out.
    wanted = [desired("ecr.api", subnet_ids=["subnet-a1", "subnet-b1"], security_group_ids=["sg-managed"],
                      private_dns_enabled=True, ip_address_type="ipv4", policy=POLICY_KEPT, tags={"Team": "platform"}),
              desired("s3", "Gateway", route_table_ids=["rtb-1"], policy=POLICY_KEPT)]
    actions = plan_present(wanted, theirs, REGION, zone_of=zones)
    assert [a["action"] for a in actions] == ["adopt", "adopt"]
    sent = _sent_for(actions)
    modifies = [kwargs for name, kwargs in sent if name == "ModifyVpcEndpoint"]
    assert len(modifies) == 2
    for kwargs in modifies:
        assert set(kwargs) <= ADDITIVE, kwargs
        assert kwargs.get("PrivateDnsEnabled", True) is True
    tags = [kwargs["Tags"] for name, kwargs in sent if name == "CreateTags"]
    assert tags and all("ManagedBy" not in [t["Key"] for t in tag_list] for tag_list in tags)
    # destroy takes back the managed group, and only it
    back, _left = plan_give_back([dict(theirs[0], security_group_ids=["sg-managed", "sg-theirs"])], "sg-managed", REGION)
    assert [kwargs for _call, kwargs in _sent_for(back)] == [
        {"VpcEndpointId": "vpce-theirs", "RemoveSecurityGroupIds": ["sg-managed"]}]


# ---------------------------------------------------------------- Route 53: what IAM cannot tell, the plan does

def test_iam_cannot_tell_an_owned_zone_from_a_foreign_one():
    """Route 53 puts no tags into the request context: deleting, tagging or associating a zone is
    authorized the same whether it carries ManagedBy=privatelink.ecr or not (docs/iam/README.md)."""
    for action in ("DeleteHostedZone", "ChangeTagsForResource", "DisassociateVPCFromHostedZone"):
        assert verdict(POLICY, [r53(action, OWNED_ZONE, context=SPOKE_VPC)]).allowed
        assert verdict(POLICY, [r53(action, FOREIGN_ZONE, context=SPOKE_VPC)]).allowed
    # a zone of your own names cannot be emptied by the role, and DeleteHostedZone refuses a zone that
    # holds more than its SOA and NS records (HostedZoneNotEmpty)
    assert not verdict(POLICY, [records("db.corp.example.com", zone=FOREIGN_ZONE)]).allowed


API_ZONE = "api.ecr.eu-west-1.amazonaws.com"


def _zone(zone_id, owned, vpcs=(("vpc-0a", "eu-west-1"),), account="111122223333"):
    return {"zone_id": zone_id, "name": API_ZONE, "owned": owned, "tags": dict(OWNER) if owned else {},
            "vpcs": [list(v) for v in vpcs], "account_id": account, "authorizations": [],
            "records": {zplan.record_key(API_ZONE): {"dns_name": "old.example", "hosted_zone_id": "Z1", "raw": {}}}}


def test_the_plan_changes_deletes_and_associates_owned_zones_only():
    wanted = [{"name": API_ZONE, "service": "ecr.api", "wildcard": False}]
    target = {"ecr.api": {"vpc_endpoint_id": "vpce-1", "dns_name": "vpce-1.example", "hosted_zone_id": "Z2"}}
    foreign = _zone("Z0CORPZONE", owned=False)
    # hub, present: a foreign zone of the name is left alone (no tag, no record, no second zone)
    actions, left = zplan.plan_hub(wanted, [foreign], target, "vpc-0a", "eu-west-1", {"Team": "platform"})
    assert actions == [] and [x["zone_id"] for x in left] == ["Z0CORPZONE"]
    # hub, absent: only the owned zone is deleted
    owned = _zone("Z0OWNEDAPI", owned=True)
    assert zplan.plan_hub_absent(wanted, [foreign], "vpc-0a") == []
    assert [a["details"]["zone_id"] for a in zplan.plan_hub_absent(wanted, [owned, foreign], "vpc-0a")] == \
        ["Z0OWNEDAPI"]
    # spoke: a foreign zone of the hub is neither associated nor disassociated
    for present in (True, False):
        spoke_foreign = _zone("Z0CORPZONE", owned=False, vpcs=(("vpc-0a", "eu-west-1"), ("vpc-0spoke", "eu-west-1")))
        actions, left, _notes = zplan.plan_spoke(
            wanted, [spoke_foreign], "vpc-0spoke", "eu-west-1", "111122223333", present)
        assert actions == [] and [x["zone_id"] for x in left] == ["Z0CORPZONE"]
    actions, _left, _notes = zplan.plan_spoke(
        wanted, [_zone("Z0OWNEDAPI", owned=True)], "vpc-0spoke", "eu-west-1", "444455556666", True)
    assert [(a["action"], a["details"]["zone_id"], a["details"]["cross_account"]) for a in actions] == \
        [("associate", "Z0OWNEDAPI", True)]
