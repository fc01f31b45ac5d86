"""The leak gates read outputs piece by piece and skip pieces seen before: they must find what a whole read finds."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.privacy.corpus import Providers
from kspages.model import PrivateValue
from kspages.privacy import KnownGate, gate, gate_forms
from kspages.privacy.gate import Digits, _lines, _patterns, pieces, scan_patterns
from kspages.privacy.identity import Form, digit_runs

# A page's boilerplate, as the theme writes it: many short lines that every page shares.
NAV = "".join(f'<li><a href="../guide/{i}/">第 {i} 章 如何举报</a></li>\n' for i in range(40))
FILLER = ["<p>平台受理后 3 至 7 个工作日内答复。</p>", "<div>", "</div>", "<dt>联系方式</dt>", "  <dd>见下</dd>",
          '{"number":"KS-852M-YZVQ-1","note":"已退款"},{"number":"KS-2PA5-T7NH-X","note":"已核实"}']


def _page(rng: random.Random, p: Providers) -> tuple[str, set[tuple[str, str]]]:
    """A page with boilerplate and personal data at random places, sometimes split across a line end."""
    lines = [rng.choice(FILLER) for _ in range(60)]
    for _ in range(4):
        piece = rng.choice([p.mobile, p.id_card, p.email, p.bank_card])()
        text = piece.text
        if piece.kind == "bank_card":
            text = rng.choice(["卡号：", "银行卡\n", "<dt>退款到</dt>\n<dd>"]) + text  # context a line above, too
        elif piece.kind == "email" and rng.random() < 0.5 and "@" in text:
            text = text.replace("@", "\n@", 1)  # an address split where a line may break
        lines.insert(rng.randrange(len(lines)), text)
    page = "<html><body><ul>\n" + NAV + "</ul>\n" + "\n".join(lines) + "\n" + NAV + "</body></html>\n"
    return page, set(_patterns(page.encode()))


def test_pieces_find_what_a_whole_read_finds() -> None:
    rng, p = random.Random(7), Providers(7)
    memo: dict[bytes, list[tuple[str, str]]] = {}  # shared across pages, as in a build
    total = 0
    for n in range(150):
        page, whole = _page(rng, p)
        found = {(leak.kind, leak.text) for leak in scan_patterns({f"p{n}.html": page.encode()}, memo=memo)}
        assert found == whole, page
        total += len(whole)
    assert total > 400  # the pages did hold personal data to find
    assert len(memo) < 150 * 40  # the shared navigation was read once, not on every page


def test_a_leak_in_text_seen_before_elsewhere_is_still_found() -> None:
    memo: dict[bytes, list[tuple[str, str]]] = {}
    clean = ("<main>\n" + NAV + "<p>正文</p>\n" + NAV + "</main>\n").encode()
    assert scan_patterns({"a.html": clean}, memo=memo) == []
    leaky = clean.replace(b"<p>\xe6\xad\xa3\xe6\x96\x87</p>", "<p>电话 138 0013 8000</p>".encode())
    assert [(leak.output, leak.kind) for leak in scan_patterns({"b.html": leaky}, memo=memo)] == [("b.html", "mobile")]


@given(st.lists(st.sampled_from([b"a", b"\n", b"},{", b"]],\"", b"}", b"{", b"x" * 3000, "号".encode()]), max_size=40))
def test_lines_put_back_together_are_the_file(parts: list[bytes]) -> None:
    raw = b"".join(parts)
    assert b"".join(_lines(raw)) == raw
    assert all(raw.endswith(piece) or piece in raw or b"\n" in piece or b"}," in piece for piece in pieces(raw))


def test_the_quick_look_before_the_detectors_never_skips_a_hit() -> None:
    # The pattern gate runs its detectors only on pieces where a cheap search finds what every hit needs.
    p = Providers(11)
    rng = random.Random(11)
    makers = [p.mobile, p.id_card, p.id15, p.bank_card, p.email, p.landline, p.qq]
    contexts = ["{}", "电话：{}", "身份证号：{}", "卡号 {}", "联系 {} 谢谢", "<td>{}</td>", '"note":"{}"', "邮箱{}。"]
    found = 0
    for _ in range(3000):
        text = rng.choice(contexts).format(rng.choice(makers)().text)
        if rng.random() < 0.3:
            text = f"身份证 {p.id18()[:6]}********{p.id18()[-4:]}"
        piece = text.encode()
        assert _patterns(piece) == _patterns(piece, prefilter=False), text
        found += bool(_patterns(piece))
    assert found > 1500


_DIGIT_FORMS = ["13812345678", "021891234567", "110105194912310021", "11010519491231002x", "6222021234567890123",
                "4401234567890", "013812345678", "62220212345678901234"]  # (a leading zero; past 2**64)
_GAPS = [" ", "-", " - ", "．", "(", ")", "\u200b"]
_AROUND = ["", "+86 ", "0086-", "86", "0", "(0", "1", "9", "，", " ", "-", "年", "x", "电话：", "12-", "8 ", "...", "/"]


@given(st.lists(st.tuples(st.sampled_from(_AROUND), st.sampled_from(_DIGIT_FORMS), st.sampled_from(_AROUND),
                          st.lists(st.tuples(st.integers(min_value=1, max_value=18), st.sampled_from(_GAPS)),
                                   max_size=3)), min_size=1, max_size=4),
       st.sets(st.sampled_from(_DIGIT_FORMS), min_size=1))
def test_digit_forms_are_found_as_whole_numbers_as_identity_defines(
        parts: list[tuple[str, str, str, list[tuple[int, str]]]], forms: set[str]) -> None:
    # Forms written in groups (a gap anywhere, also past the shortest form's length, so a group bound can fall
    # inside a longer form), next to other digits, prefixes and separators: the gate's set lookup finds exactly
    # the forms that stand in the text as whole numbers (identity.Run.whole), the definition the automaton served.
    text = ""
    for before, form, after, cuts in parts:
        for at, gap in sorted(cuts, reverse=True):
            form = form[:at] + gap + form[at:]
        text += before + form + after
    expected = {"d:" + f for f in forms if any(next(run.whole(f), None) for run in digit_runs(text))}
    assert Digits(frozenset(forms)).found(text) == expected


# Values whose forms hold one another: an address and its tails, two addresses on one street, a description that
# holds another record's address (a form of another value: never a reason to leave one out), names short and long.
_HOLDING = [
    PrivateValue("complainant.address", "山东省济南市历下区和平路三条155号2单元301室", 11),
    PrivateValue("complainant.address", "济南市历下区和平路三条155号2单元301室", 11),
    PrivateValue("description", "我家在和平路三条155号2单元301室，快递一直没送到。\n订单是在直播间下的，商家一直不肯退款。", 20),
    PrivateValue("complainant.address", "北京市东城区东四十条106号", 11),
    PrivateValue("complainant.name", "欧阳娜娜", 9),
    PrivateValue("complainant.name", "欧阳娜", 9),
    PrivateValue("complainant.name", "王芳", 9),
    PrivateValue("complainant.email", "Zhang.San@QQ.com", 12),
]


class _Owner:
    def __init__(self, path: str, values: list[PrivateValue]) -> None:
        self.path, self.private = path, values


def _every_word(pairs: Iterable[tuple[PrivateValue, Form]]) -> Iterator[str]:
    return (form.text for _, form in pairs if not form.digits)


# Which records hold which of `_HOLDING`, and texts made of their forms: (value, which form or piece, where the
# piece starts and ends, what follows).
_OWNERS = st.lists(st.sets(st.integers(min_value=0, max_value=len(_HOLDING) - 1), min_size=1), min_size=1, max_size=3)
_PARTS = st.lists(st.tuples(st.integers(min_value=0, max_value=len(_HOLDING) - 1), st.integers(min_value=0, max_value=9),
                            st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=40),
                            st.sampled_from(["", "，", "的", "王芳路", " ", "\n", "欧阳"])), max_size=6)


def _holders_and_outputs(owners: list[set[int]], parts: list[tuple[int, int, int, int, str]]
                         ) -> tuple[list[_Owner], dict[str, bytes]]:
    """The records, and two outputs of a text of their forms whole (which < 4), their starts (< 7), other pieces."""
    records = [_Owner(f"content/records/{i}.yaml", [_HOLDING[v] for v in sorted(values)])
               for i, values in enumerate(owners)]
    text = ""
    for value, which, start, end, between in parts:
        forms = [form.text for _, form in gate_forms(_Owner("x", [_HOLDING[value]]))]  # type: ignore[arg-type]
        form = forms[which % len(forms)]
        text += (form if which < 4 else form[:max(start, 1)] if which < 7 else form[min(start, end):max(start, end)])
        text += between
    return records, {"a.html": f"<p>{text}</p>".encode(), "b.html": f"<p>{text[::2]}</p>".encode()}


@given(_OWNERS, _PARTS)
def test_a_form_left_out_of_the_index_is_found_through_the_form_it_holds(
        owners: list[set[int]], parts: list[tuple[int, int, int, int, str]]) -> None:
    # The index leaves out a form that holds another of the same value: every output reports the very leaks (the
    # same records, fields, lines, outputs) that an index of every form reports, whole forms or pieces of them.
    records, outputs = _holders_and_outputs(owners, parts)
    found = KnownGate(records, gate_forms).scan(outputs)  # type: ignore[arg-type]
    with mock.patch.object(gate, "_indexed_words", _every_word):
        assert found == KnownGate(records, gate_forms).scan(outputs)  # type: ignore[arg-type]


def test_the_index_leaves_out_only_forms_that_hold_a_longer_than_short_name_form_of_their_value() -> None:
    address, other = PrivateValue("complainant.address", "x", 1), PrivateValue("complainant.name", "y", 2)
    pairs = [(address, Form(text, "address", False, True)) for text in ("王芳路12号院", "王芳", "和平路三条155号2单元",
                                                                      "历下区和平路三条155号2单元")]
    pairs += [(other, Form("历下区和平路三条155号2单元301室", "person", False, True)),
              (address, Form("13812345678", "phone", True, True))]
    # 王芳 is a short name, whose matches may be passed as the site's own words: 王芳路12号院 stays. Only the address's
    # own longer tail goes; the other value's text holding that tail stays; a digit form is no word.
    assert sorted(gate._indexed_words(pairs)) == sorted(["王芳", "王芳路12号院", "和平路三条155号2单元",
                                                           "历下区和平路三条155号2单元301室"])


@given(_OWNERS, _PARTS, st.sampled_from([1, 2, 3, 6, 9]))
def test_forms_found_by_their_first_characters_are_the_forms_a_whole_word_index_finds(
        owners: list[set[int]], parts: list[tuple[int, int, int, int, str]], cut: int) -> None:
    # The automaton holds a longer form's first characters only and the rest is checked where they are found: the
    # leaks are those of an automaton of whole forms, with texts that hold forms, their starts and other pieces.
    records, outputs = _holders_and_outputs(owners, parts)
    with mock.patch.object(gate, "_CUT", cut):
        found = KnownGate(records, gate_forms).scan(outputs)  # type: ignore[arg-type]
    with mock.patch.object(gate, "_CUT", 10_000):
        assert found == KnownGate(records, gate_forms).scan(outputs)  # type: ignore[arg-type]


def test_longer_forms_are_found_where_they_stand_across_blocks() -> None:
    longer = gate.Longer()
    with mock.patch.object(gate.Longer, "_BLOCK", 3):
        for form in ["和平路三条155号", "和平路三条1", "和平路四条1号", "和平路三条155号", "东四十条106号", "和平路三条2号",
                     "和平路三条15"]:
            longer.add(form)
        longer.seal()
    with mock.patch.object(gate, "_CUT", 5):
        # (a form added again in another block is found twice: the gate reports each form once)
        assert sorted(set(longer.at("住在和平路三条155号院", 2))) == ["和平路三条1", "和平路三条15", "和平路三条155号"]
        assert longer.at("住在和平路三条155号院", 3) == [] and longer.at("和平路三条2", 0) == []
        assert longer.at("东四十条106号", 0) == ["东四十条106号"] and longer.at("和平路三条2号", 0) == ["和平路三条2号"]


@given(st.lists(st.text("ab", min_size=1, max_size=7), max_size=30), st.text("ab", max_size=12), st.integers(0, 4))
def test_longer_forms_at_a_place_are_those_the_text_starts_with_there(forms: list[str], text: str, block: int
                                                                      ) -> None:
    longer = gate.Longer()
    with mock.patch.object(gate.Longer, "_BLOCK", block or 10_000), mock.patch.object(gate, "_CUT", 2):
        for form in forms:
            if len(form) > 2:
                longer.add(form)
        longer.seal()
        for start in range(len(text) + 1):
            assert set(longer.at(text, start)) == {f for f in forms if len(f) > 2 and text.startswith(f, start)}


@pytest.mark.parametrize("order", [1, -1])
def test_a_whole_form_that_is_also_the_start_of_a_longer_one_is_found_as_both(order: int) -> None:
    short, long = _Owner("a.yaml", [_HOLDING[5]]), _Owner("b.yaml", [_HOLDING[4]])  # 欧阳娜, 欧阳娜娜
    outputs = {"x.html": "<p>欧阳娜来了</p>".encode(), "y.html": "<p>欧阳娜娜来了</p>".encode()}
    with mock.patch.object(gate, "_CUT", 3):
        found = KnownGate([short, long][::order], gate_forms).scan(outputs)  # type: ignore[arg-type]
    assert [(leak.record_path, leak.output) for leak in found] == [("a.yaml", "x.html"), ("a.yaml", "y.html"),
                                                                    ("b.yaml", "y.html")]


def test_a_digit_form_is_its_digits_with_their_leading_zeros() -> None:
    digits = Digits(["013812345678", "13812345678", "62220212345678901234", "11010519491231002x", "13812345678"])
    assert {"013812345678", "13812345678", "62220212345678901234", "11010519491231002x"} <= set(
        filter(digits.__contains__, ["013812345678", "13812345678", "62220212345678901234", "11010519491231002x"]))
    assert not any(map(digits.__contains__, ["0013812345678", "138123456780", "13812345679", "11010519491231002",
                                              "62220212345678901235", "１３８１２３４５６７８", ""]))
    assert (digits.shortest, digits.longest) == (11, 20) and digits and not Digits([])
