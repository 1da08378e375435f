"""Partial sums of every measure by (site, date, queue): the one pass over the rows.

Everything above this works on these small tables, never on the rows again, so a million-row
month is touched once, by NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from opsgov.harmonise.table import Block

GroupKey = tuple[str, int, str | None]
"""(site, date ordinal or 0 for monthly rows, queue)."""


@dataclass
class Partial:
    """Sums, counts and extremes of one measure within one group."""

    total: float = 0.0
    count: int = 0
    high: float = -np.inf
    low: float = np.inf

    def add(self, other: Partial) -> None:
        """Merge another partial (the same group from another file)."""
        self.total += other.total
        self.count += other.count
        self.high = max(self.high, other.high)
        self.low = min(self.low, other.low)


@dataclass
class Groups:
    """Partials by group and measure, for a whole month."""

    data: dict[GroupKey, dict[str, Partial]] = field(default_factory=dict)

    def merge_block(self, block: Block) -> None:
        """Add one block's rows."""
        n = len(block)
        if n == 0:
            return
        keys = list(zip(block.site, block.date.tolist(), block.queue, strict=True))
        table: dict[GroupKey, int] = {}
        index = np.fromiter(
            (table.setdefault((s or "", d, q), len(table)) for s, d, q in keys),
            dtype=np.int64,
            count=n,
        )
        groups = list(table)
        size = len(groups)
        for measure_id, values in block.measures.items():
            present = ~np.isnan(values)
            if not present.any():
                continue
            clean = np.where(present, values, 0.0)
            totals = np.bincount(index, weights=clean, minlength=size)
            counts = np.bincount(index, weights=present.astype(np.float64), minlength=size)
            highs = np.full(size, -np.inf)
            lows = np.full(size, np.inf)
            np.fmax.at(highs, index[present], values[present])
            np.fmin.at(lows, index[present], values[present])
            for g in np.flatnonzero(counts > 0):
                part = Partial(float(totals[g]), int(counts[g]), float(highs[g]), float(lows[g]))
                slot = self.data.setdefault(groups[int(g)], {})
                if measure_id in slot:
                    slot[measure_id].add(part)
                else:
                    slot[measure_id] = part

    @classmethod
    def of(cls, blocks: Sequence[Block]) -> Groups:
        """Partials of all blocks."""
        out = cls()
        for block in blocks:
            out.merge_block(block)
        return out
