"""python-calamine sheets to `RawSheet`s: positions, empty cells, limits, notes.

python-calamine returns each sheet's used rectangle with empty strings for empty cells (and,
indistinguishably, for error cells and formulas without results, which the byte scan of
`opsgov.intake.sheetscan` restores). Two ways to build the rows:

- in bulk (`to_python`), when the text the sheet can hold is bounded before it is built:
  xlsx and xlsm sheets whose shared strings (each checked against the cell limit; the longest
  times the cells) and inline strings (measured by the byte scan) stay within the character
  budget. Empty cells stay empty strings. This is the path of large machine-written extracts.
- row by row otherwise: empty strings become None, text is counted against the character
  limits as rows arrive (so that one long text referenced from many cells is stopped
  early), and ods durations become timedeltas.

Either way error cells become `CellError`, and rows and columns beyond the limits are cut
with a note.
"""

from __future__ import annotations

import re
from concurrent.futures import Future
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

import python_calamine as calamine

from opsgov.intake.arrowsheet import ColumnarReader, build
from opsgov.intake.calprobe import probe
from opsgov.intake.failures import refuse
from opsgov.intake.limits import Limits
from opsgov.intake.raw import (
    CellError,
    CellRange,
    CellValue,
    RawSheet,
    RawWorkbook,
    SheetVisibility,
)
from opsgov.intake.sheetscan import CellFacts
from opsgov.intake.sniff import FileFormat
from opsgov.issues import Issue, Location, column_letter, make_issue

_ISO_DURATION = re.compile(
    r"^(-)?P(?:(\d+)D)?T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$"
)  # fmt: skip


def read_sheets(
    path: Path,
    fmt: FileFormat,
    workbook: calamine.CalamineWorkbook,
    facts: dict[str, Future[CellFacts]],
    limits: Limits,
    book: RawWorkbook,
    longest_shared: int = 0,
    columnar: ColumnarReader | None = None,
) -> None:
    """Append the workbook's worksheets to `book`, with notes on skipped and hidden sheets.

    Args:
        path: The file, for locations.
        fmt: Its format (ods durations need converting).
        workbook: The open reader.
        facts: Error cells and formulas without results per sheet name, as the byte scan
            finds them (xlsx and xlsm only); waited for when a sheet needs them.
        limits: Rows, columns, cells and characters read at most.
        book: The workbook being built.
        longest_shared: An upper bound of the characters of the longest shared string
            (xlsx and xlsm), which lets a sheet whose text all comes from that table be
            read in bulk.
        columnar: fastexcel over the same file (xlsx and xlsm), for the sheets it reads
            by columns (`opsgov.intake.arrowsheet`); None to read every sheet by rows.
    """
    budget = _Budget(limits)
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            kind = _sheet_kind(meta.typ)
            book.notes.append(
                make_issue(
                    "F216",
                    f"the {kind} {meta.name!r} holds no table cells: skipped",
                    location=Location(file=str(path), sheet=meta.name),
                )
            )
            continue
        visibility = _visibility(meta.visible)
        found = facts.get(meta.name)
        sheet = None
        if columnar is not None and found is not None:
            sheet = _read_columns(columnar, meta.name, found, limits, budget, book, longest_shared)
        if sheet is None:
            sheet = _read_sheet(
                path, fmt, workbook, meta.name, limits, budget, book.notes, found, longest_shared
            )
            if found is not None:
                _apply_facts(sheet, found.result())
        sheet.index = index
        sheet.visibility = visibility
        if visibility is not SheetVisibility.VISIBLE:
            words = (
                "very hidden (only VBA can show it)"
                if visibility.value == "very_hidden"
                else "hidden"
            )
            book.notes.append(
                make_issue(
                    "F211",
                    f"the sheet {meta.name!r} is {words}; it is read only when named explicitly",
                    location=Location(file=str(path), sheet=meta.name),
                    found=visibility.value,
                )
            )
        book.sheets.append(sheet)


def _visibility(state: calamine.SheetVisibleEnum) -> SheetVisibility:
    if state == calamine.SheetVisibleEnum.Hidden:
        return SheetVisibility.HIDDEN
    if state == calamine.SheetVisibleEnum.VeryHidden:
        return SheetVisibility.VERY_HIDDEN
    return SheetVisibility.VISIBLE


