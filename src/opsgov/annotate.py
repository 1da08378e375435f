"""Annotated copies of vendors' workbooks: offending cells highlighted, a comment on each.

The file an analyst sends back to a vendor. The original is never modified: an `.xlsx` or
`.xlsm` is copied and marked up; any other format (xls, ods, csv) is rebuilt as an `.xlsx`
from the cells opsgov read, at the same positions. Text from the vendor stays text: a cell
reading `=HYPERLINK(...)` in a CSV is written as a string, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from opsgov.atomic import write_bytes
from opsgov.intake.raw import CellError, RawWorkbook
from opsgov.issues import Issue, Severity

_FILL = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
_AUTHOR = "opsgov"


def _comment_text(issues: Sequence[Issue]) -> str:
    parts = []
    for issue in issues:
        text = f"{issue.severity.value.upper()} {issue.code}: {issue.message}"
        if issue.hint:
            text += f"\nFix: {issue.hint}"
        parts.append(text)
    return "\n\n".join(parts)[:30000]


def _mark(sheet: Worksheet, by_cell: dict[tuple[int, int], list[Issue]]) -> None:
    for (row, col), issues in sorted(by_cell.items()):
        cell = sheet.cell(row=row, column=col)
        worst = max((i.severity for i in issues), key=lambda s: s.rank)
        cell.fill = _FILL[worst]
        comment = Comment(_comment_text(issues), _AUTHOR)
        comment.width, comment.height = 320, 40 + 60 * len(issues)
        cell.comment = comment


def _cell_issues(issues: Sequence[Issue]) -> dict[str, dict[tuple[int, int], list[Issue]]]:
    out: dict[str, dict[tuple[int, int], list[Issue]]] = defaultdict(lambda: defaultdict(list))
    for issue in issues:
        loc = issue.location
        if loc is None or loc.sheet is None or loc.row is None:
            continue
        out[loc.sheet][(loc.row, loc.col or 1)].append(issue)
    return out


def _plain(value: object) -> object:
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


def _rebuild(book: RawWorkbook) -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for raw in book.sheets:
        sheet = workbook.create_sheet(title=raw.name[:31])
        for r, row in enumerate(raw.rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                cell = sheet.cell(
                    row=raw.first_row + r, column=raw.first_col + c, value=_plain(value)
                )
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even when it starts with '='
    return workbook


def annotate(path: Path, book: RawWorkbook, issues: Sequence[Issue], out_dir: Path) -> Path | None:
    """Write the annotated copy of `path` into `out_dir`; None when no finding is on a cell."""
    by_sheet = _cell_issues(issues)
    if not by_sheet:
        return None
    if book.format in {"xlsx", "xlsm"}:
        keep_vba = book.format == "xlsm"
        workbook = load_workbook(path, keep_vba=keep_vba, rich_text=True)
        target = out_dir / path.name
    else:
        workbook = _rebuild(book)
        target = out_dir / f"{path.name}.annotated.xlsx"
    for name, by_cell in by_sheet.items():
        if name in workbook.sheetnames:
            _mark(workbook[name], by_cell)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes(target, buffer.getvalue())
    return target
