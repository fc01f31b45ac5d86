"""What a build can reuse from the last one: what was made of each source, keyed by digests of its inputs.

Freshness is a digest of the bytes, never an mtime: a file is re-read and hashed on every build (cheap), and mapped
again only when its hash changed (the expensive part), or what it was mapped with, or the day it was mapped for has
passed. Entries not used by a build are dropped when it is saved.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import os
import pickle
import sqlite3
import tempfile
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from . import __version__, parallel, read
from .errors import BuildError, ContentError
from .keys import by_identity, digest
from .stamp import FOLDER, RACY_NS

T = TypeVar("T")
V = TypeVar("V")


class Store:
    """The map's results on disk: one row per source file (the key it was made with, the result pickled), in SQLite.

    A build writes the rows it computed and deletes those of files that are gone, rather than rewriting them all;
    each row says what it was made from, so a row is used only when its key is the one wanted. Losing it (or a row)
    costs only time: any error reads as "not there".
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
            # A cache: after a crash it is rebuilt, so the disk need not be waited for.
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute("CREATE TABLE IF NOT EXISTS results (path TEXT PRIMARY KEY, key TEXT NOT NULL, "
                             "result BLOB NOT NULL)")
        return self._db

    def get(self, path: str, key: str) -> bytes | None:
        """The pickled result of `path` if it was made with `key`."""
        try:
            row = self._connect().execute("SELECT result FROM results WHERE path = ? AND key = ?",
                                          (path, key)).fetchone()
        except sqlite3.Error as exc:
            self._fail(exc)
            return None
        return None if row is None else bytes(row[0])

    def result(self, path: str, key: str) -> Any:
        """The result of `path` if it was made with `key`, unpickled; None without one this program can read."""
        blob = self.get(path, key)
        return None if blob is None else _result(blob)

    def write(self, rows: dict[str, tuple[str, bytes]], keep: set[str] | None = None) -> None:
        """Store `rows` ({path: (key, pickled result)}) and, with `keep`, drop the rows of paths not in it."""
        try:
            db = self._connect()
            with db:
                if keep is not None:
                    gone = [(path,) for (path,) in db.execute("SELECT path FROM results") if path not in keep]
                    db.executemany("DELETE FROM results WHERE path = ?", gone)
                db.executemany("INSERT OR REPLACE INTO results (path, key, result) VALUES (?, ?, ?)",
                               [(path, key, blob) for path, (key, blob) in rows.items()])
        except sqlite3.Error as exc:
            self._fail(exc)

    def close(self) -> None:
        """Close the connection (before a fork: a child must not inherit it); the next call opens it again."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def _fail(self, exc: sqlite3.Error) -> None:
        self.close()
        # Busy or locked (another kspages writing): this build goes without. Anything else (not a database, a
        # damaged file): start again from nothing.
        if not isinstance(exc, sqlite3.OperationalError):
            self.path.unlink(missing_ok=True)


def row_key(parse: Callable[[str, bytes], Any], context: str, sha: str) -> str:
    """The key of the row of what `parse` made of bytes with this SHA-256 in this context (see `sources_of`)."""
    return digest(getattr(parse, "__qualname__", ""), context, sha)


@dataclass(frozen=True, slots=True)
class Rows:
    """Where a load's results can be read back from: the store's rows, or for a row the store does not have (a
    write that failed while the database was locked, a store another build changed), the file mapped again if its
    bytes are still the ones the row was for (losing a row costs only time)."""

    store: Store
    root: Path
    parse: Callable[[str, bytes], Any]
    context: str

    def result(self, path: str, key: str) -> Any:
        """The result `parse` made of the file with the bytes of `key`; a BuildError once those bytes are gone."""
        result = self.store.result(path, key)
        if result is None:
            rel, raw, _ = read.read_at(self.root, path)
            if raw is not None and row_key(self.parse, self.context, hashlib.sha256(raw).hexdigest()) == key:
                result = self.parse(rel, raw)
        if result is None:
            raise BuildError([ContentError(path, None, "the file changed while the site was being built, so what "
                                           "it held then could not be read again to say where it was published",
                                           "build again")])
        return result


@dataclass(frozen=True, slots=True)
class StoredPart:
    """One part of a result that a build holds only in the store: read back from the result's row when asked."""

    rows: Rows
    path: str
    key: bytes  # the row's, as 32 bytes, not 64 hex digits (a build holds one a record): the result of these bytes
    part: str  # the result's attribute

    @classmethod
    def of(cls, rows: Rows, path: str, key: str, part: str) -> StoredPart:
        """The part `part` of the result in the row of `key` for `path`."""
        return cls(rows, path, bytes.fromhex(key), part)

    def get(self) -> Any:
        """The part, from the stored result (or the file mapped again)."""
        return getattr(self.rows.result(self.path, self.key.hex()), self.part)


