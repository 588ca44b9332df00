"""The canonical printer: a syntax tree back to ``.nd`` text in the one layout ``fmt`` writes.

Layout rules (every one is decided from the syntax tree and the comment spans; the source
text is consulted only to find blank lines):

- One statement per line, single spaces between words, two spaces of indentation per
  block level. Columns are never aligned, so one edit changes one line of a diff.
- A block with statements or comments inside opens with ``{`` at the end of its header
  line and closes with ``}`` alone on a line; blocks written on one line with ``;`` are
  expanded. An empty block prints as ``{ }`` on its header line (a comment after its
  ``{`` or ``}`` follows the ``{ }``; with comments in both places, or on lines of their
  own inside it, it stays open over several lines).
- Statements keep their order. The options of a statement are printed in a canonical
  order (instance: ``ip``, ``ipv6``, ``public-ip``/``elastic-ip``, ``sg a, b``,
  ``source-dest-check``, ``stopped``, ``down``; subnet: ``ipv6``, ``public-ip-on-launch``; NAT
  gateway: ``private``, ``ip``, ``eip``, ``down``; interface endpoint: subnets, ``ips``, ``sg``;
  ``down`` last on a VPN);
  options of equal rank keep their order.
- Blank lines: never more than one in a row, none at the start of the file, after a
  ``{`` or before a ``}``. One blank line wherever the source had one or more between two
  statements or comments, at any depth. In addition, two consecutive top-level statements
  are always separated by one blank line when they are of different kinds (``title``,
  ``flow``, ``expect … ->``, ``expect cost``…) or either of them is a block (``region``,
  ``site``); that blank line goes before the comments that lead the second statement.
- Comments are kept word for word and in order:

  - a comment after the last word of a statement stays on that statement's line, after one
    space; a comment after a block written on one line goes to the block's last statement
    (the block is expanded), and a comment after the ``}`` of a longer block stays after it;
  - a comment after a ``{`` stays after the ``{`` (after ``{ }`` for an empty block);
  - a comment on its own line stays on its own line before the statement that follows it,
    at that statement's indentation; comments after the last statement of a block stay
    inside the block, before its ``}``; comments after the last statement of the file
    stay at its end.
- The text ends with exactly one newline (an empty file stays empty).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from netdraft.diagnostics import Diagnostic
from netdraft.dsl import syntax as st
from netdraft.dsl.parse import parse

INDENT = "  "

#: Canonical rank of each option keyword; options of equal rank keep their source order.
INSTANCE_OPTION_ORDER: Mapping[str, int] = {
    "ip": 0,
    "ipv6": 1,
    "public-ip": 2,
    "elastic-ip": 2,
    "sg": 3,
    "source-dest-check": 4,
    "stopped": 5,
    "ephemeral": 6,
    "down": 7,
}
SUBNET_OPTION_ORDER: Mapping[str, int] = {"ipv6": 0, "public-ip-on-launch": 1}
NAT_OPTION_ORDER: Mapping[str, int] = {"private": 0, "ip": 1, "eip": 2, "down": 9}
VPN_OPTION_ORDER: Mapping[str, int] = {"down": 9}

Block = (
    st.RegionDecl
    | st.VpcDecl
    | st.RouteTableDecl
    | st.SecurityGroupDecl
    | st.NetworkAclDecl
    | st.TransitGatewayDecl
    | st.TgwRouteTableDecl
    | st.SiteDecl
    | st.PrefixListDecl
)

#: Any statement, at any depth.
Node = (
    st.Statement
    | st.VpcItem
    | st.VpcDecl
    | st.TransitGatewayDecl
    | st.RouteDecl
    | st.Propagate
    | st.Associate
    | st.SgRuleDecl
    | st.AclRuleDecl
    | st.AttachDecl
    | st.TgwRouteDecl
    | st.TgwRouteTableDecl
    | st.CustomerGatewayDecl
    | st.HostDecl
    | st.Tok  # an entry of a prefix list, one a line
    | st.SiteEphemeral
)

_BLOCKS = (
    st.RegionDecl,
    st.VpcDecl,
    st.RouteTableDecl,
    st.SecurityGroupDecl,
    st.NetworkAclDecl,
    st.TransitGatewayDecl,
    st.TgwRouteTableDecl,
    st.SiteDecl,
    st.PrefixListDecl,
)


def format_source(source: st.SourceFile) -> str:
    """Print a syntax tree in the canonical layout, keeping every comment.

    Args:
        source: a parsed file; its ``text`` tells where the author left blank lines and
            its ``comments`` are placed by their line numbers.

    Returns:
        The formatted text, ending with exactly one newline (empty for an empty file).
    """
    printer = _Printer(source, _place_comments(source))
    printer.container(source.statements, None, 0)
    return "".join(line + "\n" for line in printer.lines)


def format_text(text: str, path: str = "<input>") -> tuple[str | None, list[Diagnostic]]:
    """Parse text and print it in the canonical layout.

    Args:
        text: the file's contents.
        path: the name diagnostics give the file.

    Returns:
        The formatted text and no diagnostics, or ``None`` and the syntax diagnostics when
        the text does not parse.
    """
    source, diagnostics = parse(text, path)
    if source is None:
        return None, diagnostics
    return format_source(source), diagnostics


# ---- statements, one line each ---------------------------------------------------------------


def _children(node: Node) -> tuple[Node, ...] | None:
    """The statements inside a block, or ``None`` for a statement that is not a block."""
    if isinstance(node, st.SecurityGroupDecl):
        return node.rules
    if isinstance(node, st.PrefixListDecl):
        return node.cidrs
    if isinstance(node, _BLOCKS):
        return node.items
    return None


def _words(*parts: object) -> str:
    return " ".join(str(p) for p in parts if p is not None and str(p) != "")


def _refs(refs: Sequence[st.Ref]) -> str:
    return " ".join(str(r) for r in refs)


def _proto(spec: st.ProtoSpec) -> str:
    icmp_type = ("type", spec.icmp_type) if spec.icmp_type is not None else ()
    icmp_code = ("code", spec.icmp_code) if spec.icmp_code is not None else ()
    return _words(spec.protocol, spec.port, *icmp_type, *icmp_code)


def _options(options: Sequence[st.Option], order: Mapping[str, int]) -> str:
    ranked = sorted(options, key=lambda o: order.get(o.keyword, len(order)))
    return _words(*(_option(o) for o in ranked))


def _option(option: st.Option) -> str:
    if option.keyword == "sg":
        return f"sg {', '.join(str(v) for v in option.values)}"
    return _words(option.keyword, *option.values)


def _head(node: Node, vpc: str | None = None) -> str:
    """A statement's canonical text: the whole line, or a block's header without ``{``.

    ``vpc`` is the VPC the statement is in, if any (to qualify a name that would read
    as a keyword).
    """
    match node:
        case st.Title(text=text):
            return _words("title", text)
        case st.Prices(path=path):
            return _words("prices", path)
        case st.Include(path=path):
            return _words("include", path)
        case st.RegionDecl(name=name):
            return _words("region", name)
        case st.VpcDecl(name=name, cidrs=cidrs):
            return _words("vpc", name, *cidrs)
        case st.VpcIpv6(cidr=cidr):
            return _words("ipv6", cidr)
        case st.GatewayDecl(keyword=keyword, name=name):
            return _words(keyword, name)
        case st.DhcpOptions(domain=domain):
            return _words("dhcp-options domain", domain)
        case st.SubnetDecl(name=name, cidr=cidr, az=az, options=options):
            return _words("subnet", name, cidr, "az", az, _options(options, SUBNET_OPTION_ORDER))
        case st.RouteTableDecl(name=name, main=main):
            return _words("route-table", name, main)
        case (
            st.RouteDecl(destination=dest, target=target)
            | st.TgwRouteDecl(destination=dest, target=target)
        ):
            return _words("route", dest, "blackhole" if target is None else f"via {target}")
        case st.Propagate(refs=refs):
            return _words("propagate", _refs(refs))
        case st.Associate(refs=refs):
            return _words("associate", _refs(refs))
        case st.NatGatewayDecl(name=name, subnet=subnet, options=options):
            return _words("nat-gateway", name, "in", subnet, _options(options, NAT_OPTION_ORDER))
        case st.SecurityGroupDecl(name=name):
            return _words("security-group", name)
        case st.SgRuleDecl(direction=direction, protocol=proto, peer=peer):
            preposition = "from" if direction == "ingress" else "to"
            return _words(direction, _proto(proto), preposition, peer)
        case st.NetworkAclDecl(name=name):
            return _words("network-acl", name)
        case st.AclRuleDecl(direction=direction, number=number, action=action, protocol=proto):
            preposition = "from" if direction == "inbound" else "to"
            return _words(direction, number, action, _proto(proto), preposition, node.cidr)
        case st.InstanceDecl(name=name, subnet=subnet, options=options):
            return _words("instance", name, "in", subnet, _options(options, INSTANCE_OPTION_ORDER))
        case st.EndpointDecl(name=name, kind="gateway", service=service, targets=targets):
            return _words("endpoint", name, "gateway", service, "route-tables", _refs(targets))
        case st.EndpointDecl(name=name, service=service, targets=targets, groups=groups):
            sg = f"sg {', '.join(str(g) for g in groups)}" if groups else None
            subnets = _interface_subnets(targets, vpc)
            ips = _option(node.ips) if node.ips is not None else None
            return _words("endpoint", name, "interface", service, "in", subnets, ips, sg)
        case st.TransitGatewayDecl(name=name):
            return _words("transit-gateway", name)
        case st.AttachDecl(kind="vpn", target=target):
            return _words("attach vpn", target)
        case st.AttachDecl(target=target, subnets=subnets):
            return _words("attach", target, f"subnets {_refs(subnets)}" if subnets else None)
        case st.TgwRouteTableDecl(name=name):
            return _words("route-table", name)
        case st.PeeringDecl(name=name, a=a, b=b):
            return _words("peering", name, a, "<->", b)
        case st.SiteDecl(name=name, cidrs=cidrs):
            return _words("site", name, *cidrs)
        case st.CustomerGatewayDecl(name=name, ip=ip):
            return _words("customer-gateway", name, ip)
        case st.HostDecl(name=name, ip=ip):
            return _words("host", name, ip)
        case st.SiteEphemeral(ports=ports):
            return _words("ephemeral", ports)
        case st.VpnDecl(name=name, gateway=gw, customer_gateway=cgw, routing=routing):
            down = _options(node.options, VPN_OPTION_ORDER)
            return _words("vpn", name, gw, "<->", cgw, routing, *node.prefixes, down)
        case st.FlowDecl(name=name, source=src, destination=dst, protocol=proto):
            ret = f"return {node.return_volume}" if node.return_volume is not None else None
            volume = f"volume {node.volume}"
            return _words("flow", f"{name}:", src, "->", dst, _proto(proto), volume, ret)
        case st.ExpectPathDecl(source=src, destination=dst, protocol=proto, verdict=verdict):
            via = f"via {node.via}" if node.via is not None else None
            because = f"because {node.because}" if node.because is not None else None
            return _words("expect", src, "->", dst, _proto(proto), verdict, via, because)
        case st.ExpectCostDecl(subject=subject, operator=operator, amount=amount):
            return _words("expect cost", subject, operator, amount)
        case st.PrefixListDecl(name=name):
            return _words("prefix-list", name)
        case st.Tok(text=text):
            return text
        case _:
            assert_never(node)


def _interface_subnets(targets: Sequence[st.Ref], vpc: str | None) -> str:
    """An interface endpoint's subnets. After the first, a subnet named ``sg`` or ``ips`` would
    read as the start of the group or address list, so it is written qualified (``main.sg``),
    which reads the same."""
    words = [str(r) for r in targets]
    for index, ref in enumerate(targets):
        if index and ref.scope is None and ref.name in ("sg", "ips") and vpc is not None:
            words[index] = f"{vpc}.sg"
    return " ".join(words)


# ---- comments: which statement each one belongs to ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Placement:
    """Where each comment goes, keyed by ``id()`` of the statement it belongs to."""

    trailing: dict[int, st.Comment]  # after the statement's last word (a block: its '}')
    header: dict[int, st.Comment]  # after a block's '{'
    inside: dict[int | None, list[st.Comment]]  # own-line comments per block (None: the file)


def _walk(nodes: Sequence[Node]) -> list[Node]:
    found: list[Node] = []
    for node in nodes:
        found.append(node)
        found.extend(_walk(_children(node) or ()))
    return found


def _place_comments(source: st.SourceFile) -> _Placement:
    """Attach each comment to a statement by comparing line numbers.

    A comment runs to the end of its line, so it follows every word on that line: it
    trails whatever ends last there (the ``{`` of a block opened on the line, or the last
    statement ending on it), and has a line of its own when nothing comes before it.
    """
    ends_on: dict[int, list[Node]] = {}
    opens_on: dict[int, list[Node]] = {}
    for node in _walk(source.statements):
        ends_on.setdefault(node.span.end_line, []).append(node)
        if _children(node) is not None and node.span.end_line > node.span.line:
            opens_on.setdefault(node.span.line, []).append(node)
    placement = _Placement({}, {}, {})
    for comment in source.comments:
        line = comment.span.line
        ended = max(ends_on.get(line, ()), key=lambda n: n.span.end_column, default=None)
        opened = max(opens_on.get(line, ()), key=lambda n: n.span.column, default=None)
        if ended is not None and (opened is None or ended.span.end_column > opened.span.column):
            # A one-line block is expanded: its comment goes to the last statement inside.
            while (
                (inner := _children(ended))
                and ended.span.line == line
                and inner[-1].span.end_line == line
            ):
                ended = inner[-1]
            placement.trailing[id(ended)] = comment
        elif opened is not None:
            placement.header[id(opened)] = comment
        else:
            key = _container(line, source.statements, None)
            placement.inside.setdefault(key, []).append(comment)
    return placement


def _container(line: int, nodes: Sequence[Node], key: int | None) -> int | None:
    """The innermost block whose lines strictly enclose ``line`` (``None``: the file)."""
    # Statements do not overlap, so only the last one starting before the line can hold it.
    index = bisect.bisect_left(nodes, line, key=lambda n: n.span.line) - 1
    if index >= 0:
        node = nodes[index]
        inner = _children(node)
        if inner is not None and line < node.span.end_line:
            return _container(line, inner, id(node))
    return key


# ---- printing ---------------------------------------------------------------------------------


class _Printer:
    """Writes statements and comments line by line into ``lines``."""

    def __init__(self, source: st.SourceFile, placement: _Placement) -> None:
        self.lines: list[str] = []
        self.placement = placement
        self.vpc: str | None = None  # the VPC being printed
        # blanks_upto[n]: how many of the source's lines 1..n are blank.
        self.blanks_upto = [0]
        for text in source.text.split("\n"):
            self.blanks_upto.append(self.blanks_upto[-1] + (text.strip() == ""))

    def had_blank(self, after: int, before: int) -> bool:
        """Whether the source has a blank line strictly between two line numbers."""
        last = min(before - 1, len(self.blanks_upto) - 1)
        return last > after and self.blanks_upto[last] > self.blanks_upto[after]

    def container(self, nodes: Sequence[Node], key: int | None, depth: int) -> None:
        """Print the statements of the file or of one block, with their own-line comments."""
        entries: list[Node | st.Comment] = [*nodes, *self.placement.inside.get(key, ())]
        entries.sort(key=lambda e: (e.span.line, e.span.column))
        # next_statement[i]: the first statement at or after entries[i], past its comments.
        next_statement: list[Node | None] = [None] * (len(entries) + 1)
        for index in range(len(entries) - 1, -1, -1):
            entry = entries[index]
            if isinstance(entry, st.Comment):
                next_statement[index] = next_statement[index + 1]
            else:
                next_statement[index] = entry
        previous: Node | st.Comment | None = None
        previous_end = 0
        for index, entry in enumerate(entries):
            blank = self.had_blank(previous_end, entry.span.line)
            following = next_statement[index]
            if depth == 0 and previous is not None and not isinstance(previous, st.Comment):
                blank = blank or (following is not None and _apart(previous, following))
            if blank and index > 0:
                self.lines.append("")
            if isinstance(entry, st.Comment):
                self.lines.append(INDENT * depth + entry.text)
            else:
                self.statement(entry, depth)
            previous, previous_end = entry, entry.span.end_line

    def statement(self, node: Node, depth: int) -> None:
        """Print one statement, and a block's contents."""
        pad = INDENT * depth
        trailing = self.placement.trailing.get(id(node))
        after = f" {trailing.text}" if trailing is not None else ""
        inner = _children(node)
        if inner is None:
            self.lines.append(f"{pad}{_head(node, self.vpc)}{after}")
            return
        header = self.placement.header.get(id(node))
        if not inner and id(node) not in self.placement.inside and not (header and trailing):
            comment = header or trailing
            self.lines.append(f"{pad}{_head(node)} {{ }}" + (f" {comment.text}" if comment else ""))
            return
        self.lines.append(f"{pad}{_head(node)} {{" + (f" {header.text}" if header else ""))
        outer = self.vpc
        if isinstance(node, st.VpcDecl):
            self.vpc = node.name.text
        self.container(inner, id(node), depth + 1)
        self.vpc = outer
        self.lines.append(f"{pad}}}{after}")


def _apart(a: Node, b: Node) -> bool:
    """Whether two consecutive top-level statements always get a blank line between them."""
    return type(a) is not type(b) or _children(a) is not None or _children(b) is not None
