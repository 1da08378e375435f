"""Reading spreadsheets (xlsx, xlsm, xlsb, xls, ods) with python-calamine, safely.

Before calamine opens a file: the archive checks of `opsgov.intake.safety`; for xlsx/xlsm
the package structure (`opsgov.intake.ooxml`), the shared strings, and the extent of every
worksheet (`opsgov.intake.sheetscan`), so that no sheet can make calamine allocate more than
the cell budget; for xls, xlsb and ods, whose binary or ODF layout gives no cheap bound, a
measuring child process (`opsgov.intake.isolation`). While calamine parses (it releases the
GIL), a background thread finds error cells and formulas without stored results.

In a disposable child process (`opsgov.forked`, `extent_first=False`), the extent scan moves
to that background thread too: the child's address-space limit contains a sheet that would
make calamine allocate too much, and a sheet beyond the budget is refused after the parse.

Exceptions of the libraries are not caught here: `opsgov.intake.readers` maps them.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import python_calamine as calamine

from opsgov.intake.arrowsheet import ColumnarReader
from opsgov.intake.failures import reader_died, refuse
from opsgov.intake.isolation import IsolationError, measure
from opsgov.intake.legacy import ods_facts, xls_date_system, xlsb_date_system
from opsgov.intake.limits import Limits
from opsgov.intake.ooxml import check_shared_strings, workbook_parts
from opsgov.intake.raw import RawWorkbook
from opsgov.intake.safety import check_archive, verify_members
from opsgov.intake.sheets import formula_notes, read_sheets
from opsgov.intake.sheetscan import (
    EXCEL_MAX_COLS,
    EXCEL_MAX_ROWS,
    CellFacts,
    Extent,
    scan_cells,
    scan_extent,
)
from opsgov.intake.sniff import FileFormat
from opsgov.issues import Location, Severity, make_issue

_ZIP_FORMATS = frozenset({FileFormat.XLSX, FileFormat.XLSM, FileFormat.XLSB, FileFormat.ODS})
_CALAMINE_EXTENSIONS = {
    FileFormat.XLSX: (".xlsx", ".xlsm", ".xlam"),
    FileFormat.XLSM: (".xlsm", ".xlsx", ".xlam"),
    FileFormat.XLSB: (".xlsb",),
    FileFormat.XLS: (".xls", ".xla"),
    FileFormat.ODS: (".ods",),
}
"""Extensions from which calamine chooses the right parser (it goes by the name)."""
_MACRO_SHEETS = frozenset({"xlMacrosheet", "xlIntlMacrosheet"})
_CELL_FREE_SHEETS = frozenset({"chartsheet", "dialogsheet"})


def read_spreadsheet(
    path: Path,
    fmt: FileFormat,
    limits: Limits,
    *,
    extent_first: bool = True,
    parse: bool = True,
    columnar: bool = True,
) -> RawWorkbook:
    """Read a workbook whose real format is `fmt`.

    Args:
        path: The file.
        fmt: Its format, as sniffed: xlsx, xlsm, xlsb, xls or ods.
        limits: What may be read.
        extent_first: Bound each xlsx sheet's rectangle before the reader runs. False only
            in a process that may die (`opsgov.forked`): the bound is then computed while
            the reader parses, and a sheet beyond it refused afterwards.
        parse: False to stop after the checks made before the reader runs (used to explain
            why a reader died); the workbook returned then holds no sheets.
        columnar: Read the xlsx and xlsm sheets that fit it by columns, with fastexcel
            (`opsgov.intake.arrowsheet`); False reads every sheet by rows.

    Returns:
        The sheets and notes.

    Raises:
        WorkbookError: A check refused the file.
    """
    book = RawWorkbook(path=path, format=fmt)
    worksheets: dict[str, tuple[zipfile.ZipInfo, bool | None]] = {}
    full_calc = False
    longest_shared = 0
    isolate = limits.isolate_legacy_formats and fmt in (
        FileFormat.XLS,
        FileFormat.XLSB,
        FileFormat.ODS,
    )
    members: list[zipfile.ZipInfo] = []
    verified_elsewhere: set[str] = set()
    if fmt in _ZIP_FORMATS:
        members = check_archive(path, limits)
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
                        refuse(
                            path,
                            "F203",
                            f"the workbook holds an Excel 4.0 macro sheet ({declared.name!r}), "
                            "which cannot be read: delete that sheet, or copy the data sheets "
                            "into a new .xlsx",
                            found=declared.name,
                        )
                if parts.shared_strings:
                    longest_shared = check_shared_strings(zf, parts.shared_strings, path, limits)
                    verified_elsewhere.add(parts.shared_strings)
                for declared in parts.sheets:
                    if declared.part and declared.kind == "worksheet":
                        info = zf.getinfo(declared.part)
                        exact = None
                        if extent_first or not parse:
                            extent = scan_extent(path, info, limits.max_cells)
                            _check_extent(path, declared.name, extent, limits)
                            exact = extent.exact
                        worksheets[declared.name] = (info, exact)
                        verified_elsewhere.add(info.filename)
                    elif declared.kind not in _CELL_FREE_SHEETS:
                        # A sheet the scan cannot find: calamine may still read it, so
                        # measure the whole workbook in a child process instead.
                        isolate = limits.isolate_legacy_formats
    elif fmt is FileFormat.XLSB:
        with zipfile.ZipFile(path) as zf:
            book.date_system = xlsb_date_system(zf)
    elif fmt is FileFormat.ODS:
        with zipfile.ZipFile(path) as zf:
            book.date_system, ods_errors = ods_facts(zf)
        if ods_errors:
            book.notes.append(
                make_issue(
                    "F212",
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
                "F212",
                f"in {fmt.value} files, cells holding Excel errors (#DIV/0!, #N/A, ...) read as "
                "empty; save the file as .xlsx to tell errors from blanks",
                location=Location(file=str(path)),
            )
        )
    if not parse:
        return book
    # Error cells and formulas without results are found while calamine parses: it
    # releases the GIL, so with a spare core the scan adds no wall-clock time. So are the
    # extents not bounded before (extent_first=False), and the checksums of the members no
    # scan reads; one worker runs the tasks in order.
    with _reader_path(path, fmt) as alias, ThreadPoolExecutor(max_workers=1) as pool:
        extents = {
            name: pool.submit(scan_extent, path, info, limits.max_cells)
            for name, (info, exact) in worksheets.items()
            if exact is None
        }
        facts = {
            name: pool.submit(_scan_cells, path, info, exact, extents.get(name))
            for name, (info, exact) in worksheets.items()
        }
        verified = pool.submit(
            verify_members, path, [m for m in members if m.filename not in verified_elsewhere]
        )
        if isolate:
            _measure(path, alias, limits)
        by_columns = None
        if columnar and fmt in (FileFormat.XLSX, FileFormat.XLSM):
            sheet_parts = {name: info for name, (info, _) in worksheets.items()}
            by_columns = ColumnarReader(alias, path, sheet_parts)
        with calamine.CalamineWorkbook.from_path(str(alias)) as workbook:
            read_sheets(path, fmt, workbook, facts, limits, book, longest_shared, by_columns)
        verified.result()
        for name, extent_future in extents.items():
            _check_extent(path, name, extent_future.result(), limits)
    formula_notes(path, book, {name: f.result() for name, f in facts.items()}, full_calc)
    return book


def _scan_cells(
    path: Path, info: zipfile.ZipInfo, exact: bool | None, extent: Future[Extent] | None
) -> CellFacts:
    """`scan_cells`, numbering cells exactly when the extent scan found cells that need it."""
    if exact is None:
        exact = extent.result().exact if extent is not None else False
    return scan_cells(path, info, exact)


def _check_extent(path: Path, name: str, scan: Extent, limits: Limits) -> None:
    if scan.max_row > EXCEL_MAX_ROWS or scan.max_col > EXCEL_MAX_COLS:
        refuse(
            path,
            "F206",
            f"the sheet {name!r} has cells outside Excel's grid of {EXCEL_MAX_ROWS:,} rows by "
            f"{EXCEL_MAX_COLS:,} columns (up to row {scan.max_row:,}, column "
            f"{scan.max_col:,}): no spreadsheet program writes such a file",
            sheet=name,
        )
    if scan.cells > limits.max_cells:
        refuse(
            path,
            "F206",
            f"the sheet {name!r} spans {scan.max_row:,} rows by {scan.max_col:,} columns, "
            f"{scan.cells:,} cells (limit {limits.max_cells:,})",
            sheet=name,
            found=scan.cells,
        )


def _measure(path: Path, alias: Path, limits: Limits) -> None:
    try:
        measured = measure(alias, limits)
    except IsolationError as exc:
        code, message = reader_died(exc.reason, limits)
        refuse(path, code, message, found=exc.detail)
    total = 0
    for name, cells in measured.extents.items():
        total += cells
        if cells > limits.max_cells or total > limits.max_cells:
            refuse(
                path,
                "F206",
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
