"""The only types templates and data files ever see, built from an explicit allowlist of record fields.

No template receives a `Complaint`: a private field, or one added to the format later, cannot reach the output
unless it is copied here by name. Free text that becomes public (merchant, notes, notice title and body, the merchant's
reply, the complainant's feedback comment) goes through
the scrubber first, and every replacement is reported so staff can fix the source.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import operator
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from . import numbers
from .codes import CODES
from .layout import notice_url, shop_url
from .model import FINAL_STATUSES, Complaint, GuidePage, Settings
from .packed import Packed, sharing
from .privacy import Hit, Scrubbed, Scrubber, Vocabulary
from .stats import DECIDED, Case, Stats, case, percent


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One public step of a complaint's timeline."""

    date: dt.date
    status: str
    reason: str | None
    note: str

    # Staff write the same few notes again and again ("已致电消费者"): one object each once unpickled.
    __setstate__ = sharing("date", "status", "reason", "note")


@dataclass(frozen=True, slots=True)
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

    __setstate__ = sharing("category", "channel", "received", "status", "outcome", "merchant")


@dataclass(frozen=True, slots=True)
class PublicReply:
    """The merchant's reply (商家回应) as published."""

    date: dt.date
    text: str  # plain text, scrubbed

    __setstate__ = sharing("date")


@dataclass(frozen=True, slots=True)
class PublicFeedback:
    """The complainant's view of the result (投诉人评价) as published."""

    rating: str  # a `rating` code: satisfied | partly | unsatisfied (labels.rating has the Chinese)
    comment: str  # plain text, scrubbed; "" when none was given
    date: dt.date | None

    __setstate__ = sharing("rating", "date")


@dataclass(frozen=True, slots=True)
class PublicNotice:
    """A published result notice (公示的处理通知)."""

    number: str
    url: str
    date: dt.date
    title: str
    body: str  # Markdown, scrubbed
    hidden: int  # how many pieces of personal data the scrubber removed from what this page shows
    status: StatusEntry
    merchant_reply: PublicReply | None = None  # None: no reply on record (the page then shows no section)
    feedback: PublicFeedback | None = None  # None: the complainant gave no feedback

    __setstate__ = sharing("date", "title")  # titles repeat ("关于消费者投诉的处理结果")


@dataclass(frozen=True)
class PublicSite:
    """Everything the render stage may use."""

    settings: Settings
    guide: tuple[GuidePage, ...]
    notices: tuple[PublicNotice, ...]  # newest first
    statuses: tuple[StatusEntry, ...]  # sorted by number
    withdrawn: tuple[str, ...] = ()  # numbers whose notice was taken down: a tombstone page says only that
    stats: Stats | None = None  # aggregate figures over all records
    cases: tuple[Case, ...] = ()  # each status entry as the quarterly figures count it, in the order of `statuses`
    # The status entries by lookup shard (`shard_groups`), when the load kept them grouped; else grouped on demand.
    shards: Mapping[str, tuple[StatusEntry, ...]] | None = None
    # Each merchant's notices, oldest first, when the load kept them grouped (`shops` then reads a merchant's
    # notices there instead of picking them out of every notice). The lists are the load's: never change them.
    merchants: Mapping[str, list[PublicNotice]] | None = None

    def shard_groups(self) -> Mapping[str, tuple[StatusEntry, ...]]:
        """Every lookup shard's name and its status entries, by number (a shard may be empty)."""
        return self.shards if self.shards is not None else shard_groups(self.statuses)


def shard_groups(statuses: Iterable[StatusEntry]) -> dict[str, tuple[StatusEntry, ...]]:
    """Status entries (sorted by number) grouped by the shard their number falls in, every shard named."""
    statuses = tuple(statuses)
    bits = numbers.shard_bits(len(statuses))
    groups: dict[str, list[StatusEntry]] = {format(i, f"0{(bits + 3) // 4}x"): [] for i in range(1 << bits)}
    for entry in statuses:
        groups[numbers.shard_name(entry.number, bits)].append(entry)
    return {name: tuple(entries) for name, entries in groups.items()}


