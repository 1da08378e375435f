"""Statistical process control for monthly KPIs: XmR limits and the detection rules.

An XmR (individuals and moving range) chart of values x1..xk:

    mR_i = |x_i - x_(i-1)|,  centre = mean(x),  mR_bar = mean(mR)
    UNPL = centre + 2.66 * mR_bar,  LNPL = centre - 2.66 * mR_bar  (clipped at natural bounds)
    URL  = 3.268 * mR_bar  (upper limit of the moving-range chart; its lower limit is 0)

The limits come from a baseline: the first `baseline` points (all of them by default). The
detection rules are then applied to every point:

- `beyond_limits`: one point above the UNPL or below the LNPL (Western Electric rule 1);
- `run`: `run_length` (8) or more points in a row on one side of the centre line (WE rule 4);
  a point exactly on the centre line ends a run;
- `trend`: `trend_length` (6) or more points in a row, each higher (or each lower) than the one
  before (Nelson rule 3); an equal value ends a trend;
- optionally `two_of_three` (2 of 3 in a row beyond 2 sigma on one side, WE rule 2) and
  `four_of_five` (4 of 5 in a row beyond 1 sigma on one side, WE rule 3), where
  sigma = mR_bar / 1.128;
- optionally `range`: a moving range above the URL (a jump between two months).

A run or trend is one signal spanning all its points; a point beyond the limits is a signal of
its own. Fewer than `MIN_POINTS` values give no limits (and so no signals): limits from fewer
points say little.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

E2 = 2.66
"""Natural process limits sit E2 moving ranges from the centre line (3 / d2, d2 = 1.128)."""
D4 = 3.268
"""The moving-range chart's upper limit is D4 times the mean moving range."""
D2 = 1.128
"""sigma-hat = mR_bar / d2, for moving ranges of two points."""
MIN_POINTS = 5
"""Values needed before limits are computed ("useful limits from 5-6 values", Wheeler)."""
RUN_LENGTH = 8
TREND_LENGTH = 6

Rule = Literal["beyond_limits", "run", "trend", "two_of_three", "four_of_five", "range"]
Direction = Literal["up", "down"]

_SIDES: tuple[tuple[int, Direction], ...] = ((1, "up"), (-1, "down"))

RULE_TEXT: dict[str, str] = {
    "beyond_limits": "a point beyond the natural process limits",
    "run": "a run of points on one side of the centre line",
    "trend": "a steady trend of points each higher or each lower than the one before",
    "two_of_three": "2 of 3 points beyond 2 sigma on one side",
    "four_of_five": "4 of 5 points beyond 1 sigma on one side",
    "range": "a month-to-month jump above the moving-range limit",
}


@dataclass(frozen=True)
class Limits:
    """The centre line and limits of an XmR chart, from its baseline."""

    centre: float
    mr_bar: float
    unpl: float
    lnpl: float
    url: float
    baseline: int
    """How many points the limits were computed from."""

    @property
    def sigma(self) -> float:
        """sigma-hat = mR_bar / 1.128."""
        return self.mr_bar / D2


@dataclass(frozen=True)
class Signal:
    """One detection: which rule, over which points (indexes, inclusive), in which direction."""

    rule: Rule
    start: int
    end: int
    direction: Direction


@dataclass(frozen=True)
class XmrChart:
    """The values, their moving ranges, the limits (when there are enough values), the signals."""

    values: tuple[float, ...]
    moving_ranges: tuple[float | None, ...]
    limits: Limits | None
    signals: tuple[Signal, ...] = field(default=())

    def signals_at(self, index: int) -> list[Signal]:
        """The signals that include the point at `index`."""
        return [s for s in self.signals if s.start <= index <= s.end]


def moving_ranges(values: Sequence[float]) -> list[float]:
    """|x_i - x_(i-1)| for i = 2..k."""
    return [abs(b - a) for a, b in itertools.pairwise(values)]


