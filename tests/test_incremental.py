"""Incremental builds: only what changed is parsed, rendered and written, and the result equals a clean build."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
from pathlib import Path

import pytest

from benchmarks.sites import bundled_copy
from kspages import cache as caching
from kspages import numbers, search
from kspages.build import Session, build, verify
from kspages.errors import BuildError

from .conftest import N2, N3, MakeSite, record, snapshot

DAY = dt.date(2026, 11, 1)


def _bundled(tmp_path: Path) -> Path:
    return bundled_copy(tmp_path / "site")


def test_a_second_build_parses_renders_and_writes_nothing(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    first = build(root, as_of=DAY)
    # The rest are data, shards, assets, sitemap, robots.txt and favicon.ico (a copy of one)
    pages = [p for p in snapshot(root / "output") if p.endswith(".html")]
    assert first.parsed == 41 and first.rendered == len(pages) > 40
    assert first.written == first.outputs
    again = build(root, as_of=DAY)
    assert (again.parsed, again.rendered, again.written, again.removed) == (0, 0, 0, 0)
    os.utime(root / "content/site.yaml")  # a new mtime with the same bytes is no change
    assert build(root, as_of=DAY).parsed == 0


def test_pages_of_an_older_rendering_are_rendered_again(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same kspages version may render the same context differently (Markdown lists, issue 13): pages built
    # before must not be reused.
    from kspages import engine
    root = make_site()
    monkeypatch.setattr(engine, "PAGES_FORMAT", engine.PAGES_FORMAT - 1)
    first = build(root, as_of=DAY, shortcut=False)
    monkeypatch.undo()
    again = build(root, as_of=DAY, shortcut=False)
    assert again.rendered == first.rendered > 0


def test_editing_one_record_renders_its_pages_and_writes_only_what_changed(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    build(root, as_of=DAY)
    before = snapshot(root / "output")
    file = root / "content/records/2026/KS-1Q5Z-Z36C-T.yaml"
    file.write_text(file.read_text("utf-8").replace("检测为镀银制品", "检测结果为镀银制品"), "utf-8")
    report = build(root, as_of=DAY)
    after = snapshot(root / "output")
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert report.parsed == 1
    assert report.rendered <= 6  # its notice and feed, plus pages that hold it (home, lists, shop: same bytes)
    parts = [p for p in changed if p.startswith(".kspages-manifest/")]
    # The manifest's parts of the files written or rendered with a new key, not all of them.
    assert 0 < len(parts) < len(list((root / "output/.kspages-manifest").iterdir()))
    assert [p for p in changed if not p.startswith(("status/shards/", "search/", ".kspages-manifest/"))] == [
        ".kspages-manifest.json", "data/notices-2026-06.json", "notices/KS-1Q5Z-Z36C-T/index.html", "notices/feed.xml"]
    assert len([p for p in changed if p.startswith("status/shards/")]) == 1
    # Its length, and the shards of the terms it gained ("结果") and lost ("测为"), no more: its excerpt, the
    # notice's first sentence, is as it was.
    terms = [p for p in changed if search.is_postings_file(p)]
    assert "search/meta.json" in changed and "search/docs/0.json" not in changed and 1 <= len(terms) <= 4
    assert verify(root, as_of=DAY) == []


def test_deleting_a_record_removes_its_pages(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N2}.yaml": record(N2)})
    build(root, as_of=DAY)
    assert (root / f"output/notices/{N2}/index.html").exists()
    (root / f"content/records/2026/{N2}.yaml").unlink()
    report = build(root, as_of=DAY)
    assert not (root / f"output/notices/{N2}").exists() and report.removed == 1
    assert verify(root, as_of=DAY) == []


def test_editing_a_template_renders_only_the_pages_that_use_it(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    build(root, as_of=DAY)
    template = root / "templates/_timeline.html"  # included by notice.html only
    template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    report = build(root, as_of=DAY)
    assert report.rendered == report.notices == 17
    base = root / "templates/base.html"  # extended by every page
    base.write_text(base.read_text("utf-8").replace("跳到正文", "跳到主要内容"), "utf-8")
    pages = len([p for p in snapshot(root / "output") if p.endswith(".html") and p != "404.html"])
    assert build(root, as_of=DAY).rendered == pages
    assert verify(root, as_of=DAY) == []


def test_a_changed_output_file_on_disk_is_rendered_again(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    build(root, as_of=DAY)
    page = root / "output/guide/index.html"
    page.write_text("tampered", "utf-8")
    report = build(root, as_of=DAY)
    assert report.rendered == 1 and report.written == 1 and "tampered" not in page.read_text("utf-8")


def test_a_broken_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    build(root, as_of=DAY)
    [cache_file] = (root / caching.FOLDER).glob("cache-*.pickle")
    [store_file] = (root / caching.FOLDER).glob("results-*.sqlite")
    cache_file.write_bytes(b"not a pickle")
    store_file.write_bytes(b"not a database either" * 100)
    report = build(root, as_of=DAY)
    assert report.parsed == 41 and report.written == 0
    assert caching.load(root).sources  # saved again, whole
    os.utime(root / "content/site.yaml")  # past the "nothing changed" shortcut: every record comes from the store
    assert build(root, as_of=DAY).parsed == 0


def test_a_new_process_takes_the_records_from_the_store_and_drops_the_gone(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site({f"content/records/2026/{n}.yaml": record(n) for n in (N2, N3)})
    build(root, as_of=DAY)
    loaded = caching.load(root)  # as a new process finds it: the records are in the store, not in the pickle
    assert not any(rel.startswith("content/records/") for rel in loaded.sources)
    (root / f"content/records/2026/{N3}.yaml").unlink()
    (root / f"content/records/2026/{N2}.yaml").write_text(record(N2).replace("示例旗舰店", "另一家店"), "utf-8")
    report = build(root, as_of=DAY)
    assert report.parsed == 1 and report.records == 2  # N2 mapped again, the first record read from the store
    build(root, tmp_path / "clean", as_of=DAY, cache=caching.Cache())
    assert snapshot(root / "output") == snapshot(tmp_path / "clean")
    store = caching.load(root).store
    assert store is not None and store.get(f"content/records/2026/{N3}.yaml", "") is None
    import sqlite3
    with sqlite3.connect(store.path) as db:
        assert sorted(p for (p,) in db.execute("SELECT path FROM results")) == [
            "content/records/2026/KS-4QGJ-5S13-0.yaml", f"content/records/2026/{N2}.yaml"]


def _edit(root: Path, rng: random.Random, step: int) -> str:
    """One random edit a staff member might make; returns what it did."""
    records = sorted((root / "content/records").rglob("*.yaml"))
    guide = sorted((root / "content/guide").glob("*.md"))
    choice = rng.choice(["add", "add", "edit", "edit", "publish", "delete", "guide", "guide-new", "template",
                         "settings", "break"])
    if choice == "add" or not records:
        number = numbers.generate(rng)
        text = record(number, status=rng.choice(["resolved", "rejected", "pending", "in_progress"]))
        (root / f"content/records/2026/{number}.yaml").write_text(text, "utf-8")
    elif choice == "edit":
        file = rng.choice(records)
        file.write_text(file.read_text("utf-8").replace("merchant: ", f"merchant: 改{step}", 1), "utf-8")
    elif choice == "publish":
        file = rng.choice(records)
        text = file.read_text("utf-8")
        file.write_text(text.replace("publish: true", "publish: false") if "publish: true" in text
                        else text.replace("publish: false", "publish: true"), "utf-8")
    elif choice == "delete":
        rng.choice(records).unlink()
    elif choice == "guide":
        file = rng.choice(guide)
        file.write_text(file.read_text("utf-8") + f"\n\n## 补充 {step}\n\n新增内容。\n", "utf-8")
    elif choice == "guide-new":
        (root / f"content/guide/{50 + step}-extra-{step}.md").write_text(
            f"---\ntitle: 附录 {step}\norder: {50 + step}\n---\n\n附录内容。\n", "utf-8")
    elif choice == "template":
        file = root / rng.choice(["templates/notice.html", "templates/base.html", "templates/_notice_list.html"])
        file.write_text(file.read_text("utf-8") + f"\n{{# edit {step} #}}\n", "utf-8")
    elif choice == "settings":
        file = root / "content/site.yaml"
        text = file.read_text("utf-8")
        file.write_text(text.replace("notices_per_page: 20", "notices_per_page: 7") if "per_page: 20" in text
                        else text.replace("notices_per_page: 7", "notices_per_page: 20"), "utf-8")
    else:
        file = rng.choice(records)
        file.write_text(file.read_text("utf-8") + "status: [\n", "utf-8")
    return choice


def _sources(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for folder in ("content", "templates")
            for p in (root / folder).rglob("*") if p.is_file()}


@pytest.mark.parametrize(("seed", "session"), [(0, False), (1, False), (2, True), (3, True), (4, "watched"),
                                               (5, "watched")])
def test_random_edit_sequences_end_equal_to_a_clean_build(tmp_path: Path, seed: int, session: bool | str) -> None:
    root = _bundled(tmp_path)
    rng = random.Random(seed)
    # `kspages build` each time (cache on disk, pages reused from output/), or one watch session (all in memory),
    # told which files changed as the watcher tells it ("watched") or looking at every file.
    one = Session(root, as_of=DAY)
    sources = _sources(root)

    def watched() -> None:
        nonlocal sources
        now = _sources(root)
        changed = {rel for rel in now.keys() | sources.keys() if now.get(rel) != sources.get(rel)}
        one.build(changed=changed)
        sources = now

    again = watched if session == "watched" else one.build if session else lambda: build(root, as_of=DAY)
    again()
    for step in range(10):
        done = _edit(root, rng, step)
        last_good = snapshot(root / "output")
        try:
            again()
        except BuildError:
            assert done == "break" and snapshot(root / "output") == last_good  # nothing written
            broken = [p for p in (root / "content/records").rglob("*.yaml") if p.read_text("utf-8").endswith("[\n")]
            for file in broken:
                file.write_text(file.read_text("utf-8").removesuffix("status: [\n"), "utf-8")
            again()
        assert verify(root, as_of=DAY) == [], f"seed {seed}, step {step}: {done}"
        if session and one.last is not None:  # a session's tables, begun from the last build's, name no page gone
            assert one.last.inputs.keys() <= one.last.keys.keys() <= one.last.outputs.keys(), f"step {step}: {done}"


def test_a_session_reuses_pages_from_memory_and_mends_output_changed_behind_its_back(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    first = session.build()
    compared: list[Path] = []
    monkeypatch.setattr("kspages.write._same", lambda target, data: compared.append(target))
    monkeypatch.setattr("kspages.write._size_at", lambda target: compared.append(Path(target)))
    again = session.build()
    assert compared == []  # no output file was read or looked at: the manifest is the one it wrote
    assert (again.rendered, again.written) == (0, 0) and again.unchanged == first.outputs
    monkeypatch.undo()
    # Changed behind the session's back, as another build in that folder would: its manifest is another file.
    (root / "output/guide/index.html").unlink()
    (root / "output/notices/index.html").write_text("x", "utf-8")  # another size
    manifest = root / "output/.kspages-manifest.json"
    manifest.write_bytes(manifest.read_bytes())
    assert session.build().written == 2 and verify(root, as_of=DAY) == []
    shutil.rmtree(root / "output")  # emptied by hand
    assert session.build().written == first.outputs and verify(root, as_of=DAY) == []


def test_a_session_mends_what_another_build_wrote_into_its_folder_meanwhile(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    file = next(f for f in sorted((root / "content/records").rglob("*.yaml")) if "publish: true" in f.read_text("utf-8"))
    text = file.read_text("utf-8")
    extra = root / "content/records/2026" / f"{numbers.generate(random.Random(5))}.yaml"
    # Another build writes the folder: one notice's title changed (the same size), and one record more.
    file.write_text(text.replace("title: ", "title: 改", 1), "utf-8")
    extra.write_text(record(extra.stem), "utf-8")
    build(root, as_of=DAY, cache=caching.Cache())
    file.write_text(text, "utf-8")
    extra.unlink()
    session.build(changed={file.relative_to(root).as_posix(), extra.relative_to(root).as_posix()})
    assert verify(root, as_of=DAY) == []  # its pages back, and the other build's extra pages gone


def test_verify_reports_a_difference(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N3}.yaml": record(N3)})
    build(root, as_of=DAY)
    (root / "output/index.html").write_bytes(b"changed behind kspages' back")
    assert verify(root, as_of=DAY) == ["index.html"]


def test_a_session_renders_what_an_edit_changed_and_ends_equal_to_a_clean_build(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    first, second = sorted((root / "content/records/2026").glob("*.yaml"))[:2]
    other = next(line for line in second.read_text("utf-8").splitlines() if line.startswith("merchant: "))

    def edit(file: Path, old: str, new: str) -> None:
        text = file.read_text("utf-8")
        assert old in text
        file.write_text(text.replace(old, new, 1), "utf-8")

    # The notice moves to another shop: its page, both shop pages, the lists that show its merchant.
    edit(first, "merchant: 虚构饰品小铺", other)
    moved = session.build()
    assert verify(root, as_of=DAY) == []
    assert moved.rendered <= 12, moved.rendered  # not every notice and shop page of the site
    # Its date moves it to another place in the archive; then it is taken down (a tombstone); then deleted.
    edit(first, "  date: 2026-06-02", "  date: 2026-01-02")
    session.build()
    assert verify(root, as_of=DAY) == []
    edit(first, "publish: true", "publish: false")
    session.build()
    assert verify(root, as_of=DAY) == []
    first.unlink()
    session.build()
    assert verify(root, as_of=DAY) == []
    # The notice template: every notice page is rendered again, and only they.
    edit(root / "templates/notice.html", "</article>", "</article>\n<!-- edited -->")
    again = session.build()
    assert again.rendered == again.notices
    assert verify(root, as_of=DAY) == []


def test_a_session_told_what_changed_looks_at_those_files_only(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kspages.cache.RACY_NS", 0)  # files just copied are trusted like any other
    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    session.build()  # the second build trusts the cache: no build before it stopped half-way
    first, second = sorted((root / "content/records/2026").glob("*.yaml"))[:2]
    rel = first.relative_to(root).as_posix()
    for file in (first, second):
        file.write_text(file.read_text("utf-8").replace("merchant: ", "merchant: 改", 1), "utf-8")
    # Told only of the first file, the session does not look at the second: a watcher would have named it.
    assert session.build(changed={rel}).parsed == 1
    assert verify(root, as_of=DAY) != []
    assert session.build().parsed == 1 and verify(root, as_of=DAY) == []  # None: every file is looked at
    # A new file, a deleted one and a renamed one, each named by the watcher.
    new = root / "content/records/2026" / f"{N3}.yaml"
    new.write_text(record(N3), "utf-8")
    session.build(changed={new.relative_to(root).as_posix()})
    assert verify(root, as_of=DAY) == []
    moved = second.with_name("renamed.yaml")
    second.rename(moved)
    first.unlink()
    session.build(changed={rel, second.relative_to(root).as_posix(), moved.relative_to(root).as_posix(),
                           "content/records/2026/.hidden.yaml", "templates/notice.html"})
    assert verify(root, as_of=DAY) == []


@pytest.mark.parametrize("rel", ["content/records/2026/KS-1.yaml", "content/records/a/b/c.yml",
                                 "content/records/.x/KS-1.yaml", "content/records/2026/#KS-1.yaml#",
                                 "content/records/2026/KS-1.yaml~", "content/records/KS-1.json",
                                 "content/recordsX/KS-1.yaml", "content/guide/a.yaml", "content/records"])
def test_a_path_a_watcher_names_is_listed_as_a_folder_walk_would_list_it(tmp_path: Path, rel: str) -> None:
    from kspages import read
    (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
    if rel != "content/records":
        (tmp_path / rel).write_text("x", "utf-8")
    assert read.is_found(rel, "content/records", "*.y*ml") == (rel in read.find_paths(tmp_path, "content/records",
                                                                                      "*.y*ml"))


def test_a_session_after_a_failed_build_looks_again_at_what_that_build_was_told(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kspages.cache.RACY_NS", 0)
    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    first, second = sorted((root / "content/records/2026").glob("*.yaml"))[:2]
    good = second.read_text("utf-8")
    first.write_text(first.read_text("utf-8").replace("merchant: ", "merchant: 改", 1), "utf-8")
    second.write_text(good + "status: [\n", "utf-8")
    named = {first.relative_to(root).as_posix(), second.relative_to(root).as_posix()}
    with pytest.raises(BuildError):
        session.build(changed=named)
    second.write_text(good, "utf-8")
    session.build(changed={second.relative_to(root).as_posix()})  # the fix alone is named: the edit must not be lost
    assert verify(root, as_of=DAY) == []


@pytest.mark.parametrize("name", ["templates/assets/print.css.bak", "templates/notice.html.orig",
                                  "content/guide/01-x.md.tmp", "templates/assets/4913"])
def test_a_file_the_watcher_ignores_is_read_by_no_build(tmp_path: Path, name: str) -> None:
    """An editor's leftover is not reported by the watcher, so no build may read it: a session would miss it."""
    from kspages import live

    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    leftover = root / name
    leftover.write_text("body { color: red }\n", "utf-8")
    assert not live.relevant(root, root / "output", str(leftover))
    file = root / "content/records/2026/KS-1Q5Z-Z36C-T.yaml"
    file.write_text(file.read_text("utf-8").replace("检测为镀银制品", "检测结果为镀银制品"), "utf-8")
    session.build(changed={file.relative_to(root).as_posix()})
    assert verify(root, as_of=DAY) == []


