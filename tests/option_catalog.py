"""Every public option of the collection, read from where Ansible reads it, and the test that exercises it.

``collect_options()`` walks each module's ``argument_spec()`` (the AnsibleModule spec, suboptions as dotted
paths), the role's meta/argument_specs.yml, and the DOCUMENTATION options of the inventory and filter plugins.
The connection options every module shares (``CONNECTION_ARGUMENT_SPEC``, one code path in
plugins/module_utils/_aws_connection.py) are listed once as ``connection.<option>``; the coverage test checks
that each module's spec carries them unchanged, so one end-to-end test per option covers them all.

``OPTION_TESTS`` is the explicit registry: option -> the end-to-end test(s) exercising it, as
``path::function`` (``path::Class::function`` for methods). ``tests/unit/test_option_coverage.py`` checks
that every collected option has an entry, that each entry names an existing test function under
tests/integration/, and that the function's own source passes the option (as a module argument, a keyword,
a YAML key or a role variable) -- so a rename or a deleted test fails the check.
"""

import ast
import functools
import importlib
import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "ansible_collections.privatelink.ecr.plugins"
MODULES = ("ecr_endpoint_zones", "ecr_private_endpoints", "ecr_private_endpoints_info", "ecr_pull_through_cache",
           "posture_report", "vpc_private_subnets_info")
# posture_report builds its spec inside main(); its own options, as in its DOCUMENTATION.
DOC_ONLY_MODULES = ("posture_report",)
INVENTORY = ("aws_vpcs",)
FILTERS = ("fleet_summary",)


def _walk_spec(spec, prefix=""):
    for name, body in spec.items():
        yield prefix + name
        if body.get("options"):
            yield from _walk_spec(body["options"], prefix + name + ".")


def _doc_options(path):
    """The options of a plugin's DOCUMENTATION (read as text: plugins need not import outside Ansible)."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DOCUMENTATION" for t in node.targets):
            return yaml.safe_load(node.value.value).get("options") or {}
    raise AssertionError("%s has no DOCUMENTATION" % path)


def connection_spec():
    return importlib.import_module(PACKAGE + ".module_utils._aws_connection").CONNECTION_ARGUMENT_SPEC


def module_spec(name):
    """The module's own options (without the shared connection ones)."""
    if name in DOC_ONLY_MODULES:
        spec = _doc_options(os.path.join(ROOT, "plugins", "modules", name + ".py"))
    else:
        spec = importlib.import_module("%s.modules.%s" % (PACKAGE, name)).argument_spec()
    return {k: v for k, v in spec.items() if k not in connection_spec()}


def collect_options():
    """Every public option as ``owner.option[.suboption]`` (owner: a module, ``role``, a plugin, or
    ``connection`` for the shared connection options)."""
    found = ["connection." + name for name in connection_spec()]
    for name in MODULES:
        found += ["%s.%s" % (name, o) for o in _walk_spec(module_spec(name))]
    role = yaml.safe_load(open(os.path.join(ROOT, "roles", "vpc_endpoints", "meta", "argument_specs.yml")))
    for entry, spec in role["argument_specs"].items():
        found += ["role.%s" % o for o in _walk_spec(spec.get("options") or {})]
    for name in INVENTORY:
        options = _doc_options(os.path.join(ROOT, "plugins", "inventory", name + ".py"))
        found += ["%s.%s" % (name, o) for o in _walk_spec(options)]
    for name in FILTERS:
        options = _doc_options(os.path.join(ROOT, "plugins", "filter", name + ".py"))
        found += ["%s.%s" % (name, o) for o in _walk_spec(options)]
    return sorted(set(found))


def source_of_test(nodeid):
    """The source of the test function ``path::[Class::]function`` (decorators included), or None.

    ``path::function via helper``: the option is passed by ``helper``, a fixture or function of the same file that
    the test takes or calls by name; its source is appended (None when the test does not use it)."""
    nodeid, _via, helper = nodeid.partition(" via ")
    source = _source_of_test(nodeid)
    if source is None or not helper:
        return source
    body = _helpers(open(os.path.join(ROOT, nodeid.split("::", maxsplit=1)[0]), encoding="utf-8").read()).get(helper)
    if body is None or not re.search(r"\b%s\b" % re.escape(helper), source):
        return None
    return source + "\n" + body


