"""Every command and exit code through Click's runner."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from kspages import __version__, numbers
from kspages.cli import main

from .conftest import N1, MakeSite, record

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_build_prints_one_summary_line(make_site: MakeSite) -> None:
    root = make_site()
    result = runner.invoke(main, ["build", "--site", str(root)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"built \d+ files into .+: \d+ written, 0 unchanged, 0 removed \(\d+ pages rendered\) in [\d.]+ s\n", result.output)
    again = runner.invoke(main, ["build", "--site", str(root)])
    assert re.search(r": 0 written, \d+ unchanged, 0 removed", again.output)


def test_quiet_prints_nothing_on_success(make_site: MakeSite) -> None:
    result = runner.invoke(main, ["-q", "build", "--site", str(make_site())])
    assert result.exit_code == 0 and result.output == ""


def test_quiet_and_verbose_are_accepted_after_the_command_too(make_site: MakeSite) -> None:
    root = make_site()
    quiet = runner.invoke(main, ["build", "--site", str(root), "-q"])
    assert quiet.exit_code == 0 and quiet.output == "", quiet.output
    verbose = runner.invoke(main, ["build", "-v", "--site", str(root)])
    assert verbose.exit_code == 0 and "1 guide pages, 1 records, 1 notices" in verbose.output
    checked = runner.invoke(main, ["check", "--quiet", "--site", str(root)])
    assert checked.exit_code == 0 and checked.output == ""
    assert runner.invoke(main, ["number", "check", "-q", numbers.generate()]).exit_code == 0


def test_build_with_errors_exits_1_with_path_line_and_hint(make_site: MakeSite) -> None:
    bad = record().replace("category: false_advertising", "category: fake_ad")
    root = make_site({f"content/records/2026/{N1}.yaml": bad})
    result = runner.invoke(main, ["build", "--site", str(root)])
    assert result.exit_code == 1
    assert f"content/records/2026/{N1}.yaml:3: error: unknown category 'fake_ad'" in result.output
    assert "  hint: " in result.output
    assert "1 error in 1 file;" in result.output and "left as it was" in result.output
    assert "Traceback" not in result.output and not (root / "output").exists()


def test_build_into_other_folder(make_site: MakeSite, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    result = runner.invoke(main, ["build", "--site", str(make_site()), "--out", str(out)])
    assert result.exit_code == 0 and (out / "index.html").exists()


def test_check_writes_nothing(make_site: MakeSite) -> None:
    root = make_site()
    result = runner.invoke(main, ["check", "--site", str(root)])
    assert result.exit_code == 0 and result.output.startswith("ok: 1 guide pages, 1 records, 1 notices")
    assert not (root / "output").exists()
    bad = runner.invoke(main, ["check", "--site", str(make_site({"content/site.yaml": "title: [x"}))])
    assert bad.exit_code == 1 and "content/site.yaml:" in bad.output and "YAML syntax error" in bad.output


def test_verbose_prints_warnings_and_counts(make_site: MakeSite) -> None:
    pending = record(status="in_progress")  # approved notice, but not final yet
    root = make_site({f"content/records/2026/{N1}.yaml": pending})
    result = runner.invoke(main, ["-v", "build", "--site", str(root)])
    assert result.exit_code == 0
    assert "warning: notice approved but not published: status is 'in_progress'" in result.output
    assert "1 guide pages, 1 records, 0 notices" in result.output


def test_usage_errors_exit_2(make_site: MakeSite, tmp_path: Path) -> None:
    assert runner.invoke(main, ["build", "--site", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(main, ["build", "--nope"]).exit_code == 2
    assert runner.invoke(main, ["number", "check"]).exit_code == 2
    assert runner.invoke(main, ["number", "new", "--count", "0"]).exit_code == 2
    assert runner.invoke(main, ["new", "--site", str(make_site()), "--category", "bogus"]).exit_code == 2


def test_number_new_prints_count_fresh_numbers() -> None:
    result = runner.invoke(main, ["number", "new", "--count", "50"])
    lines = result.output.splitlines()
    assert result.exit_code == 0 and len(lines) == len(set(lines)) == 50
    assert all(numbers.check(n).number == n for n in lines)


def test_number_check_says_which_problem_and_exits_1_if_any() -> None:
    good = runner.invoke(main, ["number", "check", N1, "ks 4qgj 5s13 0"])
    assert good.exit_code == 0
    assert good.output == f"{N1}: ok\nks 4qgj 5s13 0: ok ({N1})\n"
    bad = runner.invoke(main, ["number", "check", N1, "KS-4QGJ-5S13-1", "hello"])
    assert bad.exit_code == 1
    assert "KS-4QGJ-5S13-1: wrong check character" in bad.output and "hello: malformed" in bad.output


def test_number_check_recognises_an_order_number_and_says_what_to_do() -> None:
    # What people type into the lookup instead: the app's order number. Staff get the status page's answer.
    result = runner.invoke(main, ["number", "check", "260300000186809"])
    assert result.exit_code == 1
    assert result.output.startswith("260300000186809: an order number from the shopping app")
    assert "not a complaint number" in result.output and "start with KS" in result.output
    assert "find the record by its order id" in result.output and "malformed" not in result.output
    # Beside a good number the exit code is still 1; a 14-digit string is no order number, just malformed.
    mixed = runner.invoke(main, ["number", "check", N1, "2603 0000 0186 809", "26030000018680"])
    assert mixed.exit_code == 1
    assert f"{N1}: ok\n2603 0000 0186 809: an order number" in mixed.output
    assert "26030000018680: malformed" in mixed.output


def test_new_starts_a_record_that_checks_clean(make_site: MakeSite) -> None:
    root = make_site()
    result = runner.invoke(main, ["new", "--site", str(root), "--category", "price_mismatch",
                                  "--channel", "customer_service", "--merchant", "示例小店", "--date", "2026-04-01"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path.parent == root / "content/records/2026" and path.name.startswith("KS-")
    text = path.read_text("utf-8")
    assert "category: price_mismatch" in text and "received: 2026-04-01" in text and "【不公开】" in text
    check = runner.invoke(main, ["check", "--site", str(root)])
    assert check.exit_code == 0, check.output
    assert "2 records" in check.output


def test_verbose_build_prints_stage_timings_and_no_bar_off_a_terminal(make_site: MakeSite) -> None:
    result = runner.invoke(main, ["-v", "build", "--site", str(make_site())])
    assert result.exit_code == 0
    assert re.search(r"^stages: load [\d.]+ s, render [\d.]+ s, search [\d.]+ s, check [\d.]+ s, write [\d.]+ s$", result.output, re.M)
    assert "rendering" not in result.output  # the progress bar is for terminals only


def test_progress_counts_every_page_up_to_the_total(make_site: MakeSite) -> None:
    from kspages.build import build
    calls: list[tuple[int, int]] = []
    report = build(make_site(), progress=lambda done, total: calls.append((done, total)))
    totals = {total for _, total in calls}
    assert len(totals) == 1 and [done for done, _ in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] == report.rendered
