#!/usr/bin/env python3
"""Regenerate the bundled snapshot of AWS's published IP ranges (S3, DynamoDB, and Global
Accelerator's static addresses).

Usage::

    scripts/update-aws-ranges.py ip-ranges.json        # a downloaded copy
    scripts/update-aws-ranges.py https://ip-ranges.amazonaws.com/ip-ranges.json

It keeps the entries of the services in :data:`SERVICES`, per region, IPv4 and IPv6,
sorted, and the IPv4 ``GLOBALACCELERATOR`` prefixes of region ``GLOBAL`` (the ranges
accelerators' static addresses come from, AWS's Global Accelerator guide says) as
``globalAccelerator``, and writes them with the source's ``syncToken`` and
``createDate``, the date the snapshot was made (``--date``, default today in UTC) and an optional ``--note`` (say
there what the copy is, when it is not AWS's file itself). The output is
``src/netdraft/model/aws-ranges.json`` unless ``--out`` names another file.
"""

from __future__ import annotations

import argparse
import datetime
import ipaddress
import json
import sys
import urllib.request
from pathlib import Path
from typing import Any

SOURCE_URL = "https://ip-ranges.amazonaws.com/ip-ranges.json"
SERVICES = ("S3", "DYNAMODB")
#: The service and region of the ranges accelerators' static IP addresses come from
#: (https://docs.aws.amazon.com/global-accelerator/latest/dg/introduction-ip-ranges.html).
ACCELERATOR = ("GLOBALACCELERATOR", "GLOBAL")
OUT = Path(__file__).resolve().parent.parent / "src" / "netdraft" / "model" / "aws-ranges.json"


def read(source: str) -> dict[str, Any]:
    """The ip-ranges document at a path or an https URL."""
    if source.startswith("https://"):
        with urllib.request.urlopen(source, timeout=60) as response:
            data: dict[str, Any] = json.load(response)
        return data
    with open(source, encoding="utf-8") as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


def snapshot(doc: dict[str, Any], date: str, note: str) -> dict[str, Any]:
    """The bundled form: header fields, then each region's CIDRs by service."""
    for key in ("syncToken", "createDate", "prefixes"):
        if key not in doc:
            raise SystemExit(f"not an ip-ranges.json document: no '{key}'")
    regions: dict[str, dict[str, set[str]]] = {}
    accelerator: set[str] = set()
    entries = [(e, "ip_prefix") for e in doc.get("prefixes", [])]
    entries += [(e, "ipv6_prefix") for e in doc.get("ipv6_prefixes", [])]
    for entry, field in entries:
        service = entry.get("service")
        if (service, entry.get("region")) == ACCELERATOR and field == "ip_prefix":
            accelerator.add(str(ipaddress.ip_network(entry[field], strict=True)))
        if service not in SERVICES:
            continue
        net = ipaddress.ip_network(entry[field], strict=True)
        regions.setdefault(entry["region"], {}).setdefault(service, set()).add(str(net))

    def order(cidr: str) -> tuple[int, int, int]:
        net = ipaddress.ip_network(cidr)
        return net.version, int(net.network_address), net.prefixlen

    return {
        "source": SOURCE_URL,
        "syncToken": str(doc["syncToken"]),
        "createDate": str(doc["createDate"]),
        "snapshotDate": date,
        "services": sorted(SERVICES),
        "note": note,
        "regions": {
            region: {s: sorted(cidrs, key=order) for s, cidrs in sorted(by_service.items())}
            for region, by_service in sorted(regions.items())
        },
        "globalAccelerator": sorted(accelerator, key=order),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help=f"a downloaded ip-ranges.json, or {SOURCE_URL}")
    parser.add_argument("--date", default=datetime.datetime.now(datetime.UTC).date().isoformat())
    parser.add_argument("--note", default="")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = snapshot(read(args.source), args.date, args.note)
    text = json.dumps(data, indent=1, ensure_ascii=True) + "\n"
    args.out.write_text(text, encoding="utf-8")
    count = sum(len(c) for r in data["regions"].values() for c in r.values())
    print(f"{args.out.name}: {count} prefixes in {len(data['regions'])} regions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
