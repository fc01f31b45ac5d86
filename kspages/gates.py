"""The checks of a finished site, before anything is written: both leak gates and the link check."""

from __future__ import annotations

import functools
import hashlib
import html
import itertools
import operator
import posixpath
import re
import sys
import urllib.parse
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from . import parallel, read, search
from .engine import Changes, Rendered
from .errors import ContentError
from .keys import digest
from .layout import SETTINGS, TEMPLATES, guide_url, notice_url, page_file
from .model import PrivateValue
from .privacy import (
    TOKENS,
    Form,
    KnownGate,
    Layers,
    Piece,
    Readings,
    Splits,
    gate_digest,
    gate_keys,
    layer,
    record_term,
    scan_patterns,
)
from .record import Loaded, RecordResult

T = TypeVar("T")
Links = tuple[tuple[str, ...], tuple[str, ...]]  # a page's link targets (outputs) and its unsafe links


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the checks made of one output: its bytes and their SHA-256, the key under which it passed each gate
    ("" until it did), and for a page its link targets and unsafe links (with the key of their memo)."""

    data: bytes | None  # None when the check keeps no bytes (see `Checks`)
    sha: str
    page: bool
    known: str = ""
    clean: str = ""
    links: Links | None = None
    link_key: str = ""


@dataclass
class _Checked:
    """What the last check with these verdicts saw (memory only): replaced whole when a check is over, so what
    it says is true of the outputs it names, however the next check ends."""

    seen: dict[str, _Seen] = field(default_factory=dict)
    known_with: tuple[str, str] = ("", "")  # the gate's and the vocabulary's digests the `known` keys were made with
    allow: str = ""  # the allow list the `clean` keys were made with
    results: dict[str, RecordResult] = field(default_factory=dict)  # every record's result, by path
    gate_digest: str = ""  # the digest of what the known gate looked for (`KnownGate.digest`)
    layers: Layers = ()  # the known gate's indexes
    layered: frozenset[str] = frozenset()  # what `layers[1:]` look for: forms added since `layers[0]` was made
    layers_key: str = ""  # names the layers: what a piece held, found with them, is kept under it
    unowned: bool = False  # the gate found a form no record has (still in `layers`)
    problems: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # pages with a bad link
    settled: set[str] = field(default_factory=set)  # outputs that passed both gates (`known_with`, `allow`)
    before: dict[str, tuple[bytes, list[Piece]]] = field(default_factory=dict)  # long outputs as last cut (Splits)
    of: Mapping[str, bytes] | None = None  # the outputs it read whole, in one batch (a session's), if it did


class Verdicts:
    """What the checks keep from one build to the next, owned by them and saved with the cache (cache.py): the keys
    under which outputs passed a gate and each page's link targets (on disk); the last check's view of every
    output and the gates' indexes (in memory only: quicker to make again than to load)."""

    def __init__(self) -> None:
        self.passed: set[str] = set()  # keys (digest of an output's bytes and of what a gate looked for) that passed
        self.links: dict[str, Links] = {}  # link targets by page and SHA-256
        self.changed = False  # anything added or dropped since loaded or saved: worth saving
        self._memory()

    def _memory(self) -> None:
        self.checked = _Checked()  # the last check of a session that finished (replaced whole by the next)
        self.pieces: dict[str, dict[bytes, list[tuple[str, bool]]]] = {}  # by what the known gate looks for
        self.hits_of: dict[str, dict[bytes, list[tuple[str, str]]]] = {}  # by allow list
        self.automata: dict[str, Layers] = {}  # the known gate's indexes, by its digest
        self._share(self.links.items())  # a cache saved before the pairs were shared held one tuple a page
        # The outputs as the known gate reads them, made while the session waits or by a save that adds a value:
        # about a third of the outputs' size (17.7 MB at 10k records, 148 MB at 100k).
        self.readings = Readings()
        self.start()

    def start(self) -> None:
        """Begin a build: nothing used yet (see `prune`)."""
        self.used_passed: set[str] = set()
        self.used_links: set[str] = set()
        self.used: set[str] = set()  # keys of pieces, hits, automata and gate digests

    def prune(self) -> None:
        """Forget what neither the build since `start` used nor the last check's view holds (outputs gone or
        changed, values no more): a session's check takes most outputs over without noting their keys."""
        sizes = len(self.passed), len(self.links)
        view = self.checked.seen.values()
        self.passed &= self.used_passed.union(map(_KNOWN, view), map(_CLEAN, view))
        used_links = self.used_links.union(map(_LINK_KEY, view))
        self._share((key, found) for key, found in self.links.items() if key in used_links)
        for table in (self.pieces, self.hits_of, self.automata):
            for key in table.keys() - self.used:
                del table[key]
        self.changed = self.changed or sizes != (len(self.passed), len(self.links))

    def _share(self, links: Iterable[tuple[str, Links]]) -> None:
        """Hold these link targets by page, each distinct pair of targets and unsafe links once (`distinct`): pages
        share most of them (1,646 pairs for 6,022 pages at 10k records)."""
        self.distinct: dict[Links, Links] = {}
        self.links = {key: self.distinct.setdefault(found, found) for key, found in links}

    def held(self) -> int:
        """How many entries are held: a session prunes when that has grown."""
        return len(self.links) + len(self.automata)

    def mark(self, key: str) -> None:
        """Remember that an output passed a gate under this key."""
        self.changed = self.changed or key not in self.passed
        self.passed.add(key)

    def still(self, keys: Iterable[str]) -> None:
        """Keep these verdicts, which this check did not look at again, as used and passed (a build that checked
        nothing may have pruned them)."""
        keys = set(keys)
        self.used_passed |= keys
        if not self.passed.issuperset(keys):
            self.passed |= keys
            self.changed = True

    def passed_before(self, key: str) -> bool:
        """Whether an output passed a gate under this key before."""
        self.used_passed.add(key)
        return key in self.passed

    def kept(self, table: dict[str, T], key: str, make: Callable[[], T]) -> T:
        """What one of the memory-only tables holds under `key`, made and held if nothing; used by this build, so
        a prune keeps it."""
        self.used.add(key)
        found = table.get(key)
        if found is None:
            found = table[key] = make()
        return found

    def __getstate__(self) -> dict[str, Any]:
        return {"passed": self.passed, "links": self.links}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.passed, self.links, self.changed = state["passed"], state["links"], False
        self._memory()


