"""The monthly governance pack: what changed, what is red, what fired, which signals are real.

Sections: an executive summary (the headline, the largest movements each marked as a signal or
as noise inside the control limits, what is red and for how long, the playbooks that fired and
the SPC signals that reach this month), league tables of sites, vendors and regions, trend
charts with control limits, and data quality (late, missing and invalid submissions per vendor,
this month and over the last twelve, and restatements); where the workspace plans capacity, a
capacity section (`opsgov.capacity.pack`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from opsgov.history import query
from opsgov.history.credits import commercial
from opsgov.history.reports.common import (
    Charts,
    Formatter,
    ReportSection,
    card_kpis,
    describe_trend,
    headline_kpis,
    status_label,
    unicode_spark,
    window,
)
from opsgov.history.reports.summary import (
    LEVELS,
    SEVERE,
    key_points,
    movements,
    red_groups,
    scope_index,
    scope_name,
    signals,
)
from opsgov.history.store import HistoryStore
from opsgov.history.trends import COMPOSITE, Trend, build_trends, month_offset
from opsgov.models.results import KpiInfo, Scorecard

SECTIONS: tuple[ReportSection, ...] = (
    ReportSection("summary", "Executive summary"),
    ReportSection("league", "League tables"),
    ReportSection("trends", "Trend charts"),
    ReportSection("quality", "Data quality"),
)
"""The pack's sections in order; each body is `templates/governance/KEY.html.j2` (and `.md.j2`)."""
CAPACITY = ReportSection("capacity", "Capacity and resilience")
COMMERCIAL = ReportSection("commercial", "Commercial: service credits")
"""Added after the others when the workspace plans capacity (`opsgov.capacity.pack`)."""

MONTHS = 24
"""Months of history the trend charts and the SPC limits look at."""
TOP_SIGNALS = 40
SCOPE_CHARTS = 8
_RULE_ORDER = {"beyond_limits": 0, "run": 1, "trend": 2}


@dataclass(frozen=True)
class LeagueRow:
    """A row of a league table."""

    rank: str
    scope: str
    vendor: str
    region: str
    composite: str
    status: str
    change: str
    trend: str
    red: int


@dataclass(frozen=True)
class ChartBlock:
    """A trend chart, its text alternative and its signals."""

    title: str
    svg: Markup | None
    description: str
    signals: list[str]
    png: bytes | None = None


@dataclass(frozen=True)
class QualityRow:
    """One vendor's submissions: this month, and over the last twelve."""

    vendor: str
    sites: int
    sent: int
    missing: list[str]
    late: list[str]
    invalid: list[str]
    errors: int
    warnings: int
    months_missing: int
    months_late: int
    months_invalid: int


def _league(
    card: Scorecard, level: str, trends: dict[query.SeriesKey, Trend], info: dict[str, KpiInfo]
) -> list[LeagueRow]:
    fmt_info = info[COMPOSITE]
    rows = sorted(
        (s for s in card.scopes if s.level == level and s.queue is None),
        key=lambda s: (s.rank or 999, s.id),
    )
    out: list[LeagueRow] = []
    for s in rows:
        trend = trends.get((level, s.id, "", COMPOSITE))
        values = [p.value for p in trend.points[-13:]] if trend else []
        change = (
            None
            if s.composite is None or s.previous_composite is None
            else s.composite - s.previous_composite
        )
        out.append(
            LeagueRow(
                rank=str(s.rank or "\u2014"),
                scope=f"{s.id} {s.name}" if level == "site" else s.name,
                vendor=s.vendor or "",
                region=s.region or "",
                composite=Formatter("").value(fmt_info, s.composite),
                status=s.status,
                change=Formatter("").change(fmt_info, change),
                trend=unicode_spark(values),
                red=sum(1 for k in s.kpis if k.status == "red"),
            )
        )
    return out


def _charts(
    trends: dict[query.SeriesKey, Trend],
    card: Scorecard,
    info: dict[str, KpiInfo],
    fmt: Formatter,
    charts: Charts,
) -> list[ChartBlock]:
    scopes = scope_index(card)
    wanted: list[query.SeriesKey] = [("global", "global", "", COMPOSITE)]
    wanted += [("global", "global", "", k.id) for k in headline_kpis(card)]
    for key, trend in sorted(trends.items()):
        if key[0] == "global" and key[3] in info and trend.current_signals:
            wanted.append(key)
    flagged = sorted(
        (
            (_RULE_ORDER.get(s.rule, 9), LEVELS.index(key[0]), key)
            for key, trend in trends.items()
            if key[0] != "global" and key[3] in info
            for s in trend.current_signals
            if s.favourable is False
        ),
    )
    extra: list[query.SeriesKey] = []
    for _, _, key in flagged:
        if key not in extra and len(extra) < SCOPE_CHARTS:
            extra.append(key)
    blocks: list[ChartBlock] = []
    for key in dict.fromkeys([*wanted, *extra]):
        found = trends.get(key)
        if found is None or not found.charted:
            continue
        level, scope_id, _, kpi = key
        label = scope_name(scopes, level, scope_id)
        k = info[kpi]
        scope = scopes.get((level, scope_id))
        result = scope.kpi(kpi) if scope is not None else None
        target = result.target if result else None
        svg = charts.xmr(found, k, label, fmt, target)
        blocks.append(
            ChartBlock(
                title=f"{k.name}: {label}",
                svg=svg,
                png=charts.png(found, k, fmt, target),
                description=describe_trend(found, k, label, fmt),
                signals=[s.text for s in found.signals],
            )
        )
    return blocks


