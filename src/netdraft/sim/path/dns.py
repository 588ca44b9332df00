"""Name resolution (LANGUAGE.md §11): what a client's resolver answers for a name, and how.

A resolution is a few DNS queries, each a UDP 53 connection of its own traced by the
simulator like any other (security groups, network ACLs, routes, VPNs, transit
gateways): the client to its server, a server to where it forwards, an outbound
endpoint to a rule's target. It lists those legs; the first that is denied makes it ``DNS_UNREACHABLE``.

The modelling rules, from AWS's documentation:

* An instance's server is the DHCP option set's first server that its query reaches
  (clients fail over in order); by default (``servers amazon``) the Amazon resolver at
  the VPC's base plus two, answered on the instance's host ("Amazon DNS server" in the
  VPC user guide). A server written as 169.254.169.253 or as the VPC's base plus two is
  that same resolver.
* The Amazon resolver answers only when the VPC's ``dns-support`` is on
  (``DNS_DISABLED``), and from private hosted zones only when ``dns-hostnames`` is on too
  ("DNS attributes for your VPC": both must be true to use private hosted zones).
* Of the private zones associated with the VPC, the most specific one that holds the
  name answers, and it answers alone: a name it has no record for is ``NXDOMAIN``, with no
  fall-through to public DNS ("Working with private hosted zones": "considerations").
* The EC2 private host names (``ip-10-0-1-5.ec2.internal`` in us-east-1,
  ``ip-10-0-1-5.REGION.compute.internal`` elsewhere) resolve to the instance of that
  VPC holding the address.
* Interface endpoints publish their names: the service's regional name in their VPC
  (private DNS), and their own names, regional and per AZ, everywhere.
* A CNAME is followed at the same resolver; one that comes back to a name already asked
  is ``DNS_LOOP``. An ALIAS to an interface endpoint answers with its addresses.
* A resolver rule associated with the VPC competes with its private zones: the more
  specific domain wins, the rule on a tie; its queries go from the outbound endpoint's
  network interface to the rule's targets, out through the endpoint's security groups'
  egress rules (CreateResolverEndpoint: an outbound endpoint's groups need outbound rules
  for the DNS port). An inbound endpoint answers like its VPC's
  Amazon resolver for whoever reaches its addresses.
* A DNS server is an instance or a site host with a ``dns`` block: the most specific of
  its zones (which answer every name in them) and forwarders decides. An instance named
  as a DHCP server without a block forwards to its VPC's Amazon resolver (the usual BIND
  or Unbound set up). A site host without a block asks its site's DNS server. A query
  that comes back to a server for a name it was asked is ``DNS_LOOP``. Public names are
  not modelled: ``NXDOMAIN``.
* A name without a dot is completed with the DHCP option set's ``domain`` (its search
  list), as the client's stub resolver does.
* A query asks for one type, ``A`` (IPv4) or ``AAAA`` (IPv6), and is answered from the
  records of that type (an ``ALIAS`` is an alias A record: Route 53 types aliases too).
  A name that exists without a record of the type asked has no answer, and no error
  (NOERROR with no data, RFC 2308 "NODATA"): the resolution holds no address, and its
  ``reason`` says why. A CNAME answers every type. EC2 host names and interface endpoint
  names are IPv4 names (A records only).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address

from netdraft.model import network as m
from netdraft.model.codes import DropCode
from netdraft.model.network import Query
from netdraft.model.values import Protocol
from netdraft.sim.path.linklocal import AMAZON_DNS, LINK_LOCAL_SERVICES, resolver_address
from netdraft.sim.trace import Trace

P = m.PlaceKind
Tracer = Callable[[Query], Trace]

#: At most this many names in a chain of CNAMEs (Route 53 follows a chain; a loop stops).
MAX_CHAIN = 16

#: What a query answers with: IPv4 addresses for ``A``, IPv6 ones for ``AAAA``.
Answers = tuple[IPv4Address | IPv6Address, ...]

_EC2_NAME = re.compile(r"ip-(\d+)-(\d+)-(\d+)-(\d+)\.(?:ec2|([a-z0-9-]+)\.compute)\.internal")


@dataclass(frozen=True, slots=True)
class DnsLeg:
    """One DNS query of a resolution: who asks which server, and its UDP 53 trace."""

    asker: str  # the client or the DNS server that asks
    server: str  # what it asks: an address, or "amazon-dns" of a VPC
    trace: Trace

    @property
    def ok(self) -> bool:
        return self.trace.allowed


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer to "what does ``client`` get for ``name``?", and the way to it.

    ``answers`` is empty when it fails; ``code`` and ``reason`` then say why, and a denied
    leg is the last of ``legs``. ``chain`` is the names asked in turn (CNAMEs followed),
    ``zone`` the zone that answered the last of them ('' for none): a private hosted zone,
    or one a DNS server serves (``zone_server``); ``resolver`` the VPC whose Amazon
    resolver looked the name up. A zone a DNS server serves may answer with no address
    the file knows: ``answers`` is then empty though the name resolves. ``qtype`` is the
    type asked (``A`` or ``AAAA``); a name with no record of that type resolves with no
    answers and a ``reason`` that says so (NODATA).
    """

    client: m.Place
    name: str
    answers: Answers
    legs: tuple[DnsLeg, ...]
    code: DropCode | None = None
    reason: str = ""
    chain: tuple[str, ...] = ()
    zone: str = ""
    resolver: str = ""
    zone_server: str = ""
    qtype: m.RecordKind = m.RecordKind.A

    @property
    def ok(self) -> bool:
        return self.code is None

    def crosses(self, name: str) -> bool:
        """Whether a query of the resolution that got through passes a component of this
        name (a query a server refused, before the client failed over, does not count)."""
        return any(leg.ok and leg.trace.crosses(name) for leg in self.legs)


