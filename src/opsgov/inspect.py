"""`opsgov inspect`: what opsgov sees in any spreadsheet, with no profile needed.

The header row is guessed from the framework's measure names and aliases, read in many
languages (`opsgov.draft.words`); each column gets an inferred type, sample values and the
measure it most likely maps to. A draft intake profile
can be written from the result, for an analyst to finish.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from opsgov.draft.evidence import Evidence
from opsgov.draft.match import Reading, readings
from opsgov.draft.settings import guess_header
from opsgov.draft.words import read_header
from opsgov.harmonise.text import is_total_label
from opsgov.harmonise.values import error_code, is_blank
from opsgov.intake.raw import RawSheet, RawWorkbook
from opsgov.issues import column_letter
from opsgov.models.framework import Framework

_DURATION_TEXT = re.compile(r"^\d{1,3}:\d{2}(:\d{2})?$")
_PERCENT_TEXT = re.compile(r"^-?\d+([.,]\d+)?\s*%$")
_NUMBER_TEXT = re.compile(r"^-?[\d.,\s\u00a0']+$")


class ColumnView(BaseModel):
    """One column as opsgov sees it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    letter: str = Field(description="Column letter, such as C.")
    header: str = Field(description="Header text.")
    inferred: str = Field(
        description="Inferred type: integer, number, percent, duration, date, text, empty, mixed."
    )
    filled: int = Field(description="Data rows with a value.")
    samples: list[str] = Field(description="Up to three distinct sample values.")
    measure: str | None = Field(description="The framework measure it most likely maps to.")
    score: float = Field(description="How sure the suggestion is, 0-1.")
    unit: str | None = Field(
        description="The unit the header or the values suggest, for the profile."
    )


class SheetView(BaseModel):
    """One sheet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Sheet name.")
    visibility: str = Field(description="visible, hidden or very_hidden.")
    used_range: str | None = Field(description="Cells with values, such as B4:N65.")
    header_row: int | None = Field(description="The row opsgov would take as the header.")
    data_rows: int = Field(description="Rows below the header that hold data (totals excluded).")
    columns: list[ColumnView] = Field(description="Columns of the header row.")


class InspectResult(BaseModel):
    """Everything `opsgov inspect` reports about a file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="The file.")
    format: str = Field(description="The real format, from the content.")
    date_system: int = Field(description="1900 or 1904.")
    text_format: dict[str, str] | None = Field(
        description="Encoding, delimiter and decimal of text files."
    )
    sheets: list[SheetView] = Field(description="Every sheet.")
    notes: list[str] = Field(
        description="What the reader noticed (hidden sheets, formulas with no result, ...)."
    )


def _evidence(kinds: Counter[str], filled: int) -> Evidence:
    """What inspect's kind counts say, in the drafter's terms (no values kept)."""
    names = {"integer": "number", "number": "number", "percent": "percent", "date": "date",
             "duration": "clock", "text": "text"}  # fmt: skip
    mapped: Counter[str] = Counter()
    for kind, n in kinds.items():
        mapped[names.get(kind, kind)] += n
    return Evidence(filled=filled, kinds=mapped)


def _kind(value: object) -> str:
    if error_code(value) is not None:
        return "error"
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dt.datetime | dt.date):
        return "date"
    if isinstance(value, dt.time | dt.timedelta):
        return "duration"
    text = str(value).strip()
    if _DURATION_TEXT.match(text):
        return "duration"
    if _PERCENT_TEXT.match(text):
        return "percent"
    if _NUMBER_TEXT.match(text) and any(ch.isdigit() for ch in text):
        return "number"
    if re.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$", text):
        return "date"
    return "text"


def _unit_hint(header: str, inferred: str) -> str | None:
    key = header.lower()
    if "mm:ss" in key or "hh:mm" in key or inferred == "duration":
        return "hh:mm:ss" if "hh" in key else "mm:ss"
    if "%" in key or inferred == "percent":
        return "percent_0_100"
    if re.search(r"\bmin(s|utes?)?\b|\(min\)", key):
        return "minutes"
    if re.search(r"\b(hours?|hrs?|horas)\b", key):
        return "hours"
    if re.search(r"\b(sec|secs|seconds|seg|s)\b|\(s\)", key):
        return "seconds"
    return None


