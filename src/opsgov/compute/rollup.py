"""Roll partials up by each measure's rule, over time and then across sites.

Over the days of a month: `sum` adds, `snapshot_end` takes the last date with a value (summed
across queues), `snapshot_avg` averages the daily totals, `max`/`min` take the extreme. Across
sites (vendor, region, global): everything adds except `max`/`min`. Money is converted to the
reporting currency per site before anything is added across sites.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from opsgov.compute.groups import GroupKey, Groups, Partial
from opsgov.models.framework import NUMERIC_KINDS, Framework

Measures = dict[str, float | None]


def over_time(rule: str, by_date: Mapping[int, list[Partial]]) -> float | None:
    """One site's (or site-queue's) month value from its partials by date."""
    dated = {d: parts for d, parts in by_date.items() if any(p.count for p in parts)}
    if not dated:
        return None
    if rule == "sum":
        return sum(p.total for parts in dated.values() for p in parts)
    if rule == "max":
        return max(p.high for parts in dated.values() for p in parts)
    if rule == "min":
        return min(p.low for parts in dated.values() for p in parts)
    daily = {d: sum(p.total for p in parts) for d, parts in dated.items()}
    if rule == "snapshot_end":
        return daily[max(daily)]
    return sum(daily.values()) / len(daily)  # snapshot_avg


def site_measures(
    groups: Groups, framework: Framework, *, by_queue: bool = False
) -> dict[tuple[str, str | None], Measures]:
    """Measures per site (queue None), or per (site, queue) with `by_queue`."""
    rules = {m.id: m.rollup or "sum" for m in framework.measures if m.kind in NUMERIC_KINDS}
    collected: dict[tuple[str, str | None], dict[str, dict[int, list[Partial]]]] = {}
    key: GroupKey
    for key, parts in groups.data.items():  # plain dicts: this loop meets every group
        site, date, queue = key
        scope = (site, queue if by_queue else None)
        per_scope = collected.get(scope)
        for measure_id, part in parts.items():
            if measure_id not in rules:
                continue
            if per_scope is None:  # a scope exists once it has a numeric measure
                per_scope = collected[scope] = {}
            by_date = per_scope.get(measure_id)
            if by_date is None:
                per_scope[measure_id] = {date: [part]}
            elif date in by_date:
                by_date[date].append(part)
            else:
                by_date[date] = [part]
    out: dict[tuple[str, str | None], Measures] = {}
    for scope, measures in collected.items():
        out[scope] = {m: over_time(rules[m], measures[m]) if m in measures else None for m in rules}
    return out


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
