"""The map (record.map_record): one record file in, one picklable result out, and the days that result holds on."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from pathlib import Path

import pytest

from kspages import build
from kspages import cache as caching
from kspages.cache import Cache
from kspages.model import Feedback, MerchantReply, Settings
from kspages.packed import Packed
from kspages.privacy import Vocabulary
from kspages.privacy.scrub import Hit
from kspages.public import Mask, PublicFeedback, PublicNotice, PublicReply, RecordPublic, StatusEntry, TimelineEntry
from kspages.record import Context, RecordResult, Summary, map_record
from kspages.stats import Case, Counted
from kspages.write import snapshot
from tests.conftest import N1, N2, MakeSite, record

DAY = dt.date(2026, 11, 30)
REPLY = "merchant_reply: {date: 2026-04-02, text: 已为消费者办理退款。}\n"


def context(day: dt.date = DAY, delay: int = 0) -> Context:
    return Context(Settings(title="t", base_url="https://example.org/", delay_days=delay), Vocabulary(), day)


def test_a_result_is_the_same_after_a_round_trip_through_pickle() -> None:
    result = map_record(context(), f"content/records/2026/{N1}.yaml", record(extra=REPLY).encode())
    assert result.errors == () and result.summary is not None and result.public is not None
    assert result.public.notice is not None and "张伟" not in repr(result.public)
    assert pickle.loads(pickle.dumps(result)) == result


def test_a_broken_file_gives_its_errors_and_no_record() -> None:
    result = map_record(context(), "content/records/x.yaml", b"number: [\n")
    assert result.summary is None and result.public is None
    assert [(e.path, e.line) for e in result.errors] == [("content/records/x.yaml", 2)]


@pytest.mark.parametrize("delay", [0, 10])
def test_a_result_holds_only_while_mapping_again_would_give_the_same(delay: int) -> None:
    # Decided 2026-03-20, notice dated 2026-03-21, reply dated 2026-04-02: what the record shows can change on those
    # days (the decision's with its delay), and on the days of its history's steps (the quarterly figures count a
    # step from its day on), and on no other.
    raw = record(extra=REPLY).encode()
    turning = {dt.date(2026, 3, 21), dt.date(2026, 4, 2), dt.date(2026, 3, 20) + dt.timedelta(days=delay),
               dt.date(2026, 3, 14), dt.date(2026, 3, 15), dt.date(2026, 3, 20)}
    day, held, changed = dt.date(2026, 3, 1), 0, 0
    while day < dt.date(2026, 5, 1):
        here, nxt = map_record(context(day, delay), "r.yaml", raw), day + dt.timedelta(days=1)
        there = map_record(context(nxt, delay), "r.yaml", raw)
        same = (here.public, here.warnings, here.errors) == (there.public, there.warnings, there.errors)
        assert same or not here.holds_on(nxt), f"kept past {day}: {nxt} shows something else"
        assert here.holds_on(nxt) or nxt in turning, f"mapped again on {nxt} for nothing"
        held += here.holds_on(nxt)
        changed += not same
        day = nxt
    assert changed >= 2 and held >= 61 - len(turning)  # 61 days, kept on every one but its turning days


def test_a_kept_result_is_mapped_again_once_its_day_has_passed(make_site: MakeSite, tmp_path: Path) -> None:
    # One cache over several days, as a session or a daily build has it: each day's output is a clean build's.
    root = make_site({f"content/records/2026/{N2}.yaml": record(N2).replace("2026-03-21", "2026-03-25")})
    cache = Cache()
    for day in (dt.date(2026, 3, 20), dt.date(2026, 3, 22), dt.date(2026, 3, 26), dt.date(2026, 3, 22)):
        build.build(root, root / "output", day, cache)
        build.build(root, tmp_path / day.isoformat(), day, Cache())
        assert snapshot(root / "output") == snapshot(tmp_path / day.isoformat()), day
    assert (root / "output" / "notices" / N1 / "index.html").exists()
    assert not (root / "output" / "notices" / N2 / "index.html").exists()


def test_a_kept_result_is_mapped_again_when_the_settings_change(make_site: MakeSite) -> None:
    root = make_site()
    cache = Cache()
    build.build(root, root / "output", DAY, cache)
    assert (root / "output" / "notices" / N1 / "index.html").exists()
    (root / "content/site.yaml").write_text((root / "content/site.yaml").read_text("utf-8")
                                            + "publication:\n  delay_days: 1000\n", "utf-8")
    build.build(root, root / "output", DAY, cache)
    assert not (root / "output" / "notices" / N1 / "index.html").exists()


def test_a_build_holds_results_without_masks_and_lists_them_all_when_asked(make_site: MakeSite,
                                                                           tmp_path: Path) -> None:
    # Masks are for `kspages check` and `build -vv` alone: other builds hold results without them (the store
    # keeps them whole), and a build that lists them, with the same cache, gets every one back.
    noted = {n: record(n).replace("note: 已转交商家核实", "note: 已致电 13812345678 转交商家核实") for n in (N2, N1)}
    root = make_site({f"content/records/2026/{n}.yaml": text for n, text in noted.items()})
    cache = caching.load(root)
    _, rendered = build.prepare(root, DAY, cache, forms=False)  # as `kspages build` loads in a new process
    held = [result for result in rendered.loaded.results if result.public]
    assert len(held) == 2 and all(r.public is not None and r.public.packed_masks is None for r in held)
    # ... and the cache keeps none of them in memory (the store has them whole)
    assert not any(isinstance(result, RecordResult) for _, result in cache.sources.values())
    with pytest.raises(ValueError):  # never an empty list in their place
        _ = held[0].public.masks  # type: ignore[union-attr]
    listed = build.build(root, tmp_path / "b", DAY, cache, masks=True).masks
    fresh = build.build(root, tmp_path / "c", DAY, Cache(), masks=True).masks
    assert listed == fresh and sum(len(m.hits) for m in listed) >= 2


def test_results_unpickled_share_their_codes_merchants_and_days() -> None:
    # A build holds a result for every record, unpickled from a worker or the store: each code, merchant and day a
    # new object per record would be a sixth of a result's memory.
    extra = REPLY + "feedback: {rating: satisfied, comment: 满意, date: 2026-04-03}\n"
    context = Context(Settings(title="t", base_url="https://example.org/"), Vocabulary(), DAY)
    one, two = (pickle.loads(pickle.dumps(map_record(context, f"content/records/2026/{n}.yaml",
                                                     record(n, extra=extra).encode())))
                for n in (N1, N2))
    assert one.public is not None and two.public is not None
    a, b = one.public, two.public
    assert a.status.number != b.status.number
    assert a.status.category is b.status.category and a.status.merchant is b.status.merchant
    assert a.status.received is b.status.received and a.status.timeline[-1].date is b.status.timeline[-1].date
    assert a.case.received is b.case.received and a.state is b.state
    assert a.notice is not None and b.notice is not None and a.notice.feedback is not None
    assert b.notice.feedback is not None and a.notice.feedback.rating is b.notice.feedback.rating
    assert one.summary is not None and two.summary is not None
    assert one.summary.counted.channel is two.summary.counted.channel
    # Staff notes and titles repeat from record to record: one object each too.
    assert a.status.timeline[-1].note == b.status.timeline[-1].note
    assert a.status.timeline[-1].note is b.status.timeline[-1].note and a.notice.title is b.notice.title



@pytest.mark.parametrize("cls", [Summary, Counted, Case, TimelineEntry, StatusEntry, PublicNotice, PublicReply,
                                 PublicFeedback, Mask, RecordPublic, Packed, Hit, MerchantReply, Feedback])
def test_a_stored_part_of_another_shape_is_refused(cls: type) -> None:
    # Pickled in another shape (its fields by name, as before it had slots; a FORMAT not bumped), a part would be
    # read as values in field order: a feedback's date would be the word "date". Refused instead, and the store
    # maps the file again.
    names = [f.name for f in dataclasses.fields(cls)]
    for state in ({name: name for name in names}, names[:-1]):
        with pytest.raises(ValueError):
            object.__new__(cls).__setstate__(state)
