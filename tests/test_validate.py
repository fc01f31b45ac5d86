"""Bad input: every problem comes back as (path, line, message) with a hint, all at once, sorted."""

from __future__ import annotations

import pytest

from kspages.build import check
from kspages.errors import BuildError, ContentError

from .conftest import N1, N2, MakeSite, record

REC = f"content/records/2026/{N1}.yaml"


def problems(root: object) -> list[ContentError]:
    with pytest.raises(BuildError) as info:
        check(root)  # type: ignore[arg-type]
    return info.value.errors


def first(site: MakeSite, files: dict[str, str | bytes]) -> tuple[str, int | None, str]:
    errors = problems(site(files))
    assert all(e.hint for e in errors), errors
    e = errors[0]
    return e.path, e.line, e.message


def swap(old: str, new: str, text: str | None = None) -> str:
    text = text or record()
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("text", "line", "message"), [
    (swap("category: false_advertising", "catgory: false_advertising"), 3, "unknown key 'catgory'"),
    (swap("category: false_advertising", "category: false_advertsing"), 3, "unknown category 'false_advertsing'"),
    (swap("channel: in_app_report", "channel: wechat"), 4, "unknown channel 'wechat'"),
    (swap("received: 2026-03-14", "received: 2026-02-30"), 2, "'received' is not a real date: '2026-02-30'"),
    (swap("received: 2026-03-14", "received: 14/03/2026"), 2, "'received' is not a date"),
    (swap("merchant: 示例旗舰店", "merchant: [a, b]"), 5, "'merchant' must be text, not a list"),
    (swap("merchant: 示例旗舰店\n", ""), 1, "missing required field 'merchant'"),
    (swap(f"number: {N1}", "number: KS-4QGJ-5S13-1"), 1, "'KS-4QGJ-5S13-1' has a wrong check character"),
    (swap(f"number: {N1}", "number: ../../evil"), 1, "'../../evil' is not a complaint number"),
    (swap(f"number: {N1}", "number: ks-4qgj-5s13-0"), 1, "'ks-4qgj-5s13-0' is not written in the standard form"),
    (swap("status: rejected\n", "status: rejected\noutcome: refund\n", record(status="rejected")), 7,
     "'outcome' is only for resolved complaints"),
    (swap("  - {date: 2026-03-20, status: resolved}", "  - {date: 2026-03-12, status: resolved}"), 11,
     "history is out of date order"),
    (swap("  - {date: 2026-03-20, status: resolved}\n", ""), 6,
     "status is 'resolved' but the last history entry says 'in_progress'"),
    (record(status="rejected", history="  - {date: 2026-03-14, status: pending}\n"
                                       "  - {date: 2026-03-20, status: rejected}\n"), 9,
     "history entry 2 is 'rejected' but gives no 'reason'"),
    (record(status="in_progress", notice=False, history="  - {date: 2026-03-14, status: pending}\n"
                                                        "  - {date: 2026-03-15, status: in_progress, reason: other}\n"),
     9, "'reason' is only for rejected entries"),
    (record(status="pending", notice=False, history="  - {date: 2026-03-14, status: resolved}\n"
                                                    "  - {date: 2026-03-15, status: pending}\n"), 8,
     "the first history entry must be 'pending'"),
    (swap("  - {date: 2026-03-20, status: resolved}", "  - {date: 2026-03-20, status: resolved}\n"
          "  - {date: 2026-03-21, status: in_progress}", record()).replace("status: resolved\noutcome: refund",
                                                                             "status: in_progress"), 11,
     "a complaint cannot go from 'resolved' to 'in_progress'"),
    (swap("  - {date: 2026-03-14, status: pending}", "  - {date: 2026-03-01, status: pending}"), 9,
     "history starts on 2026-03-01, before the complaint was received"),
    (swap("  name: 张伟", "  name: 张伟\n  name: 李娜"), 14, "duplicate key 'name' (first at line 13)"),
    (swap("merchant: 示例旗舰店", "merchant: 示例: 旗舰店"), 5, "YAML syntax error"),
    ("- just\n- a list\n", 1, "a record must be a mapping of 'key: value' lines, not a list"),
    ("", 1, "file is empty"),
    ("   \n\n", 1, "file is empty"),
    (swap("  publish: true", "  publish: yes please"), 20, "'notice.publish' must be true or false"),
    (swap("  title: 关于示例旗舰店虚假宣传投诉的处理结果\n", ""), 19, "missing required field 'notice.title'"),
    (swap("history:\n", "history: []\n").split("  - {date")[0] + "complainant: {name: x}\n", 8,
     "'history' must be a non-empty list of entries"),
])
def test_record_errors(make_site: MakeSite, text: str, line: int, message: str) -> None:
    path, got_line, got_message = first(make_site, {REC: text})
    assert (path, got_line) == (REC, line)
    assert got_message.startswith(message), got_message


