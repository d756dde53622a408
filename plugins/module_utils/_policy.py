# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoint policies as documents: parse, validate, compare (private).

AWS returns a policy re-serialised (other key order, whitespace, a single action as a
string rather than a one-element list), so comparing strings reports a change on every run.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

# AWS's limit for a VPC endpoint policy document ("cannot exceed 20,480 characters, including white
# space", https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
MAX_POLICY_LENGTH = 20480

# AWS's default endpoint policy, as the same page gives it. ModifyVpcEndpoint's ResetPolicy is
# "(Gateway endpoint)" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html):
# an interface endpoint is reset by sending this document.
DEFAULT_ENDPOINT_POLICY = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}

_LIST_KEYS = ("Action", "NotAction", "Resource", "NotResource")
_STATEMENT_KEYS = {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
                   "Resource", "NotResource", "Condition"}


def parse_policy(value, option):
    """Return the policy as a dict, "default" (reset to AWS's default), or None when not set;
    raise ValueError naming ``option``."""
    if value is None or value == "" or value == {}:
        return None
    if value == "default":
        return value
    if isinstance(value, str):
        if len(value) > MAX_POLICY_LENGTH:
            raise ValueError("%s is %d characters long; AWS accepts at most %d"
                             % (option, len(value), MAX_POLICY_LENGTH))
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValueError("%s is not valid JSON: %s" % (option, exc))
    if not isinstance(value, dict):
        raise ValueError("%s must be a JSON object (a policy document), not %s" % (option, type(value).__name__))
    if len(json.dumps(value, separators=(",", ":"))) > MAX_POLICY_LENGTH:
        raise ValueError("%s is longer than AWS's limit of %d characters" % (option, MAX_POLICY_LENGTH))
    _check_document(value, option)
    return value


def _check_document(doc, option):
    unknown = set(doc) - {"Version", "Id", "Statement"}
    if unknown:
        raise ValueError("%s is not a policy document: unknown top-level key(s) %s"
                         % (option, ", ".join(sorted(unknown))))
    if doc.get("Version") not in (None, "2012-10-17", "2008-10-17"):
        raise ValueError("%s has Version %r; use \"2012-10-17\"" % (option, doc.get("Version")))
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise ValueError("%s is not a policy document: it needs a non-empty \"Statement\" list" % option)
    for index, statement in enumerate(statements):
        where = "%s Statement[%d]" % (option, index)
        if not isinstance(statement, dict):
            raise ValueError("%s must be an object" % where)
        unknown = set(statement) - _STATEMENT_KEYS
        if unknown:
            raise ValueError("%s has unknown key(s) %s" % (where, ", ".join(sorted(unknown))))
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise ValueError("%s needs \"Effect\": \"Allow\" or \"Deny\"" % where)
        if "Action" not in statement and "NotAction" not in statement:
            raise ValueError("%s needs \"Action\" or \"NotAction\"" % where)


def _normalise_value(value):
    if isinstance(value, dict):
        return {k: _normalise_value(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_normalise_value(v) for v in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def _normalise_statement(statement):
    result = {}
    for key, value in statement.items():
        if key in _LIST_KEYS and not isinstance(value, list):
            value = [value]
        if key in ("Principal", "NotPrincipal"):
            # "*" and {"AWS": "*"} mean the same principal.
            if value == "*" or value == {"AWS": "*"} or value == {"AWS": ["*"]}:
                value = "*"
            elif isinstance(value, dict):
                value = {k: (v if isinstance(v, list) else [v]) for k, v in value.items()}
        if key == "Condition" and isinstance(value, dict):
            value = {op: {ck: (cv if isinstance(cv, list) else [cv]) for ck, cv in conds.items()}
                     for op, conds in value.items()}
        result[key] = _normalise_value(value)
    return result


def normalise_policy(doc):
    """A canonical form: equal for documents AWS treats as equal, whatever the spelling."""
    if doc is None:
        return None
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    normal = [_normalise_statement(s) for s in statements]
    return {
        "Version": doc.get("Version", "2008-10-17"),
        "Statement": sorted(normal, key=lambda item: json.dumps(item, sort_keys=True)),
    }


def is_full_access(doc):
    """True for AWS's default endpoint policy (or no policy): allow everything to everyone."""
    if doc is None:
        return True
    normal = normalise_policy(doc)
    statements = normal["Statement"]
    return bool(statements) and all(
        s.get("Effect") == "Allow" and s.get("Principal") == "*" and s.get("Action") == ["*"]
        and s.get("Resource", ["*"]) == ["*"] and set(s) <= {"Sid", "Effect", "Principal", "Action", "Resource"}
        for s in statements)


def policies_equal(desired, current):
    """Compare as documents; no desired policy means AWS's default full-access policy."""
    if desired is None or current is None:
        return is_full_access(desired) and is_full_access(current)
    return normalise_policy(desired) == normalise_policy(current)


def parse_current(policy_document):
    """The policy AWS returned (a JSON string), as a dict; None when absent or unreadable."""
    if not policy_document:
        return None
    try:
        value = json.loads(policy_document)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# The key diff mode adds to both sides of a changed policy: how many statements both have alike and the diff
# leaves out.
UNCHANGED_STATEMENTS_KEY = "unchanged_statements"


def _statements(doc):
    statements = doc.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements or [])


def _statement_key(statement):
    return json.dumps(_normalise_statement(statement) if isinstance(statement, dict) else statement, sort_keys=True)


def policy_diff(before, after):
    """``(before, after)`` of one endpoint's policy as diff mode shows it: only the statements that change.

    Statements alike in both documents (compared as statements, whatever the spelling, as
    ``policies_equal`` compares documents) are left out of both sides, and both then carry
    ``unchanged_statements``, their number; a statement changed in place shows its old form before and
    its new one after. Both sides keep the document's other keys (``Version``), so they keep the same
    shape. Equal documents, a side without a document (AWS's default), or nothing alike are returned as
    they are.
    """
    if not isinstance(before, dict) or not isinstance(after, dict) or policies_equal(before, after):
        return before, after
    before_statements = _statements(before)
    left = {}  # statement key -> how many of the before document's are not matched yet
    for statement in before_statements:
        key = _statement_key(statement)
        left[key] = left.get(key, 0) + 1
    added, unchanged = [], 0
    for statement in _statements(after):
        key = _statement_key(statement)
        if left.get(key):
            left[key] -= 1
            unchanged += 1
        else:
            added.append(statement)
    if not unchanged:
        return before, after
    removed = []
    for statement in before_statements:
        key = _statement_key(statement)
        if left.get(key):
            left[key] -= 1
            removed.append(statement)

    def side(doc, statements):
        view = dict((k, v) for k, v in doc.items() if k != "Statement")
        view["Statement"] = statements
        view[UNCHANGED_STATEMENTS_KEY] = unchanged
        return view

    return side(before, removed), side(after, added)
