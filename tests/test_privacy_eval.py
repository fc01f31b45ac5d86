"""The measured privacy targets hold: the evaluation over the synthetic corpus passes on the held-out part."""

from __future__ import annotations

import pytest

from benchmarks.privacy import evaluate
from benchmarks.privacy.corpus import HELD_OUT, TUNING, negatives, positives


def test_the_corpus_is_seeded_and_its_gold_spans_fit_the_text() -> None:
    first, again = positives(HELD_OUT, 3, seed=5), positives(HELD_OUT, 3, seed=5)
    assert [s.text for s in first] == [s.text for s in again]
    for sample in first:
        for (start, end, _), piece in zip(sample.spans, sample.values, strict=True):
            assert sample.text[start:end] == piece.private
    assert not set(TUNING) & set(HELD_OUT)
    assert len(negatives(2, seed=1)) == 2 * len(evaluate.negatives(1, seed=1))


def test_held_out_targets_are_met(capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main(["--per-template", "60"]) == 0
    out = capsys.readouterr().out
    assert f"held-out part: {len(HELD_OUT)} templates x 60" in out and "targets met" in out


def test_the_evaluation_notices_a_scrubber_that_misses(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import sys
    module = sys.modules["kspages.privacy.detect"]  # the package re-exports a function of the same name
    monkeypatch.setattr(module, "FINDERS", [f for f in module.FINDERS if f[0] != "id_card"])
    assert evaluate.main(["--per-template", "10"]) == 1
    assert "recall below 0.99 on held-out: id_card" in capsys.readouterr().out


@pytest.mark.parametrize("seed", [2026, 5])
def test_issue_12_targets_stay_met(seed: int) -> None:
    # Measured on text the scrubber's authors did not write (Faker and mimesis values in their own formats, hand-written
    # staff notes held out from tuning, 1,000 grammar shapes), bare-name recall >= 0.90 included. Seed 5's
    # identities were not read while the rules were written (docs/privacy.md).
    figures = evaluate.new_figures(records=200, grammar_count=1000, seed=seed)
    assert figures.problems() == []
    assert figures.over <= 0.01 and figures.damaged == []
    assert all(t.own_leaks == 0 for tallies in figures.corpora.values() for t in tallies.values())
