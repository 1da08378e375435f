"""CSV export of the history, safe to open in a spreadsheet.

Text that a spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
carriage return, also after leading spaces, or after a line break inside the cell) is prefixed
with a single quote (OWASP CSV injection); control characters become U+FFFD. Numbers are written
as numbers, in full precision (negative values are not prefixed).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

_DANGEROUS = re.compile(r"(^|[\r\n])[\s\u00a0]*[=+\-@\t\r]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_cell(value: object) -> object:
    """A value ready for a CSV cell: numbers as they are, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else value
    text = _CONTROL.sub("\ufffd", str(value))
    return "'" + text if _DANGEROUS.search(text) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """Rows as CSV (RFC 4180 quoting, CRLF line ends), with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return buffer.getvalue()
