# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic of the ``privatelink.ecr.aws_vpcs`` inventory plugin (private to this collection).

No AWS call and no Ansible object here: option validation, which accounts are used, what a VPC
record keeps, host names, host variables and groups. The plugin feeds these functions the
answers of Organizations, STS and EC2 and turns their output into inventory calls, so every rule
below is unit-tested with plain dictionaries (tests/unit/test_aws_vpcs_inventory.py).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Defaults of the source file's options (the plugin's DOCUMENTATION in plugins/inventory/aws_vpcs.py and
# docs/docsite/rst/guide_inventory.rst).
DEFAULT_ROLE_NAME = "privatelink-ecr-automation"
DEFAULT_ORG_REGION = "us-east-1"
DEFAULT_MAX_WORKERS = 16
MAX_MAX_WORKERS = 256
HOST_PER_CHOICES = ("vpc", "region")
ON_ACCOUNT_ERROR_CHOICES = ("warn", "fail")

# Bumped whenever the shape of what the plugin caches changes: an older cache is then a miss.
CACHE_SCHEMA = 2  # 2: VPC records carry owner_id (shared VPCs), accounts their profile

_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
# Organizations ids: an OU (ou-ROOTPART-OUPART) or, accepted too, the root (r-...), which the
# Organizations API reference gives as patterns ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$ and ^r-[0-9a-z]{4,32}$.
_OU_ID = re.compile(r"^(ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$")
_REGION = re.compile(r"^[a-z]{2,}(-[a-z]+)+-[0-9]+$")
# IAM role names ([\w+=,.@-], 1-64 characters), optionally under a path (path/name).
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
_ROLE_PATH_PART = re.compile(r"^[\w+=,.@-]+$")
# sts:AssumeRole ExternalId: 2-1224 characters of [\w+=,.@:/-].
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):(iam|sts)::[0-9]{12}:")
_GROUP_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


class InventoryConfigError(ValueError):
    """A value of the inventory source file is wrong; the message names the option."""


# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------

def _str_list(name, value, pattern=None, what=None):
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise InventoryConfigError("%s must be a list, got %r" % (name, value))
    result = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise InventoryConfigError("%s: %r is not a string" % (name, item))
        text = str(item).strip()
        if pattern is not None and not pattern.match(text):
            hint = ""
            if isinstance(item, int) and what == "account id":
                hint = " (quote account ids in YAML: an unquoted id with a leading 0 is read as a number)"
            raise InventoryConfigError("%s: %r is not a valid %s%s" % (name, item, what, hint))
        if text not in result:
            result.append(text)
    return result


def _str_dict(name, value, list_values=False):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InventoryConfigError("%s must be a dictionary, got %r" % (name, value))
    result = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InventoryConfigError("%s: the key %r is not a non-empty string" % (name, key))
        if list_values and isinstance(item, (list, tuple)):
            values = []
            for element in item:
                if isinstance(element, (dict, list, tuple)) or element is None:
                    raise InventoryConfigError("%s: %s: %r is not a string" % (name, key, element))
                values.append(_scalar_text(element))
            if not values:
                raise InventoryConfigError("%s: %s has no value" % (name, key))
            result[key] = values
        elif isinstance(item, (dict, list, tuple)) or item is None:
            raise InventoryConfigError("%s: the value of %s must be a string, got %r" % (name, key, item))
        else:
            result[key] = [_scalar_text(item)] if list_values else _scalar_text(item)
    return result


def _scalar_text(value):
    # YAML reads `Containers: true` as a boolean; tag values are strings, and AWS writes true in lower case.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _choice(name, value, choices, default):
    if value is None or value == "":
        return default
    if value not in choices:
        raise InventoryConfigError("%s must be one of %s, got %r" % (name, ", ".join(choices), value))
    return value


def _bool(name, value, default):
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
        return value.strip().lower() in ("true", "yes", "on", "1")
    raise InventoryConfigError("%s must be a boolean, got %r" % (name, value))


