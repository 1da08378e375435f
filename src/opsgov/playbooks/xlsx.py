"""A checklist as an xlsx workbook to fill in: status drop-down, notes, overdue highlighting.

Sheet `Checklist`: a title block (anchor, start and as-of dates), then one row per step under
a frozen header. The Status column has a drop-down (Not started, In progress, Done, Blocked,
N/A); the Notes column is free text. A conditional format turns a row red when its due date is
before the as-of date and its status is not Done or N/A; the as-of cell holds `=TODAY()` unless
a date is given, so the highlighting stays current as the file is used. Sheet `About`: the
playbook's facts, the people behind each role, and the warnings met when the checklist was
made.

Safety: every text is written as a string cell (a text starting with `=`, `+`, `-` or `@` is
never a formula); characters XML cannot hold are replaced. Determinism: the document
properties carry the checklist's start date and the zip entries a fixed time.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from jinja2 import Environment
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from opsgov.playbooks.checklist import STATUSES, Checklist
from opsgov.playbooks.outputs import COLUMNS, CellValue, row_values, summary_lines
from opsgov.render.sheetprint import fit_row_heights, print_ready
from opsgov.render.zipfix import workbook_bytes

SHEET: Final = "Checklist"
ABOUT: Final = "About"
HEADER_ROW: Final = 4
"""Row of the column headers; steps start on the row below."""
AS_OF_CELL: Final = "F2"
"""The as-of date the overdue highlighting compares due dates with."""
DATE_FORMAT: Final = "yyyy-mm-dd"

_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_TEXT: Final = 32767
_WIDTHS: Final = {
    "#": 5,
    "Step id": 22,
    "Phase": 20,
    "Step": 40,
    "Owner role": 10,
    "Owner": 20,
    "Start": 12,
    "Due": 12,
    "Days": 6,
    "Critical path": 9,
    "Gate": 40,
    "Evidence": 40,
    "Description": 50,
    "Status": 14,
    "Notes": 40,
}
_BOLD: Final = Font(bold=True)
_TITLE: Final = Font(bold=True, size=14)
_HEADER_FILL: Final = PatternFill("solid", fgColor="DDE3EA")
_OVERDUE_FILL: Final = PatternFill("solid", fgColor="F8CBAD")
_WRAP: Final = Alignment(wrap_text=True, vertical="top")


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)[:_MAX_TEXT]


def _put(ws: Any, row: int, col: int, value: CellValue | None, *, font: Font | None = None) -> Any:
    """Write a cell: dates as dates, numbers as numbers, any text as a string cell."""
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        return cell
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int):
        cell.value = value
    else:
        cell.value = _clean(value)
        cell.data_type = "s"  # never a formula or an error value, whatever the text starts with
    if font is not None:
        cell.font = font
    return cell


def column_letter(name: str) -> str:
    """The letter of a checklist column, by its header."""
    letter: str = get_column_letter(COLUMNS.index(name) + 1)
    return letter


def _checklist_sheet(ws: Any, c: Checklist, as_of: dt.date | None) -> None:
    ws.title = SHEET
    _put(ws, 1, 1, f"{c.title}: {c.site} {c.site_name}", font=_TITLE)
    block: list[tuple[str, CellValue]] = [
        (f"Anchor ({c.anchor_label})", c.anchor_date),
        ("Start", c.start),
        ("As of", as_of or ""),
        ("Playbook", c.playbook),
        ("Site", c.site),
    ]
    for index, (label, value) in enumerate(block):
        col = 1 + 2 * index
        _put(ws, 2, col, label, font=_BOLD)
        _put(ws, 2, col + 1, value)
    if as_of is None:
        ws[AS_OF_CELL] = "=TODAY()"
        ws[AS_OF_CELL].number_format = DATE_FORMAT
    _put(
        ws,
        3,
        1,
        "Set each step's Status from the drop-down and add notes. A row turns red when its due "
        "date is before the As of date and it is not Done or N/A. "
        "`opsgov playbook status FILE` reports completion, overdue and blocked steps.",
    )
    for col, name in enumerate(COLUMNS, start=1):
        cell = _put(ws, HEADER_ROW, col, name, font=_BOLD)
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP  # a header wider than its column wraps rather than being cut
        ws.column_dimensions[get_column_letter(col)].width = _WIDTHS.get(name, 18)
    first = HEADER_ROW + 1
    for offset, item in enumerate(c.items):
        row = first + offset
        for col, value in enumerate(row_values(c, item), start=1):
            cell = _put(ws, row, col, value, font=_BOLD if item.critical and col == 4 else None)
            cell.alignment = _WRAP
    last = max(first, first + len(c.items) - 1)
    status, due = column_letter("Status"), column_letter("Due")
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Status",
        error="Choose one of: " + ", ".join(STATUSES) + ".",
        promptTitle="Status",
        prompt="Choose the step's status.",
        showInputMessage=True,
    )
    validation.add(f"{status}{first}:{status}{last}")
    ws.add_data_validation(validation)
    as_of_ref = "$" + AS_OF_CELL[0] + "$" + AS_OF_CELL[1:]
    rule = FormulaRule(
        formula=[
            f"AND(ISNUMBER(${due}{first}),${due}{first}<{as_of_ref},"
            f'${status}{first}<>"Done",${status}{first}<>"N/A")'
        ],
        fill=_OVERDUE_FILL,
        stopIfTrue=False,
    )
    ws.conditional_formatting.add(f"A{first}:{get_column_letter(len(COLUMNS))}{last}", rule)
    ws.freeze_panes = ws.cell(row=first, column=3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"


def _about_sheet(ws: Any, c: Checklist) -> None:
    row = 1
    _put(ws, row, 1, c.title, font=_TITLE)
    row += 1
    _put(ws, row, 1, c.purpose)
    row += 2
    for label, value in summary_lines(c):
        _put(ws, row, 1, label, font=_BOLD)
        _put(ws, row, 2, value)
        row += 1
    row += 1
    _put(ws, row, 1, "Role", font=_BOLD)
    _put(ws, row, 2, "Role name", font=_BOLD)
    _put(ws, row, 3, f"Person ({c.region})", font=_BOLD)
    for role, name in sorted(c.roles.items()):
        row += 1
        _put(ws, row, 1, role)
        _put(ws, row, 2, name)
        _put(ws, row, 3, c.people.get(role, ""))
    if c.warnings:
        row += 2
        _put(ws, row, 1, "Warnings", font=_BOLD)
        for warning in c.warnings:
            row += 1
            _put(ws, row, 1, f"{warning.severity.value} {warning.code}")
            _put(ws, row, 2, warning.message)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 24


def render_xlsx(
    checklist: Checklist, env: Environment | None = None, *, as_of: dt.date | None = None
) -> bytes:
    """The checklist workbook; `as_of` fixes the As of date (default: `=TODAY()`)."""
    book = Workbook()
    _checklist_sheet(book.active, checklist, as_of)
    _about_sheet(book.create_sheet(ABOUT), checklist)
    name = f"{checklist.title}: {checklist.site} {checklist.site_name}"
    for ws in book.worksheets:
        print_ready(
            ws,
            header_rows=(HEADER_ROW, HEADER_ROW) if ws.title == SHEET else None,
            footer=_clean(f"{name} - {ws.title}"),
        )
        fit_row_heights(ws, HEADER_ROW if ws.title == SHEET else 1)
    return workbook_bytes(book, checklist.start, _clean(f"{checklist.title}: {checklist.site}"))
