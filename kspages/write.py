"""Sync `{relative path: bytes}` into the output folder: atomic per file, only what changed, prune the rest."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError
from .layout import MANIFEST


@dataclass(frozen=True)
class WriteReport:
    """What a sync did to the output folder."""

    written: int
    unchanged: int
    removed: int


def check_target(out: Path) -> list[ContentError]:
    """Refuse to prune a folder kspages did not make, so a wrong --out never deletes someone's files."""
    if out.exists() and not out.is_dir():
        return [ContentError(str(out), None, "output path exists and is not a folder", "choose another --out")]
    if out.is_dir() and not (out / MANIFEST).exists() and any(out.iterdir()):
        return [ContentError(str(out), None, "output folder is not empty and was not made by kspages",
                             "choose an empty or new folder with --out, or empty this one yourself")]
    return []


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # readers see the old file or the new one, never half of one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _size(target: Path) -> int:
    try:
        return target.stat().st_size
    except OSError:
        return -1


def _same(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except FileNotFoundError:
        return False


def sync(outputs: dict[str, bytes], out: Path, keys: dict[str, str] | None = None,
         known: set[str] | frozenset[str] = frozenset(), sha: dict[str, str] | None = None,
         previous: set[str] | None = None) -> WriteReport:
    """Make `out` hold exactly `outputs` plus the manifest (with each page's key); call after check_target passed.

    Files in `known` are known to hold these bytes already if they are there with that size (they were read and
    checked, or written by this process): they are not read again. `sha` may give the outputs' SHA-256. With
    `previous`, the files this process wrote last time, only those of them that are no longer outputs are removed
    (a session's later builds); otherwise every file of `out` that is not an output is.
    """
    written = unchanged = 0
    for rel in sorted(outputs):
        target = out / rel
        if rel in known and _size(target) == len(outputs[rel]) or _same(target, outputs[rel]):
            unchanged += 1
        else:
            _write_atomic(target, outputs[rel])
            written += 1
    manifest = _json_manifest(outputs, keys or {}, sha or {})
    if not _same(out / MANIFEST, manifest):
        _write_atomic(out / MANIFEST, manifest)
    removed = _prune(out, {*outputs, MANIFEST}) if previous is None else _remove(out, previous - outputs.keys())
    return WriteReport(written=written, unchanged=unchanged, removed=removed)


def _json_manifest(outputs: dict[str, bytes], keys: dict[str, str], sha: dict[str, str]) -> bytes:
    digests = {rel: sha.get(rel) or hashlib.sha256(data).hexdigest() for rel, data in sorted(outputs.items())}
    manifest = {"files": digests, "keys": {rel: keys[rel] for rel in sorted(keys) if rel in outputs}}
    return (json.dumps(manifest, indent=0, sort_keys=True) + "\n").encode("utf-8")


def read_manifest(out: Path) -> dict[str, tuple[str, str | None]]:
    """{path: (sha256, key)} from the manifest of the last build in `out`; empty when there is none."""
    try:
        data = json.loads((out / MANIFEST).read_text("utf-8"))
        files, keys = data["files"], data.get("keys", {})
        return {str(p): (str(h), keys.get(p)) for p, h in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` by relative path (for comparing two builds)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _remove(out: Path, gone: set[str]) -> int:
    removed = 0
    for rel in sorted(gone):
        try:
            (out / rel).unlink()
            removed += 1
        except FileNotFoundError:
            continue
        folder = (out / rel).parent
        while folder != out and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


def _prune(out: Path, keep: set[str]) -> int:
    removed = 0
    for dirpath, dirnames, filenames in os.walk(out, topdown=False):  # children before their folders
        folder = Path(dirpath)
        rel = folder.relative_to(out).as_posix()
        prefix = "" if rel == "." else rel + "/"
        links = [d for d in dirnames if (folder / d).is_symlink()]  # os.walk lists them as folders, never enters
        for name in [*filenames, *links]:
            if prefix + name not in keep:
                (folder / name).unlink()
                removed += 1
        if folder != out and not any(folder.iterdir()):
            folder.rmdir()
    return removed
