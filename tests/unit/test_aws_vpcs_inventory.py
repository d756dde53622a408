"""The aws_vpcs inventory plugin without AWS: options, account selection, VPC records, names, groups.

The pure rules live in plugins/module_utils/_aws_vpcs_inventory.py; the last tests load the real
plugin through Ansible's plugin loader and parse source files whose AWS side is stubbed, to check
what reaches the inventory (hosts, variables, groups, errors) and how bad files fail.
"""

import copy

import pytest
from ansible.errors import AnsibleOptionsError, AnsibleParserError

try:
    from ansible.errors import AnsibleRequiredOptionError
except ImportError:  # ansible-core before 2.19: its config manager raises a plain AnsibleError for a missing option
    from ansible.errors import AnsibleError as AnsibleRequiredOptionError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.privatelink.ecr.plugins.inventory import aws_vpcs
from ansible_collections.privatelink.ecr.plugins.module_utils import _aws_vpcs_inventory as logic
from ansible_collections.privatelink.ecr.plugins.module_utils._aws_vpcs_inventory import (
    InventoryConfigError,
    assume_role_message,
    build_hosts,
    describe_vpcs_filters,
    error_lines,
    group_name,
    host_name,
    keep_vpcs,
    listed_accounts,
    needs_organizations,
    role_arn_for,
    select_organization_accounts,
    tags_match,
    unknown_options,
    validate_options,
    vpc_record,
)

A1, A2, A3, A4 = "111111111111", "222222222222", "333333333333", "444444444444"


def config(**options):
    options.setdefault("regions", ["eu-west-1"])
    return validate_options(options)


def org_account(account_id, name=None, state="ACTIVE", status=None, partition="aws"):
    account = {"Id": account_id, "Name": name or "acct-" + account_id[:1],
               "Arn": "arn:%s:organizations::999999999999:account/o-abc/%s" % (partition, account_id)}
    if state is not None:
        account["State"] = state
    if status is not None:
        account["Status"] = status
    return account


# ------------------------------------------------------------------------------------- options

def test_defaults_are_the_contract_defaults():
    cfg = config()
    assert cfg["accounts"] == [] and cfg["organizational_units"] == [] and cfg["account_tags"] == {}
    assert cfg["exclude_accounts"] == [] and cfg["vpc_filters"] == {}
    assert cfg["role_name"] == "privatelink-ecr-automation"
    assert cfg["external_id"] is None
    assert cfg["include_default_vpcs"] is False
    assert cfg["host_per"] == "vpc"
    assert cfg["max_workers"] == 16
    assert cfg["on_account_error"] == "warn"
    assert cfg["region"] == "us-east-1"
    assert cfg["endpoint_url"] is None and cfg["role_arn"] is None


def test_regions_are_required_sorted_and_deduplicated():
    assert config(regions=["us-east-1", "eu-west-1", "us-east-1"])["regions"] == ["eu-west-1", "us-east-1"]
    with pytest.raises(InventoryConfigError, match="regions must list at least one"):
        validate_options({"regions": []})
    with pytest.raises(InventoryConfigError, match="regions must list at least one"):
        validate_options({})


