"""Every public option of the collection is exercised by an end-to-end test (issue 26, item 5).

The options are read from where Ansible reads them (tests/option_catalog.py: the modules' argument specs,
suboptions as dotted paths, the role's meta/argument_specs.yml, the plugins' DOCUMENTATION). Each must have
an entry in ``OPTION_TESTS`` naming integration tests that exist and whose own source passes the option while
running its owner; an option without one fails the test, named.
"""

import os

import pytest

from tests.option_catalog import (
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


def test_every_option_has_an_end_to_end_test():
    missing = [o for o in OPTIONS if o not in OPTION_TESTS]
    assert not missing, "options with no end-to-end test (add one to tests/option_catalog.py OPTION_TESTS): %s" % (
        ", ".join(missing))


def test_the_registry_names_only_real_options():
    stale = sorted(set(OPTION_TESTS) - set(OPTIONS))
    assert not stale, "not an option any more: %s" % ", ".join(stale)


def test_the_registry_has_no_entry_twice():
    # A dict literal keeps the last of two equal keys silently: read the file's own text.
    import ast
    import collections

    tree = ast.parse(open(os.path.join(ROOT, "tests", "option_catalog.py"), encoding="utf-8").read())
    [keys] = [[k.value for k in node.value.keys] for node in tree.body
              if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "OPTION_TESTS"]
    assert [k for k, n in collections.Counter(keys).items() if n > 1] == []


@pytest.mark.parametrize("option", sorted(OPTION_TESTS))
def test_each_registered_test_exists_and_passes_its_option(option):
    for nodeid in _entries(OPTION_TESTS[option]):
        source = source_of_test(nodeid)
        assert source is not None, "%s: no test function %s under tests/integration" % (option, nodeid)
        file_text = open(os.path.join(ROOT, nodeid.split("::", maxsplit=1)[0]), encoding="utf-8").read()
        assert passes_option(source, option, file_text), "%s: %s does not pass the option" % (option, nodeid)


def test_the_checks_fail_on_a_test_that_does_not_pass_the_option():
    # The mention check is not a grep of the file: the named function itself must pass the option.
    nodeid = ("tests/integration/test_endpoints_options.py::"
              "test_the_workloads_service_set_converges_and_a_rerun_changes_nothing")
    source = source_of_test(nodeid)
    text = open(os.path.join(ROOT, nodeid.split("::", maxsplit=1)[0]), encoding="utf-8").read()
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
