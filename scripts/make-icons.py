#!/usr/bin/env python3
"""Draws static/icon-192.png and icon-512.png (the installable app's icons, as Chrome requires PNGs of these
sizes) from the same design as static/icon.svg: three white nodes joined on a blue rounded square. Standard
library only; run it again after changing the design."""
import math, os, struct, zlib

BLUE, WHITE = (0x1d, 0x4e, 0xd8), (0xff, 0xff, 0xff)
NODES = [(32, 14), (14, 46), (50, 46)]


def pixel(x, y):
    """Colour at (x, y) in the 64-unit design, or None outside the rounded square."""
    r = 12
    cx, cy = min(max(x, r), 64 - r), min(max(y, r), 64 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return None
    if any((x - nx) ** 2 + (y - ny) ** 2 <= 49 for nx, ny in NODES):
        return WHITE
    for (ax, ay), (bx, by) in ((NODES[0], NODES[1]), (NODES[0], NODES[2]), (NODES[1], NODES[2])):
        t = max(0, min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)))
        if math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= 1.5:
            return tuple(int(b + 0.6 * (w - b)) for b, w in zip(BLUE, WHITE))
    return BLUE


def png(size, path):
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            c = pixel((i + 0.5) * 64 / size, (j + 0.5) * 64 / size)
            row += bytes(c + (255,)) if c else b"\0\0\0\0"
        rows.append(bytes(row))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
                + chunk(b"IEND", b""))


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "static")
    for s in (192, 512):
        png(s, os.path.join(here, f"icon-{s}.png"))
