"""Shared fixtures for the integration suites: one moto_server per session, a private VPC.

Any test under tests/integration/ (sub-folders included) can use:

- ``moto_session`` (session scope): the one counting moto_server (tests/support/moto_server.py)
  on 127.0.0.1 for the whole pytest session (one per xdist worker); always stopped.
- ``server`` (module scope): a moto_server of the test module's own, ``MotoServer(**MOTO_SERVER)`` where the
  module sets ``MOTO_SERVER`` (the AWS-semantics layer's timers, say), else the defaults; always stopped.
  Not reset: the module's fixtures reset it.
- ``ec2`` and ``vpc``: on that server, reset first, a boto3 EC2 client and a private VPC seeded by
  ``moto_vpc.seed_private_vpc`` (its ``vpc_id``, subnets and route tables).
- ``moto``: the session's server, reset first -- every resource and the request counts are
  forgotten (about 1 ms), so each test starts from an empty account. After a reset,
  assumed-role credentials fall back to the default account: assume the role again.
- ``aws``: ``moto`` plus ``aws.env`` (environment for the real ``ansible`` /
  ``ansible-playbook`` CLIs, every AWS call sent to moto), ``aws.ec2`` (boto3 client for
  seeding and reading back), ``aws.region``, ``aws.url``, ``aws.server``.
- ``private_vpc``: a VPC seeded by ``moto_vpc.seed_private_vpc`` (3 AZs, one private
  subnet and route table per AZ, a public subnet whose route table goes to an internet
  gateway, DNS support and hostnames on); request counts are cleared after seeding, so a
  test's counts start at its own first call.
- ``run_endpoints``: runs ``privatelink.ecr.ecr_private_endpoints`` with the real ``ansible``
  CLI on ``private_vpc`` -- ``run_endpoints(check=False, diff=False, args=None, env=None,
  **overrides) -> (rc, result, output)``; ``args`` replaces the default arguments
  (``moto_vpc.endpoint_args``), ``overrides`` are merged into them. With ``diff=True`` it
  runs at verbosity 3, the lowest at which Ansible's callbacks keep ``diff`` in the
  printed result (tests.support.ansible_cli.run_module alone never returns it).

The plain helpers behind them live in tests/integration/moto_vpc.py.
"""

import os
import sys
from types import SimpleNamespace

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.integration.moto_vpc import REGION, ec2_client, endpoint_args, seed_private_vpc  # noqa: E402
from tests.support.ansible_cli import aws_env, run_module  # noqa: E402
from tests.support.moto_server import MotoServer  # noqa: E402


@pytest.fixture(scope="session")
def moto_session():
    """The session's moto_server; stopped however the session ends."""
    server = MotoServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server(request):
    """The test module's own moto_server (options: the module's MOTO_SERVER); stopped after its tests."""
    with MotoServer(**getattr(request.module, "MOTO_SERVER", {})) as running:
        yield running


@pytest.fixture
def ec2(server):
    """An EC2 client of the module's own moto_server, reset first."""
    server.reset()
    return ec2_client(server.url)


@pytest.fixture
def vpc(ec2):
    """A private VPC seeded in the module's own moto_server."""
    return seed_private_vpc(ec2)


@pytest.fixture
def moto(moto_session):
    """The session's moto_server, emptied (resources and request counts) for this test."""
    moto_session.reset()
    return moto_session


@pytest.fixture
def aws(moto):
    return SimpleNamespace(server=moto, url=moto.url, region=REGION, env=aws_env(moto.url, REGION),
                           ec2=ec2_client(moto.url))


@pytest.fixture
def private_vpc(aws):
    vpc = seed_private_vpc(aws.ec2)
    aws.server.clear_requests()
    return vpc


@pytest.fixture
def run_endpoints(aws, private_vpc):
    def run(check=False, diff=False, args=None, env=None, **overrides):
        module_args = args if args is not None else endpoint_args(private_vpc, **overrides)
        env = dict(env or aws.env)
        if diff:
            # Ansible's callbacks drop a result's "diff" from screen output below verbosity 3.
            env["ANSIBLE_VERBOSITY"] = "3"
        return run_module("ecr_private_endpoints", module_args, env, check=check, diff=diff)
    return run
