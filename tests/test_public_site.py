"""The public site's extras: Atom feed, sitemap, robots.txt, open data, shop pages, hashed assets, page weight."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from kspages import pages
from kspages.build import build
from kspages.public import shop_url

from .conftest import N1, N2, REPO, SITE_YAML, MakeSite, open_data, record, snapshot

DAY = dt.date(2026, 11, 1)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("public")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    build(root, as_of=DAY)
    return snapshot(root / "output")


def test_the_atom_feed_parses_and_has_what_the_rfc_requires(output: dict[str, bytes]) -> None:
    feed = feedparser.parse(output["notices/feed.xml"])
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and len(feed.entries) == 17
    assert feed.feed.title and feed.feed.id == "https://example.org/notices/" and feed.feed.updated
    newest = feed.entries[0]
    assert newest.link.startswith("https://example.org/notices/KS-") and newest.updated.startswith("2026-")
    assert "处理结果" in newest.content[0].value
    # RFC 4287 4.1.1/4.1.2: feed and every entry have exactly one id, title and updated, and an author somewhere.
    root = ET.fromstring(output["notices/feed.xml"])
    for element in [root, *root.findall(f"{ATOM}entry")]:
        for name in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{name}")) == 1, (element.tag, name)
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/notices/feed.xml"


def test_the_sitemap_lists_public_pages_only(output: dict[str, bytes]) -> None:
    root = ET.fromstring(output["sitemap.xml"])
    urls = [u.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc") for u in root]
    pages = [p for p in output if p.endswith(".html") and p != "404.html"]
    assert len(urls) == len(pages) - 1  # all but the withdrawn notice
    assert "https://example.org/" in urls and "https://example.org/guide/evidence/" in urls
    assert not any("shards" in u or "404" in u or "KS-852M-YZVQ-1" in u for u in urls)
    assert output["robots.txt"].decode() == ("User-agent: *\nAllow: /\nDisallow: /status/shards/\n"
                                             "Sitemap: https://example.org/sitemap.xml\n")


def test_a_site_of_more_pages_than_one_sitemap_may_list_gets_a_sitemap_index(
        tmp_path: Path, output: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    # sitemaps.org: at most 50,000 URLs a file (a 100k-record site has more pages); here 7 a file.
    monkeypatch.setattr(pages, "SITEMAP_URLS", 7)
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    build(root, as_of=DAY)
    split = snapshot(root / "output")
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ET.fromstring(split["sitemap.xml"])
    assert index.tag == f"{ns}sitemapindex"
    parts = [u.findtext(f"{ns}loc") for u in index]
    names = sorted((p for p in split if p.startswith("sitemap-")), key=lambda p: int(p[8:-4]))
    assert parts == [f"https://example.org/{name}" for name in names] and len(names) > 2
    listed = []
    for name in names:
        urlset = ET.fromstring(split[name])
        assert urlset.tag == f"{ns}urlset" and 1 <= len(urlset) <= 7
        listed += [(u.findtext(f"{ns}loc"), u.findtext(f"{ns}lastmod")) for u in urlset]
    whole = ET.fromstring(output["sitemap.xml"])  # the same site, one sitemap
    assert listed == [(u.findtext(f"{ns}loc"), u.findtext(f"{ns}lastmod")) for u in whole]
    assert split["robots.txt"] == output["robots.txt"]  # robots.txt names the index as it named the sitemap
    assert {p: d for p, d in split.items() if not p.startswith(("sitemap", "."))} == \
        {p: d for p, d in output.items() if not p.startswith(("sitemap", "."))}


@pytest.mark.parametrize(("base_url", "expected"), [
    ("https://example.org/ks/", "User-agent: *\nAllow: /ks/\nDisallow: /ks/status/shards/\n"
                                "Sitemap: https://example.org/ks/sitemap.xml\n"),
    ("/ks/", "User-agent: *\nAllow: /ks/\nDisallow: /ks/status/shards/\n"),  # a Sitemap line needs a full URL
])
def test_robots_txt_follows_a_base_url_sub_path(make_site: MakeSite, base_url: str, expected: str) -> None:
    root = make_site({"content/site.yaml": SITE_YAML.replace("base_url: https://example.org/", f"base_url: {base_url}")})
    build(root, as_of=DAY)
    assert (root / "output/robots.txt").read_text("utf-8") == expected
    if base_url.startswith("https:"):
        sitemap = ET.fromstring((root / "output/sitemap.xml").read_bytes())
        assert all(u[0].text.startswith(base_url) for u in sitemap)


def test_inputmode_values_are_those_of_the_html_standard(output: dict[str, bytes]) -> None:
    # The current Nu HTML checker rejects anything else (inputmode="latin" was a draft value, never standard).
    allowed = {"none", "text", "tel", "url", "email", "numeric", "decimal", "search"}
    used = {m for path, data in output.items() if path.endswith(".html")
            for m in re.findall(rb'inputmode="([^"]*)"', data)}
    assert used and {m.decode() for m in used} <= allowed, used


def test_every_page_has_an_icon_and_favicon_ico_sits_at_the_root(output: dict[str, bytes]) -> None:
    # Without them every page view logs a 404 for /favicon.ico.
    ico = output["favicon.ico"]
    assert ico[:4] == b"\x00\x00\x01\x00" and ico[22:30] == b"\x89PNG\r\n\x1a\n"  # an ICO holding a PNG
    assert ico == (REPO / "templates/assets/favicon.ico").read_bytes()
    for path, data in output.items():
        if path.endswith(".html"):
            icons = re.findall(rb'<link rel="icon" href="([^"]+)"', data)
            assert len(icons) == 2, path
            for href in icons:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href.decode()))
                if not target.startswith("/"):  # 404.html links from the site root
                    assert target in output, (path, href)
    svg = next(v for k, v in output.items() if k.startswith("assets/favicon.") and k.endswith(".svg"))
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


def test_the_footer_leads_to_a_page_that_explains_the_feed(output: dict[str, bytes]) -> None:
    # The feed is raw XML on a phone: people are sent to a page that says what it is and how to subscribe.
    for path, data in output.items():
        if path.endswith(".html") and path != "404.html":
            assert re.search(r'href="(\.\./)*notices/subscribe/">订阅公示</a>', data.decode()), path
    page = output["notices/subscribe/index.html"].decode()
    assert "<code>https://example.org/notices/feed.xml</code>" in page and 'href="../../notices/feed.xml"' in page
    assert "阅读器" in page and "复制" in page
    assert "notices/feed.xml" in output


def test_the_feed_page_without_a_full_base_url_says_how_to_copy_the_link(make_site: MakeSite) -> None:
    root = make_site({"content/site.yaml": SITE_YAML.replace("base_url: https://example.org/", "base_url: /")})
    build(root, as_of=DAY)
    page = (root / "output/notices/subscribe/index.html").read_text("utf-8")
    assert "<code>" not in page and "复制链接地址" in page


def test_open_data_holds_the_published_notices_and_documents_its_fields(output: dict[str, bytes]) -> None:
    index, rows, table = open_data(output)
    assert len(rows) == 17 == index["notices"] and set(rows[0]) == set(index["fields"])
    assert index["labels"]["category"]["false_advertising"] == "虚假宣传"
    assert [r["number"] for r in table] == [r["number"] for r in rows] and "body" not in table[0]
    # A file per month of publication, newest first, each holding that month's notices only.
    months = [m["month"] for m in index["months"]]
    assert len(months) > 3 and months == sorted(months, reverse=True)
    assert [r["date"][:7] for r in rows] == sorted((r["date"][:7] for r in rows), reverse=True)
    assert {r["date"][:7] for r in rows} == set(months)
    assert {p for p in output if p.startswith("data/notices")} == {f"data/notices-{m}.{k}" for m in months
                                                                   for k in ("json", "csv")}
    page = output["data/index.html"].decode()
    for field in index["fields"]:
        assert f"<code>{field}</code>" in page
    for month in index["months"]:
        assert f'href="../{month["json"]}"' in page and f'href="../{month["csv"]}"' in page
    assert not any(r["number"] == "KS-852M-YZVQ-1" for r in rows)  # withdrawn


def test_shop_pages_list_published_notices_only(make_site: MakeSite) -> None:
    draft = record(N2).replace("publish: true", "publish: false").replace("  date: 2026-03-21\n", "")
    root = make_site({f"content/records/2026/{N2}.yaml": draft})
    build(root, as_of=DAY)
    page = (root / "output" / shop_url("示例旗舰店") / "index.html").read_text("utf-8")
    assert "本站公示了涉及这家店铺的 1 件投诉的处理结果" in page and N1 in page and N2 not in page
    assert "虚假宣传：1 件" in page and "退款：1 件" in page
    notice = (root / f"output/notices/{N1}/index.html").read_text("utf-8")
    assert f'href="../../{shop_url("示例旗舰店")}"' in notice


def test_a_shop_with_no_published_notice_has_no_page(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N1}.yaml": record(status="pending", notice=False),
                      "content/site.yaml": SITE_YAML})
    build(root, as_of=DAY)
    assert not (root / "output" / shop_url("示例旗舰店")).exists()
    assert "暂无公示" in (root / "output/shops/index.html").read_text("utf-8")


def test_assets_carry_content_hashes_and_pages_name_them(output: dict[str, bytes]) -> None:
    assets = sorted(p for p in output if p.startswith("assets/"))
    assert len(assets) == 5 and all(re.fullmatch(r"assets/\w+\.[0-9a-f]{10}\.(css|js|svg|ico)", p) for p in assets)
    users = {"style": ("guide/evidence/index.html", 'href="../../'), "lookup": ("status/index.html", 'src="../'),
             "search": ("search/index.html", 'src="../'), "favicon": ("guide/evidence/index.html", 'href="../../')}
    for path in assets:
        page, prefix = users[path.split("/")[1].split(".")[0]]
        assert f"{prefix}{path}\"".encode() in output[page]


def _weight(output: dict[str, bytes], page: str) -> int:
    html = output[page]
    folder = page.rsplit("/", 1)[0] + "/" if "/" in page else ""
    linked = re.findall(rb'(?:href|src)="([^"]+\.(?:css|js))"', html)
    total = len(html)
    for ref in linked:
        target = Path(folder + ref.decode()).as_posix()
        parts: list[str] = []
        for part in target.split("/"):
            if part == "..":
                parts.pop()
            elif part and part != ".":
                parts.append(part)
        total += len(output["/".join(parts)])
    return total


def test_guide_and_notice_pages_weigh_under_50_kb(output: dict[str, bytes]) -> None:
    pages = [p for p in output if re.fullmatch(r"(guide/[\w-]+|notices/KS-[\w-]+)/index.html", p)]
    assert len(pages) > 25
    heaviest = max(pages, key=lambda p: _weight(output, p))
    assert _weight(output, heaviest) <= 50 * 1024, (heaviest, _weight(output, heaviest))


def test_json_put_together_from_kept_pieces_is_what_json_dumps_writes(output: dict[str, bytes]) -> None:
    # Lookup shards and open data are joined from per-record pieces a session keeps; readers get plain JSON.
    files = [p for p in output if p.startswith(("status/shards/", "data/")) and p.endswith(".json")]
    assert len(files) > 16 and "data/index.json" in files
    for path in files:
        data = json.loads(output[path])
        again = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        assert output[path] == again.encode("utf-8"), path
    for path in (p for p in files if p.startswith("data/notices-")):
        csv_rows = list(csv.reader(io.StringIO(output[path[:-4] + "csv"].decode("utf-8-sig"))))
        assert [row[0] for row in csv_rows[1:]] == [n["number"] for n in json.loads(output[path])["notices"]]


ABOUT_YAML = SITE_YAML + """\
platform: 快手
about:
  organisation: 示例互助小组
  does:
    - 登记投诉并跟进
  does_not:
    - 不收费
  submit: 发邮件给我们。
  numbers: 我们登记投诉时编出 KS 编号。
  contacts:
    - {label: 电子邮件, value: help@example.org}
    - {label: 网站, value: "https://example.org/contact/"}
    - {label: 回复时间, value: 两个工作日内}
