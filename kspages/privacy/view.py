"""A normalised copy of a text with a map back to the original, so detectors match one form and spans fit the other."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Chinese numerals read as digits, one character for one, so "一三八零..." is found as a phone number. Only runs of
# seven or more are mapped: shorter ones are ordinary words and amounts (三百元, 十一月).
_CN_DIGITS = str.maketrans("〇零一幺二两三四五六七八九", "0011223456789")
_CN_RUN = re.compile("[〇零一幺二两三四五六七八九]{7,}")
# Separators people put inside numbers ("138 0013-8518", "138—0013—8518"); NFKC leaves dashes alone.
SEPARATORS = " -\u2010\u2011\u2012\u2013\u2014\u2015\u2212·"


@dataclass(frozen=True)
class View:
    """`text` normalised (NFKC per character, Chinese numeral runs as digits); `starts[i]`/`ends[i]` give the
    original span that produced `text[i]`, or are None when every character maps to exactly one."""

    original: str
    text: str
    lower: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span behind `text[start:end]`."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


# Every non-ASCII character seen so far and its NFKC form, for str.translate: one table for all texts, so each
# character is normalised once per process, not once per text. `_WIDE`: those that fold to other than one character.
_FOLDED: dict[int, str] = {}
_WIDE: set[str] = set()
_KNOWN: set[str] = {chr(i) for i in range(0x80)}  # NFKC leaves ASCII alone


def _learn(chars: set[str]) -> None:
    """Add characters to the table."""
    for char in chars:
        folded = _FOLDED[ord(char)] = unicodedata.normalize("NFKC", char) or char
        if len(folded) != 1:
            _WIDE.add(char)
    _KNOWN.update(chars)


def _lower(text: str) -> str:
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)  # keep offsets: İ lowers to two


def numerals(text: str) -> str:
    """Runs of seven or more Chinese numerals read as digits, one for one (offsets unchanged)."""
    return _CN_RUN.sub(lambda m: m.group().translate(_CN_DIGITS), text) if _CN_RUN.search(text) else text


def view(original: str) -> View:
    """Normalise `original` character by character, keeping where each normalised character came from."""
    # NFKC per character: compatibility forms (full width, circled digits, ＠, ：) fold, and the offsets stay exact.
    # Most texts only hold characters that fold to one character: then a translate table does it all in C.
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    if original.isascii():
        text = original  # NFKC leaves ASCII alone
    else:
        chars = set(original)
        if not _KNOWN.issuperset(chars):
            _learn(chars - _KNOWN)
        if _WIDE.isdisjoint(chars):
            text = original.translate(_FOLDED)
        else:
            pieces: list[str] = []
            begin: list[int] = []
            for i, char in enumerate(original):
                folded = _FOLDED.get(ord(char), char)
                pieces.extend(folded)
                begin.extend([i] * len(folded))
            text, starts = "".join(pieces), tuple(begin)
            ends = tuple(i + 1 for i in begin)
    text = numerals(text)
    return View(original, text, _lower(text), starts, ends)
