"""AWS's published IP ranges of S3 and DynamoDB, per region, and of Global Accelerator's
static addresses: a bundled, dated snapshot.

The data (``aws-ranges.json``, made by ``scripts/update-aws-ranges.py`` from AWS's
``ip-ranges.json``, or from a packaged copy of it that ``via`` names) is what the
AWS-managed prefix lists ``s3`` and ``dynamodb`` hold in each region, and how an address
written in a file is known to be a service's; its ``globalAccelerator`` list holds the
``GLOBALACCELERATOR`` entries of region ``GLOBAL``, which are the ranges accelerators'
static addresses come from. It is read once per process.
"""

from __future__ import annotations

import functools
import ipaddress
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from netdraft.model.package_data import package_text
from netdraft.model.values import IPAddress, IPNetwork

#: The services whose ranges the snapshot holds, by the name the language gives them.
MANAGED_SERVICES: Mapping[str, str] = {"s3": "S3", "dynamodb": "DYNAMODB"}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A dated copy of AWS's published ranges for the managed services."""

    source: str
    sync_token: str
    create_date: str
    snapshot_date: str
    note: str
    ranges: Mapping[str, Mapping[str, tuple[IPNetwork, ...]]]  # region -> service -> CIDRs
    via: str = ""  # the copy it was read from, when not AWS's file itself
    licence: str = ""  # the copy's licence
    #: The ``GLOBALACCELERATOR`` prefixes of region ``GLOBAL``: accelerators' static
    #: addresses (none in a copy older than Global Accelerator, or made before this list).
    accelerator: tuple[IPNetwork, ...] = ()

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(self.ranges)

    def cidrs(self, service: str, region: str) -> tuple[IPNetwork, ...]:
        """The CIDRs of a managed service (``s3``, ``dynamodb``) in a region (may be none)."""
        key = MANAGED_SERVICES.get(service, service)
        return self.ranges.get(region, {}).get(key, ())

    def service_at(self, address: IPAddress) -> tuple[str, str] | None:
        """The managed service and region whose ranges hold ``address``, if any."""
        for region, services in self.ranges.items():
            for name, key in MANAGED_SERVICES.items():
                for net in services.get(key, ()):
                    if net.version == address.version and address in net:
                        return name, region
        return None


class _Ranges(Mapping[str, Mapping[str, tuple[IPNetwork, ...]]]):
    """Region -> service -> CIDRs, a region's CIDRs parsed the first time it is asked for.

    The snapshot holds some 1,200 CIDRs, which take about 5 ms to parse: more than
    netdraft's own share of a small render, paid by every run that prices a flow to S3
    or reads a managed prefix list, which asks for one region or two."""

    def __init__(self, raw: Mapping[str, Mapping[str, Sequence[str]]]) -> None:
        self._raw = raw
        self._parsed: dict[str, Mapping[str, tuple[IPNetwork, ...]]] = {}

    def __getitem__(self, region: str) -> Mapping[str, tuple[IPNetwork, ...]]:
        found = self._parsed.get(region)
        if found is None:
            found = self._parsed[region] = {
                service: tuple(ipaddress.ip_network(c) for c in cidrs)
                for service, cidrs in self._raw[region].items()
            }
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


@functools.cache
def snapshot() -> Snapshot:
    """The bundled snapshot, read once."""
    text = package_text("netdraft.model", "aws-ranges.json")
    data = json.loads(text)
    ranges = _Ranges(data["regions"])
    return Snapshot(
        source=data["source"],
        sync_token=data["syncToken"],
        create_date=data["createDate"],
        snapshot_date=data["snapshotDate"],
        note=data.get("note", ""),
        ranges=ranges,
        via=data.get("via", ""),
        licence=data.get("licence", ""),
        accelerator=tuple(ipaddress.ip_network(c) for c in data.get("globalAccelerator", [])),
    )