def _source_of_test(nodeid):
    path, *names = nodeid.split("::")
    full = os.path.join(ROOT, path)
    if not os.path.isfile(full) or not path.startswith("tests/integration/"):
        return None
    text = open(full, encoding="utf-8").read()
    scope = ast.parse(text).body
    node = None
    for name in names:
        node = next((n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name), None)
        if node is None:
            return None
        scope = node.body
    if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
        return None
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    return "\n".join(text.splitlines()[first - 1:node.end_lineno])


# How a test's source shows it runs the owner of an option: the module's name or the fixture that runs it, the
# role's playbooks, the plugin's name.
OWNER_TOKENS = {
    "ecr_private_endpoints": ("ecr_private_endpoints", "run_endpoints", "endpoint_args"),
    "ecr_endpoint_zones": ("ecr_endpoint_zones",),
    "ecr_private_endpoints_info": ("ecr_private_endpoints_info",),
    "ecr_pull_through_cache": ("ecr_pull_through_cache",),
    "posture_report": ("posture_report",),
    "vpc_private_subnets_info": ("vpc_private_subnets_info",),
    "role": ("run_playbook", "vpc_endpoints", "playbooks/"),
    # list_inventory: tests/integration/test_inventory_aws_vpcs.py's runner of ansible-inventory on an aws_vpcs source
    "aws_vpcs": ("aws_vpcs", "list_inventory"),
    "fleet_summary": ("fleet_summary",),
}
# The connection options are exercised through any module (one code path).
OWNER_TOKENS["connection"] = tuple(t for owner in MODULES for t in OWNER_TOKENS[owner]) + ("run_module",)


def _passes_name(source, name):
    name = re.escape(name)
    # "name": value / 'name' / name=value / a YAML key "name:" at a line start, or in a string of YAML after a
    # quote or a "\n" escape (an inventory source written by the test)
    return re.search(r"""(["']%s["']|\b%s\s*=(?!=)|^\s*%s:|(?:\\n|["'])%s:)""" % (name, name, name, name),
                     source, re.M) is not None


@functools.lru_cache(maxsize=None)
def _helpers(file_text):
    """{name: source} of the file's module-level functions that are not tests (helpers and fixtures)."""
    lines = file_text.splitlines()
    return {n.name: "\n".join(lines[n.lineno - 1:n.end_lineno]) for n in ast.parse(file_text).body
            if isinstance(n, ast.FunctionDef) and not n.name.startswith("test")}


def runs_owner(source, owner, file_text=""):
    """Whether the test's source runs the owner: names it, or calls (or takes as a fixture) a helper of its file
    that names it."""
    tokens = OWNER_TOKENS[owner]
    if any(token in source for token in tokens):
        return True
    return any(re.search(r"\b%s\b" % re.escape(name), source) and any(token in body for token in tokens)
               for name, body in _helpers(file_text).items())


def passes_option(source, option, file_text=""):
    """Whether a test's ``source`` runs the option's owner (``runs_owner``) and passes the option: every name of
    its dotted path as a quoted string (an argument key or a role variable), a keyword (``name=``) or a YAML
    key (``name:``)."""
    owner, *names = option.split(".")
    if owner in FILTERS and names == ["_input"]:
        # A filter's input is what is piped into it.
        return re.search(r"\|\s*privatelink\.ecr\.%s\b" % owner, source) is not None
    return runs_owner(source, owner, file_text) and all(_passes_name(source, name) for name in names)


