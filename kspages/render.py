"""Render one page: Jinja2 templates and Markdown (guide pages, notice bodies), errors at their template line.

Pure: reads templates, writes nothing, and knows nothing of reuse (engine.py decides which pages to render).
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
import markdown
from markdown.extensions.toc import slugify_unicode

from . import __version__
from .errors import ContentError
from .mdlists import EditorListsExtension
from .model import GuidePage

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


def root_of(path: str) -> str:
    """The relative URL from the page at `path` to the site's root, e.g. "../../"."""
    depth = path.count("/")
    return "../" * depth
