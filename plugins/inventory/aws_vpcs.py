# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: aws_vpcs
short_description: A fleet of VPCs from AWS Organizations, one host per VPC or per account and region
version_added: 0.1.0
description:
  - Lists the VPCs of many AWS accounts and regions and makes each one an inventory host that the
    C(privatelink.ecr.deploy) and C(privatelink.ecr.audit) playbooks run on unchanged.
  - Accounts come from AWS Organizations (only C(ACTIVE) ones), narrowed by O(organizational_units)
    (each OU with its whole subtree), O(account_tags), O(accounts) and O(exclude_accounts). When O(accounts)
    is given and neither O(organizational_units) nor O(account_tags) is, no Organizations call is made
    (teams without access to the management account list their account ids), and C(aws_account_name)
    is the account id.
  - In each account the plugin assumes the role O(role_name) (C(arn:PARTITION:iam::ACCOUNT:role/NAME)) with
    the controller's own credentials, the ones the playbooks use too, then lists the VPCs of every region
    of O(regions) with DescribeVpcs. Accounts and regions are listed in parallel, O(max_workers) at a time.
    The partition is that of the Organizations account ARNs, else of O(role_arn), else of O(region).
  - "Shared VPCs (AWS RAM): only a VPC's owner can create, change or delete its endpoints. A VPC that DescribeVpcs
    returns with an C(OwnerId) other than the listed account is shared into that account and is not its host; it
    is a host of its owner when the owner is listed, and that host's C(vpc_shared_with) lists the listed accounts
    it was seen shared into (V([]) when none; every per-VPC host carries it). With O(host_per=region), C(vpc_ids)
    holds only the VPCs the account owns."
  - Hosts are named C(ACCOUNT-REGION-VPCID) (C(ACCOUNT-REGION) with O(host_per=region)) and are added in a
    stable sorted order, so AWX job slicing cuts the same list every time.
  - "Host variables: C(aws_account_id), C(aws_account_name), C(aws_region), C(aws_role_arn) (or C(aws_profile) for
    an account of O(account_profiles)), then either
    C(vpc_id), C(vpc_cidrs) (IPv4 and IPv6 CIDR blocks as strings), C(vpc_tags) (a dictionary, empty when
    untagged), C(vpc_shared_with) and C(vpc_name) (when the VPC has a C(Name) tag), or with O(host_per=region) C(vpc_ids) (an
    account and region with no matching VPC gets no host); C(aws_external_id) when O(external_id) is set and
    C(aws_endpoint_url) when O(endpoint_url) is set. No access key, secret key or session token is ever
    written into the inventory or its cache: each play assumes C(aws_role_arn) itself."
  - Groups C(account_ACCOUNTID) and C(region_REGION) (dashes as underscores), plus those of O(groups) and
    O(keyed_groups).
  - The C(all) group variable C(aws_vpcs_errors) is always defined, a list of C({account_id, region, message})
    for each account (C(region) null) or account and region that could not be listed, for example a role
    that cannot be assumed, an account of O(accounts) that is not C(ACTIVE) or a region the account has not
    enabled. See O(on_account_error).
  - Use a file whose name ends in C(aws_vpcs.yml) or C(aws_vpcs.yaml). docs/aws-vpcs-inventory.md in the
    collection describes the IAM set-up and how to use the file as an AWX inventory source.
author:
  - privatelink.ecr maintainers (@privatelink)
