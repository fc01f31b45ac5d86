"""The shortest build: nothing changed since the last one, so the output stands.

A stamp holds a digest of every file of the site's content/ and templates/ and of the output folder with its size,
inode, modification and change times (`st_ctime` changes on every write and cannot be set back by hand, unlike
mtime), and the date the build applied. When all of it is the same, the last build's report is the answer: no
source is read. Anything else, a touched file included, falls through to the full build, which still decides by
content hashes.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import time
from pathlib import Path
from typing import Any

from . import __version__
from .layout import CACHE

FOLDER = CACHE  # the stamp and the cache (kspages.cache)
# A file changed this close to a build may change again within the file system clock's resolution: not trusted.
RACY_NS = 2_000_000_000


def _tree(folder: Path) -> dict[str, tuple[int, int, int, int]]:
    """(size, inode, mtime, ctime) of every file under `folder`, by relative path."""
    found: dict[str, tuple[int, int, int, int]] = {}
    todo = [(os.fspath(folder), "")]
    while todo:
        path, prefix = todo.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            todo.append((entry.path, prefix + entry.name + "/"))
                        else:
                            st = entry.stat()
                            found[prefix + entry.name] = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
                    except OSError:
                        continue
        except OSError:
            continue
    return found


def inputs(root: Path) -> dict[str, Any]:
    """The state of every source (taken before the build reads them, so a change during the build is noticed):
    a digest of every file's place, size, inode and times, and the newest change time, not the files' list (which
    a build would hold throughout: 30 MB at 100k records)."""
    trees = (sorted(_tree(root / "content").items()), sorted(_tree(root / "templates").items()))
    newest = max((st[3] for tree in trees for _, st in tree), default=0)
    return {"sources": _marshalled(trees), "newest": newest, "started": time.time_ns()}


def _file(root: Path) -> Path:
    return root / FOLDER / f"stamp-{__version__}.json"


def _key(out: Path, as_of: str) -> dict[str, str]:
    return {"version": __version__, "out": str(out.resolve()), "as_of": as_of}


# marshal's format 2 writes every value out; from 3 on it writes a reference to a value it wrote before when that
# object has other references, so its bytes would depend on objects' reference counts, not only on their values.
_NO_REFS = 2


def _digest(state: dict[str, Any], output: dict[str, tuple[int, int, int, int]]) -> str:
    # Equal digests mean every file is where it was, with the same size, inode and times.
    return _marshalled((state["sources"], sorted(output.items())))


def _marshalled(value: Any) -> str:
    # marshal is the quickest way to bytes (a third of repr's time at 16,000 files); another Python's marshal only
    # costs one full build.
    return hashlib.sha256(marshal.dumps((sys.version_info[:2], value), _NO_REFS)).hexdigest()


def unchanged(root: Path, out: Path, as_of: str, state: dict[str, Any]) -> dict[str, Any] | None:
    """The report saved by the last build when sources, output and date are as it left them, else None."""
    try:
        saved = json.loads(_file(root).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("key") != _key(out, as_of):
        return None
    if saved.get("files") != _digest(state, _tree(out)):
        return None
    report = saved.get("report")
    return report if isinstance(report, dict) else None


def save(root: Path, out: Path, as_of: str, state: dict[str, Any], report: dict[str, Any]) -> None:
    """Record what this build saw and did; a stamp that cannot be written only costs the next build its shortcut.

    No stamp is left when a source changed within 2 s before the build started: it could change again with the
    same times (the file system clock's resolution), so the next build must look.
    """
    target = _file(root)
    racy = state["started"] - RACY_NS
    try:
        if state["newest"] >= racy:
            target.unlink(missing_ok=True)
            return
        data = {"key": _key(out, as_of), "files": _digest(state, _tree(out)), "report": report}
        target.parent.mkdir(exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), "utf-8")
        os.replace(tmp, target)
    except OSError:
        pass
