"""Find and parse source files, keeping the line of every key so later errors can point at it."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ContentError
from .layout import LEFTOVER_PREFIXES, is_leftover

# libyaml's parser when available; construction stays in Python so we can keep lines and catch duplicates.
_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of `key`, or of the mapping itself when the key is absent."""
        return self.lines.get(key, self.line)


class Sequence(list[Any]):
    """A YAML sequence that remembers its own line and the line of each item (1-based)."""

    line: int = 0
    lines: list[int]


class _Loader(_BaseLoader):  # type: ignore[misc]
    """Safe loader that records lines, reports duplicate keys, leaves dates as text for validation and reads only
    true/false as booleans (YAML 1.2), not yes/no/on/off (YAML 1.1)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str, int]] = []


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    result = Mapping()
    result.line = node.start_mark.line + 1
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)  # validation reports non-text keys as unknown; keep going to find more problems
        line = key_node.start_mark.line + 1
        if key in result.lines:
            # PyYAML would silently keep the last value; a staff member meant one of them, so say so.
            loader.duplicates.append((line, key, result.lines[key]))
            continue
        result.lines[key] = line
        result[key] = loader.construct_object(value_node, deep=True)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Sequence:
    result = Sequence(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:omap", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
# Dates stay text so an impossible date (2026-02-30) becomes a validation error with a line, not a crash.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)

# Booleans as YAML 1.2 (core schema) reads them: only true and false (True, TRUE, False, FALSE). PyYAML follows YAML
# 1.1, where yes/no/on/off are booleans too, but the editors' schema check (yaml-language-server) follows 1.2 and reads
# them as text: `publish: yes` would be consent to kspages and an error in the editor. So they stay text here, and the
# validator asks for true or false (fields.YAML_1_1_BOOLEANS). Null and the rest still resolve as in PyYAML.
_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_Loader.yaml_implicit_resolvers = {  # inherited from PyYAML, without the three YAML 1.1 resolvers replaced here
    first: kept for first, resolvers in _Loader.yaml_implicit_resolvers.items()
    if (kept := [(tag, pattern) for tag, pattern in resolvers if tag not in (_BOOL, _INT, _FLOAT)])}
_Loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_bool(loader: _Loader, node: yaml.ScalarNode) -> bool | str:
    text = str(loader.construct_scalar(node))
    # An explicit `!!bool yes` is not a YAML 1.2 boolean either: leave it as text for the validator to report.
    return {"true": True, "false": False}.get(text.lower(), text)


_Loader.add_constructor(_BOOL, _construct_bool)

# Numbers, likewise, as YAML 1.2 reads them, and stricter: PyYAML (1.1) reads `12:30` as 750 (base 60), `010` as 8
# (octal) and `1_000` as 1000. A note would publish "750", and an unquoted phone or order number of digits 0-7 with a
# leading zero would become another value, which the privacy checks would then look for instead of the real one. So
# a number with a leading zero, a colon or an underscore stays text exactly as written; plain decimals are numbers.
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


@dataclass
class Source:
    """One parsed source file: its path relative to the site, and its data (None when unreadable)."""

    path: str
    data: Any
    errors: list[ContentError] = field(default_factory=list)
    body: str = ""  # Markdown after the front matter
    body_line: int = 1  # line of the first body line in the file


def decode(raw: bytes, path: str) -> tuple[str | None, list[ContentError]]:
    """Decode UTF-8 (a BOM is allowed) or say on which line the first bad byte is."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [ContentError(path, line, "file is not valid UTF-8",
                                   "save the file as UTF-8 (in VS Code: 'Save with Encoding' > UTF-8)")]


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, list[ContentError]]:
    """Parse YAML text; syntax errors and duplicate keys come back as errors, with lines."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}, {problem}"
        return None, [ContentError(path, line, f"YAML syntax error: {problem}",
                                   "check indentation and quoting on this line and the one above; "
                                   "quote text that contains ': ' or starts with a special character")]
    except yaml.YAMLError as exc:
        return None, [ContentError(path, 1 + line_offset, f"YAML error: {exc}", "check the file's syntax")]
    finally:
        loader.dispose()
    errors = [ContentError(path, line + line_offset, f"duplicate key '{key}' (first at line {first + line_offset})",
                           "keep one of the two; YAML would silently drop the first")
              for line, key, first in loader.duplicates]
    if line_offset:
        _shift_lines(data, line_offset)
    return data, errors


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, Mapping):
        data.line += offset
        data.lines = {k: v + offset for k, v in data.lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, Sequence):
        data.line += offset
        data.lines = [v + offset for v in data.lines]
        for value in data:
            _shift_lines(value, offset)


def read_bytes(root: Path, file: Path) -> tuple[str, bytes | None, list[ContentError]]:
    """A file's site-relative path and bytes; a file that vanished or cannot be read is an error, not a crash."""
    return read_at(root, file.relative_to(root).as_posix())


