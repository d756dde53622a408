"""Property-based tests (Hypothesis) for the pure plan in plugins/module_utils/_plan.py.

For any current state of a VPC's endpoints and any desired state:

- applying the plan to the current state (``_plan.predict``) yields the desired state, and
  the plan of that result against the same desired state is empty (convergence in one run);
- the plan never deletes, and ``predict`` never loses, an endpoint without the ownership tag;
- it leaves at most one owned endpoint per wanted service (no duplicates).

The managed security group's plan has the same properties, and never admits 0.0.0.0/0 or
::/0 unless they are among the wanted sources.
"""

import ipaddress

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    BROKEN_STATES,
    GATEWAY,
    GONE_STATES,
    INTERFACE,
    POLICY_KEPT,
    is_owned,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import (
    endpoints_by_service,
    live,
    plan_absent,
    plan_present,
    plan_security_group,
    predict,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import policies_equal

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


def assert_matches(endpoint, spec):
    """``endpoint`` is what ``spec`` asks for, field by field (None in the spec: keep as is). The user's
    own endpoints are adopted additively: they hold at least what is asked, and keep what they had."""
    assert endpoint["vpc_endpoint_type"] == spec["vpc_endpoint_type"]
    owned = is_owned(endpoint)
    for key in ("subnet_ids", "route_table_ids", "security_group_ids"):
        if spec[key] is not None:
            if owned:
                assert sorted(endpoint[key]) == sorted(spec[key]), key
            else:
                assert set(spec[key]) <= set(endpoint[key]), key
    if spec["private_dns_enabled"] is not None and (owned or spec["private_dns_enabled"]):
        assert endpoint["private_dns_enabled"] == spec["private_dns_enabled"]
    if owned and spec["ip_address_type"] is not None and endpoint.get("ip_address_type") is not None:
        assert endpoint["ip_address_type"] == spec["ip_address_type"]
    if spec["policy"] != POLICY_KEPT:
        assert policies_equal(spec["policy"], endpoint["policy"])
    for key, value in spec["tags"].items():
        assert endpoint["tags"].get(key) == value
    assert (endpoint.get("state") or "").lower() not in BROKEN_STATES | GONE_STATES


@EXAMPLES
@given(current=current_state(), desired=desired_state(), purge=st.booleans())
def test_applying_the_plan_yields_desired_and_the_next_plan_is_empty(current, desired, purge):
    actions = plan_present(desired, current, REGION, purge)
    after = predict(current, actions, REGION)

    kept = endpoints_by_service(after, desired)
    assert sorted(kept) == sorted(d["service"] for d in desired)
    for spec in desired:
        assert_matches(kept[spec["service"]], spec)
    assert plan_present(desired, after, REGION, purge) == []


@EXAMPLES
@given(current=current_state(), desired=desired_state(), purge=st.booleans())
def test_the_plan_never_touches_what_it_does_not_own_destructively(current, desired, purge):
    actions = plan_present(desired, current, REGION, purge)
    unowned = set(e["vpc_endpoint_id"] for e in live(current) if not is_owned(e))
    deleted = set(a["details"]["vpc_endpoint_id"] for a in actions if a["action"] == "delete")
    assert not deleted & unowned
    after_ids = set(e["vpc_endpoint_id"] for e in predict(current, actions, REGION))
    assert unowned <= after_ids
    # Modifying an endpoint we do not own is reported as adopting it, never as ours.
    by_id = dict((e["vpc_endpoint_id"], e) for e in current)
    for action in actions:
        if action["action"] in ("modify", "adopt"):
            owned = is_owned(by_id[action["details"]["vpc_endpoint_id"]])
            assert action["action"] == ("modify" if owned else "adopt")


@EXAMPLES
@given(current=current_state(), desired=desired_state(), purge=st.booleans())
def test_at_most_one_owned_endpoint_per_wanted_service_and_purge_removes_the_rest(current, desired, purge):
    after = predict(current, plan_present(desired, current, REGION, purge), REGION)
    wanted = set(d["service_name"] for d in desired)
    kept = endpoints_by_service(after, desired)
    for spec in desired:
        owned = [e for e in after if is_owned(e) and e["service_name"] == spec["service_name"]]
        assert owned in ([], [kept[spec["service"]]])
    owned_unwanted = [e for e in after if is_owned(e) and e["service_name"] not in wanted]
    before_unwanted = [e for e in live(current) if is_owned(e) and e["service_name"] not in wanted]
    assert owned_unwanted == ([] if purge else sorted(before_unwanted, key=lambda e: e["vpc_endpoint_id"]))


@EXAMPLES
@given(current=current_state(), services=st.lists(st.sampled_from(SERVICES), unique=True), purge=st.booleans())
def test_absent_removes_exactly_the_owned_endpoints_asked_for(current, services, purge):
    names = set(full_name(s) for s in services)
    after = predict(current, plan_absent(names, current, REGION, purge), REGION)
    for endpoint in live(current):
        asked = purge or endpoint["service_name"] in names
        assert (endpoint in after) == (not (is_owned(endpoint) and asked))


CIDRS = ("10.20.0.0/16", "10.30.0.0/16", "192.168.0.0/24", "2001:db8::/56", "0.0.0.0/0", "::/0")


def apply_group_action(group, action):
    """What AWS holds after the group action (the model of Authorize/Revoke/CreateTags)."""
    if action is None:
        return group
    details = action["details"]
    have = set(group["https_cidrs"]) if group else set()
    return {"group_id": details.get("group_id", "sg-new"), "group_name": details["group_name"],
            "https_cidrs": sorted((have | set(details.get("add_cidrs", []))) - set(details.get("remove_cidrs", []))),
            "tags": dict(group["tags"] if group else {}, **details.get("tags", {}))}


@EXAMPLES
@given(wanted=st.lists(st.sampled_from(CIDRS), min_size=1, unique=True),
       existing=st.none() | st.fixed_dictionaries({
           "group_id": st.just("sg-0000000a"), "group_name": st.just("ecr-private-endpoints"),
           "https_cidrs": subset(CIDRS), "tags": tags.map(lambda t: dict(t, **OWNER))}),
       group_tags=tags)
def test_group_plan_converges_and_admits_exactly_the_wanted_sources(wanted, existing, group_tags):
    action = plan_security_group("ecr-private-endpoints", wanted, group_tags, existing, "description")
    after = apply_group_action(existing, action)
    assert after["https_cidrs"] == sorted(wanted)
    assert plan_security_group("ecr-private-endpoints", wanted, group_tags, after, "description") is None
    for world in ("0.0.0.0/0", "::/0"):
        assert (world in after["https_cidrs"]) == (world in wanted)


@EXAMPLES
@given(vpc_cidrs=st.lists(st.sampled_from(CIDRS[:4]), min_size=1, unique=True))
def test_default_sources_from_the_vpc_never_open_the_group_to_the_world(vpc_cidrs):
    action = plan_security_group("ecr-private-endpoints", vpc_cidrs, {}, None, "description")
    admitted = action["details"]["add_cidrs"]
    assert admitted == sorted(vpc_cidrs)
    assert all(ipaddress.ip_network(c).prefixlen > 0 for c in admitted)
