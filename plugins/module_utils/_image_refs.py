# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container image references: parsed as Docker does, judged by registry (private; pure functions).

The grammar is the one of Docker's reference library (distribution/reference, as containerd vendors it:
https://pkg.go.dev/github.com/containerd/containerd/reference/docker):
``reference := name [":" tag] ["@" digest]``, ``name := [domain "/"] path-component ["/" path-component]*``.
The first component is a registry host only when it holds a ``.`` or a ``:`` or is ``localhost``; with no
host the image is Docker Hub's (``docker.io``), and a one-component Docker Hub path is an official image
under ``library/``.

Private ECR hosts are ``ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]`` (ECR user guide, "Amazon ECR
private registry": https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html). The upstream
registries a pull-through cache rule supports are those of ``_pull_through_cache.UPSTREAMS`` (ECR user guide,
pull-through-cache.html).

Python standard library only: the posture report's model (``report.model``, also run without Ansible by
playbooks/files/render_posture.py) uses ``image_paths``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

DOCKER_HUB = "docker.io"
# Names Docker treats as Docker Hub itself.
DOCKER_HUB_ALIASES = ("docker.io", "index.docker.io", "registry-1.docker.io")
ECR_HOST = re.compile(r"^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")
_PATH_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")

# Registry host -> the pull-through cache upstream serving it, and the prefix the remediation proposes.
_FIXED_UPSTREAMS = {
    DOCKER_HUB: ("docker-hub", "docker-hub"),
    "public.ecr.aws": ("ecr-public", "ecr-public"),
    "quay.io": ("quay", "quay"),
    "ghcr.io": ("github-container-registry", "github"),
    "registry.k8s.io": ("k8s", "k8s"),
    "registry.gitlab.com": ("gitlab-container-registry", "gitlab"),
    "cgr.dev": ("chainguard", "chainguard"),
}
_AZURE = re.compile(r"^([a-z0-9-]+)\.azurecr\.io$")


def parse(reference):
    """``{reference, registry, repository, tag, digest}`` of an image reference; raise ValueError if invalid.

    ``registry`` is ``docker.io`` when the reference names no host; ``repository`` is the path inside the
    registry (``library/nginx`` for ``nginx``).
    """
    text = (reference or "").strip()
    rest, digest = text, None
    if "@" in rest:
        rest, digest = rest.split("@", 1)
        if not _DIGEST.match(digest):
            raise ValueError("image %r: %r is not a digest (ALGORITHM:HEX)" % (reference, digest))
    parts = rest.split("/")
    registry = None
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry = parts[0]
        parts = parts[1:]
    tag = None
    if ":" in parts[-1]:
        parts[-1], tag = parts[-1].rsplit(":", 1)
        if not _TAG.match(tag):
            raise ValueError("image %r: %r is not a tag" % (reference, tag))
    if not parts or not all(_PATH_COMPONENT.match(p) for p in parts):
        raise ValueError("image %r: %r is not a repository path (lowercase components separated by /)"
                         % (reference, "/".join(parts)))
    if registry is None or registry.lower() in DOCKER_HUB_ALIASES:
        registry = DOCKER_HUB
        if len(parts) == 1:
            parts = ["library"] + parts  # an official image
    return {"reference": text, "registry": registry, "repository": "/".join(parts), "tag": tag, "digest": digest}


def ecr_location(registry):
    """``(account_id, region)`` of a private ECR registry host, else None."""
    match = ECR_HOST.match(registry or "")
    return (match.group(1), match.group(3)) if match else None


def upstream_of(registry):
    """``(upstream, proposed prefix)`` of the pull-through cache upstream serving ``registry``, else None."""
    if registry in _FIXED_UPSTREAMS:
        return _FIXED_UPSTREAMS[registry]
    match = _AZURE.match(registry or "")
    if match:
        return "azure-container-registry", "azure"
    return None


def suffix(parsed):
    """``:tag`` and/or ``@digest`` as the reference wrote them."""
    return "%s%s" % (":" + parsed["tag"] if parsed.get("tag") else "",
                     "@" + parsed["digest"] if parsed.get("digest") else "")


def classify(parsed, region):
    """``ecr`` (same region), ``ecr_other_region`` or ``external``."""
    location = ecr_location(parsed["registry"])
    if location is None:
        return "external"
    return "ecr" if location[1] == region else "ecr_other_region"


def cache_rule_for(repository, rules):
    """The prefix of the rule whose cache holds ``repository`` (longest prefix first; ROOT last), else None."""
    best = None
    for prefix in rules:
        if prefix == "ROOT":
            continue
        if repository.startswith(prefix.rstrip("/") + "/") and (best is None or len(prefix) > len(best)):
            best = prefix
    if best is None and "ROOT" in rules:
        return "ROOT"
    return best


PATH_ENDPOINT = "private endpoint"
PATH_CACHE = "pull-through cache"
PATH_INTERNET = "internet"
PATH_NONE = "none"


def image_paths(vpc):
    """Per distinct image of a VPC result (``workloads`` and ``findings``, as the info module returns them):
    ``[{reference, registry, path, workloads}]`` for the reports. ``path`` is how the image is pulled now:
    ``private endpoint``, ``pull-through cache (not seeded)``, ``pull-through cache (rule broken)``,
    ``internet`` (a default route), ``none`` (no way out: IMAGE_NEEDS_INTERNET / IMAGE_OTHER_REGION) or
    ``unparsed``."""
    by_resource = {}
    for item in vpc.get("findings") or []:
        by_resource.setdefault(item["resource"], set()).add(item["id"])
    broken = [item["resource"] for item in vpc.get("findings") or [] if item["id"] == "CACHE_RULE_BROKEN"]
    region = vpc.get("region")
    entries, order = {}, []
    for workload in vpc.get("workloads") or []:
        for reference in workload.get("images") or []:
            if reference not in entries:
                entries[reference] = {"reference": reference, "registry": None, "path": None, "workloads": []}
                order.append(reference)
            label = "%s %s" % (workload.get("kind"), workload.get("name"))
            if label not in entries[reference]["workloads"]:
                entries[reference]["workloads"].append(label)
    for reference in order:
        entry = entries[reference]
        ids = by_resource.get(reference) or set()
        try:
            parsed = parse(reference)
        except ValueError:
            entry["path"] = "unparsed"
            continue
        entry["registry"] = parsed["registry"]
        kind = classify(parsed, region)
        if ids & set(["IMAGE_NEEDS_INTERNET", "IMAGE_OTHER_REGION"]):
            entry["path"] = PATH_NONE
        elif "CACHE_NOT_SEEDED" in ids:
            entry["path"] = PATH_CACHE + " (not seeded)"
        elif kind == "ecr" and cache_rule_for(parsed["repository"], dict((p, {}) for p in broken)):
            entry["path"] = PATH_CACHE + " (rule broken)"
        elif kind == "ecr":
            entry["path"] = PATH_ENDPOINT
        else:
            entry["path"] = PATH_INTERNET
    return [entries[r] for r in order]
