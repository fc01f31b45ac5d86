"""Draw templates/assets/favicon.ico from the shapes of favicon.svg (run once after changing either).

Pure Python (zlib, struct): a 32x32 PNG, supersampled 4x4 per pixel, inside an ICO container. The build copies the
file to the output root, where browsers and feed readers ask for /favicon.ico whatever the pages link.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZE, SAMPLES = 32, 4
BLUE, WHITE = (0x0B, 0x57, 0xD0), (0xFF, 0xFF, 0xFF)
RADIUS = 7.0  # rx of the rounded square in favicon.svg
CHECK = [(9.0, 16.5), (14.0, 21.5), (23.0, 11.5)]  # the check mark's path
HALF_STROKE = 1.75


def _in_square(x: float, y: float) -> bool:
    cx = min(max(x, RADIUS), SIZE - RADIUS)
    cy = min(max(y, RADIUS), SIZE - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2


def _on_check(x: float, y: float) -> bool:
    for (ax, ay), (bx, by) in zip(CHECK, CHECK[1:], strict=False):
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
        if (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= HALF_STROKE ** 2:
            return True
    return False


def pixels() -> bytes:
    rows = bytearray()
    n = SAMPLES * SAMPLES
    for py in range(SIZE):
        rows.append(0)  # PNG filter: none
        for px in range(SIZE):
            inside = white = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x, y = px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES
                    if _in_square(x, y):
                        inside += 1
                        white += _on_check(x, y)
            colour = [round((b * (inside - white) + w * white) / inside) if inside else 0 for b, w in zip(BLUE, WHITE, strict=True)]
            rows += bytes([*colour, round(255 * inside / n)])
    return bytes(rows)


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels(), 9)) + chunk(b"IEND", b"")


def ico() -> bytes:
    image = png()
    return struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 22) + image


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "templates/assets/favicon.ico")
    target.write_bytes(ico())
    print(f"{target}: {target.stat().st_size} bytes")
