"""Every bad input fails before any mutating request, with a message that names the input.

Table-driven, against the reconcile runner (plugins/module_utils/_reconcile.py) with a
stubbed EC2 client: ``StubEc2`` answers the read calls from a small in-memory world shaped
like AWS's answers (our VPC, another VPC, a VPC with DNS hostnames off, a VPC in another
region) and raises on any call that would change something, after recording it. A case
passes only when the run raised the expected error and nothing mutating was attempted.
(An in-process moto costs seconds per test under ansible-test's one-fork-per-test units
runner; the same kind of inputs run end-to-end against moto_server in
tests/integration/reliability/test_bad_input_cli.py, where moto counts every request.)
"""

import json

import pytest
from botocore.exceptions import ClientError

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    AwsConnection,
    PrivatelinkError,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import reconcile
from ansible_collections.privatelink.ecr.plugins.modules.ecr_private_endpoints import argument_spec

REGION = "eu-west-1"
OTHER_REGION = "us-east-1"
READ_PREFIXES = ("describe_", "get_", "list_")
WELL_SHAPED = "0123456789abcdef0"


def _id(prefix, n):
    return "%s-%017x" % (prefix, n)


# The world, per region, as DescribeVpcs / DescribeSubnets / ... would answer it.
VPC, OTHER_VPC, NO_DNS_VPC, FAR_VPC = _id("vpc", 1), _id("vpc", 2), _id("vpc", 3), _id("vpc", 4)
SUBNETS = [_id("subnet", 1), _id("subnet", 2), _id("subnet", 3)]
SAME_ZONE_SUBNET, OTHER_SUBNET, NO_DNS_SUBNET, FAR_SUBNET = (_id("subnet", n) for n in (4, 5, 6, 7))
ROUTE_TABLE, OTHER_ROUTE_TABLE, NO_DNS_ROUTE_TABLE = _id("rtb", 1), _id("rtb", 2), _id("rtb", 3)
OTHER_GROUP = _id("sg", 2)
ZONES = [REGION + z for z in "abc"]


def _service(short, types=("Interface",)):
    return {"ServiceName": "com.amazonaws.%s.%s" % (REGION, short), "AvailabilityZones": list(ZONES),
            "ServiceType": [{"ServiceType": t} for t in types]}


WORLD = {
    REGION: {
        "vpcs": {VPC: ("10.20.0.0/16", True, True), OTHER_VPC: ("10.30.0.0/16", True, True),
                 NO_DNS_VPC: ("10.40.0.0/16", True, False)},
        "subnets": dict([(sid, (VPC, zone)) for sid, zone in zip(SUBNETS, ZONES)]
                        + [(SAME_ZONE_SUBNET, (VPC, ZONES[0])), (OTHER_SUBNET, (OTHER_VPC, ZONES[0])),
                           (NO_DNS_SUBNET, (NO_DNS_VPC, ZONES[0]))]),
        "route_tables": {ROUTE_TABLE: VPC, OTHER_ROUTE_TABLE: OTHER_VPC, NO_DNS_ROUTE_TABLE: NO_DNS_VPC},
        "groups": {OTHER_GROUP: (OTHER_VPC, "theirs")},
        "services": [_service("ecr.api"), _service("ecr.dkr"), _service("logs"), _service("sts"),
                     _service("s3", ("Gateway", "Interface"))],
    },
    OTHER_REGION: {
        "vpcs": {FAR_VPC: ("10.50.0.0/16", True, True)},
        "subnets": {FAR_SUBNET: (FAR_VPC, OTHER_REGION + "a")},
        "route_tables": {}, "groups": {}, "services": [],
    },
}


class MutationAttempted(Exception):
    """Raised by the stub instead of changing anything."""


def _not_found(code, message, operation):
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


class _Pages:
    def __init__(self, client, operation):
        self.client, self.operation = client, operation

    def paginate(self, **kwargs):
        return [getattr(self.client, self.operation)(**kwargs)]


