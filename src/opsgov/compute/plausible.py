"""Plausibility: a site's KPI or measure far outside what it can sensibly be, and why.

A value can pass every cell check and still be wrong by a unit: hours read as seconds make a
cost per productive hour 3,600 times too high, a 0-1 fraction read as 0-100 makes an SLA
attainment of 93 % read 0.9 %. Each KPI has a plausible range (declared in the framework, or
the default for its unit); a site value outside it is a warning. The likely cause is found by
trying each column behind the value in the units it is most often confused with: the first
that brings the value back inside the range is named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from opsgov.compute.kpis import KpiEngine
from opsgov.compute.rollup import Measures
from opsgov.issues import Issue, Location, make_issue
from opsgov.models.framework import Framework, Kpi, Measure, Plausible


@dataclass(frozen=True)
class Column:
    """One column a site measure was read from, and the unit the profile read it in."""

    measure: str
    header: str
    unit: str
    profile: str
    file: str
    sheet: str
    percent: bool = False
    """The column is a percentage of a base column (`percent_of`)."""


_ALTERNATIVES: dict[str, tuple[tuple[str, float], ...]] = {
    # unit read -> (the unit it may really be, factor the measure would be multiplied by)
    "number": (("minutes", 60.0), ("hours", 3600.0)),
    "seconds": (("minutes", 60.0), ("hours", 3600.0)),
    "minutes": (("seconds", 1 / 60), ("hours", 60.0)),
    "hours": (("seconds", 1 / 3600), ("minutes", 1 / 60)),
}
_PERCENT: dict[str, tuple[str, float]] = {
    "percent_0_100": ("percent_0_1", 100.0),
    "percent_0_1": ("percent_0_100", 0.01),
}
_UNIT_WORDS = {
    "percent_0_100": "percentages of 0-100",
    "percent_0_1": "fractions of 0-1",
    "number": "seconds",
}

RateOf = Callable[[str], float | None]
"""A currency -> its rate to the reporting currency for the period (None: no rate)."""


def _words(unit: str) -> str:
    return _UNIT_WORDS.get(unit, unit)


def _show(value: float, unit: str, currency: str) -> str:
    if unit == "percent":
        return f"{value * 100:,.1f} %"
    if unit == "seconds":
        return f"{value:,.0f} s"
    if unit == "hours":
        return f"{value:,.2f} h"
    if unit == "currency":
        return f"{value:,.2f} {currency}"
    return f"{value:,.4g}"


def _bounds(
    plausible: Plausible, reporting: str, rate_of: RateOf
) -> tuple[float | None, float | None] | None:
    """The range in the reporting currency; None when its currency has no rate."""
    if plausible.currency is None or plausible.currency == reporting:
        return plausible.low, plausible.high
    rate = rate_of(plausible.currency)
    if rate is None:
        return None
    low = None if plausible.low is None else plausible.low * rate
    high = None if plausible.high is None else plausible.high * rate
    return low, high


def _inside(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def _candidates(columns: Sequence[Column]) -> list[tuple[Column, str, float]]:
    out: list[tuple[Column, str, float]] = []
    for column in columns:
        if column.percent and column.unit in _PERCENT:
            alt, factor = _PERCENT[column.unit]
            out.append((column, alt, factor))
        elif not column.percent:
            out.extend((column, alt, f) for alt, f in _ALTERNATIVES.get(column.unit, ()))
    return out


@dataclass(frozen=True)
class _Out:
    """A value outside its range, with what it was found against."""

    what: str
    value: float
    unit: str
    low: float | None
    high: float | None


def _finding(
    site: str,
    out: _Out,
    currency: str,
    columns: Sequence[Column],
    cause: tuple[Column, str, float] | None,
) -> Issue:
    shown = _show(out.value, out.unit, currency)
    if out.high is not None and out.value > out.high:
        limit = _show(out.high, out.unit, currency)
        times = out.value / out.high if out.high > 0 else None
        size = (
            f"is {times:,.0f} times its plausible maximum {limit}"
            if times is not None and times >= 10
            else f"is above its plausible maximum {limit}"
        )
    else:
        assert out.low is not None
        limit = _show(out.low, out.unit, currency)
        size = f"is below its plausible minimum {limit}"
    where = cause[0] if cause else (columns[0] if columns else None)
    location = Location(file=where.file, sheet=where.sheet) if where else Location(file="")
    if cause is not None:
        column, alt, _ = cause
        return make_issue(
            "K403",
            f"{site}: {out.what} {shown} {size}: is {column.header!r} in {_words(alt)}, "
            f"not {_words(column.unit)}?",
            location=location,
            field=column.header,
            found=shown,
            hint=f"If so, set `unit: {alt}` for {column.header!r} (`{column.measure}`) in "
            f"profile {column.profile}; read that way, the value is plausible.",
        )
    listed = ", ".join(f"{c.header!r} ({_words(c.unit)})" for c in columns) or "none"
    return make_issue(
        "K403",
        f"{site}: {out.what} {shown} {size}; check the units of the columns behind it: {listed}",
        location=location,
        found=shown,
        hint="Check each column's unit, percent_of and per in its profile; if such values are "
        "real, declare the range under `plausible` in the framework.",
    )


@dataclass(frozen=True)
class SiteFigures:
    """One site's month: its measures (money converted) and KPI values."""

    site: str
    measures: Measures
    kpis: Mapping[str, float | None]
    columns: Mapping[str, Sequence[Column]]
    """Measure id -> the columns it was read from."""