def _map_file(parse: Callable[[str, bytes], Any], unreadable: Callable[[str, list[ContentError]], Any], root: Path,
              pickled: bool, rel: str) -> tuple[str | None, Any]:
    """`parse` of a file's bytes, read here (where the job runs), with the SHA-256 of those bytes; pickled for the
    store as it is made, not again by the parent. (None, `unreadable`'s result) for a file that cannot be read."""
    rel, raw, errors = read.read_at(root, rel)
    if raw is None:
        return None, unreadable(rel, errors)
    made = parse(rel, raw)
    return hashlib.sha256(raw).hexdigest(), pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL) if pickled else made


_ROWS = 1024  # results stored at a time as the map makes them


@dataclass
class Cache:
    """What was made of each source and memoised results of the last build, and which of them this build used."""

    sources: dict[str, tuple[str, Any]] = field(default_factory=dict)  # what was made of each file, by its digest
    memos: dict[str, Any] = field(default_factory=dict)  # results of pure functions by a digest of their inputs
    # What the checks keep (gates.Verdicts), saved with the rest: known here only by start, prune, held, changed.
    verdicts: Any = None
    used_sources: set[str] = field(default_factory=set)
    # Lists of sources in use though not looked at (a session's unchanged files), held as given: joined into
    # `used_sources` only when a prune needs them (at 10k records a set of every path made each save took 0.4 ms).
    used_lists: list[Collection[str]] = field(default_factory=list, repr=False)
    used_memos: set[str] = field(default_factory=set)
    parsed: int = 0  # files parsed by this build (not reused)
    changed: bool = False  # anything added or dropped since loaded: worth saving
    # what -> (context, the objects, what was computed of each), see `keep`
    kept: dict[str, tuple[str, tuple[Any, ...], list[Any]]] = field(default_factory=dict, repr=False)
    used_kept: set[str] = field(default_factory=set, repr=False)  # the tables `keep` used since the last prune
    # Size, inode, mtime and ctime of each source when it was last read: memory only. A session re-reads a file
    # only when they change; a new process reads and hashes everything.
    seen: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict, repr=False)
    # Where `sources_of`'s results live between processes (None: memory only) and those of its files: memory
    # only, the rows are in the store, not in the pickle.
    store: Store | None = field(default=None, repr=False)
    stored: set[str] = field(default_factory=set, repr=False)
    # The last listing of each folder (see `files`): memory only, a new process lists the folders again.
    listings: dict[tuple[str, str, tuple[str, ...]], list[str]] = field(default_factory=dict, repr=False)

    def files(self, root: Path, folder: str, pattern: str, changed: Collection[str] | None = None,
              suffixes: tuple[str, ...] = ("",)) -> list[str]:
        """`read.find_paths(root, folder, pattern)`, those ending in one of `suffixes`; with `changed`, the
        site-relative paths a watcher saw change since the last call, the last listing is brought up to date
        instead of listing the folder again (the same list when none of them is listed or unlisted)."""
        before = self.listings.get((folder, pattern, suffixes))
        if changed is None or before is None:
            found = [rel for rel in read.find_paths(root, folder, pattern) if rel.endswith(suffixes)]
        else:
            found = before
            for rel in sorted(rel for rel in changed if read.is_found(rel, folder, pattern) and rel.endswith(suffixes)):
                at = bisect.bisect_left(found, read.path_order(rel), key=read.path_order)
                listed = at < len(found) and found[at] == rel
                if listed != os.path.isfile(os.path.join(root, rel)):
                    found = found[:at] + found[at + 1:] if listed else [*found[:at], rel, *found[at:]]
        self.listings[(folder, pattern, suffixes)] = found
        return found

    def holds_results(self) -> bool:
        """Whether any result of `sources_of` may be reused: held in memory, or in a store on disk."""
        return bool(self.stored) or self.store is not None and self.store.path.exists()

    def source(self, root: Path, file: Path, parse: Callable[[str, bytes], read.Source]) -> read.Source:
        """The parsed file, reused when its bytes are unchanged."""
        rel, raw, errors = read.read_bytes(root, file)
        if raw is None:
            return read.Source(rel, None, errors)
        key = digest(parse.__qualname__, hashlib.sha256(raw).hexdigest())
        self.used_sources.add(rel)
        cached = self.sources.get(rel)
        if cached is not None and cached[0] == key:
            return cast(read.Source, cached[1])
        self.parsed += 1
        self.changed = True
        parsed = parse(rel, raw)
        self.sources[rel] = (key, parsed)
        return parsed

    def sources_of(self, root: Path, files: list[str], parse: Callable[[str, bytes], T],
                   unreadable: Callable[[str, list[ContentError]], T], context: str = "",
                   holds: Callable[[T], bool] = lambda result: True,
                   changed: Collection[str] | None = None, slim: Callable[[T, str, str], T] | None = None,
                   hold: bool = True) -> list[T]:
        """What `parse` makes of each file's bytes (a file that cannot be read gives `unreadable(path, errors)`),
        reused while the bytes and `context` (a digest of whatever else `parse` depends on) are the same and
        `holds(result)`; files parsed anew are parsed on every core when there are many.

        With `changed` (the paths a watcher saw change since the last call) a file seen before and not in it is
        not even looked at. Only `parse`'s result is kept: for records that is the map's result, not the YAML tree;
        with `slim`, what `slim(result, path, key)` leaves of it (the store keeps it whole, in the row of that key;
        `path` is the string of `files`).
        Without `hold` (a build no later one in this process starts from; there must be a store) the results and
        the files' stats are not kept for the next call: the next one reads every file and takes its row.
        """
        assert hold or self.store is not None, "the results of a cache without a store are saved from memory"
        found: list[T | None] = []
        todo: list[tuple[int, str]] = []  # (index in `found`, path): mapped below, the bytes read again there
        trusted: dict[str, tuple[int, int, int, int, str]] = {}
        now = time.time_ns()
        for rel in files:
            if changed is not None and rel not in changed:
                cached = self.sources.get(rel)
                seen = self.seen.get(rel)
                if cached is not None and seen is not None and seen[-1] == context and holds(cached[1]):
                    self.used_sources.add(rel)
                    found.append(cached[1])
                    continue
            try:
                st = os.stat(os.path.join(root, rel))
                stat = (st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)
            except OSError:
                stat = None
            cached = self.sources.get(rel)
            if cached is not None and not holds(cached[1]):
                cached = None
            if stat is not None and cached is not None and self.seen.get(rel) == (*stat, context):
                self.used_sources.add(rel)
                found.append(cached[1])
                continue
            self.seen.pop(rel, None)
            # A file changed within the file system clock's resolution could change again unseen: not trusted.
            # Trusted from when its result is kept (below): a map that raised must not leave the stat behind.
            if hold and stat is not None and now - stat[3] > RACY_NS:
                trusted[rel] = (*stat, context)
            rel, raw, errors = read.read_at(root, rel)
            if raw is None:
                found.append(unreadable(rel, errors))
                continue
            key = row_key(parse, context, hashlib.sha256(raw).hexdigest())
            self.used_sources.add(rel)
            self.stored.add(rel)
            if (cached is None or cached[0] != key) and self.store is not None:
                result = self.store.result(rel, key)
                cached = None if result is None or not holds(result) else (key, slim(result, rel, key) if slim else result)
                if cached is not None and hold:
                    self.sources[rel] = cached
            if cached is not None and cached[0] == key:
                found.append(cached[1])
                if rel in trusted:
                    self.seen[rel] = trusted.pop(rel)
            else:
                todo.append((len(found), rel))
                found.append(None)
        self.parsed += len(todo)
        self.changed = self.changed or bool(todo)
        if self.store is not None:
            self.store.close()  # not inherited by the map's workers
        # Each file is read again where it is mapped, and each result kept as it comes in (its row stored a batch
        # at a time): a cold build holds neither every file's bytes nor every result pickled (a gigabyte at 100k).
        job = functools.partial(_map_file, parse, unreadable, root, self.store is not None)
        rows: dict[str, tuple[str, bytes]] = {}
        for (index, rel), (sha, made) in zip(todo, parallel.each(job, [(rel,) for _, rel in todo]), strict=True):
            if sha is None:  # gone or unreadable since it was read above
                found[index] = made
                self.stored.discard(rel)
                trusted.pop(rel, None)
                continue
            key = row_key(parse, context, sha)  # of the bytes mapped, which may have changed since the read above
            if self.store is not None:
                rows[rel] = (key, made)
                made = pickle.loads(made)
                if len(rows) >= _ROWS:
                    self.store.write(rows)
                    rows = {}
            if slim is not None:
                made = slim(made, rel, key)
            if hold:  # else only the store has it: at 100k records about 50 MB of keys, tuples and stats not held
                self.sources[rel] = (key, made)
            if rel in trusted:
                self.seen[rel] = trusted.pop(rel)
            found[index] = made
        if rows and self.store is not None:
            self.store.write(rows)
        return cast(list[T], found)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["kept"], state["used_kept"], state["seen"], state["used_lists"] = {}, set(), {}, []
        state["sources"] = {k: v for k, v in self.sources.items() if k not in self.stored}
        state["store"], state["stored"], state["listings"] = None, set(), {}
        return state

    def keep(self, objs: Sequence[T], what: str, compute: Callable[[T], V], context: str = "") -> list[V]:
        """What `compute` gives for each of these objects, taken where it was computed for that very object before
        (a session's unchanged records are the same objects from one build to the next).

        `what` names the computation, `context` all it depends on besides the object (another context starts
        afresh); it must use no memo, and `objs` are all the objects a build computes it for (one call per build
        at most). The last call's objects and values are kept, and the objects found again by identity in loops
        that run in C (`keys.by_identity`): a build that changed one record of 100,000 computes one (and one that
        moved a few objects, at most 64, computes those again).
        """
        held = self.kept.get(what)
        was, values = (held[1], held[2]) if held is not None and held[0] == context else ((), [])
        self.used_kept.add(what)
        objs = tuple(objs)
        now, left = by_identity(objs, was, values)
        for i in left:
            now[i] = compute(objs[i])
        made = cast(list[V], now)
        self.kept[what] = (context, objs, made)
        return list(made)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """The result of a pure computation, computed once per distinct input (`key` is a digest of it)."""
        self.used_memos.add(key)
        if key not in self.memos:
            self.memos[key] = compute()
            self.changed = True
        return cast(T, self.memos[key])

    def in_use(self, paths: Collection[str]) -> None:
        """Note these sources as in use by this build, though not looked at (the collection is kept as given)."""
        self.used_lists.append(paths)

    def start(self) -> None:
        """Begin a build: nothing used yet."""
        self.used_sources, self.used_lists, self.used_memos, self.parsed = set(), [], set(), 0
        if self.verdicts is not None:
            self.verdicts.start()

    def prune(self) -> None:
        """Forget what the last build did not use (deleted files, edited text)."""
        sizes = len(self.sources), len(self.memos)
        self.used_sources, self.used_lists = self.used_sources.union(*self.used_lists), []
        self.sources = {k: v for k, v in self.sources.items() if k in self.used_sources}
        self.stored &= self.used_sources
        self.memos = {k: v for k, v in self.memos.items() if k in self.used_memos}
        # A table `keep` did not use since the last prune: of a context or a shard that is no more.
        self.kept = {what: held for what, held in self.kept.items() if what in self.used_kept}
        self.used_kept = set()
        if self.verdicts is not None:
            self.verdicts.prune()
        self.changed = self.changed or sizes != (len(self.sources), len(self.memos))

    def held(self) -> int:
        """How many memoised results and verdicts are held: a session prunes when that has grown."""
        return len(self.memos) + (self.verdicts.held() if self.verdicts is not None else 0)

    def unsaved(self) -> bool:
        """Whether anything was added or dropped since the cache was loaded or saved."""
        return self.changed or self.verdicts is not None and self.verdicts.changed


