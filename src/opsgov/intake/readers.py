"""The input boundary: `read_workbook` turns any file a vendor sends into a `RawWorkbook`.

It is the one place where reader libraries are called and the one place where their
exceptions are caught. Every failure leaves as `WorkbookError` carrying one W2xx Issue that
names the file and says, in the user's words, what is wrong and what to do.

Exception policy. python-calamine surfaces Rust panics as `pyo3_runtime.PanicException`,
which derives from `BaseException`, so the boundary catches `BaseException`:

- `KeyboardInterrupt` and `SystemExit` are re-raised untouched: they are the user's or the
  program's decision, not a property of the file.
- `MemoryError` becomes F206 ("too large to read"): the allocation that failed was made for
  this file and is released when the exception unwinds, so the run can report and go on.
- `WorkbookError` raised by the checks here passes through.
- Everything else (reader errors, panics, `zipfile`/`zlib`/`csv` errors, `OSError`, and bugs)
  becomes F200 or a more specific code, chained (`raise ... from`) so that `--debug` still
  shows the original traceback.

Warnings raised while reading (by any library) are captured and returned as F217 notes:
warnings are data, and the test suite turns uncaught warnings into errors.

Choice of reader: python-calamine for xlsx, xlsm, xlsb, xls and ods (about five times faster
than openpyxl); `opsgov.intake.csvread` for delimited text. What calamine cannot tell
(error cells in xlsx, formulas without stored results, the size it is about to allocate) is
found by `opsgov.intake.sheetscan` and `opsgov.intake.isolation` (see
`opsgov.intake.workbooks`).
"""

from __future__ import annotations

import csv
import warnings
import zipfile
import zlib
from pathlib import Path

import python_calamine as calamine

from opsgov.errors import OpsgovError, WorkbookError
from opsgov.gcpause import paused_gc
from opsgov.intake.csvread import CsvOptions, read_delimited
from opsgov.intake.failures import refuse
from opsgov.intake.limits import Limits
from opsgov.intake.raw import RawWorkbook
from opsgov.intake.sniff import EXTENSIONS, FileFormat, sniff
from opsgov.intake.workbooks import read_spreadsheet
from opsgov.issues import Issue, Location, make_issue

DEFAULT_LIMITS = Limits()

_LABEL = {
    FileFormat.XLSX: ("an .xlsx workbook", ".xlsx", ".xlsx"),
    FileFormat.XLSM: ("an .xlsm workbook (with macros)", ".xlsm", ".xlsm"),
    FileFormat.XLSB: ("an .xlsb workbook (Excel binary)", ".xlsb", ".xlsb"),
    FileFormat.XLS: ("an .xls workbook (Excel 97-2003)", ".xls", ".xls"),
    FileFormat.ODS: ("an .ods spreadsheet (OpenDocument)", ".ods", ".ods"),
    FileFormat.CSV: ("delimited text (CSV)", "delimited text", ".csv"),
}
"""What each readable format is called, what it is read as, and its usual extension."""
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
_ENCRYPTED = "this file is password-protected (encrypted): save an unprotected copy"


