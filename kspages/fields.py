"""The record format, described once: a table of fields from which the validator and the JSON Schema are both made.

As in MkDocs' `config_options`, each field is an option object that knows its type and constraints and reads a value
into an error or a result; here it also states itself as JSON Schema, with the Chinese text editors show. `RECORD` is
the table; `RULES`, below it, lists every rule between fields that the table cannot state, each a function (and,
where JSON Schema can say it too, the schema that says it). No I/O, no Jinja, Markdown or privacy imports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import numbers
from .codes import CODES
from .errors import ContentError, close_match, did_you_mean
from .read import Mapping, Sequence

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_HINT = "write the date as YYYY-MM-DD, e.g. 2026-03-14"
# Words YAML 1.1 (and so older PyYAML-based tools) reads as booleans but YAML 1.2 and the editors read as text. The
# loader keeps them text; a true/false field given one is an error, so consent is never a word either side misreads.
YAML_1_1_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})
# An empty `key:` counts as not given, and so does blank text, as the validator's Reader.present says.
_ABSENT: list[dict[str, Any]] = [{"type": "null"}, {"type": "string", "pattern": r"^\s*$"}]
Labels = dict[str, dict[str, str]]


def kind_of(value: Any) -> str:
    """How an error names what was written instead: 'a list', 'a mapping', 'true/false', 'a number' or 'text'."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


def parse_date(value: Any, fail: Callable[[str], None]) -> dt.date | None:
    """Parse a YYYY-MM-DD date, calling `fail(message)` when it is malformed or impossible."""
    text = str(value).strip()
    if not _DATE.match(text):
        fail(f"is not a date: '{text}'")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"is not a real date: '{text}'")
        return None


class Reader:
    """One YAML mapping being read: appends a precise error (path, line, message, hint) for each bad key."""

    def __init__(self, path: str, data: Mapping, errors: list[ContentError], where: str = "",
                 line: int | None = None) -> None:
        self.path, self.data, self.errors, self.where = path, data, errors, where
        self.line = line or data.line  # a nested mapping's problems point at its parent key
        self.misspelt: set[str] = set()  # required keys that an unknown key already suggests

    def error(self, key: str | None, message: str, hint: str = "") -> None:
        """Report a problem at `key`'s line, or at the mapping's when there is no key."""
        line = self.data.lines.get(key, self.line) if key else self.line
        self.errors.append(ContentError(self.path, line, message, hint))

    def name(self, key: str) -> str:
        """The key as errors name it: `notice.title`, `history[2].status`."""
        return f"{self.where}{key}"

    def only(self, allowed: set[str] | tuple[str, ...] | dict[str, Any]) -> None:
        """Report every unknown key with the close allowed one; remember it so that key is not also 'missing'."""
        for key in self.data:
            if key not in allowed:
                self.error(key, f"unknown key '{self.name(key)}'", did_you_mean(key, allowed))
                close = close_match(key, allowed)
                if close:
                    self.misspelt.add(close)

    def present(self, key: str, required: bool, hint: str = "", message: str = "") -> bool:
        """Whether `key` has a value (blank text counts as none); report it missing when required."""
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required and key not in self.misspelt:  # "unknown key 'catgory'" already says it
                self.error(None if key not in self.data else key,
                           message or f"missing required field '{self.name(key)}'", hint or f"add a line '{key}: ...'")
            return False
        return True


@dataclass(frozen=True)
class When:
    """A field that depends on an earlier sibling's value: required when it is one of `values`, or allowed only then.

    Messages may use {value} (the sibling's value) and {index} (the entry's number in its list).
    """

    key: str
    values: tuple[Any, ...]
    required: bool = False  # required when the sibling has one of the values
    only: bool = False  # an error when the sibling has another value
    missing: tuple[str, str] = ("", "")  # message and hint when required and absent; "" for the field's own
    misplaced: tuple[str, str] = ("", "")  # message and hint when given where `only` forbids it


