"""A build in a new process stages its outputs batch by batch (write.Spool): same files, no page held for long."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from kspages import build as building
from kspages import cache as caching
from kspages import write
from kspages.build import build
from kspages.cache import Cache
from kspages.errors import BuildError
from kspages.record import RecordResult
from kspages.write import Spool, sync

from .conftest import N1, N2, N3, MakeSite, record, snapshot

DAY = dt.date(2026, 11, 30)


def _staging_folders(out: Path) -> list[str]:
    return [name for name in os.listdir(out.parent) if name.startswith(f".{out.name}.staging-")]


def test_a_spool_stages_each_batch_and_reads_it_back(tmp_path: Path) -> None:
    outputs = {f"p/{i}/index.html": f"<p>{i}</p>".encode() * 20 for i in range(12)}
    checked: list[list[str]] = []

    def check(batch: dict[str, bytes]) -> tuple[dict[str, str], set[str]]:
        checked.append(sorted(batch))
        return {rel: write.hashlib.sha256(data).hexdigest() for rel, data in batch.items()}, set()

    out = tmp_path / "out"
    with Spool(out, limit=300) as spool:
        spool.check = check
        for rel, data in outputs.items():
            spool[rel] = data
            assert spool._pending_size < 300  # never more than one batch in memory
        assert len(checked) > 3 and sum(map(len, checked)) <= len(outputs)
        assert {rel: spool[rel] for rel in spool} == outputs  # read back from the staging folder
        report = sync(spool, out)
    assert report.written == len(outputs)
    reference = tmp_path / "ref"
    sync(outputs, reference)
    assert snapshot(out) == snapshot(reference)
    assert not _staging_folders(out)


def test_an_output_that_failed_is_never_staged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Spool(out, limit=1) as spool:
        spool.check = lambda batch: ({rel: "x" for rel in batch}, {"leak.html"})
        spool["leak.html"] = b"<p>13812345678</p>"
        spool["fine.html"] = b"<p>fine</p>"
        assert spool.staging is not None
        staged = {p.relative_to(spool.staging.folder).as_posix() for p in spool.staging.folder.rglob("*")}
        assert staged == {"fine.html"}
        assert spool["leak.html"] == b"<p>13812345678</p>"
        with pytest.raises(ValueError):  # the build stops first; sync refuses all the same
            sync(spool, out)
    assert not out.exists()
    assert not _staging_folders(out)  # leaving the spool removes what it staged


def test_unchanged_outputs_are_left_in_place(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sync({"a.html": b"a", "b.html": b"b", "c.html": b"c"}, out)
    before = {name: os.stat(out / name).st_ino for name in ("a.html", "b.html")}
    with Spool(out, limit=1) as spool:
        for rel, data in {"a.html": b"a", "b.html": b"B", "d.html": b"d"}.items():
            spool[rel] = data
        assert spool.staged() == ["b.html", "d.html"]
        report = sync(spool, out)
    assert (report.written, report.unchanged, report.removed) == (2, 1, 1)
    assert os.stat(out / "a.html").st_ino == before["a.html"]  # not rewritten
    assert (out / "b.html").read_bytes() == b"B" and not (out / "c.html").exists()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Pages rendered two at a time, and a spool that checks every few kilobytes; the largest batch checked."""
    monkeypatch.setattr(building, "_BATCH", 2)
    monkeypatch.setattr(write, "SPOOL_BYTES", 4096)
    sizes: list[int] = []
    flush = Spool.flush

    def counted(self: Spool, final: bool = False) -> None:
        sizes.append(self._pending_size)
        flush(self, final)

    monkeypatch.setattr(Spool, "flush", counted)
    return sizes


def test_a_build_in_small_batches_is_the_same_build(make_site: MakeSite, tmp_path: Path,
                                                    small_batches: list[int]) -> None:
    files = {f"content/records/2026/{n}.yaml": record(n) for n in (N2, N3)}
    root = make_site(files)
    build(root, tmp_path / "batched", DAY, Cache())
    assert len(small_batches) > 5 and max(small_batches) < 4096 + 64 * 1024  # a batch is about the limit
    # The same site as one batch (a session's build keeps its outputs in memory, as before).
    session = building.Session(root, tmp_path / "whole", DAY)
    session.build()
    assert snapshot(tmp_path / "batched") == snapshot(tmp_path / "whole")


