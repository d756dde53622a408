"""A corpus of VPCs whose workloads pull images, each with one planted image fault, and look-alikes that work.

Every faulty VPC must be reported with the right finding id on the right resource and nothing else of
consequence; every look-alike (a correct VPC built to look like a fault) must stay clean: no high or
medium finding at all. The rules each case rests on:

- Docker's reference grammar (https://pkg.go.dev/github.com/containerd/containerd/reference/docker): a
  first component with ``.`` or ``:`` or ``localhost`` is a registry host; no host is Docker Hub, and a
  one-component Docker Hub path is an official image under ``library/``.
- ECR and VPC endpoints (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html): the
  endpoints serve the Region's private registries; the first pull through a pull-through cache rule needs
  internet egress.
- Pull-through cache (https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html,
  pull-through-cache-working-pulling.html): upstreams, secrets, ``ACCOUNT.dkr.ecr.REGION.amazonaws.com/
  PREFIX/REPOSITORY:TAG``.
- Replication (https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html) for another
  Region's image.
- A default route is any active 0.0.0.0/0 route (https://docs.aws.amazon.com/vpc/latest/userguide/
  VPC_Route_Tables.html), whatever its target.
"""

import copy

import pytest

from ansible_collections.privatelink.ecr.plugins.module_utils.audit import registry as checks
from ansible_collections.privatelink.ecr.plugins.module_utils.audit import images_cache as images
from ansible_collections.privatelink.ecr.plugins.module_utils import _image_refs as refs
from ansible_collections.privatelink.ecr.tests.unit.test_audit_checks import ACCOUNT, REGION, correct_state

OWN = "%s.dkr.ecr.%s.amazonaws.com" % (ACCOUNT, REGION)
OTHER_ACCOUNT = "999988887777"
SECRET = "arn:aws:secretsmanager:%s:%s:secret:ecr-pullthroughcache/docker-hub-AbCdEf" % (REGION, ACCOUNT)
IMAGE_IDS = ("IMAGE_NEEDS_INTERNET", "IMAGE_OTHER_REGION", "CACHE_RULE_BROKEN", "CACHE_NOT_SEEDED")


# ---------------------------------------------------------------- reference grammar

@pytest.mark.parametrize("reference, registry, repository, tag, digest", [
    ("nginx", "docker.io", "library/nginx", None, None),
    ("nginx:1.27", "docker.io", "library/nginx", "1.27", None),
    ("library/nginx:1.27", "docker.io", "library/nginx", "1.27", None),
    ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", None),
    ("docker.io/nginx", "docker.io", "library/nginx", None, None),
    ("index.docker.io/library/nginx:1", "docker.io", "library/nginx", "1", None),
    ("localhost/app:dev", "localhost", "app", "dev", None),
    ("localhost:5000/app", "localhost:5000", "app", None, None),
    ("registry:5000/team/app:1", "registry:5000", "team/app", "1", None),
    ("quay.io/prometheus/node-exporter:v1.8.2", "quay.io", "prometheus/node-exporter", "v1.8.2", None),
    ("ghcr.io/org/app@sha256:" + "a" * 64, "ghcr.io", "org/app", None, "sha256:" + "a" * 64),
    ("public.ecr.aws/nginx/nginx:1.27@sha256:" + "b" * 64, "public.ecr.aws", "nginx/nginx", "1.27",
     "sha256:" + "b" * 64),
    ("%s/team/app:1" % OWN, OWN, "team/app", "1", None),
])
def test_references_parse_as_docker_does(reference, registry, repository, tag, digest):
    parsed = refs.parse(reference)
    assert (parsed["registry"], parsed["repository"], parsed["tag"], parsed["digest"]) == (
        registry, repository, tag, digest)


@pytest.mark.parametrize("reference", ["", "Nginx:1", "nginx:", "nginx@sha256:xyz", "a//b", "quay.io/"])
def test_invalid_references_are_refused(reference):
    with pytest.raises(ValueError):
        refs.parse(reference)


@pytest.mark.parametrize("registry, expected", [
    (OWN, (ACCOUNT, REGION)),
    ("%s.dkr.ecr-fips.us-east-1.amazonaws.com" % ACCOUNT, (ACCOUNT, "us-east-1")),
    ("%s.dkr.ecr.cn-north-1.amazonaws.com.cn" % ACCOUNT, (ACCOUNT, "cn-north-1")),
    ("public.ecr.aws", None), ("%s.dkr.ecr.eu-west-1.example.com" % ACCOUNT, None),
])
def test_ecr_hosts(registry, expected):
    assert refs.ecr_location(registry) == expected


