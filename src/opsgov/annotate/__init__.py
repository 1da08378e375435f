"""Annotated copies of vendors' workbooks: the file an analyst sends back to a vendor.

Offending cells are highlighted and commented in words for the vendor, and a first sheet,
"Cells to fix", lists every marked cell with what to put there. The original is never
modified: an `.xlsx` or `.xlsm` is copied and marked up; any other format (xls, ods, csv), or
an xlsx damaged in a way the reader tolerates but the writer cannot open, is rebuilt as an
`.xlsx` from the cells opsgov read, at the same positions. Text from the vendor stays text: a
cell reading `=HYPERLINK(...)` in a CSV is written as a string, never as a formula.

A copy that cannot be made is a finding (F236) with its reason, never a crash: the findings
of the validation are reported whatever happens to the copy.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook, load_workbook

from opsgov.annotate.marks import add_list_sheet, cell_issues, mark_sheet, rebuild
from opsgov.atomic import write_bytes
from opsgov.errors import WorkbookError
from opsgov.intake.raw import RawWorkbook
from opsgov.issues import Issue, Location, Severity, make_issue

_REASON_MAX = 200


@dataclass
class Annotated:
    """What annotating a set of files gave: the copies written and findings about copies."""

    written: list[Path] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= _REASON_MAX else text[: _REASON_MAX - 1] + "…"


def _open_copy(path: Path, book: RawWorkbook) -> tuple[Workbook, dict[str, str], str | None]:
    """The workbook to mark, its sheet titles by sheet name, and why it was rebuilt (or None)."""
    if book.format in {"xlsx", "xlsm"}:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl's warnings name its own source files
                workbook = load_workbook(path, keep_vba=book.format == "xlsm", rich_text=True)
            return workbook, {n: n for n in workbook.sheetnames}, None
        # openpyxl parses untrusted bytes with several XML and zip libraries, and a damaged
        # part can fail in any of them: whatever it raises, the copy is rebuilt from the cells
        # the (more tolerant) reader already read.
        except Exception as exc:
            workbook, titles = rebuild(book)
            return workbook, titles, _reason(exc)
    workbook, titles = rebuild(book)
    return workbook, titles, None


def annotate(path: Path, book: RawWorkbook, issues: Sequence[Issue], out_dir: Path) -> Annotated:
    """Write the annotated copy of one file; nothing when no finding is on a cell.

    Raises:
        OSError: when the copy cannot be written to `out_dir` (a folder the user named).
    """
    result = Annotated()
    by_sheet = cell_issues(issues)
    if not by_sheet:
        return result
    display = next((i.location.file for i in issues if i.location is not None), path.name)
    workbook, titles, rebuilt = _open_copy(path, book)
    if rebuilt is not None:
        result.issues.append(
            make_issue(
                "F235",
                f"the annotated copy was rebuilt from the cells read: the workbook cannot be "
                f"opened for copying ({rebuilt})",
                location=Location(file=display),
            )
        )
    copied = rebuilt is None and book.format in {"xlsx", "xlsm"}
    target = out_dir / (path.name if copied else f"{path.name}.annotated.xlsx")
    marked = {name: by_cell for name, by_cell in by_sheet.items() if name in titles}
    if not marked:
        result.issues.append(
            make_issue(
                "F236",
                "no annotated copy could be written: the sheets the findings are on "
                f"({', '.join(sorted(by_sheet))}) are not in the workbook as it opens for copying",
                location=Location(file=display),
                hint="Send the vendor the list of findings instead.",
            )
        )
        return result
    try:
        for name, by_cell in marked.items():
            mark_sheet(workbook[titles[name]], by_cell)
        add_list_sheet(workbook, marked, titles)
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook.save(buffer)
    # Saving re-serialises whatever the original held (styles, drawings, defined names);
    # a damaged part can make any of openpyxl's writers fail. That is a finding about the
    # copy, not a failure of the validation.
    except Exception as exc:
        result.issues.append(
            make_issue(
                "F236",
                f"no annotated copy could be written: {_reason(exc)}",
                location=Location(file=display),
                hint="Send the vendor the list of findings instead.",
            )
        )
        return result
    write_bytes(target, buffer.getvalue())
    result.written.append(target)
    return result


def annotate_files(
    paths: dict[str, Path],
    issues: Sequence[Issue],
    out_dir: Path,
    read: Callable[[Path], RawWorkbook],
) -> Annotated:
    """Annotated copies of every file with findings on cells (`paths`: display -> path)."""
    by_file: dict[str, list[Issue]] = {}
    for issue in issues:
        if issue.severity == Severity.INFO:
            continue  # notes for us (rows left out as totals): nothing for the vendor to fix
        if issue.location is not None and issue.location.sheet is not None:
            by_file.setdefault(issue.location.file, []).append(issue)
    result = Annotated()
    for display, found in by_file.items():
        path = paths.get(display)
        if path is None:
            continue
        try:
            book = read(path)
        except WorkbookError:
            continue  # the file could not be read at all: its finding says so already
        one = annotate(path, book, found, out_dir)
        result.written += one.written
        result.issues += one.issues
    return result
