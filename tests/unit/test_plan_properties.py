"""Property-based tests (Hypothesis) for the pure plan in plugins/module_utils/_plan.py.

The plan is judged by oracles that are not the collection's code:

- ``ec2_after``: what EC2 holds after the API calls each action stands for, written from the EC2 API
  reference (CreateVpcEndpoint, ModifyVpcEndpoint, CreateTags, DeleteVpcEndpoints) — not ``_plan.predict``,
  which is itself checked against it;
- ``expected_plan``: which endpoints the plan must create, delete, modify or adopt, computed from the
  rules the deploy guide states (one endpoint serves a service: the user's own over the collection's,
  then the one holding the private DNS name, then the oldest; an owned duplicate, an owned endpoint of
  the wrong type or in a state it never leaves is deleted, never the user's own; the user's own are only
  ever added to) with no call into the collection;
- hand-worked tables of small cases with their exact plans.

For any current state and any desired state, the plan reaches the desired state in one run and the next
plan is empty. The managed security group's plan is checked rule by rule the way EC2 applies it:
authorizing a rule that exists (``InvalidPermission.Duplicate``) or revoking one that does not
(``InvalidPermission.NotFound``) is an error, so a plan that sends either fails here.
"""

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# The plan's input vocabulary: the marker for an omitted policy option.
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import POLICY_KEPT
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import (
    plan_absent,
    plan_present,
    plan_security_group,
    predict,
)

REGION = "eu-west-1"
SERVICES = ("ecr.api", "ecr.dkr", "s3", "logs", "sts")
SUBNETS = ("subnet-0000000a", "subnet-0000000b", "subnet-0000000c")
GROUPS = ("sg-0000000a", "sg-0000000b")
ROUTE_TABLES = ("rtb-0000000a", "rtb-0000000b", "rtb-0000000c")
STATES = ("available", "pending", "pendingAcceptance", "failed", "rejected", "expired", "deleted", "deleting")
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
                                                     "Resource": "*"}]}
ORG_ONLY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetAuthorizationToken"],
     "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-example"}}}]}
# The same document as ORG_ONLY, spelled as AWS returns it (other order, a list where a string was).
ORG_ONLY_RESPELLED = {"Statement": [
    {"Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-example"]}}, "Resource": ["*"],
     "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "Principal": {"AWS": "*"},
     "Effect": "Allow"}], "Version": "2012-10-17"}
POLICIES = (None, ALLOW_ALL, ORG_ONLY, ORG_ONLY_RESPELLED)
# Tag keys a user may set; the ownership key is set by the module only (see test_bad_input_table).
TAG_KEYS = ("Team", "Env", "Name")
OWNER = {"ManagedBy": "privatelink.ecr"}
# What the collection documents as the ownership tag and the endpoint states (EC2 API reference,
# VpcEndpoint.State: PendingAcceptance | Pending | Available | Deleting | Deleted | Rejected | Failed | Expired).
GONE = ("deleted", "deleting")
BROKEN = ("failed", "rejected", "expired")
GATEWAY, INTERFACE = "Gateway", "Interface"
EXAMPLES = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def full_name(service):
    return "com.amazonaws.%s.%s" % (REGION, service)


def subset(pool, min_size=0):
    return st.lists(st.sampled_from(pool), min_size=min_size, unique=True).map(sorted)


tags = st.dictionaries(st.sampled_from(TAG_KEYS), st.sampled_from(("a", "b")), max_size=2)


@st.composite
def current_endpoint(draw, index):
    service = draw(st.sampled_from(SERVICES))
    etype = GATEWAY if service == "s3" and draw(st.booleans()) else INTERFACE
    owned = draw(st.booleans())
    endpoint_tags = dict(draw(tags), **(OWNER if owned else {}))
    return {
        "vpc_endpoint_id": "vpce-%017x" % index,
        "service_name": full_name(service),
        "vpc_endpoint_type": etype,
        "state": draw(st.sampled_from(STATES)),
        "subnet_ids": draw(subset(SUBNETS)) if etype == INTERFACE else [],
        "route_table_ids": draw(subset(ROUTE_TABLES)) if etype == GATEWAY else [],
        "security_group_ids": draw(subset(GROUPS)) if etype == INTERFACE else [],
        "private_dns_enabled": draw(st.booleans()) if etype == INTERFACE else False,
        "ip_address_type": draw(st.sampled_from(("ipv4", "dualstack", None))) if etype == INTERFACE else None,
        "dns_entries": [],
        "policy": draw(st.sampled_from(POLICIES)),
        "tags": endpoint_tags,
        "creation_timestamp": draw(st.sampled_from(("2026-01-01", "2026-02-01", ""))),
    }


