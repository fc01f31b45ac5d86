"""The site's own words: a short name found inside one of its phrases is that word, not the name.

A complainant called 方平 must not turn 第三方平台 into 第三消费者台, nor fail the build because the reason label
"涉及第三方平台" holds those two characters. Phrases come from text the site publishes on its own account (labels,
guide, templates), never from records.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_CJK_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")
SHORT = 3  # names of up to three characters can hide inside ordinary words
_SHORT_NAME = re.compile(f"^[\u3400-\u9fff\uf900-\ufaff]{{1,{SHORT}}}$")


def is_short_name(text: str) -> bool:
    """Whether a value is short enough, and Chinese, to be found inside ordinary words."""
    return bool(_SHORT_NAME.match(text))


@dataclass(frozen=True)
class Vocabulary:
    """Every 2- to 5-character run of Chinese in the site's own text."""

    phrases: frozenset[str] = frozenset()
    digest: str = ""

    @classmethod
    def of(cls, texts: Iterable[str]) -> Vocabulary:
        """The vocabulary of some texts (NFKC, lower case, as the scrubber and the gate compare)."""
        phrases: set[str] = set()
        for text in texts:
            for run in _CJK_RUN.findall(unicodedata.normalize("NFKC", text).lower()):
                for size in range(2, SHORT + 3):
                    phrases.update(run[i:i + size] for i in range(len(run) - size + 1))
        return cls(frozenset(phrases), hashlib.sha256("\n".join(sorted(phrases)).encode()).hexdigest())

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] lies inside a longer phrase of the vocabulary, in `text` as it stands."""
        for size in range(end - start + 1, end - start + 3):
            for a in range(max(0, end - size), start + 1):
                if a + size <= len(text) and text[a:a + size] in self.phrases:
                    return True
        return False