def test_cache_rule_matching_longest_prefix_then_root():
    rules = {"docker-hub": {}, "docker-hub/bitnami": {}, "ROOT": {}}
    assert refs.cache_rule_for("docker-hub/library/nginx", rules) == "docker-hub"
    assert refs.cache_rule_for("docker-hub/bitnami/redis", rules) == "docker-hub/bitnami"
    assert refs.cache_rule_for("docker-hubx/nginx", rules) == "ROOT"
    assert refs.cache_rule_for("docker-hubx/nginx", {"docker-hub": {}}) is None


# ---------------------------------------------------------------- the VPC

def vpc(*workload_images, **extra):
    """correct_state() with one ECS service in subnet-a and subnet-b pulling ``workload_images``."""
    state = correct_state()
    state["workload_subnet_ids"] = ["subnet-a", "subnet-b"]
    state["workloads"] = [{"kind": "ecs_service", "name": "web", "arn": "arn:aws:ecs:%s:%s:service/prod/web"
                           % (REGION, ACCOUNT), "subnet_ids": ["subnet-a", "subnet-b"],
                           "security_group_ids": ["sg-task"], "images": list(workload_images)}]
    state["image_cache"] = extra.get("cache")
    return state


def with_nat(state, tables=("rtb-a", "rtb-b"), target="nat-1", route_state="active"):
    for table in tables:
        state["route_tables"][table]["routes"].append(
            {"destination": "0.0.0.0/0", "target": target, "state": route_state})
    return state


def docker_hub_cache(secret_exists=True, seeded=True, repository="docker-hub/library/nginx"):
    return {"account_id": ACCOUNT,
            "rules": {"docker-hub": {"prefix": "docker-hub", "upstream": "docker-hub",
                                     "upstream_registry_url": "registry-1.docker.io",
                                     "credential_secret_arn": SECRET}},
            "secrets": {SECRET: secret_exists}, "repositories": {repository: seeded}}


def image_findings(state):
    for item in checks.audit(state):
        assert item["severity"] == checks.FINDING_SEVERITIES[item["id"]]
        assert item["resource"] in item["message"] and item["remediation"]
    return [(f["id"], f["resource"]) for f in checks.audit(state) if f["severity"] in ("high", "medium")]


FAULTS = {
    "docker hub official image": (lambda: vpc("nginx:1.27"), [("IMAGE_NEEDS_INTERNET", "nginx:1.27")]),
    "docker hub user image": (lambda: vpc("bitnami/redis:7.2"), [("IMAGE_NEEDS_INTERNET", "bitnami/redis:7.2")]),
    "quay": (lambda: vpc("quay.io/prometheus/node-exporter:v1.8.2"),
             [("IMAGE_NEEDS_INTERNET", "quay.io/prometheus/node-exporter:v1.8.2")]),
    "ecr public": (lambda: vpc("public.ecr.aws/nginx/nginx:1.27"),
                   [("IMAGE_NEEDS_INTERNET", "public.ecr.aws/nginx/nginx:1.27")]),
    "gcr is not cacheable": (lambda: vpc("gcr.io/distroless/static:nonroot"),
                             [("IMAGE_NEEDS_INTERNET", "gcr.io/distroless/static:nonroot")]),
    "one subnet of two without a route out": (lambda: with_nat(vpc("nginx:1.27"), tables=("rtb-a",)),
                                              [("IMAGE_NEEDS_INTERNET", "nginx:1.27")]),
    "a blackhole default route": (lambda: with_nat(vpc("nginx:1.27"), route_state="blackhole"),
                                  [("IMAGE_NEEDS_INTERNET", "nginx:1.27")]),
    "ecr of another region": (lambda: vpc("%s.dkr.ecr.us-east-1.amazonaws.com/app:1" % ACCOUNT),
                              [("IMAGE_OTHER_REGION", "%s.dkr.ecr.us-east-1.amazonaws.com/app:1" % ACCOUNT)]),
    "cache secret deleted": (lambda: vpc("%s/docker-hub/library/nginx:1.27" % OWN,
                                         cache=docker_hub_cache(secret_exists=False)),
                             [("CACHE_RULE_BROKEN", "docker-hub")]),
    "cache not seeded": (lambda: vpc("%s/docker-hub/library/nginx:1.27" % OWN, cache=docker_hub_cache(seeded=False)),
                         [("CACHE_NOT_SEEDED", "%s/docker-hub/library/nginx:1.27" % OWN)]),
}