privacy:
  allow: [help@example.org]
"""


def test_the_about_page_says_who_runs_the_site_and_is_linked_from_every_page(make_site: MakeSite) -> None:
    root = make_site({"content/site.yaml": ABOUT_YAML})
    build(root, as_of=dt.date(2026, 11, 30))
    out = snapshot(root / "output")
    about = out["about/index.html"].decode()
    for text in ("示例互助小组", "快手", "登记投诉并跟进", "不收费", "发邮件给我们。", "我们登记投诉时编出 KS 编号。",
                 "我们不对投诉作出处理决定", "不是</strong>快手 App 里的订单号", "两个工作日内"):
        assert text in about, text
    assert '<a href="mailto:help@example.org">help@example.org</a>' in about
    assert '<a href="https://example.org/contact/">' in about
    assert 'href="../status/"' in about
    for path, data in out.items():
        if path.endswith(".html") and path != "404.html" and b"<footer" in data:
            assert re.search(rb'href="(\.\./)*about/"', data), path
    status = out["status/index.html"].decode()
    assert "示例互助小组登记您的投诉时给出的编号" in status and "快手 App 里的订单号" in status
    figures = json.loads(re.search(r'id="figures">([^<]*)<', status)[1])  # type: ignore[index]
    assert figures["as_of"] == "2026-11-30" and set(figures) == {"as_of", "p90_days"}


def test_the_about_page_without_settings_still_says_what_the_site_does_not_do(make_site: MakeSite) -> None:
    root = make_site()
    build(root, as_of=dt.date(2026, 11, 30))
    about = (root / "output/about/index.html").read_text("utf-8")
    assert "我们不对投诉作出处理决定" in about and "本站暂未公布联系方式" in about
    assert "购物平台" in about  # no platform named: a neutral word, never an empty gap


def test_statistics_are_dated_by_the_build_day_in_plain_words(make_site: MakeSite) -> None:
    root = make_site()
    build(root, as_of=dt.date(2026, 12, 5))
    stats = (root / "output/stats/index.html").read_text("utf-8")
    assert "数据截至 2026年12月5日" in stats and "九成投诉在" in stats
    assert "分位数" not in stats and "中位数" not in stats
