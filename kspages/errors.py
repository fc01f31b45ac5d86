"""The one error type: a problem in a source file, with where it is and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class ContentError(Exception):
    """A problem in a source file at `path:line`, with a hint on how to fix it."""

    def __init__(self, path: str, line: int | None, message: str, hint: str = "") -> None:
        # Passing every field to Exception.__init__ keeps the error picklable (process pools).
        super().__init__(path, line, message, hint)
        self.path = path
        self.line = line
        self.message = message
        self.hint = hint

    @property
    def location(self) -> str:
        """`path:line`, or the path alone when the problem has no line."""
        return f"{self.path}:{self.line}" if self.line else self.path

    def sort_key(self) -> tuple[str, int, str]:
        """Order problems by file, then line, then message."""
        return (self.path, self.line or 0, self.message)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class BuildError(Exception):
    """Raised by the library when the sources have problems; carries all of them, sorted."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        ordered = sorted(errors, key=ContentError.sort_key)
        super().__init__(ordered)
        self.errors = ordered

    def __str__(self) -> str:
        files = len({e.path for e in self.errors})
        n = len(self.errors)
        head = f"{n} error{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        return "\n".join([*(str(e) for e in self.errors), head])


def close_match(word: str, choices: Iterable[str]) -> str | None:
    """The allowed word closest to a mistyped one, if any is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest allowed word, then all of them."""
    options = list(choices)
    close = close_match(word, options)
    listed = f"allowed: {', '.join(options)}"
    return f"did you mean '{close}'? {listed}" if close else listed
