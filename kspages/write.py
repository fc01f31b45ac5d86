"""Sync `{relative path: bytes}` into the output folder: atomic per file, only what changed, prune the rest.

Changed files are first written into a staging folder beside the output folder (same file system, never inside
it), then committed by rename: the whole folder at once on a cold build, file by file (manifest last) otherwise.
The manifest is a head (`MANIFEST`) naming parts by digest; an edit rewrites the parts of the files it changed and
the head, not a line for every file of the site (1.3 MB at 10k records, 13 MB at 100k).
A `Spool` does the staging while the build is still rendering, batch by batch, so that no build holds every
output in memory.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import hashlib
import itertools
import json
import operator
import os
import secrets
import shutil
import stat
import tempfile
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ContentError
from .layout import MANIFEST, MANIFEST_PARTS


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


def _size_at(target: str) -> int:
    try:
        return os.stat(target).st_size
    except OSError:
        return -1


def _same(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except FileNotFoundError:
        return False


def sync(outputs: Mapping[str, bytes], out: Path, keys: dict[str, str] | None = None,
         known: set[str] | frozenset[str] = frozenset(), sha: dict[str, str] | None = None) -> WriteReport:
    """Make `out` hold exactly `outputs` plus the manifest (with each page's key); call after check_target passed.

    Files in `known` are known to hold these bytes already if they are there with that size (they were read and
    checked): they are not read again. `sha` may give the outputs' SHA-256. Every file of `out` that is not an
    output is removed.
    """
    return _sync(outputs, out, keys, known, sha)[0]


def _sync(outputs: Mapping[str, bytes], out: Path, keys: dict[str, str] | None, known: set[str] | frozenset[str],
          sha: dict[str, str] | None) -> tuple[WriteReport, _Members | None]:
    if isinstance(outputs, Spool):
        return _sync_spool(outputs, out, keys or {}), None
    _clear_stale(out)
    members = _Members.of(outputs, keys or {}, sha or {})
    manifest = members.manifest()
    if _empty(out) and _same_device(out) and (staging := _Staging.beside(out)) is not None:
        with staging:
            for rel in sorted(outputs):
                staging.put(rel, outputs[rel])
            for rel, data in manifest.items():
                staging.put(rel, data)
            staging.publish(out, [*sorted(outputs), *manifest])
        return WriteReport(written=len(outputs), unchanged=0, removed=0), members
    base = os.fspath(out)
    changed = [rel for rel in sorted(outputs) if not (rel in known and _size_at(os.path.join(base, rel)) ==
                                                      len(outputs[rel]) or _same(out / rel, outputs[rel]))]
    writes = {rel: data for rel, data in manifest.items() if not _same(out / rel, data)}
    if changed or writes:
        _commit(out, outputs, changed, writes)
    removed = _prune(out, {*outputs, *manifest})
    return WriteReport(written=len(changed), unchanged=len(outputs) - len(changed), removed=removed), members


@dataclass
class Written:
    """What a session's last sync left in an output folder: the manifest's members, and the identity of the
    manifest file it wrote. While that file is in place the folder is taken to hold what the sync wrote."""

    members: _Members
    manifest: tuple[int, int, int, int]  # the manifest file's inode, size, modification and change times (ns)


def sync_changes(outputs: dict[str, bytes], out: Path, keys: dict[str, str], sha: dict[str, str],
                 last: Mapping[str, bytes] | None, written: Written | None, known: Collection[str] = (),
                 fresh: Collection[str] | None = None, gone: Collection[str] | None = None
                 ) -> tuple[WriteReport, Written | None]:
    """`sync` for a session: `last` is what the session's last sync made `out` hold (None before its first),
    `written` what that sync returned. Only the outputs that are not the very bytes objects of `last` are
    compared and written, the manifest's members of those only are made again, and the outputs no longer there
    are removed: the cost of what changed, not a look at every file.

    When the manifest in `out` is not the one that sync wrote (the folder was emptied or built by another
    process meanwhile), or there is no `written`, `out` is made to hold `outputs` as `sync` does: every file
    compared (but those in `known`, on the session's first build: pages checked against the manifest), every other
    file removed. A single output deleted by hand is not noticed: it comes back when its page changes, or at the
    next build in a new process. `fresh` and `gone`, when the caller knows them, are the outputs that are not the
    bytes objects of `last` and the paths of `last` no longer there: then no output is looked at but those.
    """
    if last is None or written is None or _identity(out / MANIFEST) != written.manifest:
        report, members = _sync(outputs, out, keys, set(known) if last is None else set(), sha)
        return report, None if members is None else Written(members, _identity(out / MANIFEST))
    rels = list(itertools.compress(outputs, map(operator.is_not, outputs.values(), map(last.get, outputs)))
                ) if fresh is None else list(fresh)
    gone = last.keys() - outputs.keys() if gone is None else gone
    changed = [rel for rel in rels if last.get(rel) != outputs[rel]]
    if rels or gone:
        stale = written.members.update(outputs, keys, sha, rels, gone)
        _commit(out, outputs, sorted(changed), written.members.manifest())
        _remove(out, stale)  # the parts of a manifest now cut into fewer or more: not outputs, not counted
        written = Written(written.members, _identity(out / MANIFEST))
    removed = _remove(out, set(gone))
    return WriteReport(written=len(changed), unchanged=len(outputs) - len(changed), removed=removed), written


def _commit(out: Path, outputs: Mapping[str, bytes], changed: list[str], manifest: Mapping[str, bytes]) -> None:
    """Put the `changed` outputs and then the `manifest` files (its head last) into `out`, each replacing its file
    atomically."""
    commit = [*changed, *manifest]
    staging = _Staging.beside(out) if _same_device(out) else None
    if staging is None:  # out is a mount point or its parent is read-only: one temporary file per file, in place
        for rel in commit:
            _write_atomic(out / rel, manifest[rel] if rel in manifest else outputs[rel])
    else:
        with staging:
            for rel in commit:
                staging.put(rel, manifest[rel] if rel in manifest else outputs[rel])
            staging.commit(out, commit)  # the manifest last: it names only files that are in place


def _identity(file: Path) -> tuple[int, int, int, int]:
    try:
        st = os.stat(file)
    except OSError:
        return (-1, -1, -1, -1)
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


# Checks a batch of outputs: the SHA-256 of each, and those that failed (never staged: they stay in memory).
Check = Callable[[dict[str, bytes]], tuple[dict[str, str], Collection[str]]]
# Outputs a Spool holds in memory before it checks and stages them. A batch costs about three times its size while
# it is checked (its bytes, the gates' reading of them, their pieces): a 100k-record build peaked at 614 MiB with
# 32 MB and 2,048 pages rendered at a time (build._BATCH), 550 with 16 MB and 1,024, 528 with 8 MB and 512, in the
# same wall time. At 10k records, cold builds paired with 32 MB (two for 16 MB, three for 8): 16 MB no slower
# (15.7-15.8 s against 15.5-15.7), 8 MB 5% slower (the forks of more, smaller batches).
SPOOL_BYTES = 16 << 20
_STAGED, _IN_PLACE = 1, 2  # where a spooled output's bytes are: in the staging folder, or in `out` already


class Spool(MutableMapping[str, bytes]):
    """The outputs of one build, most of them on disk: once their bytes add up to `limit`, the outputs given so far
    are checked (`check`) and each one that passed is written into a staging folder beside `out`, or left where
    it is when `out` holds those very bytes already; reading one reads it back. `sync` then only renames. An
    empty output waits for the last batch (`flush(final=True)`): pages are placed empty before they are rendered.

    Where no staging folder can be made (`out` is a mount point, its parent read-only) every output stays in
    memory and `sync` writes them as it writes a dict. A context manager: leaving it removes what was staged.
    """

    def __init__(self, out: Path, limit: int | None = None) -> None:
        self.out, self.limit = out, SPOOL_BYTES if limit is None else limit
        self.check: Check = lambda batch: ({rel: hashlib.sha256(data).hexdigest() for rel, data in batch.items()}, ())
        _clear_stale(out)
        self.staging: _Staging | None = None  # made at the first output to stage (a build may fail before)
        self._can_stage = _same_device(out)
        self._before = read_manifest(out)
        self._verified: set[str] = set()  # outputs taken from `out` by `reuse`: their bytes are those on disk
        self._order: dict[str, None] = {}  # every output, in the order given
        self._pending: dict[str, bytes] = {}
        self._pending_size = 0
        self._held: dict[str, bytes] = {}  # outputs that failed a check, or all of them without a staging folder
        self.failed: set[str] = set()  # outputs that failed a check: never written, here or by `sync`
        self._placed: dict[str, int] = {}  # outputs checked and put on disk: where (_STAGED, _IN_PLACE)
        self.sha: dict[str, str] = {}  # of every output checked

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.staging is not None:
            self.staging.__exit__()

    def __setitem__(self, rel: str, data: bytes) -> None:
        self._order[rel] = None
        self._forget(rel)
        self._pending_size += len(data) - len(self._pending.get(rel, b""))
        self._pending[rel] = data
        if self._pending_size >= self.limit:
            self.flush()

    def __getitem__(self, rel: str) -> bytes:
        data = self._pending.get(rel)
        if data is None:
            data = self._held.get(rel)
        if data is None:
            where = self._placed[rel]  # KeyError: not an output
            with open(os.path.join(self.staging.folder if where == _STAGED and self.staging else self.out, rel),
                      "rb") as fh:
                data = fh.read()
        return data

    def __delitem__(self, rel: str) -> None:
        del self._order[rel]
        self._pending_size -= len(self._pending.pop(rel, b""))
        self._forget(rel)

    def _forget(self, rel: str) -> None:
        """Forget what was checked and placed of an output (given again, or taken out); a staged file goes too."""
        self._held.pop(rel, None)
        self.failed.discard(rel)
        self.sha.pop(rel, None)
        if self._placed.pop(rel, None) == _STAGED and self.staging is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.staging.folder, rel))  # else a cold build would publish it

    def __contains__(self, rel: object) -> bool:
        return rel in self._order

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def flush(self, final: bool = False) -> None:
        """Check the outputs given since the last flush and put those that passed on disk (empty ones only when
        `final`)."""
        batch = {rel: data for rel, data in self._pending.items() if data or final}
        if not batch:
            return
        sha, failed = self.check(batch)
        self.sha.update(sha)
        out = os.fspath(self.out)
        for rel, data in batch.items():
            del self._pending[rel]
            self._pending_size -= len(data)
            if rel in failed:
                self._held[rel] = data
                self.failed.add(rel)
            elif self._before.get(rel, ("",))[0] == sha[rel] and (rel in self._verified or _same(Path(out, rel), data)):
                self._placed[rel] = _IN_PLACE
            elif (staging := self.stage()) is None:
                self._held[rel] = data
            else:
                staging.put(rel, data)
                self._placed[rel] = _STAGED

    def reuse(self, rel: str, key: str) -> bytes | None:
        """`reused` from `out`, with the manifest this spool read: a page taken so is not read again when its
        batch finds it in place."""
        return reused(self.out, self._before, self._verified, rel, key)

    def stage(self) -> _Staging | None:
        """The staging folder, made at the first call; None if none can be made."""
        if self.staging is None and self._can_stage:
            self.staging = _Staging.beside(self.out)
            self._can_stage = self.staging is not None
        return self.staging

    def held(self) -> bool:
        """Whether any output is held in memory (no staging folder could be made)."""
        return bool(self._held)

    def staged(self) -> list[str]:
        """The outputs written into the staging folder, in order."""
        return sorted(rel for rel, where in self._placed.items() if where == _STAGED)


def reused(out: Path, manifest: dict[str, tuple[str, str | None]], verified: set[str] | None, rel: str, key: str
           ) -> bytes | None:
    """The bytes of `rel` in `out` if the last build (its `manifest`) made it with `key` and it still holds them;
    `rel` then goes into `verified`."""
    entry = manifest.get(rel)
    if entry is None or entry[1] != key:
        return None
    try:
        data = (out / rel).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != entry[0]:
        return None
    if verified is not None:
        verified.add(rel)
    return data


def _sync_spool(spool: Spool, out: Path, keys: dict[str, str]) -> WriteReport:
    """`sync` of a spool whose every output passed its check: rename what it staged into place."""
    spool.flush(final=True)
    if spool.failed:  # the caller should have stopped: fail closed all the same
        raise ValueError(f"{len(spool.failed)} outputs failed their check and are never written")
    manifest = _Members.of(spool, keys, spool.sha).manifest()
    staged = spool.staged()
    writes = {rel: data for rel, data in manifest.items() if not _same(out / rel, data)}
    commit = [*staged, *writes] if staged or writes else []
    staging = spool.stage() if commit else spool.staging
    if staging is None and commit or spool.held():  # no staging folder could be made: write in place
        return sync(dict(spool.items()), out, keys, frozenset(), spool.sha)
    if commit and staging is not None:
        for rel, data in writes.items():
            staging.put(rel, data)
        if _empty(out):
            staging.publish(out, commit)
            return WriteReport(written=len(staged), unchanged=len(spool) - len(staged), removed=0)
        staging.commit(out, commit)  # the manifest last: it names only files that are in place
    removed = _prune(out, {*spool, *manifest})
    return WriteReport(written=len(staged), unchanged=len(spool) - len(staged), removed=removed)


_STAGING = ".{}.staging-"  # + "<pid>-<random>": a hidden sibling of the output folder, never a part of it


class _Staging:
    """A fresh folder beside `out` that changed files are written into before they are renamed into place."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fix_mode: bool | None = None  # whether the umask leaves a new file other than 0o644 (seen on the first)

    @classmethod
    def beside(cls, out: Path) -> _Staging | None:
        """A new staging folder in `out`'s parent, or None when none can be made there (read-only parent, no name)."""
        base = Path(os.path.abspath(out))
        if not base.name:
            return None
        try:
            base.parent.mkdir(parents=True, exist_ok=True)
            folder = base.parent / f"{_STAGING.format(base.name)}{os.getpid()}-{secrets.token_hex(6)}"
            folder.mkdir()  # a plain mkdir, not mkdtemp: its mode (0o777 less the umask) becomes out's on a rename
        except OSError:
            return None
        return cls(folder)

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)  # empty after a commit; what a failure left otherwise

    def put(self, rel: str, data: bytes) -> None:
        """Write one file into the staging folder, mode 0o644 (no temporary name: nothing reads this folder)."""
        path = os.path.join(self.folder, rel)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
        try:
            fd = os.open(path, flags, 0o644)
        except FileNotFoundError:  # its folder is not made yet: no set of the folders made (a notice's own, each)
            self._folders(rel)
            fd = os.open(path, flags, 0o644)
        try:
            if self.fix_mode is None:
                self.fix_mode = stat.S_IMODE(os.fstat(fd).st_mode) != 0o644
            if self.fix_mode:
                os.fchmod(fd, 0o644)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)

    def _folders(self, rel: str) -> None:
        """Make the folders of `rel` below the staging folder, never the staging folder itself: one removed midway
        (as stale, by another process) fails the build instead of being made again to publish half a tree."""
        at = os.fspath(self.folder)
        for part in rel.split("/")[:-1]:
            at = os.path.join(at, part)
            with contextlib.suppress(FileExistsError):
                os.mkdir(at)

    def publish(self, out: Path, rels: list[str]) -> None:
        """Put the staged tree in place of a missing or empty `out` with one rename, or file by file if it cannot be."""
        try:
            if out.is_symlink() or _holds_cwd(out):
                raise OSError(errno.EBUSY, "out cannot be replaced", str(out))
            if out.is_dir():
                os.chmod(self.folder, stat.S_IMODE(out.stat().st_mode))  # the folder keeps the mode it was given
            os.rename(self.folder, out)  # POSIX replaces an empty folder; readers see no output or all of it
        except OSError:  # a symlink, a busy or non-empty folder (a file appeared): commit file by file instead
            self.commit(out, rels)

    def commit(self, out: Path, rels: list[str]) -> None:
        """Rename each staged file over its place in `out`, in order (readers see the old bytes or the new)."""
        for rel in rels:
            target = os.path.join(out, rel)
            try:
                os.replace(os.path.join(self.folder, rel), target)
            except FileNotFoundError:  # its folder in `out` is not made yet (the staged file is there: put made it)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(os.path.join(self.folder, rel), target)


