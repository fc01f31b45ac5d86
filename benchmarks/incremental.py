"""Measure incremental builds: cold, no-change and one-record builds, and edit-to-output latency under `watch`.

    python -m benchmarks.incremental [--records N] [--keep DIR]

Prints figures; asserts nothing about time (speed targets are read here, not enforced by unit tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from kspages.build import Session, build, verify
from kspages.live import watch
from kspages.report import Report

from .sites import bundled_copy, synthetic_records

DAY = dt.date(2026, 11, 1)


def _line(what: str, report: Report, seconds: float) -> None:
    print(f"{what:<34} {seconds:7.2f} s  parsed {report.parsed:>6}  rendered {report.rendered:>6}  "
          f"written {report.written:>6}  of {report.outputs}")


def _edit(file: Path, marker: str) -> None:
    """The everyday edit: a sentence added to a notice's text."""
    file.write_text(file.read_text("utf-8").replace("经核查，", f"经核查（{marker}），", 1), "utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the measurements on a synthetic site of N records plus the bundled ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build the site here and keep it")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kspages-bench-") as tmp:
        root = bundled_copy((args.keep or Path(tmp)) / "site")
        start = time.perf_counter()
        synthetic_records(root, args.records, seed=11)
        print(f"{args.records} synthetic records written in {time.perf_counter() - start:.1f} s")
        # Records with a published notice, so an edit shows on a page of its own.
        files = [f for f in sorted((root / "content/records/2026").glob("KS-*.yaml"))
                 if "date: '2026-03-06'" in f.read_text("utf-8")]

        start = time.perf_counter()
        _line("cold build (no cache, no output)", build(root, as_of=DAY), time.perf_counter() - start)
        start = time.perf_counter()
        _line("no change, new process state", build(root, as_of=DAY), time.perf_counter() - start)
        _edit(files[len(files) // 2], "改")
        start = time.perf_counter()
        _line("one record edited (kspages build)", build(root, as_of=DAY), time.perf_counter() - start)

        # Under watch: the cache stays in memory; time from the save to the changed notice on disk.
        session = Session(root, as_of=DAY)
        session.build()
        reports: list[Report] = []
        stop = threading.Event()
        thread = threading.Thread(target=watch, daemon=True, args=(
            root, lambda: reports.append(session.build()), stop))
        thread.start()
        time.sleep(1.0)
        latencies = []
        for i, file in enumerate(files[1:6]):
            number = file.stem
            before = len(reports)
            _edit(file, f"W{i}")
            saved = time.perf_counter()
            page = root / f"output/notices/{number}/index.html"
            while f"W{i}" not in page.read_text("utf-8"):  # the page is written last-but-one, atomically
                time.sleep(0.002)
            latencies.append(time.perf_counter() - saved)
            while len(reports) == before:
                time.sleep(0.005)
            _line(f"watch: edit {i + 1} saved -> built", reports[-1], latencies[-1])
        stop.set()
        thread.join()
        latencies.sort()
        print(f"watch edit-to-output latency: median {latencies[len(latencies) // 2]:.2f} s, "
              f"max {latencies[-1]:.2f} s (includes 0.15 s debounce)")
        start = time.perf_counter()
        differ = verify(root, as_of=DAY)
        print(f"verify against a clean build: {'identical' if not differ else differ[:5]} "
              f"({time.perf_counter() - start:.1f} s)")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
