"""The network-ACL evaluator: first match by rule number, the * rule, partial overlaps, against brute force."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.privatelink.ecr.plugins.module_utils import _nacl_eval as nacl

CLIENT_PORTS = (32768, 65535)


def entry(number, action="allow", egress=False, cidr="0.0.0.0/0", protocol="6", ports=(443, 443)):
    raw = {"RuleNumber": number, "RuleAction": action, "Egress": egress, "Protocol": protocol}
    raw["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
    if protocol == "6" and ports is not None:
        raw["PortRange"] = {"From": ports[0], "To": ports[1]}
    return raw


def star(egress=False, cidr="0.0.0.0/0"):
    return entry(nacl.STAR_RULE, "deny", egress, cidr, protocol="-1")


def default_acl():
    return [entry(100, egress=e, protocol="-1") for e in (False, True)] + [star(e) for e in (False, True)]


def flow(entries, egress=False, cidr="10.0.1.0/24", ports=(443, 443)):
    return nacl.evaluate_flow(entries, egress, cidr, ports[0], ports[1])


def test_default_acl_allows_everything_both_ways():
    assert flow(default_acl()).allowed and flow(default_acl(), egress=True, ports=CLIENT_PORTS).allowed


def test_lowest_rule_number_decides_not_list_order():
    entries = [entry(200, "allow"), entry(100, "deny", cidr="10.0.0.0/16"), star()]
    verdict = flow(entries)
    assert not verdict.allowed and verdict.deciding_rules == [100]


def test_allow_before_a_deny_wins():
    entries = [entry(100, "allow", cidr="10.0.1.0/24"), entry(110, "deny", protocol="-1"), star()]
    assert flow(entries).allowed


def test_star_rule_denies_what_no_rule_matches_even_if_not_listed():
    assert flow([entry(100, "allow", ports=(80, 80))]).deciding_rules == [nacl.STAR_RULE]
    assert nacl.rule_label(nacl.STAR_RULE) == "*"


def test_directions_are_separate():
    entries = [entry(100, "allow", egress=True, protocol="-1"), star(), star(True)]
    assert flow(entries, egress=True).allowed and not flow(entries).allowed


def test_protocols():
    assert flow([entry(100, protocol="-1"), star()]).allowed
    assert not flow([entry(100, protocol="17", ports=None), star()]).allowed      # UDP never matches TCP
    assert flow([entry(100, protocol="6", ports=None), star()]).allowed          # TCP without a range: every port


def test_partial_cidr_overlap_blocks_only_the_uncovered_part():
    entries = [entry(100, "allow", cidr="10.0.1.0/25"), star()]
    verdict = flow(entries)
    assert not verdict.allowed
    assert [(b["cidr"], b["rule_number"]) for b in verdict.blocked] == [("10.0.1.128/25", nacl.STAR_RULE)]


def test_two_halves_together_cover_the_flow():
    entries = [entry(100, "allow", cidr="10.0.1.0/25"), entry(110, "allow", cidr="10.0.1.128/25"), star()]
    assert flow(entries).allowed


def test_a_deny_on_a_slice_before_a_wide_allow():
    entries = [entry(90, "deny", cidr="10.0.1.64/26", protocol="-1"), entry(100, "allow"), star()]
    verdict = flow(entries)
    assert [(b["cidr"], b["rule_number"]) for b in verdict.blocked] == [("10.0.1.64/26", 90)]


def test_partial_port_overlap():
    # Linux's ephemeral range only: Windows clients (49152-65535) are blocked above 60999.
    entries = [entry(100, "allow", ports=(32768, 60999)), star()]
    verdict = flow(entries, ports=CLIENT_PORTS)
    assert [(b["from_port"], b["to_port"]) for b in verdict.blocked] == [(61000, 65535)]
    assert flow([entry(100, "allow", ports=(1024, 65535)), star()], ports=CLIENT_PORTS).allowed


def test_ipv6_rules_only_match_ipv6_flows():
    entries = [entry(100, "allow", cidr="::/0", protocol="-1"), star(), star(cidr="::/0")]
    assert not flow(entries).allowed
    assert flow(entries, cidr="2001:db8:1::/64").allowed
    assert not flow([entry(100, protocol="-1"), star()], cidr="2001:db8:1::/64").allowed


def test_free_rule_number():
    entries = [entry(100, "allow"), entry(90, "deny"), star()]
    assert nacl.free_rule_number(entries, False, 90) == 80
    assert nacl.free_rule_number(entries, False, nacl.STAR_RULE) == 32760
    assert nacl.free_rule_number(entries, True, 100) == 90
    assert nacl.free_rule_number([entry(1, "deny")], False, 1) is None


def test_normalised_acl():
    acl = nacl.normalise_acl({"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": True,
                              "Associations": [{"SubnetId": "subnet-b"}, {"SubnetId": "subnet-a"}],
                              "Entries": default_acl()})
    assert acl["subnet_ids"] == ["subnet-a", "subnet-b"] and len(acl["entries"]) == 4
    assert flow(acl["entries"]).allowed


# ---------------------------------------------------------------- against a brute-force packet-by-packet reading

BASE = ipaddress.ip_network("10.0.0.0/26")   # 64 addresses: every packet can be checked one by one
PORTS = 12


def _brute(entries, egress, cidr, low, high):
    """The set of (address, port) packets of the flow that the ACL denies, one packet at a time."""
    rules = sorted((nacl.normalise_entry(e) for e in entries if e["Egress"] == egress),
                   key=lambda r: r["rule_number"])
    denied = set()
    for address in ipaddress.ip_network(cidr):
        for port in range(low, high + 1):
            action = "deny"
            for rule in rules:
                ports = nacl._rule_ports(rule)
                if ports is None or not ports[0] <= port <= ports[1]:
                    continue
                if address in ipaddress.ip_network(rule["cidr"]):
                    action = rule["action"]
                    break
            if action != "allow":
                denied.add((address, port))
    return denied


def _expanded(blocked):
    return set((address, port) for b in blocked for address in ipaddress.ip_network(b["cidr"])
               for port in range(b["from_port"], b["to_port"] + 1))


RULE = st.builds(
    lambda number, action, prefix, index, protocol, low, width, egress: entry(
        number, action, egress, str(list(BASE.subnets(new_prefix=prefix))[index % (2 ** (prefix - 26))]),
        protocol, (low, min(PORTS - 1, low + width))),
    st.integers(1, 400), st.sampled_from(["allow", "deny"]), st.integers(26, 32), st.integers(0, 63),
    st.sampled_from(["6", "6", "-1", "17"]), st.integers(0, PORTS - 1), st.integers(0, PORTS),
    st.booleans())


def _unique_numbers(rules):
    seen, result = set(), []
    for rule in rules:
        key = (rule["RuleNumber"], rule["Egress"])
        if key not in seen:
            seen.add(key)
            result.append(rule)
    return result


FLOW = st.tuples(st.integers(27, 32), st.integers(0, 63), st.integers(0, PORTS - 1), st.integers(0, 4),
                 st.booleans())


def _flow_args(spec):
    prefix, index, low, width, egress = spec
    cidr = str(list(BASE.subnets(new_prefix=prefix))[index % (2 ** (prefix - 26))])
    return egress, cidr, low, min(PORTS - 1, low + width)


@given(st.lists(RULE, max_size=8).map(_unique_numbers), FLOW)
@settings(max_examples=300, deadline=None)
def test_agrees_with_packet_by_packet_evaluation(entries, spec):
    egress, cidr, low, high = _flow_args(spec)
    verdict = nacl.evaluate_flow(entries, egress, cidr, low, high)
    expected = _brute(entries, egress, cidr, low, high)
    assert verdict.allowed == (not expected)
    assert _expanded(verdict.blocked) == expected


@given(st.lists(RULE, max_size=8).map(_unique_numbers), FLOW, st.randoms())
@settings(max_examples=150, deadline=None)
def test_rule_order_is_by_number_not_by_listing_and_renumbering_keeps_the_verdict(entries, spec, rnd):
    egress, cidr, low, high = _flow_args(spec)
    verdict = nacl.evaluate_flow(entries, egress, cidr, low, high)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert nacl.evaluate_flow(shuffled, egress, cidr, low, high).allowed == verdict.allowed
    # Spreading the numbers out while keeping their order changes nothing.
    renumbered = [dict(e, RuleNumber=e["RuleNumber"] * 10 + 5) for e in entries]
    assert _expanded(nacl.evaluate_flow(renumbered, egress, cidr, low, high).blocked) == _expanded(verdict.blocked)


@given(st.lists(RULE, max_size=8).map(_unique_numbers), FLOW)
@settings(max_examples=150, deadline=None)
def test_a_lower_numbered_deny_over_the_flow_blocks_it_all(entries, spec):
    egress, cidr, low, high = _flow_args(spec)
    blocker = entry(0, "deny", egress, "10.0.0.0/26", protocol="-1")
    verdict = nacl.evaluate_flow(entries + [blocker], egress, cidr, low, high)
    assert verdict.deciding_rules == [0]
    # ... and a lower-numbered allow over the flow passes it all.
    opener = entry(0, "allow", egress, "10.0.0.0/26", protocol="-1")
    assert nacl.evaluate_flow(entries + [opener], egress, cidr, low, high).allowed


@pytest.mark.parametrize("peer", ["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16"])
def test_s3_ranges_enumerated_one_by_one(peer):
    ranges = ["52.216.0.0/15", "3.5.0.0/19", "54.231.0.0/16"]
    entries = [entry(100 + i, "allow", True, cidr) for i, cidr in enumerate(ranges)] + [star(True)]
    assert flow(entries, egress=True, cidr=peer).allowed
    assert not flow(entries, egress=True, cidr="16.12.0.0/16").allowed
