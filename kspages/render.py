"""Render what the planners declare (pages.py) to `{relative path: bytes}`: keys, reuse, Jinja2 and Markdown.

Pure: reads templates, writes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import operator
import re
import time
import traceback
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.meta
import markdown
from markdown.extensions.toc import slugify_unicode

from . import __version__, parallel
from .errors import ContentError
from .keys import Keep, Memo, no_keep, no_memo, outgrown
from .layout import asset_file, guide_url
from .mdlists import EditorListsExtension
from .model import GuidePage
from .pages import Each, Files, Markup, NavLink, Planned, plan, planned_pages, robots, search_documents, sitemap
from .public import PublicNotice, PublicSite, Shop, shops
from .search import IndexBuilder

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
class Page:
    """The declared context of every template: what page this is and where the site root is from here."""

    path: str  # output path, e.g. guide/how-to-report/index.html
    title: str
    root: str  # relative URL prefix from this page to the site root, e.g. "../../"
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _toc(tokens: list[dict[str, Any]]) -> tuple[TocItem, ...]:
    return tuple(TocItem(t["id"], t["name"], _toc(t.get("children", []))) for t in tokens)


_NOTICE_HTML_HELD = 256


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
        self._notice_html: dict[str, str] = {}  # body -> HTML: the feed asks for its 50 again on every save
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
        html = self._notice_html.get(text)
        if html is None:
            self.notice_md.reset()
            html = self.notice_md.convert(text)
            if len(self._notice_html) >= _NOTICE_HTML_HELD:  # a cold build's bodies are not asked for again
                self._notice_html.clear()
            self._notice_html[text] = html
        return html


def _root(path: str) -> str:
    depth = path.count("/")
    return "../" * depth


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
    # Per `Each` (by name), its items' pages: {id of an item: (the item, its page's path)}, for the next build to
    # take the page of the very same item in bulk.
    each: dict[str, dict[int, tuple[Any, str]]] = field(default_factory=dict)
    digests: dict[int, tuple[PublicNotice, str]] = field(default_factory=dict)  # see render_site's fingerprint
    shops: dict[str, Shop] = field(default_factory=dict)  # the shops, by name
    loaded: Any = None  # the build.load result it was rendered from, for a session's next load to start from


def _same(now: tuple[Any, ...], before: tuple[Any, ...] | None) -> bool:
    """Whether two outputs' inputs are equal: the same objects (an unchanged record's), or of one type and equal.

    Inputs are values (frozen dataclasses, strings, dates): equal inputs make equal outputs.
    """
    if now is before:
        return True
    if before is None or len(now) != len(before):
        return False
    # Most are the very same objects (an unchanged record's): found in C, and only the others compared by value.
    return all(type(now[i]) is type(before[i]) and now[i] == before[i]
               for i in itertools.compress(range(len(now)), map(operator.is_not, now, before)))


Progress = Callable[[int, int], None]  # (pages done, pages in all)


def render_site(site: PublicSite, renderer: Renderer, assets: dict[str, bytes],
                reuse: Reuse | None = None, memo: Memo = no_memo,
                progress: Progress | None = None, keep: Keep = no_keep, last: Rendered | None = None,
                outputs: MutableMapping[str, bytes] | None = None, batch: int = 0, for_next: bool = True,
                moved: tuple[PublicNotice, ...] | None = None) -> Rendered:
    """Every output file of the site, put into `outputs` (default: a new dict): what `pages.plan` declares, the
    search index, the 404 page, the sitemap and robots.txt. A page whose key is unchanged is taken from the last
    build. With `batch`, pages are rendered that many at a time as they are planned, each batch put into `outputs`
    before the next is planned (a `write.Spool` then checks and stages them and lets their bytes go).

    A page's key is a digest of all that goes into it: the kspages version, its template closure and its whole
    context (which holds the settings). Expensive parts (Markdown) are computed only for pages that are rendered.
    With `last`, the same process's last build, a per-record output whose inputs are the same objects as then is
    taken without computing its key: an edit costs what it changed, not a key for every page. Without `for_next`
    (a build in a new process) what a next build would take pages by is not kept. `moved`: the notices taken
    away or put in since `last` was rendered, when known (see Loaded.moved).
    """
    s = site.settings
    # Assets carry a digest of their bytes in their names: a redeploy uploads only what changed, and browsers may
    # cache them for ever. Pages name them through `assets`, so a changed stylesheet changes every page's key.
    hashed = {name: asset_file(name, data) for name, data in assets.items()}
    common: dict[str, Any] = {"settings": s, "labels": s.labels, "assets": hashed}
    result = Rendered({} if outputs is None else outputs, {})
    out = result.outputs
    out.update({hashed[name]: data for name, data in assets.items()})
    if "favicon.ico" in assets:  # browsers and feed readers ask for /favicon.ico whatever the pages link
        out["favicon.ico"] = assets["favicon.ico"]
    guide = list(site.guide)

    def nav(current: str | None) -> list[NavLink]:
        return [NavLink(g.title, guide_url(g.slug), g.part, g.slug == current) for g in guide]

    all_shops = shops(site.notices, last.shops if last is not None else {}, moved)
    result.shops = {x.name: x for x in all_shops}
    as_of = site.stats.updated if site.stats else None
    planned = planned_pages(site, all_shops)

    # Everything a page shows comes from its context, so a digest of it is the page's key. The parts every page
    # shares are digested once, and a notice (an unchanged record's is the same object as in the last build of a
    # session) once per build or session.
    shared = hashlib.sha256(repr((__version__, PAGES_FORMAT, common)).encode()).hexdigest()

    printed: dict[int, tuple[Any, str]] = {}  # lists several pages share, e.g. the archive: printed once
    # A notice's digest, which several pages of a build show, by the notice's identity: kept for a session's next
    # build (a template edited keys every page again), the notices gone since let go now and then.
    digests = last.digests if last is not None and for_next else {}
    if outgrown(digests, site.notices):
        digests = {id(n): found for n in site.notices if (found := digests.get(id(n))) is not None}
    result.digests = digests

    def fingerprint(value: Any) -> str:
        if isinstance(value, PublicNotice):
            found = digests.get(id(value))  # a notice kept is alive, so its id is its own
            if found is None:
                found = digests[id(value)] = value, _digest_repr(value)
            return found[1]
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
    known_each = last.each if last is not None and last.world == world else {}

    def made(name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
        before = known_made.get(name)
        value = before[1] if before is not None and _same(inputs, before[0]) else compute()
        if for_next:  # else the files go once staged (lookup shards and open data: 100 MB at 100k records)
            result.made[name] = (inputs, value)
        return value

    def taken(path: str, inputs: tuple[Any, ...]) -> bool:
        """Whether the page at `path` was taken from the last build, its inputs being the same."""
        if for_next:
            result.inputs[path] = inputs
        if last is None or not _same(inputs, known.get(path)):
            return False
        result.keys[path] = last.keys[path]
        out[path] = last.outputs[path]
        result.reused.add(path)
        if progress is not None:
            progress(len(result.reused) + result.rendered, planned)
        return True

    def render_waiting() -> None:
        """Render the pages waiting, on every core, and put them into `out`."""
        before = len(result.reused) + result.rendered
        done = None if progress is None else (lambda n: progress(before + n, planned))
        for (path, _), data in zip(todo, parallel.run_all([job for _, job in todo], done), strict=True):
            out[path] = data
        result.rendered += len(todo)
        todo.clear()

    def page(p: Planned) -> None:
        if p.inputs is not None and taken(p.path, (renderer.closure(p.template), p.title, p.description, p.current,
                                                   *p.inputs)):
            return
        context = dict(p.context)
        shown = Page(path=p.path, title=p.title, root=_root(p.path), description=p.description or s.description)
        if p.current not in navs:
            links = nav(p.current)
            navs[p.current] = links, repr(links)
        context["nav"], nav_print = navs[p.current]
        parts = [shared, renderer.closure(p.template), repr(shown), nav_print]
        parts += [f"{name}={fingerprint(value)}" for name, value in sorted(context.items()) if name != "nav"]
        key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        result.keys[p.path] = key
        data = reuse(p.path, key) if reuse else None
        if data is not None:
            result.reused.add(p.path)
            out[p.path] = data
            if progress is not None:
                progress(len(result.reused) + result.rendered, planned)
        else:
            out[p.path] = b""  # rendered with the others waiting, on every core
            todo.append((p.path, functools.partial(_render, renderer, p.template, shown, common, context, p.lazy)))
            if len(todo) == batch:  # a build that stages as it goes holds one batch of contexts, not the site's
                render_waiting()

    produced: set[str] = set(out)

    def claim(path: str) -> None:
        if path in produced:  # two planners, or one twice: the second would silently replace the first
            raise ContentError(path, None, f"two outputs would be written to {path}",
                               "guide slugs are unique, so two shops' names gave one address (its 10 hex digits "
                               "of a digest): a limit of kspages, please report it with both names")
        produced.add(path)

    def take_all(paths: list[str]) -> None:
        """Take these pages from the last build, their items being the very objects it made them of (loops in C)."""
        assert last is not None
        if not produced.isdisjoint(paths) or len(set(paths)) != len(paths):
            for path in paths:
                claim(path)  # names the path given twice
        produced.update(paths)
        result.inputs.update(zip(paths, map(known.__getitem__, paths), strict=True))
        result.keys.update(zip(paths, map(last.keys.__getitem__, paths), strict=True))
        out.update(zip(paths, map(last.outputs.__getitem__, paths), strict=True))
        result.reused.update(paths)
        if progress is not None and paths:
            progress(len(result.reused) + result.rendered, planned)

    for item in plan(site, all_shops, keep, made):
        if isinstance(item, Each):
            before, table = known_each.get(item.name, {}), result.each.setdefault(item.name, {}) if for_next else {}
            items: Iterable[Any] = item.items
            if before:
                hits = list(map(before.get, map(id, item.items)))  # (item, path) where the item is the very same
                kept = list(filter(None, hits))
                take_all(list(map(_PATH, kept)))
                table.update(zip(map(id, map(_ITEM, kept)), kept, strict=True))
                items = itertools.compress(item.items, map(operator.not_, hits))
            for one in items:
                path = item.path(one)
                claim(path)
                table[id(one)] = (one, path)
                if not taken(path, item.inputs(one)):
                    page(item.page(one))
        elif isinstance(item, Files):
            files = made(item.name, item.inputs, item.make)
            for path in files:
                claim(path)
            out.update(files)
        else:
            claim(item.path)
            page(item)
    started = time.perf_counter()
    # The index builder of the last build, kept in memory, re-weights only the pages that changed since.
    index = memo("~search-index", IndexBuilder).update(search_documents(site, all_shops, keep), memo)
    for path in index:
        claim(path)
    out.update(index)
    result.search_seconds = time.perf_counter() - started
    render_waiting()
    root404 = re.sub(r"^https?://[^/]+", "", s.base_url)
    p404 = Page(path="404.html", title="页面未找到", root=root404)
    out["404.html"] = renderer.render("404.html", p404, nav=nav(None), **common)
    # What the sitemap shows is the pages' addresses and the notices' dates: an edit of a notice's text leaves it as
    # it was, and so does a data file that appears (a new search term in an empty shard rebuilt it: 0.2 s at 100k).
    pages = frozenset(filter(_IS_PAGE, out))
    out.update(made("sitemap", (pages, tuple(keep(site.notices, "number-date", _number_date, "")), site.withdrawn),
                    lambda: sitemap(s.base_url, sorted(pages), site)))
    out["robots.txt"] = robots(s.base_url)
    if last is not None:
        # Outputs made anew every build (assets, the 404 page, robots.txt, the search index's meta) that equal the
        # last build's become its very bytes objects, and so do pages rendered again to the same bytes under the
        # same key: the checks and the write then take them as unchanged without reading them.
        was = last.outputs
        for path in [*itertools.compress(out, map(operator.is_not, out.values(), map(was.get, out)))]:
            if out[path] == was.get(path) and result.keys.get(path) == last.keys.get(path):
                out[path] = was[path]
    return result


_ITEM, _PATH = operator.itemgetter(0), operator.itemgetter(1)
_IS_PAGE = operator.methodcaller("endswith", ".html")


def _number_date(n: PublicNotice) -> tuple[str, Any]:
    return n.number, n.date


def _render(renderer: Renderer, template: str, page: Page, common: dict[str, Any], context: dict[str, Any],
            lazy: Callable[[Markup], dict[str, Any]] | None) -> bytes:
    return renderer.render(template, page, **common, **context, **(lazy(renderer) if lazy else {}))


def _digest_repr(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


# Templates of `Each` pages (their closures are in the world; a `Planned.inputs` page has its own in its inputs).
_PER_RECORD = ("notice.html", "shop.html", "notice_list.html", "tombstone.html")

# Bump when the same context renders differently without a new kspages version, so no page is reused from an
# older build (2: Markdown lists as editors preview them, kspages/mdlists.py).
PAGES_FORMAT = 2
