"""Explanation codes: why a path is dropped (LANGUAGE.md §4), and the AWS services known by name."""

from __future__ import annotations

import enum


class DropCode(enum.Enum):
    """The first hop that drops a packet, and why."""

    NO_ROUTE_TO_DESTINATION = "NO_ROUTE_TO_DESTINATION"
    NO_RETURN_ROUTE = "NO_RETURN_ROUTE"
    BLACKHOLE_ROUTE = "BLACKHOLE_ROUTE"
    TGW_NO_ROUTE = "TGW_NO_ROUTE"
    TGW_AZ_RESTRICTION = "TGW_AZ_RESTRICTION"
    SG_EGRESS_MISMATCH = "SG_EGRESS_MISMATCH"
    SG_INGRESS_MISMATCH = "SG_INGRESS_MISMATCH"
    ACL_OUTBOUND_DENY = "ACL_OUTBOUND_DENY"
    ACL_INBOUND_DENY = "ACL_INBOUND_DENY"
    ACL_RETURN_DENY = "ACL_RETURN_DENY"
    NO_PUBLIC_IP = "NO_PUBLIC_IP"
    PEERING_NOT_TRANSITIVE = "PEERING_NOT_TRANSITIVE"
    SOURCE_DEST_CHECK = "SOURCE_DEST_CHECK"
    INSTANCE_STOPPED = "INSTANCE_STOPPED"
    VPN_PREFIX_NOT_CARRIED = "VPN_PREFIX_NOT_CARRIED"
    EGRESS_ONLY = "EGRESS_ONLY"
    NO_INTERFACE = "NO_INTERFACE"
    ROUTING_LOOP = "ROUTING_LOOP"
    RESOLVER_OUTSIDE_VPC = "RESOLVER_OUTSIDE_VPC"
    NXDOMAIN = "NXDOMAIN"  # the name does not exist where the client's resolver looks
    DNS_UNREACHABLE = "DNS_UNREACHABLE"  # a DNS query leg (UDP 53) is denied
    DNS_LOOP = "DNS_LOOP"  # CNAMEs (or forwarders) lead back to a name already asked
    DNS_DISABLED = "DNS_DISABLED"  # the VPC's dns-support is off
    GATEWAY_NO_ROUTE = "GATEWAY_NO_ROUTE"
    NO_LISTENER = "NO_LISTENER"
    NO_HEALTHY_TARGET = "NO_HEALTHY_TARGET"
    DX_PREFIX_NOT_ALLOWED = "DX_PREFIX_NOT_ALLOWED"  # no allowed prefix of a DX gateway holds it

    def __str__(self) -> str:
        return self.value


#: Services that have gateway endpoints (route-table based, free).
GATEWAY_ENDPOINT_SERVICES = frozenset({"s3", "dynamodb"})

#: AWS service names an endpoint or a path may name. Any service an endpoint in the file
#: names is accepted too; this list only lets paths name services that have no endpoint.
AWS_SERVICES = frozenset(
    {
        "s3",
        "dynamodb",
        "sns",
        "sqs",
        "sts",
        "kms",
        "ec2",
        "ec2messages",
        "ssm",
        "ssmmessages",
        "secretsmanager",
        "logs",
        "monitoring",
        "events",
        "lambda",
        "ecr",
        "ecr.api",
        "ecr.dkr",
        "ecs",
        "elasticloadbalancing",
        "execute-api",
        "kinesis",
        "firehose",
        "athena",
        "glue",
        "rds",
        "elasticache",
        "cloudformation",
        "codecommit",
        "codebuild",
        "states",
        "sagemaker",
        "textract",
        "bedrock",
    }
)
