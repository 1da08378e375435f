"""The vendor QBR pack (domain reference section 5.4), from the history.

Quarter values are recomputed from the quarter's measures (`quarters.py`) and compared with the
prior quarter and the same quarter a year before, where the history has them. The sections
follow the recommended pack: executive summary, scorecard with 13-month XmR charts of the
headline KPIs, contract SLA attainment, then volume and capacity, quality, customer, people
and wellbeing, compliance and risk, commercials (each the framework's KPIs of that kind),
continuous improvement and the action log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from opsgov.history import query
from opsgov.history.credits import LedgerSl, commercial, ledger_sls
from opsgov.history.reports.common import (
    COMPOSITE_INFO,
    Charts,
    ChartSeries,
    Formatter,
    describe_trend,
    headline_kpis,
    previous_quarter,
    quarter_label,
    quarter_months,
    scope_label,
    status_label,
)
from opsgov.history.reports.quarters import evaluate, quarter_measures, rate
from opsgov.history.schema import HistoryError
from opsgov.history.store import HistoryStore
from opsgov.history.trends import COMPOSITE, build_trends, month_offset
from opsgov.models.results import CategoryInfo, KpiInfo, Scorecard, Target

SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("volume", "Volume and capacity", ("service", "delivery", "volume", "capacity", "product")),
    ("quality", "Quality", ("quality", "accuracy")),
    ("customer", "Customer", ("customer", "cx", "satisfaction")),
    ("people", "People and wellbeing", ("people", "wellbeing", "workforce", "staff")),
    ("compliance", "Compliance and risk", ("compliance", "risk", "control", "security")),
    ("commercials", "Commercials", ("cost", "commercial", "financ", "efficien")),
)
"""QBR sections 4-9, each with words that place a framework category in it."""
WORKSPACE_SOURCE = "(workspace)"
"""How a target's source names an override from the workspace's contract terms."""


@dataclass(frozen=True)
class QbrKpi:
    """One KPI of the vendor for the quarter, against the prior quarter and a year before."""

    id: str
    name: str
    category: str
    owner: str
    value: str
    status: str
    target: str
    contract: bool
    prior: str
    prior_change: str
    prior_better: bool | None
    last_year: str
    last_year_change: str
    last_year_better: bool | None
    months: list[tuple[str, str, str]]
    """(month, value, status) of each month of the quarter."""
    raw_change: float | None = field(default=None, compare=False)
    raw_prior: float | None = field(default=None, compare=False)


@dataclass(frozen=True)
class QbrChart:
    """A 13-month XmR chart of a headline KPI with its signals."""

    title: str
    svg: Markup | None
    description: str
    signals: list[str]
    png: bytes | None = None
    series: ChartSeries | None = None


@dataclass(frozen=True)
class Section:
    """QBR sections 4-9: the framework's KPIs of one kind."""

    key: str
    title: str
    kpis: list[QbrKpi]


def _section(category: CategoryInfo | None) -> str:
    if category is None:
        return "volume"
    text = f"{category.id} {category.name}".lower()
    for key, _, words in SECTIONS:
        if any(w in text for w in words):
            return key
    return "other"


def _quarter(
    monthly: dict[str, dict[str, float | None]],
    months: list[str],
    rollups: dict[str, str],
    kpis: list[KpiInfo],
) -> dict[str, float | None] | None:
    if not any(m in monthly for m in months):
        return None
    return evaluate(kpis, quarter_measures(monthly, months, rollups))


