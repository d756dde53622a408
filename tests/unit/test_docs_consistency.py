"""What the documentation claims in several places says the same everywhere.

- ``version_added`` (plugins, their options, doc fragments, the role's argument specs) is a version the
  collection has reached: never above ``galaxy.yml``'s, and no option older than its plugin. The
  project folds every change into the release under way (``make changelog-release``), so a newer
  ``version_added`` would claim a release that does not exist.
- The supported Python: ``ansible-doc``'s requirement (the connection doc fragment and any plugin's own
  ``requirements``), the README, the compatibility guide, the execution environment, the role's and
  ``meta/runtime.yml``'s ansible-core floor.
- Comments and docs cite the repository's own files and AWS's pages, never a design file kept outside
  the repository, and a cited section of a README or guide exists there.
"""

import ast
import json
import os
import re
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return handle.read()


def version(text):
    match = re.match(r"^(\d+)\.(\d+)\.(\d+)$", str(text).strip())
    assert match, "%r is not a version X.Y.Z" % (text,)
    return tuple(int(p) for p in match.groups())


def galaxy_version():
    """galaxy.yml's version; in a Galaxy build (ansible-test units runs on one) MANIFEST.json carries it."""
    if os.path.isfile(os.path.join(ROOT, "galaxy.yml")):
        return yaml.safe_load(read("galaxy.yml"))["version"]
    return json.loads(read("MANIFEST.json"))["collection_info"]["version"]


GALAXY_VERSION = version(galaxy_version())


def python_sources():
    for folder in ("plugins",):
        for base, _dirs, files in os.walk(os.path.join(ROOT, folder)):
            for name in sorted(files):
                if name.endswith(".py") and name != "__init__.py":
                    yield os.path.join(base, name)


