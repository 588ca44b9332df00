"""The canonical printer: a syntax tree back to ``.nd`` text in the layout ``fmt`` writes.

The printer works in two layers. The per-statement functions (``_head``) give each
statement its canonical words; the printer turns statements, blocks and comments into
lines of words (:class:`_Line`), and a layout pass (:func:`_render`) joins the words,
aligning columns and trailing comments. A new statement gets alignment by printing its
words: nothing in the layout pass knows one statement from another, except by its type.

fmt keeps four layout choices of the author's and decides everything else:

1. **Blank lines**: one wherever the source had one or more between two statements or
   comments, at any depth (and, at the top level, always one between statements of
   different kinds or around a block). Never more than one in a row, none at the start of
   the file, after a ``{`` or before a ``}``.
2. **Short blocks on one line**: a block written on one line whose statements are all
   simple (no block inside) stays on one line, ``{ a; b }``, when that line, single-spaced
   and indented, is at most :data:`ONE_LINE_WIDTH` columns wide (its trailing comment left
   out). Any other block opens with ``{`` at the end of its header line and closes with
   ``}`` alone on a line. An empty block prints as ``{ }`` on its header line (a comment
   after its ``{`` or ``}`` follows the ``{ }``; with comments in both places, or on lines
   of their own inside it, it stays open over several lines).
3. **Aligned columns**: a *run* is a series of consecutive lines of one block, each the
   whole of one statement of the same type (``subnet`` lines; ``inbound`` and ``outbound``
   rules; route tables on one line), with no blank line, own-line comment or other
   statement between them. Every word is a field. Where the author left more than one
   blank after field ``k`` on any line of a run (the source's words up to there being the
   ones printed), field ``k + 1`` of every line of the run that has one starts in one
   column, one blank after the longest text before it; everywhere else words are
   separated by one blank. So a run the author aligned stays aligned (and is realigned
   when a line is edited or added), and a run nobody padded is never padded.
4. **Trailing comments** keep the column they were written at, counted from their line's
   indentation, when the line they end stays the line they were written on; otherwise,
   or when the line's text now reaches that column, they follow it after one blank.
   Trailing comments on consecutive lines start in one column, the rightmost any of them
   asks for; a line wider than :data:`COMMENT_GROUP_WIDTH` keeps its comment to itself.

And, whatever the source:

- One statement per line (except in a block kept on one line), two spaces of indentation
  per block level, words as the canonical printer writes them (``sg a, b``).
- Statements keep their order. The options of a statement are printed in a canonical
  order (instance: ``public-ip``/``elastic-ip``, ``sg a, b``, ``ip``, ``ipv6``,
  ``source-dest-check``, ``stopped``, ``ephemeral``, ``down``; subnet: ``ipv6``,
  ``public-ip-on-launch``; NAT gateway: ``private``, ``ip``, ``eip``, ``down``; interface
  endpoint: subnets, ``ips``, ``sg``; ``down`` last on a VPN); options of equal rank keep
  their order.
- Comments are kept word for word and in order: a comment after the last word of a
  statement stays on that statement's line; a comment after a block kept on one line
  stays after its ``}``, and one after an expanded block written on one line goes to the
  block's last statement; a comment after the ``}`` of a longer block stays after it; a
  comment after a ``{`` stays after the ``{`` (after ``{ }`` for an empty block); a
  comment on its own line stays on its own line before the statement that follows it, at
  that statement's indentation; comments after the last statement of a block stay inside
  the block, before its ``}``; comments after the last statement of the file stay at its
  end.
- No line ends in blanks; the text ends with exactly one newline (an empty file stays
  empty).

The output depends on the source's whitespace only through these four choices: two files
that differ in indentation, in blanks at the ends of lines or in how many blank lines
separate two statements format the same. Formatting is idempotent.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from netdraft.diagnostics import Diagnostic
from netdraft.dsl import syntax as st
from netdraft.dsl.parse import parse
from netdraft.model.values import Span

INDENT = "  "

#: Canonical rank of each option keyword; options of equal rank keep their source order.
INSTANCE_OPTION_ORDER: Mapping[str, int] = {
    "public-ip": 0,
    "elastic-ip": 0,
    "sg": 1,
    "ip": 2,
    "ipv6": 3,
    "source-dest-check": 4,
    "stopped": 5,
    "ephemeral": 6,
    "down": 7,
}
SUBNET_OPTION_ORDER: Mapping[str, int] = {"ipv6": 0, "public-ip-on-launch": 1}
NAT_OPTION_ORDER: Mapping[str, int] = {"private": 0, "ip": 1, "eip": 2, "down": 9}
VPN_OPTION_ORDER: Mapping[str, int] = {"down": 9}
DX_OPTION_ORDER: Mapping[str, int] = {"hosted": 0, "on": 2, "down": 9}
LB_OPTION_ORDER: Mapping[str, int] = {
    "ips": 0,
    "sg": 1,
    "eips": 2,
    "cross-zone": 3,
    "ipam-pool": 4,
}

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
    | st.ZoneDecl
    | st.ScenarioDecl
    | st.LoadBalancerDecl
    | st.DxGatewayDecl
    | st.AcceleratorDecl
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
    | st.RecordDecl
    | st.DownDecl
    | st.ListenerDecl
    | st.DxAssociateDecl
    | st.AcceleratorListenerDecl
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
    st.ScenarioDecl,
    st.LoadBalancerDecl,
    st.DxGatewayDecl,
    st.AcceleratorDecl,
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
    return "".join(line + "\n" for line in _render(printer.lines))


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
    if isinstance(node, st.LoadBalancerDecl | st.AcceleratorDecl):
        return node.listeners
    if isinstance(node, st.ZoneDecl):
        return node.records
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


def _dns_block(block: st.DnsBlock | None) -> str | None:
    """A DNS server's block, on its statement's line: ``dns { zone a; forward . to amazon }``."""
    if block is None:
        return None
    items = [
        _words(i.keyword, i.domain, *(("to",) if i.keyword == "forward" else ()), *i.targets)
        for i in block.items
    ]
    return "dns { " + "; ".join(items) + " }" if items else "dns { }"


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
        case st.VpcDecl(name=name, cidrs=cidrs, ipam=ipam):
            pool = ("ipam", ipam.pool, ipam.length) if ipam is not None else ()
            return _words("vpc", name, *cidrs, *pool)
        case st.IpamPoolDecl(name=name, cidr=cidr):
            return _words("ipam-pool", name, cidr)
        case st.AcceleratorDecl(name=name, ips=static):
            return _words("accelerator", name, *(("ips", *static) if static else ()))
        case st.AcceleratorListenerDecl(protocol=proto, ports=listened, endpoints=endpoints):
            targets = (
                _words(e.target, *(("weight", e.weight) if e.weight else ())) for e in endpoints
            )
            return _words("listener", proto, listened, "->", *targets)
        case st.VpcIpv6(cidr=cidr):
            return _words("ipv6", cidr)
        case st.GatewayDecl(keyword=keyword, name=name):
            return _words(keyword, name)
        case st.DhcpOptions(domain=domain, servers=servers):
            return _words("dhcp-options domain", domain, "servers" if servers else None, *servers)
        case st.DnsFlag(keyword=keyword, value=value):
            return _words(keyword, value)
        case st.ZoneDecl(name=name, vpcs=vpcs):
            return _words("zone", name, "private vpcs", _refs(vpcs))
        case st.RecordDecl(name=name, kind=kind, values=values):
            return _words("record", name, kind, *values)
        case st.ExpectResolvesDecl(source=src, name=name):
            if node.via is not None:
                answer = f"via {node.via}"
            elif node.because is not None:
                answer = f"because {node.because}"
            else:
                answer = _words("=", *node.addresses)
            return _words("expect", src, "resolves", name, answer)
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
            opts = _options(options, INSTANCE_OPTION_ORDER)
            return _words("instance", name, "in", subnet, opts, _dns_block(node.dns))
        case st.EndpointDecl(name=name, kind="gateway", service=service, targets=targets):
            return _words("endpoint", name, "gateway", service, "route-tables", _refs(targets))
        case st.EndpointDecl(name=name, resolver=direction, targets=targets) if direction:
            sg = f"sg {', '.join(str(g) for g in node.groups)}" if node.groups else None
            ips = _option(node.ips) if node.ips is not None else None
            subnets = _interface_subnets(targets, vpc)
            return _words("resolver-endpoint", name, direction, "in", subnets, ips, sg)
        case st.EndpointDecl(name=name, service=service, targets=targets, groups=groups):
            sg = f"sg {', '.join(str(g) for g in groups)}" if groups else None
            subnets = _interface_subnets(targets, vpc)
            ips = _option(node.ips) if node.ips is not None else None
            ports = _option(node.ports) if node.ports is not None else None
            return _words("endpoint", name, "interface", service, "in", subnets, ips, ports, sg)
        case st.LoadBalancerDecl(name=name, kind=kind, scheme=scheme, subnets=subnets):
            opts = _options(node.options, LB_OPTION_ORDER)
            return _words("load-balancer", name, kind, scheme, "in", _refs(subnets), opts)
        case st.ListenerDecl(protocol=proto, port=port, target_group=tg):
            return _words("listener", proto, port, "->", tg)
        case st.TargetGroupDecl(name=name, protocol=proto, port=port, targets=targets):
            listed = ("targets", *targets) if targets else ()
            return _words("target-group", name, proto, port, *listed)
        case st.FlowLogDecl(resource=resource, destination=dest, volume=logged):
            return _words("flow-log", resource, "to", dest, *(("volume", logged) if logged else ()))
        case st.TrafficMirrorDecl(source=source, target=target):
            return _words("traffic-mirror", source, "to", target)
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
        case st.TgwPeeringDecl(name=name, a=a, b=b):
            return _words(
                "tgw-peering", name, a, "<->", b, _options(node.options, VPN_OPTION_ORDER)
            )
        case st.DxConnectionDecl(name=name, location=location, speed=speed, site=site):
            ranked = sorted(node.options, key=lambda o: DX_OPTION_ORDER.get(o.keyword, 9))
            hosted = [_option(o) for o in ranked if o.keyword == "hosted"]
            rest = [_option(o) for o in ranked if o.keyword != "hosted"]
            return _words(
                "dx-connection", name, "at", location, speed, *hosted, "site", site, *rest
            )
        case st.DxGatewayDecl(name=name):
            return _words("dx-gateway", name)
        case st.DxAssociateDecl(refs=refs, allowed=allowed):
            return _words("associate", _refs(refs), *(("allowed", *allowed) if allowed else ()))
        case st.VifDecl(name=name, kind=kind, connection=conn, target=target):
            return _words("vif", name, kind, conn, "->", target)
        case st.ExpectResiliencyDecl(site=site, model=model):
            return _words("expect resiliency", site, model)
        case st.SiteDecl(name=name, cidrs=cidrs):
            return _words("site", name, *cidrs)
        case st.CustomerGatewayDecl(name=name, ip=ip):
            return _words("customer-gateway", name, ip)
        case st.HostDecl(name=name, ip=ip):
            return _words("host", name, ip, _dns_block(node.dns))
        case st.ResolverRuleDecl(name=name, domain=domain, targets=targets, endpoint=ep):
            where = _refs(node.vpcs)
            return _words(
                "resolver-rule", name, "forward", domain, "to", *targets, "via", ep, "vpcs", where
            )
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
        case st.ScenarioDecl(name=name):
            return _words("scenario", name)
        case st.DownDecl(refs=refs):
            return _words("down", _refs(refs))
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

#: A block written on one line stays on one line when its single-spaced text, indentation
#: included and any trailing comment left out, is at most this wide.
ONE_LINE_WIDTH = 100

#: A line wider than this (its comment left out) has its trailing comment to itself: it
#: neither joins the comments of the lines around it nor pushes them to its right.
COMMENT_GROUP_WIDTH = 80

#: A word as ``fmt`` and the alignment pass see it: a run of non-blank characters, where a
#: quoted string (spaces and all) counts as part of the word it is in.
_WORD = re.compile(r'(?:"(?:[^"\\\n]|\\.)*"?|[^\s"])+')


@dataclass(slots=True)
class _Line:
    """One output line before the layout pass: its words and what aligns it.

    ``kind`` is the type of the statement a line prints; consecutive lines of one kind at
    one depth form a run, and ``None`` (blank lines, own-line comments, the header and the
    ``}`` of a block printed over several lines) never joins one. ``padded`` holds the
    word boundaries (``k``: between word ``k`` and word ``k + 1``) after which the author
    left more than one blank. ``comment_at`` is the column the trailing comment asks for.
    """

    indent: int
    words: list[str]
    kind: type | None = None
    padded: frozenset[int] = frozenset()
    comment: str | None = None
    comment_at: int = 0


class _Printer:
    """Writes statements and comments line by line into ``lines``."""

    def __init__(self, source: st.SourceFile, placement: _Placement) -> None:
        self.lines: list[_Line] = []
        self.placement = placement
        self.vpc: str | None = None  # the VPC being printed
        self.source_lines = source.text.split("\n")
        # blanks_upto[n]: how many of the source's lines 1..n are blank.
        self.blanks_upto = [0]
        for text in self.source_lines:
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
                self.lines.append(_Line(0, []))
            if isinstance(entry, st.Comment):
                self.lines.append(_Line(len(INDENT) * depth, [entry.text]))
            else:
                self.statement(entry, depth)
            previous, previous_end = entry, entry.span.end_line

    def statement(self, node: Node, depth: int) -> None:
        """Print one statement, and a block's contents."""
        indent = len(INDENT) * depth
        trailing = self.placement.trailing.get(id(node))
        inner = _children(node)
        if inner is None:
            self.emit(node, indent, _split(_head(node, self.vpc)), trailing)
            return
        header = self.placement.header.get(id(node))
        if not inner and id(node) not in self.placement.inside and not (header and trailing):
            self.emit(node, indent, [*_split(_head(node)), "{", "}"], header or trailing)
            return
        outer = self.vpc
        if isinstance(node, st.VpcDecl):
            self.vpc = node.name.text
        one_line = self.one_line(node, inner, indent)
        if one_line is not None:
            # The last statement holds the comment written after the block's '}'.
            comment = trailing or self.placement.trailing.get(id(inner[-1]))
            self.emit(node, indent, one_line, comment)
            self.vpc = outer
            return
        self.lines.append(_Line(indent, [*_split(_head(node)), "{"]))
        self.attach(self.lines[-1], header, self.begins(node.span.line, node.span.column))
        self.container(inner, id(node), depth + 1)
        self.vpc = outer
        self.lines.append(_Line(indent, ["}"]))
        closing = self.begins(node.span.end_line, node.span.end_column - 1)
        self.attach(self.lines[-1], trailing, closing)

    def one_line(self, node: Node, inner: Sequence[Node], indent: int) -> list[str] | None:
        """A block's words on one line, if it was written on one line and stays there."""
        if node.span.line != node.span.end_line or id(node) in self.placement.inside:
            return None
        if any(_children(child) is not None for child in inner):
            return None
        words = [*_split(_head(node)), "{"]
        for index, child in enumerate(inner):
            child_words = _split(_head(child, self.vpc))
            if index < len(inner) - 1:
                child_words[-1] += ";"
            words.extend(child_words)
        words.append("}")
        if indent + len(" ".join(words)) > ONE_LINE_WIDTH:
            return None
        return words

    def emit(self, node: Node, indent: int, words: list[str], comment: st.Comment | None) -> None:
        """Add a statement's line, noting where its author aligned it."""
        line = _Line(indent, words, type(node), self.padded(node.span, words))
        self.attach(line, comment, self.begins(node.span.line, node.span.column))
        self.lines.append(line)

    def begins(self, line: int, column: int) -> bool:
        """Whether the source's text at a line and column is the first on its line."""
        if not 1 <= line <= len(self.source_lines):
            return False
        text = self.source_lines[line - 1]
        return column - 1 == len(text) - len(text.lstrip())

    def attach(self, line: _Line, comment: st.Comment | None, same_line: bool) -> None:
        """Put a trailing comment on a line, remembering the column it was written at.

        The column is kept only when the printed line begins the comment's source line
        (``same_line``); it is counted from that line's indentation, so that indenting a
        line differently moves its comment with it. A comment that moves to another line
        asks for no column: it follows its line after one blank.
        """
        if comment is None:
            return
        line.comment = comment.text
        if not same_line or comment.span.line > len(self.source_lines):
            return
        text = self.source_lines[comment.span.line - 1]
        offset = comment.span.column - 1 - (len(text) - len(text.lstrip()))
        line.comment_at = line.indent + max(offset, 0)

    def padded(self, span: Span, words: Sequence[str]) -> frozenset[int]:
        """The word boundaries after which the source has more than one blank.

        The source's words are compared with the printed ones from the left; only
        boundaries between words that are the same on both sides count (an option moved by
        the canonical order, or a list respaced, ends the comparison).
        """
        if span.line != span.end_line or not 1 <= span.line <= len(self.source_lines):
            return frozenset()
        text = self.source_lines[span.line - 1][span.column - 1 : span.end_column - 1]
        found = list(_WORD.finditer(text))
        padded: set[int] = set()
        for k in range(min(len(found), len(words)) - 1):
            if found[k].group() != words[k] or found[k + 1].group() != words[k + 1]:
                break
            if found[k + 1].start() - found[k].end() > 1:
                padded.add(k)
        return frozenset(padded)


