"""The map's results go into the store as they are made, each under the digest of the bytes it was made from."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kspages import cache as caching
from kspages.cache import Cache, Store
from kspages.errors import ContentError
from kspages.keys import digest


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