def read_workbook(
    path: Path | str,
    limits: Limits = DEFAULT_LIMITS,
    csv_options: CsvOptions | None = None,
    *,
    extent_first: bool = True,
) -> RawWorkbook:
    """Read any spreadsheet or delimited-text file into raw cells.

    The format is decided by content (`opsgov.intake.sniff`); a file whose name says
    otherwise is read as what it is, with a F202 note.

    Args:
        path: The file.
        limits: Sizes, cells and characters read at most (`opsgov.intake.limits`).
        csv_options: Declared encoding, delimiter and decimal separator for delimited text.
        extent_first: Bound each xlsx sheet's rectangle before the reader allocates it.
            Only a disposable process (`opsgov.forked`) may pass False.

    Returns:
        The sheets, cells and non-fatal notes.

    Raises:
        WorkbookError: The file cannot be read; its one Issue (W2xx) says why.
    """
    path = Path(path)
    with warnings.catch_warnings(record=True) as caught, paused_gc():
        warnings.simplefilter("always")
        try:
            book = _read(path, limits, csv_options, extent_first=extent_first)
        except (OpsgovError, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # the boundary: see the module docstring
            raise _failure(path, exc) from exc
    for warning in caught:
        book.notes.append(
            make_issue(
                "F217",
                f"the reader warned: {warning.message}",
                location=Location(file=str(path)),
                found=warning.category.__name__,
            )
        )
    return book


def check_workbook(path: Path | str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Make every check `read_workbook` makes before a reader parses the file, and no more.

    Explains why a reader died in a child process (`opsgov.forked`): a sheet beyond the
    cell budget or outside Excel's grid is refused here with its dimensions.

    Args:
        path: The file.
        limits: The limits to enforce.

    Raises:
        WorkbookError: The file would be refused; its one Issue says why.
    """
    path = Path(path)
    try:
        _read(path, limits, None, extent_first=True, parse=False)
    except (OpsgovError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # the boundary: see the module docstring
        raise _failure(path, exc) from exc


def _read(
    path: Path,
    limits: Limits,
    csv_options: CsvOptions | None,
    *,
    extent_first: bool,
    parse: bool = True,
) -> RawWorkbook:
    size = path.stat().st_size
    if not path.is_file():
        refuse(path, "F200", "this is not a file (a folder or a device): name a file")
    if size > limits.max_file_bytes:
        refuse(
            path,
            "F206",
            f"the file is {size:,} bytes, above the limit of {limits.max_file_bytes:,}",
            found=size,
        )
    fmt = sniff(path)
    named = f"named {path.suffix.lower()}" if path.suffix else "without an extension"
    if fmt is FileFormat.EMPTY:
        refuse(path, "F207", "the file is empty or blank: ask for the filled-in file")
    if fmt in (FileFormat.ENCRYPTED_OOXML, FileFormat.ENCRYPTED_XLS, FileFormat.ENCRYPTED_ODS):
        refuse(path, "F201", _ENCRYPTED, found=fmt.value)
    if fmt is FileFormat.DAMAGED:
        refuse(
            path,
            "F200",
            "the archive is truncated or damaged: its internal directory cannot be read; ask "
            "for the file again or re-save it",
        )
    if fmt in _UNSUPPORTED:
        refuse(path, "F203", f"this file, {named}, is {_UNSUPPORTED[fmt]}", found=fmt.value)
    notes: list[Issue] = []
    if path.suffix.lower() not in EXTENSIONS[fmt]:
        notes.append(
            make_issue(
                "F202",
                f"this file is {_LABEL[fmt][0]} {named}: it was read as {_LABEL[fmt][1]}",
                location=Location(file=str(path)),
                found=fmt.value,
                expected=f"a name ending {_LABEL[fmt][2]}",
            )
        )
    if fmt is FileFormat.CSV:
        book = read_delimited(path, limits, csv_options) if parse else RawWorkbook(path, fmt)
    else:
        book = read_spreadsheet(path, fmt, limits, extent_first=extent_first, parse=parse)
    book.notes[:0] = notes
    return book


def _failure(path: Path, exc: BaseException) -> WorkbookError:
    """Turn any exception of a reader library into a WorkbookError in the user's words."""
    text = str(exc).strip()
    kind = type(exc).__name__
    code, message = "F200", f"the file could not be read ({kind}: {text[:200]})"
    if isinstance(exc, calamine.PasswordError):
        code, message = "F201", _ENCRYPTED
    elif isinstance(exc, MemoryError):
        code, message = "F206", "the file is too large to read with the memory available"
    elif (isinstance(exc, zipfile.BadZipFile) and text.startswith("Bad CRC-32")) or (
        isinstance(exc, calamine.CalamineError) and "Invalid checksum" in text
    ):
        code = "F218"
        message = (
            f"the archive is damaged: {text[:200]}, so the numbers read from it could be "
            "wrong; ask for the file again, or open it in Excel or LibreOffice and save a "
            "fresh copy"
        )
    elif isinstance(exc, calamine.ZipError | zipfile.BadZipFile | zlib.error | EOFError):
        message = f"the archive is truncated or damaged ({text[:200]}): ask for the file again"
    elif isinstance(exc, calamine.XmlError):
        message = (
            f"the workbook's content is malformed ({text[:200]}): open it in Excel or "
            "LibreOffice and save a fresh copy"
        )
    elif isinstance(exc, calamine.CalamineError):
        if "limit exceeded" in text.lower():
            code, message = "F206", f"the file declares more cells than can be read ({text[:200]})"
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
        code, message = "F214", f"the text cannot be split into fields ({text[:200]})"
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
