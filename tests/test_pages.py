"""pages.py: what the planners declare is what the engine renders, each path by one planner only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kspages import engine
from kspages.build import check, load
from kspages.engine import render_site
from kspages.errors import BuildError
from kspages.pages import Each, Files, Planned, plan, planned_pages
from kspages.public import shops
from kspages.render import Renderer

from .conftest import N2, N3, MakeSite, record

DAY = dt.date(2026, 11, 1)


def _site(make_site: MakeSite) -> Path:
    return make_site({f"content/records/2026/{N2}.yaml": record(N2, status="rejected"),
                      f"content/records/2026/{N3}.yaml": record(N3, notice=False)})


def test_every_declared_page_is_counted_and_rendered(make_site: MakeSite) -> None:
    root = _site(make_site)
    loaded = load(root, [], [], DAY)
    site = loaded.public
    all_shops = shops(site.notices)
    declared: list[str] = []
    files: list[str] = []
    for item in plan(site, all_shops):
        if isinstance(item, Each):
            declared += [item.page(one).path for one in item.items]
        elif isinstance(item, Files):
            files += item.make()
        else:
            declared.append(item.path)
    assert len(declared) == len(set(declared)) == planned_pages(site, all_shops)
    assert {"index.html", "stats/index.html", "status/index.html"} <= set(declared)
    assert any(p.startswith("notices/KS-") for p in declared) and "data/index.json" in files
    assert any(p.startswith("data/notices-") for p in files)
    assets = {name: b"" for name in ("style.css", "lookup.js", "search.js", "favicon.svg", "favicon.ico")}
    outputs = render_site(site, Renderer(root, root / "templates"), assets).outputs
    assert set(declared) | set(files) <= set(outputs)
    assert all(outputs[p] for p in declared)  # rendered, not left as the placeholder


def test_two_producers_of_one_path_are_an_error(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _site(make_site)
    check(root, DAY)  # the site itself is fine

    def twice(*args: Any) -> Iterator[Any]:
        yield from plan(*args)
        yield Planned("about/index.html", "又一个", "about.html")

    monkeypatch.setattr(engine, "plan", twice)
    with pytest.raises(BuildError) as caught:
        check(root, DAY)
    assert [e.message for e in caught.value.errors] == ["two outputs would be written to about/index.html"]


def test_the_archive_by_month_lists_only_months_with_notices_and_their_pages() -> None:
    from types import SimpleNamespace

    from kspages.pages import archive_months

    days = [dt.date(2000, 1, 5), *[dt.date(2026, 3, d) for d in range(1, 8)], dt.date(2026, 5, 2), dt.date(2026, 5, 3)]
    notices = tuple(SimpleNamespace(date=d) for d in reversed(days))  # newest first, as the site holds them
    # Three a page, oldest first: [2000-01, 03-01, 03-02] [03-03..03-05] [03-06, 03-07, 05-02] [05-03]
    assert archive_months(notices, 3) == [("2000 年 1 月", 1, 1), ("2026 年 3 月", 1, 3), ("2026 年 5 月", 3, 4)]
    assert archive_months((), 3) == []


@pytest.mark.parametrize(("k", "pages", "shown"), [
    (1, 1, [1]), (1, 17, [1, 2, 3]), (3, 17, [1, 2, 3, 4, 5]), (4, 17, [1, 2, 3, 4, 5, 6]),
    (5, 17, [1, 2, 3, 4, 5, 6, 7]), (6, 17, [1, 4, 5, 6, 7, 8]), (16, 17, [1, 14, 15, 16, 17]), (17, 17, [1, 15, 16, 17]),
])
def test_an_archive_page_links_page_1_and_two_pages_either_side(k: int, pages: int, shown: list[int]) -> None:
    from kspages.pages import PAGER, _archive_page

    assert _archive_page((k, min(pages, k + PAGER), ())).context["pager"] == shown
