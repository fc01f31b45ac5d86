"""What counts as "the same private value", whatever its spelling: one definition for the scrubber and the gate.

A private value is recognised by its *forms*. Digit-bearing values (phones, ID and card numbers, order and tracking
numbers, QQ) are recognised by their significant digits, matched against the digit runs of a text joined across
separators and brackets, and aligned to whole numbers: a country code (+86, 0086, 86) or a trunk zero may stand in
front, nothing else may touch either end. Words (names, e-mails, addresses, IDs with letters) are matched in a
compact copy of the text where spaces and dots between Chinese characters are gone ("张 三 丰" is 张三丰).

*Strong* forms identify a person anywhere on the site; the output gate looks for them in every byte, for every
record. *Weak* forms (a given name alone, surname + honorific, the local part of an e-mail, a landline without its
area code, a street and house number) identify a person only beside the rest of the record: the scrubber removes
them from the record's own text, with the same matcher, but the gate does not look for them site-wide, where they
would be other people's words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import PrivateValue
from ..packed import sharing
from .detect import address_parts
from .lexicon import COMPOUND_SURNAMES, HONORIFICS

# What people put between the digits of one number: spaces, dashes of every width, dots, slashes, brackets around an
# area code, a plus before a country code. NFKC has already turned full-width forms into these.
DIGIT_GAP = " \t\u00a0\u3000-\u2010\u2011\u2012\u2013\u2014\u2015\u2212·•.．/()[]（）【】+_~"
GAP = f"[{re.escape(DIGIT_GAP)}\u200b\u200c\u200d\u2060\ufeff]"
# The separators between two digits taken out: a superset of what the runs join, for a quick look before them.
JOINED = re.compile(f"(?<=[0-9]){GAP}{{1,3}}(?=[0-9xX])")
# Up to three separator characters between two digits: "(021) 8913" has two, "021 - 8913" three.
DIGIT_RUN = re.compile(f"[0-9](?:{GAP}{{0,3}}[0-9])*(?:{GAP}{{0,3}}[xX](?![0-9a-zA-Z]))?")
# In front of a number's significant digits only these may stand: country code, trunk zero, both.
PREFIXES = ("", "0", "86", "086", "860", "0086", "00860")
_DATE = re.compile(r"^(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])$")
# Between two Chinese characters of a name: spaces, middle dots, zero-width characters.
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_NAME_GAP = re.compile(f"(?<=[{_CJK}])[\\s·•・‧\u200b\u200c\u200d\u2060\ufeff]{{1,3}}(?=[{_CJK}])")
_CJK_NAME = re.compile(f"^[{_CJK}]{{2,4}}$")

DIGIT_KINDS = frozenset({"mobile", "landline", "id_card", "bank_card", "qq", "order", "tracking", "private"})
PHONE_KINDS = frozenset({"mobile", "landline"})

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
_NOT_DIGIT = re.compile("[^0-9]")
_NOT_RUN_DIGIT = re.compile("[^0-9xX]")
_POSTCODE_AFTER = re.compile(r"[\s,，]*(?:邮编[:：]?\s*)?[0-9]{6}$")
_CHECK_X = re.compile(r"[0-9]\s*[xX]\s*$")
_GAPS = re.compile(f"{GAP}+")
_NUMBER = re.compile("[0-9]+x?")
_LONG_DIGITS = re.compile("[0-9]{8,}")
_DATE_OR_AMOUNT = re.compile(r"^(\d{4}-\d{2}-\d{2}([ T][\d:]+)?|\d+(\.\d+)?|¥?\d+(\.\d{1,2})?元?)$")


@functools.lru_cache(maxsize=1 << 10)  # records share a handful of field names
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
    return _sensitive(value.field, fold(value.value))


def _sensitive(field: str, text: str) -> bool:
    if field in NOT_PERSONAL or field == "description":
        return False
    if _DATE_OR_AMOUNT.match(text):
        return len(_NOT_DIGIT.sub("", text)) >= 5 and "." not in text and "-" not in text
    return len(text) >= 2


def name_parts(name: str) -> tuple[str, str]:
    """Surname and given name of a Chinese name (compound surnames included)."""
    size = 2 if name[:2] in COMPOUND_SURNAMES or len(name) == 4 else 1
    return name[:size], name[size:]


@dataclass(frozen=True, slots=True)
class Form:
    """One way a private value can be recognised: digits (aligned to whole numbers) or a word (substring)."""

    text: str
    kind: str
    digits: bool
    strong: bool

    __setstate__ = sharing("kind")  # unpickled by the thousand when a gate reads records' forms

    @property
    def local(self) -> bool:
        """A landline without its area code (the only weak digit form): never read in a date ("2026-08-31")."""
        return self.digits and not self.strong


def _joined_digits(text: str) -> str:
    digits = _NOT_DIGIT.sub("", text)
    return digits + "x" if _CHECK_X.search(text) else digits


def digit_forms(text: str, kind: str) -> list[Form]:
    """The significant digits of a number-like value: as written, and for phones without country code and trunk
    zero, and a landline's local part."""
    joined = _joined_digits(text)
    if len(joined) < 5:
        return []
    forms = {joined: True}
    phone = kind in PHONE_KINDS or text.lstrip().startswith("+") or kind == "private" and 10 <= len(joined) <= 14
    if phone:
        national = joined
        for code in ("0086", "86"):
            if national.startswith(code) and len(national) - len(code) >= 9 and (
                    code == "0086" or text.lstrip().startswith("+") or len(national) == 13):
                national = national[len(code):]
                break
        national = national.removeprefix("0")
        forms[national] = True
        groups = re.findall(r"[0-9]+", text)
        if groups and groups[0] in ("86", "0086") and text.lstrip().startswith(("+", "0086", "86 ", "86-")):
            groups = groups[1:]
        if len(groups) >= 2 and 7 <= len(groups[-1]) <= 8:
            # Written with its area code apart ("+86 079-92196524", "(0531) 8765 4321"): the groups say where the
            # local number starts, whatever the area code looks like.
            kind = "landline"
            area = "".join(groups[:-1])
            forms.setdefault(area.removeprefix("0") + groups[-1], True)
            forms.setdefault(area + groups[-1], True)  # an area code that itself starts with 0 ("053")
            forms.setdefault(groups[-1], False)
        elif not national.startswith("1") or national.startswith("10"):
            kind = "landline"
            # A landline: area codes are 10 and 2x, or three digits after the trunk zero.
            local = national[2:] if national[0] in "12" else national[3:]
            if 7 <= len(local) <= 8:
                forms.setdefault(local, False)
    return [Form(f, kind, True, strong) for f, strong in forms.items() if len(f) >= 5]


