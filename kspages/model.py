"""Typed models of the sources and their validation. No I/O: sources come in parsed, errors go out as a list."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import numbers
from .codes import CODES
from .errors import ContentError, close_match, did_you_mean
from .read import Mapping, Sequence, Source

FINAL_STATUSES = frozenset({"resolved", "rejected", "withdrawn"})
# Which status may follow which. A status may repeat (a new note); a rejection may be reopened on review (复核).
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"pending", "in_progress", "resolved", "rejected", "withdrawn"}),
    "in_progress": frozenset({"in_progress", "resolved", "rejected", "withdrawn"}),
    "rejected": frozenset({"in_progress"}),
    "resolved": frozenset(),
    "withdrawn": frozenset(),
}
PRIVATE_SECTIONS = ("complainant", "order", "description")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words YAML 1.1 (and so older PyYAML-based tools) reads as booleans but YAML 1.2 and the editors read as text. The
# loader keeps them text; a true/false field given one is an error, so consent is never a word either side misreads.
YAML_1_1_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})


@dataclass(frozen=True)
class Settings:
    """Site-wide settings from `content/site.yaml`."""

    title: str
    base_url: str
    description: str = ""
    language: str = "zh-CN"
    labels: dict[str, dict[str, str]] = field(default_factory=lambda: {k: dict(v) for k, v in CODES.items()})
    notices_per_page: int = 20
    home_notices: int = 5
    people: str = "role"  # how people in public text appear: "role" (消费者) or "honorific" (张女士)
    allow: tuple[str, ...] = ()  # public values the privacy checks must not touch (the team's own hotline)
    unsure: str = "hide"  # what looked personal but could be a word (a bare name): "hide", "keep" or "error"
    delay_days: int = 0  # days between the final decision and publication of its notice
    platform: str = ""  # the shopping platform's name as readers know it (快手), used in public text
    about: About = field(default_factory=lambda: About())  # who runs the site: the 关于本站 page


@dataclass(frozen=True)
class Contact:
    """One contact channel the site chooses to publish: a label (电子邮件) and the address, number or URL."""

    label: str
    value: str
    href: str  # mailto:, tel: or http(s) link made from the value; "" when it is plain text


@dataclass(frozen=True)
class About:
    """The 关于本站 page, from `about:` in site.yaml; every field optional (the page then says less)."""

    organisation: str = ""  # who runs the site
    summary: str = ""  # one paragraph: who we are
    does: tuple[str, ...] = ()  # what the team does, one plain sentence each
    does_not: tuple[str, ...] = ()  # what it does not do (it decides no complaint)
    submit: str = ""  # how to bring a complaint to the team
    numbers: str = ""  # where KS numbers come from
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class GuidePage:
    """One guide page: front matter plus its Markdown body."""

    slug: str
    title: str
    order: int
    summary: str
    part: str
    body: str
    path: str
    body_line: int


@dataclass(frozen=True)
class HistoryEntry:
    """One step of a complaint's timeline. `note` is public only after scrubbing."""

    date: dt.date
    status: str
    reason: str | None
    note: str
    line: int


@dataclass(frozen=True)
class Notice:
    """A result notice as staff wrote it; published only when approved and the complaint is final."""

    publish: bool
    date: dt.date | None
    title: str
    body: str
    lines: dict[str, int]


@dataclass(frozen=True)
class MerchantReply:
    """The merchant's public side of the story (商家回应); `text` is public only after scrubbing."""

    date: dt.date
    text: str
    lines: dict[str, int]


@dataclass(frozen=True)
class Feedback:
    """The complainant's view of the result (投诉人评价); `comment` is public only after scrubbing."""

    rating: str  # a `rating` code: satisfied | partly | unsatisfied
    comment: str  # "" when none was given
    date: dt.date | None
    lines: dict[str, int]


@dataclass(frozen=True)
class PrivateValue:
    """One private scalar of a record, with the field it came from and its line (for the leak gate)."""

    field: str
    value: str
    line: int


@dataclass(frozen=True)
class Complaint:
    """A validated complaint record. Never handed to a template: see `public.py`."""

    path: str
    number: str
    received: dt.date
    category: str
    channel: str
    merchant: str
    status: str
    outcome: str | None
    history: tuple[HistoryEntry, ...]
    notice: Notice | None
    private: tuple[PrivateValue, ...]
    lines: dict[str, int]
    merchant_reply: MerchantReply | None = None
    feedback: Feedback | None = None


