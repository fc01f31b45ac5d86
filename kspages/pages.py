"""Planners: every page and data file of the site, declared from the public site alone.

A planner says what a kind of output is (path, template, title, context; or data files and what they are made
of), as Pelican's generators and Lektor's build programs do. It renders nothing and knows no keys: the engine
(`engine.render_site`) keys, reuses, renders and collects what `plan` declares.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import functools
import hashlib
import html
import io
import json
import math
import operator
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from . import numbers
from .keys import Keep, no_keep
from .layout import FEED, SHARDS, archive_url, guide_url, notice_url, open_data_file, page_file, shard_file, shop_url
from .model import GuidePage
from .public import PublicNotice, PublicSite, Shop, StatusEntry, case_of, shard_groups
from .search import Document, plain
from .stats import Case, Panel, QuarterRow, Stats, bars, quarterly, quotable, trend

T = TypeVar("T")


@dataclass(frozen=True)
class NavLink:
    """A link in the guide navigation or previous/next bar."""

    title: str
    url: str
    part: str = ""
    current: bool = False


class Markup(Protocol):
    """What a page's `lazy` context asks of the renderer: Markdown made into HTML."""

    def guide_html(self, page: GuidePage) -> tuple[str, tuple[Any, ...]]: ...

    def notice_html(self, text: str) -> str: ...


@dataclass(slots=True)
class Planned:
    """One page: where it goes, its template, title and context."""

    path: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    description: str = ""  # the site's description when empty
    current: str | None = None  # the guide page the navigation marks as the one shown
    lazy: Callable[[Markup], dict[str, Any]] | None = None  # context the renderer's Markdown makes; not keyed
    # What the context is made of besides what every page shares, when that is shorter to compare than the context
    # is to key (a list of every shop): the very same objects as the last build's, and the page is taken as it was.
    inputs: tuple[Any, ...] | None = None


@dataclass(slots=True)
class Each(Generic[T]):
    """A page per item (a notice, a shop, an archive page), made of the item's `inputs` alone and what every page
    shares (see engine._PER_RECORD): the engine asks for an item's `page` only when its inputs are not those of the
    last build, so an edit costs what it changed. `path` and `inputs` depend on the item alone: an item that is the
    very object of the last build has its page taken without asking either."""

    name: str
    items: Sequence[T]
    path: Callable[[T], str]
    inputs: Callable[[T], tuple[Any, ...]]
    page: Callable[[T], Planned]


@dataclass(slots=True)
class Files:
    """Data files one reduce over the site makes (open data, one lookup shard): the same inputs, the same files."""

    name: str
    inputs: tuple[Any, ...]
    make: Callable[[], dict[str, bytes]]


