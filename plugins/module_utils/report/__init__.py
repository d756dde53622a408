# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The posture reports (posture.json, posture.md, posture.html) of a directory of audit results (private).

Python standard library only, no Ansible and no AWS: the module ``privatelink.ecr.posture_report`` runs
it, and so does ``playbooks/files/render_posture.py`` with any ``python3`` (it makes the collection
importable by its name first). The data flows one way:

- ``store``: the per-target result records kept in ``REPORT_DIR/targets/`` (atomic writes, the
  aws_vpcs inventory's error records);
- ``model``: the records shaped once into posture.json's content (``build_report``) and, for the
  renderers, the view of it (``shape``: names, counts, the cost note, the workloads and images rows);
- ``render_json``, ``render_markdown``, ``render_html``: one file format each, a pure function of the
  view;
- ``write``: store, render the three files, judge ``fail_on`` (what the module and the script call).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type
