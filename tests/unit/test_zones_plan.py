"""The hub-and-spoke zones plan: names from the services' private DNS names, records, hub and spoke plans."""

from ansible_collections.privatelink.ecr.plugins.module_utils._zones_plan import (
    ZONE_PLACEHOLDER,
    dns_names_of,
    plan_hub,
    plan_hub_absent,
    plan_spoke,
    predict,
    record_key,
    target_of,
    view,
    wanted_zones,
)
from ansible_collections.privatelink.ecr.plugins.module_utils._zones import service_dns

REGION = "eu-west-1"
HUB, SPOKE = "vpc-hub", "vpc-spoke"
HUB_ACCOUNT, SPOKE_ACCOUNT = "111111111111", "222222222222"
OWNED = {"ManagedBy": "privatelink.ecr"}

DETAILS = [
    {"ServiceName": "com.amazonaws.eu-west-1.ecr.api", "ServiceType": [{"ServiceType": "Interface"}],
     "PrivateDnsName": "api.ecr.eu-west-1.amazonaws.com",
     "PrivateDnsNames": [{"PrivateDnsName": "api.ecr.eu-west-1.amazonaws.com"}]},
    {"ServiceName": "com.amazonaws.eu-west-1.ecr.dkr", "ServiceType": [{"ServiceType": "Interface"}],
     "PrivateDnsName": "*.dkr.ecr.eu-west-1.amazonaws.com"},
    {"ServiceName": "com.amazonaws.eu-west-1.logs", "ServiceType": [{"ServiceType": "Interface"}],
     "PrivateDnsNames": [{"PrivateDnsName": "logs.eu-west-1.amazonaws.com"}]},
]


def zones():
    dns, missing = service_dns(DETAILS, ["ecr.api", "ecr.dkr", "logs"], REGION)
    assert missing == []
    found, no_dns = wanted_zones(["ecr.api", "ecr.dkr", "s3", "logs"], dns)
    assert no_dns == []
    return found


def target(service):
    return {"vpc_endpoint_id": "vpce-" + service, "dns_name": "vpce-%s.vpce.amazonaws.com" % service,
            "hosted_zone_id": "ZVPCE", "state": "available"}


TARGETS = {s: target(s) for s in ("ecr.api", "ecr.dkr", "logs")}


def converged_hub():
    """The hub's zones after a first run."""
    current = []
    for zone in zones():
        records = {record_key(zone["name"]): {"dns_name": TARGETS[zone["service"]]["dns_name"],
                                              "hosted_zone_id": "ZVPCE"}}
        if zone["wildcard"]:
            records[record_key("*." + zone["name"])] = dict(records[record_key(zone["name"])])
        current.append({"zone_id": "Z" + zone["service"], "name": zone["name"], "account_id": HUB_ACCOUNT,
                        "owned": True, "tags": dict(OWNED), "vpcs": [[HUB, REGION]], "records": records,
                        "authorizations": []})
    return current


def test_zone_names_come_from_the_private_dns_names_and_s3_is_never_centralized():
    assert [(z["name"], z["service"], z["wildcard"]) for z in zones()] == [
        ("api.ecr.eu-west-1.amazonaws.com", "ecr.api", False),
        ("dkr.ecr.eu-west-1.amazonaws.com", "ecr.dkr", True),
        ("logs.eu-west-1.amazonaws.com", "logs", False),
    ]
    assert dns_names_of({"PrivateDnsName": "Api.ECR.eu-west-1.amazonaws.com."}) == ["api.ecr.eu-west-1.amazonaws.com"]
    # A service with no private DNS name cannot be stood in for by a zone.
    assert wanted_zones(["ecr.api", "kinesis"], {"ecr.api": {"dns_names": ["api.x"]}})[1] == ["kinesis"]


def test_target_is_the_endpoints_regional_dns_entry():
    endpoint = {"vpc_endpoint_id": "vpce-1", "state": "available", "dns_entries": [
        {"dns_name": "vpce-1-abc.api.ecr.eu-west-1.vpce.amazonaws.com.", "hosted_zone_id": "Z1"},
        {"dns_name": "vpce-1-abc-eu-west-1a.api.ecr.eu-west-1.vpce.amazonaws.com", "hosted_zone_id": "Z1"}]}
    assert target_of(endpoint)["dns_name"] == "vpce-1-abc.api.ecr.eu-west-1.vpce.amazonaws.com"
    assert target_of({"vpc_endpoint_id": "vpce-2", "dns_entries": []}) is None


