"""The shortcut of `kspages build`: nothing changed since the last build, so nothing is read, rendered or written."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.sites import bundled_copy
from kspages import stamp
from kspages.build import build
from kspages.cli import main

from .conftest import snapshot

DAY = dt.date(2026, 11, 1)


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The sources were written a moment ago; a real site's were not. Trust them at once for these tests.
    monkeypatch.setattr(stamp, "RACY_NS", 0)
    site = bundled_copy(tmp_path / "site")
    first = build(site, as_of=DAY)
    assert not first.up_to_date and first.written == first.outputs
    return site


def test_nothing_changed_means_nothing_read(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(root / "output")
    monkeypatch.setattr("kspages.build.prepare", lambda *a, **k: pytest.fail("sources were read"))
    again = build(root, as_of=DAY)
    assert again.up_to_date and (again.written, again.removed, again.parsed) == (0, 0, 0)
    assert again.unchanged == again.outputs == len([p for p in before if not p.startswith(".kspages")])
    assert [w.location for w in again.warnings] == ["content/records/2026/KS-852M-YZVQ-1.yaml:26"]  # replayed
    assert snapshot(root / "output") == before


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(root: Path) -> None:
    file = root / "content/guide/01-recognise.md"
    st = file.stat()
    text = file.read_text("utf-8")
    file.write_text(text.replace("虚假宣传", "虚假广告", 1), "utf-8")  # same length in bytes
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the old mtime: only ctime tells
    assert file.stat().st_size == st.st_size and file.stat().st_mtime_ns == st.st_mtime_ns
    report = build(root, as_of=DAY)
    assert not report.up_to_date and report.written >= 1
    assert "虚假广告" in (root / "output/guide/recognise/index.html").read_text("utf-8")


def test_a_changed_or_missing_output_file_or_another_date_means_a_real_build(root: Path) -> None:
    page = root / "output/guide/index.html"
    page.write_text("tampered", "utf-8")
    report = build(root, as_of=DAY)
    assert not report.up_to_date and report.written == 1 and "tampered" not in page.read_text("utf-8")
    page.unlink()
    assert build(root, as_of=DAY).written == 1
    assert not build(root, as_of=DAY + dt.timedelta(days=1)).up_to_date


def test_a_file_changed_just_before_a_build_is_not_trusted_next_time(root: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stamp, "RACY_NS", 10**12)  # every file is "just changed"
    build(root, as_of=DAY + dt.timedelta(days=2))
    assert not build(root, as_of=DAY + dt.timedelta(days=2)).up_to_date


def test_the_cli_says_up_to_date_and_verbose_builds_read_everything(root: Path) -> None:
    runner = CliRunner()
    quick = runner.invoke(main, ["build", "--site", str(root), "--as-of", DAY.isoformat()])
    assert quick.exit_code == 0 and "is up to date: no file changed since the last build" in quick.output
    verbose = runner.invoke(main, ["-v", "build", "--site", str(root), "--as-of", DAY.isoformat()])
    assert verbose.exit_code == 0 and "will hide" in verbose.output and "up to date" not in verbose.output