def _kpi_rows(
    card: Scorecard,
    vendor: str,
    months: list[str],
    values: dict[str, dict[str, float | None] | None],
    statuses: dict[tuple[str, str], dict[str, str]],
    monthly_values: dict[tuple[str, str], dict[str, float | None]],
    fmt: Formatter,
) -> list[QbrKpi]:
    scope = card.scope("vendor", vendor)
    assert scope is not None
    targets: dict[str, Target] = {k.kpi: k.target for k in scope.kpis}
    rows: list[QbrKpi] = []
    now, prior, last_year = values["now"] or {}, values["prior"], values["last_year"]
    for k in card.kpis:
        value = now.get(k.id)
        before = prior.get(k.id) if prior else None
        year = last_year.get(k.id) if last_year else None
        d_prior = None if value is None or before is None else value - before
        d_year = None if value is None or year is None else value - year
        target = targets.get(k.id)
        rows.append(
            QbrKpi(
                id=k.id,
                name=k.name,
                category=k.category or "",
                owner=k.owner,
                value=fmt.value(k, value),
                status=rate(k.direction, value, target),
                target=fmt.value(k, target.target if target else None),
                contract=target is not None and target.source != "framework",
                prior=fmt.value(k, before) if prior is not None else "",
                prior_change=fmt.change(k, d_prior),
                prior_better=fmt.better(k, d_prior),
                last_year=fmt.value(k, year) if last_year is not None else "",
                last_year_change=fmt.change(k, d_year),
                last_year_better=fmt.better(k, d_year),
                months=[
                    (
                        m,
                        fmt.value(k, monthly_values.get((vendor, k.id), {}).get(m)),
                        statuses.get((vendor, k.id), {}).get(m, "no_data"),
                    )
                    for m in months
                ],
                raw_change=d_prior,
                raw_prior=before,
            )
        )
    return rows