def test_empty_hub_creates_one_owned_zone_per_name_with_apex_and_wildcard_records():
    actions, left = plan_hub(zones(), [], TARGETS, HUB, REGION, tags={"Team": "net"})
    assert left == []
    assert [a["action"] for a in actions] == ["create_zone"] * 3 + ["upsert_records"] * 3
    create = actions[0]["details"]
    assert create["tags"] == {"Team": "net", "ManagedBy": "privatelink.ecr"} and create["vpc_id"] == HUB
    records = dict((a["service"], [r["name"] for r in a["details"]["records"]]) for a in actions[3:])
    assert records == {"ecr.api": ["api.ecr.eu-west-1.amazonaws.com"],
                       "ecr.dkr": ["*.dkr.ecr.eu-west-1.amazonaws.com", "dkr.ecr.eu-west-1.amazonaws.com"],
                       "logs": ["logs.eu-west-1.amazonaws.com"]}
    assert all(a["details"]["zone_id"] == ZONE_PLACEHOLDER for a in actions)
    after = view(predict([], actions), zones(), HUB)
    assert sorted(after) == ["api.ecr.eu-west-1.amazonaws.com", "dkr.ecr.eu-west-1.amazonaws.com",
                             "logs.eu-west-1.amazonaws.com"]
    assert after["dkr.ecr.eu-west-1.amazonaws.com"]["associated"]
    assert after["dkr.ecr.eu-west-1.amazonaws.com"]["service"] == "ecr.dkr"


def test_converged_hub_plans_nothing_and_a_moved_endpoint_rewrites_only_its_records():
    assert plan_hub(zones(), converged_hub(), TARGETS, HUB, REGION) == ([], [])
    moved = dict(TARGETS, **{"ecr.dkr": dict(target("ecr.dkr"), dns_name="vpce-new.vpce.amazonaws.com")})
    actions = plan_hub(zones(), converged_hub(), moved, HUB, REGION)[0]
    assert [(a["service"], a["action"]) for a in actions] == [("ecr.dkr", "upsert_records")]
    assert {r["alias_dns_name"] for r in actions[0]["details"]["records"]} == {"vpce-new.vpce.amazonaws.com"}
    # A wildcard record deleted by hand comes back alone.
    current = converged_hub()
    del current[1]["records"][record_key("*.dkr.ecr.eu-west-1.amazonaws.com")]
    actions = plan_hub(zones(), current, TARGETS, HUB, REGION)[0]
    assert [r["name"] for r in actions[0]["details"]["records"]] == ["*.dkr.ecr.eu-west-1.amazonaws.com"]


def test_unowned_zone_of_a_wanted_name_is_left_alone():
    current = converged_hub()
    current[0].update(owned=False, tags={}, records={})
    actions, left = plan_hub(zones(), current, TARGETS, HUB, REGION)
    assert actions == [] and [(x["service"], x["zone_id"]) for x in left] == [("ecr.api", "Zecr.api")]
    assert [a["details"]["zone_id"] for a in plan_hub_absent(zones(), current, HUB)] == ["Zecr.dkr", "Zlogs"]


def test_hub_absent_deletes_owned_zones_with_their_records():
    actions = plan_hub_absent(zones(), converged_hub(), HUB)
    assert [a["action"] for a in actions] == ["delete_zone"] * 3
    assert actions[1]["details"]["records"] == [record_key("*.dkr.ecr.eu-west-1.amazonaws.com"),
                                                record_key("dkr.ecr.eu-west-1.amazonaws.com")]
    assert predict(converged_hub(), actions) == []


def test_spoke_of_another_account_is_associated_through_an_authorization():
    actions, left, missing = plan_spoke(zones(), converged_hub(), SPOKE, REGION, SPOKE_ACCOUNT)
    assert (left, missing) == ([], [])
    assert [a["action"] for a in actions] == ["associate"] * 3
    assert all(a["details"]["cross_account"] and a["details"]["zone_account_id"] == HUB_ACCOUNT for a in actions)
    after = predict(converged_hub(), actions)
    assert plan_spoke(zones(), after, SPOKE, REGION, SPOKE_ACCOUNT) == ([], [], [])


def test_spoke_of_the_hubs_account_associates_directly():
    actions = plan_spoke(zones(), converged_hub(), SPOKE, REGION, HUB_ACCOUNT)[0]
    assert [a["details"]["cross_account"] for a in actions] == [False] * 3


def test_an_authorization_left_behind_is_deleted_and_one_removed_association_is_repaired():
    current = converged_hub()
    for zone in current:
        zone["vpcs"].append([SPOKE, REGION])
    current[0]["authorizations"] = [[SPOKE, REGION]]
    current[2]["vpcs"] = [[HUB, REGION]]
    actions = plan_spoke(zones(), current, SPOKE, REGION, SPOKE_ACCOUNT)[0]
    assert [(a["service"], a["action"]) for a in actions] == [("logs", "associate"),
                                                              ("ecr.api", "delete_authorization")]


def test_spoke_absent_disassociates_only_from_owned_zones_and_a_missing_zone_is_reported():
    current = converged_hub()
    for zone in current:
        zone["vpcs"].append([SPOKE, REGION])
    current[0].update(owned=False, tags={})
    actions, left = plan_spoke(zones(), current, SPOKE, REGION, SPOKE_ACCOUNT, present=False)[:2]
    assert [(a["service"], a["action"]) for a in actions] == [("ecr.dkr", "disassociate"), ("logs", "disassociate")]
    assert [x["service"] for x in left] == ["ecr.api"]
    missing = plan_spoke(zones(), converged_hub()[:2], SPOKE, REGION, SPOKE_ACCOUNT)[2]
    assert missing == ["logs.eu-west-1.amazonaws.com"]
