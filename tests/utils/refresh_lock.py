"""Re-resolve requirements-lock.txt: the exact versions every ``pip install`` of ``make`` is held to.

``make lock-refresh`` runs this, then ``make test`` (which reinstalls .venv, since the lock changed):

1. a fresh virtualenv in a temporary folder, on the interpreter running this script (the Makefile's
   ``$(PYTHON)``, the one .venv is built with): the newest pip, then requirements-test.txt,
   requirements-quality.txt and requirements-molecule.txt at the newest versions their ranges allow
   (what ``.venv`` gets); ``pip check``; ``pip freeze --all`` (pip itself included, setuptools not);
2. a second one for make bench's amazon.aws baseline: requirements-bench.txt held to the pins of step 1,
   so both sides of the benchmark run the same ansible-core, boto3 and botocore; the packages it adds;
3. requirements-lock.txt rewritten (header, the pins of step 1, then the bench-only ones), the changed
   versions printed; the temporary folder removed however the script ends.

    python tests/utils/refresh_lock.py                  # newest allowed versions
    python tests/utils/refresh_lock.py -c FREEZE.txt    # resolved under FREEZE.txt (e.g. a venv's pip freeze)

Exit status 1 when an install or ``pip check`` fails (the lock is then left as it was).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCK = os.path.join(ROOT, "requirements-lock.txt")
DEVELOPMENT = ("requirements-test.txt", "requirements-quality.txt", "requirements-molecule.txt")
BENCH = "requirements-bench.txt"
LEFT_OUT = ("setuptools", "wheel")  # what venv itself brings; never installed from the requirements
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")
TIMEOUT = 1800

HEADER = """\
# Exact versions of everything `make` installs for development and tests, so a fresh clone tests with the
# versions CI last passed with: .venv (requirements-test.txt, -quality, -molecule) and, in the last
# section, what only make bench's amazon.aws baseline (requirements-bench.txt) adds. Every pip install of
# the Makefile and mk/*.mk passes `-c requirements-lock.txt`; a change to this file reinstalls .venv.
# The collection's runtime requirements (requirements.txt) stay ranges: the compatibility matrix
# (make test-matrix, tests/matrix/run_matrix.py) installs other ansible-core and boto3 versions in its
# own venvs, without this file. Written by `make lock-refresh` (tests/utils/refresh_lock.py), which
# re-resolves to the newest allowed versions and runs the tests; do not edit by hand.
# Python: {python}
"""
BENCH_HEADER = "\n# make bench's amazon.aws baseline only (bench/.work/venv-amazon: requirements-bench.txt)\n"


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(path):
    """{canonical name: (name, version)} of a pip freeze or a lock file."""
    pins = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                found = PIN.match(line.strip())
                if found:
                    pins[canonical(found.group(1))] = (found.group(1), found.group(2))
    return pins


def pip(venv, args, log):
    cmd = [os.path.join(venv, "bin", "python"), "-m", "pip", "--disable-pip-version-check"] + args
    print("$ " + " ".join(cmd), flush=True)
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    log.write("$ %s\n%s%s\n" % (" ".join(cmd), done.stdout, done.stderr))
    if done.returncode != 0:
        raise RuntimeError("pip %s failed (exit code %d):\n%s" % (args[0], done.returncode,
                                                                  (done.stdout + done.stderr)[-3000:]))
    return done.stdout


def resolve(work, name, requirements, constraints, log):
    """A fresh venv under ``work`` with ``requirements`` installed, held to the ``constraints`` files;
    its ``pip freeze --all`` pins."""
    venv = os.path.join(work, name)
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=TIMEOUT)
    held = [arg for path in constraints for arg in ("-c", path)]
    pip(venv, ["install", "--quiet", "--upgrade"] + held + ["pip"], log)
    args = ["install", "--quiet"] + held
    for requirement in requirements:
        args += ["-r", requirement]
    pip(venv, args, log)
    pip(venv, ["check"], log)
    freeze = os.path.join(work, name + ".txt")
    with open(freeze, "w", encoding="utf-8") as handle:
        handle.write(pip(venv, ["freeze", "--all"], log))
    return {k: v for k, v in read_pins(freeze).items() if k not in LEFT_OUT}


def lines(pins):
    return ["%s==%s\n" % pins[k] for k in sorted(pins)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("-c", "--constraint", help="resolve under this constraints file instead of the newest")
    args = parser.parse_args(argv)
    constraints = [os.path.abspath(args.constraint)] if args.constraint else []
    work = tempfile.mkdtemp(prefix="privatelink-ecr-lock-")
    log_path = os.path.join(ROOT, ".build", "lock-refresh.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    try:
        with open(log_path, "w", encoding="utf-8") as log:
            development = resolve(work, "development", DEVELOPMENT, constraints, log)
            held = os.path.join(work, "development-pins.txt")
            with open(held, "w", encoding="utf-8") as handle:
                handle.writelines(lines(development))
            # The bench's pins: its own resolution, held to the development pins (and to --constraint).
            bench = resolve(work, "bench", (BENCH,), [held] + constraints, log)
    except (RuntimeError, subprocess.SubprocessError, OSError) as exc:
        print("lock-refresh: %s\n(the lock is unchanged; the whole log: %s)" % (exc, os.path.relpath(log_path, ROOT)),
              file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    bench_only = {k: v for k, v in bench.items() if k not in development}
    before = read_pins(LOCK)
    with open(LOCK, "w", encoding="utf-8") as handle:
        handle.write(HEADER.format(python="%d.%d" % sys.version_info[:2]))
        handle.writelines(lines(development))
        handle.write(BENCH_HEADER)
        handle.writelines(lines(bench_only))
    after = read_pins(LOCK)
    changes = ["  %s: %s -> %s" % (after.get(k, before.get(k))[0], before[k][1] if k in before else "(new)",
                                   after[k][1] if k in after else "(gone)")
               for k in sorted(set(before) | set(after)) if before.get(k, (0, 0))[1] != after.get(k, (0, 0))[1]]
    print("requirements-lock.txt: %d packages (%d for the bench only); %s" % (
        len(after), len(bench_only), "%d changed:" % len(changes) if changes else "no version changed"))
    for change in changes:
        print(change)
    return 0


if __name__ == "__main__":
    sys.exit(main())
