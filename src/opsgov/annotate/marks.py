"""Mark up one workbook: offending cells filled and commented, a first sheet listing them."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from opsgov.annotate.wording import vendor_text
from opsgov.intake.raw import CellError, RawWorkbook
from opsgov.issues import Issue, Severity, column_letter

_FILL = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
    Severity.INFO: PatternFill("solid", fgColor="DDEBF7"),
}
_WORD = {Severity.ERROR: "Must fix", Severity.WARNING: "Please check", Severity.INFO: "Note"}
_AUTHOR = "opsgov"
_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")
LIST_SHEET = "Cells to fix"

CellIssues = dict[tuple[int, int], list[Issue]]


def cell_issues(issues: Sequence[Issue]) -> dict[str, CellIssues]:
    """The findings that sit on a cell, by sheet and (row, column)."""
    out: dict[str, CellIssues] = defaultdict(lambda: defaultdict(list))
    for issue in issues:
        loc = issue.location
        if loc is None or loc.sheet is None or loc.row is None:
            continue
        out[loc.sheet][(loc.row, loc.col or 1)].append(issue)
    return out


def _comment_text(issues: Sequence[Issue]) -> str:
    parts = [f"{_WORD[i.severity]} ({i.code}): {vendor_text(i)}" for i in issues]
    return "\n\n".join(parts)[:30000]


def _worst(issues: Sequence[Issue]) -> Severity:
    return max((i.severity for i in issues), key=lambda s: s.rank)


def mark_sheet(sheet: Worksheet, by_cell: CellIssues) -> None:
    """Fill and comment every cell that carries a finding."""
    for (row, col), issues in sorted(by_cell.items()):
        cell = sheet.cell(row=row, column=col)
        cell.fill = _FILL[_worst(issues)]
        comment = Comment(_comment_text(issues), _AUTHOR)
        comment.width, comment.height = 320, 40 + 60 * len(issues)
        cell.comment = comment


def add_list_sheet(
    workbook: Workbook, marked: dict[str, CellIssues], titles: dict[str, str]
) -> None:
    """Put first a sheet that lists every marked cell with what to do about it."""
    title = LIST_SHEET
    n = 2
    while title in workbook.sheetnames:
        title, n = f"{LIST_SHEET} ({n})", n + 1
    sheet = workbook.create_sheet(title=title, index=0)
    header = ["Sheet", "Cell", "Column", "Severity", "Found", "What to do", "Ref"]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name, by_cell in marked.items():
        for (row, col), issues in sorted(by_cell.items()):
            for issue in issues:
                values = [
                    titles.get(name, name),
                    f"{column_letter(col)}{row}",
                    issue.field or "",
                    _WORD[issue.severity],
                    issue.found or "",
                    vendor_text(issue),
                    issue.code,
                ]
                sheet.append(values)
                for c in sheet[sheet.max_row]:
                    c.data_type = "s"  # vendor text stays text, even when it starts with '='
                    c.alignment = Alignment(wrap_text=True, vertical="top")
                sheet.cell(row=sheet.max_row, column=4).fill = _FILL[issue.severity]
    for letter, width in zip("ABCDEFG", (22, 8, 22, 13, 22, 70, 7), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{sheet.max_row}"
    workbook.active = 0


def _plain(value: object) -> object:
    if isinstance(value, CellError):
        return value.code
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return value


def sheet_title(name: str, taken: set[str]) -> str:
    """A legal, unique worksheet title: at most 31 characters, none that Excel forbids."""
    base = _TITLE_BAD.sub("_", name)[:31] or "Sheet"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def rebuild(book: RawWorkbook) -> tuple[Workbook, dict[str, str]]:
    """A new workbook holding the cells opsgov read, at their positions; and sheet titles."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    titles: dict[str, str] = {}
    taken: set[str] = set()
    for raw in book.sheets:
        titles[raw.name] = title = sheet_title(raw.name, taken)
        sheet = workbook.create_sheet(title=title)
        for r, row in enumerate(raw.rows):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                cell = sheet.cell(
                    row=raw.first_row + r, column=raw.first_col + c, value=_plain(value)
                )
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, even when it starts with '='
    return workbook, titles
