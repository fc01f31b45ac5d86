"""`kspages check -v` lists where Markdown renders differently from a CommonMark editor's preview."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from kspages import mdcheck
from kspages.cli import main
from kspages.render import Renderer

from .conftest import N1, REPO, MakeSite, record

RENDERER = Renderer(REPO, REPO / "templates")


def guide(text: str) -> str:
    return RENDERER.guide_md.reset().convert(text)


# Each differs after mdlists.py: (Markdown, line of the difference, words of the hint).
DIVERGENT = {
    "'1)' numbered list": ("步骤：\n\n1) 申请退款\n2) 申请平台介入\n", 3, "'1.'"),
    "heading without a space": ("正文。\n\n#材料\n", 3, "space after the '#'"),
    "bold ending in punctuation before text": ("说明如下。\n\n**要点：**先留证据。\n", 3, "punctuation outside"),
    "bold starting after text with a quote": ("商家声称**“限时抢购”**后涨价。\n", 1, "punctuation outside"),
    "backslash line break": ("第一行\\\n第二行\n", 1, "backslash"),
    "strikethrough": ("原价 ~~99 元~~，现价 59 元。\n", 1, "~~"),
    "two-space nesting inside a quote": ("> - 甲\n>   - 乙\n", 2, "quote"),
}

# Written as an editor previews them, and rendered alike: nothing to report.
PLAIN = """\
## 准备材料

请准备以下材料：
- 订单截图
  - 订单号
- 聊天记录

1. 申请售后
2. 申请平台介入

**要点**：先留证据，再申请售后。商家说的“**限时**”要截图。

设置标题
--------

第一行<two spaces>
第二行

> 引用的一段话。

| 材料 | 用途 |
| --- | --- |
| 截图 | 证明宣传内容 |

```
代码
```
""".replace("<two spaces>", "  ")  # a hard line break, which both renderers read


@pytest.mark.parametrize("name", list(DIVERGENT))
def test_a_known_divergence_is_reported_at_its_line_with_a_hint(name: str) -> None:
    text, line, hint = DIVERGENT[name]
    found = mdcheck.compare(text, guide)
    assert [run[0] for run in found] == [line], found
    assert hint in found[0][3]
    site, editor = found[0][1], found[0][2]
    assert [b.key for b in site] != [b.key for b in editor]


def test_a_plain_page_is_not_reported() -> None:
    assert mdcheck.compare(PLAIN, guide) == []
    # The same page really holds every kind of block both renderers make.
    kinds = {b.kind for b in mdcheck.blocks(guide(PLAIN))}
    assert {"h2", "p", "table", "pre"} <= kinds


def test_notice_bodies_are_compared_as_notices_render() -> None:
    # Notices render no tables and no fenced code (and escape raw HTML): editors show all three.
    for text, hint in [("| 材料 | 用途 |\n| --- | --- |\n| 截图 | 证明 |\n", "tables"),
                       ("示例：\n\n```\n代码\n```\n", "fenced code"), ("<b>重要</b>：请保存证据。\n", "raw HTML")]:
        found = mdcheck.compare(text, RENDERER.notice_html)
        assert len(found) == 1 and hint in found[0][3], (text, found)
        assert mdcheck.compare(text, guide) == []  # guide pages render all three as editors do


def test_blocks_keep_lists_items_and_lines() -> None:
    shape = mdcheck.blocks(mdcheck.editor_html("文字\n\n- 甲\n  - 乙\n\n> 引用\n"))
    assert [(b.kind, b.containers, b.item_start, b.text, b.line) for b in shape] == [
        ("p", (), False, "文字", 1), ("p", ("ul",), True, "甲", 3), ("p", ("ul", "ul"), True, "乙", 4),
        ("p", ("blockquote",), False, "引用", 6)]


def test_site_reports_guide_and_notice_lines_in_their_files(make_site: MakeSite) -> None:
    body = "    经核查，投诉属实。\n\n    **处理结果：**商家已退款。\n"
    rec = record().replace("    经核查，投诉属实。商家已退款。\n", body)
    root = make_site({"content/guide/01-first.md": "---\ntitle: 第一页\norder: 1\n---\n\n正文。\n\n1) 第一步\n",
                      f"content/records/2026/{N1}.yaml": rec,
                      "content/guide/02-plain.md": "---\ntitle: 第二页\norder: 2\n---\n\n正文：\n- 甲\n  - 乙\n"})
    found = mdcheck.site(root)
    assert [(d.path, d.line, d.private) for d in found] == [
        ("content/guide/01-first.md", 8, False), (f"content/records/2026/{N1}.yaml", _line_of(rec, "**处理结果"), True)]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_check_lists_differences_only_with_v_and_notice_text_only_with_show(make_site: MakeSite) -> None:
    rec = record().replace("    经核查，投诉属实。商家已退款。\n", "    **处理结果：**商家已退款。\n")
    root = make_site({"content/guide/01-first.md": "---\ntitle: 第一页\norder: 1\n---\n\n#材料\n",
                      f"content/records/2026/{N1}.yaml": rec})
    runner = CliRunner()
    quiet = runner.invoke(main, ["check", "--site", str(root)])
    assert quiet.exit_code == 0, quiet.output
    assert "Markdown" not in quiet.output
    verbose = runner.invoke(main, ["check", "-v", "--site", str(root)])
    assert verbose.exit_code == 0, verbose.output
    assert "content/guide/01-first.md:6: Markdown:" in verbose.output
    assert "  editor: paragraph: #材料" in verbose.output and "  site:   heading 1: 材料" in verbose.output
    where = f"content/records/2026/{N1}.yaml:{_line_of(rec, '**处理结果')}: Markdown:"
    assert where in verbose.output and "(add --show for the text)" in verbose.output
    assert "商家已退款" not in verbose.output  # a record's text stays out of logs without --show
    assert "Markdown differs from an editor's preview in 2 places" in verbose.output
    shown = runner.invoke(main, ["check", "-v", "--show", "--site", str(root)])
    assert "  editor: paragraph: **处理结果：**商家已退款。" in shown.output


def test_build_never_loads_the_commonmark_parser() -> None:
    # Only check -v compares; a build (and the command line's start) must not pay for markdown-it-py.
    code = ("import sys, kspages.cli, kspages.build; "
            "print('markdown_it' in sys.modules, 'kspages.mdcheck' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.split() == ["False", "False"]