OPTION_TESTS = {
    "ecr_private_endpoints.perimeter_extra_s3_resources":
        "tests/integration/test_landing_zones_endpoints.py::test_a_perimeter_for_ecs_nodes_lets_them_reach_the_aws_owned_buckets",
    "ecr_private_endpoints.registry_account_ids":
        "tests/integration/test_landing_zones_endpoints.py::test_a_central_registry_policy_is_refused_for_the_vpc_s_own_account_and_applied_for_the_registry",
    "ecr_private_endpoints_info.registry_account_ids":
        "tests/integration/test_landing_zones_endpoints.py::test_the_audit_checks_the_pull_from_each_registry_account",
    "ecr_private_endpoints_info.images":
        "tests/integration/test_audit_workloads.py::test_fargate_service_with_docker_hub_image_needs_internet",
    "ecr_private_endpoints_info.read_workloads":
        "tests/integration/test_audit_workloads.py::test_no_ecs_and_no_eks_costs_two_requests",
    "ecr_private_endpoints_info.workload_security_group_ids":
        "tests/integration/test_audit_egress.py::test_group_reference_with_nothing_running_is_info_until_the_group_is_given",
    "role.vpc_endpoints_registry_account_ids":
        "tests/integration/test_landing_zones_playbooks.py::test_the_role_variable_vpc_endpoints_registry_account_ids_reaches_the_module",
    "role.vpc_endpoints_perimeter_org_id":
        "tests/integration/test_role_options.py::test_the_role_perimeter_variable_scopes_the_endpoint_policies_to_the_organization",
    "role.aws_account_name":
        "tests/integration/test_audit_playbook.py::test_reports_name_the_accounts_and_vpcs_people_know via estate",
    "role.vpc_endpoints_hub_force_destroy":
        "tests/integration/test_zones_and_hub_options.py::test_the_roles_own_mode_hub_and_hub_force_destroy_variables_drive_it_applied_directly",
    "role.vpc_endpoints_hub":
        "tests/integration/test_zones_and_hub_options.py::test_the_roles_own_mode_hub_and_hub_force_destroy_variables_drive_it_applied_directly",
    "role.vpc_endpoints_mode":
        "tests/integration/test_zones_and_hub_options.py::test_the_roles_own_mode_hub_and_hub_force_destroy_variables_drive_it_applied_directly",
    "role.vpc_endpoints_vpc_name":
        "tests/integration/test_role_options.py::test_role_variables_name_the_vpc_the_external_id_and_allow_a_blocking_policy",
    "role.vpc_endpoints_allow_blocking_policy":
        "tests/integration/test_role_options.py::test_role_variables_name_the_vpc_the_external_id_and_allow_a_blocking_policy",
    "role.aws_external_id":
        "tests/integration/test_role_options.py::test_role_variables_name_the_vpc_the_external_id_and_allow_a_blocking_policy",
    "aws_vpcs.profile":
        "tests/integration/test_inventory_options.py::test_a_profile_in_the_source_gives_the_controllers_credentials",
    "aws_vpcs.session_token":
        "tests/integration/test_inventory_options.py::test_keys_session_token_endpoint_and_role_name_from_the_source",
    "aws_vpcs.secret_key":
        "tests/integration/test_inventory_options.py::test_keys_session_token_endpoint_and_role_name_from_the_source",
    "aws_vpcs.role_name":
        "tests/integration/test_inventory_options.py::test_keys_session_token_endpoint_and_role_name_from_the_source",
    "aws_vpcs.endpoint_url":
        "tests/integration/test_inventory_options.py::test_keys_session_token_endpoint_and_role_name_from_the_source",
    "aws_vpcs.access_key":
        "tests/integration/test_inventory_options.py::test_keys_session_token_endpoint_and_role_name_from_the_source",
    "fleet_summary.results":
        "tests/integration/test_fleet_summary_options.py::test_every_option_of_the_filter_shapes_the_summary_of_a_real_run",
    "fleet_summary.hostvars":
        "tests/integration/test_fleet_summary_options.py::test_every_option_of_the_filter_shapes_the_summary_of_a_real_run",
    "fleet_summary.failed":
        "tests/integration/test_fleet_summary_options.py::test_every_option_of_the_filter_shapes_the_summary_of_a_real_run",
    "fleet_summary.check_mode":
        "tests/integration/test_fleet_summary_options.py::test_every_option_of_the_filter_shapes_the_summary_of_a_real_run",
    "fleet_summary._input":
        "tests/integration/test_fleet_summary_options.py::test_every_option_of_the_filter_shapes_the_summary_of_a_real_run",
    "aws_vpcs.account_profiles":
        "tests/integration/test_landing_zones.py::test_the_inventory_lists_a_shared_vpc_once_under_its_owner_and_uses_account_profiles",
    "aws_vpcs.account_tags": "tests/integration/test_inventory_aws_vpcs.py::test_account_tags_and_exclusions",
    "aws_vpcs.accounts":
        "tests/integration/test_inventory_aws_vpcs.py::test_listed_accounts_make_no_organizations_call",
    "aws_vpcs.exclude_accounts":
        "tests/integration/test_inventory_aws_vpcs.py::test_listed_accounts_make_no_organizations_call",
    "aws_vpcs.external_id":
        "tests/integration/test_inventory_aws_vpcs.py::test_organizations_calls_through_role_arn",
    "aws_vpcs.host_per": "tests/integration/test_inventory_aws_vpcs.py::test_host_per_region",
    "aws_vpcs.include_default_vpcs":
        "tests/integration/test_inventory_aws_vpcs.py::test_default_vpcs_only_when_asked",
    "aws_vpcs.max_workers": "tests/integration/test_inventory_aws_vpcs.py::test_stable_order",
    "aws_vpcs.on_account_error":
        "tests/integration/test_inventory_aws_vpcs.py::test_unassumable_account_with_fail_fails_the_inventory",
    "aws_vpcs.organizational_units":
        "tests/integration/test_inventory_aws_vpcs.py::test_organizational_units_are_recursive",
    "aws_vpcs.plugin":
        "tests/integration/test_landing_zones.py::test_deploy_on_the_inventory_converges_a_shared_vpc_once_with_its_owners_connection",
    "aws_vpcs.region":
        "tests/integration/test_inventory_aws_vpcs.py::test_listed_account_that_is_not_active_is_left_out_and_recorded",
    "aws_vpcs.regions":
        "tests/integration/test_inventory_aws_vpcs.py::test_every_active_account_one_host_per_vpc",
    "aws_vpcs.role_arn":
        "tests/integration/test_inventory_aws_vpcs.py::test_organizations_calls_through_role_arn",
    "aws_vpcs.vpc_filters": "tests/integration/test_inventory_aws_vpcs.py::test_vpc_filters",
    "connection.access_key":
        "tests/integration/test_connection_tls_and_credentials.py::test_session_token_signs_every_request_and_the_keys_act_in_their_account",
    "connection.aws_ca_bundle":
        "tests/integration/test_connection_tls_and_credentials.py::test_aws_ca_bundle_trusts_a_private_ca_and_the_endpoints_are_created",
    "connection.aws_config":
        "tests/integration/test_endpoints_adoption.py::test_aws_config_reaches_botocore_and_a_bad_setting_is_named",
    "connection.endpoint_url":
        "tests/integration/test_connection_tls_and_credentials.py::test_aws_ca_bundle_trusts_a_private_ca_and_the_endpoints_are_created",
    "connection.external_id":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "connection.profile":
        "tests/integration/test_connection_tls_and_credentials.py::test_a_named_profile_wins_over_the_environment_keys_and_role_session_name_reaches_sts",
    "connection.region":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "connection.role_arn":
        "tests/integration/test_connection_tls_and_credentials.py::test_a_named_profile_wins_over_the_environment_keys_and_role_session_name_reaches_sts",
    "connection.role_session_name":
        "tests/integration/test_connection_tls_and_credentials.py::test_a_named_profile_wins_over_the_environment_keys_and_role_session_name_reaches_sts",
    "connection.secret_key":
        "tests/integration/test_connection_tls_and_credentials.py::test_session_token_signs_every_request_and_the_keys_act_in_their_account",
    "connection.session_token":
        "tests/integration/test_connection_tls_and_credentials.py::test_session_token_signs_every_request_and_the_keys_act_in_their_account",
    "connection.validate_certs":
        "tests/integration/test_connection_tls_and_credentials.py::test_validate_certs_false_reaches_the_endpoint_without_the_ca",
    "ecr_endpoint_zones.extra_services":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_endpoint_zones.force_destroy":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_absent_stops_on_other_spokes_naming_their_accounts_unless_leaving_or_forced",
    "ecr_endpoint_zones.leaving_vpc_ids":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_absent_stops_on_other_spokes_naming_their_accounts_unless_leaving_or_forced",
    "ecr_endpoint_zones.vpc_accounts":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_absent_stops_on_other_spokes_naming_their_accounts_unless_leaving_or_forced",
    "ecr_endpoint_zones.hub_vpc_id":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_endpoint_zones.hub_vpc_name":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_endpoint_zones.services":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_workload_and_services_choose_the_zones_tags_land_and_wait_false_returns",
    "ecr_endpoint_zones.state":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_endpoint_zones.tags":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_workload_and_services_choose_the_zones_tags_land_and_wait_false_returns",
    "ecr_endpoint_zones.vpc_id":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_workload_and_services_choose_the_zones_tags_land_and_wait_false_returns",
    "ecr_endpoint_zones.vpc_name":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_endpoint_zones.wait":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_workload_and_services_choose_the_zones_tags_land_and_wait_false_returns",
    "ecr_endpoint_zones.wait_timeout":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_workload_and_services_choose_the_zones_tags_land_and_wait_false_returns",
    "ecr_endpoint_zones.workload":
        "tests/integration/test_zones_and_hub_options.py::test_a_hub_workload_and_services_choose_the_zones_tags_land_and_wait_false_returns",
    "ecr_endpoint_zones.zone_owner":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_endpoint_zones.zone_owner.external_id":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_endpoint_zones.zone_owner.profile":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_endpoint_zones.zone_owner.role_arn":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_endpoint_zones.zone_owner.role_session_name":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_private_endpoints.allow_blocking_policy":
        "tests/integration/test_endpoints_policies.py::test_a_policy_that_blocks_pulls_is_refused_before_any_change",
    "ecr_private_endpoints.allowed_cidrs":
        "tests/integration/test_endpoints_converge.py::test_allowed_cidrs_are_the_only_https_sources",
    "ecr_private_endpoints.discover":
        "tests/integration/test_endpoints_adoption.py::test_a_vpc_converged_with_the_lowest_subnet_id_per_zone_is_a_no_op_after_the_upgrade",
    "ecr_private_endpoints.extra_services":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints.ip_address_type":
        "tests/integration/test_aws_semantics_ip_address_type.py::test_dualstack_on_ipv4_only_subnets_fails_before_any_change",
    "ecr_private_endpoints.perimeter_org_id":
        "tests/integration/test_endpoints_policies.py::test_perimeter_policies_converge_are_idempotent_and_pass_the_audit",
    "ecr_private_endpoints.policy":
        "tests/integration/test_endpoints_adoption.py::test_a_hand_made_restricted_endpoint_is_adopted_additively_and_destroy_gives_it_back",
    "ecr_private_endpoints.private_dns_enabled":
        "tests/integration/test_endpoints_drift.py::test_private_dns_turned_off_is_turned_back_on",
    "ecr_private_endpoints.purge_services":
        "tests/integration/reliability/test_ownership_and_exposure.py::test_purge_and_absent_never_touch_unowned_endpoints",
    "ecr_private_endpoints.route_table_ids":
        "tests/integration/test_endpoints_adoption.py::test_a_vpc_converged_with_the_lowest_subnet_id_per_zone_is_a_no_op_after_the_upgrade",
    "ecr_private_endpoints.s3_endpoint_type":
        "tests/integration/test_endpoints_drift.py::test_only_a_type_change_replaces_an_endpoint",
    "ecr_private_endpoints.s3_policy":
        "tests/integration/test_endpoints_policies.py::test_a_policy_that_blocks_pulls_is_refused_before_any_change",
    "ecr_private_endpoints.security_group_ids":
        "tests/integration/test_endpoints_adoption.py::test_a_hand_made_restricted_endpoint_is_adopted_additively_and_destroy_gives_it_back",
    "ecr_private_endpoints.security_group_name":
        "tests/integration/test_endpoints_options.py::test_a_vpc_by_name_gets_the_security_group_of_the_given_name",
    "ecr_private_endpoints.services":
        "tests/integration/test_connection_tls_and_credentials.py::test_session_token_signs_every_request_and_the_keys_act_in_their_account",
    "ecr_private_endpoints.state":
        "tests/integration/reliability/test_ownership_and_exposure.py::test_purge_and_absent_never_touch_unowned_endpoints",
    "ecr_private_endpoints.subnet_ids":
        "tests/integration/test_endpoints_options.py::test_a_vpc_by_name_gets_the_security_group_of_the_given_name",
    "ecr_private_endpoints.tags":
        "tests/integration/test_endpoints_converge.py::test_converge_creates_the_fargate_endpoints_and_a_rerun_changes_nothing",
    "ecr_private_endpoints.vpc_id":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints.vpc_name":
        "tests/integration/test_endpoints_options.py::test_a_vpc_by_name_gets_the_security_group_of_the_given_name",
    "ecr_private_endpoints.wait":
        "tests/integration/test_endpoints_options.py::test_wait_timeout_expiring_fails_naming_the_pending_endpoints_and_the_changes_made",
    "ecr_private_endpoints.wait_timeout":
        "tests/integration/test_endpoints_options.py::test_wait_timeout_expiring_fails_naming_the_pending_endpoints_and_the_changes_made",
    "ecr_private_endpoints.workload":
        "tests/integration/test_endpoints_options.py::test_the_workloads_service_set_converges_and_a_rerun_changes_nothing",
    "ecr_private_endpoints_info.client_port_range":
        "tests/integration/test_audit.py::test_deployed_vpc_reads_and_cost",
    "ecr_private_endpoints_info.endpoint_hour_usd":
        "tests/integration/test_audit.py::test_deployed_vpc_reads_and_cost",
    "ecr_private_endpoints_info.extra_services":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.hub":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.hub.external_id":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.hub.profile":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.hub.role_arn":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.hub.role_session_name":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.hub.vpc_id":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_private_endpoints_info.hub.vpc_name":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.services":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.vpc_ids":
        "tests/integration/test_zones_and_hub_options.py::test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones",
    "ecr_private_endpoints_info.vpc_names":
        "tests/integration/test_audit.py::test_bad_input_fails_with_a_message_naming_it",
    "ecr_private_endpoints_info.workload":
        "tests/integration/test_zones_and_hub_options.py::test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session",
    "ecr_private_endpoints_info.workload_subnet_ids":
        "tests/integration/test_audit.py::test_correct_vpc_is_compliant",
    "ecr_pull_through_cache.purge":
        "tests/integration/test_pull_through_cache.py::test_converge_rerun_check_update_purge_absent",
    "ecr_pull_through_cache.rules":
        "tests/integration/test_pull_through_cache_options.py::test_an_ecr_to_ecr_rule_with_its_role_and_upstream_prefix_converges_then_changes_nothing",
    "ecr_pull_through_cache.rules.credential_secret":
        "tests/integration/test_iam_policy_sufficient.py::test_the_policy_is_enough_for_pull_through_cache_rules_and_the_read_statement_is_not",
    "ecr_pull_through_cache.rules.custom_role_arn":
        "tests/integration/test_pull_through_cache_options.py::test_an_ecr_to_ecr_rule_with_its_role_and_upstream_prefix_converges_then_changes_nothing",
    "ecr_pull_through_cache.rules.prefix":
        "tests/integration/test_pull_through_cache_options.py::test_an_ecr_to_ecr_rule_with_its_role_and_upstream_prefix_converges_then_changes_nothing",
    "ecr_pull_through_cache.rules.upstream":
        "tests/integration/test_pull_through_cache_options.py::test_an_ecr_to_ecr_rule_with_its_role_and_upstream_prefix_converges_then_changes_nothing",
    "ecr_pull_through_cache.rules.upstream_registry_url":
        "tests/integration/test_pull_through_cache_options.py::test_an_ecr_to_ecr_rule_with_its_role_and_upstream_prefix_converges_then_changes_nothing",
    "ecr_pull_through_cache.rules.upstream_repository_prefix":
        "tests/integration/test_pull_through_cache_options.py::test_an_ecr_to_ecr_rule_with_its_role_and_upstream_prefix_converges_then_changes_nothing",
    "ecr_pull_through_cache.state":
        "tests/integration/test_iam_policy_sufficient.py::test_the_policy_is_enough_for_pull_through_cache_rules_and_the_read_statement_is_not",
    "posture_report.dest":
        "tests/integration/test_posture_report.py::test_writes_the_three_reports_and_is_idempotent",
    "posture_report.fail_on": "tests/integration/test_posture_report.py::test_fail_on_fails_after_writing",
    "posture_report.inventory_errors":
        "tests/integration/test_posture_report.py::test_inventory_errors_are_audit_errors_and_replaced_by_the_next_run",
    "posture_report.results":
        "tests/integration/test_posture_report.py::test_writes_the_three_reports_and_is_idempotent",
    "role.aws_account_id":
        "tests/integration/test_audit_playbook.py::test_a_failed_audit_is_reported_and_fails_the_play",
    "role.aws_endpoint_url":
        "tests/integration/test_landing_zones.py::test_deploy_audit_and_destroy_use_each_hosts_aws_profile_and_the_role_on_top",
    "role.aws_profile":
        "tests/integration/test_landing_zones.py::test_deploy_audit_and_destroy_use_each_hosts_aws_profile_and_the_role_on_top",
    "role.aws_region":
        "tests/integration/test_endpoints_converge.py::test_playbook_converges_then_is_idempotent",
    "role.aws_role_arn":
        "tests/integration/test_landing_zones.py::test_deploy_audit_and_destroy_use_each_hosts_aws_profile_and_the_role_on_top",
    "role.ecr_hub_force_destroy":
        "tests/integration/test_hub_and_spoke.py::test_destroying_a_hub_alone_never_cuts_its_spokes_dns_unless_forced",
    "role.ecr_endpoints_mode":
        "tests/integration/test_role_target_checks.py::test_each_wrong_target_fails_with_its_own_message_and_no_request",
    "role.ecr_hub":
        "tests/integration/test_role_target_checks.py::test_each_wrong_target_fails_with_its_own_message_and_no_request",
    "role.vpc_cidrs":
        "tests/integration/test_role_target_checks.py::test_each_wrong_target_fails_with_its_own_message_and_no_request",
    "role.vpc_endpoints_allowed_cidrs":
        "tests/integration/test_playbooks.py::test_role_passes_the_module_options_through",
    "role.vpc_endpoints_discover":
        "tests/integration/test_playbooks.py::test_a_vpc_by_id_is_one_module_call_and_a_few_reads",
    "role.vpc_endpoints_extra_services":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_ip_address_type":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_policy":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_private_dns_enabled":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_purge_services":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_route_table_ids":
        "tests/integration/test_playbooks.py::test_role_variables_override_discovery",
    "role.vpc_endpoints_s3_endpoint_type":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_s3_policy":
        "tests/integration/test_playbooks.py::test_role_passes_the_module_options_through",
    "role.vpc_endpoints_security_group_ids":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_security_group_name":
        "tests/integration/test_playbooks.py::test_role_passes_the_module_options_through",
    "role.vpc_endpoints_services":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_state":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_subnet_ids":
        "tests/integration/test_playbooks.py::test_role_variables_override_discovery",
    "role.vpc_endpoints_tags":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_vpc_id":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_wait_timeout":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_endpoints_workload":
        "tests/integration/test_playbooks.py::test_a_failing_host_reports_clearly_without_printing_credentials",
    "role.vpc_id":
        "tests/integration/test_role_options.py::test_role_variables_choose_the_vpc_services_policy_dns_group_and_purge_then_absent",
    "role.vpc_name":
        "tests/integration/test_landing_zones.py::test_deploy_audit_and_destroy_use_each_hosts_aws_profile_and_the_role_on_top",
    "vpc_private_subnets_info.vpc_id":
        "tests/integration/test_connection_tls_and_credentials.py::test_validate_certs_false_reaches_the_endpoint_without_the_ca",
    "vpc_private_subnets_info.vpc_name": "tests/integration/test_discovery.py::test_vpc_found_by_name_tag",
}