@pytest.mark.parametrize("options, message", [
    ({"regions": "eu-west-1"}, "regions must be a list"),
    ({"regions": ["Ireland"]}, "'Ireland' is not a valid AWS region name"),
    ({"accounts": ["12345"]}, "accounts: '12345' is not a valid account id"),
    ({"accounts": [12345678901]}, "quote account ids"),
    ({"exclude_accounts": ["abc"]}, "exclude_accounts: 'abc' is not a valid account id"),
    ({"organizational_units": ["marketing"]}, "organizational_units: 'marketing' is not a valid organizational unit"),
    ({"account_tags": ["env"]}, "account_tags must be a dictionary"),
    ({"account_tags": {"env": ["a", "b"]}}, "the value of env must be a string"),
    ({"vpc_filters": "tag:x=1"}, "vpc_filters must be a dictionary"),
    ({"vpc_filters": {"cidr": []}}, "vpc_filters: cidr has no value"),
    ({"role_name": "bad role"}, "role_name 'bad role' is not an IAM role name"),
    ({"role_name": "x" * 65}, "is not an IAM role name"),
    ({"external_id": "x"}, "external_id must be 2 to 1224"),
    ({"host_per": "zone"}, "host_per must be one of vpc, region, got 'zone'"),
    ({"on_account_error": "ignore"}, "on_account_error must be one of warn, fail"),
    ({"max_workers": 0}, "max_workers must be between 1 and 256"),
    ({"max_workers": "many"}, "max_workers must be an integer"),
    ({"include_default_vpcs": "maybe"}, "include_default_vpcs must be a boolean"),
    ({"region": "global"}, "region 'global' is not an AWS region name"),
    ({"role_arn": "my-role"}, "role_arn 'my-role' is not an IAM role ARN"),
    ({"access_key": "AKIA"}, "access_key and secret_key must be given together"),
    ({"profile": "p", "access_key": "a", "secret_key": "s"}, "either profile or access_key"),
    ({"endpoint_url": "localhost:5000"}, "endpoint_url 'localhost:5000' is not an http"),
])
def test_bad_options_name_the_option(options, message):
    options.setdefault("regions", ["eu-west-1"])
    with pytest.raises(InventoryConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_options(options)


def test_option_values_are_normalised():
    cfg = config(accounts=[" 111111111111 ", "111111111111"], role_name="/automation/ecr/",
                 organizational_units=["ou-ab12-cdef5678", "r-ab12"],
                 account_tags={"Containers": True, "tier": 1},
                 vpc_filters={"tag:Containers": "true", "cidr": ["10.0.0.0/16", "10.1.0.0/16"]},
                 include_default_vpcs="yes", max_workers="4", external_id="  ")
    assert cfg["accounts"] == [A1]
    assert cfg["role_name"] == "automation/ecr"
    assert cfg["organizational_units"] == ["ou-ab12-cdef5678", "r-ab12"]
    assert cfg["account_tags"] == {"Containers": "true", "tier": "1"}
    assert cfg["vpc_filters"] == {"tag:Containers": ["true"], "cidr": ["10.0.0.0/16", "10.1.0.0/16"]}
    assert cfg["include_default_vpcs"] is True and cfg["max_workers"] == 4
    assert cfg["external_id"] is None


def test_describe_vpcs_filters_are_in_a_stable_order():
    cfg = config(vpc_filters={"tag:b": "2", "cidr": ["10.0.0.0/16"], "tag:a": "1"})
    assert describe_vpcs_filters(cfg["vpc_filters"]) == [
        {"Name": "cidr", "Values": ["10.0.0.0/16"]},
        {"Name": "tag:a", "Values": ["1"]},
        {"Name": "tag:b", "Values": ["2"]},
    ]


# ------------------------------------------------------------------------------------- accounts

def test_organizations_is_asked_unless_accounts_alone():
    assert needs_organizations(config())
    assert not needs_organizations(config(accounts=[A1]))
    assert needs_organizations(config(accounts=[A1], account_tags={"env": "prod"}))
    assert needs_organizations(config(accounts=[A1], organizational_units=["ou-ab12-cdef5678"]))
    # Exclusions alone do not need Organizations either way.
    assert not needs_organizations(config(accounts=[A1, A2], exclude_accounts=[A2]))


def test_listed_accounts_without_organizations_are_named_by_id():
    assert listed_accounts(config(accounts=[A2, A1, A3], exclude_accounts=[A3])) == [
        {"id": A1, "name": A1, "partition": None}, {"id": A2, "name": A2, "partition": None}]


def test_only_active_accounts_of_the_organization_silently():
    accounts = [org_account(A3), org_account(A1, "one"), org_account(A2, state="SUSPENDED"),
                org_account(A4, state=None, status="PENDING_CLOSURE"), org_account(A1, "one")]
    selected, errors = select_organization_accounts(accounts, config())
    assert [a["id"] for a in selected] == [A1, A3]
    assert selected[0] == {"id": A1, "name": "one", "partition": "aws"}
    assert errors == []


def test_state_wins_over_the_retired_status():
    accounts = [org_account(A1, state="SUSPENDED", status="ACTIVE"), org_account(A2, state=None, status="ACTIVE")]
    selected = select_organization_accounts(accounts, config())[0]
    assert [a["id"] for a in selected] == [A2]


def test_listed_account_not_active_or_not_in_the_organization_is_recorded():
    accounts = [org_account(A1), org_account(A2, "closed", state="SUSPENDED"), org_account(A3)]
    selected, errors = select_organization_accounts(accounts, config(accounts=[A1, A2, A4], account_tags={"a": "b"}))
    assert [a["id"] for a in selected] == [A1]
    assert errors == [
        {"account_id": A2, "region": None, "message": "the account (closed) is SUSPENDED, not ACTIVE"},
        {"account_id": A4, "region": None, "message": "listed in accounts but not a member of the organization"},
    ]


def test_listed_account_outside_the_ous_is_filtered_not_an_error():
    accounts = [org_account(A1)]
    selected, errors = select_organization_accounts(
        accounts, config(accounts=[A1, A2], organizational_units=["ou-ab12-cdef5678"]))
    assert [a["id"] for a in selected] == [A1] and errors == []


def test_exclusions_win_even_over_a_listed_suspended_account():
    accounts = [org_account(A1), org_account(A2, state="SUSPENDED"), org_account(A3)]
    selected, errors = select_organization_accounts(accounts, config(accounts=[A1, A2], exclude_accounts=[A1, A2]))
    assert selected == [] and errors == []
    selected, errors = select_organization_accounts(accounts, config(exclude_accounts=[A3]))
    assert [a["id"] for a in selected] == [A1]


def test_partition_comes_from_the_account_arn():
    selected = select_organization_accounts([org_account(A1, partition="aws-us-gov")], config())[0]
    assert selected[0]["partition"] == "aws-us-gov"
    assert role_arn_for("aws-us-gov", A1, "automation/ecr") == "arn:aws-us-gov:iam::%s:role/automation/ecr" % A1
    assert role_arn_for(None, A1, "r") == "arn:aws:iam::%s:role/r" % A1


def test_tags_match_every_wanted_tag_exactly():
    tags = [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "platform"}]
    assert tags_match(tags, {"env": "prod"})
    assert tags_match(tags, {"env": "prod", "team": "platform"})
    assert not tags_match(tags, {"env": "Prod"})
    assert not tags_match(tags, {"env": "prod", "cost": "x"})
    assert tags_match({"env": "prod"}, {})


