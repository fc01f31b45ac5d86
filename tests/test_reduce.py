"""The reduces a session keeps (figures' sums, public parts in the site's orders): taking records out and putting
them in again gives what a fresh reduce over the same records gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

from benchmarks.sites import bundled_copy
from kspages.build import load
from kspages.errors import ContentError
from kspages.public import Assembly, PublicNotice, shops
from kspages.stats import Tally

DAY = dt.date(2026, 11, 1)


def test_taking_records_out_and_in_again_equals_a_fresh_reduce(tmp_path: Path) -> None:
    errors: list[ContentError] = []
    loaded = load(bundled_copy(tmp_path / "site"), errors, [], DAY, masks=True)
    assert not errors
    results = loaded.results
    assert len(results) > 20 and any(r.public and r.public.masks for r in results)
    rng = random.Random(7)
    for _ in range(40):
        inside = set(rng.sample(range(len(results)), rng.randrange(len(results) + 1)))
        tally = Tally.of([r.summary.counted for r in results if r.summary and r.public], DAY)
        assembly = Assembly.of(r.public for r in results if r.public)
        for i in rng.sample(range(len(results)), len(results)):  # in any order
            r = results[i]
            assert r.summary is not None and r.public is not None
            if i not in inside:
                tally.add(r.summary.counted, sign=-1)
                assembly.remove(r.public)
        for i in rng.sample(sorted(inside), len(inside) // 2):  # out and in again
            r = results[i]
            assert r.summary is not None and r.public is not None
            tally.add(r.summary.counted, sign=-1)
            assembly.remove(r.public)
            tally.add(r.summary.counted)
            assembly.add(r.public)
        kept = [results[i] for i in sorted(inside)]
        fresh = Tally.of([r.summary.counted for r in kept if r.summary and r.public], DAY)
        assert tally.figures() == fresh.figures()
        site = loaded.public.settings
        assert assembly.site(site, [], None) == Assembly.of(r.public for r in kept if r.public).site(site, [], None)


def test_a_copy_of_an_assembly_and_its_original_change_apart(tmp_path: Path) -> None:
    errors: list[ContentError] = []
    loaded = load(bundled_copy(tmp_path / "site"), errors, [], DAY)
    parts = [r.public for r in loaded.results if r.public is not None and r.public.notice is not None]
    assert not errors and len(parts) > 10
    settings = loaded.public.settings
    # Each notice once more under another merchant, as an edit that moves a notice to another shop makes it.
    moved = [dataclasses.replace(p, notice=dataclasses.replace(p.notice, status=dataclasses.replace(
        p.notice.status, merchant=parts[-1 - i].notice.status.merchant if p.notice else ""))) for i, p in
        enumerate(parts)]
    rng = random.Random(5)
    for _ in range(20):
        original = Assembly.of(parts)
        before = original.site(settings, [], None)
        lists = {name: list(items) for name, items in original.merchants.items()}  # the site shares them
        copy = original.copy()
        changed = set(rng.sample(range(len(parts)), rng.randrange(1, len(parts))))
        expected = [moved[i] if i in changed else p for i, p in enumerate(parts)]
        for i in changed:  # the copy changes...
            copy.remove(parts[i])
            copy.add(moved[i])
        assert original.site(settings, [], None) == before  # ...and the original, shared lists and all, does not
        assert original.merchants == lists
        after = copy.site(settings, [], None)
        base = Assembly.of(parts)  # the original changes after a copy (its site never made): the copy does not
        kept = base.copy()
        for i in rng.sample(range(len(parts)), 3):
            base.remove(parts[i])
            copy.remove(expected[i])
            copy.add(expected[i])
        assert {name: list(items) for name, items in kept.merchants.items()} == Assembly.of(parts).merchants
        assert copy.site(settings, [], None) == after and after.merchants == copy.merchants
        assert {name: list(items) for name, items in copy.merchants.items()} == Assembly.of(expected).merchants
        assert after == Assembly.of(expected).site(settings, [], None)
        assert after.merchants == Assembly.of(expected).merchants


def test_shops_made_again_from_the_notices_that_moved_equal_shops_made_afresh(tmp_path: Path) -> None:
    errors: list[ContentError] = []
    loaded = load(bundled_copy(tmp_path / "site"), errors, [], DAY).public.notices
    # Three shops for each of the bundled site's: enough that one to four of them is a small part (see `shops`).
    notices = [dataclasses.replace(n, status=dataclasses.replace(n.status, merchant=f"{n.status.merchant}{k}"))
               for k in range(3) for n in loaded]
    assert not errors and len(shops(tuple(notices))) >= 16
    rng = random.Random(11)
    for _ in range(60):
        before = tuple(notices)
        known = {x.name: x for x in shops(before)}
        moved = []
        for _ in range(rng.randrange(1, 3)):
            at = rng.randrange(len(notices))
            old = notices[at]
            moved.append(old)
            change = rng.choice(["edit", "move", "new shop", "remove"])
            if change == "remove":
                del notices[at]
                continue
            merchant = {"edit": old.status.merchant, "move": rng.choice(notices).status.merchant,
                        "new shop": f"新开的店{rng.randrange(1000)}"}[change]
            new = dataclasses.replace(old, title=old.title + "。", status=dataclasses.replace(old.status,
                                                                                              merchant=merchant))
            notices[at] = new
            moved.append(new)
        now = tuple(notices)
        again = shops(now, known, moved)
        assert again == shops(now)
        grouped: dict[str, list[PublicNotice]] = {}  # each merchant's notices, oldest (last in `now`) first
        for n in reversed(now):
            grouped.setdefault(n.status.merchant, []).append(n)
        assert shops(now, known, moved, grouped) == again
        assert [x.name for x in again] == sorted(x.name for x in again)
        untouched = {x.name for x in again} - {n.status.merchant for n in moved}
        assert all(x is known[x.name] for x in again if x.name in untouched)  # taken as they were


def test_shards_kept_by_the_reduce_equal_shards_grouped_afresh_as_their_number_changes(tmp_path: Path) -> None:
    errors: list[ContentError] = []
    loaded = load(bundled_copy(tmp_path / "site"), errors, [], DAY)
    part = next(r.public for r in loaded.results if r.public and r.public.notice is None and r.public.state != "withdrawn")
    assert not errors and part is not None
    # 1,024 entries fill 16 shards of 64: the 1,025th calls for 32 shards, and taking it out again for 16.
    parts = [dataclasses.replace(part, status=dataclasses.replace(part.status, number=f"KS-T{i:05d}"))
             for i in range(1030)]
    assembly = Assembly.of(parts[:1020])
    for count in range(1020, 1030):
        assembly.add(parts[count])
        assert assembly.shards == Assembly.of(parts[:count + 1]).shards
    assert len(assembly.shards) == 32
    for count in range(1030, 1018, -1):
        assembly.remove(parts[count - 1])
        assert assembly.shards == Assembly.of(parts[:count - 1]).shards
    assert len(assembly.shards) == 16 and sum(map(len, assembly.shards.values())) == 1018
