"""The pipeline: read -> validate -> anonymise -> render -> check output -> write. Never prints or exits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from . import read
from .errors import BuildError, ContentError
from .model import (
    FINAL_STATUSES,
    Complaint,
    check_unique_numbers,
    validate_guide,
    validate_record,
    validate_settings,
)
from .privacy import scan_output
from .public import PublicSite, anonymise
from .render import Renderer, check_links, render_site
from .write import WriteReport, check_target, sync

SETTINGS = "content/site.yaml"
GUIDE = "content/guide"
RECORDS = "content/records"
TEMPLATES = "templates"


@dataclass
class Report:
    """What a check or build found and did."""

    records: int = 0
    notices: int = 0
    guide_pages: int = 0
    outputs: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    seconds: float = 0.0
    warnings: list[ContentError] = field(default_factory=list)


@dataclass(frozen=True)
class Loaded:
    """All sources of a site, validated and anonymised, before anything is rendered."""

    records: list[Complaint]
    public: PublicSite


def load(root: Path, errors: list[ContentError], warnings: list[ContentError]) -> Loaded:
    """Read and validate every source; append every problem found."""
    settings_file = root / SETTINGS
    settings = validate_settings(read.read_yaml(root, settings_file) if settings_file.is_file() else None, errors)
    guide = validate_guide([read.read_markdown(root, f) for f in read.find_files(root, GUIDE, "*.md")], errors)
    records: list[Complaint] = []
    for file in read.find_files(root, RECORDS, "*.y*ml"):
        if file.suffix not in (".yaml", ".yml"):
            continue
        record = validate_record(read.read_yaml(root, file), errors)
        if record is not None:
            records.append(record)
    records = check_unique_numbers(records, errors)
    for r in records:
        if r.notice and r.notice.publish and r.status not in FINAL_STATUSES:
            warnings.append(ContentError(r.path, r.notice.lines.get("publish"),
                                         f"notice approved but not published: status is '{r.status}'",
                                         "a notice is published once the complaint is resolved, rejected or "
                                         "withdrawn"))
    return Loaded(records=records, public=anonymise(settings, guide, records))


def _assets(root: Path) -> dict[str, bytes]:
    base = root / TEMPLATES / "assets"
    return {p.relative_to(base).as_posix(): p.read_bytes()
            for p in read.find_files(root, f"{TEMPLATES}/assets", "*")}


def render_all(root: Path, loaded: Loaded, errors: list[ContentError]) -> dict[str, bytes]:
    """Render the site and check the result: leak gate and internal links. Returns {} on any problem."""
    renderer = Renderer(root, root / TEMPLATES)
    template_errors = renderer.check_templates()
    if template_errors:
        errors.extend(template_errors)
        return {}
    try:
        outputs = render_site(loaded.public, renderer, _assets(root))
    except ContentError as exc:
        errors.append(exc)
        return {}
    leaks: dict[tuple[str, str, int], list[str]] = {}
    for leak in scan_output(outputs, loaded.records):
        leaks.setdefault((leak.record_path, leak.field, leak.line), []).append(leak.output)
    for (path, name, leak_line), where in leaks.items():
        more = f" (and {len(where) - 1} more file{'s' * (len(where) > 2)})" if len(where) > 1 else ""
        errors.append(ContentError(path, leak_line, f"private field '{name}' would be published in {where[0]}{more}",
                                   "another record's public text (merchant, notes, notice) or a template contains "
                                   "this value: remove it there; nothing was written"))
    # Links are written in guide Markdown and notice bodies; point at the line there, else at the templates.
    sources: dict[str, tuple[str, int | None]] = {
        f"guide/{g.slug}/index.html": (g.path, None) for g in loaded.public.guide}
    for r in loaded.records:
        if r.notice:
            sources[f"notices/{r.number}/index.html"] = (r.path, r.notice.lines.get("body"))
    for page, href, problem in check_links(outputs):
        path, line = sources.get(page, (TEMPLATES, None))
        if path.endswith(".md"):
            line = _line_of(root / path, href)
        hint = ("only http(s), mailto and tel links may be published" if problem == "unsafe link" else
                "link to guide pages as ../<slug>/ and to other pages relative to this one, e.g. ../../status/")
        in_page = "" if path != TEMPLATES else f" in {page}"
        errors.append(ContentError(path, line, f"{problem} '{href}'{in_page}", hint))
    return {} if errors else outputs


def _line_of(file: Path, needle: str) -> int | None:
    for number, text in enumerate(file.read_text("utf-8").splitlines(), start=1):
        if needle in text:
            return number
    return None


def _prepare(root: Path, errors: list[ContentError]) -> tuple[Report, dict[str, bytes]]:
    """Every stage but writing; raises BuildError with all problems, including any already in `errors`."""
    start = time.perf_counter()
    report = Report()
    loaded = load(root, errors, report.warnings)
    outputs = render_all(root, loaded, errors) if not errors else {}
    if errors:
        raise BuildError(errors)
    report.records = len(loaded.records)
    report.notices = len(loaded.public.notices)
    report.guide_pages = len(loaded.public.guide)
    report.outputs = len(outputs)
    report.seconds = time.perf_counter() - start
    return report, outputs


def check(root: Path) -> Report:
    """Validate and render everything in memory, including the privacy checks; write nothing."""
    return _prepare(root, [])[0]


def build(root: Path, out: Path | None = None) -> Report:
    """Build the site into `out` (default `<root>/output`); on any error raise BuildError and write nothing."""
    start = time.perf_counter()
    out = out or root / "output"
    report, outputs = _prepare(root, check_target(out))
    written: WriteReport = sync(outputs, out)
    report.written, report.unchanged, report.removed = written.written, written.unchanged, written.removed
    report.seconds = time.perf_counter() - start
    return report
