"""Fixtures for the reliability suite: the fault proxy in front of the session's moto_server.

- ``proxy``: a FaultProxy (tests/support/fault_proxy.py) on 127.0.0.1 in front of the
  session's moto_server, configured with no faults and no remembered ClientTokens at the
  start of each test (moto is reset too, through the ``moto`` fixture).
- ``proxied_env``: the environment for the real ``ansible``/``ansible-playbook`` CLIs with
  every AWS call sent through the proxy, and the module's own retry budget
  (``AWS_MAX_ATTEMPTS=10``, botocore's adaptive mode).
- ``assert_converged(ec2, vpc)``: reads the VPC back from moto (not through the proxy) and
  checks the one outcome every test here wants: exactly one live endpoint per Fargate
  service, owned, on the right subnets / route tables, using the one managed group, which
  admits HTTPS from the VPC's CIDR only.
"""

import os
import signal
import subprocess

import pytest

from tests.integration.moto_vpc import REGION, by_service, read_endpoints, tags_of
from tests.support.ansible_cli import BIN, ROOT, aws_env
from tests.support.fault_proxy import FaultProxy

FARGATE = ("ecr.api", "ecr.dkr", "logs", "s3")
GROUP_NAME = "ecr-private-endpoints"
OWNER = ("ManagedBy", "privatelink.ecr")
PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "converge.yml")


@pytest.fixture(scope="module")
def fault_proxy(moto_session):
    with FaultProxy(moto_session.url) as proxy:
        yield proxy


@pytest.fixture
def proxy(fault_proxy, moto):
    fault_proxy.configure()
    fault_proxy.forget_tokens()
    yield fault_proxy
    fault_proxy.release()


@pytest.fixture
def proxied_env(proxy):
    return aws_env(proxy.url, REGION, extra={"AWS_MAX_ATTEMPTS": "10", "AWS_RETRY_MODE": "adaptive"})


def managed_groups(ec2, vpc_id):
    return ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                 {"Name": "group-name", "Values": [GROUP_NAME]}])["SecurityGroups"]


def all_groups(ec2, vpc_id):
    return ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]


def https_sources(group):
    sources = []
    for perm in group.get("IpPermissions") or []:
        if perm.get("IpProtocol") == "tcp" and perm.get("FromPort") == 443 and perm.get("ToPort") == 443:
            sources += [r["CidrIp"] for r in perm.get("IpRanges") or []]
            sources += [r["CidrIpv6"] for r in perm.get("Ipv6Ranges") or []]
    return sorted(sources)


def assert_converged(ec2, vpc, services=FARGATE):
    """Exactly one live, owned endpoint per service, wired as asked; one managed group."""
    found = by_service(read_endpoints(ec2, vpc.vpc_id))
    assert sorted(found) == sorted(services), found
    groups = managed_groups(ec2, vpc.vpc_id)
    assert len(groups) == 1, groups
    group = groups[0]
    assert tags_of(group).get(OWNER[0]) == OWNER[1]
    assert https_sources(group) == [vpc.cidr]
    for service in services:
        assert len(found[service]) == 1, "%s has %d endpoints" % (service, len(found[service]))
        endpoint = found[service][0]
        assert endpoint["State"] == "available"
        assert tags_of(endpoint).get(OWNER[0]) == OWNER[1]
        if service == "s3":
            assert endpoint["VpcEndpointType"] == "Gateway"
            assert sorted(endpoint["RouteTableIds"]) == sorted(vpc.private_route_table_ids)
        else:
            assert endpoint["VpcEndpointType"] == "Interface"
            assert sorted(endpoint["SubnetIds"]) == sorted(vpc.private_subnet_ids)
            assert [g["GroupId"] for g in endpoint["Groups"]] == [group["GroupId"]]
    return found, group


def playbook_vars(vpc, **overrides):
    values = {"vpc_id": vpc.vpc_id, "subnet_ids": list(vpc.private_subnet_ids),
              "route_table_ids": list(vpc.private_route_table_ids), "endpoints_state": "present"}
    values.update(overrides)
    return values


def start_playbook(env, extra_vars, log_path):
    """Start converge.yml in its own process group (so a test can SIGKILL all of it)."""
    import json
    log = open(log_path, "w")
    try:
        return subprocess.Popen(
            [os.path.join(BIN, "ansible-playbook"), PLAYBOOK, "-i", "localhost,", "-e", json.dumps(extra_vars)],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        log.close()


def kill_group(process):
    """SIGKILL the run and everything it started (the module's Python included)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def group_alive(pgid):
    """True while any process of the group is still running."""
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