def test_assume_role_errors_say_what_to_check():
    arn = "arn:aws:iam::%s:role/r" % A1
    text = assume_role_message(arn, "AccessDenied", "not authorized", external_id=True)
    assert text.startswith("Failed to assume %s: AccessDenied: not authorized; check that the role exists" % arn)
    assert "trust policy admits the controller's identity with this external_id" in text
    assert assume_role_message(arn, "ExpiredToken", "") == "Failed to assume %s: ExpiredToken: (no message)" % arn


def test_unknown_keys_are_reported_sorted():
    assert unknown_options(["plugin", "regions", "acounts", "Regions"], {"plugin", "regions"}) == ["Regions", "acounts"]


# ------------------------------------------------------------------------------------- VPCs

RAW_VPC = {
    "VpcId": "vpc-0b", "CidrBlock": "10.0.0.0/16", "IsDefault": False,
    "CidrBlockAssociationSet": [
        {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "10.8.0.0/16", "CidrBlockState": {"State": "disassociated"}},
    ],
    "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18::/56", "Ipv6CidrBlockState": {"State": "associated"}}],
    "Tags": [{"Key": "Name", "Value": "apps"}, {"Key": "env", "Value": "prod"}],
}


def test_vpc_record_keeps_cidrs_tags_and_default_flag():
    assert vpc_record(RAW_VPC) == {"vpc_id": "vpc-0b", "cidrs": ["10.0.0.0/16", "10.9.0.0/16", "2600:1f18::/56"],
                                   "tags": {"Name": "apps", "env": "prod"}, "is_default": False, "owner_id": None}
    assert vpc_record({"VpcId": "vpc-1", "CidrBlock": "172.31.0.0/16", "IsDefault": True, "OwnerId": A1}) == {
        "vpc_id": "vpc-1", "cidrs": ["172.31.0.0/16"], "tags": {}, "is_default": True, "owner_id": A1}


def test_default_vpcs_are_left_out_unless_asked():
    vpcs = [{"vpc_id": "vpc-2", "is_default": False}, {"vpc_id": "vpc-1", "is_default": True}]
    assert [v["vpc_id"] for v in keep_vpcs(vpcs, False)] == ["vpc-2"]
    assert [v["vpc_id"] for v in keep_vpcs(vpcs, True)] == ["vpc-1", "vpc-2"]


