"""Tested versions are installed versions: every pip install of make is held to requirements-lock.txt,
a change to the lock reinstalls, the lock pins every requirement inside its range, and this venv runs
the locked versions (docs/docsite/rst/guide_development.rst, "Installed versions: the lock")."""

import os
import re
import subprocess
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCK = "requirements-lock.txt"
BENCH_SECTION = "# make bench's amazon.aws baseline only"
REQUIREMENTS = ("requirements.txt", "requirements-test.txt", "requirements-quality.txt", "requirements-molecule.txt",
                "requirements-bench.txt")


def read_lock():
    """({name: version} of .venv's section, {name: version} of the bench-only section)."""
    development, bench, section = {}, {}, None
    with open(os.path.join(ROOT, LOCK), encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if line.startswith(BENCH_SECTION):
                section = bench
            if not line or line.startswith("#"):
                continue
            name, _sep, version = line.partition("==")
            assert _sep and re.match(r"^[0-9][0-9A-Za-z.+]*$", version), "not an exact pin: %r" % line
            (development if section is None else section)[canonicalize_name(name)] = version
    return development, bench


def requirements(path):
    found = []
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                found.append(Requirement(line))
    return found


def test_every_pip_install_of_make_is_held_to_the_lock_and_a_lock_change_reinstalls():
    # -W: make acts as if the lock had just changed, without touching it; -n: prints, runs nothing.
    env = dict(os.environ, MAKEFLAGS="", MFLAGS="")
    out = subprocess.run(["make", "-n", "-W", LOCK, "venv", "quality-venv", ".venv/.installed-molecule", "bench-venv"],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120).stdout
    installs = [line for line in out.splitlines() if "pip install" in line]
    assert installs, out
    assert [line for line in installs if "-c %s" % LOCK not in line] == []
    for requirement in ("requirements-test.txt", "requirements-quality.txt", "requirements-molecule.txt",
                        "requirements-bench.txt"):
        assert any("-r %s" % requirement in line for line in installs), (requirement, out)
    # Every pip install line of the Makefile and mk/*.mk goes through the locked command.
    sources = ["Makefile"] + sorted("mk/" + name for name in os.listdir(os.path.join(ROOT, "mk")))
    for source in sources:
        with open(os.path.join(ROOT, source), encoding="utf-8") as handle:
            for line in handle:
                if "pip install" in line and not line.lstrip().startswith("#"):
                    assert line.startswith("PIP_LOCKED = pip install --quiet -c $(LOCK)"), (source, line)


def test_the_lock_pins_every_requirement_inside_its_range():
    development, bench = read_lock()
    assert not set(development) & set(bench)
    for path in REQUIREMENTS:
        pins = {**development, **bench} if path == "requirements-bench.txt" else development
        for requirement in requirements(path):
            name = canonicalize_name(requirement.name)
            assert name in pins, "%s of %s is not in %s" % (requirement.name, path, LOCK)
            assert requirement.specifier.contains(pins[name], prereleases=True), (path, str(requirement), pins[name])


def test_this_venv_runs_the_locked_versions():
    development, _bench = read_lock()
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    # The suites install in turn (Molecule's tools after this test may run): what is installed is locked.
    assert {name: (version, installed[name]) for name, version in development.items()
            if name in installed and installed[name] != version} == {}
    for name in ("ansible-core", "boto3", "botocore", "moto", "pytest"):
        assert installed.get(name) == development[name], name
