"""Writing gathered sheets (`Sheet`) to a workbook with XlsxWriter.

XlsxWriter writes a workbook that is only ever written, never read back, and does it two to
three times faster than openpyxl (which builds an element per cell through the standard
library's XML writer here: see `opsgov/__init__.py`). It writes each zip entry with a fixed
time, and the document properties are set from the report date, so the same card gives the
same bytes. Text goes through `write_string` (never a formula or an error value, whatever it
starts with), numbers through `write_number`.

The print settings are those of `opsgov.render.sheetprint`: landscape A4, one page wide,
header rows repeated, a footer with the sheet, the period and `page N of M`.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from openpyxl.styles import Alignment, Border, Font, PatternFill

from opsgov.render.xlsx.cells import RAG_FILLS
from opsgov.render.xlsx.sheet import Sheet, Spec, Style, header_row
from opsgov.render.zipfix import CREATOR

A4 = 9
"""XlsxWriter's paper size number of A4."""
FOOTER_MAX = 255
"""Excel's longest header or footer (XlsxWriter drops a longer one)."""


def _colour(argb: str) -> str:
    """`FF305496` or `305496` as XlsxWriter's `#305496`."""
    return "#" + argb[-6:]


def _font(font: Font) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if font.b:
        out["bold"] = True
    if font.sz is not None:
        out["font_size"] = float(font.sz)
    if font.color is not None and font.color.rgb is not None:
        out["font_color"] = _colour(str(font.color.rgb))
    return out


def _fill(fill: PatternFill) -> dict[str, Any]:
    return {"pattern": 1, "bg_color": _colour(str(fill.start_color.rgb))}


def _border(border: Border) -> dict[str, Any]:
    side = border.bottom
    if side is None or side.style is None:
        return {}
    colour = {} if side.color is None else {"bottom_color": _colour(str(side.color.rgb))}
    return {"bottom": 1, **colour}


def _alignment(alignment: Alignment) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if alignment.wrap_text:
        out["text_wrap"] = True
    if alignment.vertical is not None:
        out["valign"] = {"center": "vcenter"}.get(alignment.vertical, alignment.vertical)
    return out


def format_properties(cell_style: Style) -> dict[str, Any]:
    """A `Style` as XlsxWriter's format properties."""
    out: dict[str, Any] = {}
    if cell_style.font is not None:
        out.update(_font(cell_style.font))
    if cell_style.fill is not None:
        out.update(_fill(cell_style.fill))
    if cell_style.border is not None:
        out.update(_border(cell_style.border))
    if cell_style.alignment is not None:
        out.update(_alignment(cell_style.alignment))
    if cell_style.number_format is not None:
        out["num_format"] = cell_style.number_format
    return out


class Book:
    """An XlsxWriter workbook in memory: sheets are added in order, then `bytes()`."""

    def __init__(self, day: dt.date, title: str) -> None:
        self._buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self._buffer,
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
             "strings_to_urls": False},
        )  # fmt: skip
        stamp = dt.datetime.combine(day, dt.time())
        self.book.set_properties({"title": title, "author": CREATOR, "created": stamp})
        self._formats: dict[int, Any] = {}
        self._rag = {
            label: self.book.add_format({"bg_color": _colour(fill), "font_color": _colour(font)})
            for label, (fill, font) in RAG_FILLS.items()
        }

    def _format(self, cell_style: Style | None) -> Any:
        if cell_style is None:
            return None
        found = self._formats.get(id(cell_style))
        if found is None:
            found = self._formats[id(cell_style)] = self.book.add_format(
                format_properties(cell_style)
            )
        return found

    def write(self, sheet: Sheet, title: str, layout: tuple[str, str | None], footer: str) -> None:
        """Add `sheet` as the next worksheet, print-ready, with its frozen cell and filter."""
        freeze, filter_ref = layout
        ws = self.book.add_worksheet(title)
        for col, width in sheet.column_widths().items():
            ws.set_column(col - 1, col - 1, width)
        for row, height in sheet.row_heights().items():
            ws.set_row(row - 1, height)
        ws.freeze_panes(freeze)
        if filter_ref is not None:
            ws.autofilter(filter_ref)
        self._cells(ws, sheet)
        for ref in sheet.rules:
            first = ref.split()[0]
            for label, fmt in self._rag.items():
                options = {"type": "cell", "criteria": "==", "value": f'"{label}"', "format": fmt}
                if " " in ref:
                    options["multi_range"] = ref
                ws.conditional_format(first, options)
        self._print(ws, header_row(freeze), footer)

    def _cells(self, ws: Any, sheet: Sheet) -> None:
        for row, line in sheet.cells.items():
            for col, item in line.items():
                spec = item if isinstance(item, Spec) else Spec(item, None)
                fmt = self._format(spec.style)
                value = spec.value
                if value is None:
                    if fmt is not None:
                        ws.write_blank(row - 1, col - 1, None, fmt)
                elif isinstance(value, str):
                    ws.write_string(row - 1, col - 1, value, fmt)
                elif isinstance(value, dt.date):
                    ws.write_datetime(row - 1, col - 1, value, fmt)
                else:
                    ws.write_number(row - 1, col - 1, value, fmt)
                if spec.comment is not None:
                    ws.write_comment(row - 1, col - 1, spec.comment, {"author": CREATOR})
        sheet.cells = {}

    @staticmethod
    def _print(ws: Any, header: int, footer: str) -> None:
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        if header >= 1:
            ws.repeat_rows(header - 1)
        pages = "&R&8page &P of &N"
        text = footer.replace("&", "&&")[: FOOTER_MAX - len(pages) - 4]
        if (len(text) - len(text.rstrip("&"))) % 2:  # a cut `&&` would be a control code
            text = text[:-1]
        ws.set_footer("&L&8" + text + pages)

    def bytes(self) -> bytes:
        """The finished workbook."""
        self.book.close()
        return self._buffer.getvalue()