def qbr(
    store: HistoryStore,
    vendor: str,
    year: int,
    quarter: int,
    *,
    report_date: str,
    charts: bool = True,
    raster: bool = False,
) -> dict[str, Any]:
    """The template context of a vendor's QBR pack for a quarter.

    Args:
        store: The history store.
        vendor: The vendor's id.
        year: The quarter's year.
        quarter: 1 to 4.
        report_date: The date printed on the pack.
        charts: Draw the XmR charts (off: text alternatives only).
        raster: Also draw them as PNG pictures (for the PDF and the slides).

    Returns:
        The context for `qbr.html.j2` and `qbr.md.j2`.
    """
    months = quarter_months(year, quarter)
    prior_q = previous_quarter(year, quarter)
    prior_months = quarter_months(*prior_q)
    ly_months = quarter_months(year - 1, quarter)
    stored = query.periods(store)
    have = [m for m in months if m in stored]
    if not have:
        span = f"{stored[0]} to {stored[-1]}" if stored else "nothing"
        raise HistoryError(
            f"the history has no month of {quarter_label(year, quarter)} (it has {span})"
        )
    partial = len(have) < len(months)
    if partial:  # like with like: the same months of the quarters compared with
        positions = [months.index(m) for m in have]
        prior_months = [prior_months[i] for i in positions]
        ly_months = [ly_months[i] for i in positions]
    prior_have = [m for m in prior_months if m in stored]
    ly_have = [m for m in ly_months if m in stored]
    last = have[-1]
    card = query.load_card(store, last)
    scope = card.scope("vendor", vendor)
    if scope is None:
        known = ", ".join(s.id for s in card.scopes if s.level == "vendor" and s.queue is None)
        raise HistoryError(f"no vendor {vendor!r} in {last}; vendors: {known or 'none'}")
    fmt = Formatter(card.reporting_currency)
    rollups = query.rollups(store, last)
    window_first = month_offset(last, -12)
    monthly = query.measure_series(store, "vendor", vendor, ly_months[0], months[-1])
    values = {
        "now": _quarter(monthly, months, rollups, card.kpis),
        "prior": _quarter(monthly, prior_months, rollups, card.kpis),
        "last_year": _quarter(monthly, ly_months, rollups, card.kpis),
    }
    table = query.series_table(
        store, month_offset(window_first, -12), last, levels=("vendor", "site")
    )
    trends = build_trends(
        table, card.kpis, first=window_first, last=last, levels=("vendor", "site")
    )
    statuses = {(key[1], key[3]): s for key, s in table.statuses.items() if key[0] == "vendor"}
    monthly_values = {(key[1], key[3]): v for key, v in table.values.items() if key[0] == "vendor"}
    rows = _kpi_rows(card, vendor, months, values, statuses, monthly_values, fmt)
    by_id = {r.id: r for r in rows}
    info = {k.id: k for k in card.kpis}
    categories = {c.id: c for c in card.categories}

    composites = table.values.get(("vendor", vendor, "", COMPOSITE), {})
    composite_status = statuses.get((vendor, COMPOSITE), {})
    month_composites = [
        (m, fmt.value(COMPOSITE_INFO, composites.get(m)), composite_status.get(m, "no_data"))
        for m in months
    ]
    latest_status = composite_status.get(last, "no_data")
    present = [composites[m] for m in months if composites.get(m) is not None]
    mean_composite = sum(v for v in present if v is not None) / len(present) if present else None
    prior_present = [composites[m] for m in prior_months if composites.get(m) is not None]
    prior_mean = (
        sum(v for v in prior_present if v is not None) / len(prior_present)
        if prior_present
        else None
    )

    scored = [r for r in rows if r.raw_change is not None and r.prior_better is not None]
    issues = [r for r in rows if r.status == "red"]
    issues += sorted(
        (r for r in scored if r.prior_better is False and r.status != "red"),
        key=lambda r: -_relative(r),
    )
    issues = issues[:3]
    wins = sorted(
        (r for r in scored if r.prior_better and r.status != "red" and r not in issues),
        key=lambda r: -_relative(r),
    )[:3]
    prior_status = {
        k.id: rate(k.direction, (values["prior"] or {}).get(k.id), _target(card, vendor, k.id))
        for k in card.kpis
    }
    decisions = [
        f"Agree a remediation plan for {r.name}: red in {quarter_label(year, quarter)} and in "
        f"{quarter_label(*prior_q)}."
        for r in rows
        if r.status == "red" and prior_status.get(r.id) == "red"
    ]

    drawer = Charts(prefix="q", enabled=charts, raster=raster)
    label = scope_label(scope, "vendor", vendor)
    chart_keys = [COMPOSITE] + [k.id for k in headline_kpis(card)]
    chart_blocks: list[QbrChart] = []
    for kid in chart_keys:
        trend = trends.get(("vendor", vendor, "", kid))
        k = COMPOSITE_INFO if kid == COMPOSITE else info[kid]
        if trend is None or not trend.charted:
            continue
        chart_blocks.append(
            QbrChart(
                title=f"{k.name}: {len(trend.charted)} months to {trend.charted[-1]}",
                svg=drawer.xmr(trend, k, label, fmt, _target(card, vendor, kid)),
                png=drawer.png(trend, k, fmt, _target(card, vendor, kid)),
                series=ChartSeries.of(trend, k, _target(card, vendor, kid)),
                description=describe_trend(trend, k, label, fmt),
                signals=[s.text for s in trend.signals],
            )
        )

    contract_sls = ledger_sls(store, vendor, months)
    sla = (
        _contract_sla_rows(contract_sls, card, months, fmt)
        if contract_sls
        else _sla_rows(card, vendor, months, table, fmt)
    )
    watch = [
        r
        for r in sla
        if sum(1 for m in r.months if m.status == "red") >= 2
        or [m.status for m in r.months[-2:]] == ["red", "red"]
    ]

    grouped: dict[str, list[QbrKpi]] = {key: [] for key, _, _ in SECTIONS}
    grouped["other"] = []
    for r in rows:
        grouped[_section(categories.get(r.category))].append(r)
    sections = [Section(key, title, grouped[key]) for key, title, _ in SECTIONS]
    if grouped["other"]:
        sections.append(Section("other", "Other KPIs", grouped["other"]))

    sites = [s for s in card.scopes if s.level == "site" and s.queue is None and s.vendor == vendor]
    headline = headline_kpis(card)
    site_rows = []
    for s in sites:
        site_monthly = query.measure_series(store, "site", s.id, months[0], months[-1])
        site_values = _quarter(site_monthly, months, rollups, card.kpis) or {}
        targets = {k.kpi: k.target for k in s.kpis}
        site_rows.append(
            {
                "site": f"{s.id} {s.name}",
                "region": s.region or "",
                "cells": [
                    (
                        fmt.value(k, site_values.get(k.id)),
                        rate(k.direction, site_values.get(k.id), targets.get(k.id)),
                    )
                    for k in headline
                ],
            }
        )

    site_ids = {s.id for s in sites}
    quality = []
    subs = query.submissions(store, months[0], months[-1])
    for m in months:
        mine = [s for s in subs.get(m, []) if s.vendor == vendor]
        quality.append(
            {
                "month": m,
                "recorded": m in subs,
                "sites": len(mine),
                "missing": [s.site for s in mine if s.missing],
                "late": [s.site for s in mine if s.late],
                "invalid": [s.site for s in mine if s.errors and not s.missing],
            }
        )
    fired = [
        {"month": p, "playbook": b, "scope": sc, "why": w}
        for p, b, sc, w in query.playbooks(store, months[0], months[-1])
        if sc == vendor or sc in site_ids
    ]
    practices = []
    for (level, sid, _, kid), trend in sorted(trends.items()):
        if kid not in info or (level == "site" and sid not in site_ids):
            continue
        if level == "vendor" and sid != vendor:
            continue
        for sig in trend.signals:
            if sig.favourable and sig.end >= months[0]:
                name = (
                    label
                    if level == "vendor"
                    else scope_label(None, "site", sid, table.names.get(("site", sid), ""))
                )
                practices.append({"scope": name, "kpi": info[kid].name, "signal": sig.text})
    actions = [
        {
            "action": f"Bring {r.name} back to target ({r.target}); it was {r.value} over the "
            "quarter.",
            "owner": r.owner or "vendor manager",
            "due": "before the next QBR",
            "status": "proposed",
        }
        for r in issues
        if r.status == "red"
    ]
    actions += [
        {
            "action": f"Close out playbook {f['playbook']} ({f['scope']}, {f['month']})",
            "owner": "vendor manager",
            "due": "as the playbook says",
            "status": "open",
        }
        for f in fired
    ]

    return {
        "title": f"{card.workspace}: {scope.name} QBR {quarter_label(year, quarter)}",
        "card": card,
        "vendor": {"id": vendor, "name": scope.name, "sites": [f"{s.id} {s.name}" for s in sites]},
        "quarter": quarter_label(year, quarter),
        "months": months,
        "months_recorded": have,
        "last_month": last,
        "partial": partial,
        "coverage": {
            "now": _holds(year, quarter, have),
            "prior": _holds(*prior_q, prior_have, same=partial),
            "last_year": _holds(year - 1, quarter, ly_have, same=partial),
        },
        "quarter_column": _column(quarter_label(year, quarter), have, partial),
        "prior_quarter": _column(quarter_label(*prior_q), prior_months, partial)
        if values["prior"] is not None
        else None,
        "last_year_quarter": _column(quarter_label(year - 1, quarter), ly_months, partial)
        if values["last_year"] is not None
        else None,
        "report_date": report_date,
        "composite": {
            "value": fmt.value(COMPOSITE_INFO, mean_composite),
            "prior": fmt.value(COMPOSITE_INFO, prior_mean) if prior_mean is not None else "",
            "status": latest_status,
            "status_label": status_label(latest_status),
            "status_month": last,
            "months": month_composites,
        },
        "wins": wins,
        "issues": issues,
        "decisions": decisions,
        "kpis": rows,
        "by_id": by_id,
        "charts": chart_blocks,
        "sla": sla,
        "commercial": commercial(store, vendor, months),
        "watch": watch,
        "sections": sections,
        "headline": headline,
        "site_rows": site_rows,
        "quality": quality,
        "playbooks": fired,
        "practices": practices[:20],
        "actions": actions,
    }


