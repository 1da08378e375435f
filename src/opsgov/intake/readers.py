"""The input boundary: `read_workbook` turns any file a vendor sends into a `RawWorkbook`.

It is the one place where reader libraries are called and the one place where their
exceptions are caught. Every failure leaves as `WorkbookError` carrying one W2xx Issue that
names the file and says, in the user's words, what is wrong and what to do.

Exception policy. python-calamine surfaces Rust panics as `pyo3_runtime.PanicException`,
which derives from `BaseException`, so the boundary catches `BaseException`:

- `KeyboardInterrupt` and `SystemExit` are re-raised untouched: they are the user's or the
  program's decision, not a property of the file.
- `MemoryError` becomes W206 ("too large to read"): the allocation that failed was made for
  this file and is released when the exception unwinds, so the run can report and go on.
- `WorkbookError` raised by the checks here passes through.
- Everything else (reader errors, panics, `zipfile`/`zlib`/`csv` errors, `OSError`, and bugs)
  becomes W200 or a more specific code, chained (`raise ... from`) so that `--debug` still
  shows the original traceback.

Warnings raised while reading (by any library) are captured and returned as W217 notes:
warnings are data, and the test suite turns uncaught warnings into errors.

Choice of reader: python-calamine for xlsx, xlsm, xlsb, xls and ods (about five times faster
than openpyxl); `opsgov.intake.csvread` for delimited text. What calamine cannot tell
(error cells in xlsx, formulas without stored results, the size it is about to allocate) is
found by `opsgov.intake.ooxml` and `opsgov.intake.isolation` before it runs.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import re
import shutil
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any, NoReturn

import python_calamine as calamine

from opsgov.errors import OpsgovError, WorkbookError
from opsgov.intake.csvread import CsvOptions, read_delimited
from opsgov.intake.isolation import IsolationError, measure
from opsgov.intake.legacy import ods_facts, xls_date_system, xlsb_date_system
from opsgov.intake.limits import Limits
from opsgov.intake.ooxml import check_shared_strings, workbook_parts
from opsgov.intake.raw import (
    CellError,
    CellRange,
    CellValue,
    RawSheet,
    RawWorkbook,
    SheetVisibility,
)
from opsgov.intake.safety import check_archive
from opsgov.intake.sheetscan import (
    EXCEL_MAX_COLS,
    EXCEL_MAX_ROWS,
    CellFacts,
    Extent,
    scan_cells,
    scan_extent,
)
from opsgov.intake.sniff import EXTENSIONS, FileFormat, sniff
from opsgov.issues import Issue, Location, Severity, column_letter, make_issue

DEFAULT_LIMITS = Limits()

_ZIP_FORMATS = frozenset({FileFormat.XLSX, FileFormat.XLSM, FileFormat.XLSB, FileFormat.ODS})
_CALAMINE_EXTENSIONS = {
    FileFormat.XLSX: (".xlsx", ".xlsm", ".xlam"),
    FileFormat.XLSM: (".xlsm", ".xlsx", ".xlam"),
    FileFormat.XLSB: (".xlsb",),
    FileFormat.XLS: (".xls", ".xla"),
    FileFormat.ODS: (".ods",),
}
_LABEL = {
    FileFormat.XLSX: ("an .xlsx workbook", ".xlsx"),
    FileFormat.XLSM: ("an .xlsm workbook (with macros)", ".xlsm"),
    FileFormat.XLSB: ("an .xlsb workbook (Excel binary)", ".xlsb"),
    FileFormat.XLS: ("an .xls workbook (Excel 97-2003)", ".xls"),
    FileFormat.ODS: ("an .ods spreadsheet (OpenDocument)", ".ods"),
    FileFormat.CSV: ("delimited text (CSV)", "delimited text"),
}
_UNSUPPORTED = {
    FileFormat.HTML: "an HTML page, not a spreadsheet (web 'Export to Excel' buttons often "
    "produce these): open it in Excel and save it as .xlsx, or export a real spreadsheet",
    FileFormat.SPREADSHEETML_2003: "an Excel 2003 XML spreadsheet, a format opsgov does not "
    "read: open it in Excel and save it as .xlsx",
    FileFormat.PDF: "a PDF document, not a spreadsheet: ask for the .xlsx or .csv export",
    FileFormat.ZIP_OTHER: "a zip archive that is not a spreadsheet (for example a Word "
    "document or a folder of files): send the workbook itself",
    FileFormat.OLE_OTHER: "an Office document that is not a workbook (for example a Word .doc "
    "or an Outlook message): send the workbook itself",
    FileFormat.OTHER: "not a spreadsheet or delimited text (binary data, an image, XML or "
    "rich text): send the .xlsx or .csv file",
}
_ISO_DURATION = re.compile(
    r"^(-)?P(?:(\d+)D)?T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$"
)  # fmt: skip
_ENCRYPTED = "this file is password-protected (encrypted): save an unprotected copy"
_MACRO_SHEETS = frozenset({"xlMacrosheet", "xlIntlMacrosheet"})


def read_workbook(
    path: Path | str,
    limits: Limits = DEFAULT_LIMITS,
    csv_options: CsvOptions | None = None,
) -> RawWorkbook:
    """Read any spreadsheet or delimited-text file into raw cells.

    The format is decided by content (`opsgov.intake.sniff`); a file whose name says
    otherwise is read as what it is, with a W202 note.

    Args:
        path: The file.
        limits: Sizes, cells and characters read at most (`opsgov.intake.limits`).
        csv_options: Declared encoding, delimiter and decimal separator for delimited text.

    Returns:
        The sheets, cells and non-fatal notes.

    Raises:
        WorkbookError: The file cannot be read; its one Issue (W2xx) says why.
    """
    path = Path(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            book = _read(path, limits, csv_options)
        except (OpsgovError, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # the boundary: see the module docstring
            raise _failure(path, exc) from exc
    for warning in caught:
        book.notes.append(
            make_issue(
                "W217",
                f"the reader warned: {warning.message}",
                location=Location(file=str(path)),
                found=warning.category.__name__,
            )
        )
    return book


def _read(path: Path, limits: Limits, csv_options: CsvOptions | None) -> RawWorkbook:
    size = path.stat().st_size
    if not path.is_file():
        _fail(path, "W200", "this is not a file (a folder or a device): name a file")
    if size > limits.max_file_bytes:
        _fail(
            path,
            "W206",
            f"the file is {size:,} bytes, above the limit of {limits.max_file_bytes:,}",
            found=size,
        )
    fmt = sniff(path)
    suffix = path.suffix.lower() or "(no extension)"
    if fmt is FileFormat.EMPTY:
        _fail(path, "W207", "the file is empty or blank: ask for the filled-in file")
    if fmt in (FileFormat.ENCRYPTED_OOXML, FileFormat.ENCRYPTED_XLS, FileFormat.ENCRYPTED_ODS):
        _fail(
            path,
            "W201",
            _ENCRYPTED,
            found=fmt.value,
        )
    if fmt is FileFormat.DAMAGED:
        _fail(
            path,
            "W200",
            "the archive is truncated or damaged: its internal directory cannot be read; ask "
            "for the file again or re-save it",
        )
    if fmt in _UNSUPPORTED:
        _fail(path, "W203", f"this file, named {suffix}, is {_UNSUPPORTED[fmt]}", found=fmt.value)
    notes: list[Issue] = []
    if path.suffix.lower() not in EXTENSIONS[fmt]:
        notes.append(
            make_issue(
                "W202",
                f"this file is {_LABEL[fmt][0]} named {suffix}: it was read as {_LABEL[fmt][1]}",
                location=Location(file=str(path)),
                found=fmt.value,
                expected=f"a name ending {sorted(EXTENSIONS[fmt])[0]}",
            )
        )
    if fmt is FileFormat.CSV:
        book = read_delimited(path, limits, csv_options)
    else:
        book = _read_spreadsheet(path, fmt, limits)
    book.notes[:0] = notes
    return book


def _read_spreadsheet(path: Path, fmt: FileFormat, limits: Limits) -> RawWorkbook:
    book = RawWorkbook(path=path, format=fmt)
    worksheets: dict[str, tuple[zipfile.ZipInfo, bool]] = {}
    full_calc = False
    isolate = limits.isolate_legacy_formats and fmt in (
        FileFormat.XLS,
        FileFormat.XLSB,
        FileFormat.ODS,
    )
    if fmt in _ZIP_FORMATS:
        check_archive(path, limits)
    if fmt in (FileFormat.XLSX, FileFormat.XLSM):
        with zipfile.ZipFile(path) as zf:
            parts = workbook_parts(zf, path)
            if parts is None:
                isolate = limits.isolate_legacy_formats
            else:
                book.date_system = 1904 if parts.date1904 else 1900
                full_calc = parts.full_calc_on_load
                for declared in parts.sheets:
                    if declared.kind in _MACRO_SHEETS:
                        _fail(
                            path,
                            "W203",
                            f"the workbook holds an Excel 4.0 macro sheet ({declared.name!r}), "
                            "which cannot be read: delete that sheet, or copy the data sheets "
                            "into a new .xlsx",
                            found=declared.name,
                        )
                if parts.shared_strings:
                    check_shared_strings(zf, parts.shared_strings, path, limits)
                for declared in parts.sheets:
                    if declared.part and declared.kind == "worksheet":
                        info = zf.getinfo(declared.part)
                        extent = scan_extent(path, info, limits.max_cells)
                        _check_extent(path, declared.name, extent, limits)
                        worksheets[declared.name] = (info, extent.exact)
    elif fmt is FileFormat.XLSB:
        with zipfile.ZipFile(path) as zf:
            book.date_system = xlsb_date_system(zf)
    elif fmt is FileFormat.ODS:
        with zipfile.ZipFile(path) as zf:
            book.date_system, ods_errors = ods_facts(zf)
        if ods_errors:
            book.notes.append(
                make_issue(
                    "W212",
                    f"{ods_errors:,} cell{'s hold' if ods_errors > 1 else ' holds'} an error "
                    "value (such as #DIV/0!), which reads as empty in .ods files; save the "
                    "file as .xlsx to see where",
                    location=Location(file=str(path)),
                    severity=Severity.WARNING,
                    found=ods_errors,
                )
            )
    else:
        book.date_system = xls_date_system(path)
    if fmt in (FileFormat.XLS, FileFormat.XLSB):
        book.notes.append(
            make_issue(
                "W212",
                f"in {fmt.value} files, cells holding Excel errors (#DIV/0!, #N/A, ...) read as "
                "empty; save the file as .xlsx to tell errors from blanks",
                location=Location(file=str(path)),
            )
        )
    # Error cells and formulas without results are found while calamine parses: it
    # releases the GIL, so on two cores the scan costs no wall-clock time.
    with _reader_path(path, fmt) as alias, ThreadPoolExecutor(max_workers=1) as pool:
        facts = {
            name: pool.submit(scan_cells, path, info, exact)
            for name, (info, exact) in worksheets.items()
        }
        if isolate:
            _measure(path, alias, limits)
        with calamine.CalamineWorkbook.from_path(str(alias)) as workbook:
            _read_sheets(path, fmt, workbook, facts, limits, book)
    _formula_notes(path, book, {name: f.result() for name, f in facts.items()}, full_calc)
    return book


def _read_sheets(
    path: Path,
    fmt: FileFormat,
    workbook: calamine.CalamineWorkbook,
    facts: dict[str, Future[CellFacts]],
    limits: Limits,
    book: RawWorkbook,
) -> None:
    budget = _Budget(limits)
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != calamine.SheetTypeEnum.WorkSheet:
            kind = _sheet_kind(meta.typ)
            book.notes.append(
                make_issue(
                    "W216",
                    f"the {kind} {meta.name!r} holds no table cells: skipped",
                    location=Location(file=str(path), sheet=meta.name),
                )
            )
            continue
        visibility = _visibility(meta.visible)
        sheet = _read_sheet(path, fmt, workbook, meta.name, limits, budget, book.notes)
        sheet.index = index
        sheet.visibility = visibility
        found = facts.get(meta.name)
        if found is not None:
            _apply_facts(sheet, found.result())
        if visibility is not SheetVisibility.VISIBLE:
            words = (
                "very hidden (only VBA can show it)"
                if visibility.value == "very_hidden"
                else "hidden"
            )
            book.notes.append(
                make_issue(
                    "W211",
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


def _read_sheet(
    path: Path,
    fmt: FileFormat,
    workbook: calamine.CalamineWorkbook,
    name: str,
    limits: Limits,
    budget: _Budget,
    notes: list[Issue],
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
        _fail(
            path,
            "W206",
            f"the sheets hold more than {limits.max_cells:,} cells (the sheet {name!r} spans "
            f"{height:,} rows by {width:,} columns)",
            sheet=name,
            found=budget.cells,
        )
    n_rows, n_cols = min(height, limits.max_rows), min(width, limits.max_cols)
    if (n_rows, n_cols) != (height, width):
        notes.append(
            make_issue(
                "W215",
                f"the sheet {name!r} has {height:,} rows by {width:,} columns; only the first "
                f"{n_rows:,} rows and {n_cols:,} columns were read",
                location=Location(file=str(path), sheet=name),
            )
        )
    pad_rows, pad_cols = _iter_rows_padding()
    skip = start[0] if pad_rows else 0
    col0 = start[1] if pad_cols else 0
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
                _fail(
                    path,
                    "W206",
                    f"the file holds more than {limits.max_total_chars:,} characters of text "
                    f"(reached on the sheet {name!r})",
                    sheet=name,
                )
            if "" in strs:
                values = [None if v == "" else v for v in values]
            if fmt is FileFormat.ODS:
                values = [_ods_duration(v) if type(v) is str else v for v in values]
        rows.append(values)
    return RawSheet(
        name=name,
        first_row=first_row,
        first_col=first_col,
        rows=rows,
        merged=merged,
        truncated=(n_rows, n_cols) != (height, width),
    )


def _check_cells(
    path: Path, sheet: str, values: list[Any], row: int, first_col: int, limits: Limits
) -> None:
    for offset, value in enumerate(values):
        if type(value) is str and len(value) > limits.max_cell_chars:
            _fail(
                path,
                "W206",
                f"the cell holds {len(value):,} characters; a cell holds at most "
                f"{limits.max_cell_chars:,}",
                sheet=sheet,
                row=row,
                col=first_col + offset,
                found=len(value),
            )


def _apply_facts(sheet: RawSheet, facts: CellFacts) -> None:
    """Put the error cells the byte scan found in place of the reader's empty strings."""
    sheet.formula_cells_without_value = set(facts.formulas_without_value)
    for (row, col), code in facts.errors.items():
        r, c = row - sheet.first_row, col - sheet.first_col
        inside = 0 <= r < len(sheet.rows) and 0 <= c < len(sheet.rows[r])
        if inside and sheet.rows[r][c] is None:
            sheet.rows[r][c] = CellError(code)


