"""The record format as a JSON Schema, for editors: completion, Chinese hover text and checks while staff type.

Made from the table that also drives the validator (fields.RECORD, and fields.RULES where JSON Schema can state a
rule). Rules that need arithmetic or the whole file (the check character of a number, real dates, the order and
transitions of history) stay with the validator; the tests generate records within what both can judge and require
them to agree.
"""

from __future__ import annotations

import json
from typing import Any

from .codes import CODES
from .fields import RECORD, RULES

SCHEMA_ID = "https://kspages.example/schema/record.schema.json"


def _join(schema: dict[str, Any], extra: dict[str, Any]) -> None:
    """Add a rule's schema to a field's: `allOf` lists are joined, other keys must be new."""
    for key, value in extra.items():
        if key == "allOf":
            schema.setdefault("allOf", []).extend(value)
        else:
            assert key not in schema, key
            schema[key] = value


def record_schema(labels: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a complaint record, with Chinese titles and descriptions."""
    schema: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
                              **RECORD.schema(labels or CODES)}
    for rule in RULES:
        if rule.schema:
            _join(schema["properties"][rule.at] if rule.at else schema, rule.schema)
    return schema


def schema_json(labels: dict[str, dict[str, str]] | None = None) -> str:
    """The schema as the text `kspages schema` prints and sites keep in schema/record.schema.json."""
    return json.dumps(record_schema(labels), ensure_ascii=False, indent=2) + "\n"
