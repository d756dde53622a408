"""Helpers shared by the reconcile tests (the ``aws`` fixture itself is in conftest.py)."""

REGION = "eu-west-1"
DEFAULTS = dict(state="present", workload="fargate", services=None, extra_services=[], s3_endpoint_type="gateway",
                subnet_ids=None, route_table_ids=None, security_group_ids=[],
                security_group_name="ecr-private-endpoints", allowed_cidrs=None, private_dns_enabled=True,
                policy=None, s3_policy=None, tags={}, purge_services=False, ip_address_type="ipv4", wait=True,
                wait_timeout=30, region=REGION, access_key=None, secret_key=None, session_token=None,
                profile=None, endpoint_url=None, validate_certs=True, role_arn=None,
                role_session_name="privatelink-ecr", external_id=None, discover="never")


def params(aws, **overrides):
    result = dict(DEFAULTS, vpc_id=aws["vpc"], subnet_ids=aws["subnets"], route_table_ids=[aws["table"]])
    result.update(overrides)
    return result


class CallRecorder:
    def __init__(self, connection):
        self.calls = []
        connection.client("ec2").meta.events.register("before-call.ec2", self._record)

    def _record(self, model, **_):
        self.calls.append(model.name)

    def mutating(self):
        return [c for c in self.calls if not c.startswith("Describe")]