def test_unknown_code_hint_names_the_close_match_and_the_labels(make_site: MakeSite) -> None:
    [error] = problems(make_site({REC: swap("category: false_advertising", "category: false_advertsing")}))
    assert "did you mean 'false_advertising'?" in error.hint
    assert "price_mismatch (价格不符)" in error.hint


def test_unknown_key_hint_suggests_the_close_key(make_site: MakeSite) -> None:
    [error] = problems(make_site({REC: swap("complainant:", "complaintant:")}))
    assert error.message == "unknown key 'complaintant'" and "did you mean 'complainant'?" in error.hint


def test_not_utf8_names_the_line(make_site: MakeSite) -> None:
    raw = record().encode("utf-8").replace("示例旗舰店".encode(), "示例旗舰店".encode("gbk"))
    assert first(make_site, {REC: raw}) == (REC, 5, "file is not valid UTF-8")


def test_duplicate_numbers_name_both_files(make_site: MakeSite) -> None:
    other = f"content/records/2026/copy-of-{N1}.yaml"
    errors = problems(make_site({other: record()}))
    assert [(e.path, e.line) for e in errors] == [(other, 1)]
    assert errors[0].message == f"number {N1} is also used by {REC}:1"


def test_all_problems_of_all_files_come_at_once_sorted(make_site: MakeSite) -> None:
    bad1 = swap("channel: in_app_report", "channel: x", swap("category: false_advertising", "category: y"))
    bad2 = swap("received: 2026-03-14", "received: 2026-13-01", record(N2))
    errors = problems(make_site({REC: bad1, f"content/records/2026/{N2}.yaml": bad2,
                                 "content/guide/02-x.md": "---\ntitle: x\nordre: 2\n---\n"}))
    assert [(e.path, e.line) for e in errors] == [
        ("content/guide/02-x.md", 3),
        (REC, 3), (REC, 4), (f"content/records/2026/{N2}.yaml", 2)]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("no front matter\n", 1, "missing front matter"),
    ("---\ntitle: x\n", 1, "front matter is not closed"),
    ("---\ntitle: x\norder: one\n---\n", 3, "'order' must be a whole number"),
    ("---\ntitle: x\norder: 1\norder: 2\n---\n", 4, "duplicate key 'order' (first at line 3)"),
    ("---\ntitle: [x\norder: 1\n---\n", 3, "YAML syntax error"),
    ("---\norder: 1\nsumary: x\n---\n", 2, "missing required field 'title'"),
])
def test_guide_front_matter_errors(make_site: MakeSite, text: str, line: int, message: str) -> None:
    path, got_line, got_message = first(make_site, {"content/guide/02-x.md": text})
    assert (path, got_line) == ("content/guide/02-x.md", line)
    assert got_message.startswith(message), got_message


def test_broken_guide_link_names_the_markdown_line(make_site: MakeSite) -> None:
    md = "---\ntitle: x\norder: 2\n---\n\n正文\n\n见[别处](../nowhere/)。\n"
    assert first(make_site, {"content/guide/02-x.md": md}) == ("content/guide/02-x.md", 8,
                                                               "broken link '../nowhere/'")


