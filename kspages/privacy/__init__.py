"""Privacy: nothing personal reaches the published site.

Layers, in order: known values of the record (`known`), validated patterns for anyone's data (`detect`), fixed typed
tokens (`scrub`), and the output leak gate over every byte about to be written (`gate`).
"""

from .detect import Span, detect
from .gate import (
    GATE_KINDS,
    GateIndex,
    KnownGate,
    Layers,
    Leak,
    PatternLeak,
    Piece,
    Readings,
    Splits,
    gate_digest,
    gate_forms,
    gate_keys,
    layer,
    record_term,
    scan_output,
    scan_patterns,
)
from .identity import Form, Matcher, forms_of
from .known import KnownValues, is_sensitive, kind_for
from .scrub import PEOPLE_FORMS, TOKENS, Hit, Scrubbed, Scrubber
from .vocabulary import Vocabulary

__all__ = ["GATE_KINDS", "PEOPLE_FORMS", "TOKENS", "Form", "GateIndex", "Hit", "KnownGate", "KnownValues", "Layers", "Leak",
           "Matcher", "PatternLeak", "Piece", "Readings", "Scrubbed", "Scrubber", "Span", "Splits", "Vocabulary",
           "detect", "forms_of", "gate_digest", "gate_forms", "gate_keys", "is_sensitive", "kind_for", "layer",
           "record_term", "scan_output", "scan_patterns"]