@dataclass(frozen=True, slots=True)
class Mask:
    """What the scrubber replaced in one public field of a record, for `kspages check`."""

    path: str
    line: int | None
    field: str
    hits: tuple[Hit, ...]
    kept: tuple[Hit, ...] = ()  # looked like personal data but left in (privacy.unsure: keep), for staff to confirm

    __setstate__ = sharing()


# Outcomes that resolve a complaint in the consumer's favour: they got a remedy (money back, a replacement,
# compensation) or the platform acted against the shop or the listing. An explanation from the merchant, `other` or
# no outcome at all settles the complaint without saying the consumer was right, so it is resolved but not upheld.
UPHELD_OUTCOMES = frozenset({"refund", "replacement", "compensation", "merchant_penalised", "listing_removed"})


def upheld(entry: StatusEntry) -> bool:
    """Whether a complaint was upheld: resolved with one of UPHELD_OUTCOMES."""
    return entry.status == "resolved" and entry.outcome in UPHELD_OUTCOMES


@dataclass(frozen=True)
class Shop:
    """A merchant with published notices, grouped so a reader can tell upheld complaints from rejected ones.

    Counts and rates are over decided complaints (resolved or rejected) only; withdrawn ones are listed apart and
    count in no rate. Complaints that were never published do not count at all.
    """

    name: str  # as published (scrubbed)
    url: str
    notices: tuple[PublicNotice, ...]  # every published notice, newest first
    upheld: tuple[PublicNotice, ...]  # resolved in the consumer's favour (UPHELD_OUTCOMES), newest first
    resolved_other: tuple[PublicNotice, ...]  # resolved otherwise (an explanation, other, no outcome)
    rejected: tuple[PublicNotice, ...]  # 未通过: the complaint was not upheld on review
    withdrawn: tuple[PublicNotice, ...]  # the complainant withdrew it: no decision
    by_category: tuple[tuple[str, int], ...]  # decided complaints per category
    by_outcome: tuple[tuple[str, int], ...]  # resolved complaints per outcome ("" when none was given)
    replied: int  # decided complaints with a merchant reply
    ratings: tuple[tuple[str, int], ...]  # (rating code, notices) in code order, over decided ones with feedback

    @property
    def decided(self) -> int:
        """Complaints with a decision: the denominator of every rate."""
        return len(self.upheld) + len(self.resolved_other) + len(self.rejected)

    @property
    def resolved(self) -> int:
        """Resolved complaints, upheld or not."""
        return len(self.upheld) + len(self.resolved_other)

    @property
    def upheld_rate(self) -> str:
        """Share of decided complaints that were upheld."""
        return percent(len(self.upheld), self.decided)

    @property
    def resolved_rate(self) -> str:
        """Share of decided complaints that were resolved (upheld or not)."""
        return percent(self.resolved, self.decided)

    @property
    def reply_rate(self) -> str:
        """Share of decided complaints the merchant replied to."""
        return percent(self.replied, self.decided)

    @property
    def rated(self) -> int:
        """How many complainants gave feedback."""
        return sum(n for _, n in self.ratings)