@dataclass(frozen=True, kw_only=True)
class Field:
    """One key of a mapping: whether it is required, the hint its errors give, and its Chinese schema text."""

    title: str = ""
    description: str = ""
    required: bool = True
    hint: str = ""  # how to fix it; used for a missing value and, unless a type has its own, for a wrong one
    when: When | None = None
    private: bool = False  # never published: every scalar under it is a private value for the scrubber and the gate

    def missing_hint(self, key: str) -> str:
        """What to write when the field is missing."""
        return self.hint or f"add a line '{key}: ...'"

    def take(self, r: Reader, key: str, required: bool | None = None, missing: tuple[str, str] = ("", "")) -> Any:
        """The field's value read from `r`, or None when it is absent or wrong (after reporting why)."""
        need = self.required if required is None else required
        if not r.present(key, need, missing[1] or self.missing_hint(key), missing[0]):
            return None
        return self.check(r, key, r.data[key])

    def check(self, r: Reader, key: str, value: Any) -> Any:
        """The value converted, or None after reporting what is wrong with it."""
        return value

    def value_schema(self, labels: Labels) -> dict[str, Any]:
        """The JSON Schema of a given value, without title and description."""
        return {}

    def domain(self, labels: Labels) -> tuple[Any, ...]:
        """Every value the field may take, for a `When` that names it; only codes and booleans have one."""
        raise TypeError(f"a When cannot depend on a {type(self).__name__}")

    def schema(self, labels: Labels) -> dict[str, Any]:
        """The JSON Schema of the field as a property: title, description, and what a value must be."""
        return {"title": self.title, "description": self.description, **self.value_schema(labels)}


@dataclass(frozen=True, kw_only=True)
class Text(Field):
    """Text on one or more lines; a YAML number counts as its text (a shop called 404)."""

    def check(self, r: Reader, key: str, value: Any) -> str | None:
        if isinstance(value, (dict, list, bool)):
            r.error(key, f"'{r.name(key)}' must be text, not {kind_of(value)}", self.hint or "write it on one line")
            return None
        return str(value).strip()

    def value_schema(self, labels: Labels) -> dict[str, Any]:
        return {"anyOf": [{"type": "string", "pattern": r"\S"}, {"type": "number"}]}


@dataclass(frozen=True, kw_only=True)
class Date(Field):
    """A real day written YYYY-MM-DD (the loader keeps dates as text, so 2026-02-30 is an error, not a crash)."""

    def missing_hint(self, key: str) -> str:
        return DATE_HINT

    def check(self, r: Reader, key: str, value: Any) -> dt.date | None:
        return parse_date(value, lambda m: r.error(key, f"'{r.name(key)}' {m}", DATE_HINT))

    def value_schema(self, labels: Labels) -> dict[str, Any]:
        # `format: date` lets editors reject 2026-02-30 too (yaml-language-server checks it); the pattern stays for
        # validators that treat formats as annotations only.
        return {"type": "string", "pattern": _DATE.pattern, "format": "date"}

    def schema(self, labels: Labels) -> dict[str, Any]:
        return {"title": self.title, "description": self.description + "格式 YYYY-MM-DD，例如 2026-03-14。",
                **self.value_schema(labels)}


@dataclass(frozen=True, kw_only=True)
class Code(Field):
    """One code of CODES[kind]; errors name the close match and every code with its Chinese label."""

    kind: str

    def missing_hint(self, key: str) -> str:
        return f"allowed: {', '.join(CODES[self.kind])}"

    def check(self, r: Reader, key: str, value: Any) -> str | None:
        allowed = CODES[self.kind]
        if not isinstance(value, str) or value not in allowed:
            labels = ", ".join(f"{c} ({label})" for c, label in allowed.items())
            close = close_match(str(value), allowed)
            r.error(key, f"unknown {self.kind} '{value}' in '{r.name(key)}'",
                    f"{f'did you mean {close!r}? ' if close else ''}allowed: {labels}")
            return None
        return value

    def domain(self, labels: Labels) -> tuple[Any, ...]:
        return tuple(labels[self.kind])

    def value_schema(self, labels: Labels) -> dict[str, Any]:
        codes = labels[self.kind]
        return {"enum": list(codes), "enumDescriptions": list(codes.values()),
                "markdownEnumDescriptions": [f"**{label}**" for label in codes.values()]}

    def schema(self, labels: Labels) -> dict[str, Any]:
        listed = "；".join(f"{code}（{label}）" for code, label in labels[self.kind].items())
        return {"title": self.title, "description": f"{self.description}可选：{listed}", **self.value_schema(labels)}


