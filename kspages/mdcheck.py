"""Where the site renders Markdown differently from the CommonMark/GFM preview staff see in their editor.

Staff write guide pages and notice bodies in an editor that previews CommonMark (VS Code, a git host); the site
renders them with Python-Markdown (lists made CommonMark-like by mdlists.py). For `kspages check -v`, both
renderings are reduced to their leaf blocks (paragraphs, headings, code, rules, tables; each with the lists and
quotes around it and its text without tags), aligned, and every run that differs is returned with the source line
and a hint. markdown-it-py is the CommonMark side; it is imported here only, so `build` never loads it.
"""

from __future__ import annotations

import difflib
import html.parser
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from . import read
from .render import Renderer

_LINE = "data-source-line"
_LEAVES = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "hr"}
_CONTAINERS = {"ul", "ol", "blockquote"}
_KINDS = {"p": "paragraph", "pre": "code block", "table": "table", "hr": "rule", "html": "raw HTML"}


@dataclass(frozen=True)
class Block:
    """One leaf block of a rendering: what it is, inside which lists and quotes, its text, its source line."""

    kind: str  # p, h1..h6, pre, table, hr
    containers: tuple[str, ...]  # ul, ol, blockquote from the outermost
    item_start: bool  # the first block of a list item (two items differ from one item with two paragraphs)
    text: str  # tags removed, white space collapsed
    line: int | None = None  # 1-based line in the Markdown text (CommonMark side only)

    @property
    def key(self) -> tuple[str, tuple[str, ...], bool, str]:
        """What must be equal for two renderings of a block to look the same."""
        return self.kind, self.containers, self.item_start, self.text

    def describe(self, text: bool = True, at: int = 0) -> str:
        """The block in a few words, e.g. 'list item (level 1): 申请退款'; its text from near `at`, or none."""
        if self.kind.startswith("h") and self.kind[1:].isdigit():
            what = f"heading {self.kind[1:]}"
        elif self.containers and self.containers[-1] in ("ul", "ol") and self.kind == "p":
            what = f"{'numbered ' if self.containers[-1] == 'ol' else ''}list item (level "
            what += f"{sum(c in ('ul', 'ol') for c in self.containers)})"
        else:
            what = _KINDS.get(self.kind, self.kind)
        if "blockquote" in self.containers:
            what = f"quoted {what}"
        if not text or not self.text:
            return what
        start = max(0, min(at - 10, len(self.text) - 40))
        shown = ("…" if start else "") + self.text[start:start + 40] + ("…" if start + 40 < len(self.text) else "")
        return f"{what}: {shown}"


@dataclass(frozen=True)
class Divergence:
    """A run of blocks the site renders differently from an editor's CommonMark preview."""

    path: str
    line: int
    site: tuple[Block, ...]  # as the site renders them
    editor: tuple[Block, ...]  # as a CommonMark editor previews them
    hint: str
    private: bool  # the text comes from a record (a notice body): show it only when asked to, as masks are


    def described(self, text: bool = True) -> tuple[list[str], list[str]]:
        """The site's and the editor's blocks in a few words, each pair's text from where the two first differ."""
        at = [next((i for i, (a, b) in enumerate(zip(x.text, y.text, strict=False)) if a != b),
                   min(len(x.text), len(y.text))) for x, y in zip(self.site, self.editor, strict=False)]
        return ([b.describe(text, at[i] if i < len(at) else 0) for i, b in enumerate(self.site)],
                [b.describe(text, at[i] if i < len(at) else 0) for i, b in enumerate(self.editor)])


