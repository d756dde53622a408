# -*- coding: utf-8 -*-
# Copyright: (c) 2026, privatelink.ecr maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module of the collection.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - The AWS region of the target, for example V(eu-west-1).
      - Falls back to the E(AWS_REGION) or E(AWS_DEFAULT_REGION) environment variable.
    type: str
    aliases: [aws_region]
  access_key:
    description:
      - AWS access key id.
      - When neither this nor O(profile) is set, botocore's default credential chain is used (the
        E(AWS_ACCESS_KEY_ID), E(AWS_SECRET_ACCESS_KEY) and E(AWS_SESSION_TOKEN) environment variables, shared
        files, instance or container role). A given O(profile) wins over those environment variables, as in
        botocore, so each inventory host can use its own C(aws_profile) whatever the controller's environment holds.
    type: str
    aliases: [aws_access_key_id]
  secret_key:
    description:
      - AWS secret access key (without it, E(AWS_SECRET_ACCESS_KEY) through botocore). Never logged.
    type: str
    aliases: [aws_secret_access_key]
  session_token:
    description:
      - AWS session token for temporary credentials. Never logged.
      - Without it, botocore reads E(AWS_SESSION_TOKEN), or E(AWS_SECURITY_TOKEN) (the older name some tools inject).
    type: str
    aliases: [aws_session_token]
  profile:
    description:
      - A named profile from the shared AWS configuration files, such as an IAM Identity Center C(sso_session)
        profile or a C(role_arn)/C(source_profile) chain. Falls back to E(AWS_PROFILE).
      - O(role_arn), when set, is assumed with the profile's credentials.
      - Mutually exclusive with O(access_key), O(secret_key) and O(session_token).
    type: str
    aliases: [aws_profile]
  endpoint_url:
    description:
      - Send every AWS request the module makes (EC2, STS, Route 53, Organizations, ECS, EKS, ECR, Secrets
        Manager, whichever it calls) to this URL instead of the public endpoints, for example a local emulator
        or a proxy that serves every service.
      - Falls back to E(AWS_ENDPOINT_URL).
      - For one endpoint per service (a VPC interface endpoint for EC2, another for STS), leave this option
        unset and use botocore's own per-service settings, E(AWS_ENDPOINT_URL_<SERVICE>) (such as
        E(AWS_ENDPOINT_URL_EC2), E(AWS_ENDPOINT_URL_STS)) or a C(services) section of the AWS config file;
        the collection does not override them. Set here (to a URL other than E(AWS_ENDPOINT_URL)), the option wins
        over them.
      - STS is always called on the region's own endpoint (C(sts.REGION.amazonaws.com)), never the global one.
    type: str
    aliases: [aws_endpoint_url]
  validate_certs:
    description:
      - When V(false), TLS certificates of the endpoint are not verified. Use only with emulators.
    type: bool
    default: true
  role_arn:
    description:
      - ARN of an IAM role to assume with STS before any other call, typically a role in the
        target account that trusts the automation account.
    type: str
  role_session_name:
    description:
      - Session name for the assumed role; shows in the target account's CloudTrail.
    type: str
    default: privatelink-ecr
  external_id:
    description:
      - External id required by the role's trust policy, if any. Never logged.
    type: str
  aws_ca_bundle:
    description:
      - A PEM file of certificate authorities to verify AWS's TLS certificates against, for
        networks whose proxy inspects TLS. Falls back to E(AWS_CA_BUNDLE).
      - Ignored when O(validate_certs=false).
    type: path
  aws_config:
    description:
      - "botocore C(Config) settings for every client, for example
        V({\"connect_timeout\": 5, \"proxies\": {\"https\": \"http://proxy:3128\"}}). They win over the
        collection's own settings (retries, timeouts). An unknown setting is an error."
    type: dict
notes:
  - On failure the result carries, besides C(msg), C(error) (C(code), C(message)) and
    C(response_metadata) (C(request_id), C(http_status_code)) when AWS answered, and
    C(boto3_version) / C(botocore_version); a failure after the first change also returns
    C(changed=true) and C(changes), exactly the actions that were applied.
  - A failure once the connection is made names the account and the region the module looked in (an unknown
    VPC id, for example, is C(no such VPC in account 111122223333, region eu-west-1), with AWS's
    C(InvalidVpcID.NotFound) in C(error)). The account comes from the assumed role, or from one
    C(sts:GetCallerIdentity) made on the failure path only.
  - Throttling, 5xx answers and dropped connections are retried by botocore's own retry mode
    (V(adaptive) by default, which also slows the client down when AWS throttles). Set
    E(AWS_RETRY_MODE) and E(AWS_MAX_ATTEMPTS) (default 10) to change it.
requirements:
  - python >= 3.10
  - boto3 >= 1.34.0
  - botocore >= 1.34.0
"""
