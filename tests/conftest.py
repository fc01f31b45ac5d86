"""Shared fixtures: a scratch site written from a dict of files, with the bundled theme."""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent

SITE_YAML = """\
title: 测试站点
base_url: https://example.org/
"""

GUIDE_MD = """\
---
title: 第一页
order: 1
---

## 小节

正文。
"""

# Fixed valid numbers, so golden output stays stable.
N1, N2, N3 = "KS-4QGJ-5S13-0", "KS-KW4W-MPQD-H", "KS-SXM1-9KR6-D"


def record(number: str = N1, *, status: str = "resolved", extra: str = "", notice: bool = True,
           history: str | None = None) -> str:
    """A valid record as YAML text; `extra` is appended verbatim."""
    if history is None:
        history = {
            "pending": "  - {date: 2026-03-14, status: pending}\n",
            "in_progress": "  - {date: 2026-03-14, status: pending}\n"
                           "  - {date: 2026-03-15, status: in_progress, note: 已转交商家核实}\n",
            "resolved": "  - {date: 2026-03-14, status: pending}\n"
                        "  - {date: 2026-03-15, status: in_progress, note: 已转交商家核实}\n"
                        "  - {date: 2026-03-20, status: resolved}\n",
            "rejected": "  - {date: 2026-03-14, status: pending}\n"
                        "  - {date: 2026-03-20, status: rejected, reason: insufficient_evidence}\n",
        }[status]
    text = textwrap.dedent(f"""\
        number: {number}
        received: 2026-03-14
        category: false_advertising
        channel: in_app_report
        merchant: 示例旗舰店
        status: {status}
        history:
        """) + history + textwrap.dedent("""\
        complainant:
          name: 张伟
          phone: "13812345678"
        order:
          id: "230912345678901"
        description: |
          我在直播间买的。
        """)
    if status == "resolved":
        text = text.replace(f"status: {status}\nhistory", f"status: {status}\noutcome: refund\nhistory")
    if notice:
        text += textwrap.dedent("""\
            notice:
              publish: true
              date: 2026-03-21
              title: 关于示例旗舰店虚假宣传投诉的处理结果
              body: |
                经核查，投诉属实。商家已退款。
            """)
    return text + extra


MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a site from {relative path: text}; defaults give a minimal valid site with the bundled theme."""

    def make(files: dict[str, str | bytes] | None = None, *, defaults: bool = True, theme: bool = True) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        if theme:
            shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
        everything: dict[str, str | bytes] = {}
        if defaults:
            everything.update({"content/site.yaml": SITE_YAML, "content/guide/01-first.md": GUIDE_MD,
                               f"content/records/2026/{N1}.yaml": record()})
        everything.update(files or {})
        for rel, data in everything.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return make


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` as {relative path: bytes}."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def open_data(files: Mapping[str, bytes]) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, str]]]:
    """data/index.json, and the rows of every month's JSON and CSV files in the order it lists them."""
    index = json.loads(files["data/index.json"])
    rows: list[dict[str, Any]] = []
    table: list[dict[str, str]] = []
    for month in index["months"]:
        data = json.loads(files[month["json"]])
        assert data["month"] == month["month"] and len(data["notices"]) == month["notices"]
        rows += data["notices"]
        text = files[month["csv"]].decode("utf-8")
        assert text.startswith("\ufeff")
        table += csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    return index, rows, table
