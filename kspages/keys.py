"""What a stage may know of reuse, without the cache: digests that key results, and the shape of a memo.

A stage that can take back what an earlier build computed is handed a `Memo` or a `Keep` by the engine
(`cache.Cache` implements both); alone it is given `no_memo` and `no_keep`, which compute every time.
"""

from __future__ import annotations

import hashlib
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
