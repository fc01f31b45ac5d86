"""The readings a session keeps of its outputs (`privacy.gate.Readings`) say where a form added to the known gate may
be: every output in which the gate finds it, whatever its spelling, cut, escape or place in a long line."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

import pytest

from kspages import search
from kspages.model import PrivateValue
from kspages.privacy import Form, KnownGate, Readings, forms_of, gate_keys


@dataclass(frozen=True)
class _Owner:
    path: str
    pairs: tuple[tuple[PrivateValue, Form], ...]


VALUES = [("complainant.name", "司徒静怡"), ("complainant.name", "王芳"), ("complainant.phone", "13812345678"),
          ("complainant.email", "zhang.wei@example.com"), ("complainant.id_number", "11010519491231002X"),
          ("complainant.address", "北京市朝阳区建国路88号院3号楼"), ("complainant.wechat", "na1619"),
          ("complainant.landline", "010-62345678"), ("order.id", "230912345678901"), ("complainant.qq", "12345")]
SPELLINGS = {
    "13812345678": ["138 1234 5678", "+86 138-1234-5678", "１３８１２３４５６７８", "一三八一二三四五六七八",
                    "138&#49;2345678", "\\u0031\\u0033812345678", "%31%33%38%31%32%33%34%35%36%37%38",
                    "0086 13812345678"],
    "司徒静怡": ["司 徒 静 怡", "司·徒·静·怡", "司&#24466;静怡", "\\u53f8\\u5f92\\u9759\\u6021", "司\u200b徒静怡"],
    "11010519491231002X": ["110105 19491231 002x", "11010519491231002Ｘ", "110105-19491231-002X"],
    "zhang.wei@example.com": ["ZHANG.WEI@EXAMPLE.COM", "zhang.wei%40example.com", "zhang.wei&#64;example.com"],
}
FILLER = ["<p>正文。</p>", "\n", '{"a":"b"},{"c":"', ']],"', "KS-G5NA-1619-K", "x", " ", "9", "-", "<br>", "\n\n",
          "经核查，投诉属实。", "订单", "2026-03-14", '"},{"t":"', "，"]


@pytest.mark.parametrize("seed", range(3))
def test_every_output_the_gate_finds_a_form_in_is_one_its_reading_may_hold(seed: int) -> None:
    # Written by a review of the readings: outputs of filler and values in many spellings (entities, JSON escapes,
    # percent-encoding, full width, Chinese numerals, spaced names, a complaint number holding a WeChat ID, long
    # lines that are cut, term shards), each form of each value on its own.
    rng = random.Random(seed)
    owners = []
    for line, (name, value) in enumerate(VALUES, start=1):
        private = PrivateValue(name, value, line)
        owners.append(_Owner(f"r{line}.yaml", tuple((private, form) for form in forms_of(private) if form.strong)))
    outputs = {}
    for n in range(200):
        parts = []
        for _ in range(rng.randint(1, 400)):
            if rng.random() < 0.004:
                _, value = rng.choice(VALUES)
                parts.append(rng.choice([*SPELLINGS.get(value, []), value]))
            else:
                parts.append(rng.choice(FILLER))
            if rng.random() < 0.01:
                parts.append("y" * rng.randint(100, 9000))  # a long line, cut between JSON members
        outputs[rng.choice([f"p{n}/index.html", f"search/terms/{n}.json", f"data/d{n}.json"])] = "".join(
            parts).encode()
    viewed = {path: search.gate_view(path, data) for path, data in outputs.items()}
    sha = {path: hashlib.sha256(data).hexdigest() for path, data in outputs.items()}
    readings = Readings()
    checked = 0
    for owner in owners:
        for private, form in owner.pairs:
            one = _Owner(owner.path, ((private, form),))
            found = {leak.output for leak in KnownGate([one], lambda o: o.pairs).scan(viewed, search.is_postings_file)}
            may = readings.may_hold(gate_keys(one.pairs), outputs, sha, search.gate_view)
            assert found <= may, (form, sorted(found - may)[:3])
            checked += bool(found)
    assert checked >= 5  # the values were found: the test looked at something
