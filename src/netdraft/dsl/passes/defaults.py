"""AWS's implicit objects: what a VPC has without the file writing it.

Each is a named constant or a small function citing the AWS page it comes from, as
the stdlib's ``ipaddress._IPv4Constants`` names its reserved ranges with their RFC:

* a **main route table**, used by every subnet without an association, holding
* a **local route** for each of the VPC's CIDRs, in every route table;
* a **default network ACL** allowing everything in and out (rule 100 for IPv4, 101
  for IPv6 when the VPC has an IPv6 block; rule ``*`` denies the rest, which the
  simulator applies to every ACL);
* a **default security group** admitting its own members and letting everything out;
* on a **new security group** written without egress rules, one egress rule allowing
  all outbound traffic.

The implicit objects are named ``main`` and ``default``, or ``VPC-main`` and
``VPC-default`` when the file uses those names for something of the same kind.
"""

from __future__ import annotations

from collections.abc import Container
from ipaddress import IPv4Network, IPv6Network

from netdraft.model import network as m
from netdraft.model.values import IPNetwork, Protocol, Span

#: https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html ("Main route table",
#: "Local route").
ROUTE_TABLES_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html"
#: https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html
DEFAULT_ACL_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html"
#: https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
DEFAULT_GROUP_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html"
#: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html ("a new security
#: group ... has an outbound rule that allows all outbound traffic").
GROUP_RULES_PAGE = "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"

#: Every IPv4 address: the destination of the default rules.
ALL_IPV4 = IPv4Network("0.0.0.0/0")
#: Every IPv6 address.
ALL_IPV6 = IPv6Network("::/0")

#: The name of the implicit main route table (:data:`ROUTE_TABLES_PAGE`).
MAIN_ROUTE_TABLE = "main"
#: The name of the default network ACL and of the default security group.
DEFAULT = "default"

#: The default network ACL's rule allowing all IPv4 traffic, in and out (:data:`DEFAULT_ACL_PAGE`).
ACL_ALLOW_ALL_IPV4 = 100
#: ... and the one allowing all IPv6 traffic, when the VPC has an IPv6 block.
ACL_ALLOW_ALL_IPV6 = 101

#: The egress of the default security group, and of a new group written without egress
#: rules: all traffic to every address (:data:`DEFAULT_GROUP_PAGE`, :data:`GROUP_RULES_PAGE`).
ALLOW_ALL_OUT: tuple[IPNetwork, ...] = (ALL_IPV4, ALL_IPV6)


def implicit_name(base: str, vpc: str, taken: Container[str]) -> str:
    """``base``, or ``VPC-base`` when the file already names something of the kind so."""
    return base if base not in taken else f"{vpc}-{base}"


def local_routes(cidrs: tuple[IPNetwork, ...], span: Span) -> tuple[m.Route, ...]:
    """The local route of each of the VPC's CIDRs, which every route table holds."""
    return tuple(
        m.Route(c, m.RouteTarget(m.TargetKind.LOCAL), m.RouteOrigin.LOCAL, span) for c in cidrs
    )


def main_route_table(name: str, local: tuple[m.Route, ...], span: Span) -> m.RouteTable:
    """The main route table AWS makes with a VPC when the file names none 'main'."""
    return m.RouteTable(name, local, (), (), True, True, span)


def default_network_acl(name: str, ipv6: bool, span: Span) -> m.NetworkAcl:
    """The default network ACL: everything allowed in and out (:data:`DEFAULT_ACL_PAGE`)."""
    allow = [m.AclRule(ACL_ALLOW_ALL_IPV4, m.Action.ALLOW, Protocol.ALL, None, ALL_IPV4, span)]
    if ipv6:
        allow.append(
            m.AclRule(ACL_ALLOW_ALL_IPV6, m.Action.ALLOW, Protocol.ALL, None, ALL_IPV6, span)
        )
    return m.NetworkAcl(name, tuple(allow), tuple(allow), (), True, span)


def allow_all_out(span: Span) -> tuple[m.SgRule, ...]:
    """The egress rules of a new security group (:data:`GROUP_RULES_PAGE`)."""
    return tuple(
        m.SgRule(m.Direction.EGRESS, Protocol.ALL, None, net, span) for net in ALLOW_ALL_OUT
    )


def default_security_group(vpc: str, name: str, span: Span) -> m.SecurityGroup:
    """The default security group: in from its own members, out to anywhere
    (:data:`DEFAULT_GROUP_PAGE`)."""
    own = m.SgRule(m.Direction.INGRESS, Protocol.ALL, None, m.GroupPeer(vpc, name), span)
    return m.SecurityGroup(name, (own,), allow_all_out(span), True, span)
