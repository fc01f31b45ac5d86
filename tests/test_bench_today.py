"""benchmarks.today: the filed commit's code and the current one build the filed corpus, each in its own process."""

from __future__ import annotations

import re
import subprocess

import pytest

from benchmarks import today
from benchmarks.sites import REPO


def test_both_codes_build_the_filed_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    known = subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{today.FILED}^{{commit}}"],
                           capture_output=True)
    if known.returncode != 0:
        pytest.skip(f"{today.FILED} is not in this clone")
    assert today.main(["--records", "40", "--pairs", "1"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"^  (8dc72c8|current) +([\d.]+) s +([\d.]+) s +(\d+) MB +(\d+)", out, re.M)
    assert [name for name, *_ in rows] == ["8dc72c8", "current"]
    # Each code wrote a site of its own (the filed one has no about or subscribe page: fewer files).
    assert all(int(written) > 40 for *_, written in rows) and rows[0][4] != rows[1][4]
    assert "median wall: 8dc72c8" in out
