"""Finding a session's unchanged objects again by identity (keys.by_identity) and what Cache.keep computes."""

from __future__ import annotations

from kspages.cache import Cache
from kspages.keys import by_identity


class Item:
    """An object equal to another of the same name: only identity may tell two apart."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Item) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def test_an_edit_leaves_the_others_where_they_were() -> None:
    was = [Item(str(i)) for i in range(10)]
    now = [*was[:4], Item("4"), *was[5:]]  # equal, but another object: made again
    values, left = by_identity(now, was, [f"v{i}" for i in range(10)])
    assert left == [4]
    assert values == [f"v{i}" for i in range(4)] + [None] + [f"v{i}" for i in range(5, 10)]


def test_objects_moved_by_many_places_are_found_anywhere() -> None:
    was = [Item(str(i)) for i in range(200)]
    now = [Item("new"), *was[:150], *was[151:]]  # one added at the front, one taken out: all the rest moved
    values, left = by_identity(now, was, list(range(200)))
    assert left == [0]
    assert values == [None, *range(150), *range(151, 200)]


def test_a_few_moved_are_made_again_and_nothing_is_taken_by_position_alone() -> None:
    was = [Item(str(i)) for i in range(10)]
    now = [was[1], was[0], *was[2:], Item("10")]  # two swapped (too few to look for), one added at the end
    values, left = by_identity(now, was, list(range(10)))
    assert left == [0, 1, 10]
    assert values == [None, None, *range(2, 10), None]
    values, left = by_identity(now[:5], was, list(range(10)))  # fewer objects than before
    assert left == [0, 1] and values == [None, None, 2, 3, 4]
    assert by_identity([], was, list(range(10))) == ([], [])
    assert by_identity(was, [], []) == ([None] * 10, list(range(10)))


def test_keep_computes_only_for_objects_it_has_not_seen() -> None:
    cache = Cache()
    made: list[str] = []

    def compute(item: Item) -> str:
        made.append(item.name)
        return item.name.upper()

    items = [Item(f"n{i}") for i in range(100)]
    assert cache.keep(items, "upper", compute) == [f"N{i}" for i in range(100)]
    items[2] = Item("x")
    assert cache.keep([Item("z"), *items], "upper", compute) == ["Z", *(i.name.upper() for i in items)]
    assert made[100:] == ["z", "x"]  # everything moved one place on: found by identity
    del made[:]
    assert cache.keep(items, "upper", compute, context="other")[:3] == ["N0", "N1", "X"]  # another context: afresh
    assert len(made) == 100
    del made[:]
    few = items[:5]
    cache.keep(few, "few", compute)
    cache.keep([Item("y"), *few], "few", compute)  # a small table moved: made again, at most 64 of them
    assert made == [*(i.name for i in few), "y", *(i.name for i in few)]
