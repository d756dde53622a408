"""The aws_vpcs inventory plugin's connection options and role_name, written in the source file, through the real
ansible-inventory CLI against moto_server (AWS-semantics layer on) behind a proxy that records each request's
session token. The environment carries no AWS credentials and no endpoint: only the options can.
"""

import boto3

from tests.integration.test_connection_tls_and_credentials import RecordingProxy
from tests.integration.test_inventory_aws_vpcs import host, list_inventory, org  # noqa: F401 pylint: disable=unused-import


def bare_env(env):
    return {k: v for k, v in env.items() if not k.startswith("AWS_")}


def test_keys_session_token_endpoint_and_role_name_from_the_source(org, tmp_path):  # noqa: F811
    sts = boto3.client("sts", endpoint_url=org["url"], region_name="us-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    creds = sts.get_session_token()["Credentials"]
    with RecordingProxy(org["url"]) as proxy:
        text = ("regions: [eu-west-1]\nendpoint_url: %s\nrole_name: platform-inventory\naccess_key: %s\n"
                "secret_key: %s\nsession_token: %s\n"
                % (proxy.url, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]))
        listing = list_inventory(tmp_path, bare_env(org["env"]), text)
        assert listing.proc.returncode == 0, listing.output
        # The controller's calls (Organizations, the AssumeRole of each member) carry the given session token.
        assert creds["SessionToken"] in proxy.tokens
    dev = listing.hostvars[host(org, "dev", "eu-west-1", "a")]
    # role_name names the member accounts' role; endpoint_url is copied to the hosts.
    assert dev["aws_role_arn"] == "arn:aws:iam::%s:role/platform-inventory" % org["ids"]["dev"]
    assert dev["aws_endpoint_url"] == proxy.url
    assert sorted(listing.hosts) == sorted([host(org, "dev", "eu-west-1", "a"), host(org, "dev", "eu-west-1", "b"),
                                            host(org, "prod", "eu-west-1", "d"), host(org, "shop", "eu-west-1", "e")])
    assert listing.errors == []
    for secret in (creds["SecretAccessKey"], creds["SessionToken"]):
        assert secret not in listing.proc.stdout


def test_a_profile_in_the_source_gives_the_controllers_credentials(org, tmp_path):  # noqa: F811
    (tmp_path / "credentials").write_text("[org-admin]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    (tmp_path / "config").write_text("")
    env = dict(bare_env(org["env"]), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
               AWS_CONFIG_FILE=str(tmp_path / "config"))
    listing = list_inventory(tmp_path, env, "regions: [eu-west-1]\nendpoint_url: %s\nprofile: org-admin\n" % org["url"])
    assert listing.proc.returncode == 0, listing.output
    assert host(org, "prod", "eu-west-1", "d") in listing.hosts and listing.errors == []
    # Without the profile the same source has no credentials at all: it fails.
    listing = list_inventory(tmp_path, env, "regions: [eu-west-1]\nendpoint_url: %s\n" % org["url"])
    assert listing.proc.returncode != 0
    assert "credentials" in listing.output.lower(), listing.output
