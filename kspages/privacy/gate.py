"""The output leak gate: the last line of defence, run over every byte about to be written."""

from __future__ import annotations

import array
import bisect
import functools
import hashlib
import html
import itertools
import os
import re
import time
import unicodedata
import urllib.parse
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import ahocorasick
import ahocorasick_rs

from .. import numbers, parallel
from ..model import Complaint, PrivateValue
from .detect import _COMPLAINT_NUMBER, detect
from .identity import GAP, PREFIXES, Form, compact_text, digit_runs, fold, forms_of, run_digits
from .view import SEPARATORS, numerals, view
from .vocabulary import Vocabulary, is_short_name

_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
# Pattern kinds certain enough to fail a build on sight: validated by prefix, check digit or syntax.
GATE_KINDS = frozenset({"mobile", "id_card", "bank_card", "email"})
# Outputs are scanned piece by piece, and a piece seen before (the header and navigation of every page, an unchanged
# row of the open data) is not scanned again. Pieces are runs of lines (or of JSON objects) cut where a line's
# checksum says so, so the cuts fall at the same places in every page that shares the text.
_LONG = 4096  # a line longer than this is JSON's one line, cut between objects and between lists of numbers
_CUT_EVERY = 2  # lines per piece on average (measured: 2 leaves the least text to scan)
# Each piece is read after the end of the one before, from a delimiter on: digits never run across a line end (the
# separators between digits exclude it), but an e-mail split at "@" or a context word ("卡号") a line above can.
_CONTEXT = 96
# It starts at a character no detection runs across (not a space: "+86 138..." is one phone), so nothing found in
# it is a cut-off part of something longer.
_DELIMITER = re.compile(rb"[\n<>\"',;{}\[\]]")


def pieces(raw: bytes) -> Iterator[bytes]:
    """An output in overlapping pieces: each piece is the tail of the text before it plus a run of lines."""
    for start, end in _spans(raw):
        yield raw[start:end]


def _spans(raw: bytes, at: int = 0, tail: int = 0) -> Iterator[tuple[int, int]]:
    """Where each piece of `raw` starts and ends, from `at` on, a place where a line or a cut of one ends, `tail`
    being where the tail of the piece before it starts. A piece is one run of the text: the tail, then its lines."""
    start, end, run = tail, at, 0
    for line in _units(raw, at):
        end += len(line)
        run += 1
        if zlib.crc32(line) % _CUT_EVERY == 0:
            yield start, end
            start, run = _tail_start(raw, start, end), 0
    if run:
        yield start, end


def _units(raw: bytes, at: int = 0) -> Iterator[bytes]:
    """`_lines(raw)` from `at` on, a place where one of them ends."""
    if at and raw.rfind(b"\n", 0, at) + 1 < at:  # inside a long line: the rest of it, cut as the whole line was
        stop = _line_end(raw, at) + 1
        yield from _cut(_cut([raw[at:stop]], b"},{", 2), b']],"', 3)
        at = stop
    yield from _lines(raw[at:] if at else raw)


def _line_end(raw: bytes, at: int) -> int:
    """Where the line holding `at` ends: its line end, or the end of `raw`."""
    end = raw.find(b"\n", at)
    return len(raw) if end < 0 else end


