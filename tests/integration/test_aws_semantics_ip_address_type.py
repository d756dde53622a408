"""``ip_address_type`` end to end through the AWS-semantics layer, which refuses an IP address type
the subnets cannot carry (privatelink/create-interface-endpoint.html, IP address type): the module
checks the subnets first and fails before any change, and converges once the subnets have IPv6."""

import pytest

from tests.integration.moto_vpc import by_service, read_endpoints

pytestmark = pytest.mark.integration


def give_subnets_ipv6(ec2, vpc):
    block = ec2.associate_vpc_cidr_block(VpcId=vpc.vpc_id, AmazonProvidedIpv6CidrBlock=True)
    prefix = block["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"].split("::")[0]
    for index, subnet_id in enumerate(vpc.private_subnet_ids):
        ec2.associate_subnet_cidr_block(SubnetId=subnet_id, Ipv6CidrBlock="%s:%x::/64" % (prefix, index))


def test_dualstack_on_ipv4_only_subnets_fails_before_any_change(aws, private_vpc, run_endpoints):
    for ip_type in ("dualstack", "ipv6"):
        rc, result, output = run_endpoints(services=["ecr.api"], ip_address_type=ip_type)
        assert rc != 0
        assert "ip_address_type: the new ecr.api endpoint would be %s in %s" % (
            ip_type, ", ".join(sorted(private_vpc.private_subnet_ids))) in result["msg"]
        assert aws.server.mutating_requests() == {}
        assert read_endpoints(aws.ec2, private_vpc.vpc_id) == []


def test_dualstack_converges_on_subnets_with_ipv6_and_an_ipv4_endpoint_is_switched(aws, private_vpc,
                                                                                   run_endpoints):
    rc, first, output = run_endpoints(services=["ecr.api"])
    assert rc == 0, output
    [endpoint] = read_endpoints(aws.ec2, private_vpc.vpc_id)
    assert endpoint["IpAddressType"] == "ipv4"

    aws.server.clear_requests()
    rc, result, output = run_endpoints(services=["ecr.api"], ip_address_type="dualstack")
    assert rc != 0  # the subnets have no IPv6 yet: refused by the module, nothing sent
    assert endpoint["VpcEndpointId"] in result["msg"] and "dualstack" in result["msg"]
    assert aws.server.mutating_requests() == {}
    assert read_endpoints(aws.ec2, private_vpc.vpc_id)[0]["IpAddressType"] == "ipv4"

    give_subnets_ipv6(aws.ec2, private_vpc)
    rc, result, output = run_endpoints(services=["ecr.api", "ecr.dkr"], ip_address_type="dualstack")
    assert rc == 0, output
    found = by_service(read_endpoints(aws.ec2, private_vpc.vpc_id))
    assert {s: [e["IpAddressType"] for e in found[s]] for s in found} == {"ecr.api": ["dualstack"],
                                                                          "ecr.dkr": ["dualstack"]}
    assert found["ecr.api"][0]["VpcEndpointId"] == endpoint["VpcEndpointId"]  # modified in place

    aws.server.clear_requests()
    rc, again, output = run_endpoints(services=["ecr.api", "ecr.dkr"], ip_address_type="dualstack")
    assert rc == 0 and again["changed"] is False, output
    assert aws.server.mutating_requests() == {}