# ------------------------------------------------------------------------------------- hosts

def test_names_and_groups():
    assert host_name(A1, "eu-west-1", "vpc-0b") == A1 + "-eu-west-1-vpc-0b"
    assert host_name(A1, "eu-west-1") == A1 + "-eu-west-1"
    assert group_name("account", A1) == "account_" + A1
    assert group_name("region", "us-gov-west-1") == "region_us_gov_west_1"


def fetched():
    def vpc(vpc_id, name=None, default=False, cidrs=("10.0.0.0/16",)):
        return {"vpc_id": vpc_id, "cidrs": list(cidrs), "tags": {"Name": name} if name else {}, "is_default": default}
    return {
        "schema": logic.CACHE_SCHEMA,
        "accounts": [{"id": A2, "name": "two", "role_arn": "arn:aws:iam::%s:role/r" % A2},
                     {"id": A1, "name": "one", "role_arn": "arn:aws:iam::%s:role/r" % A1}],
        "listings": [
            {"account_id": A2, "region": "eu-west-1", "vpcs": [vpc("vpc-9", "b"), vpc("vpc-1", "a")]},
            {"account_id": A1, "region": "us-east-1", "vpcs": [vpc("vpc-5", default=True)]},
            {"account_id": A1, "region": "eu-west-1", "vpcs": [vpc("vpc-7", cidrs=["10.1.0.0/16", "fd00::/56"]),
                                                               vpc("vpc-3", default=True)]},
        ],
        "errors": [],
    }


def test_hosts_per_vpc_in_a_stable_order_with_the_contract_variables():
    cfg = config(regions=["eu-west-1", "us-east-1"])
    hosts = build_hosts(fetched(), cfg)
    assert [h[0] for h in hosts] == [A1 + "-eu-west-1-vpc-7", A2 + "-eu-west-1-vpc-1", A2 + "-eu-west-1-vpc-9"]
    name, variables, groups = hosts[0]
    assert variables == {"aws_account_id": A1, "aws_account_name": "one", "aws_region": "eu-west-1",
                         "aws_role_arn": "arn:aws:iam::%s:role/r" % A1, "vpc_id": "vpc-7",
                         "vpc_cidrs": ["10.1.0.0/16", "fd00::/56"], "vpc_tags": {}, "vpc_shared_with": []}
    assert groups == ["account_" + A1, "region_eu_west_1"]
    assert hosts[1][1]["vpc_name"] == "a" and hosts[1][1]["vpc_tags"] == {"Name": "a"}
    # The same data in any order gives the same list.
    shuffled = fetched()
    shuffled["listings"].reverse()
    shuffled["accounts"].reverse()
    assert build_hosts(shuffled, cfg) == hosts


def test_default_vpcs_become_hosts_when_asked():
    names = [h[0] for h in build_hosts(fetched(), config(include_default_vpcs=True))]
    assert names == [A1 + "-eu-west-1-vpc-3", A1 + "-eu-west-1-vpc-7", A1 + "-us-east-1-vpc-5",
                     A2 + "-eu-west-1-vpc-1", A2 + "-eu-west-1-vpc-9"]


def test_hosts_per_region_carry_vpc_ids_and_skip_empty_regions():
    cfg = config(host_per="region", external_id="ext-123", endpoint_url="http://127.0.0.1:5000")
    hosts = build_hosts(fetched(), cfg)
    assert [h[0] for h in hosts] == [A1 + "-eu-west-1", A2 + "-eu-west-1"]
    assert hosts[1][1] == {"aws_account_id": A2, "aws_account_name": "two", "aws_region": "eu-west-1",
                           "aws_role_arn": "arn:aws:iam::%s:role/r" % A2, "vpc_ids": ["vpc-1", "vpc-9"],
                           "aws_external_id": "ext-123", "aws_endpoint_url": "http://127.0.0.1:5000"}
    assert "vpc_id" not in hosts[0][1] and "vpc_cidrs" not in hosts[0][1]