def test_a_leak_found_in_a_batch_fails_the_build_and_stages_nothing_left(make_site: MakeSite, tmp_path: Path,
                                                                        small_batches: list[int]) -> None:
    other = record(N2, notice=False).replace("name: 张伟", "name: 司徒静怡")
    root = make_site({f"content/records/2026/{N2}.yaml": other, f"content/records/2026/{N3}.yaml": record(N3)})
    out = tmp_path / "out"
    build(root, out, DAY, Cache())
    before = snapshot(out)
    # Another record's complainant named in a public note: only the known-value gate can tell.
    leaking = record().replace("note: 已转交商家核实", "note: 已转交司徒静怡核实")
    (root / "content/records/2026/KS-4QGJ-5S13-0.yaml").write_text(leaking, encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build(root, out, DAY, Cache())
    [error] = caught.value.errors
    assert (error.path, error.line) == (f"content/records/2026/{N2}.yaml", 13)
    assert error.message.startswith("private field 'complainant.name' would be published in ")
    assert len(small_batches) > 5
    assert snapshot(out) == before
    assert not _staging_folders(out)


def test_leaks_found_in_several_batches_are_owned_in_one_pass_over_the_records(
        make_site: MakeSite, tmp_path: Path, small_batches: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    # Each pass reads every record's forms (in a new process from the store): a build with leaks on many pages
    # looks for their owners once, when the check finishes.
    from kspages.privacy import gate

    # N2's name in N1's notice, N2's description in N3's: two forms, on pages of different batches.
    other = record(N2, notice=False).replace("name: 张伟", "name: 司徒静怡").replace("我在直播间买的。",
                                                                                "在直播间下单的保温杯一直没有发货")
    leaking = record().replace("note: 已转交商家核实", "note: 已转交司徒静怡核实")
    also = record(N3).replace("note: 已转交商家核实", "note: 据称在直播间下单的保温杯一直没有发货")
    root = make_site({f"content/records/2026/{N2}.yaml": other, f"content/records/2026/{N3}.yaml": also,
                      f"content/records/2026/{N1}.yaml": leaking})
    found_in: list[int] = []
    passes: list[int] = []
    hits, owners_of = gate.KnownGate.hits, gate.KnownGate._owners_of

    def counted_hits(self: Any, *args: Any) -> Any:
        found = hits(self, *args)
        found_in.append(len(found))
        return found

    def counted_owners(self: Any, keys: set[str]) -> Any:
        passes.append(len(keys - self._looked))
        return owners_of(self, keys)

    monkeypatch.setattr(gate.KnownGate, "hits", counted_hits)
    monkeypatch.setattr(gate.KnownGate, "_owners_of", counted_owners)
    with pytest.raises(BuildError) as caught:
        build(root, tmp_path / "out", DAY, Cache())
    assert [(e.path, e.line) for e in caught.value.errors] == [(f"content/records/2026/{N2}.yaml", 13),
                                                                (f"content/records/2026/{N2}.yaml", 17)]
    assert sum(1 for n in found_in if n) > 1 and len([n for n in passes if n]) == 1


def test_an_output_taken_out_after_it_was_staged_is_not_published(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with Spool(out, limit=1) as spool:
        spool["gone.html"] = b"gone"
        spool["kept.html"] = b"kept"
        del spool["gone.html"]
        spool["kept.html"] = b"kept again"
        sync(spool, out)
    assert {p for p in snapshot(out) if not p.startswith(".kspages-manifest/")} == {"kept.html", ".kspages-manifest.json"}
    assert (out / "kept.html").read_bytes() == b"kept again"


def test_a_result_pickled_without_its_gate_forms_fails_closed(make_site: MakeSite) -> None:
    # A cache of another shape (a FORMAT not bumped) must stop the build, never leave the gate nothing to find.
    loaded = building.load(make_site(), [], [], DAY)
    [result] = loaded.results
    assert result.gate  # the map's own result has them
    stale = RecordResult(result.path, (), result.summary, result.public)
    with pytest.raises(ValueError):
        _ = stale.gate
    assert RecordResult("content/records/bad.yaml", ()).gate == ()  # an unusable file has none


class _OlderShape:
    """Pickles as a RecordResult of another shape: its state without `summary` (a FORMAT not bumped)."""

    def __init__(self, state: dict[str, object]) -> None:
        self.state = state

    def __reduce__(self) -> tuple[object, ...]:
        return object.__new__, (RecordResult,), self.state


def test_a_stored_result_of_another_shape_is_mapped_again(make_site: MakeSite) -> None:
    # Unpickled with the class's defaults, it had no summary: the record was dropped without a word, and the gate
    # did not look for its values in other records' pages.
    root = make_site()
    building.build(root, as_of=DAY)
    [result] = building.load(root, [], [], DAY, caching.load(root)).results
    state = {f.name: getattr(result, f.name) for f in dataclasses.fields(result) if f.name != "summary"}
    with pytest.raises(ValueError):
        pickle.loads(pickle.dumps(_OlderShape(state)))
    store = caching.load(root).store
    assert store is not None
    with sqlite3.connect(store.path) as db, db:
        db.execute("UPDATE results SET result = ?", (pickle.dumps(_OlderShape(state)),))
    os.utime(root / "content/site.yaml")  # past the "nothing changed" shortcut
    report = building.build(root, as_of=DAY)
    assert report.parsed == 1 and report.records == 1 and report.notices == 1  # mapped again, not dropped


def test_pages_taken_from_the_last_build_are_read_once(make_site: MakeSite, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_site({f"content/records/2026/{n}.yaml": record(n) for n in (N2, N3)})
    out = tmp_path / "out"
    build(root, out, DAY, Cache())
    compared: list[str] = []
    same = write._same

    def counted(target: Path, data: bytes) -> bool:
        compared.append(target.relative_to(out).as_posix())
        return same(target, data)

    monkeypatch.setattr(write, "_same", counted)
    report = build(root, out, DAY, Cache())
    assert report.written == 0 and report.rendered == 0  # every page taken from disk, as it was
    # A page was read when taken and is not read again to find it in place; files made without a key (assets,
    # data, 404.html, the sitemap) are compared with the disk as before.
    assert [rel for rel in compared if rel.endswith(".html")] == ["404.html"]


def test_a_build_that_stages_as_it_goes_keeps_no_file_for_a_next_build(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({f"content/records/2026/{n}.yaml": record(n) for n in (N2, N3)})
    with Spool(tmp_path / "out") as spool:
        _, rendered = building.prepare(root, DAY, Cache(), spool=spool)
        # Lookup shards, open data, feeds, statistics: staged and let go, not kept for a build that never comes
        # (at 100k records they were 100 MB held to the end of the build).
        assert rendered.made == {} and rendered.inputs == {} and rendered.each == {}
