"""Teach moto_server what ECS and EKS answer where moto 5.2 differs from AWS (tests only).

A WSGI middleware inside the AWS-semantics layer (tests/support/aws_semantics.py wraps moto's application
with it). Rules:

W1. ECS DescribeServices describes at most 10 services per request
    (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeServices.html, ``services``:
    "You may specify up to 10 services to describe in a single operation"); more is refused with
    ``InvalidParameterException``. moto describes any number.
W2. EKS CreateCluster / DescribeCluster answer ``resourcesVpcConfig.vpcId`` (the VPC of the cluster's
    subnets) and ``resourcesVpcConfig.clusterSecurityGroupId``, the security group EKS creates in that VPC
    for the cluster (https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigResponse.html;
    https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html: named
    ``eks-cluster-sg-NAME-ID``). moto answers neither; here the group is created in moto's EC2 backend when
    the cluster is created, so an audit can read it back. ``POST /moto-api/reset`` forgets the clusters.
W3. A correctly signed EKS GET request is accepted under IAM enforcement (``/moto-api/reset-auth``), as AWS
    accepts it (Signature Version 4: the payload of a GET is empty,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). moto 5.2 recomputes the
    signature of EKS's REST requests with the request headers as the payload and answers
    ``SignatureDoesNotMatch`` to every one; the layer has moto recompute it with the empty payload the client
    signed (requests with a query string are signed over it by the client: the audit sends none but a
    ``nextToken`` past 100 clusters).
"""

import io
import json
import re
import threading
import uuid

ECS_TARGET = "AmazonEC2ContainerServiceV20141113."
DESCRIBE_SERVICES_MAX = 10
_SCOPE = re.compile(r"Credential=[^/,]+/[^/]+/([^/]+)/([^/]+)/")
_CLUSTER_PATH = re.compile(r"^/clusters/([^/]+)$")


def _scope(environ):
    match = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.groups() if match else ("us-east-1", "")


def _body(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _json(start_response, status, answer, content_type="application/x-amz-json-1.1"):
    payload = json.dumps(answer).encode()
    start_response(status, [("Content-Type", content_type), ("x-amzn-RequestId", str(uuid.uuid4())),
                            ("Content-Length", str(len(payload)))])
    return [payload]


def fix_eks_get_signatures():
    """W3: moto's signature check of EKS GET requests signs an empty payload, as the client did."""
    from moto.iam import access_control
    original = access_control.IAMRequestBase._create_aws_request
    if getattr(original, "privatelink_w3", False):
        return

    def create_aws_request(self):
        if self._service == "eks" and self._method in ("GET", "HEAD", "DELETE") and not self._body:
            saved = self._data
            self._data = {}
            try:
                return original(self)
            finally:
                self._data = saved
        return original(self)

    create_aws_request.privatelink_w3 = True
    access_control.IAMRequestBase._create_aws_request = create_aws_request


class WorkloadSemantics:
    """WSGI middleware in front of moto's app; see the module docstring."""

    def __init__(self, app):
        fix_eks_get_signatures()
        self.app = app
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        with self.lock:
            self.cluster_groups = {}  # (account, region, cluster name) -> security group id

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO") or "", environ.get("REQUEST_METHOD")
        if path == "/moto-api/reset" and method == "POST":
            self.reset()
        region, service = _scope(environ)
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target == ECS_TARGET + "DescribeServices":
            params = json.loads(_body(environ) or b"{}")
            services = params.get("services") or []
            if len(services) > DESCRIBE_SERVICES_MAX:  # W1
                return _json(start_response, "400 Bad Request", {
                    "__type": "InvalidParameterException",
                    "message": "services can have at most %d items, %d were given" % (DESCRIBE_SERVICES_MAX,
                                                                                      len(services))})
        if service == "eks" and ((method == "POST" and path == "/clusters")
                                 or (method == "GET" and _CLUSTER_PATH.match(path))):
            return self._eks_cluster(environ, start_response, region)
        return self.app(environ, start_response)

    def _eks_cluster(self, environ, start_response, region):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(self.app(environ, capture))
        if not captured["status"].startswith("200"):
            start_response(captured["status"], captured["headers"])
            return [body]
        answer = json.loads(body or b"{}")
        cluster = answer.get("cluster") or {}
        config = cluster.setdefault("resourcesVpcConfig", {})
        account = (cluster.get("arn") or "arn:aws:eks:r:000000000000:").split(":")[4]
        with self.lock:
            self._complete(account, region, cluster.get("name"), config)  # W2
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        payload = json.dumps(answer).encode()
        start_response(captured["status"], headers + [("Content-Length", str(len(payload)))])
        return [payload]

    def _complete(self, account, region, name, config):
        from moto.ec2.models import ec2_backends
        backend = ec2_backends[account][region]
        vpc_id = config.get("vpcId")
        for subnet_id in config.get("subnetIds") or []:
            try:
                vpc_id = vpc_id or backend.get_subnet(subnet_id).vpc_id
            except Exception:  # an unknown subnet: AWS would have refused the cluster; moto did not
                continue
        if not vpc_id:
            return
        config["vpcId"] = vpc_id
        key = (account, region, name)
        if key not in self.cluster_groups:
            group = backend.create_security_group(
                "eks-cluster-sg-%s-%s" % (name, uuid.uuid4().hex[:8]),
                "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, "
                "as well as any managed workloads.", vpc_id)
            self.cluster_groups[key] = group.id
        config["clusterSecurityGroupId"] = self.cluster_groups[key]