def _address_forms(text: str) -> Iterator[tuple[str, bool]]:
    """Every part of an address from the street down, with or without what stands in front of it."""
    yield text, True
    parts = address_parts(text)
    if not parts:
        return
    offsets = []
    at = 0
    for part in parts:
        at = text.find(part, at)
        offsets.append(at)
        at += len(part)
    for i, (part, start) in enumerate(zip(parts, offsets, strict=True)):
        if part.endswith(("省", "自治区", "市", "自治州", "地区", "盟", "区", "县", "旗")) and i < len(parts) - 1:
            continue  # a tail that starts with a region is the tail after it, found at the next part
        if re.match(r"^[0-9a-z一二三四五六七八九十]+", part) and i > 0:
            break  # house, building and room numbers alone say nothing
        if len(part) == 1 and i > 0:
            start = offsets[i - 1]  # a street suffix read apart from its name: 兴安盟 + 路 is 兴安盟路
            # A district written without its suffix runs into the street's name (永川兴安盟路): the street may be
            # written without it, so shorter tails of a long name are forms too (weak: not gated site-wide).
            for cut in range(start + 1, offsets[i] - 1) if offsets[i] - start >= 4 else ():
                yield text[cut:], False
        tail = text[start:]
        if len(tail) >= 4:
            yield tail, len(tail) >= 6
        # The street and its house number, without the building and room.
        for j in range(i + 1, len(parts)):
            if parts[j].endswith("号"):
                street = text[start:offsets[j] + len(parts[j])]
                if len(street) >= 4 and street != tail:
                    yield street, False
                break


def forms_of(value: PrivateValue) -> list[Form]:
    """Every form a sensitive private value is recognised in (empty for values that are not sensitive)."""
    return list(_forms(value.field, value.value))