def _int(name, value, default, low, high):
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise InventoryConfigError("%s must be an integer, got %r" % (name, value))
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InventoryConfigError("%s must be an integer, got %r" % (name, value))
    if number < low or number > high:
        raise InventoryConfigError("%s must be between %d and %d, got %d" % (name, low, high, number))
    return number


def _optional_str(name, value):
    if value is None:
        return None
    if not isinstance(value, str):
        raise InventoryConfigError("%s must be a string, got %r" % (name, value))
    return value.strip() or None


def validate_options(options):
    """Check and normalise the source file's options; return a plain dict or raise InventoryConfigError.

    ``options`` maps option names to the values Ansible's config manager resolved (defaults
    included). Only this plugin's own options are looked at; ``compose``, ``cache`` and the others
    are Ansible's.
    """
    regions = _str_list("regions", options.get("regions"), _REGION, "AWS region name (such as eu-west-1)")
    if not regions:
        raise InventoryConfigError("regions must list at least one AWS region, such as [eu-west-1]")

    accounts = _str_list("accounts", options.get("accounts"), _ACCOUNT_ID, "account id")
    exclude = _str_list("exclude_accounts", options.get("exclude_accounts"), _ACCOUNT_ID, "account id")
    ous = _str_list("organizational_units", options.get("organizational_units"), _OU_ID,
                    "organizational unit id (ou-...) or root id (r-...)")
    account_tags = _str_dict("account_tags", options.get("account_tags"))

    role_name = options.get("role_name")
    if role_name is None or role_name == "":
        role_name = DEFAULT_ROLE_NAME
    if not isinstance(role_name, str):
        raise InventoryConfigError("role_name must be a string, got %r" % (role_name,))
    role_name = role_name.strip().strip("/")
    parts = role_name.split("/")
    if not _ROLE_NAME.match(parts[-1]) or not all(_ROLE_PATH_PART.match(part) for part in parts[:-1]):
        raise InventoryConfigError("role_name %r is not an IAM role name (letters, digits and +=,.@_-, at most 64, "
                                   "optionally after a path such as automation/NAME)" % role_name)

    external_id = _optional_str("external_id", options.get("external_id"))
    if external_id is not None and not _EXTERNAL_ID.match(external_id):
        raise InventoryConfigError("external_id must be 2 to 1224 characters of letters, digits and +=,.@:/_-")

    role_arn = _optional_str("role_arn", options.get("role_arn"))
    if role_arn is not None and not _ROLE_ARN.match(role_arn):
        raise InventoryConfigError("role_arn %r is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/NAME)" % role_arn)

    region = _optional_str("region", options.get("region")) or DEFAULT_ORG_REGION
    if not _REGION.match(region):
        raise InventoryConfigError("region %r is not an AWS region name (such as us-east-1)" % region)

    access_key = _optional_str("access_key", options.get("access_key"))
    secret_key = _optional_str("secret_key", options.get("secret_key"))
    session_token = _optional_str("session_token", options.get("session_token"))
    profile = _optional_str("profile", options.get("profile"))
    if bool(access_key) != bool(secret_key):
        raise InventoryConfigError("access_key and secret_key must be given together")
    if session_token and not access_key:
        raise InventoryConfigError("session_token needs access_key and secret_key")
    if profile and access_key:
        raise InventoryConfigError("give either profile or access_key/secret_key, not both")

    account_profiles = _account_profiles(options.get("account_profiles"))

    endpoint_url = _optional_str("endpoint_url", options.get("endpoint_url"))
    if endpoint_url is not None and not re.match(r"^https?://[^\s/]+", endpoint_url):
        raise InventoryConfigError("endpoint_url %r is not an http(s) URL" % endpoint_url)

    return {
        "regions": sorted(regions),
        "accounts": accounts,
        "organizational_units": ous,
        "account_tags": account_tags,
        "exclude_accounts": exclude,
        "role_name": role_name,
        "external_id": external_id,
        "vpc_filters": _str_dict("vpc_filters", options.get("vpc_filters"), list_values=True),
        "include_default_vpcs": _bool("include_default_vpcs", options.get("include_default_vpcs"), False),
        "host_per": _choice("host_per", options.get("host_per"), HOST_PER_CHOICES, "vpc"),
        "max_workers": _int("max_workers", options.get("max_workers"), DEFAULT_MAX_WORKERS, 1, MAX_MAX_WORKERS),
        "on_account_error": _choice("on_account_error", options.get("on_account_error"),
                                    ON_ACCOUNT_ERROR_CHOICES, "warn"),
        "region": region,
        "profile": profile,
        "access_key": access_key,
        "secret_key": secret_key,
        "session_token": session_token,
        "endpoint_url": endpoint_url,
        "role_arn": role_arn,
        "account_profiles": account_profiles,
    }


