"""DNS (LANGUAGE.md §11): a VPC's DHCP name servers and DNS settings, and private zones.

A zone's records name what they answer with: an A record an address or an instance (its
private address), a CNAME record another name, an ALIAS record an interface endpoint
(Route 53 answers an alias to a VPC endpoint with the addresses of its network
interfaces; AWS, "Routing traffic to an Amazon VPC interface endpoint by using your
domain name"). An instance cannot be an alias target: Route 53 offers aliases only to
AWS resources such as load balancers and endpoints, and an A record for an instance.
Names are compared in lower case without their final dot, as DNS does.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.resolve import Kind, resolve
from netdraft.dsl.passes.scope import declare
from netdraft.dsl.passes.symbols import VpcScope
from netdraft.model import network as m

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from netdraft.dsl.passes.context import Context

    _Table = Callable[[m.Vpc], Mapping[str, object]]


def fqdn(text: str) -> str:
    """A DNS name as compared: lower case, without its final dot."""
    return text.lower().rstrip(".")


def check_name(c: Context, token: st.Tok, full: str | None = None, asked: bool = False) -> bool:
    """Report ``dns-name`` at ``token`` when the name (``full`` when the token is relative
    to a zone) is not one; True when it is."""
    problem = literals.name_problem(token.text if full is None else full, asked)
    if problem is not None:
        hint = (
            "an address needs no resolving: `expect CLIENT -> ADDR …` tests it"
            if asked and "IP address" in problem
            else ""
        )
        c.err(codes.DNS_NAME, problem, token.span, hint)
    return problem is None


def domain(c: Context, s: VpcScope) -> str | None:
    """The DHCP option set's domain (its search list), checked as a DNS name."""
    if s.dhcp is None:
        return None
    check_name(c, s.dhcp.domain)
    return s.dhcp.domain.text


def servers(c: Context, s: VpcScope) -> tuple[IPv4Address, ...]:
    """The DHCP option set's name servers; empty for ``servers amazon`` or none written."""
    if s.dhcp is None or [t.text for t in s.dhcp.servers] == ["amazon"]:
        return ()
    return tuple(a for t in s.dhcp.servers if (a := literals.addr4(c, t)) is not None)


def flag(s: VpcScope, keyword: str) -> bool:
    """``dns-support`` or ``dns-hostnames``: on unless written ``off`` (AWS's default for a
    VPC made in the console or by the API with DNS hostnames enabled, as the spec says)."""
    written = s.dns_flags.get(keyword)
    return written is None or written.value.text == "on"


def config(c: Context, block: st.DnsBlock | None) -> m.DnsConfig | None:
    """A DNS server's ``dns { … }`` block: its zones and forwarders (a resolver endpoint is
    checked by :func:`build_rules`, once every VPC is built)."""
    if block is None:
        return None
    zones: list[str] = []
    forwards: list[m.DnsForward] = []
    for item in block.items:
        domain = "" if item.domain.text == "." else fqdn(item.domain.text)
        if domain:
            check_name(c, item.domain)
        if item.keyword == "zone":
            zones.append(domain)
            continue
        addresses = tuple(
            a for t in item.targets if isinstance(t, st.Tok) and (a := literals.addr4(c, t))
        )
        names = [t.name for t in item.targets if isinstance(t, st.Ref)]
        amazon = "amazon" in names
        endpoint = next((n for n in names if n != "amazon"), "")
        forwards.append(m.DnsForward(domain, addresses, amazon, endpoint, item.span))
    return m.DnsConfig(tuple(zones), tuple(forwards), block.span)


def build_rules(c: Context) -> tuple[m.ResolverRule, ...]:
    """The resolver rules, each through an outbound endpoint; and the resolver endpoints
    that ``dns`` blocks forward to, which must exist."""
    for ref in _forwarded_endpoints(c):
        if _resolver_endpoint(c, ref, "") is None:
            c.unknown("resolver endpoint", ref, _names(c, lambda v: _resolvers(v, "")))
    rules: list[m.ResolverRule] = []
    taken: dict[tuple[str, str], str] = {}  # (VPC, domain) -> the rule associated first
    for decl in c.scope.resolver_rules.values():
        found = _resolver_endpoint(c, decl.endpoint, "outbound")
        if found is None:
            c.unknown(
                "outbound resolver endpoint",
                decl.endpoint,
                _names(c, lambda v: _resolvers(v, "outbound")),
            )
        domain = fqdn(decl.domain.text)
        check_name(c, decl.domain)
        vpcs = _rule_vpcs(c, decl, found, domain, taken)
        targets = tuple(a for t in decl.targets if (a := literals.addr4(c, t)) is not None)
        if found is not None:
            rules.append(
                m.ResolverRule(decl.name.text, domain, targets, found[0], found[1], vpcs, decl.span)
            )
    return tuple(rules)


