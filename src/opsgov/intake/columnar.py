"""Delimited text split into columns by Arrow's CSV reader, and a row view over those columns.

`read_delimited` decodes the file and finds its separator as before; the splitting is then
done by `pyarrow.csv` (multithreaded C++, the same quoting rules as Python's `csv` module:
a quote opens a field only at its start, doubled quotes inside), into one string array per
column, with no Python object per cell. Harmonising converts those columns a column at a
time (`opsgov.harmonise.vector`).

The fast read is taken only when it must give the same cells as the `csv` module: every
record has the same number of fields (no banner above the table), no row inside the table is
without text (a blank line, which `csv` reads as an empty record, and Arrow as empty fields),
more than one column, an even number of quotes, no line break `csv` would not treat as one,
valid UTF-8, and every limit is met. Anything else (ragged rows, a quote left open, a field
past the limit) is read by the `csv` module, which says exactly what is wrong where.

The reader runs on one thread, in blocks: on a machine shared with other work it costs less
CPU time than several threads, and each column is joined into one array while the next is
still in blocks, so that a column is held twice at most, not the whole table.

`HeadedRows` is the same view under a header row of values, for an xlsx sheet read by columns
(`opsgov.intake.arrowsheet`).

`ColumnRows` lets everything that reads a sheet row by row (header search, `inspect`,
drafts, annotated copies) do so unchanged; rows are built only when asked for.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from opsgov.intake.limits import Limits
from opsgov.intake.raw import CellValue

if TYPE_CHECKING:
    import pyarrow as pa

_CHUNK = 65_536
_BLOCK_BYTES = 8 << 20


def _part(column: pa.Array | list[CellValue], start: int, n: int) -> pa.Array | list[CellValue]:
    return column[start : start + n] if isinstance(column, list) else column.slice(start, n)


def _cells(column: pa.Array | list[CellValue]) -> list[CellValue]:
    return column if isinstance(column, list) else column.to_pylist()


class ColumnRows(Sequence[list[CellValue]]):
    """The rows of equally long columns, built on demand (a slice stays a view).

    A column is an Arrow array, or a list of values where an array cannot hold them (a
    sheet's column with error cells).
    """

    __slots__ = ("columns", "length")

    def __init__(self, columns: list[Any]) -> None:
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

                picked = range(start, stop, step)
                return ColumnRows(
                    [
                        [c[i] for i in picked] if isinstance(c, list) else c.take(pa.array(picked))
                        for c in self.columns
                    ]
                )
            return ColumnRows([_part(c, start, max(0, stop - start)) for c in self.columns])
        if index < 0:
            index += self.length
        if not 0 <= index < self.length:
            raise IndexError(index)
        return [c[index] if isinstance(c, list) else c[index].as_py() for c in self.columns]

    def __iter__(self) -> Iterator[list[CellValue]]:
        for start in range(0, self.length, _CHUNK):
            parts = [_cells(_part(c, start, _CHUNK)) for c in self.columns]
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


class HeadedRows(Sequence[list[CellValue]]):
    """A header row of values above equally long columns (a sheet read by columns).

    A slice that leaves out the header is a `ColumnRows` view; one that takes it in is
    built as lists.
    """

    __slots__ = ("body", "head")

    def __init__(self, head: list[CellValue], columns: list[Any]) -> None:
        self.head = head
        self.body = ColumnRows(columns)

    def __len__(self) -> int:
        return 1 + len(self.body)

    @overload
    def __getitem__(self, index: int) -> list[CellValue]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[list[CellValue]]: ...

    def __getitem__(self, index: int | slice) -> list[CellValue] | Sequence[list[CellValue]]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(start, stop, step)]
            if start >= 1:
                return self.body[start - 1 : max(start, stop) - 1]
            return [list(self.head), *self.body[: stop - 1]] if stop > 0 else []
        if index < 0:
            index += len(self)
        if index == 0:
            return list(self.head)
        return self.body[index - 1]

    def __iter__(self) -> Iterator[list[CellValue]]:
        yield list(self.head)
        yield from self.body

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return len(other) == len(self) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HeadedRows(1 + {len(self.body):,} rows x {len(self.head)} columns)"


def arrow_columns(
    utf8: bytes, sample: str, delimiter: str, limits: Limits, start: int = 0
) -> list[pa.Array] | None:
    """The text split into one string array per column, or None when `csv` must read it.

    Args:
        utf8: The text as UTF-8, without NUL characters; bytes that are not UTF-8 make
            this None.
        sample: The start of the text (at least its first record, when short).
        delimiter: The field separator.
        limits: Rows, columns, cells and characters per cell.
        start: Where the text starts in `utf8` (after a byte-order mark).

    Returns:
        Equally long columns, leading and trailing rows without any text left out; None
        when the fast read could differ from the `csv` module's (see the module's notes).
    """
    if utf8.find(b'"', start) >= 0 and utf8.count(b'"', start) % 2:
        return None
    width = _first_width(sample, delimiter)
    if width < 2 or width > limits.max_cols:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    _prefer_jemalloc(pa)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(utf8).slice(start),
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True, block_size=_BLOCK_BYTES, use_threads=False
            ),
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
    rows = table.num_rows
    if table.num_columns != width or rows > limits.max_rows or rows * width > limits.max_cells:
        return None
    chunked = table.columns
    del table
    columns = []
    filled = np.zeros(rows, dtype=bool)
    for i, part in enumerate(chunked):
        column = part.combine_chunks()
        chunked[i] = None  # a column is held twice at most
        size = pc.binary_length(column)  # bytes: at least the characters
        if (pc.max(size).as_py() or 0) > limits.max_cell_chars and (
            pc.max(pc.utf8_length(column)).as_py() or 0
        ) > limits.max_cell_chars:
            return None
        filled |= size.to_numpy(zero_copy_only=False) > 0
        columns.append(column)
    kept = np.flatnonzero(filled)
    if not len(kept):
        return [c.slice(0, 0) for c in columns]
    first, last = int(kept[0]), int(kept[-1])
    if len(kept) != last - first + 1:
        return None  # a row without text inside the table (a blank line: `csv` reads it)
    return [c.slice(first, last - first + 1) for c in columns]


def _prefer_jemalloc(pa: Any) -> None:
    """Allocate Arrow memory with jemalloc, where pyarrow has it and nobody chose otherwise.

    pyarrow's default on Linux, mimalloc, hands freed pages back to the system and faults
    them in again as the next column is built: reading a million-row file spent a third of
    a second more in the kernel than with jemalloc, for the same peak memory.
    """
    if (
        os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
        or pa.default_memory_pool().backend_name != "mimalloc"
    ):
        return
    with contextlib.suppress(NotImplementedError):  # a build without jemalloc
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def _first_width(sample: str, delimiter: str) -> int:
    """Fields in the first record (0 when the text has none)."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    first = next(islice(reader, 1), None)
    return len(first) if first is not None else 0