class _Fields:
    """Reads typed fields out of one YAML mapping, appending a precise error for each bad one."""

    def __init__(self, path: str, data: Mapping, errors: list[ContentError], where: str = "",
                 line: int | None = None) -> None:
        self.path, self.data, self.errors, self.where = path, data, errors, where
        self.line = line or data.line  # a nested mapping's problems point at its parent key
        self.misspelt: set[str] = set()  # required keys that an unknown key already suggests

    def error(self, key: str | None, message: str, hint: str = "") -> None:
        line = self.data.lines.get(key, self.line) if key else self.line
        self.errors.append(ContentError(self.path, line, message, hint))

    def name(self, key: str) -> str:
        return f"{self.where}{key}"

    def only(self, allowed: set[str] | tuple[str, ...]) -> None:
        for key in self.data:
            if key not in allowed:
                self.error(key, f"unknown key '{self.name(key)}'", did_you_mean(key, allowed))
                close = close_match(key, allowed)
                if close:
                    self.misspelt.add(close)

    def present(self, key: str, required: bool, hint: str = "") -> bool:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required and key not in self.misspelt:  # "unknown key 'catgory'" already says it
                self.error(None if key not in self.data else key, f"missing required field '{self.name(key)}'",
                           hint or f"add a line '{key}: ...'")
            return False
        return True

    def text(self, key: str, required: bool = True, hint: str = "") -> str | None:
        if not self.present(key, required, hint):
            return None
        value = self.data[key]
        if isinstance(value, (dict, list, bool)):
            self.error(key, f"'{self.name(key)}' must be text, not {_kind(value)}", hint or "write it on one line")
            return None
        return str(value).strip()

    def date(self, key: str, required: bool = True) -> dt.date | None:
        if not self.present(key, required, "write the date as YYYY-MM-DD, e.g. 2026-03-14"):
            return None
        return parse_date(self.data[key], lambda m: self.error(key, f"'{self.name(key)}' {m}",
                                                               "write the date as YYYY-MM-DD, e.g. 2026-03-14"))

    def code(self, key: str, kind: str, required: bool = True) -> str | None:
        allowed = CODES[kind]
        if not self.present(key, required, f"allowed: {', '.join(allowed)}"):
            return None
        value = self.data[key]
        if not isinstance(value, str) or value not in allowed:
            labels = ", ".join(f"{c} ({label})" for c, label in allowed.items())
            close = close_match(str(value), allowed)
            self.error(key, f"unknown {kind} '{value}' in '{self.name(key)}'",
                       f"{f'did you mean {close!r}? ' if close else ''}allowed: {labels}")
            return None
        return value

    def boolean(self, key: str, required: bool = True) -> bool | None:
        if not self.present(key, required, "write true or false"):
            return None
        value = self.data[key]
        if not isinstance(value, bool):
            hint = "write true or false"
            if isinstance(value, str) and value.strip().lower() in YAML_1_1_BOOLEANS:
                hint = f"'{value.strip()}' is read as text by editors that follow YAML 1.2; {hint}"
            self.error(key, f"'{self.name(key)}' must be true or false, not '{value}'", hint)
            return None
        return value

    def integer(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.error(key, f"'{self.name(key)}' must be a whole number of at least {minimum}, not '{value}'",
                       f"e.g. '{key}: {max(default, minimum)}'")
            return default
        return value

    def mapping(self, key: str, required: bool = True, hint: str = "") -> Mapping | None:
        if not self.present(key, required):
            return None
        value = self.data[key]
        if not isinstance(value, Mapping):
            self.error(key, f"'{self.name(key)}' must be a mapping of 'key: value' lines, not {_kind(value)}", hint)
            return None
        return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


def parse_date(value: Any, fail: Any) -> dt.date | None:
    """Parse a YYYY-MM-DD date, calling `fail(message)` when it is malformed or impossible."""
    text = str(value).strip()
    if not _DATE.match(text):
        fail(f"is not a date: '{text}'")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"is not a real date: '{text}'")
        return None


def _as_mapping(source: Source, errors: list[ContentError], what: str) -> Mapping | None:
    errors.extend(source.errors)
    if source.data is None:
        return None
    if not isinstance(source.data, Mapping):
        errors.append(ContentError(source.path, 1, f"{what} must be a mapping of 'key: value' lines, "
                                                   f"not {_kind(source.data)}", "see the example in docs"))
        return None
    return source.data


