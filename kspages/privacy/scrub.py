"""The scrubber: known values first, then validated patterns, replaced by fixed typed tokens."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import PrivateValue
from .detect import HONORIFICS, Span, detect
from .known import KnownValues, fold, kind_for, name_parts
from .view import view
from .vocabulary import Vocabulary

# Fixed tokens: never a partial mask that keeps digits, never a hash (both stay personal information under PIPL).
TOKENS = {
    "mobile": "〔手机号〕", "landline": "〔固定电话〕", "id_card": "〔身份证号〕", "bank_card": "〔银行卡号〕",
    "email": "〔邮箱〕", "qq": "〔QQ号〕", "wechat": "〔微信号〕", "plate": "〔车牌号〕", "ip": "〔IP地址〕",
    "address": "〔地址〕", "order": "〔订单号〕", "tracking": "〔物流单号〕", "number": "〔编号〕",
    "private": "〔个人信息〕", "person": "消费者", "staff": "客服人员", "merchant": "商家",
}
PEOPLE = ("person", "staff", "merchant")
PEOPLE_FORMS = ("role", "honorific")
# When spans overlap, the merged span takes the kind of the most specific detector.
_PRIORITY = ("id_card", "bank_card", "mobile", "landline", "email", "qq", "wechat", "plate", "ip", "tracking",
             "order", "address", "staff", "merchant", "person", "number", "private")


@dataclass(frozen=True)
class Hit:
    """One replacement: what kind of data, the token put in, and the original text (shown only on request)."""

    kind: str
    token: str
    original: str
    start: int  # offset in the source text, to point staff at the line


@dataclass(frozen=True)
class Scrubbed:
    """Public text after scrubbing, and what was replaced."""

    text: str
    hits: tuple[Hit, ...]

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
            kind = min(last.kind, span.kind, key=_PRIORITY.index)
            merged[-1] = Span(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged


class Scrubber:
    """Removes personal data from one record's public text: its own known values, then anyone's by pattern."""

    def __init__(self, private: Iterable[PrivateValue] = (), people: str = "role",
                 allow: Iterable[str] = (), vocabulary: Vocabulary | None = None) -> None:
        private = tuple(private)
        self.known = KnownValues(private, vocabulary)
        self.people = people
        self.allow = tuple(fold(a) for a in allow if a.strip())
        names = [fold(p.value) for p in private if kind_for(p.field) == "person"]
        gender = next((fold(p.value) for p in private if p.field.endswith(".gender")), "")
        self._surname = name_parts(names[0])[0] if names and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", names[0]) else ""
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

    def scrub(self, text: str) -> Scrubbed:
        """Replace every piece of personal data in `text` with its token."""
        if not text:
            return Scrubbed(text, ())
        v = view(text)
        pieces: list[str] = []
        hits: list[Hit] = []
        end = 0
        for span in _merge([*self.known.find(v), *detect(v)]):
            start, stop = v.span(span.start, span.end)
            original = text[start:stop]
            if any(a in fold(original) for a in self.allow):
                continue
            token = self._token(span.kind, original)
            if token is None:
                continue
            pieces += [text[end:start], token]
            hits.append(Hit(span.kind, token, original, start))
            end = stop
        pieces.append(text[end:])
        return Scrubbed("".join(pieces), tuple(hits))