def _rule_vpcs(
    c: Context,
    decl: st.ResolverRuleDecl,
    endpoint: tuple[str, str] | None,
    domain: str,
    taken: dict[tuple[str, str], str],
) -> tuple[str, ...]:
    """The VPCs a rule is associated with. Route 53 Resolver rules are regional: a VPC of
    another region than the rule's outbound endpoint cannot be associated, nor a second
    rule of the same domain with one VPC (AssociateResolverRule refuses both)."""
    region = c.built_vpcs[endpoint[0]].region if endpoint is not None else None
    vpcs: list[str] = []
    for ref in decl.vpcs:
        vpc = resolve(c, Kind.VPC, ref)
        if vpc is None or vpc in vpcs:
            continue
        theirs = c.built_vpcs[vpc].region if vpc in c.built_vpcs else None
        if region is not None and theirs is not None and theirs != region:
            c.err(
                codes.RESOLVER_RULE,
                f"resolver rule '{decl.name.text}' is in {region} (its endpoint"
                f" '{decl.endpoint}'), but vpc '{vpc}' is in {theirs}",
                ref.span,
                "a rule serves the VPCs of its region; create one in that region",
            )
            continue
        first = taken.setdefault((vpc, domain), decl.name.text)
        if first != decl.name.text:
            c.err(
                codes.RESOLVER_RULE,
                f"resolver rules '{first}' and '{decl.name.text}' both forward '{domain}'"
                f" for vpc '{vpc}'",
                ref.span,
                "Resolver associates one rule of a domain with a VPC",
            )
            continue
        vpcs.append(vpc)
    return tuple(vpcs)


def _resolvers(vpc: m.Vpc, direction: str) -> dict[str, m.VpcEndpoint]:
    return {n: e for n, e in vpc.endpoints.items() if e.resolver and direction in ("", e.resolver)}


def _resolver_endpoint(c: Context, ref: st.Ref, direction: str) -> tuple[str, str] | None:
    return _find(c, ref, lambda v: _resolvers(v, direction))


def _forwarded_endpoints(c: Context) -> list[st.Ref]:
    blocks = [d.dns for v in c.scope.vpcs.values() for d in v.instances.values()]
    for site in c.scope.sites.values():
        blocks += [h.dns for h in site.items if isinstance(h, st.HostDecl)]
    return [
        t
        for b in blocks
        if b is not None
        for item in b.items
        for t in item.targets
        if isinstance(t, st.Ref) and t.name != "amazon"
    ]


def build_zones(c: Context) -> tuple[m.Zone, ...]:
    """Every private hosted zone of the file, in the order written."""
    return tuple(_zone(c, name, decl) for name, decl in c.scope.zones.items())


def _zone(c: Context, name: str, decl: st.ZoneDecl) -> m.Zone:
    named = check_name(c, decl.name)  # else a record is checked on its own, not in it
    vpcs: list[str] = []
    for ref in decl.vpcs:
        vpc = resolve(c, Kind.VPC, ref)
        if vpc is not None and vpc not in vpcs:
            vpcs.append(vpc)
    seen: dict[str, st.RecordDecl] = {}  # A, ALIAS (an alias A) and CNAME records by name
    seen6: dict[str, st.RecordDecl] = {}  # AAAA records by name: beside the A ones
    records: list[m.DnsRecord] = []
    for rec in decl.records:
        full = f"{fqdn(rec.name.text)}.{name}"
        if not check_name(c, rec.name, full if named else None):
            continue
        table = seen6 if rec.kind == "AAAA" else seen
        if not declare(c, table, st.Tok(full, rec.name.span), rec, "record", f" in zone '{name}'"):
            continue
        other = seen.get(full) if rec.kind == "AAAA" else seen6.get(full)
        if other is not None and "CNAME" in (rec.kind, other.kind):
            c.err(
                codes.DNS_RECORD,
                f"'{full}' has a CNAME record and another record: a CNAME is its name's only"
                " record (RFC 1034)",
                rec.name.span,
                f"the {other.kind} record is on line {other.span.line}",
            )
            continue
        built = _record(c, full, rec)
        if built is not None:
            records.append(built)
    return m.Zone(name, tuple(vpcs), tuple(records), decl.span)


