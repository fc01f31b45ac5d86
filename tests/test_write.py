"""Writing: atomic, only what changed, pruned, and nothing at all when the build fails."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kspages.build import build
from kspages.errors import BuildError
from kspages.write import MANIFEST, MANIFEST_PARTS, _Staging, read_manifest, sync, sync_changes

from .conftest import N1, N2, MakeSite, record, snapshot


def _stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_second_build_rewrites_nothing(make_site: MakeSite) -> None:
    root = make_site()
    first = build(root)
    assert first.written == first.outputs > 10 and first.unchanged == 0
    before = _stats(root / "output")
    second = build(root)
    assert (second.written, second.unchanged, second.removed) == (0, first.outputs, 0)
    assert _stats(root / "output") == before


def test_only_changed_files_are_rewritten_and_stale_ones_pruned(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N2}.yaml": record(N2)})
    build(root)
    assert (root / f"output/notices/{N2}/index.html").exists()
    (root / f"content/records/2026/{N2}.yaml").unlink()
    report = build(root)
    assert not (root / f"output/notices/{N2}").exists()
    assert report.removed == 1 and 0 < report.written < report.outputs


def test_failed_build_leaves_previous_output_untouched(make_site: MakeSite) -> None:
    root = make_site()
    build(root)
    before, stats = snapshot(root / "output"), _stats(root / "output")
    bad = record().replace("channel: in_app_report", "channel: nowhere")
    (root / f"content/records/2026/{N1}.yaml").write_text(bad, "utf-8")
    (root / "content/guide/01-first.md").write_text("---\ntitle: 改了\norder: 1\n---\n", "utf-8")
    with pytest.raises(BuildError):
        build(root)
    assert snapshot(root / "output") == before and _stats(root / "output") == stats


def test_refuses_to_prune_a_folder_it_did_not_make(make_site: MakeSite, tmp_path: Path) -> None:
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete", "utf-8")
    with pytest.raises(BuildError) as info:
        build(make_site(), precious)
    assert "was not made by kspages" in info.value.errors[0].message
    assert (precious / "thesis.txt").read_text("utf-8") == "do not delete"


def test_sync_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = sync({"a/index.html": b"1", "b.json": b"2"}, out)
    assert (report.written, report.removed) == (2, 0)
    (out / "stray.html").write_bytes(b"x")
    report = sync({"a/index.html": b"changed"}, out)
    assert (report.written, report.unchanged, report.removed) == (1, 0, 2)
    assert sorted(p.name for p in out.rglob("*") if not (p.relative_to(out).as_posix() + "/").startswith(MANIFEST_PARTS)
                  ) == sorted(["a", "index.html", MANIFEST])
    assert not [p for p in out.rglob(".tmp-*")]
    assert oct(os.stat(out / "a/index.html").st_mode & 0o777) == "0o644"


SITE = {"index.html": b"home", "notices/a/index.html": b"a" * 5000, "status/shards/0f.json": b"{}"}


def _siblings(out: Path) -> list[str]:
    """What sits beside `out` other than it (a staging folder left behind would)."""
    return sorted(p.name for p in out.parent.iterdir() if p != out)


def _no_commit(self: _Staging, out: Path, rels: list[str]) -> None:
    raise AssertionError("a cold sync renames its staging folder into place, not each file")


@pytest.mark.parametrize("empty_folder", [False, True])
def test_cold_sync_puts_exactly_the_outputs_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     empty_folder: bool) -> None:
    out = tmp_path / "site" / "out"
    if empty_folder:
        out.mkdir(parents=True, mode=0o750)
    monkeypatch.setattr(_Staging, "commit", _no_commit)
    report = sync(SITE, out, {"index.html": "k1"})
    assert (report.written, report.unchanged, report.removed) == (3, 0, 0)
    assert {p for p in snapshot(out) if not p.startswith(MANIFEST_PARTS)} == {*SITE, MANIFEST}
    assert all(snapshot(out)[rel] == data for rel, data in SITE.items())
    assert read_manifest(out)["index.html"][1] == "k1"
    assert _siblings(out) == []
    assert {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_file()} == {"0o644"}
    if empty_folder:
        assert oct(out.stat().st_mode & 0o777) == "0o750"  # the folder the user made keeps its mode


def test_files_are_0o644_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        sync(SITE, tmp_path / "cold")
        sync({**SITE, "index.html": b"changed"}, tmp_path / "cold")
    finally:
        os.umask(previous)
    assert {oct(p.stat().st_mode & 0o777) for p in (tmp_path / "cold").rglob("*") if p.is_file()} == {"0o644"}


def test_a_staging_folder_left_by_a_crash_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sync(SITE, out)
    for name in (".out.staging-999999999-0a1b2c", ".out.staging-x"):  # no such process; a name it cannot parse
        (tmp_path / name / "notices").mkdir(parents=True)
        (tmp_path / name / "notices/half.html").write_bytes(b"<ht")
    (tmp_path / f".out.staging-{os.getpid()}-live").mkdir()  # a sync of a running process: not touched
    (tmp_path / ".other.staging-1-x").mkdir()  # another output folder's
    report = sync(SITE, out)
    assert report.written == 0
    assert _siblings(out) == sorted([f".out.staging-{os.getpid()}-live", ".other.staging-1-x"])


def test_an_existing_build_keeps_unchanged_files_and_replaces_changed_ones(tmp_path: Path) -> None:
    out = tmp_path / "out"
    sync(SITE, out)
    before = _stats(out)
    changed = {**SITE, "index.html": b"new home", "notices/b/index.html": b"b"}
    del changed["status/shards/0f.json"]
    report = sync(changed, out)
    assert (report.written, report.unchanged, report.removed) == (2, 1, 1)
    after = _stats(out)
    assert after["notices/a/index.html"] == before["notices/a/index.html"]  # not rewritten
    assert after["index.html"][0] != before["index.html"][0]  # a new file renamed over the old one
    assert after[MANIFEST][0] != before[MANIFEST][0]
    assert _without_parts(snapshot(out)) == {**changed, MANIFEST: (out / MANIFEST).read_bytes()}
    assert _siblings(out) == [] and not (out / "status").exists()


def test_without_a_staging_folder_it_writes_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kspages.write._same_device", lambda out: False)  # out is a mount point
    out = tmp_path / "out"
    sync(SITE, out)
    report = sync({**SITE, "index.html": b"new home"}, out)
    assert (report.written, report.unchanged) == (1, 2) and (out / "index.html").read_bytes() == b"new home"
    assert set(_without_parts(snapshot(out))) == {*SITE, MANIFEST} and _siblings(out) == []


def _without_parts(files: dict[str, bytes]) -> dict[str, bytes]:
    return {rel: data for rel, data in files.items() if not rel.startswith(MANIFEST_PARTS)}


def _fail_after(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    put = _Staging.put
    count = [0]

    def failing(self: _Staging, rel: str, data: bytes) -> None:
        count[0] += 1
        if count[0] > n:
            raise OSError(28, "No space left on device")
        put(self, rel, data)
    monkeypatch.setattr(_Staging, "put", failing)


@pytest.mark.parametrize("state", ["missing", "empty", "built"])
def test_a_failure_midway_leaves_the_output_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      state: str) -> None:
    out = tmp_path / "out"
    if state == "empty":
        out.mkdir()
    elif state == "built":
        sync(SITE, out)
    before, stats = snapshot(out), _stats(out) if out.exists() else {}
    _fail_after(monkeypatch, 1)
    changed = {rel: data + b"!" for rel, data in SITE.items()}
    with pytest.raises(OSError):
        sync(changed, out)
    assert out.exists() == (state != "missing")
    assert snapshot(out) == before and (_stats(out) if out.exists() else {}) == stats
    assert _siblings(out) == []
    monkeypatch.undo()
    assert sync(changed, out).written == 3 and snapshot(out)["index.html"] == b"home!"


def test_the_manifest_is_what_json_dumps_writes() -> None:
    # Made line by line for speed; readers (read_manifest, other tools) see json.dumps' own format, part by part.
    import hashlib
    import json
    import random

    from kspages.write import _Members
    rng = random.Random(1)
    for _ in range(300):
        rels = [rng.choice(["a.html", "shops/店铺/index.html", 'q"x\\y.html', "z/\u2028.txt", "b"]) + str(i)
                for i in range(rng.randrange(0, 6))]
        outputs = {rel: str(rng.random()).encode() for rel in rels}
        keys = {rel: f"k{i}" for i, rel in enumerate(rels) if rng.random() < 0.6} | {"gone.html": "x"}
        sha = {rel: f"s{rel}" for rel in rels if rng.random() < 0.5}
        files = {rel: sha.get(rel) or hashlib.sha256(data).hexdigest() for rel, data in outputs.items()}
        made = _Members.of(outputs, keys, sha).manifest()
        head = json.loads(made[MANIFEST])
        assert made[MANIFEST] == (json.dumps(head, indent=0, sort_keys=True) + "\n").encode()
        assert list(made)[-1] == MANIFEST and len(head["parts"]) == 1 << head["bits"] == len(made) - 1
        together: dict[str, dict[str, str]] = {"files": {}, "keys": {}}
        for name, digest in head["parts"].items():
            data = made[f"{MANIFEST_PARTS}{name}.json"]
            part = json.loads(data)
            assert data == (json.dumps(part, indent=0, sort_keys=True) + "\n").encode()
            assert hashlib.sha256(data).hexdigest()[:16] == digest
            together["files"].update(part["files"])
            together["keys"].update(part["keys"])
        assert together == {"files": files, "keys": {rel: key for rel, key in keys.items() if rel in outputs}}


def _outputs(count: int, salt: str = "") -> dict[str, bytes]:
    return {f"notices/{i:05d}/index.html": f"{i}{salt}".encode() for i in range(count)}


def _fresh_manifest(outputs: dict[str, bytes], keys: dict[str, str], out: Path) -> dict[str, tuple[str, str | None]]:
    """The manifest a fresh sync of `outputs` writes, read back."""
    sync(outputs, out, keys)
    return read_manifest(out)


def test_a_session_edit_rewrites_one_part_of_the_manifest_and_its_head(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    outputs = _outputs(6000)
    keys = {rel: "k" for rel in outputs}
    report, written = sync_changes(outputs, out, keys, {}, None, None)
    assert written is not None and len(list((out / MANIFEST_PARTS).iterdir())) > 16
    committed: list[list[str]] = []
    commit = _Staging.commit
    monkeypatch.setattr(_Staging, "commit", lambda self, o, rels: committed.append(rels) or commit(self, o, rels))
    edited = {**outputs, "notices/00007/index.html": b"edited"}
    report, written = sync_changes(edited, out, keys, {}, outputs, written)
    assert report.written == 1
    [rels] = committed
    assert rels[0] == "notices/00007/index.html" and rels[-1] == MANIFEST
    assert len(rels) == 3 and rels[1].startswith(MANIFEST_PARTS)  # one part: the edited file's
    assert read_manifest(out) == _fresh_manifest(edited, keys, tmp_path / "fresh")


def test_a_session_whose_site_grows_cuts_its_manifest_into_more_parts(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outputs = _outputs(3000)
    _, written = sync_changes(outputs, out, {}, {}, None, None)
    before = {p.name for p in (out / MANIFEST_PARTS).iterdir()}
    more = _outputs(9000)
    _, written = sync_changes(more, out, {}, {}, outputs, written)
    after = {p.name for p in (out / MANIFEST_PARTS).iterdir()}
    assert read_manifest(out) == _fresh_manifest(more, {}, tmp_path / "fresh")
    assert len(after) > len(before) and after == {p.name for p in (tmp_path / "fresh" / MANIFEST_PARTS).iterdir()}
    fewer = _outputs(100)
    _, written = sync_changes(fewer, out, {}, {}, more, written)
    assert read_manifest(out) == _fresh_manifest(fewer, {}, tmp_path / "fresh2")
    assert len(list((out / MANIFEST_PARTS).iterdir())) == 16


def test_a_part_that_is_not_the_one_its_head_names_is_not_trusted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    outputs = _outputs(300)
    sync(outputs, out, {rel: "k" for rel in outputs})
    part = sorted((out / MANIFEST_PARTS).iterdir())[3]
    listed = [rel for rel in outputs if f'"{rel}"' in part.read_text("utf-8")]
    assert listed
    part.write_text(part.read_text("utf-8").replace('"k"', '"k2"'), "utf-8")  # as a sync stopped before its head
    found = read_manifest(out)
    assert not set(listed) & set(found) and len(found) == len(outputs) - len(listed)


def test_a_manifest_of_one_file_as_before_is_read(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text('{\n"files": {\n"a.html": "s1"\n},\n"keys": {\n"a.html": "k1"\n}\n}\n', "utf-8")
    assert read_manifest(out) == {"a.html": ("s1", "k1")}


def test_a_staging_folder_removed_midway_is_not_made_again_by_the_next_file(tmp_path: Path) -> None:
    staging = _Staging.beside(tmp_path / "out")
    assert staging is not None
    with staging:
        staging.put("notices/K1/index.html", b"one")  # its folder made on the way
        assert (staging.folder / "notices/K1/index.html").read_bytes() == b"one"
        shutil.rmtree(staging.folder)  # e.g. removed as stale by another process
        with pytest.raises(FileNotFoundError):
            staging.put("notices/K2/index.html", b"two")  # a half tree would be published otherwise
        assert not staging.folder.exists()
