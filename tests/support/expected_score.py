"""What `opsgov score` must produce for the sample workspace, computed from the ground truth alone.

Nothing here calls opsgov's roll-up, formula, target or scoring code: the ground truth of
`sample_month` is rolled up per site by each measure's rule, money is converted to the
reporting currency at the period's rate from the FX file before anything is added across sites,
the KPI formulas are written out below in plain Python (and checked against the framework's
text), and targets, overrides, RAG, linear scores, category scores, composites and ranks follow
the rules of the domain reference (sections 2, 5.2, 5.3 and 6.5):

- roll-up over the month: `sum` adds the days; `snapshot_end` is the last day's total across
  queues; `snapshot_avg` is the mean of the daily totals; `max`/`min` keep the extreme. Across
  sites every measure adds, except `max`/`min`;
- a KPI at a higher level is its formula over the measures summed across the sites that report
  every measure the formula uses (a site without the numerator must not dilute the denominator);
- targets: the framework's, replaced field by field by overrides for the scope's region, then
  vendor, then site (site beats vendor beats region); at each level the workspace's overrides
  come after the framework's. The floor defaults to the amber threshold (an override that
  sets new thresholds without a floor resets it to its own amber), the target to the green
  threshold;
- RAG: green at or better than `green`, amber at or better than `amber`, else red; target
  bands: inside the green band green, inside the amber band amber, else red. A value whose
  sample is under the minimum is `insufficient_data`;
- linear score: clamp((value - floor) / (target - floor), 0, 1) x 100; bands: 100 inside the
  green band, falling linearly to 0 at the amber band's edge;
- category score: the weighted mean of its KPIs that have a score (`missing_kpi: reweight`);
  composite: the same over categories, by category weight; ranks: by composite, best first.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from opsgov.definitions import load_definition
from opsgov.models.framework import Kpi, Override
from opsgov.models.workspace import Workspace
from tests.support import sample_month as sm

WORKSPACE: Final = sm.SAMPLE_WORKSPACE
REPORTING_CURRENCY: Final = "USD"
RATED: Final = frozenset({"green", "amber", "red"})
PER_SITE: Final = frozenset({"critical_findings", "findings_overdue"})
"""Count KPIs whose thresholds are set for one site: above site level they are rated per
reporting site."""
SITE_KEYED: Final = frozenset(
    m for layout in sm.MONTHLY_LAYOUTS for m in sm.LAYOUT_MEASURES[layout]
)
"""Measures of the monthly HR, finance and compliance files, keyed by site: no queue has them,
so a KPI that needs one is `not_by_queue` in every queue's view."""
QUEUELESS_LAYOUTS: Final = frozenset({sm.LATAM_CX})
"""Layouts without a queue column (each LatAm CX site works one queue): their sites' rows carry
no queue, so they have no per-queue scopes."""

Measures = dict[str, float]


# KPI formulas, in plain Python -------------------------------------------------------------


