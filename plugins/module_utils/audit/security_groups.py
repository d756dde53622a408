# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security groups (private): SG_BLOCKS_HTTPS and SG_OPEN_TO_WORLD (the endpoints' groups, inbound) and
EGRESS_BLOCKS_PULL (the workloads' groups, outbound), with the rule arithmetic they share. Pure functions of
one VPC's state (``_state`` documents its shape).

Security groups are stateful and evaluated per network interface: the rules of every group an interface
carries are aggregated, and a request allowed out is answered whatever the inbound rules (VPC user guide,
"Security group rules", https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html). A
workload that reaches an interface endpoint needs an outbound TCP 443 rule to the endpoint's network
interfaces (a CIDR block holding its subnets, a reference to one of the endpoint's groups, or a prefix
list whose entries hold them); one that downloads image layers through the S3 gateway needs an outbound
rule to S3's ranges, usually the prefix list ``com.amazonaws.REGION.s3`` by id (VPC user guide, "Gateway
endpoints for Amazon S3", https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html,
"Security groups": "the security groups ... must allow traffic to and from the prefix list").
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import GONE_STATES, INTERFACE
from ansible_collections.privatelink.ecr.plugins.module_utils._findings import DEPLOY, finding
from ansible_collections.privatelink.ecr.plugins.module_utils._prefix_lists import rule_cidrs
from ansible_collections.privatelink.ecr.plugins.module_utils.audit._state import (
    HTTPS_PORT,
    WORLD,
    carriers,
    carriers_in,
    deploy_for,
    interface_services,
    is_hub_endpoint,
    join,
    policy_endpoints,
    serving_interfaces,
    state_of,
    subnet_anywhere,
    subnet_cidr,
    workload_security_group_ids,
    workload_subnets,
)


# ---------------------------------------------------------------- arithmetic over rules

def rule_admits_https(rule):
    """True when the rule allows TCP 443 (every protocol, or TCP with a port range holding 443)."""
    protocol = str(rule.get("protocol"))
    if protocol in ("-1", "all"):
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = rule.get("from_port"), rule.get("to_port")
    if low is None or high is None or low == -1:
        return True
    return low <= HTTPS_PORT <= high


def _networks(cidrs):
    result = []
    for cidr in cidrs:
        try:
            result.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    return result


def cidr_covered(cidr, admitted_cidrs):
    """True when every address of ``cidr`` is inside the union of ``admitted_cidrs``."""
    target = ipaddress.ip_network(cidr, strict=False)
    same_family = [n for n in _networks(admitted_cidrs) if n.version == target.version]
    # Collapsing merges adjacent blocks, so two /25 rules do cover a /24 subnet.
    return any(target.subnet_of(n) for n in ipaddress.collapse_addresses(same_family))


def https_sources(groups, prefix_lists=None):
    """CIDRs and group ids admitted on TCP 443 by the union of ``groups``' ingress rules.

    A rule naming a managed prefix list admits the list's entries (VPC user guide, "Reference prefix lists
    in your AWS resources", https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists-referencing.html).
    """
    cidrs, group_ids = [], set()
    for group in groups:
        for rule in group.get("ingress") or []:
            if rule_admits_https(rule):
                cidrs.extend(rule_cidrs(rule, prefix_lists or {}))
                group_ids.update(rule.get("group_ids") or [])
    return cidrs, group_ids


def _admitted_by_reference(state, subnet_id, referenced, endpoint_enis):
    """A group reference admits a subnet only when the workloads there all carry a referenced group.

    The workloads of a subnet: the interfaces seen in it, the workloads read whose subnets hold it (a
    service scaled to zero included), else the groups of ``workload_security_group_ids``. With none
    (nothing known to run there) the reference cannot be shown to cover the workload, so the subnet
    counts as not admitted.
    """
    enis = [e for e in (state.get("workload_enis") or {}).get(subnet_id, [])
            if e["eni_id"] not in endpoint_enis]
    seen = [set(e.get("group_ids") or []) for e in enis] + \
        [set(c["group_ids"]) for c in carriers_in(state, subnet_id) if not c["label"].startswith("eni-")]
    return bool(seen) and all(groups & referenced for groups in seen)


# ---------------------------------------------------------------- the endpoints' groups (inbound)

