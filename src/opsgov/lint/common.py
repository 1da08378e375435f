"""Small helpers shared by the lint checks."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol

from opsgov.issues import Issue, Location, make_issue
from opsgov.yamlio import PathKey, YamlDocument


class HasId(Protocol):
    """Anything with an id."""

    @property
    def id(self) -> str:
        """The id."""
        ...


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """`Did you mean `x`?` for the closest known name, or None."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"Did you mean `{close[0]}`?" if close else None


def duplicate_ids(
    doc: YamlDocument, key: str, items: Sequence[HasId], what: str
) -> Iterator[Issue]:
    """D113 for every entry whose id repeats an earlier one in the same list."""
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in seen:
            first = doc.locate((key, seen[item.id], "id"))
            yield make_issue(
                "D113",
                f"{what} id `{item.id}` is used twice (first on line {first.line})",
                location=doc.locate((key, index, "id")),
                field="id",
                hint="Give each entry its own id.",
            )
        else:
            seen[item.id] = index


def formula_location(doc: YamlDocument, path: PathKey, offset: int) -> Location:
    """The position of character `offset` of the formula stored at `path`.

    Exact for a formula written on one line (plain or quoted); for a block scalar the
    position of the value is the best we can do.
    """
    base = doc.locate(path)
    value = doc.get(path)
    if base.line is None or base.column is None or not isinstance(value, str):
        return base
    line = doc.lines[base.line - 1] if base.line <= len(doc.lines) else ""
    rest = line[base.column - 1 :]
    shift = 1 if rest[:1] in {"'", '"'} else 0
    if rest[shift:].startswith(value):
        return base.model_copy(update={"column": base.column + shift + offset})
    return base
