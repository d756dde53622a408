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


def test_function_source(nodeid):
    """The source of the test function ``path::[Class::]function`` (decorators included), or None."""
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
    "role": ("run_playbook", "vpc_endpoints"),
    "aws_vpcs": ("aws_vpcs",),
    "fleet_summary": ("fleet_summary",),
}
# The connection options are exercised through any module (one code path).
OWNER_TOKENS["connection"] = tuple(t for owner in MODULES for t in OWNER_TOKENS[owner]) + ("run_module",)


def _passes_name(source, name):
    name = re.escape(name)
    # "name": value / 'name' / name=value / YAML "name:" at a line start
    return re.search(r"""(["']%s["']|\b%s\s*=(?!=)|^\s*%s:)""" % (name, name, name), source, re.M) is not None


def passes_option(source, option, file_text=""):
    """Whether a test's ``source`` passes the option -- every name of its dotted path as a quoted string (an
    argument key or a role variable), a keyword (``name=``) or a YAML key (``name:``) -- and the test or its
    file (``file_text``: helpers that run the module live there) names the option's owner."""
    owner, *names = option.split(".")
    if not any(token in source or token in file_text for token in OWNER_TOKENS[owner]):
        return False
    return all(_passes_name(source, name) for name in names)


OPTION_TESTS = {}