FORMAT = 21  # bump when the shape of Cache changes, or what a parse yields (7: yes/no stay text, YAML 1.2 booleans;
# 8: the gate keeps identity.Form objects; 9: numbers with a leading zero, a colon or an underscore stay text;
# 10: records may carry merchant_reply and feedback, so a memoised validation of such a file is no longer an error;
# 11: the scrubber drops a name after a role word without a token, and knows a plate in every spelling;
# 12: names in the shapes other generators write, addresses with a postcode;
# 13: a record file's entry is the map's RecordResult, keyed by the map's context too;
# 14: its public parts hold the case the quarterly figures count;
# 15: masks and gate forms kept pickled (packed.Packed), the record without its private values;
# 16: a result holds the record's Summary (number, lines, what it adds to the figures), not the record;
# 17: packed values compressed; 18: results and their parts pickled as slotted dataclasses;
# 19: a notice's reply and feedback too; 20: the checks' verdicts kept by gates.Verdicts; 21: the known gate's
# digest a sum of its records' shares, a result without the digest of its values)


def _file(root: Path) -> Path:
    return root / FOLDER / f"cache-{__version__}-{FORMAT}.pickle"


def _store(root: Path) -> Store:
    return Store(root / FOLDER / f"results-{__version__}-{FORMAT}.sqlite")