# Remembered: a build derives each value's forms twice, for the record's scrubber and for the output gate.
@functools.lru_cache(maxsize=1 << 16)
def _forms(field: str, value: str) -> tuple[Form, ...]:
    """The forms of one private value (a field and its text: the line does not matter)."""
    text = fold(value)
    if not _sensitive(field, text):
        return ()
    kind = kind_for(field)
    forms: list[Form] = []
    compact = _NAME_GAP.sub("", text)
    bare = _GAPS.sub("", compact)
    number = _NUMBER.fullmatch(bare)
    if number or kind in DIGIT_KINDS and _LONG_DIGITS.search(bare):
        forms += digit_forms(text, kind)
        if not number:
            forms.append(Form(bare, kind, False, True))  # "DY2026..." also as written, letters and all
        return tuple(forms)
    if kind == "person" and re.fullmatch(f"[{_CJK}]+ [{_CJK}]+", text):
        compact = "".join(reversed(text.split(" ")))  # stored given name first ("建华 李"): 李建华 is how it is read
        forms.append(Form(text.replace(" ", ""), kind, False, True))
    forms.append(Form(compact, kind, False, True))
    if kind == "person" and _CJK_NAME.match(compact):
        surname, given = name_parts(compact)
        forms += [Form(surname + h, kind, False, False) for h in HONORIFICS]
        if len(given) >= 2:
            forms.append(Form(given, kind, False, False))
    elif kind == "address":
        # A postcode written after the address (as Faker writes it, and some forms export it) is not part of the
        # street: without it, "兴安盟路A座" alone is still a form of "…兴安盟路A座 711146".
        street = _POSTCODE_AFTER.sub("", compact)
        forms += [Form(t, kind, False, strong) for t, strong in _address_forms(street) if t != compact]
    elif kind == "plate":
        # 冀O-89504 is written 冀O89504, 冀O·89504 or 冀O 89504; a detector may not know the letter (O and I are not
        # issued), so every spelling is a form of its own.
        plain = re.sub(r"[\s\-·•・.]", "", compact)
        forms += [Form(plain[:2] + gap + plain[2:], kind, False, True) for gap in ("", "-", "·", " ", "•", "・", ".")]
    elif kind == "email" and "@" in compact:
        local = compact.split("@", 1)[0]
        if len(local) >= 5:
            forms.append(Form(local, kind, False, False))  # often the QQ number or WeChat ID too
    seen: set[str] = set()
    return tuple(f for f in forms if not (f.text in seen or seen.add(f.text)))  # type: ignore[func-returns-value]


def all_forms(values: Iterable[PrivateValue]) -> list[tuple[PrivateValue, Form]]:
    """Every (value, form) of some private values, in a stable order."""
    return [(v, f) for v in values for f in _forms(v.field, v.value)]


@dataclass(frozen=True)
class Run:
    """A digit run of a text: its digits joined, where each digit stands, and where its written groups begin."""

    joined: str
    positions: tuple[int, ...]

    @functools.cached_property
    def bounds(self) -> frozenset[int]:
        """Indices into `joined` where a written group starts or ends (separated by something in the text)."""
        p = self.positions
        return frozenset({0, len(p)} | {i for i in range(1, len(p)) if p[i] - p[i - 1] > 1})

    def aligned(self, at: int, end: int, local: bool = False) -> int | None:
        """Where the number holding `joined[at:end]` starts (its prefix included), if the match is a whole number
        up to a country code or trunk zero in front; None if it is a piece of a longer number."""
        bounds = self.bounds
        if end not in bounds:
            return None
        for prefix in PREFIXES:
            start = at - len(prefix)
            if start >= 0 and start in bounds and self.joined[start:at] == prefix:
                if local and _DATE.match(self.joined[start:end]) and self._groups(start, end, bounds) == [4, 2, 2]:
                    return None  # written as a date: 2026-08-31
                return start
        return None

    def whole(self, digits: str, local: bool = False) -> Iterator[tuple[int, int]]:
        """Where `digits` stand in this run as a whole number: (start with its prefix, end), indices into `joined`."""
        for at in occurrences(self.joined, digits):
            start = self.aligned(at, at + len(digits), local)
            if start is not None:
                yield start, at + len(digits)

    @staticmethod
    def _groups(start: int, end: int, bounds: frozenset[int]) -> list[int]:
        inner = sorted(b for b in bounds if start <= b <= end)
        return [b - a for a, b in zip(inner, inner[1:], strict=False)]


