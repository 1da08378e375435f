"""Monthly series of each KPI per scope, with month-on-month and year-on-year change and SPC.

A series runs over calendar months: a month with no value is a gap (no change is computed
across it, and the XmR chart is drawn over the months that have values). The XmR limits come
from the first `BASELINE` values (Wheeler and the NHS "plot the dots" guidance: trial limits
until about 12 points, then frozen) and are clipped at the KPI's natural bounds (0 and 100 %
for a percentage, 0 for counts, times and money). Each signal says whether it is favourable
(better, by the KPI's direction) and whether it reaches the latest month: those are the real
changes a report should call out; movements inside the limits are noise.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from opsgov.history.query import SeriesKey, SeriesTable
from opsgov.history.spc import RULE_TEXT, Signal, XmrChart, xmr
from opsgov.models.results import KpiInfo

BASELINE = 12
"""Points the limits are computed from (all of them while there are fewer)."""

COMPOSITE = "composite"
"""The pseudo-KPI id of a scope's composite score in a series table."""


@functools.lru_cache(maxsize=8192)
def month_offset(period: str, months: int) -> str:
    """The month `months` after (or before, when negative) `YYYY-MM`."""
    index = int(period[:4]) * 12 + int(period[5:7]) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every calendar month from `first` to `last`, inclusive."""
    out: list[str] = []
    current = first
    while current <= last:
        out.append(current)
        current = month_offset(current, 1)
    return out


def natural_bounds(unit: str, values: Sequence[float]) -> tuple[float | None, float | None]:
    """Where a KPI's values must lie: [0, 1] for a percentage, [0, 100] for a score, >= 0 else.

    A lower bound of 0 is dropped when a value is negative (a KPI that can be negative).
    """
    low: float | None = 0.0 if not values or min(values) >= 0 else None
    if unit == "percent":
        return low, 1.0 if not values or max(values) <= 1 else None
    if unit == "score":
        return low, 100.0
    return low, None


def favourable(direction: str, moved: str) -> bool | None:
    """Whether a move up or down is good news for a KPI of this direction (None: neither)."""
    if direction == "higher_is_better":
        return moved == "up"
    if direction == "lower_is_better":
        return moved == "down"
    return None


@dataclass(frozen=True)
class TrendPoint:
    """One month of a series."""

    period: str
    value: float | None
    mom: float | None
    """Change from the month before."""
    yoy: float | None
    """Change from the same month a year before."""
    status: str | None


@dataclass(frozen=True)
class TrendSignal:
    """An SPC signal in a series, placed in time."""

    rule: str
    start: str
    end: str
    direction: str
    favourable: bool | None
    current: bool
    """The signal reaches the latest month of the series."""

    @property
    def text(self) -> str:
        """What the rule found, in words."""
        span = self.start if self.start == self.end else f"{self.start} to {self.end}"
        return f"{RULE_TEXT[self.rule]} ({self.direction}, {span})"


@dataclass(frozen=True)
class Trend:
    """One KPI at one scope over the months."""

    key: SeriesKey
    points: tuple[TrendPoint, ...]
    charted: tuple[str, ...]
    """The months with a value: the x axis of the XmR chart."""
    chart: XmrChart
    signals: tuple[TrendSignal, ...]
    direction: str
    unit: str

    @property
    def latest(self) -> TrendPoint | None:
        """The last month of the series."""
        return self.points[-1] if self.points else None

    @property
    def current_signals(self) -> list[TrendSignal]:
        """Signals that reach the latest month."""
        return [s for s in self.signals if s.current]

    def value_at(self, period: str) -> float | None:
        """The value of a month (None when the series has none)."""
        return next((p.value for p in self.points if p.period == period), None)


def _place(signal: Signal, charted: Sequence[str], direction: str, last: str) -> TrendSignal:
    return TrendSignal(
        rule=signal.rule,
        start=charted[signal.start],
        end=charted[signal.end],
        direction=signal.direction,
        favourable=favourable(direction, signal.direction),
        current=charted[signal.end] == last,
    )


def build_trend(
    key: SeriesKey,
    months: Sequence[str],
    values: Mapping[str, float | None],
    *,
    direction: str,
    unit: str,
    statuses: Mapping[str, str] | None = None,
    baseline: int = BASELINE,
) -> Trend:
    """The trend of one series over `months` (calendar months, oldest first)."""
    points: list[TrendPoint] = []
    for period in months:
        value = values.get(period)
        before = values.get(month_offset(period, -1))
        year_ago = values.get(month_offset(period, -12))
        points.append(
            TrendPoint(
                period=period,
                value=value,
                mom=None if value is None or before is None else value - before,
                yoy=None if value is None or year_ago is None else value - year_ago,
                status=(statuses or {}).get(period),
            )
        )
    charted = tuple(p.period for p in points if p.value is not None)
    series = [p.value for p in points if p.value is not None]
    low, high = natural_bounds(unit, series)
    chart = xmr(series, baseline=baseline, lower_bound=low, upper_bound=high)
    last = months[-1] if months else ""
    signals = tuple(_place(s, charted, direction, last) for s in chart.signals)
    return Trend(key, tuple(points), charted, chart, signals, direction, unit)


def build_trends(
    table: SeriesTable,
    kpis: Sequence[KpiInfo],
    *,
    first: str,
    last: str,
    levels: Sequence[str] = ("global", "region", "vendor", "site"),
    baseline: int = BASELINE,
) -> dict[SeriesKey, Trend]:
    """Trends of every KPI (and composite) of every whole scope at the given levels."""
    months = months_between(first, last)
    info = {k.id: k for k in kpis}
    out: dict[SeriesKey, Trend] = {}
    for key, values in table.values.items():
        level, _, _, kpi = key
        if level not in levels:
            continue
        if kpi == COMPOSITE:
            direction, unit = "higher_is_better", "score"
        elif kpi in info:
            direction, unit = info[kpi].direction, info[kpi].unit
        else:
            continue
        out[key] = build_trend(
            key,
            months,
            values,
            direction=direction,
            unit=unit,
            statuses=table.statuses.get(key),
            baseline=baseline,
        )
    return out
