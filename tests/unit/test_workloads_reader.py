"""The workloads reader's normalisers and its request pattern, against a stub of the ECS and EKS clients."""

from ansible_collections.privatelink.ecr.plugins.module_utils import _workloads_reader as reader

SUBNET_VPCS = {"subnet-a": "vpc-1", "subnet-b": "vpc-1", "subnet-z": "vpc-2"}


def service(name, subnets, task="arn:aws:ecs:eu-west-1:111122223333:task-definition/web:1", status="ACTIVE"):
    return {"serviceName": name, "serviceArn": "arn:aws:ecs:eu-west-1:111122223333:service/c/%s" % name,
            "status": status, "taskDefinition": task, "desiredCount": 0,
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": subnets, "securityGroups": ["sg-2", "sg-1"]}}}


class Paginator:
    def __init__(self, client, operation):
        self.client, self.operation = client, operation

    def paginate(self, **kwargs):
        self.client.calls.append((self.operation, kwargs.get("cluster")))
        return [self.client.pages[self.operation](kwargs)]


class Client:
    def __init__(self, pages, calls):
        self.pages, self.calls = pages, calls

    def get_paginator(self, operation):
        return Paginator(self, operation)

    def describe_services(self, cluster, services):
        assert len(services) <= 10  # the API's limit
        self.calls.append(("describe_services", len(services)))
        return {"services": [s for s in self.pages["services"] if s["serviceArn"] in services]}

    def describe_task_definition(self, taskDefinition):
        self.calls.append(("describe_task_definition", taskDefinition))
        return {"taskDefinition": {"containerDefinitions": [{"name": "a", "image": "nginx:1.27"},
                                                            {"name": "b", "image": "nginx:1.27"},
                                                            {"name": "c", "image": "busybox"}]}}

    def describe_cluster(self, name):
        self.calls.append(("describe_cluster", name))
        return {"cluster": self.pages["clusters"][name]}


class Connection:
    def __init__(self, ecs_pages, eks_pages):
        self.calls = []
        self.clients = {"ecs": Client(ecs_pages, self.calls), "eks": Client(eks_pages, self.calls)}

    def client(self, name):
        return self.clients[name]


def connection(services=(), clusters=None):
    services = list(services)
    return Connection(
        {"list_clusters": lambda _kw: {"clusterArns": ["arn:aws:ecs:eu-west-1:111122223333:cluster/c"] if services
                                       else []},
         "list_services": lambda _kw: {"serviceArns": [s["serviceArn"] for s in services]}, "services": services},
        {"list_clusters": lambda _kw: {"clusters": sorted(clusters or {})}, "clusters": clusters or {}})


def test_an_account_without_ecs_or_eks_costs_two_requests():
    conn = connection()
    assert reader.read_workloads(conn, ["vpc-1"], [{"SubnetId": "subnet-a", "VpcId": "vpc-1"}]) == {"vpc-1": []}
    assert conn.calls == [("list_clusters", None), ("list_clusters", None)]


def test_services_ten_at_a_time_task_definitions_once_other_vpcs_and_inactive_left_out():
    services = [service("s%02d" % i, ["subnet-a"]) for i in range(23)]
    services.append(service("elsewhere", ["subnet-z"]))
    services.append(service("gone", ["subnet-a"], status="INACTIVE"))
    conn = connection(services)
    raw = [{"SubnetId": s, "VpcId": v} for s, v in SUBNET_VPCS.items()]
    found = reader.read_workloads(conn, ["vpc-1"], raw)
    assert [w["name"] for w in found["vpc-1"]] == ["s%02d" % i for i in range(23)]
    assert [c for c in conn.calls if c[0] == "describe_services"] == [("describe_services", 10)] * 2 + [
        ("describe_services", 5)]
    assert len([c for c in conn.calls if c[0] == "describe_task_definition"]) == 1
    first = found["vpc-1"][0]
    assert first["images"] == ["nginx:1.27", "busybox"] and first["security_group_ids"] == ["sg-1", "sg-2"]
    assert first["kind"] == "ecs_service" and first["arn"].endswith("/s00")


def test_eks_cluster_by_vpc_id_else_by_its_subnets():
    clusters = {"named": {"name": "named", "arn": "arn:eks:named", "resourcesVpcConfig": {
        "vpcId": "vpc-1", "subnetIds": ["subnet-b", "subnet-a"], "clusterSecurityGroupId": "sg-c",
        "securityGroupIds": ["sg-x"]}},
        "by-subnet": {"name": "by-subnet", "arn": "arn:eks:s", "resourcesVpcConfig": {"subnetIds": ["subnet-a"]}},
        "other": {"name": "other", "arn": "arn:eks:o", "resourcesVpcConfig": {"vpcId": "vpc-9", "subnetIds": []}}}
    conn = connection(clusters=clusters)
    found = reader.read_workloads(conn, ["vpc-1"], [{"SubnetId": s, "VpcId": v} for s, v in SUBNET_VPCS.items()])
    assert [(w["name"], w["subnet_ids"], w["security_group_ids"], w["images"]) for w in found["vpc-1"]] == [
        ("by-subnet", ["subnet-a"], [], []), ("named", ["subnet-a", "subnet-b"], ["sg-c", "sg-x"], [])]


def test_given_workload_and_switching_reads_off():
    conn = connection()
    found = reader.workloads_by_vpc(conn, ["vpc-1"], [], read=False, images=["nginx"], security_group_ids=["sg-9"])
    assert found == {"vpc-1": [{"kind": "given", "name": "given", "arn": None, "subnet_ids": [],
                                "security_group_ids": ["sg-9"], "images": ["nginx"]}]}
    assert conn.calls == []
    assert reader.given_workload([], []) is None
