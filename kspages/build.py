"""The pipeline: read -> validate -> anonymise -> plan -> render -> check output -> write. Never prints or exits."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import importlib
import itertools
import operator
import os
import tempfile
import time
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from . import cache as caching
from . import gates, parallel, read, search, stamp, stats
from .cache import Cache
from .engine import Progress, Rendered, Reuse, render_site
from .errors import BuildError, ContentError
from .keys import digest, no_keep
from .layout import ASSETS, GUIDE, OUTPUT, RECORDS, SETTINGS, TEMPLATES, shop_url
from .model import GuidePage, Settings, validate_guide, validate_settings
from .privacy import GateIndex, Vocabulary
from .public import Assembly
from .record import WARM, Context, Loaded, RecordResult, Shared, map_record, unreadable
from .render import Renderer
from .report import Report
from .write import Spool, Written, check_target, read_manifest, reused, snapshot, sync, sync_changes


def read_shared(root: Path, cache: Cache, errors: list[ContentError], last: Shared | None = None) -> Shared:
    """Read and validate the site-wide sources: settings, guide, templates and assets; append every problem found.
    The vocabulary of `last` (a session's last load) is taken when the site's own texts are the same."""
    settings_file = root / SETTINGS
    settings = validate_settings(cache.source(root, settings_file, read.parse_yaml_file)
                                 if settings_file.is_file() else None, errors)
    guide_files = read.find_files(root, GUIDE, "*.md")
    guide = validate_guide([cache.source(root, f, read.parse_markdown_file) for f in guide_files], errors)
    templates = hashlib.sha256()
    pages: list[str] = []
    for rel in read.find_paths(root, TEMPLATES, "*"):
        asset = rel.startswith(f"{ASSETS}/")
        if not asset or rel.endswith(".html"):  # an HTML asset is published as it is: its words are the site's
            data = read.read_at(root, rel)[1] or b""
            if not asset:
                templates.update(rel.encode() + b"\0" + data + b"\0")
            if rel.endswith(".html"):
                pages.append(data.decode("utf-8", "replace"))
    texts = _own_words(settings, guide, pages)
    # Taken from a session's last load: most edits change no word of the site, and its phrases take a while to list.
    words = digest("vocabulary", *texts)
    vocabulary = last.vocabulary if last is not None and last.words == words else Vocabulary.of(texts)
    return Shared(settings, guide, vocabulary, words, templates.hexdigest(), _assets(root, errors),
                  (SETTINGS, *(f.relative_to(root).as_posix() for f in guide_files)))


def _site_wide(changed: Collection[str] | None) -> bool:
    """Whether a watcher's changed paths may name a site-wide source (None: not known, so they may): the settings,
    a file under the guide or the templates, or a folder that holds one of them."""
    return changed is None or any(rel == where or rel.startswith(f"{where}/") or where.startswith(f"{rel}/") or not rel
                                  for rel in changed for where in (SETTINGS, GUIDE, TEMPLATES))


def load(root: Path, errors: list[ContentError], warnings: list[ContentError], as_of: dt.date,
         cache: Cache | None = None, changed: Collection[str] | None = None, last: Loaded | None = None,
         masks: bool = False, forms: bool = True) -> Loaded:
    """Read and validate every source as of a date (for publication rules); append every problem found.

    `cache` spares mapping a record whose bytes, context and publication day are unchanged; with `changed`, the
    site-relative paths a watcher saw change since the cache's last build, it spares looking at the others. With
    `last`, this process's last load that passed, the site's figures and orders are brought up to date from it, and
    its site-wide sources taken when `changed` names none of them. Without `masks` the results are held without
    what the scrubber replaced (`Loaded.masks` then refuses). Without `forms` (a build no later one will start
    from), the known gate's index is made as the results come in, and they are held without their gate forms
    where the cache's store can give them back (`Loaded.gate_index`); the cache then keeps no result in memory.
    """
    cache = cache or Cache()
    files = cache.files(root, RECORDS, "*.y*ml", changed, _YAML)
    if len(files) >= parallel.MINIMUM and not cache.holds_results():
        parallel.warm_up(WARM)  # a first build: the map's workers get ready while the settings and guide are read
    if last is not None and last.shared is not None and not _site_wide(changed):
        shared = last.shared
        cache.in_use(shared.sources)  # in use still, though not read
    else:
        shared = read_shared(root, cache, errors, last.shared if last is not None else None)
    settings, vocabulary = shared.settings, shared.vocabulary
    context = Context(settings, vocabulary, as_of)
    map_it = functools.partial(map_record, context)
    holds = functools.partial(RecordResult.holds_with_masks if masks else RecordResult.holds_on, day=as_of)
    index = GateIndex() if not forms and last is None and cache.store is not None else None
    rows = caching.Rows(cache.store, root, map_it, context.key) if index is not None and cache.store else None
    slim = None if masks and index is None else functools.partial(_hold, masks, index, rows)
    warned: dict[str, tuple[ContentError, ...]] = {}
    if last is not None and changed is not None and (last.context, last.tally.as_of) == (context.key, as_of):
        # A session told what changed, on the same day, with the same settings and words: every other record's
        # result is the one the last load had, so only the files named are looked at.
        named = sorted((rel for rel in changed if read.is_found(rel, RECORDS, "*.y*ml") and rel.endswith(_YAML)),
                       key=read.path_order)
        there = [rel for rel in named if os.path.isfile(os.path.join(root, rel))]
        mapped = {r.path: r for r in cache.sources_of(root, there, map_it, unreadable, context.key, holds, changed,
                                                      slim)}
        cache.in_use(files)  # in use still, though not looked at
        removed = [last.by_path[rel] for rel in named if rel in last.by_path]
        added = [r for r in mapped.values() if r.summary is not None]
        looked_at = set(named)
        warned = {rel: found for rel, found in last.warned.items() if rel not in looked_at}
        for result in mapped.values():
            errors.extend(result.errors)
            if result.warnings:
                warned[result.path] = result.warnings
        size = len(last.results) - len(removed) + len(added)
        results: list[RecordResult] | None = None  # the session's: taken from the reduce below, in its order
    else:
        results = []
        for result in cache.sources_of(root, files, map_it, unreadable, context.key, holds, changed, slim,
                                       hold=index is None):
            errors.extend(result.errors)
            if result.warnings:
                warned[result.path] = result.warnings
            if result.summary is not None:
                results.append(result)
        removed, added = _changes(last, results) if last is not None else ([], results)
        size = len(results)
    for rel in sorted(warned, key=read.path_order):
        warnings.extend(warned[rel])
    reduced = _reduce_again(last, removed, added, size, as_of) if last is not None else None
    moved = None if reduced is None else tuple(r.public.notice for r in (*removed, *added)
                                               if r.public is not None and r.public.notice is not None)
    if results is None:
        assert last is not None
        if reduced is not None:
            # In the last load's order, a changed record in its place: the same order as a load of every file.
            results = list(reduced[2].values())
        else:
            gone = {r.path for r in removed}
            results = [*itertools.compress(last.results, map(operator.not_, map(gone.__contains__,
                                                                                 map(_PATH, last.results)))), *added]
    if reduced is None:
        results = _unique_numbers(results, errors)
        # The paths by number are for the next load of a session: a load no later one starts from (with an
        # `index`) does not make them. The results by path it does: the checks read them.
        reduced = (stats.Tally.of([r.summary.counted for r in results if r.summary], as_of),
                   Assembly.of(r.public for r in results if r.public), {r.path: r for r in results},
                   {r.summary.number: r.path for r in results if r.summary} if index is None else {})
    tally, assembly, by_path, numbers = reduced
    figures = tally.figures()
    guide = stats.fill_guide(shared.guide, figures, errors)
    public = assembly.site(settings, guide, figures)
    # The index holds every result's forms if each result came in through `_hold` (a cache reused in memory hands
    # some in as they were); otherwise the gate makes it from the results, reading the forms back.
    gate_index = index.finish() if index is not None and index.records == len(results) else None
    return Loaded(results=results, public=public, vocabulary=vocabulary, tally=tally,
                  assembly=assembly, by_path=by_path, numbers=numbers, context=context.key, warned=warned,
                  moved=moved, shared=shared, gate_index=gate_index)


def _hold(masks: bool, index: GateIndex | None, rows: caching.Rows | None, result: RecordResult, path: str,
          key: str) -> RecordResult:
    """A result as the load holds it: its path the very string of the list of files (unpickled, it is a copy: at
    a million records 90 MB); without its masks unless `masks`; with an `index`, its gate forms added to it and
    left in its row of `key` (`rows`)."""
    if not masks:
        result = result.without_masks()
    kept = None
    if index is not None and rows is not None and result.summary is not None:
        index.add(result.gate)
        kept = caching.StoredPart.of(rows, path, key, "gate")
    return result.held(path, kept) if path == result.path else result


_YAML = (".yaml", ".yml")
_PATH = operator.attrgetter("path")


def _changes(last: Loaded, results: list[RecordResult]) -> tuple[list[RecordResult], list[RecordResult]]:
    """The last load's results that are gone or replaced, and the results that are new, found by identity."""
    before = last.by_path
    added = [r for r in results if before.get(r.path) is not r]
    removed = [old for old in (before.get(r.path) for r in added) if old is not None]
    if len(results) != len(before) + len(added) - len(removed):  # files were deleted: find which
        now = {r.path for r in results}
        removed += [old for path, old in before.items() if path not in now]
    return removed, added


# What a load reduces its records to, for the next load of a session to start from: the figures' sums, the public
# parts in the site's orders, the results by path and the paths by number.
Reduced = tuple[stats.Tally, Assembly, dict[str, RecordResult], dict[str, str]]


def _reduce_again(last: Loaded, removed: list[RecordResult], added: list[RecordResult], size: int, as_of: dt.date
                  ) -> Reduced | None:
    """The last load's figures and orders with the `removed` results taken out and the `added` ones put in; None
    when that is not worth it or not possible (another day, a quarter of the `size` records changed, a number used
    twice)."""
    if last.tally.as_of != as_of or 4 * (len(added) + len(removed)) > size:
        return None
    numbers = last.numbers.copy()  # not dict(): that copies a table with deleted entries one by one (5x slower)
    for old in removed:
        if old.summary is not None:
            del numbers[old.summary.number]
    for new in added:
        if new.summary is None or new.summary.number in numbers:
            return None  # a number used twice: the full check names both files
        numbers[new.summary.number] = new.path
    tally, assembly, by_path = last.tally.copy(), last.assembly.copy(), last.by_path.copy()
    again = {new.path for new in added}
    for old in removed:
        if old.summary is not None and old.public is not None:
            tally.add(old.summary.counted, sign=-1)
            assembly.remove(old.public)
        if old.path not in again:  # a record edited keeps its place
            del by_path[old.path]
    for new in added:
        if new.summary is not None and new.public is not None:
            tally.add(new.summary.counted)
            assembly.add(new.public)
        by_path[new.path] = new
    return tally, assembly, by_path, numbers


def _unique_numbers(results: list[RecordResult], errors: list[ContentError]) -> list[RecordResult]:
    """The results but those whose number the file before it (by path) already uses; each of those reported,
    naming both files."""
    first: dict[str, RecordResult] = {}
    kept: set[str] = set()
    for result in sorted(results, key=lambda r: r.path):
        if result.summary is None:
            continue
        other = first.get(result.summary.number)
        if other is not None and other.summary is not None:
            errors.append(ContentError(result.path, result.summary.number_line,
                                       f"number {result.summary.number} is also used by {other.path}:"
                                       f"{other.summary.number_line}",
                                       "each complaint needs its own number: run 'kspages number new'"))
            continue
        first[result.summary.number] = result
        kept.add(result.path)
    return [r for r in results if r.path in kept]


def _own_words(settings: Settings, guide: list[GuidePage], pages: list[str]) -> list[str]:
    """The site's own texts (labels, guide, page templates): a short name inside their words is those words."""
    texts = [settings.title, settings.description, *(v for group in settings.labels.values() for v in group.values())]
    texts += [f"{g.title} {g.summary} {g.body}" for g in guide]
    return texts + pages


def _assets(root: Path, errors: list[ContentError]) -> dict[str, bytes]:
    assets: dict[str, bytes] = {}
    for file in read.find_files(root, ASSETS, "*"):
        rel, data, problems = read.read_bytes(root, file)
        errors.extend(problems)
        if data is not None:
            assets[rel.removeprefix(f"{ASSETS}/")] = data
    return assets


def render_all(root: Path, loaded: Loaded, errors: list[ContentError], reuse: Reuse | None = None,
               cache: Cache | None = None, progress: Progress | None = None,
               stages: dict[str, float] | None = None, last: Rendered | None = None,
               spool: Spool | None = None) -> Rendered:
    """Render the site and check the result: leak gate and internal links. No outputs on any problem.

    With a `spool`, pages are rendered a batch at a time, and each batch is checked and staged on disk before the
    next: the build never holds every output in memory.
    """
    cache = cache or Cache()
    stages = {} if stages is None else stages
    start = time.perf_counter()
    # A session keeps the Jinja environment (compiled templates, template closures) while no template changed.
    shared = loaded.shared
    assert shared is not None, "a load makes its site-wide sources"
    before = last.loaded.shared if last is not None and last.loaded is not None else None
    kept = last.renderer if last is not None and before is not None and before.templates == shared.templates else None
    renderer = kept or Renderer(root, root / TEMPLATES)
    template_errors = renderer.check_templates()
    if template_errors:
        errors.extend(template_errors)
        return Rendered({}, {})
    assets = shared.assets
    if cache.verdicts is None:
        cache.verdicts = gates.Verdicts()
    checks = gates.Checks(root, loaded, cache.verdicts, keep=spool is None)
    checked = 0.0
    if spool is not None:
        def check(batch: dict[str, bytes]) -> tuple[dict[str, str], set[str]]:
            nonlocal checked
            started = time.perf_counter()
            sha = checks.batch(batch)
            checked += time.perf_counter() - started
            return sha, checks.failed
        spool.check = check
    # What a session keeps for its next build (each record's JSON, open-data row and search document) a new process
    # lets go of.
    keep = cache.keep if spool is None else no_keep
    try:
        rendered = render_site(loaded.public, renderer, assets, reuse, cache.memo, progress, keep, last,
                               spool, _BATCH if spool is not None else 0, for_next=spool is None,
                               moved=loaded.moved if last is not None and last.loaded is not None else None)
    except ContentError as exc:
        errors.append(exc)
        return Rendered({}, {})
    rendered.renderer = renderer
    stages["render"] = time.perf_counter() - start - rendered.search_seconds - checked
    stages["search"] = rendered.search_seconds
    start = time.perf_counter()
    if spool is not None:
        spool.flush(final=True)
        rendered.sha = spool.sha
    else:
        rendered.sha = checks.batch(rendered.outputs, rendered.changes)
    errors.extend(checks.finish(rendered.outputs))
    stages["check"] = time.perf_counter() - start + checked
    return Rendered({}, {}) if errors else rendered


_BATCH = 1024  # pages rendered at a time when they are staged as they come (about 25 MB of them, all held until
# the last comes in; see write.SPOOL_BYTES)


def _reuse_from(out: Path) -> Reuse:
    """Pages of the last build in `out` whose key matches and whose bytes are still what the manifest says."""
    return functools.partial(reused, out, read_manifest(out), None)


def prepare(root: Path, as_of: dt.date | None = None, cache: Cache | None = None, reuse: Reuse | None = None,
            errors: list[ContentError] | None = None, progress: Progress | None = None,
            last: Rendered | None = None, changed: Collection[str] | None = None, spool: Spool | None = None,
            masks: bool = False, forms: bool = True) -> tuple[Report, Rendered]:
    """Every stage but writing; raises BuildError with all problems, including any already in `errors`.

    `progress(done, total)` is called after each page is rendered (or reused). `last` is this process's last
    build of the same site that passed, `changed` what a watcher saw change since (see `load`). With a `spool`
    the outputs go there (see `render_all`); with `masks` the results keep what the scrubber replaced, without
    `forms` they are held without their gate forms (`load`).
    """
    with _no_cycle_collection():
        return _prepare(root, as_of, cache or Cache(), reuse, list(errors or []), progress, last, changed, spool,
                        masks, forms)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    # A build makes millions of objects and almost no reference cycles (33 at 10k records): the cyclic collector's
    # passes over them took a tenth of a cold build and freed nothing, so it waits until the build is done.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _prepare(root: Path, as_of: dt.date | None, cache: Cache, reuse: Reuse | None, errors: list[ContentError],
             progress: Progress | None, last: Rendered | None, changed: Collection[str] | None,
             spool: Spool | None, masks: bool, forms: bool) -> tuple[Report, Rendered]:
    start = time.perf_counter()
    cache.start()
    report = Report()
    loaded = load(root, errors, report.warnings, as_of or dt.date.today(), cache, changed,
                  last.loaded if last is not None else None, masks, forms)
    report.stages["load"] = time.perf_counter() - start
    rendered = render_all(root, loaded, errors, reuse, cache, progress, report.stages, last, spool) \
        if not errors else Rendered({}, {})
    if errors:
        raise BuildError(errors)
    rendered.loaded = loaded
    report.records = len(loaded.results)
    report.notices = len(loaded.public.notices)
    report.guide_pages = len(loaded.public.guide)
    report.withdrawn = len(loaded.public.withdrawn)
    report.outputs = len(rendered.outputs)
    report.parsed, report.rendered = cache.parsed, rendered.rendered
    report.seconds = time.perf_counter() - start
    return report, rendered


