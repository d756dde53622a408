"""Mutation testing of the collection's pure cores; prints the score per module (``make mutation``).

mutmut (requirements-mutation.txt, its own venv) makes the mutants: this script imports its mutation
engine (``mutmut.list_mutations`` / ``mutmut.mutate``) and runs the tests itself, one mutant at a time.
``mutmut run`` is not used: its result cache (mutmut 2.5.1) lost track of lines whose text repeats
elsewhere in the file and stopped runs half-way ("Attribute Mutant.line is required").

Each module is mutated in its own copy of the tree (``<workdir>/<module>``), so the checkout is never
modified and two modules can run at once. A mutant is judged by only the unit test files that exercise
the module (``TESTS`` below) with ``pytest -x``: killed when they fail, survived when they pass, timed
out when they run ten times as long as without the mutant (caught, too). The score is caught / tested.

``--sample K`` tests every K-th mutant of a module only: a full run of the five modules is about 2,500
mutants, hours on a busy two-core machine. ``--only-survivors DIR`` tests again only the mutants that
survived in an earlier run kept in DIR (same source, so the same mutation ids); the score after new
tests is computed over that run's tested mutants. Hypothesis runs with at most ``--examples`` examples
per property (a test's own ``@settings`` still wins), through tests/utils/mutation_hypothesis.py.
Results: ``<workdir>/<module>.json`` (every tested mutant) and ``<workdir>/<module>.survivors.txt``.
"""

import argparse
import difflib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The unit test files that exercise each module, the usual killers first (pytest stops at the first failure).
TESTS = {
    "_plan": ["test_plan.py", "test_zones_plan.py", "test_adoption_and_placement.py", "test_plan_properties.py",
              "test_aws_conflicts.py", "test_mutants_killed.py"],
    "_apply": ["test_apply_pending_and_tokens.py", "test_retry_and_wait.py", "test_iam_least_privilege.py",
               "test_reconcile.py", "test_mutants_killed.py"],
    "_policy_eval": ["test_policy_eval.py", "test_perimeter.py", "test_mutants_killed.py"],
    "_nacl_eval": ["test_nacl_eval.py", "test_audit_checks.py", "test_mutants_killed.py"],
}
# The audit's families (plugins/module_utils/audit/, named with a dot: audit.routes_hubs), by the same tests.
TESTS.update(("audit." + family, ["test_audit_checks.py", "test_pull_blocker_corpus.py", "test_perimeter.py",
                                  "test_egress_corpus.py", "test_image_corpus.py", "test_mutants_killed.py"])
             for family in ("_state", "endpoints_dns", "security_groups", "network_acls", "policies", "routes_hubs",
                            "images_cache", "cost"))
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".build", ".hypothesis", ".pytest_cache",
                                     "__pycache__", "bench", "demo")


def _copy_tree(source, dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=COPY_IGNORE, symlinks=True)
    # The Hypothesis plugin comes from this checkout, whatever tree is measured.
    shutil.copy(os.path.join(ROOT, "tests", "utils", "mutation_hypothesis.py"), os.path.join(dest, "tests", "utils"))


def _mutation_ids(mutmut, path, source):
    """[(key, mutation id)] for every mutant of ``source``; key = [line_number, index, line]."""
    ids = mutmut.list_mutations(mutmut.Context(source=source, filename=path))
    return [([i.line_number, i.index, i.line], i) for i in ids]


def _mutated(mutmut, path, source, mutation_id):
    """The source with one mutation (each call parses the file: only for the mutants tested)."""
    mutated, count = mutmut.mutate(mutmut.Context(source=source, filename=path, mutation_id=mutation_id))
    return mutated if count else None


def _run_tests(work, command, timeout):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    try:
        return subprocess.run(command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout, check=False).returncode
    except subprocess.TimeoutExpired:
        return None