def _formula_notes(
    path: Path, book: RawWorkbook, facts: dict[str, CellFacts], full_calc: bool
) -> None:
    stale = 0
    for sheet in book.sheets:
        missing = sorted(sheet.formula_cells_without_value)
        if missing:
            shown = ", ".join(f"{column_letter(c)}{r}" for r, c in missing[:5])
            more = f" and {len(missing) - 5:,} more" if len(missing) > 5 else ""
            first_row, first_col = missing[0]
            book.notes.append(
                make_issue(
                    "W210",
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
                "W213",
                f"the workbook asks to be recalculated when opened, and {stale:,} formula "
                "results stored in it may be placeholders written by a program that does not "
                "calculate: open the file in Excel or LibreOffice and save it",
                location=Location(file=str(path)),
                found=stale,
            )
        )


def _check_extent(path: Path, name: str, scan: Extent, limits: Limits) -> None:
    if scan.max_row > EXCEL_MAX_ROWS or scan.max_col > EXCEL_MAX_COLS:
        _fail(
            path,
            "W206",
            f"the sheet {name!r} has cells outside Excel's grid of {EXCEL_MAX_ROWS:,} rows by "
            f"{EXCEL_MAX_COLS:,} columns (up to row {scan.max_row:,}, column "
            f"{scan.max_col:,}): no spreadsheet program writes such a file",
            sheet=name,
        )
    if scan.cells > limits.max_cells:
        _fail(
            path,
            "W206",
            f"the sheet {name!r} spans {scan.max_row:,} rows by {scan.max_col:,} columns, "
            f"{scan.cells:,} cells (limit {limits.max_cells:,})",
            sheet=name,
            found=scan.cells,
        )