@st.composite
def current_state(draw):
    count = draw(st.integers(min_value=0, max_value=7))
    return [draw(current_endpoint(i)) for i in range(count)]


@st.composite
def desired_state(draw):
    services = draw(st.lists(st.sampled_from(SERVICES), min_size=1, unique=True))
    specs = []
    for service in services:
        etype = GATEWAY if service == "s3" and draw(st.booleans()) else INTERFACE
        spec = {"service": service, "service_name": full_name(service), "vpc_endpoint_type": etype,
                "policy": draw(st.sampled_from(POLICIES + (POLICY_KEPT,))), "tags": draw(tags), "subnet_ids": None,
                "route_table_ids": None, "security_group_ids": None, "private_dns_enabled": None,
                "ip_address_type": None}
        if etype == GATEWAY:
            spec["route_table_ids"] = draw(st.none() | subset(ROUTE_TABLES, min_size=1))
        else:
            spec["subnet_ids"] = draw(st.none() | subset(SUBNETS, min_size=1))
            spec["security_group_ids"] = draw(subset(GROUPS, min_size=1))
            spec["private_dns_enabled"] = draw(st.booleans())
            spec["ip_address_type"] = draw(st.sampled_from(("ipv4", "dualstack", "ipv6")))
        specs.append(spec)
    return specs


# Which documents are the same policy, by hand: AWS may return a document re-spelled (other key order,
# a one-element list for a string, {"AWS": "*"} for "*"), and its default policy (None here) is the
# full-access document ("Control access to VPC endpoints using endpoint policies",
# https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
SAME_POLICY = [(None, ALLOW_ALL), (ORG_ONLY, ORG_ONLY_RESPELLED)]


def same_policy(left, right):
    return any(left in group and right in group for group in SAME_POLICY)


def owned(endpoint):
    return endpoint.get("tags", {}).get("ManagedBy") == "privatelink.ecr"


def alive(endpoints):
    return [e for e in endpoints if (e.get("state") or "").lower() not in GONE]


def satisfies(endpoint, spec):
    """``endpoint`` is what ``spec`` asks for, field by field (None in the spec: keep as is). The user's
    own endpoints are adopted additively: they hold at least what is asked and keep what they had;
    their private DNS is only ever turned on and their IP address type left alone."""
    if endpoint["vpc_endpoint_type"] != spec["vpc_endpoint_type"]:
        return False
    mine = owned(endpoint)
    for key in ("subnet_ids", "route_table_ids", "security_group_ids"):
        if spec[key] is None or (key == "subnet_ids" and spec["vpc_endpoint_type"] == GATEWAY):
            continue
        if mine and sorted(endpoint[key]) != sorted(spec[key]):
            return False
        if not mine and not set(spec[key]) <= set(endpoint[key]):
            return False
    dns = spec["private_dns_enabled"]
    if dns is not None and (mine or dns) and bool(endpoint["private_dns_enabled"]) != dns:
        return False
    if mine and spec["ip_address_type"] and endpoint.get("ip_address_type") and \
            endpoint["ip_address_type"] != spec["ip_address_type"]:
        return False
    if spec["policy"] != POLICY_KEPT and not same_policy(spec["policy"], endpoint["policy"]):
        return False
    if any(endpoint["tags"].get(key) != value for key, value in spec["tags"].items()):
        return False
    return (endpoint.get("state") or "").lower() not in BROKEN + GONE


def serving_rank(endpoint):
    """Which endpoint serves a service when there are several (deploy guide): the user's own first, then
    the one with private DNS, then the oldest, then the lowest id."""
    return (0 if not owned(endpoint) else 1, 0 if endpoint.get("private_dns_enabled") else 1,
            endpoint.get("creation_timestamp") or "", endpoint["vpc_endpoint_id"])


