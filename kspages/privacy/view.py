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


_FOLDED: dict[str, str] = {}


def _fold(char: str) -> str:
    folded = _FOLDED.get(char)
    if folded is None:
        folded = _FOLDED[char] = unicodedata.normalize("NFKC", char) or char
    return folded


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
    table = {ord(c): _fold(c) for c in set(original) if ord(c) > 0x7F}
    if all(len(f) == 1 for f in table.values()):
        text = original.translate(table)
        starts: tuple[int, ...] | None = None
        ends: tuple[int, ...] | None = None
    else:
        chars: list[str] = []
        begin: list[int] = []
        for i, char in enumerate(original):
            folded = table.get(ord(char), char)
            chars.extend(folded)
            begin.extend([i] * len(folded))
        text, starts = "".join(chars), tuple(begin)
        ends = tuple(i + 1 for i in begin)
    text = numerals(text)
    return View(original, text, _lower(text), starts, ends)