def xmr_limits(
    values: Sequence[float],
    *,
    baseline: int | None = None,
    lower_bound: float | None = None,
    upper_bound: float | None = None,
) -> Limits | None:
    """Limits from the first `baseline` values (all when None); None with too few values.

    Args:
        values: The series, in time order.
        baseline: How many leading values the limits come from.
        lower_bound: The metric's natural lower bound (0 for counts): the LNPL is clipped to it.
        upper_bound: The metric's natural upper bound (1 for a fraction): the UNPL is clipped.

    Returns:
        The limits, or None when the baseline has fewer than `MIN_POINTS` values.
    """
    base = list(values if baseline is None else values[:baseline])
    if len(base) < MIN_POINTS:
        return None
    centre = sum(base) / len(base)
    ranges = moving_ranges(base)
    mr_bar = sum(ranges) / len(ranges)
    unpl = centre + E2 * mr_bar
    lnpl = centre - E2 * mr_bar
    if lower_bound is not None:
        lnpl = max(lnpl, lower_bound)
    if upper_bound is not None:
        unpl = min(unpl, upper_bound)
    return Limits(centre, mr_bar, unpl, lnpl, D4 * mr_bar, len(base))


def _side(value: float, centre: float) -> int:
    return 1 if value > centre else (-1 if value < centre else 0)


def _runs(values: Sequence[float], centre: float, length: int) -> list[Signal]:
    out: list[Signal] = []
    start = 0
    for i in range(1, len(values) + 1):
        ended = i == len(values) or _side(values[i], centre) != _side(values[start], centre)
        if not ended:
            continue
        side = _side(values[start], centre)
        if side and i - start >= length:
            out.append(Signal("run", start, i - 1, "up" if side > 0 else "down"))
        start = i
    return out


def _trends(values: Sequence[float], length: int) -> list[Signal]:
    out: list[Signal] = []
    for step, direction in _SIDES:
        start = 0
        for i in range(1, len(values) + 1):
            if i < len(values) and (values[i] - values[i - 1]) * step > 0:
                continue
            if i - start >= length:
                out.append(Signal("trend", start, i - 1, direction))
            start = i
    return sorted(out, key=lambda s: s.start)


def _zone(
    values: Sequence[float], limits: Limits, rule: Rule, sigmas: float, hits: int, window: int
) -> list[Signal]:
    """`hits` of `window` points in a row beyond `sigmas` sigma on one side; overlaps merge."""
    edge = sigmas * limits.sigma
    out: list[Signal] = []
    for side, direction in _SIDES:
        beyond = [(v - limits.centre) * side > edge for v in values]
        current: Signal | None = None
        for end in range(window - 1, len(values)):
            start = end - window + 1
            if not (beyond[end] and sum(beyond[start : end + 1]) >= hits):
                continue
            first = next(i for i in range(start, end + 1) if beyond[i])
            if current is not None and first <= current.end + 1:
                current = Signal(rule, current.start, end, direction)
                out[-1] = current
            else:
                current = Signal(rule, first, end, direction)
                out.append(current)
    return sorted(out, key=lambda s: (s.start, s.end))


def detect(
    values: Sequence[float],
    limits: Limits,
    *,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
    zone_rules: bool = False,
    range_rule: bool = False,
) -> list[Signal]:
    """Every signal in `values` against `limits`, ordered by where it starts."""
    found: list[Signal] = [
        Signal("beyond_limits", i, i, "up" if v > limits.unpl else "down")
        for i, v in enumerate(values)
        if v > limits.unpl or v < limits.lnpl
    ]
    found += _runs(values, limits.centre, run_length)
    found += _trends(values, trend_length)
    if zone_rules:
        found += _zone(values, limits, "two_of_three", 2.0, 2, 3)
        found += _zone(values, limits, "four_of_five", 1.0, 4, 5)
    if range_rule:
        found += [
            Signal("range", i + 1, i + 1, "up" if values[i + 1] > values[i] else "down")
            for i, r in enumerate(moving_ranges(values))
            if r > limits.url
        ]
    return sorted(found, key=lambda s: (s.start, s.end, s.rule))


def xmr(
    values: Sequence[float],
    *,
    baseline: int | None = None,
    lower_bound: float | None = None,
    upper_bound: float | None = None,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
    zone_rules: bool = False,
    range_rule: bool = False,
) -> XmrChart:
    """The XmR chart of a series: limits from its baseline, and the signals in all of it."""
    limits = xmr_limits(values, baseline=baseline, lower_bound=lower_bound, upper_bound=upper_bound)
    found = (
        detect(
            values,
            limits,
            run_length=run_length,
            trend_length=trend_length,
            zone_rules=zone_rules,
            range_rule=range_rule,
        )
        if limits is not None
        else []
    )
    ranges: list[float | None] = [None, *moving_ranges(values)]
    return XmrChart(tuple(values), tuple(ranges[: len(values)]), limits, tuple(found))