def _account_profiles(value):
    """``account_profiles``: account id -> the AWS profile used for that account instead of role_name."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InventoryConfigError("account_profiles must be a dictionary of account id to profile name, got %r"
                                   % (value,))
    result = {}
    for key, profile in value.items():
        account_id = str(key).strip()
        if isinstance(key, bool) or not _ACCOUNT_ID.match(account_id):
            hint = (" (quote account ids in YAML: an unquoted id with a leading 0 is read as a number)"
                    if isinstance(key, int) else "")
            raise InventoryConfigError("account_profiles: %r is not a valid account id%s" % (key, hint))
        if not isinstance(profile, str) or not profile.strip() or any(c.isspace() for c in profile.strip()):
            raise InventoryConfigError("account_profiles: the profile of %s must be a profile name of the AWS "
                                       "config files, got %r" % (account_id, profile))
        result[account_id] = profile.strip()
    return result


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------

def needs_organizations(config):
    """Organizations is asked unless the file lists accounts and filters by neither OU nor tag."""
    return not (config["accounts"] and not config["organizational_units"] and not config["account_tags"])


def account_state(account):
    """An Organizations account's state: ``State`` where AWS sends it, else the older ``Status``.

    The Organizations API reference (shape Account) retires ``Status`` on 2026-09-09 in favour of
    ``State`` (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED).
    """
    return account.get("State") or account.get("Status") or "UNKNOWN"


def error_record(account_id, region, message):
    return {"account_id": account_id, "region": region, "message": message}


def sort_errors(errors):
    return sorted(errors, key=lambda e: (e["account_id"], e["region"] or "", e["message"]))


def partition_of_arn(arn):
    """The partition of an ARN (``arn:PARTITION:...``), or None."""
    if isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":")
        if len(parts) > 2 and parts[1]:
            return parts[1]
    return None


def listed_accounts(config):
    """The accounts of the file's ``accounts`` list, without exclusions, for a run with no Organizations call."""
    excluded = set(config["exclude_accounts"])
    return [{"id": account_id, "name": account_id, "partition": None}
            for account_id in sorted(config["accounts"]) if account_id not in excluded]


def select_organization_accounts(org_accounts, config):
    """Choose, among the accounts Organizations returned, those to list (before the tag filter).

    ``org_accounts``: Account dicts (Id, Name, Arn, State/Status) from ListAccounts or from
    ListAccountsForParent over the OU subtrees, duplicates allowed. Returns ``(selected, errors)``:
    ``selected`` sorted by id as ``{id, name, partition}``; ``errors`` for each account of the
    file's ``accounts`` list that is not ACTIVE, or (when no OU narrows the listing) not in the
    organization at all. Excluded accounts are dropped silently, and so are accounts the file
    does not name that are not ACTIVE (closed accounts stay SUSPENDED for 90 days: they are
    not an error of this inventory).
    """
    by_id = {}
    for account in org_accounts:
        by_id.setdefault(account["Id"], account)
    excluded = set(config["exclude_accounts"])
    errors = []
    if config["accounts"]:
        candidates = []
        for account_id in sorted(config["accounts"]):
            if account_id in excluded:
                continue
            account = by_id.get(account_id)
            if account is None:
                if not config["organizational_units"]:
                    errors.append(error_record(account_id, None,
                                               "listed in accounts but not a member of the organization"))
                continue
            state = account_state(account)
            if state != "ACTIVE":
                errors.append(error_record(account_id, None, "the account (%s) is %s, not ACTIVE"
                                           % (account.get("Name") or account_id, state)))
                continue
            candidates.append(account)
    else:
        candidates = [account for account_id, account in sorted(by_id.items())
                      if account_id not in excluded and account_state(account) == "ACTIVE"]
    selected = [{"id": account["Id"], "name": account.get("Name") or account["Id"],
                 "partition": partition_of_arn(account.get("Arn"))} for account in candidates]
    return selected, errors


