"""Rebuild on every change: a watchdog observer, debounced batches, and a loop that never dies on a bad edit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from .layout import CONTENT, GUIDE, LEFTOVER_PREFIXES, RECORDS, TEMPLATES, is_leftover

WATCHED = (CONTENT, TEMPLATES)
TRUSTED_BATCH = 1000  # more changed paths in one batch than this (a checkout, a copy): every file is looked at
# Editors save through temporary files (layout.is_leftover): none of them is a source, and reacting to them would
# build half-saved states.
# A file closed after writing, moved into place or deleted is finished: a batch in which every file changed is
# finished needs to wait only for the rest of a burst (an editor's save is a few events within milliseconds). A file
# created or modified and not yet closed may be a write under way (a polling observer never sees a close): while
# one is, the batch waits `quiet`.
_FINISHED = frozenset({EVENT_TYPE_CLOSED, EVENT_TYPE_MOVED, EVENT_TYPE_DELETED})
_CHANGES = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_MODIFIED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED,
                      EVENT_TYPE_CLOSED})
assert GUIDE.startswith(f"{CONTENT}/") and RECORDS.startswith(f"{CONTENT}/")  # both live under the watched content/


def relevant(root: Path, out: Path | None, path: str) -> bool:
    """Whether a changed path can change the site: a source under content/ or templates/, not output or a temp file."""
    if not path:
        return False
    p = Path(path)
    try:
        rel = p.relative_to(root)
    except ValueError:
        return False
    if out is not None and (p == out or out in p.parents):
        return False
    if not rel.parts or rel.parts[0] not in WATCHED:
        return False
    return not (any(part.startswith(LEFTOVER_PREFIXES) for part in rel.parts) or is_leftover(rel.parts[-1]))


class Changes(FileSystemEventHandler):
    """Collects relevant file events from the observer's thread; the watch loop takes them in batches."""

    def __init__(self, root: Path, out: Path | None) -> None:
        super().__init__()
        self.root, self.out = root.resolve(), out.resolve() if out else None
        self.pending = threading.Event()
        self.last = 0.0
        self.count = 0
        self.reschedule = False  # content/ or templates/ itself was created, moved or deleted
        self._lock = threading.Lock()
        self._paths: set[str] = set()  # site-relative paths changed since the last `take`
        # A folder changed (created, moved, deleted), or a batch too large to trust the events of (the kernel drops
        # events when its queue fills, and says so to no handler): which files changed is not known. So at first:
        # files saved before the observer started have no events.
        self._unknown = True
        self._writing: set[str] = set()  # files created or modified and not yet finished (see _FINISHED)

    @property
    def finished(self) -> bool:
        """Whether every file changed so far is finished: closed after writing, moved into place or deleted."""
        with self._lock:
            return not self._writing

    def dispatch(self, event: FileSystemEvent) -> None:
        """Note a relevant change (watchdog calls this from its own thread)."""
        if event.event_type not in _CHANGES:
            return  # opening and reading files (as every build does) is no change; reacting would loop forever
        paths = [event.src_path, getattr(event, "dest_path", "")]
        for raw in paths:
            path = raw.decode() if isinstance(raw, bytes) else str(raw)
            if path and Path(path).parent == self.root and Path(path).name in WATCHED:
                self.reschedule = True
            source = relevant(self.root, self.out, path)
            if source or self.reschedule:
                with self._lock:
                    if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED and not self.reschedule:
                        pass  # a folder's own times changed: the files in it that changed have events of their own
                    elif event.is_directory or self.reschedule or not source:
                        self._unknown = True  # a folder created, moved or deleted: which files changed is not known
                    else:
                        rel = Path(path).relative_to(self.root).as_posix()
                        self._paths.add(rel)
                        if event.event_type in _FINISHED:
                            self._writing.discard(rel)
                        else:
                            self._writing.add(rel)
                self.count += 1
                self.last = time.monotonic()
                self.pending.set()

    def trust(self) -> None:
        """From now on every change has an event (the observer runs): the next batch names what changed."""
        with self._lock:
            self._unknown = False

    def take(self) -> frozenset[str] | None:
        """The site-relative paths changed since the last call; None when that is not known (a folder changed)."""
        with self._lock:
            paths, unknown = frozenset(self._paths), self._unknown or len(self._paths) > TRUSTED_BATCH
            self._paths, self._unknown = set(), False
        return None if unknown else paths


def _schedule(observer: BaseObserver, changes: Changes) -> None:
    observer.unschedule_all()
    # The root itself non-recursively, to see content/ or templates/ appear, move or vanish; those two recursively.
    # Not the whole root: output/ may hold tens of thousands of folders, each an inotify watch.
    observer.schedule(changes, str(changes.root), recursive=False)
    for folder in WATCHED:
        if (changes.root / folder).is_dir():
            observer.schedule(changes, str(changes.root / folder), recursive=True)


def watch(root: Path, rebuild: Callable[[frozenset[str] | None], None], stop: threading.Event,
          out: Path | None = None, poll: bool = False, quiet: float = 0.15, longest: float = 2.0,
          settle: float = 0.02, first: Callable[[], None] | None = None, idle: Callable[[], bool] | None = None,
          rest: float = 2.0) -> None:
    """Call `rebuild(changed)` after every batch of changes under content/ and templates/, until `stop` is set.

    `changed` holds the batch's site-relative paths, or is None when a folder moved or vanished (look at all).
    `first`, when given, is called once the observer runs, before any batch: a first build that looks at every
    file. A change from then on has an event, so even the first batch names what changed; without `first` the
    first batch looks at every file (what was saved before the observer started has no event).

    A batch ends when no change came for `settle` seconds and every file changed is finished (closed after
    writing, moved or deleted), or for `quiet` seconds while one may still be written, so that a burst of saves
    builds once; or after `longest` seconds of continuous changes. A change during a build starts another build,
    so the last build always sees the files as they ended up. `rebuild` must not raise; the caller reports its own
    errors.

    `idle`, when given, is called again and again once nothing changed for `rest` seconds since the last build,
    while it says there is more to do: work that makes a later build quicker, in slices short enough that a save
    in the meantime waits little. It must not raise either.
    """
    changes = Changes(root, out)
    observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
    _schedule(observer, changes)
    observer.start()  # its watches (or first snapshot) are in place when it returns
    try:
        if first is not None:
            changes.trust()
            first()
        built, more = time.monotonic(), idle is not None
        while not stop.is_set():
            resting = idle if more and time.monotonic() - built >= rest else None
            if not changes.pending.wait(0 if resting else 0.1):
                if resting is not None:
                    more = resting()
                continue
            began = time.monotonic()
            while not stop.is_set():
                now = time.monotonic()
                wait = (settle if changes.finished else quiet) - (now - changes.last)
                if wait <= 0 or now - began >= longest:
                    break
                # In steps of `settle` at most: a file closed meanwhile shortens the wait.
                time.sleep(min(wait, settle, longest - (now - began)))
            changes.pending.clear()
            if changes.reschedule:
                changes.reschedule = False
                _schedule(observer, changes)
            changed = changes.take()
            if not stop.is_set():
                rebuild(changed)
                built, more = time.monotonic(), idle is not None
    finally:
        observer.stop()
        observer.join()
