"""A small multi-account fleet on moto_server, and its end state in a form two runs can be compared by.

Two accounts, reached by assume-role as the playbooks do it, with one private VPC each (or more:
``vpc_names``); one inventory host per VPC. ``end_state()`` reads every VPC back with boto3 and
replaces AWS ids by labels (Name tags, service names, group names), because the ids differ between two moto
states that are otherwise the same. ``normalise_ids()`` does the same to any text, such as a
posture report.
"""

import json
import os
import re
import subprocess

from tests.support.ansible_cli import BIN, ROOT, aws_env
from tests.support.seed import client, live_endpoints, seed_private_vpc

REGION = "eu-west-1"
ACCOUNTS = ("444455556666", "777788889999")
VPC_NAMES = ("payments", "search")
EXTERNAL_ID = "ecosystem-external-id-3b9f0c"
# The controller's own credentials; the hosts' AWS calls go through their assumed roles.
SECRET_KEY = "ecosystem-controller-secret-7e1d55"
# An AWS endpoint that answers nothing (discard port): a module that ignored the inventory's
# aws_endpoint_url fails instead of reaching anything.
NOWHERE = "http://127.0.0.1:9"
AWS_ID = re.compile(r"\b(?:vpc|vpce|subnet|rtb|sg|igw)-[0-9a-f]{8,17}\b")


def role_arn(account):
    return "arn:aws:iam::%s:role/privatelink-ecr-automation" % account


def host_name(account, vpc_name):
    return "%s-%s" % (vpc_name, account[:4])


def controller_env(collections_path, extra=None):
    """Environment of an Ansible run on the controller: dummy controller credentials, no default endpoint."""
    env = aws_env(NOWHERE, REGION, collections_path=collections_path,
                  extra={"AWS_SECRET_ACCESS_KEY": SECRET_KEY, "ANSIBLE_FORCE_COLOR": "0"})
    env.update(extra or {})
    return env


class Fleet:
    """Seed, describe and normalise the fleet on one moto_server."""

    def __init__(self, server, tmp_path, vpc_names=VPC_NAMES[:1]):
        self.server = server
        self.tmp_path = tmp_path
        self.vpc_names = vpc_names
        self.vpcs = {}

    @property
    def hosts(self):
        return sorted(self.vpcs)

    def ec2(self, account):
        # Assumed afresh each time: after a moto reset, older assumed-role credentials fall back
        # to the default account.
        return client("ec2", self.server.url, REGION, role_arn(account), EXTERNAL_ID)

    def seed(self):
        for account in ACCOUNTS:
            ec2 = self.ec2(account)
            for index, name in enumerate(self.vpc_names):
                vpc = seed_private_vpc(ec2, name, cidr="10.%d.0.0/16" % (40 + index))
                self.vpcs[host_name(account, name)] = dict(vpc, account=account)
        return self

    def inventory(self, name="hosts.json"):
        """The fleet as an inventory file, the way an AWX inventory source would describe it."""
        hosts = {}
        for host, vpc in self.vpcs.items():
            hosts[host] = {"aws_account_id": vpc["account"], "aws_role_arn": role_arn(vpc["account"]),
                           "aws_external_id": EXTERNAL_ID, "vpc_name": vpc["name"]}
        inventory = {"all": {"vars": {"ansible_connection": "local",
                                      "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                                      "aws_region": REGION, "aws_endpoint_url": self.server.url},
                             "hosts": hosts}}
        path = self.tmp_path / name
        path.write_text(json.dumps(inventory, indent=2))
        return str(path)

    def halves(self):
        """Two disjoint --limit patterns covering the fleet, as AWX job slicing splits an inventory."""
        hosts = self.hosts
        return ",".join(hosts[0::2]), ",".join(hosts[1::2])

    def run_playbook(self, playbook, collections_path, *args, extra_vars=None, cwd=None):
        cmd = [os.path.join(BIN, "ansible-playbook"), playbook, "-i", self.inventory(), "--forks", "4"]
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        cmd += list(args)
        return subprocess.run(cmd, env=controller_env(collections_path), cwd=cwd or ROOT, capture_output=True,
                              text=True, timeout=600, check=False)

    # ------------------------------------------------------------ reading back

    def labels(self):
        """{AWS id: stable label} for every resource of every fleet VPC."""
        labels = {}
        for host, vpc in self.vpcs.items():
            ec2 = self.ec2(vpc["account"])
            vpc_filter = [{"Name": "vpc-id", "Values": [vpc["vpc_id"]]}]
            labels[vpc["vpc_id"]] = "%s:vpc" % host
            for subnet in ec2.describe_subnets(Filters=vpc_filter)["Subnets"]:
                labels[subnet["SubnetId"]] = "%s:subnet:%s" % (host, _name(subnet))
            for table in ec2.describe_route_tables(Filters=vpc_filter)["RouteTables"]:
                main = any(a.get("Main") for a in table.get("Associations", []))
                labels[table["RouteTableId"]] = "%s:rtb:%s" % (host, "main" if main else _name(table))
            for group in ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"]:
                labels[group["GroupId"]] = "%s:sg:%s" % (host, group["GroupName"])
            for endpoint in live_endpoints(ec2, vpc["vpc_id"]):
                labels[endpoint["VpcEndpointId"]] = "%s:vpce:%s" % (host, _short(endpoint["ServiceName"]))
            if vpc.get("internet_gateway_id"):
                labels[vpc["internet_gateway_id"]] = "%s:igw" % host
        return labels

    def normalise_ids(self, text, labels=None):
        labels = labels if labels is not None else self.labels()
        return AWS_ID.sub(lambda match: labels.get(match.group(0), match.group(0)), text)

    def end_state(self):
        """Every fleet VPC's endpoints and endpoint security groups, ids replaced by labels."""
        labels = self.labels()
        state = {}
        for host, vpc in self.vpcs.items():
            ec2 = self.ec2(vpc["account"])
            endpoints = {}
            for endpoint in live_endpoints(ec2, vpc["vpc_id"]):
                # A list per service, so that a duplicate endpoint shows.
                endpoints.setdefault(_short(endpoint["ServiceName"]), []).append({
                    "type": endpoint["VpcEndpointType"],
                    "state": endpoint["State"].lower(),
                    "subnets": sorted(labels[s] for s in endpoint.get("SubnetIds", [])),
                    "route_tables": sorted(labels[r] for r in endpoint.get("RouteTableIds", [])),
                    "security_groups": sorted(labels[g["GroupId"]] for g in endpoint.get("Groups", [])),
                    "private_dns": endpoint.get("PrivateDnsEnabled"),
                    "policy": json.loads(endpoint["PolicyDocument"]) if endpoint.get("PolicyDocument") else None,
                    "tags": {t["Key"]: t["Value"] for t in endpoint.get("Tags", [])},
                })
            groups = {}
            for group in ec2.describe_security_groups(
                    Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]}])["SecurityGroups"]:
                if group["GroupName"] == "default":
                    continue
                groups[group["GroupName"]] = {
                    "ingress": sorted((p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"),
                                       tuple(sorted(r["CidrIp"] for r in p.get("IpRanges", []))))
                                      for p in group["IpPermissions"]),
                    "tags": {t["Key"]: t["Value"] for t in group.get("Tags", [])},
                }
            state[host] = {"endpoints": endpoints, "security_groups": groups}
        return state


def _name(resource):
    for tag in resource.get("Tags", []):
        if tag["Key"] == "Name":
            return tag["Value"]
    return "unnamed"


def _short(service_name):
    prefix = "com.amazonaws.%s." % REGION
    return service_name[len(prefix):] if service_name.startswith(prefix) else service_name
