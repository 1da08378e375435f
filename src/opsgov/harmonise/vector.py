"""Whole columns of text converted by Arrow's compute kernels, without a Python object per cell.

Delimited text arrives as text in every cell. The cells that are plain numbers (`12`, `-3.5`,
`1e5`, or `3,5` under a decimal comma), blank, or one of few distinct values are converted
here a column at a time; every other cell (`1,234`, `12 %`, `(30)`, `#N/A`, `1:30`) is left
to the cell-by-cell converters of `values.py`, which say exactly what is wrong with it. So a
column converts to the same numbers, and the same findings, whichever way it is read.

Plain means ASCII digits, an optional sign, one decimal separator and an exponent, with ASCII
spaces around: anything else (Unicode digits, non-breaking spaces, `nan`) takes the slow path.

pyarrow is imported when a column first needs it, so that commands which read no delimited
text do not pay for its import.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from opsgov.harmonise.table import FloatArray, IntArray

if TYPE_CHECKING:
    import pyarrow as pa

_PLAIN = {
    ".": r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$",
    ",": r"^[-+]?(?:[0-9]+(?:,[0-9]*)?|,[0-9]+)(?:[eE][-+]?[0-9]+)?$",
}
_TEXT = {str, type(None)}


def is_arrow(values: object) -> bool:
    """Whether a column is an Arrow array (delimited text read in bulk)."""
    arrow = sys.modules.get("pyarrow")  # no Arrow array exists before pyarrow is imported
    return arrow is not None and isinstance(values, arrow.Array | arrow.ChunkedArray)


def text_array(values: Sequence[object] | pa.Array) -> pa.Array | None:
    """The column as an Arrow string array, or None when it holds anything but text and blanks."""
    if is_arrow(values):
        import pyarrow as pa

        if isinstance(values, pa.ChunkedArray):
            values = values.combine_chunks()
        return values if pa.types.is_string(values.type) else None  # type: ignore[union-attr]
    if not values or not set(map(type, values)) <= _TEXT:
        return None
    import pyarrow as pa

    return pa.array(values, type=pa.string())


def typed_numbers(values: object) -> FloatArray | None:
    """A column of Arrow numbers (a sheet read by columns) as floats, NaN where empty; else None."""
    if not is_arrow(values):
        return None
    import pyarrow as pa

    kind = values.type  # type: ignore[attr-defined]
    if not (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
        return None
    floats = values.cast(pa.float64())  # type: ignore[attr-defined]
    return np.array(floats.to_numpy(zero_copy_only=False), dtype=np.float64)


def typed_dates(values: object) -> IntArray | None:
    """A column of Arrow dates or date-times as day ordinals, 0 where empty; else None."""
    if not is_arrow(values):
        return None
    import pyarrow as pa

    kind = values.type  # type: ignore[attr-defined]
    if pa.types.is_date32(kind):
        days = values.cast(pa.int32()).cast(pa.int64())  # type: ignore[attr-defined]
    elif pa.types.is_timestamp(kind) and kind.tz is None:
        ms = np.asarray(values.cast(pa.timestamp("ms")).cast(pa.int64()).fill_null(0))  # type: ignore[attr-defined]
        days = pa.array(ms // 86_400_000, mask=np.asarray(values.is_null()))  # type: ignore[attr-defined]
    else:
        return None
    ordinals = np.asarray(days.fill_null(-_UNIX_EPOCH).to_numpy(zero_copy_only=False), np.int64)
    return ordinals + _UNIX_EPOCH


_UNIX_EPOCH = 719_163
"""The day ordinal of 1970-01-01, day 0 of Arrow's dates."""


def text_numbers(column: pa.Array, decimal: str) -> tuple[FloatArray, IntArray]:
    """The plain numbers of a text column, and the cells that need a closer look.

    Args:
        column: Text cells (null for an empty cell).
        decimal: `.` or `,`.

    Returns:
        (numbers, others): the value of every plain-number cell, NaN elsewhere (blank cells
        included); and the indices of the cells that are neither blank nor plain numbers,
        nor finite, in order.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    whole = _integers(column)
    if whole is not None:
        return whole, np.empty(0, dtype=np.int64)
    trimmed = pc.ascii_trim_whitespace(column)
    blank = pc.fill_null(pc.equal(pc.binary_length(trimmed), 0), True)
    plain = pc.fill_null(pc.match_substring_regex(trimmed, _PLAIN[decimal]), False)
    texts = pc.if_else(plain, trimmed, pa.scalar(None, pa.string()))
    if decimal == ",":
        texts = pc.replace_substring(texts, ",", ".")
    numbers = np.asarray(
        pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
    ).copy()
    plain_np = plain.to_numpy(zero_copy_only=False)
    finite = np.isfinite(numbers)
    others = ~blank.to_numpy(zero_copy_only=False) & ~(plain_np & finite)
    numbers[~finite] = np.nan
    return numbers, np.flatnonzero(others).astype(np.int64)


def _integers(column: pa.Array) -> FloatArray | None:
    """The column's numbers when every cell is an integer written plainly (`12`, `-3`, `007`).

    Arrow's conversion to integers accepts `-?[0-9]+`, every one a plain number whose value
    as a float is the integer's (both round to the nearest float), and also hexadecimal
    (`0x1F`) and `-0`, which `text_numbers` reads otherwise (as text, and as -0.0): a column
    holding either is left to the general path, as is one with an empty cell.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        ints = pc.cast(column, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if _holds_x(column):
        return None
    zero = pc.equal(ints, 0)
    if pc.any(zero).as_py() and pc.any(pc.starts_with(pc.filter(column, zero), "-")).as_py():
        return None
    values = ints.to_numpy(zero_copy_only=False)  # floats with NaN where null
    out: FloatArray = values.astype(np.float64) if values.dtype != np.float64 else values.copy()
    return out


def _holds_x(column: pa.Array | pa.ChunkedArray) -> bool:
    """Whether the column's text holds an `x` or `X` (a byte search of its values, in C)."""
    chunks = column.chunks if hasattr(column, "chunks") else [column]
    for chunk in chunks:
        _, offsets, data = chunk.buffers()
        if data is None or not len(chunk):
            continue
        bounds = np.frombuffer(offsets, dtype=np.int32)[[chunk.offset, chunk.offset + len(chunk)]]
        text = data.slice(int(bounds[0]), int(bounds[1] - bounds[0])).to_pybytes()
        if b"x" in text or b"X" in text:
            return True
    return False


def distinct(column: pa.Array) -> tuple[list[object], IntArray]:
    """The column's distinct values (None for a null) and, per cell, the index of its value."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column, null_encoding="encode")
    values: list[object] = encoded.dictionary.to_pylist()
    indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    return values, indices


def pick(values: pa.Array | Sequence[object], rows: Sequence[int]) -> pa.Array | list[object]:
    """The cells at the given row indices, in the column's own kind."""
    if is_arrow(values):
        import pyarrow as pa

        return values.take(pa.array(rows, type=pa.int64()))  # type: ignore[union-attr]
    return [values[i] for i in rows]


def cells(values: pa.Array | Sequence[object]) -> list[object]:
    """The column as a list of Python values."""
    if is_arrow(values):
        out: list[object] = values.to_pylist()  # type: ignore[union-attr]
        return out
    return list(values)
