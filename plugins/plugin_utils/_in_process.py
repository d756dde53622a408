# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugins' common part: a module's own ``run`` in the controller's worker, or the module as usual.

A task whose connection is ``local`` (the collection's playbooks run on the controller and talk only to AWS
APIs) runs the module's ``run(module)`` in the worker Ansible has already forked for it, with botocore and the
collection's code already imported (this file imports them when the strategy loads the action plugin, before
the workers fork), instead of starting a Python interpreter per target. Any other case runs the module as
before: another connection (``delegate_to`` a remote host included), ``become``, ``async``, or the switch
set to false. See docs/docsite/rst/guide_performance.rst.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import configparser
import os

from ansible import constants as C
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import share_service_models
from ansible_collections.privatelink.ecr.plugins.module_utils._runner import run_in_process, task_environment

SWITCH_ENV = "PRIVATELINK_ECR_IN_PROCESS"
SWITCH_VAR = "privatelink_ecr_in_process"
SWITCH_INI_SECTION = "privatelink_ecr"
SWITCH_INI_KEY = "in_process"
LOCAL_TRANSPORTS = ("local", "ansible.builtin.local")


def _ini_switch():
    """``[privatelink_ecr] in_process`` of the ansible.cfg in use, or None."""
    path = getattr(C, "CONFIG_FILE", None)
    if not path or not os.path.isfile(path):
        return None
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path)
        return parser.get(SWITCH_INI_SECTION, SWITCH_INI_KEY, fallback=None)
    except configparser.Error:
        return None


def in_process_wanted(task_vars):
    """The switch: the variable, else the environment variable, else ansible.cfg; on when none is set."""
    for value in ((task_vars or {}).get(SWITCH_VAR), os.environ.get(SWITCH_ENV), _ini_switch()):
        if value is not None and value != "":
            return boolean(value, strict=False)
    return True


class InProcessAction(ActionBase):
    """Subclasses name the module: ``MODULE`` (the module file, with ``run`` and ``module_kwargs``)."""

    MODULE = None
    # The AWS services the module calls (botocore service names): their models are loaded in the
    # controller's main process when the plugin is (the strategy loads it there, before forking the
    # task's workers), and every worker inherits them.
    SERVICES = ()
    _supports_check_mode = True
    _supports_async = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.SERVICES:
            share_service_models(cls.SERVICES)

    def _runs_here(self, task_vars):
        """Whether the module's code can run in this worker exactly as the module would on the target."""
        if not in_process_wanted(task_vars):
            return False
        if getattr(self._connection, "transport", None) not in LOCAL_TRANSPORTS:
            return False  # another host's interpreter (delegate_to a remote host, ssh, ...)
        if self._task.async_val or self._play_context.become:
            return False  # a background job or another user: the module path does those
        return True

    def run(self, tmp=None, task_vars=None):
        result = super(InProcessAction, self).run(tmp, task_vars)
        del tmp
        if not self._runs_here(task_vars):
            wrap_async = self._task.async_val and not self._connection.has_native_async
            result.update(self._execute_module(module_name=self._task.action, module_args=self._task.args,
                                               task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        environment = {}
        self._compute_environment_string(environment)
        with task_environment(environment):
            result.update(run_in_process(self.MODULE.run, self.MODULE.module_kwargs(), self._task.action,
                                         self._task.args, check_mode=bool(self._task.check_mode),
                                         diff=bool(self._task.diff)))
        return result
