"""Roll partials up by each measure's rule, over time and then across sites.

Over the days of a month: `sum` adds, `snapshot_end` takes the last date with a value (summed
across queues), `snapshot_avg` averages the daily totals, `max`/`min` take the extreme. Across
sites (vendor, region, global): everything adds except `max`/`min`. Money is converted to the
reporting currency per site before anything is added across sites.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from opsgov.compute.groups import FloatArray, Groups, IntArray, Parts
from opsgov.models.framework import NUMERIC_KINDS, Framework

Measures = dict[str, float | None]


def site_measures(
    groups: Groups, framework: Framework, *, by_queue: bool = False
) -> dict[tuple[str, str | None], Measures]:
    """Measures per site (queue None), or per (site, queue) with `by_queue`.

    Over the month, by each measure's rule, a column of NumPy at a time: `sum` adds the
    partials, `max`/`min` take the extreme, `snapshot_end` the last date's total (across the
    queues of a site), `snapshot_avg` the mean of the daily totals. A scope exists once it has
    a value of a numeric measure; scopes come in the order their first group appeared.
    """
    rules = {m.id: m.rollup or "sum" for m in framework.measures if m.kind in NUMERIC_KINDS}
    parts = {m: p for m, p in groups.parts.items() if m in rules}
    size = len(groups.keys)
    if not size or not parts:
        return {}
    numbers: dict[tuple[str, str | None], int] = {}
    scope_of = np.fromiter(
        (
            numbers.setdefault((site, queue if by_queue else None), len(numbers))
            for site, _, queue in groups.keys
        ),
        np.int64,
        size,
    )
    dates = np.fromiter((date for _, date, _ in groups.keys), np.int64, size)
    held = np.zeros(size, dtype=bool)
    for p in parts.values():
        held |= p.count > 0
    scopes = list(numbers)
    first = np.full(len(scopes), size, dtype=np.int64)
    np.minimum.at(first, scope_of[held], np.flatnonzero(held))
    kept = [i for i in np.argsort(first, kind="stable").tolist() if first[i] < size]
    values = {m: _over_time(rules[m], p, scope_of, dates, len(scopes)) for m, p in parts.items()}
    return {scopes[i]: {m: values[m][i] if m in values else None for m in rules} for i in kept}


def _over_time(
    rule: str, parts: Parts, scope_of: IntArray, dates: IntArray, count: int
) -> list[float | None]:
    """One measure's month value for every scope (None where a scope has no value of it)."""
    hit = parts.count > 0
    scope = scope_of[hit]
    has = np.bincount(scope, minlength=count) > 0
    out: FloatArray
    if rule == "max":
        out = np.full(count, -np.inf)
        np.maximum.at(out, scope, parts.high[hit])
    elif rule == "min":
        out = np.full(count, np.inf)
        np.minimum.at(out, scope, parts.low[hit])
    elif rule == "sum":
        out = np.bincount(scope, weights=parts.total[hit], minlength=count).astype(np.float64)
    else:  # snapshot_end, snapshot_avg: each (scope, date)'s total across its queues first
        days, day = np.unique(dates[hit], return_inverse=True)
        pair = scope * len(days) + day.reshape(-1)
        cells = count * len(days)
        daily = np.bincount(pair, weights=parts.total[hit], minlength=cells).reshape(count, -1)
        dated = np.bincount(pair, minlength=cells).reshape(count, -1) > 0
        if rule == "snapshot_end":
            last = len(days) - 1 - np.argmax(dated[:, ::-1], axis=1)
            out = daily[np.arange(count), last]
        else:
            out = daily.sum(axis=1) / np.maximum(dated.sum(axis=1), 1)
    return [v if h else None for v, h in zip(out.tolist(), has.tolist(), strict=True)]


def across_sites(framework: Framework, sites: Iterable[Measures]) -> Measures:
    """Combine site measures (already in the reporting currency) into a higher level."""
    rules = {m.id: m.rollup or "sum" for m in framework.measures if m.kind in NUMERIC_KINDS}
    out: Measures = dict.fromkeys(rules)
    for measures in sites:
        for measure_id, value in measures.items():
            if value is None or measure_id not in rules:
                continue
            current = out[measure_id]
            rule = rules[measure_id]
            if current is None:
                out[measure_id] = value
            elif rule == "max":
                out[measure_id] = max(current, value)
            elif rule == "min":
                out[measure_id] = min(current, value)
            else:
                out[measure_id] = current + value
    return out


def convert_money(framework: Framework, measures: Measures, rate: float | None) -> Measures:
    """Money measures times the FX rate (None when there is no rate: never left unconverted)."""
    money = {m.id for m in framework.measures if m.kind == "money"}
    return {
        m: (None if v is None or rate is None else v * rate) if m in money else v
        for m, v in measures.items()
    }
