"""Privacy by construction: no private field of any record reaches any output file."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from benchmarks.sites import synthetic_records
from kspages import numbers, read
from kspages.build import build, check, load
from kspages.engine import render_site
from kspages.errors import BuildError
from kspages.model import PrivateValue, validate_record
from kspages.privacy import Scrubber, scan_output
from kspages.render import Renderer

from .conftest import N1, N2, REPO, MakeSite, record, snapshot

_counter = itertools.count()


def _sentinel() -> str:
    return f"SENTINEL{next(_counter):05d}Q"


def _fill(value: Any, found: list[str]) -> Any:
    """Replace every scalar with a fresh sentinel, recording them."""
    if isinstance(value, dict):
        return {k: _fill(v, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, found) for v in value]
    s = _sentinel()
    found.append(s)
    return s


def _sentinel_site(tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the bundled site with a sentinel in every private field, plus unknown keys under them."""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    sentinels: list[str] = []
    for file in sorted((root / "content/records").rglob("*.yaml")):
        data = yaml.safe_load(file.read_text("utf-8"))
        data["complainant"] = _fill({**data.get("complainant", {}), "hobby": "x", "kin": {"name": "x"}}, sentinels)
        data["order"] = _fill({**data.get("order", {}), "coupon": ["x", "y"]}, sentinels)
        data["description"] = _fill("x", sentinels)
        file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return root, sentinels


def test_no_private_field_reaches_any_output(tmp_path: Path) -> None:
    root, sentinels = _sentinel_site(tmp_path)
    report = build(root)
    assert report.notices > 5 and len(sentinels) > 200
    files = snapshot(root / "output")
    assert any(p.startswith("status/shards/") for p in files) and any(p.startswith("notices/KS-") for p in files)
    blob = b"\n".join(files.values())
    leaked = [s for s in sentinels if s.encode() in blob]
    assert leaked == []


def test_templates_never_see_private_fields_even_without_the_gate(tmp_path: Path) -> None:
    root, sentinels = _sentinel_site(tmp_path)
    loaded = load(root, [], [], dt.date(2026, 11, 1))
    outputs = render_site(loaded.public, Renderer(root, root / "templates"), {"style.css": b"", "lookup.js": b"", "search.js": b"",
                                                                               "favicon.svg": b"", "favicon.ico": b""}).outputs
    blob = b"\n".join(outputs.values())
    assert [s for s in sentinels if s.encode() in blob] == []
    # The sentinels really were read: the private values of every record hold them.
    records = [validate_record(read.parse_yaml_file(r.path, (root / r.path).read_bytes()), []) for r in loaded.results]
    assert {v.value for r in records if r is not None for v in r.private} == set(sentinels)
    # After the map the record goes no further (what goes on holds none of them); the gate has their forms.
    assert not any(s in repr(r.summary) + repr(r.public) for r in loaded.results for s in sentinels)
    assert all(r.gate for r in loaded.results)


def test_a_record_s_own_values_are_scrubbed_from_its_public_text(make_site: MakeSite) -> None:
    body = "消费者张伟（电话 138 1234 5678，+86-138-1234-5678）反映的订单230912345678901已处理。张先生表示满意，伟也同意。"
    text = record().replace("    经核查，投诉属实。商家已退款。", f"    {body}")
    text = text.replace("note: 已转交商家核实", "note: 已联系张先生")
    root = make_site({f"content/records/2026/{N1}.yaml": text})
    build(root)
    page = (root / f"output/notices/{N1}/index.html").read_text("utf-8")
    assert "消费者（电话 〔手机号〕，〔手机号〕）反映的订单〔订单号〕已处理。消费者表示满意，伟也同意。" in page
    assert "本通知已隐去 6 处个人信息" in page  # five in the body, one in the timeline note on the same page
    assert "已联系消费者" in page


def test_another_record_s_private_value_in_public_text_fails_the_build(make_site: MakeSite) -> None:
    # A bare name is nothing a pattern can know; only the gate, which knows every record's values, can.
    other = record(N2, notice=False).replace("name: 张伟", "name: 司徒静怡")
    leaking = record().replace("note: 已转交商家核实", "note: 已转交司徒静怡核实")
    root = make_site({f"content/records/2026/{N1}.yaml": leaking, f"content/records/2026/{N2}.yaml": other})
    with pytest.raises(BuildError) as info:
        build(root)
    [error] = info.value.errors
    assert (error.path, error.line) == (f"content/records/2026/{N2}.yaml", 13)
    assert error.message.startswith("private field 'complainant.name' would be published in ")
    assert "司徒静怡" not in str(error)
    assert not (root / "output").exists()


@pytest.mark.parametrize("form", ["13812345678", "138 1234 5678", "138-1234-5678", "１３８１２３４５６７８",
                                  "138&#32;1234&#32;5678", "138—1234—5678"])
def test_leak_gate_finds_normalised_forms(form: str) -> None:
    from kspages.model import Complaint
    rec = Complaint(path="r.yaml", number=N1, received=dt.date(2026, 1, 1), category="other", channel="other",
                    merchant="m", status="pending", outcome=None, history=(), notice=None,
                    private=(PrivateValue("complainant.phone", "13812345678", 9),), lines={})
    [leak] = scan_output({"a.html": f"<p>{form}</p>".encode(), "b.html": b"<p>1381234567</p>"}, [rec])
    assert (leak.record_path, leak.field, leak.line, leak.output) == ("r.yaml", "complainant.phone", 9, "a.html")