def check(root: Path, as_of: dt.date | None = None, search_fixture: Path | None = None) -> Report:
    """Validate and render everything in memory, including the privacy checks; write nothing.

    With `search_fixture`, also run its queries against the search index; a miss is an error at the query's line.
    """
    report, rendered = prepare(root, as_of, caching.load(root), masks=True)
    report.masks = rendered.loaded.masks
    if search_fixture is not None:
        errors = check_queries(root, search_fixture, rendered.outputs)
        if errors:
            raise BuildError(errors)
    return report


def check_queries(root: Path, fixture: Path, outputs: Mapping[str, bytes]) -> list[ContentError]:
    """Every query of the fixture whose expected pages are not all in its top 5 results."""
    rel = fixture.relative_to(root).as_posix() if fixture.is_relative_to(root) else str(fixture)
    source = read.read_yaml(fixture.parent, fixture)
    errors = [ContentError(rel, e.line, e.message, e.hint) for e in source.errors]
    if not isinstance(source.data, read.Sequence):
        return errors or [ContentError(rel, 1, "a search fixture is a list of {query: ..., top5: [...]}",
                                       "see tests/search_queries.yaml")]
    index = search.load_index(outputs)
    for item, line in zip(source.data, source.data.lines, strict=True):
        if not isinstance(item, dict) or item.get("query") in (None, "") or not isinstance(item.get("top5"), list):
            errors.append(ContentError(rel, line, "each entry needs 'query' (text) and 'top5' (a list of pages)",
                                       "e.g. - {query: 退货, top5: [guide/prevention/]}"))
            continue
        query = str(item["query"])  # 12315 is a query too, though YAML reads it as a number
        found = search.search(index, query, limit=5)
        wanted = [shop_url(p[5:]) if str(p).startswith("shop:") else str(p) for p in item["top5"]]
        missing = [p for p in wanted if p not in found]
        if missing:
            errors.append(ContentError(rel, line, f"search '{query}': {', '.join(missing)} not in the top 5",
                                       f"got: {', '.join(found) or 'nothing'}"))
    return errors


