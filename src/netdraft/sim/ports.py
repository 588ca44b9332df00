"""Sets of ports as sorted, disjoint ranges: what source ports still work after each ACL."""

from __future__ import annotations

from dataclasses import dataclass

from netdraft.model.values import EPHEMERAL, PortRange


@dataclass(frozen=True, slots=True)
class PortSet:
    ranges: tuple[PortRange, ...]

    @staticmethod
    def of(*ranges: PortRange) -> PortSet:
        return PortSet(()).union(ranges)

    @property
    def empty(self) -> bool:
        return not self.ranges

    def intersect(self, r: PortRange) -> PortSet:
        return PortSet(tuple(x for a in self.ranges if (x := a.intersect(r)) is not None))

    def subtract(self, r: PortRange) -> PortSet:
        out: list[PortRange] = []
        for a in self.ranges:
            if a.high < r.low or a.low > r.high:
                out.append(a)
                continue
            if a.low < r.low:
                out.append(PortRange(a.low, r.low - 1))
            if a.high > r.high:
                out.append(PortRange(r.high + 1, a.high))
        return PortSet(tuple(out))

    def union(self, more: tuple[PortRange, ...] | list[PortRange]) -> PortSet:
        merged: list[PortRange] = []
        for r in sorted((*self.ranges, *more)):
            if merged and r.low <= merged[-1].high + 1:
                last = merged[-1]
                merged[-1] = PortRange(last.low, max(last.high, r.high))
            else:
                merged.append(r)
        return PortSet(tuple(merged))

    def __str__(self) -> str:
        return ", ".join(map(str, self.ranges)) or "none"


EPHEMERAL_PORTS = PortSet((EPHEMERAL,))