def _kind_counts(values: Sequence[object]) -> tuple[Counter[str], int]:
    """Kinds of the non-blank values (errors included), and how many there are.

    Plain number columns are classified with NumPy; anything else once per distinct value.
    """
    if values and set(map(type, values)) == {float}:
        numbers = np.fromiter(values, dtype=np.float64, count=len(values))
        whole = int(np.count_nonzero(numbers == np.floor(numbers)))
        counts = Counter({"integer": whole, "number": len(values) - whole})
        return +counts, len(values)
    counts = Counter()
    filled = 0
    for value, n in Counter(values).items():
        if not is_blank(value):
            counts[_kind(value)] += n
            filled += n
    return counts, filled


def _samples(values: Sequence[object], count: int = 3) -> list[str]:
    """The first `count` distinct non-blank values, as text."""
    seen: dict[str, None] = {}
    for value in values:
        if not is_blank(value):
            text = str(value)
            if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
                text = str(int(value))  # 21049, not 21049.0
            seen.setdefault(text)
            if len(seen) == count:
                break
    return list(seen)


def _column(header: str, letter: str, values: Sequence[object], framework: Framework) -> ColumnView:
    kinds, filled = _kind_counts(values)
    kinds.pop("error", None)
    if not kinds:
        inferred = "empty"
    elif len(kinds) == 1:
        inferred = next(iter(kinds))
    elif set(kinds) <= {"integer", "number"}:
        inferred = "number"
    else:
        top, count = kinds.most_common(1)[0]
        inferred = top if count >= 0.9 * sum(kinds.values()) else "mixed"
    words = read_header(header)
    found = readings(words, _evidence(kinds, filled), framework)
    best = found[0] if found else None
    role = {"@date": "date", "@month": "date", "@queue": "queue"}.get(words.role or "")
    if best is None and role is not None and framework.measure(role) is not None:
        best = Reading(role, 1.0, "direct", None, header)
    unit = words.unit or _unit_hint(header, inferred)
    return ColumnView(
        letter=letter,
        header=header,
        inferred=inferred,
        filled=filled,
        samples=_samples(values),
        measure=best.measure if best else None,
        score=best.score if best else 0.0,
        unit=unit,
    )


def _data_columns(body: Sequence[Sequence[object]]) -> tuple[list[Sequence[object]], int]:
    """The columns of the data rows, and how many rows that is.

    Data rows are not blank and hold no total label in their first three cells. Column by
    column when a column without blanks rules out blank rows and the first three columns'
    distinct texts hold no total label; row by row otherwise.
    """
    columns: list[Sequence[object]] = list(itertools.zip_longest(*body)) if body else []
    no_blank_row = any(not (set(map(type, column)) & {str, type(None)}) for column in columns)
    labels = any(
        isinstance(v, str) and is_total_label(v) for column in columns[:3] for v in set(column)
    )
    if no_blank_row and not labels:
        return columns, len(body)
    kept = [
        i
        for i, r in enumerate(body)
        if any(not is_blank(c) for c in r)
        and not any(isinstance(c, str) and is_total_label(c) for c in r[:3])
    ]
    return [[column[i] for i in kept] for column in columns], len(kept)


def inspect_sheet(sheet: RawSheet, framework: Framework) -> SheetView:
    """What one sheet holds, and how opsgov would read it."""
    rows = sheet.rows
    index, _hits = guess_header(rows, framework)
    used = None
    if rows:
        first = f"{column_letter(sheet.first_col)}{sheet.first_row}"
        used = f"{first}:{column_letter(sheet.last_col)}{sheet.last_row}"
    if index is None:
        return SheetView(
            name=sheet.name,
            visibility=str(sheet.visibility),
            used_range=used,
            header_row=None,
            data_rows=0,
            columns=[],
        )
    data, data_rows = _data_columns(rows[index + 1 :])
    columns = [
        _column(
            str(h).strip(),
            column_letter(sheet.first_col + i),
            data[i] if i < len(data) else [None] * data_rows,
            framework,
        )
        for i, h in enumerate(rows[index])
        if not is_blank(h)
    ]
    return SheetView(
        name=sheet.name,
        visibility=str(sheet.visibility),
        used_range=used,
        header_row=sheet.first_row + index,
        data_rows=data_rows,
        columns=columns,
    )


def inspect_workbook(book: RawWorkbook, file: str, framework: Framework) -> InspectResult:
    """The whole file."""
    text = None
    if book.text_format is not None:
        tf = book.text_format
        text = {"encoding": tf.encoding, "delimiter": tf.delimiter, "decimal": tf.decimal}
    return InspectResult(
        file=file,
        format=str(book.format),
        date_system=book.date_system,
        text_format=text,
        sheets=[inspect_sheet(s, framework) for s in book.sheets],
        notes=[n.message for n in book.notes],
    )