def shops(notices: tuple[PublicNotice, ...], known: Mapping[str, Shop] | None = None,
          moved: Collection[PublicNotice] | None = None,
          grouped: Mapping[str, list[PublicNotice]] | None = None) -> tuple[Shop, ...]:
    """One Shop per merchant with at least one published notice, sorted by name.

    By name, as a directory: an order by number of complaints would rank shops by complaints that were rejected
    or withdrawn too. Complaints that were never published do not count: a shop page must not reveal them.
    A shop of `known` whose notices are the very same objects is taken as it is (a Shop is made of its notices).
    With `moved`, the notices taken away or put in since `known` (by name, in order) was made, only their
    merchants' shops are looked at; `grouped`, each merchant's notices oldest first, spares picking those out.
    """
    known = known or {}
    merchants = {n.status.merchant for n in moved} if moved is not None else None
    if merchants is not None and len(merchants) <= len(known) // 4:
        made = dict(known)
        for name in merchants:
            # The merchant's notices, newest first as in `notices`: from its list, or picked out in loops in C.
            items = (list(reversed(grouped.get(name, ()))) if grouped is not None else
                     list(itertools.compress(notices, map(name.__eq__, map(_MERCHANT, notices)))))
            if items:
                made[name] = _same_shop(known.get(name), items) or _shop(name, items)
            else:
                del made[name]
        return tuple(made.values()) if made.keys() == known.keys() else tuple(made[name] for name in sorted(made))
    by_name: dict[str, list[PublicNotice]] = {}
    for n in notices:
        by_name.setdefault(n.status.merchant, []).append(n)
    return tuple(sorted((_same_shop(known.get(name), items) or _shop(name, items) for name, items in by_name.items()),
                        key=lambda x: x.name))


_MERCHANT = operator.attrgetter("status.merchant")


def _counts(values: list[str]) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for v in values:
        found[v] = found.get(v, 0) + 1
    return tuple(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))


def _shop(name: str, items: list[PublicNotice]) -> Shop:
    decided = [n for n in items if n.status.status in DECIDED]
    rated: dict[str, int] = {}
    for n in decided:  # as the statistics page and the quarterly share count them: a withdrawal is no result
        if n.feedback is not None:
            rated[n.feedback.rating] = rated.get(n.feedback.rating, 0) + 1
    return Shop(name=name, url=shop_url(name), notices=tuple(items),
                upheld=tuple(n for n in items if upheld(n.status)),
                resolved_other=tuple(n for n in items if n.status.status == "resolved" and not upheld(n.status)),
                rejected=tuple(n for n in items if n.status.status == "rejected"),
                withdrawn=tuple(n for n in items if n.status.status == "withdrawn"),
                by_category=_counts([n.status.category for n in decided]),
                by_outcome=_counts([n.status.outcome or "" for n in items if n.status.status == "resolved"]),
                replied=sum(1 for n in decided if n.merchant_reply is not None),
                ratings=tuple((code, rated[code]) for code in CODES["rating"] if code in rated))


def _same_shop(before: Shop | None, items: list[PublicNotice]) -> Shop | None:
    if before is None or len(before.notices) != len(items):
        return None
    return before if all(map(operator.is_, items, before.notices)) else None


def decided_on(record: Complaint) -> dt.date | None:
    """The date of the final decision: the last history entry, when the complaint is final."""
    if record.status in FINAL_STATUSES and record.history:
        return record.history[-1].date
    return None


def publication(record: Complaint, settings: Settings, as_of: dt.date) -> str | None:
    """'published', 'withdrawn' (a tombstone) or None (nothing public yet) for a record's notice on `as_of`.

    Published: staff approved it, the complaint is final, the notice date has come and the delay after the decision
    has passed. A dated notice that is no longer approved, or whose complaint was reopened, is withdrawn. A notice
    without a date is a draft and leaves no trace.
    """
    notice = record.notice
    if notice is None or notice.date is None or notice.date > as_of:
        return None
    decided = decided_on(record)
    if notice.publish and decided is not None:
        return "published" if decided + dt.timedelta(days=settings.delay_days) <= as_of else None
    return "withdrawn"


def _line(key_line: int | None, text: str, start: int) -> int | None:
    # A block scalar ("body: |") starts on the line after its key; a one-line value sits on it.
    if key_line is None or "\n" not in text:
        return key_line
    return key_line + 1 + text.count("\n", 0, start)


