"""The JSON inventories the playbook tests write: hosts run on the controller, AWS calls sent to moto_server."""

import json

# Every host of a test inventory: no SSH, and the Python of ansible-playbook (the one with boto3).
LOCAL = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}


def write_inventory(path, url, region, hosts, **group_vars):
    """Write the inventory of ``hosts`` ({name: host variables}) to ``path`` (a pathlib.Path) and return it as
    a string: every host local, in ``region``, its AWS calls sent to ``url``; ``group_vars`` are more
    variables of the group ``all``."""
    variables = dict(LOCAL, aws_region=region, aws_endpoint_url=url)
    variables.update(group_vars)
    path.write_text(json.dumps({"all": {"vars": variables, "hosts": hosts}}))
    return str(path)