def _empty(out: Path) -> bool:
    """Whether `out` is missing or an empty folder: a cold build, whose output can appear at once."""
    if not out.exists() and not out.is_symlink():
        return True
    try:
        with os.scandir(out) as entries:
            return next(entries, None) is None
    except NotADirectoryError:
        return False


def _same_device(out: Path) -> bool:
    """Whether a file can be renamed from `out`'s parent into `out` (not when out is a mount point)."""
    base = Path(os.path.abspath(out))
    try:
        return not out.exists() or os.stat(base).st_dev == os.stat(base.parent).st_dev
    except OSError:
        return False


def _holds_cwd(out: Path) -> bool:
    """Whether the working folder is `out` or inside it (replacing out would leave this process in a deleted one)."""
    try:
        cwd, real = Path.cwd().resolve(), out.resolve()
    except OSError:
        return True
    return cwd == real or real in cwd.parents


def _clear_stale(out: Path) -> None:
    """Remove staging folders left beside `out` by a sync that crashed (their process is gone)."""
    base = Path(os.path.abspath(out))
    if not base.name:
        return
    prefix = _STAGING.format(base.name)
    try:
        entries = [e for e in os.scandir(base.parent) if e.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].partition("-")[0]
        if entry.is_dir(follow_symlinks=False) and not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether a process with this id runs (a live one may be another build syncing into the same folder)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists but belongs to someone else
    return True