def run_module(module, args):
    # From the mutation venv, see main.
    import mutmut  # pylint: disable=import-outside-toplevel

    work = os.path.join(args.workdir, module)
    path = os.path.join("plugins", "module_utils", *module.split(".")) + ".py"
    _copy_tree(args.source, work)
    with open(os.path.join(work, path)) as handle:
        original = handle.read()
    mutants = _mutation_ids(mutmut, path, original)
    if args.only_survivors:
        with open(os.path.join(args.only_survivors, module + ".json")) as handle:
            earlier = json.load(handle)
        again = [r["key"] for r in earlier["tested"] if r["status"] == "survived"]
        chosen = [m for m in mutants if m[0] in again]
        carried = [r for r in earlier["tested"] if r["status"] != "survived"]
    else:
        chosen, carried = mutants[::max(1, args.sample)], []
    tests = [os.path.join("tests", "unit", name) for name in TESTS[module]
             if os.path.exists(os.path.join(work, "tests", "unit", name))]
    command = [args.python, "-m", "pytest", "-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
               "-p", "tests.utils.mutation_hypothesis"] + tests
    start = time.time()
    if _run_tests(work, command, None) != 0:
        raise SystemExit("%s: the tests fail without any mutant (%s)" % (module, " ".join(command)))
    timeout = max(60.0, 10 * (time.time() - start))
    tested = list(carried)
    try:
        for key, mutation_id in chosen:
            mutated = _mutated(mutmut, path, original, mutation_id)
            if mutated is None:
                continue
            with open(os.path.join(work, path), "w") as handle:
                handle.write(mutated)
            code = _run_tests(work, command, timeout)
            status = "timeout" if code is None else ("survived" if code == 0 else "killed")
            diff = "".join(difflib.unified_diff(original.splitlines(True), mutated.splitlines(True), path, path, n=1))
            tested.append({"key": key, "status": status, "diff": diff})
            with open(os.path.join(args.workdir, module + ".json"), "w") as handle:
                json.dump({"mutants": len(mutants), "tested": tested}, handle, indent=1)
    finally:
        with open(os.path.join(work, path), "w") as handle:
            handle.write(original)
    with open(os.path.join(args.workdir, module + ".json"), "w") as handle:
        json.dump({"mutants": len(mutants), "tested": tested}, handle, indent=1)
    return module, len(mutants), tested


def report(results, workdir):
    print("%-14s %8s %7s %7s %8s %9s %7s" % ("module", "mutants", "tested", "killed", "timeout", "survived",
                                             "score"))
    for module, total, tested in results:
        count = {s: len([r for r in tested if r["status"] == s]) for s in ("killed", "timeout", "survived")}
        caught = count["killed"] + count["timeout"]
        score = "%.1f%%" % (100.0 * caught / len(tested)) if tested else "n/a"
        print("%-14s %8d %7d %7d %8d %9d %7s" % (module, total, len(tested), count["killed"], count["timeout"],
                                                 count["survived"], score))
        with open(os.path.join(workdir, module + ".survivors.txt"), "w") as handle:
            for record in tested:
                if record["status"] == "survived":
                    handle.write(record["diff"] + "\n")
    print("survivors: %s/<module>.survivors.txt" % workdir)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+", choices=sorted(TESTS))
    parser.add_argument("--mutmut-venv", required=True, help="the venv mutmut is installed in")
    parser.add_argument("--python", default=sys.executable, help="the python that runs the tests")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=1, help="test every K-th mutant only")
    parser.add_argument("--only-survivors", help="an earlier run's workdir: test only its survivors again")
    parser.add_argument("--examples", type=int, default=25, help="Hypothesis examples per property")
    parser.add_argument("--source", default=ROOT, help="the tree to copy and mutate (default: this checkout)")
    args = parser.parse_args()
    args.workdir = os.path.abspath(args.workdir)
    if args.only_survivors:
        args.only_survivors = os.path.abspath(args.only_survivors)
    os.environ["MUTATION_EXAMPLES"] = str(args.examples)
    # mutmut's engine is pure Python: import it from its own venv, never installed into the test venv.
    version = "python%d.%d" % sys.version_info[:2]
    sys.path.append(os.path.join(os.path.abspath(args.mutmut_venv), "lib", version, "site-packages"))
    os.makedirs(args.workdir, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda module: run_module(module, args), args.modules))
    report(results, args.workdir)
    return 0 if all(tested for _module, _total, tested in results) else 1


if __name__ == "__main__":
    sys.exit(main())
