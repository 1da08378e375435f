"""The capacity plan: forecasts, requirements per site queue and language, and gaps.

Pure: it takes the measures read from the history, the settings and the registry, and
returns a `CapacityPlan` (resilience is added by `opsgov.capacity.resilience`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from opsgov.capacity.forecast import Forecast, forecast
from opsgov.capacity.fte import Requirement, deferrable, realtime, scheduled
from opsgov.capacity.inputs import CapacityInputs, SeriesKey
from opsgov.capacity.results import (
    GapMonth,
    IntervalRow,
    MonthRequirement,
    SeriesForecast,
    SitePlan,
    StreamPlan,
)
from opsgov.history.trends import month_offset
from opsgov.issues import Issue, make_issue
from opsgov.models.capacity import CapacitySettings
from opsgov.models.registry import Registry, Site

POOR_BACKTEST = 20.0
"""sMAPE (percent) above which a forecast is flagged (Q804)."""
AHT_MONTHS = 3


def first_day(period: str) -> dt.date:
    """The first day of a month YYYY-MM."""
    return dt.date(int(period[:4]), int(period[5:7]), 1)


def months_apart(first: str, second: str) -> int:
    """Whole months from `first` to `second`."""
    return (int(second[:4]) - int(first[:4])) * 12 + int(second[5:7]) - int(first[5:7])


def trailing_series(
    inputs: CapacityInputs, key: SeriesKey, measure: str
) -> tuple[list[str], list[float]]:
    """The latest run of consecutive months with a value: a gap or a missing month ends it."""
    periods: list[str] = []
    values: list[float] = []
    for period in reversed(inputs.periods):
        value = inputs.value(key, period, measure)
        if value is None or (periods and month_offset(period, 1) != periods[-1]):
            if periods:
                break
            continue
        periods.append(period)
        values.append(value)
    return periods[::-1], values[::-1]


@dataclass(frozen=True)
class Stream:
    """One series to plan: a site's queue, the key its measures are stored under."""

    site: Site
    queue: str
    key: SeriesKey


def streams_of(inputs: CapacityInputs, registry: Registry) -> tuple[list[Stream], list[Issue]]:
    """Every site queue with measures; a site without a queue breakdown plans as a whole."""
    out: list[Stream] = []
    issues: list[Issue] = []
    for site in registry.sites:
        if site.status == "closed":
            continue
        queues = inputs.queues(site.id)
        if queues:
            out.extend(Stream(site, q, (site.id, q)) for q in queues)
        elif (site.id, "") in inputs.measures:
            name = site.queues[0] if len(site.queues) == 1 else "all"
            out.append(Stream(site, name, (site.id, "")))
        planned = {s.queue for s in out if s.site.id == site.id}
        for q in site.queues:
            if q not in planned and "all" not in planned:
                issues.append(
                    make_issue(
                        "Q809",
                        f"site {site.id} queue {q} has no volume in the history; nothing is "
                        "planned for it",
                    )
                )
    return out, issues


def aht_of(
    inputs: CapacityInputs, stream: Stream, settings: CapacitySettings, periods: list[str]
) -> tuple[float | None, str]:
    """Handle time per item: the setting, else handle / handled over the last 3 months."""
    override = settings.queue(stream.queue).aht_seconds
    if override is not None:
        return override, f"aht_seconds {override:g} s from the capacity settings"
    handle = handled = 0.0
    used: list[str] = []
    for period in reversed(periods):
        h = inputs.value(stream.key, period, settings.handle_measure)
        n = inputs.value(stream.key, period, settings.handled_measure)
        if h is None or n is None or n <= 0:
            continue
        handle, handled = handle + h, handled + n
        used.append(period)
        if len(used) == AHT_MONTHS:
            break
    if not used:
        return None, "no handle time in the history"
    aht = handle / handled
    return aht, (
        f"AHT {aht:.1f} s = {settings.handle_measure} {handle:,.0f} / "
        f"{settings.handled_measure} {handled:,.0f} over {', '.join(sorted(used))}"
    )