requirements:
  - boto3 and botocore (botocore's session and paginators are what the plugin uses)
options:
  plugin:
    description: The name of this plugin; it makes the file a source of this plugin.
    required: true
    type: str
    choices: [privatelink.ecr.aws_vpcs]
  regions:
    description:
      - The regions whose VPCs are listed in every account.
    required: true
    type: list
    elements: str
  accounts:
    description:
      - Only these account ids (12 digits; quote them in YAML).
      - Empty, every C(ACTIVE) account of the organization (within O(organizational_units) when set).
      - Given alone (without O(organizational_units) and O(account_tags)), no Organizations call is made.
        Otherwise a listed account that is not C(ACTIVE), or (without O(organizational_units)) not in the
        organization, is left out and recorded in C(aws_vpcs_errors).
    type: list
    elements: str
    default: []
  organizational_units:
    description:
      - Only accounts under these organizational units (C(ou-...) ids), recursively, found with ListChildren
        and ListAccountsForParent. A root id (C(r-...)) is accepted too.
    type: list
    elements: str
    default: []
  account_tags:
    description:
      - Only accounts carrying every one of these tags with exactly this value (Organizations account tags,
        read with ListTagsForResource).
    type: dict
    default: {}
  exclude_accounts:
    description:
      - Account ids never listed, whatever the other options say (for example the management account).
    type: list
    elements: str
    default: []
  role_name:
    description:
      - The IAM role assumed in each account, C(arn:PARTITION:iam::ACCOUNT:role/ROLE_NAME); a path may precede
        the name (C(automation/NAME)).
      - It needs C(ec2:DescribeVpcs) for the inventory, and what the playbooks do (docs/iam-policy.json).
    type: str
    default: privatelink-ecr-automation
  external_id:
    description:
      - The C(ExternalId) given when assuming O(role_name); copied to each host as C(aws_external_id).
    type: str
  account_profiles:
    description:
      - "A dictionary of account id to the name of a profile of the AWS config files (an IAM Identity Center
        C(sso_session) profile, or a C(role_arn)/C(source_profile) chain), such as
        C({\"222222222222\": \"network-admin\"}). The plugin lists that account with the profile instead of
        assuming O(role_name), and copies it to the account's hosts as C(aws_profile) (they then carry no
        C(aws_role_arn) and no C(aws_external_id)), which every playbook of the collection uses for that host's calls."
      - Run C(aws sso login) (or its equivalent) first for IAM Identity Center profiles; the plugin never writes
        the cached tokens or any credential into the inventory.
    type: dict
    default: {}
  vpc_filters:
    description:
      - "DescribeVpcs filters, a dictionary of filter name to a value or a list of values, for example
        C({\"tag:Containers\": \"true\"}) or C({\"cidr\": [\"10.0.0.0/16\", \"10.1.0.0/16\"]})."
    type: dict
    default: {}
  include_default_vpcs:
    description:
      - Also list each region's default VPC (left out by default).
    type: bool
    default: false
  host_per:
    description:
      - V(vpc), one host per VPC (what C(privatelink.ecr.deploy) needs); V(region), one host per account and
        region carrying C(vpc_ids) (enough for C(privatelink.ecr.audit), which reads a region's VPCs together).
    type: str
    choices: [vpc, region]
    default: vpc
  max_workers:
    description:
      - How many accounts (role assumption) and then account-regions (DescribeVpcs) are handled in parallel.
        The threads share one botocore session (the service models are decoded once); each account-region
        has its own client.
    type: int
    default: 16
  on_account_error:
    description:
      - V(warn), an account or account-region that cannot be listed is left out, recorded in C(aws_vpcs_errors)
        and named in a warning.
      - V(fail), the source fails to parse with an error naming each such account. Ansible turns that into a
        failed run where unparsed sources are fatal (C(ANSIBLE_INVENTORY_UNPARSED_FAILED=true), as AWX
        inventory updates run).
    type: str
    choices: [warn, fail]
    default: warn
  region:
    description:
      - The region of the organization-side calls (Organizations, the STS calls that assume O(role_arn) and
        each account's O(role_name)). Set it in other partitions, such as C(us-gov-west-1) or C(cn-northwest-1).
    type: str
    default: us-east-1
  profile:
    description:
      - The AWS profile of the controller's credentials. Without O(profile) and O(access_key), botocore's usual
        chain (environment, shared files, instance or container role) is used.
    type: str
    aliases: [aws_profile]
  access_key:
    description: The access key of the controller's credentials.
    type: str
    aliases: [aws_access_key_id]
  secret_key:
    description: The secret key of the controller's credentials.
    type: str
    aliases: [aws_secret_access_key]
  session_token:
    description: The session token of the controller's credentials.
    type: str
    aliases: [aws_session_token]
  endpoint_url:
    description:
      - Send every AWS call (Organizations and member accounts) to this URL, such as a local emulator; copied to
        each host as C(aws_endpoint_url).
    type: str
    aliases: [aws_endpoint_url]
    env:
      - name: AWS_ENDPOINT_URL
  role_arn:
    description:
      - A role assumed for the Organizations calls only, for example a role in a delegated administrator
        account. The roles of the member accounts are assumed with the controller's own credentials.
    type: str
notes:
  - Retries on throttling come from botocore's C(standard) retry mode (C(AWS_MAX_ATTEMPTS) attempts, default 10).
  - Organizations accounts not named in O(accounts) that are not C(ACTIVE) (closed accounts stay C(SUSPENDED)
    for 90 days) are skipped without an error.
seealso:
  - name: AWS Organizations ListAccounts
    description: The accounts of an organization, which only the management account or a delegated administrator may list.
    link: https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
extends_documentation_fragment:
  - constructed
  - inventory_cache
"""

EXAMPLES = r"""
# fleet.aws_vpcs.yml -- every ACTIVE account of the organization, two regions, one host per VPC
plugin: privatelink.ecr.aws_vpcs
regions: [eu-west-1, us-east-1]
exclude_accounts: ["111111111111"]          # the management account
vpc_filters:
  "tag:Containers": "true"

# workloads.aws_vpcs.yml -- the accounts under two OUs (and their child OUs) tagged for production,
# with the Organizations calls made through a delegated administrator's role
plugin: privatelink.ecr.aws_vpcs
regions: [eu-west-1]
organizational_units: [ou-ab12-11111111, ou-ab12-22222222]
account_tags:
  environment: production
role_arn: arn:aws:iam::222222222222:role/org-read-only
role_name: privatelink-ecr-automation
external_id: privatelink-ecr-7f3a9c          # the ExternalId the member roles' trust policies require
on_account_error: fail                      # a broken account fails the inventory update

# team.aws_vpcs.yml -- no access to the management account: list the account ids, no Organizations call
plugin: privatelink.ecr.aws_vpcs
regions: [eu-central-1]
accounts: ["333333333333", "444444444444"]
host_per: region                            # one host per account and region, for privatelink.ecr.audit
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/aws_vpcs_cache
cache_timeout: 3600

# landing-zone.aws_vpcs.yml -- the network account through its IAM Identity Center profile, the others
# through the StackSet role; a VPC the network account shares (AWS RAM) is its host, with vpc_shared_with
plugin: privatelink.ecr.aws_vpcs
regions: [eu-west-1]
role_arn: arn:aws:iam::222222222222:role/org-read-only   # a delegated administrator's role
account_profiles:
  "333333333333": network-admin

# Constructed groups and variables
plugin: privatelink.ecr.aws_vpcs
regions: [eu-west-1]
keyed_groups:
  - key: vpc_tags.Environment | default('none')
    prefix: env
compose:
  vpc_endpoints_workload: "'eks' if vpc_tags.Cluster is defined else 'fargate'"
groups:
  production: "'prod' in aws_account_name"
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible import constants as C
from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    HAS_BOTO3,
    boto3_missing_message,
    botocore_config,
    describe_exception,
    regional_sts,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_vpcs_inventory import (
    CACHE_SCHEMA,
    InventoryConfigError,
    assume_role_message,
    build_hosts,
    describe_vpcs_filters,
    error_lines,
    error_record,
    listed_accounts,
    needs_organizations,
    partition_of_arn,
    role_arn_for,
    select_organization_accounts,
    sort_errors,
    tags_match,
    unknown_options,
    validate_options,
    vpc_record,
)

try:
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # pragma: no cover - HAS_BOTO3 reports it
    pass

_OWN_OPTIONS = ("regions", "accounts", "organizational_units", "account_tags", "exclude_accounts", "role_name",
                "external_id", "vpc_filters", "include_default_vpcs", "host_per", "max_workers", "on_account_error",
                "region", "profile", "access_key", "secret_key", "session_token", "endpoint_url", "role_arn",
                "account_profiles")
SESSION_NAME = "privatelink-ecr-inventory"


class _AwsError(Exception):
    """A failed AWS call, already turned into a message a person can act on."""


class _Aws:
    """The session and clients of one inventory run, shared by its threads.

    One botocore session decodes each service model (EC2's is large) once; a session per thread
    decoded it once per thread, which was most of the listing's CPU and memory. Creating a client from
    a session is not thread-safe, so it is done under a lock; the clients themselves are, and the
    requests run in parallel ("Multithreading or multiprocessing with clients":
    https://boto3.amazonaws.com/v1/documentation/api/latest/guide/clients.html). The credentials of
    assumed roles only pass between threads in memory.
    """

    def __init__(self, config):
        self.config = config
        base = botocore_config()
        # Retry mode standard (not the modules' adaptive default): adaptive's client-side rate limiter is
        # per client, and every account-region here has its own client.
        self.client_config = base.merge(Config(retries={"mode": "standard",
                                                        "total_max_attempts": base.retries["total_max_attempts"]}))
        self._session = regional_sts(botocore.session.Session(profile=config["profile"]))
        if config["access_key"]:
            self._session.set_credentials(config["access_key"], config["secret_key"], config["session_token"])
        self._lock = threading.RLock()  # re-entered when the shared STS client is first made
        self._sts = None
        self._profile_sessions = {}

    def session(self):
        return self._session

    def client(self, service, region, credentials=None):
        """A client with the controller's credentials, an assumed role's keys, or ``{"profile": NAME}``."""
        credentials = dict(credentials or {})
        with self._lock:
            profile = credentials.pop("profile", None)
            session = self._session if profile is None else self.profile_session(profile)
            return session.create_client(service, region_name=region, endpoint_url=self.config["endpoint_url"],
                                         config=self.client_config, **credentials)

    def profile_session(self, profile):
        """The session of an account of account_profiles: botocore resolves the profile's own credentials
        (IAM Identity Center sso_session profiles, role_arn/source_profile chains)."""
        with self._lock:
            if profile not in self._profile_sessions:
                self._profile_sessions[profile] = botocore.session.Session(profile=profile)
            return self._profile_sessions[profile]

    def check_credentials(self):
        try:
            credentials = self.session().get_credentials()
        except (BotoCoreError, ClientError) as exc:
            raise _AwsError(describe_exception(exc, "load the AWS credentials"))
        if credentials is None:
            raise _AwsError("No AWS credentials found: set access_key and secret_key, a profile, "
                            "or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")

    def partition_for_region(self, region):
        try:
            return self.session().get_partition_for_region(region)
        except Exception:  # pylint: disable=broad-except
            # botocore raises UnknownRegionError for a name it does not know (a new region, an emulator's).
            return "aws"

    def assume(self, role_arn, external_id=None):
        """The role's credentials as client keyword arguments (never stored, never returned to Ansible)."""
        with self._lock:
            if self._sts is None:
                self._sts = self.client("sts", self.config["region"])
        sts = self._sts
        kwargs = dict(RoleArn=role_arn, RoleSessionName=SESSION_NAME)
        if external_id:
            kwargs["ExternalId"] = external_id
        credentials = sts.assume_role(**kwargs)["Credentials"]
        return dict(aws_access_key_id=credentials["AccessKeyId"],
                    aws_secret_access_key=credentials["SecretAccessKey"],
                    aws_session_token=credentials["SessionToken"])


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "privatelink.ecr.aws_vpcs"

    def verify_file(self, path):
        if super(InventoryModule, self).verify_file(path):
            return path.endswith(("aws_vpcs.yml", "aws_vpcs.yaml"))
        return False

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        if not HAS_BOTO3:
            raise AnsibleParserError(boto3_missing_message())
        source = self._read_config_data(path)
        definitions = C.config.get_configuration_definitions("inventory", self._load_name) or {}
        known = set(definitions)
        for definition in definitions.values():
            known.update(definition.get("aliases") or [])
        unknown = unknown_options(source, known)
        if unknown:
            raise AnsibleParserError("%s: unknown option(s) %s; the options are %s" % (
                path, ", ".join(unknown), ", ".join(sorted(definitions))))
        try:
            config = validate_options(dict((name, self.get_option(name)) for name in _OWN_OPTIONS))
        except InventoryConfigError as exc:
            raise AnsibleParserError("%s: %s" % (path, exc))

        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        data = None
        if use_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
            if not isinstance(data, dict) or data.get("schema") != CACHE_SCHEMA:
                data = None
                update_cache = True
        if data is None:
            try:
                data = self._fetch(config)
            except _AwsError as exc:
                raise AnsibleParserError("%s: %s" % (path, exc))
        self._report_errors(data, config)
        if update_cache:
            self._cache[cache_key] = data
        self._populate(data, config)

    # ------------------------------------------------------------------ AWS

    def _fetch(self, config):
        started = time.monotonic()
        aws = _Aws(config)
        if needs_organizations(config) or any(account_id not in config["account_profiles"]
                                              for account_id in config["accounts"]):
            # Every call but the profile accounts' uses the controller's credentials.
            aws.check_credentials()
        default_partition = partition_of_arn(config["role_arn"]) or aws.partition_for_region(config["region"])
        if needs_organizations(config):
            accounts, errors = self._organization_accounts(aws, config)
        else:
            accounts, errors = listed_accounts(config), []
        for account in accounts:
            account["role_arn"] = role_arn_for(account.pop("partition", None) or default_partition,
                                               account["id"], config["role_name"])
            account["profile"] = config["account_profiles"].get(account["id"])

        listings = []
        if accounts:
            workers = min(config["max_workers"], len(accounts) * len(config["regions"]))
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aws_vpcs") as pool:
                assumed = list(pool.map(lambda account: self._assume(aws, account), accounts))
                tasks = []
                for account, credentials, error in assumed:
                    if error:
                        errors.append(error_record(account["id"], None, error))
                        continue
                    tasks.extend((account, region, credentials) for region in config["regions"])
                for listing, error in pool.map(lambda task: self._list_vpcs(aws, config, *task), tasks):
                    if error:
                        errors.append(error)
                    else:
                        listings.append(listing)
        self.display.vvv("aws_vpcs: %d account(s), %d region(s), %d VPC(s) listed, %d error(s) in %.1f s" % (
            len(accounts), len(config["regions"]), sum(len(item["vpcs"]) for item in listings), len(errors),
            time.monotonic() - started))
        return {
            "schema": CACHE_SCHEMA,
            "accounts": accounts,
            "listings": sorted(listings, key=lambda item: (item["account_id"], item["region"])),
            "errors": sort_errors(errors),
        }

    def _organization_accounts(self, aws, config):
        """The selected accounts (after the status, list, exclusion and tag filters) and the errors found."""
        if config["role_arn"]:
            try:
                credentials = aws.assume(config["role_arn"])
            except (BotoCoreError, ClientError) as exc:
                raise _AwsError(describe_exception(exc, "assume role_arn %s" % config["role_arn"]))
        else:
            credentials = None
        org = aws.client("organizations", config["region"], credentials)

        def paginate(operation, key, action, **kwargs):
            items = []
            try:
                for page in org.get_paginator(operation).paginate(**kwargs):
                    items.extend(page.get(key) or [])
            except ClientError as exc:
                error = exc.response.get("Error", {})
                message = "Failed to %s: %s: %s" % (action, error.get("Code"), error.get("Message", "").strip())
                if error.get("Code") in ("AccessDeniedException", "AccessDenied", "AWSOrganizationsNotInUseException"):
                    message += ("; Organizations answers only the management account or a delegated administrator "
                                "(see role_arn), or list the account ids in accounts alone")
                raise _AwsError(message)
            except BotoCoreError as exc:
                raise _AwsError(describe_exception(exc, action))
            return items

        if config["organizational_units"]:
            found, seen, queue = [], set(), list(config["organizational_units"])
            while queue:
                parent = queue.pop(0)
                if parent in seen:
                    continue
                seen.add(parent)
                found.extend(paginate("list_accounts_for_parent", "Accounts",
                                      "list the accounts of %s" % parent, ParentId=parent))
                children = paginate("list_children", "Children", "list the child OUs of %s" % parent,
                                    ParentId=parent, ChildType="ORGANIZATIONAL_UNIT")
                queue.extend(sorted(child["Id"] for child in children))
        else:
            found = paginate("list_accounts", "Accounts", "list the accounts of the organization")

        selected, errors = select_organization_accounts(found, config)
        if config["account_tags"]:
            tagged = []
            for account in selected:
                tags = paginate("list_tags_for_resource", "Tags", "list the tags of account %s" % account["id"],
                                ResourceId=account["id"])
                if tags_match(tags, config["account_tags"]):
                    tagged.append(account)
            selected = tagged
        return selected, errors

    @staticmethod
    def _assume(aws, account):
        if account.get("profile"):
            # The account's profile instead of role_name: its credentials are resolved here, so a profile
            # that does not exist or has no credentials (an expired IAM Identity Center login) is this
            # account's error, not one per region.
            try:
                if aws.profile_session(account["profile"]).get_credentials() is None:
                    return account, None, "the profile %s of account_profiles has no credentials" % account["profile"]
            except (BotoCoreError, ClientError) as exc:
                return account, None, describe_exception(exc, "load the profile %s of account_profiles"
                                                         % account["profile"])
            return account, {"profile": account["profile"]}, None
        try:
            return account, aws.assume(account["role_arn"], aws.config["external_id"]), None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            return account, None, assume_role_message(account["role_arn"], error.get("Code"), error.get("Message"),
                                                      bool(aws.config["external_id"]))
        except BotoCoreError as exc:
            return account, None, describe_exception(exc, "assume %s" % account["role_arn"])

    @staticmethod
    def _list_vpcs(aws, config, account, region, credentials):
        kwargs = {}
        if config["vpc_filters"]:
            kwargs["Filters"] = describe_vpcs_filters(config["vpc_filters"])
        try:
            ec2 = aws.client("ec2", region, credentials)
            vpcs = []
            for page in ec2.get_paginator("describe_vpcs").paginate(**kwargs):
                vpcs.extend(vpc_record(vpc) for vpc in page.get("Vpcs") or [])
        except (BotoCoreError, ClientError) as exc:
            return None, error_record(account["id"], region, describe_exception(exc, "list the VPCs in %s" % region))
        # Default VPCs are kept here and left out when hosts are built, so the cache serves either setting.
        return {"account_id": account["id"], "region": region,
                "vpcs": sorted(vpcs, key=lambda vpc: vpc["vpc_id"])}, None

    # ------------------------------------------------------------------ inventory

    def _report_errors(self, data, config):
        lines = error_lines(data["errors"], data["accounts"])
        if not lines:
            return
        if config["on_account_error"] == "fail":
            raise AnsibleParserError("aws_vpcs: %d account(s) or region(s) could not be listed "
                                     "(on_account_error is fail): %s" % (len(lines), "; ".join(lines)))
        for line in lines:
            self.display.warning("aws_vpcs: left out of the inventory: %s" % line)

    def _populate(self, data, config):
        self.inventory.set_variable("all", "aws_vpcs_errors", [dict(error) for error in data["errors"]])
        strict = self.get_option("strict")
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        hosts = build_hosts(data, config)
        # Ansible orders "all" by walking its child groups in the order they were added: the account
        # groups first, in sorted order, make that walk the sorted host order (what AWX job slicing cuts).
        for group in sorted(set(group for host in hosts for group in host[2]),
                            key=lambda group: (not group.startswith("account_"), group)):
            self.inventory.add_group(group)
        for name, variables, host_groups in hosts:
            self.inventory.add_host(name)
            for group in host_groups:
                self.inventory.add_child(group, name)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(compose, variables, name, strict=strict)
            hostvars = self.inventory.get_host(name).get_vars()
            self._add_host_to_composed_groups(groups, hostvars, name, strict=strict)
            self._add_host_to_keyed_groups(keyed_groups, hostvars, name, strict=strict)
