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
    original span that produced `text[i]`."""

    original: str
    text: str
    lower: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span behind `text[start:end]`."""
        return self.starts[start], self.ends[end - 1]


def view(original: str) -> View:
    """Normalise `original` character by character, keeping where each normalised character came from."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, char in enumerate(original):
        # NFKC per character: compatibility forms (full width, circled digits, ＠, ：) fold, and the offsets stay exact.
        folded = unicodedata.normalize("NFKC", char) if ord(char) > 0x7F else char
        for piece in folded or char:
            chars.append(piece)
            starts.append(i)
            ends.append(i + 1)
    text = "".join(chars)
    if _CN_RUN.search(text):
        text = _CN_RUN.sub(lambda m: m.group().translate(_CN_DIGITS), text)
    lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return View(original, text, lower, tuple(starts), tuple(ends))