_UNSEEN = _Seen(None, "", False)
_DATA, _SHA, _KNOWN, _CLEAN = (operator.attrgetter(name) for name in ("data", "sha", "known", "clean"))
_LINK_KEY = operator.attrgetter("link_key")


def check_site(root: Path, loaded: Loaded, rendered: Rendered, verdicts: Verdicts | None = None
               ) -> list[ContentError]:
    """Every leak of a private value or pattern and every bad link in the rendered outputs (sets `rendered.sha`)."""
    checks = Checks(root, loaded, verdicts or Verdicts())
    rendered.sha = checks.batch(rendered.outputs)
    return checks.finish(rendered.outputs)


def read_ahead(verdicts: Verdicts, rendered: Rendered, until: float) -> bool:
    """Between a session's saves, until the monotonic clock reaches `until`: make the readings of the last build's
    outputs that a save adding a private value would otherwise make then (`Readings`); whether some are left."""
    return verdicts.readings.prepare(rendered.outputs, rendered.sha, search.gate_view, until)


# Pieces whose verdicts a build that keeps nothing holds at most (about 4 MB): the pieces pages share (navigation,
# header) are soon seen again after a clear. At 100k records, two cold builds each: peak 526 and 529 MiB against
# 544 and 532 with 100,000; at 10k the same wall time and peak (three pairs).
_MEMO_LIMIT = 20_000


