"""kspages' own search index against Pagefind: index time, size and memory at N notices, recall on the fixture.

    python -m benchmarks.search [--records N] [--pagefind-env DIR]

Pagefind (`pagefind[extended]`, which segments Chinese) is installed by this script into a throw-away virtual
environment. Recall runs every query of tests/search_queries.yaml through both engines on the bundled site: our
index in Python, Pagefind's in headless Chromium (its search runs in the browser only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

from kspages import search
from kspages.build import load, prepare
from kspages.layout import shop_url
from kspages.pages import search_documents
from kspages.public import shops

from .sites import REPO, bundled_copy, synthetic_records

DAY = dt.date(2026, 11, 1)


def pagefind_env(where: Path) -> Path:
    """A virtual environment holding pagefind[extended]; returns its python."""
    python = where / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pagefind[extended]"], check=True)
    return python


def run_pagefind(python: Path, site: Path) -> tuple[float, int, int]:
    """Index `site` with Pagefind: seconds, bytes written, peak memory (MB) of the indexer."""
    out = site / "pagefind"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", str(python), "-m", "pagefind", "--site", str(site),
                           "--force-language", "zh-cn", "--quiet"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pagefind failed: {done.stderr[-500:]}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, sum(p.stat().st_size for p in out.rglob("*") if p.is_file()), peak_kb // 1024


def own_index(root: Path) -> tuple[float, int, int, search.Index]:
    """Build our index for a site: seconds, bytes, number of files."""
    loaded = load(root, [], [], DAY)
    docs = search_documents(loaded.public, shops(loaded.public.notices))
    start = time.perf_counter()
    index = search.build_index(docs)
    seconds = time.perf_counter() - start
    return seconds, sum(len(b) for b in index.files.values()), len(index.files), index


def fixture() -> list[tuple[str, list[str]]]:
    """(query, pages that must be in its top 5) from tests/search_queries.yaml."""
    items = yaml.safe_load((REPO / "tests/search_queries.yaml").read_text("utf-8"))
    return [(str(i["query"]), [shop_url(p[5:]) if p.startswith("shop:") else p for p in i["top5"]]) for i in items]


PAGEFIND_QUERY = """
const done = arguments[arguments.length - 1];
(async () => {
  const pagefind = await import("/pagefind/pagefind.js");
  const out = [];
  for (const q of arguments[0]) {
    const r = await pagefind.search(q);
    const top = await Promise.all(r.results.slice(0, 5).map(x => x.data()));
    out.push(top.map(d => d.url));
  }
  done(out);
})().catch(e => done(String(e)));
"""


def pagefind_results(site: Path, queries: list[str]) -> list[list[str]]:
    """Top-5 URLs for each query from Pagefind's own browser library, in headless Chromium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver") or ""), options=options)
    try:
        driver.set_script_timeout(120)
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/")
        result = driver.execute_async_script(PAGEFIND_QUERY, queries)
    finally:
        driver.quit()
        server.shutdown()
    if isinstance(result, str):
        raise SystemExit(f"pagefind search failed in the browser: {result}")
    return [[u.lstrip("/") for u in urls] for urls in result]


def recall(results: list[list[str]], wanted: list[list[str]]) -> tuple[float, int]:
    """Share of expected pages found in the top 5, and queries with every expected page found."""
    hits = sum(len(set(w) & set(r)) for r, w in zip(results, wanted, strict=True))
    total = sum(len(w) for w in wanted)
    whole = sum(set(w) <= set(r) for r, w in zip(results, wanted, strict=True))
    return hits / total, whole


def main(argv: list[str] | None = None) -> int:
    """Measure both engines and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--pagefind-env", type=Path, default=Path(tempfile.gettempdir()) / "kspages-pagefind-env")
    args = parser.parse_args(argv)
    python = pagefind_env(args.pagefind_env)
    with tempfile.TemporaryDirectory(prefix="kspages-search-") as tmp:
        big = bundled_copy(Path(tmp) / "big")
        synthetic_records(big, args.records, seed=13)
        report, rendered = prepare(big, DAY)
        out = big / "output"
        for path, data in rendered.outputs.items():
            (out / path).parent.mkdir(parents=True, exist_ok=True)
            (out / path).write_bytes(data)
        pages = len([p for p in rendered.outputs if p.endswith(".html")])
        own_s, own_bytes, own_files, _ = own_index(big)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        pf_s, pf_bytes, pf_mb = run_pagefind(python, out)
        print(f"index of {report.notices} notices + guide + shops ({pages} HTML pages):")
        print(f"  kspages  {own_s:6.1f} s  {own_bytes / 1e6:6.1f} MB in {own_files} files  "
              f"(whole build process peak {rss} MB)")
        print(f"  Pagefind {pf_s:6.1f} s  {pf_bytes / 1e6:6.1f} MB  peak {pf_mb} MB")

        small = bundled_copy(Path(tmp) / "small")
        _, rendered_small = prepare(small, DAY)
        for path, data in rendered_small.outputs.items():
            (small / "output" / path).parent.mkdir(parents=True, exist_ok=True)
            (small / "output" / path).write_bytes(data)
        run_pagefind(python, small / "output")
        cases = fixture()
        queries, wanted = [q for q, _ in cases], [w for _, w in cases]
        index = search.load_index(rendered_small.outputs)
        ours = [search.search(index, q, 5) for q in queries]
        theirs = pagefind_results(small / "output", queries)
        for name, results in (("kspages", ours), ("Pagefind", theirs)):
            share, whole = recall(results, wanted)
            print(f"fixture recall@5 {name:<9} {share:.3f} of expected pages; {whole}/{len(cases)} queries complete")
        missed = [(q, w, t) for q, w, t in zip(queries, wanted, theirs, strict=True) if not set(w) <= set(t)]
        for q, w, t in missed[:10]:
            print(f"  Pagefind missed {q}: wanted {w}, got {json.dumps(t, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