def shared_fleet():
    """A1 owns vpc-s (shared into A2 and A3) and vpc-o; A2 owns vpc-2; A4 (not listed) owns vpc-x shared into A3."""
    def vpc(vpc_id, owner):
        return {"vpc_id": vpc_id, "cidrs": ["10.0.0.0/16"], "tags": {}, "is_default": False, "owner_id": owner}
    return {
        "schema": logic.CACHE_SCHEMA,
        "accounts": [{"id": account, "name": account, "role_arn": "arn:aws:iam::%s:role/r" % account}
                     for account in (A1, A2, A3)],
        "listings": [
            {"account_id": A1, "region": "eu-west-1", "vpcs": [vpc("vpc-s", A1), vpc("vpc-o", A1)]},
            {"account_id": A2, "region": "eu-west-1", "vpcs": [vpc("vpc-2", A2), vpc("vpc-s", A1)]},
            {"account_id": A3, "region": "eu-west-1", "vpcs": [vpc("vpc-s", A1), vpc("vpc-x", A4)]},
        ],
        "errors": [],
    }


def test_a_shared_vpc_is_a_host_of_its_owner_only_with_the_accounts_it_is_shared_into():
    hosts = dict((name, variables) for name, variables, _groups in build_hosts(shared_fleet(), config()))
    # No duplicate under the participants; vpc-x, whose owner is not listed, is nobody's host.
    assert sorted(hosts) == [A1 + "-eu-west-1-vpc-o", A1 + "-eu-west-1-vpc-s", A2 + "-eu-west-1-vpc-2"]
    assert hosts[A1 + "-eu-west-1-vpc-s"]["vpc_shared_with"] == [A2, A3]
    assert hosts[A1 + "-eu-west-1-vpc-s"]["aws_account_id"] == A1
    assert hosts[A1 + "-eu-west-1-vpc-o"]["vpc_shared_with"] == []
    assert hosts[A2 + "-eu-west-1-vpc-2"]["vpc_shared_with"] == []
    # A record without OwnerId (an older cache cannot reach here: the schema changed) is the account's own.
    assert logic.owned_vpcs({"account_id": A1, "vpcs": [{"vpc_id": "vpc-1"}]}) == [{"vpc_id": "vpc-1"}]


def test_a_shared_vpc_is_in_the_vpc_ids_of_its_owner_only():
    hosts = dict((name, variables) for name, variables, _groups in
                 build_hosts(shared_fleet(), config(host_per="region")))
    assert sorted(hosts) == [A1 + "-eu-west-1", A2 + "-eu-west-1"]  # A3 owns nothing: no host
    assert hosts[A1 + "-eu-west-1"]["vpc_ids"] == ["vpc-o", "vpc-s"]
    assert hosts[A2 + "-eu-west-1"]["vpc_ids"] == ["vpc-2"]


def test_an_account_of_account_profiles_carries_its_profile_and_no_role():
    data = fetched()
    data["accounts"][0]["profile"] = "network-admin"  # A2
    hosts = dict((name, variables) for name, variables, _groups in
                 build_hosts(data, config(external_id="ext-123", account_profiles={A2: "network-admin"})))
    two = hosts[A2 + "-eu-west-1-vpc-1"]
    assert two["aws_profile"] == "network-admin"
    assert "aws_role_arn" not in two and "aws_external_id" not in two
    one = hosts[A1 + "-eu-west-1-vpc-7"]
    assert "aws_profile" not in one and one["aws_role_arn"] == "arn:aws:iam::%s:role/r" % A1
    assert one["aws_external_id"] == "ext-123"


@pytest.mark.parametrize("value, message", [
    ("network", "account_profiles must be a dictionary"),
    ({"12345": "x"}, "not a valid account id"),
    ({12345678901: "x"}, "quote account ids"),  # 012345678901 unquoted
    ({A1: ""}, "must be a profile name"),
    ({A1: ["a"]}, "must be a profile name"),
    ({A1: "two words"}, "must be a profile name"),
])
def test_bad_account_profiles_name_the_option(value, message):
    with pytest.raises(InventoryConfigError) as excinfo:
        config(account_profiles=value)
    assert "account_profiles" in str(excinfo.value) and message in str(excinfo.value)


def test_account_profiles_are_normalised():
    assert config()["account_profiles"] == {}
    assert config(account_profiles={A1: " sso-net "})["account_profiles"] == {A1: "sso-net"}


