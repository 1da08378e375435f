"""The governance pack's executive summary: what is red (worst first), what moved, what is real.

A reader of the summary wants, in this order: what is red, the most serious and the longest red
first; then the month's largest movements, the real ones (SPC signals) before the noise.

- **Red, prioritised.** Every red result (global, region, vendor and site; KPIs and composites)
  is grouped by KPI, so that one problem seen at several levels is one row that names its
  widest scope and lists the others. Groups are ordered by severity (how far past the red line
  the widest scope is, in widths of its amber band: `SEVERE` or more is severe), then by how
  many months in a row it has been red, then by the width of that scope (global first) and
  how many scopes share it.
- **Movements, by size.** A movement's size is its change divided by the series' usual
  month-to-month variation (the mean moving range) when the history has control limits; when
  it is too short for them, by the width of the KPI's amber band (the distance between its
  green and amber thresholds, so a change of one band width is a change of 100 score points),
  or the change relative to last month's value for a KPI without thresholds. Either way the
  largest come first, and a change too small to show at the KPI's precision is not a movement.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from opsgov.history import query
from opsgov.history.reports.common import Formatter, scope_label
from opsgov.history.trends import COMPOSITE, Trend, TrendSignal
from opsgov.models.results import KpiInfo, ScopeResult, Scorecard, Target
from opsgov.render.formatting import UNCHANGED

TOP_CHANGES = 10
KEY_REDS = 3
KEY_MOVEMENTS = 3
SEVERE = 1.0
"""Depth past the red line, in amber-band widths, from which a red is severe."""
COMPOSITE_SPAN = 15.0
"""The width of the composite's amber band under the default thresholds (green 85, amber 70)."""
LEVELS = ("global", "region", "vendor", "site")
_RULE_ORDER = {"beyond_limits": 0, "run": 1, "trend": 2}


@dataclass(frozen=True)
class Movement:
    """One of the month's largest movements, and whether it is a signal or noise."""

    scope: str
    kpi: str
    previous: str
    current: str
    change: str
    verdict: str
    signal: bool
    favourable: bool | None
    size: float
    """The change in units of the series' usual variation (see the module docstring)."""
    measured_by: str
    """What `size` is measured in: `moving ranges`, `amber bands` or `relative`."""


@dataclass(frozen=True)
class RedScope:
    """One scope at which a KPI is red."""

    scope: str
    level: str
    value: str
    target: str
    months: int
    depth: float | None


@dataclass(frozen=True)
class RedGroup:
    """A KPI (or the composite) that is red somewhere: its widest scope first, then the others."""

    kpi_id: str
    kpi: str
    worst: RedScope
    others: list[RedScope] = field(default_factory=list)
    severe: bool = False

    @property
    def months(self) -> int:
        """Months in a row the widest scope has been red."""
        return self.worst.months

    @property
    def scopes(self) -> int:
        """How many scopes share this red."""
        return 1 + len(self.others)

    @property
    def also(self) -> str:
        """The other scopes, as text: `Region APAC (9 months), Site MNL1 Manila (13 months)`."""
        return ", ".join(f"{o.scope} ({_months(o.months)})" for o in self.others)


@dataclass(frozen=True)
class SignalItem:
    """An SPC signal that reaches the report's month."""

    scope: str
    kpi: str
    rule: str
    span: str
    direction: str
    favourable: bool | None
    value: str


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _months(n: int) -> str:
    return _count(n, "month")


def scope_index(card: Scorecard) -> dict[tuple[str, str], ScopeResult]:
    """The whole-scope results of a card by (level, id)."""
    return {(s.level, s.id): s for s in card.scopes if s.queue is None}


def scope_name(scopes: dict[tuple[str, str], ScopeResult], level: str, scope_id: str) -> str:
    """How a scope is named in a report (`scope_label`), by its id."""
    return scope_label(scopes.get((level, scope_id)), level, scope_id)


def band_width(target: Target | None) -> float | None:
    """The width of a KPI's amber band: |green - amber|, or the green band's width."""
    if target is None:
        return None
    if target.band_green is not None:
        width = target.band_green[1] - target.band_green[0]
        return width if width > 0 else None
    if target.green is None or target.amber is None or target.green == target.amber:
        return None
    return abs(target.green - target.amber)


def depth(direction: str, value: float | None, target: Target | None) -> float | None:
    """How far past the red line a red value is, in amber-band widths (None: not measurable)."""
    width = band_width(target)
    if value is None or target is None or width is None:
        return None
    if target.band_amber is not None:
        low, high = target.band_amber
        return max(low - value, value - high, 0.0) / width
    if target.amber is None:
        return None
    past = target.amber - value if direction == "higher_is_better" else value - target.amber
    return max(past, 0.0) / width


def _composite_depth(value: float | None, amber: float = 70.0) -> float | None:
    return None if value is None else max(amber - value, 0.0) / COMPOSITE_SPAN


def _size(
    change: float, before: float, trend: Trend, target: Target | None, kpi: str
) -> tuple[float, str]:
    limits = trend.chart.limits
    if limits is not None and limits.mr_bar > 0:
        return abs(change) / limits.mr_bar, "moving ranges"
    width = COMPOSITE_SPAN if kpi == COMPOSITE else band_width(target)
    if width:
        return abs(change) / width, "amber bands"
    return (abs(change) / abs(before) if before else abs(change)), "relative"


