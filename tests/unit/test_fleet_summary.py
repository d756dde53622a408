"""The fleet summary that ends privatelink.ecr.deploy and privatelink.ecr.destroy (filter fleet_summary)."""

from ansible_collections.privatelink.ecr.plugins.filter.fleet_summary import (
    FilterModule,
    count_changes,
    fleet_summary,
    host_counts,
)

ZONE = "api.ecr.eu-west-1.amazonaws.com"


def endpoint_result(*actions, failed=False, changed=None):
    changes = [{"service": service, "action": action, "details": {}} for service, action in actions]
    result = {"changed": bool(changes) if changed is None else changed, "changes": changes}
    if failed:
        result.update(failed=True, msg="AWS said no")
    return result


def zone(action, name=ZONE, service="ecr.api"):
    return {"service": service, "action": action, "details": {"name": name, "zone_id": "Z1"}}


def rule(action, prefix="ecr-public"):
    return {"prefix": prefix, "action": action, "details": {}}


SKIPPED = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}


def test_endpoint_and_group_actions_count_as_their_kind():
    changes = endpoint_result(("ecr.api", "create"), ("ecr.dkr", "modify"), ("logs", "adopt"), ("s3", "delete"),
                              ("security_group", "create"))["changes"]
    assert count_changes(changes) == {"create": 2, "modify": 1, "adopt": 1, "delete": 1}


def test_pull_through_cache_update_is_a_modify():
    changes = [rule("create", "docker-hub"), rule("update", "quay"), rule("update", "ghcr"), rule("delete", "k8s")]
    assert count_changes(changes) == {"create": 1, "modify": 2, "adopt": 0, "delete": 1}


def test_a_zone_created_with_its_records_and_tags_is_one_create():
    changes = [zone("create_zone"), zone("upsert_records"), zone("tag_zone")]
    assert count_changes(changes) == {"create": 1, "modify": 0, "adopt": 0, "delete": 0}


def test_records_and_tags_of_an_existing_zone_are_modifies():
    # The dkr zone is created; the api zone existed: its record and tag repairs are changes to it.
    other = "dkr.ecr.eu-west-1.amazonaws.com"
    changes = [zone("create_zone", other, "ecr.dkr"), zone("upsert_records", other, "ecr.dkr"),
               zone("tag_zone"), zone("upsert_records")]
    assert count_changes(changes) == {"create": 1, "modify": 2, "adopt": 0, "delete": 0}


def test_spoke_associations_create_and_leaving_deletes():
    assert count_changes([zone("associate"), zone("associate", "logs.eu-west-1.amazonaws.com", "logs")]) == \
        {"create": 2, "modify": 0, "adopt": 0, "delete": 0}
    assert count_changes([zone("delete_authorization"), zone("disassociate"), zone("delete_zone")]) == \
        {"create": 0, "modify": 0, "adopt": 0, "delete": 3}


def test_an_unknown_action_still_counts_as_a_change():
    assert count_changes([{"service": "x", "action": "rotate"}]) == {"create": 0, "modify": 1, "adopt": 0,
                                                                     "delete": 0}


def test_nothing_to_count():
    assert count_changes(None) == count_changes([]) == {"create": 0, "modify": 0, "adopt": 0, "delete": 0}


def test_a_host_adds_up_every_registered_result_and_ignores_skipped_ones():
    variables = {
        "vpc_endpoints_result": endpoint_result(("ecr.api", "create"), ("s3", "modify")),
        "vpc_endpoints_zones_result": {"changed": True, "changes": [zone("create_zone"), zone("upsert_records")]},
        "vpc_endpoints_zones_absent_result": SKIPPED,
        "ecr_pull_through_cache_result": {"changed": True, "changes": [rule("update")]},
        "unrelated": {"changes": [zone("delete_zone")]},
    }
    assert host_counts(variables) == ({"create": 2, "modify": 2, "adopt": 0, "delete": 0}, False)
    # Only the names asked for are read.
    assert host_counts(variables, ["unrelated"]) == ({"create": 0, "modify": 0, "adopt": 0, "delete": 1}, False)


def test_a_loop_result_counts_each_item():
    loop = {"changed": True, "msg": "All items completed", "results": [
        {"item": "a", "changes": [rule("create", "a")]}, {"item": "b", "changes": [rule("create", "b")]}, SKIPPED]}
    assert host_counts({"ecr_pull_through_cache_result": loop}) == \
        ({"create": 2, "modify": 0, "adopt": 0, "delete": 0}, False)


