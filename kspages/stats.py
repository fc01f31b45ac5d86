"""Statistics over all records: counts and review times, for the statistics page and for guide pages to quote.

Only aggregates leave this module: counts per code and day counts per category, never a record.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import statistics
from dataclasses import dataclass, field, replace
from typing import Any

from .codes import CODES
from .errors import ContentError, did_you_mean
from .model import Complaint, GuidePage
from .packed import sharing

DECIDED = ("resolved", "rejected")  # review time runs from receipt to a decision; a withdrawal is no decision
MISSING = "—"  # what a guide shows for a figure there is no data for yet


@dataclass(frozen=True)
class Stats:
    """Aggregate figures over every record (published or not)."""

    total: int
    updated: dt.date | None  # the day the figures are as of: the build's --as-of day (else the latest history date)
    count: dict[str, dict[str, int]]  # kind (category, channel, status, reason, rating) -> code -> records
    rated_over: int  # decided complaints with a published notice: the only ones whose rating (feedback) counts
    decided: dict[str, int]  # category (and "all") -> records decided, the sample behind the day counts
    median_days: dict[str, float]  # category (and "all") -> median days from receipt to decision
    p90_days: dict[str, float]  # category (and "all") -> 90th percentile (nearest rank)


@dataclass(frozen=True, slots=True)
class Counted:
    """What one record adds to the figures (`Tally`): made by the map, so the figures need no record afterwards."""

    category: str
    channel: str
    status: str
    reason: str | None  # the reason of the last step of a rejected complaint
    rated: bool  # decided with its notice published: counts in the ratings' total
    rating: str | None  # the feedback's rating, where it counts (rated, and not dated after the day)
    last: dt.date | None  # the day of the last step
    taken: int | None  # days from receipt to that step, for a decided complaint

    __setstate__ = sharing("category", "channel", "status", "reason", "rating", "last")

    @classmethod
    def of(cls, r: Complaint, published: bool, as_of: dt.date | None) -> Counted:
        """What `r` adds to the figures as of a day, its notice published or not."""
        rated = published and r.status in DECIDED
        # The complainant's view of the result (feedback), unless dated after the day the figures are as of.
        fb = r.feedback
        counts = rated and fb is not None and not (as_of and fb.date and fb.date > as_of)
        last = r.history[-1] if r.history else None
        return cls(r.category, r.channel, r.status,
                   last.reason if r.status == "rejected" and last and last.reason else None,
                   rated, fb.rating if counts and fb is not None else None, last.date if last else None,
                   (last.date - r.received).days if last and r.status in DECIDED else None)


@dataclass
class Tally:
    """The sums behind `Stats` for one day: a record can be added, or taken away again, in O(log n).

    Ratings count over the decided complaints (resolved or rejected) whose notice is published, as the quarterly
    satisfaction share counts them: a rating is a public text of its notice, so one of an unpublished or withdrawn
    notice is not shown, not even in a total, and one page never gives two totals.
    """

    as_of: dt.date | None
    count: dict[str, dict[str, int]] = field(default_factory=lambda: {
        kind: dict.fromkeys(CODES[kind], 0) for kind in ("category", "channel", "status", "reason", "rating")})
    days: dict[str, list[int]] = field(default_factory=lambda: {code: [] for code in (*CODES["category"], "all")})
    rated_over: int = 0
    total: int = 0
    last: dict[dt.date, int] = field(default_factory=dict)  # day of a record's last step -> records

    @classmethod
    def of(cls, counted: list[Counted], as_of: dt.date | None) -> Tally:
        """The sums over what each record adds (`Counted`, made as of the same day)."""
        tally = cls(as_of)
        for c in counted:
            tally.add(c, sort=False)
        for values in tally.days.values():
            values.sort()
        return tally

    def copy(self) -> Tally:
        """An independent copy (the lists are copied, not shared)."""
        return Tally(self.as_of, {k: dict(v) for k, v in self.count.items()},
                     {k: list(v) for k, v in self.days.items()}, self.rated_over, self.total, dict(self.last))

    def add(self, c: Counted, sign: int = 1, sort: bool = True) -> None:
        """Count a record in (`sign` 1) or out (-1); `sort=False` appends, for `of` to sort once."""
        self.total += sign
        self.count["category"][c.category] += sign
        self.count["channel"][c.channel] += sign
        self.count["status"][c.status] += sign
        if c.reason:
            self.count["reason"][c.reason] += sign
        if c.rated:
            self.rated_over += sign
            if c.rating:
                self.count["rating"][c.rating] += sign
        if c.last is not None:
            self.last[c.last] = self.last.get(c.last, 0) + sign
            if not self.last[c.last]:
                del self.last[c.last]
        if c.taken is not None:
            for values in (self.days[c.category], self.days["all"]):
                if sign < 0:
                    del values[bisect.bisect_left(values, c.taken)]
                elif sort:
                    bisect.insort(values, c.taken)
                else:
                    values.append(c.taken)

    def figures(self) -> Stats:
        """The figures: counts, and the median and 90th percentile (nearest rank) of each sorted list of days."""
        return Stats(total=self.total, updated=self.as_of or max(self.last, default=None),
                     count={k: dict(v) for k, v in self.count.items()}, rated_over=self.rated_over,
                     decided={k: len(v) for k, v in self.days.items()},
                     median_days={k: _median(v) for k, v in self.days.items() if v},
                     p90_days={k: float(v[math.ceil(0.9 * len(v)) - 1]) for k, v in self.days.items() if v})


def _median(ordered: list[int]) -> float:
    middle = len(ordered) // 2
    return float(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2)


def number(value: float) -> str:
    """A figure as people read it: 4, 4.5."""
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def chinese_date(day: dt.date) -> str:
    """A date as Chinese readers write it: 2026年11月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def quotable(stats: Stats) -> dict[str, Any]:
    """The names a guide page may quote as {{ stats.<name>.<code> }}, with their printed values."""
    def per_category(values: dict[str, float]) -> dict[str, str]:
        return {k: number(values[k]) if k in values else MISSING for k in (*CODES["category"], "all")}

    return {
        "total": str(stats.total),
        "updated": chinese_date(stats.updated) if stats.updated else MISSING,
        "median_days": per_category(stats.median_days),
        "p90_days": per_category(stats.p90_days),
        "decided": {k: str(v) for k, v in stats.decided.items()},
        **{kind: {code: str(n) for code, n in codes.items()} for kind, codes in stats.count.items()},
    }


