"""The only types templates and data files ever see, built from an explicit allowlist of record fields.

No template receives a `Complaint`: a private field, or one added to the format later, cannot reach the output
unless it is copied here by name. Free text that becomes public (merchant, notes, notice title and body) is
scrubbed of the record's own private values first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import FINAL_STATUSES, Complaint, GuidePage, Settings
from .privacy import KnownValues


@dataclass(frozen=True)
class TimelineEntry:
    """One public step of a complaint's timeline."""

    date: dt.date
    status: str
    reason: str | None
    note: str


@dataclass(frozen=True)
class StatusEntry:
    """What the status lookup tells anyone who has the number: status-level facts, nothing personal."""

    number: str
    category: str
    channel: str
    received: dt.date
    status: str
    outcome: str | None
    merchant: str
    timeline: tuple[TimelineEntry, ...]
    notice_url: str | None


@dataclass(frozen=True)
class PublicNotice:
    """A published result notice (公示的处理通知)."""

    number: str
    url: str
    date: dt.date
    title: str
    body: str  # Markdown, scrubbed
    hidden: int  # how many private values the scrubber removed from this notice
    status: StatusEntry


@dataclass(frozen=True)
class PublicSite:
    """Everything the render stage may use."""

    settings: Settings
    guide: tuple[GuidePage, ...]
    notices: tuple[PublicNotice, ...]  # newest first
    statuses: tuple[StatusEntry, ...]  # sorted by number


def notice_url(number: str) -> str:
    """Site-relative URL of a record's notice page."""
    return f"notices/{number}/"


def is_published(record: Complaint) -> bool:
    """A notice is public only when staff approved it and the complaint has reached a final status."""
    return bool(record.notice and record.notice.publish and record.status in FINAL_STATUSES)


def anonymise(settings: Settings, guide: list[GuidePage], records: list[Complaint]) -> PublicSite:
    """Build the public site model from validated sources."""
    notices: list[PublicNotice] = []
    statuses: list[StatusEntry] = []
    for record in records:
        known = KnownValues(record.private)
        published = is_published(record)
        timeline = tuple(TimelineEntry(date=h.date, status=h.status, reason=h.reason, note=known.scrub(h.note).text)
                         for h in record.history)
        entry = StatusEntry(number=record.number, category=record.category, channel=record.channel,
                            received=record.received, status=record.status, outcome=record.outcome,
                            merchant=known.scrub(record.merchant).text, timeline=timeline,
                            notice_url=notice_url(record.number) if published else None)
        statuses.append(entry)
        if published and record.notice and record.notice.date:
            title, body = known.scrub(record.notice.title), known.scrub(record.notice.body)
            notices.append(PublicNotice(number=record.number, url=notice_url(record.number),
                                        date=record.notice.date, title=title.text, body=body.text,
                                        hidden=title.hidden + body.hidden, status=entry))
    notices.sort(key=lambda n: (n.date, n.number), reverse=True)
    statuses.sort(key=lambda s: s.number)
    return PublicSite(settings=settings, guide=tuple(guide), notices=tuple(notices), statuses=tuple(statuses))