LOOK_ALIKES = {
    # The same Docker Hub image, from subnets whose route tables send 0.0.0.0/0 to a NAT gateway.
    "docker hub with a NAT route": lambda: with_nat(vpc("nginx:1.27")),
    # A transit gateway default route counts too (what lies past it is not judged).
    "docker hub through a transit gateway": lambda: with_nat(vpc("nginx:1.27"), target="tgw-1"),
    # A registry host that looks like Docker Hub's path but is the account's own ECR.
    "own ecr named like docker hub": lambda: vpc("%s/library/nginx:1.27" % OWN),
    # Another account's registry of the same Region: private endpoints serve it.
    "cross-account ecr in region": lambda: vpc("%s.dkr.ecr.%s.amazonaws.com/app:1" % (OTHER_ACCOUNT, REGION)),
    # FIPS host of the same Region.
    "fips ecr host": lambda: vpc("%s.dkr.ecr-fips.%s.amazonaws.com/app:1" % (ACCOUNT, REGION)),
    "ecr of another region with a NAT route": lambda: with_nat(vpc("%s.dkr.ecr.us-east-1.amazonaws.com/app:1"
                                                                   % ACCOUNT)),
    "seeded cache": lambda: vpc("%s/docker-hub/library/nginx:1.27" % OWN, cache=docker_hub_cache()),
    "unseeded cache with a NAT route": lambda: with_nat(vpc("%s/docker-hub/library/nginx:1.27" % OWN,
                                                            cache=docker_hub_cache(seeded=False))),
    # A repository under a prefix no rule has: an ordinary private repository.
    "repository outside every rule prefix": lambda: vpc("%s/docker-hubx/nginx:1" % OWN, cache=docker_hub_cache()),
    # An EKS cluster (no readable images) in subnets without a route out.
    "eks cluster without images": lambda: dict(vpc(), workloads=[{
        "kind": "eks_cluster", "name": "k", "arn": "arn:aws:eks:%s:%s:cluster/k" % (REGION, ACCOUNT),
        "subnet_ids": ["subnet-a"], "security_group_ids": ["sg-eks"], "images": []}]),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_reported_on_its_resource(name):
    build, expected = FAULTS[name]
    assert image_findings(build()) == expected


@pytest.mark.parametrize("name", sorted(LOOK_ALIKES))
def test_look_alike_is_clean(name):
    state = LOOK_ALIKES[name]()
    assert image_findings(state) == []
    assert not [f for f in checks.audit(state) if f["id"] in IMAGE_IDS]


def test_every_new_id_has_a_fault_and_a_look_alike():
    assert set(e[0] for _b, expected in FAULTS.values() for e in expected) == set(IMAGE_IDS)


# ---------------------------------------------------------------- remediations

def remediation(state, finding_id):
    return [f for f in checks.audit(state) if f["id"] == finding_id][0]["remediation"]


def test_docker_hub_remediation_names_the_rule_and_the_reference():
    text = remediation(vpc("nginx:1.27"), "IMAGE_NEEDS_INTERNET")
    assert "upstream docker-hub, prefix docker-hub" in text
    assert "ecr-pullthroughcache/" in text  # Docker Hub needs a credential secret
    assert "%s/docker-hub/library/nginx:1.27" % OWN in text


def test_quay_needs_no_secret_and_keeps_digest():
    digest = "sha256:" + "c" * 64
    text = remediation(vpc("quay.io/org/app@" + digest), "IMAGE_NEEDS_INTERNET")
    assert "no credential secret" in text and "%s/quay/org/app@%s" % (OWN, digest) in text


def test_unsupported_registry_is_copied_into_ecr():
    text = remediation(vpc("gcr.io/distroless/static:nonroot"), "IMAGE_NEEDS_INTERNET")
    assert "does not support gcr.io" in text and "docker push %s/distroless/static:nonroot" % OWN in text


def test_an_existing_rule_is_reused():
    state = vpc("nginx:1.27", cache=dict(docker_hub_cache(), rules={"hub": dict(
        docker_hub_cache()["rules"]["docker-hub"], prefix="hub")}))
    assert "existing pull-through cache rule hub" in remediation(state, "IMAGE_NEEDS_INTERNET")
    assert "%s/hub/library/nginx:1.27" % OWN in remediation(state, "IMAGE_NEEDS_INTERNET")


def test_other_region_remediation_is_replication():
    assert "replication" in remediation(vpc("%s.dkr.ecr.us-east-1.amazonaws.com/app:1" % ACCOUNT),
                                        "IMAGE_OTHER_REGION")


def test_not_seeded_remediation_seeds_from_a_host_with_egress():
    text = remediation(vpc("%s/docker-hub/library/nginx:1.27" % OWN, cache=docker_hub_cache(seeded=False)),
                       "CACHE_NOT_SEEDED")
    assert "host with internet egress" in text and "docker pull %s/docker-hub/library/nginx:1.27" % OWN in text


def test_one_finding_per_image_naming_every_workload():
    state = vpc("nginx:1.27")
    second = copy.deepcopy(state["workloads"][0])
    second.update(name="api", images=["nginx:1.27"])
    state["workloads"].append(second)
    (item,) = [f for f in checks.audit(state) if f["id"] == "IMAGE_NEEDS_INTERNET"]
    assert "ecs_service web" in item["message"] and "ecs_service api" in item["message"]


# ---------------------------------------------------------------- workload subnets, groups, registries

def test_workload_subnets_in_the_contract_order():
    found = [{"subnet_ids": ["subnet-b", "subnet-a"]}, {"subnet_ids": ["subnet-a"]}]
    assert images.workload_subnet_choice(["subnet-c"], found, ["subnet-x"]) == ["subnet-c"]
    assert images.workload_subnet_choice([], found, ["subnet-x"]) == ["subnet-a", "subnet-b"]
    assert images.workload_subnet_choice([], [], ["subnet-x"]) == ["subnet-x"]
    assert images.workload_group_ids([{"security_group_ids": ["sg-2"]}], ["sg-1", "sg-2"]) == ["sg-1", "sg-2"]


def test_same_region_ecr_accounts_join_the_registry_accounts():
    state = vpc("%s/a:1" % OWN, "%s.dkr.ecr.%s.amazonaws.com/b:1" % (OTHER_ACCOUNT, REGION),
                "%s.dkr.ecr.us-east-1.amazonaws.com/c:1" % OTHER_ACCOUNT, "nginx")
    assert images.image_registry_accounts(state) == sorted([ACCOUNT, OTHER_ACCOUNT])


def test_image_paths_for_the_reports():
    from ansible_collections.privatelink.ecr.plugins.modules.ecr_private_endpoints_info import vpc_result
    state = vpc("nginx:1.27", "%s/app:1" % OWN, "%s/docker-hub/library/nginx:1" % OWN,
                cache=docker_hub_cache(seeded=False, repository="docker-hub/library/nginx"))
    paths = dict((p["reference"], p["path"]) for p in refs.image_paths(vpc_result(ACCOUNT, state)))
    assert paths == {"nginx:1.27": "none", "%s/app:1" % OWN: "private endpoint",
                     "%s/docker-hub/library/nginx:1" % OWN: "pull-through cache (not seeded)"}
    state = with_nat(vpc("nginx:1.27"))
    assert refs.image_paths(vpc_result(ACCOUNT, state))[0]["path"] == "internet"


def test_image_accounts_join_the_registry_accounts_of_the_policy_check():
    state = vpc("%s.dkr.ecr.%s.amazonaws.com/b:1" % (OTHER_ACCOUNT, REGION))
    assert images.with_image_registries(state)["registry_account_ids"] == sorted([ACCOUNT, OTHER_ACCOUNT])
    # given registry accounts are kept, and images of the same accounts add nothing
    state = dict(vpc("%s/a:1" % OWN), registry_account_ids=["444455556666"])
    assert images.with_image_registries(state)["registry_account_ids"] == sorted(["444455556666", ACCOUNT])
    state = vpc("%s/a:1" % OWN, "nginx")
    assert "registry_account_ids" not in images.with_image_registries(state)
