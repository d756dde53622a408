"""Options of ecr_endpoint_zones and of the audit's ``hub`` that no other test passes, end to end against
moto_server with the AWS-semantics layer, state read back from Route 53, EC2 and STS.

The fleet of tests/integration/test_hub_and_spoke.py: a hub in account 111111111111, spoke-b in 222222222222
(peered). The hub's endpoints come from the deploy playbook limited to the hub; everything after is one module
call at a time with the options under test.
"""

import configparser
import json
import urllib.request

import boto3

# fleet is a fixture.
from tests.integration.test_hub_and_spoke import (  # noqa: F401 pylint: disable=unused-import
    HUB_ACCOUNT,
    OTHER_ACCOUNT,
    REGION,
    fleet,
    hub_zones,
    mutating,
    role_arn,
    run,
)
from tests.support.ansible_cli import run_module, run_playbook
from tests.support.seed import live_endpoints

ECR_NAMES = ["api.ecr.eu-west-1.amazonaws.com", "dkr.ecr.eu-west-1.amazonaws.com"]
LOGS_NAME = "logs.eu-west-1.amazonaws.com"


def assumed_roles(url):
    """STS's record of every AssumeRole the server answered (moto's state, read back)."""
    with urllib.request.urlopen(url + "/moto-api/data.json", timeout=120) as answer:
        data = json.loads(answer.read())
    return data.get("sts", {}).get("AssumedRole", [])


def deploy_hub(fleet):  # noqa: F811
    result = run(fleet, "playbooks/deploy.yml", "--limit", "hub")
    assert result.returncode == 0, result.stdout[-3000:]
    # The deploy made the zones for fargate's services (api, dkr, logs); these tests make their own.
    hub = fleet["vpcs"]["hub"]["vpc_id"]
    rc, out, text = zones(fleet, {"vpc_id": hub, "role_arn": role_arn(HUB_ACCOUNT), "state": "absent"})
    assert rc == 0 and hub_zones(fleet) == {}, text
    fleet["server"].clear_requests()


def zones(fleet, args, check=False):  # noqa: F811
    args = dict({"endpoint_url": fleet["server"].url, "region": REGION}, **args)
    return run_module("ecr_endpoint_zones", args, fleet["env"], check=check)


def profile_files(tmp_path, profiles):
    """A shared credentials file and an empty config file holding ``{name: boto3 credentials}``."""
    credentials = configparser.ConfigParser()
    for name, creds in profiles.items():
        credentials[name] = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                             "aws_session_token": creds["SessionToken"]}
    path = tmp_path / "credentials"
    with open(path, "w") as handle:
        credentials.write(handle)
    config = tmp_path / "config"
    config.write_text("")
    return {"AWS_SHARED_CREDENTIALS_FILE": str(path), "AWS_CONFIG_FILE": str(config)}