def expected_plan(desired, current, purge):
    """The set of (action, endpoint id or service) the plan must hold, from the rules alone."""
    expected = set()
    endpoints = alive(current)
    for spec in desired:
        same = [e for e in endpoints if e["service_name"] == spec["service_name"]]
        for endpoint in same:
            wrong_type = endpoint["vpc_endpoint_type"] != spec["vpc_endpoint_type"]
            broken = endpoint["state"].lower() in BROKEN
            if owned(endpoint) and (wrong_type or broken):
                expected.add(("delete", endpoint["vpc_endpoint_id"]))
        usable = sorted((e for e in same if e["vpc_endpoint_type"] == spec["vpc_endpoint_type"]
                         and e["state"].lower() not in BROKEN), key=serving_rank)
        if not usable:
            expected.add(("create", spec["service"]))
            continue
        keeper = usable[0]
        for extra in usable[1:]:
            if owned(extra):
                expected.add(("delete", extra["vpc_endpoint_id"]))
        if not satisfies(keeper, spec):
            expected.add(("modify" if owned(keeper) else "adopt", keeper["vpc_endpoint_id"]))
    if purge:
        wanted = set(spec["service_name"] for spec in desired)
        expected |= set(("delete", e["vpc_endpoint_id"]) for e in endpoints
                        if owned(e) and e["service_name"] not in wanted)
    return expected


def plan_summary(actions):
    return set((a["action"], a["details"].get("vpc_endpoint_id") if a["action"] != "create" else a["service"])
               for a in actions)


def ec2_after(current, actions):
    """What EC2 holds after the plan's calls (EC2 API reference):

    - CreateVpcEndpoint (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html):
      a new endpoint with the given subnets / route tables / groups, PrivateDnsEnabled, IpAddressType,
      PolicyDocument (none: the default full-access policy) and TagSpecifications;
    - ModifyVpcEndpoint (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html):
      Add/Remove SubnetIds, SecurityGroupIds, RouteTableIds; PrivateDnsEnabled; IpAddressType;
      PolicyDocument, or ResetPolicy to the default policy;
    - CreateTags (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html): adds or
      overwrites the given keys only;
    - DeleteVpcEndpoints (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html).

    Removing what is not attached, adding what is, or modifying a deleted endpoint fails the test.
    """
    world = {e["vpc_endpoint_id"]: dict(e, tags=dict(e["tags"])) for e in alive(current)}
    for number, action in enumerate(actions):
        details = action["details"]
        if action["action"] == "create":
            new_id = "vpce-new%d" % number
            world[new_id] = {
                "vpc_endpoint_id": new_id, "service_name": details["service_name"],
                "vpc_endpoint_type": details["vpc_endpoint_type"], "state": "available",
                "subnet_ids": list(details.get("subnet_ids") or []),
                "route_table_ids": list(details.get("route_table_ids") or []),
                "security_group_ids": list(details.get("security_group_ids") or []),
                "private_dns_enabled": bool(details.get("private_dns_enabled")),
                "ip_address_type": details.get("ip_address_type"), "policy": details.get("policy"),
                "tags": dict(details.get("tags") or {}), "creation_timestamp": "2099-%04d" % number}
            continue
        assert details["vpc_endpoint_id"] in world, "%s of an endpoint that is not there" % action["action"]
        if action["action"] == "delete":
            del world[details["vpc_endpoint_id"]]
            continue
        endpoint = world[details["vpc_endpoint_id"]]
        for key in ("subnet_ids", "security_group_ids", "route_table_ids"):
            have = list(endpoint[key])
            for value in details.get("add_" + key, []):
                assert value not in have, "adds %s, already attached" % value
                have.append(value)
            for value in details.get("remove_" + key, []):
                assert value in have, "removes %s, not attached" % value
                have.remove(value)
            endpoint[key] = have
        for key in ("private_dns_enabled", "ip_address_type"):
            if key in details:
                endpoint[key] = details[key]
        if details.get("reset_policy"):
            assert "policy" not in details
            endpoint["policy"] = None
        if "policy" in details:
            endpoint["policy"] = details["policy"]
        endpoint["tags"].update(details.get("tags", {}))
    return sorted(world.values(), key=lambda e: e["vpc_endpoint_id"])


