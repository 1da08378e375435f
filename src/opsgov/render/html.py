"""`scorecard.html`: one self-contained page, charts as inline SVG, no script, nothing fetched.

The template (`templates/scorecard.html.j2`) gets the usual context (`opsgov.render.context`)
plus what is easier to compute here than in a sandboxed template: the geometry of each chart
(numbers and plain text, never markup: the template writes the SVG, and escapes the text),
names by id, each scope's category scores and change, and the per-queue breakdowns. The page
is rendered in an overlay of the report environment with autoescape forced on, so every
template it includes is escaped whatever its name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from jinja2 import Environment

from opsgov.models.results import CategoryResult, KpiInfo, KpiResult, ScopeResult, Scorecard
from opsgov.render.context import context
from opsgov.render.formatting import STATUS_LABEL, format_value

TEMPLATE = "scorecard.html.j2"

CHART_WIDTH = 540
"""Width of every chart's view box (the page shows it at about this many CSS pixels)."""
LABEL_RIGHT = 128
"""Right edge of the site labels."""
PLOT_LEFT = 136
PLOT_RIGHT = 392
"""The value axis runs from PLOT_LEFT to PLOT_RIGHT; the values are written after it."""
VALUE_LEFT = 402
TOP = 24
"""Room above the first bar for the target's label."""
ROW = 24
BAR = 14
AXIS = 28
"""Room below the last bar for the axis labels."""
LABEL_CHARS = 20
"""Site labels longer than this are shortened in a chart (the full one is in its title)."""

_CLOCK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)

_DIRECTION = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "target_band": "best inside the target band",
}


@dataclass(frozen=True)
class Tick:
    """One labelled position on a chart's value axis."""

    x: str
    label: str


@dataclass(frozen=True)
class ChartBar:
    """One site's row of a chart: its bar, its own target's marker, and what it says."""

    label: str
    title: str
    x: str
    y: str
    text_y: str
    width: str
    value_text: str
    status: str
    has_value: bool
    target_x: str | None
    target_top: str
    target_bottom: str
    overridden: bool


@dataclass(frozen=True)
class Chart:
    """A horizontal bar per site for one KPI, each with a marker at the site's target."""

    kpi: str
    name: str
    direction: str
    width: int
    height: int
    label_x: int
    value_x: int
    bar_height: int
    plot_left: int
    plot_right: int
    plot_top: str
    plot_height: str
    plot_bottom: str
    axis_y: str
    zero_x: str
    bars: tuple[ChartBar, ...]
    ticks: tuple[Tick, ...]
    guide_x: str | None
    guide_label: str
    guide_label_y: str
    guide_anchor: str
    band_x: str | None
    band_width: str
    override_note: str
    description: str


@dataclass(frozen=True)
class ChartGroup:
    """The charts of one category."""

    name: str
    charts: tuple[Chart, ...]


@dataclass(frozen=True)
class QueueRow:
    """One KPI across the queues of a scope."""

    info: KpiInfo
    cells: tuple[KpiResult | None, ...]


FOLD_SITE_QUEUES_OVER: Final = 30
"""A page of more sites than this folds each site's by-queue table under a "By queue" summary
and lets the browser skip laying out site cards until they are scrolled to, so that a month of
two hundred sites opens quickly (nothing is left out: every figure is still on the page)."""


@dataclass(frozen=True)
class QueueTable:
    """A scope broken down by queue: a column per queue, a row per KPI with a value."""

    scopes: tuple[ScopeResult, ...]
    rows: tuple[QueueRow, ...]


@dataclass(frozen=True)
class KpiGroup:
    """The KPIs of one category (or of none: shown for context, not scored), in order."""

    id: str | None
    name: str
    weight: float | None
    kpis: tuple[KpiInfo, ...]


def _num(x: float) -> str:
    """A coordinate, always written the same way."""
    return f"{x:.1f}"


def _clip(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _step(span: float, fmt: str) -> float:
    """A round tick step giving about four intervals over `span`, in the KPI's own units."""
    raw = span / 4
    if fmt in {"mm:ss", "hh:mm:ss"}:
        return float(next((s for s in _CLOCK_STEPS if s >= raw), _CLOCK_STEPS[-1]))
    scale = 100.0 if fmt == "percent" else 1.0
    shown = raw * scale
    magnitude = 10.0 ** math.floor(math.log10(shown))
    step = next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= shown)
    if fmt == "count":
        step = max(1.0, step)
    return step / scale


def _decimals(step: float, fmt: str) -> int:
    """Decimals the tick labels need to show the step exactly."""
    shown = step * (100.0 if fmt == "percent" else 1.0)
    return next((d for d in range(4) if abs(round(shown, d) - shown) < 1e-9), 3)