@pytest.mark.parametrize(("text", "line", "message"), [
    ("title: x\nbase_url: https://example.org/\ntitel: y\n", 3, "unknown key 'titel'"),
    ("title: x\nbase_url: https://example.org/\nlabels:\n  category:\n    fals_advertising: 假\n", 5,
     "unknown key 'labels.category.fals_advertising'"),
    ("title: x\nbase_url: not a url\n", 2, "'base_url' must be an http(s) URL or a path"),
    ("title: x\nbase_url: /\nnotices_per_page: 0\n", 3, "'notices_per_page' must be a whole number"),
    ("title: x\nbase_url: /\nplatform: [快手]\n", 3, "'platform' must be text"),
    ("title: x\nbase_url: /\nabout: 我们\n", 3, "'about' must be a mapping"),
    ("title: x\nbase_url: /\nabout:\n  organisaton: 小组\n", 4, "unknown key 'about.organisaton'"),
    ("title: x\nbase_url: /\nabout:\n  organisation: [小组]\n", 4, "'about.organisation' must be text"),
    ("title: x\nbase_url: /\nabout:\n  does: 登记投诉\n", 4, "'about.does' must be a list of text"),
    ("title: x\nbase_url: /\nabout:\n  does_not:\n    - {a: b}\n", 4, "'about.does_not' must be a list of text"),
    ("title: x\nbase_url: /\nabout:\n  contacts: help@example.org\n", 4, "'about.contacts' must be a list"),
    ("title: x\nbase_url: /\nabout:\n  contacts:\n    - 电子邮件\n", 5, "about.contacts entry 1 must be a mapping"),
    ("title: x\nbase_url: /\nabout:\n  contacts:\n    - {label: 邮件}\n", 5,
     "missing required field 'about.contacts[1].value'"),
    ("title: x\nbase_url: /\nabout:\n  contacts:\n    - {label: 邮件, value: a@example.org, url: x}\n", 5,
     "unknown key 'about.contacts[1].url'"),
])
def test_settings_errors(make_site: MakeSite, text: str, line: int, message: str) -> None:
    path, got_line, got_message = first(make_site, {"content/site.yaml": text})
    assert (path, got_line) == ("content/site.yaml", line)
    assert got_message.startswith(message), got_message


@pytest.mark.parametrize(("template", "text", "line", "message"), [
    ("notice.html", "{% extends 'base.html' %}\n{% block main %}\n{{ notice.title }\n{% endblock %}\n", 3,
     "template syntax error"),
    ("notice.html", "{% extends 'base.html' %}\n{% block main %}\n\n{{ notice.no_such_field }}\n{% endblock %}\n", 4,
     "error while rendering notices/"),
    ("home.html", "{% extends 'base.html' %}\n{% block main %}{{ nosuchvar }}{% endblock %}\n", 2,
     "error while rendering index.html"),
])
def test_template_errors_carry_template_file_and_line(make_site: MakeSite, template: str, text: str, line: int,
                                                      message: str) -> None:
    path, got_line, got_message = first(make_site, {f"templates/{template}": text})
    assert (path, got_line) == (f"templates/{template}", line)
    assert got_message.startswith(message), got_message


def test_a_valid_site_has_no_problems(make_site: MakeSite) -> None:
    report = check(make_site())
    assert (report.records, report.notices, report.guide_pages) == (1, 1, 1)


def test_errors_format_as_path_line_message_and_hint() -> None:
    e = ContentError("content/records/x.yaml", 7, "unknown key 'foo'", "did you mean 'for'?")
    assert str(e) == "content/records/x.yaml:7: unknown key 'foo'\n  hint: did you mean 'for'?"
    import pickle
    assert str(pickle.loads(pickle.dumps(e))) == str(e)


@pytest.mark.parametrize(("link", "message"), [("[看这里](javascript:alert(1))", "unsafe link 'javascript:alert(1)'"),
                                               ("[状态](../../nowhere/)", "broken link '../../nowhere/'")])
def test_links_in_notice_bodies_name_the_record(make_site: MakeSite, link: str, message: str) -> None:
    text = record().replace("    经核查，投诉属实。商家已退款。", f"    经核查，投诉属实。{link}")
    assert first(make_site, {REC: text}) == (REC, 23, message)


def test_links_with_query_fragment_and_percent_encoding_resolve(make_site: MakeSite) -> None:
    md = ("---\ntitle: x\norder: 2\n---\n\n[状态](../../status/?n=1#top) [本页](./#小节) [首页](../../) "
          "[编码](../../%73tatus/)\n")
    assert check(make_site({"content/guide/02-x.md": md})).guide_pages == 2


