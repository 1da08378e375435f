"""Partial sums of every measure by (site, date, queue): the one pass over the rows.

Everything above this works on these small tables, never on the rows again, so a million-row
month is touched once, by NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import numpy.typing as npt

from opsgov.factorise import factorise
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
        index, groups = _group_rows(block)
        size = len(groups)
        order = np.argsort(index, kind="stable")
        starts = np.flatnonzero(np.r_[True, index[order][1:] != index[order][:-1]])
        for measure_id, values in block.measures.items():
            present = ~np.isnan(values)
            if not present.any():
                continue
            clean = np.where(present, values, 0.0)
            totals = np.bincount(index, weights=clean, minlength=size)
            counts = np.bincount(index, weights=present.astype(np.float64), minlength=size)
            ordered = values[order]  # NaN is skipped by fmax/fmin unless a group has no value
            highs = np.fmax.reduceat(ordered, starts)
            lows = np.fmin.reduceat(ordered, starts)
            hit = np.flatnonzero(counts > 0)
            rows = zip(
                hit.tolist(),
                totals[hit].tolist(),
                counts[hit].astype(np.int64).tolist(),
                highs[hit].tolist(),
                lows[hit].tolist(),
                strict=True,
            )  # plain Python numbers: no NumPy scalar per group and measure
            data = self.data
            for g, total, count, high, low in rows:
                part = Partial(total, count, high, low)
                slot = data.get(groups[g])
                if slot is None:
                    data[groups[g]] = {measure_id: part}
                elif measure_id in slot:
                    slot[measure_id].add(part)
                else:
                    slot[measure_id] = part

    def without_days(self, days: set[tuple[str, int]]) -> Groups:
        """A copy without the groups of some (site, date ordinal) days (declared exclusions)."""
        return Groups({k: v for k, v in self.data.items() if (k[0], k[1]) not in days})

    @classmethod
    def of(cls, blocks: Sequence[Block]) -> Groups:
        """Partials of all blocks."""
        out = cls()
        for block in blocks:
            out.merge_block(block)
        return out


def _group_rows(block: Block) -> tuple[npt.NDArray[np.int64], list[GroupKey]]:
    """Each row's group number, and the groups (site, date, queue) in order of appearance."""
    sites, site_values = factorise([s or "" for s in block.site])
    queues, queue_values = factorise(block.queue)
    dates = block.date.astype(np.int64)
    low = int(dates.min())
    span = int(dates.max()) - low + 1
    key = (sites * span + (dates - low)) * len(queue_values) + queues
    unique, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    rank = np.empty(len(unique), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(unique))
    groups: list[GroupKey] = [("", 0, None)] * len(unique)
    for code, at in zip(unique.tolist(), rank.tolist(), strict=True):
        rest, q = divmod(code, len(queue_values))
        s, d = divmod(rest, span)
        groups[at] = (str(site_values[s]), d + low, cast("str | None", queue_values[q]))
    return rank[inverse.reshape(-1)], groups
