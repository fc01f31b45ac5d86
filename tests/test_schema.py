"""The editor schema and kspages' validator accept and reject the same records."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kspages import numbers
from kspages.codes import CODES
from kspages.fields import RECORD, Boolean, Field, ListOf, Section, Text
from kspages.model import validate_record
from kspages.read import parse_yaml_file
from kspages.schema import record_schema, schema_json

# With its format checker, as editors do: `format: date` is then an assertion (2026-02-30 is rejected).
VALIDATOR = jsonschema.Draft202012Validator(record_schema(),
                                            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
WORDS = ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"]  # YAML 1.1 booleans (and y/n of its spec)
BARE = re.compile(r"^( +publish: )'(" + "|".join(WORDS) + r")'$", re.M)
# Whatever staff might write in a field: wrong types, blanks, a misspelt code, an impossible date.
JUNK: list[Any] = [None, "", "   ", True, False, 3, ["a"], {"a": 1}, "nonsense", "2026-02-30"]
PATHS = {"pending": ["pending"], "in_progress": ["pending", "in_progress"],
         "resolved": ["pending", "in_progress", "resolved"], "resolved_fast": ["pending", "resolved"],
         "rejected": ["pending", "rejected"], "reopened": ["pending", "rejected", "in_progress"],
         "withdrawn": ["pending", "withdrawn"]}


def table_paths(section: Section = RECORD, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every field of the table, as a path into a record ("*" for any entry of a list)."""
    paths: list[tuple[str, ...]] = []
    for key, field in section.fields.items():
        paths.append((*prefix, key))
        if isinstance(field, Section):
            paths += table_paths(field, (*prefix, key))
        elif isinstance(field, ListOf):
            paths += table_paths(field.item, (*prefix, key, "*"))
    return paths


TABLE_PATHS = table_paths()


def put(record: dict[str, Any], path: tuple[str, ...], value: Any, rng: random.Random) -> None:
    """Set the field at `path` (a random entry for "*"), making the mappings on the way where they are missing."""
    target: Any = record
    for step, after in zip(path[:-1], path[1:], strict=True):
        if step == "*":
            entries = [e for e in target if isinstance(e, dict)]
            if not entries:
                return  # no entry to change: an earlier change already broke the list
            target = rng.choice(entries)
            continue
        if not isinstance(target.get(step), list if after == "*" else dict):
            target[step] = [] if after == "*" else {}
        target = target[step]
    target[path[-1]] = value


def base_record(rng: random.Random) -> dict[str, Any]:
    """A record kspages accepts: consistent history, valid number, real dates."""
    received = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(600))
    path = PATHS[rng.choice(list(PATHS))]
    history: list[dict[str, Any]] = []
    day = received
    for status in path:
        entry: dict[str, Any] = {"date": day.isoformat(), "status": status}
        if status == "rejected":
            entry["reason"] = rng.choice(list(CODES["reason"]))
        if rng.random() < 0.3:
            entry["note"] = rng.choice(["已转交商家核实", "补充材料", 12345])
        history.append(entry)
        day += dt.timedelta(days=rng.randrange(0, 9))
    record: dict[str, Any] = {
        "number": numbers.generate(rng), "received": received.isoformat(),
        "category": rng.choice(list(CODES["category"])), "channel": rng.choice(list(CODES["channel"])),
        "merchant": rng.choice(["示例旗舰店", "某某小店", 404]), "status": path[-1], "history": history}
    if path[-1] == "resolved" and rng.random() < 0.8:
        record["outcome"] = rng.choice(list(CODES["outcome"]))
    if rng.random() < 0.7:
        record["complainant"] = {"name": "张伟", "phone": "13812345678", "extra": {"any": ["shape"]}}
    if rng.random() < 0.5:
        record["order"] = {"id": "230912345678901", "amount": 199}
    if rng.random() < 0.5:
        record["description"] = "我在直播间买的。"
    if rng.random() < 0.3:
        reply = received + dt.timedelta(days=rng.randrange(0, 20))
        record["merchant_reply"] = {"date": reply.isoformat(), "text": rng.choice(["已联系消费者并退款。", 404])}
    if path[-1] in ("resolved", "rejected", "withdrawn") and rng.random() < 0.4:
        feedback: dict[str, Any] = {"rating": rng.choice(list(CODES["rating"]))}
        if rng.random() < 0.5:
            feedback["comment"] = rng.choice(["处理及时。", "希望商家以后注意。", 5])
        if rng.random() < 0.5:
            feedback["date"] = (day + dt.timedelta(days=rng.randrange(0, 9))).isoformat()
        record["feedback"] = feedback
    if rng.random() < 0.6:
        publish = rng.random() < 0.7
        notice: dict[str, Any] = {"publish": publish, "title": "关于示例旗舰店投诉的处理结果", "body": "经核查，投诉属实。"}
        if publish or rng.random() < 0.5:
            notice["date"] = day.isoformat()
        record["notice"] = notice
    return record