def _measure(path: Path, alias: Path, limits: Limits) -> None:
    try:
        measured = measure(alias, limits)
    except IsolationError as exc:
        if exc.reason == "timeout":
            message = (
                f"the reader did not finish within {limits.isolation_timeout_seconds:g} s; the "
                "file is damaged or far larger than it looks"
            )
        else:
            message = (
                "the reader ran out of memory or crashed on this file, which means it is "
                "damaged or declares a far larger sheet than it holds"
            )
        _fail(path, "W206" if exc.reason == "timeout" else "W200", message, found=exc.detail)
    total = 0
    for name, cells in measured.extents.items():
        total += cells
        if cells > limits.max_cells or total > limits.max_cells:
            _fail(
                path,
                "W206",
                f"the sheet {name!r} spans {cells:,} cells (limit {limits.max_cells:,} for the "
                "file)",
                sheet=name,
                found=cells,
            )


@contextlib.contextmanager
def _reader_path(path: Path, fmt: FileFormat) -> Iterator[Path]:
    """The path under a name whose extension makes calamine choose the right parser."""
    if path.suffix.lower() in _CALAMINE_EXTENSIONS[fmt]:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="opsgov-read-") as tmp:
        alias = Path(tmp) / f"workbook{_CALAMINE_EXTENSIONS[fmt][0]}"
        try:
            alias.symlink_to(path.resolve())
        except OSError:
            shutil.copyfile(path, alias)
        yield alias


