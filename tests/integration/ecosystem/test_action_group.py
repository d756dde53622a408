"""meta/runtime.yml's action group: `module_defaults: {group/privatelink.ecr.aws: ...}` configures every module.

The playbook runs with no AWS variable in its environment and no AWS configuration file, so the
region, the endpoint and the credentials can only come from the group's defaults; a run of the
same task without them is the control, and must fail for want of them.
"""

import json
import os

import pytest
import yaml

from tests.support.ansible_cli import ROOT, aws_env, run_playbook

pytestmark = pytest.mark.integration

PLAYBOOK_WITH_GROUP_DEFAULTS = """
- name: Every module of the collection takes its connection from the action group's defaults
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/privatelink.ecr.aws:
      region: eu-west-1
      endpoint_url: "{{ moto_url }}"
      access_key: testing
      secret_key: testing
  tasks:
    - name: Discover the private subnets
      privatelink.ecr.vpc_private_subnets_info:
        vpc_name: "{{ vpc_name }}"
      register: found
    - name: Converge the endpoints
      privatelink.ecr.ecr_private_endpoints:
        vpc_id: "{{ found.vpc_id }}"
        subnet_ids: "{{ found.subnet_ids }}"
        route_table_ids: "{{ found.route_table_ids }}"
      register: converged
    - name: Audit them
      privatelink.ecr.ecr_private_endpoints_info:
        vpc_ids: ["{{ found.vpc_id }}"]
      register: audited
    - name: Keep the results for the test
      ansible.builtin.copy:
        content: "{{ {'found': found, 'converged': converged, 'audited': audited} | to_json }}"
        dest: "{{ results_path }}"
        mode: "0600"
"""

PLAYBOOK_WITHOUT_DEFAULTS = """
- name: The control, without module_defaults
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Discover the private subnets
      privatelink.ecr.vpc_private_subnets_info:
        vpc_name: "{{ vpc_name }}"
"""


def no_aws_environment(url, tmp_path):
    """Nothing AWS-related in the environment, no shared files, no instance metadata."""
    env = {key: value for key, value in aws_env(url).items() if not key.startswith("AWS_")}
    env.update(AWS_CONFIG_FILE=str(tmp_path / "no-config"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-creds"),
               AWS_EC2_METADATA_DISABLED="true")
    return env


def test_action_group_holds_every_module():
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        group = yaml.safe_load(handle)["action_groups"]["aws"]
    modules = sorted(os.path.splitext(name)[0] for name in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                     if name.endswith(".py") and not name.startswith("__"))
    assert sorted(group) == modules


def test_group_module_defaults_configure_every_module(aws, private_vpc, tmp_path):
    playbook = tmp_path / "group_defaults.yml"
    playbook.write_text(PLAYBOOK_WITH_GROUP_DEFAULTS)
    results = tmp_path / "results.json"
    env = no_aws_environment(aws.url, tmp_path)

    run = run_playbook(str(playbook), env, inventory="localhost,",
                       extra_vars={"moto_url": aws.url, "vpc_name": "workload", "results_path": str(results),
                                   "ansible_python_interpreter": env["ANSIBLE_PYTHON_INTERPRETER"]})

    assert run.returncode == 0, run.stdout + run.stderr
    with open(str(results), encoding="utf-8") as handle:
        results = json.load(handle)
    found, converged, audited = results["found"], results["converged"], results["audited"]
    assert found["vpc_id"] == private_vpc.vpc_id
    assert sorted(found["subnet_ids"]) == sorted(private_vpc.private_subnet_ids)
    assert converged["changed"] is True and sorted(converged["endpoints"]) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    # What the module reports is what moto now holds.
    live = [e for e in aws.ec2.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [private_vpc.vpc_id]}])["VpcEndpoints"] if e["State"] == "available"]
    assert sorted(e["VpcEndpointId"] for e in live) == \
        sorted(e["vpc_endpoint_id"] for e in converged["endpoints"].values())
    assert [v["vpc_id"] for v in audited["vpcs"]] == [private_vpc.vpc_id]
    assert audited["vpcs"][0]["compliant"] is True


def test_without_the_group_defaults_the_same_task_has_no_connection(aws, private_vpc, tmp_path):
    playbook = tmp_path / "no_defaults.yml"
    playbook.write_text(PLAYBOOK_WITHOUT_DEFAULTS)
    env = no_aws_environment(aws.url, tmp_path)
    aws.server.clear_requests()

    run = run_playbook(str(playbook), env, inventory="localhost,",
                       extra_vars={"vpc_name": "workload",
                                   "ansible_python_interpreter": env["ANSIBLE_PYTHON_INTERPRETER"]})

    assert run.returncode != 0
    assert "region" in run.stdout.lower()
    assert "Traceback" not in run.stdout + run.stderr
    assert aws.server.requests() == {}