def _record(c: Context, full: str, rec: st.RecordDecl) -> m.DnsRecord | None:
    kind = m.RecordKind(rec.kind)
    if kind is m.RecordKind.CNAME:
        target = rec.values[0]
        if isinstance(target, st.Tok) and not check_name(c, target):
            return None
        return m.DnsRecord(full, kind, target=fqdn(str(rec.values[0])), span=rec.span)
    if kind is m.RecordKind.ALIAS:
        ref = rec.values[0]
        assert isinstance(ref, st.Ref)
        found = _alias_target(c, ref)
        if found is None:
            return None
        return m.DnsRecord(full, kind, target=found[1], vpc=found[0], span=rec.span)
    if kind is m.RecordKind.AAAA:
        six = _aaaa_addresses(c, rec)
        return m.DnsRecord(full, kind, span=rec.span, addresses6=six) if six else None
    addresses: list[IPv4Address] = []
    for value in rec.values:
        if isinstance(value, st.Tok):
            address = literals.addr4(c, value)
        else:
            inst = _find(c, value, lambda v: v.instances)
            address = c.built_vpcs[inst[0]].instances[inst[1]].ip if inst else None
            if inst is None:
                c.unknown("instance", value, _names(c, lambda v: v.instances))
        if address is not None and address not in addresses:
            addresses.append(address)
    if not addresses:
        return None
    return m.DnsRecord(full, kind, tuple(addresses), span=rec.span)


def _aaaa_addresses(c: Context, rec: st.RecordDecl) -> tuple[IPv6Address, ...]:
    """An AAAA record's IPv6 addresses: written, or an instance's (its ``ipv6``)."""
    found: list[IPv6Address] = []
    for value in rec.values:
        address: IPv6Address | None = None
        if isinstance(value, st.Tok):
            written = literals.addr(c, value)
            if isinstance(written, IPv6Address):
                address = written
            elif written is not None:
                c.err(
                    codes.BAD_ADDRESS,
                    f"'{value.text}' is not an IPv6 address",
                    value.span,
                    "an AAAA record holds IPv6 addresses; an IPv4 one goes in an A record",
                )
        else:
            inst = _find(c, value, lambda v: v.instances)
            if inst is None:
                c.unknown("instance", value, _names(c, lambda v: v.instances))
                continue
            address = c.built_vpcs[inst[0]].instances[inst[1]].ipv6
            if address is None:
                c.err(
                    codes.DNS_RECORD,
                    f"instance '{value}' has no IPv6 address for an AAAA record to answer with",
                    value.span,
                    "give the instance an IPv6 address (ipv6 ADDR, in a subnet with IPv6)",
                )
        if address is not None and address not in found:
            found.append(address)
    return tuple(found)


def _alias_target(c: Context, ref: st.Ref) -> tuple[str, str] | None:
    """The interface endpoint an ALIAS record names, as (VPC, name)."""
    found = _find(c, ref, lambda v: v.endpoints)
    ep = c.built_vpcs[found[0]].endpoints[found[1]] if found is not None else None
    interface = ep is not None and ep.kind is m.EndpointKind.INTERFACE
    if found is not None and ep is not None and interface and not ep.resolver:
        return found
    what = ""
    if ep is not None:
        what = "a resolver endpoint" if ep.resolver else "a gateway endpoint"
    elif _find(c, ref, lambda v: v.instances) is not None:
        what = "an instance"
    if what:
        c.err(
            codes.DNS_RECORD,
            f"an ALIAS record cannot point to {what} ('{ref}')",
            ref.span,
            "an alias names an interface endpoint; an instance takes an A record",
        )
    else:
        c.unknown("interface endpoint", ref, _names(c, lambda v: v.endpoints))
    return None


def _find(c: Context, ref: st.Ref, table: _Table) -> tuple[str, str] | None:
    """The (VPC, name) of the one thing ``ref`` names in some VPC's ``table``."""
    for vpc in c.built_vpcs.values():
        if ref.scope in (None, vpc.name) and ref.name in table(vpc):
            return vpc.name, ref.name
    return None


def _names(c: Context, table: _Table) -> list[str]:
    return [n for v in c.built_vpcs.values() for n in table(v)]
