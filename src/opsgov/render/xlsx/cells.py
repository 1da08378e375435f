"""What goes into a cell of `scorecard.xlsx`: safe text, number formats, sheet names, styles.

Every piece of text (site, vendor and queue names, file names, column headers, definitions)
is written as a string cell, never a formula or an error value. Characters XML cannot hold
are replaced with U+FFFD so the report still saves.
"""

from __future__ import annotations

import math
import re
from typing import Final

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from opsgov.render.formatting import STATUS_LABEL

_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL_TEXT: Final = 32767

SECONDS_PER_DAY: Final = 86400.0
TIME_FORMATS: Final = frozenset({"mm:ss", "hh:mm:ss"})
"""KPI display formats whose values (seconds) are stored as fractions of a day."""

SCORE_FORMAT: Final = "0.0"
SCORE_CHANGE_FORMAT: Final = "+0.0;-0.0;0.0"
_SECONDS_CHANGE_FORMAT: Final = '+#,##0 "s";-#,##0 "s";0 "s"'

BOLD: Final = Font(bold=True)
TITLE: Final = Font(bold=True, size=14)
HEADER_FONT: Final = Font(bold=True, color="FFFFFF")
HEADER_FILL: Final = PatternFill(fill_type="solid", start_color="FF305496", end_color="FF305496")
HEADER_BORDER: Final = Border(bottom=Side(style="thin", color="FF1F3864"))
HEADER_ALIGNMENT: Final = Alignment(vertical="center")
LABEL_FONT: Final = Font(bold=True, color="FF595959")
BANNER_FONT: Final = Font(bold=True, color="FFFFFFFF")
BANNER_FILL: Final = PatternFill(fill_type="solid", start_color="FFC00000", end_color="FFC00000")
WRAP: Final = Alignment(wrap_text=True, vertical="top")

RAG_FILLS: Final = {
    "Green": ("FFC6EFCE", "FF006100"),
    "Amber": ("FFFFEB9C", "FF9C5700"),
    "Red": ("FFFFC7CE", "FF9C0006"),
}
"""Status label -> (fill, font colour) of its conditional format."""


def number_format(fmt: str, currency: str) -> str:
    """The Excel number format of a KPI display format (values stored as `cell_value` gives)."""
    if fmt == "percent":
        return "0.0%"
    if fmt == "mm:ss":
        return "[mm]:ss"
    if fmt == "hh:mm:ss":
        return "[h]:mm:ss"
    if fmt == "currency":
        return f'#,##0.00 "{_format_literal(currency)}"'.replace(' ""', "")
    if fmt == "count":
        return "#,##0"
    if fmt == "hours":
        return '0.0 "h"'
    if fmt == "seconds":
        return '#,##0 "s"'
    return "#,##0.00"


def change_format(fmt: str, currency: str) -> str:
    """The signed Excel number format of a change (time formats change in seconds)."""
    if fmt in TIME_FORMATS:
        return _SECONDS_CHANGE_FORMAT
    base = number_format(fmt, currency)
    return f"+{base};-{base};{base}"


def cell_value(value: float | None, fmt: str) -> float | None:
    """A KPI value as stored in its cell: seconds become fractions of a day for time formats."""
    if value is None or not math.isfinite(value):
        return None
    return value / SECONDS_PER_DAY if fmt in TIME_FORMATS else value


def _format_literal(text: str) -> str:
    """Text safe inside a quoted literal of a number format."""
    return re.sub(r'["\\\x00-\x1f]', "", text)


def clean_text(text: object) -> str:
    """Text a cell can hold: characters XML forbids replaced, cut to Excel's cell limit."""
    return _ILLEGAL.sub("\ufffd", str(text))[:_MAX_CELL_TEXT]


def sheet_title(name: str, taken: set[str]) -> str:
    r"""A sheet name under Excel's rules, unique among `taken` (case-insensitive), then taken.

    Excel allows 1-31 characters, none of `[]:*?/\`, no apostrophe first or last, and
    reserves "History".
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", clean_text(name)).replace("\ufffd", "_").strip("'")
    base = base[:31].strip("'") or "Site"
    if base.casefold() == "history":
        base = f"{base}_"
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        suffix = f"~{number}"
        title = base[: 31 - len(suffix)].rstrip("'") + suffix
    taken.add(title.casefold())
    return title


def status_label(status: str) -> str:
    """A status as a reader sees it (`Green`, `Insufficient data`)."""
    return STATUS_LABEL.get(status, status)


def change(current: float | None, previous: float | None) -> float | None:
    """The current value minus the previous one, when both exist."""
    if current is None or previous is None:
        return None
    return current - previous