class Checks:
    """The checks of one build, output by output: `batch` reads the outputs it is given (all of them, or those
    rendered so far, whose bytes the caller may then drop), `finish` looks at the site as a whole.

    Both gates and the link check depend only on an output's bytes and on what they look for (every record's
    private values; the allow list; which outputs exist): an output that passed before passes again, so unchanged
    outputs are not rescanned. In a session most outputs are the very objects of the last check: only the outputs
    that changed cost anything here. When the known gate looks for more than it did (a private value changed, a
    record added), the outputs that passed it are looked at for what was added only (`Readings`). The `verdicts`
    of earlier checks say what passed; with `keep` false they keep no view of the outputs and no verdicts of their
    pieces (only what passed, link targets and the gate's indexes), so no output's bytes outlive its batch.
    """

    def __init__(self, root: Path, loaded: Loaded, verdicts: Verdicts, keep: bool = True) -> None:
        self.root, self.loaded, self.verdicts, self.keep = root, loaded, verdicts, keep
        last, now = self.last, self.now = verdicts.checked if keep else _Checked(), _Checked()
        gate, added = _known_gate(loaded, verdicts, last, now)
        self.gate = gate
        now.known_with = (gate.digest, loaded.vocabulary.digest)
        now.allow = repr(loaded.public.settings.allow)
        self.same_known, self.same_allow = now.known_with == last.known_with, now.allow == last.allow
        # What the outputs that passed the last check's known gate need looking for, to pass this one: nothing if
        # it is the same gate; what was added, if that is all that changed; None: look at them whole.
        self.added = frozenset() if self.same_known else (
            added if added is not None and now.known_with[1] == last.known_with[1] else None)
        # What each piece of output text held is kept in memory (a watch session, or pages sharing their navigation).
        self.pieces: dict[bytes, list[tuple[str, bool]]] = verdicts.kept(
            verdicts.pieces, digest("pieces", now.layers_key, loaded.vocabulary.digest), dict) if keep else {}
        # A piece's hits before the allow list is applied, kept per allow list: so a piece of a long output that
        # passed with this list in an earlier process can be taken as passed (no hit this list does not allow).
        self.hits_of: dict[bytes, list[tuple[str, str]]] = verdicts.kept(
            verdicts.hits_of, digest("pattern-pieces", now.allow), dict) if keep else {}
        self.before = last.before.copy()
        self.leaks: dict[tuple[str, str, int], list[str]] = {}
        self.hits: list[tuple[str, str]] = []  # what the known gate found, owners not yet looked for (see `batch`)
        self.found: dict[tuple[str, int | None, str], list[str]] = {}
        self.fresh: set[str] = set()  # pages whose links were read anew
        self.failed: set[str] = set()  # outputs in which either gate found something
        self.gone: set[str] | None = None  # the last check's outputs that are no more, when the engine said
        self.batches = 0

    def batch(self, outputs: Mapping[str, bytes], changes: Changes | None = None) -> dict[str, str]:
        """Check these outputs with both gates, and note their links; return each one's SHA-256. `changes`: how
        they differ from the last build's, when the engine knows."""
        verdicts, last, now, gate, loaded = self.verdicts, self.last, self.now, self.gate, self.loaded
        seen = now.seen
        sha: dict[str, str] = {}
        self.batches += 1
        if self.keep:
            now.of = outputs if self.batches == 1 else None
        if self.keep and self.added is not None and self.same_allow and last.settled:
            # In a session most outputs are the very bytes objects that passed both gates last time, with the
            # same gates: taken over in bulk, so an edit costs what it changed, not a look at each. (What they
            # used is found in this check's view when the verdicts are pruned: see Verdicts.prune.)
            if changes is not None and last.of is changes.base.outputs and self.batches == 1:
                # The last check read the last build's outputs whole, and only `changes.fresh` are not its very
                # bytes objects: nothing is looked at for the others.
                same = last.settled.difference(changes.fresh, changes.gone)
                now.seen = seen = last.seen.copy()
                sha = changes.base.sha.copy()
                for path in changes.gone:
                    seen.pop(path, None)
                    sha.pop(path, None)
                self.gone = changes.gone
            else:
                was = map(last.seen.get, outputs, itertools.repeat(_UNSEEN))
                same = last.settled.intersection(itertools.compress(outputs, map(operator.is_, outputs.values(),
                                                                                    map(_DATA, was))))
                entries = list(map(last.seen.__getitem__, same))
                seen.update(zip(same, entries, strict=True))
                sha.update(zip(same, map(_SHA, entries), strict=True))
            if not self.same_known:
                same = self._added_to_gate(outputs, same, seen, sha)
            if now.settled:
                now.settled |= same
            else:
                now.settled = same
            outputs = {path: outputs[path] for path in sorted(outputs.keys() - same)}
        need_known: list[str] = []  # outputs whose known-gate verdict is not known yet, then those for the pattern gate
        need_patterns: list[str] = []
        passed: list[str] = []  # the keys of the verdicts still known
        for path, data in outputs.items():
            entry = last.seen.get(path)
            if entry is None or entry.data is not data:
                entry = (_Seen(data, hashlib.sha256(data).hexdigest(), path.endswith(".html") and path != "404.html")
                         if entry is None or entry.data != data else replace(entry, data=data))
            seen[path] = entry if self.keep else replace(entry, data=None)
            if self.same_known and entry.known:
                passed.append(entry.known)
            else:
                need_known.append(path)
            if self.same_allow and entry.clean:
                passed.append(entry.clean)
            elif not search.is_postings_file(path):
                # The search index's term shards hold bigrams and words cut from the pages, which this gate reads whole.
                need_patterns.append(path)
        verdicts.still(passed)
        sha.update((path, seen[path].sha) for path in outputs)
        known_key = {path: digest("known", sha[path], gate.digest, loaded.vocabulary.digest)
                     for path in need_known}
        # The search index's term shards are read as their terms, without the postings kspages computes beside them.
        unscanned = {path: search.gate_view(path, outputs[path])
                     for path in need_known if not verdicts.passed_before(known_key[path])}
        # Both gates read most outputs: each is cut into pieces once, and a long one only where it changed.
        splits = Splits(before=self.before if self.keep else {})
        leaks: set[str] = set()
        if self.keep:
            for leak in gate.scan(unscanned, search.is_postings_file, self.pieces, splits):
                self.leaks.setdefault((leak.record_path, leak.field, leak.line), []).append(leak.output)
                leaks.add(leak.output)
        else:
            # A gate made for this check alone looks for the forms of the records as they are: each form it finds
            # is someone's. Their owners are looked for once, when the check finishes: one pass over every
            # record's forms (read back from the store in a new process), not one for each batch with a leak.
            found = gate.hits(unscanned, search.is_postings_file, self.pieces, splits)
            self.hits += found
            leaks.update(path for path, _ in found)
        if self.keep:
            _pass_unread_pieces(need_known, unscanned, outputs, splits, self.pieces)
        _note_verdicts(verdicts, seen, "known", known_key, unscanned, leaks)
        self.failed |= leaks
        clean = {path: digest("patterns", sha[path], now.allow) for path in need_patterns}
        unknown = {path: outputs[path] for path in need_patterns if not verdicts.passed_before(clean[path])}
        if self.keep:
            _pass_unread_pieces(need_patterns, unknown, outputs, splits, self.hits_of)
        hits = scan_patterns(unknown, loaded.public.settings.allow, self.hits_of, splits)
        hit_outputs = {hit.output for hit in hits}
        self.failed |= hit_outputs
        _note_verdicts(verdicts, seen, "clean", clean, unknown, hit_outputs)
        for hit in hits:
            source, line = _source_of(self.root, loaded, hit.output, hit.text)
            self.found.setdefault((source, line, hit.kind), []).append(hit.output)
        self.fresh.update(_note_links(verdicts, outputs, seen))
        if self.keep:
            now.settled.update(path for path in outputs if path not in self.failed and seen[path].known and (
                seen[path].clean or search.is_postings_file(path)))
        if not self.keep:
            # Most pieces are one page's own; what pages share (navigation, header) is soon seen again. Dropping
            # the memo now and then keeps memory flat at the cost of reading those shared pieces once more.
            for memo in (self.pieces, self.hits_of):
                if len(memo) > _MEMO_LIMIT:
                    memo.clear()
        return sha

    def _added_to_gate(self, outputs: Mapping[str, bytes], same: set[str], seen: dict[str, _Seen],
                       sha: dict[str, str]) -> set[str]:
        """Of the outputs `same` that passed the last check's known gate, those that pass this one: those in which
        nothing it added may be found (the others are scanned whole), noted as passed under this gate's key."""
        assert self.added is not None
        if self.added:
            same = same - self.verdicts.readings.may_hold(self.added, {path: outputs[path] for path in same}, sha,
                                                          search.gate_view)
        gate, vocabulary = self.gate.digest, self.loaded.vocabulary.digest
        for path in same:
            entry = seen[path]
            key = digest("known", entry.sha, gate, vocabulary)
            seen[path] = replace(entry, known=key)
            self.verdicts.mark(key)
        return same

    def finish(self, outputs: Mapping[str, bytes]) -> list[ContentError]:
        """Every problem the batches found, and every bad link of the site as a whole (`outputs`: all of them)."""
        errors: list[ContentError] = []
        for leak in self.gate.leaks_of(self.hits):
            self.leaks.setdefault((leak.record_path, leak.field, leak.line), []).append(leak.output)
        # In the order of the gate's own report: by record file, line and field; each with its outputs in order.
        for (path, name, leak_line), where in sorted(self.leaks.items(), key=lambda i: (i[0][0], i[0][2], i[0][1])):
            errors.append(ContentError(path, leak_line, f"private field '{name}' would be published in "
                                                        f"{_files(sorted(set(where)))}",
                                       "another record's public text (merchant, notes, notice) or a template "
                                       "contains this value: remove it there; nothing was written"))
        # By file, line and kind: the same order whatever the batches the outputs came in.
        for (source, line, kind), where in sorted(self.found.items(),
                                                  key=lambda item: (item[0][0], item[0][1] or 0, item[0][2])):
            where = sorted(set(where))
            errors.append(ContentError(source, line, f"a {kind.replace('_', ' ')} ({TOKENS[kind]}) would be "
                                                     f"published in {_files(where)}",
                                       "write it as the token, or if it is the team's own public contact add it to "
                                       "'privacy: allow:' in content/site.yaml; nothing was written"))
        if not self.keep:  # else found in the view kept when the verdicts are pruned
            self.verdicts.used_links.update(filter(None, map(_LINK_KEY, self.now.seen.values())))
        links = _check_links(outputs, self.fresh, self.last, self.now, self.gone)
        sources = _link_sources(self.loaded) if links else {}
        for page, href, problem in links:
            path, line = sources.get(page, (TEMPLATES, None))
            if path.endswith(".md"):
                line = _line_of(self.root / path, href)
            hint = ("only http(s), mailto and tel links may be published" if problem == "unsafe link" else
                    "link to guide pages as ../<slug>/ and to other pages relative to this one, e.g. ../../status/")
            in_page = "" if path != TEMPLATES else f" in {page}"
            errors.append(ContentError(path, line, f"{problem} '{href}'{in_page}", hint))
        if self.keep:
            self.now.before = {path: cut for path, cut in self.before.items() if path in outputs}
            self.now.unowned = self.gate.unowned
            self.verdicts.checked = self.now
            self.verdicts.readings.reset()  # other outputs (or fewer readings, after `may_hold`): look again
        return errors