def language_shares(
    site: Site, queue: str, settings: CapacitySettings
) -> tuple[list[tuple[str, float]], str]:
    """Each language's share of a site queue's volume, and where the shares came from."""
    mix = settings.site(site.id).language_mix.get(queue)
    if mix:
        return sorted(mix.items()), "declared"
    if len(site.languages) > 1:
        share = 1.0 / len(site.languages)
        return [(lang, share) for lang in site.languages], "even"
    return [(site.languages[0] if site.languages else "", 1.0)], "single"


def series_forecast(
    stream: Stream, periods: list[str], values: list[float], future: list[str], confidence: float
) -> tuple[SeriesForecast, Forecast]:
    """Forecast one series far enough to cover every plan month."""
    ahead = months_apart(periods[-1], future[-1])
    f = forecast(values, ahead, confidence)
    skip = ahead - len(future)
    fit = f.fit
    lines = [
        f"history: {len(values)} months {periods[0]}..{periods[-1]}",
        f"method: {fit.method}"
        + (f" ({fit.seasonality} season)" if fit.seasonality else "")
        + (
            f", parameters {', '.join(f'{k} {v:g}' for k, v in fit.params.items())}"
            + (" (fitted)" if fit.fitted_params else " (conventional: too few months to fit)")
            if fit.params
            else ""
        ),
        f"last level {fit.level:,.1f}, trend {fit.trend:+,.2f} a month",
        f"intervals: {f.confidence:.0%}, error scale from {f.sigma_source}",
        f"{future[0]}: {f.points[skip]:,.1f} ({f.lower[skip]:,.1f} to {f.upper[skip]:,.1f})",
        (
            f"backtest: {f.backtest_months} held-out months, sMAPE {f.backtest_smape:.1f} %"
            if f.backtest_smape is not None
            else "backtest: not possible with one month"
        ),
    ]
    record = SeriesForecast(
        id=f"forecast/{stream.site.id}/{stream.queue}",
        explain=lines,
        site=stream.site.id,
        queue=stream.queue,
        method=fit.method,
        seasonality=fit.seasonality,
        params=fit.params,
        fitted_params=fit.fitted_params,
        history_periods=periods,
        history=values,
        periods=future,
        volume=list(f.points[skip:]),
        lower=list(f.lower[skip:]),
        upper=list(f.upper[skip:]),
        confidence=confidence,
        sigma_source=f.sigma_source,
        backtest_smape=f.backtest_smape,
        backtest_months=f.backtest_months,
    )
    return record, f


def requirement(
    period: str, volume: float, aht: float, site: str, queue: str, settings: CapacitySettings
) -> Requirement:
    """The month's requirement of one site queue (and language) at a volume."""
    q = settings.queue(queue)
    shrinkage = settings.shrinkage_for(site, queue)
    hours = settings.hours_for(site)
    if q.channel != "deferrable" and q.service_level is not None:
        profile = settings.profile_for(queue)
        return realtime(period, volume, aht, q, profile, hours, settings.max_occupancy, shrinkage)
    return deferrable(volume, aht, hours, settings.occupancy_for(site, queue), shrinkage)


def model_name(settings: CapacitySettings, queue: str) -> str:
    """workload, erlang_c or erlang_a."""
    q = settings.queue(queue)
    if q.channel == "deferrable" or q.service_level is None:
        return "workload"
    return "erlang_a" if q.patience_seconds is not None else "erlang_c"


