"""A value kept pickled and compressed in memory, for parts of a result that a build holds for every record but
seldom reads."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar

T = TypeVar("T")


_DAYS: dict[dt.date, dt.date] = {}


def shared_day(day: dt.date) -> dt.date:
    """The one object this process holds for that day (a build holds several days a record, most the same)."""
    return _DAYS.setdefault(day, day)


def sharing(*names: str) -> Callable[[Any, list[Any]], None]:
    """A `__setstate__` for a frozen slotted dataclass that is pickled (into the store, or from a worker): a state of
    another shape is refused, and once unpickled its fields `names` (codes, merchants, days) are the objects other
    records hold for the same values, not one new object a record, as unpickling makes them."""
    # Each class's field names and which are shared, found once: `fields()` on every unpickled object took a
    # third of the parent's time in a cold build's load (10k records, two calls an object).
    shapes: dict[type, tuple[tuple[str, bool], ...]] = {}

    def setstate(self: Any, state: list[Any]) -> None:
        shape = shapes.get(type(self))
        if shape is None:
            shape = shapes[type(self)] = tuple((f.name, f.name in names) for f in fields(self))
        # The state a slotted dataclass pickles: its values in field order. Anything else was pickled in another
        # shape (a cache whose FORMAT was not bumped): refused, so the store maps the file again.
        if not isinstance(state, list) or len(state) != len(shape):
            raise ValueError(f"{type(self).__name__} of another shape")
        for (name, shared), value in zip(shape, state, strict=True):
            if shared:
                if isinstance(value, str):
                    value = sys.intern(value)
                elif isinstance(value, dt.date):
                    value = shared_day(value)
            object.__setattr__(self, name, value)  # frozen: the dataclass's own __setattr__ refuses
    return setstate


@dataclass(frozen=True, slots=True)
class Packed(Generic[T]):
    """A value as its compressed pickle: a tenth of the memory of the objects it stands for; `get` makes them
    again."""

    blob: bytes

    @classmethod
    def of(cls, value: T) -> Packed[T]:
        """The value, pickled and compressed."""
        # The fastest level: the forms and masks of one record compress to about half, for a few microseconds.
        return cls(zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1))

    def get(self) -> T:
        """The value, unpacked (a new copy each time)."""
        value: T = pickle.loads(zlib.decompress(self.blob))  # noqa: S301 - made by `of` in this program, never read from outside
        return value

    __setstate__ = sharing()