def tags_match(tags, wanted):
    """True when ``tags`` (ListTagsForResource's [{Key, Value}] or a dict) carries every wanted tag."""
    if isinstance(tags, list):
        tags = dict((tag.get("Key"), tag.get("Value")) for tag in tags)
    return all(key in tags and tags[key] == value for key, value in wanted.items())


def assume_role_message(role_arn, code, message, external_id=False):
    """An actionable message for a failed AssumeRole of a member account's role."""
    text = "Failed to assume %s: %s: %s" % (role_arn, code or "Error", (message or "").strip() or "(no message)")
    if code in ("AccessDenied", "AccessDeniedException"):
        text += ("; check that the role exists in the account, that its trust policy admits the controller's "
                 "identity%s, and that no policy of the controller denies sts:AssumeRole on it"
                 % (" with this external_id" if external_id else ""))
    elif code in ("RegionDisabledException",):
        text += "; activate STS in the region of the option region, or set region to one where it is active"
    return text


def unknown_options(keys, known):
    """The keys of the source file that are no option (a typo such as ``acounts`` would list every account)."""
    return sorted(key for key in keys if key not in known)


def role_arn_for(partition, account_id, role_name):
    return "arn:%s:iam::%s:role/%s" % (partition or "aws", account_id, role_name)


# ---------------------------------------------------------------------------------------------
# VPCs
# ---------------------------------------------------------------------------------------------

def describe_vpcs_filters(vpc_filters):
    """The file's ``vpc_filters`` as DescribeVpcs ``Filters``, in a stable order."""
    return [{"Name": name, "Values": list(values)} for name, values in sorted(vpc_filters.items())]


def vpc_record(vpc):
    """What the inventory keeps of one DescribeVpcs entry (plain JSON: the cache stores it)."""
    cidrs = []
    primary = vpc.get("CidrBlock")
    if primary:
        cidrs.append(primary)
    for association in vpc.get("CidrBlockAssociationSet") or []:
        block = association.get("CidrBlock")
        state = (association.get("CidrBlockState") or {}).get("State", "associated")
        if block and state in ("associated", "associating") and block not in cidrs:
            cidrs.append(block)
    for association in vpc.get("Ipv6CidrBlockAssociationSet") or []:
        block = association.get("Ipv6CidrBlock")
        state = (association.get("Ipv6CidrBlockState") or {}).get("State", "associated")
        if block and state in ("associated", "associating") and block not in cidrs:
            cidrs.append(block)
    tags = dict((tag["Key"], tag.get("Value", "")) for tag in vpc.get("Tags") or [] if "Key" in tag)
    return {"vpc_id": vpc["VpcId"], "cidrs": cidrs, "tags": tags, "is_default": bool(vpc.get("IsDefault")),
            "owner_id": vpc.get("OwnerId")}


def keep_vpcs(vpcs, include_default_vpcs):
    """VPC records sorted by id, the default VPC left out unless asked for."""
    return sorted((vpc for vpc in vpcs if include_default_vpcs or not vpc["is_default"]),
                  key=lambda vpc: vpc["vpc_id"])


# ---------------------------------------------------------------------------------------------
# Hosts and groups
# ---------------------------------------------------------------------------------------------

def group_name(prefix, value):
    """``account_ACCOUNTID`` / ``region_REGION``: dashes (and anything else not a word character) as underscores."""
    return "%s_%s" % (prefix, _GROUP_UNSAFE.sub("_", value))