class _Blocks(html.parser.HTMLParser):
    """Leaf blocks of rendered HTML, with the source line of the nearest element that has one."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.containers: list[str] = []
        self.lines: list[int | None] = []  # one per open element that may carry a line
        self.text: list[str] = []
        self.leaf: str | None = None
        self.item_start = False

    def _flush(self, kind: str) -> None:
        text = " ".join("".join(self.text).split())
        self.text = []
        if text or kind in ("hr", "pre"):
            line = next((n for n in reversed(self.lines) if n is not None), None)
            self.blocks.append(Block(kind, tuple(self.containers), self.item_start, text, line))
            self.item_start = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = dict(attrs).get(_LINE)
        if tag in _LEAVES or tag in _CONTAINERS or tag == "li":
            if self.leaf is None:
                self._flush("p")  # text directly in a tight list item, before a nested block
            self.lines.append(int(line) if line else None)
        if tag in _CONTAINERS:
            self.containers.append(tag)
        elif tag == "li":
            self.item_start = True
        elif tag == "hr":
            self.lines.pop()
            self._flush("hr")
        elif tag in _LEAVES and self.leaf is None:
            self.leaf = tag
        elif tag == "br":
            self.text.append(" ⏎ ")
        elif tag in ("td", "th") and "".join(self.text).strip():
            self.text.append(" | ")
        elif line and self.lines and self.lines[-1] is None:
            self.lines[-1] = int(line)  # a fenced block's line is on its <code>, inside <pre>

    def handle_endtag(self, tag: str) -> None:
        if tag in _LEAVES and tag == self.leaf:
            self._flush(tag)
            self.leaf = None
        elif tag == "li" and self.leaf is None:
            self._flush("p")
        elif tag in _CONTAINERS and self.leaf is None:
            self._flush("p")
            self.containers.pop()
        if ((tag in _LEAVES and tag != "hr") or tag in _CONTAINERS or tag == "li") and self.lines:
            self.lines.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def close(self) -> None:
        super().close()
        self._flush("p")


def blocks(html_text: str) -> list[Block]:
    """The leaf blocks of some rendered HTML, in order."""
    parser = _Blocks()
    parser.feed(html_text)
    parser.close()
    return parser.blocks


def _editor() -> MarkdownIt:
    # What VS Code and git hosts preview: CommonMark plus GFM tables and strikethrough.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def editor_html(text: str, md: MarkdownIt | None = None) -> str:
    """CommonMark rendering of `text`, each block element carrying its 1-based source line."""
    md = md or _editor()
    tokens = md.parse(text)
    for token in tokens:
        if token.map is not None and token.nesting >= 0 and token.block:
            token.attrSet(_LINE, str(token.map[0] + 1))
    rendered: str = md.renderer.render(tokens, md.options, {})
    return rendered


_PUNCT = r"：，。、；！？（）“”‘’《》【】「」『』…—·:;,.!?()\"'\[\]{}<>"
# Hints by what the source lines of a differing run hold: first match wins.
_HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^ {0,3}\d{1,9}\)( |$)", re.M), "write '1.' for a numbered list: the site does not read '1)'"),
    (re.compile(r"^ {0,3}#{1,6}[^#\s]", re.M), "put a space after the '#': editors need it for a heading"),
    (re.compile(r"^ {0,3}(```|~~~)", re.M), "notice bodies do not render fenced code: indent its lines by four "
                                             "spaces, or write them as a list"),
    (re.compile(r"^ {0,3}\|.*\|", re.M), "notice bodies do not render tables: write the facts as a list"),
    (re.compile(r"^ {0,3}>\s*( {1,3})([-*+]|\d{1,9}\.) ", re.M), "in a quote (>), the site nests list items only "
                                                                 "when indented by four spaces"),
    (re.compile(r"~~"), "the site shows ~~ as typed (no strikethrough): leave it out"),
    (re.compile(r"\\$", re.M), "a line ending in a backslash is a line break in editors, not on the site: end the "
                               "line with two spaces instead"),
    # CommonMark's flanking rule: "**" between a punctuation mark and a character neither opens nor closes bold.
    (re.compile(rf"[{_PUNCT}](\*+|_+)[^\s{_PUNCT}*_]|[^\s{_PUNCT}*_](\*+|_+)[{_PUNCT}]"),
     "bold that ends in a punctuation mark right before more text (**要点：**说明) or starts with one right after "
     "text (说**“要点”**) shows its asterisks in editors: put the punctuation outside (**要点**：说明)"),
    (re.compile(r"<[a-zA-Z/]"), "raw HTML: notice bodies show it as text, editors render it; write Markdown"),
    (re.compile(r"^ {4,}\S", re.M), "a line indented by four or more spaces: check whether it should be code or "
                                    "part of the list above"),
]
_DEFAULT_HINT = "check this part in 'kspages serve'; rewrite it so both show the same"


def _hint(source: str) -> str:
    return next((hint for pattern, hint in _HINTS if pattern.search(source)), _DEFAULT_HINT)


Run = tuple[int, tuple[Block, ...], tuple[Block, ...], str]


def compare(text: str, convert: Callable[[str], str], md: MarkdownIt | None = None) -> list[Run]:
    """Runs of blocks where `convert(text)` (the site) and CommonMark (the editor) differ.

    Each is (1-based line in `text`, the site's blocks, the editor's blocks, a hint).
    """
    ours, theirs = blocks(convert(text)), blocks(editor_html(text, md))
    lines = text.splitlines()
    found: list[Run] = []
    matcher = difflib.SequenceMatcher(None, [b.key for b in ours], [b.key for b in theirs], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = _line(theirs, j1, j2)
        end = _end_line(theirs, j2, len(lines))
        source = "\n".join(lines[start - 1:max(end, start)])
        found.append((start, tuple(ours[i1:i2]), tuple(theirs[j1:j2]), _hint(source)))
    return found


def _line(theirs: list[Block], j1: int, j2: int) -> int:
    # The editor's first block of the run, else the one before it (the site has blocks the editor does not).
    for block in (*theirs[j1:j2], *reversed(theirs[:j1])):
        if block.line is not None:
            return block.line
    return 1


def _end_line(theirs: list[Block], j2: int, last: int) -> int:
    # Up to the line before the editor's next block: the run's source lines.
    for block in theirs[j2:]:
        if block.line is not None:
            return block.line - 1
    return last


def _notice_body(source: read.Source, text: str) -> tuple[str, int] | None:
    data = source.data
    if not isinstance(data, read.Mapping):
        return None
    notice = data.get("notice")
    if not isinstance(notice, read.Mapping) or not isinstance(notice.get("body"), str) or not notice["body"].strip():
        return None
    line = notice.line_of("body")
    # A block scalar ("body: |") starts on the next line; a plain one on the key's line.
    lines = text.splitlines()
    key_line = lines[line - 1] if 0 < line <= len(lines) else ""
    first = line + 1 if re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", key_line) else line
    return notice["body"], first


def site(root: Path) -> list[Divergence]:
    """Every guide page and notice body of the site whose rendering differs from the editor's preview."""
    renderer = Renderer(root, root / "templates")
    md = _editor()

    def guide(text: str) -> str:
        return renderer.guide_md.reset().convert(text)

    found: list[Divergence] = []
    for file in read.find_files(root, "content/guide", "*.md"):
        source = read.read_markdown(root, file)
        if source.body is not None and source.body_line:
            found += _located(source.path, source.body, source.body_line, guide, md, private=False)
    for rel in read.find_paths(root, "content/records", "*.y*ml"):
        if not rel.endswith((".yaml", ".yml")):
            continue
        raw = (root / rel).read_bytes()
        if b"body" not in raw:
            continue  # no notice: spare the YAML parse
        source = read.parse_yaml_file(rel, raw)
        body = _notice_body(source, raw.decode("utf-8", "replace"))
        if body is not None:
            found += _located(rel, body[0], body[1], renderer.notice_html, md, private=True)
    return found


def _located(path: str, text: str, first: int, convert: Callable[[str], str], md: MarkdownIt,
             private: bool) -> Iterator[Divergence]:
    for line, ours, theirs, hint in compare(text, convert, md):
        yield Divergence(path, first + line - 1, ours, theirs, hint, private)
