"""The checks of a finished site, before anything is written: both leak gates and the link check."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from . import cache as caching
from . import read, search
from .cache import Cache
from .errors import ContentError
from .layout import SETTINGS, TEMPLATES, guide_url, notice_url, page_file
from .privacy import TOKENS, KnownGate, scan_patterns
from .record import Loaded
from .render import Rendered, check_links, link_targets


def check_site(root: Path, loaded: Loaded, rendered: Rendered, cache: Cache) -> list[ContentError]:
    """Every leak of a private value or pattern and every bad link in the rendered outputs (sets `rendered.sha`)."""
    errors: list[ContentError] = []
    outputs = rendered.outputs
    # Both gates depend only on an output's bytes and on what they look for (every record's private values; the
    # allow list): an output that passed the same gate before passes again, so unchanged outputs are not rescanned.
    # In a session most outputs are the very objects of the last build: their digests are known.
    digests: dict[str, tuple[bytes, str]] = cache.memo("~sha256", dict)
    for path, data in outputs.items():
        known = digests.get(path)
        if known is None or known[0] is not data:
            digests[path] = (data, hashlib.sha256(data).hexdigest())
    for path in digests.keys() - outputs.keys():
        del digests[path]
    sha = rendered.sha = {path: digests[path][1] for path in outputs}
    forms = {id(r.record): list(r.gate) for r in loaded.results}
    gate = KnownGate(loaded.records, lambda record: forms[id(record)],
                     lambda key, make: cache.memo("~" + caching.digest("automaton", key), make),
                     caching.digest(*sorted(r.values for r in loaded.results)), loaded.vocabulary)
    known_key = {path: caching.digest("known", sha[path], gate.digest, loaded.vocabulary.digest) for path in outputs}
    # The search index's term shards are read as their terms, without the postings kspages computes beside them.
    unscanned = {path: search.gate_view(path, data)
                 for path, data in outputs.items() if not cache.is_clean(known_key[path])}
    leaks: dict[tuple[str, str, int], list[str]] = {}
    # What each piece of output text held is kept in memory (a watch session, or pages sharing their navigation).
    pieces: dict[bytes, list[tuple[str, bool]]] = cache.memo(
        "~" + caching.digest("pieces", gate.digest, loaded.vocabulary.digest), dict)
    for leak in gate.scan(unscanned, search.is_postings_file, pieces):
        leaks.setdefault((leak.record_path, leak.field, leak.line), []).append(leak.output)
    for path in unscanned.keys() - {o for where in leaks.values() for o in where}:
        cache.mark_clean(known_key[path])
    for (path, name, leak_line), where in leaks.items():
        errors.append(ContentError(path, leak_line, f"private field '{name}' would be published in {_files(where)}",
                                   "another record's public text (merchant, notes, notice) or a template contains "
                                   "this value: remove it there; nothing was written"))
    found: dict[tuple[str, int | None, str], list[str]] = {}
    allow = repr(loaded.public.settings.allow)
    clean = {path: caching.digest("patterns", sha[path], allow) for path in outputs}
    # The search index's term shards hold bigrams and words cut from the pages, which this gate reads whole.
    unknown = {path: data for path, data in outputs.items()
               if not cache.is_clean(clean[path]) and not search.is_postings_file(path)}
    hits = scan_patterns(unknown, loaded.public.settings.allow, cache.memo("~pattern-pieces", dict))
    for path in unknown.keys() - {hit.output for hit in hits}:
        cache.mark_clean(clean[path])
    for hit in hits:
        source, line = _source_of(root, loaded, hit.output, hit.text)
        found.setdefault((source, line, hit.kind), []).append(hit.output)
    for (source, line, kind), where in sorted(found.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        where = sorted(set(where))
        errors.append(ContentError(source, line, f"a {kind.replace('_', ' ')} ({TOKENS[kind]}) would be published "
                                                 f"in {_files(where)}",
                                   "write it as the token, or if it is the team's own public contact add it to "
                                   "'privacy: allow:' in content/site.yaml; nothing was written"))
    # Links are written in guide Markdown and notice bodies; point at the line there, else at the templates.
    sources: dict[str, tuple[str, int | None]] = {
        page_file(guide_url(g.slug)): (g.path, None) for g in loaded.public.guide}
    for r in loaded.records:
        if r.notice:
            sources[page_file(notice_url(r.number))] = (r.path, r.notice.lines.get("body"))
    pages = [path for path in outputs if path.endswith(".html") and path != "404.html"]
    link_keys = {path: caching.digest("link-targets", path, sha[path]) for path in pages}
    cache.prefill({link_keys[path]: functools.partial(link_targets, path, outputs[path]) for path in pages})
    links = check_links(outputs, lambda path, data: cache.memo(link_keys[path], lambda: link_targets(path, data)))
    for page, href, problem in links:
        path, line = sources.get(page, (TEMPLATES, None))
        if path.endswith(".md"):
            line = _line_of(root / path, href)
        hint = ("only http(s), mailto and tel links may be published" if problem == "unsafe link" else
                "link to guide pages as ../<slug>/ and to other pages relative to this one, e.g. ../../status/")
        in_page = "" if path != TEMPLATES else f" in {page}"
        errors.append(ContentError(path, line, f"{problem} '{href}'{in_page}", hint))
    return errors


def _files(where: list[str]) -> str:
    more = len(where) - 1
    return where[0] + (f" (and {more} more file{'s' * (more > 1)})" if more else "")


def _source_of(root: Path, loaded: Loaded, output: str, text: str) -> tuple[str, int | None]:
    """The source file (and line) a pattern hit in an output most likely came from: guide, settings or a template."""
    candidates = [g.path for g in loaded.public.guide if output == page_file(guide_url(g.slug))]
    candidates += [SETTINGS, *(f.relative_to(root).as_posix() for f in read.find_files(root, TEMPLATES, "*"))]
    candidates += [g.path for g in loaded.public.guide]
    for candidate in candidates:
        line = _line_of(root / candidate, text)
        if line is not None:
            return candidate, line
    return TEMPLATES, None


def _line_of(file: Path, needle: str) -> int | None:
    try:
        content = file.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, text in enumerate(content.splitlines(), start=1):
        if needle in text:
            return number
    return None
