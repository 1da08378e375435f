"""Findings: problems in definitions or data, collected as data and never raised.

An `Issue` has a stable code from the catalogue (`opsgov.catalogue`), a severity, a message
that says what was found and what was expected, a `Location` (a YAML line and column, or a
spreadsheet cell) and a hint on how to fix it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How serious a finding is; `--fail-on` compares against this order."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Larger is more serious."""
        return {"info": 0, "warning": 1, "error": 2}[self.value]

    def at_least(self, other: Severity) -> bool:
        """True when this severity is `other` or more serious."""
        return self.rank >= other.rank


def column_letter(col: int) -> str:
    """Spreadsheet column letters for a 1-based column number (1 -> A, 28 -> AB)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


class Location(BaseModel):
    """Where a finding is: a position in a YAML file, a spreadsheet cell, or just a file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="The file, as the user named it (relative where possible).")
    line: int | None = Field(default=None, description="1-based line in a text file.")
    column: int | None = Field(default=None, description="1-based column in a text file.")
    path: str | None = Field(
        default=None, description="Dotted path inside a definition, such as `kpis[3].target`."
    )
    sheet: str | None = Field(default=None, description="Worksheet name.")
    row: int | None = Field(default=None, description="1-based spreadsheet row, as Excel shows it.")
    col: int | None = Field(default=None, description="1-based spreadsheet column (1 is A).")

    @property
    def cell(self) -> str | None:
        """The A1 reference without the sheet (`C14`), when the location is a cell."""
        if self.row is None or self.col is None:
            return None
        return f"{column_letter(self.col)}{self.row}"

    @property
    def a1(self) -> str | None:
        """The cell with its sheet, as users read it: `Ops Report!E12`."""
        cell = self.cell
        if cell is None:
            return self.sheet
        return f"{self.sheet}!{cell}" if self.sheet else cell

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        a1 = self.a1
        if a1 is not None:
            return f"{self.file} {a1}"
        return self.file

    def sort_key(self) -> tuple[str, int, int, str, int, int]:
        """Order by file, then position."""
        return (
            self.file,
            self.line or 0,
            self.column or 0,
            self.sheet or "",
            self.row or 0,
            self.col or 0,
        )


class CodeSpec(BaseModel):
    """One entry of the catalogue: what a code means, once for every finding that carries it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(description="Stable code: D1xx definitions, W2xx workbooks, V3xx values, ...")
    title: str = Field(description="A short name for the problem.")
    severity: Severity = Field(description="Default severity.")
    description: str = Field(description="What it flags, why it matters and how to fix it.")


class Issue(BaseModel):
    """One finding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(description="Stable code from the catalogue.")
    severity: Severity = Field(description="error, warning or info.")
    title: str = Field(description="The catalogue's short name for the code.")
    message: str = Field(description="What was found and what was expected, in a sentence.")
    location: Location | None = Field(
        default=None, description="Where; None for run-wide findings."
    )
    hint: str | None = Field(default=None, description="How to fix it.")
    field: str | None = Field(
        default=None, description="The column header or definition field concerned."
    )
    found: str | None = Field(default=None, description="The value found, as text.")
    expected: str | None = Field(default=None, description="What was expected instead.")

    def sort_key(self) -> tuple[tuple[str, int, int, str, int, int], str]:
        """Order by location, then code."""
        loc = self.location.sort_key() if self.location else ("", 0, 0, "", 0, 0)
        return (loc, self.code)


@functools.cache
def _catalogue() -> dict[str, CodeSpec]:
    from opsgov.catalogue import CATALOGUE

    return CATALOGUE


@functools.cache
def _renamed() -> dict[str, str]:
    from opsgov.catalogue import RENAMED

    return RENAMED


def spec(code: str) -> CodeSpec:
    """The catalogue entry of a code, or of the code a renamed one became.

    A missing entry is a bug, so this raises KeyError.
    """
    return _catalogue()[_renamed().get(code, code)]


MAX_MESSAGE = 600
"""Longest finding message kept: a cell can hold 32,767 characters and a formula more."""
MAX_FOUND = 200
"""Longest value quoted in `found`."""


def shorten(text: str, limit: int) -> str:
    """`text`, or its start and end around a note of how much was left out."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 6
    return f"{text[:head]}… ({len(text) - head - tail:,} characters left out) …{text[-tail:]}"


def make_issue(
    code: str,
    message: str,
    *,
    location: Location | None = None,
    hint: str | None = None,
    field: str | None = None,
    found: object = None,
    expected: str | None = None,
    severity: Severity | None = None,
) -> Issue:
    """Build a finding, taking its title and default severity from the catalogue."""
    entry = spec(code)
    return Issue(
        code=entry.code,
        severity=severity or entry.severity,
        title=entry.title,
        message=shorten(message, MAX_MESSAGE),
        location=location,
        hint=hint,
        field=field,
        found=None if found is None else shorten(str(found), MAX_FOUND),
        expected=None if expected is None else shorten(expected, MAX_MESSAGE),
    )


def worst(issues: Iterable[Issue]) -> Severity | None:
    """The most serious severity among the findings, or None when there are none."""
    ranks = [i.severity for i in issues]
    return max(ranks, key=lambda s: s.rank) if ranks else None


def sorted_issues(issues: Iterable[Issue]) -> list[Issue]:
    """Findings in a stable order: by file, position and code."""
    return sorted(issues, key=Issue.sort_key)
