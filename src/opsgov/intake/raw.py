"""The raw model: what a file holds, cell by cell, before any interpretation.

Every reader (`opsgov.intake.readers`) returns a `RawWorkbook`. Cells keep the exact position
Excel shows: `RawSheet.rows[0][0]` is the cell at (`first_row`, `first_col`), both 1-based, so a
finding can name `Sheet1!C14` even though readers trim leading empty rows and columns.

The model is built for large sheets: rows are plain lists of plain values (a 1,048,576 x 16
sheet is 16.7 million cells), there is no object per cell, and nothing here validates cells.
An empty cell is `None`, or `""` in a sheet read in bulk (`opsgov.intake.sheets`); only Excel
error cells (`#DIV/0!`) get a small object, `CellError`, so that an error can never be mistaken
for text that happens to read "#N/A". Delimited text is the exception: its cells are all
`str`, and an empty field is `""`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple, TypeAlias

from opsgov.intake.sniff import FileFormat
from opsgov.issues import Issue

EXCEL_ERROR_CODES: frozenset[str] = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA",
     "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"}
)  # fmt: skip
"""The error values Excel stores in cells (the first seven are the classic ones)."""


@dataclass(frozen=True, slots=True)
class CellError:
    """An Excel error value stored in a cell, such as `#DIV/0!` or `#N/A`.

    Attributes:
        code: The error exactly as Excel shows it.
    """

    code: str

    def __str__(self) -> str:
        return self.code


CellValue: TypeAlias = (
    str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | CellError | None
)
"""One cell: empty (None), text, a number, a boolean, a date, date-time or time of day, a
duration (cells formatted `[h]:mm:ss`), or an Excel error."""


class SheetVisibility(StrEnum):
    """Whether a sheet shows in the spreadsheet application."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    VERY_HIDDEN = "very_hidden"
    """Hidden so that only VBA can show it again (Excel formats only)."""


class CellRange(NamedTuple):
    """A rectangle of cells, 1-based and inclusive, as Excel numbers rows and columns."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(frozen=True, slots=True)
class TextFormat:
    """How a delimited-text file was decoded and split, so that `opsgov inspect` can show it.

    Attributes:
        encoding: The Python codec used, such as `utf-8`, `utf-8-sig`, `utf-16-le`, `cp1252`.
        encoding_source: `bom` (byte-order mark), `declared` (configured), `utf-8` (the file
            is valid UTF-8), `detected` (UTF-16 without a mark) or `guessed` (the
            Windows-1252 fallback, reported as F208).
        delimiter: The field separator.
        delimiter_source: `declared`, `detected` or `default` (no separator found: one column).
        decimal: The decimal separator numbers are most likely written with.
        decimal_source: `declared`, `guessed` (from the first rows' values) or `default`.
        newline: The first line ending: `crlf`, `lf`, `cr` (old Mac), or `none` (one line).
    """

    encoding: str
    encoding_source: str
    delimiter: str
    delimiter_source: str
    decimal: str
    decimal_source: str
    newline: str


@dataclass(slots=True)
class RawSheet:
    """One sheet of cells, positioned as in the spreadsheet.

    Attributes:
        name: The sheet name (for delimited text, the file name without extension).
        index: 0-based position of the sheet in the workbook.
        visibility: Whether the sheet is visible, hidden or very hidden.
        first_row: 1-based row of `rows[0]`.
        first_col: 1-based column of `rows[i][0]`.
        rows: The cells from the first to the last non-empty row and column. Spreadsheet rows
            all have the same length and None (or `""`, when read in bulk) for empty cells;
            rows of delimited text keep their own length and hold only text (`""` for an
            empty field).
        merged: Merged ranges, where the reader reports them (xlsx, xlsm, xls); only the
            top-left cell of a merged range holds a value.
        formula_cells_without_value: 1-based (row, column) of cells that hold a formula but no
            stored result; they read as None.
        truncated: True when rows or columns beyond the limits were left out.
        columns: For delimited text read in bulk, the same cells column by column (Arrow
            string arrays, `rows` is then a view built from them on demand); else None.
    """

    name: str
    index: int = 0
    visibility: SheetVisibility = SheetVisibility.VISIBLE
    first_row: int = 1
    first_col: int = 1
    rows: Sequence[list[CellValue]] = field(default_factory=list)
    merged: list[CellRange] = field(default_factory=list)
    formula_cells_without_value: set[tuple[int, int]] = field(default_factory=set)
    truncated: bool = False
    columns: list[Any] | None = None

    @property
    def last_row(self) -> int:
        """1-based row of the last row read (`first_row - 1` when the sheet is empty)."""
        return self.first_row + len(self.rows) - 1

    @property
    def last_col(self) -> int:
        """1-based column of the last column read (`first_col - 1` when the sheet is empty)."""
        width = max((len(r) for r in self.rows), default=0)
        return self.first_col + width - 1

    @property
    def is_empty(self) -> bool:
        """True when no cell of the sheet holds a value (None and empty text do not count)."""
        return not any(v is not None and v != "" for row in self.rows for v in row)

    def plain_rows(self) -> list[list[CellValue]]:
        """The rows with every empty cell as None, whichever way the sheet was read."""
        return [[None if v == "" else v for v in row] for row in self.rows]

    def cell(self, row: int, col: int) -> CellValue:
        """The value at a 1-based position as Excel numbers it; None when empty or outside.

        Args:
            row: 1-based row.
            col: 1-based column.
        """
        r, c = row - self.first_row, col - self.first_col
        if r < 0 or c < 0 or r >= len(self.rows):
            return None
        values = self.rows[r]
        value = values[c] if c < len(values) else None
        return None if value == "" else value


@dataclass(slots=True)
class RawWorkbook:
    """Everything read from one file.

    Attributes:
        path: The file, as the caller named it.
        format: What the file really is (by content, not by name).
        sheets: The sheets that hold cells, in workbook order (chart and macro sheets are
            skipped with a note).
        date_system: 1900 or 1904, the workbook's date epoch. Dates are already converted;
            this matters only for day numbers stored in cells not formatted as dates. 1900 when
            the format has no such setting (delimited text).
        notes: Non-fatal findings made while reading (wrong extension, hidden sheets, guessed
            encoding, formulas without results, reader warnings).
        text_format: How delimited text was decoded and split; None for workbooks.
    """

    path: Path
    format: FileFormat
    sheets: list[RawSheet] = field(default_factory=list)
    date_system: int = 1900
    notes: list[Issue] = field(default_factory=list)
    text_format: TextFormat | None = None

    @property
    def sheet_names(self) -> list[str]:
        """Names of the sheets read, in workbook order."""
        return [s.name for s in self.sheets]

    def sheet(self, name: str) -> RawSheet | None:
        """The sheet with exactly this name, or None."""
        return next((s for s in self.sheets if s.name == name), None)