def check_sg_blocks_https(state):
    findings = []
    subnets = workload_subnets(state)
    if not subnets:
        return []
    known_groups = workload_security_group_ids(state)
    # The endpoints' own interfaces sit in the workload subnets too; they are not workloads.
    endpoint_enis = set(eni for e in state["endpoints"] for eni in e.get("network_interface_ids") or [])
    for service in interface_services(state):
        for endpoint in serving_interfaces(state, service):
            group_ids = endpoint.get("security_group_ids") or []
            groups = [state["security_groups"][g] for g in group_ids if g in state["security_groups"]]
            cidrs, referenced = https_sources(groups, state.get("prefix_lists"))
            blocked = []
            for subnet in subnets:
                cidr = subnet_cidr(subnet)
                if cidr and cidr_covered(cidr, cidrs):
                    continue
                if referenced and _admitted_by_reference(state, subnet["subnet_id"], referenced, endpoint_enis):
                    continue
                blocked.append("%s (%s)" % (subnet["subnet_id"], cidr or "no CIDR"))
            if not blocked:
                continue
            via = ""
            if referenced:
                via = "; it admits security group(s) %s, which the workloads seen in those subnets do not " \
                      "all carry (or none run there now)" % join(sorted(referenced))
            if is_hub_endpoint(state, endpoint):
                fix = ("%s: its managed security group admits the vpc_cidrs of the hub and of every host whose ecr_hub "
                       "names it, so give this VPC's host vpc_cidrs and ecr_hub; or add an inbound TCP 443 rule for "
                       "those subnets' CIDRs to %s" % (deploy_for(state, endpoint), join(group_ids)
                                                       or "the endpoint's security group"))
            else:
                fix = ("%s: its managed security group admits TCP 443 from the VPC's CIDR blocks (set allowed_cidrs "
                       "to narrow it); or add an inbound TCP 443 rule for those subnets' CIDRs to %s"
                       % (DEPLOY, join(group_ids) or "the endpoint's security group"))
            item = finding(
                "SG_BLOCKS_HTTPS", endpoint["vpc_endpoint_id"],
                "no security group of the %s endpoint %s (%s) admits TCP 443 from workload subnet(s) %s%s"
                % (service, endpoint["vpc_endpoint_id"], join(group_ids) or "none", join(blocked), via), fix)
            if referenced and not known_groups:
                # The endpoint admits by group references and no workload group is known at all (nothing
                # runs, no workload read, no workload_security_group_ids): it cannot be judged, only noted.
                item["severity"] = "info"
                item["message"] += "; no workload found that carries a referenced group"
            findings.append(item)
    return findings


def check_sg_open_to_world(state):
    users = {}
    for endpoint in state["endpoints"]:
        if state_of(endpoint) in GONE_STATES or endpoint["vpc_endpoint_type"] != INTERFACE:
            continue
        for group_id in endpoint.get("security_group_ids") or []:
            users.setdefault(group_id, []).append(endpoint["vpc_endpoint_id"])
    findings = []
    for group_id in sorted(users):
        group = state["security_groups"].get(group_id)
        if not group:
            continue
        open_rules = []
        for rule in group.get("ingress") or []:
            for source in (rule.get("cidrs") or []) + (rule.get("ipv6_cidrs") or []):
                if source in WORLD:
                    open_rules.append("%s from %s" % (_describe_ports(rule), source))
        if open_rules:
            findings.append(finding(
                "SG_OPEN_TO_WORLD", group_id,
                "security group %s (%s) of endpoint(s) %s admits %s"
                % (group_id, group.get("group_name") or "", join(sorted(users[group_id])), join(open_rules)),
                group_id=group_id))
    return findings


def _describe_ports(rule):
    protocol = str(rule.get("protocol"))
    if protocol in ("-1", "all"):
        return "all traffic"
    low, high = rule.get("from_port"), rule.get("to_port")
    if low == high:
        return "%s %s" % (protocol, low)
    return "%s %s-%s" % (protocol, low, high)


# ---------------------------------------------------------------- the workloads' groups (outbound)

def _endpoint_cidrs(state, endpoint):
    """The CIDR blocks the endpoint's interfaces have addresses in (IPv6 for an IPv6-only endpoint)."""
    cidrs = []
    for subnet_id in endpoint.get("subnet_ids") or []:
        subnet = subnet_anywhere(state, subnet_id) or {}
        if endpoint.get("ip_address_type") == "ipv6" or not subnet.get("cidr"):
            cidrs.extend((subnet.get("ipv6_cidrs") or [])[:1])
        else:
            cidrs.append(subnet["cidr"])
    return cidrs