def _sheet_kind(kind: calamine.SheetTypeEnum) -> str:
    """`chart sheet`, `dialog sheet`, `macro sheet` or `vba module`."""
    for member, words in (
        (calamine.SheetTypeEnum.ChartSheet, "chart sheet"),
        (calamine.SheetTypeEnum.DialogSheet, "dialog sheet"),
        (calamine.SheetTypeEnum.MacroSheet, "macro sheet"),
        (calamine.SheetTypeEnum.Vba, "VBA module"),
    ):
        if kind == member:
            return words
    return "sheet"


class _Budget:
    """Cells and characters read so far from one file, against the limits."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.cells = 0
        self.chars = 0


def _read_columns(
    columnar: ColumnarReader,
    name: str,
    scanned: Future[CellFacts],
    limits: Limits,
    budget: _Budget,
    book: RawWorkbook,
    longest_shared: int,
) -> RawSheet | None:
    """The sheet read by columns, or None to read it by rows (which then says what is wrong).

    The same limits as a bulk read by rows: the sheet within the rows, columns and cells,
    its text bounded before it is built.
    """
    loaded = columnar.load(name)
    if loaded is None:
        return None
    facts = scanned.result()  # the scan ran beside the parse
    height, width = loaded.height, loaded.width
    bound = longest_shared * height * width + facts.inline_bytes
    if (
        height > limits.max_rows
        or width > limits.max_cols
        or budget.cells + height * width > limits.max_cells
        or facts.unbounded_text
        or facts.inline_longest > limits.max_cell_chars
        or budget.chars + bound > limits.max_total_chars
    ):
        return None
    sheet = build(loaded, facts, name, book.date_system)
    if sheet is not None:
        budget.cells += height * width
        budget.chars += bound
    return sheet


def _read_sheet(
    path: Path,
    fmt: FileFormat,
    workbook: calamine.CalamineWorkbook,
    name: str,
    limits: Limits,
    budget: _Budget,
    notes: list[Issue],
    facts: Future[CellFacts] | None,
    longest_shared: int,
) -> RawSheet:
    sheet = workbook.get_sheet_by_name(name)
    merged = [
        CellRange(r0 + 1, c0 + 1, r1 + 1, c1 + 1)
        for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
    ]
    start, end = sheet.start, sheet.end
    if start is None or end is None:
        return RawSheet(name=name, merged=merged)
    height, width = end[0] - start[0] + 1, end[1] - start[1] + 1
    budget.cells += height * width
    if budget.cells > limits.max_cells:
        refuse(
            path,
            "F206",
            f"the sheets hold more than {limits.max_cells:,} cells (the sheet {name!r} spans "
            f"{height:,} rows by {width:,} columns)",
            sheet=name,
            found=budget.cells,
        )
    n_rows, n_cols = min(height, limits.max_rows), min(width, limits.max_cols)
    if (n_rows, n_cols) != (height, width):
        notes.append(
            make_issue(
                "F215",
                f"the sheet {name!r} has {height:,} rows by {width:,} columns; only the first "
                f"{n_rows:,} rows and {n_cols:,} columns were read",
                location=Location(file=str(path), sheet=name),
            )
        )
    # Bulk when the text of every cell is bounded before it is built: shared strings (each
    # checked against the cell limit; the longest times the cells) plus the inline strings
    # the byte scan measured stay within the character budget.
    known = facts.result() if facts is not None else None
    bound = longest_shared * n_rows * n_cols + (known.inline_bytes if known else 0)
    bulk = (
        known is not None
        and not known.unbounded_text
        and known.inline_longest <= limits.max_cell_chars
        and budget.chars + bound <= limits.max_total_chars
        and probe().to_python_trims
    )
    if bulk:
        budget.chars += bound
        rows = _bulk_rows(sheet, n_rows, n_cols, width)
    else:
        rows = _checked_rows(path, fmt, sheet, name, start, n_rows, n_cols, limits, budget)
    return RawSheet(
        name=name,
        first_row=start[0] + 1,
        first_col=start[1] + 1,
        rows=rows,
        merged=merged,
        truncated=(n_rows, n_cols) != (height, width),
    )


def _bulk_rows(
    sheet: calamine.CalamineSheet, n_rows: int, n_cols: int, width: int
) -> list[list[CellValue]]:
    """The used rectangle in one call; empty cells stay empty strings."""
    rows: list[list[Any]] = sheet.to_python(nrows=n_rows)
    return rows if n_cols == width else [row[:n_cols] for row in rows]


def _checked_rows(
    path: Path,
    fmt: FileFormat,
    sheet: calamine.CalamineSheet,
    name: str,
    start: tuple[int, int],
    n_rows: int,
    n_cols: int,
    limits: Limits,
    budget: _Budget,
) -> list[list[CellValue]]:
    """Row by row, counting text against the character limits as each row arrives."""
    placed = probe()
    skip = start[0] if placed.iter_rows_pads_rows else 0
    col0 = start[1] if placed.iter_rows_pads_cols else 0
    first_row, first_col = start[0] + 1, start[1] + 1
    rows: list[list[CellValue]] = []
    for row in islice(sheet.iter_rows(), skip, skip + n_rows):
        values: list[Any] = row[col0 : col0 + n_cols] if (col0 or len(row) > n_cols) else row
        strs = [v for v in values if type(v) is str]
        if strs:
            chars = sum(map(len, strs))
            budget.chars += chars
            if chars > limits.max_cell_chars:
                _check_cells(path, name, values, first_row + len(rows), first_col, limits)
            if budget.chars > limits.max_total_chars:
                refuse(
                    path,
                    "F206",
                    f"the file holds more than {limits.max_total_chars:,} characters of text "
                    f"(reached on the sheet {name!r})",
                    sheet=name,
                )
            if "" in strs:
                values = [None if v == "" else v for v in values]
            if fmt is FileFormat.ODS:
                values = [_ods_duration(v) if type(v) is str else v for v in values]
        rows.append(values)
    return rows


def _check_cells(
    path: Path, sheet: str, values: list[Any], row: int, first_col: int, limits: Limits
) -> None:
    for offset, value in enumerate(values):
        if type(value) is str and len(value) > limits.max_cell_chars:
            refuse(
                path,
                "F206",
                f"the cell holds {len(value):,} characters; a cell holds at most "
                f"{limits.max_cell_chars:,}",
                sheet=sheet,
                row=row,
                col=first_col + offset,
                found=len(value),
            )


def _apply_facts(sheet: RawSheet, facts: CellFacts) -> None:
    """Put the scan's error cells where the reader left empty strings.

    Formulas without a stored result stay empty (None).
    """
    sheet.formula_cells_without_value = set(facts.formulas_without_value)
    rows = sheet.rows
    for (row, col), code in facts.errors.items():
        r, c = row - sheet.first_row, col - sheet.first_col
        inside = 0 <= r < len(rows) and 0 <= c < len(rows[r])
        if inside and rows[r][c] in (None, ""):
            rows[r][c] = CellError(code)
    for row, col in facts.formulas_without_value:
        r, c = row - sheet.first_row, col - sheet.first_col
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]) and rows[r][c] == "":
            rows[r][c] = None


def formula_notes(
    path: Path, book: RawWorkbook, facts: dict[str, CellFacts], full_calc: bool
) -> None:
    """Add F210 (formulas without results) and F213 (results that may be placeholders).

    Args:
        path: The file, for locations.
        book: The workbook read.
        facts: What the byte scan found per sheet.
        full_calc: Whether the workbook asks to be recalculated when opened.
    """
    stale = 0
    for sheet in book.sheets:
        missing = sorted(sheet.formula_cells_without_value)
        if missing:
            shown = ", ".join(f"{column_letter(c)}{r}" for r, c in missing[:5])
            more = f" and {len(missing) - 5:,} more" if len(missing) > 5 else ""
            first_row, first_col = missing[0]
            book.notes.append(
                make_issue(
                    "F210",
                    f"{len(missing):,} cell{'s' if len(missing) > 1 else ''} on the sheet "
                    f"{sheet.name!r} hold{'' if len(missing) > 1 else 's'} a formula without a "
                    f"stored result ({shown}{more}) and read as empty: open the file in Excel "
                    "or LibreOffice and save it",
                    location=Location(
                        file=str(path), sheet=sheet.name, row=first_row, col=first_col
                    ),
                    found=len(missing),
                )
            )
        found = facts.get(sheet.name)
        if found is not None:
            stale += found.formulas - len(found.formulas_without_value)
    if full_calc and stale:
        book.notes.append(
            make_issue(
                "F213",
                f"the workbook asks to be recalculated when opened, and {stale:,} formula "
                "results stored in it may be placeholders written by a program that does not "
                "calculate: open the file in Excel or LibreOffice and save it",
                location=Location(file=str(path)),
                found=stale,
            )
        )


def _ods_duration(text: str) -> CellValue:
    """ODF durations (`PT30H00M00S`), which the reader returns as text, as timedelta."""
    if not text.startswith(("P", "-P")):
        return text
    m = _ISO_DURATION.match(text)
    if m is None or m.group(0) in ("P", "-P", "PT", "-PT"):
        return text
    sign, days, hours, minutes, seconds = m.groups()
    value = timedelta(
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=float(seconds or 0),
    )
    return -value if sign else value
