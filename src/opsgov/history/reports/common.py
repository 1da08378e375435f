"""What every report shares: periods and quarters, value formatting, chart ids, text alternatives.

Reports are built from the history store alone (so they can be rendered anywhere the store is)
into plain data for the templates: numbers already written as people read them, charts as
inline SVG (`opsgov.history.reports.charts`), and every text that came from a vendor or a
definition left as data for the template to escape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from opsgov.errors import OpsgovError
from opsgov.history.spc import Signal
from opsgov.history.trends import Trend, month_offset
from opsgov.models.results import KpiInfo, ScopeResult, Scorecard, Target
from opsgov.render.formatting import (
    STATUS_LABEL,
    UNCHANGED,
    format_change,
    format_score_change,
    format_value,
)

_FINE = {"percent": 2, "hours": 2, "decimal": 3, "count": 1, "currency": 3, "seconds": 1}
SPARK_CHARS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
LEVEL_LABEL = {"global": "Global", "region": "Region", "vendor": "Vendor", "site": "Site"}
COMPOSITE_INFO = KpiInfo(
    id="composite",
    name="Composite score",
    category=None,
    formula="weighted category scores",
    unit="score",
    format="decimal",
    direction="higher_is_better",
    owner="",
    description="The weighted composite of the category scores, 0-100.",
    weight=0,
)


@dataclass(frozen=True)
class ReportSection:
    """One section of a report: an `<h2>` (a `##` in Markdown) and the template of its body.

    A report's context lists its sections in order under `sections`; the page template renders
    each as a heading followed by `REPORT/KEY.html.j2` (or `.md.j2`), so a section is added by
    adding its data to the context, an entry to the report's list and those two templates.
    """

    key: str
    title: str


def parse_quarter(text: str) -> tuple[int, int]:
    """`2026Q4` -> (2026, 4); an OpsgovError for anything else."""
    found = re.fullmatch(r"(\d{4})-?[Qq]([1-4])", text.strip())
    if found is None:
        raise OpsgovError(f"--quarter must be written YYYYQn, such as 2026Q4; got {text!r}")
    return int(found.group(1)), int(found.group(2))


def quarter_months(year: int, quarter: int) -> list[str]:
    """The three months of a quarter."""
    return [f"{year:04d}-{3 * (quarter - 1) + m:02d}" for m in (1, 2, 3)]


def quarter_label(year: int, quarter: int) -> str:
    """`2026 Q4`."""
    return f"{year} Q{quarter}"


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    """The quarter before."""
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def window(last: str, months: int) -> tuple[str, str]:
    """(first, last) of the `months` months ending at `last`."""
    return month_offset(last, -(months - 1)), last


def unicode_spark(values: Sequence[float | None], band: float | None = None) -> str:
    """A sparkline in block characters (for Markdown and table cells); blanks for gaps.

    The scale is never narrower than twice `band` (the KPI's amber band) or 5 % of the
    largest value, so a flat series stays flat rather than filling the height with noise.
    """
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    least = max(2 * (band or 0.0), abs(high) * 0.05)
    if high - low < least:
        low = (high + low - least) / 2
        high = low + least
    span = high - low
    out = []
    for v in values:
        if v is None:
            out.append(" ")
        else:
            level = 0 if span == 0 else round((v - low) / span * (len(SPARK_CHARS) - 1))
            out.append(SPARK_CHARS[level])
    return "".join(out)


def scope_label(scope: ScopeResult | None, level: str, scope_id: str, name: str = "") -> str:
    """How a scope is named in a report: `Site DUB1 Dublin`, `Vendor Acme BPO`, `Global`."""
    if level == "global":
        return "Global" if scope is None or scope.queue is None else f"Global, {scope.queue}"
    name = scope.name if scope is not None else name
    if level == "site":
        return f"Site {scope_id} {name}".strip()
    return f"{LEVEL_LABEL[level]} {name or scope_id}"


@dataclass(frozen=True)
class Formatter:
    """Writes values of the period's KPIs in their own formats and the reporting currency."""

    currency: str

    def value(self, info: KpiInfo, value: float | None) -> str:
        """A value as people read it (an em dash for none)."""
        if info.id == "composite":
            return "\u2014" if value is None else f"{value:.1f}"
        return format_value(value, info.format, self.currency)

    def change(self, info: KpiInfo, change: float | None) -> str:
        """A signed change (percentage points for percentages; empty for none).

        A change too small to show at the KPI's precision reads `unchanged`, never `±0.0 pp`.
        """
        if change is None:
            return ""
        if info.id == "composite":
            return format_score_change(change)
        return format_change(change, info.format, self.currency)

    def better(self, info: KpiInfo, change: float | None) -> bool | None:
        """Whether a change is good news (None: no change that shows, or a target band)."""
        if change is None or self.change(info, change) == UNCHANGED:
            return None
        if info.direction == "target_band":
            return None
        return (change > 0) == (info.direction == "higher_is_better")

    def pair(self, info: KpiInfo, before: float, after: float) -> tuple[str, str]:
        """Two values that differ, written so that they read differently.

        One more decimal when they would round to the same text (89.4 % to 89.4 % for a change
        of -0.1 pp reads 89.44 % to 89.36 %).
        """
        first, second = self.value(info, before), self.value(info, after)
        if first != second or info.format not in _FINE or before == after:
            return first, second
        decimals = _FINE[info.format]
        return (
            format_value(before, info.format, self.currency, decimals),
            format_value(after, info.format, self.currency, decimals),
        )

    def axis(self, info: KpiInfo) -> Callable[[float], str]:
        """The y-axis label writer of a chart of this KPI."""
        if info.format == "percent":
            return lambda y: f"{y * 100:.1f} %"
        if info.id == "composite":
            return lambda y: f"{y:.1f}"
        return lambda y: self.value(info, y)


def status_label(status: str | None) -> str:
    """Green, Amber, Red, No data, ..."""
    return STATUS_LABEL.get(status or "no_data", status or "")


@dataclass(frozen=True)
class ChartSeries:
    """The numbers behind an XmR chart, for writers that draw their own (editable slides)."""

    periods: list[str]
    values: list[float]
    centre: float | None
    unpl: float | None
    lnpl: float | None
    target: float | None
    percent: bool

    @classmethod
    def of(cls, trend: Trend, info: KpiInfo, target: Target | None) -> ChartSeries:
        """The series of a trend, with its limits and the KPI's target."""
        limits = trend.chart.limits
        return cls(
            periods=list(trend.charted),
            values=list(trend.chart.values),
            centre=limits.centre if limits else None,
            unpl=limits.unpl if limits else None,
            lnpl=limits.lnpl if limits else None,
            target=target.target if target else None,
            percent=info.format == "percent",
        )


@dataclass
class Charts:
    """Draws a report's charts, each with an id unique in the page."""

    prefix: str
    drawn: int = 0
    enabled: bool = True
    raster: bool = False
    """Also draw each XmR chart as a PNG picture (`png`), for PDF pages."""
    spark_months: int = 13
    registry: list[str] = field(default_factory=list)

    def _next(self) -> str:
        self.drawn += 1
        chart_id = f"{self.prefix}{self.drawn}"
        self.registry.append(chart_id)
        return chart_id

    def xmr(
        self,
        trend: Trend,
        info: KpiInfo,
        label: str,
        fmt: Formatter,
        target: Target | None = None,
    ) -> Markup | None:
        """The XmR chart of a trend (None when charts are off or the series is empty)."""
        if not self.enabled or not trend.charted:
            return None
        from opsgov.history.reports.charts import xmr_svg  # matplotlib: only when drawing

        title = f"{info.name}, {label}: monthly values with XmR limits"
        return xmr_svg(
            self._next(),
            title,
            describe_trend(trend, info, label, fmt),
            trend.charted,
            trend.chart.values,
            trend.chart.limits,
            trend.chart.signals,
            axis=fmt.axis(info),
            good=lambda s: _good(trend, s),
            target=target,
            direction=info.direction,
        )

    def png(
        self,
        trend: Trend,
        info: KpiInfo,
        fmt: Formatter,
        target: Target | None = None,
    ) -> bytes | None:
        """The XmR chart of a trend as a PNG picture (None unless `raster` is on)."""
        if not self.raster or not trend.charted:
            return None
        from opsgov.history.reports.charts import xmr_png

        return xmr_png(
            trend.charted,
            trend.chart.values,
            trend.chart.limits,
            trend.chart.signals,
            axis=fmt.axis(info),
            good=lambda s: _good(trend, s),
            target=target,
            direction=info.direction,
        )

    def spark(
        self,
        values: Sequence[float | None],
        title: str,
        description: str,
        target: Target | None = None,
    ) -> Markup | None:
        """A sparkline (None when charts are off or there is nothing to draw)."""
        if not self.enabled or all(v is None for v in values):
            return None
        from opsgov.history.reports.charts import sparkline_svg

        return sparkline_svg(self._next(), title, description, values, target=target)


def _good(trend: Trend, signal: Signal) -> bool | None:
    direction = trend.direction
    if direction == "higher_is_better":
        return signal.direction == "up"
    if direction == "lower_is_better":
        return signal.direction == "down"
    return None


def describe_trend(trend: Trend, info: KpiInfo, label: str, fmt: Formatter) -> str:
    """The text alternative of a trend chart: range, latest value, limits and signals."""
    values = trend.chart.values
    if not values:
        return f"{info.name} for {label}: no values recorded."
    parts = [
        f"{info.name} for {label}, {len(values)} months from {trend.charted[0]} to "
        f"{trend.charted[-1]}; latest {fmt.value(info, values[-1])}."
    ]
    limits = trend.chart.limits
    if limits is None:
        parts.append("Too few months for control limits.")
    else:
        parts.append(
            f"Centre line {fmt.value(info, limits.centre)}, natural process limits "
            f"{fmt.value(info, limits.lnpl)} to {fmt.value(info, limits.unpl)} "
            f"(from the first {limits.baseline} months)."
        )
        if trend.signals:
            parts.append("Signals: " + "; ".join(s.text for s in trend.signals) + ".")
        else:
            parts.append("No signal: the variation is routine.")
    return " ".join(parts)


def render(env: Environment, template: str, context: Mapping[str, Any]) -> str:
    """Render one report template."""
    return env.get_template(template).render(**context)


def card_kpis(card: Scorecard) -> dict[str, KpiInfo]:
    """KPI definitions by id, with the composite as a pseudo-KPI."""
    return {"composite": COMPOSITE_INFO, **{k.id: k for k in card.kpis}}


def headline_kpis(card: Scorecard) -> list[KpiInfo]:
    """Each category's heaviest KPI (the first on a tie), in category order."""
    out: list[KpiInfo] = []
    for category in card.categories:
        members = [k for k in card.kpis if k.category == category.id and k.weight > 0]
        if members:
            out.append(max(members, key=lambda k: k.weight))
    return out
