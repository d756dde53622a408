# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a plan to AWS (private). Only called outside check mode.

Order matters: the managed security group first (endpoints reference it), then deletes
(a replaced endpoint must go before its successor claims the private DNS name), creates,
modifies. Every call is retried by botocore; calls that are not idempotent by nature are
made so: creates carry a ClientToken, duplicates from a lost response are recognised.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import ipaddress
import json

from ansible_collections.privatelink.ecr.plugins.module_utils._aws_connection import (
    PrivatelinkError,
    aws_error,
    describe_exception,
    error_code,
    translated,
    wait_delay,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    GONE_STATES,
    MANAGED_GROUP_PLACEHOLDER,
    PENDING_STATES,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import SECURITY_GROUP_SERVICE
from ansible_collections.privatelink.ecr.plugins.module_utils._policy import DEFAULT_ENDPOINT_POLICY

try:
    from botocore.exceptions import ClientError, WaiterError
    from botocore.waiter import WaiterModel, create_waiter_with_client
except ImportError:  # pragma: no cover - HAS_BOTO3 is checked by the connection
    ClientError = WaiterError = Exception


WAIT_DELAY = wait_delay()

_WAITERS = {
    "version": 2,
    "waiters": {
        "EndpointsAvailable": {
            "operation": "DescribeVpcEndpoints",
            "delay": WAIT_DELAY,
            "maxAttempts": 1,
            "acceptors": [
                {"matcher": "pathAll", "argument": "VpcEndpoints[].State", "expected": "available", "state": "success"},
                {"matcher": "pathAny", "argument": "VpcEndpoints[].State", "expected": "failed", "state": "failure"},
                {"matcher": "pathAny", "argument": "VpcEndpoints[].State", "expected": "rejected", "state": "failure"},
            ],
        },
        # Called with a vpc-endpoint-id filter, not VpcEndpointIds: AWS drops deleted endpoints from
        # its listings, and a request naming one that is gone fails as a whole.
        "EndpointsDeleted": {
            "operation": "DescribeVpcEndpoints",
            "delay": WAIT_DELAY,
            "maxAttempts": 1,
            "acceptors": [
                {"matcher": "path", "argument": "length(VpcEndpoints[?State != 'deleted']) == `0`",
                 "expected": True, "state": "success"},
            ],
        },
        "InterfacesReleased": {
            "operation": "DescribeNetworkInterfaces",
            "delay": WAIT_DELAY,
            "maxAttempts": 1,
            "acceptors": [
                {"matcher": "path", "argument": "length(NetworkInterfaces) == `0`", "expected": True,
                 "state": "success"},
            ],
        },
    },
}


def client_token(vpc_id, details, retired_ids):
    """A ClientToken that is the same for every run that wants the same endpoint from the same state.

    Two concurrent or retried runs send the same token, so AWS creates one endpoint. Ids of
    the service's endpoints already deleted are part of it: after a deletion the token
    changes, so AWS does not answer a new create with the endpoint that was deleted.
    """
    material = json.dumps({"vpc": vpc_id, "spec": details, "retired": sorted(retired_ids)}, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:64]


def is_stale_answer(endpoint, retired_ids):
    """True when a create's answer is an endpoint that no longer exists (a reused token's answer)."""
    return (endpoint.get("State") or "").lower() in GONE_STATES or endpoint.get("VpcEndpointId") in retired_ids


def _permissions(cidrs):
    v4 = [{"CidrIp": c, "Description": "HTTPS to VPC endpoints"} for c in cidrs
          if ipaddress.ip_network(c).version == 4]
    v6 = [{"CidrIpv6": c, "Description": "HTTPS to VPC endpoints"} for c in cidrs
          if ipaddress.ip_network(c).version == 6]
    perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
    if v4:
        perm["IpRanges"] = v4
    if v6:
        perm["Ipv6Ranges"] = v6
    return [perm]


def _dns_options(options):
    """The plan's ``dns_options`` as the EC2 API's DnsOptionsSpecification."""
    spec = {}
    only_inbound = options.get("private_dns_only_for_inbound_resolver_endpoint")
    if only_inbound is not None:
        spec["PrivateDnsOnlyForInboundResolverEndpoint"] = bool(only_inbound)
    if options.get("dns_record_ip_type"):
        spec["DnsRecordIpType"] = options["dns_record_ip_type"]
    return spec


def _tag_list(tags):
    return [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())]


