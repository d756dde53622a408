"""Fixtures of the ecosystem suite: the collection as Galaxy, AWX and execution environments get it.

- ``installed`` (session): the checkout built with ``ansible-galaxy collection build`` and installed
  from the tarball into a temporary collections path (never the checkout's symlink), like
  ``ansible-galaxy collection install`` on a controller or in an execution environment.

The small multi-account fleet the AWX tests run against is in fleet.py; the moto_server is the
session's one (tests/integration/conftest.py: ``aws``, ``moto``).
"""

import os
from types import SimpleNamespace

import pytest

from tests.integration.ecosystem.galaxy import build_collection, galaxy
from tests.support.ansible_cli import ROOT


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("galaxy"))
    tarball = build_collection(ROOT, os.path.join(base, "dist"))
    collections = os.path.join(base, "collections")
    install = galaxy(["collection", "install", "--offline", "-p", collections, tarball],
                     collections_path=collections, cwd=base)
    assert install.returncode == 0, install.stdout + install.stderr
    path = os.path.join(collections, "ansible_collections", "privatelink", "ecr")
    assert os.path.isdir(path) and not os.path.islink(path)
    return SimpleNamespace(tarball=tarball, collections=collections, path=path, workdir=base)