@dataclass(frozen=True, kw_only=True)
class Boolean(Field):
    """true or false only, as YAML 1.2 and the editors read them: yes/no/on/off are text, never consent."""

    def missing_hint(self, key: str) -> str:
        return "write true or false"

    def check(self, r: Reader, key: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            hint = "write true or false"
            if isinstance(value, str) and value.strip().lower() in YAML_1_1_BOOLEANS:
                hint = f"'{value.strip()}' is read as text by editors that follow YAML 1.2; {hint}"
            r.error(key, f"'{r.name(key)}' must be true or false, not '{value}'", hint)
            return None
        return value

    def domain(self, labels: Labels) -> tuple[Any, ...]:
        return (True, False)

    def value_schema(self, labels: Labels) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True, kw_only=True)
class Number(Field):
    """A complaint number in its standard form with a right check character (numbers.py)."""

    def check(self, r: Reader, key: str, value: Any) -> str | None:
        text = Text(hint=self.hint).check(r, key, value)
        if text is None:
            return None
        result = numbers.check(text)
        if result.verdict == "malformed":
            r.error(key, f"'{text}' is not a complaint number", f"numbers look like KS-7K3M-9Q2D-X; {self.hint}")
            return None
        if result.verdict == "bad_check":
            r.error(key, f"'{text}' has a wrong check character",
                    "a character was probably mistyped; copy the number again from where it was issued")
            return None
        if result.number != text:
            r.error(key, f"'{text}' is not written in the standard form", f"write it as {result.number}")
            return None
        return result.number

    def value_schema(self, labels: Labels) -> dict[str, Any]:
        body = numbers.BODY_ALPHABET
        return {"type": "string", "pattern": f"^{numbers.PREFIX}-[{body}]{{4}}-[{body}]{{4}}-[{body}]$"}


@dataclass(frozen=True, kw_only=True)
class Free(Field):
    """A mapping with any keys (private data: whatever staff note); `known` keys get a title for completion."""

    known: dict[str, str] = field(default_factory=dict)

    def check(self, r: Reader, key: str, value: Any) -> Mapping | None:
        if not isinstance(value, Mapping):
            r.error(key, f"'{r.name(key)}' must be a mapping of 'key: value' lines, not {kind_of(value)}", self.hint)
            return None
        return value

    def missing_hint(self, key: str) -> str:
        return f"add a line '{key}: ...'"

    def schema(self, labels: Labels) -> dict[str, Any]:
        return {"title": self.title, "description": self.description, "anyOf": [{"type": "object"}, *_ABSENT],
                "properties": {k: {"title": t} for k, t in self.known.items()}}


@dataclass
class Checked:
    """One mapping after the table's pass: each field's value (None when absent or wrong), and its reader (lines)."""

    reader: Reader
    values: dict[str, Any]
    index: int = 0  # the entry's number in its list (1-based); 0 outside a list

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