class StubEc2:
    """The read calls the runner makes, answered from WORLD[region]; everything else is a mutation."""

    def __init__(self, region, sent):
        self.world, self.sent = WORLD[region], sent

    def __getattr__(self, name):
        if name.startswith(READ_PREFIXES):
            raise AttributeError(name)

        def mutate(**_):
            self.sent.append(name)
            raise MutationAttempted(name)
        return mutate

    def can_paginate(self, operation):
        return True

    def get_paginator(self, operation):
        return _Pages(self, operation)

    def _record(self, name):
        self.sent.append(name)

    @staticmethod
    def _filter(filters, name):
        return next((f["Values"] for f in filters or [] if f["Name"] == name), None)

    def describe_vpcs(self, VpcIds=None, Filters=None):
        self._record("describe_vpcs")
        unknown = [v for v in VpcIds or [] if v not in self.world["vpcs"]]
        if unknown:
            raise _not_found("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist" % unknown[0], "DescribeVpcs")
        return {"Vpcs": [{"VpcId": v, "CidrBlock": self.world["vpcs"][v][0], "OwnerId": "123456789012",
                          "CidrBlockAssociationSet": [{"CidrBlock": self.world["vpcs"][v][0],
                                                       "CidrBlockState": {"State": "associated"}}]}
                         for v in VpcIds or self.world["vpcs"]]}

    def describe_vpc_attribute(self, VpcId, Attribute):
        self._record("describe_vpc_attribute")
        support, hostnames = self.world["vpcs"][VpcId][1:]
        key = Attribute[0].upper() + Attribute[1:]
        return {"VpcId": VpcId, key: {"Value": support if Attribute == "enableDnsSupport" else hostnames}}

    def describe_vpc_endpoints(self, Filters=None, VpcEndpointIds=None):
        self._record("describe_vpc_endpoints")
        return {"VpcEndpoints": []}

    def describe_security_groups(self, Filters=None, GroupIds=None):
        self._record("describe_security_groups")
        groups = self.world["groups"]
        unknown = [g for g in GroupIds or [] if g not in groups]
        if unknown:
            raise _not_found("InvalidGroup.NotFound", "The security group '%s' does not exist" % unknown[0],
                             "DescribeSecurityGroups")
        vpcs, names = self._filter(Filters, "vpc-id"), self._filter(Filters, "group-name")
        found = [g for g in (GroupIds or groups) if (vpcs is None or groups[g][0] in vpcs)
                 and (names is None or groups[g][1] in names)]
        return {"SecurityGroups": [{"GroupId": g, "VpcId": groups[g][0], "GroupName": groups[g][1],
                                    "IpPermissions": [], "Tags": []} for g in found]}

    def describe_subnets(self, SubnetIds=None, Filters=None):
        self._record("describe_subnets")
        subnets = self.world["subnets"]
        unknown = [s for s in SubnetIds or [] if s not in subnets]
        if unknown:
            raise _not_found("InvalidSubnetID.NotFound", "The subnet ID '%s' does not exist" % unknown[0],
                             "DescribeSubnets")
        return {"Subnets": [{"SubnetId": s, "VpcId": subnets[s][0], "AvailabilityZone": subnets[s][1]}
                            for s in SubnetIds]}

    def describe_route_tables(self, RouteTableIds=None, Filters=None):
        self._record("describe_route_tables")
        tables = self.world["route_tables"]
        unknown = [r for r in RouteTableIds or [] if r not in tables]
        if unknown:
            raise _not_found("InvalidRouteTableID.NotFound", "The routeTable ID '%s' does not exist" % unknown[0],
                             "DescribeRouteTables")
        return {"RouteTables": [{"RouteTableId": r, "VpcId": tables[r]} for r in RouteTableIds]}

    def describe_vpc_endpoint_services(self, ServiceNames=None):
        self._record("describe_vpc_endpoint_services")
        offered = dict((s["ServiceName"], s) for s in self.world["services"])
        unknown = [n for n in ServiceNames or [] if n not in offered]
        if unknown:  # AWS rejects the whole request when one name is unknown
            raise _not_found("InvalidServiceName", "The Vpc Endpoint Service '%s' does not exist" % unknown[0],
                             "DescribeVpcEndpointServices")
        return {"ServiceDetails": [offered[n] for n in ServiceNames] if ServiceNames else list(offered.values())}


class RecordingConnection:
    """Stands for AwsConnection: one stubbed EC2 client; ``sent`` lists every call by name."""

    account_id = "123456789012"  # the caller, known as after a role assumption: the VPCs' owner

    def __init__(self, region=REGION):
        self.sent = []
        self._client = StubEc2(region, self.sent)

    def client(self, service):
        assert service == "ec2", service
        return self._client

    def mutating(self):
        return [name for name in self.sent if not name.startswith(READ_PREFIXES)]


