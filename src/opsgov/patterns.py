"""File-name patterns of intake profiles: `{site}_ops_{period}.xlsx`, with `*` wildcards.

A pattern is matched in time proportional to (pattern parts x name length), whatever the
pattern and the name: a regular expression with many lazy wildcards backtracks
exponentially on a long name of underscores, and one file name must never hang a run.

The match is the one a regular expression with lazy wildcards would give: each `*` and
`{site}` takes as few characters as still lets the rest of the name match, in order from the
left. `{site}` is a letter or digit followed by letters, digits, dots and hyphens; `{period}`
is `YYYYMM`, `YYYY-MM` or `YYYY_MM`. Letters match either case.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

MAX_PATTERN = 200
"""Longest pattern accepted (file names are at most 255 characters)."""
MAX_WILDCARDS = 8
"""Most `*` accepted in one pattern; real ones use one or two."""

_PART = re.compile(r"(\{[^{}]*\}|\*)")
_PLACEHOLDERS = ("{site}", "{period}")


def _site_char(c: str, first: bool) -> bool:
    if c.isascii() and c.isalnum():
        return True
    return not first and c in ".-"


@dataclass(frozen=True)
class FilePattern:
    """A parsed pattern: literal text (lower-cased), `*`, `{site}` and `{period}` parts."""

    parts: tuple[str, ...]

    @staticmethod
    def parse(pattern: str) -> FilePattern:
        """Parse a pattern.

        Raises:
            ValueError: with a message for the profile's author: a placeholder twice, an
                unknown placeholder, too many wildcards, or a pattern that is too long.
        """
        if len(pattern) > MAX_PATTERN:
            raise ValueError(f"the pattern is {len(pattern)} characters; at most {MAX_PATTERN}")
        parts = [p for p in _PART.split(pattern) if p]
        for part in parts:
            if part.startswith("{") and part not in _PLACEHOLDERS:
                raise ValueError(
                    f"unknown placeholder {part}: a pattern may use {{site}} and {{period}}"
                )
        for name in _PLACEHOLDERS:
            if parts.count(name) > 1:
                raise ValueError(
                    f"{name} appears {parts.count(name)} times; a file name says it once"
                )
        stars = parts.count("*")
        if stars > MAX_WILDCARDS:
            raise ValueError(f"the pattern has {stars} wildcards (*); at most {MAX_WILDCARDS}")
        return FilePattern(tuple(p if p in (*_PLACEHOLDERS, "*") else p.lower() for p in parts))

    def match(self, name: str) -> dict[str, str] | None:
        """What the name says (`site`, `period`, as written), or None when it does not match."""
        text = name.lower()
        if not self._may_match(text):
            return None
        n = len(text)
        run = [0] * (n + 1)  # run[j]: the longest {site} that can start at j
        for j in range(n - 1, -1, -1):
            if _site_char(text[j], first=False):
                run[j] = run[j + 1] + 1
        # ok[i][j]: parts[i:] match text[j:]; nxt[i][j]: the first k >= j with ok[i][k]
        count = len(self.parts)
        ok = [[False] * (n + 2) for _ in range(count + 1)]
        nxt = [[n + 1] * (n + 2) for _ in range(count + 1)]
        ok[count][n] = True
        for i in range(count, -1, -1):
            if i < count:
                for j in range(n, -1, -1):
                    ok[i][j] = self._step(i, j, text, run, ok, nxt) is not None
            for j in range(n, -1, -1):
                nxt[i][j] = j if ok[i][j] else nxt[i][j + 1]
        if not ok[0][0]:
            return None
        found: dict[str, str] = {}
        j = 0
        for i, part in enumerate(self.parts):
            end = self._step(i, j, text, run, ok, nxt)
            assert end is not None  # ok[i][j] holds along the path taken
            if part in _PLACEHOLDERS:
                found[part.strip("{}")] = name[j:end]
            j = end
        return found

    def _may_match(self, text: str) -> bool:
        """A quick necessary test: the literal parts are in the name, the outer ones at its ends.

        Most names tried against a profile are another vendor's; this turns them away without
        the full match, which costs a step per part and character.
        """
        literal = [p for p in self.parts if p not in (*_PLACEHOLDERS, "*")]
        if not all(p in text for p in literal):
            return False
        if not self.parts:
            return True
        first, last = self.parts[0], self.parts[-1]
        return (first not in literal or text.startswith(first)) and (
            last not in literal or text.endswith(last)
        )

    def _step(
        self,
        i: int,
        j: int,
        text: str,
        run: list[int],
        ok: list[list[bool]],
        nxt: list[list[int]],
    ) -> int | None:
        """Where part i, starting at j, ends on the preferred path to a match; None if none."""
        part, n, later = self.parts[i], len(text), nxt[i + 1]
        if part == "*":
            end = later[j]
            return end if end <= n else None
        if part == "{site}":
            if j >= n or not _site_char(text[j], first=True):
                return None
            end = later[j + 1]
            return end if end <= j + run[j] else None
        if part == "{period}":
            for end in _period_ends(text, j):
                if ok[i + 1][end]:
                    return end
            return None
        end = j + len(part)
        return end if text.startswith(part, j) and ok[i + 1][end] else None


def _period_ends(text: str, j: int) -> list[int]:
    """Where a period starting at j can end: `YYYY-MM`/`YYYY_MM` first, then `YYYYMM`."""
    digits = text[j : j + 4]
    if len(digits) < 4 or not (digits.isascii() and digits.isdigit()):
        return []
    ends = []
    if text[j + 4 : j + 5] in ("-", "_"):
        tail = text[j + 5 : j + 7]
        if len(tail) == 2 and tail.isascii() and tail.isdigit():
            ends.append(j + 7)
    tail = text[j + 4 : j + 6]
    if len(tail) == 2 and tail.isascii() and tail.isdigit():
        ends.append(j + 6)
    return ends


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> FilePattern:
    """A parsed pattern, cached: the same profiles are matched against every file."""
    return FilePattern.parse(pattern)
