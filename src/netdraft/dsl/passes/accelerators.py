"""Global Accelerators (LANGUAGE.md §10): listeners, endpoints and static addresses.

An accelerator stands outside every region. Its listeners take TCP or UDP on a port or a
range and send to endpoints (a load balancer, an instance, or an instance's Elastic IP by
its address) in any region, each with a weight (0-255, AWS's default 128). Its two static
IPv4 addresses are written with ``ips`` or allocated: the i-th accelerator without
``ips``, in file order, gets the i-th address of each of two of AWS's Global Accelerator
ranges (:data:`ANYCAST_RANGES`), one address per network zone as AWS gives them.

A written static address must be one AWS can give an accelerator
(``warning[accelerator-address]`` otherwise): in the ranges of Global Accelerator's static
addresses (the bundled snapshot's ``GLOBALACCELERATOR`` entries of region ``GLOBAL``; a
snapshot without them falls back to :data:`ANYCAST_RANGES`), or brought to AWS (BYOIP),
which a file says with a public ``ipam-pool`` of a /24 or wider (the most specific range
Global Accelerator takes) holding it. A BYOIP range is one network zone, so an
accelerator takes at most one address of each.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from netdraft import codes
from netdraft.diagnostics import warning
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.addresses import NOT_PUBLIC
from netdraft.dsl.passes.context import Context, Held, Holder
from netdraft.dsl.passes.scope import declare
from netdraft.model import network as m
from netdraft.model.aws_ranges import snapshot
from netdraft.model.values import Protocol

#: Two of the ranges AWS lists for the GLOBALACCELERATOR service in ip-ranges.json; an
#: accelerator's first static address is from the first, its second from the second.
ANYCAST_RANGES = (IPv4Network("75.2.0.0/17"), IPv4Network("99.83.128.0/17"))
DEFAULT_WEIGHT = 128
MAX_WEIGHT = 255
#: The most specific range Global Accelerator takes through BYOIP ("The most specific IP
#: prefix that you can specify is /24", ProvisionByoipCidr in the Global Accelerator API).
BYOIP_LONGEST_PREFIX = 24
#: https://docs.aws.amazon.com/global-accelerator/latest/dg/introduction-ip-ranges.html
RANGES_PAGE = "https://docs.aws.amazon.com/global-accelerator/latest/dg/introduction-ip-ranges.html"


def static_ranges() -> tuple[IPv4Network, ...]:
    """The ranges accelerators' static addresses come from: the bundled snapshot's, else
    :data:`ANYCAST_RANGES` (a snapshot older than Global Accelerator lists none)."""
    found = tuple(n for n in snapshot().accelerator if isinstance(n, IPv4Network))
    return found or ANYCAST_RANGES


def build(c: Context, vpcs: dict[str, m.Vpc]) -> dict[str, m.Accelerator]:
    """Every accelerator of the file, by name, in file order."""
    decls: dict[str, st.AcceleratorDecl] = {}
    for stmt in c.source.statements:
        if isinstance(stmt, st.AcceleratorDecl):
            declare(c, decls, stmt.name, stmt, "accelerator")
    built: dict[str, m.Accelerator] = {}
    index = 0
    for name, decl in decls.items():
        ips = _written_ips(c, decl)
        if ips is None:
            index += 1
            ips = tuple(IPv4Address(int(r.network_address) + index) for r in ANYCAST_RANGES)
        listeners = tuple(
            lst for d in decl.listeners if (lst := _listener(c, d, vpcs, name)) is not None
        )
        built[name] = m.Accelerator(name, ips, listeners, decl.span)
    return built


def _written_ips(c: Context, decl: st.AcceleratorDecl) -> tuple[IPv4Address, ...] | None:
    if not decl.ips:
        return None
    found: list[IPv4Address] = []
    kept: list[st.Tok] = []
    for tok in decl.ips:
        ip = literals.addr4(c, tok)
        if ip is None:
            continue
        if any(ip in net for net in NOT_PUBLIC):
            c.err(
                codes.BAD_ADDRESS,
                f"{ip} is not a public IPv4 address, as an accelerator's static address must be",
                tok.span,
            )
            continue
        found.append(ip)
        kept.append(tok)
        c.held.append(Held(ip, "public", Holder(f"accelerator '{decl.name.text}'", tok.span)))
    _check_static(c, decl.name.text, list(zip(found, kept, strict=True)))
    return tuple(found) if len(found) == 2 else None


def _shown(ranges: tuple[IPv4Network, ...]) -> str:
    """The ranges as a message names them: all when few, else how many and the two that
    accelerators' own addresses come from (the usual ones to write)."""
    if len(ranges) <= 4:
        return ", ".join(str(r) for r in ranges)
    known = [str(r) for r in ANYCAST_RANGES if r in ranges] or [str(r) for r in ranges[:2]]
    return f"{len(ranges)} ranges, among them {', '.join(known)}"


