"""Delimited text split record by record by the `csv` module, with the limits enforced.

The reader for text that Arrow's columnar read leaves alone (`opsgov.intake.columnar`):
ragged rows, blank lines inside the table, a quote left open, a field past the limits. It
says exactly what is wrong where.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from opsgov.intake.failures import refuse
from opsgov.intake.limits import Limits
from opsgov.intake.textcodec import EXOTIC_BREAKS
from opsgov.issues import Issue, Location, make_issue


def split_records(
    path: Path, text: str, delimiter: str, limits: Limits, notes: list[Issue]
) -> tuple[list[list[str]], bool]:
    """Split the text into records, enforcing the limits; (rows, truncated).

    Raises:
        WorkbookError: F214 (a field past the limit, a quote never closed) or F206.
    """
    if any(ch in text for ch in EXOTIC_BREAKS):
        lines: Iterable[str] = io.StringIO(text, newline="")
    else:
        lines = text.splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    rows: list[list[str]] = []
    cells = 0
    truncated = False
    last_start = 0
    with _field_limit(limits.max_cell_chars):
        records: Iterator[list[str]] = iter(reader)
        while True:
            start_line = reader.line_num + 1
            try:
                row = next(records)
            except StopIteration:
                break
            except csv.Error as exc:
                refuse(
                    path,
                    "F214",
                    f"line {start_line:,}: a field is longer than {limits.max_cell_chars:,} "
                    "characters; usually a quote opens a field and is never closed",
                    line=start_line,
                    found=str(exc),
                )
            if len(rows) >= limits.max_rows:
                truncated = True
                notes.append(_cut_note(path, f"rows after row {limits.max_rows:,}"))
                break
            width = len(row)
            if width > limits.max_cols:
                row = row[: limits.max_cols]
                if not truncated:
                    notes.append(_cut_note(path, f"columns after column {limits.max_cols:,}"))
                truncated = True
            cells += width
            if cells > limits.max_cells:
                refuse(path, "F206", f"the file holds more than {limits.max_cells:,} cells")
            rows.append(row)
            last_start = start_line
    if (
        not truncated
        and rows
        and reader.line_num > last_start
        and text.count('"') % 2
        and _ends_inside_quotes(text, lines, last_start, delimiter)
    ):
        refuse(
            path,
            "F214",
            f"line {last_start:,}: a quote opens a field and is never closed, so the rest of "
            "the file would be read as one cell",
            line=last_start,
        )
    return rows, truncated


def _ends_inside_quotes(text: str, lines: Iterable[str], start: int, delimiter: str) -> bool:
    """Whether the last record, from line `start` on, ends inside a quoted field."""
    physical = lines if isinstance(lines, list) else io.StringIO(text, newline="").readlines()
    tail = physical[start - 1 :]
    try:
        for _ in csv.reader(tail, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Bound `csv.field_size_limit` (process-wide) while parsing, then restore it."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def nul_note(path: Path, text: str) -> Issue:
    """F209: how many NUL characters the text holds and on which line the first stands."""
    first = text.index("\0")
    line = text.count("\n", 0, first) + 1 if "\n" in text else text.count("\r", 0, first) + 1
    count = text.count("\0")
    return make_issue(
        "F209",
        f"the file contains {count:,} NUL character{'s' if count != 1 else ''}, the first on "
        f"line {line:,}; they were removed",
        location=Location(file=str(path), line=line),
        found=count,
    )


def _cut_note(path: Path, what: str) -> Issue:
    return make_issue(
        "F215",
        f"the file has more data than the limits allow: {what} were not read",
        location=Location(file=str(path)),
    )
