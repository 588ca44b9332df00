"""A Pygments lexer for the netdraft language, so that ``.nd`` code is highlighted anywhere."""

from __future__ import annotations

from typing import Any, ClassVar

from pygments.lexer import RegexLexer, default, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

#: Every keyword of ``grammar/netdraft.lark``, longest first so ``route-table`` beats ``route``.
KEYWORDS = (
    "public-ip-on-launch",
    "egress-only-gateway",
    "source-dest-check",
    "traffic-mirror",
    "internet-facing",
    "load-balancer",
    "target-group",
    "cross-zone",
    "ipam-pool",
    "accelerator",
    "listener",
    "weight",
    "cloudwatch",
    "flow-log",
    "targets",
    "resolver-endpoint",
    "ports",
    "ipam",
    "customer-gateway",
    "internet-gateway",
    "transit-gateway",
    "security-group",
    "dns-hostnames",
    "resolver-rule",
    "dhcp-options",
    "route-tables",
    "tgw-peering",
    "dx-connection",
    "dx-gateway",
    "resiliency",
    "prefix-list",
    "network-acl",
    "nat-gateway",
    "route-table",
    "vpn-gateway",
    "dns-support",
    "elastic-ip",
    "ephemeral",
    "associate",
    "blackhole",
    "propagate",
    "public-ip",
    "interface",
    "outbound",
    "endpoint",
    "instance",
    "resolves",
    "scenario",
    "inbound",
    "ingress",
    "gateway",
    "because",
    "peering",
    "private",
    "transit",
    "allowed",
    "stopped",
    "subnets",
    "include",
    "servers",
    "forward",
    "attach",
    "domain",
    "egress",
    "expect",
    "prices",
    "region",
    "return",
    "static",
    "subnet",
    "volume",
    "record",
    "amazon",
    "title",
    "route",
    "code",
    "type",
    "flow",
    "from",
    "down",
    "host",
    "ipv6",
    "main",
    "cost",
    "site",
    "hosted",
    "zone",
    "vpcs",
    "ips",
    "eips",
    "bgp",
    "eip",
    "vpc",
    "vpn",
    "vif",
    "via",
    "dns",
    "az",
    "at",
    "in",
    "ip",
    "sg",
    "to",
)

#: Keywords that declare a thing: the word after them is its name, even ``main`` or ``private``.
DECLARATIONS = (
    "egress-only-gateway",
    "resolver-endpoint",
    "resolver-rule",
    "customer-gateway",
    "internet-gateway",
    "transit-gateway",
    "security-group",
    "network-acl",
    "prefix-list",
    "ipam-pool",
    "accelerator",
    "tgw-peering",
    "dx-connection",
    "dx-gateway",
    "nat-gateway",
    "route-table",
    "vpn-gateway",
    "endpoint",
    "instance",
    "peering",
    "load-balancer",
    "target-group",
    "region",
    "subnet",
    "flow",
    "host",
    "site",
    "vpc",
    "vpn",
    "vif",
)

#: Protocol words (``PROTOCOL`` in the grammar).
PROTOCOLS = ("icmpv6", "icmp", "tcp", "udp", "all")

#: Verdicts and ACL actions, the ``source-dest-check`` switch, and ``any`` (every port).
CONSTANTS = ("allow", "deny", "on", "off", "any")

#: The record types of a zone's ``record`` lines (before codes: ``A`` is not one).
RECORD_TYPES = ("CNAME", "ALIAS", "AAAA", "A")

#: Endpoint words with a meaning of their own in ``flow``, ``expect`` and ``netdraft path``.
BUILTINS = ("internet",)

# A word is a whole name: not part of ``route-table`` nor of ``app.route``.
_BEFORE = r"(?<![\w.-])"
_AFTER = r"(?![\w-])"
_OCTETS = r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}"
# Two colons at least, which tells an IPv6 address from a ``flow name:`` label.
_IPV6 = r"[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*"


class NetdraftLexer(RegexLexer):
    """Highlights ``.nd`` files: keywords, names, addresses, ports, volumes, verdicts and codes."""

    name = "netdraft"
    aliases: ClassVar[list[str]] = ["netdraft", "nd"]
    filenames: ClassVar[list[str]] = ["*.nd"]
    mimetypes: ClassVar[list[str]] = ["text/x-netdraft"]
    url = "https://pypi.org/project/netdraft/"

    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"\n", Whitespace),
            (r"[ \t\f\r]+", Whitespace),
            (r"#\s*netdraft:\s*ignore\[[^\]\n]*\].*$", Comment.Special),  # a pragma
            (r"#.*$", Comment.Single),
            (r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"', String.Double),
            (words(DECLARATIONS, prefix=_BEFORE, suffix=_AFTER), Keyword, "declared"),
            (r"<->|->|<=|<|=", Operator),
            (_BEFORE + _OCTETS + r"/[0-9]{1,3}" + _AFTER, Number.Other),  # IPv4 CIDR
            (_BEFORE + _IPV6 + r"/[0-9]{1,3}" + _AFTER, Number.Other),  # IPv6 CIDR
            (_BEFORE + _OCTETS + _AFTER, Number.Other),  # IPv4 address
            (_BEFORE + _IPV6 + _AFTER, Number.Other),  # IPv6 address
            (_BEFORE + r"[0-9]+(?:\.[0-9]+)?(?:MB|GB|TB)" + _AFTER, Number.Integer),  # volume
            (_BEFORE + r"[0-9]+(?:Mbps|Gbps)" + _AFTER, Number.Integer),  # a connection's speed
            (_BEFORE + r"[0-9]+-[0-9]+" + _AFTER, Number.Integer),  # port range
            (_BEFORE + r"[0-9]+\.[0-9]+" + _AFTER, Number.Float),  # amount
            (_BEFORE + r"[0-9]+" + _AFTER, Number.Integer),  # port, rule number, amount
            (r"[{};:,.]", Punctuation),
            (words(KEYWORDS, prefix=_BEFORE, suffix=_AFTER), Keyword),
            (words(PROTOCOLS, prefix=_BEFORE, suffix=_AFTER), Keyword.Type),
            (words(CONSTANTS, prefix=_BEFORE, suffix=_AFTER), Keyword.Constant),
            (words(BUILTINS, prefix=_BEFORE, suffix=_AFTER), Name.Builtin),
            (words(RECORD_TYPES, prefix=_BEFORE, suffix=_AFTER), Keyword.Type),
            (_BEFORE + r"[A-Z][A-Z0-9_]*" + _AFTER, Name.Exception),  # explanation code
            (r"[A-Za-z_][A-Za-z0-9_-]*", Name),
            (r"[0-9A-Za-z-]+", Text),  # a DHCP domain label such as ``1a`` after a dot
        ],
        # The name a declaration gives, whatever the word: ``subnet private``, ``route-table main``.
        "declared": [
            (r"[ \t]+", Whitespace),
            (r"[A-Za-z_][A-Za-z0-9_-]*", Name, "#pop"),
            default("#pop"),
        ],
    }