def _split(text: str) -> list[str]:
    return _WORD.findall(text)


# ---- layout: alignment of runs and of trailing comments ----------------------------------------


def _render(lines: Sequence[_Line]) -> list[str]:
    """Join each line's words, aligning the columns of runs and the trailing comments."""
    texts: list[str] = []
    start = 0
    while start < len(lines):
        end = start + 1
        first = lines[start]
        if first.kind is not None:
            while (
                end < len(lines)
                and lines[end].kind is first.kind
                and lines[end].indent == first.indent
            ):
                end += 1
        texts.extend(_align(lines[start:end]))
        start = end
    return _align_comments(lines, texts)


def _align(run: Sequence[_Line]) -> list[str]:
    """A run's lines, each boundary some author padded aligned over the lines that go on.

    A boundary ``k`` that is aligned starts word ``k + 1`` of every line that has one in
    one column: one blank after the longest text before it.
    """
    aligned = frozenset().union(*(line.padded for line in run))
    texts = [" " * line.indent + (line.words[0] if line.words else "") for line in run]
    longest = max(len(line.words) for line in run)
    for k in range(1, longest):
        going_on = [j for j, line in enumerate(run) if len(line.words) > k]
        column = max(len(texts[j]) for j in going_on) + 1
        for j in going_on:
            pad = column - len(texts[j]) if k - 1 in aligned else 1
            texts[j] += " " * pad + run[j].words[k]
    return texts


def _align_comments(lines: Sequence[_Line], texts: list[str]) -> list[str]:
    """Start the trailing comments of consecutive lines in one column.

    Each comment asks for the column it was written at, and for at least one blank after
    its line's text; a group of consecutive lines with comments takes the rightmost column
    any of them asks for. A line wider than :data:`COMMENT_GROUP_WIDTH` is a group of its
    own.
    """
    out = list(texts)
    index = 0
    while index < len(lines):
        if lines[index].comment is None:
            index += 1
            continue
        end = index + 1
        while (
            end < len(lines)
            and lines[end].comment is not None
            and len(texts[end - 1]) <= COMMENT_GROUP_WIDTH
            and len(texts[end]) <= COMMENT_GROUP_WIDTH
        ):
            end += 1
        column = max(max(len(texts[j]) + 1, lines[j].comment_at) for j in range(index, end))
        for j in range(index, end):
            out[j] = texts[j].ljust(column) + str(lines[j].comment)
        index = end
    return out


def _apart(a: Node, b: Node) -> bool:
    """Whether two consecutive top-level statements always get a blank line between them."""
    return type(a) is not type(b) or _children(a) is not None or _children(b) is not None
