"""Statistics: counts and review times, the statistics page, and figures quoted in the guide."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
from pathlib import Path

import pytest
import yaml

from kspages.build import build
from kspages.errors import BuildError

from .conftest import N1, N2, N3, REPO, SITE_YAML, MakeSite, record

DAY = dt.date(2026, 11, 1)
GUIDE = "---\ntitle: 第一页\norder: 1\n---\n\n通常需要 {{ stats.median_days.false_advertising }} 天，共 {{stats.total}} 件。\n"


def _history(days: int) -> str:
    end = dt.date(2026, 3, 14) + dt.timedelta(days=days)
    return ("  - {date: 2026-03-14, status: pending}\n"
            f"  - {{date: {end.isoformat()}, status: resolved}}\n")


def test_guide_pages_quote_live_figures(make_site: MakeSite) -> None:
    root = make_site({"content/guide/01-first.md": GUIDE,
                      f"content/records/2026/{N1}.yaml": record(N1, history=_history(3)),
                      f"content/records/2026/{N2}.yaml": record(N2, history=_history(10)),
                      f"content/records/2026/{N3}.yaml": record(N3, status="pending", notice=False)})
    build(root, as_of=DAY)
    page = (root / "output/guide/first/index.html").read_text("utf-8")
    assert "通常需要 6.5 天，共 3 件。" in page  # median of 3 and 10; the pending one has no decision yet
    stats = (root / "output/stats/index.html").read_text("utf-8")
    assert '<svg role="img"' in stats and "<title id=\"chart-category-t\">" in stats
    assert "虚假宣传：3件" in stats  # the text alternative of the category chart
    assert re.search(r"<th scope=\"row\">虚假宣传</th><td>6.5</td><td>10</td><td>2</td>", stats)


def test_a_category_without_decisions_shows_a_dash(make_site: MakeSite) -> None:
    root = make_site({"content/guide/01-first.md": GUIDE.replace("false_advertising", "after_sales")})
    build(root, as_of=DAY)
    assert "通常需要 — 天" in (root / "output/guide/first/index.html").read_text("utf-8")


@pytest.mark.parametrize("quote, message, hint", [
    ("{{ stats.median_day.all }}", "unknown figure 'stats.median_day.all'", "did you mean 'median_days'?"),
    ("{{ stats.median_days.aftersales }}", "unknown figure 'stats.median_days.aftersales'",
     "did you mean 'after_sales'?"),
    ("{{ stats.median_days }}", "'stats.median_days' names a group, not a figure", "add one of: after_sales"),
    ("{{ stats.total.x }}", "unknown figure 'stats.total.x'", "stats.total is a single figure"),
])
def test_an_unknown_figure_is_an_error_at_its_line(make_site: MakeSite, quote: str, message: str, hint: str) -> None:
    guide = f"---\ntitle: 第一页\norder: 1\n---\n\n第一段。\n\n第二段 {quote}。\n"
    with pytest.raises(BuildError) as info:
        build(make_site({"content/guide/01-first.md": guide}), as_of=DAY)
    [error] = info.value.errors
    assert (error.path, error.line, error.message) == ("content/guide/01-first.md", 8, message)
    assert hint in error.hint


def test_bundled_guide_quotes_the_figures_of_the_bundled_records(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    build(root, as_of=DAY)
    days = []
    for file in (root / "content/records").rglob("*.yaml"):
        data = yaml.safe_load(file.read_text("utf-8"))
        if data["status"] in ("resolved", "rejected"):
            days.append((data["history"][-1]["date"] - data["received"]).days)
    median = statistics.median(days)
    expected = str(int(median)) if median == int(median) else f"{median:.1f}"
    page = (root / "output/guide/review/index.html").read_text("utf-8")
    assert f"一半的投诉用了不超过 {expected} 天" in page
    assert "{{" not in page


def test_settings_labels_name_the_bars(make_site: MakeSite) -> None:
    site = SITE_YAML + "labels:\n  category:\n    false_advertising: 夸大宣传\n"
    root = make_site({"content/site.yaml": site})
    build(root, as_of=DAY)
    assert "夸大宣传：1件" in (root / "output/stats/index.html").read_text("utf-8")
