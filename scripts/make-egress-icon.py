"""Draw netdraft's egress-only internet gateway icon from the `diagrams` internet gateway's.

AWS's icon set (and so `diagrams`) has no egress-only internet gateway icon. netdraft's is
the internet gateway's arch with an arrow leaving it upwards, in the icon's own purple: the
gateway lets connections out and none in. Run once; the PNG is committed
(``src/netdraft/generator/icons/egress-only-gateway.png``).

Usage: python scripts/make-egress-icon.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import diagrams

SOURCE = (
    Path(diagrams.__file__).resolve().parent.parent / "resources/aws/network/internet-gateway.png"
)
TARGET = Path(__file__).parents[1] / "src/netdraft/generator/icons/egress-only-gateway.png"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out, at = [], 8
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        out.append((data[at + 4 : at + 8], data[at + 8 : at + 8 + size]))
        at += 12 + size
    return out


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def decode(data: bytes) -> tuple[int, int, list[bytearray]]:
    """An 8-bit RGBA PNG's rows of pixels."""
    chunks = _chunks(data)
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    if (depth, colour) != (8, 6):
        raise SystemExit("expected an 8-bit RGBA PNG")
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride, bpp = width * 4, 4
    rows: list[bytearray] = []
    previous = bytearray(stride)
    at = 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1 : at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + (0, a, b, (a + b) // 2, _paeth(a, b, c))[kind]) & 0xFF
        rows.append(line)
        previous = line
    return width, height, rows


def encode(width: int, height: int, rows: list[bytearray]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    width, height, rows = decode(SOURCE.read_bytes())
    # The icon's purple: the colour of the ring at the top middle.
    x0 = width // 2
    top = next(y for y in range(height) if rows[y][x0 * 4 + 3] > 200)
    purple = rows[top + 2][x0 * 4 : x0 * 4 + 4]
    cx = width / 2
    # An arrow inside the arch, pointing up: a shaft and a head (in units of the width).
    shaft_w, shaft_top, shaft_bottom = 0.05 * width, 0.46 * height, 0.68 * height
    head_w, head_top, head_bottom = 0.17 * width, 0.35 * height, 0.49 * height
    for y in range(height):
        for x in range(width):
            px, py = x + 0.5, y + 0.5
            in_shaft = abs(px - cx) <= shaft_w / 2 and shaft_top <= py <= shaft_bottom
            spread = (py - head_top) / (head_bottom - head_top) * head_w / 2
            in_head = head_top <= py <= head_bottom and abs(px - cx) <= spread
            if in_shaft or in_head:
                rows[y][x * 4 : x * 4 + 4] = purple
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(encode(width, height, rows))
    print(TARGET)


if __name__ == "__main__":
    main()
