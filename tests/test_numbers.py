from __future__ import annotations

import re

import pytest

from kspages import numbers

VALID = "KS-4QGJ-5S13-0"
FORM = re.compile(r"^KS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$")


def test_generated_numbers_are_well_formed_random_and_unique() -> None:
    issued = [numbers.generate() for _ in range(2000)]
    assert all(FORM.match(n) for n in issued)
    assert all(numbers.check(n).verdict == "ok" for n in issued)
    assert len(set(issued)) == len(issued)
    # Not sequential: consecutive numbers share no long common prefix on average.
    shared = sum(len(_prefix(a, b)) for a, b in zip(issued, issued[1:], strict=False)) / (len(issued) - 1)
    assert shared < 4.5  # "KS-" plus a chance match of about 1/32


def _prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


def test_body_carries_forty_bits() -> None:
    assert len(numbers.BODY_ALPHABET) ** numbers.BODY_LENGTH >= 2**40


@pytest.mark.parametrize("typed", [
    VALID, VALID.lower(), "ks 4qgj 5s13 0", "KS4QGJ5S130", "4QGJ-5S13-0", "4qgj5s130", "ＫＳ－４ＱＧＪ－５Ｓ１３－０",
    " KS--4QGJ--5S13--0 ", "KS—4QGJ—5S13—0", "ks_4qgj.5s13.o", "KS 4QGJ\u30005S13 0",
])
def test_typed_forms_normalise_to_the_canonical_number(typed: str) -> None:
    assert numbers.check(typed) == numbers.NumberCheck("ok", VALID)


@pytest.mark.parametrize("typed", ["", "KS", "KS-4QGJ-5S13", "KS-4QGJ-5S13-00", "KS-4QGJ-5S1U-0", "<script>",
                                   "../../etc/passwd", "KS-4QGJ-5S13-#", "投诉编号", "KX-4QGJ-5S13-0"])
def test_malformed(typed: str) -> None:
    assert numbers.check(typed).verdict == "malformed"


def test_every_single_substitution_is_caught() -> None:
    compact = numbers.normalise(VALID)
    for i in range(len(compact)):
        for c in numbers.BODY_ALPHABET:
            if c != compact[i]:
                typo = compact[:i] + c + compact[i + 1:]
                assert numbers.check(typo).verdict == "bad_check", typo


def test_adjacent_transpositions_are_almost_always_caught() -> None:
    # A hybrid MOD 37,36 system catches every substitution but not quite every transposition (about 0.14% slip).
    tried = missed = 0
    for number in [numbers.generate() for _ in range(500)]:
        compact = numbers.normalise(number)
        for i in range(len(compact) - 1):
            if compact[i] != compact[i + 1]:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2:]
                tried += 1
                missed += numbers.check(swapped).verdict == "ok"
    assert tried > 3000
    assert missed / tried < 0.01


def test_issued_check_characters_avoid_letters_read_as_digits() -> None:
    assert not any(numbers.generate()[-1] in "ILOU" for _ in range(3000))


@pytest.mark.parametrize(("records", "bits"), [(0, 4), (1024, 4), (1025, 5), (100_000, 11), (1_000_000, 14)])
def test_shards_grow_with_the_site(records: int, bits: int) -> None:
    assert numbers.shard_bits(records) == bits
    assert records <= 64 * (1 << bits) or bits == 20


def test_shard_name_is_the_top_bits_of_fnv1a() -> None:
    # Reference value of 32-bit FNV-1a for "a" from the FNV specification.
    assert numbers.shard_hash("a") == 0xE40C292C
    assert numbers.shard_name("a", 8) == "e4"
    assert numbers.shard_name("a", 5) == "1c"  # 0xe4 >> 3 = 28


@pytest.mark.parametrize(("typed", "verdict"), [
    ("260300000186809", "order_number"),  # 15 digits, as in the bundled records' order ids
    ("2603 0000 0186 8094 321", "order_number"),  # 19 digits, spaced
    ("２６０３０００００１８６８０９", "order_number"),  # full-width digits, as a phone keyboard may type them
    ("26030000018680", "malformed"),  # 14 digits: too short for an order number, still no complaint number
    ("26030000018680912345", "malformed"),  # 20 digits
    ("KS-4QGJ-5S13-0", "ok"),
    ("KS-4QGJ-5S13-1", "bad_check"),
    ("hello", "malformed"),
])
def test_lookup_verdict_tells_an_order_number_apart(typed: str, verdict: str) -> None:
    assert numbers.lookup_verdict(typed) == verdict