def read_at(root: Path, rel: str) -> tuple[str, bytes | None, list[ContentError]]:
    """`read_bytes` for a site-relative path."""
    try:
        with open(os.path.join(root, rel), "rb") as fh:
            return rel, fh.read(), []
    except OSError as exc:
        # Typically deleted or renamed while a build ran; the watcher sees that change and builds again.
        return rel, None, [ContentError(rel, None, f"could not read the file: {exc.strerror or exc}",
                                        "if it was just moved or deleted, the next build will not look for it")]


def parse_yaml_file(rel: str, raw: bytes) -> Source:
    """Parse the bytes of one YAML file into a Source."""
    text, errors = decode(raw, rel)
    if text is None:
        return Source(rel, None, errors)
    if not text.strip():
        return Source(rel, None, [ContentError(rel, 1, "file is empty", "add the fields, or delete the file")])
    data, errors = parse_yaml(text, rel)
    return Source(rel, data, errors)


def parse_markdown_file(rel: str, raw: bytes) -> Source:
    """Parse the bytes of a Markdown file with YAML front matter between `---` lines."""
    text, errors = decode(raw, rel)
    if text is None:
        return Source(rel, None, errors)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return Source(rel, None, [ContentError(rel, 1, "missing front matter",
                                               "start the file with '---', then 'title:' and 'order:', then '---'")])
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return Source(rel, None, [ContentError(rel, 1, "front matter is not closed",
                                               "add a line with '---' after the front matter")])
    front = "".join(lines[1:end])
    data, errors = parse_yaml(front, rel, line_offset=1) if front.strip() else (None, [])
    if data is None and not errors:
        errors = [ContentError(rel, 2, "front matter is empty", "add at least 'title:' and 'order:'")]
    return Source(rel, data, errors, body="".join(lines[end + 1:]), body_line=end + 2)


def read_yaml(root: Path, file: Path) -> Source:
    """Read one YAML file into a Source."""
    rel, raw, errors = read_bytes(root, file)
    return parse_yaml_file(rel, raw) if raw is not None else Source(rel, None, errors)


def read_markdown(root: Path, file: Path) -> Source:
    """Read a Markdown file with YAML front matter between `---` lines."""
    rel, raw, errors = read_bytes(root, file)
    return parse_markdown_file(rel, raw) if raw is not None else Source(rel, None, errors)


def find_files(root: Path, folder: str, pattern: str) -> list[Path]:
    """Files under `root/folder` matching `pattern`, sorted, skipping hidden files and editor leftovers."""
    return [root / rel for rel in find_paths(root, folder, pattern)]


def find_paths(root: Path, folder: str, pattern: str) -> list[str]:
    """`find_files` as site-relative paths ("content/records/2026/KS-....yaml"): no Path objects for 100k files."""
    found: list[str] = []
    top = str(root)
    # os.walk skips folders that vanish mid-walk (a directory moved during a build) instead of raising.
    for dirpath, dirnames, filenames in os.walk(os.path.join(top, folder)):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(LEFTOVER_PREFIXES))
        prefix = os.path.relpath(dirpath, top).replace(os.sep, "/") + "/"
        for name in filenames:
            if _listed(name, pattern):
                found.append(prefix + name)
    return sorted(found, key=path_order)


def _listed(name: str, pattern: str) -> bool:
    # What the watcher does not report is never read (layout.is_leftover): else a session would miss its change.
    return not is_leftover(name) and fnmatch.fnmatch(name, pattern)


def path_order(rel: str) -> list[str]:
    """The sort key of `find_paths`: as Path sorts its parts."""
    return rel.split("/")


def is_found(rel: str, folder: str, pattern: str) -> bool:
    """Whether `find_paths(root, folder, pattern)` would list `rel`, if it is a file."""
    parts = rel.split("/")
    base = folder.split("/")
    return (parts[:len(base)] == base and len(parts) > len(base) and _listed(parts[-1], pattern)
            and not any(part.startswith(LEFTOVER_PREFIXES) for part in parts[len(base):-1]))