def _explain_requirement(r: Requirement, model: str, share_note: str) -> list[str]:
    lines = [f"volume {r.volume:,.1f} ({share_note}), AHT {r.aht_seconds:.1f} s"]
    if model == "workload":
        lines += [
            f"workload = {r.volume:,.1f} x {r.aht_seconds:.1f} / 3600 = {r.workload_hours:,.2f} h",
            f"productive FTE = {r.workload_hours:,.2f} / ({r.hours_per_fte:g} h x occupancy "
            f"{r.occupancy:.0%}) = {r.productive_fte:,.3f}",
        ]
    else:
        peak = r.peak
        lines += [
            f"{len(r.intervals)} intervals a day over {r.open_days:.2f} open days, each staffed "
            f"by {model.replace('_', ' ').title()} to its service-level target"
            + (f"; peak {peak.agents} agents on {peak.load:.2f} Erlangs" if peak else ""),
            f"staffed hours {r.workload_hours:,.1f}; productive FTE = {r.workload_hours:,.1f} / "
            f"{r.hours_per_fte:g} h = {r.productive_fte:,.3f}",
        ]
    lines.append(
        f"FTE = {r.productive_fte:,.3f} / (1 - shrinkage {r.shrinkage:.0%}) = {r.fte:,.3f}; "
        f"scheduled (rounded up once) {scheduled(r.fte)}"
    )
    return lines


def _interval_rows(r: Requirement, minutes: int, opens: str) -> list[IntervalRow]:
    rows = []
    first = int(opens[:2]) * 60 + int(opens[3:])
    for i, q in enumerate(r.intervals):
        start = first + i * minutes
        rows.append(
            IntervalRow(
                start=f"{start // 60 % 24:02d}:{start % 60:02d}",
                contacts=q.load / r.aht_seconds * minutes * 60 if r.aht_seconds else 0.0,
                load=q.load,
                agents=q.agents,
                service_level=q.service_level,
                asa=q.asa,
                occupancy=q.occupancy,
                p_wait=q.p_wait,
                p_abandon=q.p_abandon,
            )
        )
    return rows


def stream_plans(
    stream: Stream,
    record: SeriesForecast,
    aht: float,
    aht_source: str,
    settings: CapacitySettings,
) -> list[StreamPlan]:
    """The stream's plan per language: each month's requirement at the forecast."""
    shares, source = language_shares(stream.site, stream.queue, settings)
    model = model_name(settings, stream.queue)
    q = settings.queue(stream.queue)
    out = []
    for language, share in shares:
        months: list[MonthRequirement] = []
        first: Requirement | None = None
        for period, vol, high in zip(record.periods, record.volume, record.upper, strict=True):
            r = requirement(period, vol * share, aht, stream.site.id, stream.queue, settings)
            hi = requirement(period, high * share, aht, stream.site.id, stream.queue, settings)
            first = first or r
            note = f"{share:.0%} of the queue's forecast, {source}" if share < 1 else "forecast"
            day = {k: r.day_average(k) for k in ("service_level", "asa", "p_wait", "p_abandon")}
            months.append(
                MonthRequirement(
                    id=f"fte/{stream.site.id}/{stream.queue}/{language or '-'}/{period}",
                    explain=[*_explain_requirement(r, model, note), aht_source],
                    period=period,
                    volume=r.volume,
                    volume_high=hi.volume,
                    aht_seconds=aht,
                    workload_hours=r.workload_hours,
                    productive_fte=r.productive_fte,
                    fte=r.fte,
                    fte_high=hi.fte,
                    scheduled=scheduled(r.fte),
                    shrinkage=r.shrinkage,
                    hours_per_fte=r.hours_per_fte,
                    occupancy=r.occupancy,
                    peak_agents=r.peak.agents if r.peak else None,
                    **day,
                )
            )
        profile = settings.profile_for(stream.queue)
        out.append(
            StreamPlan(
                site=stream.site.id,
                queue=stream.queue,
                language=language,
                share=share,
                share_source=source,
                channel=q.channel,
                model=model,
                aht_source=aht_source,
                months=months,
                intervals=_interval_rows(first, profile.minutes, profile.opens) if first else [],
            )
        )
    return out