_QUOTE = re.compile(r"\{\{\s*stats\.([A-Za-z0-9_.]+)\s*\}\}")


def fill_guide(pages: list[GuidePage], stats: Stats, errors: list[ContentError]) -> list[GuidePage]:
    """Guide pages with every {{ stats.x.y }} replaced by its figure; an unknown name is an error at its line."""
    names = quotable(stats)
    filled: list[GuidePage] = []
    for page in pages:
        def value(match: re.Match[str], page: GuidePage = page) -> str:
            node: Any = names
            path = match[1].split(".")
            for depth, part in enumerate(path):
                if not isinstance(node, dict) or part not in node:
                    options = sorted(node) if isinstance(node, dict) else []
                    where = ".".join(["stats", *path[:depth]])
                    line = page.body_line + page.body.count("\n", 0, match.start())
                    errors.append(ContentError(page.path, line, f"unknown figure '{match[0].strip('{} ')}'",
                                               f"under {where}: {did_you_mean(part, options)}" if options
                                               else f"{where} is a single figure"))
                    return match[0]
                node = node[part]
            if isinstance(node, dict):
                errors.append(ContentError(page.path, page.body_line + page.body.count("\n", 0, match.start()),
                                           f"'{match[0].strip('{} ')}' names a group, not a figure",
                                           f"add one of: {', '.join(sorted(node))}"))
                return match[0]
            return str(node)
        body = _QUOTE.sub(value, page.body)
        filled.append(replace(page, body=body) if body != page.body else page)
    return filled


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, value, printed value and length as a share of the longest."""

    label: str
    value: float
    text: str
    share: float


def bars(values: dict[str, float], labels: dict[str, str]) -> tuple[Bar, ...]:
    """Bars for a chart, in the order of `labels`, scaled to the largest value."""
    top = max(values.values(), default=0) or 1
    return tuple(Bar(labels[code], values.get(code, 0), number(values.get(code, 0)), values.get(code, 0) / top)
                 for code in labels)


# Quarter by quarter: whether results improve over time. Each complaint counts in the quarter it was received (受理),
# so one row follows one group of complaints from receipt to decision and feedback; the latest quarters are still
# filling in (undecided complaints are shown as such, never counted as decided).

SATISFIED = frozenset({"satisfied", "partly"})  # feedback.rating codes read as 满意 and 基本满意
FEW = 5  # below this many decided (or rated) complaints a share is drawn pale: a share of 1 or 2 says little
QUARTERS_SHOWN = 8  # two years: enough to see a trend, short enough for a phone
_QUARTER_NAMES = ("一季度", "二季度", "三季度", "四季度")


def percent(part: int, whole: int) -> str:
    """A share as a whole percent rounded half up (四舍五入, as readers round), or the missing mark."""
    return f"{(200 * part + whole) // (2 * whole)}%" if whole else MISSING


@dataclass(frozen=True, slots=True)
class Case:
    """One complaint as the quarterly figures need it, as it stood on the build's day (from public types only)."""

    category: str
    received: dt.date
    decided: dt.date | None  # the day of the decision in force on the build's day, None while undecided
    upheld: bool  # meaningful only when decided
    rating: str | None  # the complainant's published rating of the result, if any

    __setstate__ = sharing("category", "received", "decided", "rating")