def host_name(account_id, region, vpc_id=None):
    return "-".join(part for part in (account_id, region, vpc_id) if part)


def shared_into(listings):
    """``{(owner, region, vpc id): {participant account ids}}``: the VPCs seen shared into a listed account.

    A VPC DescribeVpcs returns with an ``OwnerId`` other than the listed account is shared into that
    account (AWS RAM); only its owner can create, change or delete its endpoints (VPC user guide,
    "Share your VPC": https://docs.aws.amazon.com/vpc/latest/userguide/vpc-share-limitations.html).
    """
    shared = {}
    for listing in listings:
        for vpc in listing["vpcs"]:
            owner = vpc.get("owner_id")
            if owner and owner != listing["account_id"]:
                shared.setdefault((owner, listing["region"], vpc["vpc_id"]), set()).add(listing["account_id"])
    return shared


def owned_vpcs(listing):
    """The VPCs of a listing its account owns (a VPC shared into the account is its owner's host)."""
    return [vpc for vpc in listing["vpcs"] if (vpc.get("owner_id") or listing["account_id"]) == listing["account_id"]]


def build_hosts(data, config):
    """``[(host name, host variables, [group names])]`` in a stable order, from the fetched data.

    ``data``: ``{"accounts": [{id, name, role_arn, profile}], "listings": [{account_id, region, vpcs}]}``
    (what the plugin fetches and caches). The variables carry no credential: only the role
    ARN (or the account's profile name), the external id and the endpoint URL, from which each play
    assumes the role itself. A VPC shared into a listed account is a host of its owner only, when
    the owner is listed, with ``vpc_shared_with`` naming the listed accounts it was seen shared into.
    """
    accounts = dict((account["id"], account) for account in data["accounts"])
    shared = shared_into(data["listings"])
    hosts = []
    for listing in sorted(data["listings"], key=lambda item: (item["account_id"], item["region"])):
        account = accounts[listing["account_id"]]
        common = {
            "aws_account_id": account["id"],
            "aws_account_name": account["name"],
            "aws_region": listing["region"],
        }
        if account.get("profile"):
            # The account's own profile (IAM Identity Center, or a role_arn/source_profile chain) is its
            # connection: nothing is assumed on top of it.
            common["aws_profile"] = account["profile"]
        else:
            common["aws_role_arn"] = account["role_arn"]
            if config["external_id"]:
                common["aws_external_id"] = config["external_id"]
        if config["endpoint_url"]:
            common["aws_endpoint_url"] = config["endpoint_url"]
        groups = [group_name("account", account["id"]), group_name("region", listing["region"])]
        vpcs = keep_vpcs(owned_vpcs(listing), config["include_default_vpcs"])
        if config["host_per"] == "region":
            if not vpcs:
                continue
            variables = dict(common, vpc_ids=[vpc["vpc_id"] for vpc in vpcs])
            hosts.append((host_name(account["id"], listing["region"]), variables, groups))
            continue
        for vpc in vpcs:
            variables = dict(common, vpc_id=vpc["vpc_id"], vpc_cidrs=list(vpc["cidrs"]), vpc_tags=dict(vpc["tags"]),
                             vpc_shared_with=sorted(shared.get((account["id"], listing["region"], vpc["vpc_id"]), ())))
            if vpc["tags"].get("Name"):
                variables["vpc_name"] = vpc["tags"]["Name"]
            hosts.append((host_name(account["id"], listing["region"], vpc["vpc_id"]), variables, list(groups)))
    return hosts


def error_lines(errors, accounts=None):
    """One line per error record, naming the account (and its name when known) and the region."""
    names = dict((account["id"], account["name"]) for account in accounts or [])
    lines = []
    for error in sort_errors(errors):
        label = error["account_id"]
        name = names.get(error["account_id"])
        if name and name != label:
            label = "%s (%s)" % (label, name)
        where = "account %s" % label + (" in %s" % error["region"] if error["region"] else "")
        lines.append("%s: %s" % (where, error["message"]))
    return lines