def validate_settings(source: Source | None, errors: list[ContentError]) -> Settings:
    """Build Settings from site.yaml; a missing file is an error."""
    fallback = Settings(title="kspages", base_url="/")
    if source is None:
        errors.append(ContentError("content/site.yaml", None, "site settings file is missing",
                                   "create content/site.yaml with at least 'title:' and 'base_url:'"))
        return fallback
    data = _as_mapping(source, errors, "site.yaml")
    if data is None:
        return fallback
    f = _Fields(source.path, data, errors)
    f.only({"title", "description", "base_url", "language", "labels", "notices_per_page", "home_notices", "privacy",
            "publication", "platform", "about"})
    title = f.text("title") or fallback.title
    base_url = f.text("base_url") or "/"
    if not re.match(r"^(https?://[^\s/]+)?/\S*$", base_url):
        f.error("base_url", f"'base_url' must be an http(s) URL or a path, not '{base_url}'",
                "e.g. https://example.org/ or /")
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    labels = {k: dict(v) for k, v in CODES.items()}
    table = f.mapping("labels", required=False)
    if table is not None:
        lf = _Fields(source.path, table, errors, "labels.", data.line_of("labels"))
        lf.only(tuple(CODES))
        for kind in CODES:
            group = lf.mapping(kind, required=False)
            if group is None:
                continue
            gf = _Fields(source.path, group, errors, f"labels.{kind}.", table.line_of(kind))
            gf.only(tuple(CODES[kind]))
            for code in CODES[kind]:
                label = gf.text(code, required=False)
                if label:
                    labels[kind][code] = label
    people, allow, unsure = _privacy_settings(f)
    publication = f.mapping("publication", required=False)
    delay = 0
    if publication is not None:
        pf = _Fields(source.path, publication, errors, "publication.", data.line_of("publication"))
        pf.only({"delay_days"})
        delay = pf.integer("delay_days", 0, minimum=0)
    return Settings(title=title, base_url=base_url, description=f.text("description", required=False) or "",
                    language=f.text("language", required=False) or "zh-CN", labels=labels,
                    notices_per_page=f.integer("notices_per_page", 20),
                    home_notices=f.integer("home_notices", 5), people=people, allow=allow, unsure=unsure,
                    delay_days=delay, platform=f.text("platform", required=False, hint="e.g. 'platform: 快手'") or "",
                    about=_about(f))


_TEXT_LIST_HINT = "a list with one sentence per line, each after '- '"


def _about(f: _Fields) -> About:
    """`about: {organisation, summary, does: [...], does_not: [...], submit, numbers, contacts: [...]}`."""
    table = f.mapping("about", required=False,
                      hint="indented lines under 'about:', e.g. '  organisation: ...' (see docs/staff-guide.md)")
    if table is None:
        return About()
    af = _Fields(f.path, table, f.errors, "about.", f.data.line_of("about"))
    af.only({"organisation", "summary", "does", "does_not", "submit", "numbers", "contacts"})

    def texts(key: str) -> tuple[str, ...]:
        value = table.get(key)
        if value is None:
            return ()
        if not isinstance(value, Sequence) or not all(isinstance(v, (str, int)) and not isinstance(v, bool)
                                                      for v in value):
            af.error(key, f"'about.{key}' must be a list of text, one item per line", _TEXT_LIST_HINT)
            return ()
        return tuple(str(v).strip() for v in value if str(v).strip())

    contacts: list[Contact] = []
    raw = table.get("contacts")
    if raw is not None:
        if not isinstance(raw, Sequence):
            af.error("contacts", "'about.contacts' must be a list of '- {label: ..., value: ...}' entries",
                     "e.g. '- {label: 电子邮件, value: help@example.org}'")
        else:
            for i, (item, line) in enumerate(zip(raw, raw.lines, strict=True), start=1):
                if not isinstance(item, Mapping):
                    f.errors.append(ContentError(f.path, line, f"about.contacts entry {i} must be a mapping",
                                                 "e.g. '- {label: 电子邮件, value: help@example.org}'"))
                    continue
                cf = _Fields(f.path, item, f.errors, f"about.contacts[{i}].", line)
                cf.only({"label", "value"})
                label, value = cf.text("label"), cf.text("value")
                if label and value:
                    contacts.append(Contact(label, value, _contact_href(value)))
    return About(organisation=af.text("organisation", required=False) or "",
                 summary=af.text("summary", required=False) or "", does=texts("does"),
                 does_not=texts("does_not"), submit=af.text("submit", required=False) or "",
                 numbers=af.text("numbers", required=False) or "", contacts=tuple(contacts))


