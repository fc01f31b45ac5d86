"""Render the public site model to `{relative path: bytes}`. Pure: reads templates, writes nothing."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import html
import io
import json
import posixpath
import re
import sys
import time
import traceback
import urllib.parse
from collections.abc import Callable, Collection, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import jinja2
import jinja2.meta
import markdown
from markdown.extensions.toc import slugify_unicode

from . import __version__, numbers, parallel
from .cache import Keep, Memo, no_keep, no_memo
from .errors import ContentError
from .layout import FEED, SHARDS, archive_url, asset_file, guide_url, notice_url, page_file, shard_file, shop_url
from .mdlists import EditorListsExtension
from .model import GuidePage
from .public import PublicNotice, PublicSite, Shop, StatusEntry, case_of, shops
from .search import Document, IndexBuilder, plain
from .stats import Case, Panel, QuarterRow, bars, quarterly, quotable, trend

T = TypeVar("T")
GUIDE_EXTENSIONS = ["toc", "tables", "sane_lists", "attr_list", "fenced_code"]
_TOC = {"toc": {"slugify": slugify_unicode, "toc_depth": "2-3", "permalink": False}}


@dataclass(frozen=True)
class TocItem:
    """One heading in a page's table of contents."""

    id: str
    title: str
    children: tuple[TocItem, ...] = ()


@dataclass(frozen=True)
class NavLink:
    """A link in the guide navigation or previous/next bar."""

    title: str
    url: str
    part: str = ""
    current: bool = False


@dataclass(frozen=True)
class Page:
    """The declared context of every template: what page this is and where the site root is from here."""

    path: str  # output path, e.g. guide/how-to-report/index.html
    title: str
    root: str  # relative URL prefix from this page to the site root, e.g. "../../"
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _toc(tokens: list[dict[str, Any]]) -> tuple[TocItem, ...]:
    return tuple(TocItem(t["id"], t["name"], _toc(t.get("children", []))) for t in tokens)


class Renderer:
    """One Jinja2 environment and one Markdown instance per kind, reused for every page."""

    def __init__(self, site_root: Path, templates: Path) -> None:
        self.site_root = site_root
        self.templates = templates
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals["version"] = __version__
        # Lists as staff see them in their editor (CommonMark): see mdlists.py.
        self.guide_md = markdown.Markdown(extensions=[*GUIDE_EXTENSIONS, EditorListsExtension()],
                                          extension_configs=_TOC)
        # Notice bodies come from records: no raw HTML may pass through them.
        self.notice_md = markdown.Markdown(extensions=["sane_lists", EditorListsExtension()])
        self.notice_md.preprocessors.deregister("html_block")
        self.notice_md.inlinePatterns.deregister("html")
        self._closures: dict[str, str] = {}

    def closure(self, name: str) -> str:
        """Digest of a template and every template it extends, includes or imports, recursively."""
        found = self._closures.get(name)
        if found is None:
            sources: dict[str, str] = {}
            todo = [name]
            while todo:
                current = todo.pop()
                if current in sources:
                    continue
                try:
                    source, _, _ = self.env.loader.get_source(self.env, current)  # type: ignore[union-attr]
                    referenced = jinja2.meta.find_referenced_templates(self.env.parse(source))
                except jinja2.TemplateNotFound as exc:
                    raise ContentError(self._rel(self.templates / name), None, f"template not found: {exc.name}",
                                       f"add templates/{exc.name}") from None
                except jinja2.TemplateSyntaxError as exc:
                    raise ContentError(self._rel(self.templates / current), exc.lineno,
                                       f"template syntax error: {exc.message}", "check the tags on this line") from None
                sources[current] = source
                # Dynamic names (None) cannot be followed; the theme uses none, and a missing one fails rendering.
                todo += [t for t in referenced if t]
            found = self._closures[name] = hashlib.sha256(repr(sorted(sources.items())).encode()).hexdigest()
        return found

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.site_root).as_posix()
        except ValueError:
            return path.as_posix()

    def check_templates(self) -> list[ContentError]:
        """Compile every template so syntax errors surface all at once, with file and line."""
        errors: list[ContentError] = []
        for name in self.env.list_templates(extensions=["html", "xml", "txt", "json"]):
            if name.startswith("assets/"):
                continue
            try:
                self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                errors.append(ContentError(self._rel(self.templates / name), exc.lineno,
                                           f"template syntax error: {exc.message}",
                                           "check the {% %} and {{ }} tags on this line"))
        return errors

    def render(self, template: str, page: Page, **context: Any) -> bytes:
        """Render one template; a failure becomes a ContentError at the template line that raised it."""
        try:
            return self.env.get_template(template).render(page=page, **context).encode("utf-8")
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(self._rel(self.templates / (exc.name or template)), exc.lineno,
                               f"template syntax error: {exc.message}", "check the tags on this line") from None
        except jinja2.TemplateNotFound as exc:
            raise ContentError(self._rel(self.templates / template), None, f"template not found: {exc.name}",
                               f"add templates/{exc.name}") from None
        except Exception as exc:  # a template bug of any kind must name its template line, not crash the build
            file, line = self._template_frame(exc, template)
            raise ContentError(file, line, f"error while rendering {page.path}: {exc}",
                               "check the variable names on this line against docs/architecture.md") from None

    def _template_frame(self, exc: BaseException, template: str) -> tuple[str, int | None]:
        base = str(self.templates.resolve())
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename and str(Path(frame.filename).resolve()).startswith(base):
                return self._rel(Path(frame.filename).resolve()), frame.lineno
        return self._rel(self.templates / template), None

    def guide_html(self, page: GuidePage) -> tuple[str, tuple[TocItem, ...]]:
        """Markdown of a guide page to HTML and its table of contents."""
        self.guide_md.reset()
        html = self.guide_md.convert(page.body)
        return html, _toc(getattr(self.guide_md, "toc_tokens", []))

    def notice_html(self, text: str) -> str:
        """Markdown of a notice body to HTML, raw HTML escaped."""
        self.notice_md.reset()
        return self.notice_md.convert(text)


