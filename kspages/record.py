"""The map: one record file's bytes in, everything the rest of the build needs of that record out.

`map_record` is pure (no I/O, no global state, picklable in and out), so the engine may run it on any core, or
later on a cluster (`dask.bag.from_sequence(files).map(...)`), and may keep its result for as long as the file's
bytes, the `Context` and the day stay inside what the result says it `holds_on`.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from . import __version__, read
from .errors import ContentError
from .model import FINAL_STATUSES, Complaint, GuidePage, PrivateValue, Settings, validate_record
from .packed import Packed, shared_day, sharing
from .privacy import Form, Layers, Vocabulary, gate_forms
from .public import Assembly, Mask, PublicNotice, PublicSite, RecordPublic, mask_order, record_public, turning_days
from .stats import Counted, Tally

# What a process that maps many records should have imported and loaded before its first record: the map, and
# jieba's dictionary (about a second of CPU and 140 MB, once, instead of once per worker).
WARM = ["kspages.record", "kspages.privacy.warm"]

T_co = TypeVar("T_co", covariant=True)


class Kept(Protocol[T_co]):
    """A part of a result held out of the way (`packed.Packed`, or the result's row in the cache's store)."""

    def get(self) -> T_co:
        """The part itself, made again."""
        ...


@dataclass(frozen=True)
class Context:
    """What every record's result depends on besides its own bytes: the settings, the site's words and the day."""

    settings: Settings
    vocabulary: Vocabulary
    as_of: dt.date

    @functools.cached_property
    def key(self) -> str:
        """A digest of all of it but the day (a result says itself on which days it holds)."""
        return hashlib.sha256(repr((__version__, self.settings, self.vocabulary.digest)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Summary:
    """What the build needs of a usable record after the map, besides its public parts: nothing private, little
    else (a build holds one for every record)."""

    number: str
    number_line: int | None  # where the number is written: a number used twice is reported there
    body_line: int | None  # where its notice's body is written (None without a notice): a bad link is reported there
    counted: Counted  # what it adds to the figures
    has_notice: bool

    __setstate__ = sharing()


@dataclass(frozen=True, slots=True)
class RecordResult:
    """One record file, read, validated and anonymised: what it shows, what it hides, what the gate looks for."""

    path: str
    errors: tuple[ContentError, ...]  # the file's problems; with any, the build fails
    summary: Summary | None = None  # None when the file is unusable
    public: RecordPublic | None = None
    warnings: tuple[ContentError, ...] = ()
    # Every strong form of every private value (privacy.gate_forms), kept pickled: read to build the gate's
    # automata and to name a leak's owner. A session holds them for every record (a third of a result's memory);
    # a build in a new process only the row they can be read back from (`held`).
    packed_gate: Kept[tuple[tuple[PrivateValue, Form], ...]] | None = None
    since: dt.date = dt.date.min  # the result is the same for every day from `since` to the day before `until`
    until: dt.date = dt.date.max

    @property
    def gate(self) -> tuple[tuple[PrivateValue, Form], ...]:
        """Every strong form of every private value of the record, with its value."""
        # A usable record's result without them must fail here, never give the gate nothing to look for (one
        # unpickled in another shape is refused before, by __setstate__).
        packed = self.packed_gate
        if packed is None:
            if self.summary is not None:
                raise ValueError(f"{self.path}: a result without its gate forms (a cache of another shape)")
            return ()
        return packed.get()

    def __getstate__(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in _RESULT_FIELDS}

    def __setstate__(self, state: dict[str, object]) -> None:
        # A result pickled in another shape (a cache whose FORMAT was not bumped) could unpickle with the class
        # defaults for what it lacks: no summary, so the record would silently be dropped, and the gate would not
        # look for its values in the other records' pages. Refused instead; the store then maps the file again.
        if not isinstance(state, dict) or state.keys() != set(_RESULT_FIELDS):
            raise ValueError(f"a result of another shape: {sorted(state) if isinstance(state, dict) else state!r}")
        for name, value in state.items():
            if name in ("since", "until"):
                value = shared_day(value)  # type: ignore[arg-type]
            object.__setattr__(self, name, value)  # frozen: the dataclass's own __setattr__ refuses

    def held(self, path: str, kept: Kept[tuple[tuple[PrivateValue, Form], ...]] | None = None) -> RecordResult:
        """The result with its path the very string `path` (equal to its own: an unpickled result holds a copy of
        its own) and, with `kept`, its gate forms held there instead (read back from there when asked)."""
        changes: dict[str, Any] = {} if path is self.path else {"path": path}
        if kept is not None:
            changes["packed_gate"] = kept
        return dataclasses.replace(self, **changes) if changes else self

    def holds_on(self, day: dt.date) -> bool:
        """Whether mapping the same bytes in the same context on `day` would give this very result."""
        return self.since <= day < self.until

    def holds_with_masks(self, day: dt.date) -> bool:
        """`holds_on`, and the result still has its masks (see `without_masks`)."""
        return self.holds_on(day) and (self.public is None or self.public.packed_masks is not None)

    def without_masks(self) -> RecordResult:
        """The result as a build that lists no masks holds it: a quarter less memory, at 100k records 70 MB (only
        `kspages check` and `build -vv` list them; the store keeps the result whole)."""
        if self.public is None or self.public.packed_masks is None:
            return self
        return dataclasses.replace(self, public=dataclasses.replace(self.public, packed_masks=None))


_RESULT_FIELDS = tuple(f.name for f in dataclasses.fields(RecordResult))  # in order: the same pickle each time


def map_record(context: Context, rel: str, raw: bytes) -> RecordResult:
    """A record file's bytes, parsed, validated and anonymised as of `context.as_of`."""
    problems: list[ContentError] = []
    record = validate_record(read.parse_yaml_file(rel, raw), problems)
    if record is None:
        return RecordResult(rel, tuple(problems))
    settings, as_of = context.settings, context.as_of
    public = record_public(record, settings, as_of, context.vocabulary)
    if settings.unsure == "error":
        problems += [ContentError(mask.path, mask.line, f"'{mask.field}' may name a person "
                                  f"(found by the name dictionary, not by a role word)",
                                  "'kspages check --show' shows it: write a role (消费者, 快递员...) instead, or set "
                                  "'privacy: unsure: hide' in content/site.yaml")
                     for mask in public.masks for hit in (*mask.hits, *mask.kept) if not hit.sure]
    days = turning_days(record, settings)
    after = bisect.bisect_right(days, as_of)
    # The record itself goes no further: what comes after the map reads its public parts, this summary, and (the
    # gate only) the forms of its private values, packed with their fields and lines. A build holds every result.
    notice = record.notice
    summary = Summary(record.number, record.lines.get("number"), notice.lines.get("body") if notice else None,
                      Counted.of(record, public.state == "published", as_of), notice is not None)
    return RecordResult(rel, tuple(problems), summary, public,
                        _warnings(record, as_of), Packed.of(tuple(gate_forms(record))),
                        days[after - 1] if after else dt.date.min, days[after] if after < len(days) else dt.date.max)


