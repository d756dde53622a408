"""The action plugins' in-process path and the module path give the same results.

One playbook runs every module of the collection both ways (PRIVATELINK_ECR_IN_PROCESS unset, then
``false``) on a fresh moto_server account each time, with the AWS-semantics layer on: a converge, its re-run
(changed=0), check mode, diff mode, a failure AWS answered (``error``, ``response_metadata``), an input error,
an unsupported option, a secret given as an argument (``no_log``), ``module_defaults`` through the
``group/privatelink.ecr.aws`` action group and the region given only by the play's ``environment:``. The
registered results are compared after the values AWS draws at random (ids, request ids, dates) are masked.
"""

import json
import re

import pytest

from tests.integration.moto_vpc import read_endpoints, seed_private_vpc
from tests.support.ansible_cli import run_playbook

SECRET = "sEcReT-in-process-7c1e"
# What differs between two accounts of moto for the same requests.
_RANDOM = [
    (re.compile(r"\b(vpce|sg|vpc|subnet|rtb|pl|eni|igw|acl|sgr)-[0-9a-f]{8,17}(-[0-9a-z]{8})?\b"), r"\1-X"),
    (re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b"), "IP"),
    (re.compile(r"[0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12}"), "UUID"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?"), "DATE"),
    (re.compile(r"\bZ[0-9A-Z]{10,32}\b"), "ZONE"),
    (re.compile(r"/(in-process|module)/report"), "/WAY/report"),  # each way writes its own report
    (re.compile(r"\"hosted_zone_id\": \"[0-9A-Z]+\""), "\"hosted_zone_id\": \"ZONE\""),
]


def playbook(tmp_path, vpc):
    endpoints = {"vpc_id": vpc.vpc_id, "subnet_ids": list(vpc.private_subnet_ids),
                 "route_table_ids": list(vpc.private_route_table_ids)}
    tasks = [
        {"name": "converge", "privatelink.ecr.ecr_private_endpoints": endpoints, "register": "converge"},
        {"name": "rerun", "privatelink.ecr.ecr_private_endpoints": endpoints, "register": "rerun"},
        {"name": "check", "privatelink.ecr.ecr_private_endpoints": dict(endpoints, state="absent"),
         "check_mode": True, "register": "check"},
        {"name": "diff", "privatelink.ecr.ecr_private_endpoints": dict(endpoints, tags={"team": "platform"}),
         "diff": True, "register": "diffed"},
        {"name": "secret", "privatelink.ecr.ecr_private_endpoints_info":
            {"vpc_ids": [vpc.vpc_id], "access_key": "AKIAIOSFODNN7EXAMPLE", "secret_key": SECRET},
         "register": "secret"},
        {"name": "info", "privatelink.ecr.ecr_private_endpoints_info": {"vpc_ids": [vpc.vpc_id]},
         "register": "info"},
        {"name": "subnets", "privatelink.ecr.vpc_private_subnets_info": {"vpc_id": vpc.vpc_id},
         "register": "subnets"},
        {"name": "zones", "privatelink.ecr.ecr_endpoint_zones": {"vpc_id": vpc.vpc_id, "state": "query"},
         "register": "zones"},
        {"name": "cache", "privatelink.ecr.ecr_pull_through_cache":
            {"rules": [{"prefix": "ecr-public", "upstream": "ecr-public"}]}, "diff": True, "register": "cache"},
        {"name": "report", "privatelink.ecr.posture_report":
            {"results": [{"target": "localhost", "region": "eu-west-1", "vpcs": "{{ info.vpcs }}"}],
             "dest": str(tmp_path / "report")}, "register": "report"},
        {"name": "aws failure", "privatelink.ecr.ecr_private_endpoints":
            dict(endpoints, vpc_id="vpc-0123456789abcdef0"), "register": "aws_failure", "ignore_errors": True},
        {"name": "input failure", "privatelink.ecr.ecr_private_endpoints": dict(endpoints, wait_timeout=-1),
         "register": "input_failure", "ignore_errors": True},
        {"name": "unsupported", "privatelink.ecr.ecr_private_endpoints": dict(endpoints, no_such_option=1),
         "register": "unsupported", "ignore_errors": True},
        {"name": "save", "ansible.builtin.copy": {
            "dest": str(tmp_path / "results.json"),
            "content": "{{ dict(names | zip(names | map('extract', vars))) | to_json }}"},
         "vars": {"names": ["converge", "rerun", "check", "diffed", "secret", "info", "subnets", "zones", "cache",
                            "report", "aws_failure", "input_failure", "unsupported"]}},
    ]
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
             # The region reaches the modules only through the play's environment.
             "environment": {"AWS_REGION": "eu-west-1"},
             "module_defaults": {"group/privatelink.ecr.aws": {"role_session_name": "from-module-defaults"}},
             "tasks": tasks}]
    path = tmp_path / "play.json"
    path.write_text(json.dumps(play))
    return str(path)