def attrition_of(inputs: CapacityInputs, key: SeriesKey, settings: CapacitySettings) -> float:
    """Monthly attrition: leavers / average headcount over the last 12 months (ratio of sums)."""
    if settings.leavers_measure is None:
        return 0.0
    leavers = heads = 0.0
    for period in inputs.periods[-12:]:
        lv = inputs.value(key, period, settings.leavers_measure)
        hc = inputs.value(key, period, "hc_avg")
        if lv is not None and hc:
            leavers, heads = leavers + lv, heads + hc
    return leavers / heads if heads else 0.0


def headcount_of(
    inputs: CapacityInputs, key: SeriesKey, measure: str
) -> tuple[float | None, str | None]:
    """The latest value of a headcount measure, and its month."""
    for period in reversed(inputs.periods):
        value = inputs.value(key, period, measure)
        if value is not None:
            return value, period
    return None, None


@dataclass(frozen=True)
class GapContext:
    """Settings a gap needs, and the plan's date."""

    settings: CapacitySettings
    as_of: dt.date


def gap_months(
    label: str,
    required: dict[str, float],
    headcount: float,
    since: str,
    attrition: float,
    ctx: GapContext,
) -> list[GapMonth]:
    """Requirement against headcount less attrition, month by month."""
    s = ctx.settings
    lead = s.hiring_lead_days + s.training_days
    out = []
    for period, need in required.items():
        ahead = months_apart(since, period)
        projected = headcount * (1 - attrition) ** ahead
        gap = need - projected
        hires = math.ceil(gap - 1e-9) if gap > 0 else 0
        triggered = gap > s.gap_tolerance * need and gap > 0
        hire_by = first_day(period) - dt.timedelta(days=lead) if hires else None
        lines = [
            f"required FTE {need:,.2f} = sum of the {label} requirements in {period}",
            f"headcount {headcount:,.0f} ({since}) x (1 - attrition {attrition:.2%})^{ahead} = "
            f"{projected:,.2f}",
            f"gap = {need:,.2f} - {projected:,.2f} = {gap:+,.2f}"
            + (f"; {hires} to hire" if hires else ""),
        ]
        if hire_by is not None:
            lines.append(
                f"hire by {hire_by.isoformat()} = {first_day(period).isoformat()} - "
                f"({s.hiring_lead_days} days hiring + {s.training_days} days training)"
            )
        lines.append(
            f"tolerance {s.gap_tolerance:.0%} of the requirement: "
            + (f"exceeded, triggers {s.surge_playbook}" if triggered else "not exceeded")
        )
        out.append(
            GapMonth(
                id=f"gap/{label}/{period}",
                explain=lines,
                period=period,
                required_fte=need,
                headcount=projected,
                gap=gap,
                hires=hires,
                triggered=triggered,
                hire_by=hire_by.isoformat() if hire_by else None,
                playbook=s.surge_playbook if triggered else None,
            )
        )
    return out


def gap_findings(plan: SitePlan, as_of: dt.date) -> list[Issue]:
    """Q800 for a site's first triggered month, Q801 when its hire-by date has passed."""
    hit = next((m for m in plan.months if m.triggered), None)
    if hit is None:
        return []
    where = f"{plan.site}" + (f" queue {plan.queue}" if plan.queue else "")
    issues = [
        make_issue(
            "Q800",
            f"{where}: {hit.required_fte:,.1f} FTE required in {hit.period} against "
            f"{hit.headcount:,.1f} projected headcount, a gap of {hit.gap:,.1f}; start hiring "
            f"{hit.hires} by {hit.hire_by}",
            hint=f"`opsgov playbook checklist {hit.playbook} --site {plan.site} --start "
            f"{as_of.isoformat()}` makes the surge checklist; `opsgov capacity --explain "
            f"{hit.id}` shows the arithmetic.",
        )
    ]
    if hit.hire_by is not None and dt.date.fromisoformat(hit.hire_by) < as_of:
        issues.append(
            make_issue(
                "Q801",
                f"{where}: hiring for {hit.period} had to start by {hit.hire_by}, before "
                f"{as_of.isoformat()}",
                hint=f"Close the gap with surge measures: playbook {hit.playbook}.",
            )
        )
    return issues
