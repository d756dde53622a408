# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""posture.json: the report's data as it is (private)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def render(view):
    """posture.json's text of ``view`` (model.shape): sorted keys, so merged runs compare equal."""
    return json.dumps(view["report"], indent=2, sort_keys=True) + "\n"