def build(root: Path, out: Path | None = None, as_of: dt.date | None = None, cache: Cache | None = None,
          progress: Progress | None = None, shortcut: bool = True, state: dict[str, Any] | None = None,
          masks: bool = False) -> Report:
    """Build the site as of a date (default today) into `out` (default `<root>/output`).

    Only pages whose inputs changed are rendered, only files whose bytes changed are written. Without a `cache`
    the one saved in the site by the last build is used, and saved again; and with `shortcut`, when no file of the
    site or its output changed since that build, its report is returned at once. On any error raise BuildError and
    write nothing. `state` may give the sources' stamp state, taken before (see stamp.inputs). With `masks` the
    report lists what the scrubber replaced where (not when answered from the stamp).
    """
    with _no_cycle_collection():  # loading the cache makes millions of objects too
        return _build_once(root, out or root / OUTPUT, as_of or dt.date.today(), cache, progress, shortcut,
                           state, masks)


def _build_once(root: Path, out: Path, day: dt.date, cache: Cache | None, progress: Progress | None,
                shortcut: bool, state: dict[str, Any] | None, masks: bool) -> Report:
    start = time.perf_counter()
    persistent = cache is None
    state = state or (stamp.inputs(root) if persistent else {})
    saved = stamp.unchanged(root, out, day.isoformat(), state) if persistent and shortcut else None
    if saved is not None:
        return Report.from_stamp(saved, time.perf_counter() - start)
    cache = caching.load(root) if cache is None else cache
    # A build in a new process keeps no output for a next one: each batch of pages is checked and staged beside
    # `out` as it is rendered, and its bytes let go.
    with Spool(out) as spool:
        report, rendered, _ = _build(root, out, day, cache, spool.reuse, progress, start, spool=spool, masks=masks,
                                     forms=False)
    if masks:
        report.masks = rendered.loaded.masks
    if persistent:
        started = time.perf_counter()
        caching.save(root, cache)
        report.stages["write"] += time.perf_counter() - started
        report.seconds = time.perf_counter() - start
        stamp.save(root, out, day.isoformat(), state, {
            "counts": [report.records, report.notices, report.guide_pages, report.outputs, report.withdrawn],
            "warnings": [[w.path, w.line, w.message, w.hint] for w in report.warnings]})
    return report