@dataclass(frozen=True, kw_only=True)
class Section(Field):
    """A mapping with a fixed set of fields (the record itself, a history entry, `notice:`)."""

    fields: dict[str, Field]

    def __post_init__(self) -> None:
        for key, f in self.fields.items():
            if f.when:  # read in table order: the condition's key must be read first
                assert list(self.fields).index(f.when.key) < list(self.fields).index(key), key

    def missing_hint(self, key: str) -> str:
        return f"add a line '{key}: ...'"

    def check(self, r: Reader, key: str, value: Any) -> Checked | None:
        if not isinstance(value, Mapping):
            r.error(key, f"'{r.name(key)}' must be a mapping of 'key: value' lines, not {kind_of(value)}", self.hint)
            return None
        return self.read(Reader(r.path, value, r.errors, f"{r.name(key)}.", r.data.line_of(key)))

    def read(self, r: Reader, index: int = 0) -> Checked:
        """Every field of the mapping `r` reads, in table order, with each error reported; unknown keys too."""
        r.only(self.fields)
        done = Checked(r, {}, index)
        for key, f in self.fields.items():
            when, required, missing = f.when, None, ("", "")
            sibling = done.values.get(when.key) if when else None
            if when and when.required:
                required = sibling is not None and sibling in when.values
                missing = (when.missing[0].format(value=sibling, index=index), when.missing[1])
            value = done.values[key] = f.take(r, key, required, missing)
            if when and when.only and value is not None and sibling is not None and sibling not in when.values:
                r.error(key, when.misplaced[0].format(value=sibling, index=index), when.misplaced[1])
        return done

    def object_schema(self, labels: Labels) -> dict[str, Any]:
        """What a given mapping must be: no unknown keys, the required ones present, each field's schema, conditions."""
        properties: dict[str, Any] = {}
        for key, f in self.fields.items():
            schema = f.schema(labels)
            if not f.required and not isinstance(f, (Section, Free)):  # sections carry their own absent forms
                schema = {"title": schema.pop("title", ""), "description": schema.pop("description", ""),
                          "anyOf": [schema, *_ABSENT]}
            properties[key] = schema
        out: dict[str, Any] = {"additionalProperties": False,
                               "required": [k for k, f in self.fields.items() if f.required],
                               "properties": properties}
        conditions = self._conditions(labels)
        if len(conditions) == 1:
            out.update(conditions[0])
        elif conditions:
            out["allOf"] = conditions
        return out

    def _conditions(self, labels: Labels) -> list[dict[str, Any]]:
        """The `When`s in JSON Schema's words: as the validator, they apply only when the sibling has a known value."""
        groups: dict[tuple[str, tuple[Any, ...], bool], list[tuple[str, Field]]] = {}
        for key, f in self.fields.items():
            for required in (True, False):
                if f.when and (f.when.required if required else f.when.only):
                    groups.setdefault((f.when.key, f.when.values, required), []).append((key, f))
        out = []
        for (sibling, values, required), members in groups.items():
            if not required:  # barred where the sibling has one of its other values (a misspelt one says nothing)
                values = tuple(v for v in self.fields[sibling].domain(labels) if v not in values)
            test = {"const": values[0]} if len(values) == 1 else {"enum": list(values)}
            # An absent sibling passes any `properties`, so it must be required for the test to mean "has a value".
            cond: dict[str, Any] = {"if": {"required": [sibling], "properties": {sibling: test}}}
            if not self.required:  # `required` is true of null too: only a mapping is tested
                cond["if"] = {"type": "object", **cond["if"]}
            if required:
                cond["then"] = {"required": [k for k, _ in members],
                                "properties": {k: f.value_schema(labels) for k, f in members}}
            else:
                cond["then"] = {"properties": {k: {"anyOf": _ABSENT} for k, _ in members}}
            out.append(cond)
        return out

    def schema(self, labels: Labels) -> dict[str, Any]:
        head: dict[str, Any] = {"title": self.title, "description": self.description}
        if self.required:
            head["type"] = "object"
        else:
            head["anyOf"] = [{"type": "object"}, *_ABSENT]
        return {**head, **self.object_schema(labels)}


@dataclass(frozen=True, kw_only=True)
class ListOf(Field):
    """A non-empty list of mappings, each read by `item` (`history:`)."""

    item: Section
    example: str  # one entry as staff write it, for the hints

    def check(self, r: Reader, key: str, value: Any) -> list[Checked | None] | None:
        name = r.name(key)
        if not isinstance(value, Sequence) or not value:
            r.error(key, f"'{name}' must be a non-empty list of entries", f"e.g. '{self.example}'")
            return None
        out: list[Checked | None] = []
        for i, (entry, line) in enumerate(zip(value, value.lines, strict=True), start=1):
            if not isinstance(entry, Mapping):
                r.errors.append(ContentError(r.path, line, f"{name} entry {i} must be a mapping",
                                             f"e.g. '{self.example}'"))
                out.append(None)
                continue
            out.append(self.item.read(Reader(r.path, entry, r.errors, f"{name}[{i}]."), i))
        return out

    def value_schema(self, labels: Labels) -> dict[str, Any]:
        return {"type": "array", "minItems": 1,
                "items": {"type": "object", "title": self.item.title, **self.item.object_schema(labels)}}