def unreadable(rel: str, errors: list[ContentError]) -> RecordResult:
    """The result of a record file that could not be read."""
    return RecordResult(rel, tuple(errors))


def _warnings(record: Complaint, as_of: dt.date) -> tuple[ContentError, ...]:
    notice = record.notice
    if notice is None:
        return ()
    dated = notice.date is not None and notice.date <= as_of
    tombstone = " and its page says it was withdrawn" if dated else ""
    if notice.publish and record.status not in FINAL_STATUSES:
        return (ContentError(record.path, notice.lines.get("publish"),
                             f"notice approved but not published: status is '{record.status}'{tombstone}",
                             "a notice is published once the complaint is resolved, rejected or withdrawn"),)
    if not notice.publish and dated:
        return (ContentError(record.path, notice.lines.get("date"),
                             f"notice dated {notice.date} is withdrawn: its page says only that",
                             "that is how a published notice is taken down; if this is a draft that was never "
                             "published, leave out 'date' instead"),)
    return ()


@dataclass(frozen=True)
class Shared:
    """The site-wide sources as a build read them (`build.read_shared`): the settings, the guide before its figures
    are filled in, the site's own words, the templates' digest and the assets. A session's next build takes them as
    they are when the watcher saw none of their files change."""

    settings: Settings
    guide: list[GuidePage]
    vocabulary: Vocabulary
    words: str  # a digest of the site's own texts the vocabulary was made of
    templates: str  # a digest of every template file but the assets
    assets: dict[str, bytes]  # by name under templates/assets/
    sources: tuple[str, ...]  # the cache's sources they were parsed from (settings and guide files)


@dataclass(frozen=True)
class Loaded:
    """All sources of a site, validated and anonymised, before anything is rendered."""

    results: list[RecordResult]  # one per usable record, by path, numbers unique
    public: PublicSite
    vocabulary: Vocabulary
    # What the next load of a session starts from (build.load): kept, never changed.
    tally: Tally
    assembly: Assembly
    by_path: dict[str, RecordResult]
    numbers: dict[str, str]  # number -> path; empty in a load no later one starts from (see build.load)
    context: str  # the map's context key (Context.key) the results were made with
    warned: dict[str, tuple[ContentError, ...]]  # the warnings of each record that has any, by path
    # The notices taken away or put in since the load this one started from (a session's last); None: not known.
    moved: tuple[PublicNotice, ...] | None = None
    shared: Shared | None = None  # the site-wide sources it was made with, for a session's next load
    # The known gate's index and digest, made as the results came in (a build in a new process; see build.load).
    gate_index: tuple[Layers, str] | None = None

    @property
    def masks(self) -> list[Mask]:
        """What the scrubber replaced where, by file, line and field (for `kspages check`)."""
        return sorted((m for r in self.results if r.public is not None for m in r.public.masks), key=mask_order)

