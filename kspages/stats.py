"""Statistics over all records: counts and review times, for the statistics page and for guide pages to quote.

Only aggregates leave this module: counts per code and day counts per category, never a record.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
from dataclasses import dataclass, replace
from typing import Any

from .codes import CODES
from .errors import ContentError, did_you_mean
from .model import Complaint, GuidePage

DECIDED = ("resolved", "rejected")  # review time runs from receipt to a decision; a withdrawal is no decision
MISSING = "—"  # what a guide shows for a figure there is no data for yet


@dataclass(frozen=True)
class Stats:
    """Aggregate figures over every record (published or not)."""

    total: int
    updated: dt.date | None  # the day the figures are as of: the build's --as-of day (else the latest history date)
    count: dict[str, dict[str, int]]  # kind (category, channel, status, reason, rating) -> code -> records
    decided: dict[str, int]  # category (and "all") -> records decided, the sample behind the day counts
    median_days: dict[str, float]  # category (and "all") -> median days from receipt to decision
    p90_days: dict[str, float]  # category (and "all") -> 90th percentile (nearest rank)


def _p90(values: list[int]) -> float:
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def compute(records: list[Complaint], as_of: dt.date | None = None) -> Stats:
    """The figures for a set of records, dated `as_of` (the build's day) when given."""
    count: dict[str, dict[str, int]] = {kind: dict.fromkeys(CODES[kind], 0)
                                        for kind in ("category", "channel", "status", "reason", "rating")}
    days: dict[str, list[int]] = {code: [] for code in (*CODES["category"], "all")}
    updated: dt.date | None = None
    for r in records:
        count["category"][r.category] += 1
        count["channel"][r.channel] += 1
        count["status"][r.status] += 1
        if r.status == "rejected" and r.history and r.history[-1].reason:
            count["reason"][r.history[-1].reason] += 1
        # The complainant's view of the result (feedback), unless it is dated after the day the figures are as of.
        if r.feedback and not (as_of and r.feedback.date and r.feedback.date > as_of):
            count["rating"][r.feedback.rating] += 1
        if r.history:
            last = r.history[-1].date
            updated = max(updated, last) if updated else last
            if r.status in DECIDED:
                taken = (last - r.received).days
                days[r.category].append(taken)
                days["all"].append(taken)
    return Stats(total=len(records), updated=as_of or updated, count=count,
                 decided={k: len(v) for k, v in days.items()},
                 median_days={k: float(statistics.median(v)) for k, v in days.items() if v},
                 p90_days={k: _p90(v) for k, v in days.items() if v})


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
