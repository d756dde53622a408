"""Offline stand-in for the pip bootstrap script ansible-test downloads (get-pip-<version>.py).

ansible-test creates each sanity test's virtual environment without pip and then runs the
bootstrap script it fetches from a CI host this network cannot reach; without it every test
that needs requirements reports "does not have pip available". `make sanity` copies this file
to ~/.ansible/test/cache/get_pip_<version>.py: it seeds pip from the interpreter's own
ensurepip and then lets that pip install the exact packages ansible-test asks for from PyPI.
"""

from __future__ import annotations

import subprocess
import sys

# get-pip.py options that `pip install` does not know; they only say "do not add these packages".
GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    pip_args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet"] + pip_args)


if __name__ == "__main__":
    main()