def _root(path: str) -> str:
    depth = path.count("/")
    return "../" * depth


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


class Made(Protocol):
    """(name, inputs, compute) -> what `compute` gives; the last build's value when its inputs were the same."""

    def __call__(self, name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T: ...


def _compute(name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
    return compute()


def status_shards(statuses: tuple[StatusEntry, ...], keep: Keep = no_keep, made: Made = _compute
                  ) -> tuple[int, dict[str, bytes]]:
    """Lookup shards keyed by hash: every shard file exists, so a 404 never says whether a number exists.

    Each file is {"entries":{number: entry, ...},"v":1} as json.dumps writes it with sorted keys, put together from
    each entry's member (`keep` may hand back an unchanged entry's, `made` an unchanged shard's bytes).
    """
    bits = numbers.shard_bits(len(statuses))
    shards: dict[str, list[StatusEntry]] = {format(i, f"0{(bits + 3) // 4}x"): [] for i in range(1 << bits)}
    for entry in statuses:
        shards[numbers.shard_name(entry.number, bits)].append(entry)
    return bits, {shard_file(name): made(shard_file(name), tuple(entries),
                                         functools.partial(_shard, entries, keep))
                  for name, entries in shards.items()}


def _shard(entries: list[StatusEntry], keep: Keep) -> bytes:
    members = sorted((e.number, keep(e, "status-json", functools.partial(_status_member, e))) for e in entries)
    return ('{"entries":{' + ",".join(m for _, m in members) + '},"v":1}\n').encode("utf-8")


def _status_member(entry: StatusEntry) -> str:
    return json.dumps(entry.number) + ":" + _json_bytes(_status_json(entry)).decode("utf-8").rstrip("\n")


def archive_pages(notices: tuple[PublicNotice, ...], per_page: int) -> list[list[PublicNotice]]:
    """Notices in archive pages numbered from the oldest, so a full page never changes as notices are added."""
    oldest_first = list(reversed(notices))
    return [oldest_first[i:i + per_page] for i in range(0, len(oldest_first), per_page)]


Reuse = Callable[[str, str], bytes | None]  # (output path, key) -> the bytes of the last build, if still valid


@dataclass
class Rendered:
    """Every output of the site, the key each rendered page was made from, and how many were rendered anew."""

    outputs: MutableMapping[str, bytes]  # a dict, or a write.Spool that keeps most of them on disk
    keys: dict[str, str]
    rendered: int = 0
    search_seconds: float = 0.0  # of the rendering time, what the search index took
    reused: set[str] = field(default_factory=set)  # pages taken from the last build as they were
    sha: dict[str, str] = field(default_factory=dict)  # SHA-256 of every output, once the leak gate has them
    # What the per-record outputs (notice, shop, archive and tombstone pages, lookup shards) were made of: a session's
    # next build takes an output whose inputs are the very same objects (and whose `world` is the same) as it was.
    inputs: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    world: str = ""  # a digest of what every page shares: version, settings, assets, templates, guide navigation, day
    made: dict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)  # name -> (inputs, value), see Made
    shops: dict[str, Shop] = field(default_factory=dict)  # the shops, by name
    loaded: Any = None  # the build.load result it was rendered from, for a session's next load to start from


def _same(now: tuple[Any, ...], before: tuple[Any, ...] | None) -> bool:
    """Whether two outputs' inputs are equal: the same objects (an unchanged record's), or of one type and equal.

    Inputs are values (frozen dataclasses, strings, dates): equal inputs make equal outputs.
    """
    return now is before or before is not None and len(now) == len(before) and all(
        a is b or (type(a) is type(b) and a == b) for a, b in zip(now, before, strict=True))


Progress = Callable[[int, int], None]  # (pages done, pages in all)


NOTICE_DIGEST = "notice-digest"  # what `keep` computes of a notice several pages of one build show: its digest


def render_site(site: PublicSite, renderer: Renderer, assets: dict[str, bytes],
                reuse: Reuse | None = None, memo: Memo = no_memo,
                progress: Progress | None = None, keep: Keep = no_keep, last: Rendered | None = None,
                outputs: MutableMapping[str, bytes] | None = None, batch: int = 0) -> Rendered:
    """Every output file of the site, put into `outputs` (default: a new dict); a page whose key is unchanged is
    taken from the last build. With `batch`, pages are rendered that many at a time, each batch put into `outputs`
    before the next is rendered (a `write.Spool` then checks and stages them and lets their bytes go).

    A page's key is a digest of all that goes into it: the kspages version, its template closure and its whole
    context (which holds the settings). Expensive parts (Markdown) are computed only for pages that are rendered.
    With `last`, the same process's last build, a per-record output whose inputs are the same objects as then is
    taken without computing its key: an edit costs what it changed, not a key for every page.
    """
    s = site.settings
    labels = s.labels
    # Assets carry a digest of their bytes in their names: a redeploy uploads only what changed, and browsers may
    # cache them for ever. Pages name them through `assets`, so a changed stylesheet changes every page's key.
    hashed = {name: asset_file(name, data) for name, data in assets.items()}
    common: dict[str, Any] = {"settings": s, "labels": labels, "assets": hashed}
    result = Rendered({} if outputs is None else outputs, {})
    out = result.outputs
    out.update({hashed[name]: data for name, data in assets.items()})
    if "favicon.ico" in assets:  # browsers and feed readers ask for /favicon.ico whatever the pages link
        out["favicon.ico"] = assets["favicon.ico"]
    guide = list(site.guide)

    def nav(current: str | None) -> list[NavLink]:
        return [NavLink(g.title, guide_url(g.slug), g.part, g.slug == current) for g in guide]

    all_shops = shops(site.notices, last.shops if last is not None else {})
    result.shops = {x.name: x for x in all_shops}
    # The build's day bounds the quarterly figures (the statistics are dated by it; no wall clock).
    as_of = site.stats.updated if site.stats else None
    pages = archive_pages(site.notices, s.notices_per_page)
    # Home, guide index, notice list, shop list, feed, feed help, data, search, status, about (and stats) besides
    # these.
    planned = 10 + (site.stats is not None) + len(guide) + len(pages) + len(site.notices) + len(site.withdrawn) + len(all_shops)

    # Everything a page shows comes from its context, so a digest of it is the page's key. The parts every page
    # shares are digested once, and a notice (an unchanged record's is the same object as in the last build of a
    # session) once per build or session.
    shared = hashlib.sha256(repr((__version__, PAGES_FORMAT, common)).encode()).hexdigest()

    printed: dict[int, tuple[Any, str]] = {}  # lists several pages share, e.g. the archive: printed once

    def fingerprint(value: Any) -> str:
        if isinstance(value, PublicNotice):
            return str(keep(value, NOTICE_DIGEST, functools.partial(_digest_repr, value)))
        if isinstance(value, (list, tuple)):
            known = printed.get(id(value))
            if known is None or known[0] is not value:
                known = printed[id(value)] = value, f"{type(value).__name__}[{','.join(map(fingerprint, value))}]"
            return known[1]
        if isinstance(value, Shop):
            return f"Shop({','.join(fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value))})"
        return repr(value)

    navs: dict[str | None, tuple[list[NavLink], str]] = {}
    todo: list[tuple[str, Callable[[], bytes]]] = []

    # Per-record pages show only their inputs and what every page shares (the world): the same inputs in the same
    # world, the same bytes.
    world = hashlib.sha256(repr((shared, as_of, repr(nav(None)), [renderer.closure(t) for t in _PER_RECORD])
                                ).encode()).hexdigest()
    result.world = world
    known = last.inputs if last is not None and last.world == world else {}
    known_made = last.made if last is not None and last.world == world else {}

    def made(name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
        before = known_made.get(name)
        value = before[1] if before is not None and _same(inputs, before[0]) else compute()
        result.made[name] = (inputs, value)
        return value

    def taken(path: str, inputs: tuple[Any, ...]) -> bool:
        """Whether the page at `path` was taken from the last build, its inputs being the same."""
        result.inputs[path] = inputs
        if last is None or not _same(inputs, known.get(path)):
            return False
        result.keys[path] = last.keys[path]
        out[path] = last.outputs[path]
        result.reused.add(path)
        if progress is not None:
            progress(len(result.reused), planned)
        return True

    def page(path: str, title: str, template: str, description: str = "",
             lazy: Callable[[], dict[str, Any]] | None = None, inputs: tuple[Any, ...] | None = None,
             later: Callable[[], dict[str, Any]] | None = None, **context: Any) -> None:
        if inputs is not None and taken(path, inputs):
            return
        if later is not None:  # context worth computing only when the inputs changed
            context.update(later())
        p = Page(path=path, title=title, root=_root(path), description=description or s.description)
        current = context.pop("current", None)
        if current not in navs:
            links = nav(current)
            navs[current] = links, repr(links)
        context["nav"], nav_print = navs[current]
        parts = [shared, renderer.closure(template), repr(p), nav_print]
        parts += [f"{name}={fingerprint(value)}" for name, value in sorted(context.items()) if name != "nav"]
        key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        result.keys[path] = key
        data = reuse(path, key) if reuse else None
        if data is not None:
            result.reused.add(path)
            out[path] = data
            if progress is not None:
                progress(len(result.reused), planned)
        else:
            out[path] = b""  # rendered below, with the others, on every core
            todo.append((path, functools.partial(_render, renderer, template, p, common, context, lazy)))

    latest = site.notices[: s.home_notices]
    page("index.html", s.title, "home.html", notices=latest, total_notices=len(site.notices))
    page("guide/index.html", "指南目录", "guide_index.html")
    for i, g in enumerate(guide):
        prev = NavLink(guide[i - 1].title, guide_url(guide[i - 1].slug)) if i > 0 else None
        nxt = NavLink(guide[i + 1].title, guide_url(guide[i + 1].slug)) if i + 1 < len(guide) else None

        def guide_parts(g: GuidePage = g) -> dict[str, Any]:
            content, toc = renderer.guide_html(g)
            return {"content": content, "toc": toc}

        page(page_file(guide_url(g.slug)), g.title, "guide.html", description=g.summary, current=g.slug,
             guide_page=g, prev=prev, next=nxt, lazy=guide_parts)
    archive = [(k, len(items), items[0].date, items[-1].date) for k, items in enumerate(pages, start=1)]
    page("notices/index.html", "处理结果公示", "notice_list.html", notices=site.notices[: s.notices_per_page],
         archive=archive, archive_page=None)
    archive_print = repr(archive)
    for k, items in enumerate(pages, start=1):
        page(page_file(archive_url(k)), f"处理结果公示 · 第 {k} 页", "notice_list.html", inputs=(archive_print, *items),
             later=functools.partial(_newest_first, items), archive=archive, archive_page=k)
    for n in site.notices:
        if taken(page_file(n.url), (n,)):  # before making the closures below: most notices did not change
            continue

        def notice_parts(n: PublicNotice = n) -> dict[str, Any]:
            return {"content": renderer.notice_html(n.body)}

        page(page_file(notice_url(n.number)), n.title, "notice.html", notice=n, lazy=notice_parts, inputs=(n,),
             later=functools.partial(_shop_link, n))
    # Counts over decided complaints only, with withdrawn ones apart: no raw total that counts rejected ones.
    page("shops/index.html", "店铺查询", "shops.html",
         shops=[(x.name, x.url, x.decided, len(x.upheld), len(x.withdrawn)) for x in all_shops])
    for shop in all_shops:
        if taken(page_file(shop.url), shop.notices):
            continue
        page(page_file(shop.url), shop.name, "shop.html", description=f"{shop.name}的投诉处理结果公示",
             inputs=shop.notices, later=functools.partial(_shop_parts, shop, as_of))
    feed = site.notices[:FEED_SIZE]

    def feed_parts() -> dict[str, Any]:
        return {"entries": [{"notice": n, "updated": _atom_time(n.date), "content": renderer.notice_html(n.body)}
                            for n in feed]}

    page(FEED, "feed", "feed.xml", lazy=feed_parts,
         updated=_atom_time(feed[0].date) if feed else "1970-01-01T00:00:00Z", notices=feed)
    # What a feed is and how to subscribe: the footer links here, since the feed itself is raw XML on a phone.
    page("notices/subscribe/index.html", "订阅处理结果公示", "subscribe.html", feed_size=FEED_SIZE,
         description="用 RSS 阅读器订阅本站的处理结果公示：订阅源是什么、地址和订阅方法",
         feed_url=s.base_url + FEED if urllib.parse.urlsplit(s.base_url).scheme else "")
    page("data/index.html", "开放数据", "data.html", fields=OPEN_DATA_FIELDS, feed_size=FEED_SIZE)
    out.update(made("open-data", site.notices, functools.partial(open_data, site, keep)))
    started = time.perf_counter()
    # The index builder of the last build, kept in memory, re-weights only the pages that changed since.
    out.update(memo("~search-index", IndexBuilder).update(search_documents(site, all_shops, keep), memo))
    result.search_seconds = time.perf_counter() - started
    page("search/index.html", "搜索", "search.html")
    for number in site.withdrawn:
        # The URL may be bookmarked or shared: say the notice was withdrawn, and nothing else about it.
        page(page_file(notice_url(number)), "该公示已撤回", "tombstone.html", inputs=(number,), number=number)
    if site.stats is not None:
        figures = site.stats
        charts = {kind: bars({code: float(n) for code, n in figures.count[kind].items()}, labels[kind])
                  for kind in figures.count}
        days = bars({code: figures.median_days[code] for code in labels["category"] if code in figures.median_days},
                    {code: label for code, label in labels["category"].items() if code in figures.median_days})
        page("stats/index.html", "数据统计", "stats.html", stats=figures, quoted=quotable(figures), charts=charts,
             days=days, quarters=made("quarters", site.cases, functools.partial(category_quarters, site, as_of)))
    bits, shards = status_shards(site.statuses, keep, made)
    out.update(shards)
    # What the lookup needs to say a pending complaint is late: per category, the days within which nine in ten
    # decided complaints got a decision (aggregates already on the statistics page), and the build's day.
    figures_json: dict[str, Any] = {"as_of": site.stats.updated.isoformat() if site.stats and site.stats.updated
                                    else None,
                                    "p90_days": dict(site.stats.p90_days) if site.stats else {}}
    page("status/index.html", "查询投诉进度", "status.html", shard_bits=bits,
         labels_json={k: labels[k] for k in ("category", "channel", "status", "outcome", "reason")},
         figures_json=figures_json)
    page("about/index.html", "关于本站", "about.html", description=f"{s.title}由谁运营、做什么、不做什么、怎样联系")
    reused = len(result.reused)
    report = None if progress is None else (lambda n: progress(reused + n, planned))
    step = batch or len(todo) or 1
    for at in range(0, len(todo), step):
        chunk = todo[at:at + step]
        done = None if report is None else (lambda n, at=at: report(at + n))
        for (path, _), data in zip(chunk, parallel.run_all([job for _, job in chunk], done), strict=True):
            out[path] = data
    result.rendered = len(todo)
    root404 = re.sub(r"^https?://[^/]+", "", s.base_url)
    p404 = Page(path="404.html", title="页面未找到", root=root404)
    out["404.html"] = renderer.render("404.html", p404, nav=nav(None), **common)
    paths = sorted(out)
    # What the sitemap shows of a notice is its address and date: an edit of its text leaves the sitemap as it was.
    out.update(made("sitemap", (*paths, *((n.number, n.date) for n in site.notices), *site.withdrawn),
                    functools.partial(sitemap, s.base_url, paths, site)))
    out["robots.txt"] = robots(s.base_url)
    return result


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


def _newest_first(items: list[PublicNotice]) -> dict[str, Any]:
    return {"notices": list(reversed(items))}


def _shop_link(n: PublicNotice) -> dict[str, Any]:
    return {"shop_url": shop_url(n.status.merchant)}


def _shop_parts(shop: Shop, as_of: dt.date | None) -> dict[str, Any]:
    return {"shop": shop, "shop_quarters": shop_quarters(shop, as_of)}


def _render(renderer: Renderer, template: str, page: Page, common: dict[str, Any], context: dict[str, Any],
            lazy: Callable[[], dict[str, Any]] | None) -> bytes:
    return renderer.render(template, page, **common, **context, **(lazy() if lazy else {}))


def _digest_repr(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


GUIDE_BOOST = 2.0


def search_documents(site: PublicSite, all_shops: tuple[Shop, ...], keep: Keep = no_keep) -> list[Document]:
    """What search finds: guide pages, published notices, shop pages and the about page, from the public types only."""
    labels = site.settings.labels
    context = hashlib.sha256(repr(labels["category"]).encode()).hexdigest()
    docs = [Document(guide_url(g.slug), g.title, "指南", plain(g.body), plain(" ".join(
        [g.summary, *(line for line in g.body.splitlines() if line.startswith("#"))])), GUIDE_BOOST, g.summary)
        for g in site.guide]
    a, platform = site.settings.about, site.settings.platform
    # The about page: who runs the site and where KS numbers come from (and the platform's name, so it is found).
    docs.append(Document("about/", "关于本站", "关于", plain(" ".join(
        [platform, a.organisation, a.summary, *a.does, *a.does_not, a.submit, a.numbers, "投诉编号 KS 编号 订单号"])),
        plain(f"{platform} {a.organisation} 联系我们 投诉编号从哪里来"),
        excerpt=f"{site.settings.title}由谁运营、做什么、不做什么、怎样联系；投诉编号从哪里来。"))
    docs += [keep(n, "search:" + context, functools.partial(_notice_document, n, labels)) for n in site.notices]
    docs += [keep(x, "search:" + context, functools.partial(_shop_document, x, labels)) for x in all_shops]
    return docs


def _shop_document(x: Shop, labels: dict[str, dict[str, str]]) -> Document:
    return Document(x.url, x.name, "店铺", plain(f"已有结论的投诉 {x.decided} 件 诉求获支持 {len(x.upheld)} 件 " +
                                               " ".join(labels["category"][c] for c, _ in x.by_category)))


def _notice_document(n: PublicNotice, labels: dict[str, dict[str, str]]) -> Document:
    return Document(n.url, n.title, "公示", plain(f"{n.status.merchant} {labels['category'][n.status.category]} "
                                                 f"{n.body}"))


_PER_RECORD = ("notice.html", "shop.html", "notice_list.html", "tombstone.html")  # templates of `inputs` pages

# Bump when the same context renders differently without a new kspages version, so no page is reused from an
# older build (2: Markdown lists as editors preview them, kspages/mdlists.py).
PAGES_FORMAT = 2
FEED_SIZE = 50
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


def open_data(site: PublicSite, keep: Keep = no_keep) -> dict[str, bytes]:
    """data/notices.json and data/notices.csv: every published notice, newest first.

    The JSON file is what json.dumps writes for {"version", "fields", "labels", "notices"} with sorted keys, put
    together from each notice's row (`keep` may hand back an unchanged notice's).
    """
    settings = site.settings
    context = hashlib.sha256(repr((settings.base_url, settings.labels)).encode()).hexdigest()
    rows = [keep(n, "open-data:" + context, functools.partial(_open_row, n, settings)) for n in site.notices]
    fields = [name for name, _ in OPEN_DATA_FIELDS]
    head = _json_bytes({"fields": dict(OPEN_DATA_FIELDS), "labels": settings.labels}).decode("utf-8")
    data = head[:-2] + ',"notices":[' + ",".join(json_row for json_row, _ in rows) + '],"version":1}\n'
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow([f for f in fields if f != "body"])
    # A byte-order mark: Excel opens UTF-8 CSV as Chinese only with one.
    text = "\ufeff" + header.getvalue() + "".join(csv_row for _, csv_row in rows)
    return {"data/notices.json": data.encode("utf-8"), "data/notices.csv": text.encode("utf-8")}


def _open_row(n: PublicNotice, settings: Any) -> tuple[str, str]:
    """One notice as a JSON object and a CSV line."""
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
    return _json_bytes(row).decode("utf-8").rstrip("\n"), line.getvalue()


_HREF = re.compile(rb'(?:href|src)="([^"]*)"')
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def page_links(path: str, data: bytes) -> list[tuple[str, str | None, str | None]]:
    """The links of one page: (href, the output it points at or None, "unsafe link" or None)."""
    links: list[tuple[str, str | None, str | None]] = []
    for raw in _HREF.findall(data):
        href = html.unescape(raw.decode("utf-8", "replace"))
        scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:)", href)
        if scheme:
            if scheme.group(1).lower() not in _SAFE_SCHEMES:
                links.append((href, None, "unsafe link"))
            continue
        target = urllib.parse.unquote(href.split("#", 1)[0].split("?", 1)[0])
        if not target or href.startswith("//"):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if target == "." or href.split("#", 1)[0].split("?", 1)[0].endswith("/"):
            target = "index.html" if target == "." else f"{target}/index.html"
        links.append((href, target, None))
    return links


def link_targets(path: str, data: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a page's link check needs kept: the outputs it links to (interned: pages share most of them) and its
    unsafe links."""
    links = page_links(path, data)
    return (tuple(sorted({sys.intern(target) for _, target, problem in links if target and not problem})),
            tuple(href for href, _, problem in links if problem))


def link_problems(path: str, read: Callable[[], bytes], links: tuple[tuple[str, ...], tuple[str, ...]],
                  outputs: Collection[str]) -> list[tuple[str, str, str]]:
    """One page's links that point at no output, or use a scheme that could run code, given its `link_targets`:
    (page, href, problem) triples. `read` gives the page's bytes, asked for only when a link is broken."""
    targets, unsafe = links
    found = [(path, href, "unsafe link") for href in unsafe]
    if any(target not in outputs for target in targets):  # rare: read the page again for the links' text
        found += [(path, href, "broken link") for href, target, problem in page_links(path, read())
                  if not problem and target not in outputs]
    return found
