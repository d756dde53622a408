"""Workloads and images in posture.json, posture.md and posture.html (per VPC: which workload pulls what,
through which path), rendered by module_utils/report as the module and playbooks/files/render_posture.py run it."""

import importlib.util
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RENDER_PATH = os.path.join(ROOT, "playbooks", "files", "render_posture.py")
OWN = "111111111111.dkr.ecr.eu-west-1.amazonaws.com"


def _load():
    """The command line's file, by path, as a user runs it without Ansible."""
    spec = importlib.util.spec_from_file_location("render_by_path", RENDER_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _load()


def finding(finding_id, severity, resource):
    return {"id": finding_id, "severity": severity, "resource": resource, "message": "about %s" % resource,
            "remediation": "fix it"}


RECORD = {"target": "prod-eu", "account_label": "", "region": "eu-west-1", "vpc": "vpc-a", "error": None,
          "vpcs": [{"vpc_id": "vpc-a", "account_id": "111111111111", "region": "eu-west-1", "compliant": False,
                    "monthly_cost_usd": 21.9, "workload_subnet_ids": ["subnet-1"], "endpoints": {},
                    "workloads": [
                        {"kind": "ecs_service", "name": "web", "arn": "arn:aws:ecs:eu-west-1:111111111111:service/p/web",
                         "subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"],
                         "images": ["nginx:1.27", "%s/app:1" % OWN, "%s/docker-hub/library/redis:7" % OWN]},
                        {"kind": "eks_cluster", "name": "k", "arn": "arn:aws:eks:eu-west-1:111111111111:cluster/k",
                         "subnet_ids": ["subnet-1"], "security_group_ids": ["sg-2"], "images": []}],
                    "findings": [finding("IMAGE_NEEDS_INTERNET", "high", "nginx:1.27"),
                                 finding("CACHE_NOT_SEEDED", "medium", "%s/docker-hub/library/redis:7" % OWN)]}]}


def test_posture_json_carries_workloads_and_image_paths():
    (vpc,) = render.build_report([RECORD])["vpcs"]
    assert vpc["workloads"] == RECORD["vpcs"][0]["workloads"]
    assert [(i["reference"], i["path"]) for i in vpc["images"]] == [
        ("nginx:1.27", "none"), ("%s/app:1" % OWN, "private endpoint"),
        ("%s/docker-hub/library/redis:7" % OWN, "pull-through cache (not seeded)")]
    json.dumps(vpc)


def test_markdown_and_html_show_which_workload_pulls_what_and_how():
    report = render.build_report([RECORD])
    markdown = render.render_markdown(report, "")
    assert "## Workloads and images" in markdown
    assert "| ecs_service web | nginx:1.27 | docker.io | none |" in markdown
    assert "| ecs_service web | %s/app:1 | %s | private endpoint |" % (OWN, OWN) in markdown
    assert "| eks_cluster k | (no image known) |" in markdown
    page = render.render_html(report, "")
    assert '<table id="workloads"' in page and 'data-path="pull-through cache (not seeded)"' in page


def test_no_workload_no_section():
    bare = json.loads(json.dumps(RECORD))
    for vpc in bare["vpcs"]:
        vpc.pop("workloads")
    report = render.build_report([bare])
    assert "Workloads and images" not in render.render_markdown(report, "")
    assert 'id="workloads"' not in render.render_html(report, "")
