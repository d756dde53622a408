"""Rules that make moto_server treat managed prefix lists as EC2 does (tests only; used by aws_semantics).

moto 5.2.6 implements managed prefix lists (customer lists, and AWS-managed ones such as
``com.amazonaws.REGION.s3`` with ``OwnerId`` ``AWS``), routes to a prefix-list destination
(``DestinationPrefixListId``) and security-group rules naming one (``PrefixListIds``); it differs where
a list does not exist and in paging:

15. ``rule_known_prefix_lists`` -- CreateRoute / ReplaceRoute with a ``DestinationPrefixListId``, and
    AuthorizeSecurityGroupIngress / AuthorizeSecurityGroupEgress with ``PrefixListIds``, naming a list that
    does not exist (or is deleted) -> ``InvalidPrefixListID.NotFound`` ("The prefix list ID 'pl-...' does
    not exist"); moto creates a route without destination, or a rule to nothing. EC2 API reference,
    error codes (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
16. ``get_entries`` -- GetManagedPrefixListEntries of an unknown list -> ``InvalidPrefixListID.NotFound``
    (moto answers an empty list, which would read as "covers nothing" instead of an error); ``MaxResults``
    (1-100) and ``NextToken`` page the entries (moto ignores both). API_GetManagedPrefixListEntries.html
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetManagedPrefixListEntries.html).
"""

import re

NOT_FOUND = "InvalidPrefixListID.NotFound"
_RULE_PREFIX_LIST = re.compile(r"IpPermissions\.\d+\.PrefixListIds\.\d+\.PrefixListId$")


def _known(backend, prefix_list_id):
    found = backend.managed_prefix_lists.get(prefix_list_id)
    return found is not None and found.state != "delete-complete"


def rule_known_prefix_lists(refusal, backend, ids):
    """Refuse the request when one of ``ids`` names no existing prefix list."""
    for prefix_list_id in ids:
        if prefix_list_id and not _known(backend, prefix_list_id):
            raise refusal(NOT_FOUND, "The prefix list ID '%s' does not exist" % prefix_list_id)


def rule_prefix_lists_of_request(refusal, req, backend):
    """Rule 17 for one request (routes and security-group rules)."""
    ids = [req.get("DestinationPrefixListId")]
    ids += [v for k, v in sorted(req.params.items()) if _RULE_PREFIX_LIST.match(k)]
    rule_known_prefix_lists(refusal, backend, ids)


def get_entries(refusal, req, backend):
    """Rule 18: ``{"Entries": page, "NextToken": token or None}`` of GetManagedPrefixListEntries."""
    prefix_list_id = req.get("PrefixListId")
    rule_known_prefix_lists(refusal, backend, [prefix_list_id or "pl-"])
    found = backend.managed_prefix_lists[prefix_list_id]
    versions = found.entries or {}
    target = req.get("TargetVersion")
    entries = versions.get(int(target)) if target else (list(versions.values())[-1] if versions else [])
    if entries is None:
        raise refusal("InvalidParameterValue", "The prefix list %s has no version %s" % (prefix_list_id, target))
    size = int(req.get("MaxResults") or 100)
    if not 1 <= size <= 100:
        raise refusal("InvalidParameterValue", "MaxResults must be between 1 and 100")
    start = int(req.get("NextToken") or 0)
    page = [dict((k, v) for k, v in e.items() if k in ("Cidr", "Description")) for e in entries[start:start + size]]
    return {"Entries": page, "NextToken": str(start + size) if start + size < len(entries) else None}