def mutate(record: dict[str, Any], rng: random.Random) -> str:
    """Break (or harmlessly change) the record in one way both the schema and the validator can judge."""
    if not isinstance(record.get("history"), list):
        return "none"  # an earlier mutation already broke the history; leave it at that
    history = [e for e in record["history"] if isinstance(e, dict)]
    if not history:
        return "none"  # an earlier mutation already broke the history; leave it at that
    kind = rng.choice(["drop", "type", "code", "unknown_key", "number", "date", "reason_where_not", "outcome_where_not",
                       "publish_without_title", "impossible_date", "blank_text", "private_not_mapping", "empty_history",
                       "entry_not_mapping", "first_not_pending", "publish_not_bool", "publish_word", "no_reason",
                       "null_optional", "reply_broken", "feedback_broken", "feedback_while_open", "table_field",
                       "table_field", "table_field", "none"])
    if kind == "drop":
        record.pop(rng.choice(["number", "received", "category", "channel", "merchant", "status", "history"]), None)
    elif kind == "type":
        record[rng.choice(["merchant", "number", "received", "category"])] = rng.choice([["a"], {"a": 1}, True])
    elif kind == "code":
        record[rng.choice(["category", "channel", "status"])] = "nonsense"
    elif kind == "unknown_key":
        target = rng.choice([record, history[0], record["notice"] if isinstance(record.get("notice"), dict) else record])
        target[rng.choice(["catgory", "remark", "publsh"])] = "x"
    elif kind == "number":
        number = str(record.get("number", "KS-1"))
        record["number"] = rng.choice([number.lower(), number.replace("-", ""), "KS-123"])
    elif kind == "date":
        rng.choice([record, history[0]])["received" if rng.random() < 0.5 else "date"] = "2026/03/14"
        if "date" not in history[0] or "received" not in record:
            record["received"] = "14.03.2026"
    elif kind == "impossible_date":  # well formed but not a day: only `format: date` tells
        target = rng.choice(["received", "entry", "notice"])
        day = rng.choice(["2026-02-30", "2026-13-01", "2026-04-31", "2025-02-29"])
        if target == "received":
            record["received"] = day
        elif target == "entry":
            rng.choice(history)["date"] = day
        elif isinstance(record.get("notice"), dict):
            record["notice"]["date"] = day
        else:
            record["received"] = day
    elif kind == "reason_where_not":
        entries = [e for e in history if e.get("status") != "rejected"]
        if entries:
            rng.choice(entries)["reason"] = rng.choice(list(CODES["reason"]))
    elif kind == "outcome_where_not":
        if record.get("status") != "resolved":
            record["outcome"] = rng.choice(list(CODES["outcome"]))
        else:
            record["outcome"] = "nonsense"
    elif kind == "publish_without_title":
        record["notice"] = {"publish": True, "date": "2026-10-01", "body": "正文"}
    elif kind == "blank_text":
        record["merchant"] = rng.choice(["", "   "])
    elif kind == "private_not_mapping":
        record[rng.choice(["complainant", "order"])] = rng.choice(["张伟 13812345678", ["a", "b"]])
    elif kind == "empty_history":
        record["history"] = []
    elif kind == "entry_not_mapping":
        record["history"].append("2026-03-20 resolved")
    elif kind == "first_not_pending":
        history[0]["status"] = "withdrawn"
        del record["history"][1:]
        record["status"] = "withdrawn"
        record.pop("outcome", None)
    elif kind == "publish_not_bool":
        record["notice"] = {"publish": rng.choice(["yes", 1, None])}
    elif kind == "publish_word":  # written unquoted (see judge): a boolean to YAML 1.1, text to YAML 1.2
        record["notice"] = {"publish": rng.choice(WORDS), "date": "2026-10-01", "title": "标题", "body": "正文"}
    elif kind == "no_reason":
        for entry in history:
            if entry.get("status") == "rejected":
                entry["reason"] = rng.choice([None, ""])
    elif kind == "null_optional":  # harmless: an empty optional field counts as absent for both
        record[rng.choice(["description", "complainant", "order", "notice", "merchant_reply", "feedback"])] = \
            rng.choice([None, ""])
    elif kind == "reply_broken":
        reply = {"date": str(record.get("received", "2026-03-14")), "text": "已退款。"}
        change = rng.choice(["drop_text", "drop_date", "misspelt", "bad_date", "not_mapping", "text_list"])
        if change == "drop_text":
            del reply["text"]
        elif change == "drop_date":
            del reply["date"]
        elif change == "misspelt":
            reply["txt"] = reply.pop("text")
        elif change == "bad_date":
            reply["date"] = rng.choice(["2026/03/18", "2026-02-30"])
        elif change == "text_list":
            reply["text"] = ["已退款"]  # type: ignore[assignment]
        record["merchant_reply"] = reply if change != "not_mapping" else "商家已退款"
    elif kind == "feedback_broken":
        feedback: dict[str, Any] = {"rating": "satisfied"}
        change = rng.choice(["bad_rating", "no_rating", "misspelt", "bad_date", "comment_mapping"])
        if change == "bad_rating":
            feedback["rating"] = rng.choice(["满意", "satisfy", "good"])
        elif change == "no_rating":
            feedback = {"comment": "还行"}
        elif change == "misspelt":
            feedback["coment"] = "还行"
        elif change == "bad_date":
            feedback["date"] = rng.choice(["2026.10.01", "2026-04-31"])
        else:
            feedback["comment"] = {"text": "还行"}
        record["feedback"] = feedback
    elif kind == "feedback_while_open":  # wrong only while the complaint has no result
        record["feedback"] = {"rating": rng.choice(list(CODES["rating"]))}
    elif kind == "table_field":  # any field of the table given anything
        path = rng.choice(TABLE_PATHS)
        put(record, path, rng.choice(JUNK), rng)
        return f"{kind} {'.'.join(path)}"
    return kind