def _build(root: Path, out: Path, day: dt.date, cache: Cache, reuse: Reuse, progress: Progress | None,
           start: float, last: Rendered | None = None, changed: Collection[str] | None = None,
           spool: Spool | None = None, session: bool = False, written: Written | None = None, masks: bool = False,
           forms: bool = True) -> tuple[Report, Rendered, Written | None]:
    """Prepare and write; in a `session` (`written`: what its last build wrote) only what changed is written."""
    report, rendered = prepare(root, day, cache, reuse, check_target(out), progress, last, changed, spool, masks,
                               forms)
    started = time.perf_counter()
    # Pages taken from the last build were checked against the disk: only their presence and size need checking.
    if not session:
        done, written = sync(rendered.outputs, out, rendered.keys, rendered.reused, rendered.sha), None
    else:
        assert isinstance(rendered.outputs, dict)  # a session never spools
        changes = rendered.changes if rendered.changes is not None and rendered.changes.base is last else None
        done, written = sync_changes(rendered.outputs, out, rendered.keys, rendered.sha,
                                     None if last is None else last.outputs, written, rendered.reused,
                                     None if changes is None else changes.fresh,
                                     None if changes is None else changes.gone)
    report.stages["write"] = time.perf_counter() - started
    report.written, report.unchanged, report.removed = done.written, done.unchanged, done.removed
    report.seconds = time.perf_counter() - start
    return report, rendered, written


