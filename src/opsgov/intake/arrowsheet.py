"""xlsx sheets read by fastexcel into Arrow arrays, one per column, with no Python object per cell.

fastexcel wraps the same reader as python-calamine (calamine, in Rust) and returns each column
as one typed Arrow array. The columnar read is taken only where it gives exactly the cells of
the row-by-row read (`opsgov.intake.sheets`); anywhere else that read is used, for the sheet:

- the sheet's first row is all text and the rows under it stay within its columns
  (`opsgov.intake.xlsxhead`, before parsing); that row is the header fastexcel names the
  columns from, and every row under it is data, typed;
- every column under that row holds one kind of value (fastexcel's strict inference over
  all rows: numbers, text, booleans, date-times or durations; empty and error cells aside);
  a column mixing kinds (a number written as text among numbers) is read row by row;
- nothing was coerced: every cell fastexcel could not convert is an error cell the byte scan
  found (`opsgov.intake.sheetscan`), which becomes a `CellError`, and no number column holds
  NaN (which only text such as `nan` can produce);
- no merged ranges, no formulas without stored results, no ISO date cells (`t="d"`), within
  the row and column limits, and the text within the character budget (as for a bulk read).

Date-time cells become what python-calamine makes of them: a date when the time is
midnight, a time of day before day 1 of the date system, else a date-time (to the
millisecond, as calamine rounds). A column mixing these becomes a list of those values.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from opsgov.intake.columnar import HeadedRows
from opsgov.intake.raw import CellError, RawSheet
from opsgov.intake.sheetscan import CellFacts
from opsgov.intake.xlsxhead import Head, header_first

if TYPE_CHECKING:
    import pyarrow as pa

_DAY_MS = 86_400_000
_FIRST_DAY_MS = {1900: -2_208_988_800_000, 1904: -2_082_672_000_000}
"""Unix milliseconds of the instant calamine gives serial 1.0 (1900-01-01, or 1904-01-02 in
the 1904 date system): anything earlier is a time of day to python-calamine."""
_YEAR_1_MS = -62_135_596_800_000
_YEAR_10000_MS = 253_402_300_800_000
_ALIAS = re.compile(r"(.*)_[0-9]+", re.DOTALL)
_KEPT = ("string", "double", "int64", "bool", "null", "duration[ms]")


@dataclass
class Loaded:
    """A parsed sheet whose columns are not built yet (the text budget is checked first)."""

    sheet: Any
    head: Head
    height: int
    """Rows from the first row (the header) to the last."""
    width: int
    first_col: int


class ColumnarReader:
    """fastexcel over one workbook, opened when a sheet first qualifies."""

    def __init__(self, alias: Path, path: Path, parts: dict[str, zipfile.ZipInfo]) -> None:
        """Args: alias: the file under an .xlsx name; path: the file; parts: sheet -> XML part."""
        self.alias = alias
        self.path = path
        self.parts = parts
        self._reader: Any = None

    def load(self, name: str) -> Loaded | None:
        """Parse the sheet when its start fits the columnar read; None to read it row by row."""
        info = self.parts.get(name)
        if info is None:
            return None
        head = header_first(self.path, info)
        if head is None:
            return None
        try:
            import fastexcel

            # fastexcel logs the columns it types as text for want of values (empty columns)
            logging.getLogger("fastexcel").setLevel(logging.ERROR)
            if self._reader is None:
                self._reader = fastexcel.read_excel(str(self.alias))
            sheet = self._reader.load_sheet(
                name, header_row=0, schema_sample_rows=None, dtype_coercion="strict"
            )
        except (KeyboardInterrupt, SystemExit, MemoryError):
            raise
        except BaseException:  # fastexcel will not type it (or panicked): read it by rows,
            return None  # which says what is wrong, if anything
        infos = sheet.available_columns()
        index = [c.absolute_index for c in infos]
        if not index or index != list(range(index[0], index[0] + len(index))):
            return None
        named = {c.absolute_index + 1 for c in infos if str(c.column_name_from) == "looked_up"}
        if named != head.columns:  # the header fastexcel found is not the row looked at
            return None
        names = {c.name for c in infos}
        if any(m and m.group(1) in names for m in map(_ALIAS.fullmatch, names)):
            return None  # a repeated header, which fastexcel renames: `Calls`, `Calls_1`
        return Loaded(sheet, head, sheet.total_height + 1, len(infos), index[0] + 1)


def build(loaded: Loaded, facts: CellFacts, name: str, date_system: int) -> RawSheet | None:
    """The sheet's cells as typed columns, or None where they could differ from a row read."""
    if facts.formulas_without_value or facts.merged or facts.iso_cells:
        return None
    first_row, first_col = loaded.head.row, loaded.first_col
    errors: dict[int, dict[int, str]] = {}
    for (row, col), code in facts.errors.items():
        if row <= first_row:
            return None  # an error in the header row
        errors.setdefault(col - first_col, {})[row - first_row - 1] = code
    try:
        batch, failed = loaded.sheet.to_arrow_with_errors()
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException:
        return None
    for cell in failed.errors if failed is not None else []:
        index, col = cell.offset_position
        if errors.get(col, {}).get(index) is None:
            return None  # a cell fastexcel could not convert that is no error cell
    head: list[Any] = []
    columns: list[Any] = []
    infos = loaded.sheet.available_columns()
    for col, (info, array) in enumerate(zip(infos, batch.columns, strict=True)):
        head.append(info.name if str(info.column_name_from) == "looked_up" else None)
        column = _column(array, date_system)
        if column is None:
            return None
        found = errors.get(col)
        if found:
            values = column.to_pylist() if not isinstance(column, list) else column
            for index, code in found.items():
                if values[index] is not None:
                    return None  # the scan and the reader disagree about this cell
                values[index] = CellError(code)
            column = values
        columns.append(column)
    return RawSheet(
        name=name,
        first_row=first_row,
        first_col=first_col,
        rows=HeadedRows(head, columns),
    )


def _column(array: pa.Array, date_system: int) -> pa.Array | list[Any] | None:
    """One column as python-calamine would give its cells; None when that cannot be sure."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = str(array.type)
    if kind == "double" and pc.any(pc.is_nan(array)).as_py():
        return None
    if kind in _KEPT:
        return array
    if kind != "timestamp[ms]":
        return None  # dates from ISO cells, or a type this read does not know
    ms = np.asarray(array.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False))
    valid = ~np.asarray(array.is_null().to_numpy(zero_copy_only=False))
    given = ms[valid]
    if len(given) and (given.min() < _YEAR_1_MS or given.max() >= _YEAR_10000_MS):
        return None  # python-calamine gives such a cell's serial number
    time = given < _FIRST_DAY_MS[date_system]
    whole = (given % _DAY_MS == 0) & ~time
    if whole.all():
        return pa.array((ms // _DAY_MS).astype(np.int32), pa.int32(), mask=~valid).cast(pa.date32())
    if time.all():
        of_day = (ms % _DAY_MS).astype(np.int32)
        return pa.array(of_day, pa.int32(), mask=~valid).cast(pa.time32("ms"))
    if not (whole | time).any():
        return array
    return _mixed(array.to_pylist(), date_system)


def _mixed(values: list[Any], date_system: int) -> list[Any]:
    """Date-times, dates and times of day in one column, cell by cell."""
    first_day = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=_FIRST_DAY_MS[date_system])
    out: list[Any] = []
    for value in values:
        if value is None:
            out.append(None)
        elif value < first_day:
            out.append(value.time())
        elif value.time() == dt.time():
            out.append(value.date())
        else:
            out.append(value)
    return out
