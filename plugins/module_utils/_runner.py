# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module's ``run(module)``: its frame, and running it in the controller's worker (private to this collection).

The frame every module that talks to AWS shares: ``validated`` (input checks before any connection),
``with_connection`` (the connection and the work, every error failing the module with the account and the
region it happened in, and AWS's ``error`` and ``response_metadata``: ``_aws_connection.fail_module``) and
``exit_with_result`` (the result's warnings and diff); ``run_module`` is the three in a row.

Every module of the collection is ``run(module)`` plus ``module_kwargs()`` (AnsibleModule's keyword
arguments: argument spec, mutually exclusive options...). The module file calls
``run(AnsibleModule(**module_kwargs()))``; the action plugin of the same name, when the task runs on the
controller, calls ``run(InProcessModule(...))`` with the same keyword arguments instead of starting a new
Python interpreter. ``InProcessModule`` is the part of AnsibleModule's interface the modules use: ``params``
(validated by ansible-core's own ArgumentSpecValidator, as AnsibleModule does), ``check_mode``, ``_diff``,
``warn``, ``fail_json`` and ``exit_json``, which return the result the module would have printed:
``invocation``, ``warnings``, values of ``no_log`` options masked, and the JSON round trip of the module
path (the legacy serialization profile both ways, so tuples, dates and the like come back as they would).
See docs/docsite/rst/guide_performance.rst.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
try:
    from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
    AnsibleJSONEncoder = None
except ImportError:  # ansible-core before 2.19: no data tagging, the module path's JSON is the plain encoder's
    from ansible.module_utils.common.json import AnsibleJSONEncoder
    Direction = get_module_decoder = get_module_encoder = None
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    PrivatelinkError,
    connection_from_module,
    fail_module,
    failure_fields,
)

# The serialization profile of a module that names none (every module of this collection).
_PROFILE = "legacy"


def validated(module, check):
    """``check(module.params)``'s value; its ValueError fails the module with the message as it is (local
    checks come first: a typo fails before any credential or network problem can hide it)."""
    try:
        return check(module.params)
    except ValueError as exc:
        module.fail_json(msg=str(exc), **failure_fields(exc))


def with_connection(module, work, errors=(PrivatelinkError,)):
    """``work(connection)``'s value on the module's connection; an exception of ``errors`` fails the module
    naming the connection's account and region (``fail_module``)."""
    connection = connection_from_module(module)
    try:
        return work(connection)
    except errors as exc:
        fail_module(module, exc, connection)


def exit_with_result(module, result):
    """End the module on ``result``: its ``warnings`` (when it has them) become the module's, its ``diff`` is
    returned in diff mode only."""
    for warning in result.pop("warnings", None) or ():
        module.warn(warning)
    diff = result.pop("diff")
    if module._diff:
        result["diff"] = diff
    module.exit_json(**result)


def run_module(module, check, work, errors=(PrivatelinkError, ValueError)):
    """The whole frame of a module that changes AWS: ``validated``, ``with_connection``, ``exit_with_result``."""
    validated(module, check)
    exit_with_result(module, with_connection(module, work, errors))


class ModuleDone(Exception):
    """``exit_json``/``fail_json`` of an InProcessModule: stops ``run`` as ``sys.exit`` stops a module."""

    def __init__(self, result):
        super(ModuleDone, self).__init__(result.get("msg", ""))
        self.result = result


class InProcessModule:
    """AnsibleModule's interface as the collection's modules use it, for ``run(module)`` in the worker."""

    def __init__(self, name, args, argument_spec, mutually_exclusive=None, required_together=None,
                 required_one_of=None, required_if=None, required_by=None, supports_check_mode=False,
                 check_mode=False, diff=False):
        self._name = name
        self.check_mode = check_mode
        self._diff = diff
        self._warnings = []
        self.no_log_values = set()
        self.params = dict(args)
        validator = ArgumentSpecValidator(argument_spec, mutually_exclusive, required_together, required_one_of,
                                          required_if, required_by)
        validation = validator.validate(self.params)
        self.params.update(validation.validated_parameters)
        self.no_log_values.update(validation._no_log_values)
        # AnsibleModule's validator (ModuleArgumentSpecValidator) turns these into the module's warnings.
        for warning in validation._warnings:
            self.warn("Both option {option} and its alias {alias} are set.".format(**warning))
        # AnsibleValidationErrorMultiple has no __len__: always true as a truth value.
        if validation.errors.errors:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                msg = "Unsupported parameters for ({name}) {kind}: {msg}".format(name=name, kind="module", msg=msg)
            self.fail_json(msg=msg)
        if check_mode and not supports_check_mode:
            self.exit_json(skipped=True, msg="remote module (%s) does not support check mode" % name)

    def warn(self, warning):
        self._warnings.append(warning)

    def exit_json(self, **kwargs):
        raise ModuleDone(self._formatted(kwargs))

    def fail_json(self, msg, **kwargs):
        kwargs.update(failed=True, msg=str(msg))
        raise ModuleDone(self._formatted(kwargs))

    def _formatted(self, kwargs):
        """What AnsibleModule._return_formatted prints, as the controller reads it back."""
        if "invocation" not in kwargs:
            kwargs["invocation"] = {"module_args": self.params}
        if self._warnings:
            kwargs["warnings"] = list(self._warnings)
        preserved = dict((k, v) for k, v in kwargs.items() if v is None or isinstance(v, bool))
        kwargs = remove_values(kwargs, self.no_log_values)
        kwargs.update(preserved)
        return json_round_trip(kwargs, "MODULE_TO_CONTROLLER")


def json_round_trip(value, direction):
    """``value`` as it crosses between controller and module on the module path (``direction``: a name of
    ansible-core's ``Direction``): through the module JSON profile, or, before ansible-core 2.19, plain JSON."""
    if get_module_encoder is None:
        return json.loads(json.dumps(value, cls=AnsibleJSONEncoder))
    direction = getattr(Direction, direction)
    text = json.dumps(value, cls=get_module_encoder(_PROFILE, direction))
    return json.loads(text, cls=get_module_decoder(_PROFILE, direction))


def run_in_process(run, module_kwargs, name, args, check_mode, diff):
    """``run(module)`` on an InProcessModule built from the task's arguments: the module's result."""
    # The module path sends the arguments as JSON: the controller's tagged strings (trusted templates,
    # origins) become plain values, as the module would receive them.
    args = json_round_trip(dict(args), "CONTROLLER_TO_MODULE")
    try:
        run(InProcessModule(name, args, check_mode=check_mode, diff=diff, **module_kwargs))
    except ModuleDone as done:
        return done.result
    # Every module ends in exit_json or fail_json; a run that returns did neither.
    raise RuntimeError("%s returned without a result" % name)


@contextlib.contextmanager
def task_environment(environment):
    """The worker's environment with the task's ``environment:`` on top, for the length of the block.

    On the module path the task's environment reaches the module's interpreter as its process
    environment; botocore (credentials, config file, endpoint and retry variables) and the options'
    environment fallbacks read ``os.environ`` when the session and clients are created. The worker runs one
    task and is single-threaded while it does, so the variables are set for the run and restored after it,
    whatever happens.
    """
    if not environment:
        yield
        return
    saved = dict(os.environ)
    try:
        os.environ.update(dict((str(k), str(v)) for k, v in environment.items()))
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