def test_check_mode_plan_lists_only_hosts_with_actions():
    hostvars = {
        "a": {"vpc_endpoints_result": endpoint_result(*[(s, "create") for s in ("ecr.api", "ecr.dkr", "logs", "s3",
                                                                                "security_group")])},
        "b": {"vpc_endpoints_result": endpoint_result()},
        "c": {"vpc_endpoints_result": endpoint_result(("ecr.api", "adopt"), ("logs", "modify"))},
        "d": {},
    }
    summary = fleet_summary(["a", "b", "c", "d"], hostvars, check_mode=True)
    assert summary["lines"] == ["a: 5 to create, 0 to modify, 0 to adopt, 0 to delete",
                                "c: 0 to create, 1 to modify, 1 to adopt, 0 to delete"]
    assert summary["line"] == "Plan: 5 to create, 1 to modify, 1 to adopt, 0 to delete; 2 of 4 hosts unchanged"
    assert summary["totals"] == {"create": 5, "modify": 1, "adopt": 1, "delete": 0}
    assert (summary["unchanged"], summary["total"], summary["failed"]) == (2, 4, [])
    assert [h["host"] for h in summary["hosts"]] == ["a", "c"]
    assert summary["hosts"][1] == {"host": "c", "create": 0, "modify": 1, "adopt": 1, "delete": 0, "failed": False}


def test_applied_run_with_nothing_to_do():
    hostvars = dict((h, {"vpc_endpoints_result": endpoint_result(), "vpc_endpoints_zones_result": SKIPPED})
                    for h in ("a", "b", "c"))
    summary = fleet_summary(["a", "b", "c"], hostvars)
    assert summary["lines"] == []
    assert summary["line"] == "Applied: 0 to create, 0 to modify, 0 to adopt, 0 to delete; 3 of 3 hosts unchanged"
    assert summary["check_mode"] is False


def test_failed_hosts_count_in_n_never_as_unchanged_and_keep_what_they_applied():
    hostvars = {
        # Failed before its module ran (the play says so): no result at all.
        "early": {},
        # The module failed after applying one create: that create happened and is counted.
        "late": {"vpc_endpoints_result": endpoint_result(("ecr.api", "create"), failed=True, changed=True)},
        "fine": {"vpc_endpoints_result": endpoint_result()},
    }
    summary = fleet_summary(["early", "late", "fine"], hostvars, failed=["early"])
    assert summary["lines"] == ["early: failed; 0 to create, 0 to modify, 0 to adopt, 0 to delete",
                                "late: failed; 1 to create, 0 to modify, 0 to adopt, 0 to delete"]
    assert summary["line"] == "Applied: 1 to create, 0 to modify, 0 to adopt, 0 to delete; 1 of 3 hosts unchanged"
    assert summary["failed"] == ["early", "late"]
    assert [h["failed"] for h in summary["hosts"]] == [True, True]


def test_hosts_missing_from_hostvars_and_the_order_of_the_lines():
    hostvars = {"z": {"vpc_endpoints_result": endpoint_result(("s3", "delete"))},
                "a": {"vpc_endpoints_result": endpoint_result(("s3", "delete"))}}
    summary = fleet_summary(["z", "ghost", "a"], hostvars)
    assert [line.split(":")[0] for line in summary["lines"]] == ["z", "a"]
    assert summary["line"].endswith("; 1 of 3 hosts unchanged")


def test_the_result_names_read_can_be_given():
    hostvars = {"a": {"my_result": endpoint_result(("ecr.api", "create")),
                      "vpc_endpoints_result": endpoint_result(("ecr.dkr", "create"))}}
    assert fleet_summary(["a"], hostvars, results=["my_result"])["totals"]["create"] == 1
    assert fleet_summary(["a"], hostvars, results=["my_result", "vpc_endpoints_result"])["totals"]["create"] == 2


def test_no_hosts():
    assert fleet_summary([], {}, check_mode=True)["line"] == \
        "Plan: 0 to create, 0 to modify, 0 to adopt, 0 to delete; 0 of 0 hosts unchanged"


def test_the_filter_is_exported():
    assert FilterModule().filters() == {"fleet_summary": fleet_summary}
