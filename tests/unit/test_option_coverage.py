"""Every public option of the collection is exercised by an end-to-end test (issue 26, item 5).

The options are read from where Ansible reads them (tests/option_catalog.py: the modules' argument specs,
suboptions as dotted paths, the role's meta/argument_specs.yml, the plugins' DOCUMENTATION). Each must have
an entry in ``OPTION_TESTS`` naming integration tests that exist and whose own source passes the option while
running its owner; the options without one are listed in ``GAPS``, which may only shrink.
"""

import os

import pytest

from tests.option_catalog import (
    GAPS,
    MODULES,
    OPTION_TESTS,
    ROOT,
    collect_options,
    connection_spec,
    passes_option,
    source_of_test,
)

OPTIONS = collect_options()


def _entries(value):
    return [value] if isinstance(value, str) else list(value)


def test_the_catalog_finds_the_options_of_every_owner():
    owners = {o.split(".")[0] for o in OPTIONS}
    assert owners == set(MODULES) | {"connection", "role", "aws_vpcs", "fleet_summary"}, owners
    # Suboptions are walked: a few known dotted paths are there.
    for option in ("ecr_endpoint_zones.zone_owner.external_id", "ecr_private_endpoints_info.hub.vpc_name",
                   "ecr_pull_through_cache.rules.prefix", "connection.aws_ca_bundle", "role.vpc_endpoints_hub"):
        assert option in OPTIONS


@pytest.mark.parametrize("module", [m for m in MODULES if m != "posture_report"])
def test_every_module_takes_the_shared_connection_options_unchanged(module):
    # One connection.<option> entry stands for all modules only while each module's spec carries the same spec.
    import importlib

    spec = importlib.import_module("ansible_collections.privatelink.ecr.plugins.modules." + module).argument_spec()
    for name, body in connection_spec().items():
        assert spec.get(name) == body, (module, name)


def test_every_option_has_an_end_to_end_test_or_is_a_known_gap():
    missing = [o for o in OPTIONS if o not in OPTION_TESTS and o not in GAPS]
    assert not missing, "options with no end-to-end test (add one to tests/option_catalog.py OPTION_TESTS): %s" % (
        ", ".join(missing))


def test_the_registry_names_only_real_options():
    stale = sorted(set(OPTION_TESTS) - set(OPTIONS)) + sorted(set(GAPS) - set(OPTIONS))
    assert not stale, "not an option any more: %s" % ", ".join(stale)
    assert not set(OPTION_TESTS) & set(GAPS), set(OPTION_TESTS) & set(GAPS)


@pytest.mark.parametrize("option", sorted(OPTION_TESTS))
def test_each_registered_test_exists_and_passes_its_option(option):
    for nodeid in _entries(OPTION_TESTS[option]):
        source = source_of_test(nodeid)
        assert source is not None, "%s: no test function %s under tests/integration" % (option, nodeid)
        file_text = open(os.path.join(ROOT, nodeid.split("::")[0]), encoding="utf-8").read()
        assert passes_option(source, option, file_text), "%s: %s does not pass the option" % (option, nodeid)


def test_a_gap_that_gained_a_test_must_leave_the_gap_list():
    # Ratchet: GAPS may only shrink. Not the registry's job to find tests, but a gap whose option a new test of
    # the new files already passes is named so it is moved to OPTION_TESTS.
    mine = ["tests/integration/test_connection_tls_and_credentials.py", "tests/integration/test_endpoints_options.py",
            "tests/integration/test_zones_and_hub_options.py"]
    import ast

    covered = []
    for path in mine:
        text = open(os.path.join(ROOT, path), encoding="utf-8").read()
        for node in ast.parse(text).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                source = source_of_test("%s::%s" % (path, node.name))
                covered += [g for g in GAPS if passes_option(source, g, text)]
    assert not covered, "move to OPTION_TESTS: %s" % ", ".join(sorted(set(covered)))


def test_the_checks_fail_on_a_test_that_does_not_pass_the_option():
    # The mention check is not a grep of the file: the named function itself must pass the option.
    nodeid = ("tests/integration/test_endpoints_options.py::"
              "test_the_workloads_service_set_converges_and_a_rerun_changes_nothing")
    source = source_of_test(nodeid)
    text = open(os.path.join(ROOT, nodeid.split("::")[0]), encoding="utf-8").read()
    assert passes_option(source, "ecr_private_endpoints.workload", text)
    assert not passes_option(source, "ecr_private_endpoints.security_group_name", text)
    assert not passes_option(source, "ecr_endpoint_zones.workload", text)  # another module's option
    assert source_of_test("tests/integration/test_endpoints_options.py::no_such_test") is None
    assert source_of_test("tests/unit/test_option_coverage.py::test_the_registry_names_only_real_options") \
        is None  # only end-to-end tests count
    # "via helper" counts only a helper the test uses.
    assert source_of_test("tests/integration/test_endpoints_options.py::"
                          "test_wait_timeout_expiring_fails_naming_the_pending_endpoints_and_the_changes_made via services"
                          ) is None
