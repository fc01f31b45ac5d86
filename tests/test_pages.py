"""pages.py: what the planners declare is what the engine renders, each path by one planner only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kspages import render
from kspages.build import check, load
from kspages.errors import BuildError
from kspages.pages import Each, Files, Planned, plan, planned_pages
from kspages.public import shops
from kspages.render import Renderer, render_site

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
    assert any(p.startswith("notices/KS-") for p in declared) and "data/notices.json" in files
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

    monkeypatch.setattr(render, "plan", twice)
    with pytest.raises(BuildError) as caught:
        check(root, DAY)
    assert [e.message for e in caught.value.errors] == ["two outputs would be written to about/index.html"]