def axis(values: Sequence[float], fmt: str) -> tuple[float, float, float]:
    """A value axis through zero and every value: its low end, high end and tick step."""
    finite = [v for v in values if math.isfinite(v)]
    low = min([0.0, *finite])
    high = max([0.0, *finite])
    if high - low <= 0:
        high = low + (0.01 if fmt == "percent" else 1.0)
    step = _step(high - low, fmt)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def chart(info: KpiInfo, sites: Sequence[ScopeResult], currency: str) -> Chart:
    """The chart of one KPI: each site's value as a bar, its own target as a marker.

    The framework's target (or green band) is also drawn across the plot as a guide; a site
    whose target comes from an override has its marker elsewhere, and the chart says so.
    """
    results = [s.kpi(info.id) for s in sites]
    targets = [r.target for r in results if r is not None]
    common = next((t for t in targets if t.source == "framework"), None)
    band = None if common is None else common.band_green
    marks = [
        *(r.value for r in results if r is not None and r.value is not None),
        *(t.target for t in targets if t.target is not None),
        *(band or ()),
    ]
    low, high, step = axis(marks, info.format)

    def x(v: float) -> float:
        v = min(max(v, low), high)
        return PLOT_LEFT + (v - low) / (high - low) * (PLOT_RIGHT - PLOT_LEFT)

    def shown(v: float) -> str:
        return format_value(v, info.format, currency)

    decimals = _decimals(step, info.format)
    ticks = tuple(
        Tick(_num(x(low + i * step)), format_value(low + i * step, info.format, currency, decimals))
        for i in range(round((high - low) / step) + 1)
    )
    zero = x(0.0)
    bars: list[ChartBar] = []
    words: list[str] = []
    overrides: list[str] = []
    for i, (site, result) in enumerate(zip(sites, results, strict=True)):
        value = None if result is None else result.value
        status = "no_data" if result is None else result.status
        label = f"{site.id} {site.name}"
        text = f"{'no data' if value is None else shown(value)} ({STATUS_LABEL[status]})"
        if value is None and status in {"no_data", "not_reported", "not_by_queue"}:
            text = STATUS_LABEL[status]
        left = right = zero
        if value is not None and math.isfinite(value):
            left, right = min(zero, x(value)), max(zero, x(value))
        target = None if result is None else result.target
        overridden = target is not None and target.source != "framework"
        target_x = None
        if target is not None and target.target is not None:
            target_x = _num(x(target.target))
            if overridden:
                overrides.append(f"{site.id} {shown(target.target)}")
        y = TOP + i * ROW + (ROW - BAR) / 2
        bars.append(
            ChartBar(
                label=_clip(label),
                title=f"{label}: {text}",
                x=_num(left),
                y=_num(y),
                text_y=_num(y + BAR / 2),
                width=_num(right - left),
                value_text=text + (" *" if overridden else ""),
                status=status,
                has_value=value is not None,
                target_x=target_x,
                target_top=_num(y - 3),
                target_bottom=_num(y + BAR + 3),
                overridden=overridden,
            )
        )
        mine = ""
        if overridden and target is not None and target.target is not None:
            mine = f", target {shown(target.target)} from an override"
        words.append(f"{label} {text}{mine}")
    plot_bottom = TOP + len(sites) * ROW
    guide = None if common is None else common.target
    guide_x = None if guide is None else x(guide)
    anchor = "middle"
    if guide_x is not None and guide_x > PLOT_RIGHT - 36:
        anchor = "end"
    elif guide_x is not None and guide_x < PLOT_LEFT + 36:
        anchor = "start"
    direction = _DIRECTION.get(info.direction, info.direction)
    summary = f"{info.name} by site, {direction}"
    if guide is not None:
        summary += f"; target {shown(guide)}"
    if band is not None:
        summary += f"; green band {shown(band[0])} to {shown(band[1])}"
    note = ""
    if overrides:
        note = "* Target from an override: " + ", ".join(overrides) + "."
    return Chart(
        kpi=info.id,
        name=info.name,
        direction=direction,
        width=CHART_WIDTH,
        height=plot_bottom + AXIS,
        label_x=LABEL_RIGHT,
        value_x=VALUE_LEFT,
        bar_height=BAR,
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        plot_top=_num(TOP - 4),
        plot_height=_num(plot_bottom - TOP + 8),
        plot_bottom=_num(plot_bottom + 4),
        axis_y=_num(plot_bottom + 18),
        zero_x=_num(zero),
        bars=tuple(bars),
        ticks=ticks,
        guide_x=None if guide_x is None else _num(guide_x),
        guide_label="" if guide is None else f"Target {shown(guide)}",
        guide_label_y=_num(TOP - 9),
        guide_anchor=anchor,
        band_x=None if band is None else _num(x(band[0])),
        band_width="0" if band is None else _num(x(band[1]) - x(band[0])),
        override_note=note,
        description=f"{summary}. {'; '.join(words)}.",
    )