def ordered(value):
    """Lists in one order: AWS lists resources in the order of their (random) ids."""
    if isinstance(value, dict):
        return {k: ordered(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((ordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def masked(value):
    text = json.dumps(value, sort_keys=True)
    for pattern, replacement in _RANDOM:
        text = pattern.sub(replacement, text)
    return ordered(json.loads(text))


def differences(a, b, path=""):
    """Where ``a`` and ``b`` differ, as paths (the assertion's message)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in differences(a.get(k), b.get(k), "%s.%s" % (path, k))]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, "%s[%d]" % (path, i))]
    return [] if a == b else ["%s: %r != %r" % (path, a, b)]


def run_both_ways(aws, tmp_path, in_process):
    aws.server.reset()
    vpc = seed_private_vpc(aws.ec2)
    work = tmp_path / ("in-process" if in_process else "module")
    work.mkdir()
    env = {k: v for k, v in aws.env.items() if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    env["PRIVATELINK_ECR_IN_PROCESS"] = "true" if in_process else "false"
    proc = run_playbook(playbook(work, vpc), env, inventory="localhost,", args=["-vvv"])
    assert proc.returncode == 0, re.findall(r"(?:fatal|FAILED|ERROR).{0,600}", proc.stdout + proc.stderr)
    results = json.loads((work / "results.json").read_text())
    return proc.stdout, results, read_endpoints(aws.ec2, vpc.vpc_id)


@pytest.fixture
def both(aws, tmp_path):
    return {way: run_both_ways(aws, tmp_path, way == "in-process") for way in ("in-process", "module")}


def test_in_process_and_module_paths_give_the_same_results(both):
    outputs = {way: found[0] for way, found in both.items()}
    # The module path ships AnsiballZ to the target; the in-process path never does.
    assert "AnsiballZ_ecr_private_endpoints.py" in outputs["module"]
    assert not re.search(r"AnsiballZ_(ecr_|vpc_private|posture)", outputs["in-process"])
    results = {way: found[1] for way, found in both.items()}
    for way, result in results.items():
        assert result["converge"]["changed"] and not result["rerun"]["changed"], way
        assert result["check"]["changed"] and result["diffed"]["diff"]["after"], way
        assert result["aws_failure"]["failed"] and result["aws_failure"]["error"]["code"], way
        assert result["aws_failure"]["response_metadata"]["http_status_code"] == 400, way
        assert result["input_failure"]["msg"] == "wait_timeout must be zero or more seconds", way
        assert result["unsupported"]["msg"].startswith("Unsupported parameters for "
                                                       "(privatelink.ecr.ecr_private_endpoints) module: "
                                                       "no_such_option."), way
        assert SECRET not in json.dumps(result) and SECRET not in outputs[way], way
        assert sorted(result["report"]["changed_files"]), way
    # Registered results leave out "invocation"; -vvv prints it: module_defaults applied (group), the
    # play's environment seen by the fallback, the no_log option masked; as often both ways.
    for marker in ('"role_session_name": "from-module-defaults"', '"region": "eu-west-1"',
                   '"secret_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"', '"invocation": {'):
        counts = {way: output.count(marker) for way, output in outputs.items()}
        assert counts["module"] >= 1 and counts["in-process"] == counts["module"], (marker, counts)
    for name in results["module"]:
        assert not differences(masked(results["in-process"][name]), masked(results["module"][name]), name)
    # AWS's state read back: the same endpoints, left by check mode, both ways.
    services = {way: sorted(e["ServiceName"] for e in found[2]) for way, found in both.items()}
    assert services["in-process"] == services["module"] and len(services["module"]) >= 4
