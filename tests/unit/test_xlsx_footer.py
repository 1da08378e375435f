"""A workspace name too long for Excel's footer still gets a footer with its page numbers."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from opsgov.render.xlsx.sheet import Sheet
from opsgov.render.xlsx.xlsxout import FOOTER_MAX, Book


def test_a_long_footer_is_cut_to_excels_limit_and_keeps_the_page_numbers() -> None:
    book = Book(dt.date(2026, 11, 5), "title")
    sheet = Sheet(None)
    sheet.text(1, 1, "value")
    book.write(sheet, "Summary", ("A2", None), "R&D " * 100 + ": scorecard 2026-10 - Summary")
    ws = openpyxl.load_workbook(io.BytesIO(book.bytes()))["Summary"]
    left = ws.oddFooter.left.text
    assert left.startswith("R&&D R&&D") and ws.oddFooter.left.size == 8  # `&&` prints one `&`
    assert ws.oddFooter.right.text == "page &P of &N"
    assert len(left) + len("&L&8&R&8page &P of &N") <= FOOTER_MAX
    assert (len(left) - len(left.rstrip("&"))) % 2 == 0  # no `&&` cut in half
    assert ws["A1"].value == "value"
