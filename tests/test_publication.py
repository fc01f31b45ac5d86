"""Publication rules: approval, final status, delay after the decision, --as-of, withdrawal and tombstones."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from kspages.build import build, check
from kspages.cli import main
from kspages.errors import BuildError

from .conftest import N1, N2, SITE_YAML, MakeSite, record, snapshot

DELAYED = SITE_YAML + "publication:\n  delay_days: 7\n"  # decided 2026-03-20, notice dated 2026-03-21


def _status(root: object, number: str) -> dict[str, object]:
    from pathlib import Path
    assert isinstance(root, Path)
    for shard in (root / "output/status/shards").glob("*.json"):
        entries = json.loads(shard.read_text("utf-8"))["entries"]
        if number in entries:
            return dict(entries[number])
    raise AssertionError(f"{number} has no status entry")


@pytest.mark.parametrize("as_of, published", [(dt.date(2026, 3, 26), False), (dt.date(2026, 3, 27), True)])
def test_a_notice_waits_for_the_delay_after_the_decision(make_site: MakeSite, as_of: dt.date,
                                                         published: bool) -> None:
    root = make_site({"content/site.yaml": DELAYED})
    report = build(root, as_of=as_of)
    assert report.notices == int(published)
    assert (root / f"output/notices/{N1}/index.html").exists() == published
    # Unpublished or not, anyone with the number sees the status.
    assert _status(root, N1)["status"] == "resolved"
    assert _status(root, N1)["notice"] == (f"notices/{N1}/" if published else None)


def test_a_notice_dated_in_the_future_is_not_published_yet(make_site: MakeSite) -> None:
    root = make_site()
    assert build(root, as_of=dt.date(2026, 3, 20)).notices == 0
    assert build(root, as_of=dt.date(2026, 3, 21)).notices == 1


def test_the_same_sources_and_date_give_the_same_bytes(make_site: MakeSite, tmp_path: object) -> None:
    root = make_site({"content/site.yaml": DELAYED})
    build(root, root / "one", as_of=dt.date(2026, 4, 1))
    build(root, root / "two", as_of=dt.date(2026, 4, 1))
    assert snapshot(root / "one") == snapshot(root / "two")


def test_withdrawing_a_notice_leaves_a_tombstone_that_says_only_that(make_site: MakeSite) -> None:
    root = make_site()
    build(root, as_of=dt.date(2026, 4, 1))
    page = root / f"output/notices/{N1}/index.html"
    assert "经核查，投诉属实" in page.read_text("utf-8")
    (root / f"content/records/2026/{N1}.yaml").write_text(record().replace("publish: true", "publish: false"), "utf-8")
    report = build(root, as_of=dt.date(2026, 4, 1))
    assert report.notices == 0 and report.withdrawn == 1
    text = page.read_text("utf-8")
    assert "已撤回" in text and 'content="noindex"' in text
    for gone in ("经核查", "示例旗舰店", "虚假宣传", "2026-03-21"):
        assert gone not in text
    assert "notices/" + N1 not in (root / "output/notices/index.html").read_text("utf-8")
    assert _status(root, N1)["notice"] is None
    assert [w.message for w in report.warnings] == [
        "notice dated 2026-03-21 is withdrawn: its page says only that"]


def test_a_reopened_complaint_takes_its_notice_down(make_site: MakeSite) -> None:
    history = ("  - {date: 2026-03-14, status: pending}\n"
               "  - {date: 2026-03-20, status: rejected, reason: insufficient_evidence}\n"
               "  - {date: 2026-04-02, status: in_progress, note: 消费者补充证据后复核}\n")
    root = make_site({f"content/records/2026/{N1}.yaml": record(status="in_progress", history=history)})
    report = build(root, as_of=dt.date(2026, 4, 5))
    assert report.withdrawn == 1 and "已撤回" in (root / f"output/notices/{N1}/index.html").read_text("utf-8")


def test_a_draft_without_a_date_leaves_no_trace(make_site: MakeSite) -> None:
    draft = record(N2).replace("publish: true", "publish: false").replace("  date: 2026-03-21\n", "")
    root = make_site({f"content/records/2026/{N2}.yaml": draft})
    report = build(root, as_of=dt.date(2026, 4, 1))
    assert report.withdrawn == 0 and report.warnings == []
    assert not (root / f"output/notices/{N2}").exists()


def test_publication_settings_are_validated(make_site: MakeSite) -> None:
    bad = SITE_YAML + "publication:\n  delay_days: -1\n  delay: 3\nprivacy:\n  people: names\n  allow: 13800000000\n"
    with pytest.raises(BuildError) as info:
        check(make_site({"content/site.yaml": bad}))
    assert [(e.line, e.message) for e in info.value.errors] == [
        (4, "'publication.delay_days' must be a whole number of at least 0, not '-1'"),
        (5, "unknown key 'publication.delay'"),
        (7, "unknown value 'names' for 'privacy.people'"),
        (8, "'privacy.allow' must be a list of values, one per line"),
    ]


def test_as_of_on_the_command_line(make_site: MakeSite) -> None:
    root = make_site({"content/site.yaml": DELAYED})
    runner = CliRunner()
    early = runner.invoke(main, ["-v", "build", "--site", str(root), "--as-of", "2026-03-26"])
    assert early.exit_code == 0 and "0 notices" in early.output
    late = runner.invoke(main, ["-v", "build", "--site", str(root), "--as-of", "2026-03-27"])
    assert late.exit_code == 0 and "1 notices" in late.output
    assert runner.invoke(main, ["build", "--site", str(root), "--as-of", "27/03/2026"]).exit_code == 2


def test_check_lists_what_will_be_masked_without_the_values_unless_asked(make_site: MakeSite) -> None:
    body = "消费者张伟（电话 138 1234 5678）已退款。\n    另：快递单号SF1234567890123。"
    root = make_site({f"content/records/2026/{N1}.yaml": record().replace("    经核查，投诉属实。商家已退款。",
                                                                          f"    {body}")})
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--site", str(root)])
    assert result.exit_code == 0
    where = f"content/records/2026/{N1}.yaml"
    assert f"{where}:24: notice.body: will hide 〔姓名〕 x1, 〔手机号〕 x1" in result.output
    assert f"{where}:25: notice.body: will hide 〔物流单号〕 x1" in result.output
    assert "3 pieces of personal data will be hidden" in result.output
    assert "13812345678" not in result.output and "138 1234" not in result.output and "张伟" not in result.output
    shown = runner.invoke(main, ["check", "--site", str(root), "--show"])
    assert "〔手机号〕 <- 138 1234 5678" in shown.output