class PlanApplier:
    def __init__(self, client, vpc_id, wait_timeout=600):
        self.client = client
        self.vpc_id = vpc_id
        self.wait_timeout = wait_timeout
        self.group_id = None
        self.applied = []  # the actions applied so far, in order: what a failure reports as changed
        self._waiters = WaiterModel(_WAITERS)

    # -- security group -------------------------------------------------------------------
    def apply_group(self, action):
        details = action["details"]
        if action["action"] == "create":
            self.group_id = self._create_group(details)
        elif action["action"] == "delete":
            self._delete_group(details["group_id"])
        else:
            self.group_id = details["group_id"]
            self._converge_group(details)
        return self.group_id

    @translated("create the managed security group")
    def _create_group(self, details):
        try:
            group_id = self.client.create_security_group(
                GroupName=details["group_name"], Description=details["description"], VpcId=self.vpc_id,
                TagSpecifications=[{"ResourceType": "security-group", "Tags": _tag_list(details["tags"])}],
            )["GroupId"]
        except ClientError as exc:
            # Another run (or a retried request whose answer was lost) created it first.
            if error_code(exc) != "InvalidGroup.Duplicate":
                raise
            found = self.client.describe_security_groups(Filters=[
                {"Name": "vpc-id", "Values": [self.vpc_id]},
                {"Name": "group-name", "Values": [details["group_name"]]}])["SecurityGroups"]
            if not found:
                # EC2 reads are eventually consistent: the group may not be visible yet.
                raise PrivatelinkError("The security group %s exists in %s (AWS said InvalidGroup.Duplicate) but is "
                                       "not visible yet; run again" % (details["group_name"], self.vpc_id))
            group_id = found[0]["GroupId"]
        self._authorize(group_id, details.get("add_cidrs"))
        return group_id

    @translated("update the managed security group")
    def _converge_group(self, details):
        self._authorize(details["group_id"], details.get("add_cidrs"))
        if details.get("remove_cidrs"):
            try:
                self.client.revoke_security_group_ingress(GroupId=details["group_id"],
                                                          IpPermissions=_permissions(details["remove_cidrs"]))
            except ClientError as exc:
                if error_code(exc) != "InvalidPermission.NotFound":
                    raise
        if details.get("tags"):
            self.client.create_tags(Resources=[details["group_id"]], Tags=_tag_list(details["tags"]))

    def _authorize(self, group_id, cidrs):
        if not cidrs:
            return
        try:
            self.client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=_permissions(cidrs))
        except ClientError as exc:
            # A retried request whose first answer was lost, or another run: some rule is there already.
            if error_code(exc) != "InvalidPermission.Duplicate":
                raise
            # AWS rejects the whole request for one duplicate, so add the others one by one.
            if len(cidrs) > 1:
                for cidr in cidrs:
                    self._authorize(group_id, [cidr])

    @translated("delete the managed security group")
    def _delete_group(self, group_id):
        try:
            self.client.delete_security_group(GroupId=group_id)
        except ClientError as exc:
            if error_code(exc) == "InvalidGroup.NotFound":
                return
            if error_code(exc) == "DependencyViolation":
                raise PrivatelinkError(
                    "The managed security group %s is still in use (network interfaces of deleted endpoints "
                    "are released asynchronously, or another resource uses it); run again later to delete it"
                    % group_id)
            raise

    # -- endpoints ------------------------------------------------------------------------
    def _resolve_group(self, ids):
        return sorted(set(self.group_id if i == MANAGED_GROUP_PLACEHOLDER else i for i in ids))

    @translated("delete VPC endpoints")
    def delete_endpoints(self, endpoint_ids):
        if not endpoint_ids:
            return
        answer = self.client.delete_vpc_endpoints(VpcEndpointIds=sorted(endpoint_ids))
        failures = [u for u in answer.get("Unsuccessful") or []
                    if "NotFound" not in (u.get("Error") or {}).get("Code", "")]
        if failures:
            # An endpoint another run deletes at the same moment: no AWS page says whether EC2 then
            # answers success or lists it Unsuccessful (docs/reliability.md, "Guesses"). Deleting,
            # deleted or gone is what was asked for either way.
            found = self.client.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-id", "Values": sorted(
                u.get("ResourceId") for u in failures)}]).get("VpcEndpoints") or []
            states = dict((e["VpcEndpointId"], (e.get("State") or "").lower()) for e in found)
            failures = [u for u in failures if states.get(u.get("ResourceId"), "deleted") not in GONE_STATES]
        if failures:
            raise PrivatelinkError("Failed to delete VPC endpoints: " + "; ".join(
                "%s: %s" % (u.get("ResourceId"), (u.get("Error") or {}).get("Message")) for u in failures))

    @translated("create a VPC endpoint")
    def create_endpoint(self, action, retired_ids):
        """Create one endpoint; return its id.

        The ClientToken makes retries and concurrent runs create one endpoint. EC2 binds a token
        to the request that first used it for long after the resource is gone ("Ensuring
        idempotency", https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html), so
        an answer naming an endpoint that is deleted, or one this run already knows as retired, is
        the old request's answer: the create is sent again with a token that names that endpoint.
        """
        details = dict(action["details"])
        details.pop("vpc_endpoint_id", None)  # set by an earlier attempt: not part of the request
        if details.get("security_group_ids"):
            details["security_group_ids"] = self._resolve_group(details["security_group_ids"])
        kwargs = {
            "VpcId": self.vpc_id,
            "ServiceName": details["service_name"],
            "VpcEndpointType": details["vpc_endpoint_type"],
            "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": _tag_list(details["tags"])}],
        }
        if details.get("policy") is not None:
            kwargs["PolicyDocument"] = json.dumps(details["policy"], sort_keys=True)
        if details["vpc_endpoint_type"] == "Gateway":
            kwargs["RouteTableIds"] = details.get("route_table_ids") or []
        else:
            kwargs["SubnetIds"] = details.get("subnet_ids") or []
            kwargs["SecurityGroupIds"] = details.get("security_group_ids") or []
            kwargs["PrivateDnsEnabled"] = bool(details.get("private_dns_enabled"))
            if details.get("ip_address_type"):
                kwargs["IpAddressType"] = details["ip_address_type"]
            if details.get("dns_options"):
                kwargs["DnsOptions"] = _dns_options(details["dns_options"])
        retired = set(retired_ids)
        for _attempt in range(2):
            kwargs["ClientToken"] = client_token(self.vpc_id, details, retired)
            endpoint = self.client.create_vpc_endpoint(**kwargs)["VpcEndpoint"]
            if not is_stale_answer(endpoint, retired):
                return endpoint["VpcEndpointId"]
            retired.add(endpoint["VpcEndpointId"])
        raise PrivatelinkError("AWS answered the create of the %s endpoint twice with a deleted endpoint (%s); "
                               "run again" % (action["service"], ", ".join(sorted(retired))))

    @translated("modify a VPC endpoint")
    def modify_endpoint(self, action, state=None, endpoint_type=None):
        """Modify one endpoint, first waiting (bounded by wait_timeout) while it is pending.

        ``reset_policy`` is ResetPolicy on a gateway endpoint only: API_ModifyVpcEndpoint.html marks
        it "(Gateway endpoint)"; any other endpoint (or one of unknown type) is sent AWS's default
        policy document, which PolicyDocument ("(Interface and gateway endpoints)") accepts on both.

        EC2 refuses ModifyVpcEndpoint with IncorrectState while the endpoint is not available
        (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html, IncorrectState);
        another run may have just modified it, so IncorrectState is waited out once too.
        """
        details = action["details"]
        kwargs = {}
        for key, param in (("add_subnet_ids", "AddSubnetIds"), ("remove_subnet_ids", "RemoveSubnetIds"),
                           ("add_route_table_ids", "AddRouteTableIds"),
                           ("remove_route_table_ids", "RemoveRouteTableIds"),
                           ("add_security_group_ids", "AddSecurityGroupIds"),
                           ("remove_security_group_ids", "RemoveSecurityGroupIds")):
            if details.get(key):
                values = details[key]
                kwargs[param] = self._resolve_group(values) if "security_group" in key else list(values)
        if "policy" in details:
            kwargs["PolicyDocument"] = json.dumps(details["policy"], sort_keys=True)
        if details.get("reset_policy") and endpoint_type == "Gateway":
            kwargs["ResetPolicy"] = True
        elif details.get("reset_policy"):
            kwargs["PolicyDocument"] = json.dumps(DEFAULT_ENDPOINT_POLICY, sort_keys=True)
        if "private_dns_enabled" in details:
            kwargs["PrivateDnsEnabled"] = details["private_dns_enabled"]
        if details.get("dns_options"):
            kwargs["DnsOptions"] = _dns_options(details["dns_options"])
        if "ip_address_type" in details:
            kwargs["IpAddressType"] = details["ip_address_type"]
        endpoint_id = details["vpc_endpoint_id"]
        if kwargs:
            if state in PENDING_STATES:
                self.wait_available([endpoint_id])
            try:
                self.client.modify_vpc_endpoint(VpcEndpointId=endpoint_id, **kwargs)
            except ClientError as exc:
                if error_code(exc) != "IncorrectState":
                    raise
                self.wait_available([endpoint_id])
                self.client.modify_vpc_endpoint(VpcEndpointId=endpoint_id, **kwargs)
        if details.get("tags"):
            self.client.create_tags(Resources=[endpoint_id], Tags=_tag_list(details["tags"]))

    def apply(self, actions, retired_ids_by_service, states=None, wait=True, types=None):
        """Execute the plan, already in execution order (``_plan.execution_order``); return the actions
        applied, in that order. After a failure ``self.applied`` still lists what was applied.

        ``states`` maps the ids of existing endpoints to their state, so a pending endpoint is
        waited for before it is modified; ``types`` to their VpcEndpointType (how a policy is reset).
        """
        states = states or {}
        types = types or {}
        deletes = [a for a in actions if a["action"] == "delete" and a["service"] != SECURITY_GROUP_SERVICE]
        for action in actions:
            is_group = action["service"] == SECURITY_GROUP_SERVICE
            if is_group and action["action"] == "delete":
                if wait:
                    self.wait_deleted([a["details"]["vpc_endpoint_id"] for a in deletes])
                    self.wait_interfaces_released(action["details"]["group_id"])
                self.apply_group(action)
            elif is_group:
                self.apply_group(action)
            elif action["action"] == "delete":
                if action is not deletes[0]:
                    continue  # one DeleteVpcEndpoints request for all of them
                self.delete_endpoints([a["details"]["vpc_endpoint_id"] for a in deletes])
                self.applied.extend(deletes)
                self._wait_for_replaced(deletes, actions)
                continue
            elif action["action"] == "create":
                action["details"]["vpc_endpoint_id"] = self.create_endpoint(
                    action, retired_ids_by_service.get(action["service"], []))
            else:
                endpoint_id = action["details"]["vpc_endpoint_id"]
                self.modify_endpoint(action, states.get(endpoint_id), types.get(endpoint_id))
            self.applied.append(action)
        return self.applied

    def _wait_for_replaced(self, deletes, actions):
        """An endpoint being deleted keeps its private DNS name and its routes until it is gone
        (https://docs.aws.amazon.com/vpc/latest/privatelink/delete-vpc-endpoint.html): wait for it
        before its service gets another endpoint or a change that would claim them."""
        later = set(a["service"] for a in actions
                    if a["action"] in ("create", "modify", "adopt") and a["service"] != SECURITY_GROUP_SERVICE)
        replaced = [a["details"]["vpc_endpoint_id"] for a in deletes if a["service"] in later]
        if replaced:
            self.wait_deleted(replaced)

    # -- waiting --------------------------------------------------------------------------
    def _wait(self, name, what, **kwargs):
        waiter = create_waiter_with_client(name, self._waiters, self.client)
        attempts = max(1, int(self.wait_timeout // WAIT_DELAY))
        try:
            waiter.wait(WaiterConfig={"Delay": WAIT_DELAY, "MaxAttempts": attempts}, **kwargs)
        except WaiterError as exc:
            last = exc.last_response or {}
            pending = ["%s (%s)" % (e.get("VpcEndpointId"), e.get("State"))
                       for e in last.get("VpcEndpoints", []) if e.get("State") != "available"]
            raise aws_error(exc, "wait", message="Timed out or failed after %ss waiting for %s: %s" % (
                self.wait_timeout, what, ", ".join(pending) or describe_exception(exc, "wait")))
        except ClientError as exc:  # pylint: disable=duplicate-except
            raise aws_error(exc, "wait for %s" % what)

    def wait_available(self, endpoint_ids):
        if endpoint_ids:
            self._wait("EndpointsAvailable", "the endpoints to become available",
                       VpcEndpointIds=sorted(set(endpoint_ids)))

    def wait_deleted(self, endpoint_ids):
        if endpoint_ids:
            self._wait("EndpointsDeleted", "the endpoints to be deleted",
                       Filters=[{"Name": "vpc-endpoint-id", "Values": sorted(set(endpoint_ids))}])

    def wait_interfaces_released(self, group_id):
        self._wait("InterfacesReleased", "the network interfaces using %s to be released" % group_id,
                   Filters=[{"Name": "group-id", "Values": [group_id]}])
