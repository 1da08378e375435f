"""Delimited text split into columns by Arrow's CSV reader, and a row view over those columns.

`read_delimited` decodes the file and finds its separator as before; the splitting is then
done by `pyarrow.csv` (multithreaded C++, the same quoting rules as Python's `csv` module:
a quote opens a field only at its start, doubled quotes inside), into one string array per
column, with no Python object per cell. Harmonising converts those columns a column at a
time (`opsgov.harmonise.vector`).

The fast read is taken only when it must give the same cells as the `csv` module: every
record has the same number of fields (no blank line inside the table, no banner above it),
more than one column, an even number of quotes, no line break `csv` would not treat as one,
and every limit is met. Anything else (ragged rows, a quote left open, a field past the
limit) is read by the `csv` module, which says exactly what is wrong where.

`ColumnRows` lets everything that reads a sheet row by row (header search, `inspect`,
drafts, annotated copies) do so unchanged; rows are built only when asked for.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, overload

import numpy as np

from opsgov.intake.limits import Limits
from opsgov.intake.raw import CellValue

if TYPE_CHECKING:
    import pyarrow as pa

_CHUNK = 65_536
_BLOCK_BYTES = 8 << 20


class ColumnRows(Sequence[list[CellValue]]):
    """The rows of equally long text columns, built on demand (a slice stays a view)."""

    __slots__ = ("columns", "length")

    def __init__(self, columns: list[pa.Array]) -> None:
        self.columns = columns
        self.length = len(columns[0]) if columns else 0

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> list[CellValue]: ...

    @overload
    def __getitem__(self, index: slice) -> ColumnRows: ...

    def __getitem__(self, index: int | slice) -> list[CellValue] | ColumnRows:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.length)
            if step != 1:
                import pyarrow as pa

                return ColumnRows(
                    [c.take(pa.array(range(start, stop, step))) for c in self.columns]
                )
            return ColumnRows([c.slice(start, max(0, stop - start)) for c in self.columns])
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        return [c[index].as_py() for c in self.columns]

    def __iter__(self) -> Iterator[list[CellValue]]:
        for start in range(0, self.length, _CHUNK):
            parts = [c.slice(start, _CHUNK).to_pylist() for c in self.columns]
            yield from map(list, zip(*parts, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(other) == self.length and all(
                a == b for a, b in zip(self, other, strict=True)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ColumnRows({self.length:,} rows x {len(self.columns)} columns)"


def arrow_columns(text: str, delimiter: str, limits: Limits) -> list[pa.Array] | None:
    """The text split into one string array per column, or None when `csv` must read it.

    Args:
        text: The decoded file, NUL characters already removed.
        delimiter: The field separator.
        limits: Rows, columns, cells and characters per cell.

    Returns:
        Equally long columns, leading and trailing rows without any text left out; None
        when the fast read could differ from the `csv` module's (see the module's notes).
    """
    if text.count('"') % 2 or _blank_line_inside(text):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    width = _first_width(text, delimiter)
    if width < 2 or width > limits.max_cols:
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_columns != width or table.num_rows > limits.max_rows:
        return None
    if table.num_rows * width > limits.max_cells:
        return None
    columns = [c.combine_chunks() for c in table.columns]
    filled = np.zeros(table.num_rows, dtype=bool)
    for column in columns:
        size = pc.binary_length(column)  # bytes: at least the characters
        if (pc.max(size).as_py() or 0) > limits.max_cell_chars and (
            pc.max(pc.utf8_length(column)).as_py() or 0
        ) > limits.max_cell_chars:
            return None
        filled |= size.to_numpy(zero_copy_only=False) > 0
    kept = np.flatnonzero(filled)
    if not len(kept):
        return [c.slice(0, 0) for c in columns]
    first, last = int(kept[0]), int(kept[-1])
    return [c.slice(first, last - first + 1) for c in columns]


def _blank_line_inside(text: str) -> bool:
    r"""Whether a blank line stands between two lines of text (`csv` reads it as an empty row).

    Arrow's reader would read it as a row of empty fields; outside quotes or in, the `csv`
    module is left to read such a file. Two line ends in a row (`\n\n`, `\r\r`, or `\n`
    then `\r`) make a blank line; `\r\n` is one line end.
    """
    start, end = 0, len(text)
    while start < end and text[start] in "\r\n":
        start += 1
    while end > start and text[end - 1] in "\r\n":
        end -= 1
    return any(text.find(pair, start, end) >= 0 for pair in ("\n\n", "\r\r", "\n\r"))


def _first_width(text: str, delimiter: str) -> int:
    """Fields in the first record (0 when the text has none)."""
    reader = csv.reader(io.StringIO(text[: 64 * 1024], newline=""), delimiter=delimiter)
    first = next(islice(reader, 1), None)
    return len(first) if first is not None else 0
