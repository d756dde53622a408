"""Every bad input fails before any mutating request, with a message that names the input.

Table-driven, against the reconcile runner (plugins/module_utils/_reconcile.py) with a real
boto3 EC2 client on moto's in-process backend (``mock_aws``: no server, no network). Every
request the client sends is recorded; a case passes only when the run raised the expected
error and nothing that mutates was sent. End-to-end cases through the ``ansible`` CLI are in
tests/integration/reliability/test_bad_input_cli.py.
"""

import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    AwsConnection,
    PrivatelinkError,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._reconcile import reconcile
from ansible_collections.privatelink.ecr.plugins.modules.ecr_private_endpoints import argument_spec

REGION = "eu-west-1"
OTHER_REGION = "us-east-1"
READ_PREFIXES = ("Describe", "Get", "List")
WELL_SHAPED = "0123456789abcdef0"


class RecordingConnection:
    """Stands for AwsConnection: one EC2 client whose every request is recorded by name."""

    def __init__(self, region=REGION):
        self.sent = []
        self._client = boto3.client("ec2", region_name=region, aws_access_key_id="testing",
                                    aws_secret_access_key="testing")
        self._client.meta.events.register("before-call", self._record)

    def _record(self, model, **_):
        self.sent.append(model.name)

    def client(self, service):
        assert service == "ec2", service
        return self._client

    def mutating(self):
        return [name for name in self.sent if not name.startswith(READ_PREFIXES)]


def _subnet(ec2, vpc_id, cidr, zone):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]


def _vpc(ec2, cidr, dns_hostnames=True):
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": dns_hostnames})
    return vpc_id


@pytest.fixture(scope="module")
def world():
    """Our VPC, another VPC, a VPC with DNS hostnames off, and a VPC in another region."""
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
        far = boto3.client("ec2", region_name=OTHER_REGION, aws_access_key_id="testing",
                           aws_secret_access_key="testing")
        ids = {"vpc": _vpc(ec2, "10.20.0.0/16"), "other_vpc": _vpc(ec2, "10.30.0.0/16"),
               "no_dns_vpc": _vpc(ec2, "10.40.0.0/16", dns_hostnames=False)}
        ids["subnets"] = [_subnet(ec2, ids["vpc"], "10.20.%d.0/24" % i, REGION + z) for i, z in enumerate("abc")]
        ids["same_zone_subnet"] = _subnet(ec2, ids["vpc"], "10.20.9.0/24", REGION + "a")
        ids["route_tables"] = [ec2.create_route_table(VpcId=ids["vpc"])["RouteTable"]["RouteTableId"]]
        ids["other_subnet"] = _subnet(ec2, ids["other_vpc"], "10.30.1.0/24", REGION + "a")
        ids["other_route_table"] = ec2.create_route_table(VpcId=ids["other_vpc"])["RouteTable"]["RouteTableId"]
        ids["other_group"] = ec2.create_security_group(GroupName="theirs", Description="d",
                                                       VpcId=ids["other_vpc"])["GroupId"]
        ids["no_dns_subnet"] = _subnet(ec2, ids["no_dns_vpc"], "10.40.1.0/24", REGION + "a")
        ids["no_dns_route_table"] = ec2.create_route_table(VpcId=ids["no_dns_vpc"])["RouteTable"]["RouteTableId"]
        ids["far_vpc"] = far.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
        ids["far_subnet"] = _subnet(far, ids["far_vpc"], "10.50.1.0/24", OTHER_REGION + "a")
        yield ids


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
    """The control: without the bad input the runner does send mutating requests, so the
    table's "nothing mutating was sent" is a real observation, not a recorder that sees nothing."""
    with mock_aws():
        connection = RecordingConnection()
        ec2 = connection.client("ec2")
        vpc = _vpc(ec2, "10.60.0.0/16")
        subnet = _subnet(ec2, vpc, "10.60.1.0/24", REGION + "a")
        route_table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        connection.sent.clear()
        params = module_params(world, vpc_id=vpc, subnet_ids=[subnet], route_table_ids=[route_table])
        result = reconcile(connection, params, check_mode=False)
    assert result["changed"] is True
    assert "CreateVpcEndpoint" in connection.mutating() and "CreateSecurityGroup" in connection.mutating()


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
