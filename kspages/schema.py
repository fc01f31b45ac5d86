"""The record format as a JSON Schema, for editors: completion, Chinese hover text and checks while staff type.

It states what the validator in model.py checks field by field. Rules that need arithmetic or the whole file (the
check character of a number, real dates, the order and transitions of history) stay with the validator; the tests
generate records within what both can judge and require them to agree.
"""

from __future__ import annotations

import json
from typing import Any

from . import numbers
from .codes import CODES
from .model import FINAL_STATUSES

SCHEMA_ID = "https://kspages.example/schema/record.schema.json"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TEXT: dict[str, Any] = {"anyOf": [{"type": "string", "pattern": r"\S"}, {"type": "number"}]}
_ABSENT: list[dict[str, Any]] = [{"type": "null"}, {"const": ""}]  # an empty `key:` counts as not given
_KIND_TITLES = {"category": "问题类型", "channel": "反映渠道", "status": "处理状态", "outcome": "处理结果",
                "reason": "未通过的原因", "rating": "投诉人评价"}


def _code(kind: str, labels: dict[str, dict[str, str]], description: str) -> dict[str, Any]:
    codes = labels[kind]
    return {"title": _KIND_TITLES[kind], "description": description + "可选：" + "；".join(
        f"{code}（{label}）" for code, label in codes.items()),
        "enum": list(codes), "enumDescriptions": list(codes.values()),
        "markdownEnumDescriptions": [f"**{label}**" for label in codes.values()]}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    inner = {k: v for k, v in schema.items() if k not in ("title", "description")}
    return {"title": schema.get("title", ""), "description": schema.get("description", ""),
            "anyOf": [inner, *_ABSENT]}


def _text(title: str, description: str) -> dict[str, Any]:
    return {"title": title, "description": description, **_TEXT}


def _date(title: str, description: str) -> dict[str, Any]:
    # `format: date` lets editors reject 2026-02-30 too (yaml-language-server checks it); the pattern stays for
    # validators that treat formats as annotations only.
    return {"title": title, "description": description + "格式 YYYY-MM-DD，例如 2026-03-14。", "type": "string",
            "pattern": _DATE, "format": "date"}