def test_no_credential_reaches_host_variables():
    cfg = config(access_key="AKIAEXAMPLE", secret_key="SECRETEXAMPLE", session_token="TOKENEXAMPLE",
                 external_id="ext-123")
    text = repr(build_hosts(fetched(), cfg))
    for secret in ("AKIAEXAMPLE", "SECRETEXAMPLE", "TOKENEXAMPLE"):
        assert secret not in text


def test_error_lines_name_the_account_and_region():
    errors = [{"account_id": A2, "region": "eu-west-1", "message": "boom"},
              {"account_id": A1, "region": None, "message": "denied"}]
    assert error_lines(errors, [{"id": A1, "name": "one"}]) == [
        "account %s (one): denied" % A1, "account %s in eu-west-1: boom" % A2]


# ------------------------------------------------------------------------------------- the plugin

@pytest.fixture
def plugin():
    """The plugin as Ansible loads it: its documented options registered with the config manager.

    Ansible's loader finds collection plugins only where its collection finder was installed before
    any ``ansible_collections`` import (as under ``ansible-test units``); under plain pytest the
    other unit tests have already imported the package, so the loader's two steps are done here.
    """
    loaded = inventory_loader.get("privatelink.ecr.aws_vpcs")
    if loaded is not None:
        return loaded
    fqcn = "privatelink.ecr.aws_vpcs"
    inventory_loader._load_config_defs(fqcn, aws_vpcs, aws_vpcs.__file__)  # pylint: disable=protected-access
    loaded = aws_vpcs.InventoryModule()
    inventory_loader._update_object(obj=loaded, name=fqcn, path=aws_vpcs.__file__,  # pylint: disable=protected-access
                                    resolved=fqcn)
    return loaded


def parse(plugin, tmp_path, text, name="fleet.aws_vpcs.yml", fetched_data=None, calls=None):
    path = tmp_path / name
    path.write_text(text)
    inventory = InventoryData()
    calls = [] if calls is None else calls
    if fetched_data is not None:
        def fake_fetch(cfg):
            calls.append(cfg)
            return copy.deepcopy(fetched_data)
        plugin._fetch = fake_fetch
    plugin.parse(inventory, DataLoader(), str(path), cache=False)
    return inventory, calls


def test_verify_file_takes_only_aws_vpcs_files(plugin, tmp_path):
    for name, wanted in [("fleet.aws_vpcs.yml", True), ("aws_vpcs.yaml", True), ("prod-aws_vpcs.yml", True),
                         ("aws_vpcs.yml.bak", False), ("hosts.yml", False), ("aws_ec2.yml", False)]:
        path = tmp_path / name
        path.write_text("plugin: privatelink.ecr.aws_vpcs\n")
        assert plugin.verify_file(str(path)) is wanted, name
    assert plugin.verify_file(str(tmp_path / "missing.aws_vpcs.yml")) is False


def test_plugin_fills_hosts_groups_and_errors(plugin, tmp_path, monkeypatch):
    data = fetched()
    data["errors"] = [{"account_id": A3, "region": None, "message": "denied"}]
    warnings = []
    monkeypatch.setattr(plugin.display, "warning", lambda msg, *args, **kwargs: warnings.append(msg))
    inventory, calls = parse(plugin, tmp_path, "plugin: privatelink.ecr.aws_vpcs\nregions: [eu-west-1]\n"
                             "keyed_groups: [{key: vpc_tags.Name | default('none'), prefix: name}]\n"
                             "compose: {label: aws_account_name ~ '/' ~ vpc_id}\n", fetched_data=data)
    assert len(calls) == 1
    assert sorted(inventory.hosts) == [A1 + "-eu-west-1-vpc-7", A2 + "-eu-west-1-vpc-1", A2 + "-eu-west-1-vpc-9"]
    assert inventory.groups["all"].vars["aws_vpcs_errors"] == data["errors"]
    assert sorted(h.name for h in inventory.groups["account_" + A2].hosts) == [A2 + "-eu-west-1-vpc-1",
                                                                               A2 + "-eu-west-1-vpc-9"]
    assert len(inventory.groups["region_eu_west_1"].hosts) == 3
    assert [h.name for h in inventory.groups["name_a"].hosts] == [A2 + "-eu-west-1-vpc-1"]
    assert [h.name for h in inventory.groups["name_none"].hosts] == [A1 + "-eu-west-1-vpc-7"]
    assert inventory.hosts[A1 + "-eu-west-1-vpc-7"].vars["label"] == "one/vpc-7"
    assert warnings == ["aws_vpcs: left out of the inventory: account %s: denied" % A3]


