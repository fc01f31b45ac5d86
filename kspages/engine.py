"""The outputs' engine: every output the planners declare (pages.py), made once a build. An output whose inputs are
the last build's is taken from it; any other page is keyed by a digest of all that goes into it, taken when its key
is unchanged, else rendered (render.py) on every core, a batch at a time.

Reuse is decided here, in the cache (cache.py) and in build.py (which keeps a session's last build, its renderer
and its load): the planners, the renderer and the search index are handed what they may take back (a `Keep`, a
`Made`, a `Memo`) and know nothing else of it. Pure: writes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import operator
import re
import time
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from . import __version__, parallel
from .errors import ContentError
from .keys import Keep, Memo, by_identity, no_keep, no_memo, outgrown
from .layout import asset_file, guide_url
from .pages import (
    Each,
    Files,
    Markup,
    NavLink,
    Planned,
    each_search_document,
    plan,
    planned_pages,
    robots,
    search_documents,
    sitemap,
)
from .public import PublicNotice, PublicSite, Shop, shops
from .render import Page, Renderer, root_of
from .search import IndexBuilder, index_files

T = TypeVar("T")
Reuse = Callable[[str, str], bytes | None]  # (output path, key) -> the bytes of the last build, if still valid
Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass
class Rendered:
    """Every output of the site, the key each rendered page was made from, and how many were rendered anew."""

    outputs: MutableMapping[str, bytes]  # a dict, or a write.Spool that keeps most of them on disk
    keys: dict[str, str]
    rendered: int = 0
    search_seconds: float = 0.0  # of the rendering time, what the search index took
    reused: set[str] = field(default_factory=set)  # pages taken from the last build as they were
    sha: dict[str, str] = field(default_factory=dict)  # SHA-256 of every output, once the leak gate has them
    # What the per-record pages (notice, shop, archive and tombstone pages) and the pages planned with inputs were
    # made of: a session's next build takes a page whose inputs are the very same objects (and whose `world` is the
    # same) as it was.
    inputs: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    world: str = ""  # a digest of what every page shares: version, settings, assets, templates, guide navigation, day
    made: dict[str, tuple[tuple[Any, ...], Any]] = field(default_factory=dict)  # name -> (inputs, value), see Made
    # Per `Each` (by name), its items and their pages' paths, in order: the next build takes in bulk the page of an
    # item that is the very object found in these items (keys.by_identity).
    each: dict[str, tuple[tuple[Any, ...], list[str]]] = field(default_factory=dict)
    digests: dict[int, tuple[PublicNotice, str]] = field(default_factory=dict)  # see _Engine.fingerprint
    shops: dict[str, Shop] = field(default_factory=dict)  # the shops, by name
    loaded: Any = None  # the build.load result it was rendered from, for a session's next load to start from
    changes: Changes | None = None  # how the outputs differ from `last`'s, when rendered with a last build
    index: IndexBuilder | None = None  # the search index's builder, for a session's next build to update
    renderer: Renderer | None = None  # what rendered it, for a session's next build while no template changed


@dataclass(frozen=True, slots=True)
class Changes:
    """How a build's outputs differ from those of `base`, the last build: every other output is the very bytes
    object `base` holds, so a stage that kept what it made of `base` need look at these only."""

    base: Rendered
    fresh: list[str]  # outputs that are new, or not the bytes objects of `base`
    gone: set[str]  # outputs of `base` that are no more


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
    away or put in since `last` was rendered, when known (see Loaded.moved). `memo` may hand back a search
    document's terms, `keep` what was computed of the very same objects (see keys.py).
    """
    engine = _Engine(site, renderer, assets, last, reuse, progress, batch, for_next, outputs, moved)
    engine.plan(keep)
    engine.search(memo, keep)
    engine.finish(keep)
    return engine.result


