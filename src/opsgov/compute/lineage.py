"""Where each site measure came from: files, sheets, columns and row ranges."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from opsgov.factorise import factorise
from opsgov.harmonise.table import Block
from opsgov.issues import column_letter
from opsgov.models.results import CellSpan


def row_ranges(rows: npt.NDArray[np.int64]) -> str:
    """Sorted row numbers as ranges: `5-35` or `5-20, 22-35`."""
    if not len(rows):
        return ""
    if np.any(rows[1:] < rows[:-1]):
        rows = np.sort(rows)
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.r_[rows[0], rows[breaks + 1]]
    ends = np.r_[rows[breaks], rows[-1]]
    return ", ".join(
        f"{a}" if a == b else f"{a}-{b}"
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    )


def lineage(blocks: Sequence[Block]) -> dict[tuple[str, str], list[CellSpan]]:
    """(site, measure) -> the cells that fed it."""
    out: dict[tuple[str, str], list[CellSpan]] = {}
    for block in blocks:
        src = block.source
        codes, sites = factorise(block.site)
        order = np.argsort(codes, kind="stable")  # each site's rows, in sheet order
        bounds = np.searchsorted(codes[order], np.arange(len(sites) + 1))
        for k, site in enumerate(sites):
            if site is None:
                continue
            mine = order[bounds[k] : bounds[k + 1]]
            for measure_id, values in block.measures.items():
                rows = block.rows[mine[~np.isnan(values[mine])]]
                col = src.columns.get(measure_id)
                if not len(rows) or col is None:
                    continue
                out.setdefault((str(site), measure_id), []).append(
                    CellSpan(
                        file=src.file,
                        sheet=src.sheet,
                        column=column_letter(col),
                        header=src.headers.get(measure_id, measure_id),
                        rows=row_ranges(rows),
                    )
                )
    return out