@EXAMPLES
@given(current=current_state(), desired=desired_state(), purge=st.booleans())
def test_the_plan_holds_exactly_the_expected_actions(current, desired, purge):
    actions = plan_present(desired, current, REGION, purge)
    assert plan_summary(actions) == expected_plan(desired, current, purge)
    assert len(actions) == len(plan_summary(actions))  # one action per endpoint or created service


@EXAMPLES
@given(current=current_state(), desired=desired_state(), purge=st.booleans())
def test_applying_the_plan_in_ec2_yields_desired_and_the_next_plan_is_empty(current, desired, purge):
    actions = plan_present(desired, current, REGION, purge)
    after = ec2_after(current, actions)
    for spec in desired:
        serving = [e for e in after if e["service_name"] == spec["service_name"]
                   and e["vpc_endpoint_type"] == spec["vpc_endpoint_type"]
                   and e["state"].lower() not in BROKEN]
        assert serving and satisfies(sorted(serving, key=serving_rank)[0], spec)
        # One owned endpoint per wanted service at most: duplicates are gone.
        assert len([e for e in serving if owned(e)]) <= 1
    assert plan_present(desired, after, REGION, purge) == []


@EXAMPLES
@given(current=current_state(), desired=desired_state(), purge=st.booleans())
def test_the_users_endpoints_are_never_deleted_nor_narrowed(current, desired, purge):
    actions = plan_present(desired, current, REGION, purge)
    after = dict((e["vpc_endpoint_id"], e) for e in ec2_after(current, actions))
    for endpoint in alive(current):
        if owned(endpoint):
            continue
        kept = after[endpoint["vpc_endpoint_id"]]
        for key in ("subnet_ids", "route_table_ids", "security_group_ids"):
            assert set(endpoint[key]) <= set(kept[key])
        assert kept["ip_address_type"] == endpoint["ip_address_type"]
        assert kept["private_dns_enabled"] >= endpoint["private_dns_enabled"]
        assert not owned(kept)


@EXAMPLES
@given(current=current_state(), desired=desired_state(), purge=st.booleans())
def test_predict_agrees_with_ec2(current, desired, purge):
    # The check-mode "after" (_plan.predict) is judged by the EC2 model, not the other way round.
    actions = plan_present(desired, current, REGION, purge)
    fields = ("service_name", "vpc_endpoint_type", "subnet_ids", "route_table_ids", "security_group_ids",
              "private_dns_enabled", "ip_address_type", "policy", "tags")

    def comparable(endpoints):
        return sorted(([e["vpc_endpoint_id"] if e["vpc_endpoint_id"].startswith("vpce-0") else "new"]
                       + [sorted(e[f]) if isinstance(e[f], list) else e[f] for f in fields]
                       for e in endpoints), key=repr)
    assert comparable(predict(current, actions, REGION)) == comparable(ec2_after(current, actions))


@EXAMPLES
@given(current=current_state(), services=st.lists(st.sampled_from(SERVICES), unique=True), purge=st.booleans())
def test_absent_removes_exactly_the_owned_endpoints_asked_for(current, services, purge):
    names = set(full_name(s) for s in services)
    actions = plan_absent(names, current, REGION, purge)
    assert plan_summary(actions) == set(("delete", e["vpc_endpoint_id"]) for e in alive(current)
                                        if owned(e) and (purge or e["service_name"] in names))
    assert len(actions) == len(plan_summary(actions))


def endpoint(eid, service, owner=True, etype=INTERFACE, state="available", subnets=(), groups=("sg-0000000a",),
             dns=True, created="2026-01-01", tables=(), policy=None, ip="ipv4"):
    return {"vpc_endpoint_id": eid, "service_name": full_name(service), "vpc_endpoint_type": etype,
            "state": state, "subnet_ids": list(subnets), "route_table_ids": list(tables),
            "security_group_ids": list(groups) if etype == INTERFACE else [], "private_dns_enabled": dns,
            "ip_address_type": ip if etype == INTERFACE else None, "dns_entries": [], "policy": policy,
            "tags": dict(OWNER) if owner else {}, "creation_timestamp": created}