def test_a_data_file_that_appears_leaves_the_sitemap_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sitemap lists pages: a search term landing in an empty shard (a new file) made it again (0.2 s at 100k)."""
    from kspages import engine

    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    calls: list[int] = []
    made = engine.sitemap
    monkeypatch.setattr(engine, "sitemap", lambda *a: calls.append(1) or made(*a))
    update = search.IndexBuilder.update
    monkeypatch.setattr(search.IndexBuilder, "update",
                        lambda self, *a, **k: {**update(self, *a, **k), "search/terms/extra.json": b"{}\n"})
    file = root / "content/records/2026/KS-1Q5Z-Z36C-T.yaml"
    file.write_text(file.read_text("utf-8").replace("检测为镀银制品", "检测结果为镀银制品"), "utf-8")
    session.build(changed={file.relative_to(root).as_posix()})
    assert (root / "output/search/terms/extra.json").exists() and calls == []
    (root / "content/guide/99-new.md").write_text("---\ntitle: 新的一页\norder: 99\n---\n正文。\n", "utf-8")
    session.build(changed={"content/guide/99-new.md"})
    assert calls == [1]  # a new page is in it


def test_a_save_that_swaps_one_notice_for_another_makes_the_sitemap_again(tmp_path: Path) -> None:
    # The same number of pages, not the same pages: a session must not take the last build's set of pages.
    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    before = (root / "output/sitemap.xml").read_text("utf-8")
    gone = next(f for f in sorted((root / "content/records").rglob("*.yaml"))
                if "publish: true" in f.read_text("utf-8"))
    number = numbers.generate(random.Random(14))
    new = root / f"content/records/2026/{number}.yaml"
    new.write_text(gone.read_text("utf-8").replace(gone.stem, number), "utf-8")  # its shop, its day, another page
    gone.unlink()
    session.build(changed={gone.relative_to(root).as_posix(), new.relative_to(root).as_posix()})
    after = (root / "output/sitemap.xml").read_text("utf-8")
    assert number.lower() in after.lower() and gone.stem.lower() not in after.lower() and after != before
    assert verify(root, as_of=DAY) == []


def test_a_page_made_again_in_a_session_keeps_the_inputs_a_later_save_takes_it_by(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    session = Session(root, as_of=DAY)
    session.build()
    file = root / "content/records/2026/KS-1Q5Z-Z36C-T.yaml"
    page = "notices/KS-1Q5Z-Z36C-T/index.html"
    assert page in session.last.inputs  # type: ignore[union-attr]
    file.write_text(file.read_text("utf-8").replace("检测为镀银制品", "检测结果为镀银制品"), "utf-8")
    report = session.build(changed={file.relative_to(root).as_posix()})
    assert report.rendered >= 1 and page in session.last.inputs  # type: ignore[union-attr]