def record_schema(labels: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a complaint record, with Chinese titles and descriptions."""
    labels = labels or CODES
    body = numbers.BODY_ALPHABET
    number_pattern = f"^{numbers.PREFIX}-[{body}]{{4}}-[{body}]{{4}}-[{body}]$"
    entry = {
        "type": "object", "title": "处理经过中的一步", "additionalProperties": False,
        "required": ["date", "status"],
        "properties": {
            "date": _date("日期", "这一步发生的日期。"),
            "status": _code("status", labels, "这一步之后的处理状态。"),
            "reason": _optional(_code("reason", labels, "仅在状态为 rejected（未通过）时填写。")),
            "note": _optional(_text("说明", "【公开】简短说明；发布前会自动隐去个人信息。")),
        },
        "if": {"properties": {"status": {"const": "rejected"}}},
        "then": {"required": ["reason"], "properties": {"reason": _code("reason", labels, "")}},
        "else": {"properties": {"reason": {"anyOf": _ABSENT}}},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "投诉记录",
        "description": "一件投诉一个文件。标【公开】的字段会出现在网站上；complainant、order、description 永远不会发布。",
        "type": "object",
        "additionalProperties": False,
        "required": ["number", "received", "category", "channel", "merchant", "status", "history"],
        "properties": {
            "number": {"title": "投诉编号", "description": "【公开】用 kspages number new 生成，写法如 KS-7K3M-9Q2D-X，勿改。",
                       "type": "string", "pattern": number_pattern},
            "received": _date("收到日期", "【公开】收到投诉的日期。"),
            "category": _code("category", labels, "【公开】"),
            "channel": _code("channel", labels, "【公开】投诉人通过哪个渠道反映问题。"),
            "merchant": _text("被投诉店铺", "【公开】店铺在平台上的名称。"),
            "status": _code("status", labels, "【公开】当前状态，须与处理经过最后一步一致。"),
            "outcome": _optional(_code("outcome", labels, "【公开】仅在状态为 resolved（已处理）时填写。")),
            "history": {"title": "处理经过", "description": "【公开】按日期先后排列；第一步为 pending，最后一步的状态与 status 一致。",
                        "type": "array", "minItems": 1, "items": entry,
                        # In its own subschema: beside "items", "prefixItems" would exempt the first entry from it.
                        "allOf": [{"prefixItems": [{"properties": {"status": {"const": "pending"}}}]}]},
            "complainant": {"title": "投诉人", "description": "【不公开】姓名、电话等，永远不会发布。",
                            "anyOf": [{"type": "object"}, *_ABSENT],
                            "properties": {"name": {"title": "姓名"}, "phone": {"title": "手机号"},
                                           "gender": {"title": "性别（女/男），仅用于“张女士”写法"}}},
            "order": {"title": "订单", "description": "【不公开】订单号等；product、amount 等商品信息可能出现在公示中。",
                      "anyOf": [{"type": "object"}, *_ABSENT],
                      "properties": {"id": {"title": "订单号"}, "tracking": {"title": "快递单号"},
                                     "product": {"title": "商品名称"}, "amount": {"title": "金额（元）"}}},
            "description": _optional(_text("投诉人的陈述", "【不公开】原样记录，永远不会发布。")),
            "merchant_reply": {
                "title": "商家回应", "description": "【公开】商家对这件投诉的公开说明；发布前会自动隐去个人信息。",
                "anyOf": [{"type": "object"}, *_ABSENT],
                "additionalProperties": False,
                "required": ["date", "text"],
                "properties": {
                    "date": _date("回应日期", "商家作出回应的日期，不早于收到日期。"),
                    "text": _text("回应内容", "照录商家的说明；发布前会自动隐去个人信息。"),
                },
            },
            "feedback": {
                "title": "投诉人评价",
                "description": "【公开】投诉人对处理结果的评价；仅在状态为 resolved、rejected 或 withdrawn 时填写。",
                "anyOf": [{"type": "object"}, *_ABSENT],
                "additionalProperties": False,
                "required": ["rating"],
                "properties": {
                    "rating": _code("rating", labels, "投诉人对处理结果是否满意。"),
                    "comment": _optional(_text("评价内容", "投诉人的原话（可选）；发布前会自动隐去个人信息。")),
                    "date": _optional(_date("评价日期", "不早于处理经过最后一步的日期。")),
                },
            },
            "notice": {
                "title": "处理结果公示", "description": "经审核后把 publish 改为 true；撤回时改为 false 并保留 date。",
                "anyOf": [{"type": "object"}, *_ABSENT],
                "additionalProperties": False,
                "required": ["publish"],
                "properties": {
                    "publish": {"title": "是否公示",
                                "description": "true 表示同意公示（状态为最终状态后发布）。只能写 true 或 false："
                                               "yes、no、on、off 是文字，不是同意。",
                                "type": "boolean"},
                    "date": _optional(_date("公示日期", "公示的日期；草稿不填。")),
                    "title": _optional(_text("公示标题", "例如：关于某某旗舰店虚假宣传投诉的处理结果")),
                    "body": _optional(_text("公示正文", "Markdown；发布前会自动隐去个人信息。")),
                },
                "if": {"type": "object", "properties": {"publish": {"const": True}}},
                "then": {"required": ["date", "title", "body"],
                         "properties": {"date": _date("公示日期", ""), "title": _TEXT, "body": _TEXT}},
            },
        },
        "allOf": [
            {"if": {"properties": {"status": {"const": "resolved"}}},
             "else": {"properties": {"outcome": {"anyOf": _ABSENT}}}},
            # The complainant rates a result: no feedback while the complaint is still open.
            {"if": {"properties": {"status": {"enum": [s for s in CODES["status"] if s not in FINAL_STATUSES]}}},
             "then": {"properties": {"feedback": {"anyOf": _ABSENT}}}},
        ],
    }


def schema_json(labels: dict[str, dict[str, str]] | None = None) -> str:
    """The schema as the text `kspages schema` prints and sites keep in schema/record.schema.json."""
    return json.dumps(record_schema(labels), ensure_ascii=False, indent=2) + "\n"
