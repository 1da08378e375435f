"""F2xx (W2xx before): reading spreadsheet and text files (the input boundary, `opsgov.intake`)."""

from __future__ import annotations

from opsgov.issues import CodeSpec, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 - severity initials


def _c(code: str, title: str, severity: Severity, description: str) -> CodeSpec:
    return CodeSpec(code=code, title=title, severity=severity, description=description)


WORKBOOK_CODES: tuple[CodeSpec, ...] = (
    # The file cannot be read at all
    _c(
        "F200",
        "unreadable or damaged file",
        E,
        "The file cannot be read: the archive is truncated or damaged, its internal structure "
        "is broken, or the spreadsheet reader failed on it. Files cut short by an e-mail gateway "
        "or an interrupted download look like this. Ask the vendor to send the file again, or "
        "open it in Excel or LibreOffice and save a fresh copy.",
    ),
    _c(
        "F201",
        "encrypted file",
        E,
        "The file is password-protected (encrypted): its content cannot be read without the "
        "password. Ask for an unprotected copy (in Excel: File > Info > Protect Workbook > "
        "Encrypt with Password, clear the password, save). A workbook whose *structure* only is "
        "protected is not encrypted and reads normally.",
    ),
    _c(
        "F202",
        "wrong file extension",
        W,
        "The file's content is another format than its name says (an .xls workbook named "
        ".xlsx, a CSV named .xlsx). opsgov reads files by content, so it was read as what it "
        "really is; the finding is there because other tools, and people, go by the name. "
        "Rename the file to match its content.",
    ),
    _c(
        "F203",
        "unsupported file format",
        E,
        "The file is not a spreadsheet opsgov can read: an HTML page or an Excel 2003 XML file "
        "saved with a spreadsheet name (what many web 'Export to Excel' buttons produce), a PDF, "
        "a Word document, an image or another binary file, or a workbook holding an Excel 4.0 "
        "macro sheet. Open it in Excel or LibreOffice and save it as .xlsx or .csv.",
    ),
    _c(
        "F204",
        "archive outside the safety limits",
        E,
        "An .xlsx, .xlsb or .ods file is a zip archive. This one has too many entries, entries "
        "that declare more data than the limits allow or that expand far more than real "
        "spreadsheets do (a 'zip bomb'), duplicate or unsafe entry names, or sizes that do not "
        "match its content. The file is refused before any spreadsheet reader sees it. If the "
        "file is genuine, open it in Excel or LibreOffice and save a fresh copy, which those "
        "programs write within the limits.",
    ),
    _c(
        "F205",
        "DOCTYPE in a workbook part",
        E,
        "An XML part of the workbook declares a DOCTYPE. Excel and LibreOffice never write one; "
        "it is how XML entity attacks ('billion laughs', external entities that read local "
        "files or fetch URLs) are smuggled in. The file is refused.",
    ),
    _c(
        "F206",
        "input too large",
        E,
        "The file, a sheet or a cell is beyond what opsgov reads: more bytes, cells or "
        "characters than the limits allow, a cell longer than Excel's 32,767 characters, or "
        "cells outside Excel's grid of 1,048,576 rows by 16,384 columns. Such files cannot come "
        "from Excel and would exhaust memory. Remove unused sheets and ranges, or split the "
        "file.",
    ),
    _c(
        "F207",
        "empty file",
        E,
        "The file holds no data at all (zero bytes, or only blank lines). A vendor returning an "
        "empty template or a failed export produces this. Ask for the filled-in file.",
    ),
    # Delimited text
    _c(
        "F208",
        "text encoding guessed",
        I,
        "The text file has no byte-order mark and is not valid UTF-8, so its encoding was "
        "guessed (Windows-1252, the usual Excel 'CSV' export on Western Windows). Accents and "
        "other non-ASCII letters may be wrong if the file was written in another legacy "
        "encoding (Greek, Cyrillic, Central European). Declare the encoding for this vendor, or "
        "ask for a UTF-8 CSV.",
    ),
    _c(
        "F209",
        "NUL characters in text",
        W,
        "The text file contains NUL (zero) bytes, which no spreadsheet or CSV writer puts in "
        "text on purpose; they usually come from a damaged export or a binary file saved as "
        "CSV. They were removed. Check the rows named.",
    ),
    # Cells
    _c(
        "F210",
        "formula without a stored result",
        W,
        "The cell holds a formula but the file stores no result for it, because the program "
        "that wrote the file does not calculate formulas. opsgov reads stored results and never "
        "computes formulas, so the cell reads as empty rather than as a silently wrong value. "
        "Open the file in Excel or LibreOffice and save it, which calculates and stores every "
        "result.",
    ),
    _c(
        "F211",
        "hidden sheet",
        I,
        "The workbook has a hidden or 'very hidden' sheet (very hidden sheets can only be shown "
        "with VBA). Hidden sheets often hold stale data or a second copy of a table, so opsgov "
        "reads one only when it is named explicitly, and says that it was hidden.",
    ),
    _c(
        "F212",
        "error values not readable",
        I,
        "In this file format the reader cannot tell a cell holding an Excel error (#DIV/0!, "
        "#N/A, #VALUE! ...) from an empty cell, so error cells read as empty. Values are never "
        "invented, but a KPI cell reported as missing may really hold an error. Save the file "
        "as .xlsx to see the errors themselves.",
    ),
    _c(
        "F213",
        "stored formula results may be stale",
        W,
        "The workbook asks to be recalculated when opened (`fullCalcOnLoad`), which programs "
        "that cannot calculate set when they store placeholder results (often 0) for every "
        "formula. The stored results were read as they are but may be wrong. Open the file in "
        "Excel or LibreOffice and save it to store real results.",
    ),
    _c(
        "F214",
        "malformed delimited text",
        E,
        "The text file cannot be split into rows and fields: typically a quote that opens a "
        "field and is never closed, which would otherwise swallow the rest of the file into "
        "one cell. Fix the line named (double any quote inside a quoted field), or re-export "
        "the file.",
    ),
    _c(
        "F215",
        "sheet cut at a limit",
        W,
        "A sheet has more rows or columns than the configured limits, so only the first rows "
        "or columns were read. Data beyond the cut is not checked or scored.",
    ),
    _c(
        "F216",
        "sheet without cells skipped",
        I,
        "Chart sheets, dialog sheets and macro sheets hold no table cells; they were skipped.",
    ),
    _c(
        "F217",
        "reader warning",
        W,
        "The spreadsheet reader reported a problem it worked around while reading the file. "
        "The message gives its words; check the data it mentions.",
    ),
    _c(
        "F218",
        "damaged archive entry",
        E,
        "A part of the workbook (a sheet, the shared strings, the styles) does not match the "
        "CRC-32 checksum stored with it: its bytes changed after it was written, by a faulty "
        "disk, a transfer or an edit. The spreadsheet reader would read the changed bytes "
        "without complaint, so a number could be silently wrong; the file is refused before "
        "any of it is used. Ask for the file again, or open it and save a fresh copy.",
    ),
    _c(
        "F235",
        "annotated copy rebuilt",
        I,
        "The workbook could be read, but not opened as a workbook to copy (its archive or XML is "
        "damaged in a way the reader tolerates). The annotated copy was rebuilt from the cells "
        "opsgov read, at the same positions, without the original's formatting.",
    ),
    _c(
        "F236",
        "annotated copy not made",
        W,
        "No annotated copy of this file could be written; the message gives the reason. The "
        "findings themselves are complete: send them to the vendor as a list instead.",
    ),
)