def _cause(
    figures: SiteFigures,
    test: Callable[[Measures], float | None],
    columns: Sequence[Column],
    low: float | None,
    high: float | None,
) -> tuple[Column, str, float] | None:
    for column, alt, factor in _candidates(columns):
        value = figures.measures.get(column.measure)
        if value is None:
            continue
        trial = {**figures.measures, column.measure: value * factor}
        fixed = test(trial)
        if fixed is not None and _inside(fixed, low, high):
            return column, alt, factor
    return None


def check_site(
    framework: Framework,
    engine: KpiEngine,
    figures: SiteFigures,
    reporting: str,
    rate_of: RateOf,
) -> list[Issue]:
    """K403 for each of a site's KPIs and measures outside its plausible range."""
    issues: list[Issue] = []
    for kpi in framework.kpis:
        issue = _check_kpi(kpi, engine, figures, reporting, rate_of)
        if issue is not None:
            issues.append(issue)
    for measure in framework.measures:
        issue = _check_measure(measure, figures, reporting, rate_of)
        if issue is not None:
            issues.append(issue)
    return issues


def _behind(figures: SiteFigures, measures: frozenset[str] | set[str]) -> list[Column]:
    return [c for m in sorted(measures) for c in figures.columns.get(m, ())]


def _check_kpi(
    kpi: Kpi, engine: KpiEngine, figures: SiteFigures, reporting: str, rate_of: RateOf
) -> Issue | None:
    value = figures.kpis.get(kpi.id)
    plausible = kpi.plausible_range
    if value is None or plausible is None:
        return None
    bounds = _bounds(plausible, reporting, rate_of)
    if bounds is None or _inside(value, *bounds):
        return None
    columns = _behind(figures, engine.needs[kpi.id])
    cause = _cause(figures, lambda trial: engine.evaluate(trial)[kpi.id], columns, *bounds)
    out = _Out(kpi.name.lower(), value, kpi.unit, *bounds)
    return _finding(figures.site, out, reporting, columns, cause)


def _check_measure(
    measure: Measure, figures: SiteFigures, reporting: str, rate_of: RateOf
) -> Issue | None:
    value = figures.measures.get(measure.id)
    if value is None or measure.plausible is None:
        return None
    bounds = _bounds(measure.plausible, reporting, rate_of)
    if bounds is None or _inside(value, *bounds):
        return None
    columns = _behind(figures, {measure.id})
    cause = _cause(figures, lambda trial: trial.get(measure.id), columns, *bounds)
    unit = (
        "currency" if measure.kind == "money" else "seconds" if measure.kind == "duration" else ""
    )
    out = _Out(measure.name.lower(), value, unit, *bounds)
    return _finding(figures.site, out, reporting, columns, cause)