class Made(Protocol):
    """(name, inputs, compute) -> what `compute` gives; the last build's value when its inputs were the same."""

    def __call__(self, name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T: ...


def _compute(name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
    return compute()


FEED_SIZE = 50


def plan(site: PublicSite, all_shops: tuple[Shop, ...], keep: Keep = no_keep, made: Made = _compute
         ) -> Iterator[Planned | Each[Any] | Files]:
    """Every page and data file of the site but those made of the others (search index, sitemap, robots.txt, 404).

    `keep` and `made` let the engine hand back what a session's last build computed from the same objects; by
    default everything is computed.
    """
    s = site.settings
    # The build's day bounds the quarterly figures (the statistics are dated by it; no wall clock).
    as_of = site.stats.updated if site.stats else None
    latest = site.notices[: s.home_notices]
    yield Planned("index.html", s.title, "home.html", {"notices": latest, "total_notices": len(site.notices)},
                  inputs=(latest, len(site.notices)))
    yield from guide_pages(site.guide)
    yield from notice_pages(site)
    yield from shop_pages(all_shops, as_of)
    yield from feed_pages(site)
    yield from open_data_files(site, keep)
    # Pages of what every page shares alone (settings, navigation, templates), and constants: no inputs.
    yield Planned("search/index.html", "搜索", "search.html", inputs=())
    # A withdrawn notice's URL may be bookmarked or shared: say the notice was withdrawn, and nothing else.
    yield Each("tombstone", site.withdrawn, _number_path, _alone, _tombstone)
    if site.stats is not None:
        yield stats_page(site, made, as_of)
    yield from status_files(site, keep)
    yield Planned("about/index.html", "关于本站", "about.html",
                  description=f"{s.title}由谁运营、做什么、不做什么、怎样联系", inputs=())


def planned_pages(site: PublicSite, all_shops: tuple[Shop, ...]) -> int:
    """How many pages `plan` declares, for a progress bar before they are all declared."""
    singles = 10 + (site.stats is not None)  # home, guide index, notice list, shops, feed, subscribe, data, search,
    # status, about (and statistics)
    archive = math.ceil(len(site.notices) / site.settings.notices_per_page)
    return singles + len(site.guide) + archive + len(site.notices) + len(site.withdrawn) + len(all_shops)


def guide_pages(guide: tuple[GuidePage, ...]) -> Iterator[Planned]:
    """The guide's table of contents and its pages, each with a link to the page before and after it."""
    yield Planned("guide/index.html", "指南目录", "guide_index.html", inputs=())
    for i, g in enumerate(guide):
        prev = NavLink(guide[i - 1].title, guide_url(guide[i - 1].slug)) if i > 0 else None
        nxt = NavLink(guide[i + 1].title, guide_url(guide[i + 1].slug)) if i + 1 < len(guide) else None
        yield Planned(page_file(guide_url(g.slug)), g.title, "guide.html",
                      {"guide_page": g, "prev": prev, "next": nxt}, description=g.summary, current=g.slug,
                      lazy=functools.partial(_guide_parts, g), inputs=(g, prev, nxt))


def _guide_parts(g: GuidePage, markup: Markup) -> dict[str, Any]:
    content, toc = markup.guide_html(g)
    return {"content": content, "toc": toc}


def notice_pages(site: PublicSite) -> Iterator[Planned | Each[Any]]:
    """The notice list (with the archive by month), its archive pages (numbered from the oldest, each with a pager
    to its neighbours) and a page per published notice."""
    s = site.settings
    pages = archive_pages(site.notices, s.notices_per_page)
    first = site.notices[: s.notices_per_page]
    months = archive_months(site.notices, s.notices_per_page)
    yield Planned("notices/index.html", "处理结果公示", "notice_list.html",
                  {"notices": first, "months": months, "archive_count": len(pages), "archive_page": None},
                  inputs=(first, months, len(pages)))
    # A page shows its notices and its neighbours up to two pages on, no more: new notices change no full page
    # more than two pages from the newest (a list of every page in each page grew as the square of the archive:
    # 841 MB of archive pages at 100,000 notices).
    yield Each("archive", [(k, min(len(pages), k + PAGER), items) for k, items in enumerate(pages, start=1)],
               _archive_path, _archive_inputs, _archive_page)
    yield Each("notice", site.notices, _notice_path, _alone, _notice_page)


PAGER = 2  # archive pages linked on either side of the one shown


def archive_months(notices: tuple[PublicNotice, ...], per_page: int) -> list[tuple[str, int, int]]:
    """(month, first page, last page) for every month with a published notice, oldest first: where the notices
    (newest first) fall in the archive pages, numbered from 1 with the oldest."""
    days = list(map(_DATE, reversed(notices)))  # oldest first, as the pages
    found = []
    at = 0
    while at < len(days):
        day = days[at]
        following = dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)
        end = bisect.bisect_left(days, following, lo=at)  # months without notices are skipped, not listed
        found.append((f"{day.year} 年 {day.month} 月", at // per_page + 1, (end - 1) // per_page + 1))
        at = end
    return found


_DATE = operator.attrgetter("date")


def _alone(item: object) -> tuple[Any, ...]:
    return (item,)


ArchivePage = tuple[int, int, tuple[PublicNotice, ...]]  # (its number, the last page its pager links, its notices)


def _archive_path(page: ArchivePage) -> str:
    return page_file(archive_url(page[0]))


def _archive_inputs(page: ArchivePage) -> tuple[Any, ...]:
    return page


def _archive_page(page: ArchivePage) -> Planned:
    k, upto, items = page
    start = 2 if k - PAGER == 3 else max(1, k - PAGER)  # a gap of one page is shown, not hidden behind "…"
    pager = [*([1] if start > 1 else []), *range(start, upto + 1)]
    return Planned(_archive_path(page), f"处理结果公示 · 第 {k} 页", "notice_list.html",
                   {"archive_page": k, "pager": pager, "notices": list(reversed(items))})


def _number_path(number: str) -> str:
    return page_file(notice_url(number))


def _notice_path(n: PublicNotice) -> str:
    return _number_path(n.number)


def _notice_page(n: PublicNotice) -> Planned:
    return Planned(_notice_path(n), n.title, "notice.html", {"notice": n, "shop_url": shop_url(n.status.merchant)},
                   lazy=functools.partial(_notice_parts, n))


def _notice_parts(n: PublicNotice, markup: Markup) -> dict[str, Any]:
    return {"content": markup.notice_html(n.body)}


def _tombstone(number: str) -> Planned:
    return Planned(_number_path(number), "该公示已撤回", "tombstone.html", {"number": number})


def shop_pages(all_shops: tuple[Shop, ...], as_of: dt.date | None) -> Iterator[Planned | Each[Shop]]:
    """The list of shops and a page per shop with published notices."""
    # Counts over decided complaints only, with withdrawn ones apart: no raw total that counts rejected ones.
    rows = [(x.name, x.url, x.decided, len(x.upheld), len(x.withdrawn)) for x in all_shops]
    yield Planned("shops/index.html", "店铺查询", "shops.html", {"shops": rows}, inputs=(rows,))
    yield Each("shop", all_shops, _shop_path, _shop_inputs, functools.partial(_shop_page, as_of))


def _shop_path(shop: Shop) -> str:
    return page_file(shop.url)


def _shop_inputs(shop: Shop) -> tuple[Any, ...]:
    return shop.notices


def _shop_page(as_of: dt.date | None, shop: Shop) -> Planned:
    return Planned(_shop_path(shop), shop.name, "shop.html", {"shop": shop, "shop_quarters": shop_quarters(shop, as_of)},
                   description=f"{shop.name}的投诉处理结果公示")


def feed_pages(site: PublicSite) -> Iterator[Planned]:
    """The Atom feed of the latest notices, and the page that says what it is and how to subscribe."""
    s = site.settings
    feed = site.notices[:FEED_SIZE]
    yield Planned(FEED, "feed", "feed.xml", {
        "updated": _atom_time(feed[0].date) if feed else "1970-01-01T00:00:00Z", "notices": feed},
        lazy=functools.partial(_feed_parts, feed), inputs=(feed,))
    # What a feed is and how to subscribe: the footer links here, since the feed itself is raw XML on a phone.
    yield Planned("notices/subscribe/index.html", "订阅处理结果公示", "subscribe.html", {
        "feed_size": FEED_SIZE,
        "feed_url": s.base_url + FEED if urllib.parse.urlsplit(s.base_url).scheme else ""},
        description="用 RSS 阅读器订阅本站的处理结果公示：订阅源是什么、地址和订阅方法", inputs=())


def _feed_parts(feed: tuple[PublicNotice, ...], markup: Markup) -> dict[str, Any]:
    return {"entries": [{"notice": n, "updated": _atom_time(n.date), "content": markup.notice_html(n.body)}
                        for n in feed]}


def stats_page(site: PublicSite, made: Made, as_of: dt.date | None) -> Planned:
    """The statistics page: counts, review times and the quarter-by-quarter figures.

    Made of the figures and the quarters alone (its charts and quotes are drawn from them only when it is
    rendered): an edit that changes no figure takes it as it was, without keying it.
    """
    figures = site.stats
    assert figures is not None
    quarters = made("quarters", site.cases, functools.partial(category_quarters, site, as_of))
    return Planned("stats/index.html", "数据统计", "stats.html", {"stats": figures, "quarters": quarters},
                   lazy=functools.partial(_stats_parts, figures, site.settings.labels), inputs=(figures, quarters))


def _stats_parts(figures: Stats, labels: dict[str, dict[str, str]], markup: Markup) -> dict[str, Any]:
    charts = {kind: bars({code: float(n) for code, n in figures.count[kind].items()}, labels[kind])
              for kind in figures.count}
    days = bars({code: figures.median_days[code] for code in labels["category"] if code in figures.median_days},
                {code: label for code, label in labels["category"].items() if code in figures.median_days})
    return {"quoted": quotable(figures), "charts": charts, "days": days}


def status_files(site: PublicSite, keep: Keep) -> Iterator[Planned | Files]:
    """The lookup: its page and its shards of status entries."""
    yield from shard_files(site.shard_groups(), keep)
    labels = site.settings.labels
    # What the lookup needs to say a pending complaint is late: per category, the days within which nine in ten
    # decided complaints got a decision (aggregates already on the statistics page), and the build's day.
    figures_json: dict[str, Any] = {"as_of": site.stats.updated.isoformat() if site.stats and site.stats.updated
                                    else None,
                                    "p90_days": dict(site.stats.p90_days) if site.stats else {}}
    yield Planned("status/index.html", "查询投诉进度", "status.html", {
        "shard_bits": numbers.shard_bits(len(site.statuses)),
        "labels_json": {k: labels[k] for k in ("category", "channel", "status", "outcome", "reason")},
        "figures_json": figures_json})


def _status_json(entry: StatusEntry) -> dict[str, Any]:
    return {
        "category": entry.category, "channel": entry.channel, "received": entry.received.isoformat(),
        "status": entry.status, "outcome": entry.outcome, "merchant": entry.merchant,
        "timeline": [{"date": t.date.isoformat(), "status": t.status, "reason": t.reason, "note": t.note}
                     for t in entry.timeline],
        "notice": entry.notice_url,
    }


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")


def shard_files(groups: Mapping[str, tuple[StatusEntry, ...]], keep: Keep = no_keep) -> Iterator[Files]:
    """Lookup shards keyed by hash: every shard file exists, so a 404 never says whether a number exists.

    `groups` are the entries by shard (`PublicSite.shard_groups`). Each file is {"entries":{number: entry, ...},
    "v":1} as json.dumps writes it with sorted keys, put together from each entry's member (`keep` may hand back
    an unchanged entry's).
    """
    for name, entries in groups.items():
        path = shard_file(name)
        yield Files(path, entries, functools.partial(_shard, path, entries, keep))


def status_shards(statuses: tuple[StatusEntry, ...], keep: Keep = no_keep) -> tuple[int, dict[str, bytes]]:
    """The shards' bits and files (see `shard_files`), all at once."""
    files: dict[str, bytes] = {}
    for shard in shard_files(shard_groups(statuses), keep):
        files.update(shard.make())
    return numbers.shard_bits(len(statuses)), files


def _shard(path: str, entries: tuple[StatusEntry, ...], keep: Keep) -> dict[str, bytes]:
    members = sorted(zip(map(_NUMBER, entries), keep(entries, "status-json:" + path, _status_member, ""), strict=True))
    return {path: ('{"entries":{' + ",".join(m for _, m in members) + '},"v":1}\n').encode("utf-8")}


_NUMBER = operator.attrgetter("number")


def _status_member(entry: StatusEntry) -> str:
    return json.dumps(entry.number) + ":" + _json_bytes(_status_json(entry)).decode("utf-8").rstrip("\n")


def archive_pages(notices: tuple[PublicNotice, ...], per_page: int) -> list[tuple[PublicNotice, ...]]:
    """Notices in archive pages numbered from the oldest, so new notices (the newest) change no full page."""
    oldest_first = notices[::-1]
    return [oldest_first[i:i + per_page] for i in range(0, len(oldest_first), per_page)]


Quarters = tuple[tuple[QuarterRow, ...], tuple[Panel, ...]]  # a table's rows and the chart's panels


def category_quarters(site: PublicSite, as_of: dt.date | None) -> tuple[tuple[str, str, Quarters], ...]:
    """(code, label, quarters) for all complaints ("all") and each category with complaints in the quarters shown.

    Over every status entry, as the rest of the statistics page; ratings only from published notices.
    """
    if as_of is None:
        return ()
    by_category: dict[str, list[Case]] = {}
    for c in site.cases:
        by_category.setdefault(c.category, []).append(c)
    found = []
    for code, label in [("all", "全部问题类型"), *site.settings.labels["category"].items()]:
        rows = quarterly(list(site.cases) if code == "all" else by_category.get(code, []), as_of)
        if any(r.received for r in rows):
            found.append((code, label, (rows, trend(rows))))
    return tuple(found)


def shop_quarters(shop: Shop, as_of: dt.date | None) -> Quarters:
    """A shop's quarters with published complaints (a shop page counts only what is published), and their chart."""
    if as_of is None:
        return (), ()
    rows = quarterly([case_of(n.status, n, as_of) for n in shop.notices], as_of, only_with_data=True)
    return rows, trend(rows)


GUIDE_BOOST = 2.0


def search_documents(site: PublicSite, all_shops: tuple[Shop, ...], keep: Keep = no_keep) -> list[Document]:
    """What search finds: guide pages, published notices, shop pages and the about page, from the public types only."""
    labels = site.settings.labels
    context = hashlib.sha256(repr(labels["category"]).encode()).hexdigest()
    return [*_site_documents(site),
            *keep(site.notices, "search-notice", functools.partial(_notice_document, labels=labels), context),
            *keep(all_shops, "search-shop", functools.partial(_shop_document, labels=labels), context)]


def each_search_document(site: PublicSite, all_shops: tuple[Shop, ...]) -> Iterator[Document]:
    """`search_documents`, each made when it is asked for: a build that keeps nothing holds one at a time."""
    labels = site.settings.labels
    yield from _site_documents(site)
    yield from map(functools.partial(_notice_document, labels=labels), site.notices)
    yield from map(functools.partial(_shop_document, labels=labels), all_shops)


def _site_documents(site: PublicSite) -> list[Document]:
    """The guide's pages and the about page as search finds them."""
    docs = [_guide_document(g.slug, g.title, g.summary, g.body) for g in site.guide]
    a, platform = site.settings.about, site.settings.platform
    # The about page: who runs the site and where KS numbers come from (and the platform's name, so it is found).
    docs.append(Document("about/", "关于本站", "关于", plain(" ".join(
        [platform, a.organisation, a.summary, *a.does, *a.does_not, a.submit, a.numbers, "投诉编号 KS 编号 订单号"])),
        plain(f"{platform} {a.organisation} 联系我们 投诉编号从哪里来"),
        excerpt=f"{site.settings.title}由谁运营、做什么、不做什么、怎样联系；投诉编号从哪里来。"))
    return docs


@functools.lru_cache(maxsize=1024)  # a load makes the guide's pages anew: the same texts, the same documents
def _guide_document(slug: str, title: str, summary: str, body: str) -> Document:
    return Document(guide_url(slug), title, "指南", plain(body), plain(" ".join(
        [summary, *(line for line in body.splitlines() if line.startswith("#"))])), GUIDE_BOOST, summary)


def _shop_document(x: Shop, labels: dict[str, dict[str, str]]) -> Document:
    return Document(x.url, x.name, "店铺", plain(f"已有结论的投诉 {x.decided} 件 诉求获支持 {len(x.upheld)} 件 " +
                                               " ".join(labels["category"][c] for c, _ in x.by_category)))


def _notice_document(n: PublicNotice, labels: dict[str, dict[str, str]]) -> Document:
    # Merchant and kind of problem first, set apart as the result shows them: "某某店 · 虚假宣传：经核查……".
    return Document(n.url, n.title, "公示", plain(f"{n.status.merchant} · {labels['category'][n.status.category]}："
                                                 f"{n.body}"))


CHINA = dt.timezone(dt.timedelta(hours=8))


def _atom_time(day: dt.date) -> str:
    # Notices carry a date; the feed needs an instant: midnight in China, where the site publishes.
    return dt.datetime.combine(day, dt.time(0, 0), CHINA).isoformat()


def robots(base_url: str) -> bytes:
    """robots.txt: everything but the lookup shards, under the path of base_url (a site may live in a sub-folder)."""
    parts = urllib.parse.urlsplit(base_url)
    root = parts.path or "/"
    text = f"User-agent: *\nAllow: {root}\nDisallow: {root}{SHARDS}\n"
    if parts.scheme:  # the Sitemap line takes a full URL only
        text += f"Sitemap: {base_url}sitemap.xml\n"
    return text.encode()


SITEMAP_URLS = 50_000  # the most URLs one sitemap file may list (sitemaps.org; search engines ignore more)
_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_SITEMAPS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(base_url: str, paths: list[str], site: PublicSite) -> dict[str, bytes]:
    """sitemap.xml: every public HTML page (not the 404, not withdrawn notices), with notice dates as lastmod.

    A site of more pages than one sitemap may list gets sitemap-1.xml, sitemap-2.xml... beside it, and sitemap.xml
    lists those (a sitemap index). They stay at the root: a sitemap may list only URLs under its own folder.
    """
    withdrawn = {page_file(notice_url(n)) for n in site.withdrawn}
    dates = {page_file(n.url): n.date.isoformat() for n in site.notices}
    urls = []
    for path in paths:
        if not path.endswith(".html") or path == "404.html" or path in withdrawn:
            continue
        url = base_url + path.removesuffix("index.html")
        lastmod = f"<lastmod>{dates[path]}</lastmod>" if path in dates else ""
        urls.append(f"  <url><loc>{html.escape(url)}</loc>{lastmod}</url>")
    if len(urls) <= SITEMAP_URLS:
        return {"sitemap.xml": _xml_list("urlset", urls)}
    parts = {f"sitemap-{k}.xml": _xml_list("urlset", urls[at:at + SITEMAP_URLS])
             for k, at in enumerate(range(0, len(urls), SITEMAP_URLS), start=1)}
    index = [f"  <sitemap><loc>{html.escape(base_url + name)}</loc></sitemap>" for name in parts]
    return {"sitemap.xml": _xml_list("sitemapindex", index), **parts}


def _xml_list(tag: str, items: list[str]) -> bytes:
    return ("\n".join([_XML, f'<{tag} xmlns="{_SITEMAPS}">', *items, f"</{tag}>"]) + "\n").encode("utf-8")


# The open-data export: (field, meaning in Chinese). Built from PublicNotice and StatusEntry only.
OPEN_DATA_FIELDS = [
    ("number", "投诉编号"), ("url", "公示页面地址"), ("date", "公示日期"), ("title", "公示标题"),
    ("merchant", "被投诉店铺"), ("category", "问题类型代码"), ("category_label", "问题类型"),
    ("channel", "反映渠道代码"), ("channel_label", "反映渠道"), ("received", "受理日期"),
    ("decided", "作出处理结论的日期"), ("status", "处理状态代码"), ("status_label", "处理状态"),
    ("outcome", "处理结果代码（仅已处理）"), ("outcome_label", "处理结果"),
    ("reason", "未通过原因代码（仅未通过）"), ("reason_label", "未通过原因"),
    ("merchant_reply_date", "商家回应日期"), ("merchant_reply", "商家回应内容"),
    ("feedback_rating", "投诉人评价代码"), ("feedback_rating_label", "投诉人评价"),
    ("feedback_comment", "投诉人评价内容"), ("feedback_date", "投诉人评价日期"),
    ("hidden", "公示中隐去的个人信息处数"), ("body", "公示正文，Markdown（仅 JSON）"),
]


OPEN_DATA_VERSION = 2


def months_of(notices: Sequence[PublicNotice]) -> list[tuple[str, Sequence[PublicNotice]]]:
    """('YYYY-MM', its notices) for every month with a published notice, newest first, as `notices` are."""
    days = list(map(_DATE, reversed(notices)))  # oldest first, so that bisect can find where a month ends
    found = []
    at, count = 0, len(days)
    while at < count:
        day = days[at]
        following = dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)
        end = bisect.bisect_left(days, following, lo=at)
        found.append((f"{day.year:04d}-{day.month:02d}", notices[count - end:count - at]))
        at = end
    return found[::-1]


def open_data_files(site: PublicSite, keep: Keep = no_keep) -> Iterator[Planned | Files]:
    """Open data: a JSON and a CSV file per month of publication, data/index.json listing them, and the page
    that explains them. A file per month keeps what one edit rewrites to that month's notices (the whole export
    was 4.8 MB at 10k records, 61 MB at 100k)."""
    months = months_of(site.notices)
    for month, notices in months:
        yield Files(open_data_file(month, "json"), tuple(notices),
                    functools.partial(open_data, month, tuple(notices), site.settings, keep))
    catalogue = tuple((month, len(notices)) for month, notices in months)
    yield Files("data/index.json", catalogue, functools.partial(open_data_index, catalogue, site.settings))
    yield Planned("data/index.html", "开放数据", "data.html", {
        "fields": OPEN_DATA_FIELDS, "feed_size": FEED_SIZE, "total": len(site.notices),
        "months": [(f"{int(month[:4])} 年 {int(month[5:])} 月", count, open_data_file(month, "json"),
                    open_data_file(month, "csv")) for month, count in catalogue]}, inputs=(catalogue,))


def open_data_index(catalogue: tuple[tuple[str, int], ...], settings: Any) -> dict[str, bytes]:
    """data/index.json: the fields, the labels of every code, and each month's files with its count of notices."""
    return {"data/index.json": _json_bytes({
        "version": OPEN_DATA_VERSION, "fields": dict(OPEN_DATA_FIELDS), "labels": settings.labels,
        "notices": sum(count for _, count in catalogue),
        "months": [{"month": month, "notices": count, "json": open_data_file(month, "json"),
                    "csv": open_data_file(month, "csv")} for month, count in catalogue]})}


def open_data(month: str, notices: tuple[PublicNotice, ...], settings: Any, keep: Keep = no_keep
              ) -> dict[str, bytes]:
    """One month's open data: data/notices-YYYY-MM.json and .csv, its notices newest first.

    The JSON file is what json.dumps writes for {"month", "notices", "version"} with sorted keys, put together from
    each notice's row (`keep` may hand back an unchanged notice's).
    """
    context = hashlib.sha256(repr((settings.base_url, settings.labels)).encode()).hexdigest()
    rows = keep(notices, "open-data:" + month, functools.partial(_open_row, settings=settings), context)
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow([f for f, _ in OPEN_DATA_FIELDS if f != "body"])
    # Rows are kept as UTF-8 and joined as bytes: an edit copies the files' bytes once, encodes one row.
    json_rows, csv_rows = zip(*rows, strict=True) if rows else ((), ())
    # One join, the commas between the rows in the list.
    between = [b","] * max(2 * len(json_rows) - 1, 0)
    between[::2] = json_rows
    data = b"".join([b'{"month":"%s","notices":[' % month.encode(), *between,
                     b'],"version":%d}\n' % OPEN_DATA_VERSION])
    # A byte-order mark: Excel opens UTF-8 CSV as Chinese only with one.
    text = b"".join([("\ufeff" + header.getvalue()).encode("utf-8"), *csv_rows])
    return {open_data_file(month, "json"): data, open_data_file(month, "csv"): text}


def _open_row(n: PublicNotice, settings: Any) -> tuple[bytes, bytes]:
    """One notice as a JSON object and a CSV line, in UTF-8."""
    labels = settings.labels
    st = n.status
    last = st.timeline[-1] if st.timeline else None
    reason = last.reason if last and st.status == "rejected" else None
    reply, fb = n.merchant_reply, n.feedback
    row = {
        "number": n.number, "url": settings.base_url + n.url, "date": n.date.isoformat(),
        "title": n.title, "merchant": st.merchant, "category": st.category,
        "category_label": labels["category"][st.category], "channel": st.channel,
        "channel_label": labels["channel"][st.channel], "received": st.received.isoformat(),
        "decided": last.date.isoformat() if last else None, "status": st.status,
        "status_label": labels["status"][st.status], "outcome": st.outcome,
        "outcome_label": labels["outcome"][st.outcome] if st.outcome else None,
        "reason": reason, "reason_label": labels["reason"][reason] if reason else None,
        "merchant_reply_date": reply.date.isoformat() if reply else None, "merchant_reply": reply.text if reply else None,
        "feedback_rating": fb.rating if fb else None, "feedback_rating_label": labels["rating"][fb.rating] if fb else None,
        "feedback_comment": fb.comment or None if fb else None,
        "feedback_date": fb.date.isoformat() if fb and fb.date else None,
        "hidden": n.hidden, "body": n.body}
    line = io.StringIO()
    csv.writer(line, lineterminator="\r\n").writerow(
        ["" if row[f] is None else row[f] for f, _ in OPEN_DATA_FIELDS if f != "body"])
    return _json_bytes(row)[:-1], line.getvalue().encode("utf-8")
