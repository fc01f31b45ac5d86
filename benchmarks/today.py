"""The cold build against the code issue 14 was filed on, in one run, on one corpus, on this machine.

    python -m benchmarks.today [--records 10000] [--pairs 3]

Issue 14 asks for "the cold build no slower than today". benchmarks.run holds that day's figures (TODAY_COLD), but
they were measured on another day, when this machine may have been quicker or slower (Hugo's 10k cold build has
ranged from 1.8 to 2.3 s between runs), and on the corpus of that day: today's corpus holds more (merchant
replies, feedback, a page per quarter), which the code of the filed commit cannot even read. So this benchmark takes
the filed commit out of git (`git archive`, no checkout touched), writes a corpus with its own generator, and
builds that corpus cold with both codes, in turn (filed, current, filed, current...), each build in a new process
from an empty output and cache: the current code gets the same content and its own templates (the filed
templates name variables the current pages no longer pass). It prints each build, the medians, and their ratio
against the 5% slack of benchmarks.run. Enforces nothing.

Both codes run in the interpreter of this one (the current dependencies include the filed commit's), the filed one
first on the import path. Needs the repository's history: a shallow clone says so and measures nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .run import SLACK, Run, _row, build_once
from .sites import REPO

FILED = "8dc72c8"  # main when issue 14 was filed (benchmarks.run.TODAY_COLD are its figures)


def filed_tree(into: Path) -> Path | None:
    """The filed commit's files extracted into `into` (None when this clone lacks the commit)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", FILED], capture_output=True)
    if archive.returncode != 0:
        return None
    into.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def with_code(code: Path) -> dict[str, str]:
    """The environment of a process that imports kspages (and benchmarks) from `code` before the installed one (and
    before the working folder, which `python -c` would put first)."""
    return {**os.environ, "PYTHONSAFEPATH": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))}


def cold(site: Path, code: Path) -> Run:
    """One cold build of `site` by the code at `code`, in a new process."""
    for made in (site / "output", site / ".kspages-cache"):
        shutil.rmtree(made, ignore_errors=True)
    return build_once(site, env=with_code(code))


def main(argv: list[str] | None = None) -> int:
    """Write the filed commit's corpus, build it with both codes in turn, print the builds and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=3, help="builds with each code, in turn")
    args = parser.parse_args(argv)
    print(f"\ncold build, the code issue 14 was filed on ({FILED}) and the current code, on {FILED}'s corpus of "
          f"{args.records:,} records, in turn:")
    with tempfile.TemporaryDirectory(prefix="kspages-today-") as tmp:
        old = filed_tree(Path(tmp) / "filed")
        if old is None:
            print(f"  not measured: commit {FILED} is not in this clone (a shallow clone?)")
            return 0
        filed_site, current_site = Path(tmp) / "filed-site", Path(tmp) / "current-site"
        # The filed generator, run from its own tree, copies its own content and templates in.
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from benchmarks.sites import "
                        "corpus; corpus(Path(sys.argv[1]), int(sys.argv[2]))", str(filed_site), str(args.records)],
                       cwd=old, env=with_code(old), check=True)
        shutil.copytree(filed_site / "content", current_site / "content")
        shutil.copytree(REPO / "templates", current_site / "templates")
        print(f"  {'':<24} {'wall':>10} {'cpu':>10} {'peak':>10} {'written':>8} {'rendered':>8}")
        runs: dict[str, list[Run]] = {FILED: [], "current": []}
        for _ in range(args.pairs):
            for name, site, code in ((FILED, filed_site, old), ("current", current_site, REPO)):
                run = cold(site, code)
                runs[name].append(run)
                print(_row(name, run), flush=True)
    was, now = (statistics.median(r.wall for r in runs[name]) for name in (FILED, "current"))
    print(f"  median wall: {FILED} {was:.2f} s, current {now:.2f} s: {now / was:.2f}× "
          f"(no slower within {SLACK:g}×: {'yes' if now <= was * SLACK else 'no'}); peak "
          f"{max(r.peak_mb for r in runs[FILED]):,} MB and {max(r.peak_mb for r in runs['current']):,} MB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