# The record format. Codes and their default labels are in codes.py; site.yaml may relabel them for the schema.

FINAL_STATUSES = frozenset({"resolved", "rejected", "withdrawn"})
# Which status may follow which. A status may repeat (a new note); a rejection may be reopened on review (复核).
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"pending", "in_progress", "resolved", "rejected", "withdrawn"}),
    "in_progress": frozenset({"in_progress", "resolved", "rejected", "withdrawn"}),
    "rejected": frozenset({"in_progress"}),
    "resolved": frozenset(),
    "withdrawn": frozenset(),
}
_FINAL = tuple(s for s in CODES["status"] if s in FINAL_STATUSES)  # in the codes' order, so the schema is stable
_ENTRY_EXAMPLE = "- {date: 2026-03-14, status: pending}"

HISTORY_ENTRY = Section(title="处理经过中的一步", fields={
    "date": Date(title="日期", description="这一步发生的日期。"),
    "status": Code(kind="status", title="处理状态", description="这一步之后的处理状态。"),
    "reason": Code(kind="reason", title="未通过的原因", description="仅在状态为 rejected（未通过）时填写。",
                   required=False, when=When(
                       "status", ("rejected",), required=True, only=True,
                       missing=("history entry {index} is 'rejected' but gives no 'reason'",
                                f"add 'reason:' with one of: {', '.join(CODES['reason'])}"),
                       misplaced=("'reason' is only for rejected entries, but entry {index} is '{value}'",
                                  "remove 'reason', or set the status to rejected"))),
    "note": Text(title="说明", description="【公开】简短说明；发布前会自动隐去个人信息。", required=False),
})

