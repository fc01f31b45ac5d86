"""Privacy: nothing personal reaches the published site.

Layers, in order: known values of the record (`known`), validated patterns for anyone's data (`detect`), fixed typed
tokens (`scrub`), and the output leak gate over every byte about to be written (`gate`).
"""

from .detect import Span, detect
from .gate import (
    GATE_KINDS,
    KnownGate,
    Leak,
    PatternLeak,
    Piece,
    Splits,
    gate_forms,
    gate_keys,
    scan_output,
    scan_patterns,
)
from .identity import Form, Matcher, forms_of
from .known import KnownValues, is_sensitive, kind_for
from .scrub import PEOPLE_FORMS, TOKENS, Hit, Scrubbed, Scrubber
from .vocabulary import Vocabulary

__all__ = ["GATE_KINDS", "PEOPLE_FORMS", "TOKENS", "Form", "Hit", "KnownGate", "KnownValues", "Leak", "Matcher",
           "PatternLeak", "Piece", "Scrubbed", "Scrubber", "Span", "Splits", "Vocabulary", "detect", "forms_of",
           "gate_forms", "gate_keys", "is_sensitive", "kind_for", "scan_output", "scan_patterns"]
