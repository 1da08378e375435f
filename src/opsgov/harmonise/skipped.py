"""Rows that are not data (totals, notes, blanks): recognised by what they are, always reported.

A row's label is its first non-blank text cell. A row is a totals row when three things
agree:

- its label is a totals word (`Total`, `Sub-total`, `Grand Total:`, `TOTAL MNL`, `Sum`), as
  a whole word at the start: `Summer Surge`, `Summary reviews` and `@SUM(1)` are data;
- its figures are the sums of the data rows above it (since the previous totals row, or
  since the header for a grand total), in at least one number column; or else it stands
  after the last data row, where a table's totals are;
- a totals-labelled row that meets neither is read as data, and said so (V341).

Every skipped row is reported (V340: how many, which rows, why); a totals row skipped only
for its position, whose figures match nothing above, is a warning (V342).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

import numpy as np

from opsgov.harmonise import vector
from opsgov.harmonise.text import is_total_label
from opsgov.harmonise.values import parse_number
from opsgov.models.profile import Profile

Reason = Literal["total", "blank", "matching"]

_NUMBER = (int, float)
_SHOWN = 5


@dataclass(frozen=True)
class SkippedRow:
    """A row left out of the data: its index in the body, why, and its label."""

    index: int
    reason: Reason
    label: str | None = None
    col: int | None = None
    """0-based column of the label."""
    matched: bool = True
    """For a totals row: whether its figures are sums of the rows above (else its position)."""


@dataclass
class Selection:
    """Which body rows are data, and which were left out or kept despite their label."""

    kept: list[int] | None
    """Indices of the data rows; None when every row is data."""
    skipped: list[SkippedRow] = field(default_factory=list)
    doubtful: list[SkippedRow] = field(default_factory=list)
    """Rows labelled like totals that are read as data: their figures are no sums and data
    follows them."""


def _label_of(row: Sequence[object]) -> tuple[str | None, int | None, bool]:
    """The row's first non-blank text, its column, and whether the row holds any value."""
    empty = True
    for col, cell in enumerate(row):
        if type(cell) is str:
            if not cell or cell.isspace():
                continue
            return cell, col, False
        if cell is not None:
            empty = False
    return None, None, empty


def _verdict(profile: Profile) -> Callable[[str], Reason | None]:
    totals = profile.skip.totals
    prefixes = tuple(p.lower() for p in profile.skip.matching)
    cache: dict[str, Reason | None] = {}

    def verdict(text: str) -> Reason | None:
        found = cache.get(text, "?")
        if found != "?":
            return found  # type: ignore[return-value]
        result: Reason | None = None
        if prefixes and text.strip().lower().startswith(prefixes):
            result = "matching"
        elif totals and is_total_label(text):
            result = "total"
        if len(cache) < 100_000:
            cache[text] = result
        return result

    return verdict


def select_rows(
    body: Sequence[Sequence[object]],
    columns: Sequence[Sequence[object]],
    profile: Profile,
    decimal: str = ".",
) -> Selection:
    """Decide which rows of the body (the rows under the header) are data.

    When the columns before the first text column hold only numbers and dates, and that
    column holds text in every row, no row is blank and the verdicts are those of its
    distinct values: column by column instead of row by row.
    """
    verdict = _verdict(profile)
    if any(vector.is_arrow(c) for c in columns):  # read by columns: equal rows
        if not len(body):
            return Selection(kept=None)
        if _label_column_decides(columns, verdict):
            return Selection(kept=None)
        body = list(body)  # a blank or totals row somewhere: look at the rows
        columns = [vector.cells(c) for c in columns]
    width = min(map(len, body), default=0)
    if width and width == max(map(len, body)):
        for column in columns:
            kinds = set(map(type, column))
            if str not in kinds and type(None) not in kinds:
                continue  # numbers or dates in every row: no label here, no blank row
            if kinds != {str}:
                break
            distinct = cast(set[str], set(column))
            if any(not text or text.isspace() for text in distinct):
                break
            if not any(verdict(text) for text in distinct):
                return Selection(kept=None)
            break
        else:
            return Selection(kept=None)  # no text at all, and no blank row
    marks: list[SkippedRow] = []
    for index, row in enumerate(body):
        label, col, empty = _label_of(row)
        if label is None:
            if empty and profile.skip.blank:
                marks.append(SkippedRow(index, "blank"))
            continue
        reason = verdict(label)
        if reason is not None:
            marks.append(SkippedRow(index, reason, label.strip(), col))
    if not marks:
        return Selection(kept=None)
    return _confirm(len(body), columns, marks, decimal)


