"""Run mutmut on the collection's pure cores and print the mutation score per module (``make mutation``).

Each module is mutated in its own copy of the tree (``<workdir>/<module>``) so the checkout is never
modified, an interrupted run leaves nothing behind in it, and two modules can run at once. A mutant is
judged by only the unit test files that exercise the module (``TESTS`` below), fastest first with ``-x``,
which keeps one mutant to a few seconds on a shared machine. The score is caught / tested, where caught
is killed or timed out (the tests noticed), and tested adds the survivors and the suspicious ones.

``--sample K`` tests every K-th mutant of a module only (the others are reported as skipped): a full run
of the five modules is about 1,800 mutants. ``--only-survivors DIR`` tests only the mutants that survived
(or were suspicious) in an earlier run kept in DIR (same source: the same line numbers and mutation
indexes); the score after new tests is then computed over the earlier run's tested mutants.
Hypothesis runs with at most ``--examples`` examples per property (a test's own ``@settings`` still
wins), through tests/utils/mutation_hypothesis.py.
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The unit test files that exercise each module, cheapest first (pytest stops at the first failure).
TESTS = {
    "_plan": ["test_plan.py", "test_zones_plan.py", "test_adoption_and_placement.py", "test_plan_properties.py",
              "test_aws_conflicts.py", "test_mutants_killed.py"],
    "_apply": ["test_apply_pending_and_tokens.py", "test_retry_and_wait.py", "test_iam_least_privilege.py",
               "test_reconcile.py", "test_mutants_killed.py"],
    "_policy_eval": ["test_policy_eval.py", "test_perimeter.py", "test_mutants_killed.py"],
    "_nacl_eval": ["test_nacl_eval.py", "test_audit_checks.py", "test_mutants_killed.py"],
    "_audit_checks": ["test_audit_checks.py", "test_pull_blocker_corpus.py", "test_perimeter.py",
                      "test_mutants_killed.py"],
}
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", ".build", ".hypothesis", ".pytest_cache",
                                     "__pycache__", "bench", "demo", "tests/output")
STATUSES = ("killed", "timeout", "suspicious", "survived", "skipped", "untested")

# mutmut reads mutmut_config.py from the directory it runs in; pre_mutation marks a mutant skipped.
MUTMUT_CONFIG = '''import json

SAMPLE = %(sample)d
ONLY = %(only)s
_count = [0]


def pre_mutation(context):
    _count[0] += 1
    key = [context.mutation_id.line_number, context.mutation_id.index]
    if ONLY is not None:
        context.skip = key not in ONLY
    else:
        context.skip = (_count[0] - 1) %% SAMPLE != 0
'''


def _copy_tree(source, dest):
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(source, dest, ignore=COPY_IGNORE, symlinks=True)


def _ids(mutmut, cwd, status):
    out = subprocess.run([mutmut, "result-ids", status], cwd=cwd, capture_output=True, text=True, check=False)
    return [token for token in out.stdout.split() if token.isdigit()]


def _cache_rows(work, status=None):
    """(line_number, index, status) of each mutant in a module's mutmut cache."""
    with sqlite3.connect(os.path.join(work, ".mutmut-cache")) as db:
        rows = db.execute('SELECT l.line_number, m."index", m.status FROM mutant m JOIN line l ON m.line = l.id '
                          'ORDER BY m.id').fetchall()
    return [list(row[:2]) for row in rows if status is None or row[2] == status]


def run_module(module, args):
    work = os.path.join(args.workdir, module)
    only = None
    if args.only_survivors:
        earlier = os.path.join(args.only_survivors, module)
        only = _cache_rows(earlier, "bad_survived") + _cache_rows(earlier, "ok_suspicious")
    if not args.report_only:
        _run_mutmut(module, work, only, args)
    return module, _report(module, work, args)


def _run_mutmut(module, work, only, args):
    _copy_tree(args.source, work)
    # The Hypothesis plugin comes from this checkout, whatever tree is measured.
    shutil.copy(os.path.join(ROOT, "tests", "utils", "mutation_hypothesis.py"), os.path.join(work, "tests", "utils"))
    with open(os.path.join(work, "mutmut_config.py"), "w") as handle:
        handle.write(MUTMUT_CONFIG % {"sample": args.sample, "only": "None" if only is None else json.dumps(only)})
    tests = [os.path.join("tests", "unit", name) for name in TESTS[module]
             if os.path.exists(os.path.join(work, "tests", "unit", name))]
    runner = ("%s -m pytest -x -q -p no:randomly -p no:cacheprovider -p tests.utils.mutation_hypothesis %s"
              % (args.python, " ".join(tests)))
    log = os.path.join(args.workdir, module + ".log")
    with open(log, "w") as handle:
        subprocess.run([args.mutmut, "run", "--paths-to-mutate", "plugins/module_utils/%s.py" % module,
                        "--runner", runner, "--simple-output", "--no-progress"],
                       cwd=work, stdout=handle, stderr=subprocess.STDOUT, check=False,
                       env=dict(os.environ, MUTATION_EXAMPLES=str(args.examples)))


def _report(module, work, args):
    counts = {status: _ids(args.mutmut, work, status) for status in STATUSES}
    if args.only_survivors:
        # The earlier run's verdicts stand for the mutants not tested again.
        earlier = os.path.join(args.only_survivors, module)
        counts["killed"] += ["earlier"] * len(_cache_rows(earlier, "ok_killed"))
        counts["timeout"] += ["earlier"] * len(_cache_rows(earlier, "bad_timeout"))
    with open(os.path.join(args.workdir, module + ".survivors.txt"), "w") as handle:
        for mutant in counts["survived"] + counts["suspicious"]:
            diff = subprocess.run([args.mutmut, "show", mutant], cwd=work, capture_output=True, text=True,
                                  check=False).stdout
            handle.write("## mutant %s\n%s\n" % (mutant, diff))
    result = {status: len(ids) for status, ids in counts.items()}
    result["mutants"] = len(_cache_rows(work))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="+", choices=sorted(TESTS))
    parser.add_argument("--mutmut", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--sample", type=int, default=1, help="test every K-th mutant only")
    parser.add_argument("--only-survivors", help="an earlier run's workdir: test only its survivors")
    parser.add_argument("--examples", type=int, default=25, help="Hypothesis examples per property")
    parser.add_argument("--source", default=ROOT, help="the tree to copy and mutate (default: this checkout)")
    parser.add_argument("--report-only", action="store_true", help="print the scores of the runs in --workdir")
    args = parser.parse_args()
    args.mutmut, args.workdir = os.path.abspath(args.mutmut), os.path.abspath(args.workdir)
    if args.only_survivors:
        args.only_survivors = os.path.abspath(args.only_survivors)
    os.makedirs(args.workdir, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda module: run_module(module, args), args.modules))
    print("%-14s %7s %7s %7s %8s %10s %8s %7s" % ("module", "mutants", "tested", "killed", "timeout",
                                                  "suspicious", "survived", "score"))
    failed = False
    for module, count in results:
        caught = count["killed"] + count["timeout"]
        tested = caught + count["survived"] + count["suspicious"]
        score = "%.1f%%" % (100.0 * caught / tested) if tested else "n/a"
        failed = failed or tested == 0
        print("%-14s %7d %7d %7d %8d %10d %8d %7s" % (module, count["mutants"], tested, count["killed"],
                                                    count["timeout"], count["suspicious"], count["survived"], score))
    print("survivors: %s/<module>.survivors.txt, logs: %s/<module>.log" % (args.workdir, args.workdir))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