def chart_groups(card: Scorecard, sites: Sequence[ScopeResult]) -> list[ChartGroup]:
    """A chart for each scored KPI, by category in framework order, sites as ranked."""
    groups = []
    for category in card.categories:
        charts = tuple(
            chart(k, sites, card.reporting_currency)
            for k in card.kpis
            if k.category == category.id and k.weight > 0
        )
        if charts:
            groups.append(ChartGroup(category.name, charts))
    return groups


def kpi_groups(card: Scorecard) -> list[KpiGroup]:
    """The KPIs by category in framework order, then those of no category (not scored)."""
    groups = [
        KpiGroup(c.id, c.name, c.weight, tuple(k for k in card.kpis if k.category == c.id))
        for c in card.categories
    ]
    known = {c.id for c in card.categories}
    rest = tuple(k for k in card.kpis if k.category not in known)
    if rest:
        groups.append(KpiGroup(None, "Context (not scored)", None, rest))
    return [g for g in groups if g.kpis]


def queue_table(
    card: Scorecard, level: str, scope_id: str, split: Sequence[ScopeResult] | None = None
) -> QueueTable | None:
    """A scope's queues side by side, with the KPIs that have a value in any of them.

    `split`: the scope's queue scopes, when the caller has them (else found in the card).
    """
    if split is None:
        split = [s for s in card.scopes if s.level == level and s.id == scope_id and s.queue]
    split = sorted(split, key=lambda s: s.queue or "")
    if not split:
        return None  # a site with no queue has its card; one "(all queues)" column adds nothing
    scopes = (*split, *(s for s in card.unsplit if s.level == level and s.id == scope_id))
    results = [{r.kpi: r for r in s.kpis} for s in scopes]
    rows = []
    for info in card.kpis:
        cells = tuple(r.get(info.id) for r in results)
        if any(c is not None and c.value is not None for c in cells):
            rows.append(QueueRow(info, cells))
    return QueueTable(scopes, tuple(rows))


def site_queue_tables(card: Scorecard, sites: Sequence[ScopeResult]) -> dict[str, Any]:
    """Each site's queue table (None for a site without queues), the card read once."""
    split: dict[str, list[ScopeResult]] = {s.id: [] for s in sites}
    for scope in card.scopes:
        if scope.level == "site" and scope.queue and scope.id in split:
            split[scope.id].append(scope)
    return {s.id: queue_table(card, "site", s.id, split[s.id]) for s in sites}


def _change(scope: ScopeResult) -> float | None:
    if scope.composite is None or scope.previous_composite is None:
        return None
    return scope.composite - scope.previous_composite


def html_context(card: Scorecard) -> dict[str, Any]:
    """The variables of `scorecard.html.j2`: those of every template, and the extras above."""
    base = context(card)
    top = [s for s in card.scopes if s.queue is None]
    sites: list[ScopeResult] = base["sites"]
    by_level: dict[str, dict[str, dict[str, CategoryResult]]] = {}
    change: dict[str, dict[str, float | None]] = {}
    for s in top:
        by_level.setdefault(s.level, {})[s.id] = {c.category: c for c in s.categories}
        change.setdefault(s.level, {})[s.id] = _change(s)
    return {
        **base,
        "chart_groups": chart_groups(card, sites),
        "kpi_groups": kpi_groups(card),
        "vendor_names": {s.id: s.name for s in top if s.level == "vendor"},
        "region_names": {s.id: s.name for s in top if s.level == "region"},
        "category_scores": by_level,
        "composite_change": change,
        "site_queues": site_queue_tables(card, sites),
        "fold_site_queues": len(sites) > FOLD_SITE_QUEUES_OVER,
        "global_queues": queue_table(card, "global", "global"),
        "status_counts": {
            status: sum(1 for s in sites if s.status == status) for status in STATUS_LABEL
        },
    }


def render_html(card: Scorecard, env: Environment) -> bytes:
    """`scorecard.html`: the whole scorecard as one page that fetches nothing and runs nothing."""
    page = env.overlay(autoescape=True, cache_size=0)
    return page.get_template(TEMPLATE).render(**html_context(card)).encode("utf-8")
