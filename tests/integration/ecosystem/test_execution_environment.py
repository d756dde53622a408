"""AWX / Automation Platform execution environment: `ansible-builder create` makes a build context.

No container engine runs here, so the test does what `make ee-context` does (build the
collection tarball, then `ansible-builder create`) in a temporary copy of the EE files, checks
the Containerfile and `_build/`, and then replays the image's galaxy and introspection stages
on this machine with the scripts ansible-builder put in the context: the collection installs
from `_build/requirements.yml`, and the Python and system requirements that the final stage
would install are boto3, botocore and the CA bundle, declared by the collection itself.
"""

import os
import shutil
import subprocess
import sys

import yaml

from tests.integration.ecosystem.galaxy import build_collection, galaxy
from tests.support.ansible_cli import BIN, ROOT

EE_FILES = ("execution-environment.yml", "requirements.txt", "bindep.txt", "requirements.yml")


def requirement_names(lines):
    return {line.split("#")[0].strip().split(">")[0].split("=")[0].split("<")[0].split(" ")[0]
            for line in lines if line.split("#")[0].strip()}


def test_execution_environment_definition_is_schema_3_with_this_collections_requirements():
    with open(os.path.join(ROOT, "execution-environment.yml"), encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)

    assert definition["version"] == 3
    dependencies = definition["dependencies"]
    assert dependencies["python"] == "requirements.txt" and dependencies["system"] == "bindep.txt"
    assert "ansible-core" in dependencies["ansible_core"]["package_pip"]
    assert "ansible-runner" in dependencies["ansible_runner"]["package_pip"]
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as handle:
        assert requirement_names(handle) == {"boto3", "botocore"}
    # The collection declares the same requirements for EEs that list it as a dependency.
    with open(os.path.join(ROOT, "meta", "execution-environment.yml"), encoding="utf-8") as handle:
        assert yaml.safe_load(handle)["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}


def test_ansible_builder_create_makes_a_context_that_installs_the_collection(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in EE_FILES:
        shutil.copy(os.path.join(ROOT, name), str(project / name))
    # What `make ee-context` does before ansible-builder: the tarball under a fixed name.
    tarball = build_collection(ROOT, str(tmp_path / "dist"))
    (project / ".build" / "ee" / "dist").mkdir(parents=True)
    shutil.copy(tarball, str(project / ".build" / "ee" / "dist" / "privatelink-ecr.tar.gz"))
    context = tmp_path / "context"

    create = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "-f", "execution-environment.yml",
                             "-c", str(context), "--output-filename", "Containerfile"],
                            cwd=str(project), capture_output=True, text=True, timeout=300, check=False)

    assert create.returncode == 0, create.stdout + create.stderr
    containerfile = (context / "Containerfile").read_text()
    assert "FROM $EE_BASE_IMAGE AS base" in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.11"' in containerfile
    assert "ansible-core" in containerfile and "ansible-runner" in containerfile
    assert "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml" in containerfile
    assert "introspect --user-pip=requirements.txt --user-bindep=bindep.txt" in containerfile
    build = context / "_build"
    for name in ("requirements.txt", "bindep.txt", "requirements.yml"):
        assert (build / name).read_text() == (project / name).read_text(), name
    with open(tarball, "rb") as handle:
        assert (build / "collections" / "privatelink-ecr.tar.gz").read_bytes() == handle.read()

    # The image's galaxy stage, replayed here: `ansible-galaxy collection install -r requirements.yml`
    # in the context's _build (the image's /build).
    collections = str(tmp_path / "usr-share-ansible-collections")
    install = galaxy(["collection", "install", "--offline", "-r", "requirements.yml", "-p", collections],
                     collections_path=collections, cwd=str(build))
    assert install.returncode == 0, install.stdout + install.stderr
    installed = os.path.join(collections, "ansible_collections", "privatelink", "ecr")
    assert os.path.isfile(os.path.join(installed, "plugins", "modules", "ecr_private_endpoints.py"))

    # The builder stage's introspection, with the script ansible-builder put in the context.
    introspect = subprocess.run([sys.executable, str(build / "scripts" / "introspect.py"), "introspect", collections,
                                 "--user-pip", str(build / "requirements.txt"),
                                 "--user-bindep", str(build / "bindep.txt")],
                                capture_output=True, text=True, timeout=120, check=False)
    assert introspect.returncode == 0, introspect.stderr
    found = yaml.safe_load(introspect.stdout)
    from_collection = [line for line in found["python"] if line.endswith("# from collection privatelink.ecr")]
    assert requirement_names(from_collection) == {"boto3", "botocore"}
    assert any(line.startswith("ca-certificates") and line.endswith("# from collection privatelink.ecr")
               for line in found["system"])