def _pass_unread_pieces(paths: list[str], read: Container[str], outputs: Mapping[str, bytes], splits: Splits,
                        memo: dict[bytes, Any]) -> None:
    """Take as passed, in a gate's `memo`, the pieces of each long output of `paths` that passed that gate without
    being `read` (its verdict was kept on disk by an earlier process): the whole output passed, so each piece did,
    read where it is. Its first change in this session then reads the pieces around the change, not the whole
    file. Not the search index's term shards: there a short name passes that would not pass elsewhere."""
    for path in paths:
        data = outputs[path]
        if path not in read and Splits.long(data) and not search.is_postings_file(path):
            for piece, _, _ in splits.of(path, data):
                memo.setdefault(piece, [])


def _note_verdicts(verdicts: Verdicts, seen: dict[str, _Seen], gate: Literal["known", "clean"],
                   keys: dict[str, str], read: Container[str], failed: set[str]) -> None:
    """Keep, for each output that needed a verdict of `gate`, the key it passed with (marked in `verdicts` if it
    was `read`), or none if it `failed`: a pass under an earlier gate no longer counts."""
    def marked(entry: _Seen, key: str) -> _Seen:
        return replace(entry, known=key) if gate == "known" else replace(entry, clean=key)

    for path, key in keys.items():
        if path not in failed:
            if path in read:
                verdicts.mark(key)
            seen[path] = marked(seen[path], key)
        elif getattr(seen[path], gate):
            seen[path] = marked(seen[path], "")


