"""`build_plan`: the one call that turns measures, settings and registry into a plan."""

from __future__ import annotations

import datetime as dt

from opsgov.capacity.forecast import SEASONAL_MIN
from opsgov.capacity.inputs import CapacityInputs
from opsgov.capacity.plan import (
    POOR_BACKTEST,
    GapContext,
    aht_of,
    attrition_of,
    first_day,
    gap_findings,
    gap_months,
    headcount_of,
    series_forecast,
    stream_plans,
    streams_of,
    trailing_series,
)
from opsgov.capacity.resilience import resilience
from opsgov.capacity.results import CapacityPlan, SeriesForecast, SitePlan, StreamPlan
from opsgov.errors import OpsgovError
from opsgov.history.trends import month_offset
from opsgov.issues import Issue, make_issue
from opsgov.models.capacity import CapacitySettings
from opsgov.models.registry import Registry


def _site_plans(
    inputs: CapacityInputs,
    streams: list[StreamPlan],
    registry: Registry,
    settings: CapacitySettings,
    periods: list[str],
    as_of: dt.date,
) -> tuple[list[SitePlan], list[Issue]]:
    ctx = GapContext(settings, as_of)
    plans: list[SitePlan] = []
    issues: list[Issue] = []
    for site in registry.sites:
        mine = [s for s in streams if s.site == site.id]
        if not mine:
            continue
        levels: list[tuple[str, list[StreamPlan]]] = [("", mine)]
        levels += [(q, [s for s in mine if s.queue == q]) for q in sorted({s.queue for s in mine})]
        for queue, group in levels:
            key = (site.id, queue if queue in inputs.queues(site.id) else "")
            if queue and key[1] != queue:
                continue  # queue rows only where HR reports headcount by queue
            heads, since = headcount_of(inputs, key, settings.headcount_measure)
            if heads is None or since is None:
                if not queue:
                    issues.append(
                        make_issue(
                            "Q805",
                            f"site {site.id} has a requirement but no "
                            f"{settings.headcount_measure} in the history: no gap is computed",
                        )
                    )
                continue
            attrition = attrition_of(inputs, key, settings)
            required = {
                p: sum(m.fte for s in group for m in s.months if m.period == p) for p in periods
            }
            label = site.id + (f"/{queue}" if queue else "")
            plan = SitePlan(
                site=site.id,
                queue=queue,
                name=site.name,
                vendor=site.vendor,
                region=site.region,
                headcount_now=heads,
                headcount_period=since,
                attrition_monthly=attrition,
                months=gap_months(label, required, heads, since, attrition, ctx),
            )
            plans.append(plan)
            issues.extend(gap_findings(plan, as_of))
    return plans, issues


def build_plan(
    inputs: CapacityInputs,
    settings: CapacitySettings,
    registry: Registry,
    workspace: str,
    *,
    as_of: dt.date | None = None,
    horizon: int | None = None,
) -> CapacityPlan:
    """The capacity plan for the months after the history's last.

    Args:
        inputs: Measures from the history (`load_inputs`).
        settings: The workspace's capacity settings.
        registry: The site registry (queues and languages are the sites' skills).
        workspace: Name shown on the outputs.
        as_of: The plan's date; a hire-by date before it is Q801. Default: the first day of
            the first forecast month.
        horizon: Months to plan (default: the settings').
    """
    if not inputs.periods:
        raise OpsgovError(
            "the history is empty: `opsgov score --period YYYY-MM` records each month there "
            "(a seasonal forecast needs 13 months)"
        )
    last = inputs.periods[-1]
    months = horizon or settings.horizon_months
    periods = [month_offset(last, k) for k in range(1, months + 1)]
    as_of = as_of or first_day(periods[0])
    sources, issues = streams_of(inputs, registry)
    forecasts: list[SeriesForecast] = []
    streams: list[StreamPlan] = []
    for stream in sources:
        where = f"site {stream.site.id} queue {stream.queue}"
        history, values = trailing_series(inputs, stream.key, settings.volume_measure)
        if not values:
            issues.append(make_issue("Q809", f"{where} has no {settings.volume_measure}"))
            continue
        record, fc = series_forecast(stream, history, values, periods, settings.confidence)
        forecasts.append(record)
        if len(values) < SEASONAL_MIN:
            issues.append(
                make_issue(
                    "Q803",
                    f"{where}: {len(values)} months of history, forecast by {record.method}",
                )
            )
        if fc.backtest_smape is not None and fc.backtest_smape > POOR_BACKTEST:
            issues.append(
                make_issue(
                    "Q804",
                    f"{where}: backtest sMAPE {fc.backtest_smape:.1f} % over "
                    f"{fc.backtest_months} held-out months",
                    hint=f"`opsgov capacity --explain {record.id}`",
                )
            )
        aht, aht_source = aht_of(inputs, stream, settings, history)
        if aht is None:
            issues.append(
                make_issue(
                    "Q802",
                    f"{where} has volume but no handle time; it is left out of every total",
                    hint=f"Set capacity.queues.{stream.queue}.aht_seconds, or report "
                    f"{settings.handle_measure} and {settings.handled_measure}.",
                )
            )
            continue
        planned = stream_plans(stream, record, aht, aht_source, settings)
        streams.extend(planned)
        if planned and planned[0].share_source == "even":
            issues.append(
                make_issue(
                    "Q808",
                    f"{where}: no language_mix, volume split evenly over "
                    f"{', '.join(p.language for p in planned)}",
                )
            )
    sites, gap_issues = _site_plans(inputs, streams, registry, settings, periods, as_of)
    issues.extend(gap_issues)
    cells, spof, splits, n1_issues = resilience(streams, sites, registry, settings, periods[0])
    issues.extend(n1_issues)
    return CapacityPlan(
        workspace=workspace,
        as_of=as_of.isoformat(),
        history_first=inputs.periods[0],
        history_last=last,
        periods=periods,
        resilience_period=periods[0],
        settings=settings.model_dump(mode="json"),
        forecasts=forecasts,
        streams=streams,
        sites=sites,
        resilience=cells,
        spof=spof,
        splits=splits,
        findings=issues,
    )