def digit_runs(text: str, holding: Iterable[str] | None = None) -> Iterator[Run]:
    """The digit runs of a normalised text (NFKC, lower case, Chinese numerals read as digits); with `holding`,
    only those whose digits hold one of these strings (the others cost a regex substitution, not a Run)."""
    for match in DIGIT_RUN.finditer(text):
        joined = _joined(match)
        if holding is not None and not any(h in joined for h in holding):
            continue
        start, end = match.span()
        if len(joined) == end - start:
            positions = tuple(range(start, end))  # no separator: most numbers are written in one piece
        else:
            positions = tuple(start + i for i, c in enumerate(match[0]) if c.isdigit() or c in "xX")
        yield Run(joined, positions)


def run_digits(text: str) -> Iterator[str]:
    """The digits of each digit run of a normalised text (`digit_runs` without where they stand)."""
    return map(_joined, DIGIT_RUN.finditer(text))


def _joined(run: re.Match[str]) -> str:
    # The run holds only ASCII digits, x and separators: its digits are what is left without the separators.
    return _NOT_RUN_DIGIT.sub("", run[0]).lower()


def compact_text(text: str) -> str:
    """`text` without spaces and dots between Chinese characters (no map back: for the gate)."""
    return _NAME_GAP.sub("", text)


def compact(text: str) -> tuple[str, list[int] | None]:
    """`text` without spaces and dots between Chinese characters, and where each remaining character stood."""
    if not _NAME_GAP.search(text):
        return text, None
    keep = [True] * len(text)
    for match in _NAME_GAP.finditer(text):
        for i in range(match.start(), match.end()):
            keep[i] = False
    index = [i for i, k in enumerate(keep) if k]
    return "".join(text[i] for i in index), index


@dataclass(frozen=True)
class Found:
    """A form found in a normalised text, in that text's coordinates."""

    start: int
    end: int
    form: Form


class Matcher:
    """Finds the forms of some private values in a normalised text (NFKC, lower case): used per record."""

    def __init__(self, forms: Iterable[Form]) -> None:
        forms = list(forms)
        self.digits = sorted((f for f in forms if f.digits), key=lambda f: -len(f.text))
        self.words = sorted((f for f in forms if not f.digits), key=lambda f: -len(f.text))
        # A text is searched only for the forms whose first character it holds (one set operation in C).
        self._firsts = frozenset(f.text[0] for f in self.words)

    def find(self, text: str) -> Iterator[Found]:
        """Every occurrence of a form in `text`, as spans of `text`."""
        if self.digits:
            # A cheap look first, with the separators between digits taken out (in C): most texts hold no form.
            joined = JOINED.sub("", text)
            present = [form for form in self.digits if form.text in joined]
            for run in digit_runs(text, [form.text for form in present]) if present else ():
                for form in present:
                    if form.text not in run.joined:
                        continue
                    for start, end in run.whole(form.text, form.local):
                        yield Found(_with_prefix(text, run.positions[start]), run.positions[end - 1] + 1, form)
        present_firsts = self._firsts.intersection(text) if self.words else ()
        if present_firsts:
            packed, index = compact(text)
            for form in (f for f in self.words if f.text[0] in present_firsts):
                for at in occurrences(packed, form.text):
                    end = at + len(form.text)
                    if not (form.text.isascii() and (_alnum(packed, at - 1) or _alnum(packed, end))):
                        # An ASCII value inside a longer ASCII word is a different value ("abc12" in "abc123").
                        yield Found(index[at] if index else at, index[end - 1] + 1 if index else end, form)


def occurrences(text: str, part: str) -> Iterator[int]:
    """Every index where `part` starts in `text`, overlapping ones included."""
    at = text.find(part)
    while at >= 0:
        yield at
        at = text.find(part, at + 1)


def _with_prefix(text: str, start: int) -> int:
    """A leading "+" of a country code goes with the number."""
    return start - 1 if start > 0 and text[start - 1] == "+" else start


def _alnum(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()