_ADDED_LIMIT = 2048  # forms a session's gate may have added to its index before it is made again from every record


def _known_gate(loaded: Loaded, verdicts: Verdicts, last: _Checked, now: _Checked
                ) -> tuple[KnownGate[RecordResult], frozenset[str] | None]:
    """The known-value gate over every record's forms, and what it looks for that the last check's did not (None
    when there was none to compare with).

    The digest adds up each record's share (`record_term`): after an edit only the records it changed are read, and
    an edit that moves a private value to another line, or that changes a record but none of its values, changes
    nothing. In a session a gate that looks for more keeps the index of the one before and adds one of what was
    added (a form no record has any more is found in the old index and counts for nothing). The records and their
    forms are read only when the gate needs them (to build its index, or for the owners of something found):
    always the current records, their files and lines as they are now."""
    def forms(result: RecordResult) -> Sequence[tuple[PrivateValue, Form]]:
        return result.gate

    def records() -> list[RecordResult]:
        return loaded.results  # each with its summary: the load keeps no other

    def automaton(key: str, make: Callable[[], Layers]) -> Layers:
        return verdicts.kept(verdicts.automata, key, make)

    now.results = results = loaded.by_path
    if not last.gate_digest:
        if loaded.gate_index is not None:  # made by the load as the results came in
            made, made_digest = loaded.gate_index
            gate = KnownGate(records(), forms, lambda key, _make: automaton(key, lambda: made), made_digest,
                             loaded.vocabulary)
        else:
            gate = KnownGate(records(), forms, automaton, vocabulary=loaded.vocabulary)
        now.gate_digest, now.layers, now.layers_key = gate.digest, gate.layers, gate.digest
        return gate, None
    total, added = int(last.gate_digest, 16), set()
    before = last.results
    # The records whose result is not the last check's very object, found in C: a session's edit changes a few.
    for path in [*itertools.compress(results, map(operator.is_not, results.values(), map(before.get, results)))]:
        was = before.get(path)
        old, new = gate_keys(was.gate) if was is not None else set(), gate_keys(results[path].gate)
        if old != new:
            total += record_term(new) - record_term(old)
            added |= new - old
    for path in before.keys() - results.keys():
        total -= record_term(gate_keys(before[path].gate))
    now.gate_digest = gate_digest(total)
    if last.unowned or len(since := last.layered | added) > _ADDED_LIMIT:
        # Made again from every record, once: forms no record has found on every page that shows them would
        # make each check look at every record's forms for their owners.
        now.layers = automaton(now.gate_digest, lambda: KnownGate(records(), forms).layers)
        now.layers_key = now.gate_digest
    elif now.gate_digest == last.gate_digest:
        now.layers, now.layered, now.layers_key = last.layers, last.layered, last.layers_key
    else:
        now.layers, now.layered = (last.layers[0], layer(since)) if since else last.layers[:1], since
        # A form found by the first layer may be no one's now: what a piece held is kept by the layers too.
        now.layers_key = digest(now.gate_digest, last.layers_key, *sorted(since))
    layers = now.layers
    return KnownGate(records(), forms, lambda _key, _make: layers, now.gate_digest, loaded.vocabulary), \
        frozenset(added)