RECORD = Section(
    title="投诉记录",
    description="一件投诉一个文件。标【公开】的字段会出现在网站上；complainant、order、description 永远不会发布。",
    fields={
        "number": Number(title="投诉编号", description="【公开】用 kspages number new 生成，写法如 KS-7K3M-9Q2D-X，勿改。",
                         hint="run 'kspages number new' for a fresh number"),
        "received": Date(title="收到日期", description="【公开】收到投诉的日期。"),
        "category": Code(kind="category", title="问题类型", description="【公开】"),
        "channel": Code(kind="channel", title="反映渠道", description="【公开】投诉人通过哪个渠道反映问题。"),
        "merchant": Text(title="被投诉店铺", description="【公开】店铺在平台上的名称。",
                         hint="the shop's name as shown on the platform"),
        "status": Code(kind="status", title="处理状态", description="【公开】当前状态，须与处理经过最后一步一致。"),
        "outcome": Code(kind="outcome", title="处理结果", description="【公开】仅在状态为 resolved（已处理）时填写。",
                        required=False, when=When(
                            "status", ("resolved",), only=True,
                            misplaced=("'outcome' is only for resolved complaints, but status is '{value}'",
                                       "remove 'outcome', or set status to resolved"))),
        "history": ListOf(title="处理经过", description="【公开】按日期先后排列；第一步为 pending，最后一步的状态与 status 一致。",
                          item=HISTORY_ENTRY, example=_ENTRY_EXAMPLE,
                          hint="a list of '- {date: ..., status: ...}' entries, oldest first"),
        "complainant": Free(title="投诉人", description="【不公开】姓名、电话等，永远不会发布。", required=False,
                            private=True, known={"name": "姓名", "phone": "手机号",
                                                 "gender": "性别（女/男），仅用于“张女士”写法"},
                            hint="indented 'key: value' lines under 'complainant:', e.g. '  name: 张伟'"),
        "order": Free(title="订单", description="【不公开】订单号等；product、amount 等商品信息可能出现在公示中。",
                      required=False, private=True,
                      known={"id": "订单号", "tracking": "快递单号", "product": "商品名称", "amount": "金额（元）"},
                      hint="indented 'key: value' lines under 'order:', e.g. '  id: \"230912345678901\"'"),
        "description": Text(title="投诉人的陈述", description="【不公开】原样记录，永远不会发布。", required=False,
                            private=True, hint="write the complainant's account after a 'description: |' line"),
        "merchant_reply": Section(
            title="商家回应", description="【公开】商家对这件投诉的公开说明；发布前会自动隐去个人信息。", required=False,
            hint="indented lines under 'merchant_reply:': '  date: 2026-03-18' and '  text: ...'",
            fields={
                "date": Date(title="回应日期", description="商家作出回应的日期，不早于收到日期。"),
                "text": Text(title="回应内容", description="照录商家的说明；发布前会自动隐去个人信息。",
                             hint="the merchant's reply as published, after a 'text: |' line"),
            }),
        "feedback": Section(
            title="投诉人评价",
            description="【公开】投诉人对处理结果的评价；仅在状态为 resolved、rejected 或 withdrawn 时填写。",
            required=False,
            hint="indented lines under 'feedback:': '  rating: satisfied' and, if given, '  comment: ...'",
            # The complainant rates a result; before there is one a rating would judge a complaint still being handled.
            when=When("status", _FINAL, only=True, misplaced=(
                "'feedback' is only for a complaint with a result, but status is '{value}'",
                "keep the complainant's view aside until the status is resolved, rejected or withdrawn, "
                "then add 'feedback:'")),
            fields={
                "rating": Code(kind="rating", title="投诉人评价", description="投诉人对处理结果是否满意。"),
                "comment": Text(title="评价内容", description="投诉人的原话（可选）；发布前会自动隐去个人信息。",
                                required=False),
                "date": Date(title="评价日期", description="不早于处理经过最后一步的日期。", required=False),
            }),
        "notice": Section(
            title="处理结果公示", description="经审核后把 publish 改为 true；撤回时改为 false 并保留 date。", required=False,
            hint="indented lines under 'notice:': '  publish: false', then '  date: ...', '  title: ...' and "
                 "'  body: |'",
            fields={
                "publish": Boolean(title="是否公示", description="true 表示同意公示（状态为最终状态后发布）。只能写 true 或 "
                                                           "false：yes、no、on、off 是文字，不是同意。"),
                "date": Date(title="公示日期", description="公示的日期；草稿不填。", required=False,
                             when=When("publish", (True,), required=True)),
                "title": Text(title="公示标题", description="例如：关于某某旗舰店虚假宣传投诉的处理结果", required=False,
                              hint="e.g. 关于某某旗舰店虚假宣传投诉的处理结果", when=When("publish", (True,), required=True)),
                "body": Text(title="公示正文", description="Markdown；发布前会自动隐去个人信息。", required=False,
                             hint="the result in Markdown, after a 'body: |' line",
                             when=When("publish", (True,), required=True)),
            }),
    })
PRIVATE_SECTIONS = tuple(k for k, f in RECORD.fields.items() if f.private)


# Rules between fields that the table cannot state, all here: each gets the record as the table read it and reports
# through its readers. Entries whose date or status is wrong are left out of the order rules (already reported).

def _steps(record: Checked) -> list[Checked]:
    """The history entries with a readable date and status, in file order."""
    return [e for e in record["history"] or [] if e is not None and e["date"] and e["status"]]


def _first_pending(record: Checked) -> None:
    """The first history entry is `pending`: a complaint starts the day it came in."""
    steps = _steps(record)
    if steps and steps[0]["status"] != "pending":
        steps[0].reader.error("status", f"the first history entry must be 'pending', not '{steps[0]['status']}'",
                              "start the history with the day the complaint came in: {date: ..., status: pending}")


