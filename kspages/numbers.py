"""Complaint numbers: generate, normalise as people type them, and check.

A number is `KS-` + 8 random characters from Crockford's base-32 alphabet (40 bits) + one check character
computed with ISO 7064 MOD 37,36 over the 8 body characters, e.g. `KS-7K3M-9Q2D-X`. Numbers whose check
character would be I, L, O or U are never issued, so every issued number uses only Crockford characters and input
may safely read O as 0 and I/L as 1. `templates/assets/lookup.js` implements the same rules; a test holds them equal.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Literal

from stdnum.iso7064 import mod_37_36

PREFIX = "KS"
BODY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 8
# Dropped before checking: spaces and the dashes, dots and underscores people type between groups.
SEPARATORS = frozenset(" \t\n\r\f\v-_.·\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fb")
CONFUSABLES = {"O": "0", "I": "1", "L": "1"}
_CHECK_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

Verdict = Literal["ok", "malformed", "bad_check"]
# What a lookup makes of typed text: a complaint number's verdict, or a shopping app's order number.
LookupVerdict = Literal["ok", "malformed", "bad_check", "order_number"]


@dataclass(frozen=True)
class NumberCheck:
    """What a typed number turned out to be; `number` is the canonical form when well formed."""

    verdict: Verdict
    number: str | None = None


def _check_char(body: str) -> str:
    return mod_37_36.calc_check_digit(body, alphabet=_CHECK_ALPHABET)


def format_number(compact: str) -> str:
    """Group a compact body+check string as `KS-XXXX-XXXX-C`."""
    return f"{PREFIX}-{compact[0:4]}-{compact[4:8]}-{compact[8:]}"


def generate(rng: random.Random | None = None) -> str:
    """A fresh random number in canonical form (from `secrets`, or from `rng` for reproducible test data)."""
    pick = rng.choice if rng is not None else secrets.choice
    while True:
        body = "".join(pick(BODY_ALPHABET) for _ in range(BODY_LENGTH))
        check = _check_char(body)
        if check in BODY_ALPHABET:  # never issue I, L, O, U: they would be read as 1, 1, 0 on input
            return format_number(body + check)


def normalise(text: str) -> str:
    """Fold typed input to compact upper-case characters: full width, case, separators, O/I/L, prefix."""
    folded = unicodedata.normalize("NFKC", text).upper()
    compact = "".join(CONFUSABLES.get(c, c) for c in folded if c not in SEPARATORS)
    if len(compact) == BODY_LENGTH + 1 + len(PREFIX) and compact.startswith(PREFIX):
        compact = compact[len(PREFIX):]
    return compact


def check(text: str) -> NumberCheck:
    """Say whether `text` is a well-formed number, malformed, or has a wrong check character."""
    compact = normalise(text)
    if len(compact) != BODY_LENGTH + 1 or any(c not in BODY_ALPHABET for c in compact):
        return NumberCheck("malformed")
    if _check_char(compact[:BODY_LENGTH]) != compact[BODY_LENGTH]:
        return NumberCheck("bad_check")
    return NumberCheck("ok", format_number(compact))


def is_order_number(text: str) -> bool:
    """True when `text` is 15 to 19 digits (separators and full-width digits allowed): the shopping app's order
    number, which people type into the lookup instead of a complaint number. lookup.js's `isOrderNumber` agrees."""
    compact = "".join(c for c in unicodedata.normalize("NFKC", text) if c not in SEPARATORS)
    return 15 <= len(compact) <= 19 and all("0" <= c <= "9" for c in compact)


def lookup_verdict(text: str) -> LookupVerdict:
    """What the status page says of typed text: an order number first (as lookup.js's `lookup`), else `check`."""
    return "order_number" if is_order_number(text) else check(text).verdict


def fnv1a(data: bytes) -> int:
    """32-bit FNV-1a: a hash a page can compute itself (`crypto.subtle` exists only in secure contexts)."""
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_hash(number: str) -> int:
    """FNV-1a of the canonical number's ASCII bytes; lookup.js computes the same in the browser."""
    return fnv1a(number.encode("ascii"))


def shard_bits(records: int, per_shard: int = 64) -> int:
    """How many hash bits name a shard: the smallest count that keeps shards near `per_shard` entries.

    At least 4 bits (16 shards) so a tiny site still spreads numbers out, at most 20.
    """
    bits = 4
    while bits < 20 and records > per_shard * (1 << bits):
        bits += 1
    return bits


def shard_name(number: str, bits: int) -> str:
    """The shard file stem for a canonical number: the top `bits` bits of its hash, in hex."""
    width = (bits + 3) // 4
    return format(shard_hash(number) >> (32 - bits), f"0{width}x")