def want(service, etype=INTERFACE, subnets=("subnet-0000000a",), groups=("sg-0000000a",), dns=True,
         tables=None, policy=POLICY_KEPT, tags=None, ip="ipv4"):
    interface = etype == INTERFACE
    return {"service": service, "service_name": full_name(service), "vpc_endpoint_type": etype, "policy": policy,
            "tags": tags or {}, "subnet_ids": list(subnets) if interface and subnets is not None else None,
            "route_table_ids": None if interface or tables is None else list(tables),
            "security_group_ids": list(groups) if interface else None,
            "private_dns_enabled": dns if interface else None, "ip_address_type": ip if interface else None}


A, B, C = SUBNETS
# Hand-worked: (current, desired, purge, the plan as (action, endpoint or service, details without the id)).
HAND_WORKED = [
    ("nothing yet", [], [want("ecr.api")], False,
     [("create", "ecr.api", None)]),
    ("in place", [endpoint("vpce-01", "ecr.api", subnets=[A])], [want("ecr.api")], False, []),
    ("one subnet more, one less", [endpoint("vpce-01", "ecr.api", subnets=[A, B])], [want("ecr.api", subnets=[B, C])],
     False, [("modify", "vpce-01", {"add_subnet_ids": [C], "remove_subnet_ids": [A]})]),
    ("the user's own, narrower: only added to",
     [endpoint("vpce-01", "ecr.dkr", owner=False, subnets=[A, B], groups=["sg-0000000b"], dns=False, ip="dualstack")],
     [want("ecr.dkr", subnets=[A], dns=True)], False,
     [("adopt", "vpce-01", {"add_security_group_ids": ["sg-0000000a"], "private_dns_enabled": True})]),
    ("failed owned one replaced", [endpoint("vpce-01", "logs", state="failed", subnets=[A])], [want("logs")], False,
     [("delete", "vpce-01", None), ("create", "logs", None)]),
    ("duplicate: the one with private DNS stays",
     [endpoint("vpce-01", "ecr.api", subnets=[A], dns=False, created="2025-01-01"),
      endpoint("vpce-02", "ecr.api", subnets=[A], dns=True, created="2026-01-01")],
     [want("ecr.api")], False, [("delete", "vpce-01", None)]),
    ("duplicate of the user's own: ours goes",
     [endpoint("vpce-01", "ecr.api", subnets=[A]), endpoint("vpce-02", "ecr.api", owner=False, subnets=[A])],
     [want("ecr.api")], False, [("delete", "vpce-01", None)]),
    ("s3 interface to gateway", [endpoint("vpce-01", "s3", subnets=[A])],
     [want("s3", etype=GATEWAY, tables=["rtb-0000000a"])], False,
     [("delete", "vpce-01", None), ("create", "s3", None)]),
    ("policy back to the default", [endpoint("vpce-01", "sts", subnets=[A], policy=ORG_ONLY)],
     [want("sts", policy=None)], False, [("modify", "vpce-01", {"reset_policy": True})]),
    ("re-spelled policy is the same", [endpoint("vpce-01", "sts", subnets=[A], policy=ORG_ONLY_RESPELLED)],
     [want("sts", policy=ORG_ONLY)], False, []),
    ("purge", [endpoint("vpce-01", "logs", subnets=[A]), endpoint("vpce-02", "sts", owner=False, subnets=[A]),
               endpoint("vpce-03", "ecr.api", subnets=[A])],
     [want("ecr.api")], True, [("delete", "vpce-01", None)]),
    ("deleted ones are ignored", [endpoint("vpce-01", "ecr.api", state="deleted", subnets=[A])], [want("ecr.api")],
     False, [("create", "ecr.api", None)]),
    ("tags: only the missing", [dict(endpoint("vpce-01", "ecr.api", subnets=[A]), tags=dict(OWNER, Team="a", Env="x"))],
     [want("ecr.api", tags={"Team": "a", "Env": "y"})], False, [("modify", "vpce-01", {"tags": {"Env": "y"}})]),
]


@pytest.mark.parametrize("current,desired,purge,expected", [row[1:] for row in HAND_WORKED],
                         ids=[row[0] for row in HAND_WORKED])
def test_hand_worked_plans(current, desired, purge, expected):
    actions = plan_present(desired, current, REGION, purge)
    got = []
    for action in actions:
        details = dict(action["details"])
        if action["action"] == "modify" or action["action"] == "adopt":
            got.append((action["action"], details.pop("vpc_endpoint_id"), details))
        else:
            got.append((action["action"], details["vpc_endpoint_id"] if action["action"] == "delete"
                        else action["service"], None))
    assert sorted(got, key=repr) == sorted(expected, key=repr)


