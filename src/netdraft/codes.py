"""Every diagnostic code netdraft reports, with its severity and what it means (LANGUAGE.md §6).

One registry, as mypy's ``errorcodes.py``: a code is declared once here, as a constant,
and used by that constant (``error(codes.UNKNOWN_NAME, ...)``). The table of codes in
``docs/language.md`` is generated from :data:`REGISTRY` (``scripts/gen-codes-table.py``),
and a test makes sure that every code has a case that triggers it.

These are the codes of *diagnostics* (problems in a file); the explanation codes of a
verdict (``sg-ingress-deny`` and the others) are :class:`netdraft.model.codes.DropCode`.

This module is a leaf: it imports nothing of netdraft's, so that every layer may use it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Stage(enum.Enum):
    """Which step of netdraft finds the problem (the column "found by" of the docs table)."""

    PARSE = "parse"
    COMPILE = "compile"
    VALIDATE = "validate"
    CHECK = "check"  # running the flows and expectations (`netdraft check`)
    PRICES = "prices"  # reading price files
    QUERY = "query"  # reading a query of `netdraft path`
    READ = "read"  # reading a file
    PLUGIN = "plugin"  # the MkDocs plugin's fences
    CONFIG = "config"  # reading `[tool.netdraft]` or `netdraft.toml`


#: Every code, by name, in declaration order (the order of the docs table).
REGISTRY: dict[str, Code] = {}


@dataclass(frozen=True, slots=True)
class Code:
    """One diagnostic code: its stable name, its severity and a one-line description.

    Creating a code registers it; a name is registered once.
    """

    name: str
    severity: Severity
    description: str
    stage: Stage

    def __post_init__(self) -> None:
        if self.name in REGISTRY:
            raise ValueError(f"diagnostic code {self.name!r} is registered twice")
        REGISTRY[self.name] = self

    def __str__(self) -> str:
        return self.name


class UnregisteredCode(LookupError):
    """A diagnostic was made with a code that is not in :data:`REGISTRY` (a bug in netdraft)."""


def lookup(name: str) -> Code:
    """The registered code of that name.

    Raises:
        UnregisteredCode: no code has that name.
    """
    code = REGISTRY.get(name)
    if code is None:
        raise UnregisteredCode(f"diagnostic code {name!r} is not registered in netdraft.codes")
    return code


E, W = Severity.ERROR, Severity.WARNING
_S = Stage

# ---- reading the text ------------------------------------------------------------------------

ENCODING = Code("encoding", E, "a file is not UTF-8", _S.READ)
SYNTAX = Code("syntax", E, "the text does not parse; the message says what was expected", _S.PARSE)

# ---- composition (LANGUAGE.md §8) ------------------------------------------------------------

INCLUDE_MISSING = Code(
    "include-missing",
    E,
    "an `include` names a file that does not exist, cannot be read, is not a `.nd` file or"
    " lies outside the folder tree",
    _S.READ,
)
INCLUDE_CYCLE = Code(
    "include-cycle", E, "an `include` closes a cycle of files (the chain is named)", _S.READ
)
INCLUDE_LIMIT = Code(
    "include-limit",
    E,
    "the included files are too many, nested too deep or too large together",
    _S.READ,
)

# ---- names -----------------------------------------------------------------------------------

UNKNOWN_NAME = Code(
    "unknown-name", E, "a name refers to nothing; the closest name is suggested", _S.COMPILE
)
DUPLICATE_NAME = Code(
    "duplicate-name",
    E,
    "two things of one kind share a name in one scope (reported at the second)",
    _S.COMPILE,
)
AMBIGUOUS_NAME = Code(
    "ambiguous-name",
    E,
    "a bare name that several VPCs or sites use; write `vpc.name` or `site.name`",
    _S.COMPILE,
)
UNKNOWN_CODE = Code(
    "unknown-code", E, "`because` names no explanation code of a verdict", _S.COMPILE
)

# ---- literals --------------------------------------------------------------------------------

BAD_CIDR = Code(
    "bad-cidr", E, "a CIDR is malformed, has host bits set, or is of the wrong family", _S.COMPILE
)
BAD_ADDRESS = Code(
    "bad-address", E, "an IP address is malformed or of the wrong family", _S.COMPILE
)
BAD_PORT = Code(
    "bad-port",
    E,
    "a port outside 0-65535, a port on a protocol without ports, or a missing or ranged"
    " destination port",
    _S.COMPILE,
)
BAD_ICMP = Code(
    "bad-icmp",
    E,
    "an ICMP type or code outside 0-255, or a type on a protocol other than icmp and icmpv6",
    _S.COMPILE,
)
BAD_VOLUME = Code("bad-volume", E, "a flow's volume cannot be read", _S.COMPILE)
BAD_OPTION = Code(
    "bad-option",
    E,
    "an option is given twice, an instance has both a public IP and an Elastic IP, a private"
    " NAT gateway an Elastic IP, or an interface endpoint not one `ips` address per subnet",
    _S.COMPILE,
)
BAD_EXPECT = Code(
    "bad-expect", E, "an `expect … allow` line gives a `because` (a reason for a deny)", _S.COMPILE
)
BAD_QUERY = Code("bad-query", E, "the endpoints of `netdraft path` cannot be read", _S.QUERY)

# ---- one of a kind ---------------------------------------------------------------------------

SECOND_IGW = Code("second-igw", E, "a VPC has more than one internet gateway", _S.COMPILE)
SECOND_GATEWAY = Code(
    "second-gateway",
    E,
    "a VPC has more than one egress-only gateway or VPN gateway",
    _S.COMPILE,
)
DUPLICATE_MAIN = Code("duplicate-main", E, "a VPC has two main route tables", _S.COMPILE)
DUPLICATE_ASSOCIATION = Code(
    "duplicate-association",
    E,
    "a subnet or attachment is associated with a second route table or network ACL",
    _S.COMPILE,
)

# ---- addresses -------------------------------------------------------------------------------

DUPLICATE_ADDRESS = Code(
    "duplicate-address",
    E,
    "an address is held twice: two interfaces of one subnet, a public or Elastic IP written"
    " twice, two site hosts, or a site host at an address a VPC holds (reported at the later"
    " one, naming the first)",
    _S.COMPILE,
)
IP_OUTSIDE_SUBNET = Code(
    "ip-outside-subnet",
    E,
    "an address is not in its subnet (or a host's not in its site)",
    _S.COMPILE,
)
RESERVED_ADDRESS = Code(
    "reserved-address", E, "a written address is one of the five AWS reserves", _S.COMPILE
)
SUBNET_TOO_SMALL = Code(
    "subnet-too-small",
    E,
    "a subnet has more network interfaces than usable addresses",
    _S.VALIDATE,
)

# ---- routes ----------------------------------------------------------------------------------

ROUTE_DUPLICATE = Code(
    "route-duplicate", E, "two written routes with one destination in one table", _S.COMPILE
)
ROUTE_TARGET = Code(
    "route-target",
    E,
    "a route's target cannot take it (another VPC's gateway, an unattached transit gateway,"
    " the wrong address family, an endpoint)",
    _S.COMPILE,
)
ROUTE_TOO_SPECIFIC = Code(
    "route-too-specific",
    E,
    "a route inside the VPC's own CIDRs targets neither an instance nor an interface",
    _S.VALIDATE,
)

# ---- prefix lists ----------------------------------------------------------------------------

ACL_PREFIX_LIST = Code(
    "acl-prefix-list",
    E,
    "a network ACL rule names a prefix list: ACL rules take CIDRs only, as in AWS",
    _S.COMPILE,
)
PREFIX_LIST_FAMILY = Code(
    "prefix-list-family",
    E,
    "a prefix list mixes IPv4 and IPv6 CIDRs (AWS: one address family per list)",
    _S.COMPILE,
)
PREFIX_LIST_SIZE = Code(
    "prefix-list-size",
    E,
    "a prefix list has more than 1,000 entries (AWS's maximum), or one CIDR twice",
    _S.COMPILE,
)
PREFIX_LIST_EMPTY = Code(
    "prefix-list-empty",
    W,
    "a prefix list has no entries: what names it matches nothing",
    _S.COMPILE,
)
PREFIX_LIST_ROUTE = Code(
    "prefix-list-route",
    E,
    "a route written to an AWS-managed list (`s3`, `dynamodb`): a gateway endpoint adds that route",
    _S.COMPILE,
)
AWS_RANGES_UNKNOWN_REGION = Code(
    "aws-ranges-unknown-region",
    W,
    "the bundled AWS ranges do not know a region whose `s3` or `dynamodb` list is used:"
    " only the service named matches it",
    _S.COMPILE,
)

# ---- connections -----------------------------------------------------------------------------

PEERING_SELF = Code("peering-self", E, "a peering connects a VPC to itself", _S.COMPILE)
PEERING_OVERLAP = Code("peering-overlap", E, "peered VPCs have overlapping CIDRs", _S.VALIDATE)
TGW_REGION = Code("tgw-region", E, "a transit gateway attaches a VPC of another region", _S.COMPILE)
TGW_PEERING_SELF = Code(
    "tgw-peering-self", E, "a transit gateway peering joins a transit gateway to itself", _S.COMPILE
)
TGW_PEERING_DUPLICATE = Code(
    "tgw-peering-duplicate",
    E,
    "a second peering attachment between the same two transit gateways",
    _S.COMPILE,
)
TGW_PEERING_PROPAGATE = Code(
    "tgw-peering-propagate",
    E,
    "a transit gateway route table propagates a peering attachment (peerings take static routes)",
    _S.COMPILE,
)
DX_SPEED = Code(
    "dx-speed",
    E,
    "a Direct Connect connection's speed is not one AWS sells (dedicated: 1, 10, 100 or 400"
    " Gbps; hosted: 50 Mbps to 25 Gbps)",
    _S.COMPILE,
)
DX_GATEWAY_MIXED = Code(
    "dx-gateway-mixed",
    E,
    "a Direct Connect gateway is associated with both VPN gateways and transit gateways",
    _S.COMPILE,
)
DX_ALLOWED_REQUIRED = Code(
    "dx-allowed-required",
    E,
    "a Direct Connect gateway's association with a transit gateway has no allowed prefixes",
    _S.COMPILE,
)
DX_VGW_ASSOCIATED = Code(
    "dx-vgw-associated",
    E,
    "a VPN gateway is associated with more than one Direct Connect gateway",
    _S.VALIDATE,
)
DX_ALLOWED_NARROW = Code(
    "dx-allowed-narrow",
    W,
    "a CIDR of a VPC behind a Direct Connect gateway is in none of its association's allowed"
    " prefixes (the same or wider), so AWS advertises it to no site",
    _S.VALIDATE,
)
VIF_TARGET = Code(
    "vif-target",
    E,
    "a virtual interface leads where its kind cannot (private: a VPN gateway or a DX gateway of"
    " VPN gateways; transit: a DX gateway of transit gateways)",
    _S.COMPILE,
)
RESILIENCY_MODEL = Code(
    "resiliency-model",
    E,
    "`expect resiliency` names a model other than development, high and maximum",
    _S.COMPILE,
)
TGW_ATTACHMENT_AZ = Code(
    "tgw-attachment-az",
    E,
    "a transit gateway attachment has two subnets in one availability zone",
    _S.COMPILE,
)
ENDPOINT_SERVICE = Code(
    "endpoint-service", E, "a gateway endpoint for a service that has none", _S.COMPILE
)
ENDPOINT_AZ = Code(
    "endpoint-az", E, "an interface endpoint has two subnets in one availability zone", _S.COMPILE
)

# ---- the network's shape ---------------------------------------------------------------------

VPC_CIDR_SIZE = Code(
    "vpc-cidr-size", E, "a VPC CIDR is not between /16 and /28 (or its IPv6 not a /56)", _S.VALIDATE
)
VPC_CIDR_QUOTA = Code("vpc-cidr-quota", W, "a VPC has more than five IPv4 CIDRs", _S.VALIDATE)
VPC_CIDR_OVERLAP = Code("vpc-cidr-overlap", E, "two CIDRs of one VPC overlap", _S.VALIDATE)
SUBNET_CIDR_SIZE = Code(
    "subnet-cidr-size",
    E,
    "a subnet CIDR is not /16 to /28, or its IPv6 CIDR not a /64",
    _S.VALIDATE,
)
SUBNET_OUTSIDE_VPC = Code(
    "subnet-outside-vpc", E, "a subnet CIDR is not inside its VPC's CIDRs", _S.VALIDATE
)
SUBNET_OVERLAP = Code("subnet-overlap", E, "two subnets of one VPC overlap", _S.VALIDATE)
SUBNET_AZ = Code(
    "subnet-az", E, "a subnet's availability zone is not in its VPC's region", _S.VALIDATE
)
NAT_NO_INTERNET = Code(
    "nat-no-internet",
    W,
    "a public NAT gateway's subnet does not route to an internet gateway",
    _S.VALIDATE,
)
SG_REFERENCE = Code(
    "sg-reference",
    E,
    "a security group rule names a group of a VPC in another region, or of one neither"
    " peered nor on a shared transit gateway",
    _S.VALIDATE,
)
ACL_RULE_NUMBER = Code(
    "acl-rule-number",
    E,
    "an ACL rule number is outside 1..32766 or repeated in one direction",
    _S.VALIDATE,
)

DNS_RECORD = Code(
    "dns-record",
    E,
    "a zone's record cannot answer: an ALIAS to something that is not an interface endpoint,"
    " an AAAA record for an instance without IPv6, or a CNAME beside another record of its name",
    _S.COMPILE,
)

DNS_NAME = Code(
    "dns-name",
    E,
    "a DNS name breaks DNS's rules: an empty label, a label over 63 characters, a name over"
    " 253, or an IP address where a name is to be resolved",
    _S.COMPILE,
)

RESOLVER_ENDPOINT_SIZE = Code(
    "resolver-endpoint-size",
    W,
    "a resolver endpoint has fewer than two network interfaces (Route 53 requires two)",
    _S.COMPILE,
)

RESOLVER_RULE = Code(
    "resolver-rule",
    E,
    "a resolver rule cannot be associated with a VPC: the VPC is in another region than the"
    " rule's outbound endpoint, or another rule of the same domain is associated with it",
    _S.COMPILE,
)

# ---- review (LANGUAGE.md §13): each can be silenced ----------------------------------------

ACL_RULE_SHADOWED = Code(
    "acl-rule-shadowed",
    W,
    "a network ACL rule never matches: lower-numbered rules of its direction cover all its"
    " traffic (the rules are named)",
    _S.VALIDATE,
)
SG_RULE_COVERED = Code(
    "sg-rule-covered",
    W,
    "a security group rule allows nothing that the group's other rules of its direction do"
    " not already allow",
    _S.VALIDATE,
)
UNUSED_SECURITY_GROUP = Code(
    "unused-security-group",
    W,
    "a security group has no member: no instance or interface endpoint is in it",
    _S.VALIDATE,
)
UNUSED_ROUTE_TABLE = Code(
    "unused-route-table",
    W,
    "a route table that is not the main one has no subnet associated",
    _S.VALIDATE,
)
UNUSED_NETWORK_ACL = Code(
    "unused-network-acl", W, "a custom network ACL has no subnet associated", _S.VALIDATE
)
OPEN_ADMIN_PORT = Code(
    "open-admin-port",
    W,
    "a security group admits SSH (tcp 22) or RDP (tcp 3389) from 0.0.0.0/0 or ::/0",
    _S.VALIDATE,
)
NAT_CROSS_AZ = Code(
    "nat-cross-az",
    W,
    "a route table sends subnets of one availability zone to a NAT gateway in another",
    _S.VALIDATE,
)
BAD_PRAGMA = Code(
    "bad-pragma",
    W,
    "a `# netdraft: ignore[…]` comment names an unknown code, or an error (errors cannot be"
    " silenced)",
    _S.READ,
)
BAD_CONFIG = Code(
    "bad-config",
    E,
    "a configuration file (`netdraft.toml`, `[tool.netdraft]`) cannot be read, or has an"
    " unknown key, a wrong value, an unknown code or an error silenced",
    _S.CONFIG,
)

BAD_EPHEMERAL = Code(
    "bad-ephemeral",
    E,
    "an `ephemeral` range is not inside 1024-65535, where every system picks its client ports",
    _S.COMPILE,
)

# ---- running the file ------------------------------------------------------------------------

EXPECT_FAILED = Code("expect-failed", E, "an `expect` line does not hold", _S.CHECK)
FLOW_DENIED = Code("flow-denied", W, "a flow's path is denied", _S.CHECK)
PARTIAL_EPHEMERAL = Code(
    "partial-ephemeral",
    W,
    "replies reach a client that declares no `ephemeral` range on only some of its ports",
    _S.CHECK,
)
PRICE_FILE = Code(
    "price-file",
    E,
    "a price file cannot be read or has a mistake ([Costs](costs.md))",
    _S.PRICES,
)

# ---- the MkDocs plugin -----------------------------------------------------------------------

FENCE_OPTION = Code(
    "fence-option", E, "a `netdraft` fence has an unknown or wrong option", _S.PLUGIN
)
FILE_NOT_FOUND = Code(
    "file-not-found", E, "a fence's `src` file does not exist or is not a file", _S.PLUGIN
)

# ---- netdraft diff ---------------------------------------------------------------------------

BAD_REVISION = Code(
    "bad-revision",
    E,
    "`netdraft diff` cannot read a version: no such file, git revision or file in it",
    _S.READ,
)

# ---- load balancers (LANGUAGE.md §10) --------------------------------------------------------

LB_NO_INTERNET = Code(
    "lb-no-internet",
    W,
    "an internet-facing load balancer is in a subnet with no route to an internet gateway",
    _S.VALIDATE,
)

# ---- IPAM pools (LANGUAGE.md §10) -----------------------------------------------------------

IPAM_EXHAUSTED = Code(
    "ipam-exhausted",
    E,
    "a VPC asks an IPAM pool for a /N and no free /N is left in it (or /N is larger than the pool)",
    _S.COMPILE,
)
IPAM_OUTSIDE = Code(
    "ipam-outside", E, "a written VPC CIDR is outside the IPAM pool the VPC names", _S.COMPILE
)
IPAM_OVERLAP = Code(
    "ipam-overlap",
    E,
    "two VPCs write CIDRs of one IPAM pool that overlap; a pool never gives out an address twice",
    _S.COMPILE,
)
ACCELERATOR_ADDRESS = Code(
    "accelerator-address",
    W,
    "an accelerator's written static address is neither in Global Accelerator's address"
    " ranges nor in a public IPAM pool of the file (BYOIP, a /24 or wider), or both its"
    " addresses are from one BYOIP pool",
    _S.COMPILE,
)
VPC_NO_CIDR = Code(
    "vpc-no-cidr",
    E,
    "a VPC has no IPv4 CIDR: none written and none asked of an IPAM pool (`ipam POOL /N`)",
    _S.COMPILE,
)

# ---- traffic observation (LANGUAGE.md §10) ---------------------------------------------------

MIRROR_SOURCE = Code(
    "mirror-source",
    E,
    "a `traffic-mirror` source is not an instance of its VPC (AWS mirrors an instance's"
    " network interface), or has more than three sessions",
    _S.COMPILE,
)
MIRROR_TARGET = Code(
    "mirror-target",
    E,
    "a `traffic-mirror` target is not an instance or a network load balancer of the region,"
    " or is also a mirror source",
    _S.COMPILE,
)
MIRROR_UNREACHABLE = Code(
    "mirror-unreachable",
    W,
    "a traffic mirror session's VXLAN copies (UDP 4789) cannot reach its target: a route,"
    " network ACL, security group or listener drops them",
    _S.CHECK,
)

# ---- netdraft exposure -----------------------------------------------------------------------

EXPOSURE = Code(
    "exposure",
    W,
    "`netdraft exposure --format sarif`: the internet can open an interface on a port range "
    "(located at the rules that admit it)",
    _S.CHECK,
)

del E, W, _S