def doc_blocks(path):
    """Every DOCUMENTATION-like YAML string of a plugin or doc fragment (module- or class-level)."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.isupper() and target.id not in ("EXAMPLES", "RETURN"):
                    text = node.value.value
                    if re.search(r"^\s*(options|description|requirements|version_added|notes):", text, re.M):
                        yield target.id, yaml.safe_load(text)


DOCS = [(os.path.relpath(path, ROOT) + ":" + name, doc) for path in python_sources() for name, doc in doc_blocks(path)]


def option_versions(options, where, floor):
    """(where, version_added) of every option and sub-option, checking none predates ``floor``."""
    for name, spec in (options or {}).items():
        here = "%s.%s" % (where, name)
        if isinstance(spec, dict):
            if "version_added" in spec:
                added = version(spec["version_added"])
                assert floor is None or added >= floor, "%s: version_added %s is older than its plugin's" % (
                    here, spec["version_added"])
                yield here, added
            for child in ("suboptions", "options"):
                yield from option_versions(spec.get(child), here, floor)


def test_the_docs_were_found():
    names = [where for where, _doc in DOCS]
    assert any("plugins/modules/ecr_private_endpoints.py" in n for n in names)
    assert any("plugins/inventory/aws_vpcs.py" in n for n in names)
    assert any("plugins/doc_fragments/connection.py" in n for n in names)


@pytest.mark.parametrize("where, doc", DOCS, ids=[where for where, _doc in DOCS])
def test_version_added_is_a_version_the_collection_has_reached(where, doc):
    added = None
    if "version_added" in doc:
        added = version(doc["version_added"])
        assert added <= GALAXY_VERSION, "%s: version_added %s is above galaxy.yml's %s" % (
            where, doc["version_added"], ".".join(map(str, GALAXY_VERSION)))
    for here, option_added in option_versions(doc.get("options"), where, added):
        assert option_added <= GALAXY_VERSION, "%s: version_added above galaxy.yml's version" % here


def test_every_plugin_says_when_it_was_added():
    plugins = [where for where, doc in DOCS if where.startswith(("plugins/modules/", "plugins/inventory/"))
               and where.endswith(":DOCUMENTATION")]
    assert plugins
    for where in plugins:
        assert "version_added" in dict(DOCS)[where], "%s has no version_added" % where


def test_role_argument_specs_version_added():
    specs = yaml.safe_load(read("roles", "vpc_endpoints", "meta", "argument_specs.yml"))["argument_specs"]
    for entry, spec in specs.items():
        floor = version(spec["version_added"]) if "version_added" in spec else None
        assert floor is None or floor <= GALAXY_VERSION
        for here, added in option_versions(spec.get("options"), "vpc_endpoints." + entry, floor):
            assert added <= GALAXY_VERSION, here


# ---------------------------------------------------------------- the Python the collection supports

def readme_python_range():
    match = re.search(r"Python (3\.\d+) to (3\.\d+)", read("README.md"))
    assert match, "README.md no longer states 'Python 3.X to 3.Y'"
    return tuple(int(v.split(".")[1]) for v in match.groups())


def test_ansible_doc_requires_the_python_the_readme_supports():
    low, _high = readme_python_range()
    claims = []
    for where, doc in DOCS:
        for requirement in doc.get("requirements") or []:
            match = re.match(r"^\s*python\s*>=\s*3\.(\d+)\s*$", str(requirement), re.I)
            if match:
                claims.append((where, int(match.group(1))))
            else:
                assert "python " not in str(requirement).lower(), "%s: unparsed Python claim %r" % (where, requirement)
    assert any("doc_fragments/connection.py" in where for where, _minor in claims)
    for where, minor in claims:
        assert minor == low, "%s says python >= 3.%d; the README supports 3.%d and newer" % (where, minor, low)


def test_the_compatibility_guide_lists_the_readme_pythons():
    low, high = readme_python_range()
    listed = re.search(r"\* - Python\s*\n\s*- ([0-9., and]+)", read("docs", "docsite", "rst", "compatibility.rst"))
    assert listed, "compatibility.rst's table has no Python row"
    minors = sorted(int(v.split(".")[1]) for v in re.findall(r"3\.\d+", listed.group(1)))
    assert minors == list(range(low, high + 1))


def test_the_execution_environment_python_is_a_supported_one():
    low, high = readme_python_range()
    minors = set(int(m) for m in re.findall(r"python3\.(\d+)", read("execution-environment.yml")))
    assert minors and all(low <= m <= high for m in minors), minors


def test_the_ansible_core_floor_is_the_same_everywhere():
    requires = yaml.safe_load(read("meta", "runtime.yml"))["requires_ansible"]
    floor = re.match(r">=(\d+\.\d+)", requires).group(1)
    readme = re.search(r"ansible-core (\d+\.\d+) to (\d+\.\d+) \(`requires_ansible: \"([^\"]+)\"`\)", read("README.md"))
    assert readme and readme.group(1) == floor and readme.group(3) == requires
    ceiling = re.search(r"<(\d+)\.(\d+)", requires).groups()
    assert readme.group(2) == "%s.%d" % (ceiling[0], int(ceiling[1]) - 1)
    role = yaml.safe_load(read("roles", "vpc_endpoints", "meta", "main.yml"))["galaxy_info"]
    assert str(role["min_ansible_version"]) == floor


# ---------------------------------------------------------------- citations stay inside the repository

CITING = ("plugins", "roles", "playbooks", "tests", "demo", "bench", "docs", "inventories", "extensions", "mk")
TEXT = (".py", ".yml", ".yaml", ".rst", ".md", ".j2", ".mk", ".cfg", ".ini", ".txt", ".sh")
OUTSIDE_FILE = "DES" + "IGN"  # spelt apart so that this file does not name it


def repository_texts():
    for folder in CITING:
        for base, dirs, files in os.walk(os.path.join(ROOT, folder)):
            # Not the repository's texts: what tools write (bench/.work holds `make bench`'s virtualenvs).
            dirs[:] = [d for d in dirs if d not in ("output", "__pycache__", ".pytest_cache", ".work")]
            for name in sorted(files):
                if name.endswith(TEXT):
                    path = os.path.join(base, name)
                    yield os.path.relpath(path, ROOT), read(os.path.relpath(path, ROOT))
    for name in ("README.md", "Makefile", "galaxy.yml", "MANIFEST.json"):
        if os.path.isfile(os.path.join(ROOT, name)):  # a Galaxy build has MANIFEST.json for galaxy.yml
            yield name, read(name)


def test_nothing_cites_a_design_file_outside_the_repository():
    found = ["%s:%d" % (path, number) for path, text in repository_texts()
             for number, line in enumerate(text.splitlines(), 1) if OUTSIDE_FILE in line]
    assert not found, "cite AWS's pages or the repository's docs instead: %s" % found


SECTION_CITATION = re.compile(r"([\w./-]+\.(?:md|rst))(?: \(|, )\"([^\"]+)\"")


def headings(path):
    text = read(path)
    if path.endswith(".md"):
        return set(re.findall(r"^#+ (.+?)\s*$", text, re.M))
    lines = text.splitlines()
    return set(lines[i].strip() for i in range(len(lines) - 1)
               if lines[i].strip() and re.match(r"^([=\-~^\"'`#*+])\1{2,}\s*$", lines[i + 1]))


def test_a_cited_section_exists_where_it_is_cited():
    cited = 0
    for path, text in repository_texts():
        if path.startswith("tests/unit/test_docs_consistency"):
            continue
        joined = re.sub(r"\n\s*#\s*", " ", text)  # a citation may wrap across comment lines
        for document, section in SECTION_CITATION.findall(joined):
            candidates = [c for c in (document, os.path.join(os.path.dirname(path), document),
                                      os.path.join("docs", "docsite", "rst", os.path.basename(document)))
                          if os.path.isfile(os.path.join(ROOT, c))]
            assert candidates, "%s cites %s, which is not in the repository" % (path, document)
            cited += 1
            assert section in headings(candidates[0]), "%s cites section %r of %s, which has no such heading" % (
                path, section, candidates[0])
    assert cited  # the check has something to check


# ---------------------------------------------------------------- what `make demo` runs

def test_docs_say_which_inventory_make_demo_runs():
    """`make demo` runs mk/demo.mk's DEMO_INVENTORY; a paragraph that ties plain `make demo` to the
    hand-written example inventory is only true when that is the default."""
    default = re.search(r"^DEMO_INVENTORY \?= (\w+)", read("mk", "demo.mk"), re.M).group(1)
    usage = subprocess.run([sys.executable, os.path.join(ROOT, "demo", "run_demo.py"), "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120, check=True).stdout
    choices = re.search(r"--inventory \{([^}]*)\}", usage).group(1).split(",")
    assert default in choices
    docs = [("README.md", read("README.md"))] + [
        (os.path.join("docs", "docsite", "rst", n), read("docs", "docsite", "rst", n))
        for n in sorted(os.listdir(os.path.join(ROOT, "docs", "docsite", "rst"))) if n.endswith(".rst")]
    for path, text in docs:
        for paragraph in re.split(r"\n\s*\n", text):
            for value in re.findall(r"make demo DEMO_INVENTORY=(\w+)", paragraph):
                assert value in choices, "%s: DEMO_INVENTORY=%s is not a choice of demo/run_demo.py" % (path, value)
            plain = re.search(r"`+make demo`+ runs", paragraph)
            if plain and ("this inventory" in paragraph[plain.end():plain.end() + 40]
                          or "inventories/example" in paragraph[plain.end():plain.end() + 40]):
                assert default == "example", "%s says plain `make demo` runs the example inventory; its " \
                    "default is %s (mk/demo.mk)" % (path, default)