def _label_column_decides(
    columns: Sequence[Sequence[object]], verdict: Callable[[str], Reason | None]
) -> bool:
    """Whether the columns show, without building rows, that every row is data.

    As for rows: the columns before the first one that can hold text hold values in every
    row, and that column holds text in every row, none of it blank or a totals label.
    """
    import pyarrow.types as pa_types

    for column in columns:
        if not vector.is_arrow(column):
            kinds = set(map(type, column))
            if str not in kinds and type(None) not in kinds:
                continue
            return False  # a column of values an array cannot hold: look at the rows
        kind = column.type  # type: ignore[attr-defined]
        empty = column.null_count  # type: ignore[attr-defined]
        if not pa_types.is_string(kind):
            if empty == 0 and not pa_types.is_null(kind):
                continue
            return False
        if empty:
            return False
        labels = cast(list[str], vector.distinct(column)[0])
        return not any(not text or text.isspace() or verdict(text) for text in labels)
    return True


def _confirm(
    n: int, columns: Sequence[Sequence[object]], marks: list[SkippedRow], decimal: str
) -> Selection:
    """Keep the totals-labelled rows whose figures and position say they are data."""
    data = np.ones(n, dtype=bool)
    for mark in marks:
        data[mark.index] = False
    sums = _ColumnSums(columns, data.copy(), decimal)
    last_data = int(np.flatnonzero(data)[-1]) if data.any() else -1
    selection = Selection(kept=None)
    segment = 0
    for mark in marks:
        if mark.reason != "total":
            selection.skipped.append(mark)
            continue
        matched = sums.matches(mark.index, segment) or sums.matches(mark.index, 0)
        if matched or mark.index > last_data:
            selection.skipped.append(
                SkippedRow(mark.index, "total", mark.label, mark.col, matched=matched)
            )
            segment = mark.index + 1
        else:
            data[mark.index] = True
            selection.doubtful.append(mark)
    selection.kept = np.flatnonzero(data).tolist()
    return selection


class _ColumnSums:
    """Sums of each column's numbers over the data rows, by prefix sums built when asked."""

    def __init__(self, columns: Sequence[Sequence[object]], data: np.ndarray, decimal: str) -> None:
        self.columns = columns
        self.data = data
        self.decimal = decimal
        self.prefix: dict[int, np.ndarray] = {}

    def number(self, value: object) -> float | None:
        """A cell's number: a numeric cell, or text that reads as a number (delimited text)."""
        if type(value) in _NUMBER:
            return float(value)  # type: ignore[arg-type]
        if type(value) is str and value.strip():
            try:
                number = parse_number(value, self.decimal)
            except ValueError:
                return None
            return number if math.isfinite(number) else None
        return None

    def _prefix(self, col: int) -> np.ndarray:
        found = self.prefix.get(col)
        if found is None:
            values = np.fromiter(
                (self.number(v) or 0.0 for v in self.columns[col]),
                dtype=np.float64,
                count=len(self.columns[col]),
            )
            values[~self.data] = 0.0
            found = np.concatenate(([0.0], np.cumsum(values)))
            self.prefix[col] = found
        return found

    def matches(self, index: int, start: int) -> bool:
        """Whether some number of row `index` sums its column over data rows `start`..`index-1`.

        At least one data row must lie in that range.
        """
        if not self.data[start:index].any():
            return False
        for col, column in enumerate(self.columns):
            value = self.number(column[index])
            if value is None:
                continue
            prefix = self._prefix(col)
            total = float(prefix[index] - prefix[start])
            if abs(value - total) <= max(0.005, 1e-9 * abs(total)):
                return True
        return False


def _rows_text(numbers: list[int]) -> str:
    shown = ", ".join(str(r) for r in numbers[:_SHOWN])
    more = f" and {len(numbers) - _SHOWN:,} more" if len(numbers) > _SHOWN else ""
    return f"row{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _labels_text(rows: list[SkippedRow]) -> str:
    labels = list(dict.fromkeys(r.label for r in rows if r.label))
    shown = ", ".join(repr(label[:40]) for label in labels[:3])
    return shown + (", ..." if len(labels) > 3 else "")


def describe_skipped(skipped: list[SkippedRow], first_row: int) -> str:
    """One sentence saying which rows were left out and why (`first_row`: sheet row of index 0)."""
    parts: list[str] = []
    totals = [r for r in skipped if r.reason == "total"]
    if totals:
        parts.append(
            f"totals {_rows_text([first_row + r.index for r in totals])} ({_labels_text(totals)})"
        )
    notes = [r for r in skipped if r.reason == "matching"]
    if notes:
        parts.append(
            f"{_rows_text([first_row + r.index for r in notes])} starting with a text the "
            f"profile skips ({_labels_text(notes)})"
        )
    blanks = [r for r in skipped if r.reason == "blank"]
    if blanks:
        parts.append(f"blank {_rows_text([first_row + r.index for r in blanks])}")
    return "; ".join(parts)