def _note_links(verdicts: Verdicts, outputs: Mapping[str, bytes], seen: dict[str, _Seen]) -> list[str]:
    """Note the link targets (`link_targets`) of each page of `outputs` not yet read for them, read on every core
    unless `verdicts` hold them; return those pages."""
    fresh = [path for path in outputs if seen[path].page and seen[path].links is None]
    link_keys = {path: digest("link-targets", path, seen[path].sha) for path in fresh}
    known = verdicts.links
    missing = [path for path in fresh if link_keys[path] not in known]
    distinct = verdicts.distinct
    for path, (targets, unsafe) in zip(missing, parallel.run_all([functools.partial(link_targets, path, outputs[path])
                                                                   for path in missing]), strict=True):
        # Interned here, where they are held (a worker's come unpickled as new strings), and each pair held once.
        links = tuple(map(sys.intern, targets)), unsafe
        known[link_keys[path]] = distinct.setdefault(links, links)
    verdicts.changed = verdicts.changed or bool(missing)
    for path in fresh:
        seen[path] = replace(seen[path], link_key=link_keys[path], links=known[link_keys[path]])
    return fresh


def _check_links(outputs: Mapping[str, bytes], fresh: set[str], last: _Checked, now: _Checked,
                 gone: Collection[str] | None = None) -> list[tuple[str, str, str]]:
    """Every page's bad links (`link_problems`), reading again only the pages whose bytes changed, those that
    had a bad link, and those that link to an output that is gone (`gone`, when known): any other page passed
    before and passes again. `fresh`: the pages whose link targets were read anew."""
    seen = now.seen
    again = fresh | last.problems.keys()
    gone = last.seen.keys() - outputs.keys() if gone is None else set(gone)
    if gone:
        again |= {path for path, entry in seen.items() if entry.links and not gone.isdisjoint(entry.links[0])}
    for path in again:
        entry = seen.get(path)
        if entry is None or entry.links is None:
            continue
        # The page is read (from disk, in a new process) only if it has a broken link.
        found = link_problems(path, functools.partial(outputs.__getitem__, path), entry.links, outputs)
        if found:
            now.problems[path] = found
    return [problem for path in outputs if path in now.problems for problem in now.problems[path]] if now.problems \
        else []