def _check_static(c: Context, ga: str, written: list[tuple[IPv4Address, st.Tok]]) -> None:
    """``warning[accelerator-address]`` for a written address AWS cannot give this
    accelerator: outside Global Accelerator's ranges and every BYOIP pool, or a second
    address from one BYOIP pool."""
    ranges = static_ranges()
    pools = [
        p for p in c.ipam_pools.values() if p.public and p.cidr.prefixlen <= BYOIP_LONGEST_PREFIX
    ]
    used: dict[str, str] = {}
    for ip, tok in written:
        if any(ip in r for r in ranges):
            continue
        pool = next((p for p in pools if ip in p.cidr), None)
        if pool is None:
            shown = _shown(ranges)
            narrow = [p.name for p in c.ipam_pools.values() if p.public and ip in p.cidr]
            label = (
                f"pool '{narrow[0]}' is narrower than /{BYOIP_LONGEST_PREFIX}, the most specific"
                " range Global Accelerator takes (BYOIP)"
                if narrow
                else "write an address of those ranges, leave `ips` out, or declare the range"
                " you bring (BYOIP) as a public `ipam-pool` of a /24 or wider"
            )
            c.diagnostics.append(
                warning(
                    codes.ACCELERATOR_ADDRESS,
                    f"{ip} is not in Global Accelerator's static address ranges ({shown})"
                    f" nor in a BYOIP pool of the file, so AWS cannot give it to accelerator"
                    f" '{ga}'",
                    tok.span,
                    label,
                    (f"the ranges: {RANGES_PAGE}",),
                )
            )
        elif pool.name in used:
            c.diagnostics.append(
                warning(
                    codes.ACCELERATOR_ADDRESS,
                    f"accelerator '{ga}' takes {used[pool.name]} and {ip} from one"
                    f" BYOIP pool '{pool.name}'; Global Accelerator puts each range in one"
                    " network zone and takes one address of each",
                    tok.span,
                    "take the other address from a second range, or leave it to AWS",
                )
            )
        else:
            used[pool.name] = str(ip)


def _listener(
    c: Context, decl: st.AcceleratorListenerDecl, vpcs: dict[str, m.Vpc], ga: str
) -> m.AcceleratorListener | None:
    if decl.protocol.text not in ("tcp", "udp"):
        c.err(
            codes.BAD_OPTION,
            f"a listener of accelerator '{ga}' takes tcp or udp, not '{decl.protocol.text}'",
            decl.protocol.span,
        )
        return None
    ports = literals.port_range(c, decl.ports)
    if ports is None:
        return None
    endpoints = tuple(e for d in decl.endpoints if (e := _endpoint(c, d, vpcs, ga)) is not None)
    return m.AcceleratorListener(Protocol(decl.protocol.text), ports, endpoints, decl.span)


def _endpoint(
    c: Context, decl: st.AcceleratorEndpointDecl, vpcs: dict[str, m.Vpc], ga: str
) -> m.AcceleratorEndpoint | None:
    weight = DEFAULT_WEIGHT
    if decl.weight is not None:
        value = literals.number_value(decl.weight.text)
        if value is None or value > MAX_WEIGHT:
            c.err(
                codes.BAD_OPTION,
                f"weight {decl.weight.text} of accelerator '{ga}' is outside 0..{MAX_WEIGHT}",
                decl.weight.span,
            )
            return None
        weight = value
    target = decl.target
    K = m.AcceleratorEndpointKind
    if isinstance(target, st.Tok):  # an Elastic IP, by its address
        ip = literals.addr4(c, target)
        if ip is None:
            return None
        for vpc in vpcs.values():
            for inst in vpc.instances.values():
                if inst.public_ip == ip and inst.public is m.PublicIp.ELASTIC:
                    return m.AcceleratorEndpoint(
                        K.ELASTIC_IP, vpc.name, inst.name, vpc.region, weight, decl.span, ip
                    )
        c.err(
            codes.UNKNOWN_NAME,
            f"no instance of the file holds Elastic IP {ip}",
            target.span,
            "an accelerator's Elastic IP endpoint is an instance's `elastic-ip ADDR`",
        )
        return None
    parts = target.parts
    wanted_vpc = parts[0].text if len(parts) > 1 else None
    name = parts[-1].text
    found: list[m.AcceleratorEndpoint] = []
    for vpc in vpcs.values():
        if wanted_vpc is not None and vpc.name != wanted_vpc:
            continue
        if name in vpc.load_balancers:
            found.append(
                m.AcceleratorEndpoint(
                    K.LOAD_BALANCER, vpc.name, name, vpc.region, weight, decl.span
                )
            )
        elif name in vpc.instances:
            found.append(
                m.AcceleratorEndpoint(K.INSTANCE, vpc.name, name, vpc.region, weight, decl.span)
            )
    if len(found) == 1:
        return found[0]
    if found:
        c.err(
            codes.AMBIGUOUS_NAME,
            f"'{target.name}' names {len(found)} endpoints: write it as vpc.name",
            target.span,
        )
        return None
    candidates = [n for v in vpcs.values() for n in (*v.load_balancers, *v.instances)]
    c.unknown("load balancer or instance", target, candidates)
    return None
