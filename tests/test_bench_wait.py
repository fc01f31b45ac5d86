"""The benchmark's wait for a page: it sees a page written in place (Hugo) and one moved into place (kspages)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from benchmarks.hugo import wait_for


@pytest.mark.parametrize("atomic", [False, True])
def test_wait_for_sees_the_marker_written(tmp_path: Path, atomic: bool) -> None:
    page = tmp_path / "notices" / "KS-1" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<p>before</p>", "utf-8")

    def write() -> None:
        if atomic:
            staged = tmp_path / "staged.html"
            staged.write_text("<p>after M1</p>", "utf-8")
            os.replace(staged, page)
        else:
            page.write_text("<p>after M1</p>", "utf-8")

    thread = threading.Timer(0.05, write)
    started = time.perf_counter()  # before the timer starts: it writes 50 ms after that at the earliest
    thread.start()
    waited = wait_for(page, "M1", started, limit=30)
    thread.join()
    assert waited >= 0.05
    assert "M1" in page.read_text("utf-8")


def test_wait_for_gives_up_at_its_limit(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text("<p>before</p>", "utf-8")
    with pytest.raises(SystemExit, match="did not change"):
        wait_for(page, "never", time.perf_counter(), limit=0.1)
