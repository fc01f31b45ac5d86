"""What the new privacy corpora share: gold spans with leak markers, and the leak, recall and damage measures.

A *leak* is judged on the scrubbed text, not on offsets: a span leaked when its significant part is still readable
anywhere in the output, in any form (NFKC, case, separators between digits, runs of Chinese numerals read as digits):

- phones: 7 consecutive digits of the number without country code and trunk 0 (a subscriber number can be dialled
  once its area is known; a mask such as 138****5678 shows at most 4);
- other digit kinds (ID, card, QQ, order, tracking): 8 consecutive digits, or the whole value if shorter;
- names, addresses, e-mail, plates, WeChat: a marker string, e.g. the full name and the given name (2+ characters),
  the street core of an address (road and house number), the local part of an e-mail.

*Caught* (for recall) is offset based: the replacements cover every character of the gold span.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from kspages.model import PrivateValue
from kspages.privacy import Scrubbed, Scrubber

PHONE_KINDS = ("mobile", "landline")
DIGIT_KINDS = ("mobile", "landline", "id_card", "bank_card", "qq", "order", "tracking")
_CN_RUN = re.compile(r"[零〇一二三四五六七八九]{7,}")
_CN = str.maketrans("零〇一二三四五六七八九", "00123456789")
_JOIN = re.compile(r"(?<=\d)[\s\-‐–—·.()（）/+]+(?=\d)")
_SEPARATORS = re.compile(r"[\s\-‐–—·.()（）]")


def fold(text: str) -> str:
    """NFKC, lower case, runs of 7+ Chinese numerals as digits."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _CN_RUN.sub(lambda m: m[0].translate(_CN), text)


def digit_runs(text: str) -> list[str]:
    """The digit runs of a text, joined over separators (spaces, dashes, dots, brackets, plus)."""
    return re.findall(r"\d+", _JOIN.sub("", fold(text)))


def letters(text: str) -> str:
    """A folded text without whitespace and separators, for marker lookups."""
    return _SEPARATORS.sub("", fold(text))


def significant_digits(kind: str, written: str) -> str:
    """The digits that identify a value: a phone without country code and trunk 0, others as written."""
    digits = "".join(re.findall(r"\d", fold(written)))
    if kind in PHONE_KINDS:
        if digits.startswith("0086"):
            digits = digits[4:]
        elif digits.startswith("86") and len(digits) > 11:
            digits = digits[2:]
        digits = digits.lstrip("0")
    return digits


@dataclass(frozen=True)
class Gold:
    """A personal span of a text: where, what kind, whose (the complainant's own or a third party's), and how to
    tell that it leaked (`digits` for digit kinds, `words` otherwise)."""

    start: int
    end: int
    kind: str
    own: bool
    form: str = ""  # how it is written (for the report: which rewriting leaked), e.g. "landline/3-4-4 no trunk"
    digits: str = ""
    words: tuple[str, ...] = ()

    def leaked(self, output: str, runs: Sequence[str] | None = None, flat: str | None = None) -> bool:
        """Whether the significant part is still readable in `output`."""
        if self.digits:
            width = min(len(self.digits), 7 if self.kind in PHONE_KINDS else 8)
            runs = digit_runs(output) if runs is None else runs
            windows = {self.digits[i:i + width] for i in range(len(self.digits) - width + 1)}
            if any(w in run for run in runs for w in windows):
                return True
        flat = letters(output) if flat is None else flat
        return any(letters(w) in flat for w in self.words if w)


def name_words(full: str, surname: str = "", given: str = "") -> tuple[str, ...]:
    """Leak markers of a name: the full name in natural order, and the given name when it has 2+ characters."""
    full = re.sub(r"\s", "", full)
    words = [full, surname + given] if surname and given else [full]
    if len(given) >= 2:
        words.append(given)
    return tuple(dict.fromkeys(w for w in words if w))