def movements(
    trends: dict[query.SeriesKey, Trend],
    card: Scorecard,
    info: dict[str, KpiInfo],
    fmt: Formatter,
) -> list[Movement]:
    """Global KPIs and every scope's composite that moved: real signals first, then by size."""
    scopes = scope_index(card)
    out: list[Movement] = []
    for (level, scope_id, _, kpi), trend in trends.items():
        if kpi not in info or (level != "global" and kpi != COMPOSITE):
            continue
        point = trend.latest
        if point is None or point.mom is None or point.value is None or point.mom == 0:
            continue
        k = info[kpi]
        change = fmt.change(k, point.mom)
        if change == UNCHANGED:
            continue
        current = [s for s in trend.current_signals if s.end == point.period]
        if current:
            verdict = "signal: " + "; ".join(s.text for s in current)
        elif trend.chart.limits is None:
            verdict = "too few months to tell signal from noise"
        else:
            verdict = "inside the control limits: routine variation"
        previous, now = fmt.pair(k, point.value - point.mom, point.value)
        scope = scopes.get((level, scope_id))
        result = scope.kpi(kpi) if scope is not None and kpi != COMPOSITE else None
        size, measured_by = _size(
            point.mom, point.value - point.mom, trend, result.target if result else None, kpi
        )
        out.append(
            Movement(
                scope=scope_name(scopes, level, scope_id),
                kpi=k.name,
                previous=previous,
                current=now,
                change=change,
                verdict=verdict,
                signal=bool(current),
                favourable=fmt.better(k, point.mom),
                size=size,
                measured_by=measured_by,
            )
        )
    out.sort(key=lambda m: (not m.signal, -m.size, m.scope, m.kpi))
    return out[:TOP_CHANGES]


def months_red(trend: Trend | None) -> int:
    """Months in a row, ending with the latest, that a series has been red (at least 1)."""
    if trend is None:
        return 1
    count = 0
    for point in reversed(trend.points):
        if point.status != "red":
            break
        count += 1
    return max(count, 1)


def red_groups(
    card: Scorecard, trends: dict[query.SeriesKey, Trend], info: dict[str, KpiInfo], fmt: Formatter
) -> list[RedGroup]:
    """Every red result, grouped by KPI, most severe and longest red first (module docstring)."""
    found: dict[str, list[RedScope]] = {}
    order = [COMPOSITE, *(k.id for k in card.kpis)]
    for s in card.scopes:
        if s.queue is not None:
            continue
        label = scope_label(s, s.level, s.id)
        if s.status == "red":
            found.setdefault(COMPOSITE, []).append(
                RedScope(
                    label,
                    s.level,
                    fmt.value(info[COMPOSITE], s.composite),
                    "",
                    months_red(trends.get((s.level, s.id, "", COMPOSITE))),
                    _composite_depth(s.composite),
                )
            )
        for k in s.kpis:
            if k.status != "red" or k.kpi not in info:
                continue
            kinfo = info[k.kpi]
            found.setdefault(k.kpi, []).append(
                RedScope(
                    label,
                    s.level,
                    fmt.value(kinfo, k.value),
                    fmt.value(kinfo, k.target.target),
                    months_red(trends.get((s.level, s.id, "", k.kpi))),
                    depth(kinfo.direction, k.value, k.target),
                )
            )
    groups: list[RedGroup] = []
    for kpi, reds in found.items():
        reds.sort(key=lambda r: (LEVELS.index(r.level), -r.months, -(r.depth or 0.0), r.scope))
        worst, *others = reds
        groups.append(
            RedGroup(
                kpi_id=kpi,
                kpi=info[kpi].name,
                worst=worst,
                others=others,
                severe=worst.depth is not None and worst.depth >= SEVERE,
            )
        )
    groups.sort(
        key=lambda g: (
            not g.severe,
            -g.months,
            LEVELS.index(g.worst.level),
            -g.scopes,
            -(g.worst.depth or 0.0),
            order.index(g.kpi_id),
        )
    )
    return groups


def key_points(groups: list[RedGroup], moved: list[Movement]) -> list[str]:
    """The summary's opening lines: the worst reds, then the largest real movements."""
    points = []
    for g in groups[:KEY_REDS]:
        w = g.worst
        against = f" against a target of {w.target}" if w.target else ""
        also = f"; also red at {_count(g.scopes - 1, 'other scope')}" if g.others else ""
        word = "severely red" if g.severe else "red"
        points.append(
            f"{g.kpi}: {word} at {w.scope} for {_months(w.months)} in a row ({w.value}{against})"
            f"{also}."
        )
    real = [m for m in moved if m.signal][:KEY_MOVEMENTS]
    for m in real:
        news = "" if m.favourable is None else (", better" if m.favourable else ", worse")
        points.append(
            f"{m.kpi}, {m.scope}: {m.previous} to {m.current} ({m.change}{news}), a real signal."
        )
    return points


def _direction_word(signal: TrendSignal) -> str:
    if signal.favourable is None:
        return f"{signal.direction}"
    return f"{signal.direction}, {'better' if signal.favourable else 'worse'}"


def signals(
    trends: dict[query.SeriesKey, Trend],
    card: Scorecard,
    info: dict[str, KpiInfo],
    fmt: Formatter,
) -> list[SignalItem]:
    """The SPC signals that reach the month: unfavourable first, wider scopes first."""
    scopes = scope_index(card)
    found: list[tuple[tuple[object, ...], SignalItem]] = []
    for (level, scope_id, _, kpi), trend in trends.items():
        if kpi not in info:
            continue
        for s in trend.current_signals:
            item = SignalItem(
                scope=scope_name(scopes, level, scope_id),
                kpi=info[kpi].name,
                rule=s.rule.replace("_", " "),
                span=s.start if s.start == s.end else f"{s.start} to {s.end}",
                direction=_direction_word(s),
                favourable=s.favourable,
                value=fmt.value(info[kpi], trend.latest.value if trend.latest else None),
            )
            order = (
                s.favourable is not False,
                LEVELS.index(level),
                _RULE_ORDER.get(s.rule, 9),
                item.scope,
                item.kpi,
            )
            found.append((order, item))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found]