@functools.cache
def _iter_rows_padding() -> tuple[bool, bool]:
    """Whether `CalamineSheet.iter_rows` starts at row 1 / column A rather than at the data.

    python-calamine 0.9.1 yields leading empty rows but not leading empty columns; the
    answer is measured once on a one-cell workbook (B3) instead of assumed, so that another
    version cannot silently shift every row.
    """
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="3"><c r="B3"><v>7</v></c></row>'
        "</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    buffer.seek(0)
    with calamine.CalamineWorkbook.from_filelike(buffer) as workbook:
        rows = list(workbook.get_sheet_by_index(0).iter_rows())
    return len(rows) == 3, len(rows[-1]) == 2


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


def _failure(path: Path, exc: BaseException) -> WorkbookError:
    """Turn any exception of a reader library into a WorkbookError in the user's words."""
    text = str(exc).strip()
    kind = type(exc).__name__
    code, message = "W200", f"the file could not be read ({kind}: {text[:200]})"
    if isinstance(exc, calamine.PasswordError):
        code, message = "W201", _ENCRYPTED
    elif isinstance(exc, MemoryError):
        code, message = "W206", "the file is too large to read with the memory available"
    elif isinstance(exc, calamine.ZipError | zipfile.BadZipFile | zlib.error | EOFError):
        message = f"the archive is truncated or damaged ({text[:200]}): ask for the file again"
    elif isinstance(exc, calamine.XmlError):
        message = (
            f"the workbook's content is malformed ({text[:200]}): open it in Excel or "
            "LibreOffice and save a fresh copy"
        )
    elif isinstance(exc, calamine.CalamineError):
        if "limit exceeded" in text.lower():
            code, message = "W206", f"the file declares more cells than can be read ({text[:200]})"
        elif "Cfb" in text or "OLE" in text:
            message = f"the file's internal structure is damaged ({text[:200]})"
        else:
            message = f"the spreadsheet reader could not read the file ({text[:200]})"
    elif kind == "PanicException":
        message = (
            f"the spreadsheet reader crashed on this file ({text[:200]}); it is probably "
            "damaged: open it in Excel or LibreOffice and save a fresh copy"
        )
    elif isinstance(exc, csv.Error):
        code, message = "W214", f"the text cannot be split into fields ({text[:200]})"
    elif isinstance(exc, FileNotFoundError):
        message = "the file does not exist"
    elif isinstance(exc, PermissionError):
        message = "the file cannot be opened: permission denied"
    elif isinstance(exc, OSError):
        message = f"the file cannot be read ({text[:200]})"
    return WorkbookError(
        f"{path}: {message}",
        [make_issue(code, message, location=Location(file=str(path)), found=kind)],
    )


def _fail(
    path: Path,
    code: str,
    message: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    col: int | None = None,
    found: object = None,
) -> NoReturn:
    location = Location(file=str(path), sheet=sheet, row=row, col=col)
    raise WorkbookError(
        f"{path}: {message}", [make_issue(code, message, location=location, found=found)]
    )
