"""Lookup shard sizes at scale: what one status lookup fetches, for N simulated records (default 1,000,000).

    python -m benchmarks.shards [--records N]

Entries are built by the same code as a real build (pages.status_shards) from synthetic public status entries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import random
import statistics
import sys
import time

from kspages import numbers
from kspages.pages import status_shards
from kspages.public import StatusEntry, TimelineEntry

NOTES = ["已转交商家核实", "已联系消费者补充材料", "商家已退款", "已调取直播回放", "检测结果与宣传不符", ""]


def entries(count: int, rng: random.Random) -> list[StatusEntry]:
    """Synthetic status entries shaped like real ones: 1-4 timeline steps with short notes."""
    found: dict[str, StatusEntry] = {}
    start = dt.date(2024, 1, 1)
    while len(found) < count:
        number = numbers.generate(rng)
        received = start + dt.timedelta(days=rng.randrange(900))
        steps = [TimelineEntry(received + dt.timedelta(days=i * 3), status, None, rng.choice(NOTES))
                 for i, status in enumerate(["pending", "in_progress", "resolved"][: rng.randint(1, 3)])]
        found[number] = StatusEntry(number=number, category="after_sales", channel="in_app_report",
                                    received=received, status=steps[-1].status,
                                    outcome="refund" if steps[-1].status == "resolved" else None,
                                    merchant=f"测试店铺{rng.randrange(5000)}号", timeline=tuple(steps),
                                    notice_url=None)
    return sorted(found.values(), key=lambda e: e.number)


def main(argv: list[str] | None = None) -> int:
    """Print shard count and raw/gzipped sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    statuses = tuple(entries(args.records, random.Random(1)))
    bits, shards = status_shards(statuses)
    raw = [len(b) for b in shards.values()]
    packed = [len(gzip.compress(b, 9)) for b in shards.values()]
    print(f"{args.records:,} records -> {len(shards):,} shards ({bits} bits) in {time.perf_counter() - start:.1f} s")
    print(f"one lookup fetches: median {statistics.median(raw) / 1024:.1f} KB raw, "
          f"{statistics.median(packed) / 1024:.1f} KB gzipped; largest {max(raw) / 1024:.1f} KB raw, "
          f"{max(packed) / 1024:.1f} KB gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
