"""Galaxy / Automation Hub: what `ansible-galaxy collection build` ships, and that the tarball installs.

A working tree is full of things that must never reach users: virtualenvs, ansible-test output,
pytest and Hypothesis caches, byte code, audit reports, benchmark work files, older tarballs.
The build is checked twice: on a copy of the checkout with one of each planted (so the test
fails if an exclusion goes missing), and on the checkout as it is.
"""

import fnmatch
import glob
import json
import os
import shutil
import tarfile

import yaml

from tests.integration.ecosystem.galaxy import build_collection, galaxy
from tests.support.ansible_cli import ROOT

# Planted into the copy; none may reach the tarball.
BAIT = (
    ".venv/bin/python",
    ".venv/lib/python3.11/site-packages/boto3/__init__.py",
    ".build/collections/ansible_collections/privatelink/ecr/x.txt",
    "tests/output/junit/python3.11-units.xml",
    "tests/output/.tmp/sanity/x.json",
    ".pytest_cache/v/cache/lastfailed",
    ".hypothesis/examples/0a1b/2c3d",
    "plugins/modules/__pycache__/ecr_private_endpoints.cpython-311.pyc",
    "tests/unit/__pycache__/test_plan.cpython-311-pytest-9.pyc",
    "posture-report/posture.json",
    "posture-report/targets/target.json",
    "bench/.work/results.json",
    ".ansible/collections/ansible_collections/x.txt",
    ".cache/pip/x",
    "privatelink-ecr-0.0.9.tar.gz",
)
# Shapes of paths that are caches, virtualenvs, reports or test output wherever they appear.
FORBIDDEN = ("*.pyc", "*__pycache__*", ".venv*", ".build*", ".git/*", ".git", "tests/output*", ".pytest_cache*",
             ".hypothesis*", "posture-report*", "bench/.work*", ".ansible/*", ".cache/*", "*.tar.gz")


def members(tarball):
    with tarfile.open(tarball) as archive:
        return sorted(name[2:] if name.startswith("./") else name for name in archive.getnames())


def forbidden(names):
    return [name for name in names if any(fnmatch.fnmatch(name, pattern) for pattern in FORBIDDEN)]


def copy_checkout(target):
    """The checkout without its heavy ignored folders (they are planted back as bait)."""
    shutil.copytree(ROOT, target, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", ".venv", ".build", ".cache", ".ansible", "tests/output",
                                                  "__pycache__", ".pytest_cache", ".hypothesis"))


def test_build_leaves_out_caches_virtualenvs_reports_and_test_output(tmp_path):
    source = tmp_path / "src"
    copy_checkout(str(source))
    for bait in BAIT:
        path = source / bait
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("bait\n")

    names = members(build_collection(str(source), str(tmp_path / "dist")))

    assert forbidden(names) == []
    # The build did run over the copy: the product is there.
    assert {"MANIFEST.json", "FILES.json", "meta/runtime.yml", "plugins/modules/ecr_private_endpoints.py"} <= set(names)


def test_build_of_the_checkout_ships_the_product_and_nothing_else(installed):
    names = members(installed.tarball)

    assert forbidden(names) == []
    expected = {"MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml", "meta/execution-environment.yml",
                "requirements.txt", "bindep.txt", "changelogs/changelog.yaml"}
    # Whatever modules, doc fragments, roles and playbooks exist are shipped.
    for pattern in ("plugins/modules/*.py", "plugins/module_utils/*.py", "plugins/doc_fragments/*.py",
                    "roles/*/meta/argument_specs.yml", "roles/*/tasks/main.yml", "playbooks/*.yml"):
        found = {os.path.relpath(path, ROOT) for path in glob.glob(os.path.join(ROOT, pattern))}
        assert found, pattern
        expected |= found
    assert expected <= set(names), sorted(expected - set(names))

    with tarfile.open(installed.tarball) as archive:
        manifest = json.load(archive.extractfile("MANIFEST.json"))["collection_info"]
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        galaxy_yml = yaml.safe_load(handle)
    assert (manifest["namespace"], manifest["name"], manifest["version"]) == \
        (galaxy_yml["namespace"], galaxy_yml["name"], galaxy_yml["version"]) == ("privatelink", "ecr", "0.1.0")
    assert manifest["license"] == ["GPL-3.0-or-later"] and manifest["dependencies"] == {}


def test_tarball_installs_into_a_collections_path_and_verifies(installed):
    listed = galaxy(["collection", "list", "--format", "json", "-p", installed.collections],
                    collections_path=installed.collections, cwd=installed.workdir)
    assert listed.returncode == 0, listed.stderr
    # ansible-core's own internal collections are listed too; only the temporary path matters here.
    found = {name: info["version"] for path, collections in json.loads(listed.stdout).items()
             if path.startswith(installed.collections) for name, info in collections.items()}
    assert found == {"privatelink.ecr": "0.1.0"}

    # Every installed file matches the checksums in the tarball's FILES.json.
    verify = galaxy(["collection", "verify", "--offline", "-p", installed.collections, "privatelink.ecr"],
                    collections_path=installed.collections, cwd=installed.workdir)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "Successfully verified that checksums for 'privatelink.ecr:0.1.0' are internally consistent" \
        in verify.stdout
    # An installed collection is a plain copy, not a link back to this checkout.
    for dirpath, dirnames, filenames in os.walk(installed.path):
        for name in dirnames + filenames:
            assert not os.path.islink(os.path.join(dirpath, name)), os.path.join(dirpath, name)
