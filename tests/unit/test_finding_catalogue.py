"""The finding catalogue (_findings.CATALOGUE) against the checks and the docs.

The ids a check can emit are read from the source of plugins/module_utils (every ``finding("ID", ...)``
call, whatever module holds it), so a check added anywhere there is held to the catalogue and the docs."""

import os
import re

import yaml

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils import _findings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODULE_UTILS = os.path.join(ROOT, "plugins", "module_utils")
INFO_MODULE = os.path.join(ROOT, "plugins", "modules", "ecr_private_endpoints_info.py")
GUIDE = os.path.join(ROOT, "docs", "docsite", "rst", "guide_posture.rst")
# Any call whose name ends in "finding" (finding, checks.finding, _finding) with a literal id first.
EMITTED = re.compile(r"finding\(\s*\"([A-Z][A-Z0-9_]+)\"")


def emitted_ids():
    found = set()
    for folder, _dirs, files in os.walk(MODULE_UTILS):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name)) as handle:
                    found.update(EMITTED.findall(handle.read()))
    return found


def info_docs():
    with open(INFO_MODULE) as handle:
        source = handle.read()

    def block(name):
        return yaml.safe_load(re.search(r'%s = r"""(.*?)"""' % name, source, re.S).group(1))
    return block("DOCUMENTATION"), block("RETURN")


def documented_severities():
    """``{id: severity}`` of the module's description ("C(ID) (severity, ...") and of the guide's table."""
    documentation, _returned = info_docs()
    notes = " ".join(documentation["description"])
    from_notes = dict(re.findall(r"C\(([A-Z][A-Z0-9_]+)\) \((high|medium|low|info)\b", notes))
    with open(GUIDE) as handle:
        guide = handle.read()
    from_guide = dict(re.findall(r"\* - ``([A-Z][A-Z0-9_]+)``\s*\n\s*- (high|medium|low|info)\s*\n", guide))
    return from_notes, from_guide


def returned_ids():
    _documentation, returned = info_docs()
    text = returned["vpcs"]["contains"]["findings"]["contains"]["id"]["description"]
    return set(re.findall(r"C\(([A-Z][A-Z0-9_]+)\)", text))


def test_every_entry_is_complete():
    for finding_id, entry in _findings.CATALOGUE.items():
        assert re.match(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$", finding_id), finding_id
        assert entry["severity"] in _findings.SEVERITIES, finding_id
        assert entry["title"], finding_id
        assert entry["aws"].startswith("https://docs.aws.amazon.com/"), finding_id
    assert _findings.PLANNED <= set(_findings.CATALOGUE)


def test_every_id_a_check_emits_is_in_the_catalogue_and_not_planned():
    emitted = emitted_ids()
    assert emitted, "no finding(...) call found: the scan is broken"
    assert emitted <= set(_findings.CATALOGUE), emitted - set(_findings.CATALOGUE)
    assert not emitted & _findings.PLANNED, "emitted now, take out of PLANNED: %s" % (emitted & _findings.PLANNED)
    # and every id of the catalogue that is not planned has a check emitting it
    assert set(_findings.CATALOGUE) - _findings.PLANNED == emitted


def test_the_checks_take_their_severity_from_the_catalogue():
    assert checks.FINDING_SEVERITIES == dict((i, _findings.severity(i)) for i in emitted_ids())


def test_docs_list_exactly_the_emitted_ids_with_the_catalogue_severities():
    emitted = emitted_ids()
    from_notes, from_guide = documented_severities()
    assert returned_ids() == emitted, returned_ids() ^ emitted
    for where, documented in (("module description", from_notes), ("guide_posture.rst", from_guide)):
        assert set(documented) == emitted, (where, set(documented) ^ emitted)
        wrong = dict((i, s) for i, s in documented.items() if s != _findings.severity(i))
        assert not wrong, (where, wrong)


def test_a_template_remediation_is_filled():
    text = _findings.fill_remediation("SG_OPEN_TO_WORLD", group_id="sg-1")
    assert text.startswith("remove the 0.0.0.0/0 and ::/0 rules from sg-1 ") and _findings.DEPLOY in text
    item = _findings.finding("INTERNET_ROUTE", "rtb-1", "route table rtb-1 routes 0.0.0.0/0 -> igw-1")
    assert item["severity"] == "info" and item["remediation"].startswith("nothing is required")
    assert _findings.finding("SG_OPEN_TO_WORLD", "sg-1", "m", "own text")["remediation"] == "own text"