CIDRS = ("10.20.0.0/16", "10.30.0.0/16", "192.168.0.0/24", "2001:db8::/56", "0.0.0.0/0", "::/0")


def ec2_group_after(group, action):
    """The group after the plan's calls, rule by rule as EC2 applies them: AuthorizeSecurityGroupIngress of
    a rule that exists fails with InvalidPermission.Duplicate, RevokeSecurityGroupIngress of one that does
    not with InvalidPermission.NotFound (EC2 API reference, "Error codes",
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); CreateTags adds keys."""
    if action is None:
        return group
    details = action["details"]
    rules = list(group["https_cidrs"]) if group else []
    for cidr in details.get("add_cidrs", []):
        assert cidr not in rules, "InvalidPermission.Duplicate: %s" % cidr
        rules.append(cidr)
    for cidr in details.get("remove_cidrs", []):
        assert cidr in rules, "InvalidPermission.NotFound: %s" % cidr
        rules.remove(cidr)
    tags = dict(group["tags"]) if group else {}
    tags.update(details.get("tags", {}))
    return {"group_id": details.get("group_id", "sg-new"), "group_name": details["group_name"],
            "https_cidrs": sorted(rules), "tags": tags}


@EXAMPLES
@given(wanted=st.lists(st.sampled_from(CIDRS), min_size=1, unique=True),
       existing=st.none() | st.fixed_dictionaries({
           "group_id": st.just("sg-0000000a"), "group_name": st.just("ecr-private-endpoints"),
           "https_cidrs": subset(CIDRS), "tags": tags.map(lambda t: dict(t, **OWNER))}),
       group_tags=tags)
def test_group_plan_converges_and_admits_exactly_the_wanted_sources(wanted, existing, group_tags):
    action = plan_security_group("ecr-private-endpoints", wanted, group_tags, existing, "description")
    after = ec2_group_after(existing, action)
    for cidr in CIDRS:
        assert (cidr in after["https_cidrs"]) == (cidr in wanted), cidr
    assert all(after["tags"].get(k) == v for k, v in group_tags.items())
    assert plan_security_group("ecr-private-endpoints", wanted, group_tags, after, "description") is None
    if existing is None:
        assert action["action"] == "create" and after["tags"]["ManagedBy"] == "privatelink.ecr"


# Hand-worked: (rules the group has, rules wanted) -> (added, removed).
GROUP_TABLE = [
    (["10.20.0.0/16"], ["10.20.0.0/16"], None),
    (["10.20.0.0/16"], ["10.20.0.0/16", "10.30.0.0/16"], (["10.30.0.0/16"], None)),
    (["10.20.0.0/16", "0.0.0.0/0"], ["10.20.0.0/16"], (None, ["0.0.0.0/0"])),
    (["::/0"], ["2001:db8::/56", "10.20.0.0/16"], (["10.20.0.0/16", "2001:db8::/56"], ["::/0"])),
]


@pytest.mark.parametrize("have,wanted,change", GROUP_TABLE)
def test_group_plan_hand_worked(have, wanted, change):
    group = {"group_id": "sg-0000000a", "group_name": "g", "https_cidrs": have, "tags": dict(OWNER)}
    action = plan_security_group("g", wanted, {}, group, "description")
    if change is None:
        assert action is None
    else:
        assert action["action"] == "modify" and action["details"]["group_id"] == "sg-0000000a"
        assert action["details"].get("add_cidrs") == change[0]
        assert action["details"].get("remove_cidrs") == change[1]


@EXAMPLES
@given(vpc_cidrs=st.lists(st.sampled_from(CIDRS[:4]), min_size=1, unique=True))
def test_default_sources_from_the_vpc_never_open_the_group_to_the_world(vpc_cidrs):
    action = plan_security_group("ecr-private-endpoints", vpc_cidrs, {}, None, "description")
    admitted = action["details"]["add_cidrs"]
    assert sorted(admitted) == sorted(vpc_cidrs)
    assert all(ipaddress.ip_network(c).prefixlen > 0 for c in admitted)
