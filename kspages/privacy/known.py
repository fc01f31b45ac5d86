"""Known values: a record's own private values, in every form `identity` derives, found in its public text."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import PrivateValue
from .detect import Span
from .identity import Matcher, all_forms, fold, is_sensitive, kind_for, name_parts
from .view import View
from .vocabulary import Vocabulary, is_short_name

__all__ = ["KnownValues", "fold", "is_sensitive", "kind_for", "name_parts"]


class KnownValues:
    """Finds one record's own private values, and their variants, in that record's public text."""

    def __init__(self, values: Iterable[PrivateValue], vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary()
        self.matcher = Matcher(form for _, form in all_forms(values))

    def find(self, v: View) -> list[Span]:
        """Every occurrence of a known value in the view."""
        spans: list[Span] = []
        for found in self.matcher.find(v.lower):
            word = found.form
            # A short Chinese name inside a phrase of the site's own text is that phrase (方平 in 第三方平台).
            if not word.digits and is_short_name(word.text) and self.vocabulary.covers(v.lower, found.start, found.end):
                continue
            spans.append(Span(found.start, found.end, word.kind))
        return spans