def _lines(raw: bytes) -> Iterator[bytes]:
    """Lines with their line ends; a long line (JSON) also cut after "}," and "]],", where no detection runs across."""
    lines = raw.split(b"\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        end = b"\n" if i < last else b""
        if len(line) > _LONG:
            yield from _cut(_cut([line + end], b"},{", 2), b']],"', 3)
        elif line or end:
            yield line + end


def _cut(parts: list[bytes], separator: bytes, keep: int) -> list[bytes]:
    """Each part split at `separator`, its first `keep` bytes staying with the text before."""
    cut: list[bytes] = []
    for part in parts:
        pieces = part.split(separator)
        for j, piece in enumerate(pieces):
            cut.append((separator[keep:] if j else b"") + piece + (separator[:keep] if j < len(pieces) - 1 else b""))
    return cut


Piece = tuple[bytes, int, int]  # a piece of an output: its BLAKE2b digest, where it starts and ends
_KEEP = 1 << 16  # outputs from this size on are kept cut for the next check: cut again only where they changed
_MARGIN = 4  # a cut of a long line is made by the bytes around it: its separator, and one byte after it


@dataclass
class Splits:
    """Outputs cut into pieces: during one check by the id of their bytes (both gates read the same outputs), and
    the long ones by path as a check cut them last (when one changes, only the text around the change is cut
    again, as `_recut` says)."""

    cut: dict[int, tuple[bytes, list[Piece]]] = field(default_factory=dict)
    before: dict[str, tuple[bytes, list[Piece]]] = field(default_factory=dict)

    @staticmethod
    def long(data: bytes) -> bool:
        """Whether an output of these bytes is long enough to keep cut for the next check."""
        return len(data) >= _KEEP

    def of(self, path: str, data: bytes) -> list[Piece]:
        """The pieces of `data`, the bytes of output `path`, in order."""
        done = self.cut.get(id(data))
        if done is not None and done[0] is data:
            return done[1]
        old = self.before.get(path)
        cut = _recut(data, *old) if old is not None else [
            (_digest(data[start:end]), start, end) for start, end in _spans(data)]
        self.cut[id(data)] = (data, cut)
        if len(data) >= _KEEP:
            self.before[path] = (data, cut)
        return cut


def _digest(piece: bytes) -> bytes:
    return hashlib.blake2b(piece, digest_size=16).digest()


def _recut(new: bytes, old: bytes, was: list[Piece]) -> list[Piece]:
    """The pieces of `new`, from those of `old`: the pieces in the text both start with are the same, and so are
    those after the first piece, in the text both end with, that starts and ends as one of `old` did (moved by the
    difference in length). Only the pieces between are cut and digested again.

    Pieces follow lines and the cuts of long lines, which are made by the text around each cut, except whether a
    line is long: a line that holds the change counts only where it is long in both.
    """
    if new == old:
        return was
    size = min(len(old), len(new))
    head = _common_prefix(old, new, size)
    shared = len(new) - _common_suffix(old, new, size - head)  # new[shared:] ends old too
    shift = len(new) - len(old)
    ends = [end for _, _, end in was]
    k = bisect.bisect_right(ends, head - _MARGIN) - 1
    while k >= 0:
        end = ends[k]
        line = old.rfind(b"\n", 0, end) + 1
        stop = _line_end(old, end)
        if line == end or stop < head or stop - line > _LONG and _line_end(new, end) - line > _LONG:
            break
        k = bisect.bisect_right(ends, line) - 1  # the line holding the change is long in one only: before it
    cut = was[:k + 1]
    at = ends[k] if k >= 0 else 0
    by_end: dict[int, int] | None = None
    for start, end in _spans(new, at, _tail_start(new, was[k][1], at) if k >= 0 else 0):
        cut.append((_digest(new[start:end]), start, end))
        if start >= shared and end - _MARGIN >= shared:
            by_end = {end: i for i, (_, _, end) in enumerate(was)} if by_end is None else by_end
            i = by_end.get(end - shift)
            if i is not None and was[i][1] == start - shift and _same_after(old, new, end, shift):
                return cut + [(key, start + shift, end + shift) for key, start, end in was[i + 1:]]
    return cut


def _same_after(old: bytes, new: bytes, end: int, shift: int) -> bool:
    """Whether the lines (and cuts) after `end` in `new`, in the text it ends with as `old` does, are those after
    `end - shift` in `old`: yes at a line end; inside a line, when it is long in both."""
    line = new.rfind(b"\n", 0, end) + 1
    if line == end:
        return True
    stop = _line_end(new, end)
    return stop - line > _LONG and stop - shift - (old.rfind(b"\n", 0, end - shift) + 1) > _LONG


def _common_prefix(a: bytes, b: bytes, size: int) -> int:
    """How many bytes `a` and `b` start with alike (at most `size`), compared in blocks."""
    at, step = 0, 1 << 16
    while step:
        while at + step <= size and a[at:at + step] == b[at:at + step]:
            at += step
        step >>= 4
    return at


def _common_suffix(a: bytes, b: bytes, size: int) -> int:
    """How many bytes `a` and `b` end with alike (at most `size`)."""
    at, step, la, lb = 0, 1 << 16, len(a), len(b)
    while step:
        while at + step <= size and a[la - at - step:la - at] == b[lb - at - step:lb - at]:
            at += step
        step >>= 4
    return at


def _fill(memo: dict[bytes, Any], outputs: dict[str, bytes], find: Callable[[bytes], Any],
          splits: Splits | None = None) -> dict[str, list[bytes]]:
    """Every output as the digests of its pieces; each piece not yet in `memo` is scanned, on every core, and its
    result kept there under its digest (a digest is smaller than the piece, and a session keeps the memo)."""
    splits = Splits() if splits is None else splits
    keys: dict[str, list[bytes]] = {}
    new: dict[bytes, bytes] = {}
    for path, data in outputs.items():
        cut = splits.of(path, data)
        keys[path] = [key for key, _, _ in cut]
        for key, start, end in cut:
            if key not in memo and key not in new:
                new[key] = data[start:end]
    for key, found in zip(new, parallel.run_all([functools.partial(find, piece) for piece in new.values()]),
                          strict=True):
        memo[key] = found
    return keys


def _tail_start(raw: bytes, start: int, end: int) -> int:
    """Where the tail of the piece `raw[start:end]` starts: in its last `_CONTEXT` bytes, at the first delimiter."""
    found = _DELIMITER.search(raw, max(start, end - _CONTEXT), end)
    return found.start() if found else end


def gate_forms(record: Complaint) -> list[tuple[PrivateValue, Form]]:
    """Every (private value, strong form) of a record that the gate looks for, in a stable order."""
    return sorted(_gate_values(record), key=lambda pair: (pair[0].line, pair[0].field, pair[1].text))


def _gate_values(record: Complaint) -> Iterator[tuple[PrivateValue, Form]]:
    for value in record.private:
        if value.field == "description":
            # The complainant's own account: look for it whole and for its longer lines; shorter pieces would
            # match ordinary words of the guide.
            pieces = {compact_text(fold(p)) for p in (value.value, *value.value.splitlines()) if len(p.strip()) >= 12}
            for piece in sorted(pieces):
                yield value, Form(piece, "private", False, True)
        else:
            # Weak forms (a given name, a street and number) are checked in the record's own text only: across the
            # whole site they would be other people's words.
            for form in forms_of(value):
                if form.strong:
                    yield value, form


@dataclass(frozen=True)
class Leak:
    """A private value of a record found in an output file (the value itself is never kept here)."""

    record_path: str
    field: str
    line: int
    output: str


@dataclass(frozen=True)
class PatternLeak:
    """Personal data of a validated kind (a phone, an ID number...) found in an output file, owner unknown."""

    output: str
    kind: str
    text: str  # for locating its source; printed only on request


def _blank_number(match: re.Match[str]) -> str:
    return " " * len(match[0]) if _is_complaint_number(match[0]) else match[0]


@functools.lru_cache(maxsize=1 << 16)  # a notice's number stands on many pages: its page, lists, lookup, feeds
def _is_complaint_number(text: str) -> bool:
    return numbers.check(text).verdict == "ok"


def readable(raw: bytes) -> str:
    """An output file as the gate reads it: entities, JSON escapes and percent-encoding undone, NFKC, lower case."""
    text = html.unescape(raw.decode("utf-8", errors="replace"))
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    if "%" in text:
        text = urllib.parse.unquote(text)
    if not unicodedata.is_normalized("NFKC", text):  # most text is: a quick check in C, no copy
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


class Owner(Protocol):
    """Whose values a gate looks for: a record, or what the build keeps of one (its result); a leak names its file."""

    @property
    def path(self) -> str: ...


OwnerT = TypeVar("OwnerT", bound=Owner)


class KnownGate(Generic[OwnerT]):
    """Every strong form of every private value of every record: words found by an automaton in the compact text,
    digits looked up where a digit run holds a whole number as `identity` defines (`Digits`).

    One pass per output whatever the number of records. `digest` names what the gate looks for: an output that
    passed a gate with the same digest passes again, which lets incremental builds skip unchanged outputs.

    Its indexes are `Layers`: one made from every record's forms, and in a session also one of the forms added since
    (`layer`). A form an index holds that no record has any more is found and counts for nothing (only forms with an
    owner are leaks), but costs a look at every record's forms: `unowned` says it happened.
    """

    def __init__(self, records: Iterable[OwnerT], forms: Callable[[OwnerT], Sequence[tuple[PrivateValue, Form]]],
                 automaton: Callable[[str, Callable[[], Layers]], Layers] | None = None,
                 digest: str | None = None, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary()
        # The records' forms are read only when needed: for the digest when none is given, to build the indexes
        # when `automaton` has none for this digest, and for the owners of what was found (`_owners_of`); and not
        # kept (a build holds every record meanwhile). A build that hands back both reads no form here.
        self._records, self._forms = list(records), forms
        if digest is None:  # the digest of what the gate looks for comes with its indexes: one pass over the forms
            built, self.digest = _build(self.records)
            self.layers = (automaton or _call)(self.digest, lambda: built)
        else:  # from the caller, who knows the forms are those of a gate before, which `automaton` may hand back
            self.digest = digest
            self.layers = (automaton or _call)(digest, lambda: _build(self.records)[0])
        self._owners: dict[str, list[tuple[OwnerT, PrivateValue]]] = {}
        self._looked: set[str] = set()  # the forms looked up: `_owners` holds those that have owners
        self.unowned = False  # a scan found a form no record has

    @property
    def records(self) -> Iterator[tuple[OwnerT, Sequence[tuple[PrivateValue, Form]]]]:
        """Every record with the forms the gate looks for."""
        return ((record, self._forms(record)) for record in self._records)

    def _owners_of(self, keys: set[str]) -> dict[str, list[tuple[OwnerT, PrivateValue]]]:
        """Which records' values each of these forms stands for: one pass over the records' forms for the forms
        not looked up before (only when something was found), keeping only theirs (not every record's forms)."""
        missing = keys - self._looked
        if missing:
            for record, pairs in self.records:
                for value, form in pairs:
                    key = _key(form)
                    if key in missing:
                        self._owners.setdefault(key, []).append((record, value))
            self._looked |= missing
        return self._owners

    def scan(self, outputs: dict[str, bytes], fragments: Callable[[str], bool] = lambda path: False,
             memo: dict[bytes, list[tuple[str, bool]]] | None = None, splits: Splits | None = None) -> list[Leak]:
        """Every place a record's private value appears, in any of its forms, in any of `outputs`.

        Outputs for which `fragments(path)` holds are made of pieces of other outputs' text (a search index's
        bigrams): a short name equal to a piece says nothing the pages did not, and the pages are scanned whole.
        `memo` keeps what each piece of text held, for this gate (the same values, the same vocabulary); `splits`
        the outputs already cut into pieces (see `Splits`).
        """
        return self.leaks_of(self.hits(outputs, fragments, memo, splits))

    def hits(self, outputs: dict[str, bytes], fragments: Callable[[str], bool] = lambda path: False,
             memo: dict[bytes, list[tuple[str, bool]]] | None = None, splits: Splits | None = None
             ) -> list[tuple[str, str]]:
        """What `scan` finds, before its owners are looked for: each output with the key of a form in it."""
        if not any(len(words) or digits for words, digits, _ in self.layers):
            return []
        memo = {} if memo is None else memo
        split = _fill(memo, outputs, self._find, splits)
        hits: list[tuple[str, str]] = []  # (output, form found in it)
        for out_path in sorted(outputs):
            short_names_too = fragments(out_path)
            for piece in split[out_path]:
                for key, covered in memo[piece]:
                    # A short name inside a phrase the site itself publishes is that phrase, not the name.
                    if not (covered or short_names_too and is_short_name(key[2:])):
                        hits.append((out_path, key))
        return hits

    def leaks_of(self, hits: list[tuple[str, str]]) -> list[Leak]:
        """The leaks these hits are: the owners of each form, looked for in one pass over the records' forms (a
        form no record has counts for nothing, and sets `unowned`)."""
        if not hits:
            return []
        owners = self._owners_of({key for _, key in hits})
        leaks: list[Leak] = []
        seen: set[tuple[str, str, str]] = set()
        for out_path, key in hits:
            if not owners.get(key):
                self.unowned = True
                continue
            for record, value in owners[key]:
                seen_key = (record.path, value.field, out_path)
                if seen_key not in seen:
                    seen.add(seen_key)
                    leaks.append(Leak(record.path, value.field, value.line, out_path))
        return sorted(leaks, key=lambda leak: (leak.record_path, leak.line, leak.field, leak.output))

    def _find(self, piece: bytes) -> list[tuple[str, bool]]:
        """The forms in a piece of output, each with whether it is a short name inside the site's own words."""
        text = reading(piece)
        found: dict[tuple[str, bool], None] = {}  # in order, once: a form may be in two layers
        packed = compact_text(text) if any(len(words) for words, _, _ in self.layers) else text
        for words, digits, longer in self.layers:
            if len(words):
                for last, value in words.iter(packed):
                    start = last + 1 - (value >> 2)
                    forms = [packed[start:last + 1]] if value & _WHOLE else []
                    if value & _STARTS:  # the first characters of longer forms: found where the rest follows too
                        forms += longer.at(packed, start)
                    for form in forms:
                        covered = is_short_name(form) and self.vocabulary.covers(packed, start, start + len(form))
                        found["w:" + form, covered] = None
            if digits:
                found.update(((key, False), None) for key in sorted(digits.found(text)))
        return list(found)


def reading(piece: bytes) -> str:
    """A piece of output as the known gate reads it (`readable`), public complaint numbers blanked and runs of
    Chinese numerals read as digits."""
    # Complaint numbers are public, and with their dashes joined a short value can hide inside one:
    # "KS-G5NA-1619-K" holds the WeChat ID "na1619". Blank them first.
    return numerals(_COMPLAINT_NUMBER.sub(_blank_number, readable(piece)))


class Readings:
    """Outputs as the known gate reads them, kept by path with the SHA-256 of their bytes: forms added to a gate are
    looked for in the outputs that passed it before, without cutting and reading them again. Made while a session
    waits (`prepare`), or by the save that needs them, and again only for outputs that changed (`_reading_of`)."""

    def __init__(self) -> None:
        self._by_path: dict[str, tuple[str, _Reading]] = {}
        self._todo: list[str] | None = None  # what `prepare` has still to read, when it started on these outputs
        self._pieces: dict[bytes, tuple[str, list[str]]] = {}

    def prepare(self, outputs: Mapping[str, bytes], sha: Mapping[str, str], gate_view: Callable[[str, bytes], bytes],
                until: float) -> bool:
        """Make the readings of these outputs that `may_hold` would make, one after another until the monotonic
        clock reaches `until` (a session's idle time); whether some are left. `reset` when the outputs change."""
        if self._todo is None:
            self._by_path = {path: done for path, done in self._by_path.items() if path in outputs}
            self._todo = self._unread(outputs, sha)
            self._todo.reverse()
        todo = self._todo
        while todo and time.monotonic() < until:
            path = todo.pop()
            data = outputs.get(path)
            if data is not None and path in sha:
                self._by_path[path] = (sha[path], _reading_of(gate_view(path, data), self._pieces))
        if not todo:
            self._pieces = {}
        return bool(todo)

    def _unread(self, outputs: Mapping[str, bytes], sha: Mapping[str, str]) -> list[str]:
        """The outputs without a reading of these bytes."""
        old = self._by_path
        return [path for path in outputs if old.get(path, ("",))[0] != sha.get(path)]

    def reset(self) -> None:
        """Forget what `prepare` had still to read (the outputs changed: it looks at them again)."""
        self._todo, self._pieces = None, {}

    def may_hold(self, keys: Collection[str], outputs: Mapping[str, bytes], sha: Mapping[str, str],
                 gate_view: Callable[[str, bytes], bytes]) -> set[str]:
        """The outputs in which one of these gate keys (`gate_keys`) may be found: every one the gate would find
        one in, and some it would not (a short name inside the site's own words, digits that are part of a longer
        number). `gate_view(path, data)`: the bytes of an output the gate reads. Readings are kept of these
        outputs only, made for those not read before with these bytes."""
        words = [key[2:] for key in keys if not key.startswith("d:")]
        digits = [key[2:] for key in keys if key.startswith("d:")]
        if any(len(form) < _SHORTEST_DIGITS for form in digits):
            return set(outputs)  # not in the numbers kept: look at every output whole
        old, missing = self._by_path, self._unread(outputs, sha)
        pieces: dict[bytes, tuple[str, list[str]]] = {}  # pages share their header and navigation: read once
        made = dict(zip(missing, parallel.run_all([functools.partial(_reading_of, gate_view(path, outputs[path]),
                                                                     pieces) for path in missing]), strict=True))
        self._by_path = by_path = {path: (sha[path], made[path]) if path in made else old[path] for path in outputs}
        # Of the words' first characters only (`_CUT`): an output with one may hold the word.
        automaton = layer(key for key in keys if not key.startswith("d:"))[0]
        masks = [_char_mask(word) for word in words]
        found: set[str] = set()
        for path, (_, (chars, packed, runs)) in by_path.items():
            if any(form in runs for form in digits) or any(chars & mask == mask for mask in masks) and next(
                    automaton.iter(zlib.decompress(packed).decode("utf-8", "surrogatepass")), None) is not None:
                found.add(path)
        return found


_Reading = tuple[int, bytes, str]  # an output's characters (`_char_mask`), its compact reading compressed, its numbers


def _reading_of(data: bytes, pieces: dict[bytes, tuple[str, list[str]]] | None = None) -> _Reading:
    """An output as the known gate reads it, piece by piece (`reading`): the characters of its compact text, that
    text compressed (the pieces joined by NUL, which no form holds, and no digit run or compacted name crosses), and
    the digits of each digit run as long as a digit form at least (NUL between them). `pieces`: the pieces read
    before, with what was read in them."""
    pieces = {} if pieces is None else pieces
    if len(pieces) > _PIECES_HELD:
        pieces.clear()
    compacts, runs = [], set()
    for start, end in _spans(data):
        piece = data[start:end]
        done = pieces.get(piece)
        if done is None:
            text = reading(piece)
            done = pieces[piece] = compact_text(text), [d for d in run_digits(text) if len(d) >= _SHORTEST_DIGITS]
        compacts.append(done[0])
        runs.update(done[1])
    packed = "\x00".join(compacts)
    return (_char_mask(packed), zlib.compress(packed.encode("utf-8", "surrogatepass"), 1),
            "\x00".join(sorted(runs)))


_PIECES_HELD = 20_000  # pieces a making of readings keeps read (about 20 MB): enough for what every page shares


_SHORTEST_DIGITS = 5  # no digit form is shorter (identity.forms_of: digit forms of five digits or more)


def _char_mask(text: str) -> int:
    """The characters of `text`, each as one of 4096 bits (by its code point): a text with a word holds its bits."""
    mask = 0
    for char in set(text):
        mask |= 1 << (ord(char) & 4095)
    return mask


def _key(form: Form) -> str:
    return ("d:" if form.digits else "w:") + form.text


def gate_keys(pairs: Iterable[tuple[PrivateValue, Form]]) -> set[str]:
    """What a gate looks for to find these forms (a record's: its `gate_forms`), whatever their fields and lines."""
    return {_key(form) for _, form in pairs}


Layer = tuple[Any, "Digits", "Longer"]  # one index of a known gate: an automaton of word forms (of their first
# characters, for the longer ones), the digit forms, and the longer word forms
Layers = tuple[Layer, ...]


def _build(records: Iterable[tuple[Any, Sequence[tuple[PrivateValue, Form]]]]) -> tuple[Layers, str]:
    """The gate's index over the records' forms and the digest of what they look for (see `GateIndex`)."""
    index = GateIndex()
    for _, pairs in records:
        index.add(pairs)
    return index.finish()


class GateIndex:
    """The known gate's index over records' forms (an automaton of the words, the digit forms) and the digest
    of what they look for (`gate_digest`), made a record at a time: a build adds each record's forms as its map
    hands the result in, and need not hold them after.

    No sorted list of every key is made on the way, and no set of the word forms (most of the keys; a hundred MB
    at 100k records with the list): the digit forms go into the arrays the gate keeps, the digest adds up each
    record's.
    """

    def __init__(self) -> None:
        self._words = _Words()
        self._digits = DigitTable()
        self._total = 0
        self.records = 0  # how many records' forms were added

    def add(self, pairs: Sequence[tuple[PrivateValue, Form]]) -> None:
        """Add one record's forms."""
        for _, form in pairs:
            if form.digits:
                self._digits.add(form.text)
        for word in _indexed_words(pairs):
            self._words.add(word)
        self._total += record_term(gate_keys(pairs))
        self.records += 1

    def finish(self) -> tuple[Layers, str]:
        """The index (one layer) and the digest; nothing can be added after."""
        return (self._words.layer(Digits(table=self._digits)),), gate_digest(self._total)


def _indexed_words(pairs: Iterable[tuple[PrivateValue, Form]]) -> Iterator[str]:
    """The word forms of these pairs that an index must hold to find them all: a form that holds another word form
    of the same value is left out when that one is no short name (whose matches may be passed as the site's own
    words), because the automaton reports every match, overlapping ones too, so wherever the longer form stands
    the shorter one is found, and it is a leak of the same value (an address held whole and as its tail after the
    city; a description whole and as its longer lines). 17% fewer trie nodes on the 10k benchmark corpus."""
    by_value: dict[PrivateValue, set[str]] = {}
    for value, form in pairs:
        if not form.digits:
            by_value.setdefault(value, set()).add(form.text)
    for texts in by_value.values():
        if len(texts) == 1:  # most values: nothing to leave out
            yield from texts
            continue
        inside: list[str] = []  # the value's forms indexed so far that are no short name
        for text in sorted(texts, key=lambda t: (len(t), t)):
            if not any(word in text for word in inside):
                yield text
                if not is_short_name(text):
                    inside.append(text)


def layer(keys: Iterable[str]) -> Layer:
    """An index of these gate keys (`gate_keys`)."""
    words, digits = _Words(), DigitTable()
    for key in keys:
        if key.startswith("d:"):
            digits.add(key[2:])
        else:
            words.add(key[2:])
    return words.layer(Digits(table=digits))


# The characters of a word form the automaton holds. The rest of a longer form is checked where its first ones
# are found, which in pages that pass is almost never (on the 10k benchmark corpus: no output held the first six
# characters of a form without the form): the automaton's nodes for the rests were three quarters of its memory
# (21.6 MB at 10k records, 2.7 MB with six characters).
_CUT = 6
_WHOLE, _STARTS = 1, 2  # what an automaton word is: a whole form; the first `_CUT` characters of longer ones


class _Words:
    """The word forms of one index, as an automaton is made of them: each word its length and what it is
    (`_WHOLE`, `_STARTS`; a match is read back from the text it was found in, so the words are not held), and
    the longer forms in `Longer`."""

    def __init__(self) -> None:
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.longer = Longer()

    def add(self, form: str) -> None:
        """Add a word form."""
        word, what = (form, _WHOLE) if len(form) <= _CUT else (form[:_CUT], _STARTS)
        if what == _STARTS:
            self.longer.add(form)
        self.automaton.add_word(word, len(word) << 2 | what | self.automaton.get(word, 0))

    def layer(self, digits: Digits) -> Layer:
        """The index of the forms added and of these digit forms; nothing can be added after."""
        self.longer.seal()
        scanner = Scanner(self.automaton)
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)  # let the words' trie go now
        return scanner, digits, self.longer


class Scanner:
    """The words of an index in ahocorasick_rs's automaton, which reads a text 10 to 16 times as fast as one of
    pyahocorasick (on the 10k benchmark's pages 0.13-0.22 s against 2.05 s: pyahocorasick looks each letter up
    among a node's children one by one, and the root has thousands of hanzi). The words are gathered in
    pyahocorasick's trie: made a word at a time, it merges what a word is (`_WHOLE`, `_STARTS`) and holds no
    list of every word."""

    __slots__ = ("_automaton", "_values")

    def __init__(self, words: Any) -> None:
        self._values: array.array[int] = array.array("Q")  # what each word is, by its index in the automaton

        def each() -> Iterator[str]:  # read once, by the automaton, as it is made
            for word, value in words.items():
                self._values.append(value)
                yield word
        self._automaton = ahocorasick_rs.AhoCorasick(each(), store_patterns=False)

    def __len__(self) -> int:
        return len(self._values)

    def iter(self, text: str) -> Iterator[tuple[int, int]]:
        """Every word in `text`, overlapping ones too, as (where its last character is, what it is)."""
        values = self._values
        for index, _, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            yield end - 1, values[index]


class Longer:
    """The word forms longer than `_CUT` characters, found where a text holds them: in sorted blocks, each one
    string and the offsets of its forms in it (no object per form; a form added twice in a block is held once)."""

    _BLOCK = 65_536  # forms sorted at a time: what is held meanwhile as strings

    def __init__(self) -> None:
        self._blocks: list[tuple[str, array.array[int], int]] = []  # (forms joined, where each ends, the longest)
        self._pending: list[str] = []

    def add(self, form: str) -> None:
        """Add a form (`seal` before looking one up)."""
        self._pending.append(form)
        if len(self._pending) >= self._BLOCK:
            self.seal()

    def seal(self) -> None:
        """Make a block of the forms added since the last."""
        if self._pending:
            forms = sorted(set(self._pending))
            self._pending = []
            self._blocks.append(("".join(forms), array.array("I", itertools.accumulate(map(len, forms), initial=0)),
                                 max(map(len, forms))))

    def at(self, text: str, start: int) -> list[str]:
        """The forms that stand in `text` at `start`: found by bisection, however many forms share their first
        characters with the text there (many records' lines may start with the same words)."""
        found: list[str] = []
        for joined, ends, longest in self._blocks:
            def form(i: int, joined: str = joined, ends: array.array[int] = ends) -> str:
                return joined[ends[i]:ends[i + 1]]
            count = len(ends) - 1
            probe = text[start:start + longest]  # every form found is a start of it
            while len(probe) > _CUT:
                at = bisect.bisect_right(range(count), probe, key=form) - 1
                if at < 0:
                    break
                candidate = form(at)
                if probe.startswith(candidate):
                    found.append(candidate)
                    probe = candidate[:-1]  # a shorter form found here is a start of this one
                else:
                    # The greatest form not after the probe is not a start of it: no form between them is, and
                    # any shorter one is a start of what the two have in common.
                    probe = os.path.commonprefix([candidate, probe])
        return found


def record_term(keys: Collection[str]) -> int:
    """One record's share of a gate's digest: the hash of what the gate looks for in its values (its `gate_keys`;
    0 for none)."""
    if not keys:
        return 0
    sha = hashlib.sha256()
    for key in sorted(keys):
        data = key.encode("utf-8", "surrogatepass")  # length-prefixed: a description's form may hold a line end
        sha.update(len(data).to_bytes(8, "big") + data)
    return int.from_bytes(sha.digest(), "big")


def gate_digest(total: int) -> str:
    """The digest of a gate from the sum of its records' `record_term`s: a sum, so that a session adds and takes
    away the terms of the records an edit changed instead of reading every record again (and the same records
    give the same digest whatever their order)."""
    return (total % (1 << 256)).to_bytes(32, "big").hex()


def _call(_: str, make: Callable[[], Layers]) -> Layers:
    """The `automaton` of a gate that keeps none: build it."""
    return make()


class Digits:
    """The digit forms a gate looks for, found in a text as whole numbers (`identity.Run.whole`): each span of a
    digit run that starts at a written group (after a country code or trunk zero, if any) and ends at one is looked
    up in a sorted array of the forms' values, one array per length (8 bytes a form where a set of strings took
    about 90: at 100k records some 400,000 forms), which takes far less memory than an automaton of the forms."""

    __slots__ = ("_by_length", "_long", "longest", "maybe", "shortest")

    def __init__(self, forms: Iterable[str] = (), table: DigitTable | None = None) -> None:
        table = table or DigitTable()
        for form in forms:
            table.add(form)
        self._by_length, self._long = table.sealed()
        lengths = [*self._by_length, *map(len, self._long)]
        self.shortest, self.longest = min(lengths, default=0), max(lengths, default=0)
        # A text with no run of that many digits holds none of them: most pieces skip the runs (one search in C).
        self.maybe = re.compile(f"[0-9](?:{GAP}{{0,3}}[0-9]){{{max(self.shortest - 2, 0)}}}")

    def __bool__(self) -> bool:
        return bool(self._by_length or self._long)

    def __contains__(self, digits: str) -> bool:
        value = _digit_value(digits)
        if value is None:
            return digits in self._long
        values = self._by_length.get(len(digits), ())
        at = bisect.bisect_left(values, value)
        return at < len(values) and values[at] == value

    def found(self, text: str) -> set[str]:
        """The keys ("d:" and the digits) of the forms that stand in `text` as whole numbers."""
        keys: set[str] = set()
        if not self or not self.maybe.search(text):
            return keys
        forms, shortest, longest = self, self.shortest, self.longest
        for run in digit_runs(text):
            joined = run.joined
            if len(joined) < shortest:
                continue
            bounds = sorted(run.bounds)
            for start in bounds:
                for prefix in PREFIXES:
                    if not joined.startswith(prefix, start):
                        continue
                    at = start + len(prefix)
                    for end in bounds[bisect.bisect_left(bounds, at + shortest):]:
                        if end - at > longest:
                            break
                        if joined[at:end] in forms:
                            keys.add("d:" + joined[at:end])
        return keys


class DigitTable:
    """Digit forms as they are added: each form of at most 19 ASCII digits as its value, in an array for its
    length (8 bytes; the length keeps its leading zeros), any other form as a string."""

    def __init__(self) -> None:
        self._by_length: dict[int, array.array[int]] = {}
        self._long: set[str] = set()

    def add(self, form: str) -> None:
        """Add a digit form."""
        value = _digit_value(form)
        if value is None:
            self._long.add(form)
            return
        values = self._by_length.get(len(form))
        if values is None:
            values = self._by_length[len(form)] = array.array("Q")
        values.append(value)


    def sealed(self) -> tuple[dict[int, array.array[int]], frozenset[str]]:
        """The arrays sorted, each value once, and the other forms."""
        return ({length: array.array("Q", sorted(set(values))) for length, values in self._by_length.items()},
                frozenset(self._long))


def _digit_value(form: str) -> int | None:
    """What a digit form is kept as in a `DigitTable`: its value, for at most 19 ASCII digits (below 10**19 <
    2**64; the array of its length keeps its leading zeros); None for any other (an ID number's X, say)."""
    return int(form) if len(form) <= 19 and form.isascii() and form.isdigit() else None


def scan_output(outputs: dict[str, bytes], records: Iterable[Complaint]) -> list[Leak]:
    """Every place a record's private value appears, in normalised form, in any output file."""
    return KnownGate(records, gate_forms).scan(outputs)


def scan_patterns(outputs: dict[str, bytes], allow: Iterable[str] = (),
                  memo: dict[bytes, list[tuple[str, str]]] | None = None,
                  splits: Splits | None = None) -> list[PatternLeak]:
    """Every high-confidence pattern hit (phone, ID number, bank card, email) in any output file.

    `memo` keeps the hits of each piece of text already scanned (before the allow list is applied); `splits` the
    outputs already cut into pieces (see `Splits`).
    """
    allowed = tuple(fold(a) for a in allow if a.strip())
    memo = {} if memo is None else memo
    found: dict[tuple[str, str, str], None] = {}
    split = _fill(memo, outputs, _patterns, splits)
    for out_path in sorted(outputs):
        for piece in split[out_path]:
            for kind, hit in memo[piece]:
                if not any(a in fold(hit) for a in allowed):
                    found[(out_path, kind, hit)] = None  # a hit in a piece's lead-in was found in the piece before
    return [PatternLeak(out_path, kind, hit) for out_path, kind, hit in found]


# What every hit of a gate kind needs, in NFKC: eleven or more digits (Chinese numerals count) with at most one
# separator between two (phones, ID and card numbers), six digits then six more or asterisks (an ID number after
# 身份证), a digit before three asterisks or x's (masked numbers), or an e-mail's "@" in one of its spellings. Most
# pieces have none of these and skip the detectors, which read a character-by-character normalised copy.
_D = "0-9〇零一幺二两三四五六七八九"
_MAYBE = re.compile(rf"[{_D}](?:[{re.escape(SEPARATORS)}]?[{_D}]){{10}}|[{_D}]{{6}}[{_D}*]{{6}}|[0-9][*x]{{3}}"
                    r"|@|艾特|\(at\)|\[at\]|\{at\}| at |#", re.I)


def _patterns(piece: bytes, prefilter: bool = True) -> list[tuple[str, str]]:
    text = html.unescape(_JSON_ESCAPE.sub(lambda m: chr(int(m[1], 16)), piece.decode("utf-8", errors="replace")))
    if prefilter and not _MAYBE.search(unicodedata.normalize("NFKC", text)):
        return []
    v = view(text)
    hits = []
    for span in detect(v, GATE_KINDS):
        start, end = v.span(span.start, span.end)
        hits.append((span.kind, text[start:end]))
    return hits