def _contact_href(value: str) -> str:
    if re.match(r"^https?://\S+$", value):
        return value
    if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
        return f"mailto:{value}"
    if re.match(r"^\+?[\d\s-]{5,}$", value):
        return "tel:" + re.sub(r"[\s-]", "", value)
    return ""


def _privacy_settings(f: _Fields) -> tuple[str, tuple[str, ...], str]:
    """`privacy: {people: role|honorific, allow: [...], unsure: hide|keep|error}` from site.yaml."""
    table = f.mapping("privacy", required=False)
    if table is None:
        return "role", (), "hide"
    pf = _Fields(f.path, table, f.errors, "privacy.", f.data.line_of("privacy"))
    pf.only({"people", "allow", "unsure"})
    unsure = pf.text("unsure", required=False) or "hide"
    if unsure not in ("hide", "keep", "error"):
        pf.error("unsure", f"unknown value '{unsure}' for 'privacy.unsure'",
                 "hide (default: hide what may be a name), keep (publish it; kspages check lists it) or error")
        unsure = "hide"
    people = pf.text("people", required=False) or "role"
    if people not in ("role", "honorific"):
        pf.error("people", f"unknown value '{people}' for 'privacy.people'",
                 "role (people appear as 消费者, 客服人员, 商家) or honorific (张女士)")
        people = "role"
    allow = table.get("allow") or []
    if not isinstance(allow, list) or not all(isinstance(a, (str, int)) and str(a).strip() for a in allow):
        pf.error("allow", "'privacy.allow' must be a list of values, one per line",
                 "e.g. '- 400-123-4567', the team's own contacts that may appear on the site")
        allow = []
    return people, tuple(str(a).strip() for a in allow), unsure


def validate_guide(sources: list[Source], errors: list[ContentError]) -> list[GuidePage]:
    """Build guide pages in navigation order, with unique slugs."""
    pages: list[GuidePage] = []
    seen: dict[str, str] = {}
    for source in sources:
        data = _as_mapping(source, errors, "front matter")
        if data is None:
            continue
        f = _Fields(source.path, data, errors)
        f.only({"title", "order", "summary", "part"})
        title = f.text("title")
        f.present("order", True, "a whole number that places the page in the navigation, e.g. 'order: 10'")
        order = f.integer("order", 0, minimum=0)
        stem = source.path.rsplit("/", 1)[-1].removesuffix(".md")
        slug = re.sub(r"^\d+[-_]", "", stem)
        if not _SLUG.match(slug):
            errors.append(ContentError(source.path, None, f"file name '{stem}' does not make a clean URL",
                                       "use lower-case letters, digits and hyphens, e.g. 01-how-to-report.md"))
            continue
        if slug in seen:
            errors.append(ContentError(source.path, None, f"guide page '{slug}' is defined twice "
                                                          f"(also in {seen[slug]})", "rename one of the files"))
            continue
        seen[slug] = source.path
        if title:
            pages.append(GuidePage(slug=slug, title=title, order=order,
                                   summary=f.text("summary", required=False) or "",
                                   part=f.text("part", required=False) or "", body=source.body,
                                   path=source.path, body_line=source.body_line))
    return sorted(pages, key=lambda p: (p.order, p.slug))


RECORD_KEYS = ("number", "received", "category", "channel", "merchant", "status", "outcome", "history",
               *PRIVATE_SECTIONS, "merchant_reply", "feedback", "notice")


def validate_record(source: Source, errors: list[ContentError]) -> Complaint | None:
    """Build one Complaint, appending an error for every bad field; None when it cannot be used."""
    data = _as_mapping(source, errors, "a record")
    if data is None:
        return None
    before = len(errors)
    f = _Fields(source.path, data, errors)
    f.only(RECORD_KEYS)
    number = _record_number(f)
    received = f.date("received")
    category = f.code("category", "category")
    channel = f.code("channel", "channel")
    merchant = f.text("merchant", hint="the shop's name as shown on the platform")
    status = f.code("status", "status")
    outcome = f.code("outcome", "outcome", required=False)
    if outcome and status and status != "resolved":
        f.error("outcome", f"'outcome' is only for resolved complaints, but status is '{status}'",
                "remove 'outcome', or set status to resolved")
    history = _history(f, received, status)
    reply = _merchant_reply(f, received)
    feedback = _feedback(f, received, status, history)
    notice = _notice(f)
    for section in ("complainant", "order"):
        f.mapping(section, required=False)
    f.text("description", required=False, hint="write the complainant's account after a 'description: |' line")
    private = tuple(_private_values(source.path, data))
    if len(errors) > before or None in (number, received, category, channel, merchant, status):
        return None
    assert number and received and category and channel and merchant and status  # narrowed above
    return Complaint(path=source.path, number=number, received=received, category=category, channel=channel,
                     merchant=merchant, status=status, outcome=outcome, history=tuple(history), notice=notice,
                     private=private, lines=dict(data.lines), merchant_reply=reply, feedback=feedback)


def _record_number(f: _Fields) -> str | None:
    hint = "run 'kspages number new' for a fresh number"
    text = f.text("number", hint=hint)
    if text is None:
        return None
    result = numbers.check(text)
    if result.verdict == "malformed":
        f.error("number", f"'{text}' is not a complaint number", f"numbers look like KS-7K3M-9Q2D-X; {hint}")
        return None
    if result.verdict == "bad_check":
        f.error("number", f"'{text}' has a wrong check character",
                "a character was probably mistyped; copy the number again from where it was issued")
        return None
    if result.number != text:
        f.error("number", f"'{text}' is not written in the standard form", f"write it as {result.number}")
        return None
    return result.number


def _history(f: _Fields, received: dt.date | None, status: str | None) -> list[HistoryEntry]:
    if not f.present("history", True, "a list of '- {date: ..., status: ...}' entries, oldest first"):
        return []
    seq = f.data["history"]
    if not isinstance(seq, Sequence) or not seq:
        f.error("history", "'history' must be a non-empty list of entries",
                "e.g. '- {date: 2026-03-14, status: pending}'")
        return []
    entries: list[HistoryEntry] = []
    for i, (item, line) in enumerate(zip(seq, seq.lines, strict=True), start=1):
        where = f"history[{i}]."
        if not isinstance(item, Mapping):
            f.errors.append(ContentError(f.path, line, f"history entry {i} must be a mapping",
                                         "e.g. '- {date: 2026-03-14, status: pending}'"))
            continue
        hf = _Fields(f.path, item, f.errors, where)
        hf.only({"date", "status", "reason", "note"})
        date, st = hf.date("date"), hf.code("status", "status")
        reason = hf.code("reason", "reason", required=False)
        note = hf.text("note", required=False) or ""
        if st == "rejected" and reason is None and (item.get("reason") is None or not str(item["reason"]).strip()):
            hf.error(None, f"history entry {i} is 'rejected' but gives no 'reason'",
                     f"add 'reason:' with one of: {', '.join(CODES['reason'])}")
        if reason and st and st != "rejected":
            hf.error("reason", f"'reason' is only for rejected entries, but entry {i} is '{st}'",
                     "remove 'reason', or set the status to rejected")
        if date is None or st is None:
            continue
        if entries:
            prev = entries[-1]
            if date < prev.date:
                hf.error("date", f"history is out of date order: {date} comes after {prev.date}",
                         "list history entries oldest first")
            if st not in TRANSITIONS[prev.status]:
                allowed = ", ".join(sorted(TRANSITIONS[prev.status])) or "none: it is final"
                hf.error("status", f"a complaint cannot go from '{prev.status}' to '{st}'",
                         f"after '{prev.status}' allowed: {allowed}")
        else:
            if st != "pending":
                hf.error("status", f"the first history entry must be 'pending', not '{st}'",
                         "start the history with the day the complaint came in: {date: ..., status: pending}")
            if received and date < received:
                hf.error("date", f"history starts on {date}, before the complaint was received ({received})",
                         "check 'received' and the first history date")
        entries.append(HistoryEntry(date=date, status=st, reason=reason, note=note, line=item.line))
    if entries and status and entries[-1].status != status and len(entries) == len(seq):
        f.error("status", f"status is '{status}' but the last history entry says '{entries[-1].status}'",
                "add a history entry for the new status, or correct 'status'")
    return entries


def _merchant_reply(f: _Fields, received: dt.date | None) -> MerchantReply | None:
    """`merchant_reply: {date, text}`: both required once the section is there; not dated before `received`."""
    data = f.mapping("merchant_reply", required=False,
                     hint="indented lines under 'merchant_reply:': '  date: 2026-03-18' and '  text: ...'")
    if data is None:
        return None
    rf = _Fields(f.path, data, f.errors, "merchant_reply.", f.data.line_of("merchant_reply"))
    rf.only(("date", "text"))
    date = rf.date("date")
    text = rf.text("text", hint="the merchant's reply as published, after a 'text: |' line")
    if date and received and date < received:
        rf.error("date", f"'merchant_reply.date' {date} is before the complaint was received ({received})",
                 "check the reply's date and 'received'")
    if date is None or text is None:
        return None
    return MerchantReply(date=date, text=text, lines=dict(data.lines))


def _feedback(f: _Fields, received: dt.date | None, status: str | None,
              history: list[HistoryEntry]) -> Feedback | None:
    """`feedback: {rating, comment, date}`: only once the complaint is final, dated no earlier than its decision."""
    data = f.mapping("feedback", required=False,
                     hint="indented lines under 'feedback:': '  rating: satisfied' and, if given, '  comment: ...'")
    if data is None:
        return None
    ff = _Fields(f.path, data, f.errors, "feedback.", f.data.line_of("feedback"))
    ff.only(("rating", "comment", "date"))
    rating = ff.code("rating", "rating")
    comment = ff.text("comment", required=False) or ""
    date = ff.date("date", required=False)
    if status and status not in FINAL_STATUSES:
        # The complainant rates a result; before there is one a rating would judge a complaint still being handled.
        f.error("feedback", f"'feedback' is only for a complaint with a result, but status is '{status}'",
                "keep the complainant's view aside until the status is resolved, rejected or withdrawn, "
                "then add 'feedback:'")
    decided = history[-1].date if history and status in FINAL_STATUSES else None
    if date and decided and date < decided:
        ff.error("date", f"'feedback.date' {date} is before the result ({decided}, the last history entry)",
                 "the complainant rates the result after it: check the feedback's date and the history")
    elif date and received and date < received:
        ff.error("date", f"'feedback.date' {date} is before the complaint was received ({received})",
                 "check the feedback's date and 'received'")
    if rating is None:
        return None
    return Feedback(rating=rating, comment=comment, date=date, lines=dict(data.lines))


def _notice(f: _Fields) -> Notice | None:
    data = f.mapping("notice", required=False)
    if data is None:
        return None
    nf = _Fields(f.path, data, f.errors, "notice.", f.data.line_of("notice"))
    nf.only({"publish", "date", "title", "body"})
    publish = nf.boolean("publish") or False
    date = nf.date("date", required=publish)
    title = nf.text("title", required=publish, hint="e.g. 关于某某旗舰店虚假宣传投诉的处理结果") or ""
    body = nf.text("body", required=publish, hint="the result in Markdown, after a 'body: |' line") or ""
    return Notice(publish=publish, date=date, title=title, body=body, lines=dict(data.lines))


def _private_values(path: str, data: Mapping) -> list[PrivateValue]:
    """Every scalar under the private sections, whatever its key, for scrubbing and the leak gate."""
    found: list[PrivateValue] = []

    def walk(value: Any, name: str, line: int) -> None:
        if isinstance(value, Mapping):
            for key, child in value.items():
                walk(child, f"{name}.{key}", value.line_of(key))
        elif isinstance(value, Sequence):
            for child, child_line in zip(value, value.lines, strict=True):
                walk(child, name, child_line)
        elif value is not None and not isinstance(value, bool) and str(value).strip():
            text = str(value).strip()
            # yes/no/on/off were booleans (skipped) before the loader followed YAML 1.2: no one's personal data,
            # and a gate looking for "no" would find it in every page.
            if text.lower() not in YAML_1_1_BOOLEANS | {"true", "false"}:
                found.append(PrivateValue(name, text, line))

    for section in PRIVATE_SECTIONS:
        if section in data:
            walk(data[section], section, data.line_of(section))
    return found


def check_unique_numbers(records: list[Complaint], errors: list[ContentError]) -> list[Complaint]:
    """Drop and report records whose number another record already uses, naming both files."""
    first: dict[str, Complaint] = {}
    unique: list[Complaint] = []
    for record in sorted(records, key=lambda r: r.path):
        other = first.get(record.number)
        if other is not None:
            errors.append(ContentError(record.path, record.lines.get("number"),
                                       f"number {record.number} is also used by {other.path}:"
                                       f"{other.lines.get('number')}",
                                       "each complaint needs its own number: run 'kspages number new'"))
            continue
        first[record.number] = record
        unique.append(record)
    return unique