def case(category: str, received: dt.date, steps: list[tuple[dt.date, str]], upheld: bool,
         rating: str | None, as_of: dt.date) -> Case:
    """A complaint as it stood on `as_of`: the last step on or before that day says whether it was decided.

    `upheld` is the verdict on the complaint's final status (public.upheld: resolved in the consumer's favour).
    Steps dated after `as_of` are ignored, so a build dated in the past shows the figures of that day.
    """
    known = [(day, status) for day, status in steps if day <= as_of]
    day, status = known[-1] if known else (received, "pending")
    if status not in DECIDED:
        return Case(category, received, None, False, None)
    # resolved is final, so a complaint resolved on `as_of` has its final verdict; a rejection is never upheld.
    return Case(category, received, day, status == "resolved" and upheld, rating)


def quarter_of(day: dt.date) -> int:
    """A running quarter number (year * 4 + quarter - 1), so quarters sort and subtract."""
    return day.year * 4 + (day.month - 1) // 3


def quarter_label(quarter: int) -> str:
    """A quarter as Chinese statistics releases name it: 2026年一季度."""
    return f"{quarter // 4}年{_QUARTER_NAMES[quarter % 4]}"


@dataclass(frozen=True)
class Share:
    """`part` of `whole` complaints: printed with both counts, so a share of a handful is seen as one."""

    part: int
    whole: int

    @property
    def percent(self) -> str:
        """The share as a whole percent, or the missing mark when there is no denominator."""
        return percent(self.part, self.whole)

    @property
    def text(self) -> str:
        """As a table shows it: 3 件中 2 件（67%）."""
        return f"{self.whole} 件中 {self.part} 件（{self.percent}）" if self.whole else MISSING

    @property
    def few(self) -> bool:
        """Too few complaints for the share to mean much (but more than none)."""
        return 0 < self.whole < FEW


