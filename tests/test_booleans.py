"""Consent is explicit: only true/false are booleans (YAML 1.2), as in the editors; yes/no/on/off are errors there."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from kspages.build import build, check
from kspages.errors import BuildError, ContentError
from kspages.read import Mapping, parse_yaml, parse_yaml_file

from .conftest import N1, N2, MakeSite, record

REC = f"content/records/2026/{N1}.yaml"
PUBLISH_LINE = 20  # of `publish: true` in conftest.record()
WORDS = ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "yEs"]


def problems(root: object) -> list[ContentError]:
    with pytest.raises(BuildError) as info:
        check(root)  # type: ignore[arg-type]
    return info.value.errors


@pytest.mark.parametrize("word", [*WORDS, "!!bool yes"])
def test_the_loader_keeps_yaml_1_1_boolean_words_as_text(word: str) -> None:
    data, errors = parse_yaml(f"a: {word}\n", "x.yaml")
    assert errors == [] and data["a"] == word.removeprefix("!!bool ")
    assert yaml.safe_load(f"a: {word}") is not None  # PyYAML's own loaders are left alone


@pytest.mark.parametrize(("word", "value"), [("true", True), ("True", True), ("TRUE", True), ("false", False),
                                             ("False", False), ("FALSE", False), ("!!bool true", True)])
def test_the_loader_reads_true_and_false(word: str, value: bool) -> None:
    data, errors = parse_yaml(f"a: {word}\n", "x.yaml")
    assert errors == [] and data["a"] is value


def test_the_loader_still_keeps_lines_duplicates_dates_numbers_and_null() -> None:
    text = "a: yes\nb:\n  c: on\n  c: 2026-02-30\nd: 5\ne: 1.5\nf: ~\ng: 'no'\n"
    data, errors = parse_yaml(text, "x.yaml")
    assert isinstance(data, Mapping) and data.lines == {"a": 1, "b": 2, "d": 5, "e": 6, "f": 7, "g": 8}
    assert data["b"].lines == {"c": 3} and data["b"]["c"] == "on"
    assert [e.message for e in errors] == ["duplicate key 'c' (first at line 3)"]
    assert (data["d"], data["e"], data["f"], data["g"]) == (5, 1.5, None, "no")
    assert parse_yaml_file("x.yaml", b"d: 2026-02-30\n").data["d"] == "2026-02-30"


@pytest.mark.parametrize("word", WORDS)
def test_publish_given_a_yaml_1_1_word_is_an_error_at_its_line_with_the_hint(make_site: MakeSite,
                                                                             word: str) -> None:
    errors = problems(make_site({REC: record().replace("publish: true", f"publish: {word}")}))
    assert [(e.path, e.line, e.message) for e in errors] == [
        (REC, PUBLISH_LINE, f"'notice.publish' must be true or false, not '{word}'")]
    assert errors[0].hint == f"'{word}' is read as text by editors that follow YAML 1.2; write true or false"


def test_publish_no_is_not_a_withdrawal_but_an_error_and_the_site_stays_as_it_was(make_site: MakeSite) -> None:
    root = make_site()
    build(root, as_of=dt.date(2026, 4, 1))
    page = root / f"output/notices/{N1}/index.html"
    assert "经核查，投诉属实" in page.read_text("utf-8")
    (root / REC).write_text(record().replace("publish: true", "publish: no"), "utf-8")
    with pytest.raises(BuildError) as info:
        build(root, as_of=dt.date(2026, 4, 1))
    assert [(e.path, e.line) for e in info.value.errors] == [(REC, PUBLISH_LINE)]
    assert "经核查，投诉属实" in page.read_text("utf-8")  # nothing written: fix the word, then build


def test_a_draft_with_publish_no_is_an_error_too(make_site: MakeSite) -> None:
    draft = record().replace("publish: true", "publish: no").replace("  date: 2026-03-21\n", "")
    [error] = problems(make_site({REC: draft}))
    assert (error.line, error.message) == (PUBLISH_LINE, "'notice.publish' must be true or false, not 'no'")


def test_publish_true_publishes_and_false_does_not(make_site: MakeSite) -> None:
    draft = record(N2).replace("publish: true", "publish: false").replace("  date: 2026-03-21\n", "")
    root = make_site({f"content/records/2026/{N2}.yaml": draft})
    report = build(root, as_of=dt.date(2026, 4, 1))
    assert report.notices == 1
    assert (root / f"output/notices/{N1}/index.html").exists()
    assert not (root / f"output/notices/{N2}/index.html").exists()


def test_other_non_boolean_values_keep_their_hint(make_site: MakeSite) -> None:
    for value in ("yes please", "1", "是", "'true'"):
        [error] = problems(make_site({REC: record().replace("publish: true", f"publish: {value}")}))
        assert error.line == PUBLISH_LINE and error.message.startswith("'notice.publish' must be true or false")
        assert error.hint == "write true or false", value


def test_every_such_word_is_reported_at_once(make_site: MakeSite) -> None:
    errors = problems(make_site({REC: record().replace("publish: true", "publish: yes"),
                                 f"content/records/2026/{N2}.yaml": record(N2).replace("publish: true", "publish: off")}))
    assert [(e.path, e.line) for e in errors] == [(REC, PUBLISH_LINE),
                                                  (f"content/records/2026/{N2}.yaml", PUBLISH_LINE)]


def test_yes_and_no_in_free_text_fields_are_text(make_site: MakeSite) -> None:
    text = (record().replace("merchant: 示例旗舰店", "merchant: yes")
            .replace("status: in_progress, note: 已转交商家核实}", "status: in_progress, note: no}")
            .replace("  name: 张伟\n", "  name: 张伟\n  consented: yes\n  callback: off\n"))
    root = make_site({REC: text, "content/site.yaml": "title: yes\nbase_url: https://example.org/\n"})
    report = build(root, as_of=dt.date(2026, 4, 1))  # no leak: yes/no under complainant are no one's data
    assert report.notices == 1
    page = (root / f"output/notices/{N1}/index.html").read_text("utf-8")
    assert "<title>" in page and "yes" in page


@pytest.mark.parametrize(("written", "read_as"), [
    ("12:30", "12:30"), ("010", "010"), ("02112345670", "02112345670"), ("1_000", "1_000"), ("0b101", "0b101"),
    ("0x1F", "0x1F"), ("199", 199), ("-3", -3), ("19.9", 19.9), ("0", 0)])
def test_numbers_are_read_as_yaml_1_2_and_a_leading_zero_stays_text(written: str, read_as: object) -> None:
    # PyYAML's YAML 1.1 reads 12:30 as 750 and 010 as 8: a note would publish "750", and a phone made of the digits
    # 0-7 with its trunk zero would become another value, which the privacy checks would then look for instead.
    source = parse_yaml_file("content/records/x.yaml", f"note: {written}\n".encode())
    assert source.data["note"] == read_as
