"""Render every module's and role's documentation with ansible-doc, as users read it (make docs-lint).

Fails when ansible-doc cannot render one, warns while rendering, or when a module's documentation
misses what users rely on: EXAMPLES, RETURN, the shared connection options, and the
check_mode / diff_mode / idempotent attributes with their support level. Modules and roles are
found on disk, so new ones are covered without editing this file.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION = "privatelink.ecr"
# From the connection doc fragment: every module must carry it.
CONNECTION_OPTIONS = ("region", "access_key", "secret_key", "session_token", "profile", "endpoint_url",
                      "validate_certs", "role_arn", "role_session_name", "external_id")
ATTRIBUTES = ("check_mode", "diff_mode", "idempotent")
SUPPORT_LEVELS = ("full", "partial", "none", "N/A")


def ansible_doc(*args):
    """Run ansible-doc; return (text, problems) where problems lists what went wrong."""
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-doc")] + list(args),
                          capture_output=True, text=True, check=False, timeout=120,
                          env=dict(os.environ, ANSIBLE_NOCOLOR="1"))
    problems = []
    if proc.returncode != 0:
        problems.append("ansible-doc %s exited %d: %s" % (" ".join(args), proc.returncode, proc.stderr.strip()))
    elif "[WARNING]" in proc.stderr or "[ERROR]" in proc.stderr:
        problems.append("ansible-doc %s warned: %s" % (" ".join(args), proc.stderr.strip()))
    return proc.stdout, problems


def module_problems(name):
    fqcn = "%s.%s" % (COLLECTION, name)
    text, problems = ansible_doc(fqcn)
    if problems:
        return problems
    for heading in ("OPTIONS", "ATTRIBUTES", "EXAMPLES", "RETURN VALUES"):
        if heading not in text:
            problems.append("%s: the rendered page has no %s section" % (fqcn, heading))
    raw, json_problems = ansible_doc("--json", fqcn)
    if json_problems:
        return problems + json_problems
    entry = json.loads(raw)[fqcn]
    doc = entry["doc"]
    missing = [option for option in CONNECTION_OPTIONS if option not in doc.get("options", {})]
    if missing:
        problems.append("%s: connection options missing (use the privatelink.ecr.connection fragment): %s"
                        % (fqcn, ", ".join(missing)))
    attributes = doc.get("attributes", {})
    for attribute in ATTRIBUTES:
        if attributes.get(attribute, {}).get("support") not in SUPPORT_LEVELS:
            problems.append("%s: attribute %s does not declare its support level" % (fqcn, attribute))
    if not (entry.get("examples") or "").strip():
        problems.append("%s: EXAMPLES is empty" % fqcn)
    if not entry.get("return"):
        problems.append("%s: RETURN is empty" % fqcn)
    for option, spec in doc.get("options", {}).items():
        if not spec.get("description"):
            problems.append("%s: option %s has no description" % (fqcn, option))
    return problems


def role_problems(name):
    fqcn = "%s.%s" % (COLLECTION, name)
    _text, problems = ansible_doc("-t", "role", fqcn)
    if problems:
        return problems
    raw, problems = ansible_doc("-t", "role", "--json", fqcn)
    if problems:
        return problems
    entry_points = json.loads(raw)[fqcn].get("entry_points", {})
    if not entry_points.get("main", {}).get("options"):
        problems.append("%s: the main entry point documents no options (meta/argument_specs.yml)" % fqcn)
    return problems


def main():
    modules = sorted(os.path.splitext(os.path.basename(path))[0]
                     for path in glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py"))
                     if not os.path.basename(path).startswith("__"))
    roles = sorted(os.path.basename(os.path.dirname(os.path.dirname(path)))
                   for path in glob.glob(os.path.join(ROOT, "roles", "*", "meta", "argument_specs.y*ml")))
    problems = []
    for module in modules:
        problems += module_problems(module)
    for role in roles:
        problems += role_problems(role)
    for problem in problems:
        print("ERROR: " + problem)
    print("ansible-doc rendered %d module(s) and %d role(s): %s"
          % (len(modules), len(roles), "%d problem(s)" % len(problems) if problems else "no problem"))
    return 1 if problems or not modules else 0


if __name__ == "__main__":
    sys.exit(main())