class _FieldScrubber:
    """Scrubs one record's public fields and notes every replacement, with its line, in `masks`."""

    def __init__(self, record: Complaint, settings: Settings, masks: list[Mask], vocabulary: Vocabulary) -> None:
        self.record, self.masks = record, masks
        # The record's merchant is a shop, never a person, wherever its name appears in the record's text.
        self.scrubber = Scrubber(record.private, settings.people, settings.allow, vocabulary, settings.unsure,
                                 (record.merchant,))

    def __call__(self, text: str, field: str, key_line: int | None) -> Scrubbed:
        result = self.scrubber.scrub(text)
        lines: dict[int | None, tuple[list[Hit], list[Hit]]] = {}
        for hit in result.hits:
            lines.setdefault(_line(key_line, text, hit.start), ([], []))[0].append(hit)
        for hit in result.kept:
            lines.setdefault(_line(key_line, text, hit.start), ([], []))[1].append(hit)
        self.masks.extend(Mask(self.record.path, line, field, tuple(hits), tuple(kept))
                          for line, (hits, kept) in lines.items())
        return result


@dataclass(frozen=True, slots=True)
class RecordPublic:
    """What one record shows the public on a day: its status entry, its notice if published, and what was hidden."""

    status: StatusEntry
    notice: PublicNotice | None
    state: str | None  # as `publication` says: "published", "withdrawn" or None
    # Kept pickled: only `kspages check` reads them, and as objects they were a third of a record's memory. None
    # when a build that lists no masks holds the result (the store keeps them; `RecordResult.without_masks`).
    packed_masks: Packed[tuple[Mask, ...]] | None
    case: Case  # as the quarterly figures count it

    __setstate__ = sharing("state")

    @property
    def masks(self) -> tuple[Mask, ...]:
        """What the scrubber replaced in this record's public fields."""
        if self.packed_masks is None:  # never an empty list in their place: `kspages check` would say nothing was hidden
            raise ValueError("the masks of a result held without them (load with masks=True)")
        return self.packed_masks.get()


def case_of(entry: StatusEntry, notice: PublicNotice | None, as_of: dt.date) -> Case:
    """A status entry as the quarterly figures count it on `as_of`; a rating counts only from a published notice."""
    feedback = notice.feedback if notice is not None else None
    rated = feedback.rating if feedback and (feedback.date is None or feedback.date <= as_of) else None
    return case(entry.category, entry.received, [(t.date, t.status) for t in entry.timeline], upheld(entry), rated,
                as_of)


def turning_days(record: Complaint, settings: Settings) -> tuple[dt.date, ...]:
    """The days on which `record_public` of this record can change: before, on and after each it may differ."""
    days = {day for day in (record.notice and record.notice.date, record.merchant_reply and record.merchant_reply.date,
                            record.feedback and record.feedback.date) if day}
    days.update(h.date for h in record.history)  # the quarterly figures count a step from its day on
    decided = decided_on(record)
    if decided is not None:
        days.add(decided + dt.timedelta(days=settings.delay_days))
    return tuple(sorted(days))


def _notice_key(notice: PublicNotice) -> tuple[dt.date, str]:
    return notice.date, notice.number


def _status_key(pair: tuple[StatusEntry, Case]) -> str:
    return pair[0].number


def mask_order(mask: Mask) -> tuple[str, int, str]:
    """Where a mask is: masks are listed by file, line and field."""
    return mask.path, mask.line or 0, mask.field