def _column(label: str, months: list[str], partial: bool) -> str:
    """A quarter's column heading: `2026 Q3`, or `2026 Q3 (2026-07)` beside a partial one."""
    return f"{label} ({', '.join(months)})" if partial else label


def _holds(year: int, quarter: int, have: list[str], *, same: bool = False) -> str:
    """What a quarter holds: `2026 Q3 (all 3 months)`, `2026 Q4 (1 of 3 months: 2026-10)`.

    `same`: the quarter is compared over the same months as a partial quarter
    (`2026 Q3, the same month: 2026-07`). Empty when the history has none of them.
    """
    if not have:
        return ""
    label = quarter_label(year, quarter)
    if same:
        return f"{label}, the same {'month' if len(have) == 1 else 'months'}: {', '.join(have)}"
    if len(have) == 3:
        return f"{label} (all 3 months)"
    return f"{label} ({len(have)} of 3 months: {', '.join(have)})"


@dataclass(frozen=True)
class SlaMonth:
    """One month of a contract service level: met, below target (met the minimum) or missed."""

    month: str
    value: str
    status: str
    word: str


@dataclass(frozen=True)
class SlaRow:
    """A service level the workspace's contract terms set for the vendor or one of its sites."""

    kpi: str
    scope: str
    target: str
    minimum: str
    months: list[SlaMonth]
    source: str


