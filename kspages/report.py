"""What a check or build found and did: light, so the command line can answer "up to date" without the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ContentError

if TYPE_CHECKING:
    from .public import Mask


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
    withdrawn: int = 0
    parsed: int = 0  # source files parsed anew (the others were unchanged and reused)
    rendered: int = 0  # pages rendered anew (the others had the same key as in the last build)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage: load, render, search, check, write
    warnings: list[ContentError] = field(default_factory=list)
    masks: list[Mask] = field(default_factory=list)  # what the scrubber replaced where: `kspages check` only
    up_to_date: bool = False  # nothing changed since the last build: nothing was read, rendered or written

    @classmethod
    def from_stamp(cls, saved: dict[str, Any], seconds: float) -> Report:
        """The report of a build that found nothing changed, from what the last build saved in its stamp."""
        report = cls(up_to_date=True, seconds=seconds, stages={"up to date": seconds})
        report.records, report.notices, report.guide_pages, report.outputs, report.withdrawn = saved["counts"]
        report.unchanged = report.outputs
        report.warnings = [ContentError(*w) for w in saved["warnings"]]
        return report
