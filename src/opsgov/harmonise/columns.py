"""Convert whole columns of raw cells: a fast path for plain numbers, cell by cell otherwise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from opsgov.harmonise.table import FloatArray, IntArray
from opsgov.harmonise.values import (
    CellProblemError,
    date_value,
    error_code,
    is_blank,
    measure_value,
    numeric_date_order,
)
from opsgov.harmonise.vector import (
    cells,
    distinct,
    is_arrow,
    pick,
    text_array,
    text_numbers,
    typed_dates,
    typed_numbers,
)
from opsgov.models.profile import ColumnUnit, DateFormat

_PLAIN = {float, int, type(None)}
_PLAIN_OR_TEXT = _PLAIN | {str}
_DATES = {dt.date, dt.datetime}
_SCALE = {
    "minutes": 60.0,
    "hours": 3600.0,
    "percent_0_100": 0.01,
    "mm:ss": 86400.0,
    "hh:mm:ss": 86400.0,
}


@dataclass(frozen=True)
class BadCell:
    """A cell that could not be converted: its index in the column and why."""

    index: int
    value: object
    problem: CellProblemError


def _problem_for(value: object) -> CellProblemError | None:
    code = error_code(value)
    if code is not None:
        return CellProblemError("V303", f"found the Excel error {code}", "a value")
    return None


if TYPE_CHECKING:
    import pyarrow as pa

Column: TypeAlias = "Sequence[object] | pa.Array"
"""A column of cells: Python values, or an Arrow string array (delimited text read in bulk)."""


def numeric_column(
    values: Column, unit: ColumnUnit, decimal: str = "."
) -> tuple[FloatArray, list[BadCell]]:
    """A column as floats in the measure's canonical unit (NaN where blank or bad)."""
    texts = text_array(values)
    if texts is not None:
        return _text_column_numbers(texts, unit, decimal)
    numbers = typed_numbers(values)
    if numbers is not None:
        return _scaled(numbers, unit, lambda i: float(numbers[i]))
    if is_arrow(values):  # booleans, times, date-times: cell by cell, as read by rows
        values = cells(values)
    kinds = set(map(type, values))
    if str in kinds and kinds <= _PLAIN_OR_TEXT:
        values = _empty_text_as_none(values)
        kinds = set(map(type, values))
    if kinds <= _PLAIN:
        out = (
            np.array(values, dtype=np.float64)  # None -> NaN
            if type(None) in kinds
            else np.fromiter(values, dtype=np.float64, count=len(values))
        )
        return _scaled(out, unit, values.__getitem__)
    out = np.full(len(values), np.nan, dtype=np.float64)
    return out, _by_cell(out, enumerate(values), unit, decimal)


def _scaled(
    out: FloatArray, unit: ColumnUnit, value_at: Callable[[int], object]
) -> tuple[FloatArray, list[BadCell]]:
    """Numbers in the measure's unit, and the infinite ones as bad cells."""
    scale = _SCALE.get(unit)
    if scale is not None:
        out *= scale
    bad = np.flatnonzero(np.isinf(out))
    return out, [
        BadCell(
            int(i),
            value_at(int(i)),
            CellProblemError("V302", "found an infinite number", "a number"),
        )
        for i in bad
    ]


def _by_cell(
    out: FloatArray, indexed: Iterable[tuple[int, object]], unit: ColumnUnit, decimal: str
) -> list[BadCell]:
    """Convert cells one by one into `out` (a blank or bad cell is NaN); the bad ones."""
    problems: list[BadCell] = []
    for index, value in indexed:
        out[index] = np.nan
        if is_blank(value):
            continue
        problem = _problem_for(value)
        if problem is not None:
            problems.append(BadCell(index, value, problem))
            continue
        try:
            out[index] = measure_value(value, unit, decimal)
        except CellProblemError as exc:
            problems.append(BadCell(index, value, exc))
    return problems


def _text_column_numbers(
    column: pa.Array, unit: ColumnUnit, decimal: str
) -> tuple[FloatArray, list[BadCell]]:
    """A text column: plain numbers at once, every other cell by `measure_value`."""
    out, others = text_numbers(column, decimal)
    scale = _TEXT_SCALE.get(unit)
    with np.errstate(over="ignore"):
        if scale is not None:
            out *= scale
        elif unit == "percent_0_100":
            out /= 100.0
    overflow = np.flatnonzero(np.isinf(out))
    if len(overflow):  # too large once scaled: said so cell by cell
        others = np.union1d(others, overflow)
    if not len(others):
        return out, []
    values = cells(pick(column, others.tolist()))
    return out, _by_cell(out, zip(others.tolist(), values, strict=True), unit, decimal)