class _Failed(Exception):
    def __init__(self, code: DropCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class _Run:
    """One resolution being worked out: the legs so far, the names asked."""

    net: m.Network
    trace: Tracer
    legs: list[DnsLeg]
    chain: list[str]
    zone: str = ""
    resolver: str = ""
    served: set[str] = field(default_factory=set)  # server and name pairs asked (loops)
    zone_server: str = ""
    qtype: m.RecordKind = m.RecordKind.A
    nodata: str = ""  # why a name that exists has no record of the type asked

    def no_data(self, name: str, where: str) -> Answers:
        """The name exists, without a record of the type asked: no answer, no error."""
        self.nodata = f"'{name}' has no {self.qtype.value} record {where} (NOERROR, no data)"
        return ()

    def leg(self, asker: m.Place, server: m.Place, shown: str) -> DnsLeg:
        """Trace one query; a DNS server asking is named by its name, a client as written."""
        who = asker.name if asker.name and _is_address(asker.text) else asker.text
        leg = DnsLeg(who, shown, self.trace(Query(asker, server, Protocol.UDP, 53)))
        self.legs.append(leg)
        return leg


def _is_address(text: str) -> bool:
    return text[:1].isdigit() and text.replace(".", "").isdigit()


def qualified(net: m.Network, client: m.Place, name: str) -> str:
    """The name the client asks for: lower case, no final dot, completed with its VPC's
    DHCP domain when it has no dot."""
    full = name.lower().rstrip(".")
    vpc = net.vpcs.get(client.vpc)
    if "." not in full and vpc is not None and vpc.dhcp_domain:
        full = f"{full}.{vpc.dhcp_domain.lower()}"
    return full


def resolve(
    net: m.Network,
    trace: Tracer,
    client: m.Place,
    name: str,
    qtype: m.RecordKind = m.RecordKind.A,
) -> Resolution:
    """What ``client``'s resolver answers for ``name``, with the queries it takes.

    Args:
        net: the compiled network.
        trace: how to trace a query (the simulator's).
        client: an instance or a site host.
        name: the name as written (relative names take the DHCP domain).
        qtype: the type asked, ``A`` (IPv4) or ``AAAA`` (IPv6).

    Returns:
        The resolution: the addresses, or the code and reason it fails with.
    """
    full = qualified(net, client, name)
    run = _Run(net, trace, [], [], qtype=qtype)
    code: DropCode | None
    answers: Answers
    try:
        answers = _from_client(run, client, full)
    except _Failed as failed:
        answers, code, reason = (), failed.code, failed.reason
    else:
        code, reason = None, run.nodata if not answers else ""
    return Resolution(
        client,
        full,
        answers,
        tuple(run.legs),
        code,
        reason,
        tuple(run.chain),
        run.zone,
        run.resolver,
        run.zone_server,
        qtype,
    )


def _from_client(run: _Run, client: m.Place, name: str) -> Answers:
    if client.kind is P.HOST:
        return _from_site_host(run, client, name)
    vpc = run.net.vpcs.get(client.vpc)
    if client.kind is not P.INSTANCE or vpc is None:
        raise _Failed(DropCode.DNS_UNREACHABLE, f"'{client}' has no DNS server")
    if not vpc.dns_servers:
        return _amazon(run, client, vpc, name)
    return _ask(run, client, vpc.dns_servers, name, vpc.name)


def _from_site_host(run: _Run, client: m.Place, name: str) -> Answers:
    """A site host is its own server with a ``dns`` block; else the site's DNS server (its
    first host with one) answers it. Hosts of a site are unfiltered: no query is traced
    between them."""
    site = run.net.sites[client.site]
    own = site.hosts.get(client.name)
    servers = [h for h in ([own] if own and own.dns else []) + list(site.hosts.values()) if h.dns]
    if not servers:
        raise _Failed(
            DropCode.DNS_UNREACHABLE,
            f"site '{site.name}' has no DNS server (no host with a dns block)",
        )
    host = servers[0]
    assert host.dns is not None
    place = m.Place(P.HOST, host.name, host.name, site=site.name, address=host.ip)
    return _serve(run, place, host.dns, name)


def _ask(
    run: _Run, asker: m.Place, servers: tuple[IPv4Address, ...], name: str, near: str
) -> Answers:
    """Ask the servers in order; the first whose query gets through answers."""
    if not servers:
        raise _Failed(DropCode.DNS_UNREACHABLE, f"'{asker.name or asker}' has no server to ask")
    first: DnsLeg | None = None
    for address in servers:
        server = place_at(run.net, address, str(address), near)
        leg = run.leg(asker, server, str(address))
        amazon = _amazon_written(run.net, asker, address)
        if leg.ok and amazon is not None:
            run.resolver = amazon.name
            return _resolver_answers(run, amazon, name)
        if leg.ok:
            return _answer_at(run, server, name)
        first = first or leg
    assert first is not None
    t = first.trace
    raise _Failed(
        DropCode.DNS_UNREACHABLE,
        f"the query from '{first.asker}' to DNS server {first.server} is denied:"
        f" {t.code}: {t.reason}",
    )


def _amazon_written(net: m.Network, asker: m.Place, address: IPv4Address) -> m.Vpc | None:
    """The VPC whose Amazon resolver an instance asks by address: 169.254.169.253 or its
    VPC's base plus two (AWS, "Amazon DNS server"), as a DHCP option set or a forwarder
    may write it. Another VPC's base plus two answers no one outside it (the trace says)."""
    vpc = net.vpcs.get(asker.vpc)
    if vpc is None or asker.kind is not P.INSTANCE:
        return None
    if LINK_LOCAL_SERVICES.get(address) is AMAZON_DNS or address == resolver_address(vpc):
        return vpc
    return None


def _answer_at(run: _Run, server: m.Place, name: str) -> Answers:
    """Who answers a query that reached ``server``: an inbound resolver endpoint (as its
    VPC's Amazon resolver), a DNS server's ``dns`` block, or an instance without one (it
    forwards to its VPC's Amazon resolver)."""
    vpc = run.net.vpcs.get(server.vpc)
    if server.kind is P.VPC_ADDRESS and vpc is not None:
        ep = _endpoint_at(vpc, server.address)
        if ep is not None and ep.resolver == "inbound":
            run.resolver = vpc.name
            return _resolver_answers(run, vpc, name)
    if server.kind is P.INSTANCE and vpc is not None:
        inst = vpc.instances[server.name]
        if inst.dns is not None:
            return _serve(run, server, inst.dns, name)
        return _amazon(run, server, vpc, name)
    if server.kind is P.HOST and server.name:
        host = run.net.sites[server.site].hosts[server.name]
        if host.dns is not None:
            return _serve(run, server, host.dns, name)
    raise _Failed(DropCode.DNS_UNREACHABLE, f"nothing at {server.text} serves DNS")


def _endpoint_at(vpc: m.Vpc, address: object) -> m.VpcEndpoint | None:
    return next((e for e in vpc.endpoints.values() if address in e.addresses), None)


def _serve(run: _Run, server: m.Place, config: m.DnsConfig, name: str) -> Answers:
    """A DNS server's block answers: the most specific of its zones and forwarders that
    holds the name (a zone on a tie); a zone it serves answers every name in it."""
    key = f"{server.site or server.vpc}/{server.name}/{name}"
    if key in run.served:
        raise _Failed(DropCode.DNS_LOOP, f"'{name}' is forwarded back to '{server.name}'")
    run.served.add(key)
    zones = [z for z in config.zones if name == z or name.endswith("." + z)]
    forwards = [f for f in config.forwards if f.holds(name)]
    zone = max(zones, key=len, default=None)
    forward = max(forwards, key=lambda f: len(f.domain), default=None)
    if zone is not None and (forward is None or len(zone) >= len(forward.domain)):
        run.zone = zone
        run.zone_server = server.name
        return _in_served_zone(run, server, zone, name)
    if forward is None:
        raise _Failed(
            DropCode.NXDOMAIN,
            f"DNS server '{server.name}' has no zone or forwarder for '{name}'",
        )
    vpc = run.net.vpcs.get(server.vpc)
    if forward.amazon:
        if vpc is None:
            raise _Failed(
                DropCode.DNS_UNREACHABLE,
                f"'{server.name}' forwards to amazon, but a site has no Amazon resolver",
            )
        return _amazon(run, server, vpc, name)
    targets = forward.addresses
    if forward.endpoint:
        ep = next(
            (
                e
                for v in run.net.vpcs.values()
                for n, e in v.endpoints.items()
                if n == forward.endpoint
            ),
            None,
        )
        targets = ep.addresses if ep is not None else ()
    return _ask(run, server, targets, name, server.vpc)


def _in_served_zone(run: _Run, server: m.Place, zone: str, name: str) -> Answers:
    """A name of a zone a DNS server serves: ``HOST.ZONE`` answers with the address of the
    host (or instance) of that name beside the server; other names exist at addresses the
    file does not know."""
    label = name[: -len(zone) - 1] if name != zone else ""
    six = run.qtype is m.RecordKind.AAAA
    if server.site:
        host = run.net.sites[server.site].hosts.get(label)
        return (host.ip,) if host is not None and not six else ()
    vpc = run.net.vpcs.get(server.vpc)
    inst = vpc.instances.get(label) if vpc is not None else None
    if inst is None:
        return ()
    found = inst.ipv6 if six else inst.ip
    return (found,) if found is not None else ()


def _amazon(run: _Run, asker: m.Place, vpc: m.Vpc, name: str) -> Answers:
    """The Amazon resolver of ``vpc``, asked by an instance of it."""
    address = resolver_address(vpc)
    assert address is not None
    resolver = m.Place(P.VPC_ADDRESS, str(address), vpc=vpc.name, address=address)
    leg = run.leg(asker, resolver, f"amazon-dns ({address})")
    run.resolver = vpc.name
    if not leg.ok and leg.trace.code is DropCode.DNS_DISABLED:
        return _resolver_answers(run, vpc, name)  # dns-support off: said as such
    if not leg.ok:
        t = leg.trace
        raise _Failed(
            DropCode.DNS_UNREACHABLE,
            f"the query from '{asker}' to the Amazon resolver of vpc '{vpc.name}' is denied:"
            f" {t.code}: {t.reason}",
        )
    return _resolver_answers(run, vpc, name)


def _resolver_answers(run: _Run, vpc: m.Vpc, name: str) -> Answers:
    key = f"amazon-dns/{vpc.name}/{name}"
    if key in run.served:
        raise _Failed(
            DropCode.DNS_LOOP,
            f"'{name}' is forwarded back to the Amazon resolver of vpc '{vpc.name}'",
        )
    run.served.add(key)
    if not vpc.dns_support:
        raise _Failed(
            DropCode.DNS_DISABLED,
            f"vpc '{vpc.name}' has dns-support off: its Amazon resolver does not answer",
        )
    return _lookup(run, vpc, name)


def _lookup(run: _Run, vpc: m.Vpc, name: str) -> Answers:
    """The Amazon resolver of ``vpc`` looks ``name`` up, following CNAMEs."""
    if name in run.chain:
        raise _Failed(DropCode.DNS_LOOP, f"the CNAMEs of '{run.chain[0]}' lead back to '{name}'")
    if len(run.chain) >= MAX_CHAIN:
        raise _Failed(DropCode.DNS_LOOP, f"more than {MAX_CHAIN} CNAMEs from '{run.chain[0]}'")
    run.chain.append(name)
    zone = _zone_for(run.net, vpc, name)
    rule = _rule_for(run.net, vpc, name)
    if rule is not None and (zone is None or len(rule.domain) >= len(zone.name)):
        return _forward_rule(run, rule, name)
    six = run.qtype is m.RecordKind.AAAA
    if zone is None:
        found = _ec2_name(vpc, name)
        if found is not None:
            run.zone = ""
            return run.no_data(name, "(an EC2 host name is IPv4)") if six else (found,)
        published = _endpoint_names(run.net, vpc, name)
        if published:
            return run.no_data(name, "(an endpoint's name is IPv4)") if six else published
        raise _Failed(DropCode.NXDOMAIN, _no_zone(vpc, name))
    run.zone = zone.name
    records = [r for r in zone.records if r.name == name]
    if not records:
        raise _Failed(
            DropCode.NXDOMAIN,
            f"private zone '{zone.name}' has no record '{name}' (it answers alone for its names)",
        )
    cname = next((r for r in records if r.kind is m.RecordKind.CNAME), None)
    if cname is not None:
        return _lookup(run, vpc, cname.target)
    kinds = (m.RecordKind.AAAA,) if six else (m.RecordKind.A, m.RecordKind.ALIAS)
    record = next((r for r in records if r.kind in kinds), None)
    if record is None:
        return run.no_data(name, f"in private zone '{zone.name}'")
    if record.kind is m.RecordKind.A:
        return record.addresses
    if record.kind is m.RecordKind.AAAA:
        return record.addresses6
    ep = run.net.vpcs[record.vpc].endpoints[record.target]
    return ep.addresses


def _rule_for(net: m.Network, vpc: m.Vpc, name: str) -> m.ResolverRule | None:
    """The most specific forwarding rule associated with ``vpc`` that holds ``name``."""
    held = [r for r in net.resolver_rules if vpc.name in r.vpcs and r.holds(name)]
    return max(held, key=lambda r: len(r.domain), default=None)


def _forward_rule(run: _Run, rule: m.ResolverRule, name: str) -> Answers:
    """A rule's names go from the outbound endpoint's network interface to its targets."""
    vpc = run.net.vpcs[rule.endpoint_vpc]
    ep = vpc.endpoints[rule.endpoint]
    if not ep.addresses:
        raise _Failed(DropCode.DNS_UNREACHABLE, f"endpoint '{ep.name}' has no address")
    src = m.Place(P.VPC_ADDRESS, ep.name, ep.name, vpc=vpc.name, address=ep.addresses[0])
    run.zone = ""
    return _ask(run, src, rule.targets, name, vpc.name)


def _zone_for(net: m.Network, vpc: m.Vpc, name: str) -> m.Zone | None:
    """The most specific private zone associated with ``vpc`` that holds ``name``."""
    if not vpc.dns_hostnames:
        return None
    held = [z for z in net.zones if vpc.name in z.vpcs and z.holds(name)]
    return max(held, key=lambda z: len(z.name), default=None)


def _no_zone(vpc: m.Vpc, name: str) -> str:
    why = (
        f"vpc '{vpc.name}' has dns-hostnames off, so its private zones are not used"
        if not vpc.dns_hostnames
        else f"no private zone associated with vpc '{vpc.name}' holds '{name}'"
    )
    return f"{why}; public DNS is not modelled"


def _endpoint_names(net: m.Network, vpc: m.Vpc, name: str) -> Answers:
    """An interface endpoint's names: the service's regional name (``sqs.us-east-1.
    amazonaws.com``) inside the endpoint's VPC (private DNS, on by default; its private
    zone needs ``dns-hostnames`` as any other: CreateVpcEndpoint, PrivateDnsEnabled), and the
    endpoint's own name (``NAME.SERVICE.REGION.vpce.amazonaws.com``, every interface;
    ``AZ.NAME.…`` that AZ's) from wherever the name is asked. The file has no endpoint
    ids, so the endpoint's name stands for its id."""
    for other in net.vpcs.values():
        for ep in other.endpoints.values():
            if ep.kind is not m.EndpointKind.INTERFACE or ep.resolver:
                continue
            own = f"{ep.name}.{ep.service}.{other.region}.vpce.amazonaws.com".lower()
            regional = f"{ep.service}.{other.region}.amazonaws.com"
            if other is vpc and vpc.dns_hostnames and name == regional:
                return ep.addresses
            if name == own:
                return ep.addresses
            for subnet, address in zip(ep.subnets, ep.addresses, strict=True):
                if name == f"{other.subnets[subnet].az}.{own}":
                    return (address,)
    return ()


def _ec2_name(vpc: m.Vpc, name: str) -> IPv4Address | None:
    """The instance of ``vpc`` an EC2 private host name stands for (its region's form)."""
    found = _EC2_NAME.fullmatch(name)
    if found is None:
        return None
    region = found.group(5)
    if (region or "us-east-1") != vpc.region:
        return None
    address = IPv4Address(".".join(found.group(i) for i in range(1, 5)))
    if any(inst.ip == address for inst in vpc.instances.values()):
        return address
    return None


def place_at(
    net: m.Network, address: IPv4Address | IPv6Address, text: str, near: str = ""
) -> m.Place:
    """The endpoint at ``address``, as a flow would name it: an instance or NAT gateway
    holding it (in ``near``, the asker's VPC, first), an address of a VPC or a site, or an
    internet host."""
    vpcs = sorted(net.vpcs.values(), key=lambda v: v.name != near)
    for vpc in vpcs:
        for inst in vpc.instances.values():
            if address in (inst.ip, inst.ipv6):
                return m.Place(P.INSTANCE, text, inst.name, vpc=vpc.name, address=address)
        for nat in vpc.nat_gateways.values():
            if nat.ip == address:
                return m.Place(P.NAT_GATEWAY, text, nat.name, vpc=vpc.name, address=address)
    for vpc in vpcs:
        if vpc.holds(address):
            return m.Place(P.VPC_ADDRESS, text, vpc=vpc.name, address=address)
    for site in net.sites.values():
        for host in site.hosts.values():
            if host.ip == address:
                return m.Place(P.HOST, text, host.name, site=site.name, address=address)
        if site.holds(address):
            return m.Place(P.HOST, text, site=site.name, address=address)
    return m.Place(P.INTERNET, text, address=address)
