"""Fixtures of the ecosystem suite: the collection as Galaxy, AWX and execution environments get it.

- ``installed`` (session): the checkout built with ``ansible-galaxy collection build`` and installed
  from the tarball into a temporary collections path (never the checkout's symlink), like
  ``ansible-galaxy collection install`` on a controller or in an execution environment.

The small multi-account fleet the AWX tests run against is in fleet.py; the moto_server is the
session's one (tests/integration/conftest.py: ``aws``, ``moto``).
"""

import glob
import os
import subprocess
from types import SimpleNamespace

import pytest

from tests.support.ansible_cli import BIN, ROOT


def galaxy(args, collections_path, cwd, timeout=300):
    """Run ansible-galaxy with a collections path of its own (a copy under ~/.ansible must not count)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
               ANSIBLE_NOCOLOR="1")
    return subprocess.run([os.path.join(BIN, "ansible-galaxy")] + list(args), env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, check=False)


def build_collection(source, output_dir):
    """Build ``source`` with ansible-galaxy; return the tarball's path."""
    os.makedirs(output_dir, exist_ok=True)
    build = galaxy(["collection", "build", "--force", "--output-path", output_dir, source],
                   collections_path=os.path.join(output_dir, "none"), cwd=output_dir)
    assert build.returncode == 0, build.stdout + build.stderr
    tarballs = glob.glob(os.path.join(output_dir, "privatelink-ecr-*.tar.gz"))
    assert len(tarballs) == 1, tarballs
    return tarballs[0]


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
