"""The plan: every action kind, exact add/remove sets, ownership, no-op."""

from ansible_collections.privatelink.ecr.plugins.module_utils._plan import (
    endpoints_by_service,
    plan_absent,
    plan_present,
    plan_security_group,
    predict,
)

from ansible_collections.privatelink.ecr.tests.unit.plan_fixtures import REGION, desired, endpoint, fargate_current, fargate_desired


def actions_of(plan, kind):
    return [a for a in plan if a["action"] == kind]


def test_matching_state_plans_nothing():
    assert plan_present(fargate_desired(), fargate_current(), REGION) == []


def test_empty_vpc_plans_one_create_per_service_with_ownership_tag():
    plan = plan_present(fargate_desired(tags={"Team": "platform"}), [], REGION)
    assert [a["service"] for a in plan] == ["ecr.api", "ecr.dkr", "s3", "logs"]
    assert all(a["action"] == "create" for a in plan)
    s3 = plan[2]["details"]
    assert s3["vpc_endpoint_type"] == "Gateway" and s3["route_table_ids"] == ["rtb-aaaaaaaa"]
    assert "subnet_ids" not in s3
    assert plan[0]["details"]["tags"] == {"Team": "platform", "ManagedBy": "privatelink.ecr"}


def test_subnet_and_group_drift_is_an_exact_in_place_modify():
    current = fargate_current()
    current[0]["subnet_ids"] = ["subnet-aaaaaaaa", "subnet-cccccccc"]
    current[0]["security_group_ids"] = ["sg-22222222"]
    plan = plan_present(fargate_desired(), current, REGION)
    assert plan == [{"service": "ecr.api", "action": "modify", "details": {
        "vpc_endpoint_id": "vpce-1",
        "add_subnet_ids": ["subnet-bbbbbbbb"], "remove_subnet_ids": ["subnet-cccccccc"],
        "add_security_group_ids": ["sg-11111111"], "remove_security_group_ids": ["sg-22222222"]}}]


def test_route_table_drift_modifies_the_gateway_instead_of_creating_a_second_one():
    current = fargate_current()
    current[2]["route_table_ids"] = []
    plan = plan_present(fargate_desired(), current, REGION)
    assert plan == [{"service": "s3", "action": "modify",
                     "details": {"vpc_endpoint_id": "vpce-3", "add_route_table_ids": ["rtb-aaaaaaaa"]}}]


def test_omitted_subnets_and_route_tables_keep_existing_ones():
    specs = fargate_desired()
    for spec in specs:
        spec["subnet_ids"] = None if spec["vpc_endpoint_type"] == "Interface" else None
        spec["route_table_ids"] = None
    current = fargate_current()
    current[0]["subnet_ids"] = ["subnet-zzzzzzzz"]
    current[2]["route_table_ids"] = ["rtb-zzzzzzzz"]
    assert plan_present(specs, current, REGION) == []


def test_private_dns_ip_type_policy_and_tags_are_modified_in_place():
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]}
    current = fargate_current()
    current[1].update(private_dns_enabled=False, ip_address_type="dualstack", tags={"ManagedBy": "privatelink.ecr"})
    specs = fargate_desired()
    specs[1].update(policy=policy, tags={"Team": "a"})
    plan = plan_present(specs, current, REGION)
    assert plan == [{"service": "ecr.dkr", "action": "modify", "details": {
        "vpc_endpoint_id": "vpce-2", "private_dns_enabled": True, "ip_address_type": "ipv4",
        "policy": policy, "tags": {"Team": "a"}}}]


def test_policy_equal_as_document_is_not_a_change():
    current = fargate_current()
    current[0]["policy"] = {"Version": "2012-10-17", "Statement": [
        {"Action": ["ecr:GetAuthorizationToken"], "Effect": "Allow", "Resource": ["*"], "Principal": {"AWS": "*"}}]}
    specs = fargate_desired()
    specs[0]["policy"] = {"Statement": {"Effect": "Allow", "Principal": "*", "Resource": "*",
                                        "Action": "ecr:GetAuthorizationToken"}, "Version": "2012-10-17"}
    assert plan_present(specs, current, REGION) == []


def test_custom_policy_is_reset_when_none_is_wanted():
    current = fargate_current()
    current[3]["policy"] = {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}
    plan = plan_present(fargate_desired(), current, REGION)
    assert plan == [{"service": "logs", "action": "modify",
                     "details": {"vpc_endpoint_id": "vpce-4", "reset_policy": True}}]


