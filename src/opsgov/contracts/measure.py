"""Service levels and billable units measured by the scorecard's own computation.

A month's scope (some sites, some queues, some languages, force-majeure days left out) is
computed by `score.card.score_scope`: the same partials, roll-ups, FX conversion and KPI
engine as every scorecard scope, never a second calculation. A window of several months
(quarter to date, rolling) rolls each month's scope measures up by their rules and evaluates
the KPI on the totals, as the QBR does for a quarter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from opsgov.compute.groups import Groups
from opsgov.compute.kpis import KpiEngine
from opsgov.compute.rollup import Measures, site_measures
from opsgov.contracts.months import months_back, quarter_to_date
from opsgov.harmonise.table import Block
from opsgov.history.reports.quarters import quarter_measures
from opsgov.models.contract import Contract, ContractScope, ContractVersion, ServiceLevel
from opsgov.models.results import ScopeResult
from opsgov.score.card import ScoreInputs, score_scope
from opsgov.validate.rows import period_bounds

LANGUAGE = "language"
"""The category measure a language scope filters on."""


def window_months(sl: ServiceLevel, period: str) -> list[str]:
    """The months a service level is measured over in `period`."""
    if sl.window == "quarter":
        return quarter_to_date(period)
    if sl.window == "rolling":
        assert sl.rolling_months is not None
        return months_back(period, sl.rolling_months)
    return [period]


def _with_languages(blocks: Sequence[Block], languages: Sequence[str]) -> list[Block]:
    """Only rows whose language is one of `languages` (a block without the column has none)."""
    wanted = set(languages)
    out = []
    for block in blocks:
        values = block.categories.get(LANGUAGE)
        if values is None:
            continue
        drop = {int(block.rows[i]) for i, v in enumerate(values) if v not in wanted}
        out.append(block.without_rows(drop) if drop else block)
    return out


LocalKey = tuple[tuple[str, ...], frozenset[tuple[str, int]], bool]


@dataclass
class MonthData:
    """One month's scoring inputs, with its partials and site measures computed once each."""

    inputs: ScoreInputs
    _groups: dict[tuple[str, ...], Groups] = field(default_factory=dict)
    _local: dict[LocalKey, dict[tuple[str, str | None], Measures]] = field(default_factory=dict)

    def groups(self, languages: Sequence[str]) -> Groups:
        """The month's partials (of the rows in `languages`, when given)."""
        key = tuple(sorted(languages))
        if key not in self._groups:
            blocks = _with_languages(self.inputs.blocks, key) if key else self.inputs.blocks
            self._groups[key] = Groups.of(blocks)
        return self._groups[key]

    def local(
        self, languages: Sequence[str], days: frozenset[tuple[str, int]], by_queue: bool
    ) -> dict[tuple[str, str | None], Measures]:
        """Site (or site-queue) measures of the month, some days left out."""
        key = (tuple(sorted(languages)), days, by_queue)
        if key not in self._local:
            groups = self.groups(languages)
            if days:
                groups = groups.without_days(set(days))
            self._local[key] = site_measures(groups, self.inputs.framework, by_queue=by_queue)
        return self._local[key]


class Measurer:
    """Measures a contract's scopes over the months whose data was loaded."""

    def __init__(self, contract: Contract, months: Mapping[str, MonthData]) -> None:
        self.contract = contract
        self.months = months
        self._cache: dict[tuple[str, str, bool], ScopeResult] = {}
        first = next(iter(months.values()), None)
        self.framework = first.inputs.framework if first else None
        self.engine = KpiEngine.build(self.framework) if self.framework else None

    def sites(self, scope: ContractScope) -> list[str]:
        """The scope's sites: those named, or all the vendor's sites."""
        if scope.sites:
            return list(scope.sites)
        first = next(iter(self.months.values()), None)
        if first is None:
            return []
        return [s.id for s in first.inputs.registry.sites if s.vendor == self.contract.vendor]

    def excluded_days(self, version: ContractVersion | None, period: str) -> set[tuple[str, int]]:
        """(site, date ordinal) of the month's declared force-majeure days."""
        if version is None:
            return set()
        start, end = period_bounds(period)
        everyone = self.sites(ContractScope())
        days: set[tuple[str, int]] = set()
        for event in version.exclusions.force_majeure:
            day = max(event.start, start)
            while day <= min(event.end, end):
                for site in event.sites or everyone:
                    days.add((site, day.toordinal()))
                day += dt.timedelta(days=1)
        return days

    def scope(
        self, scope: ContractScope, period: str, *, billing: bool = False
    ) -> ScopeResult | None:
        """One month's result for a scope (None when the month has no data).

        Force-majeure days are left out of service levels, not out of billing (`billing`).
        """
        data = self.months.get(period)
        if data is None:
            return None
        key = (scope.model_dump_json(), period, billing)
        if key not in self._cache:
            version = self.contract.version_for(period)
            days = frozenset() if billing else frozenset(self.excluded_days(version, period))
            self._cache[key] = self.measure(scope, period, data, days)
        return self._cache[key]

    def measure(
        self,
        scope: ContractScope,
        period: str,
        data: MonthData,
        days: frozenset[tuple[str, int]],
    ) -> ScopeResult:
        """The scope's month, with `days` (site, day ordinal) left out; cached by `scope`."""
        local = data.local(scope.languages, days, bool(scope.queues))
        return score_scope(
            data.inputs,
            local,
            scope_id=self.contract.vendor,
            name=self.contract.name,
            sites=self.sites(scope),
            queues=scope.queues,
        )

    def billing(self, scope: ContractScope, period: str) -> dict[str, float | None]:
        """The scope's measures for billing: force-majeure days are still billed."""
        result = self.scope(scope, period, billing=True)
        return dict(result.measures) if result is not None else {}

    def measures_over(
        self, scope: ContractScope, months: Sequence[str]
    ) -> dict[str, float | None] | None:
        """The scope's measures rolled up over the months with data (None: none had data)."""
        monthly = {m: r.measures for m in months if (r := self.scope(scope, m)) is not None}
        if not monthly or self.framework is None:
            return None
        rollups = {m.id: m.rollup for m in self.framework.measures if m.rollup}
        return quarter_measures(monthly, list(months), rollups)

    def value(self, sl: ServiceLevel, months: Sequence[str]) -> float | None:
        """The SL's KPI over `months`: the month's scope value, or a ratio of the window's sums."""
        if len(months) == 1:
            result = self.scope(sl.scope, months[0])
            kpi = result.kpi(sl.kpi) if result else None
            return kpi.value if kpi else None
        measures = self.measures_over(sl.scope, months)
        if measures is None or self.engine is None:
            return None
        return self.engine.evaluate(measures).get(sl.kpi)

    def volume_relief(self, version: ContractVersion, period: str) -> str | None:
        """Why the month is above the client's forecast band, or None."""
        forecast = version.exclusions.forecast
        if forecast is None or period not in forecast.months:
            return None
        result = self.scope(ContractScope(), period, billing=True)
        actual = result.measures.get(forecast.measure) if result else None
        planned = forecast.months[period]
        ceiling = planned * (1 + float(forecast.band))
        if actual is None or actual <= ceiling:
            return None
        return (
            f"{forecast.measure} {actual:,.0f} is above the forecast {planned:,.0f} "
            f"+ {float(forecast.band):.0%} band ({ceiling:,.0f})"
        )
