"""The scrubber: known values first, then validated patterns, replaced by fixed typed tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import PrivateValue
from ..packed import sharing
from . import names
from .detect import NAME_ROLES, Span, detect
from .known import KnownValues, fold, kind_for, name_parts
from .lexicon import HONORIFICS
from .view import view
from .vocabulary import Vocabulary, is_short_name

# Fixed tokens: never a partial mask that keeps digits, never a hash (both stay personal information under PIPL).
TOKENS = {
    "mobile": "〔手机号〕", "landline": "〔固定电话〕", "id_card": "〔身份证号〕", "bank_card": "〔银行卡号〕",
    "email": "〔邮箱〕", "qq": "〔QQ号〕", "wechat": "〔微信号〕", "plate": "〔车牌号〕", "ip": "〔IP地址〕",
    "address": "〔地址〕", "order": "〔订单号〕", "tracking": "〔物流单号〕", "number": "〔编号〕",
    "private": "〔个人信息〕", "person": "消费者", "staff": "客服人员", "merchant": "商家",
    # A name after its role word goes and the role word stays: 快递员陈玉梅称 -> 快递员称.
    "named": "", "name": "〔姓名〕",
}
PEOPLE = ("person", "staff", "merchant", "named", "name")
PEOPLE_FORMS = ("role", "honorific")
# When spans overlap, the merged span takes the kind of the most specific detector.
_PRIORITY = ("id_card", "bank_card", "mobile", "landline", "email", "qq", "wechat", "plate", "ip", "tracking",
             "order", "address", "staff", "merchant", "person", "named", "name", "number", "private")
_RANK = {kind: i for i, kind in enumerate(_PRIORITY)}
# Words that say who someone is; a name right after one goes without a token of its own.
_ROLE_TOKENS = ("消费者", "客服人员", "商家", "〔姓名〕")
_ROLE_BEFORE = re.compile("(?:{})$".format("|".join(sorted(
    {*NAME_ROLES, *_ROLE_TOKENS[:3], "投诉人", "举报人", "用户", "本人", "买家"}, key=len, reverse=True))))
_OPEN, _CLOSE = "([（【〔「『<《", ")]）】〕」』>》"


@dataclass(frozen=True, slots=True)
class Hit:
    """One replacement: what kind of data, the token put in, and the original text (shown only on request)."""

    kind: str
    token: str
    original: str
    start: int  # offset in the source text, to point staff at the line
    sure: bool = True  # False: it looked like personal data but could be a word (privacy.unsure decides)

    __setstate__ = sharing("kind")


@dataclass(frozen=True)
class Scrubbed:
    """Public text after scrubbing, and what was replaced."""

    text: str
    hits: tuple[Hit, ...]
    kept: tuple[Hit, ...] = ()  # unsure detections left in the text (privacy.unsure: keep)

    @property
    def hidden(self) -> int:
        """How many pieces of personal data the scrubber removed."""
        return len(self.hits)


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans become one, so a partial overlap never leaves a piece of either visible."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, span.kind, key=_RANK.__getitem__)
            merged[-1] = Span(last.start, max(last.end, span.end), kind, unsure=last.unsure and span.unsure)
        else:
            merged.append(span)
    return merged


def _balance(text: str, start: int, end: int) -> tuple[int, int]:
    """A span widened or narrowed so that it holds both brackets of a pair or neither: "（021）8913..." is
    replaced whole, and the brackets around "（电话 021-8913...）" stay."""
    depth: list[str] = []
    unmatched_close = unmatched_open = 0
    for c in text[start:end]:
        if c in _OPEN:
            depth.append(c)
        elif c in _CLOSE:
            if depth and _OPEN.index(depth[-1]) == _CLOSE.index(c):
                depth.pop()
            else:
                unmatched_close += 1
    unmatched_open = len(depth)
    if unmatched_close and start > 0 and text[start - 1] in _OPEN:
        start -= 1  # the number's opening bracket stood just before: "(021) 8913 6476"
    elif unmatched_close:
        while end > start and text[end - 1] in _CLOSE:
            end -= 1
    if unmatched_open and end < len(text) and text[end] in _CLOSE:
        end += 1
    elif unmatched_open:
        while start < end and text[start] in _OPEN:
            start += 1
    return start, end


class Scrubber:
    """Removes personal data from one record's public text: its own known values, then anyone's by pattern."""

    def __init__(self, private: Iterable[PrivateValue] = (), people: str = "role",
                 allow: Iterable[str] = (), vocabulary: Vocabulary | None = None, unsure: str = "hide",
                 protected: Iterable[str] = ()) -> None:
        private = tuple(private)
        self.vocabulary = vocabulary or Vocabulary()
        self.known = KnownValues(private, self.vocabulary)
        self.people = people
        self.unsure_mode = unsure
        self.protected = tuple(p for p in protected if p)
        self.allow = tuple(fold(a) for a in allow if a.strip())
        person_names = [fold(p.value) for p in private if kind_for(p.field) == "person"]
        gender = next((fold(p.value) for p in private if p.field.endswith(".gender")), "")
        self._surname = (name_parts(person_names[0])[0]
                         if person_names and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", person_names[0]) else "")
        self._honorific = {"女": "女士", "female": "女士", "f": "女士", "男": "先生", "male": "先生",
                           "m": "先生"}.get(gender, "某")

    def _token(self, kind: str, original: str) -> str | None:
        """The replacement for a span, or None to keep it (an allow-listed value, or an opted-in 张女士 form)."""
        if self.people == "honorific" and kind in PEOPLE:
            if original.endswith(HONORIFICS) or original.endswith("某"):
                return None
            if self._surname and fold(original).startswith(self._surname):
                return self._surname + self._honorific
        return TOKENS[kind]

    def _no_brands(self, text: str, spans: list[Span]) -> list[Span]:
        """Pattern spans of people, except those across a brand or the record's merchant (钱大妈 is a chain)."""
        if not any(s.kind in PEOPLE for s in spans):
            return spans
        guarded = names.brands_in(text, self.protected)
        return [s for s in spans if s.kind not in PEOPLE or not any(a < s.end and s.start < b for a, b in guarded)]

    def _names(self, text: str, lower: str, found: list[Span]) -> list[Span]:
        """Bare names the segmenter finds (unsure) outside what was already found (向常先生: the pattern knows 向 is a
        preposition there), except inside the site's own words."""
        spans = []
        for start, end in names.find(text, self.protected, [(s.start, s.end) for s in found]):
            if not (is_short_name(lower[start:end]) and self.vocabulary.covers(lower, start, end)):
                spans.append(Span(start, end, "name", unsure=True))
        return spans

    def scrub(self, text: str) -> Scrubbed:
        """Replace every piece of personal data in `text` with its token."""
        if not text:
            return Scrubbed(text, ())
        v = view(text)
        pieces: list[str] = []
        hits: list[Hit] = []
        kept: list[Hit] = []
        end = 0
        found = [*self.known.find(v), *self._no_brands(v.text, detect(v))]
        for span in _merge([*found, *self._names(v.text, v.lower, found)]):
            start, stop = _balance(text, *v.span(span.start, span.end))
            if start < end:
                start = end
            original = text[start:stop]
            if not original or any(a in fold(original) for a in self.allow):
                continue
            token = self._token(span.kind, original)
            if token is None:
                continue
            if token in _ROLE_TOKENS and _ROLE_BEFORE.search(text, max(0, start - 6), start):
                token = ""  # 消费者王芳反映 -> 消费者反映: the role word already says who, never 消费者消费者

            if span.unsure and self.unsure_mode == "keep":
                kept.append(Hit(span.kind, token, original, start, sure=False))
                continue
            pieces += [text[end:start], token]
            hits.append(Hit(span.kind, token, original, start, sure=not span.unsure))
            end = stop
        pieces.append(text[end:])
        return Scrubbed("".join(pieces), tuple(hits), tuple(kept))
