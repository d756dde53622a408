"""Secrets never appear in results, diffs or -vvv output.

The module is given a secret key, a session token and an external id (module arguments in
one run, environment variables in another) and assumes a role at moto's STS. Afterwards the
credentials moto issued for that role are read from moto's own state (/moto-api/data.json),
so the test knows every secret the run held, including those Ansible never saw, and checks
that none of them is in anything the run printed: results, diff, ``-vvv`` invocation
details, and the message of a failed task.
"""

import json
import urllib.request

import pytest

from tests.integration.moto_vpc import endpoint_args
from tests.support.ansible_cli import run_playbook

SECRET_KEY = "sEcReT-kEy-4f1d2c9a7b3e"
SESSION_TOKEN = "sEsSiOn-ToKeN-9a8b7c6d5e4f"
EXTERNAL_ID = "eXtErNaL-iD-1a2b3c4d"
ROLE_ARN = "arn:aws:iam::123456789012:role/privatelink-ecr-deployer"
SESSION_NAME = "secrets-test"


def assumed_credentials(url):
    """Every credential moto's STS handed out for our session name."""
    with urllib.request.urlopen(url + "/moto-api/data.json", timeout=120) as answer:
        data = json.loads(answer.read())
    roles = [r for r in data.get("sts", {}).get("AssumedRole", []) if r.get("session_name") == SESSION_NAME]
    return [value for r in roles for value in (r["secret_access_key"], r["session_token"])]


def write_playbook(path, args, failing_args):
    tasks = [
        {"name": "Converge, with the role and secrets", "privatelink.ecr.ecr_private_endpoints": args,
         "register": "converged"},
        {"name": "Print the whole result", "ansible.builtin.debug": {"var": "converged"}},
        {"name": "Fail on bad input, with the same secrets", "privatelink.ecr.ecr_private_endpoints": failing_args,
         "register": "failed_run", "ignore_errors": True},
        {"name": "Print the failure", "ansible.builtin.debug": {"var": "failed_run"}},
    ]
    play = [{"name": "secrets", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}, "tasks": tasks}]
    path.write_text(json.dumps(play))
    return str(path)


def assert_no_secret(output, secrets):
    leaked = [s for s in secrets if s in output]
    assert not leaked, "secrets in the output: %s" % leaked


@pytest.mark.parametrize("via", ["module-arguments", "environment"])
def test_secrets_and_assumed_credentials_never_printed(aws, private_vpc, tmp_path, via):
    connection = {"role_arn": ROLE_ARN, "role_session_name": SESSION_NAME, "external_id": EXTERNAL_ID}
    env = dict(aws.env)
    if via == "module-arguments":
        connection.update(access_key="AKIAIOSFODNN7EXAMPLE", secret_key=SECRET_KEY, session_token=SESSION_TOKEN)
    else:
        env.update(AWS_SECRET_ACCESS_KEY=SECRET_KEY, AWS_SESSION_TOKEN=SESSION_TOKEN)
    args = dict(endpoint_args(private_vpc), **connection)
    failing = dict(args, subnet_ids=[private_vpc.public_subnet_id, private_vpc.private_subnet_ids[0]],
                   policy="{not json")
    playbook = write_playbook(tmp_path / "secrets.json", args, failing)

    proc = run_playbook(playbook, env, inventory="localhost,", args=["-vvv", "--diff"])
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert '"changed": true' in output and "vpc_endpoint_id" in output  # the converge really ran
    assert "policy is not valid JSON" in output  # and so did the failing task

    issued = assumed_credentials(aws.url)
    assert issued, "the role was never assumed: the run did not exercise assumed-role credentials"
    assert_no_secret(output, [SECRET_KEY, SESSION_TOKEN, EXTERNAL_ID] + issued)
    if via == "module-arguments":
        # At -vvv Ansible prints the module's invocation: the secret options appear only masked.
        assert '"secret_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in output
        assert '"session_token": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in output
    # Nor does anything print an STS answer's credential fields.
    for key in ("SecretAccessKey", "SessionToken", "secret_access_key"):
        assert '"%s"' % key not in output
