"""The first rows of an xlsx worksheet's XML, looked at before the sheet is parsed.

The columnar read (`opsgov.intake.arrowsheet`) types each column from the rows under the
sheet's first row, so it fits a sheet whose first row holds nothing but text (a header) and
whose later rows stay within that row's columns: a machine-written extract. A title banner, a
note above the table or a header that does not start the sheet makes the columns mixed, and
the parse would be wasted; such sheets go to the row-by-row read at once. This look inflates
only the start of the part (at most 1 MiB) and reads no values: it decides which read to try,
never what a cell holds.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from opsgov.intake.sheetscan import column_number, inflate, root_prefix

_HEAD_BYTES = 1 << 20
_ROWS_LOOKED_AT = 8
"""Rows looked at: enough for a banner, a note or a second header above the table. Rows
further down are left to the parse and the columnar read's own checks (a column mixing kinds,
a header other than this row, a cell it cannot convert: the sheet goes to the row read);
looking at 64 rows cost a third of `validate` on a month of small files."""
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']""")
_ROW_REF = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,7})["']""")
_TYPE = re.compile(rb"""\st\s*=\s*["']([A-Za-z]+)["']""")
_TEXT_TYPES = frozenset({b"s", b"inlineStr"})


@dataclass(frozen=True)
class Head:
    """Where the sheet's first row is, and which columns hold its text.

    Attributes:
        row: 1-based row of the first row holding cells.
        columns: 1-based columns of the cells of that row that hold a value (all text).
    """

    row: int
    columns: frozenset[int]


def header_first(path: Path, info: zipfile.ZipInfo) -> Head | None:
    """The sheet's first row when it is all text and the rows after it stay in its columns.

    Args:
        path: The xlsx file.
        info: The worksheet's archive entry.

    Returns:
        The first row and its columns, or None when the sheet does not look like that (or
        the start of its XML cannot be read plainly: no references, formulas in the first
        row, a row longer than the part's first MiB).
    """
    buf = b""
    for chunk in inflate(path, info):
        buf += chunk
        if len(buf) >= _HEAD_BYTES:
            break
    prefix = root_prefix(buf)
    if prefix is None:
        return None
    p = re.escape(prefix)
    data = buf.find(b"<" + prefix + b"sheetData")
    if data < 0:
        return None
    rows = re.compile(rb"<" + p + rb"row(\s[^>]*?)?(/?)>")
    row_end = b"</" + prefix + b"row>"
    cells = re.compile(rb"<" + p + rb"c(\s[^>]*?)?(/?)>")
    head: Head | None = None
    last = 0
    at = data
    for _ in range(_ROWS_LOOKED_AT):
        m = rows.search(buf, at)
        if m is None:
            break
        if m.group(2):  # a self-closed row holds no cells
            at = m.end()
            continue
        end = buf.find(row_end, m.end())
        if end < 0:
            break  # the row goes on past what was inflated
        body = buf[m.end() : end]
        at = end + len(row_end)
        ref = _ROW_REF.search(b" " + (m.group(1) or b""))
        found = _valued_cells(body, cells, prefix, formulas=head is not None)
        if found is None or ref is None:
            return None
        number = int(ref.group(1))
        if number <= last:
            return None
        last = number
        if not found:
            if head is None:
                return None  # a first row of empty cells: a layout the look does not judge
            continue
        if head is None:
            if any(row != number or not text for row, _, text in found):
                return None
            head = Head(number, frozenset(col for _, col, _ in found))
        elif any(row != number or not min(head.columns) <= col <= max(head.columns)
                 for row, col, _ in found):  # fmt: skip
            return None
    return head


def _valued_cells(
    body: bytes, cells: re.Pattern[bytes], prefix: bytes, *, formulas: bool
) -> list[tuple[int, int, bool]] | None:
    """(row, column, is text) of each cell of a row that holds a value; None when unsure.

    `formulas`: whether the row may hold formulas (not the first row, whose text must be
    plain).
    """
    out: list[tuple[int, int, bool]] = []
    close = b"</" + prefix + b"c>"
    for m in cells.finditer(body):
        attrs = b" " + (m.group(1) or b"")
        ref = _REF.search(attrs)
        if ref is None:
            return None
        if m.group(2):
            continue  # self-closed: no value
        end = body.find(close, m.end())
        if end < 0:
            return None
        inner = body[m.end() : end]
        if not formulas and b"<" + prefix + b"f" in inner:
            return None
        kind = _TYPE.search(attrs)
        valued = b"<" + prefix + b"v" in inner or b"<" + prefix + b"is" in inner
        if valued:
            text = kind is not None and kind.group(1) in _TEXT_TYPES
            out.append((int(ref.group(2)), column_number(ref.group(1)), text))
    return out
