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
