"""ansible-galaxy for the ecosystem tests: build the collection, install it, each in a path of its own."""

import glob
import os
import subprocess

from tests.support.ansible_cli import BIN


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