class _Engine:
    """One build's outputs: what it made, claimed and took, and the last build's tables it takes them from."""

    def __init__(self, site: PublicSite, renderer: Renderer, assets: dict[str, bytes], last: Rendered | None,
                 reuse: Reuse | None, progress: Progress | None, batch: int, for_next: bool,
                 outputs: MutableMapping[str, bytes] | None, moved: tuple[PublicNotice, ...] | None) -> None:
        self.site, self.renderer, self.last, self.reuse = site, renderer, last, reuse
        self.progress, self.batch, self.for_next = progress, batch, for_next
        s = site.settings
        # Assets carry a digest of their bytes in their names: a redeploy uploads only what changed, and browsers
        # may cache them for ever. Pages name them through `assets`, so a changed stylesheet changes every page's key.
        hashed = {name: asset_file(name, data) for name, data in assets.items()}
        self.common: dict[str, Any] = {"settings": s, "labels": s.labels, "assets": hashed}
        self.result = result = Rendered({} if outputs is None else outputs, {})
        self.out = out = result.outputs
        out.update({hashed[name]: data for name, data in assets.items()})
        if "favicon.ico" in assets:  # browsers and feed readers ask for /favicon.ico whatever the pages link
            out["favicon.ico"] = assets["favicon.ico"]
        self.guide = list(site.guide)
        self.shops = shops(site.notices, last.shops if last is not None else {}, moved, site.merchants)
        result.shops = {x.name: x for x in self.shops}
        self.planned = planned_pages(site, self.shops)

        # Everything a page shows comes from its context, so a digest of it is the page's key. The parts every page
        # shares are digested once, and a notice (an unchanged record's is the same object as in the last build of
        # a session) once per build or session.
        self.shared = hashlib.sha256(repr((__version__, PAGES_FORMAT, self.common)).encode()).hexdigest()
        self.printed: dict[int, tuple[Any, str]] = {}  # lists several pages share, e.g. the archive: digested once
        # A notice's digest, which several pages of a build show, by the notice's identity: kept for a session's
        # next build (a template edited keys every page again), the notices gone since let go now and then.
        digests = last.digests if last is not None and for_next else {}
        if outgrown(digests, site.notices):
            digests = {id(n): found for n in site.notices if (found := digests.get(id(n))) is not None}
        self.digests = result.digests = digests
        self.navs: dict[str | None, tuple[list[NavLink], str]] = {}
        self.todo: list[tuple[str, Callable[[], bytes]]] = []
        self.produced: set[str] = set(out)
        # Paths produced one by one (not taken in bulk, whose bytes are the last build's): the only ones that may be
        # new or changed. And how many of them a seeded build had no output at before.
        self.claimed: list[str] = list(out)
        self.new_paths = 0

        # Per-record pages show only their inputs and what every page shares (the world): the same inputs in the
        # same world, the same bytes.
        as_of = site.stats.updated if site.stats else None
        self.world = result.world = hashlib.sha256(repr((
            self.shared, as_of, repr(self.nav(None)), [renderer.closure(t) for t in _PER_RECORD])).encode()).hexdigest()
        same_world = last is not None and last.world == self.world
        self.known = last.inputs if last is not None and same_world else {}
        self.known_made = last.made if last is not None and same_world else {}
        self.known_each = last.each if last is not None and same_world else {}
        # A session's build in the same world starts from the last build's tables, copied in C: a page taken from it
        # is then only noted (at 10k records, three tables of 6,000 entries filled again each save). What the last
        # build made and this one does not is taken out of them at the end (`_unseed`).
        self.seeded = last is not None and same_world and for_next and outputs is None
        if self.seeded:
            assert last is not None and isinstance(last.outputs, dict)
            # .copy(), not dict(): a table with deleted entries (a record gone) is then still copied in one piece.
            seed = last.outputs.copy()
            seed.update(out)  # this build's assets
            result.outputs = self.out = seed
            result.keys, result.inputs = last.keys.copy(), last.inputs.copy()

    def nav(self, current: str | None) -> list[NavLink]:
        """The guide's navigation, `current` marked."""
        return [NavLink(g.title, guide_url(g.slug), g.part, g.slug == current) for g in self.guide]

    def fingerprint(self, value: Any) -> str:
        """What a page's key holds of one value of its context: a notice's and a list's digests are kept."""
        if isinstance(value, PublicNotice):
            found = self.digests.get(id(value))  # a notice kept is alive, so its id is its own
            if found is None:
                self._bound(self.digests)
                found = self.digests[id(value)] = value, _digest_repr(value)
            return found[1]
        if isinstance(value, (list, tuple)):
            known = self.printed.get(id(value))
            if known is None or known[0] is not value:
                self._bound(self.printed)
                # Its digest, not the printed form: a list page's or a shop's names every notice's digest (at 100k
                # records the printed forms held were 17 MB).
                text = f"{type(value).__name__}[{','.join(map(self.fingerprint, value))}]"
                known = self.printed[id(value)] = value, hashlib.sha256(text.encode()).hexdigest()
            return known[1]
        if isinstance(value, Shop):
            return f"Shop({','.join(self.fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value))})"
        return repr(value)

    def _bound(self, table: dict[int, Any]) -> None:
        """Let a build that keeps nothing for a next one forget the digests it made, now and then: most are one
        page's, or a few pages' planned together (a notice's digest made again costs 25 µs)."""
        if not self.for_next and len(table) >= _HELD:
            table.clear()

    def made(self, name: str, inputs: tuple[Any, ...], compute: Callable[[], T]) -> T:
        """A reduce's value (`pages.Made`): the last build's when its inputs are the same."""
        before = self.known_made.get(name)
        value = before[1] if before is not None and _same(inputs, before[0]) else compute()
        if self.for_next:  # else the files go once staged (lookup shards and open data: 100 MB at 100k records)
            self.result.made[name] = (inputs, value)
        return value

    def taken(self, path: str, inputs: tuple[Any, ...]) -> bool:
        """Whether the page at `path` was taken from the last build, its inputs being the same."""
        result, last = self.result, self.last
        if self.for_next:
            result.inputs[path] = inputs
        if last is None or not _same(inputs, self.known.get(path)):
            return False
        result.keys[path] = last.keys[path]
        self.out[path] = last.outputs[path]
        result.reused.add(path)
        self._progressed()
        return True

    def _progressed(self) -> None:
        if self.progress is not None:
            self.progress(len(self.result.reused) + self.result.rendered, self.planned)

    def render_waiting(self) -> None:
        """Render the pages waiting, on every core, and put them into the outputs."""
        result, todo, progress = self.result, self.todo, self.progress
        before = len(result.reused) + result.rendered
        done = None if progress is None else (lambda n: progress(before + n, self.planned))
        for (path, _), data in zip(todo, parallel.run_all([job for _, job in todo], done), strict=True):
            self.out[path] = data
        result.rendered += len(todo)
        todo.clear()

    def page(self, p: Planned) -> None:
        """Take, or key and then take or render, one planned page."""
        renderer = self.renderer
        if p.inputs is not None and self.taken(p.path, (renderer.closure(p.template), p.title, p.description,
                                                        p.current, *p.inputs)):
            return
        context = dict(p.context)
        shown = Page(path=p.path, title=p.title, root=root_of(p.path),
                     description=p.description or self.site.settings.description)
        if p.current not in self.navs:
            links = self.nav(p.current)
            self.navs[p.current] = links, repr(links)
        context["nav"], nav_print = self.navs[p.current]
        parts = [self.shared, renderer.closure(p.template), repr(shown), nav_print]
        parts += [f"{name}={self.fingerprint(value)}" for name, value in sorted(context.items()) if name != "nav"]
        key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        self.result.keys[p.path] = key
        data = self.reuse(p.path, key) if self.reuse else None
        if data is not None:
            self.result.reused.add(p.path)
            self.out[p.path] = data
            self._progressed()
        else:
            self.out[p.path] = b""  # rendered with the others waiting, on every core
            self.todo.append((p.path, functools.partial(_render, renderer, p.template, shown, self.common, context,
                                                        p.lazy)))
            if len(self.todo) == self.batch:  # a build that stages as it goes holds one batch of contexts
                self.render_waiting()

    def claim(self, path: str) -> None:
        """Note that `path` is produced; a second producer of one path is an error."""
        if path in self.produced:  # two planners, or one twice: the second would silently replace the first
            raise ContentError(path, None, f"two outputs would be written to {path}",
                               "guide slugs are unique, so two shops' names gave one address (its 10 hex digits "
                               "of a digest): a limit of kspages, please report it with both names")
        self.produced.add(path)
        self.claimed.append(path)
        if self.seeded and path not in self.out:
            self.new_paths += 1

    def take_all(self, paths: list[str]) -> None:
        """Take these pages from the last build, their items being the very objects it made them of (loops in C)."""
        last, result = self.last, self.result
        assert last is not None
        if not self.produced.isdisjoint(paths) or len(set(paths)) != len(paths):
            for path in paths:
                self.claim(path)  # names the path given twice
        self.produced.update(paths)
        if not self.seeded:  # else the tables hold them already
            result.inputs.update(zip(paths, map(self.known.__getitem__, paths), strict=True))
            result.keys.update(zip(paths, map(last.keys.__getitem__, paths), strict=True))
            self.out.update(zip(paths, map(last.outputs.__getitem__, paths), strict=True))
        result.reused.update(paths)
        if paths:
            self._progressed()

    def each(self, item: Each[Any]) -> None:
        """The pages of an `Each`: those of the very items of the last build in bulk, the others one by one."""
        items = tuple(item.items)
        before = self.known_each.get(item.name)
        was, was_paths = before if before is not None else ((), [])
        paths, left = by_identity(items, was, was_paths)
        if before is not None:
            self.take_all(list(filter(None, paths)))  # paths are never empty
        for i in left:
            one = items[i]
            path = paths[i] = item.path(one)
            self.claim(path)
            if not self.taken(path, item.inputs(one)):
                planned = item.page(one)
                # Only paths claimed are looked at for changes (`claimed`): the page must be where its item says.
                assert planned.path == path, f"{item.name}: {planned.path} planned at {path}"
                self.page(planned)
        if self.for_next:
            self.result.each[item.name] = (items, cast(list[str], paths))

    def plan(self, keep: Keep) -> None:
        """Every page and data file the planners declare."""
        for item in plan(self.site, self.shops, keep, self.made):
            if isinstance(item, Each):
                self.each(item)
            elif isinstance(item, Files):
                files = self.made(item.name, item.inputs, item.make)
                for path in files:
                    self.claim(path)
                    if self.seeded:  # a data file has no key and no inputs of its own
                        self.result.keys.pop(path, None)
                        self.result.inputs.pop(path, None)
                self.out.update(files)
            else:
                self.claim(item.path)
                if item.inputs is None and self.seeded:  # made without inputs: no later build takes it by them
                    self.result.inputs.pop(item.path, None)
                self.page(item)

    def search(self, memo: Memo, keep: Keep) -> None:
        """The search index: the last build's builder (a session's) brought up to date with the pages that changed."""
        started = time.perf_counter()
        last = self.last
        if self.for_next:
            builder = last.index if last is not None and last.index is not None else IndexBuilder()
            files: Iterable[tuple[str, bytes]] = builder.update(search_documents(self.site, self.shops, keep),
                                                                memo).items()
            self.result.index = builder
        else:
            # Nothing kept: each document made as it is counted, each file handed on as it is made (a new process's
            # spool may stage it meanwhile). Nor are the counts memoised: counting again (60 µs a document) costs
            # less than holding them (by estimate about 100 MB at 100k records) and pickling them with the cache.
            files = index_files(each_search_document(self.site, self.shops))
        for path, data in files:
            self.claim(path)
            self.out[path] = data
        self.result.search_seconds = time.perf_counter() - started

    def finish(self, keep: Keep) -> None:
        """The pages still waiting, the 404 page, the sitemap and robots.txt; outputs equal to the last build's
        become its very bytes objects."""
        self.render_waiting()
        s, out, result, last = self.site.settings, self.out, self.result, self.last
        root404 = re.sub(r"^https?://[^/]+", "", s.base_url)
        p404 = Page(path="404.html", title="页面未找到", root=root404)
        self.claim("404.html")
        out["404.html"] = self.renderer.render("404.html", p404, nav=self.nav(None), **self.common)
        self.claim("robots.txt")
        out["robots.txt"] = robots(s.base_url)
        # What the sitemap shows is the pages' addresses and the notices' dates: an edit of a notice's text leaves
        # it as it was, and so does a data file that appears (a new search term in an empty shard rebuilt it: 0.2 s
        # at 100k).
        pages = self._pages()
        maps = self.made("sitemap", (pages, tuple(keep(self.site.notices, "number-date", _number_date, "")),
                                     self.site.withdrawn), lambda: sitemap(s.base_url, sorted(pages), self.site))
        for path in maps:
            self.claim(path)
        out.update(maps)
        self._unseed()
        if last is not None:
            # Outputs made anew every build (assets, the 404 page, robots.txt, the search index's meta) that equal
            # the last build's become its very bytes objects, and so do pages rendered again to the same bytes under
            # the same key: the checks and the write then take them as unchanged without reading them, and are
            # told which outputs are not (one loop in C here, not one in each of them).
            was, claimed = last.outputs, self.claimed
            fresh = []
            for path in [*itertools.compress(claimed, map(operator.is_not, map(out.__getitem__, claimed),
                                                           map(was.get, claimed)))]:
                if out[path] == was.get(path) and result.keys.get(path) == last.keys.get(path):
                    out[path] = was[path]
                else:
                    fresh.append(path)
            added = sum(path not in was for path in fresh)
            gone = set() if len(out) - added == len(was) else was.keys() - out.keys()
            result.changes = Changes(last, fresh, gone)

    def _pages(self) -> frozenset[str]:
        """The pages produced so far (all but the sitemap's files): the very set of the last build when a seeded
        build produced every path it did and no other (a save's usual case: no pass over every path)."""
        last, before = self.last, self.known_made.get("sitemap")
        if self.seeded and last is not None and before is not None and self.new_paths == 0 \
                and len(self.produced) + len(before[1]) == len(last.outputs):
            pages: frozenset[str] = before[0][0]
            return pages
        return frozenset(filter(_IS_PAGE, self.produced))

    def _unseed(self) -> None:
        """Take out of a seeded build's tables what the last build made and this one did not."""
        if self.seeded and len(self.out) != len(self.produced):  # it holds every path produced, and those others
            assert self.last is not None
            result = self.result
            for path in self.last.outputs.keys() - self.produced:
                del self.out[path]
                result.keys.pop(path, None)
                result.inputs.pop(path, None)


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


_IS_PAGE = operator.methodcaller("endswith", ".html")


def _number_date(n: PublicNotice) -> tuple[str, Any]:
    return n.number, n.date


def _render(renderer: Renderer, template: str, page: Page, common: dict[str, Any], context: dict[str, Any],
            lazy: Callable[[Markup], dict[str, Any]] | None) -> bytes:
    return renderer.render(template, page, **common, **context, **(lazy(renderer) if lazy else {}))


_HELD = 16_384  # notices' and lists' digests that a build keeping nothing for a next one holds at most


def _digest_repr(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


# Templates of `Each` pages (their closures are in the world; a `Planned.inputs` page has its own in its inputs).
_PER_RECORD = ("notice.html", "shop.html", "notice_list.html", "tombstone.html")

# Bump when the same context renders differently without a new kspages version, so no page is reused from an
# older build (2: Markdown lists as editors preview them, kspages/mdlists.py).
PAGES_FORMAT = 2
