"""Statistics: counts and review times, quarter by quarter, the statistics page, and figures quoted in the guide."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import statistics
from pathlib import Path

import pytest
import yaml

from kspages.build import build
from kspages.errors import BuildError
from kspages.public import shop_url
from kspages.stats import Case, Share, case, quarter_label, quarter_of, quarterly

from .conftest import N1, N2, N3, REPO, SITE_YAML, MakeSite, record

DAY = dt.date(2026, 11, 1)
GUIDE = "---\ntitle: 第一页\norder: 1\n---\n\n通常需要 {{ stats.median_days.false_advertising }} 天，共 {{stats.total}} 件。\n"


def _history(days: int) -> str:
    end = dt.date(2026, 3, 14) + dt.timedelta(days=days)
    return ("  - {date: 2026-03-14, status: pending}\n"
            f"  - {{date: {end.isoformat()}, status: resolved}}\n")


def test_guide_pages_quote_live_figures(make_site: MakeSite) -> None:
    root = make_site({"content/guide/01-first.md": GUIDE,
                      f"content/records/2026/{N1}.yaml": record(N1, history=_history(3)),
                      f"content/records/2026/{N2}.yaml": record(N2, history=_history(10)),
                      f"content/records/2026/{N3}.yaml": record(N3, status="pending", notice=False)})
    build(root, as_of=DAY)
    page = (root / "output/guide/first/index.html").read_text("utf-8")
    assert "通常需要 6.5 天，共 3 件。" in page  # median of 3 and 10; the pending one has no decision yet
    stats = (root / "output/stats/index.html").read_text("utf-8")
    assert '<svg role="img"' in stats and "<title id=\"chart-category-t\">" in stats
    assert "虚假宣传：3件" in stats  # the text alternative of the category chart
    assert re.search(r"<th scope=\"row\">虚假宣传</th><td>6.5</td><td>10</td><td>2</td>", stats)


def test_a_category_without_decisions_shows_a_dash(make_site: MakeSite) -> None:
    root = make_site({"content/guide/01-first.md": GUIDE.replace("false_advertising", "after_sales")})
    build(root, as_of=DAY)
    assert "通常需要 — 天" in (root / "output/guide/first/index.html").read_text("utf-8")


@pytest.mark.parametrize("quote, message, hint", [
    ("{{ stats.median_day.all }}", "unknown figure 'stats.median_day.all'", "did you mean 'median_days'?"),
    ("{{ stats.median_days.aftersales }}", "unknown figure 'stats.median_days.aftersales'",
     "did you mean 'after_sales'?"),
    ("{{ stats.median_days }}", "'stats.median_days' names a group, not a figure", "add one of: after_sales"),
    ("{{ stats.total.x }}", "unknown figure 'stats.total.x'", "stats.total is a single figure"),
])
def test_an_unknown_figure_is_an_error_at_its_line(make_site: MakeSite, quote: str, message: str, hint: str) -> None:
    guide = f"---\ntitle: 第一页\norder: 1\n---\n\n第一段。\n\n第二段 {quote}。\n"
    with pytest.raises(BuildError) as info:
        build(make_site({"content/guide/01-first.md": guide}), as_of=DAY)
    [error] = info.value.errors
    assert (error.path, error.line, error.message) == ("content/guide/01-first.md", 8, message)
    assert hint in error.hint


def test_bundled_guide_quotes_the_figures_of_the_bundled_records(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    build(root, as_of=DAY)
    days = []
    for file in (root / "content/records").rglob("*.yaml"):
        data = yaml.safe_load(file.read_text("utf-8"))
        if data["status"] in ("resolved", "rejected"):
            days.append((data["history"][-1]["date"] - data["received"]).days)
    median = statistics.median(days)
    expected = str(int(median)) if median == int(median) else f"{median:.1f}"
    page = (root / "output/guide/review/index.html").read_text("utf-8")
    assert f"一半的投诉用了不超过 {expected} 天" in page
    assert "{{" not in page


def test_settings_labels_name_the_bars(make_site: MakeSite) -> None:
    site = SITE_YAML + "labels:\n  category:\n    false_advertising: 夸大宣传\n"
    root = make_site({"content/site.yaml": site})
    build(root, as_of=DAY)
    assert "夸大宣传：1件" in (root / "output/stats/index.html").read_text("utf-8")


# Quarter by quarter (issue 13, item 5).

D = dt.date


def _case(received: dt.date, decided: dt.date | None = None, upheld: bool = False, rating: str | None = None,
          category: str = "false_advertising") -> Case:
    return Case(category, received, decided, upheld, rating)


@pytest.mark.parametrize("day, label", [
    (D(2025, 12, 31), "2025年四季度"), (D(2026, 1, 1), "2026年一季度"), (D(2026, 3, 31), "2026年一季度"),
    (D(2026, 4, 1), "2026年二季度"), (D(2026, 6, 30), "2026年二季度"), (D(2026, 7, 1), "2026年三季度"),
    (D(2026, 9, 30), "2026年三季度"), (D(2026, 10, 1), "2026年四季度"),
])
def test_quarter_boundaries(day: dt.date, label: str) -> None:
    assert quarter_label(quarter_of(day)) == label


def test_quarters_run_from_the_first_complaint_to_the_build_day() -> None:
    cases = [_case(D(2025, 11, 3)), _case(D(2026, 5, 20)), _case(D(2026, 9, 1))]  # the last is after the build day
    rows = quarterly(cases, D(2026, 8, 15))
    assert [(r.label, r.received, r.until) for r in rows] == [
        ("2025年四季度", 1, ""), ("2026年一季度", 0, ""), ("2026年二季度", 1, ""),
        ("2026年三季度", 0, "2026年8月15日")]
    assert [r.label for r in quarterly(cases, D(2026, 8, 15), only_with_data=True)] == ["2025年四季度", "2026年二季度"]
    assert quarterly(cases, D(2025, 11, 2)) == ()  # nothing received yet on the build day


def test_only_the_last_quarters_are_shown() -> None:
    rows = quarterly([_case(D(2023, 2, 1)), _case(D(2026, 5, 1))], D(2026, 5, 1), shown=8)
    assert [r.label for r in rows][0] == "2024年三季度" and len(rows) == 8 and rows[-1].received == 1


def test_median_days_over_decided_complaints_only() -> None:
    day = D(2026, 4, 1)
    odd = [_case(day, day + dt.timedelta(days=n)) for n in (20, 3, 10)] + [_case(day)]
    assert quarterly(odd, D(2026, 6, 30))[0].median_days == 10
    even = [_case(day, day + dt.timedelta(days=n)) for n in (3, 10)] + [_case(day), _case(day)]
    [row] = quarterly(even, D(2026, 6, 30))
    assert (row.median_days, row.days_text) == (6.5, "6.5")
    assert quarterly([_case(day)], D(2026, 6, 30))[0].days_text == "—"


def test_upheld_counts_only_decided_complaints() -> None:
    day, as_of = D(2026, 4, 1), D(2026, 6, 30)
    steps = {"pending": [(day, "pending")],
             "in_progress": [(day, "pending"), (D(2026, 4, 2), "in_progress")],
             "withdrawn": [(day, "pending"), (D(2026, 4, 3), "withdrawn")],
             "resolved": [(day, "pending"), (D(2026, 4, 5), "resolved")],
             "rejected": [(day, "pending"), (D(2026, 4, 9), "rejected")]}
    cases = [case("other", day, steps[s], verdict, None, as_of) for s, verdict in [
        ("pending", False), ("in_progress", False), ("withdrawn", False), ("resolved", True),
        ("resolved", False), ("rejected", False)]]
    [row] = quarterly(cases, as_of)
    assert row.received == 6 and row.pending == 3
    assert row.upheld == Share(1, 3)  # one upheld, one resolved otherwise, one rejected; the rest undecided
    assert row.median_days == 4


def test_the_build_day_bounds_decisions_and_feedback() -> None:
    day = D(2026, 4, 1)
    steps = [(day, "pending"), (D(2026, 4, 10), "rejected"), (D(2026, 5, 2), "in_progress"),
             (D(2026, 5, 20), "resolved")]  # rejected, reopened on review (复核), then resolved
    assert case("other", day, steps, True, "satisfied", D(2026, 4, 9)).decided is None
    rejected = case("other", day, steps, True, "satisfied", D(2026, 4, 30))
    assert (rejected.decided, rejected.upheld) == (D(2026, 4, 10), False)
    assert case("other", day, steps, True, None, D(2026, 5, 10)).decided is None  # reopened: undecided again
    resolved = case("other", day, steps, True, "satisfied", D(2026, 6, 1))
    assert (resolved.decided, resolved.upheld, resolved.rating) == (D(2026, 5, 20), True, "satisfied")


def test_satisfaction_among_those_who_rated() -> None:
    day, done = D(2026, 7, 1), D(2026, 7, 9)
    cases = [_case(day, done, rating=r) for r in ("satisfied", "partly", "unsatisfied", None)]
    assert quarterly(cases, D(2026, 9, 1))[0].satisfied == Share(2, 3)


@pytest.mark.parametrize("share, text, few", [
    (Share(2, 3), "3 件中 2 件（67%）", True), (Share(1, 8), "8 件中 1 件（13%）", False),
    (Share(0, 1), "1 件中 0 件（0%）", True), (Share(5, 5), "5 件中 5 件（100%）", False), (Share(0, 0), "—", False),
])
def test_a_share_shows_its_counts(share: Share, text: str, few: bool) -> None:
    assert (share.text, share.few) == (text, few)


NUMBERS = ["KS-GJBE-9EB8-M", "KS-4DJ1-V80H-3", "KS-95GW-V8GP-F", "KS-EZVQ-VM7P-5", "KS-GW8W-WBJC-B", "KS-8ZFF-CQ84-1"]


def _record(number: str, received: str, decided: str | None = None, status: str = "resolved",
            outcome: str = "refund", rating: str | None = None, publish: bool = True,
            merchant: str = "示例旗舰店") -> str:
    """A record received on one day and, unless pending, decided on another (its notice dated that day)."""
    history = f"  - {{date: {received}, status: pending}}\n"
    if status != "pending":
        reason = ", reason: insufficient_evidence" if status == "rejected" else ""
        history += f"  - {{date: {decided}, status: {status}{reason}}}\n"
    text = (f"number: {number}\nreceived: {received}\ncategory: price_mismatch\nchannel: in_app_report\n"
            f"merchant: {merchant}\nstatus: {status}\n" + (f"outcome: {outcome}\n" if status == "resolved" else "")
            + "history:\n" + history + "complainant:\n  name: 张伟\ndescription: |\n  我在直播间买的。\n")
    if rating:
        text += f"feedback:\n  rating: {rating}\n"
    if publish and status != "pending":
        text += (f"notice:\n  publish: true\n  date: {decided}\n  title: 关于{merchant}价格不符投诉的处理结果\n"
                 "  body: |\n    经核查，已处理。\n")
    return text


def _quarter_rows(page: str, table: str) -> list[str]:
    body = page.split(f'<caption id="{table}-c">')[1].split("</tbody>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", body)
    return [re.sub(r"\|+", "|", re.sub(r"<[^>]+>", "|", re.sub(r"</?span[^>]*>", "", row))) for row in rows]


def test_statistics_page_compares_quarters(make_site: MakeSite) -> None:
    n1, n2, n3, n4 = NUMBERS[:4]
    root = make_site({
        f"content/records/2026/{n1}.yaml": _record(n1, "2026-03-31", "2026-04-03", rating="satisfied"),
        f"content/records/2026/{n2}.yaml": _record(n2, "2026-04-01", "2026-04-11", status="rejected"),
        f"content/records/2026/{n3}.yaml": _record(n3, "2026-04-02", status="pending"),
        f"content/records/2026/{n4}.yaml": _record(n4, "2026-04-05", "2026-04-25", outcome="explanation",
                                                   rating="unsatisfied"),
    })
    build(root, as_of=D(2026, 8, 15))
    page = (root / "output/stats/index.html").read_text("utf-8")
    assert '<h3 id="quarters-price_mismatch">价格不符</h3>' in page
    assert '<svg role="img" aria-labelledby="chart-quarters-price_mismatch-t"' in page
    # The default record of the fixture (false_advertising, received 2026-03-14, refund) joins the first quarter.
    assert _quarter_rows(page, "table-quarters-price_mismatch") == [
        "|2026年一季度|1 件|1 件中 1 件（100%）|3 天|1 件中 1 件（100%）|",
        "|2026年二季度|3 件其中 1 件未作出结论|2 件中 0 件（0%）|15 天|1 件中 0 件（0%）|",
        "|2026年三季度截至 2026年8月15日|0 件|—|—|—|"]
    assert _quarter_rows(page, "table-quarters-all")[0] == "|2026年一季度|2 件|2 件中 2 件（100%）|4.5 天|1 件中 1 件（100%）|"
    assert "chart-bar chart-bar-few" in page  # shares over fewer than five complaints are drawn pale
    assert "2026年四季度" not in page  # nothing after the build day's quarter


def test_an_earlier_build_day_shows_that_day_s_figures(make_site: MakeSite) -> None:
    n1, n2, n3 = NUMBERS[:3]
    root = make_site({
        f"content/records/2026/{n1}.yaml": _record(n1, "2026-03-31", "2026-04-03", rating="satisfied"),
        f"content/records/2026/{n2}.yaml": _record(n2, "2026-04-01", "2026-04-11", status="rejected"),
        f"content/records/2026/{n3}.yaml": _record(n3, "2026-04-20", "2026-04-25"),  # received after the build day
    })
    build(root, as_of=D(2026, 4, 8))
    page = (root / "output/stats/index.html").read_text("utf-8")
    assert _quarter_rows(page, "table-quarters-price_mismatch") == [
        "|2026年一季度|1 件|1 件中 1 件（100%）|3 天|1 件中 1 件（100%）|",
        "|2026年二季度截至 2026年4月8日|1 件其中 1 件未作出结论|—|—|—|"]


def test_shop_pages_count_published_complaints_by_quarter(make_site: MakeSite) -> None:
    n1, n2, n3, n4, n5 = NUMBERS[:5]
    root = make_site({
        f"content/records/2026/{n1}.yaml": _record(n1, "2026-01-10", "2026-01-20", merchant="甲店"),
        f"content/records/2026/{n2}.yaml": _record(n2, "2026-02-10", "2026-02-12", status="rejected",
                                                   merchant="甲店"),
        f"content/records/2026/{n3}.yaml": _record(n3, "2026-05-10", "2026-05-30", merchant="甲店"),
        f"content/records/2026/{n4}.yaml": _record(n4, "2026-07-10", "2026-07-11", merchant="甲店", publish=False),
        f"content/records/2026/{n5}.yaml": _record(n5, "2026-07-10", "2026-07-19", merchant="乙店"),
    })
    build(root, as_of=D(2026, 11, 30))
    shop = (root / f"output/{shop_url('甲店')}index.html").read_text("utf-8")
    # Only quarters with published complaints: the unpublished one of 三季度 shows nowhere on the shop page.
    assert _quarter_rows(shop, "table-shop-quarters") == [
        "|2026年一季度|2 件|2 件中 1 件（50%）|6 天|—|", "|2026年二季度|1 件|1 件中 1 件（100%）|20 天|—|"]
    assert 'aria-labelledby="chart-shop-quarters-t"' in shop and shop.count("{% include") == 0
    other = (root / f"output/{shop_url('乙店')}index.html").read_text("utf-8")
    assert _quarter_rows(other, "table-shop-quarters") == ["|2026年三季度|1 件|1 件中 1 件（100%）|9 天|—|"]
    assert "chart-shop-quarters" not in other.replace("table-shop-quarters", "")  # one quarter: a table is enough
    stats = (root / "output/stats/index.html").read_text("utf-8")
    assert "|2026年三季度|2 件|2 件中 2 件（100%）|5 天|—|" in _quarter_rows(stats, "table-quarters-price_mismatch")
