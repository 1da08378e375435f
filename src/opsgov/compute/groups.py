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


FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass
class Parts:
    """One measure's partials over every group, as arrays (count 0: no value in that group)."""

    total: FloatArray
    count: IntArray
    high: FloatArray
    low: FloatArray

    def take(self, picked: npt.NDArray[np.bool_] | IntArray) -> Parts:
        """The partials of some groups (a mask or indices)."""
        return Parts(self.total[picked], self.count[picked], self.high[picked], self.low[picked])


_Chunk = tuple[IntArray, Parts]
"""One block's partials of one measure, and the (month-wide) numbers of their groups."""


@dataclass
class Groups:
    """Partials by group and measure, for a whole month.

    Groups are numbered in order of first appearance (`keys`); each measure's partials are
    arrays over them (`parts`). A group's figures from several blocks are added in block
    order, as one partial would be.
    """

    keys: list[GroupKey] = field(default_factory=list)
    _number: dict[GroupKey, int] = field(default_factory=dict)
    _chunks: dict[str, list[_Chunk]] = field(default_factory=dict)
    _parts: dict[str, Parts] | None = None

    def merge_block(self, block: Block) -> None:
        """Add one block's rows."""
        if len(block) == 0:
            return
        index, groups = _group_rows(block)
        size = len(groups)
        numbers = np.fromiter((self._group(k) for k in groups), np.int64, size)
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
            hit = np.flatnonzero(counts > 0)
            found = Parts(
                totals.astype(np.float64),
                counts.astype(np.int64),
                np.fmax.reduceat(ordered, starts),
                np.fmin.reduceat(ordered, starts),
            )
            self._chunks.setdefault(measure_id, []).append((numbers[hit], found.take(hit)))
        self._parts = None

    def _group(self, key: GroupKey) -> int:
        number = self._number.get(key)
        if number is None:
            number = self._number[key] = len(self.keys)
            self.keys.append(key)
        return number

    @property
    def parts(self) -> dict[str, Parts]:
        """Each measure's partials over every group (built once, after the last block)."""
        if self._parts is None:
            size = len(self.keys)
            built: dict[str, Parts] = {}
            for measure_id, chunks in self._chunks.items():
                groups = np.concatenate([g for g, _ in chunks])
                total = np.concatenate([p.total for _, p in chunks])
                count = np.concatenate([p.count for _, p in chunks])
                high = np.full(size, -np.inf)
                low = np.full(size, np.inf)
                np.maximum.at(high, groups, np.concatenate([p.high for _, p in chunks]))
                np.minimum.at(low, groups, np.concatenate([p.low for _, p in chunks]))
                built[measure_id] = Parts(
                    np.bincount(groups, weights=total, minlength=size).astype(np.float64),
                    np.bincount(groups, weights=count, minlength=size).astype(np.int64),
                    high,
                    low,
                )
            self._parts = built
        return self._parts

    def without_days(self, days: set[tuple[str, int]]) -> Groups:
        """A copy without the groups of some (site, date ordinal) days (declared exclusions)."""
        keep = np.array([(k[0], k[1]) not in days for k in self.keys], dtype=bool)
        numbers = np.cumsum(keep) - 1
        out = Groups(keys=[k for k, kept in zip(self.keys, keep, strict=True) if kept])
        out._number = {k: i for i, k in enumerate(out.keys)}
        for measure_id, chunks in self._chunks.items():
            for groups, found in chunks:
                mine = keep[groups]
                if mine.any():
                    kept = (numbers[groups[mine]], found.take(mine))
                    out._chunks.setdefault(measure_id, []).append(kept)
        return out

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
