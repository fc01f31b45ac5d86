"""A long output that changed is cut into pieces again only around the change: the pieces must be those of a whole
cut, whatever the edit (a line that turns long or short, a cut moved, text added at either end)."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator

from kspages.privacy.gate import _CONTEXT, _CUT_EVERY, _DELIMITER, _LONG, Splits, _lines, _recut, _spans, pieces

TOKENS = [b"\n", b"},{", b']],"', b"}", b"{", b"]", b",", b'"', b"<p>", b"a", b"\xe5\x8f\xb7", b"x" * 40, b"y" * 700,
          b'{"number":"KS-852M-YZVQ-1","note":"\xe5\xb7\xb2\xe9\x80\x80\xe6\xac\xbe","t":[[1,2]],"u":"v"},']


def _reference(raw: bytes) -> Iterator[bytes]:
    """The pieces as the gate cut them before it knew where they start and end."""
    tail = b""
    run: list[bytes] = []
    for line in _lines(raw):
        run.append(line)
        if zlib.crc32(line) % _CUT_EVERY == 0:
            piece = tail + b"".join(run)
            yield piece
            end = piece[-_CONTEXT:]
            found = _DELIMITER.search(end)
            tail, run = (end[found.start():] if found else b""), []
    if run:
        yield tail + b"".join(run)


def _text(rng: random.Random, size: int) -> bytes:
    return b"".join(rng.choice(TOKENS) for _ in range(size))


def _edit(rng: random.Random, raw: bytes) -> bytes:
    at = rng.choice([0, len(raw), rng.randrange(len(raw) + 1), rng.randrange(len(raw) + 1)])
    gone = rng.choice([0, 0, 1, 3, rng.randrange(1, 200), rng.randrange(1, 6000)])
    added = _text(rng, rng.choice([0, 1, 2, rng.randrange(1, 30)]))
    if rng.random() < 0.2:  # a line that was just long (or short) enough turns the other way
        added = b"z" * rng.choice([1, 100, _LONG])
    return raw[:at] + added + raw[at + gone:]


def _whole(raw: bytes) -> list[tuple[int, int]]:
    return list(_spans(raw))


def test_pieces_are_the_reference_pieces() -> None:
    rng = random.Random(1)
    for _ in range(300):
        raw = _text(rng, rng.randrange(0, 400))
        assert list(pieces(raw)) == list(_reference(raw))


def test_a_changed_output_cut_again_around_the_change_is_cut_as_a_whole() -> None:
    rng = random.Random(2)
    reused = 0
    for _ in range(400):
        # One long JSON line (as data/notices.json), many short lines (notices.csv), or both.
        old = rng.choice([b"[" + TOKENS[-1] * rng.randrange(50, 400) + b"]\n",
                          b"".join(_text(rng, rng.randrange(1, 12)) + b"\n" for _ in range(rng.randrange(50, 600))),
                          _text(rng, rng.randrange(100, 3000))])
        splits = Splits()
        was = splits.of("data/notices.json", old)
        assert [old[start:end] for _, start, end in was] == list(_reference(old))
        new = old
        for _ in range(rng.randrange(1, 4)):
            new = _edit(rng, new)
        cut = splits.of("data/notices.json", new)
        assert [(start, end) for _, start, end in cut] == _whole(new)
        assert [(key, new[start:end]) for key, start, end in cut] == [
            (key, piece) for (key, _, _), piece in zip(cut, _reference(new), strict=True)]
        assert cut == Splits().of("x", new)
        reused += len({key for key, _, _ in was} & {key for key, _, _ in cut}) > len(cut) // 2
    assert reused > 200  # most edits kept most pieces


def test_an_edit_in_a_long_line_cuts_again_only_near_it() -> None:
    rows = [b'{"n":%d,"t":[[1,2]],"x":"%s"},' % (i, b"y" * (i % 7)) for i in range(5000)]
    old = b"[" + b"".join(rows) + b"]\n"
    new = old.replace(b'{"n":2500,', b'{"n":2500,"m":"abc",')
    was = Splits().of("p", old)
    cut = _recut(new, old, was)
    assert cut == Splits().of("p", new)
    assert len(cut) > 2000 and len({key for key, _, _ in cut} - {key for key, _, _ in was}) <= 10


def test_a_long_line_that_turns_short_near_its_end_is_cut_again_from_its_start() -> None:
    rows = [b'{"n":%d,"t":[[1,2]],"x":"y"},' % i for i in range(200)]
    for size in range(1, 60):
        line = b"[" + b"".join(rows)
        line = line[:_LONG + size]
        old = b"head\n" + line + b"\n" + b"tail,{}\n" * 50
        for gone in (size, size + 1, size + 40):
            at = 5 + len(line) - gone  # the line ends `gone` bytes earlier: no longer long
            new = old[:at] + old[at + gone:]
            assert Splits(before={"p": (old, Splits().of("p", old))}).of("p", new) == Splits().of("p", new)
        grown = old[:5 + _LONG - 10] + b"},{" * 20 + old[5 + _LONG - 10:]
        assert Splits(before={"p": (old, Splits().of("p", old))}).of("p", grown) == Splits().of("p", grown)