def _line_of(text: str, needle: str) -> int:
    assert needle in text, needle
    return text[: text.index(needle)].count("\n") + 1


def test_merchant_reply_and_feedback_problems_come_all_at_once_with_lines_and_hints(make_site: MakeSite) -> None:
    text = record(status="in_progress", notice=False, extra=(
        "merchant_reply:\n  dat: 2026-03-18\n  txt: 已联系消费者。\n"
        "feedback:\n  rating: satisfy\n  date: 2026-03-01\n  coment: 还行\n"))
    errors = problems(make_site({REC: text}))
    assert all(e.path == REC and e.hint for e in errors), errors
    got = [(e.line, e.message) for e in errors]
    assert got == sorted(got)
    assert got == [
        (_line_of(text, "  dat:"), "unknown key 'merchant_reply.dat'"),
        (_line_of(text, "  txt:"), "unknown key 'merchant_reply.txt'"),
        (_line_of(text, "feedback:"), "'feedback' is only for a complaint with a result, but status is 'in_progress'"),
        (_line_of(text, "  rating:"), "unknown rating 'satisfy' in 'feedback.rating'"),
        (_line_of(text, "  date: 2026-03-01"), "'feedback.date' 2026-03-01 is before the complaint was received "
                                               "(2026-03-14)"),
        (_line_of(text, "  coment:"), "unknown key 'feedback.coment'"),
    ]
    hints = {e.message: e.hint for e in errors}
    assert "did you mean 'date'?" in hints["unknown key 'merchant_reply.dat'"]
    assert "did you mean 'comment'?" in hints["unknown key 'feedback.coment'"]
    assert "did you mean 'satisfied'?" in hints["unknown rating 'satisfy' in 'feedback.rating'"]
    assert "satisfied (满意), partly (基本满意), unsatisfied (不满意)" in \
        hints["unknown rating 'satisfy' in 'feedback.rating'"]
    assert "resolved, rejected or withdrawn" in \
        hints["'feedback' is only for a complaint with a result, but status is 'in_progress'"]


@pytest.mark.parametrize(("extra", "needle", "message"), [
    ("merchant_reply:\n  date: 2026-03-10\n  text: 已退款。\n", "  date: 2026-03-10",
     "'merchant_reply.date' 2026-03-10 is before the complaint was received (2026-03-14)"),
    ("merchant_reply:\n  date: 2026-03-18\n", "merchant_reply:", "missing required field 'merchant_reply.text'"),
    ("merchant_reply:\n  text: 已退款。\n", "merchant_reply:", "missing required field 'merchant_reply.date'"),
    ("merchant_reply: 商家已退款\n", "merchant_reply:", "'merchant_reply' must be a mapping"),
    ("feedback:\n  rating: satisfied\n  date: 2026-03-16\n", "  date: 2026-03-16",
     "'feedback.date' 2026-03-16 is before the result (2026-03-20, the last history entry)"),
    ("feedback:\n  comment: 还行\n", "feedback:", "missing required field 'feedback.rating'"),
    ("feedback:\n  rating: 满意\n", "  rating:", "unknown rating '满意' in 'feedback.rating'"),
    ("feedbak:\n  rating: satisfied\n", "feedbak:", "unknown key 'feedbak'"),
])
def test_merchant_reply_and_feedback_errors(make_site: MakeSite, extra: str, needle: str, message: str) -> None:
    text = record(extra=extra)
    path, line, got = first(make_site, {REC: text})
    assert (path, line) == (REC, _line_of(text, needle))
    assert got.startswith(message), got


@pytest.mark.parametrize("status", ["resolved", "rejected"])
def test_merchant_reply_and_feedback_on_a_final_status_are_valid(make_site: MakeSite, status: str) -> None:
    extra = ("merchant_reply:\n  date: 2026-03-14\n  text: |\n    已联系消费者。\n"
             "feedback:\n  rating: partly\n  date: 2026-03-20\n  comment: 处理及时。\n")
    check(make_site({REC: record(status=status, extra=extra)}))
