"""The demo's acts do not depend on what the acts before them left in the emulator (issue: the
hub-and-spoke act failed with InvalidClientTokenId after the organization act turned moto's IAM
enforcement on), and a failed act is reported in one line, without a traceback, exit code 1.

``make test-demo`` runs the demos themselves, acts in ``make demo``'s order; these tests hold the
mechanism: ``fresh_emulator`` between acts, and ``main``'s report. The first one runs its own
moto_server, never the session's: it turns IAM enforcement on, which would outlive the test.
"""

import os
import sys

import botocore.exceptions
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from demo import organization, run_demo  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402
from tests.support.seed import client  # noqa: E402

REGION = "eu-west-1"
HUB_ROLE = "arn:aws:iam::500000000001:role/privatelink-ecr-automation"


def test_after_the_organization_act_the_next_act_starts_on_an_open_empty_emulator():
    with MotoServer() as server:
        org = organization.seed(server.url)
        # The organization act leaves IAM enforced: moto's default keys are refused (the bug's error) ...
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            client("ec2", server.url, REGION, HUB_ROLE)
        assert refused.value.response["Error"]["Code"] == "InvalidClientTokenId"
        # ... and only the controller's keys work.
        member = org["accounts"]["payments"]
        ec2 = client("ec2", server.url, REGION, member["role_arn"], credentials=org["credentials"])
        assert ec2.describe_vpcs(VpcIds=[member["vpcs"][0]["vpc_id"]])["Vpcs"]

        run_demo.fresh_emulator(server)

        # What the hub-and-spoke act does first: assume a role with moto's default keys, in an empty account.
        ec2 = client("ec2", server.url, REGION, HUB_ROLE)
        assert [v for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]] == []
        organizations = client("organizations", server.url, "us-east-1")
        with pytest.raises(botocore.exceptions.ClientError) as gone:
            organizations.describe_organization()
        assert gone.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"
        # The organization act again, after that: it seeds as on a new server.
        assert organization.seed(server.url)["org_id"] != org["org_id"]


@pytest.fixture
def quiet_main(monkeypatch, tmp_path):
    """main() without a moto_server: its files in tmp_path, the test process's SIGTERM handler kept."""
    monkeypatch.setattr(run_demo, "WORK", str(tmp_path))
    monkeypatch.setattr(run_demo, "TRACEBACKS", str(tmp_path / "tracebacks.log"))
    monkeypatch.setattr(run_demo.signal, "signal", lambda *_args: None)


class FakeServer:
    url = "http://127.0.0.1:9"

    def __init__(self, calls, **_kwargs):
        self.calls = calls

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append("stopped")

    def reset(self):
        self.calls.append("reset")


@pytest.mark.usefixtures("quiet_main")
def test_a_failed_act_is_one_line_and_the_next_act_still_runs(monkeypatch, capsys):
    calls = []

    def aws_error(_server):
        calls.append("hub act")
        raise botocore.exceptions.ClientError(
            {"Error": {"Code": "InvalidClientTokenId", "Message": "The security token included in the request is"
                                                                  " invalid."}}, "AssumeRole")

    def demo_failure(_server):
        calls.append("org act")
        raise run_demo.DemoFailed("the second deploy changed something")

    def passes(_server):
        calls.append("last act")

    monkeypatch.setattr(run_demo, "MotoServer", lambda **kwargs: FakeServer(calls, **kwargs))
    monkeypatch.setattr(run_demo, "enforce_iam", lambda url, enforced=True: calls.append("iam %s" % enforced))
    monkeypatch.setitem(run_demo.ACTS, "organization", (("org", demo_failure), ("hub", aws_error), ("last", passes)))

    assert run_demo.main(["--inventory", "organization"]) == 1

    assert calls == ["iam False", "reset", "org act", "iam False", "reset", "hub act", "iam False", "reset",
                     "last act", "stopped"]
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "DEMO FAILED: act 1 (org): the second deploy changed something" in err
    assert ("DEMO FAILED: act 2 (hub): ClientError: An error occurred (InvalidClientTokenId) when calling the"
            " AssumeRole operation") in err
    assert "act 3" not in err and "3. last: passed" in out
    with open(run_demo.TRACEBACKS) as handle:
        assert "Act 2 (hub):\nTraceback" in handle.read()


@pytest.mark.usefixtures("quiet_main")
def test_every_act_passing_is_exit_code_0(monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(run_demo, "MotoServer", lambda **kwargs: FakeServer(calls, **kwargs))
    monkeypatch.setattr(run_demo, "enforce_iam", lambda url, enforced=True: calls.append("iam %s" % enforced))
    monkeypatch.setitem(run_demo.ACTS, "example", (("one", lambda _s: calls.append("one")),))
    assert run_demo.main(["--inventory", "example"]) == 0
    assert calls == ["iam False", "reset", "one", "stopped"]
    assert "Demo finished" in capsys.readouterr().out


def test_the_public_images_act_shows_each_finding_and_its_repair(monkeypatch, tmp_path):
    """The act runs for real on a fresh emulator: IMAGE_NEEDS_INTERNET, then CACHE_NOT_SEEDED, then clean
    (each step checked by the act itself against posture.json: a wrong finding fails it)."""
    monkeypatch.setattr(run_demo, "WORK", str(tmp_path))
    monkeypatch.setattr(run_demo, "TRACEBACKS", str(tmp_path / "tracebacks.log"))
    assert any(act is run_demo.public_images_demo for acts in run_demo.ACTS.values() for _title, act in acts)
    with MotoServer() as server:
        assert run_demo.run_act(server, 1, 1, "public images", run_demo.public_images_demo) is None
        ecs = client("ecs", server.url, REGION, "arn:aws:iam::%s:role/privatelink-ecr-automation"
                     % run_demo.IMAGES_ACCOUNT)
        (service,) = ecs.describe_services(cluster="shop", services=["web"])["services"]
        (task,) = [ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]]
        assert task["containerDefinitions"][0]["image"].endswith("/docker-hub/library/nginx:1.27")
