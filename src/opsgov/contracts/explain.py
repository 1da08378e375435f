"""How one credit was made: the service level, its window and scope, the measures, the cells.

The cells are those of the rows the service level was measured on: the scope's sites and
queues, without the declared force-majeure days, for every month of its window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from opsgov.compute.lineage import lineage
from opsgov.contracts.measure import Measurer, MonthData
from opsgov.errors import OpsgovError
from opsgov.formula import names, parse
from opsgov.harmonise.table import Block
from opsgov.models.contract import Contract, ServiceLevel
from opsgov.models.credits import EarnBackEntry, MonthCredits, SlOutcome, VendorCredits
from opsgov.models.framework import Framework
from opsgov.models.results import CellSpan


@dataclass(frozen=True)
class CreditExplanation:
    """Everything `opsgov explain SL --credit` shows."""

    contract: Contract
    sl: ServiceLevel
    month: MonthCredits
    outcome: SlOutcome
    formula: str
    measures: dict[str, dict[str, float | None]]
    """Month -> the formula's measures over the scope (reporting currency for money)."""
    excluded_days: list[str]
    """Force-majeure days left out, as `SITE YYYY-MM-DD`."""
    cells: list[tuple[str, str, str, CellSpan]]
    """(month, site, measure, cells)."""
    earn_back: list[EarnBackEntry]


def _scope_rows(
    blocks: list[Block], sites: set[str], queues: set[str], days: set[tuple[str, int]]
) -> list[Block]:
    out = []
    for block in blocks:
        drop = {
            int(block.rows[i])
            for i in range(len(block))
            if block.site[i] not in sites
            or (queues and block.queue[i] not in queues)
            or (block.site[i], int(block.date[i])) in days
        }
        kept = block.without_rows(drop) if drop else block
        if len(kept):
            out.append(kept)
    return out


def explain_credit(
    contract: Contract,
    vendor: VendorCredits,
    months: Mapping[str, MonthData],
    framework: Framework,
    sl_id: str,
    period: str,
) -> CreditExplanation:
    """Explain one service level's credit in one month of a vendor's ledger."""
    month = next((m for m in vendor.months if m.period == period), None)
    version = contract.version_for(period)
    if month is None or version is None:
        raise OpsgovError(f"{contract.id} has no ledger month {period}")
    sl = version.service_level(sl_id)
    outcome = next((o for o in month.service_levels if o.sl == sl_id), None)
    if sl is None or outcome is None:
        known = ", ".join(s.id for s in version.service_levels)
        raise OpsgovError(f"no service level {sl_id!r} in {contract.id} {period}; it has: {known}")
    kpi = framework.kpi(sl.kpi)
    assert kpi is not None  # lint guarantees it
    needed = sorted(
        {ref.id for ref in names(parse(kpi.formula)) if framework.measure(ref.id) is not None}
    )
    measurer = Measurer(contract, months)
    sites, queues = set(measurer.sites(sl.scope)), set(sl.scope.queues)
    measures: dict[str, dict[str, float | None]] = {}
    cells: list[tuple[str, str, str, CellSpan]] = []
    excluded: list[str] = []
    for m in outcome.months:
        result = measurer.scope(sl.scope, m)
        measures[m] = {k: (result.measures.get(k) if result else None) for k in needed}
        days = measurer.excluded_days(contract.version_for(m), m)
        excluded += sorted(f"{s} {dt.date.fromordinal(d)}" for s, d in days if s in sites)
        data = months.get(m)
        if data is None:
            continue
        kept = _scope_rows(list(data.inputs.blocks), sites, queues, days)
        for (site, measure), spans in sorted(lineage(kept).items()):
            if measure in needed:
                cells += [(m, site, measure, span) for span in spans]
    earn = [e for mo in vendor.months for e in mo.earn_back
            if e.credit_period == period and e.sl == sl_id]  # fmt: skip
    return CreditExplanation(
        contract=contract,
        sl=sl,
        month=month,
        outcome=outcome,
        formula=kpi.formula,
        measures=measures,
        excluded_days=excluded,
        cells=cells,
        earn_back=earn,
    )
