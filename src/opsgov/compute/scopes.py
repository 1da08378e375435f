"""The numbers of every scope of a month, as an engine hands them to the scorecard.

An engine (the in-process NumPy path here, or a SQL engine in `opsgov.engines`) answers one
question per scope: its rolled-up measures, each KPI's value and each KPI's sample. Rating,
scoring and ranking are the same whichever engine answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from opsgov.compute.groups import Groups
from opsgov.compute.kpis import KpiEngine
from opsgov.compute.lineage import lineage
from opsgov.compute.rollup import Measures, across_sites, convert_money, site_measures
from opsgov.harmonise.table import Block
from opsgov.models.framework import Framework
from opsgov.models.results import CellSpan, Level

ScopeKey = tuple[Level, str, str | None]
"""(level, id, queue): `("vendor", "acme_bpo", None)`, `("site", "MNL1", "appeals")`."""


@dataclass(frozen=True)
class ScopeValues:
    """What an engine computed for one scope."""

    measures: Measures
    kpis: Mapping[str, float | None]
    samples: Mapping[str, float | None] = field(default_factory=dict)
    """KPI id -> its minimum-sample measure over the sites that count for the KPI."""


class MonthData(Protocol):
    """A month's numbers, from whichever engine computed them."""

    @property
    def sites(self) -> frozenset[str]:
        """Sites with data."""
        ...

    @property
    def money_sites(self) -> frozenset[str]:
        """Sites with a money value before conversion (a missing rate is a finding there)."""
        ...

    @property
    def site_queues(self) -> frozenset[tuple[str, str]]:
        """(site, queue) pairs with data, for the per-queue views."""
        ...

    def values(self, key: ScopeKey, members: Sequence[str]) -> ScopeValues:
        """The numbers of one scope whose sites are `members`."""
        ...

    def lineage(self) -> dict[tuple[str, str], list[CellSpan]]:
        """(site, measure) -> the cells that fed it."""
        ...


def kpi_values(engine: KpiEngine, framework: Framework, parts: Sequence[Measures]) -> ScopeValues:
    """A scope's numbers from its sites' measures (money already converted).

    Each KPI is a ratio of sums over the sites that report everything it needs: a site without
    the numerator must not dilute the denominator.
    """
    measures = across_sites(framework, parts)
    everyone = tuple(range(len(parts)))
    # KPIs over the same sites share one roll-up and one evaluation (most share all sites).
    done: dict[tuple[int, ...], tuple[Measures, dict[str, float | None]]] = {}
    kpis: dict[str, float | None] = {}
    samples: dict[str, float | None] = {}
    for kpi in framework.kpis:
        needed = engine.needs[kpi.id]
        complete = tuple(
            i for i, p in enumerate(parts) if all(p.get(m) is not None for m in needed)
        )
        if complete not in done:
            own = (
                measures
                if complete == everyone
                else across_sites(framework, [parts[i] for i in complete])
            )
            done[complete] = own, engine.evaluate(own) if complete else {}
        own, values = done[complete]
        kpis[kpi.id] = values[kpi.id] if complete else None
        samples[kpi.id] = own.get(kpi.min_sample.measure) if kpi.min_sample else None
    return ScopeValues(measures, kpis, samples)


class InProcessMonth:
    """The NumPy path: partial sums of harmonised blocks, rolled up in Python."""

    def __init__(
        self,
        framework: Framework,
        groups: Groups,
        rates: Mapping[str, float | None],
        blocks: Sequence[Block],
    ) -> None:
        self.framework = framework
        self.engine = KpiEngine.build(framework)
        local = site_measures(groups, framework)
        by_queue = site_measures(groups, framework, by_queue=True)
        money = {m.id for m in framework.measures if m.kind == "money"}
        self._sites = frozenset(site for site, _ in local)
        self._money_sites = frozenset(
            site for (site, _), ms in local.items() if any(ms.get(m) is not None for m in money)
        )
        self._site_queues = frozenset((s, q) for s, q in by_queue if q is not None)
        self._local = {
            site: convert_money(framework, ms, rates.get(site)) for (site, _), ms in local.items()
        }
        self._queues = {
            key: convert_money(framework, ms, rates.get(key[0]))
            for key, ms in by_queue.items()
            if key[1] is not None
        }
        self._blocks = blocks

    @property
    def sites(self) -> frozenset[str]:
        """Sites with data."""
        return self._sites

    @property
    def money_sites(self) -> frozenset[str]:
        """Sites with a money value before conversion."""
        return self._money_sites

    @property
    def site_queues(self) -> frozenset[tuple[str, str]]:
        """(site, queue) pairs with data."""
        return self._site_queues

    def values(self, key: ScopeKey, members: Sequence[str]) -> ScopeValues:
        """Roll the members' measures up and evaluate every KPI."""
        queue = key[2]
        if queue is None:
            parts = [self._local[m] for m in members if m in self._local]
        else:
            parts = [self._queues[(m, queue)] for m in members if (m, queue) in self._queues]
        empty: Measures = {m.id: None for m in self.framework.measures if m.rollup is not None}
        return kpi_values(self.engine, self.framework, parts or [empty])

    def lineage(self) -> dict[tuple[str, str], list[CellSpan]]:
        """Where each site measure came from."""
        return lineage(self._blocks)