def _div(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else numerator / denominator


@dataclass(frozen=True)
class Formula:
    """One KPI's formula: the framework's text, the measures it uses, and its value."""

    text: str
    needs: tuple[str, ...]
    value: Callable[[Mapping[str, float]], float | None]


def _ratio(numerator: str, denominator: str) -> Formula:
    return Formula(
        f"{numerator} / {denominator}",
        (numerator, denominator),
        lambda m: _div(m[numerator], m[denominator]),
    )


def _same(measure: str) -> Formula:
    return Formula(measure, (measure,), lambda m: m[measure])


FORMULAS: Final[Mapping[str, Formula]] = {
    "vol_received": _same("items_received"),
    "vol_handled": _same("items_handled"),
    "automation_share": Formula(
        "items_auto_actioned / (items_auto_actioned + items_handled)",
        ("items_auto_actioned", "items_handled"),
        lambda m: _div(m["items_auto_actioned"], m["items_auto_actioned"] + m["items_handled"]),
    ),
    "aht": _ratio("handle_seconds", "items_handled"),
    "sla_attain": _ratio("items_within_sla", "items_sla_eligible"),
    "backlog_over_sla": _ratio("backlog_over_sla_end", "backlog_open_end"),
    "adherence": _ratio("in_adherence_seconds", "scheduled_seconds"),
    "backlog_open": _same("backlog_open_end"),
    "backlog_age_avg": Formula(
        "backlog_age_seconds_sum_end / backlog_open_end / 3600",
        ("backlog_age_seconds_sum_end", "backlog_open_end"),
        lambda m: _hours(_div(m["backlog_age_seconds_sum_end"], m["backlog_open_end"])),
    ),
    "qa_accuracy": _ratio("qa_correct", "qa_audited"),
    "critical_error_rate": _ratio("qa_critical_errors", "qa_audited"),
    "appeal_overturn": _ratio("appeals_overturned", "appeals_decided"),
    "attrition_m": _ratio("leavers", "hc_avg"),
    "absenteeism": _ratio("absence_unplanned_seconds", "scheduled_seconds"),
    "exposure_hours_avg": Formula(
        "sensitive_exposure_seconds / 3600 / moderator_days",
        ("sensitive_exposure_seconds", "moderator_days"),
        lambda m: _div(m["sensitive_exposure_seconds"] / 3600, m["moderator_days"]),
    ),
    "exposure_cap_breach": _ratio("moderator_days_over_cap", "moderator_days"),
    "exposure_max_day": Formula(
        "sensitive_exposure_max_day_seconds / 3600",
        ("sensitive_exposure_max_day_seconds",),
        lambda m: m["sensitive_exposure_max_day_seconds"] / 3600,
    ),
    "wb_participation": _ratio("wellbeing_participants", "wellbeing_eligible"),
    "cost_per_case": _ratio("cost_total", "items_handled"),
    "cost_per_prod_hour": Formula(
        "cost_total / (productive_seconds / 3600)",
        ("cost_total", "productive_seconds"),
        lambda m: _div(m["cost_total"], m["productive_seconds"] / 3600),
    ),
    "utilisation": _ratio("logged_in_seconds", "paid_seconds"),
    "occupancy": Formula(
        "handle_seconds / (handle_seconds + available_idle_seconds)",
        ("handle_seconds", "available_idle_seconds"),
        lambda m: _div(m["handle_seconds"], m["handle_seconds"] + m["available_idle_seconds"]),
    ),
    "shrinkage": Formula(
        "(shrink_planned_seconds + shrink_unplanned_seconds) / paid_seconds",
        ("shrink_planned_seconds", "shrink_unplanned_seconds", "paid_seconds"),
        lambda m: _div(
            m["shrink_planned_seconds"] + m["shrink_unplanned_seconds"], m["paid_seconds"]
        ),
    ),
    "control_pass_rate": _ratio("controls_passed", "controls_tested"),
    "critical_findings": _same("findings_critical"),
    "findings_overdue": _same("findings_overdue_end"),
}
"""KPI id -> its formula, written out by hand from `frameworks/trust_safety.yaml`."""


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


# Inputs: FX rates and overrides -----------------------------------------------------------


@cache
def fx_rates(period: str) -> Mapping[str, float]:
    """Currency -> its rate to the reporting currency for `period`, read from the FX file."""
    rates = {REPORTING_CURRENCY: 1.0}
    with (WORKSPACE / "fx_rates.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["period"] == period and row["to_currency"] == REPORTING_CURRENCY:
                rates[row["from_currency"]] = float(row["rate"])
    return rates


@cache
def workspace_overrides() -> tuple[Override, ...]:
    """The sample workspace's contract overrides, as written in `opsgov.yaml`."""
    settings = load_definition(WORKSPACE / "opsgov.yaml").definition
    assert isinstance(settings, Workspace)
    return tuple(settings.overrides)


# Rolling up ----------------------------------------------------------------------------------


def roll_up(rule: str, dated: Sequence[tuple[dt.date, float]]) -> float:
    """A month's value from (day, value) pairs by a measure's roll-up rule."""
    daily: dict[dt.date, float] = {}
    for day, value in dated:
        daily[day] = daily.get(day, 0.0) + value
    if rule == "sum":
        return sum(value for _, value in dated)
    if rule == "snapshot_end":
        return daily[max(daily)]
    if rule == "snapshot_avg":
        return sum(daily.values()) / len(daily)
    if rule == "max":
        return max(value for _, value in dated)
    assert rule == "min", rule
    return min(value for _, value in dated)


def _rule(measure_id: str) -> str:
    measure = sm.framework().measure(measure_id)
    assert measure is not None and measure.rollup is not None, measure_id
    return measure.rollup


def _row_value(layout: str, measure_id: str, row: sm.DayQueue) -> float:
    if layout == sm.ACME and measure_id == "items_within_sla":
        # Acme writes the percentage with two decimals: this is what a file can give back.
        return sm.acme_within_sla_readback(
            row.values["items_within_sla"], row.values["items_sla_eligible"]
        )
    return float(row.values[measure_id])


def site_measures(
    truth: sm.GroundTruth,
    site: str,
    *,
    queue: str | None = None,
    skip_days: Collection[dt.date] = (),
    without: Collection[str] = (),
) -> Measures:
    """One site's measures for the month (or one queue's), money in the reporting currency.

    Args:
        truth: The month's ground truth.
        site: The site.
        queue: Only this queue's daily rows (the monthly HR, finance and compliance figures
            have no queue and are then left out).
        skip_days: Days whose rows are left out.
        without: Measures the site's files do not give.
    """
    layout = sm.SITE_LAYOUT[site]
    rows = [
        r
        for r in truth.rows(site)
        if (queue is None or r.queue == queue) and r.day not in skip_days
    ]
    out: Measures = {}
    for measure_id in sm.LAYOUT_MEASURES[layout]:
        if measure_id not in without and rows:
            dated = [(r.day, _row_value(layout, measure_id, r)) for r in rows]
            out[measure_id] = roll_up(_rule(measure_id), dated)
    if queue is None:
        month = truth.monthly[site]
        rate = fx_rates(truth.period)[month.currency]
        for monthly_layout in sm.MONTHLY_LAYOUTS:
            for measure_id in sm.LAYOUT_MEASURES[monthly_layout]:
                if measure_id in without:
                    continue
                if measure_id == "cost_total":
                    out[measure_id] = float(month.cost_total) * rate  # converted per site
                else:
                    out[measure_id] = float(month.values[measure_id])
    return out


def across(parts: Iterable[Mapping[str, float]]) -> Measures:
    """Sites' measures combined: added, except `max`/`min`, which keep the extreme."""
    out: Measures = {}
    for part in parts:
        for measure_id, value in part.items():
            if measure_id not in out:
                out[measure_id] = value
                continue
            rule = _rule(measure_id)
            if rule == "max":
                out[measure_id] = max(out[measure_id], value)
            elif rule == "min":
                out[measure_id] = min(out[measure_id], value)
            else:
                out[measure_id] = out[measure_id] + value
    return out


def kpi_value(kpi_id: str, parts: Sequence[Mapping[str, float]]) -> tuple[float | None, Measures]:
    """A KPI over sites: its formula on the sum over the sites that have all it needs.

    Returns:
        The value (None when no site has every measure, or a divisor is 0), and the measures
        it was computed from.
    """
    formula = FORMULAS[kpi_id]
    complete = [p for p in parts if all(m in p for m in formula.needs)]
    if not complete:
        return None, {}
    measures = across(complete)
    return formula.value(measures), measures


# Targets, RAG and scores ------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedTarget:
    """The target in force for one KPI at one scope."""

    target: float | None
    green: float | None
    amber: float | None
    band_green: tuple[float, float] | None
    band_amber: tuple[float, float] | None
    floor: float | None
    min_sample: float | None
    source: str


@dataclass(frozen=True)
class Where:
    """The region, vendor and site whose overrides may apply to a scope."""

    region: str | None = None
    vendor: str | None = None
    site: str | None = None


def target_for(
    kpi: Kpi, where: Where, overrides: Sequence[Override] | None = None
) -> ExpectedTarget:
    """The KPI's target at a scope: site > vendor > region > framework; workspace beats framework.

    Args:
        kpi: The framework's KPI.
        where: The scope's region, vendor and site (None where the scope has none).
        overrides: Workspace overrides (default: the sample workspace's); pass `()` for the
            framework's values alone.
    """
    workspace = workspace_overrides() if overrides is None else tuple(overrides)
    target, floor = kpi.target, kpi.floor
    green = kpi.thresholds.green if kpi.thresholds else None
    amber = kpi.thresholds.amber if kpi.thresholds else None
    band = kpi.band
    min_sample = kpi.min_sample.minimum if kpi.min_sample else None
    sources: list[str] = []
    for level in ("region", "vendor", "site"):
        wanted = getattr(where, level)
        if wanted is None:
            continue
        for origin, candidates in (
            ("framework", sm.framework().overrides),
            ("workspace", workspace),
        ):
            for o in candidates:
                if o.kpi != kpi.id or getattr(o, level) != wanted:
                    continue
                if o.target is not None:
                    target = o.target
                if o.thresholds is not None:
                    green, amber = o.thresholds.green, o.thresholds.amber
                if o.band is not None:
                    band = o.band
                if o.floor is not None:
                    floor = o.floor
                elif o.thresholds is not None:
                    floor = None  # new contract thresholds: the floor follows the new amber
                if o.min_sample is not None:
                    min_sample = o.min_sample.minimum
                sources.append(f"{level} {wanted} ({origin})")
    return ExpectedTarget(
        target=target if target is not None else green,
        green=green,
        amber=amber,
        band_green=(band.green.low, band.green.high) if band else None,
        band_amber=(band.amber.low, band.amber.high) if band else None,
        floor=floor if floor is not None else amber,
        min_sample=min_sample,
        source=", ".join(sources) or "framework",
    )


def rag(direction: str, value: float | None, t: ExpectedTarget, sample: float | None) -> str:
    """The RAG status of a value (or why there is none)."""
    if value is None:
        return "no_data"
    if t.min_sample is not None and (sample is None or sample < t.min_sample):
        return "insufficient_data"
    if t.band_green is not None and t.band_amber is not None:
        if t.band_green[0] <= value <= t.band_green[1]:
            return "green"
        if t.band_amber[0] <= value <= t.band_amber[1]:
            return "amber"
        return "red"
    if t.green is None or t.amber is None:
        return "not_rated"
    if direction == "lower_is_better":
        return "green" if value <= t.green else "amber" if value <= t.amber else "red"
    return "green" if value >= t.green else "amber" if value >= t.amber else "red"


def _clamp01(x: float) -> float:
    return max(0.0, min(1.0, x))


def linear_score(direction: str, value: float, t: ExpectedTarget) -> float | None:
    """The 0-100 linear score: 0 at the floor, 100 at the target; bands fall off to 0."""
    if t.band_green is not None and t.band_amber is not None:
        (g_low, g_high), (a_low, a_high) = t.band_green, t.band_amber
        if g_low <= value <= g_high:
            return 100.0
        if value < g_low:
            return 100.0 * _clamp01((value - a_low) / (g_low - a_low))
        return 100.0 * _clamp01((a_high - value) / (a_high - g_high))
    if t.target is None or t.floor is None:
        return None
    if t.floor == t.target:  # no room between them: met or not
        met = value >= t.target if direction != "lower_is_better" else value <= t.target
        return 100.0 if met else 0.0
    return 100.0 * _clamp01((value - t.floor) / (t.target - t.floor))


def weighted(pairs: Sequence[tuple[float, float | None]]) -> tuple[float | None, float]:
    """Weighted mean of (weight, score) over the scored ones, and the share of weight scored."""
    total = sum(w for w, _ in pairs)
    scored = [(w, s) for w, s in pairs if s is not None]
    covered = sum(w for w, _ in scored)
    coverage = covered / total if total else 0.0
    if not scored or covered == 0:
        return None, coverage
    return sum(w * s for w, s in scored) / covered, coverage


# The expected scorecard --------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedKpi:
    """One KPI at one scope."""

    value: float | None
    status: str
    score: float | None
    sample: float | None
    target: ExpectedTarget


ScopeKey = tuple[str, str, str | None]
"""(level, id, queue)."""


@dataclass
class ExpectedScope:
    """Every expected result of one scope."""

    level: str
    id: str
    queue: str | None
    sites: list[str]
    measures: Measures
    kpis: dict[str, ExpectedKpi]
    categories: dict[str, tuple[float | None, float]]
    composite: float | None
    coverage: float
    status: str
    rank: int | None = None
    gated: bool = False
    """Whether the compliance gate fired (a critical finding)."""
    parts: dict[str, Measures] = field(default_factory=dict)
    """Site id -> its measures, as combined into this scope."""


def score_scope(
    level: str,
    scope_id: str,
    parts: Mapping[str, Measures],
    where: Where,
    queue: str | None = None,
    reported: Mapping[str, set[str]] | None = None,
) -> ExpectedScope:
    """Every KPI, category and the composite of one scope from its sites' measures.

    `reported`: site -> the measures its files hold over the month (default: its parts' own).
    """
    fw = sm.framework()
    kpis: dict[str, ExpectedKpi] = {}
    for kpi in fw.kpis:
        value, own = kpi_value(kpi.id, list(parts.values()))
        t = target_for(kpi, where)
        sample = own.get(kpi.min_sample.measure) if kpi.min_sample else None
        rated = value
        if kpi.id in PER_SITE and level != "site" and value is not None and queue is None:
            # A count whose thresholds are set for one site: a level is rated on its count
            # per site that reports it (the value shown stays the total).
            reporting = [p for p in parts.values() if kpi_value(kpi.id, [p])[0] is not None]
            rated = value / len(reporting)
        status = rag(kpi.direction, rated, t, sample)
        needs = FORMULAS[kpi.id].needs
        held = reported or {site: set(p) for site, p in parts.items()}
        if value is None and parts and not any(set(needs) <= held[site] for site in parts):
            status = "not_reported"  # no site's files hold every measure the KPI needs
        if value is None and queue is not None and set(needs) & SITE_KEYED:
            status = "not_by_queue"  # it needs a figure that only files keyed by site hold
        points = (
            linear_score(kpi.direction, rated, t)
            if kpi.category is not None and kpi.weight > 0 and status in RATED and rated is not None
            else None
        )
        kpis[kpi.id] = ExpectedKpi(value, status, points, sample, t)
    # The compliance gate (domain reference 5.1): any critical finding scores the compliance
    # category 0 and caps the overall status at amber, at every level that holds the site.
    critical = kpis["critical_findings"].value
    gated = critical is not None and critical > 0
    categories: dict[str, tuple[float | None, float]] = {}
    for category in fw.categories:
        categories[category.id] = weighted(
            [
                (k.weight, kpis[k.id].score)
                for k in fw.kpis
                if k.category == category.id and k.weight > 0
            ]
        )
        if gated and category.id == "compliance":
            categories[category.id] = (0.0, categories[category.id][1])
    composite, coverage = weighted([(c.weight, categories[c.id][0]) for c in fw.categories])
    if composite is None:
        status = "no_data"
    elif composite >= fw.scoring.composite_green:
        status = "green"
    elif composite >= fw.scoring.composite_amber:
        status = "amber"
    else:
        status = "red"
    if gated and status in ("green", "no_data"):
        status = "amber"
    return ExpectedScope(
        level=level,
        id=scope_id,
        queue=queue,
        sites=list(parts),
        measures=across(parts.values()),
        kpis=kpis,
        categories=categories,
        composite=composite,
        coverage=coverage,
        status=status,
        gated=gated,
        parts=dict(parts),
    )


def _rank(scopes: Iterable[ExpectedScope]) -> None:
    ordered = sorted(
        (s for s in scopes if s.composite is not None), key=lambda s: (-(s.composite or 0.0), s.id)
    )
    for number, scope in enumerate(ordered, start=1):
        scope.rank = number


def expected_card(
    period: str,
    *,
    truth: sm.GroundTruth | None = None,
    site_parts: Mapping[str, Measures] | None = None,
) -> dict[ScopeKey, ExpectedScope]:
    """Every scope of the period's scorecard: sites, vendors, regions, global, then queues.

    Args:
        period: The month.
        truth: Its ground truth (default: the committed sample month's).
        site_parts: Replacement measures for some sites (a site whose files lost rows).
    """
    truth = truth or sm.make_ground_truth(period, sm.SEEDS[period])
    reg = sm.registry()
    sites = [s for s in reg.sites if s.id in truth.sites]
    measures = {s.id: site_measures(truth, s.id) for s in sites}
    reported = {site: set(m) for site, m in measures.items()}
    measures.update(site_parts or {})
    out: dict[ScopeKey, ExpectedScope] = {}
    out["global", "global", None] = score_scope(
        "global", "global", measures, Where(), reported=reported
    )
    for region in reg.regions:
        members = {s.id: measures[s.id] for s in sites if s.region == region.id}
        if members:
            out["region", region.id, None] = score_scope(
                "region", region.id, members, Where(region=region.id), reported=reported
            )
    for vendor in reg.vendors:
        members = {s.id: measures[s.id] for s in sites if s.vendor == vendor.id}
        if members:
            out["vendor", vendor.id, None] = score_scope(
                "vendor", vendor.id, members, Where(vendor=vendor.id), reported=reported
            )
    for s in sites:
        out["site", s.id, None] = score_scope(
            "site", s.id, {s.id: measures[s.id]}, Where(s.region, s.vendor, s.id), reported=reported
        )
    for level in ("region", "vendor", "site"):
        _rank(v for k, v in out.items() if k[0] == level and k[2] is None)
    queues = sorted({r.queue for r in truth.daily})
    for queue in queues:
        per_site = {
            s.id: site_measures(truth, s.id, queue=queue)
            for s in sites
            if sm.SITE_LAYOUT[s.id] not in QUEUELESS_LAYOUTS
            and any(r.queue == queue for r in truth.rows(s.id))
        }
        out["global", "global", queue] = score_scope(
            "global", "global", per_site, Where(), queue=queue, reported=reported
        )
        for s in sites:
            if s.id in per_site:
                out["site", s.id, queue] = score_scope(
                    "site",
                    s.id,
                    {s.id: per_site[s.id]},
                    Where(s.region, s.vendor, s.id),
                    queue=queue,
                    reported=reported,
                )
    return out
