"""Bad input through the real ansible-playbook CLI: each task fails with a message naming the
input, no traceback, and moto (which counts every request) sees nothing that mutates.

The full table is tests/unit/test_bad_input_table.py; these are the end-to-end samples,
run as tasks of one playbook so Ansible starts once.
"""

import json

from tests.integration.moto_vpc import endpoint_args, read_endpoints
from tests.support.ansible_cli import run_playbook


def bad_cases(vpc, other_subnet):
    base = endpoint_args(vpc)
    return {
        "subnet_of_another_vpc": (dict(base, subnet_ids=[other_subnet]), ["subnet_ids", other_subnet, vpc.vpc_id]),
        "injection_in_group_name": (dict(base, security_group_name="ecr`id`$(reboot)"), ["security_group_name"]),
        "policy_not_json": (dict(base, policy="{'Statement': oops"), ["policy is not valid JSON"]),
        "unknown_service": (dict(base, extra_services=["ecr.apii"]), ["services", "ecr.apii", "not offered"]),
        "ownership_tag_spoofed": (dict(base, tags={"ManagedBy": "privatelink.ecr"}), ["tags", "ManagedBy"]),
        "no_region": (dict(base, region=""), ["region"]),
        "negative_wait_timeout": (dict(base, wait_timeout=-1), ["wait_timeout"]),
    }


def test_bad_input_through_the_cli_fails_cleanly_and_changes_nothing(aws, private_vpc, tmp_path):
    other_vpc = aws.ec2.create_vpc(CidrBlock="10.77.0.0/16")["Vpc"]["VpcId"]
    other_subnet = aws.ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.77.1.0/24",
                                         AvailabilityZone="eu-west-1a")["Subnet"]["SubnetId"]
    aws.server.clear_requests()
    cases = bad_cases(private_vpc, other_subnet)
    results = tmp_path / "results.json"
    tasks = [{"name": name, "privatelink.ecr.ecr_private_endpoints": args, "register": name, "ignore_errors": True}
             for name, (args, _words) in sorted(cases.items())]
    tasks.append({"name": "Keep the results", "ansible.builtin.copy": {
        "dest": str(results), "content": "{{ {%s} | to_json }}" % ", ".join("'%s': %s" % (n, n) for n in cases)}})
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
    playbook = tmp_path / "bad.json"
    playbook.write_text(json.dumps(play))

    proc = run_playbook(str(playbook), aws.env, inventory="localhost,")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output  # every failure was the task's, ignored; the play itself ran
    assert "Traceback" not in output
    outcome = json.loads(results.read_text())
    for name, (_args, words) in cases.items():
        result = outcome[name]
        assert result.get("failed") is True, (name, result)
        for word in words:
            assert word in result["msg"], (name, word, result["msg"])
        assert "Traceback" not in result["msg"] and "module_stderr" not in result, (name, result)
    assert aws.server.mutating_requests() == {}
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []
