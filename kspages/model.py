"""Typed models of the sources and their validation. No I/O: sources come in parsed, errors go out as a list."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .codes import CODES
from .errors import ContentError
from .fields import FINAL_STATUSES as FINAL_STATUSES
from .fields import PRIVATE_SECTIONS, Checked, Reader, Text, kind_of, read_record
from .fields import YAML_1_1_BOOLEANS as YAML_1_1_BOOLEANS
from .packed import sharing
from .read import Mapping, Sequence, Source

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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


@dataclass(frozen=True, slots=True)
class MerchantReply:
    """The merchant's public side of the story (商家回应); `text` is public only after scrubbing."""

    date: dt.date
    text: str
    lines: dict[str, int]

    __setstate__ = sharing()


@dataclass(frozen=True, slots=True)
class Feedback:
    """The complainant's view of the result (投诉人评价); `comment` is public only after scrubbing."""

    rating: str  # a `rating` code: satisfied | partly | unsatisfied
    comment: str  # "" when none was given
    date: dt.date | None
    lines: dict[str, int]

    __setstate__ = sharing()


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


class _Fields(Reader):
    """Reads typed fields out of one YAML mapping of site.yaml or front matter, with the record's field types."""

    def text(self, key: str, required: bool = True, hint: str = "") -> str | None:
        return Text(hint=hint).take(self, key, required)  # type: ignore[no-any-return]

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
            self.error(key, f"'{self.name(key)}' must be a mapping of 'key: value' lines, not {kind_of(value)}", hint)
            return None
        return value


def _as_mapping(source: Source, errors: list[ContentError], what: str) -> Mapping | None:
    errors.extend(source.errors)
    if source.data is None:
        return None
    if not isinstance(source.data, Mapping):
        errors.append(ContentError(source.path, 1, f"{what} must be a mapping of 'key: value' lines, "
                                                   f"not {kind_of(source.data)}", "see the example in docs"))
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


def validate_record(source: Source, errors: list[ContentError]) -> Complaint | None:
    """Build one Complaint, appending an error for every bad field (fields.RECORD, fields.RULES); None when unusable."""
    data = _as_mapping(source, errors, "a record")
    if data is None:
        return None
    before = len(errors)
    record = read_record(source.path, data, errors)
    private = tuple(_private_values(source.path, data))
    if len(errors) > before:
        return None
    v = record.values
    return Complaint(path=source.path, number=v["number"], received=v["received"], category=v["category"],
                     channel=v["channel"], merchant=v["merchant"], status=v["status"], outcome=v["outcome"],
                     history=tuple(_entry(e) for e in v["history"]), notice=_notice(v["notice"]), private=private,
                     lines=dict(data.lines), merchant_reply=_merchant_reply(v["merchant_reply"]),
                     feedback=_feedback(v["feedback"]))


# Without errors, every required field of the table has its value: these only change shape.

def _entry(entry: Checked) -> HistoryEntry:
    return HistoryEntry(date=entry["date"], status=entry["status"], reason=entry["reason"], note=entry["note"] or "",
                        line=entry.reader.data.line)


def _merchant_reply(reply: Checked | None) -> MerchantReply | None:
    if reply is None:
        return None
    return MerchantReply(date=reply["date"], text=reply["text"], lines=dict(reply.reader.data.lines))


def _feedback(feedback: Checked | None) -> Feedback | None:
    if feedback is None:
        return None
    return Feedback(rating=feedback["rating"], comment=feedback["comment"] or "", date=feedback["date"],
                    lines=dict(feedback.reader.data.lines))


def _notice(notice: Checked | None) -> Notice | None:
    if notice is None:
        return None
    return Notice(publish=notice["publish"], date=notice["date"], title=notice["title"] or "",
                  body=notice["body"] or "", lines=dict(notice.reader.data.lines))


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