ROAD = r"(?:大街|大道|胡同|路|街|道|巷|弄|条|里)"
_STREET_CORE = re.compile(r"[^省市区县镇\s]*?" + ROAD + r"?[^省市区县镇\s]*?[\d一二三四五六七八九十百A-Za-z]+(?:号楼|号|栋|座|幢)")


def street_core(address: str) -> str:
    """The street-level core of an address (road and house number, or compound and building), e.g. 东四十条106号;
    the address itself when no such part is found."""
    tail = re.split(r"[省市区县镇]", address)[-1]
    after = tail.split("街道", 1)[-1]
    if "街道" in tail and re.search(ROAD + r".*?\d", after):
        tail = after  # 粤海街道科技园路100号: the sub-district goes, 永定东街道74号 is itself the road
    match = _STREET_CORE.search(tail) or _STREET_CORE.search(address)
    return match[0] if match else address


def markers(kind: str, written: str, *, words: Iterable[str] = ()) -> tuple[str, tuple[str, ...]]:
    """Default leak markers (digits, words) of a span of `kind` written as `written`."""
    extra = tuple(words)
    if kind in DIGIT_KINDS:
        return significant_digits(kind, written), extra
    if kind == "email":
        local = fold(written).split("@")[0].split("＠")[0].split("艾特")[0].split("(at)")[0].split(" at ")[0]
        return "", (*extra, local if len(local) >= 3 else fold(written))
    if kind == "address":
        return "", (*extra, street_core(written))
    return "", (*extra, written)


@dataclass
class Case:
    """One text to scrub, the known values of its record (passed to the Scrubber), and its gold spans."""

    text: str
    known: tuple[PrivateValue, ...] = ()
    gold: list[Gold] = field(default_factory=list)


class Builder:
    """Builds a text piece by piece, recording gold spans at their offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.gold: list[Gold] = []
        self.size = 0

    def text(self, s: str) -> Builder:
        self.parts.append(s)
        self.size += len(s)
        return self

    def span(self, s: str, kind: str, own: bool, form: str = "", words: Iterable[str] = ()) -> Builder:
        digits, ws = markers(kind, s, words=words)
        self.gold.append(Gold(self.size, self.size + len(s), kind, own, form, digits, ws))
        return self.text(s)

    def case(self, known: Iterable[PrivateValue] = ()) -> Case:
        return Case("".join(self.parts), tuple(known), list(self.gold))


def gold_by_substring(text: str, spans: Iterable[tuple[str, str, bool]], words: dict[str, tuple[str, ...]] | None
                      = None) -> list[Gold]:
    """Gold spans of a hand-written text from (substring, kind, own); a substring repeated is matched in order.
    Raises ValueError when a substring is not in the text (annotations are verified, not trusted)."""
    gold: list[Gold] = []
    seen: dict[str, int] = {}
    for sub, kind, own in spans:
        at = text.find(sub, seen.get(sub, 0))
        if at < 0:
            raise ValueError(f"gold span {sub!r} not in {text!r}")
        seen[sub] = at + len(sub)
        digits, ws = markers(kind, sub, words=(words or {}).get(sub, ()))
        gold.append(Gold(at, at + len(sub), kind, own, "", digits, ws))
    return gold


# --- measuring ---------------------------------------------------------------------------------------------------


@dataclass
class KindTally:
    """Per kind: the complainant's own spans and how many leaked; third parties' spans, caught and leaked."""

    own: int = 0
    own_leaks: int = 0
    third: int = 0
    third_caught: int = 0
    third_leaks: int = 0
    leaked_forms: dict[str, int] = field(default_factory=dict)

    @property
    def third_recall(self) -> float:
        return self.third_caught / self.third if self.third else 1.0


ScrubFn = Callable[[Case], Scrubbed]


def real_scrubber(people: str = "role") -> ScrubFn:
    """Scrub a case as a build would: a Scrubber with the record's own values known (one per record, cached)."""
    cache: dict[tuple[PrivateValue, ...], Scrubber] = {}

    def scrub(case: Case) -> Scrubbed:
        scrubber = cache.get(case.known)
        if scrubber is None:
            scrubber = cache[case.known] = Scrubber(case.known, people)
        return scrubber.scrub(case.text)

    return scrub