class Session:
    """Repeated builds of one site in one process (watch, and serve's builds in memory): the cache and the last
    build that passed stay in memory, and each build takes from them what its changes left as it was."""

    def __init__(self, root: Path, out: Path | None = None, as_of: dt.date | None = None, write: bool = True) -> None:
        self.root, self.out, self.as_of, self.write = root, out or root / OUTPUT, as_of, write
        self.cache = caching.load(root)
        self.last: Rendered | None = None
        self._written: Written | None = None  # what the last build wrote (see write.sync_changes)
        self._memos = self.cache.held()
        # The paths changed since the last build that passed, which the next build must look at besides its own;
        # None when they are not known (no build passed yet, or one stopped half-way): then it looks at every file.
        self._since: set[str] | None = None
        self._warm = False

    @property
    def outputs(self) -> Mapping[str, bytes]:
        """Every output of the last build that passed."""
        return self.last.outputs if self.last is not None else {}

    def build(self, progress: Progress | None = None, changed: Collection[str] | None = None) -> Report:
        """Build as `build` does (into memory only unless `write`), reusing what the last build made.

        `changed`: the site-relative paths a watcher saw change since the last call; other record files are not
        looked at. None: look at every file, as a new process does.
        """
        with _no_cycle_collection():
            batch = None if changed is None or self._since is None else self._since | set(changed)
            self._since = None
            try:
                report = self._build(progress, batch)
            except BuildError:
                self._since = batch  # nothing was built: the next build looks at these files again
                raise
            finally:
                self._warm_up()
            self._since = set()
            return report

    def idle(self, seconds: float = 0.05) -> bool:
        """Between saves, for about `seconds` (one output may take longer): make what a later save would otherwise
        wait for, the readings with which a private value added is looked for in the outputs that passed
        (docs/engine.md, stop 22); whether there is more to do."""
        if self.last is None or self.cache.verdicts is None:
            return False
        return gates.read_ahead(self.cache.verdicts, self.last, time.monotonic() + seconds)

    def _warm_up(self) -> None:
        # The next edit maps its record here: load the map (jieba's dictionary, a second) now, not then. Once:
        # a failure here only makes that edit slower.
        if not self._warm:
            self._warm = True
            try:
                for module in WARM:
                    importlib.import_module(module)
            except Exception:  # noqa: BLE001, S110 - warming is an optimisation; the map reports its own errors
                pass

    def _build(self, progress: Progress | None, changed: Collection[str] | None) -> Report:
        start = time.perf_counter()
        last = self.last
        day = self.as_of or dt.date.today()
        if not self.write:
            report, rendered = prepare(self.root, day, self.cache, _reuse_in(last), None, progress, last, changed)
        else:
            # The first build of a session checks what is on disk; later ones trust what they wrote themselves.
            reuse = _reuse_from(self.out) if last is None else _reuse_in(last)
            self.last, written, self._written = None, self._written, None  # a build that fails writing may have
            # written part of its files: start from disk
            try:
                report, rendered, self._written = _build(self.root, self.out, day, self.cache, reuse, progress, start,
                                                         last, changed, session=True, written=written)
            except BuildError:
                self.last, self._written = last, written  # nothing was written
                raise
        rendered.changes = None  # it names the build before: kept, each build would keep every one before it
        self.last = rendered
        # What a session keeps lives until the next build or longer: out of the cyclic collector's sight, a full
        # collection no longer walks millions of kept objects in the middle of an edit (pauses of seconds at 100k).
        gc.freeze()
        # Edits leave results nothing uses any more (old texts, old pieces): drop them now and then, not every build.
        if self.cache.held() > 1.25 * self._memos:
            self.cache.prune()
            self._memos = self.cache.held()
        return report

    def save(self) -> None:
        """Keep the cache for the next process."""
        caching.save(self.root, self.cache)


def _reuse_in(last: Rendered | None) -> Reuse:
    """Pages of a build in memory whose key matches."""
    return lambda path, key: last.outputs.get(path) if last is not None and last.keys.get(path) == key else None


def verify(root: Path, out: Path | None = None, as_of: dt.date | None = None) -> list[str]:
    """Paths where `out` differs from a clean build (no cache, no earlier output) of the same sources and date."""
    out = out or root / OUTPUT
    with tempfile.TemporaryDirectory(prefix="kspages-verify-") as tmp:
        build(root, Path(tmp) / "site", as_of, Cache())
        clean, current = snapshot(Path(tmp) / "site"), snapshot(out)
    return sorted(p for p in clean.keys() | current.keys() if clean.get(p) != current.get(p))
