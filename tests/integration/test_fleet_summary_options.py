"""The fleet_summary filter's options, each given by name in a real play: the result of a real
ecr_private_endpoints run (check mode, against moto_server with the AWS-semantics layer) summarized with
``_input``, ``hostvars``, ``results``, ``failed`` and ``check_mode``.
"""

import json

from tests.integration.moto_vpc import endpoint_args, read_endpoints
from tests.support.ansible_cli import recap, run_playbook


def test_every_option_of_the_filter_shapes_the_summary_of_a_real_run(aws, private_vpc, tmp_path):
    args = endpoint_args(private_vpc)
    play = [{
        "hosts": "all", "gather_facts": False,
        "tasks": [
            {"name": "Plan the endpoints of one host", "privatelink.ecr.ecr_private_endpoints": args,
             "register": "planned", "when": "inventory_hostname == 'h1'"},
            {"name": "Summarize", "run_once": True, "ansible.builtin.copy": {
                "dest": str(tmp_path / "summary.json"),
                "content": "{{ ['h1', 'h2', 'h3'] | privatelink.ecr.fleet_summary(hostvars=hostvars, results=['planned'], "
                           "failed=['h2'], check_mode=ansible_check_mode) | to_json }}"}, "check_mode": False},
        ]}]
    playbook = tmp_path / "play.json"
    playbook.write_text(json.dumps(play))
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {"vars": {"ansible_connection": "local"},
                                             "hosts": {"h1": {}, "h2": {}, "h3": {}}}}))
    proc = run_playbook(str(playbook), aws.env, inventory=str(inventory), args=["--check"])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert sorted(recap(proc.stdout)) == ["h1", "h2", "h3"]
    summary = json.loads((tmp_path / "summary.json").read_text())
    # Check mode: nothing in AWS, and the summary says Plan.
    assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []
    # h1 plans the managed security group and fargate's four endpoints; h2 is named failed by the option;
    # h3 registered nothing and is counted unchanged.
    assert summary["lines"] == ["h1: 5 to create, 0 to modify, 0 to adopt, 0 to delete",
                                "h2: failed; 0 to create, 0 to modify, 0 to adopt, 0 to delete"], summary
    assert summary["line"] == "Plan: 5 to create, 0 to modify, 0 to adopt, 0 to delete; 1 of 3 hosts unchanged"
    assert [h["host"] for h in summary["hosts"]] == ["h1", "h2"] and summary["hosts"][1]["failed"] is True