# What unpickling what another version or shape of this program wrote may raise: such a cache is as good as none.
_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError)


def _result(blob: bytes) -> Any:
    """A stored row's result; None (map the file again) for one this program cannot read as it is now."""
    try:
        return pickle.loads(blob)  # written by this program into the site's own folder, see load()
    except _UNREADABLE:
        return None


def load(root: Path) -> Cache:
    """The cache saved by the last build of this site, or an empty one (missing, corrupt, other version)."""
    try:
        with _file(root).open("rb") as fh:
            # Written by this program into the site's own folder; anyone who can change it can change the site.
            cache = pickle.load(fh)
    except (OSError, *_UNREADABLE):
        cache = Cache()
    # A cache of another shape (an older kspages of the same version number) is as good as none.
    if not isinstance(cache, Cache) or vars(cache).keys() != vars(Cache()).keys():
        cache = Cache()
    cache.changed = False
    cache.store = _store(root)
    return cache


def save(root: Path, cache: Cache) -> None:
    """Keep what this build used, atomically; a cache that cannot be written is only a slower next build."""
    cache.prune()
    store = cache.store or _store(root)
    if cache.unsaved():
        # Results made without a store (a cache built in memory) are stored now; the others were as they were made.
        rows = {rel: (key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
                for rel, (key, result) in cache.sources.items() if rel in cache.stored and cache.store is None}
        store.write(rows, cache.stored)
    target = _file(root)
    if not cache.unsaved() and target.exists():
        return
    tmp = None
    try:
        target.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(cache, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        cache.changed = False
        if cache.verdicts is not None:
            cache.verdicts.changed = False
        for old in target.parent.glob("cache-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
        for old in target.parent.glob("results-*.sqlite"):
            if old != store.path:
                old.unlink(missing_ok=True)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
