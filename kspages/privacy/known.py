"""Known values: a record's own private values, and the variants people write them in, found in its public text.

No regex per record: digit values are matched against the digit runs of the text (one precompiled scanner), words by
plain substring search. Compiling a pattern per record used to cost more than rendering the whole site.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import PrivateValue
from .detect import COMPOUND_SURNAMES, HONORIFICS, Span
from .view import SEPARATORS, View
from .vocabulary import Vocabulary, is_short_name

# Fields under order/complainant that describe the purchase or a region, not the person; the public needs them
# (a notice says which product and how much was refunded). Everything else under the private sections is personal.
NOT_PERSONAL = frozenset({"order.product", "order.amount", "order.price", "order.quantity", "order.paid_at",
                          "order.sku", "order.spec", "complainant.city", "complainant.province",
                          "complainant.gender"})
_KINDS = (  # first match on the last key of the field wins
    (("name", "full_name", "contact", "姓名"), "person"),
    (("phone", "mobile", "tel", "telephone", "手机", "电话"), "mobile"),
    (("landline", "座机"), "landline"),
    (("id_number", "id_card", "idcard", "身份证"), "id_card"),
    (("address", "addr", "地址"), "address"),
    (("email", "mail", "邮箱"), "email"),
    (("wechat", "weixin", "wx", "微信"), "wechat"),
    (("qq",), "qq"),
    (("bank_card", "card", "银行卡"), "bank_card"),
    (("plate", "车牌"), "plate"),
    (("ip",), "ip"),
    (("tracking", "waybill", "tracking_number", "快递单号", "物流单号"), "tracking"),
)
_DIGIT_RUN = re.compile(f"[0-9](?:[{re.escape(SEPARATORS)}]?[0-9])*(?:[{re.escape(SEPARATORS)}]?[xX])?")
_DATE_OR_AMOUNT = re.compile(r"^(\d{4}-\d{2}-\d{2}([ T][\d:]+)?|\d+(\.\d+)?|¥?\d+(\.\d{1,2})?元?)$")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_CITY_HEAD = re.compile(r"^(?:.{2,8}?(?:省|自治区))?(?:.{2,8}?(?:市|自治州|地区|盟))?")


def kind_for(field: str) -> str:
    """The kind of personal data a private field holds (e.g. `complainant.phone` -> mobile)."""
    key = field.rsplit(".", 1)[-1].lower()
    if field == "order.id" or key in ("order_id", "order_number", "订单号"):
        return "order"
    for keys, kind in _KINDS:
        if key in keys:
            return kind
    return "private"


def fold(text: str) -> str:
    """NFKC, lower case, trimmed: the form values are compared in."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def is_sensitive(value: PrivateValue) -> bool:
    """Whether a private value identifies a person and must never be published.

    Short digit runs, amounts and dates are left out: they are not identifying and would match prices and days
    that the public text must keep.
    """
    if value.field in NOT_PERSONAL or value.field == "description":
        return False
    text = fold(value.value)
    digits = re.sub(r"\D", "", text)
    if _DATE_OR_AMOUNT.match(text):
        return len(digits) >= 5 and "." not in text and "-" not in text
    return len(text) >= 2


def _joined(text: str) -> str:
    return re.sub(f"[{re.escape(SEPARATORS)}]", "", text).upper()


def name_parts(name: str) -> tuple[str, str]:
    """Surname and given name of a Chinese name (compound surnames included)."""
    size = 2 if name[:2] in COMPOUND_SURNAMES or len(name) == 4 else 1
    return name[:size], name[size:]


@dataclass(frozen=True)
class _Word:
    text: str
    kind: str
    ascii: bool


class KnownValues:
    """Finds one record's own private values, and their variants, in that record's public text."""

    def __init__(self, values: Iterable[PrivateValue], vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary()
        self.digits: list[tuple[str, str]] = []  # (joined digits, kind), longest first
        words: dict[str, str] = {}
        for value in values:
            if not is_sensitive(value):
                continue
            kind = kind_for(value.field)
            text = fold(value.value)
            joined = _joined(text)
            if re.fullmatch(r"[0-9]{4,}X?", joined) and len(joined) >= 5:
                self.digits.append((joined, kind))
                if kind in ("mobile", "landline") and joined.startswith("0") and len(joined) >= 10:
                    # The local part alone: area codes are 010 and 02x, or four digits.
                    self.digits.append((joined[3:] if joined[1] in "12" else joined[4:], kind))
                continue
            for variant in self._variants(text, kind):
                words.setdefault(variant, kind)
        self.digits.sort(key=lambda d: -len(d[0]))
        self.words = sorted((_Word(w, k, w.isascii()) for w, k in words.items()), key=lambda w: -len(w.text))

    @staticmethod
    def _variants(text: str, kind: str) -> Iterator[str]:
        yield text
        if kind == "person" and _CJK_NAME.match(text):
            surname, given = name_parts(text)
            for honorific in HONORIFICS:
                yield surname + honorific
            if len(given) >= 2:
                yield given
        elif kind == "address":
            tail = text[len(_CITY_HEAD.match(text)[0]):]  # type: ignore[index]  # the pattern always matches
            if len(tail) >= 4:
                yield tail
        elif kind == "email" and "@" in text:
            local = text.split("@", 1)[0]
            if len(local) >= 5:
                yield local  # the address without its domain is often the QQ number or WeChat ID too

    def find(self, v: View) -> list[Span]:
        """Every occurrence of a known value in the view."""
        spans: list[Span] = []
        if self.digits:
            for run in _DIGIT_RUN.finditer(v.text):
                spans.extend(self._in_run(v, run))
        for word in self.words:
            start = v.lower.find(word.text)
            while start >= 0:
                end = start + len(word.text)
                # An ASCII value inside a longer ASCII word is a different value ("abc12" in "abc123"); a short
                # Chinese name inside a phrase of the site's own text is that phrase (方平 in 第三方平台).
                inside = (_alnum(v.lower, start - 1) or _alnum(v.lower, end)) if word.ascii else (
                    is_short_name(word.text) and self.vocabulary.covers(v.lower, start, end))
                if not inside:
                    spans.append(Span(start, end, word.kind))
                start = v.lower.find(word.text, start + 1)
        return spans

    def _in_run(self, v: View, run: re.Match[str]) -> Iterator[Span]:
        positions = [run.start() + i for i, c in enumerate(run[0]) if c not in SEPARATORS]
        joined = run[0].upper().translate({ord(c): None for c in SEPARATORS})
        # A value matches only whole digit groups: "138 0013 8518" holds a phone, "913800138518" does not.
        bounds = {0, len(joined)} | {i for i in range(1, len(joined)) if positions[i] - positions[i - 1] > 1}
        for digits, kind in self.digits:
            at = joined.find(digits)
            while at >= 0:
                end = at + len(digits)
                prefix = joined[:at]
                glued = prefix in ("86", "0086") and kind == "mobile"
                if (at in bounds or glued) and end in bounds:
                    start = positions[0] if glued else positions[at]
                    if glued and start > 0 and v.text[start - 1] == "+":
                        start -= 1
                    yield Span(start, positions[end - 1] + 1, kind)
                at = joined.find(digits, at + 1)


def _alnum(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()
