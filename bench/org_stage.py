"""The organization-scale stage of `make bench`: ACCOUNTS x REGIONS x VPCS member VPCs in one moto_server.

Seeds an AWS Organization (moto's default account is the management account; ACCOUNTS member
accounts), then VPCS private VPCs (as fleet.seed_target builds them: 3 AZs, private subnets and
route tables, a public subnet on an internet gateway) in each member account and region, with
boto3 in threads, through each account's role as the playbooks reach it (STS AssumeRole with an
external id). Writes the two `privatelink.ecr.aws_vpcs` inventory sources the stage runs on:
`host_per: vpc` (deploy) and `host_per: region` (audit). The seed is not timed.

Only 127.0.0.1: every client is built with the moto_server's endpoint URL.
"""

import concurrent.futures
import os

import fleet

MANAGEMENT_ACCOUNT = "123456789012"  # moto's default account: the organization's management account


def _boto(service, endpoint_url, region="us-east-1", **credentials):
    return fleet.thread_session().client(service, endpoint_url=endpoint_url, region_name=region,
                          **(credentials or fleet.BASE_CREDENTIALS))


def create_organization(endpoint_url, accounts):
    """An organization with ``accounts`` member accounts (ACTIVE); returns their ids, in creation order."""
    api = _boto("organizations", endpoint_url)
    api.create_organization(FeatureSet="ALL")
    ids = []
    for index in range(accounts):
        name = "bench-member-%03d" % index
        status = api.create_account(AccountName=name, Email="%s@example.com" % name)["CreateAccountStatus"]
        ids.append(status["AccountId"])
    return ids


def org_targets(account_ids, regions, vpcs_per_region):
    """One dict per member VPC, with what fleet.seed_target and fleet.unconverged read."""
    found = []
    for account_id in account_ids:
        for region in fleet.REGIONS[:regions]:
            for index in range(vpcs_per_region):
                name = "org-%s-%s-%d" % (account_id, region, index)
                found.append({
                    "host": name,  # replaced by the inventory's name (ACCOUNT-REGION-VPCID) once seeded
                    "aws_account_id": account_id,
                    "aws_region": region,
                    "aws_role_arn": "arn:aws:iam::%s:role/%s" % (account_id, fleet.ROLE_NAME),
                    "aws_external_id": fleet.EXTERNAL_ID,
                    "vpc_name": name,
                    "cidr": "10.%d.0.0/16" % (index + 1),
                })
    return found


def seed(targets, endpoint_url, workers=8):
    """Seed every target VPC (threads); returns the targets with ``vpc_id`` and the inventory's host name."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        seeded = list(pool.map(lambda target: fleet.seed_target(target, endpoint_url), targets))
    for target in seeded:
        target["host"] = "%s-%s-%s" % (target["aws_account_id"], target["aws_region"], target["vpc_id"])
    return seeded


def inventory_source(endpoint_url, regions, host_per):
    """The text of an aws_vpcs inventory source over the whole organization (the management account left out)."""
    return "\n".join([
        "plugin: privatelink.ecr.aws_vpcs",
        "regions: [%s]" % ", ".join(fleet.REGIONS[:regions]),
        "role_name: %s" % fleet.ROLE_NAME,
        "external_id: %s" % fleet.EXTERNAL_ID,
        "exclude_accounts: ['%s']" % MANAGEMENT_ACCOUNT,
        "endpoint_url: %s" % endpoint_url,
        "host_per: %s" % host_per,
        "",
    ])


def write_sources(directory, endpoint_url, regions):
    """{host_per: path} of the two inventory sources (the file names end in aws_vpcs.yml, as the plugin needs)."""
    os.makedirs(directory, exist_ok=True)
    paths = {}
    for host_per in ("vpc", "region"):
        path = os.path.join(directory, "org-%s.aws_vpcs.yml" % host_per)
        with open(path, "w") as handle:
            handle.write(inventory_source(endpoint_url, regions, host_per))
        paths[host_per] = path
    return paths


def main(argv=None):
    """Seed an organization on a moto_server of its own and keep serving it, for profiling one phase by hand:

        .venv/bin/python bench/org_stage.py --size 10x3x2      # prints the inventory sources; Ctrl-C stops the server
        py-spy record --subprocesses -f raw -o out.txt -- .venv/bin/ansible-playbook playbooks/deploy.yml \\
            -i bench/.work/org-manual/org-vpc.aws_vpcs.yml
    """
    import argparse
    import signal
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.dirname(here))
    from tests.support.moto_server import MotoServer  # pylint: disable=import-outside-toplevel

    parser = argparse.ArgumentParser(description=main.__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--size", default="10x3x2", help="accounts x regions x VPCs (default 10x3x2)")
    parser.add_argument("--directory", default=os.path.join(here, ".work", "org-manual"))
    args = parser.parse_args(argv)
    accounts, regions, vpcs = (int(part) for part in args.size.split("x"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    os.makedirs(args.directory, exist_ok=True)
    with MotoServer(log_path=os.path.join(args.directory, "moto_server.log")) as server:
        targets = seed(org_targets(create_organization(server.url, accounts), regions, vpcs), server.url)
        sources = write_sources(args.directory, server.url, regions)
        print("moto_server %s (pid %d): %d VPCs; sources %s" % (server.url, server.process.pid, len(targets),
                                                              " ".join(sorted(sources.values()))), flush=True)
        try:
            server.process.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
