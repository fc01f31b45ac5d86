"""Measure the scrubber: recall, precision and F2 per kind, leakage and over-redaction, on tuning and held-out text.

    python -m benchmarks.privacy.evaluate [--per-template N] [--seed S] [--records N] [--grammar N] [--strict-new]

Exits 1 when a target is missed on the held-out part: recall >= 0.99 per kind, no leak of a record's known values,
no leak of a checksum-validated kind (ID numbers, bank cards), over-redaction <= 2% of negatives.

It then prints the measures of issue 12, item 6, per corpus (tuning, held-out, the independent-generator corpus of
`independent.py`, the cases named in the issue, the hand-written staff notes of `notes.py`, the grammar shapes of
`grammar.py`) and per kind: leaks of the complainant's own values in any form, third-party recall and leaks,
over-redaction on the hand-written negatives, and grammar damage. With --strict-new their targets count too
(NEW_TARGETS); without it they are printed only.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field

from kspages.model import PrivateValue
from kspages.privacy import Scrubber

from . import grammar, independent, notes
from .corpus import HELD_OUT, TUNING, Piece, Sample, negatives, positives
from .measure import Case, KindTally, ScrubFn, damage, measure, real_scrubber

KINDS = ("mobile", "landline", "id_card", "bank_card", "email", "qq", "wechat", "plate", "ip", "address", "order",
         "tracking", "person", "name")
PATTERN_KINDS = KINDS[:-1]  # a bare name ("致电王芳") is found only as a known value of the record
CHECKSUM_KINDS = ("id_card", "bank_card")
FIELDS = {"mobile": "complainant.phone", "landline": "complainant.landline", "id_card": "complainant.id_number",
          "bank_card": "complainant.bank_card", "email": "complainant.email", "qq": "complainant.qq",
          "wechat": "complainant.wechat", "plate": "complainant.plate", "ip": "complainant.ip",
          "address": "complainant.address", "order": "order.id", "tracking": "order.tracking",
          "person": "complainant.name", "name": "complainant.name"}
TARGET_RECALL, TARGET_OVER = 0.99, 0.02


@dataclass
class Tally:
    """Counts for one kind."""

    gold: int = 0
    caught: int = 0  # gold spans fully covered by replacements, patterns only
    caught_known: int = 0  # ...with the record's own values known, as in a build
    predicted: int = 0  # replacements reported with this kind
    correct: int = 0  # ...that overlap some gold span
    leaks: int = 0  # gold values still readable in the output (patterns only)
    known_leaks: int = 0  # ...with the record's own values known, as in a real build
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.gold if self.gold else 1.0

    @property
    def recall_known(self) -> float:
        return self.caught_known / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def f2(self) -> float:
        p, r = self.precision, self.recall
        return 5 * p * r / (4 * p + r) if p + r else 0.0


def _norm(text: str) -> str:
    return re.sub(r"[\s\-·()（）]", "", unicodedata.normalize("NFKC", text).lower())


def _leaked(piece: Piece, output: str) -> bool:
    """Whether the personal part of a value can still be read in the output, in any normalised form."""
    out = _norm(output)
    if _norm(piece.private) in out:
        return True
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", piece.private))
    return len(digits) >= 5 and digits in re.sub(r"\D", "", out)


def _covered(hits: list[tuple[int, int]], start: int, end: int) -> bool:
    chars: set[int] = set()
    for a, b in hits:
        chars.update(range(max(a, start), min(b, end)))
    return len(chars) == end - start


def evaluate(samples: list[Sample], people: str = "role") -> dict[str, Tally]:
    """Scrub every sample twice (patterns only, and with the record's own values known) and tally per kind."""
    tallies = {kind: Tally() for kind in KINDS}
    for sample in samples:
        result = Scrubber((), people).scrub(sample.text)
        hits = [(h.start, h.start + len(h.original), h.kind) for h in result.hits]
        known = [PrivateValue(FIELDS[p.kind], p.value, 1) for p in sample.values if p.value]
        with_known = Scrubber(known, people).scrub(sample.text)
        known_hits = [(h.start, h.start + len(h.original)) for h in with_known.hits]
        for start, end, kind in sample.spans:
            t = tallies[kind]
            t.gold += 1
            t.caught_known += _covered(known_hits, start, end)
            if _covered([(a, b) for a, b, _ in hits], start, end):
                t.caught += 1
            elif len(t.misses) < 5:
                t.misses.append(sample.text[start:end])
        for a, b, kind in hits:
            t = tallies[kind if kind in tallies else "person"]
            t.predicted += 1
            t.correct += any(a < e and s < b for s, e, _ in sample.spans)
        for piece in sample.values:
            tallies[piece.kind].leaks += _leaked(piece, result.text)
            tallies[piece.kind].known_leaks += bool(piece.value) and _leaked(piece, with_known.text)
    return tallies


def over_redaction(texts: list[str]) -> tuple[float, list[str]]:
    """Share of negative sentences the scrubber changed at all, and some examples."""
    changed = [t for t in texts if Scrubber().scrub(t).hidden]
    return len(changed) / len(texts), sorted(set(changed))[:8]


def report(name: str, tallies: dict[str, Tally]) -> list[str]:
    """Print one table; return the kinds that miss the recall target."""
    print(f"\n{name}")
    print(f"{'kind':<10} {'gold':>6} {'recall':>7} {'precision':>9} {'F2':>6} {'leaks':>6} {'recall*':>7} "
          f"{'leaks*':>6}")
    total = Tally()
    for kind, t in tallies.items():
        if not t.gold and not t.predicted:
            continue
        print(f"{kind:<10} {t.gold:>6} {t.recall:>7.4f} {t.precision:>9.4f} {t.f2:>6.4f} {t.leaks:>6} "
              f"{t.recall_known:>7.4f} {t.known_leaks:>6}")
        for miss in t.misses[:3] if kind in PATTERN_KINDS else ():
            print(f"{'':<10}   missed: {miss}")
        for attr in ("gold", "caught", "caught_known", "predicted", "correct", "leaks", "known_leaks"):
            setattr(total, attr, getattr(total, attr) + getattr(t, attr))
    print(f"{'all':<10} {total.gold:>6} {total.recall:>7.4f} {total.precision:>9.4f} {total.f2:>6.4f} "
          f"{total.leaks:>6} {total.recall_known:>7.4f} {total.known_leaks:>6}")
    print("recall, precision, F2, leaks: patterns only (anyone's data); recall*, leaks*: with the record's own "
          "values known, as in a build")
    return [k for k, t in tallies.items()
            if (k in PATTERN_KINDS and t.recall < TARGET_RECALL) or t.recall_known < TARGET_RECALL]


# --- issue 12, item 6: measures nobody on the privacy side wrote ---------------------------------------------------

NEW_TARGETS = """own values: 0 leaks on every corpus; third-party phones, ID numbers, cards, e-mail and street addresses: 0 leaks
on held-out corpora (held-out, independent, staff notes); third-party bare names: recall >= 0.90 on held-out
corpora; over-redaction <= 1% of negative sentences; grammar damage: 0"""
HELD_OUT_CORPORA = ("held-out", "independent", "staff notes")
THIRD_PARTY_ZERO = ("mobile", "landline", "id_card", "bank_card", "email", "address")
TARGET_NAME_RECALL, TARGET_OVER_NEW = 0.90, 0.01
SILENT = ("staff notes",)  # held out: counts only, never its sentences


@dataclass
class NewFigures:
    """What the new measures found."""

    corpora: dict[str, dict[str, KindTally]]
    negatives: int
    changed: list[str]
    grammar: int
    damaged: list[tuple[str, str, str]]  # (original, scrubbed, lost characters)

    @property
    def over(self) -> float:
        return len(self.changed) / self.negatives if self.negatives else 0.0

    def problems(self, old_over: float | None = None) -> list[str]:
        """The NEW_TARGETS missed."""
        found: list[str] = []
        for name, tallies in self.corpora.items():
            own = [k for k, t in tallies.items() if t.own_leaks]
            if own:
                found.append(f"own values leaked on {name}: {', '.join(own)}")
            if name in HELD_OUT_CORPORA:
                third = [k for k in THIRD_PARTY_ZERO if k in tallies and tallies[k].third_leaks]
                if third:
                    found.append(f"third-party values leaked on {name}: {', '.join(third)}")
                names = tallies.get("name")
                if names and names.third and names.third_recall < TARGET_NAME_RECALL:
                    found.append(f"third-party bare names recall {names.third_recall:.2f} on {name}")
        if self.over > TARGET_OVER_NEW or (old_over is not None and old_over > TARGET_OVER_NEW):
            found.append(f"over-redaction above {TARGET_OVER_NEW:.0%}")
        if self.damaged:
            found.append(f"grammar damage in {len(self.damaged)} of {self.grammar}")
        return found


def from_tallies(tallies: dict[str, Tally]) -> dict[str, KindTally]:
    """The existing corpus in the new terms: every value is the record's own (leaks*), and the same values with
    nothing known stand for third parties (recall and leaks, patterns only)."""
    return {k: KindTally(t.gold, t.known_leaks, t.gold, t.caught, t.leaks) for k, t in tallies.items() if t.gold}


def new_figures(records: int, grammar_count: int, seed: int, scrubber: ScrubFn | None = None,
                existing: dict[str, dict[str, Tally]] | None = None) -> NewFigures:
    """Run the new measures with `scrubber` (default: the real Scrubber with each record's values known)."""
    scrub = scrubber or real_scrubber()
    corpora = {name: from_tallies(t) for name, t in (existing or {}).items()}
    corpora["independent"] = measure(independent.independent(records, seed + 3), scrub)
    corpora["issue 12"] = measure(independent.issue_cases(), scrub)
    corpora["staff notes"] = measure(notes.staff_notes(), scrub)
    shapes = grammar.grammar_cases(grammar_count, seed + 4)
    corpora["grammar"] = measure(shapes, scrub)
    damaged = []
    for case in shapes:
        result = scrub(case)
        lost = damage(case, result)
        if lost:
            damaged.append((case.text, result.text, lost))
    texts = notes.negatives(seed + 5)
    keys = sorted(notes.RECORDS)
    changed = []
    for i, text in enumerate(texts):  # patterns only, and with some record's values known as in a build
        if any(scrub(c).text != text for c in (Case(text), Case(text, notes.record(keys[i % len(keys)])))):
            changed.append(text)
    return NewFigures(corpora, len(texts), changed, grammar_count, damaged)


def report_new(fig: NewFigures, old_over: float) -> None:
    """Print the new measures."""
    print("\nissue 12, item 6: own values in any form, third parties, negatives, grammar")
    print(f"{'corpus':<12} {'kind':<10} {'own':>5} {'leaks':>6} {'third':>6} {'recall':>7} {'leaks':>6}")
    for name, tallies in fig.corpora.items():
        total = KindTally()
        for kind in KINDS:
            t = tallies.get(kind)
            if t is None:
                continue
            print(f"{name:<12} {kind:<10} {t.own:>5} {t.own_leaks:>6} {t.third:>6} "
                  f"{(f'{t.third_recall:.4f}' if t.third else '-'):>7} {t.third_leaks:>6}")
            for attr in ("own", "own_leaks", "third", "third_caught", "third_leaks"):
                setattr(total, attr, getattr(total, attr) + getattr(t, attr))
        print(f"{name:<12} {'all':<10} {total.own:>5} {total.own_leaks:>6} {total.third:>6} "
              f"{(f'{total.third_recall:.4f}' if total.third else '-'):>7} {total.third_leaks:>6}")
        if name not in SILENT:
            forms: dict[str, int] = {}
            for t in tallies.values():
                for form, n in t.leaked_forms.items():
                    forms[form] = forms.get(form, 0) + n
            for form, n in sorted(forms.items(), key=lambda f: (-f[1], f[0]))[:12]:
                print(f"{'':<12}   leaked x{n}: {form}")
    print("own: the record's own values (known to the scrubber), leaked in any form; third: others' values (not "
          "known): recall = fully replaced, leaks = still readable")
    print(f"\nover-redaction (hand-written negatives): {fig.over:.2%} of {fig.negatives} sentences changed "
          f"(existing negatives: {old_over:.2%})")
    for example in fig.changed[:8]:
        print(f"  changed: {example}")
    print(f"\ngrammar damage: {len(fig.damaged)} of {fig.grammar} texts lost a non-personal character")
    for original, scrubbed, lost in fig.damaged[:6]:
        print(f"  {original} -> {scrubbed} (lost {lost})")


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; exit status says whether the held-out targets are met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-template", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--records", type=int, default=400, help="identities in the independent-generator corpus")
    parser.add_argument("--grammar", type=int, default=1000, help="grammar-shape texts")
    parser.add_argument("--strict-new", action="store_true", help="the targets of issue 12, item 6 count too")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    tuning = evaluate(positives(TUNING, args.per_template, args.seed))
    held = evaluate(positives(HELD_OUT, args.per_template, args.seed + 1))
    report(f"tuning part: {len(TUNING)} templates x {args.per_template}", tuning)
    low = report(f"held-out part: {len(HELD_OUT)} templates x {args.per_template}", held)
    rate, examples = over_redaction(negatives(max(1, args.per_template // 4), args.seed + 2))
    print(f"\nover-redaction: {rate:.2%} of negative sentences changed (target <= {TARGET_OVER:.0%})")
    for example in examples:
        print(f"  changed: {example}")
    problems = [f"recall below {TARGET_RECALL} on held-out: {', '.join(low)}"] if low else []
    if any(t.known_leaks for t in held.values()):
        problems.append("a known value leaked on held-out")
    if any(held[k].leaks for k in CHECKSUM_KINDS):
        problems.append("a checksum-validated value leaked on held-out")
    if rate > TARGET_OVER:
        problems.append(f"over-redaction {rate:.2%} above {TARGET_OVER:.0%}")
    fig = new_figures(args.records, args.grammar, args.seed, existing={"tuning": tuning, "held-out": held})
    report_new(fig, rate)
    new_problems = fig.problems(rate)
    print(f"new targets ({'counted, --strict-new' if args.strict_new else 'printed only; --strict-new counts them'}):"
          f" {'met' if not new_problems else 'MISSED: ' + '; '.join(new_problems)}")
    if args.strict_new:
        problems += new_problems
    print(f"\n{'targets met' if not problems else 'TARGETS MISSED: ' + '; '.join(problems)} "
          f"({time.perf_counter() - start:.1f} s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
