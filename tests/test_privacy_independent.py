"""The harness of issue 12, item 6 measures what it claims: tested with scrubbers whose result is known.

These tests check the measuring stick, not the scrubber: a scrubber that does nothing must be reported with leaks,
one that replaces exactly the gold spans with none, one that eats a function word with grammar damage.
"""

from __future__ import annotations

import pytest

from benchmarks.privacy import evaluate, grammar, independent, notes
from benchmarks.privacy.measure import Builder, Case, Gold, damage, gold_by_substring, markers, measure
from kspages.privacy import Hit, Scrubbed

SMALL = {"records": 30, "grammar_count": 60, "seed": 11}


def nothing(case: Case) -> Scrubbed:
    return Scrubbed(case.text, ())


def replace(case: Case, spans: list[tuple[int, int, str]]) -> Scrubbed:
    out, hits, end = [], [], 0
    for start, stop, kind in sorted(spans):
        out += [case.text[end:start], "〔个人信息〕"]
        hits.append(Hit(kind, "〔个人信息〕", case.text[start:stop], start))
        end = stop
    out.append(case.text[end:])
    return Scrubbed("".join(out), tuple(hits))


def gold_only(case: Case) -> Scrubbed:
    return replace(case, [(g.start, g.end, g.kind) for g in case.gold])


def one_more_before(case: Case) -> Scrubbed:
    """Replaces every gold span and the character before it (对于李女士 -> 对〔...〕)."""
    return replace(case, [(max(0, g.start - 1), g.end, g.kind) for g in case.gold])


def test_the_corpora_are_seeded_and_their_gold_spans_fit() -> None:
    first, again = independent.independent(20, 3), independent.independent(20, 3)
    assert [c.text for c in first] == [c.text for c in again]
    assert len(notes.NOTES) >= 120 and len(notes.negatives()) >= 150
    for case in [*first, *independent.issue_cases(), *notes.staff_notes(), *grammar.grammar_cases(50, 1)]:
        for g in case.gold:
            assert 0 <= g.start < g.end <= len(case.text) and (g.digits or g.words)
    with pytest.raises(ValueError):
        gold_by_substring("联系快递员", [("王芳", "name", False)])


def test_library_values_are_stored_as_the_libraries_return_them() -> None:
    cases = independent.independent(60, 5)
    phones = {v.value for c in cases for v in c.known if v.field == "complainant.phone"}
    assert any(p.startswith("+86 ") and p[7] == "-" for p in phones)  # mimesis' mask "+86 ###-########"
    assert any(len(p) == 11 and p.isdigit() for p in phones)  # Faker zh_CN
    names = {v.value for c in cases for v in c.known if v.field == "complainant.name"}
    assert any(" " in n for n in names)  # mimesis: given name, space, surname


def test_a_leak_is_the_significant_part_still_readable() -> None:
    digits, _ = markers("landline", "906 7881 8607")
    gold = Gold(0, 13, "landline", True, digits=digits)
    assert gold.leaked("消费者电话 906 7881 8607") and gold.leaked("电话０９０６－７８８１８６０７")
    assert gold.leaked("请回拨 7881-8607") and not gold.leaked("电话〔固定电话〕") and not gold.leaked("尾号8607")
    mobile = Gold(0, 11, "mobile", False, digits=markers("mobile", "+86 139-11872046")[0])
    assert mobile.leaked("一三九一一八七二零四六") and not mobile.leaked("139****2046")


def test_a_scrubber_that_does_nothing_is_reported_with_leaks() -> None:
    fig = evaluate.new_figures(scrubber=nothing, **SMALL)
    for name in ("independent", "issue 12", "staff notes", "grammar"):
        tallies = fig.corpora[name]
        assert all(t.own_leaks == t.own for t in tallies.values()), name
        assert all(t.third_caught == 0 and t.third_leaks == t.third for t in tallies.values()), name
    assert fig.corpora["issue 12"]["landline"].own_leaks == 5  # 906 7881 8607 and the other forms of the issue
    assert not fig.changed and not fig.damaged
    problems = " ".join(fig.problems())
    assert "own values leaked on independent" in problems and "bare names recall 0.00 on staff notes" in problems


def test_a_scrubber_replacing_every_gold_span_is_reported_with_none() -> None:
    fig = evaluate.new_figures(scrubber=gold_only, **SMALL)
    for name, tallies in fig.corpora.items():
        assert all(t.own_leaks == 0 and t.third_leaks == 0 and t.third_recall == 1.0 for t in tallies.values()), name
    assert fig.problems() == []


def test_grammar_damage_and_over_redaction_are_counted() -> None:
    fig = evaluate.new_figures(scrubber=one_more_before, **SMALL)
    shapes = grammar.grammar_cases(SMALL["grammar_count"], SMALL["seed"] + 4)
    assert len(fig.damaged) == sum(1 for c in shapes if any(g.start > 0 for g in c.gold))
    case = Builder().text("对于").span("李女士", "person", True).text("的诉求").case()
    assert damage(case, one_more_before(case)) == "于" and damage(case, gold_only(case)) == ""

    def first_character(case: Case) -> Scrubbed:
        return replace(case, [(0, 1, "person")])

    assert evaluate.new_figures(scrubber=first_character, **SMALL).over == 1.0
    assert measure([case], nothing)["person"].own_leaks == 1


def test_the_report_prints_the_new_measures_without_counting_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main(["--per-template", "5", "--records", "20", "--grammar", "46"]) == 0
    out = capsys.readouterr().out
    assert "issue 12, item 6" in out and "grammar damage:" in out and "printed only" in out
    for corpus in ("tuning", "held-out", "independent", "issue 12", "staff notes", "grammar"):
        assert f"\n{corpus:<12} all" in out
