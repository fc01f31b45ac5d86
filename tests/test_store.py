"""The map's results go into the store as they are made, each under the digest of the bytes it was made from."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import types
from pathlib import Path
from typing import Any

import pytest

from kspages import cache as caching
from kspages.build import build
from kspages.cache import Cache, Store
from kspages.errors import BuildError, ContentError
from kspages.keys import digest

from .conftest import N1, N2, MakeSite, record

DAY = dt.date(2026, 11, 1)


def _files(root: Path, count: int) -> list[str]:
    (root / "content").mkdir(parents=True)
    for i in range(count):
        (root / "content" / f"{i}.txt").write_text(f"file {i}")
    return [f"content/{i}.txt" for i in range(count)]


def _unreadable(rel: str, errors: list[ContentError]) -> str:
    return f"unreadable {rel}"


def test_results_are_stored_a_batch_at_a_time_while_the_map_runs(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files = _files(tmp_path, 5)
    mapped: list[str] = []
    stored: list[tuple[int, int]] = []  # (rows written, files mapped by then)

    def parse(rel: str, raw: bytes) -> str:
        mapped.append(rel)
        return raw.decode().upper()

    def write(self: Store, rows: dict[str, tuple[str, bytes]], keep: set[str] | None = None) -> None:
        stored.append((len(rows), len(mapped)))

    monkeypatch.setattr(caching, "_ROWS", 2)
    monkeypatch.setattr(Store, "write", write)
    cache = Cache(store=Store(tmp_path / "store.sqlite"))
    assert cache.sources_of(tmp_path, files, parse, _unreadable) == [f"FILE {i}" for i in range(5)]
    # Written as they come, two at a time: a cold build never holds every result twice (pickled for the store).
    assert stored == [(2, 2), (2, 4), (1, 5)]


def test_a_file_changed_during_the_map_is_kept_under_the_bytes_it_was_mapped_from(tmp_path: Path) -> None:
    files = _files(tmp_path, 3)

    def parse(rel: str, raw: bytes) -> str:
        if rel == files[0]:  # the map of the first file runs while the last one is saved again
            (tmp_path / files[2]).write_text("saved again")
        return raw.decode()

    cache = Cache(store=Store(tmp_path / "store.sqlite"))
    assert cache.sources_of(tmp_path, files, parse, _unreadable) == ["file 0", "file 1", "saved again"]
    key = digest(parse.__qualname__, "", hashlib.sha256(b"saved again").hexdigest())
    assert cache.sources[files[2]][0] == key
    assert cache.store is not None and cache.store.get(files[2], key) is not None


def test_a_file_gone_during_the_map_is_reported_unreadable_and_not_stored(tmp_path: Path) -> None:
    files = _files(tmp_path, 2)

    def parse(rel: str, raw: bytes) -> str:
        (tmp_path / files[1]).unlink(missing_ok=True)
        return raw.decode()

    cache = Cache(store=Store(tmp_path / "store.sqlite"))
    assert cache.sources_of(tmp_path, files, parse, _unreadable) == ["file 0", f"unreadable {files[1]}"]
    assert files[1] not in cache.sources and files[1] not in cache.stored


# A build in a new process holds each record's result without its gate forms (a third of its memory): the known
# gate's index is made as the results come in, and a leak's owners are read back from the store.

def test_a_new_process_build_holds_no_gate_forms_and_looks_for_every_one(make_site: MakeSite) -> None:
    from kspages.build import prepare
    from kspages.privacy import KnownGate

    root = make_site({f"content/records/2026/{N1}.yaml": record(), f"content/records/2026/{N2}.yaml": record(N2)})
    _, whole = prepare(root, DAY, caching.load(root))
    _, held = prepare(root, DAY, caching.load(root), forms=False)
    assert whole.loaded is not None and held.loaded is not None
    assert whole.loaded.gate_index is None and held.loaded.gate_index is not None
    every = KnownGate(whole.loaded.results, lambda result: result.gate)
    assert held.loaded.gate_index[1] == every.digest
    for mine, theirs in zip(held.loaded.results, whole.loaded.results, strict=True):
        assert isinstance(mine.packed_gate, caching.StoredPart)
        assert mine.gate == theirs.gate != ()  # read back from the row


def test_a_held_result_names_its_file_with_the_string_the_cache_holds(make_site: MakeSite) -> None:
    # A result comes unpickled (from a worker or the store), its path a copy of its own: held, it is the string
    # the cache's list of files holds, not a second one a record. Mapped anew, then taken from the store.
    from kspages.build import prepare

    root = make_site({f"content/records/2026/{N1}.yaml": record(), f"content/records/2026/{N2}.yaml": record(N2)})
    for _ in range(2):
        cache = caching.load(root)
        _, held = prepare(root, DAY, cache, forms=False)
        assert held.loaded is not None and len(held.loaded.results) == 2
        held_strings = {id(path) for path in cache.used_sources}
        assert all(id(result.path) in held_strings for result in held.loaded.results)


def test_a_leak_is_found_and_owned_when_a_cache_held_in_memory_is_built_with_again(
        make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    # The second build takes N2's result from memory, as a caller's load held it (not added to this build's
    # index): the gate makes its index from every result instead, and finds N2's name in N1's notice.
    from kspages import build as building

    other = record(N2, notice=False).replace("name: 张伟", "name: 司徒静怡")
    root = make_site({f"content/records/2026/{N1}.yaml": record(), f"content/records/2026/{N2}.yaml": other})
    cache = caching.load(root)
    building.prepare(root, DAY, cache)  # holds each result in the cache's memory (a one-shot build would not)
    mine = root / f"content/records/2026/{N1}.yaml"
    mine.write_text(record().replace("note: 已转交商家核实", "note: 已转交司徒静怡核实"), "utf-8")
    loads: list[Any] = []
    original = building.load

    def load(*args: Any, **kwargs: Any) -> Any:
        loads.append(loaded := original(*args, **kwargs))
        return loaded

    monkeypatch.setattr(building, "load", load)
    with pytest.raises(BuildError) as info:
        build(root, as_of=DAY, cache=cache)
    [loaded] = loads
    assert loaded.gate_index is None  # the branch this test is for: not every result came in through the index
    [error] = info.value.errors
    assert (error.path, error.line) == (f"content/records/2026/{N2}.yaml", 13)
    assert error.message.startswith("private field 'complainant.name' would be published in ")


def test_a_leak_is_owned_when_the_store_could_not_keep_the_rows(make_site: MakeSite,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Another kspages holds the database's lock: the store drops its rows (a cache: losing them costs only time).
    # The forms held only there are read again from the files, and the leak names its owner's file and line.
    def locked(self: Store, rows: dict[str, tuple[str, bytes]], keep: set[str] | None = None) -> None:
        self._fail(sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(Store, "write", locked)
    other = record(N2, notice=False).replace("name: 张伟", "name: 司徒静怡")
    leaking = record().replace("note: 已转交商家核实", "note: 已转交司徒静怡核实")
    root = make_site({f"content/records/2026/{N1}.yaml": leaking, f"content/records/2026/{N2}.yaml": other})
    with pytest.raises(BuildError) as info:
        build(root, as_of=DAY)
    [error] = info.value.errors
    assert (error.path, error.line) == (f"content/records/2026/{N2}.yaml", 13)
    assert error.message.startswith("private field 'complainant.name' would be published in ")


def test_a_part_whose_row_is_gone_and_whose_file_changed_fails_the_build_with_the_file_named(tmp_path: Path) -> None:
    files = _files(tmp_path, 1)

    def parse(rel: str, raw: bytes) -> Any:
        return types.SimpleNamespace(gate=raw.decode().upper())

    key = caching.row_key(parse, "c", hashlib.sha256(b"file 0").hexdigest())
    rows = caching.Rows(Store(tmp_path / "results.sqlite"), tmp_path, parse, "c")
    assert caching.StoredPart.of(rows, files[0], key, "gate").get() == "FILE 0"  # no row: the file, mapped again
    (tmp_path / files[0]).write_text("file 0, edited")
    with pytest.raises(BuildError) as info:
        caching.StoredPart.of(rows, files[0], key, "gate").get()
    [error] = info.value.errors
    assert error.path == files[0] and error.hint == "build again"


def test_a_value_added_is_looked_for_when_a_load_without_forms_follows_one_with(make_site: MakeSite) -> None:
    # A check that keeps its view (no spool) after a load without forms: every record must be compared with the
    # last check's, or the name written into N1's note would pass as the last check's pages did (a review found it
    # did when such a load made no table by path, 1c45c9e). The other way round, a load without forms followed by
    # any other on the same cache, fails closed (its results' forms are read back from rows the next load
    # replaced): no build does that, `kspages build` always stages with a spool.
    from kspages.build import prepare

    root = make_site({f"content/records/2026/{N1}.yaml": record(),
                      f"content/records/2026/{N2}.yaml": record(N2, notice=False)})
    cache = caching.load(root)
    prepare(root, DAY, cache)
    (root / f"content/records/2026/{N2}.yaml").write_text(
        record(N2, notice=False).replace("name: 张伟", "name: 司徒静怡"), "utf-8")
    (root / f"content/records/2026/{N1}.yaml").write_text(
        record().replace("note: 已转交商家核实", "note: 已转交司徒静怡核实"), "utf-8")
    with pytest.raises(BuildError) as info:
        prepare(root, DAY, cache, forms=False)
    assert any(e.message.startswith("private field 'complainant.name' would be published in ")
               for e in info.value.errors)
