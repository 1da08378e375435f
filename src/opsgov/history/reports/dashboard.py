"""The one-page executive dashboard: global, regional and vendor views, sparklines, a heat map.

For one month (the latest in the history by default): the global composite and each scored
KPI with its status, change and a 13-month sparkline; each region and vendor with its
composite, change and sparkline; and every site against every scored KPI, coloured by status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from opsgov.history import query
from opsgov.history.reports.common import (
    COMPOSITE_INFO,
    Charts,
    Formatter,
    status_label,
    unicode_spark,
    window,
)
from opsgov.history.reports.summary import band_width
from opsgov.history.schema import HistoryError
from opsgov.history.store import HistoryStore
from opsgov.history.trends import COMPOSITE, months_between
from opsgov.models.results import KpiInfo, ScopeResult

SPARK_MONTHS = 13


@dataclass(frozen=True)
class Tile:
    """One KPI (or the composite) of the whole operation."""

    name: str
    value: str
    status: str
    change: str
    better: bool | None
    spark: Markup | None
    spark_text: str


@dataclass(frozen=True)
class ScopeRow:
    """A region or vendor."""

    name: str
    composite: str
    status: str
    change: str
    spark: Markup | None
    spark_text: str
    sites: int
    red: int
    green: int


@dataclass(frozen=True)
class HeatCell:
    """One site's status on one KPI."""

    status: str
    value: str
    glyph: str


@dataclass(frozen=True)
class HeatRow:
    """One site's row of the heat map."""

    site: str
    vendor: str
    region: str
    status: str
    cells: list[HeatCell]


_GLYPH = {"green": "\u25cf", "amber": "\u25b2", "red": "\u25a0"}


def _series(
    table: query.SeriesTable, key: query.SeriesKey, months: list[str]
) -> list[float | None]:
    values = table.values.get(key, {})
    return [values.get(m) for m in months]


def _scope_rows(
    scopes: list[ScopeResult],
    level: str,
    table: query.SeriesTable,
    months: list[str],
    drawer: Charts,
    fmt: Formatter,
) -> list[ScopeRow]:
    rows: list[ScopeRow] = []
    for s in scopes:
        series = _series(table, (level, s.id, "", COMPOSITE), months)
        change = (
            None
            if s.composite is None or s.previous_composite is None
            else s.composite - s.previous_composite
        )
        rows.append(
            ScopeRow(
                name=s.name,
                composite=fmt.value(COMPOSITE_INFO, s.composite),
                status=s.status,
                change=fmt.change(COMPOSITE_INFO, change),
                spark=drawer.spark(
                    series,
                    f"{s.name}: composite, {months[0]} to {months[-1]}",
                    _spark_text(series, months, COMPOSITE_INFO, fmt),
                ),
                spark_text=unicode_spark(series),
                sites=len(s.sites),
                red=sum(1 for k in s.kpis if k.status == "red"),
                green=sum(1 for k in s.kpis if k.status == "green"),
            )
        )
    return rows


def _spark_text(
    series: list[float | None], months: list[str], info: KpiInfo, fmt: Formatter
) -> str:
    known = [(m, v) for m, v in zip(months, series, strict=True) if v is not None]
    if not known:
        return "No values."
    low = min(known, key=lambda p: p[1])
    high = max(known, key=lambda p: p[1])
    return (
        f"{len(known)} months; first {fmt.value(info, known[0][1])} ({known[0][0]}), "
        f"latest {fmt.value(info, known[-1][1])} ({known[-1][0]}), "
        f"lowest {fmt.value(info, low[1])} ({low[0]}), highest {fmt.value(info, high[1])} "
        f"({high[0]})."
    )


def dashboard(
    store: HistoryStore, period: str | None = None, *, report_date: str, charts: bool = True
) -> dict[str, Any]:
    """The template context of the executive dashboard for `period` (default: the latest).

    Args:
        store: The history store.
        period: The month, YYYY-MM; the latest in the history when None.
        report_date: The date printed on the dashboard.
        charts: Draw the sparklines (off: block-character sparklines only).

    Returns:
        The context for `dashboard.html.j2` and `dashboard.md.j2`.
    """
    if period is None:
        stored = query.periods(store)
        if not stored:
            raise HistoryError("the history is empty: score a month first")
        period = stored[-1]
    card = query.load_card(store, period)
    fmt = Formatter(card.reporting_currency)
    first, last = window(period, SPARK_MONTHS)
    months = months_between(first, last)
    table = query.series_table(store, first, last, levels=("global", "region", "vendor"))
    drawer = Charts(prefix="d", enabled=charts)
    top = [s for s in card.scopes if s.queue is None]
    glob = next(s for s in top if s.level == "global")
    scored = [k for k in card.kpis if k.category is not None and k.weight > 0]
    tiles: list[Tile] = []
    for info in [COMPOSITE_INFO, *scored]:
        series = _series(table, ("global", "global", "", info.id), months)
        if info.id == COMPOSITE:
            value, status, target = glob.composite, glob.status, None
            change = (
                None
                if glob.composite is None or glob.previous_composite is None
                else glob.composite - glob.previous_composite
            )
        else:
            result = glob.kpi(info.id)
            value = result.value if result else None
            status = result.status if result else "no_data"
            change = result.change if result else None
            target = result.target if result else None
        tiles.append(
            Tile(
                name=info.name,
                value=fmt.value(info, value),
                status=status,
                change=fmt.change(info, change),
                better=fmt.better(info, change),
                spark=drawer.spark(
                    series,
                    f"{info.name}, whole operation, {months[0]} to {months[-1]}",
                    _spark_text(series, months, info, fmt),
                    target,
                ),
                spark_text=unicode_spark(series, band_width(target)),
            )
        )
    regions = [s for s in top if s.level == "region"]
    vendors = sorted((s for s in top if s.level == "vendor"), key=lambda s: (s.rank or 999, s.id))
    sites = sorted((s for s in top if s.level == "site"), key=lambda s: (s.rank or 999, s.id))
    heat: list[HeatRow] = []
    for s in sites:
        cells = []
        for info in scored:
            result = s.kpi(info.id)
            st = result.status if result else "no_data"
            cells.append(
                HeatCell(
                    status=st,
                    value=fmt.value(info, result.value if result else None),
                    glyph=_GLYPH.get(st, "\u25cb"),
                )
            )
        heat.append(HeatRow(f"{s.id} {s.name}", s.vendor or "", s.region or "", s.status, cells))
    counts = {st: sum(1 for row in heat for c in row.cells if c.status == st) for st in _GLYPH}
    return {
        "title": f"{card.workspace}: executive dashboard {period}",
        "card": card,
        "period": period,
        "months": months,
        "report_date": report_date,
        "global": {
            "name": glob.name,
            "status_label": status_label(glob.status),
        },
        "tiles": tiles,
        "regions": _scope_rows(regions, "region", table, months, drawer, fmt),
        "vendors": _scope_rows(vendors, "vendor", table, months, drawer, fmt),
        "heat_kpis": scored,
        "heat": heat,
        "heat_counts": counts,
    }