def as_yaml(record: dict[str, Any]) -> str:
    """The record as YAML text; a YAML 1.1 boolean word for `publish` unquoted (PyYAML quotes it, staff would not)."""
    return BARE.sub(r"\1\2", yaml.safe_dump(record, allow_unicode=True, sort_keys=False))


def judge(record: dict[str, Any]) -> tuple[bool, bool, list[str]]:
    """(kspages accepts, schema accepts, kspages' messages) for the record written as YAML."""
    source = parse_yaml_file("r.yaml", as_yaml(record).encode("utf-8"))
    errors: list[Any] = []
    validate_record(source, errors)
    return not errors, VALIDATOR.is_valid(source.data), [e.message for e in errors]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.integers(0, 2))
def test_schema_and_validator_agree(rng: random.Random, mutations: int) -> None:
    record = base_record(rng)
    kinds = [mutate(record, rng) for _ in range(mutations)]
    ours, schema, messages = judge(record)
    assert ours == schema, (kinds, messages, record)


def test_generated_records_cover_both_verdicts() -> None:
    rng = random.Random(1)
    verdicts = set()
    for _ in range(300):
        record = base_record(rng)
        mutate(record, rng)
        verdicts.add(judge(record)[0])
    assert verdicts == {True, False}


def test_schema_is_valid_json_schema_with_chinese_titles() -> None:
    jsonschema.Draft202012Validator.check_schema(record_schema())
    schema = json.loads(schema_json())
    assert schema["properties"]["category"]["title"] == "问题类型"
    assert schema["properties"]["category"]["enumDescriptions"][0] == "虚假宣传"
    assert all(p.get("title") for p in schema["properties"].values())


@pytest.mark.parametrize("word", WORDS)
def test_a_publish_word_is_rejected_by_both(word: str) -> None:
    """Editors (YAML 1.2) read `publish: yes` as text and the schema rejects it; so must kspages."""
    rng = random.Random(word)
    for _ in range(20):
        record = base_record(rng)
        record["notice"] = {"publish": True, "date": "2026-10-01", "title": "标题", "body": "正文"}
        assert judge(record)[:2] == (True, True), record
        record["notice"]["publish"] = word
        assert f"  publish: {word}\n" in as_yaml(record)  # unquoted, as staff would type it
        ours, schema, messages = judge(record)
        assert (ours, schema) == (False, False), (record, messages)
        assert messages == [f"'notice.publish' must be true or false, not '{word}'"]


def field_at(path: tuple[str, ...]) -> Field:
    """The table's entry for a path of `table_paths`."""
    found: Field = RECORD
    for step in path:
        if step != "*":
            assert isinstance(found, Section)
            found = found.fields[step]
        elif isinstance(found, ListOf):
            found = found.item
    return found


def _schema_at(schema: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for step in path:
        schema = schema["items"] if step == "*" else schema["properties"][step]
    return schema


def test_every_field_of_the_table_is_in_the_schema_with_chinese_text() -> None:
    schema = record_schema()
    assert len(TABLE_PATHS) > 25
    for path in TABLE_PATHS:
        described = _schema_at(schema, path)
        assert described["title"] and described.get("description", "x"), path
    for section_path in [(), *(p for p in TABLE_PATHS if "properties" in _schema_at(schema, p))]:
        described = _schema_at(schema, section_path)
        if described.get("additionalProperties") is False:  # a fixed set of keys: the table's, no more
            keys = {p[len(section_path)] for p in TABLE_PATHS
                    if p[:len(section_path)] == section_path and len(p) == len(section_path) + 1}
            assert set(described["properties"]) == keys, section_path


def test_every_field_of_the_table_is_broken_by_the_agreement_test() -> None:
    """The generated changes reach every field of the table, each both ways (accepted and rejected)."""
    rng = random.Random(2)
    seen: dict[str, set[bool]] = {".".join(p): set() for p in TABLE_PATHS}
    for _ in range(3000):
        record = base_record(rng)
        path = rng.choice(TABLE_PATHS)
        put(record, path, rng.choice(JUNK), rng)
        ours, schema, messages = judge(record)
        assert ours == schema, (path, messages, record)
        seen[".".join(path)].add(ours)
    # Some junk is a fine value for an optional field (None), text (3) or a boolean; none is for the others.
    expected = {".".join(p): {False, True} if not field_at(p).required or isinstance(field_at(p), (Text, Boolean))
                else {False} for p in TABLE_PATHS}
    assert seen == expected