def test_plugin_defines_empty_errors(plugin, tmp_path):
    data = fetched()
    data["listings"] = []
    inventory = parse(plugin, tmp_path, "plugin: privatelink.ecr.aws_vpcs\nregions: [eu-west-1]\n",
                      fetched_data=data)[0]
    assert inventory.groups["all"].vars["aws_vpcs_errors"] == []
    assert list(inventory.hosts) == []


def test_plugin_fails_naming_the_account_with_on_account_error_fail(plugin, tmp_path):
    data = fetched()
    data["errors"] = [{"account_id": A3, "region": "eu-west-1", "message": "Failed to list the VPCs"}]
    with pytest.raises(AnsibleParserError, match="account %s in eu-west-1: Failed to list the VPCs" % A3):
        parse(plugin, tmp_path, "plugin: privatelink.ecr.aws_vpcs\nregions: [eu-west-1]\non_account_error: fail\n",
              fetched_data=data)


@pytest.mark.parametrize("text, error, message", [
    # Ansible's config manager checks documented choices and required options itself, naming the value
    # and the option (the wording differs between ansible-core releases: "'zone' for config 'host_per'"
    # since 2.19); the plugin's own checks name the source file.
    ("plugin: privatelink.ecr.aws_vpcs\nregions: [eu-west-1]\nhost_per: zone\n", AnsibleOptionsError,
     "zone.*host_per"),
    ("plugin: privatelink.ecr.aws_vpcs\n", AnsibleRequiredOptionError, "regions"),
    ("plugin: privatelink.ecr.aws_vpcs\nregions: [eu-west-1]\naccounts: ['12']\n", AnsibleParserError,
     "fleet.aws_vpcs.yml: accounts: '12' is not a valid account id"),
    ("plugin: privatelink.ecr.aws_vpcs\nregions: []\n", AnsibleParserError,
     "fleet.aws_vpcs.yml: regions must list at least one"),
    ("plugin: privatelink.ecr.aws_vpcs\nregions: [eu-west-1]\nacounts: ['111111111111']\n", AnsibleParserError,
     "fleet.aws_vpcs.yml: unknown option\\(s\\) acounts; the options are "),
])
def test_plugin_rejects_bad_source_files_before_any_aws_call(plugin, tmp_path, text, error, message):
    calls = []
    with pytest.raises(error, match=message) as info:
        parse(plugin, tmp_path, text, fetched_data=fetched(), calls=calls)
    assert calls == []
    # Not a subclass that happens to share the wording.
    assert type(info.value) is error  # pylint: disable=unidiomatic-typecheck


def test_threads_share_one_session_so_each_model_is_decoded_once(monkeypatch):
    """Six account-regions listed by six threads: EC2's and STS's models are decoded once each.

    A botocore session per thread decoded EC2's model (830 operations) once per thread, which was
    most of a 300-VPC listing's CPU and memory (bench/README.md).
    """
    import os
    import traceback

    import boto3
    import botocore.loaders
    from moto import mock_aws

    decoded = []
    original = botocore.loaders.JSONFileLoader.load_file

    def counting(self, file_path):
        # A file read and decoded below the loader's per-instance cache, for the plugin (moto's
        # in-process responses decode models of their own, which do not count).
        callers = [frame.filename for frame in traceback.extract_stack()
                   if "/moto/" in frame.filename or frame.filename == aws_vpcs.__file__]
        if file_path.endswith("service-2") and callers and callers[-1] == aws_vpcs.__file__:
            decoded.append(file_path.split(os.sep)[-3])
        return original(self, file_path)

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        regions = ["eu-west-1", "us-east-1", "us-west-2"]
        for region in regions:
            boto3.client("ec2", region_name=region).create_vpc(CidrBlock="10.1.0.0/16")
        monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", counting)
        cfg = config(regions=regions, accounts=[A1, A2], max_workers=6)
        data = aws_vpcs.InventoryModule()._fetch(cfg)  # pylint: disable=protected-access
    assert data["errors"] == []
    assert [(item["account_id"], item["region"]) for item in data["listings"]] == [
        (account, region) for account in (A1, A2) for region in sorted(regions)]
    assert sorted(decoded) == ["ec2", "sts"]
