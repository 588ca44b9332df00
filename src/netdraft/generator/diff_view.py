"""The diagram of a change (``netdraft render --diff OLD NEW``, ``netdraft diff -o DIR``).

It is the new version's view (:mod:`netdraft.generator.view`), with every box and node
marked by what happened to it:

* **added**: its id is in the new view only;
* **removed**: its id is in the old view only. It is put back, with everything inside
  it, into the nearest box of the new view that held it in the old one (or at the top),
  and drawn dashed;
* **changed**: it is in both views and its label differs, or a component it stands for
  changed (:func:`netdraft.generator.diff.component_diff`): an instance whose security
  group's rules changed, a subnet whose route table or network ACL changed.

Ids come from names and every list keeps the views' order, so the drawing is as
deterministic as any other.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from netdraft.generator.diff import ComponentDiff
from netdraft.generator.view import (
    Cluster,
    Mark,
    Node,
    NodeKind,
    View,
    instance_id,
    nat_id,
    site_id,
    subnet_id,
    view_of,
    vpc_id,
)
from netdraft.model import network as m
from netdraft.sim.analysis import NetworkAnalysis


def _changed_ids(network: m.Network, changes: ComponentDiff) -> set[str]:
    """The ids of the drawn things that stand for a changed component."""
    ids: set[str] = set()
    for c in changes.changed:
        vpc_name, _, name = c.name.partition(".")
        vpc = network.vpcs.get(vpc_name)
        if c.kind == "vpc":
            ids.add(vpc_id(c.name))
        elif c.kind == "site":
            ids.add(site_id(c.name))
        elif vpc is None:
            continue
        elif c.kind == "instance":
            ids.add(instance_id(vpc_name, name))
        elif c.kind == "nat-gateway":
            ids.add(nat_id(vpc_name, name))
        elif c.kind == "subnet":
            ids.add(subnet_id(vpc_name, name))
        elif c.kind == "security-group":
            ids |= {
                instance_id(vpc_name, i.name)
                for i in vpc.instances.values()
                if name in i.security_groups
            }
        elif c.kind in ("route-table", "network-acl"):
            attr = "route_table" if c.kind == "route-table" else "network_acl"
            ids |= {
                subnet_id(vpc_name, s.name)
                for s in vpc.subnets.values()
                if getattr(s, attr) == name
            }
    return ids


def _label(item: Node | Cluster) -> tuple[object, ...]:
    return (item.kind, item.title, item.lines)


def _index(view: View) -> tuple[dict[str, Node | Cluster], dict[str, str]]:
    """Every node and box of a view by id, and the id of the box around each ('' at the top)."""
    items: dict[str, Node | Cluster] = {}
    parent: dict[str, str] = {}

    def walk(cluster: Cluster, around: str) -> None:
        items[cluster.id], parent[cluster.id] = cluster, around
        for node in cluster.nodes:
            items[node.id], parent[node.id] = node, cluster.id
        for child in cluster.clusters:
            walk(child, cluster.id)

    for node in view.nodes:
        items[node.id], parent[node.id] = node, ""
    for cluster in view.clusters:
        walk(cluster, "")
    return items, parent


def _all_removed(cluster: Cluster) -> Cluster:
    return dataclasses.replace(
        cluster,
        nodes=tuple(dataclasses.replace(n, mark=Mark.REMOVED) for n in cluster.nodes),
        clusters=tuple(_all_removed(c) for c in cluster.clusters),
        mark=Mark.REMOVED,
    )


def marked_view(old: View, new: View, changed: Iterable[str] = ()) -> View:
    """The new view with what was added, removed and changed since the old one marked."""
    was, old_parent = _index(old)
    now, _ = _index(new)
    changed_ids = set(changed)
    # Where each removed thing goes: the nearest box around it that is still drawn.
    returned: dict[str, list[Node | Cluster]] = {}
    for item_id, item in was.items():
        around = old_parent[item_id]
        if item_id in now or (around and around not in now):
            continue  # still drawn, or inside a removed box (it goes back with it)
        while around and around not in now:
            around = old_parent[around]
        returned.setdefault(around, []).append(item)

    def mark(item_id: str, label: tuple[object, ...]) -> Mark:
        if item_id not in was:
            return Mark.ADDED
        if item_id in changed_ids or _label(was[item_id]) != label:
            return Mark.CHANGED
        return Mark.NONE

    def node(n: Node) -> Node:
        return dataclasses.replace(n, mark=mark(n.id, _label(n)))

    def back(around: str) -> tuple[list[Node], list[Cluster]]:
        items = returned.get(around, [])
        nodes = [dataclasses.replace(i, mark=Mark.REMOVED) for i in items if isinstance(i, Node)]
        return nodes, [_all_removed(i) for i in items if isinstance(i, Cluster)]

    def cluster(c: Cluster) -> Cluster:
        nodes, clusters = back(c.id)
        # A box that only holds what was removed needs no spacer to stay visible.
        kept = [n for n in c.nodes if not (nodes or clusters) or n.kind is not NodeKind.SPACER]
        return dataclasses.replace(
            c,
            nodes=(*(node(n) for n in kept), *nodes),
            clusters=(*(cluster(x) for x in c.clusters), *clusters),
            mark=mark(c.id, _label(c)),
        )

    nodes, clusters = back("")
    return dataclasses.replace(
        new,
        nodes=(*(node(n) for n in new.nodes), *nodes),
        clusters=(*(cluster(c) for c in new.clusters), *clusters),
    )


def diff_view(old: NetworkAnalysis, new: NetworkAnalysis, changes: ComponentDiff) -> View:
    """The view of the change between two analysed versions (their flows drawn as usual)."""
    before = view_of(old.network, analysis=old)
    after = view_of(new.network, analysis=new)
    return marked_view(before, after, _changed_ids(new.network, changes))
