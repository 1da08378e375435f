"""Print settings for the xlsx outputs: what a reader gets when they press Print.

Every sheet prints landscape on A4, scaled to fit the width of one page (as many pages tall
as it needs), with its header rows repeated at the top of every page, and a footer with the
sheet, the period and `page N of M`. Rows whose wrapped text runs over several lines are given
the height those lines need, since neither Excel nor every other reader grows them on open.
"""

from __future__ import annotations

import math
from typing import Any, Final

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

LINE_HEIGHT: Final = 15.0
"""Points per line of 11-point text (the default row is one line)."""
MAX_LINES: Final = 20
"""Rows never grow past this many lines (Excel's limit is 409 points)."""


def print_ready(ws: Any, *, header_rows: tuple[int, int] | None, footer: str) -> None:
    """Landscape, fit to one page wide, header rows repeated, a footer with page numbers.

    Args:
        ws: The openpyxl worksheet.
        header_rows: (first, last) rows to repeat on every printed page, or None.
        footer: Left footer text, such as `Scorecard 2026-10 - Summary`.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4  # write-only sheets lack the constant
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_rows is not None:
        ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "page &P of &N"
    ws.oddFooter.right.size = 8


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide."""
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(len(line) / usable)) for line in text.split("\n"))


def fit_row_heights(ws: Any, first_row: int, *, default_width: float = 8.43) -> None:
    """Give each row from `first_row` whose wrapped text needs more lines the height for them."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            col = cell.column
            if col not in widths:
                dim = ws.column_dimensions.get(get_column_letter(col))
                widths[col] = dim.width if dim is not None and dim.width else default_width
            lines = max(lines, lines_needed(cell.value, widths[col]))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = LINE_HEIGHT * min(lines, MAX_LINES)
