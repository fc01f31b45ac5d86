"""The output leak gate: the last line of defence, run over every byte about to be written."""

from __future__ import annotations

import functools
import hashlib
import html
import re
import unicodedata
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from .. import numbers, parallel
from ..model import Complaint, PrivateValue
from .detect import _COMPLAINT_NUMBER, detect
from .identity import JOINED, Form, compact_text, digit_runs, fold, forms_of
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
    tail = b""
    run: list[bytes] = []
    for line in _lines(raw):
        run.append(line)
        if zlib.crc32(line) % _CUT_EVERY == 0:
            piece = tail + b"".join(run)
            yield piece
            tail, run = _tail(piece), []
    if run:
        yield tail + b"".join(run)


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


def _fill(memo: dict[bytes, Any], outputs: dict[str, bytes], find: Callable[[bytes], Any]) -> dict[str, list[bytes]]:
    """Every output as the digests of its pieces; each piece not yet in `memo` is scanned, on every core, and its
    result kept there under its digest (a digest is smaller than the piece, and a session keeps the memo)."""
    split: dict[str, list[bytes]] = {}
    new: dict[bytes, bytes] = {}
    for path, data in outputs.items():
        keys = split[path] = []
        for piece in pieces(data):
            key = hashlib.blake2b(piece, digest_size=16).digest()
            keys.append(key)
            if key not in memo:
                new[key] = piece
    for key, found in zip(new, parallel.run_all([functools.partial(find, piece) for piece in new.values()]),
                          strict=True):
        memo[key] = found
    return split


def _tail(chunk: bytes) -> bytes:
    end = chunk[-_CONTEXT:]
    found = _DELIMITER.search(end)
    return end[found.start():] if found else b""


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
    return " " * len(match[0]) if numbers.check(match[0]).verdict == "ok" else match[0]


def readable(raw: bytes) -> str:
    """An output file as the gate reads it: entities, JSON escapes and percent-encoding undone, NFKC, lower case."""
    text = html.unescape(raw.decode("utf-8", errors="replace"))
    text = _JSON_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)
    if "%" in text:
        text = urllib.parse.unquote(text)
    return unicodedata.normalize("NFKC", text).lower()


class KnownGate:
    """Automata over every strong form of every private value of every record: words in the compact text, digits
    in the digit runs (then aligned to whole numbers as `identity` defines).

    One pass per output whatever the number of records. `digest` names the set of values: an output that passed a
    gate with the same digest passes again, which lets incremental builds skip unchanged outputs.
    """

    def __init__(self, records: Iterable[Complaint],
                 forms: Callable[[Complaint], list[tuple[PrivateValue, Form]]] = gate_forms,
                 automaton: Callable[[str, Callable[[], Any]], Any] | None = None,
                 digest: str | None = None, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary()
        self.records = [(record, forms(record)) for record in records]
        keys = sorted({_key(form) for _, pairs in self.records for _, form in pairs})
        # `digest` may come from the caller (a digest of the records' private values); otherwise, of the forms.
        self.digest = digest or hashlib.sha256("\n".join(keys).encode()).hexdigest()
        # Building the automata is the slow part; `automaton` may hand back the ones built for the same digest.
        self.automaton = automaton(self.digest, lambda: _build(keys)) if automaton else _build(keys)
        self._owners: dict[str, list[tuple[Complaint, PrivateValue]]] | None = None

    @property
    def owners(self) -> dict[str, list[tuple[Complaint, PrivateValue]]]:
        """Which records' values each form stands for (built only when something was found)."""
        if self._owners is None:
            self._owners = {}
            for record, pairs in self.records:
                for value, form in pairs:
                    self._owners.setdefault(_key(form), []).append((record, value))
        return self._owners

    def scan(self, outputs: dict[str, bytes], fragments: Callable[[str], bool] = lambda path: False,
             memo: dict[bytes, list[tuple[str, bool]]] | None = None) -> list[Leak]:
        """Every place a record's private value appears, in any of its forms, in any of `outputs`.

        Outputs for which `fragments(path)` holds are made of pieces of other outputs' text (a search index's
        bigrams): a short name equal to a piece says nothing the pages did not, and the pages are scanned whole.
        `memo` keeps what each piece of text held, for this gate (the same values, the same vocabulary).
        """
        words, digits = self.automaton
        if not len(words) and not len(digits):
            return []
        memo = {} if memo is None else memo
        split = _fill(memo, outputs, self._find)
        leaks: list[Leak] = []
        seen: set[tuple[str, str, str]] = set()
        for out_path in sorted(outputs):
            short_names_too = fragments(out_path)
            for piece in split[out_path]:
                for key, covered in memo[piece]:
                    # A short name inside a phrase the site itself publishes is that phrase, not the name.
                    if covered or short_names_too and is_short_name(key[2:]):
                        continue
                    for record, value in self.owners[key]:
                        seen_key = (record.path, value.field, out_path)
                        if seen_key not in seen:
                            seen.add(seen_key)
                            leaks.append(Leak(record.path, value.field, value.line, out_path))
        return sorted(leaks, key=lambda leak: (leak.record_path, leak.line, leak.field, leak.output))

    def _find(self, piece: bytes) -> list[tuple[str, bool]]:
        """The forms in a piece of output, each with whether it is a short name inside the site's own words."""
        words, digits = self.automaton
        # Complaint numbers are public, and with their dashes joined a short value can hide inside one:
        # "KS-G5NA-1619-K" holds the WeChat ID "na1619". Blank them first.
        text = numerals(_COMPLAINT_NUMBER.sub(_blank_number, readable(piece)))
        found: list[tuple[str, bool]] = []
        if len(words):
            packed = compact_text(text)
            for last, key in words.iter(packed):
                form = key[2:]
                start = last + 1 - len(form)
                covered = is_short_name(form) and self.vocabulary.covers(packed, start, last + 1)
                found.append((key, covered))
        if len(digits):
            # One pass in C over the text with the separators between digits taken out finds every candidate; only
            # a candidate is checked against the written groups (most pieces have none).
            keys = {key for _, key in digits.iter(JOINED.sub("", text))}
            if keys:
                runs = list(digit_runs(text))
                for key in sorted(keys):
                    form = key[2:]
                    if any(next(run.whole(form), None) for run in runs):
                        found.append((key, False))
        return found


def _key(form: Form) -> str:
    return ("d:" if form.digits else "w:") + form.text


def _build(keys: list[str]) -> tuple[Any, Any]:
    words, digits = ahocorasick.Automaton(), ahocorasick.Automaton()
    for key in keys:
        (digits if key.startswith("d:") else words).add_word(key[2:], key)
    for built in (words, digits):
        if len(built):
            built.make_automaton()
    return words, digits


def scan_output(outputs: dict[str, bytes], records: Iterable[Complaint]) -> list[Leak]:
    """Every place a record's private value appears, in normalised form, in any output file."""
    return KnownGate(records).scan(outputs)


def scan_patterns(outputs: dict[str, bytes], allow: Iterable[str] = (),
                  memo: dict[bytes, list[tuple[str, str]]] | None = None) -> list[PatternLeak]:
    """Every high-confidence pattern hit (phone, ID number, bank card, email) in any output file.

    `memo` keeps the hits of each piece of text already scanned (before the allow list is applied).
    """
    allowed = tuple(fold(a) for a in allow if a.strip())
    memo = {} if memo is None else memo
    found: dict[tuple[str, str, str], None] = {}
    split = _fill(memo, outputs, _patterns)
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
