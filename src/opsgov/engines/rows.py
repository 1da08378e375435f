"""Harmonised rows as one table: the columns SQL engines read, and where each row came from.

One row per harmonised row: `period`, `site`, `date` (days since 1970 here, a DATE once
written; NULL for a monthly row),
`queue`, the profile's further keys (by header, made snake_case: `agent_id`), each category
measure, each numeric measure (DOUBLE, NULL where the cell was blank), then the provenance:
`file`, `sheet`, `sheet_id` (the sheet's index in the manifest's `sheets`: an engine groups by
one small integer rather than two strings), `row` (the sheet row as a spreadsheet shows it)
and `profile`.

Which sheet column and header each measure was read from is the same for every row of a
sheet, so it is kept once per sheet in the manifest (`Manifest.sources`), not per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from opsgov.harmonise.table import Block
from opsgov.issues import column_letter
from opsgov.models.framework import NUMERIC_KINDS, Framework

PROVENANCE = ("file", "sheet", "sheet_id", "row", "profile")
"""The columns that say where a row came from."""

_EPOCH = dt.date(1970, 1, 1).toordinal()


def key_column(header: str) -> str:
    """The column name of a profile key: `Agent ID` -> `agent_id`."""
    name = re.sub(r"[^0-9a-z]+", "_", header.lower()).strip("_")
    return name if re.match(r"[a-z]", name) else f"key_{name}"


@dataclass(frozen=True)
class SourceColumn:
    """Where one measure of one sheet was read: for lineage without reading the workbook."""

    file: str
    sheet: str
    measure: str
    column: str
    header: str


def sources(blocks: Sequence[Block]) -> list[SourceColumn]:
    """The column and header each measure of each sheet was read from."""
    out: list[SourceColumn] = []
    for block in blocks:
        src = block.source
        for measure_id in block.measures:
            col = src.columns.get(measure_id)
            if col is not None:
                header = src.headers.get(measure_id, measure_id)
                out.append(
                    SourceColumn(src.file, src.sheet, measure_id, column_letter(col), header)
                )
    return out


def sheet_list(blocks: Sequence[Block]) -> list[tuple[str, str]]:
    """Each (file, sheet) of the blocks once, in order: `sheet_id` is an index into it."""
    return list(dict.fromkeys((b.source.file, b.source.sheet) for b in blocks))


def _text(values: Sequence[str | None]) -> npt.NDArray[np.object_]:
    return np.array(list(values), dtype=object)


def harmonised_columns(
    blocks: Sequence[Block], framework: Framework, period: str
) -> dict[str, npt.NDArray[np.generic]]:
    """Every block's rows as named columns (NumPy arrays, NaN for a blank number)."""
    numeric = [m.id for m in framework.measures if m.kind in NUMERIC_KINDS]
    base = {"period", "site", "date", "queue", *PROVENANCE}
    categories = [m.id for m in framework.measures if m.kind == "category" and m.id not in base]
    keys = [
        k for k in dict.fromkeys(key_column(k) for b in blocks for k in b.keys) if k not in base
    ]
    n = sum(len(b) for b in blocks)
    sheet_ids = {ref: i for i, ref in enumerate(sheet_list(blocks))}
    columns: dict[str, list[npt.NDArray[np.generic]]] = {}

    def add(name: str, part: npt.NDArray[np.generic]) -> None:
        columns.setdefault(name, []).append(part)

    for block in blocks:
        size = len(block)
        none = _text([None] * size)
        add("period", _text([period] * size))
        add("site", _text(block.site))
        # Days since 1970; a row without a date (0) is NaN, which the writer turns into NULL.
        add("date", np.where(block.date > 0, (block.date - _EPOCH).astype(np.float64), np.nan))
        add("queue", _text(block.queue))
        mine = {key_column(k): v for k, v in block.keys.items()}
        for key in keys:
            add(key, _text(mine[key]) if key in mine else none)
        for measure_id in categories:
            found = block.categories.get(measure_id)
            add(measure_id, _text(found) if found is not None else none)
        for measure_id in numeric:
            values = block.measures.get(measure_id)
            add(measure_id, values if values is not None else np.full(size, np.nan))
        add("file", _text([block.source.file] * size))
        add("sheet", _text([block.source.sheet] * size))
        add("sheet_id", np.full(size, sheet_ids[block.source.file, block.source.sheet], np.int32))
        add("row", block.rows.astype(np.int64))
        add("profile", _text([block.source.profile] * size))
    if n == 0:
        names = ["period", "site", "date", "queue", *keys, *categories, *numeric, *PROVENANCE]
        empty: dict[str, npt.NDArray[np.generic]] = {name: _text([]) for name in names}
        empty["date"] = np.array([], dtype=np.float64)
        empty["row"] = np.array([], dtype=np.int64)
        empty["sheet_id"] = np.array([], dtype=np.int32)
        for measure_id in numeric:
            empty[measure_id] = np.array([], dtype=np.float64)
        return empty
    return {name: np.concatenate(parts) for name, parts in columns.items()}
