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
    describe_exception,
    error_code,
    translated,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import (
    MANAGED_GROUP_PLACEHOLDER,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._plan import SECURITY_GROUP_SERVICE

try:
    from botocore.exceptions import ClientError, WaiterError
    from botocore.waiter import WaiterModel, create_waiter_with_client
except ImportError:  # pragma: no cover - HAS_BOTO3 is checked by the connection
    ClientError = WaiterError = Exception

WAIT_DELAY = 5

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
        "EndpointsDeleted": {
            "operation": "DescribeVpcEndpoints",
            "delay": WAIT_DELAY,
            "maxAttempts": 1,
            "acceptors": [
                {"matcher": "path", "argument": "length(VpcEndpoints[?State != 'deleted']) == `0`",
                 "expected": True, "state": "success"},
                {"matcher": "error", "expected": "InvalidVpcEndpointId.NotFound", "state": "success"},
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


def _tag_list(tags):
    return [{"Key": k, "Value": str(v)} for k, v in sorted(tags.items())]


class PlanApplier:
    def __init__(self, client, vpc_id, wait_timeout=600):
        self.client = client
        self.vpc_id = vpc_id
        self.wait_timeout = wait_timeout
        self.group_id = None
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
            raise PrivatelinkError("Failed to delete VPC endpoints: " + "; ".join(
                "%s: %s" % (u.get("ResourceId"), (u.get("Error") or {}).get("Message")) for u in failures))

    @translated("create a VPC endpoint")
    def create_endpoint(self, action, retired_ids):
        details = dict(action["details"])
        if details.get("security_group_ids"):
            details["security_group_ids"] = self._resolve_group(details["security_group_ids"])
        kwargs = {
            "VpcId": self.vpc_id,
            "ServiceName": details["service_name"],
            "VpcEndpointType": details["vpc_endpoint_type"],
            "TagSpecifications": [{"ResourceType": "vpc-endpoint", "Tags": _tag_list(details["tags"])}],
            "ClientToken": client_token(self.vpc_id, details, retired_ids),
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
        endpoint = self.client.create_vpc_endpoint(**kwargs)["VpcEndpoint"]
        return endpoint["VpcEndpointId"]

    @translated("modify a VPC endpoint")
    def modify_endpoint(self, action):
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
        if details.get("reset_policy"):
            kwargs["ResetPolicy"] = True
        if "private_dns_enabled" in details:
            kwargs["PrivateDnsEnabled"] = details["private_dns_enabled"]
        if "ip_address_type" in details:
            kwargs["IpAddressType"] = details["ip_address_type"]
        if kwargs:
            self.client.modify_vpc_endpoint(VpcEndpointId=details["vpc_endpoint_id"], **kwargs)
        if details.get("tags"):
            self.client.create_tags(Resources=[details["vpc_endpoint_id"]], Tags=_tag_list(details["tags"]))

    def apply(self, actions, retired_ids_by_service):
        """Execute the plan; return the ids of endpoints created or modified."""
        touched = []
        for action in actions:
            if action["service"] == SECURITY_GROUP_SERVICE and action["action"] != "delete":
                self.apply_group(action)
        self.delete_endpoints([a["details"]["vpc_endpoint_id"] for a in actions
                               if a["action"] == "delete" and a["service"] != SECURITY_GROUP_SERVICE])
        for action in actions:
            if action["action"] == "create" and action["service"] != SECURITY_GROUP_SERVICE:
                touched.append(self.create_endpoint(action, retired_ids_by_service.get(action["service"], [])))
        for action in actions:
            if action["action"] in ("modify", "adopt") and action["service"] != SECURITY_GROUP_SERVICE:
                self.modify_endpoint(action)
                touched.append(action["details"]["vpc_endpoint_id"])
        return touched

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
            raise PrivatelinkError("Timed out or failed after %ss waiting for %s: %s" % (
                self.wait_timeout, what, ", ".join(pending) or describe_exception(exc, "wait")))
        except ClientError as exc:  # pylint: disable=duplicate-except
            raise PrivatelinkError(describe_exception(exc, "wait for %s" % what), code=error_code(exc))

    def wait_available(self, endpoint_ids):
        if endpoint_ids:
            self._wait("EndpointsAvailable", "the endpoints to become available",
                       VpcEndpointIds=sorted(set(endpoint_ids)))

    def wait_deleted(self, endpoint_ids):
        if endpoint_ids:
            self._wait("EndpointsDeleted", "the endpoints to be deleted", VpcEndpointIds=sorted(set(endpoint_ids)))

    def wait_interfaces_released(self, group_id):
        self._wait("InterfacesReleased", "the network interfaces using %s to be released" % group_id,
                   Filters=[{"Name": "group-id", "Values": [group_id]}])
