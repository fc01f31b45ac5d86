"""End to end: the bundled site builds, deterministically, and a small site matches its golden output."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest

from benchmarks.sites import bundled_copy
from kspages import mdcheck, numbers, read
from kspages.build import build, load
from kspages.codes import CODES
from kspages.model import validate_record
from kspages.new import init_site

from .conftest import MakeSite, record, snapshot

GOLDEN = Path(__file__).parent / "golden"


def _bundled(tmp_path: Path) -> Path:
    return bundled_copy(tmp_path / "bundled")


def test_bundled_site_builds_deterministically(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    build(root, tmp_path / "one")
    os.utime(root / "content/site.yaml")  # a newer mtime must not change a byte
    build(root, tmp_path / "two")
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert one == two and len(one) > 40


def test_bundled_site_covers_every_code_and_the_whole_guide(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    loaded = load(root, errors := [], [], dt.date(2026, 11, 1))
    assert errors == []
    records = [r for r in (validate_record(read.parse_yaml_file(x.path, (root / x.path).read_bytes()), [])
                           for x in loaded.results) if r is not None]
    assert len(records) == len(loaded.results)
    assert 25 <= len(records) <= 40
    assert {r.category for r in records} == set(CODES["category"])
    assert {r.channel for r in records} == set(CODES["channel"])
    assert {r.status for r in records} == set(CODES["status"])
    assert {h.reason for r in records for h in r.history if h.reason} == set(CODES["reason"])
    assert {r.outcome for r in records if r.outcome} == set(CODES["outcome"])
    assert 5 <= len(loaded.public.notices) < len(records)
    text = "".join(g.body for g in loaded.public.guide)
    for must in ["虚假宣传", "价格不符", "产品质量", "售后", "在线举报", "向商家申请售后", "平台客服", "缺乏证据", "不构成违规",
                 "第三方", "12315", "七日", "我的订单", "投诉记录", "待处理", "已处理"]:
        assert must in text, must


def test_bundled_site_reads_alike_in_editors(tmp_path: Path) -> None:
    """The bundled guide, its notices and `kspages init`'s sample render as a CommonMark editor previews them."""
    root = _bundled(tmp_path)
    assert [f"{d.path}:{d.line}" for d in mdcheck.site(root)] == []
    started = tmp_path / "started"
    init_site(started, dt.date(2026, 3, 1))
    assert [f"{d.path}:{d.line}" for d in mdcheck.site(started)] == []
    # the check sees the pattern that once hid in these files (**要点：**说明), in a guide page and in a notice
    page = root / "content/guide/01-recognise.md"
    page.write_text(page.read_text("utf-8") + "\n**判断要点：**说明。\n", "utf-8")
    notice = next(p for p in sorted((root / "content/records").rglob("*.yaml")) if "    **处理结果**：" in p.read_text("utf-8"))
    notice.write_text(notice.read_text("utf-8").replace("    **处理结果**：", "    **处理结果：**", 1), "utf-8")
    found = {d.path for d in mdcheck.site(root)}
    assert found == {"content/guide/01-recognise.md", notice.relative_to(root).as_posix()}


def test_bundled_site_pages(tmp_path: Path) -> None:
    root = _bundled(tmp_path)
    build(root)
    out = root / "output"
    home = (out / "index.html").read_text("utf-8")
    assert '<html lang="zh-CN">' in home and "最新处理结果公示" in home
    guide = (out / "guide/how-to-report/index.html").read_text("utf-8")
    assert 'aria-current="page"' in guide and 'rel="prev"' in guide and 'rel="next"' in guide
    assert 'class="toc"' in guide and 'href="#在线举报"' in guide
    # The ratings on the statistics page and the quarterly 满意 shares count the same complaints.
    stats = (out / "stats/index.html").read_text("utf-8")
    rated = int(re.search(r"其中 (\d+) 位投诉人对处理结果作出了评价", stats)[1])  # type: ignore[index]
    table = stats.split('id="table-quarters-all-c"')[1].split("</table>")[0]
    quarters = re.sub(r"<[^>]+>", "", table.replace("</tr>", "\n")).split("\n")
    assert rated > 4 and rated == sum(int(m[1]) for row in quarters if (m := re.search(r"(\d+) 件中\s*\d+ 件（\d+%）$",
                                                                                       row.strip())))
    for page in out.rglob("*.html"):  # no external assets: every script and stylesheet is local
        html = page.read_text("utf-8")
        assert not re.search(r'(src|href)="(https?:)?//', html), page


def test_archive_pages_stay_stable_as_notices_are_added(make_site: MakeSite) -> None:
    files: dict[str, str | bytes] = {"content/site.yaml": "title: t\nbase_url: /\nnotices_per_page: 3\n"}
    nums = sorted({numbers.generate() for _ in range(8)})
    for i, n in enumerate(nums[:7]):
        day = f"2026-04-{i + 10:02d}"
        files[f"content/records/2026/{n}.yaml"] = record(n).replace("date: 2026-03-21", f"date: {day}")
    root = make_site(files)
    build(root)
    first = (root / "output/notices/archive/1/index.html").read_bytes()
    second = (root / "output/notices/archive/2/index.html").read_bytes()
    late = record(nums[7]).replace("date: 2026-03-21", "date: 2026-05-01")
    (root / f"content/records/2026/{nums[7]}.yaml").write_text(late, "utf-8")
    build(root)
    assert (root / "output/notices/archive/1/index.html").read_bytes().count(b"notice-title") == 3
    # Full pages keep their notices; a page's pager links its neighbours up to two pages on, so a page further
    # from the newest than that does not change at all.
    for k, before in ((1, first), (2, second)):
        after = (root / f"output/notices/archive/{k}/index.html").read_bytes()
        assert _notice_block(after) == _notice_block(before)
    assert (root / "output/notices/archive/1/index.html").read_bytes() == first


def _notice_block(html: bytes) -> bytes:
    return html.split(b'<ul class="notice-list">')[1].split(b"</ul>")[0]


def test_golden_output_of_a_small_site(make_site: MakeSite) -> None:
    root = make_site()
    build(root, as_of=dt.date(2026, 11, 30))  # the statistics and the lookup are dated by the build day
    # Assets are copied verbatim and the manifest only hashes outputs: neither says anything about rendering.
    got = {k: v for k, v in snapshot(root / "output").items()
           if not k.startswith(("assets/", ".kspages")) and k != "favicon.ico"}  # favicon.ico: an asset, copied
    if os.environ.get("KSPAGES_UPDATE_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in got.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
        pytest.skip("golden output rewritten")
    want = snapshot(GOLDEN)
    assert sorted(got) == sorted(want)
    for rel in want:
        assert got[rel].decode("utf-8") == want[rel].decode("utf-8"), rel
