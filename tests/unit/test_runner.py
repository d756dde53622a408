"""plugins/module_utils/_runner.py and the action plugins' switch: a module's run() in the worker."""

import os

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils._runner import (
    InProcessModule,
    run_in_process,
    task_environment,
)
from ansible_collections.privatelink.ecr.plugins.modules import ecr_private_endpoints
from ansible_collections.privatelink.ecr.plugins.plugin_utils import _in_process

NAME = "privatelink.ecr.ecr_private_endpoints"


def run(args, check_mode=False, diff=False, body=None):
    def default(module):
        module.warn("a warning")
        module.exit_json(changed=False, echoed=module.params.get("secret_key"), check=module.check_mode,
                         diff_mode=module._diff)
    return run_in_process(body or default, ecr_private_endpoints.module_kwargs(), NAME, args, check_mode, diff)


def test_the_module_arguments_are_validated_with_defaults_aliases_and_no_log_masked():
    result = run({"vpc_id": "vpc-1", "aws_secret_access_key": "s3cr3t-value", "access_key": "AKIA"},
                 check_mode=True, diff=True)
    assert result["echoed"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert result["check"] is True and result["diff_mode"] is True and result["changed"] is False
    assert result["warnings"] == ["a warning"]
    args = result["invocation"]["module_args"]
    assert args["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" and args["state"] == "present"
    assert args["wait_timeout"] == 600 and "s3cr3t-value" not in repr(result)


@pytest.mark.parametrize("args, message", [
    ({"vpc_id": "vpc-1", "vpc_name": "x"}, "parameters are mutually exclusive: vpc_id|vpc_name"),
    ({}, "one of the following is required: vpc_id, vpc_name"),
    ({"vpc_id": "vpc-1", "bogus": 1}, "Unsupported parameters for (%s) module: bogus." % NAME),
    ({"vpc_id": "vpc-1", "wait_timeout": "soon"}, "wait_timeout"),
])
def test_invalid_arguments_fail_as_ansible_module_fails_them(args, message):
    result = run(args, body=lambda module: pytest.fail("run() must not start"))
    assert result["failed"] is True and message in result["msg"]


def test_fail_json_keeps_the_failure_fields_and_masks_secrets():
    def body(module):
        module.fail_json(msg="denied with s3cr3t-value", error={"code": "AccessDenied"}, changed=False)
    result = run({"vpc_id": "vpc-1", "secret_key": "s3cr3t-value", "access_key": "AKIA"}, body=body)
    assert result["failed"] is True and result["error"] == {"code": "AccessDenied"}
    assert "s3cr3t-value" not in result["msg"]


def test_a_run_without_exit_is_an_error():
    with pytest.raises(RuntimeError):
        run({"vpc_id": "vpc-1"}, body=lambda module: None)


def test_the_task_environment_is_set_for_the_run_and_restored_after_it(monkeypatch):
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.delenv("PRIVATELINK_TEST_ONLY", raising=False)
    with pytest.raises(ValueError):
        with task_environment({"AWS_REGION": "us-east-1", "PRIVATELINK_TEST_ONLY": 1}):
            module = InProcessModule(NAME, {"vpc_id": "vpc-1"}, **ecr_private_endpoints.module_kwargs())
            assert module.params["region"] == "us-east-1" and os.environ["PRIVATELINK_TEST_ONLY"] == "1"
            raise ValueError("the run failed")
    assert os.environ["AWS_REGION"] == "eu-west-1" and "PRIVATELINK_TEST_ONLY" not in os.environ


@pytest.mark.parametrize("variable, env, ini, expected", [
    (None, None, None, True),
    (None, "false", None, False),
    (None, None, "no", False),
    ("true", "false", None, True),
    (False, "true", None, False),
    (None, "true", "false", True),
])
def test_the_switch(monkeypatch, tmp_path, variable, env, ini, expected):
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\nforks = 5\n" + ("[privatelink_ecr]\nin_process = %s\n" % ini if ini else ""))
    monkeypatch.setattr(_in_process.C, "CONFIG_FILE", str(config), raising=False)
    if env is None:
        monkeypatch.delenv(_in_process.SWITCH_ENV, raising=False)
    else:
        monkeypatch.setenv(_in_process.SWITCH_ENV, env)
    task_vars = {} if variable is None else {_in_process.SWITCH_VAR: variable}
    assert _in_process.in_process_wanted(task_vars) is expected


@pytest.mark.parametrize("transport, async_val, become, expected", [
    ("local", 0, False, True),
    ("ansible.builtin.local", 0, False, True),
    ("ssh", 0, False, False),  # delegate_to a remote host, or any remote connection
    ("local", 30, False, False),
    ("local", 0, True, False),
])
def test_only_a_local_connection_runs_in_the_worker(monkeypatch, transport, async_val, become, expected):
    from types import SimpleNamespace
    monkeypatch.delenv(_in_process.SWITCH_ENV, raising=False)
    monkeypatch.setattr(_in_process.C, "CONFIG_FILE", None, raising=False)
    action = object.__new__(_in_process.InProcessAction)
    action._connection = SimpleNamespace(transport=transport)
    action._task = SimpleNamespace(async_val=async_val)
    action._play_context = SimpleNamespace(become=become)
    assert action._runs_here({}) is expected
    assert action._runs_here({_in_process.SWITCH_VAR: "false"}) is False


@pytest.mark.parametrize("variable, value, shared", [("AWS_PROFILE", "no-such-profile", False),
                                                     ("REQUESTS_CA_BUNDLE", "", True)])
def test_sharing_the_models_never_breaks_loading_the_plugins(monkeypatch, variable, value, shared):
    """The models are shared when Ansible loads the action plugins; a controller environment botocore refuses
    (an unknown profile; an empty CA bundle, which a model-only client never resolves) must leave each task to
    report it, not fail the plugin's import."""
    from ansible_collections.privatelink.ecr.plugins.module_utils import _aws_connection

    monkeypatch.setattr(_aws_connection, "_SHARED_LOADER", None)
    monkeypatch.setenv(variable, value)
    _aws_connection.share_service_models()
    assert (_aws_connection._SHARED_LOADER is not None) is shared  # pylint: disable=protected-access
    monkeypatch.delenv(variable)
    _aws_connection.share_service_models()
    assert _aws_connection._SHARED_LOADER is not None  # pylint: disable=protected-access


def _loaded_services(loader):
    """The service names whose models a botocore loader holds decoded (its instance cache)."""
    return set(key[1] for key in getattr(loader, "_cache", {}) if key[0] == "load_service_model")


def test_an_action_plugin_adds_its_services_to_the_one_shared_loader(monkeypatch):
    """Each action plugin names its module's services; defining it (Ansible loading it in the main process)
    loads them into the loader every later session uses, beside what other plugins loaded before."""
    from ansible_collections.privatelink.ecr.plugins.module_utils import _aws_connection

    monkeypatch.setattr(_aws_connection, "_SHARED_LOADER", None)
    _aws_connection.share_service_models(("ec2",))
    first = _aws_connection._SHARED_LOADER  # pylint: disable=protected-access

    class EksAction(_in_process.InProcessAction):  # pylint: disable=unused-variable
        SERVICES = ("eks",)

    shared = _aws_connection._SHARED_LOADER  # pylint: disable=protected-access
    assert shared is first
    assert {"ec2", "eks"} <= _loaded_services(shared)
    session = _aws_connection._new_session(None)  # pylint: disable=protected-access
    assert session.get_component("data_loader") is shared