def covered(hits: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    chars: set[int] = set()
    for a, b in hits:
        chars.update(range(max(a, start), min(b, end)))
    return len(chars) == end - start


def measure(cases: Iterable[Case], scrub: ScrubFn) -> dict[str, KindTally]:
    """Scrub every case; tally own-value leaks and third-party recall and leaks per kind."""
    tallies: dict[str, KindTally] = {}
    for case in cases:
        result = scrub(case)
        hits = [(h.start, h.start + len(h.original)) for h in result.hits]
        runs, flat = digit_runs(result.text), letters(result.text)
        for g in case.gold:
            t = tallies.setdefault(g.kind, KindTally())
            leaked = g.leaked(result.text, runs, flat)
            if g.own:
                t.own += 1
                t.own_leaks += leaked
            else:
                t.third += 1
                t.third_caught += covered(hits, g.start, g.end)
                t.third_leaks += leaked
            if leaked:
                key = ("own " if g.own else "third-party ") + (g.form or g.kind)
                t.leaked_forms[key] = t.leaked_forms.get(key, 0) + 1
    return tallies


# --- grammar damage ----------------------------------------------------------------------------------------------


def _remove(text: str, spans: Iterable[tuple[int, int]]) -> str:
    drop: set[int] = set()
    for a, b in spans:
        drop.update(range(a, b))
    return "".join(c for i, c in enumerate(text) if i not in drop)


def without_tokens(original: str, result: Scrubbed) -> str:
    """The scrubbed text with every replacement token taken out. Located through the hits when they account for
    the output exactly; otherwise every token string is removed from the output text."""
    pieces: list[str] = []
    end = 0
    rebuilt: list[str] = []
    for h in sorted(result.hits, key=lambda h: h.start):
        if h.start < end or original[h.start:h.start + len(h.original)] != h.original:
            break
        pieces.append(original[end:h.start])
        rebuilt += [original[end:h.start], h.token]
        end = h.start + len(h.original)
    else:
        pieces.append(original[end:])
        rebuilt.append(original[end:])
        if "".join(rebuilt) == result.text:
            return "".join(pieces)
    text = result.text
    for token in sorted({h.token for h in result.hits}, key=len, reverse=True):
        text = text.replace(token, "")
    return text


def lost_characters(expected: str, got: str) -> str:
    """Characters of `expected` (the original without its personal spans) missing from `got` (the scrubbed text
    without its tokens): `expected` minus a longest common subsequence of the two, whitespace ignored."""
    a, b = re.sub(r"\s", "", expected), re.sub(r"\s", "", got)
    if a in b or not a:
        return ""
    prev = [0] * (len(b) + 1)
    rows = [prev]
    for ca in a:
        row = [0]
        for j, cb in enumerate(b):
            row.append(prev[j] + 1 if ca == cb else max(prev[j + 1], row[j]))
        rows.append(row)
        prev = row
    lost: list[str] = []
    i, j = len(a), len(b)
    while i > 0:
        if j > 0 and a[i - 1] == b[j - 1]:
            i, j = i - 1, j - 1
        elif j > 0 and rows[i][j - 1] >= rows[i - 1][j]:
            j -= 1
        else:
            lost.append(a[i - 1])
            i -= 1
    return "".join(reversed(lost))


def damage(case: Case, result: Scrubbed) -> str:
    """The non-personal characters a scrub removed from a case ("" when none)."""
    expected = _remove(case.text, [(g.start, g.end) for g in case.gold])
    return lost_characters(expected, without_tokens(case.text, result))
