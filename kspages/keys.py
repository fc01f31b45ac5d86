"""What a stage may know of reuse, without the cache: digests that key results, and the shape of a memo.

A stage that can take back what an earlier build computed is handed a `Memo` or a `Keep` by the engine
(`cache.Cache` implements both); alone it is given `no_memo` and `no_keep`, which compute every time.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
V = TypeVar("V")
Memo = Callable[[str, Callable[[], Any]], Any]  # (digest of the inputs, compute) -> result, as Cache.memo
# (objects, what, compute one, context) -> what `compute` gives for each object, as Cache.keep
Keep = Callable[[Sequence[Any], str, Callable[[Any], Any], str], list[Any]]


def digest(*parts: str) -> str:
    """SHA-256 over the parts, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def no_memo(key: str, compute: Callable[[], T]) -> T:
    """The Memo of a one-off build: compute every time."""
    return compute()


def no_keep(objs: Sequence[T], what: str, compute: Callable[[T], V], context: str = "") -> list[V]:
    """The Keep of a one-off build: compute every time."""
    return list(map(compute, objs))


def outgrown(table: Collection[Any], live: Collection[Any]) -> bool:
    """Whether a table kept by object identity holds a sixteenth more than the objects still in use (and some):
    time to make it again from those, so the objects gone since are let go."""
    return len(table) > len(live) + 64 + len(live) // 16


def by_identity(objs: Sequence[Any], was: Sequence[Any], values: Sequence[V]) -> tuple[list[V | None], list[int]]:
    """`values` (one per object of `was`) where `objs` holds the very same object, and the places of `objs` that
    hold another (their values None, for the caller to make).

    The two are compared place by place, in one loop in C with no hashing: an edit replaces one object where it
    was. Only when more than a few differ (an object added near the front moves all after it) are the others
    looked for anywhere in `was`, by identity.
    """
    same = list(map(operator.is_, objs, was))  # as long as the shorter of the two
    left = [*itertools.compress(range(len(same)), map(operator.not_, same)), *range(len(same), len(objs))]
    now: list[V | None] = [*values[:len(objs)], *[None] * (len(objs) - len(values))]
    if len(left) > _MOVED and was:
        at = dict(zip(map(id, was), range(len(was)), strict=True))
        still = []
        for i in left:
            j = at.get(id(objs[i]))
            if j is not None and was[j] is objs[i]:
                now[i] = values[j]
            else:
                still.append(i)
        left = still
    for i in left:
        now[i] = None
    return now, left


_MOVED = 64  # places that differ beyond which the objects are looked for anywhere
