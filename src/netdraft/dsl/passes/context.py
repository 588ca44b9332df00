"""What one compilation shares between its passes: the symbol tables, the diagnostics, the hints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Network

from netdraft import codes
from netdraft.diagnostics import Code, Diagnostic, Hints, error
from netdraft.dsl import syntax as st
from netdraft.dsl.passes.symbols import FileScope
from netdraft.model import network as m
from netdraft.model.values import IPAddress, Span


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds an address, as ``duplicate-address`` names it: what it is and where."""

    who: str  # e.g. "instance 'web'"
    span: Span

    def __str__(self) -> str:
        return self.who

    @property
    def where(self) -> str:
        """Where the first holder is written, for the label (not the message, which stays
        the same when the file is laid out again)."""
        return f"{self.who} holds it at {self.span.file}:{self.span.line}"


@dataclass(frozen=True, slots=True)
class Held:
    """An address the file gives to something, for the file-wide ``duplicate-address`` check.

    ``scope`` is ``public`` for public IPv4 addresses (one address space for the whole
    file), ``vpc:NAME`` for the private addresses of a VPC and ``site:NAME`` for a site
    host.
    """

    address: IPAddress
    scope: str
    holder: Holder


@dataclass
class Context:
    """One compilation of one file; every pass reports into it instead of stopping."""

    source: st.SourceFile
    scope: FileScope = field(default_factory=FileScope)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    hints: Hints = field(default_factory=Hints)
    #: The parts built so far, which later parts refer to.
    built_vpcs: dict[str, m.Vpc] = field(default_factory=dict)
    built_sites: dict[str, m.Site] = field(default_factory=dict)
    built_vpns: dict[str, m.Vpn] = field(default_factory=dict)
    #: Each VPC's security group names as references see them (found once, by the resolver).
    group_names: dict[str, dict[str, object]] = field(default_factory=dict)
    #: The network, once its parts are built.
    network: m.Network | None = None
    #: What an expectation's ``via`` may name, found once.
    components: set[str] | None = None
    #: Every name declared in a VPC, with its kinds and VPCs (for unknown names; found once).
    vpc_names: dict[str, list[tuple[str, str]]] | None = None
    #: Every address the file gives out, for the file-wide ``duplicate-address`` check
    #: (:func:`netdraft.dsl.passes.addresses.check_held`); of instances' automatic
    #: addresses, only those a site host holds too (no other can clash across subnets).
    held: list[Held] = field(default_factory=list)
    #: The customer-managed prefix lists, by (region or '', name), once built.
    prefix_lists: dict[tuple[str, str], m.PrefixList] = field(default_factory=dict)
    #: The regions already warned of as unknown to the bundled AWS ranges (warned once).
    unknown_regions: set[str] = field(default_factory=set)
    #: Direct Connect (LANGUAGE.md §12), built with the sites and VPNs.
    built_dx_connections: dict[str, m.DxConnection] = field(default_factory=dict)
    built_dx_gateways: dict[str, m.DxGateway] = field(default_factory=dict)
    built_vifs: dict[str, m.Vif] = field(default_factory=dict)
    #: IPAM (:mod:`netdraft.dsl.passes.ipam`): the pool each VPC names, the CIDR chosen for
    #: a VPC's ``ipam POOL /N`` (with where it is asked), an ALB's pool and node addresses
    #: (``None``: AWS-provided), and the pools with their allocations.
    ipam_vpcs: dict[str, str] = field(default_factory=dict)
    ipam_cidrs: dict[str, tuple[IPv4Network, Span]] = field(default_factory=dict)
    ipam_addresses: dict[tuple[str, str], tuple[str, list[IPv4Address | None]]] = field(
        default_factory=dict
    )
    ipam_pools: dict[str, m.IpamPool] = field(default_factory=dict)
    #: The VPCs each transit gateway attaches (found once, for routes via it).
    tgw_vpcs: dict[str, frozenset[str]] = field(default_factory=dict)
    #: The IPv4 addresses site hosts hold, as numbers, once the sites are built
    #: (:func:`netdraft.dsl.passes.addresses.allocate` holds an instance's automatic
    #: address in :attr:`held` only when a site host holds it too).
    site_numbers: frozenset[int] | None = None
    #: Each CIDR text read so far, as its network (:func:`netdraft.dsl.passes.literals.net`;
    #: networks are immutable, so one object serves every place that writes the text).
    cidrs: dict[str, IPv4Network | IPv6Network] = field(default_factory=dict)

    def err(
        self, code: Code, message: str, span: Span, label: str = "", first: Span | None = None
    ) -> None:
        self.diagnostics.append(error(code, message, span, label, first=first))

    def unknown(
        self,
        kind: str,
        ref: st.Ref | st.Tok,
        candidates: Iterable[str],
        where: str = "",
        elsewhere: tuple[str, str] | None = None,
    ) -> None:
        """``unknown-name``, with the closest candidate as the hint; ``elsewhere`` is what the
        name is instead (another kind, or another VPC's) and the rule that forbids it."""
        name = ref.name if isinstance(ref, st.Ref) else ref.text
        message = f"no {kind} named '{name}'{where}"
        hint = self.hints(name, candidates)
        label = f"did you mean '{hint}'?" if hint else f"no {kind} has this name"
        if elsewhere is not None:
            fact, rule = elsewhere
            message += f"; {fact}"
            label = f"{rule}; did you mean '{hint}'?" if hint and rule else rule or label
        self.err(codes.UNKNOWN_NAME, message, ref.span, label)