def _quality(store: HistoryStore, card: Scorecard, period: str) -> list[QualityRow]:
    first = month_offset(period, -11)
    history = query.submissions(store, first, period)
    names = {s.id: s.name for s in card.scopes if s.level == "vendor" and s.queue is None}
    now = history.get(period, [])
    vendors = sorted({s.vendor for subs in history.values() for s in subs})
    rows: list[QualityRow] = []
    for vendor in vendors:
        mine = [s for s in now if s.vendor == vendor]
        past = {p: [s for s in subs if s.vendor == vendor] for p, subs in history.items()}
        rows.append(
            QualityRow(
                vendor=names.get(vendor, vendor),
                sites=len(mine),
                sent=sum(1 for s in mine if not s.missing),
                missing=[s.site for s in mine if s.missing],
                late=[s.site for s in mine if s.late],
                invalid=[s.site for s in mine if s.errors and not s.missing],
                errors=sum(s.errors for s in mine),
                warnings=sum(s.warnings for s in mine),
                months_missing=sum(1 for subs in past.values() if any(s.missing for s in subs)),
                months_late=sum(1 for subs in past.values() if any(s.late for s in subs)),
                months_invalid=sum(
                    1 for subs in past.values() if any(s.errors and not s.missing for s in subs)
                ),
            )
        )
    return rows


def governance(
    store: HistoryStore,
    period: str,
    *,
    report_date: str,
    charts: bool = True,
    capacity: dict[str, Any] | None = None,
    raster: bool = False,
) -> dict[str, Any]:
    """The template context of the governance pack for `period`.

    Args:
        store: The history store.
        period: The month, YYYY-MM (it must be in the history).
        report_date: The date printed on the pack.
        charts: Draw the trend charts (off: text alternatives only).
        capacity: The capacity section's data (`opsgov.capacity.pack.pack_section`); None
            leaves the section out.
        raster: Also draw the trend charts as PNG pictures (for the PDF).

    Returns:
        The context for `governance.html.j2` and `governance.md.j2`.
    """
    credits = commercial(store, None, [period])
    card = query.load_card(store, period)
    info = card_kpis(card)
    fmt = Formatter(card.reporting_currency)
    first, last = window(period, MONTHS)
    table = query.series_table(store, month_offset(first, -12), last)
    trends = build_trends(table, card.kpis, first=first, last=last)
    glob = next(s for s in card.scopes if s.level == "global" and s.queue is None)
    drawer = Charts(prefix="g", enabled=charts, raster=raster)
    found = signals(trends, card, info, fmt)
    moved = movements(trends, card, info, fmt)
    red = red_groups(card, trends, info, fmt)
    restated = query.restatements(store, period)
    sites = [s for s in card.scopes if s.level == "site" and s.queue is None]
    return {
        "title": f"{card.workspace}: governance pack {period}",
        "sections": [
            *SECTIONS,
            *([CAPACITY] if capacity else []),
            *([COMMERCIAL] if credits["vendors"] else []),
        ],
        "commercial": credits,
        "capacity": capacity,
        "card": card,
        "period": period,
        "report_date": report_date,
        "history_months": len(table.periods),
        "first_period": table.periods[0] if table.periods else period,
        "headline": {
            "composite": fmt.value(info[COMPOSITE], glob.composite),
            "status": glob.status,
            "status_label": status_label(glob.status),
            "change": fmt.change(
                info[COMPOSITE],
                None
                if glob.composite is None or glob.previous_composite is None
                else glob.composite - glob.previous_composite,
            ),
            "sites": len(sites),
            "sites_by_status": {
                st: sum(1 for s in sites if s.status == st) for st in ("green", "amber", "red")
            },
            "red_results": sum(1 for s in sites for k in s.kpis if k.status == "red"),
            "results": sum(1 for s in sites for k in s.kpis if k.status != "not_rated"),
        },
        "key_points": key_points(red, moved),
        "movements": moved,
        "red": red,
        "red_severe": SEVERE,
        "playbooks": card.playbooks,
        "signals": found[:TOP_SIGNALS],
        "signals_more": max(0, len(found) - TOP_SIGNALS),
        "signals_unfavourable": sum(1 for s in found if s.favourable is False),
        "leagues": {
            "site": _league(card, "site", trends, info),
            "vendor": _league(card, "vendor", trends, info),
            "region": _league(card, "region", trends, info),
        },
        "charts": _charts(trends, card, info, fmt, drawer),
        "quality": _quality(store, card, period),
        "findings": card.findings,
        "invalid_rows_excluded": card.invalid_rows_excluded,
        "restatements": [
            {
                "run_time": r.entry.run_time,
                "changes": len(r.changes),
                "inputs": len(r.changed_inputs),
            }
            for r in restated
        ],
        "months_window": MONTHS,
    }
