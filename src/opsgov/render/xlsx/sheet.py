"""A worksheet gathered in memory, in any order, then written in one go.

The scorecard's sheets are gathered here and written by XlsxWriter (`xlsxout`), which wants
column widths and row heights before the cells and is several times cheaper per cell than
openpyxl; `finish` writes the same cells to an openpyxl worksheet instead (the credits
workbook). A cell is a bare value, or a `Spec` with a shared `Style` and a comment.

Text is always a string cell, never a formula or an error value, whatever it starts with.
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
class Spec:
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
            line[col] = Spec(value, cell_style)

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
        line[col] = Spec(number, style(number_format=fmt), comment)
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
        for col, width in self.column_widths().items():
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = freeze
        if filter_ref is not None:
            ws.auto_filter.ref = filter_ref
        if footer is not None:
            header = header_row(freeze)
            print_ready(ws, header_rows=(header, header) if header >= 1 else None, footer=footer)
        for ref in self.rules:
            rag_rules(ws, ref)
        for row, height in self.row_heights().items():
            ws.row_dimensions[row].height = height
        self._write_cells()

    def column_widths(self) -> dict[int, float]:
        """Column -> width (characters): what its longest text needs, within 8 and 62."""
        return {
            col: round(min(max(width + 2.0, 8.0), 62.0), 1)
            for col, width in sorted(self.widths.items())
        }

    def row_heights(self) -> dict[int, float]:
        """Row -> height (points), for each row whose wrapped text needs more than a line."""
        widths = self.column_widths()
        heights = {}
        for row, line in self.cells.items():
            lines = 1
            for col, spec in line.items():
                if not isinstance(spec, Spec) or spec.style is None or not spec.style.wraps:
                    continue
                if isinstance(spec.value, str):
                    width = widths.get(col, DEFAULT_WIDTH)
                    lines = max(lines, lines_needed(spec.value, width))
            if lines > 1:
                heights[row] = LINE_HEIGHT * min(lines, MAX_LINES)
        return heights

    def _write_cells(self) -> None:
        """Each cell set where it is on the openpyxl worksheet (it may have cells already)."""
        for row, line in self.cells.items():
            for col, item in line.items():
                cell = self.ws.cell(row=row, column=col)
                spec = item if isinstance(item, Spec) else Spec(item, None)
                if spec.value is not None:
                    cell.value = spec.value
                    if isinstance(spec.value, str):
                        cell.data_type = "s"
                if spec.style is not None:
                    _apply(cell, spec.style)
                if spec.comment is not None:
                    cell.comment = Comment(spec.comment, "opsgov")
        self.cells = {}


def header_row(freeze: str) -> int:
    """The header row above the frozen panes (0 when nothing above them is frozen)."""
    return int("".join(ch for ch in freeze if ch.isdigit()) or 1) - 1


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