@pytest.fixture
def world():
    return {"vpc": VPC, "other_vpc": OTHER_VPC, "no_dns_vpc": NO_DNS_VPC, "far_vpc": FAR_VPC,
            "subnets": list(SUBNETS), "same_zone_subnet": SAME_ZONE_SUBNET, "route_tables": [ROUTE_TABLE],
            "other_subnet": OTHER_SUBNET, "other_route_table": OTHER_ROUTE_TABLE, "other_group": OTHER_GROUP,
            "no_dns_subnet": NO_DNS_SUBNET, "no_dns_route_table": NO_DNS_ROUTE_TABLE, "far_subnet": FAR_SUBNET}


def module_params(world, **overrides):
    """The module's parameters as AnsibleModule would pass them: defaults, then the valid base."""
    params = {name: spec.get("default") for name, spec in argument_spec().items()}
    params.update(region=REGION, vpc_id=world["vpc"], subnet_ids=list(world["subnets"]),
                  route_table_ids=list(world["route_tables"]))
    for key, value in overrides.items():
        if callable(value):
            value = value(world)
        if value is _OMIT:
            params[key] = None
        else:
            params[key] = value
    return params


_OMIT = object()
POLICY_OK = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*",
                                                     "Resource": "*"}]}
HUGE_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "ecr:*",
     "Resource": ["arn:aws:ecr:eu-west-1:123456789012:repository/team-%05d" % i for i in range(400)]}]}


def case(name, overrides, *words):
    return pytest.param(overrides, words, id=name)