_SLA_WORD = {"green": "met", "amber": "below target", "red": "missed"}


def _sla_rows(
    card: Scorecard, vendor: str, months: list[str], table: query.SeriesTable, fmt: Formatter
) -> list[SlaRow]:
    """The vendor's contract service levels, month by month.

    Only KPIs whose target comes from the workspace's contract terms are service levels: an
    override for the vendor itself, or for one of its sites (shown for that site). Framework
    targets are not SLAs. Green is met, amber met the minimum but not the target, red missed.
    """
    info = {k.id: k for k in card.kpis}
    out: list[SlaRow] = []
    for s in card.scopes:
        if s.queue is not None:
            continue
        if s.level == "vendor" and s.id == vendor:
            mark = WORKSPACE_SOURCE
        elif s.level == "site" and s.vendor == vendor:
            mark = f"site {s.id} {WORKSPACE_SOURCE}"
        else:
            continue
        for k in s.kpis:
            if mark not in k.target.source or k.kpi not in info:
                continue
            key = (s.level, s.id, "", k.kpi)
            values, statuses = table.values.get(key, {}), table.statuses.get(key, {})
            month_rows = []
            for m in months:
                st = statuses.get(m, "no_data")
                month_rows.append(
                    SlaMonth(m, fmt.value(info[k.kpi], values.get(m)), st, _SLA_WORD.get(st, ""))
                )
            out.append(
                SlaRow(
                    kpi=info[k.kpi].name,
                    scope=scope_label(s, s.level, s.id),
                    target=fmt.value(info[k.kpi], k.target.target),
                    minimum=fmt.value(info[k.kpi], k.target.amber),
                    months=month_rows,
                    source=k.target.reason or k.target.source,
                )
            )
    return out


_LEDGER_STATUS = {
    "met_target": ("green", "met"),
    "met_minimum": ("amber", "below target"),
    "missed": ("red", "missed"),
    "excluded": ("no_data", "excluded"),
    "no_data": ("no_data", ""),
}


def _contract_sla_rows(
    sls: list[LedgerSl], card: Scorecard, months: list[str], fmt: Formatter
) -> list[SlaRow]:
    """The vendor's contract service levels as `opsgov credits` recorded them, month by month.

    With a contract in the workspace these are exactly its service levels (met, met the
    minimum but not the target, missed; excluded months say so), not every KPI with an override.
    """
    info = {k.id: k for k in card.kpis}
    out = []
    for sl in sls:
        kpi = info.get(sl.kpi)

        def show(v: float | None, kpi: KpiInfo | None = kpi) -> str:
            if kpi is not None:
                return fmt.value(kpi, v)
            return "" if v is None else f"{v:g}"

        month_rows = []
        for m in months:
            value, status = sl.months.get(m, (None, "no_data"))
            rag, word = _LEDGER_STATUS.get(status, ("no_data", ""))
            month_rows.append(SlaMonth(m, show(value), rag, word))
        out.append(
            SlaRow(
                kpi=f"{sl.sl} ({kpi.name if kpi else sl.kpi})",
                scope="contract",
                target=show(sl.target),
                minimum=show(sl.minimum),
                months=month_rows,
                source=f"contract {sl.contract}, version {', '.join(sl.versions)}",
            )
        )
    return out


def _target(card: Scorecard, vendor: str, kpi: str) -> Target | None:
    scope = card.scope("vendor", vendor)
    found = scope.kpi(kpi) if scope else None
    return found.target if found else None


def _relative(row: QbrKpi) -> float:
    """A change's size relative to the prior quarter's value (units differ between KPIs)."""
    change = abs(row.raw_change or 0.0)
    return change / abs(row.raw_prior) if row.raw_prior else change
