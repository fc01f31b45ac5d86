"""Merchant replies and complainant feedback (issue 13): on notice pages, fair shop pages, statistics, open data,
and through the scrubber and the leak gate like every public text."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from kspages.build import build, check
from kspages.errors import BuildError
from kspages.model import validate_record
from kspages.privacy import scrub
from kspages.public import shop_url
from kspages.read import parse_yaml_file

from .conftest import N1, N2, N3, REPO, MakeSite, open_data, record, snapshot

DAY = dt.date(2026, 11, 1)
N4, N5 = "KS-1Q5Z-Z36C-T", "KS-58T1-M142-Q"  # valid numbers of the bundled site
REPLY = "merchant_reply:\n  date: 2026-03-18\n  text: |\n    宣传用语有误，已向消费者致歉并办理退款。\n"
FEEDBACK = "feedback:\n  rating: partly\n  date: 2026-03-22\n  comment: 退款到账了，希望商家以后如实宣传。\n"


def _rejected(number: str, merchant: str = "示例旗舰店", extra: str = "") -> str:
    return record(number, status="rejected", extra=extra).replace("示例旗舰店", merchant)


def _withdrawn(number: str, merchant: str = "示例旗舰店") -> str:
    history = "  - {date: 2026-03-14, status: pending}\n  - {date: 2026-03-16, status: withdrawn}\n"
    return record(number, status="withdrawn", history=history).replace("示例旗舰店", merchant)


def _explained(number: str) -> str:
    return record(number).replace("outcome: refund", "outcome: explanation")


def _main(page: str) -> str:
    return page.split('<main id="main">', 1)[1].split("</main>", 1)[0]


def _headings(main: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", main)]


def test_the_notice_shows_the_reply_and_the_feedback(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N1}.yaml": record(extra=REPLY + FEEDBACK)})
    build(root, as_of=DAY)
    page = _main((root / f"output/notices/{N1}/index.html").read_text("utf-8"))
    assert '<h2 id="reply">商家回应</h2>' in page and '<time datetime="2026-03-18">' in page
    assert "宣传用语有误，已向消费者致歉并办理退款。" in page
    assert '<h2 id="feedback">投诉人评价</h2>' in page
    assert "投诉人对处理结果的评价：<strong class=\"rating-partly\">基本满意</strong>" in page
    assert "退款到账了，希望商家以后如实宣传。" in page
    # The reply and the feedback come after the result and before the timeline.
    assert page.index("经核查") < page.index("商家回应") < page.index("投诉人评价") < page.index("处理经过")


def test_a_notice_without_reply_or_feedback_shows_neither_section(make_site: MakeSite) -> None:
    root = make_site()
    build(root, as_of=DAY)
    page = _main((root / f"output/notices/{N1}/index.html").read_text("utf-8"))
    assert "商家回应" not in page and "商家未回应" not in page and "投诉人评价" not in page


def test_a_reply_or_feedback_dated_after_the_build_day_is_not_shown_yet(make_site: MakeSite) -> None:
    later = REPLY.replace("2026-03-18", "2026-12-01") + FEEDBACK.replace("2026-03-22", "2026-12-02")
    root = make_site({f"content/records/2026/{N1}.yaml": record(extra=later)})
    build(root, as_of=DAY)
    page = _main((root / f"output/notices/{N1}/index.html").read_text("utf-8"))
    assert "商家回应" not in page and "投诉人评价" not in page
    build(root, as_of=dt.date(2026, 12, 2))
    page = _main((root / f"output/notices/{N1}/index.html").read_text("utf-8"))
    assert "商家回应" in page and "投诉人评价" in page


def test_the_rating_label_follows_site_yaml(make_site: MakeSite) -> None:
    settings = "title: t\nbase_url: /\nlabels:\n  rating:\n    partly: 比较满意\n"
    root = make_site({"content/site.yaml": settings, f"content/records/2026/{N1}.yaml": record(extra=FEEDBACK)})
    build(root, as_of=DAY)
    assert ">比较满意</strong>" in (root / f"output/notices/{N1}/index.html").read_text("utf-8")


def test_shop_pages_keep_upheld_apart_from_resolved_rejected_and_withdrawn(make_site: MakeSite) -> None:
    root = make_site({
        f"content/records/2026/{N1}.yaml": record(extra=REPLY + FEEDBACK),  # upheld (refund), replied, rated
        f"content/records/2026/{N2}.yaml": _rejected(N2, extra="feedback:\n  rating: unsatisfied\n"),
        # withdrawn: no result to rate, so its rating is not counted (as in the quarterly share)
        f"content/records/2026/{N3}.yaml": _withdrawn(N3) + "feedback:\n  rating: satisfied\n",
        f"content/records/2026/{N4}.yaml": _explained(N4),  # resolved, but not in the consumer's favour
        f"content/records/2026/{N5}.yaml": record(N5, status="in_progress", notice=False),  # not published
    })
    build(root, as_of=DAY)
    page = _main((root / "output" / shop_url("示例旗舰店") / "index.html").read_text("utf-8"))
    facts = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "|", page.split('<dl class="facts">')[1].split("</dl>")[0]))
    for fact in ("已有结论的投诉||3件", "诉求获支持||1件，占33%", "已处理||2件，占67%（含诉求获支持的）", "未通过||1件",
                 "商家回应||1件，占33%", "投诉人撤回||1件（不计入比例）",
                 "投诉人评价||基本满意1位，不满意1位（共2位投诉人作出评价）"):
        assert fact in facts, (fact, facts)
    lists = [h for h in _headings(page) if "（" in h]
    assert lists == ["诉求获支持的投诉（1 件）", "已处理的其他投诉（1 件）", "未通过的投诉（1 件）", "投诉人撤回的投诉（1 件）"]
    sections = {key: page.split(f'id="list-{key}"')[1].split("</section>")[0]
                for key in ("upheld", "resolved-other", "rejected", "withdrawn")}
    assert N1 in sections["upheld"] and N4 in sections["resolved-other"] and N2 in sections["rejected"]
    assert N3 in sections["withdrawn"] and N5 not in page
    # The merchant's reply beside its complaint; the rejected one with its reason.
    assert "商家回应（<time datetime=\"2026-03-18\">2026-03-18</time>）：</span>宣传用语有误" in sections["upheld"]
    assert "商家回应" not in sections["rejected"] and "未通过（缺乏证据支持）" in sections["rejected"]
    assert "虚假宣传：3 件" in page  # by category: decided complaints only


def test_a_shop_whose_only_notice_was_rejected_reads_neutrally(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N1}.yaml": _rejected(N1)})
    build(root, as_of=DAY)
    page = _main((root / "output" / shop_url("示例旗舰店") / "index.html").read_text("utf-8"))
    headings = _headings(page)
    assert "未通过的投诉（1 件）" in headings and not any("支持" in h or h == "处理结果" for h in headings), headings
    assert "并不说明店铺有过错" in page and "诉求获支持</dt><dd>0 件" in page
    listing = _main((root / "output/shops/index.html").read_text("utf-8"))
    assert "已有结论 1 件，诉求获支持 0 件" in listing and "条公示" not in listing


def test_the_shop_list_is_by_name_and_counts_no_rejected_or_withdrawn_complaint(make_site: MakeSite) -> None:
    root = make_site({
        f"content/records/2026/{N1}.yaml": record().replace("示例旗舰店", "乙店"),
        f"content/records/2026/{N2}.yaml": _rejected(N2, "甲店"),
        f"content/records/2026/{N3}.yaml": _rejected(N3, "甲店"),
        f"content/records/2026/{N4}.yaml": _withdrawn(N4, "丙店"),
    })
    build(root, as_of=DAY)
    listing = _main((root / "output/shops/index.html").read_text("utf-8"))
    items = re.findall(r'<li><a href="[^"]+">([^<]+)</a> <span class="meta">([^<]*)</span></li>', listing)
    assert items == sorted(items) == [("丙店", "投诉人撤回 1 件"), ("乙店", "已有结论 1 件，诉求获支持 1 件"),
                                      ("甲店", "已有结论 2 件，诉求获支持 0 件")]


def test_statistics_count_the_feedback_of_decided_complaints_with_a_published_notice(make_site: MakeSite) -> None:
    satisfied = "feedback:\n  rating: satisfied\n"
    n6, n7 = "KS-7856-WHH7-R", "KS-XQ3P-EH99-T"  # valid numbers of the bundled site
    root = make_site({
        f"content/records/2026/{N1}.yaml": record(extra=FEEDBACK),  # partly: counted
        f"content/records/2026/{N2}.yaml": _rejected(N2, extra="feedback:\n  rating: unsatisfied\n"),  # counted
        f"content/records/2026/{N3}.yaml": record(N3, extra=satisfied, notice=False),  # no notice
        f"content/records/2026/{N4}.yaml": record(N4),  # published, no feedback
        f"content/records/2026/{N5}.yaml": record(N5, status="pending", notice=False),
        f"content/records/2026/{n6}.yaml": _withdrawn(n6) + satisfied,  # published, but withdrawn: no result
        f"content/records/2026/{n7}.yaml": record(n7, extra=satisfied).replace("publish: true", "publish: false"),
    })  # n7: the notice was withdrawn (a tombstone)
    build(root, as_of=DAY)
    page = _main((root / "output/stats/index.html").read_text("utf-8"))
    section = page.split('<h2 id="rating">')[1].split("</section>")[0]
    assert "这里只统计已有结论（已处理或未通过）、处理结果已经公示的投诉，与下面“逐季度比较”中满意比例的口径一致；" in section
    assert "这样的投诉共 3 件，其中 2 位投诉人对处理结果作出了评价：满意 0 位，基本满意 1 位，不满意 1 位。" in section
    assert "<desc id=\"chart-rating-d\">满意：0位；基本满意：1位；不满意：1位</desc>" in section
    # The quarterly share counts the same two ratings (基本满意 counts as satisfied).
    table = re.sub(r"<[^>]+>", "", page.split('id="table-quarters-all-c"')[1].split("</table>")[0])
    assert table.count("件中") == 2 and "2026年一季度" in table and "6 天2 件中 1 件（50%）" in table, table


def test_statistics_without_a_published_rating_say_so(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N1}.yaml": record(),
                      f"content/records/2026/{N2}.yaml": record(N2, extra=FEEDBACK, notice=False)})
    build(root, as_of=DAY)
    page = _main((root / "output/stats/index.html").read_text("utf-8"))
    section = page.split('<h2 id="rating">')[1].split("</section>")[0]
    assert "这样的投诉共 1 件，还没有投诉人对处理结果作出评价。" in section and "chart-rating" not in section


def test_shop_rates_round_half_up_as_the_statistics_page_does(make_site: MakeSite) -> None:
    numbers = sorted(p.stem for p in (REPO / "content/records").rglob("KS-*.yaml"))[:8]
    files = {f"content/records/2026/{n}.yaml": record(n, extra=REPLY if i == 0 else "") for i, n in enumerate(numbers)}
    build(root := make_site(files), as_of=DAY)
    page = _main((root / "output" / shop_url("示例旗舰店") / "index.html").read_text("utf-8"))
    assert "商家回应</dt><dd>1 件，占 13%</dd>" in page  # 1 of 8 is 12.5%: 四舍五入, not round half to even (12%)


def test_open_data_carries_the_reply_and_the_feedback(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N1}.yaml": record(extra=REPLY + FEEDBACK),
                      f"content/records/2026/{N2}.yaml": _rejected(N2)})
    build(root, as_of=DAY)
    index, found, csv_rows = open_data(snapshot(root / "output"))
    rows = {r["number"]: r for r in found}
    assert {k: v for k, v in rows[N1].items() if k.startswith(("merchant_reply", "feedback"))} == {
        "merchant_reply_date": "2026-03-18", "merchant_reply": "宣传用语有误，已向消费者致歉并办理退款。",
        "feedback_rating": "partly", "feedback_rating_label": "基本满意",
        "feedback_comment": "退款到账了，希望商家以后如实宣传。", "feedback_date": "2026-03-22"}
    assert all(rows[N2][k] is None for k in ("merchant_reply_date", "merchant_reply", "feedback_rating",
                                             "feedback_rating_label", "feedback_comment", "feedback_date"))
    assert index["labels"]["rating"] == {"satisfied": "满意", "partly": "基本满意", "unsatisfied": "不满意"}
    table = {r["number"]: r for r in csv_rows}
    assert table[N1]["feedback_rating"] == "partly" and table[N2]["merchant_reply"] == ""
    page = (root / "output/data/index.html").read_text("utf-8")
    assert "<code>merchant_reply</code>" in page and "<code>feedback_rating</code>" in page


# Personal data in the new public texts: the complainant's own (known values) and anyone else's (patterns, names).
PRIVATE_TEXT = ("merchant_reply:\n  date: 2026-03-18\n  text: 已给张伟退款，有问题请拨 13812345678 或联系店员李娜（电话16910553196）。\n"
                "feedback:\n  rating: satisfied\n  comment: 谢谢，我的电话是138 1234 5678，快递员陈玉梅也很负责。\n")


def test_personal_data_in_the_reply_and_the_comment_is_scrubbed_everywhere(make_site: MakeSite) -> None:
    root = make_site({f"content/records/2026/{N1}.yaml": record(extra=PRIVATE_TEXT)})
    build(root, as_of=DAY)
    out = root / "output"
    pages = [out / f"notices/{N1}/index.html", out / shop_url("示例旗舰店") / "index.html",
             *sorted((out / "data").glob("notices-*"))]
    assert len(pages) == 4
    for path in pages:
        text = path.read_text("utf-8")
        for leaked in ("张伟", "13812345678", "1234 5678", "16910553196", "李娜", "陈玉梅"):
            assert leaked not in text, (path, leaked)
    notice = (out / f"notices/{N1}/index.html").read_text("utf-8")
    assert "〔手机号〕" in notice and "已给消费者退款" in notice
    assert "本通知已隐去" in notice


def test_kspages_check_lists_what_was_hidden_in_the_reply_and_the_comment_with_its_line(make_site: MakeSite) -> None:
    text = record(extra=PRIVATE_TEXT)
    root = make_site({f"content/records/2026/{N1}.yaml": text})
    report = check(root, as_of=DAY)
    lines = text.splitlines()
    where = {(m.field, m.line) for m in report.masks}
    assert ("merchant_reply.text", next(i for i, t in enumerate(lines, 1) if t.startswith("  text:"))) in where
    assert ("feedback.comment", next(i for i, t in enumerate(lines, 1) if t.startswith("  comment:"))) in where


@pytest.mark.parametrize(("field", "written"), [("merchant_reply.text", "13812345678"),
                                                ("feedback.comment", "138 1234 5678"),
                                                ("merchant_reply.text", "张伟")])
def test_with_the_scrubber_disabled_the_gate_stops_an_own_value_in_the_reply_or_the_comment(
        make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, field: str, written: str) -> None:
    section, key = field.split(".")
    extra = (f"merchant_reply:\n  date: 2026-03-18\n  text: 已联系 {written} 处理。\n" if section == "merchant_reply"
             else f"feedback:\n  rating: satisfied\n  comment: 可以联系 {written}。\n")
    root = make_site({f"content/records/2026/{N1}.yaml": record(extra=extra)})
    build(root, as_of=DAY)  # scrubbed: the build passes
    assert written not in (root / f"output/notices/{N1}/index.html").read_text("utf-8")
    shutil.rmtree(root / ".kspages-cache")  # else the scrubbed texts of the first build are reused
    monkeypatch.setattr(scrub.Scrubber, "scrub", lambda self, t: scrub.Scrubbed(t, ()))
    out = root / "unscrubbed"
    with pytest.raises(BuildError) as info:
        build(root, out=out, as_of=DAY)
    private = "complainant.phone" if written[0].isdigit() else "complainant.name"
    messages = [e.message for e in info.value.errors]
    assert any(f"private field '{private}' would be published" in m for m in messages), messages
    assert not out.exists()


def test_a_bundled_site_exercises_replies_feedback_and_four_quarters() -> None:
    records = []
    for path in sorted((REPO / "content/records").rglob("*.yaml")):
        errors: list[object] = []
        r = validate_record(parse_yaml_file(str(path), path.read_bytes()), errors)  # type: ignore[arg-type]
        assert r is not None and not errors, (path, errors)
        records.append(r)
    assert sum(r.merchant_reply is not None for r in records) >= 5
    assert {r.feedback.rating for r in records if r.feedback} == {"satisfied", "partly", "unsatisfied"}
    assert len({(r.received.year, (r.received.month - 1) // 3) for r in records}) >= 4