def _starts_on_received(record: Checked) -> None:
    """The first history date is not before `received`."""
    steps, received = _steps(record), record["received"]
    if steps and received and steps[0]["date"] < received:
        steps[0].reader.error("date", f"history starts on {steps[0]['date']}, before the complaint was received "
                                      f"({received})", "check 'received' and the first history date")


def _in_date_order(record: Checked) -> None:
    """History entries are listed oldest first."""
    steps = _steps(record)
    for prev, entry in zip(steps, steps[1:], strict=False):
        if entry["date"] < prev["date"]:
            entry.reader.error("date", f"history is out of date order: {entry['date']} comes after {prev['date']}",
                               "list history entries oldest first")


def _allowed_transitions(record: Checked) -> None:
    """Each status may follow the one before it (TRANSITIONS)."""
    steps = _steps(record)
    for prev, entry in zip(steps, steps[1:], strict=False):
        if entry["status"] not in TRANSITIONS[prev["status"]]:
            allowed = ", ".join(sorted(TRANSITIONS[prev["status"]])) or "none: it is final"
            entry.reader.error("status", f"a complaint cannot go from '{prev['status']}' to '{entry['status']}'",
                               f"after '{prev['status']}' allowed: {allowed}")


def _status_is_last_step(record: Checked) -> None:
    """`status` equals the last history entry's status (judged only when every entry could be read)."""
    steps, status, history = _steps(record), record["status"], record["history"]
    if steps and status and steps[-1]["status"] != status and len(steps) == len(history):
        record.reader.error("status", f"status is '{status}' but the last history entry says '{steps[-1]['status']}'",
                            "add a history entry for the new status, or correct 'status'")


def _reply_after_received(record: Checked) -> None:
    """`merchant_reply.date` is not before `received`."""
    reply, received = record["merchant_reply"], record["received"]
    if reply and reply["date"] and received and reply["date"] < received:
        reply.reader.error("date", f"'merchant_reply.date' {reply['date']} is before the complaint was received "
                                   f"({received})", "check the reply's date and 'received'")


def _feedback_after_result(record: Checked) -> None:
    """`feedback.date` is not before the result (the last history entry of a final status), nor before `received`."""
    feedback, received, status, steps = record["feedback"], record["received"], record["status"], _steps(record)
    date = feedback["date"] if feedback else None
    decided = steps[-1]["date"] if steps and status in FINAL_STATUSES else None
    if date and decided and date < decided:
        feedback.reader.error("date", f"'feedback.date' {date} is before the result ({decided}, the last history "
                                      "entry)", "the complainant rates the result after it: check the feedback's date "
                                                "and the history")
    elif date and received and date < received:
        feedback.reader.error("date", f"'feedback.date' {date} is before the complaint was received ({received})",
                              "check the feedback's date and 'received'")


@dataclass(frozen=True)
class Rule:
    """A rule between fields: the function that checks it and, where JSON Schema can say it, the schema at `at`."""

    check: Callable[[Checked], None]
    at: str = ""  # the record's field whose schema `schema` joins; "" for the record itself
    schema: dict[str, Any] | None = None


# Also from the table (When), with their own messages: `reason` exactly on rejected entries, `outcome` only when
# resolved, `feedback` only on a final status, the notice's date, title and body when `publish: true`.
RULES: tuple[Rule, ...] = (
    # In its own subschema: beside "items", "prefixItems" would exempt the first entry from it.
    Rule(_first_pending, "history", {"allOf": [{"prefixItems": [{"properties": {"status": {"const": "pending"}}}]}]}),
    Rule(_starts_on_received),
    Rule(_in_date_order),
    Rule(_allowed_transitions),
    Rule(_status_is_last_step),
    Rule(_reply_after_received),
    Rule(_feedback_after_result),
)


def read_record(path: str, data: Mapping, errors: list[ContentError]) -> Checked:
    """The record read by the table, then judged by every rule; every problem appended to `errors`."""
    record = RECORD.read(Reader(path, data, errors))
    for rule in RULES:
        rule.check(record)
    return record
