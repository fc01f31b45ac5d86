"""Lists as the editors staff preview Markdown in (CommonMark, GFM) show them, for Python-Markdown.

Python-Markdown needs a blank line before a list and four spaces per nesting level; CommonMark lets a list start
right after a line of text and nests an item under any item whose text it is indented to (two spaces under "- ",
three under "1. ", or four). Staff write what their editor previews, so a preprocessor rewrites list lines into
Python-Markdown's form: a blank line where a list interrupts a paragraph, and four spaces per level. Only list
structure changes; the text of every line is kept. The published extensions we tried each did half of this and
broke the other half (mdx_truly_sane_lists nests two-space lists but flattens four-space ones; mdx_breakless_lists
adds blank lines inside fenced code), so this is ours, checked against markdown-it-py, a CommonMark parser, in
tests/test_mdlists.py.
"""

from __future__ import annotations

import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

# Python-Markdown reads "-", "*", "+" and "N." lists (not "N)"): only those are rewritten.
_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|(?P<number>\d{1,9})\.)(?P<gap> +|$)(?P<text>.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")  # "- - -" is a thematic break, not a list
_FENCE = re.compile(r"^ *(`{3,}|~{3,})")
_HEADING = re.compile(r"^ {0,3}#")
# A line after which a list needs no blank line to start: it does not continue a paragraph.
_NOT_PARAGRAPH = re.compile(r"^ {0,3}(#|>|\||(`{3,}|~{3,})|([-*_])( *\3){2,} *$)|^ *$")


class ListsAsEditorsShowThem(Preprocessor):
    """Blank line before a list that interrupts a paragraph; nesting by content column, written as 4 spaces."""

    child_block = False  # inside a block written under an item after a blank line
    loose = False  # a blank line came inside the current list

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        open_items: list[int] = []  # content column (in the source) of each open list item, outermost first
        self.child_block = self.loose = False
        fence = ""
        previous = ""  # the previous source line
        for line in lines:
            if fence:
                out.append(line)
                if line.strip().startswith(fence):
                    fence = ""
                previous = line
                continue
            opened = _FENCE.match(line)
            if opened:
                fence = opened.group(1)
            out.extend(self._line(line, previous, open_items) if not opened else [line])
            previous = line
        return out

    def _line(self, line: str, previous: str, open_items: list[int]) -> list[str]:
        if not line.strip():
            self.loose = self.loose or bool(open_items)
            return [line]
        indent = len(line) - len(line.lstrip(" "))
        item = None if _RULE.match(line) else _ITEM.match(line)
        after_blank = not previous.strip()
        if item is None:
            if _HEADING.match(line):
                open_items.clear()
                self.loose = False
            if not open_items or not after_blank:
                return [line]  # outside a list, or a lazy continuation line: Python-Markdown joins it as is
            self.child_block = False
            while open_items and indent < open_items[-1]:
                open_items.pop()
            if not open_items:
                self.loose = False
                return [line]  # the list ended
            # A paragraph (or code) inside an item after a blank line: four spaces per level, plus any extra.
            self.child_block = True
            return [" " * (4 * len(open_items) + indent - open_items[-1]) + line.lstrip(" ")]
        in_list = bool(open_items)  # a sibling or a parent's next item, not a list after a paragraph
        depth_before = len(open_items)
        while open_items and indent < open_items[-1]:
            open_items.pop()
        base = open_items[-1] if open_items else 0
        if indent - base >= 4:  # indented code, in CommonMark as in Python-Markdown
            return [line] if not open_items else [" " * (4 * len(open_items) + indent - base) + line.lstrip(" ")]
        marker, text, gap = item.group("marker"), item.group("text"), item.group("gap")
        width = len(gap) if 0 < len(gap) <= 4 and text else 1
        before: list[str] = []
        if in_list and previous.strip() and (self.child_block or (self.loose and len(open_items) < depth_before)):
            before = [""]  # Python-Markdown would read the item as more of the block above it
        self.child_block = False
        if not in_list and not _NOT_PARAGRAPH.match(previous):
            if not text.strip() or item.group("number") not in (None, "1"):
                return [line]  # stays part of the paragraph, as in CommonMark
            before = [""]  # CommonMark: a list may interrupt a paragraph (an ordered one only from 1)
        if not in_list:
            self.loose = False
        depth = len(open_items)
        open_items.append(indent + len(marker) + width)
        return [*before, " " * (4 * depth) + marker + " " + text]


class EditorListsExtension(Extension):
    """Register the preprocessor after fenced code is set aside (so lists in code stay code)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(ListsAsEditorsShowThem(md), "kspages_lists", 15)