_PART_SIZE = 64  # files a part of the manifest lists, at most about: at 10k records 128 parts of 8 KB


def _part_bits(count: int) -> int:
    """How many bits of a path's hash name its part: 4 to 12, by the number of files."""
    bits = 4
    while bits < 12 and count > _PART_SIZE << bits:
        bits += 1
    return bits


def _part_of(rel: str, bits: int) -> str:
    # CRC-32 (in C): a cold build names the part of every file, and a hash in Python took 50 ms at 20k files.
    return format(zlib.crc32(rel.encode("utf-8")) >> (32 - bits), f"0{(bits + 3) // 4}x")


def _part_file(name: str) -> str:
    return f"{MANIFEST_PARTS}{name}.json"


@dataclass
class _Members:
    """The manifest's members by path, as written ('"path": "value"'), cut into parts by a hash of the path.

    Each part is what `json.dumps({"files": {path: sha256}, "keys": {path: key}}, indent=0, sort_keys=True)` writes
    of its paths, made line by line (json.dumps took a tenth of a second per save at 10k files); the head,
    `MANIFEST`, names every part with a digest of its bytes. Only the parts of the paths changed since the last
    `manifest()` are made again.
    """

    files: dict[str, str]
    keys: dict[str, str]
    bits: int
    by_part: dict[str, list[str]]  # part -> its paths, in order
    digests: dict[str, str]  # part -> the first 16 hex digits of its bytes' SHA-256
    dirty: set[str]  # parts changed since their bytes were last made

    @classmethod
    def of(cls, outputs: Mapping[str, bytes], keys: dict[str, str], sha: dict[str, str]) -> _Members:
        members = cls({}, {}, _part_bits(len(outputs)), {}, {}, set())
        members._cut()
        members.update(outputs, keys, sha, sorted(outputs), ())  # in order: each path goes at its part's end
        return members

    def _cut(self) -> None:
        """Cut every path into parts anew (all of them now exist, though empty, and are to be made)."""
        names = [format(k, f"0{(self.bits + 3) // 4}x") for k in range(1 << self.bits)]
        self.by_part = {name: [] for name in names}
        for rel in sorted(self.files):
            self.by_part[_part_of(rel, self.bits)].append(rel)
        self.digests = {}
        self.dirty = set(names)

    def update(self, outputs: Mapping[str, bytes], keys: dict[str, str], sha: dict[str, str],
               changed: Collection[str], gone: Collection[str]) -> set[str]:
        """Take the `gone` paths out and put each `changed` one in (anew, or in place of its members); the files of
        parts no longer made (the manifest was cut into fewer or more parts)."""
        for rel in gone:
            del self.files[rel]
            self.keys.pop(rel, None)
            paths = self.by_part[part := _part_of(rel, self.bits)]
            del paths[bisect.bisect_left(paths, rel)]
            self.dirty.add(part)
        for rel in changed:
            part = _part_of(rel, self.bits)
            if rel not in self.files:
                bisect.insort(self.by_part[part], rel)
            self.dirty.add(part)
            quoted = _quote(rel)
            self.files[rel] = f"{quoted}: {_quote(sha.get(rel) or hashlib.sha256(outputs[rel]).hexdigest())}"
            if rel in keys:
                self.keys[rel] = f"{quoted}: {_quote(keys[rel])}"
            else:
                self.keys.pop(rel, None)
        if _part_bits(len(self.files)) == self.bits:
            return set()
        before = {_part_file(name) for name in self.by_part}
        self.bits = _part_bits(len(self.files))
        self._cut()
        return before - {_part_file(name) for name in self.by_part}

    def manifest(self) -> dict[str, bytes]:
        """The parts changed since the last call and then the head, by output-relative path."""
        made: dict[str, bytes] = {}
        for name in sorted(self.dirty):
            paths = self.by_part[name]
            data = ("{\n" + _json_object("files", list(map(self.files.__getitem__, paths))) + ",\n" +
                    _json_object("keys", list(filter(None, map(self.keys.get, paths)))) + "\n}\n").encode("utf-8")
            self.digests[name] = hashlib.sha256(data).hexdigest()[:16]
            made[_part_file(name)] = data
        self.dirty.clear()
        made[MANIFEST] = (json.dumps({"version": 2, "bits": self.bits, "parts": self.digests}, indent=0,
                                     sort_keys=True) + "\n").encode("utf-8")
        return made


def _json_object(name: str, members: list[str]) -> str:
    return f'"{name}": {{\n' + ",\n".join(members) + "\n}" if members else f'"{name}": {{}}'


_quote = json.encoder.encode_basestring_ascii  # json.dumps' own, in C


def read_manifest(out: Path) -> dict[str, tuple[str, str | None]]:
    """{path: (sha256, key)} from the manifest of the last build in `out`; empty when there is none.

    A part whose bytes are not those its head names (a sync stopped between them) is left out: its files are
    then compared or rendered again, never trusted.
    """
    try:
        head = json.loads((out / MANIFEST).read_text("utf-8"))
        if "parts" not in head:  # one file, as kspages wrote it before its manifest had parts
            return _entries(head)
        found: dict[str, tuple[str, str | None]] = {}
        for name, digest in head["parts"].items():
            try:
                data = (out / _part_file(str(name))).read_bytes()
            except OSError:
                continue
            if hashlib.sha256(data).hexdigest()[:16] == digest:
                found.update(_entries(json.loads(data)))
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _entries(data: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    files, keys = data["files"], data.get("keys", {})
    return {str(p): (str(h), keys.get(p)) for p, h in files.items()}


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
