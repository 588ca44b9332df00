"""IPAM pools (LANGUAGE.md §10): the CIDRs VPCs take from a pool, and an ALB's addresses.

``ipam-pool NAME CIDR`` declares a pool at the top level. ``vpc v ipam POOL /N`` asks it
for a /N; ``vpc v CIDR… ipam POOL`` says the written CIDRs are the pool's. Allocation is
deterministic and never gives out an address twice:

1. every written CIDR naming a pool is taken first (``ipam-outside`` when it is not in
   the pool, ``ipam-overlap`` when another VPC already wrote an overlapping one);
2. then each VPC asking for a /N, in file order, gets the lowest free /N of its pool
   (``ipam-exhausted`` when none is left);
3. then each internet-facing ALB with ``ipam-pool`` takes the lowest free address of its
   public pool for each of its nodes, in file order; when the pool has none left, the node
   gets an AWS-provided address, as Elastic Load Balancing falls back to.

The pass runs before the VPCs are built: :func:`netdraft.dsl.passes.vpcs.build_vpc` reads
the chosen CIDRs, :func:`netdraft.dsl.passes.addresses.load_balancer` the chosen addresses.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

from netdraft import codes
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.context import Context
from netdraft.dsl.passes.scope import declare
from netdraft.model import network as m


@dataclass
class _Pool:
    decl: st.IpamPoolDecl
    cidr: IPv4Network
    taken: list[m.IpamAllocation] = field(default_factory=list)

    def overlapping(self, cidr: IPv4Network) -> m.IpamAllocation | None:
        return next((a for a in self.taken if a.cidr.overlaps(cidr)), None)

    def lowest_free(self, length: int) -> IPv4Network | None:
        """The lowest /length of the pool that no allocation overlaps."""
        if length < self.cidr.prefixlen or length > 32:
            return None
        size = 1 << (32 - length)
        start = int(self.cidr.network_address)
        end = int(self.cidr.broadcast_address)
        held = sorted(
            (int(a.cidr.network_address), int(a.cidr.broadcast_address)) for a in self.taken
        )
        candidate = start
        while candidate + size - 1 <= end:
            clash = next(
                (h for h in held if h[0] <= candidate + size - 1 and h[1] >= candidate), None
            )
            if clash is None:
                return IPv4Network((candidate, length))
            candidate = -(-(clash[1] + 1) // size) * size  # the next aligned block after it
        return None


def allocate(c: Context) -> None:
    """Fill ``c.ipam_cidrs``, ``c.ipam_addresses`` and ``c.ipam_pools``."""
    pools: dict[str, _Pool] = {}
    decls: dict[str, st.IpamPoolDecl] = {}
    for stmt in c.source.statements:
        if isinstance(stmt, st.IpamPoolDecl) and declare(c, decls, stmt.name, stmt, "IPAM pool"):
            cidr = literals.net4(c, stmt.cidr)
            if cidr is not None:
                pools[stmt.name.text] = _Pool(stmt, cidr)
    asking: list[tuple[str, _Pool, st.VpcIpam, int]] = []
    for name, vpc in c.scope.vpcs.items():
        ipam = vpc.decl.ipam
        if ipam is None:
            if not vpc.decl.cidrs:
                _no_cidr(c, vpc.decl)
            continue
        pool = _pool(c, pools, decls, ipam.pool)
        if ipam.length is None and not vpc.decl.cidrs:
            _no_cidr(c, vpc.decl)
        if pool is None:
            continue
        c.ipam_vpcs[name] = pool.decl.name.text
        for tok in vpc.decl.cidrs:
            _written(c, pool, name, tok)
        if ipam.length is not None:
            length = literals.number_value(ipam.length.text.lstrip("/"))
            if length is None or length > 32:
                c.err(
                    codes.BAD_CIDR, f"'{ipam.length.text}' is not a prefix length", ipam.length.span
                )
                continue
            asking.append((name, pool, ipam, length))
    for name, pool, ipam, length in asking:
        chosen = pool.lowest_free(length)
        if chosen is None:
            c.err(
                codes.IPAM_EXHAUSTED,
                f"IPAM pool '{pool.decl.name.text}' ({pool.cidr}) has no free /{length} left for vpc '{name}'",
                ipam.span,
                _holders(pool),
            )
            continue
        pool.taken.append(m.IpamAllocation(chosen, "vpc", name, True, ipam.span))
        c.ipam_cidrs[name] = (chosen, ipam.span)
    for vpc in c.scope.vpcs.values():
        for lb in vpc.load_balancers.values():
            _load_balancer(c, pools, decls, vpc.name, lb)
    c.ipam_pools = {
        n: m.IpamPool(n, p.cidr, p.decl.span, tuple(sorted(p.taken, key=_order)))
        for n, p in pools.items()
    }


def _order(a: m.IpamAllocation) -> tuple[int, int]:
    return int(a.cidr.network_address), a.cidr.prefixlen


def _pool(
    c: Context, pools: dict[str, _Pool], decls: dict[str, st.IpamPoolDecl], ref: st.Tok | st.Ref
) -> _Pool | None:
    name = ref.name if isinstance(ref, st.Ref) else ref.text
    if name not in decls:
        c.unknown("IPAM pool", ref, decls)
    return pools.get(name)


def _no_cidr(c: Context, decl: st.VpcDecl) -> None:
    c.err(
        codes.VPC_NO_CIDR,
        f"vpc '{decl.name.text}' has no IPv4 CIDR",
        decl.name.span,
        "write its CIDR, or ask an IPAM pool for one: `ipam POOL /16`",
    )


def _holders(pool: _Pool) -> str:
    if not pool.taken:
        return "the pool is smaller than the CIDR asked for"
    held = ", ".join(f"{a.cidr} ({a.kind} {a.resource})" for a in sorted(pool.taken, key=_order))
    return f"held: {held}"


def _written(c: Context, pool: _Pool, vpc: str, tok: st.Tok) -> None:
    try:
        cidr = ipaddress.IPv4Network(tok.text)
    except ValueError:
        return  # the VPC's own pass reports the malformed CIDR
    if not cidr.subnet_of(pool.cidr):
        c.err(
            codes.IPAM_OUTSIDE,
            f"vpc '{vpc}' CIDR {cidr} is outside IPAM pool '{pool.decl.name.text}' ({pool.cidr})",
            tok.span,
            f"write a CIDR inside {pool.cidr}, or ask the pool for one: `ipam {pool.decl.name.text} /{cidr.prefixlen}`",
        )
        return
    clash = pool.overlapping(cidr)
    if clash is not None:
        c.err(
            codes.IPAM_OVERLAP,
            f"vpc '{vpc}' CIDR {cidr} overlaps {clash.cidr} of {clash.kind} '{clash.resource}', from the same IPAM pool '{pool.decl.name.text}'",
            tok.span,
            "a pool gives each address out once",
            first=clash.span,
        )
        return
    pool.taken.append(m.IpamAllocation(cidr, "vpc", vpc, False, tok.span))


def _load_balancer(
    c: Context,
    pools: dict[str, _Pool],
    decls: dict[str, st.IpamPoolDecl],
    vpc: str,
    lb: st.LoadBalancerDecl,
) -> None:
    option = next((o for o in lb.options if o.keyword == "ipam-pool"), None)
    if option is None or not option.values or not isinstance(option.values[0], st.Ref):
        return
    name = lb.name.text
    if lb.kind.text != "application" or lb.scheme.text != "internet-facing":
        c.err(
            codes.BAD_OPTION,
            f"load balancer '{name}' cannot take addresses from an IPAM pool: only an internet-facing application load balancer does",
            option.span,
            "an NLB's public addresses are its `eips`",
        )
        return
    pool = _pool(c, pools, decls, option.values[0])
    if pool is None:
        return
    if not m.IpamPool(pool.decl.name.text, pool.cidr, pool.decl.span).public:
        c.err(
            codes.BAD_OPTION,
            f"IPAM pool '{pool.decl.name.text}' ({pool.cidr}) is not a pool of public IPv4 addresses",
            option.span,
            "a load balancer's public addresses come from a public pool",
        )
        return
    addresses: list[IPv4Address | None] = []
    for _subnet in lb.subnets:
        chosen = pool.lowest_free(32)
        if chosen is not None:
            pool.taken.append(
                m.IpamAllocation(chosen, "load-balancer", f"{vpc}.{name}", True, option.span)
            )
        addresses.append(chosen.network_address if chosen is not None else None)
    c.ipam_addresses[(vpc, name)] = (pool.decl.name.text, addresses)
