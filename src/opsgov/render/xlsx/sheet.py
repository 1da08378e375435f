"""A worksheet gathered in memory, in any order, then written row by row in one pass.

openpyxl's write-only mode streams each row straight into the file, which is several times
cheaper than its cell-by-cell worksheets, but it wants everything that sits above the rows in
the sheet's XML (column widths, frozen panes, print properties, row heights) before the first
row. `Sheet` therefore keeps the cells (a value, and a shared style when it has one) until
`finish`, which sets those, then appends the rows. It works the same on an ordinary worksheet.

Text is always a string cell: a text starting with `=` would otherwise be a formula and one
starting with `#` might be an error value, so such cells are written as explicit string cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from opsgov.render.sheetprint import LINE_HEIGHT, MAX_LINES, lines_needed, print_ready
from opsgov.render.xlsx.cells import (
    HEADER_ALIGNMENT,
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    LABEL_FONT,
    RAG_FILLS,
    WRAP,
    clean_text,
)

DEFAULT_WIDTH = 8.43
"""A column's width when none is set (Excel's default)."""

Layout = tuple[str, str | None]
"""What a filled sheet asks of `Sheet.finish`: the cell its panes freeze at, its filter range."""


@dataclass(frozen=True, eq=False)
class Style:
    """One combination of font, fill, border, alignment and number format (shared by cells)."""

    font: Font | None = None
    fill: PatternFill | None = None
    border: Border | None = None
    alignment: Alignment | None = None
    number_format: str | None = None

    @property
    def wraps(self) -> bool:
        """Whether its text wraps (the row then needs the height of its lines)."""
        return bool(self.alignment is not None and self.alignment.wrap_text)


_STYLES: dict[tuple[int, int, int, int, str | None], Style] = {}


def style(
    *,
    font: Font | None = None,
    fill: PatternFill | None = None,
    border: Border | None = None,
    alignment: Alignment | None = None,
    number_format: str | None = None,
) -> Style:
    """The one `Style` of these parts (the parts are module constants: keyed by identity)."""
    key = (id(font), id(fill), id(border), id(alignment), number_format)
    found = _STYLES.get(key)
    if found is None:
        found = _STYLES[key] = Style(font, fill, border, alignment, number_format)
    return found


HEADER = style(font=HEADER_FONT, fill=HEADER_FILL, border=HEADER_BORDER, alignment=HEADER_ALIGNMENT)
LABEL = style(font=LABEL_FONT, alignment=WRAP)


@dataclass(frozen=True)
class _Spec:
    """A cell that is more than a bare value: styled, commented, or text needing protection."""

    value: Any
    style: Style | None
    comment: str | None = None


def _apply(cell: Cell, cell_style: Style) -> None:
    """Give a cell every part of a style that is set."""
    for part in ("font", "fill", "border", "alignment", "number_format"):
        value = getattr(cell_style, part)
        if value is not None:
            setattr(cell, part, value)


def _bare(value: object) -> bool:
    """A value write-only mode can take as it is (text that cannot turn into a formula)."""
    return not isinstance(value, str) or value[:1] not in ("=", "#")


class Sheet:
    """One worksheet's cells and the widths its columns need, written by `finish`."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.widths: dict[int, float] = {}
        self.cells: dict[int, dict[int, Any]] = {}
        self.rules: list[str] = []
        self._arrays: dict[int, Any] = {}

    def _fit(self, col: int, width: float) -> None:
        if width > self.widths.get(col, 0.0):
            self.widths[col] = width

    def put(self, row: int, col: int, value: object, cell_style: Style | None = None) -> None:
        """Set one cell's value and style (None and no style leaves it empty)."""
        line = self.cells.get(row)
        if line is None:
            line = self.cells[row] = {}
        if cell_style is None and _bare(value):
            line[col] = value
        else:
            line[col] = _Spec(value, cell_style)

    def text(
        self,
        row: int,
        col: int,
        value: object,
        *,
        font: Font | None = None,
        fit: bool = True,
        cell_style: Style | None = None,
    ) -> None:
        """Write text as a string cell whatever it starts with; None or "" leaves it empty."""
        text = "" if value is None else clean_text(value)
        if not text:
            return
        if cell_style is None and font is not None:
            cell_style = style(font=font)
        self.put(row, col, text, cell_style)
        if fit:
            bold = cell_style is not None and cell_style.font is not None and cell_style.font.b
            longest = max((len(line) for line in text.splitlines()), default=0)
            self._fit(col, min(longest, 60) * (1.1 if bold else 1.0))

    def number(
        self,
        row: int,
        col: int,
        value: float | None,
        fmt: str,
        *,
        width: int = 12,
        comment: str | None = None,
    ) -> None:
        """Write a number (None or non-finite leaves the cell empty) with a number format."""
        number = float(value) if value is not None and math.isfinite(value) else None
        line = self.cells.get(row)
        if line is None:
            line = self.cells[row] = {}
        line[col] = _Spec(number, style(number_format=fmt), comment)
        self._fit(col, width)

    def header(self, row: int, names: Sequence[str], first_col: int = 1) -> None:
        """A styled header row."""
        for col, name in enumerate(names, start=first_col):
            self.text(row, col, name, cell_style=HEADER)

    def label(self, row: int, col: int, name: str) -> None:
        """A label of the title block: wrapped, its column at least as wide as its longest word."""
        self.text(row, col, name, fit=False, cell_style=LABEL)
        self._fit(col, max(len(word) for word in name.split()) * 1.1)

    def rag(self, ref: str) -> None:
        """Green/Amber/Red fills on the status labels of `ref` (set when the sheet is written)."""
        self.rules.append(ref)

    def finish(
        self,
        freeze: str,
        filter_ref: str | None,
        *,
        footer: str | None = None,
    ) -> None:
        """Set widths, frozen panes, filter, print settings (with a footer) and write the rows."""
        ws = self.ws
        for col, width in sorted(self.widths.items()):
            ws.column_dimensions[get_column_letter(col)].width = round(
                min(max(width + 2.0, 8.0), 62.0), 1
            )
        ws.freeze_panes = freeze
        if filter_ref is not None:
            ws.auto_filter.ref = filter_ref
        if footer is not None:
            header = int("".join(ch for ch in freeze if ch.isdigit()) or 1) - 1
            print_ready(ws, header_rows=(header, header) if header >= 1 else None, footer=footer)
        for ref in self.rules:
            rag_rules(ws, ref)
        self._fit_heights()
        self._write_rows()

    def _fit_heights(self) -> None:
        """Give each row whose wrapped text needs more lines the height for them."""
        for row, line in self.cells.items():
            lines = 1
            for col, spec in line.items():
                if not isinstance(spec, _Spec) or spec.style is None or not spec.style.wraps:
                    continue
                if isinstance(spec.value, str):
                    width = self.ws.column_dimensions[get_column_letter(col)].width
                    lines = max(lines, lines_needed(spec.value, width or DEFAULT_WIDTH))
            if lines > 1:
                self.ws.row_dimensions[row].height = LINE_HEIGHT * min(lines, MAX_LINES)

    def _array(self, cell_style: Style) -> Any:
        """The workbook's style array of a `Style`, made once per sheet."""
        found = self._arrays.get(id(cell_style))
        if found is None:
            template = Cell(self.ws, row=1, column=1)
            _apply(template, cell_style)
            found = self._arrays[id(cell_style)] = template._style
        return found

    def _cell(self, spec: _Spec) -> Cell:
        array = None if spec.style is None else self._array(spec.style)
        cell = Cell(self.ws, row=1, column=1, style_array=array)
        if spec.value is not None:
            cell.value = spec.value
            if isinstance(spec.value, str):
                cell.data_type = "s"  # `=...` would be a formula and `#N/A` an error otherwise
        if spec.comment is not None:
            cell.comment = Comment(spec.comment, "opsgov")
        return cell

    def _write_rows(self) -> None:
        ws = self.ws
        if not isinstance(ws, WriteOnlyWorksheet):
            self._write_cells()
            return
        for row in range(1, max(self.cells, default=0) + 1):
            line = self.cells.get(row)
            if not line:
                ws.append([])
                continue
            values: list[Any] = [None] * max(line)
            for col, item in line.items():
                values[col - 1] = self._cell(item) if isinstance(item, _Spec) else item
            ws.append(values)
        self.cells = {}

    def _write_cells(self) -> None:
        """On an ordinary worksheet: each cell set where it is (it may have cells already)."""
        for row, line in self.cells.items():
            for col, item in line.items():
                cell = self.ws.cell(row=row, column=col)
                spec = item if isinstance(item, _Spec) else _Spec(item, None)
                if spec.value is not None:
                    cell.value = spec.value
                    if isinstance(spec.value, str):
                        cell.data_type = "s"
                if spec.style is not None:
                    _apply(cell, spec.style)
                if spec.comment is not None:
                    cell.comment = Comment(spec.comment, "opsgov")
        self.cells = {}


def table_ref(first_row: int, last_row: int, columns: int) -> str:
    """The reference of a table from `first_row` (its header) to `last_row`."""
    return f"A{first_row}:{get_column_letter(columns)}{max(last_row, first_row)}"


def rag_rules(ws: Any, ref: str) -> None:
    """Green/Amber/Red fills on the status labels of `ref` (cell-is-equal rules)."""
    for label, (fill, colour) in RAG_FILLS.items():
        ws.conditional_formatting.add(
            ref,
            CellIsRule(
                operator="equal",
                formula=[f'"{label}"'],
                fill=PatternFill(fill_type="solid", start_color=fill, end_color=fill),
                font=Font(color=colour),
            ),
        )
