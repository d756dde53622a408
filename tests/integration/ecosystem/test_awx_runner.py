"""AWX / Automation Platform: the deploy and audit playbooks run through ansible-runner, AWX's engine.

The private data directory is laid out the way AWX hands a job to ansible-runner: the project's
playbooks in project/ (here the three-line wrappers the README recommends, importing the
collection's playbooks by FQCN), the inventory source's hosts in inventory/, the credential's
injected environment in env/envvars and the survey answers in env/extravars. The collection
comes from an installed build, as in an execution environment; process isolation is off (no
container engine here).
"""

import json
import os

import ansible_runner
import pytest
import yaml

from tests.integration.ecosystem.fleet import EXTERNAL_ID, SECRET_KEY, Fleet, controller_env

pytestmark = pytest.mark.integration

FARGATE = ["ecr.api", "ecr.dkr", "logs", "s3"]
# The survey of the deploy job template.
DEPLOY_SURVEY = {"vpc_endpoints_workload": "fargate", "vpc_endpoints_tags": {"CostCenter": "platform-1234"}}


def private_data_dir(tmp_path, fleet, installed):
    base = tmp_path / "awx-job"
    for folder in ("project", "inventory", "env"):
        (base / folder).mkdir(parents=True)
    for name in ("deploy", "audit"):
        (base / "project" / ("%s.yml" % name)).write_text(yaml.safe_dump([{
            "name": "Run privatelink.ecr.%s" % name,
            "ansible.builtin.import_playbook": "privatelink.ecr.%s" % name}], sort_keys=False))
    with open(fleet.inventory(), encoding="utf-8") as handle:
        (base / "inventory" / "hosts.json").write_text(handle.read())
    # What the job's credential injects, and the execution environment's collection path.
    (base / "env" / "envvars").write_text(yaml.safe_dump(controller_env(installed.collections)))
    return base


def run_job(base, playbook, survey):
    (base / "env" / "extravars").write_text(yaml.safe_dump(survey))
    return ansible_runner.run(private_data_dir=str(base), playbook=playbook, process_isolation=False, quiet=True,
                              forks=4, timeout=600)


def host_stats(runner):
    stats = [e for e in runner.events if e.get("event") == "playbook_on_stats"]
    assert len(stats) == 1
    return stats[0]["event_data"]


def artifacts_text(base):
    """The job's output as ansible-runner kept it: stdout and every event (what AWX stores and shows).

    Left out: the ``command`` file, ansible-runner's own record of the environment it launched
    ansible-playbook with (the credential's injected variables included, by design).
    """
    texts = []
    for dirpath, _dirnames, filenames in os.walk(str(base / "artifacts")):
        for name in filenames:
            if name == "command":
                continue
            with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as handle:
                texts.append(handle.read())
    return "\n".join(texts)


@pytest.fixture
def clean_environ(monkeypatch):
    """ansible-runner passes its own environment on: only env/envvars may configure the job."""
    for key in list(os.environ):
        if key.startswith(("AWS_", "ANSIBLE_")):
            monkeypatch.delenv(key)


def test_deploy_and_audit_job_templates_through_ansible_runner(aws, tmp_path, installed, clean_environ):
    fleet = Fleet(aws.server, tmp_path).seed()
    base = private_data_dir(tmp_path, fleet, installed)

    deploy = run_job(base, "deploy.yml", DEPLOY_SURVEY)

    assert (deploy.status, deploy.rc) == ("successful", 0), deploy.stdout.read()
    stats = host_stats(deploy)
    assert sorted(stats["changed"]) == fleet.hosts and not stats.get("failures")
    for host, vpc_state in fleet.end_state().items():
        assert sorted(vpc_state["endpoints"]) == FARGATE, host
        for (endpoint,) in vpc_state["endpoints"].values():
            assert endpoint["state"] == "available"
            assert endpoint["tags"]["CostCenter"] == "platform-1234"
            assert endpoint["tags"]["ManagedBy"] == "privatelink.ecr"

    # A second launch of the template changes nothing.
    again = run_job(base, "deploy.yml", DEPLOY_SURVEY)
    assert (again.status, again.rc) == ("successful", 0), again.stdout.read()
    assert host_stats(again)["changed"] == {}
    # The job output AWX shows ends with the run's fleet summary: one event (a debug task run once) each time.
    hosts = len(fleet.hosts)
    for job, line in ((deploy, "Applied: %d to create, 0 to modify, 0 to adopt, 0 to delete; 0 of %d hosts unchanged"
                       % (5 * hosts, hosts)),
                      (again, "Applied: 0 to create, 0 to modify, 0 to adopt, 0 to delete; %d of %d hosts unchanged"
                       % (hosts, hosts))):
        assert [e["event_data"]["task"] for e in job.events if line in e.get("stdout", "")] == ["Print the fleet summary"]

    report_dir = tmp_path / "posture"
    audit = run_job(base, "audit.yml", {"posture_report_dir": str(report_dir), "posture_fail_on": "high"})

    assert (audit.status, audit.rc) == ("successful", 0), audit.stdout.read()
    with open(str(report_dir / "posture.json"), encoding="utf-8") as handle:
        report = json.load(handle)
    assert sorted(v["target"] for v in report["vpcs"]) == fleet.hosts
    assert report["summary"]["compliant"] == len(fleet.hosts) and report["summary"]["errors"] == 0
    assert (report_dir / "posture.html").is_file() and (report_dir / "posture.md").is_file()

    # The audit as a gate: a VPC loses enableDnsHostnames, the job fails, the report says why.
    vpc = fleet.vpcs[fleet.hosts[0]]
    fleet.ec2(vpc["account"]).modify_vpc_attribute(VpcId=vpc["vpc_id"], EnableDnsHostnames={"Value": False})
    gate = run_job(base, "audit.yml", {"posture_report_dir": str(report_dir), "posture_fail_on": "high"})

    assert gate.status == "failed" and gate.rc != 0
    with open(str(report_dir / "posture.json"), encoding="utf-8") as handle:
        report = json.load(handle)
    failing = {v["target"]: [f["id"] for f in v["findings"] if f["severity"] == "high"]
               for v in report["vpcs"] if not v["compliant"]}
    assert failing == {fleet.hosts[0]: ["VPC_DNS_DISABLED"]}

    # What AWX keeps as job output never holds the controller's secret or the roles' external id.
    kept = artifacts_text(base)
    assert "privatelink.ecr" in kept
    assert SECRET_KEY not in kept and EXTERNAL_ID not in kept
