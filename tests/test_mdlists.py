"""Lists render as a CommonMark editor previews them: checked against markdown-it-py, a CommonMark parser."""

from __future__ import annotations

import html.parser

import markdown
import pytest
from markdown_it import MarkdownIt

from kspages.mdlists import EditorListsExtension
from kspages.render import Renderer

from .conftest import REPO

COMMONMARK = MarkdownIt("commonmark")

CASES = {
    "list right after a line of text": "请准备以下材料：\n- 订单截图\n- 聊天记录\n",
    "two-space nesting": "- 订单\n  - 订单号\n  - 下单时间\n- 证据\n  - 截图\n    - 商品页\n",
    "four-space nesting": "- 订单\n    - 订单号\n- 证据\n",
    "ordered list with nested bullets at three spaces": "步骤：\n1. 申请退款\n2. 申请平台介入\n   - 上传凭证\n   - 等待处理\n3. 拨打 12315\n",
    "ordered list from 2 does not interrupt a paragraph": "共有\n2. 种情况\n",
    "empty item does not interrupt a paragraph": "文字\n-\n",
    "paragraph inside an item after a blank line": "- 第一项\n\n  补充说明\n- 第二项\n",
    "list after a heading": "## 材料\n- 截图\n- 录音\n",
    "text after a list ends it": "- 甲\n- 乙\n\n结尾段落\n",
    "thematic break stays one": "上文\n\n- - -\n\n下文\n",
    "star and plus bullets": "说明：\n* 甲\n  + 乙\n* 丙\n",
    "loose nested list": "- 甲\n\n  - 乙\n\n- 丙\n",
    "two paragraphs in a nested item": "- 甲\n  - 乙\n\n    乙的说明\n  - 丙\n- 丁\n",
    "indented code stays code": "段落\n\n    - 这是代码\n",
}


class _Shape(html.parser.HTMLParser):
    """The block structure of some HTML: list, item, paragraph and code tags, and the words between them."""

    KEEP = {"ul", "ol", "li", "p", "pre", "hr", "h2"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.items = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items += tag == "li"
        # Paragraphs inside items are not compared: CommonMark makes a whole list loose, Python-Markdown an item.
        if tag in self.KEEP and not (tag == "p" and self.items):
            self.parts.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        self.items -= tag == "li"
        if tag in self.KEEP and not (tag == "p" and self.items):
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        words = " ".join(data.split())
        if words:
            self.parts.append(f"[{words}]")


def shape(text: str) -> str:
    parser = _Shape()
    parser.feed(text)
    return "".join(parser.parts)


def ours(text: str) -> str:
    return markdown.markdown(text, extensions=["sane_lists", EditorListsExtension()])


@pytest.mark.parametrize("name", list(CASES))
def test_lists_render_as_commonmark_shows_them(name: str) -> None:
    text = CASES[name]
    assert shape(ours(text)) == shape(COMMONMARK.render(text)), name


def test_without_the_extension_python_markdown_differs() -> None:
    # What staff saw before: the list glued to the paragraph and two-space items flattened.
    for name in ("list right after a line of text", "two-space nesting"):
        plain = markdown.markdown(CASES[name], extensions=["sane_lists"])
        assert shape(plain) != shape(COMMONMARK.render(CASES[name])), name


def test_lines_in_fenced_code_are_left_alone() -> None:
    text = "示例：\n```\n说明\n- 不是列表\n  - 也不是\n```\n"
    guide = markdown.markdown(text, extensions=["fenced_code", "sane_lists", EditorListsExtension()])
    assert "<li>" not in guide and "- 不是列表\n  - 也不是" in guide
    notice = markdown.markdown(text, extensions=["sane_lists", EditorListsExtension()])
    assert "<li>" not in notice


def test_guide_pages_and_notice_bodies_both_get_editor_lists() -> None:
    renderer = Renderer(REPO, REPO / "templates")
    body = "处理结果：\n- 退款 120 元\n  - 已到账\n"
    for html_text in (renderer.notice_html(body), renderer.guide_md.reset().convert(body)):
        assert shape(html_text) == shape(COMMONMARK.render(body))
        assert "<ul>" in html_text and "- 退款" not in html_text
