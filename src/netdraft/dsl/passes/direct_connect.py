"""Direct Connect (LANGUAGE.md §12): connections, DX gateways and virtual interfaces.

Built with the sites and VPNs, before the VPCs, because a VPC route table that propagates
from its VPN gateway learns the site's CIDRs over the private virtual interfaces that
reach that gateway. The rules are AWS's ("Direct Connect gateways", "Virtual interfaces",
Direct Connect User Guide):

* a connection's speed is one AWS sells: dedicated 1, 10, 100 or 400 Gbps; hosted 50 Mbps
  to 25 Gbps (a speed below 1 Gbps, or 2, 5 or 25 Gbps, is always hosted);
* a DX gateway is associated with VPN gateways (of any region) or with transit gateways,
  never both ("You cannot attach a Direct Connect gateway to a transit gateway when the
  Direct Connect gateway is already associated with a virtual private gateway");
* an association with a transit gateway needs its allowed prefixes (AWS's API requires
  them); one with a VPN gateway advertises the VPC's CIDRs unless they are written;
* a private VIF reaches one VPN gateway or a DX gateway of VPN gateways; a transit VIF
  reaches a DX gateway of transit gateways.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netdraft import codes
from netdraft.dsl import syntax as st
from netdraft.dsl.passes import literals
from netdraft.dsl.passes.resolve import Kind, resolve
from netdraft.model import network as m

if TYPE_CHECKING:
    from netdraft.dsl.passes.context import Context

K = m.TargetKind


def build(c: Context) -> None:
    """Fill the context's Direct Connect parts from the file's declarations."""
    for name, decl in c.scope.dx_connections.items():
        conn = _connection(c, decl)
        if conn is not None:
            c.built_dx_connections[name] = conn
    for name, gw_decl in c.scope.dx_gateways.items():
        c.built_dx_gateways[name] = _gateway(c, gw_decl)
    for name, vif_decl in c.scope.vifs.items():
        vif = _vif(c, vif_decl)
        if vif is not None:
            c.built_vifs[name] = vif


def _connection(c: Context, decl: st.DxConnectionDecl) -> m.DxConnection | None:
    site = resolve(c, Kind.SITE, decl.site)
    options = {o.keyword: o for o in decl.options}
    hosted = "hosted" in options
    speed = decl.speed.text
    sold = m.DX_HOSTED_SPEEDS if hosted else m.DX_DEDICATED_SPEEDS
    if speed in m.DX_HOSTED_SPEEDS and speed not in m.DX_DEDICATED_SPEEDS:
        hosted, sold = True, m.DX_HOSTED_SPEEDS
    if speed not in sold:
        kind = "a hosted" if hosted else "a dedicated"
        c.err(
            codes.DX_SPEED,
            f"'{speed}' is not a speed of {kind} Direct Connect connection",
            decl.speed.span,
            f"{kind[2:]} speeds: {', '.join(sold)}",
        )
        return None
    if site is None:
        return None
    device = options["on"].values[0] if "on" in options else None
    return m.DxConnection(
        decl.name.text,
        literals.unquote(decl.location.text),
        speed,
        site,
        decl.span,
        device=str(device) if device is not None else "",
        hosted=hosted,
        down="down" in options,
    )


def _gateway(c: Context, decl: st.DxGatewayDecl) -> m.DxGateway:
    vgws = c.scope.file_gateways
    associations: list[m.DxAssociation] = []
    for item in decl.items:
        allowed = tuple(n for t in item.allowed if (n := literals.net4(c, t)) is not None)
        for ref in item.refs:
            if ref.scope is None and ref.name in c.scope.tgws:
                kind = K.TRANSIT_GATEWAY
            elif ref.scope is None and _is_vgw(c, ref.name):
                kind = K.VPN_GATEWAY
            else:
                names = [*c.scope.tgws, *(g for g in vgws if _is_vgw(c, g))]
                c.unknown("vpn gateway or transit gateway", ref, names)
                continue
            if any(a.gateway == ref.name for a in associations):
                c.err(
                    codes.DUPLICATE_ASSOCIATION,
                    f"Direct Connect gateway '{decl.name.text}' already associates '{ref.name}'",
                    ref.span,
                    "a gateway is associated once",
                )
                continue
            if kind is K.TRANSIT_GATEWAY and not item.allowed:
                c.err(
                    codes.DX_ALLOWED_REQUIRED,
                    f"the association of transit gateway '{ref.name}' with Direct Connect"
                    f" gateway '{decl.name.text}' has no allowed prefixes",
                    ref.span,
                    "AWS requires them for a transit gateway: write 'allowed CIDR…' (what the"
                    " sites learn)",
                )
            associations.append(m.DxAssociation(ref.name, kind, allowed, item.span))
    kinds = {a.kind for a in associations}
    if len(kinds) > 1:
        tgw = next(a for a in associations if a.kind is K.TRANSIT_GATEWAY)
        vgw = next(a for a in associations if a.kind is K.VPN_GATEWAY)
        later = max((tgw, vgw), key=lambda a: (a.span.line, a.span.column))
        c.err(
            codes.DX_GATEWAY_MIXED,
            f"Direct Connect gateway '{decl.name.text}' associates both vpn gateway"
            f" '{vgw.gateway}' and transit gateway '{tgw.gateway}'",
            later.span,
            "AWS associates a DX gateway with VPN gateways or with transit gateways, not both:"
            " use a second DX gateway",
        )
    return m.DxGateway(decl.name.text, tuple(associations), decl.span)


def _is_vgw(c: Context, name: str) -> bool:
    vpc = c.scope.file_gateways.get(name)
    if vpc is None:
        return False
    gw = c.scope.vpcs[vpc].gateways.get("vpn-gateway")
    return gw is not None and gw.name.text == name


def _vif(c: Context, decl: st.VifDecl) -> m.Vif | None:
    kind = m.VifKind(decl.kind.text)
    conn_name = decl.connection.name
    if decl.connection.scope is not None or conn_name not in c.scope.dx_connections:
        c.unknown("Direct Connect connection", decl.connection, c.scope.dx_connections)
        return None
    target = decl.target
    dxgw = c.built_dx_gateways.get(target.name) if target.scope is None else None
    if dxgw is None and not (target.scope is None and _is_vgw(c, target.name)):
        what = "DX gateway or vpn gateway" if kind is m.VifKind.PRIVATE else "DX gateway"
        names = [*c.scope.dx_gateways, *(g for g in c.scope.file_gateways if _is_vgw(c, g))]
        c.unknown(what, target, names)
        return None
    problem = _target_problem(kind, dxgw)
    if problem:
        c.err(
            codes.VIF_TARGET,
            f"{kind.value} virtual interface '{decl.name.text}' cannot lead to {problem}",
            target.span,
            "a private VIF reaches a VPN gateway or a DX gateway of VPN gateways; a transit"
            " VIF reaches a DX gateway of transit gateways",
        )
        return None
    conn = c.built_dx_connections.get(conn_name)
    site = c.built_sites.get(conn.site) if conn is not None else None
    if conn is None or site is None:
        return None
    return m.Vif(
        decl.name.text,
        kind,
        conn_name,
        target.name,
        dxgw is not None,
        site.cidrs,
        decl.span,
    )


def _target_problem(kind: m.VifKind, dxgw: m.DxGateway | None) -> str:
    """What is wrong with a VIF's target, in words ('' when nothing is)."""
    if dxgw is None:
        return "" if kind is m.VifKind.PRIVATE else "a vpn gateway"
    kinds = {a.kind for a in dxgw.associations}
    if kind is m.VifKind.PRIVATE and K.TRANSIT_GATEWAY in kinds:
        return f"DX gateway '{dxgw.name}', which is associated with transit gateways"
    if kind is m.VifKind.TRANSIT and K.VPN_GATEWAY in kinds:
        return f"DX gateway '{dxgw.name}', which is associated with vpn gateways"
    return ""