def targets(state):
    """What a pull reaches: ``[(service, endpoint or None, cidrs, group_ids, prefix_list_id)]``."""
    found = []
    for service in interface_services(state):
        for endpoint in serving_interfaces(state, service):
            found.append((service, endpoint, _endpoint_cidrs(state, endpoint),
                          set(endpoint.get("security_group_ids") or []), None))
    if "s3" in state["wanted"] and policy_endpoints(state, "s3") and "s3" not in interface_services(state):
        s3_id = state.get("s3_prefix_list_id")
        cidrs = state.get("s3_prefix_cidrs")
        if s3_id or cidrs:
            found.append(("s3", None, list(cidrs or []), set(), s3_id))
    return found


def _reaches(rules, prefix_lists, target):
    """True when the outbound ``rules`` (of every group of one interface) allow TCP 443 to the target."""
    _service, _endpoint, cidrs, group_ids, prefix_list_id = target
    https = [r for r in rules if rule_admits_https(r)]
    if group_ids and any(set(r.get("group_ids") or []) & group_ids for r in https):
        return True
    if prefix_list_id and any(prefix_list_id in (r.get("prefix_list_ids") or []) for r in https):
        return True
    allowed = [c for r in https for c in rule_cidrs(r, prefix_lists)]
    return bool(cidrs) and all(cidr_covered(c, allowed) for c in cidrs)


def _target_text(state, target):
    service, endpoint, cidrs, _groups, prefix_list_id = target
    if endpoint is None:
        gateway = policy_endpoints(state, "s3")
        return "s3 (gateway endpoint %s: prefix list %s%s)" % (
            ", ".join(g["vpc_endpoint_id"] for g in gateway), prefix_list_id or "com.amazonaws.%s.s3" % state["region"],
            ", %s" % ", ".join(cidrs) if cidrs and not prefix_list_id else "")
    return "%s (endpoint %s, subnets %s, groups %s)" % (
        service, endpoint["vpc_endpoint_id"], ", ".join(cidrs) or "none",
        ", ".join(endpoint.get("security_group_ids") or []) or "none")


def _permission(missing):
    """The one IpPermission (AWS CLI shorthand) that lets a group reach every missing target."""
    v4, v6, lists = [], [], []
    for _service, endpoint, cidrs, _groups, prefix_list_id in missing:
        if endpoint is None and prefix_list_id:
            lists.append(prefix_list_id)
            continue
        for cidr in cidrs:
            (v6 if ":" in cidr else v4).append(cidr)
    parts = ["IpProtocol=tcp", "FromPort=443", "ToPort=443"]
    if v4:
        parts.append("IpRanges=[%s]" % ",".join("{CidrIp=%s}" % c for c in _unique(v4)))
    if v6:
        parts.append("Ipv6Ranges=[%s]" % ",".join("{CidrIpv6=%s}" % c for c in _unique(v6)))
    if lists:
        parts.append("PrefixListIds=[%s]" % ",".join("{PrefixListId=%s}" % p for p in _unique(lists)))
    return ",".join(parts)


def _unique(items):
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def check_egress_blocks_pull(state):
    """Each workload security group must let its workloads reach every endpoint a pull uses, and S3.

    A group is judged with the groups each of its carriers wears with it (rules aggregate per interface);
    a group only the ``workload_security_group_ids`` option names is judged alone.
    """
    wanted = targets(state)
    if not wanted:
        return []
    groups = state["security_groups"]
    prefix_lists = state.get("prefix_lists") or {}
    everyone = carriers(state)
    findings = []
    for group_id in workload_security_group_ids(state):
        if group_id not in groups:
            continue  # not read (another VPC's, or gone): its rules are unknown
        combos = _unique(c["group_ids"] for c in everyone if group_id in c["group_ids"]) or [[group_id]]
        missing = []
        for combo in combos:
            rules = [r for g in combo for r in (groups.get(g) or {}).get("egress") or []]
            for target in wanted:
                if target not in missing and not _reaches(rules, prefix_lists, target):
                    missing.append(target)
        if not missing:
            continue
        services = _unique(t[0] for t in missing)
        users = _unique(c["label"] for c in everyone if group_id in c["group_ids"])
        findings.append(finding(
            "EGRESS_BLOCKS_PULL", group_id,
            "the outbound rules of security group %s (%s), carried by %s, do not allow TCP 443 to %s: workloads "
            "with this group cannot reach %s, and image pulls fail (CannotPullContainerError ... i/o timeout)"
            % (group_id, groups[group_id].get("group_name") or "", ", ".join(users[:5]) + (
                " and %d more" % (len(users) - 5) if len(users) > 5 else ""),
               "; ".join(_target_text(state, t) for t in missing), ", ".join(services)),
            "allow outbound TCP 443 from %s to %s: aws ec2 authorize-security-group-egress --group-id %s "
            "--ip-permissions '%s'" % (group_id, ", ".join(services), group_id, _permission(missing))))
    return findings