def assume(fleet, account, session):  # noqa: F811
    sts = boto3.client("sts", endpoint_url=fleet["server"].url, region_name=REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    return sts.assume_role(RoleArn=role_arn(account), RoleSessionName=session)["Credentials"]


def test_a_hub_workload_and_services_choose_the_zones_tags_land_and_wait_false_returns(fleet):  # noqa: F811
    deploy_hub(fleet)
    hub = fleet["vpcs"]["hub"]["vpc_id"]
    base = {"vpc_id": hub, "role_arn": role_arn(HUB_ACCOUNT), "wait": False,
            "tags": {"CostCenter": "platform", "Team": "containers"}}
    # workload=ecr centralizes ecr.api and ecr.dkr only (S3 never): two zones, not fargate's three.
    rc, result, out = zones(fleet, dict(base, workload="ecr"))
    assert rc == 0 and result["changed"], out
    found = hub_zones(fleet)
    assert sorted(found) == ECR_NAMES
    for name in ECR_NAMES:
        assert found[name]["private"] and found[name]["vpcs"] == [hub]
        assert found[name]["tags"] == {"CostCenter": "platform", "Team": "containers",
                                       "ManagedBy": "privatelink.ecr"}, found[name]["tags"]
    # wait=false sends the record changes and returns without polling GetChange.
    assert not any(k.endswith("GetChange") for k in fleet["server"].requests()), fleet["server"].requests()
    # services= replaces the workload's list: logs is added, a tag value changed in place.
    fleet["server"].clear_requests()
    rc, result, out = zones(fleet, dict(base, services=["ecr.api", "ecr.dkr", "logs"], wait=True,
                                        wait_timeout=120, tags={"CostCenter": "shared"}))
    assert rc == 0 and result["changed"], out
    found = hub_zones(fleet)
    assert sorted(found) == sorted(ECR_NAMES + [LOGS_NAME])
    assert found[LOGS_NAME]["tags"] == {"CostCenter": "shared", "ManagedBy": "privatelink.ecr"}
    assert found[ECR_NAMES[0]]["tags"]["CostCenter"] == "shared" and found[ECR_NAMES[0]]["tags"]["Team"] == "containers"
    assert found[LOGS_NAME]["records"] == {(LOGS_NAME, "A"): found[LOGS_NAME]["records"][(LOGS_NAME, "A")]}
    assert any(k.endswith("GetChange") for k in fleet["server"].requests())
    # The same options again: nothing to do.
    fleet["server"].clear_requests()
    rc, result, out = zones(fleet, dict(base, services=["ecr.api", "ecr.dkr", "logs"], tags={"CostCenter": "shared"}))
    assert rc == 0 and not result["changed"], out
    assert mutating(fleet["server"]) == {}


def test_a_spoke_finds_its_hub_by_name_through_the_zone_owners_role_and_session(fleet):  # noqa: F811
    deploy_hub(fleet)
    hub = fleet["vpcs"]["hub"]["vpc_id"]
    rc, result, out = zones(fleet, {"vpc_id": hub, "role_arn": role_arn(HUB_ACCOUNT), "workload": "ecr"})
    assert rc == 0, out
    spoke = fleet["vpcs"]["spoke-b"]["vpc_id"]
    owner = {"role_arn": role_arn(HUB_ACCOUNT), "external_id": "hub-trust-7f3a", "role_session_name": "zones-owner-b"}
    rc, result, out = zones(fleet, {"vpc_id": spoke, "role_arn": role_arn(OTHER_ACCOUNT),
                                    "role_session_name": "spoke-b-run", "hub_vpc_name": "hub",
                                    "zone_owner": owner, "workload": "ecr"})
    assert rc == 0 and result["changed"], out
    # hub_vpc_name was looked up in the hub's account (the zone owner's): the spoke is on the hub's zones.
    found = hub_zones(fleet)
    assert all(sorted(found[name]["vpcs"]) == sorted([hub, spoke]) for name in ECR_NAMES), found
    assert all(found[name]["authorizations"] == [] for name in ECR_NAMES)
    # STS holds the two sessions the run opened, each with its name, role and external id.
    sessions = {(r["role_arn"], r["session_name"]): r for r in assumed_roles(fleet["server"].url)}
    assert (role_arn(HUB_ACCOUNT), "zones-owner-b") in sessions, sorted(sessions)
    assert sessions[(role_arn(HUB_ACCOUNT), "zones-owner-b")]["external_id"] == "hub-trust-7f3a"
    assert (role_arn(OTHER_ACCOUNT), "spoke-b-run") in sessions, sorted(sessions)
    # The audit of the spoke for the ecr workload through its hub by id: the hub's two zones serve it.
    rc, audit, out = run_module("ecr_private_endpoints_info", {
        "vpc_ids": [spoke], "role_arn": role_arn(OTHER_ACCOUNT), "workload": "ecr",
        "hub": {"vpc_id": hub, "role_arn": role_arn(HUB_ACCOUNT)},
        "endpoint_url": fleet["server"].url, "region": REGION}, fleet["env"])
    assert rc == 0, out
    [vpc] = audit["vpcs"]
    assert vpc["hub"]["vpc_id"] == hub and vpc["hub"]["services"] == ["ecr.api", "ecr.dkr"]
    assert sorted(vpc["hub"]["zone_ids"]) == sorted(found[name]["zone_id"] for name in ECR_NAMES)
    assert "HUB_ZONE_BROKEN" not in [f["id"] for f in vpc["findings"]], vpc["findings"]
    # ecr's interface services (S3 is a free gateway): what the spoke would pay with endpoints of its own.
    assert vpc["per_vpc_design_monthly_usd"] == round(2 * 3 * 730 * 0.01, 2)
    # A hub name no VPC of the hub's account carries fails naming it, before any change.
    fleet["server"].clear_requests()
    rc, result, out = zones(fleet, {"vpc_id": spoke, "role_arn": role_arn(OTHER_ACCOUNT), "hub_vpc_name": "spoke-b",
                                    "zone_owner": owner, "workload": "ecr", "state": "absent"})
    assert rc != 0 and "spoke-b" in result["msg"], out
    assert mutating(fleet["server"]) == {}
    assert all(spoke in hub_zones(fleet)[name]["vpcs"] for name in ECR_NAMES)


def test_zone_owner_and_hub_profiles_read_the_hubs_account_and_the_audit_reports_its_zones(fleet, tmp_path):  # noqa: F811
    deploy_hub(fleet)
    hub = fleet["vpcs"]["hub"]["vpc_id"]
    rc, result, out = zones(fleet, {"vpc_id": hub, "role_arn": role_arn(HUB_ACCOUNT),
                                    "services": ["ecr.api", "ecr.dkr"]})
    assert rc == 0, out
    spoke = fleet["vpcs"]["spoke-b"]["vpc_id"]
    env = dict(fleet["env"], **profile_files(tmp_path, {"hub-admin": assume(fleet, HUB_ACCOUNT, "profile-seed")}))
    # The zone owner by its profile alone (no role): the hub's account through the profile's credentials.
    args = {"vpc_id": spoke, "role_arn": role_arn(OTHER_ACCOUNT), "hub_vpc_id": hub,
            "zone_owner": {"profile": "hub-admin"}, "services": ["ecr.api", "ecr.dkr"],
            "endpoint_url": fleet["server"].url, "region": REGION}
    rc, result, out = run_module("ecr_endpoint_zones", args, env)
    assert rc == 0 and result["changed"], out
    found = hub_zones(fleet)
    assert all(spoke in found[name]["vpcs"] for name in ECR_NAMES), found

    # The audit of the spoke through its hub, the hub given by name and profile with a role and session on top.
    hub_args = {"vpc_name": "hub", "profile": "hub-admin", "role_arn": role_arn(HUB_ACCOUNT),
                "external_id": "audit-hub-42", "role_session_name": "audit-hub"}
    info = {"vpc_ids": [spoke], "role_arn": role_arn(OTHER_ACCOUNT), "hub": hub_args,
            "services": ["ecr.api", "ecr.dkr"], "extra_services": ["logs"],
            "endpoint_url": fleet["server"].url, "region": REGION}
    rc, result, out = run_module("ecr_private_endpoints_info", info, env)
    assert rc == 0, out
    vpc = result["vpcs"][0]
    # Route 53 read back: the hub's zones serving the spoke are the ones the audit names.
    assert vpc["hub"]["vpc_id"] == hub and vpc["hub"]["account_id"] == HUB_ACCOUNT
    assert sorted(vpc["hub"]["zone_ids"]) == sorted(found[name]["zone_id"] for name in ECR_NAMES)
    # extra_services adds logs to what is judged: the spoke has no logs endpoint and the hub serves no logs zone.
    # extra_services adds logs to what is judged: the hub has a logs endpoint but (services above) no logs zone,
    # so the spoke's one finding is that zone, and its per-VPC design counts three interface services.
    assert vpc["hub"]["services"] == ["ecr.api", "ecr.dkr", "logs"]
    assert [(f["id"], LOGS_NAME in f["message"]) for f in vpc["findings"]] == [("HUB_ZONE_BROKEN", True)], vpc
    assert vpc["per_vpc_design_monthly_usd"] == round(3 * 3 * 730 * 0.01, 2)
    sessions = {(r["role_arn"], r["session_name"]): r for r in assumed_roles(fleet["server"].url)}
    assert sessions[(role_arn(HUB_ACCOUNT), "audit-hub")]["external_id"] == "audit-hub-42", sorted(sessions)


def test_a_hub_absent_stops_on_other_spokes_naming_their_accounts_unless_leaving_or_forced(fleet):  # noqa: F811
    deploy_hub(fleet)
    hub = fleet["vpcs"]["hub"]["vpc_id"]
    hub_args = {"vpc_id": hub, "role_arn": role_arn(HUB_ACCOUNT), "workload": "ecr"}
    rc, result, out = zones(fleet, hub_args)
    assert rc == 0, out
    spokes = {name: fleet["vpcs"][name]["vpc_id"] for name in ("spoke-a", "spoke-b")}
    for name, account in (("spoke-a", HUB_ACCOUNT), ("spoke-b", OTHER_ACCOUNT)):
        rc, result, out = zones(fleet, {"vpc_id": spokes[name], "role_arn": role_arn(account), "hub_vpc_id": hub,
                                        "zone_owner": {"role_arn": role_arn(HUB_ACCOUNT)}, "workload": "ecr"})
        assert rc == 0, out
    fleet["server"].clear_requests()
    # spoke-a leaves in the same run; spoke-b does not: the deletion stops, naming spoke-b and its account.
    absent = dict(hub_args, state="absent", leaving_vpc_ids=[spokes["spoke-a"]],
                  vpc_accounts={spokes["spoke-b"]: OTHER_ACCOUNT, spokes["spoke-a"]: HUB_ACCOUNT})
    rc, result, out = zones(fleet, absent)
    assert rc != 0, out
    assert spokes["spoke-b"] in result["msg"] and OTHER_ACCOUNT in result["msg"], result["msg"]
    assert spokes["spoke-a"] not in result["msg"], result["msg"]
    assert mutating(fleet["server"]) == {}
    assert sorted(hub_zones(fleet)) == ECR_NAMES
    # force_destroy deletes the zones anyway; Route 53 has none of them left.
    rc, result, out = zones(fleet, dict(absent, force_destroy=True))
    assert rc == 0 and result["changed"], out
    assert hub_zones(fleet) == {}


def test_the_roles_own_mode_hub_and_hub_force_destroy_variables_drive_it_applied_directly(fleet, tmp_path):  # noqa: F811
    """The role applied by a playbook of one's own (not privatelink.ecr.deploy), the spoke's mode and hub given
    as the role's variables rather than the inventory's ecr_endpoints_mode / ecr_hub."""
    hub, spoke = fleet["vpcs"]["hub"]["vpc_id"], fleet["vpcs"]["spoke-a"]["vpc_id"]
    common = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
              "aws_region": REGION, "aws_endpoint_url": fleet["server"].url, "aws_role_arn": role_arn(HUB_ACCOUNT),
              "aws_account_id": HUB_ACCOUNT}
    hosts = {"the-hub": {"vpc_id": hub, "ecr_endpoints_mode": "hub", "vpc_cidrs": ["10.0.0.0/16", "10.1.0.0/16"]},
             "the-spoke": {"vpc_id": spoke, "vpc_endpoints_mode": "spoke", "vpc_endpoints_hub": "the-hub",
                           "vpc_cidrs": ["10.1.0.0/16"]}}
    inventory = tmp_path / "hosts.json"
    inventory.write_text(json.dumps({"all": {"vars": common, "hosts": hosts}}))
    playbook = tmp_path / "apply.json"

    def apply(*plays):
        playbook.write_text(json.dumps([{"hosts": h, "gather_facts": False, "roles": ["privatelink.ecr.vpc_endpoints"]}
                                        for h in plays]))
        proc = run_playbook(str(playbook), fleet["env"], inventory=str(inventory))
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]

    apply("the-hub", "the-spoke")
    found = hub_zones(fleet)
    assert sorted(found) == sorted(ECR_NAMES + [LOGS_NAME])
    assert all(sorted(z["vpcs"]) == sorted([hub, spoke]) for z in found.values()), found
    # The spoke as a spoke: its own endpoints are S3's gateway only, the rest is the hub's.
    prefix = "com.amazonaws.%s." % REGION
    assert [e["ServiceName"][len(prefix):] for e in live_endpoints(fleet["ec2"]["spoke-a"], spoke)] == ["s3"]
    # The hub alone, absent, with the role's force variable: its zones go although the spoke still uses them.
    hosts["the-hub"].update(vpc_endpoints_state="absent", vpc_endpoints_hub_force_destroy=True)
    inventory.write_text(json.dumps({"all": {"vars": common, "hosts": hosts}}))
    apply("the-hub")
    assert hub_zones(fleet) == {}