def _link_sources(loaded: Loaded) -> dict[str, tuple[str, int | None]]:
    """Links are written in guide Markdown and notice bodies: the page of each, with its file and the body's line
    (else the link is the templates')."""
    sources: dict[str, tuple[str, int | None]] = {
        page_file(guide_url(g.slug)): (g.path, None) for g in loaded.public.guide}
    for r in loaded.results:
        if r.summary is not None and r.summary.has_notice:
            sources[page_file(notice_url(r.summary.number))] = (r.path, r.summary.body_line)
    return sources


def _files(where: list[str]) -> str:
    more = len(where) - 1
    return where[0] + (f" (and {more} more file{'s' * (more > 1)})" if more else "")


def _source_of(root: Path, loaded: Loaded, output: str, text: str) -> tuple[str, int | None]:
    """The source file (and line) a pattern hit in an output most likely came from: guide, settings or a template."""
    candidates = [g.path for g in loaded.public.guide if output == page_file(guide_url(g.slug))]
    candidates += [SETTINGS, *(f.relative_to(root).as_posix() for f in read.find_files(root, TEMPLATES, "*"))]
    candidates += [g.path for g in loaded.public.guide]
    for candidate in candidates:
        line = _line_of(root / candidate, text)
        if line is not None:
            return candidate, line
    return TEMPLATES, None


def _line_of(file: Path, needle: str) -> int | None:
    try:
        content = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, text in enumerate(content.splitlines(), start=1):
        if needle in text:
            return number
    return None


_HREF = re.compile(rb'(?:href|src)="([^"]*)"')
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def page_links(path: str, data: bytes) -> list[tuple[str, str | None, str | None]]:
    """The links of one page: (href, the output it points at or None, "unsafe link" or None)."""
    links: list[tuple[str, str | None, str | None]] = []
    for raw in _HREF.findall(data):
        href = html.unescape(raw.decode("utf-8", "replace"))
        scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:)", href)
        if scheme:
            if scheme.group(1).lower() not in _SAFE_SCHEMES:
                links.append((href, None, "unsafe link"))
            continue
        target = urllib.parse.unquote(href.split("#", 1)[0].split("?", 1)[0])
        if not target or href.startswith("//"):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if target == "." or href.split("#", 1)[0].split("?", 1)[0].endswith("/"):
            target = "index.html" if target == "." else f"{target}/index.html"
        links.append((href, target, None))
    return links


def link_targets(path: str, data: bytes) -> Links:
    """What a page's link check needs kept: the outputs it links to and its unsafe links (`_note_links` interns
    the targets in the building process: a worker's would come unpickled as new strings)."""
    links = page_links(path, data)
    return (tuple(sorted({target for _, target, problem in links if target and not problem})),
            tuple(href for href, _, problem in links if problem))


def link_problems(path: str, read: Callable[[], bytes], links: Links,
                  outputs: Collection[str]) -> list[tuple[str, str, str]]:
    """One page's links that point at no output, or use a scheme that could run code, given its `link_targets`:
    (page, href, problem) triples. `read` gives the page's bytes, asked for only when a link is broken."""
    targets, unsafe = links
    found = [(path, href, "unsafe link") for href in unsafe]
    if any(target not in outputs for target in targets):  # rare: read the page again for the links' text
        found += [(path, href, "broken link") for href, target, problem in page_links(path, read())
                  if not problem and target not in outputs]
    return found