_TEXT_SCALE = {"minutes": 60.0, "hours": 3600.0}
"""How `measure_value` scales a number written as text (a percent is divided by 100)."""


def _empty_text_as_none(values: Sequence[object]) -> Sequence[object]:
    """The values with empty strings (empty cells of a sheet read in bulk) as None.

    Finds them with `index`, which runs in C, so that a numeric column with a few
    blanks keeps the fast path; other text is left for the cell-by-cell path.
    """
    found: list[int] = []
    at = -1
    while True:
        try:
            at = values.index("", at + 1)
        except ValueError:
            break
        found.append(at)
    if not found:
        return values
    copy = list(values)
    for at in found:
        copy[at] = None
    return copy


def date_column(
    values: Column, fmt: DateFormat, date_system: int
) -> tuple[IntArray, list[BadCell], DateFormat]:
    """A column as date ordinals (0 where blank or bad), and the text format settled on."""
    texts = text_array(values)
    if texts is not None:  # text: one conversion per distinct value
        labels, indices = distinct(texts)
        if fmt == "auto":
            fmt = numeric_date_order([v for v in labels if isinstance(v, str)]) or "auto"
        ordinals, bads = _dates(labels, fmt, date_system)
        bad_rows = np.flatnonzero(np.isin(indices, [b.index for b in bads]))
        problem = {b.index: b for b in bads}
        rows = [BadCell(int(i), labels[indices[i]], problem[indices[i]].problem) for i in bad_rows]
        return ordinals[indices], rows, fmt
    typed = typed_dates(values)
    if typed is not None:
        return typed, [], fmt
    if is_arrow(values):
        values = cells(values)
    kinds = set(map(type, values))
    if kinds <= _DATES:  # typed dates: one conversion per distinct day
        table = {v: date_value(v, fmt, date_system).toordinal() for v in set(values)}
        ordinals = np.fromiter(map(table.__getitem__, values), np.int64, count=len(values))
        return ordinals, [], fmt
    if fmt == "auto":
        fmt = numeric_date_order([v for v in values if isinstance(v, str)]) or "auto"
    out, problems = _dates(values, fmt, date_system)
    return out, problems, fmt


def _dates(
    values: Sequence[object], fmt: DateFormat, date_system: int
) -> tuple[IntArray, list[BadCell]]:
    """Cell by cell: ordinals (0 where blank or bad) and the cells that are no date."""
    out = np.zeros(len(values), dtype=np.int64)
    problems: list[BadCell] = []
    last: tuple[object, int] | None = None
    for index, value in enumerate(values):
        if is_blank(value):
            continue
        if last is not None and value == last[0] and type(value) is type(last[0]):
            out[index] = last[1]
            continue
        problem = _problem_for(value)
        if problem is not None:
            problems.append(BadCell(index, value, problem))
            continue
        try:
            ordinal = date_value(value, fmt, date_system).toordinal()
        except CellProblemError as exc:
            problems.append(BadCell(index, value, exc))
            continue
        except (ValueError, OverflowError):
            problems.append(
                BadCell(index, value, CellProblemError("V315", f"found {value!r}", "a date"))
            )
            continue
        out[index] = ordinal
        last = (value, ordinal)
    return out, problems


def text_column(values: Column) -> list[str | None]:
    """A column as stripped text (None where blank); numbers keep their natural text."""
    texts = text_array(values)
    if texts is not None and is_arrow(values):
        labels, indices = distinct(texts)
        shown = np.array(text_column(labels) if labels else [], dtype=object)
        out: list[str | None] = shown[indices].tolist()
        return out
    if is_arrow(values):
        values = cells(values)
    if values and set(map(type, values)) == {str}:
        different = set(values)
        if len(different) * 2 <= len(values):  # repeated labels: one object per distinct text
            table: dict[object, str | None] = {v: v.strip() or None for v in different}
            return list(map(table.__getitem__, values))
        stripped = list(map(str.strip, values))
        if "" in stripped:
            return [v or None for v in stripped]
        return stripped  # type: ignore[return-value]
    result: list[str | None] = []
    append = result.append
    for value in values:
        if type(value) is str:
            append(value.strip() or None)
        elif value is None:
            append(None)
        elif isinstance(value, float) and value.is_integer():
            append(str(int(value)))
        elif isinstance(value, dt.datetime | dt.date):
            append(value.isoformat())
        else:
            append(str(value).strip() or None)
    return result