@dataclass(frozen=True)
class QuarterRow:
    """The figures of the complaints received in one quarter."""

    quarter: int  # see quarter_of
    label: str  # 2026年一季度
    axis: str  # 一季度: a chart names the year apart
    year: str  # 2026年
    until: str  # for the quarter of the build's day, which is not over: that day (2026年11月30日); else ""
    received: int
    upheld: Share  # upheld among decided: pending, in progress and withdrawn are not in the denominator
    median_days: float | None  # from receipt to decision, over the decided ones
    satisfied: Share  # 满意 or 基本满意 among the decided complaints whose complainant rated the result

    @property
    def pending(self) -> int:
        """Complaints received this quarter that have no decision yet (or were withdrawn)."""
        return self.received - self.upheld.whole

    @property
    def days_text(self) -> str:
        """The median days as printed, or the missing mark."""
        return number(self.median_days) if self.median_days is not None else MISSING


def quarterly(cases: list[Case], as_of: dt.date, shown: int = QUARTERS_SHOWN, only_with_data: bool = False
              ) -> tuple[QuarterRow, ...]:
    """One row per quarter, oldest first, from the first quarter with a complaint (at most `shown` quarters back)
    up to the quarter of `as_of`; complaints received after `as_of` do not count.

    A quarter without complaints is a row of zeros (that is a result too) unless `only_with_data`.
    """
    end = quarter_of(as_of)
    groups: dict[int, list[Case]] = {}
    for c in cases:
        if c.received <= as_of:
            groups.setdefault(quarter_of(c.received), []).append(c)
    if not groups:
        return ()
    rows: list[QuarterRow] = []
    for quarter in range(max(min(groups), end - shown + 1), end + 1):
        group = groups.get(quarter, [])
        if only_with_data and not group:
            continue
        decided = [c for c in group if c.decided is not None]
        rated = [c for c in decided if c.rating is not None]
        days = [(c.decided - c.received).days for c in decided if c.decided is not None]
        rows.append(QuarterRow(
            quarter=quarter, label=quarter_label(quarter), axis=_QUARTER_NAMES[quarter % 4],
            year=f"{quarter // 4}年", until=chinese_date(as_of) if quarter == end else "",
            received=len(group), upheld=Share(sum(c.upheld for c in decided), len(decided)),
            median_days=float(statistics.median(days)) if days else None,
            satisfied=Share(sum(c.rating in SATISFIED for c in rated), len(rated))))
    return tuple(rows)


@dataclass(frozen=True)
class Column:
    """One quarter's column in one panel of a trend chart."""

    text: str  # the printed value, or the missing mark
    height: float | None  # share of the panel's height, None when there is no value
    few: bool  # a share over fewer than FEW complaints: drawn pale


@dataclass(frozen=True)
class Panel:
    """One figure of a trend chart, quarter by quarter."""

    title: str
    columns: tuple[Column, ...]


def trend(rows: tuple[QuarterRow, ...]) -> tuple[Panel, ...]:
    """The four panels of a quarterly chart: complaints, share upheld, median days, share satisfied.

    Counts and days are scaled to their largest value; shares to 100%, so quarters compare by their heights.
    """
    def scaled(values: list[float | None], texts: list[str], few: list[bool] | None = None,
               top: float | None = None) -> tuple[Column, ...]:
        top = top or max((v for v in values if v is not None), default=0) or 1
        return tuple(Column(text, None if v is None else v / top, bool(few and few[i]))
                     for i, (v, text) in enumerate(zip(values, texts, strict=True)))

    def shares(pick: list[Share]) -> tuple[Column, ...]:
        return scaled([s.part / s.whole if s.whole else None for s in pick], [s.percent for s in pick],
                      [s.few for s in pick], top=1.0)

    return (
        Panel("收到的投诉（件）", scaled([float(r.received) for r in rows], [str(r.received) for r in rows])),
        Panel("诉求获支持的比例（在已有结论的投诉中）", shares([r.upheld for r in rows])),
        Panel("一半投诉在几天内有结果（天）", scaled([r.median_days for r in rows], [r.days_text for r in rows])),
        Panel("满意或基本满意的比例（在作出评价的投诉中）", shares([r.satisfied for r in rows])),
    )
