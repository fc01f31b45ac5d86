"""The lookup page's JavaScript and kspages/numbers.py agree on thousands of typed numbers."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest

from kspages import numbers

from .conftest import REPO

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

_SCRIPT = """
const api = require(process.argv[1]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(t => {
  const r = api.check(t);
  return [r.verdict, r.number, r.number ? api.shardName(r.number, 4) : null,
          r.number ? api.shardName(r.number, 14) : null, api.normalise(t)];
});
process.stdout.write(JSON.stringify(out));
"""


def _typed_variants(rng: random.Random) -> list[str]:
    cases: list[str] = []
    for _ in range(1500):
        n = numbers.generate()
        compact = numbers.normalise(n)
        i = rng.randrange(len(compact))
        cases += [
            n,
            n.lower().replace("-", " "),
            "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in n),  # full width
            compact[:i] + rng.choice(numbers.BODY_ALPHABET) + compact[i + 1:],  # substitution
            compact[:i] + compact[i + 1:],  # dropped character
            n.replace("0", "O").replace("1", "l"),
            "".join(rng.choice("KS-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ abcxyz—．·_\u3000é中ß😀") for _ in
                    range(rng.randrange(0, 16))),  # garbage
        ]
    return cases


def test_js_and_python_agree() -> None:
    cases = _typed_variants(random.Random(7))
    proc = subprocess.run([NODE or "node", "-e", _SCRIPT, str(REPO / "templates/assets/lookup.js")],
                          input=json.dumps(cases), capture_output=True, text=True, check=True, timeout=120)
    got = json.loads(proc.stdout)
    assert len(got) == len(cases) > 10_000
    verdicts = set()
    for typed, (verdict, number, s4, s14, normal) in zip(cases, got, strict=True):
        want = numbers.check(typed)
        verdicts.add(want.verdict)
        assert (verdict, number) == (want.verdict, want.number), typed
        assert normal == numbers.normalise(typed), typed
        if number:
            assert (s4, s14) == (numbers.shard_name(number, 4), numbers.shard_name(number, 14))
    assert verdicts == {"ok", "malformed", "bad_check"}


def test_order_numbers_are_recognised_alike() -> None:
    rng = random.Random(13)
    cases = ["3001234567890123456", "300 1234 5678 9012 345", "１２３４５６７８９０１２３４５", "12345678901234",
             "12345678901234567890", "KS-4QGJ-5S13-0", "订单号3001234567890123", "300123456789012345a", ""]
    for _ in range(2000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(10, 23)))
        cases += [digits, " ".join(digits[i:i + 4] for i in range(0, len(digits), 4)),
                  "".join(chr(ord(c) + 0xFEE0) for c in digits), digits[:5] + rng.choice("O lI-") + digits[5:]]
    script = ("const api = require(process.argv[1]);"
              "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify(cases.map(t => api.isOrderNumber(t))));")
    proc = subprocess.run([NODE or "node", "-e", script, str(REPO / "templates/assets/lookup.js")],
                          input=json.dumps(cases), capture_output=True, text=True, check=True, timeout=120)
    got = json.loads(proc.stdout)
    want = [numbers.is_order_number(t) for t in cases]
    assert got == want
    assert want[:6] == [True, True, True, False, False, False] and sum(want) > 1000