@dataclass
class Assembly:
    """Every record's public parts in the site's orders: a record's can be added, or taken away again, with a
    binary search and a move of memory in each order (no pass in Python over the records).

    Numbers are unique (records with a used number are dropped before).
    """

    notices: list[PublicNotice] = field(default_factory=list)  # oldest first (by date, then number)
    # Every status entry by number, and beside it, at the same place, how the quarterly figures count it: two lists,
    # not one of pairs, so that the site's tuples are copies made in C (a save at 100k records made both anew from
    # pairs, item by item) and a record costs no pair.
    statuses: list[StatusEntry] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)  # sorted
    # The status entries by lookup shard (see `shard_groups`); a shard's tuple is replaced when it changes, so an
    # unchanged shard is the very same tuple from one load to the next.
    shards: dict[str, tuple[StatusEntry, ...]] = field(default_factory=dict)
    # Each merchant's notices, oldest first. A copy of the assembly shares these lists with the one it was made
    # from (a save would otherwise copy every merchant's): a list is copied the first time either changes it, and
    # changed in place only by the assembly that made it or copied it since (`_own`).
    merchants: dict[str, list[PublicNotice]] = field(default_factory=dict)
    _own: set[str] = field(default_factory=set, repr=False, compare=False)  # the merchants whose list is this one's

    @classmethod
    def of(cls, parts: Iterable[RecordPublic]) -> Assembly:
        """The parts of every record, sorted once."""
        made = cls()
        pairs: list[tuple[StatusEntry, Case]] = []
        for part in parts:
            pairs.append((part.status, part.case))
            if part.state == "withdrawn":
                made.withdrawn.append(part.status.number)
            if part.notice is not None:
                made.notices.append(part.notice)
        made.notices.sort(key=_notice_key)
        for notice in made.notices:
            made.merchants.setdefault(notice.status.merchant, []).append(notice)
        made._own = set(made.merchants)
        pairs.sort(key=_status_key)
        made.statuses, made.cases = list(map(_FIRST, pairs)), list(map(_SECOND, pairs))
        made.withdrawn.sort()
        made.shards = shard_groups(made.statuses)
        return made

    def copy(self) -> Assembly:
        """An independent copy: the lists are copied, or (each merchant's) shared until either changes one; their
        items, and the shards' tuples, are immutable."""
        self._own = set()  # shared from now on
        return Assembly(self.notices.copy(), self.statuses.copy(), self.cases.copy(), self.withdrawn.copy(),
                        self.shards.copy(), self.merchants.copy())

    def _merchant(self, name: str) -> list[PublicNotice]:
        """The merchant's list of notices, this assembly's own to change (copied if it was shared)."""
        if name not in self._own:
            self.merchants[name] = self.merchants.get(name, []).copy()
            self._own.add(name)
        return self.merchants[name]

    def add(self, part: RecordPublic) -> None:
        """Put one record's parts in their places."""
        at = bisect.bisect_right(self.statuses, part.status.number, key=_NUMBER)
        self.statuses.insert(at, part.status)
        self.cases.insert(at, part.case)
        self._reshard(part.status, add=True)
        if part.state == "withdrawn":
            bisect.insort(self.withdrawn, part.status.number)
        if part.notice is not None:
            bisect.insort(self.notices, part.notice, key=_notice_key)
            bisect.insort(self._merchant(part.notice.status.merchant), part.notice, key=_notice_key)

    def remove(self, part: RecordPublic) -> None:
        """Take one record's parts out again (they must be in)."""
        at = bisect.bisect_left(self.statuses, part.status.number, key=_NUMBER)
        del self.statuses[at]
        del self.cases[at]
        self._reshard(part.status, add=False)
        if part.state == "withdrawn":
            del self.withdrawn[bisect.bisect_left(self.withdrawn, part.status.number)]
        if part.notice is not None:
            key = _notice_key(part.notice)
            del self.notices[bisect.bisect_left(self.notices, key, key=_notice_key)]
            merchant = part.notice.status.merchant
            items = self._merchant(merchant)
            del items[bisect.bisect_left(items, key, key=_notice_key)]
            if not items:
                del self.merchants[merchant]
                self._own.discard(merchant)

    def _reshard(self, entry: StatusEntry, add: bool) -> None:
        """Put an entry into its shard, or take it out (after `statuses` changed): a new tuple for that shard only,
        or every shard grouped anew when the number of entries calls for another number of shards."""
        bits = numbers.shard_bits(len(self.statuses))
        if len(self.shards) != 1 << bits:
            self.shards = shard_groups(self.statuses)
            return
        name = numbers.shard_name(entry.number, bits)
        entries = list(self.shards[name])
        at = bisect.bisect_left(entries, entry.number, key=_NUMBER)
        if add:
            entries.insert(at, entry)
        else:
            del entries[at]
        self.shards[name] = tuple(entries)

    def site(self, settings: Settings, guide: list[GuidePage], stats: Stats | None = None) -> PublicSite:
        """The public site model."""
        self._own = set()  # the site holds the merchants' lists: shared from now on
        return PublicSite(settings=settings, guide=tuple(guide), notices=tuple(reversed(self.notices)),
                          statuses=tuple(self.statuses), withdrawn=tuple(self.withdrawn),
                          stats=stats, cases=tuple(self.cases), shards=self.shards.copy(),
                          merchants=self.merchants.copy())