def test_aws_default_policy_counts_as_no_policy():
    current = fargate_current()
    current[0]["policy"] = {"Version": "2008-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
    assert plan_present(fargate_desired(), current, REGION) == []


def test_unowned_endpoint_is_adopted_not_duplicated():
    current = fargate_current(owned=False)
    current[0]["subnet_ids"] = ["subnet-aaaaaaaa"]
    plan = plan_present(fargate_desired(), current, REGION)
    assert plan == [{"service": "ecr.api", "action": "adopt",
                     "details": {"vpc_endpoint_id": "vpce-1", "add_subnet_ids": ["subnet-bbbbbbbb"]}}]


def test_unowned_endpoint_already_right_is_left_alone():
    assert plan_present(fargate_desired(), fargate_current(owned=False), REGION) == []


def test_owned_duplicates_are_deleted_and_the_oldest_kept():
    current = fargate_current() + [endpoint("vpce-9", "ecr.api", creation_timestamp="2026-02-01")]
    plan = plan_present(fargate_desired(), current, REGION)
    assert [(a["action"], a["details"]["vpc_endpoint_id"]) for a in plan] == [("delete", "vpce-9")]


def test_unowned_duplicate_is_never_deleted_and_preferred_as_keeper():
    current = fargate_current() + [endpoint("vpce-9", "ecr.api", owned=False, creation_timestamp="2026-02-01")]
    plan = plan_present(fargate_desired(), current, REGION)
    assert [(a["action"], a["details"]["vpc_endpoint_id"]) for a in plan] == [("delete", "vpce-1")]
    current[-1]["tags"] = {}
    current[0]["tags"] = {}
    assert plan_present(fargate_desired(), current, REGION) == []


def test_type_change_replaces_an_owned_endpoint_only():
    specs = fargate_desired()
    specs[2] = desired("s3", "Interface")
    plan = plan_present(specs, fargate_current(), REGION)
    assert [(a["service"], a["action"]) for a in plan] == [("s3", "delete"), ("s3", "create")]
    assert "cannot be changed in place" in plan[0]["details"]["reason"]
    unowned = fargate_current()
    unowned[2]["tags"] = {}
    plan = plan_present(specs, unowned, REGION)
    assert [(a["service"], a["action"]) for a in plan] == [("s3", "create")]


def test_deleted_endpoints_are_ignored_and_failed_owned_ones_recreated():
    current = fargate_current()
    current[0]["state"] = "deleted"
    current[1]["state"] = "failed"
    plan = plan_present(fargate_desired(), current, REGION)
    assert [(a["service"], a["action"]) for a in plan] == [("ecr.api", "create"), ("ecr.dkr", "delete"),
                                                           ("ecr.dkr", "create")]


def test_purge_deletes_only_owned_endpoints_of_unwanted_services():
    current = fargate_current() + [endpoint("vpce-5", "kms"), endpoint("vpce-6", "ssm", owned=False)]
    assert plan_present(fargate_desired(), current, REGION) == []
    plan = plan_present(fargate_desired(), current, REGION, purge_services=True)
    assert [(a["service"], a["action"], a["details"]["vpc_endpoint_id"]) for a in plan] == [("kms", "delete", "vpce-5")]


def test_absent_deletes_only_owned_endpoints_of_the_services():
    current = fargate_current() + [endpoint("vpce-6", "ssm"), endpoint("vpce-7", "logs", owned=False)]
    names = set(d["service_name"] for d in fargate_desired())
    plan = plan_absent(names, current, REGION)
    assert sorted(a["details"]["vpc_endpoint_id"] for a in plan) == ["vpce-1", "vpce-2", "vpce-3", "vpce-4"]
    plan = plan_absent(names, current, REGION, purge_services=True)
    assert sorted(a["details"]["vpc_endpoint_id"] for a in plan) == ["vpce-1", "vpce-2", "vpce-3", "vpce-4", "vpce-6"]


def test_security_group_plan():
    create = plan_security_group("ecr-private-endpoints", ["10.0.0.0/16"], {"Team": "a"}, None, "d")
    assert create["action"] == "create" and create["details"]["add_cidrs"] == ["10.0.0.0/16"]
    assert create["details"]["tags"] == {"Team": "a", "ManagedBy": "privatelink.ecr"}
    group = {"group_id": "sg-1", "group_name": "ecr-private-endpoints", "https_cidrs": ["0.0.0.0/0", "10.0.0.0/16"],
             "tags": {"ManagedBy": "privatelink.ecr", "Team": "a"}}
    modify = plan_security_group("ecr-private-endpoints", ["10.0.0.0/16"], {"Team": "a"}, group, "d")
    assert modify["action"] == "modify" and modify["details"]["remove_cidrs"] == ["0.0.0.0/0"]
    assert "add_cidrs" not in modify["details"]
    group["https_cidrs"] = ["10.0.0.0/16"]
    assert plan_security_group("ecr-private-endpoints", ["10.0.0.0/16"], {"Team": "a"}, group, "d") is None


def test_predicted_state_needs_no_further_action():
    current = fargate_current()
    current[0]["subnet_ids"] = ["subnet-cccccccc"]
    current[2]["tags"] = {}
    del current[3]
    specs = fargate_desired(tags={"Team": "a"})
    plan = plan_present(specs, current, REGION, purge_services=True)
    after = predict(current, plan, REGION)
    assert plan_present(specs, after, REGION, purge_services=True) == []
    kept = endpoints_by_service(after, specs)
    assert sorted(kept) == ["ecr.api", "ecr.dkr", "logs", "s3"]
    assert kept["ecr.api"]["vpc_endpoint_id"] == "vpce-1"
    assert kept["s3"]["tags"] == {"Team": "a"}


def test_applied_plan_names_the_created_group():
    from ansible_collections.privatelink.ecr.plugins.module_utils._endpoint_model import MANAGED_GROUP_PLACEHOLDER
    from ansible_collections.privatelink.ecr.plugins.module_utils._plan import name_created_group

    group = plan_security_group("ecr-private-endpoints", ["10.0.0.0/16"], {}, None, "d")
    plan = [group] + plan_present(fargate_desired(security_group_ids=[MANAGED_GROUP_PLACEHOLDER]), [], REGION)
    named = name_created_group(plan, "sg-12345678")
    assert named[0]["details"]["group_id"] == "sg-12345678"
    assert named[1]["details"]["security_group_ids"] == ["sg-12345678"]
    assert plan[1]["details"]["security_group_ids"] == [MANAGED_GROUP_PLACEHOLDER]