CASES = [
    # -- ids of the wrong shape ----------------------------------------------------------------
    case("vpc-id-too-short", {"vpc_id": "vpc-123"}, "vpc_id", "'vpc-123'", "not a valid id"),
    case("vpc-id-upper-case", {"vpc_id": "VPC-" + WELL_SHAPED.upper()}, "vpc_id", "not a valid id"),
    case("vpc-id-with-shell", {"vpc_id": "vpc-%s; rm -rf /" % WELL_SHAPED}, "vpc_id", "rm -rf", "not a valid id"),
    case("subnet-is-a-group-id", {"subnet_ids": ["sg-" + WELL_SHAPED]}, "subnet_ids", "'sg-" + WELL_SHAPED),
    case("subnet-leading-space", {"subnet_ids": [" subnet-" + WELL_SHAPED]}, "subnet_ids", "not a valid id"),
    case("route-table-not-hex", {"route_table_ids": ["rtb-zzzzzzzz"]}, "route_table_ids", "'rtb-zzzzzzzz'"),
    # A regular expression's "$" matches before a trailing newline: these must not slip through.
    case("group-id-trailing-newline", {"security_group_ids": ["sg-%s\n" % WELL_SHAPED]}, "security_group_ids",
         "control character"),
    case("vpc-id-trailing-newline", {"vpc_id": "vpc-%s\n" % WELL_SHAPED}, "vpc_id", "control character"),
    case("subnet-twice", {"subnet_ids": lambda w: [w["subnets"][0], w["subnets"][0]]}, "subnet_ids",
         "more than once"),
    # -- ids from another VPC or region ---------------------------------------------------------
    case("vpc-unknown", {"vpc_id": "vpc-" + WELL_SHAPED}, "vpc_id vpc-" + WELL_SHAPED, "no such VPC"),
    case("vpc-of-another-region", {"vpc_id": lambda w: w["far_vpc"]}, "vpc_id", "no such VPC in this account"),
    case("subnet-of-another-vpc", {"subnet_ids": lambda w: [w["other_subnet"]]}, "subnet_ids", "not in vpc-"),
    case("subnet-of-another-region", {"subnet_ids": lambda w: [w["far_subnet"]]}, "subnet_ids"),
    case("route-table-of-another-vpc", {"route_table_ids": lambda w: [w["other_route_table"]]},
         "route_table_ids", "not in vpc-"),
    case("group-of-another-vpc", {"security_group_ids": lambda w: [w["other_group"]]}, "security_group_ids",
         "not in vpc-"),
    case("two-subnets-one-zone", {"subnet_ids": lambda w: [w["subnets"][0], w["same_zone_subnet"]]},
         "subnet_ids", "eu-west-1a", "one subnet per Availability Zone"),
    # -- injection-looking names and tags -----------------------------------------------------
    case("group-name-backticks", {"security_group_name": "ecr`whoami`"}, "security_group_name", "`whoami`"),
    case("group-name-html", {"security_group_name": "<script>alert(1)</script>"}, "security_group_name"),
    case("group-name-header-injection", {"security_group_name": "ecr\r\nX-Injected: 1"}, "security_group_name"),
    case("group-name-trailing-newline", {"security_group_name": "ecr-private-endpoints\n"},
         "security_group_name", "control character"),
    case("group-name-nul", {"security_group_name": "ecr\x00"}, "security_group_name"),
    case("group-name-pipe", {"security_group_name": "ecr | cat /etc/passwd"}, "security_group_name"),
    case("group-name-looks-like-id", {"security_group_name": "sg-" + WELL_SHAPED}, "security_group_name"),
    case("group-name-too-long", {"security_group_name": "a" * 256}, "security_group_name"),
    case("group-name-empty", {"security_group_name": ""}, "security_group_name"),
    case("tag-key-reserved-prefix", {"tags": {"aws:cloudformation:stack-name": "x"}}, "tags", "aws:"),
    case("tag-key-crlf", {"tags": {"Team\r\nX-Injected": "x"}}, "tags", "key"),
    case("tag-key-trailing-newline", {"tags": {"Team\n": "x"}}, "tags", "control character"),
    case("tag-key-html", {"tags": {"<img src=x onerror=alert(1)>": "x"}}, "tags", "key"),
    case("tag-key-too-long", {"tags": {"k" * 129: "x"}}, "tags", "key"),
    case("tag-value-too-long", {"tags": {"Team": "v" * 257}}, "tags", "'Team'", "256"),
    case("tag-value-null", {"tags": {"Team": None}}, "tags", "'Team'"),
    case("tag-ownership-key-spoofed", {"tags": {"ManagedBy": "privatelink.ecr"}}, "tags", "ManagedBy",
         "ownership tag"),
    case("tag-ownership-key-other-value", {"tags": {"ManagedBy": "terraform"}}, "tags", "ManagedBy"),
    case("service-with-shell", {"services": ["ecr.api; rm -rf /"]}, "ecr.api; rm -rf /", "not a service name"),
    case("service-path-traversal", {"services": ["../../etc/passwd"]}, "../../etc/passwd", "not a service name"),
    case("service-trailing-newline", {"services": ["ecr.api\n"]}, "services", "control character"),
    case("extra-service-substitution", {"extra_services": ["$(id)"]}, "$(id)", "not a service name"),
    case("service-upper-case", {"services": ["ECR.API"]}, "ECR.API", "not a service name"),
    case("service-of-another-region", {"services": ["com.amazonaws.%s.ecr.api" % OTHER_REGION]},
         OTHER_REGION, "the module runs in " + REGION),
    # -- policies -----------------------------------------------------------------------------
    case("policy-oversize-string", {"policy": json.dumps(POLICY_OK) + " " * 20481}, "policy", "at most 20480"),
    case("policy-oversize-document", {"policy": HUGE_POLICY}, "policy", "limit of 20480"),
    case("policy-not-json", {"policy": "{'Statement': nope"}, "policy is not valid JSON"),
    case("s3-policy-not-json", {"s3_policy": "{"}, "s3_policy is not valid JSON"),
    case("policy-json-list", {"policy": "[1, 2]"}, "policy must be a JSON object"),
    case("policy-number", {"policy": 42}, "policy must be a JSON object"),
    case("policy-other-document", {"policy": {"name": "x", "image": "nginx"}}, "policy is not a policy document",
         "image, name"),
    case("policy-no-statement", {"policy": {"Version": "2012-10-17"}}, "policy", "Statement"),
    case("policy-statement-string", {"policy": '{"Version": "2012-10-17", "Statement": "allow all"}'},
         "policy", "Statement"),
    case("policy-bad-effect", {"policy": {"Statement": [{"Effect": "Maybe", "Action": "*"}]}},
         "policy Statement[0]", "Effect"),
    case("policy-no-action", {"s3_policy": {"Statement": [{"Effect": "Allow", "Resource": "*"}]}},
         "s3_policy Statement[0]", "Action"),
    case("policy-bad-version", {"policy": dict(POLICY_OK, Version="2020-01-01")}, "policy", "Version"),
    # -- unknown services ---------------------------------------------------------------------
    case("service-unknown", {"services": ["ecr.api", "ecr.apii"]}, "services", "ecr.apii", "not offered"),
    case("extra-service-unknown", {"extra_services": ["nosuchservice"]}, "services", "nosuchservice",
         "not offered"),
    # -- empty lists --------------------------------------------------------------------------
    case("services-empty", {"services": []}, "services is an empty list"),
    case("subnets-empty", {"subnet_ids": []}, "subnet_ids is an empty list"),
    case("route-tables-empty", {"route_table_ids": []}, "route_table_ids is an empty list"),
    case("allowed-cidrs-empty", {"allowed_cidrs": []}, "allowed_cidrs is an empty list"),
    case("extra-services-blank-entry", {"extra_services": ["  "]}, "extra_services", "empty"),
    case("allowed-cidr-not-a-block", {"allowed_cidrs": ["10.0.0.0/33"]}, "allowed_cidrs", "'10.0.0.0/33'"),
    case("allowed-cidr-host-bits", {"allowed_cidrs": ["10.20.0.1/16"]}, "allowed_cidrs", "'10.20.0.1/16'"),
    case("allowed-cidr-with-sql", {"allowed_cidrs": ["0.0.0.0/0'; DROP TABLE x;--"]}, "allowed_cidrs"),
    # -- conflicting or missing options -------------------------------------------------------
    case("cidrs-with-own-groups", {"security_group_ids": lambda w: [w["other_group"]],
                                   "allowed_cidrs": ["10.0.0.0/8"]}, "allowed_cidrs", "security_group_ids"),
    case("private-dns-on-vpc-without-dns", {"vpc_id": lambda w: w["no_dns_vpc"],
                                            "subnet_ids": lambda w: [w["no_dns_subnet"]],
                                            "route_table_ids": lambda w: [w["no_dns_route_table"]]},
         "private_dns_enabled", "enableDnsHostnames"),
    case("create-without-subnets", {"subnet_ids": _OMIT}, "subnet_ids is required to create"),
    case("create-without-route-tables", {"route_table_ids": _OMIT}, "route_table_ids is required to create"),
]


