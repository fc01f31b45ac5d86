"""Writing: atomic, only what changed, pruned, and nothing at all when the build fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kspages.build import build
from kspages.errors import BuildError
from kspages.write import MANIFEST, sync

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
    assert sorted(p.name for p in out.rglob("*")) == sorted(["a", "index.html", MANIFEST])
    assert not [p for p in out.rglob(".tmp-*")]
    assert oct(os.stat(out / "a/index.html").st_mode & 0o777) == "0o644"