def test_amounts_dates_and_products_are_kept() -> None:
    known = Scrubber([PrivateValue("order.amount", "199", 1), PrivateValue("order.paid_at", "2026-03-01", 2),
                      PrivateValue("order.product", "保温杯", 3), PrivateValue("complainant.name", "李宁", 4)])
    out = known.scrub("2026-03-01 购买保温杯，退款 199 元。李宁本人确认。")
    assert out.text == "2026-03-01 购买保温杯，退款 199 元。消费者本人确认。" and out.hidden == 1


def _normalised(text: str) -> str:
    import html
    import re
    import unicodedata
    return re.sub(r"[\s\-·—]", "", unicodedata.normalize("NFKC", html.unescape(text)).lower())


def test_hundreds_of_synthetic_records_publish_nothing_personal(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    values = synthetic_records(root, 300, seed=7)
    report = build(root, as_of=dt.date(2026, 11, 1))
    assert report.notices >= 17 + 200 and report.records == 330
    assert sum(len(m.hits) for m in check(root, dt.date(2026, 11, 1)).masks) > 300 * 8
    text = [data for path, data in snapshot(root / "output").items() if not path.endswith(".ico")]  # one binary
    blob = _normalised(b"\n".join(text).decode("utf-8"))
    assert "〔手机号〕" in blob and "〔身份证号〕" in blob and "〔地址〕" in blob
    leaked = [v for v in values if _normalised(v) in blob]
    assert leaked == []


def test_an_unscrubbable_leak_in_a_template_fails_the_build(tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    values = synthetic_records(root, 5, seed=8)
    base = root / "templates/base.html"
    base.write_text(base.read_text("utf-8").replace("</footer>", f"<p>{values[0]}</p></footer>"), "utf-8")
    with pytest.raises(BuildError) as info:
        build(root, as_of=dt.date(2026, 11, 1))
    messages = [str(e) for e in info.value.errors]
    assert any("private field 'complainant.name' would be published" in m for m in messages)
    assert all(values[0] not in m for m in messages)
    assert not (root / "output").exists()


def test_a_phone_number_in_the_guide_fails_the_build_at_its_line(make_site: MakeSite) -> None:
    guide = "---\ntitle: 第一页\norder: 1\n---\n\n正文。\n\n有问题请打 139 1234 5678。\n"
    root = make_site({"content/guide/01-first.md": guide})
    with pytest.raises(BuildError) as info:
        build(root)
    [error] = info.value.errors
    assert (error.path, error.line) == ("content/guide/01-first.md", 8)
    assert "a mobile (〔手机号〕) would be published in guide/first/index.html" in error.message
    assert "139" not in error.message


def test_allowed_contacts_pass_the_gate(make_site: MakeSite) -> None:
    from .conftest import SITE_YAML
    guide = "---\ntitle: 第一页\norder: 1\n---\n\n团队热线 13912345678，邮箱 help@example.org。\n"
    site = SITE_YAML + "privacy:\n  allow:\n    - 13912345678\n    - help@example.org\n"
    root = make_site({"content/guide/01-first.md": guide, "content/site.yaml": site})
    build(root)
    assert "13912345678" in (root / "output/guide/first/index.html").read_text("utf-8")


def test_a_short_name_inside_the_site_s_own_words_is_neither_scrubbed_nor_a_leak(make_site: MakeSite) -> None:
    # 方平 is a name and also the middle of 第三方平台, a reason label every rejected notice shows.
    rejected = record(N2, status="rejected").replace("name: 张伟", "name: 方平").replace(
        "reason: insufficient_evidence", "reason: third_party_platform").replace(
        "经核查，投诉属实。商家已退款。", "问题发生在第三方平台，已告知方平本人。")
    root = make_site({f"content/records/2026/{N2}.yaml": rejected})
    build(root, as_of=dt.date(2026, 11, 1))
    page = (root / f"output/notices/{N2}/index.html").read_text("utf-8")
    assert "问题发生在第三方平台，已告知消费者本人。" in page  # the phrase stays, the name goes
    assert "涉及第三方平台" in page


def test_the_same_short_name_outside_a_site_phrase_still_fails_the_gate(make_site: MakeSite) -> None:
    other = record(N2, notice=False).replace("name: 张伟", "name: 方平")
    leaking = record().replace("note: 已转交商家核实", "note: 已转交方平核实")
    root = make_site({f"content/records/2026/{N1}.yaml": leaking, f"content/records/2026/{N2}.yaml": other})
    with pytest.raises(BuildError) as info:
        build(root, as_of=dt.date(2026, 11, 1))
    assert [e.message.split(" would")[0] for e in info.value.errors] == ["private field 'complainant.name'"]


def test_a_private_value_found_only_inside_a_public_complaint_number_is_no_leak(make_site: MakeSite) -> None:
    # Found at 100,000 records: with its dashes joined, KS-G5NA-1619-K holds another complainant's WeChat ID.
    rng = random.Random(3)
    number = next(n for n in iter(lambda: numbers.generate(rng), None) if n[6].isdigit() and n[8].isdigit())
    wechat = (number[5:7] + number[8:12]).lower()  # across the dash, as the gate joins digit runs
    other = record(N2).replace("phone: \"13812345678\"", f"phone: \"13812345678\"\n  wechat: {wechat}")
    root = make_site({f"content/records/2026/{number}.yaml": record(number),
                      f"content/records/2026/{N2}.yaml": other})
    build(root, as_of=dt.date(2026, 11, 1))  # the number is published; the ID is not
    leaking = record(number).replace("经核查，投诉属实。", f"经核查，投诉属实。联系 {wechat} 无果。")
    (root / f"content/records/2026/{number}.yaml").write_text(leaking, "utf-8")
    with pytest.raises(BuildError) as info:
        build(root, as_of=dt.date(2026, 11, 1))
    assert any("'complainant.wechat'" in e.message and e.path.endswith(f"{N2}.yaml") for e in info.value.errors)