_FIRST, _SECOND, _NUMBER = operator.itemgetter(0), operator.itemgetter(1), operator.attrgetter("number")


def record_public(record: Complaint, settings: Settings, as_of: dt.date, vocabulary: Vocabulary) -> RecordPublic:
    """One record's status entry, published notice (if any), publication state and what was hidden where."""
    masks: list[Mask] = []
    scrub = _FieldScrubber(record, settings, masks, vocabulary)
    state = publication(record, settings, as_of)
    notes = [scrub(h.note, f"history[{i}].note", h.line) for i, h in enumerate(record.history, start=1)]
    merchant = scrub(record.merchant, "merchant", record.lines.get("merchant"))
    timeline = tuple(TimelineEntry(date=h.date, status=h.status, reason=h.reason, note=n.text)
                     for h, n in zip(record.history, notes, strict=True))
    entry = StatusEntry(number=record.number, category=record.category, channel=record.channel,
                        received=record.received, status=record.status, outcome=record.outcome,
                        merchant=merchant.text, timeline=timeline,
                        notice_url=notice_url(record.number) if state == "published" else None)
    # The reply and the feedback are scrubbed whether or not a notice is published yet, like drafts below, so
    # `kspages check` shows staff what would go; one dated after the build's day (--as-of) was not given yet then.
    reply = feedback = None
    extra_hidden = 0
    if record.merchant_reply is not None:
        r = record.merchant_reply
        text = scrub(r.text, "merchant_reply.text", r.lines.get("text"))
        if r.date <= as_of:
            reply, extra_hidden = PublicReply(date=r.date, text=text.text), extra_hidden + text.hidden
    if record.feedback is not None:
        fb = record.feedback
        comment = scrub(fb.comment, "feedback.comment", fb.lines.get("comment")) if fb.comment else Scrubbed("", ())
        if fb.date is None or fb.date <= as_of:
            feedback = PublicFeedback(rating=fb.rating, comment=comment.text, date=fb.date)
            extra_hidden += comment.hidden
    if record.notice is None:
        return RecordPublic(entry, None, state, Packed.of(tuple(masks)), case_of(entry, None, as_of))
    # Drafts are scrubbed too, so `kspages check` shows staff what would go before they approve a notice.
    lines = record.notice.lines
    title = scrub(record.notice.title, "notice.title", lines.get("title"))
    body = scrub(record.notice.body, "notice.body", lines.get("body"))
    if state != "published" or not record.notice.date:
        return RecordPublic(entry, None, state, Packed.of(tuple(masks)), case_of(entry, None, as_of))
    hidden = title.hidden + body.hidden + merchant.hidden + sum(n.hidden for n in notes) + extra_hidden
    # The status entry's link is the very string: held (and pickled) once for the record.
    notice = PublicNotice(number=record.number, url=entry.notice_url or notice_url(record.number),
                          date=record.notice.date, title=title.text, body=body.text, hidden=hidden, status=entry,
                          merchant_reply=reply, feedback=feedback)
    return RecordPublic(entry, notice, state, Packed.of(tuple(masks)), case_of(entry, notice, as_of))