@pytest.mark.parametrize("overrides, words", CASES)
def test_bad_input_fails_before_any_mutating_request(world, overrides, words):
    connection = RecordingConnection()
    params = module_params(world, **overrides)
    with pytest.raises((ValueError, PrivatelinkError)) as err:
        reconcile(connection, params, check_mode=False)
    message = str(err.value)
    for word in words:
        assert word in message, "%r not in %r" % (word, message)
    assert connection.mutating() == [], "sent %s before failing with %r" % (connection.mutating(), message)


def test_the_same_valid_input_does_mutate(world):
    """The control: without bad input the runner does attempt a change, so the table's "nothing
    mutating was attempted" is a real observation, not a recorder that sees nothing."""
    connection = RecordingConnection()
    with pytest.raises(MutationAttempted):
        reconcile(connection, module_params(world), check_mode=False)
    assert connection.mutating() == ["create_security_group"]
    assert "describe_subnets" in connection.sent and "describe_vpc_endpoint_services" in connection.sent


def test_world_open_cidr_is_accepted_only_when_listed_and_then_warned(world):
    connection = RecordingConnection()
    params = module_params(world, allowed_cidrs=["0.0.0.0/0", "::/0"])
    result = reconcile(connection, params, check_mode=True)
    group = [c for c in result["changes"] if c["service"] == "security_group"][0]
    assert group["details"]["add_cidrs"] == ["0.0.0.0/0", "::/0"]
    assert any("0.0.0.0/0" in w for w in result["warnings"]) and any("::/0" in w for w in result["warnings"])
    assert connection.mutating() == []  # check mode


def test_default_sources_are_the_vpc_cidr_and_no_warning(world):
    connection = RecordingConnection()
    result = reconcile(connection, module_params(world), check_mode=True)
    group = [c for c in result["changes"] if c["service"] == "security_group"][0]
    assert group["details"]["add_cidrs"] == ["10.20.0.0/16"]
    assert result["warnings"] == []


@pytest.mark.parametrize("params, words", [
    ({"access_key": "AKIAEXAMPLE"}, ("access_key and secret_key must be given together",)),
    ({"secret_key": "only-the-secret"}, ("access_key and secret_key must be given together",)),
    ({"region": None}, ("No AWS region",)),
])
def test_bad_connection_options_fail_before_any_request(params, words, monkeypatch):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    options = dict({"region": REGION, "endpoint_url": "http://127.0.0.1:9"}, **params)
    with pytest.raises(PrivatelinkError) as err:
        AwsConnection(options)
    for word in words:
        assert word in str(err.value)
    assert "only-the-secret" not in str(err.value)
