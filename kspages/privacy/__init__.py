"""Privacy: remove a record's own private values from its public text, and gate the output for leaks.

This is the known-values layer. Pattern detection (phones, ID numbers, addresses... in any record's text) builds on it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from ..model import Complaint, PrivateValue

# Fields under order/complainant that describe the purchase or a region, not the person; the public needs them
# (a notice says which product and how much was refunded). Everything else under the private sections is personal.
NOT_PERSONAL = frozenset({"order.product", "order.amount", "order.price", "order.quantity", "order.paid_at",
                          "order.sku", "order.spec", "complainant.city", "complainant.province"})
ROLE = "消费者"
_TOKENS = (  # first match on the last key of the field wins
    (("name", "full_name", "contact", "姓名"), ROLE),
    (("phone", "mobile", "tel", "telephone", "手机", "电话"), "〔手机号〕"),
    (("id_number", "id_card", "idcard", "身份证"), "〔身份证号〕"),
    (("address", "addr", "地址"), "〔地址〕"),
    (("email", "mail", "邮箱"), "〔邮箱〕"),
    (("wechat", "weixin", "wx", "微信"), "〔微信号〕"),
    (("qq",), "〔QQ号〕"),
    (("bank_card", "card", "银行卡"), "〔银行卡号〕"),
    (("tracking", "waybill", "快递单号", "物流单号"), "〔物流单号〕"),
)
_HONORIFICS = ("先生", "女士", "小姐", "同学", "阿姨", "大爷")
# Literals rather than one class: a character class beyond Latin-1 (or \s) costs ~1 ms to compile, 30 per record.
_DIGIT_SEP = r"(?:[ \t.\-·]|\u3000|－|—)*"
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
# The gate joins digit runs across the same separators the scrubber accepts: "138 1234—5678" -> "13812345678".
_JOIN_DIGITS = re.compile(r"(?<=\d)(?:\s|[.\-·]|－|—)+(?=\d)")
_DATE_OR_AMOUNT = re.compile(r"^(\d{4}-\d{2}-\d{2}([ T][\d:]+)?|\d+(\.\d+)?|¥?\d+(\.\d{1,2})?元?)$")


def token_for(field: str) -> str:
    """The fixed token that replaces a value of `field` (e.g. `complainant.phone` -> 〔手机号〕)."""
    key = field.rsplit(".", 1)[-1].lower()
    if field == "order.id" or key in ("order_id", "order_number", "订单号"):
        return "〔订单号〕"
    for keys, token in _TOKENS:
        if key in keys:
            return token
    return "〔个人信息〕"


def is_sensitive(value: PrivateValue) -> bool:
    """Whether a private value identifies a person and must never be published.

    Short digit runs, amounts and dates are left out: they are not identifying and would match prices and days
    that the public text must keep.
    """
    if value.field in NOT_PERSONAL:
        return False
    text = unicodedata.normalize("NFKC", value.value).strip()
    digits = re.sub(r"\D", "", text)
    if _DATE_OR_AMOUNT.match(text):
        return len(digits) >= 5 and "." not in text and "-" not in text
    return len(text) >= 2


# Full-width digits fold to ASCII one code point for one, so spans found in the folded text fit the original.
_FOLD_DIGITS = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"＋": "+"})


def _digit_pattern(digits: str, phone: bool) -> str:
    body = _DIGIT_SEP.join(digits)
    prefix = r"(?:(?:\+|00)?86" + _DIGIT_SEP + ")?" if phone else ""
    return rf"(?<!\d){prefix}{body}(?!\d)"


def _patterns(value: PrivateValue) -> list[tuple[str, str]]:
    """Regex patterns (with their token) that find this value and its common variants in text."""
    token = token_for(value.field)
    text = unicodedata.normalize("NFKC", value.value).strip()
    digits = re.sub(r"[\s\-.·]", "", text)
    if digits.isdigit() and len(digits) >= 5:
        return [(_digit_pattern(digits, token == "〔手机号〕"), token)]
    found = [(f"(?i:{re.escape(text)})" if text.isascii() else re.escape(text), token)]
    if token == ROLE and _CJK.match(text):
        surname, given = text[0], text[1:]
        honorifics = "|".join(_HONORIFICS)
        found.insert(0, (rf"{re.escape(surname)}(?:{honorifics})", token))
        if len(given) >= 2:
            found.append((re.escape(given), token))
    return found


@dataclass(frozen=True)
class Scrubbed:
    """Public text after scrubbing, and how many private values it hid."""

    text: str
    hidden: int


class KnownValues:
    """Replaces one record's own private values, and their variants, in that record's public text."""

    def __init__(self, values: Iterable[PrivateValue]) -> None:
        pairs: list[tuple[str, str]] = []
        for value in values:
            if is_sensitive(value):
                pairs.extend(_patterns(value))
        # Longest first so a full name wins over the given name inside it.
        pairs.sort(key=lambda p: -len(p[0]))
        self._tokens = [token for _, token in pairs]
        self._regex = re.compile("|".join(f"({p})" for p, _ in pairs)) if pairs else None

    def scrub(self, text: str) -> Scrubbed:
        """Replace every known private value in `text` with its token."""
        if self._regex is None or not text:
            return Scrubbed(text, 0)
        pieces: list[str] = []
        end = 0
        for match in self._regex.finditer(text.translate(_FOLD_DIGITS)):
            pieces += [text[end:match.start()], self._tokens[(match.lastindex or 1) - 1]]
            end = match.end()
        pieces.append(text[end:])
        return Scrubbed("".join(pieces), (len(pieces) - 1) // 2)


def _forms(text: str) -> set[str]:
    """The normalised forms a value is searched for in the output: NFKC, lower case, digits joined."""
    folded = unicodedata.normalize("NFKC", text).lower().strip()
    forms = {folded}
    joined = _JOIN_DIGITS.sub("", folded)
    forms.add(joined)
    return {f for f in forms if f}


def _gate_values(record: Complaint) -> Iterable[tuple[PrivateValue, str]]:
    for value in record.private:
        if value.field == "description":
            # The complainant's own account: look for it whole and for its longer lines; shorter pieces would
            # match ordinary words of the guide.
            pieces = [p for p in (value.value, *value.value.splitlines()) if len(p.strip()) >= 12]
            for piece in pieces:
                for form in _forms(piece):
                    yield value, form
        elif is_sensitive(value):
            for form in _forms(value.value):
                yield value, form


@dataclass(frozen=True)
class Leak:
    """A private value of a record found in an output file (the value itself is never kept here)."""

    record_path: str
    field: str
    line: int
    output: str


def scan_output(outputs: dict[str, bytes], records: Iterable[Complaint]) -> list[Leak]:
    """Every place a record's private value appears, in normalised form, in any output file.

    One Aho-Corasick automaton over all values of all records: one pass per output whatever the number of records.
    """
    automaton = ahocorasick.Automaton()
    owners: dict[str, list[tuple[Complaint, PrivateValue]]] = {}
    for record in records:
        for value, form in _gate_values(record):
            owners.setdefault(form, []).append((record, value))
    if not owners:
        return []
    for form in owners:
        automaton.add_word(form, form)
    automaton.make_automaton()
    leaks: list[Leak] = []
    seen: set[tuple[str, str, str]] = set()
    for out_path in sorted(outputs):
        raw = outputs[out_path].decode("utf-8", errors="replace")
        text = unicodedata.normalize("NFKC", html.unescape(raw)).lower()
        for haystack in (text, _JOIN_DIGITS.sub("", text)):
            for _, form in automaton.iter(haystack):
                for record, value in owners[form]:
                    key = (record.path, value.field, out_path)
                    if key not in seen:
                        seen.add(key)
                        leaks.append(Leak(record.path, value.field, value.line, out_path))
    return sorted(leaks, key=lambda leak: (leak.record_path, leak.line, leak.field, leak.output))
