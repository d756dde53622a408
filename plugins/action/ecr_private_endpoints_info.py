# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs privatelink.ecr.ecr_private_endpoints_info in the controller's worker on a local connection, else as a module
(plugins/plugin_utils/_in_process.py; docs/docsite/rst/guide_performance.rst)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.privatelink.ecr.plugins.modules import ecr_private_endpoints_info as _module
from ansible_collections.privatelink.ecr.plugins.plugin_utils._in_process import InProcessAction


class ActionModule(InProcessAction):
    MODULE = _module
    SERVICES = ("ec2", "sts", "ecs", "eks", "ecr", "route53")
