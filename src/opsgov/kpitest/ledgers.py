"""Service-credit ledgers of a KPI test's rows, on each engine.

In process, a ledger is worked out exactly as `opsgov credits` works it out (`Measurer`, the
scorecard's own computation of each contract scope). On a SQL engine, each service level's
scope in each month (its sites, queues and languages, the declared force-majeure days left
out) is computed by the engine: the test's rows of that scope are handed to it, and the whole
operation's value of its scorecard is the scope's. The months, repeat failures, cap, split and
earn-back are then the same code as in process, so every engine that gives the same KPI values
gives the same credits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from opsgov.contracts.ledger import contract_ledger
from opsgov.contracts.measure import LANGUAGE, Measurer, MonthData
from opsgov.fx import FxTable
from opsgov.harmonise.table import Block
from opsgov.kpitest.engines import month_inputs, scorecard_on
from opsgov.models.contract import Contract, ContractScope
from opsgov.models.credits import MonthCredits
from opsgov.models.results import ScopeResult, Scorecard
from opsgov.pipeline import Definitions
from opsgov.score.card import score_scope

CardOf = Callable[[Sequence[Block], str], Scorecard]
"""The scorecard of some rows in a month, on one engine."""


def scope_rows(
    blocks: Sequence[Block],
    sites: set[str],
    queues: set[str],
    languages: set[str],
    days: set[tuple[str, int]],
) -> list[Block]:
    """Only the rows of a contract scope: its sites, queues and languages, some days left out."""
    out = []
    for block in blocks:
        keep = np.array(
            [
                site in sites
                and (not queues or queue in queues)
                and (site or "", int(day)) not in days
                for site, queue, day in zip(block.site, block.queue, block.date, strict=True)
            ],
            dtype=bool,
        )
        if languages:
            spoken = block.categories.get(LANGUAGE, [None] * len(block))
            keep &= np.array([v in languages for v in spoken], dtype=bool)
        if keep.all():
            out.append(block)
        elif keep.any():
            out.append(block.take(keep))
    return out


class EngineMeasurer(Measurer):
    """A `Measurer` whose scope values come from a SQL engine's scorecard of the scope's rows."""

    def __init__(
        self, contract: Contract, months: Mapping[str, MonthData], card_of: CardOf
    ) -> None:
        super().__init__(contract, months)
        self._card_of = card_of

    def measure(
        self,
        scope: ContractScope,
        period: str,
        data: MonthData,
        days: frozenset[tuple[str, int]],
    ) -> ScopeResult:
        """The scope's month on the engine: its rows only, `days` left out."""
        sites = self.sites(scope)
        rows = scope_rows(
            data.inputs.blocks, set(sites), set(scope.queues), set(scope.languages), set(days)
        )
        if not any(len(b) for b in rows):  # nothing to hand the engine: no value
            return score_scope(data.inputs, {}, scope_id=self.contract.vendor, name="", sites=sites)
        found = self._card_of(rows, period).scope("global", "global", None)
        assert found is not None
        return found


def ledgers_on(
    engine: str,
    defs: Definitions,
    contracts: Sequence[Contract],
    by_month: Mapping[str, Sequence[Block]],
    fx: FxTable,
) -> dict[str, list[MonthCredits]]:
    """Each contract's ledger over the months with rows, computed on `engine`."""
    months = {
        p: MonthData(month_inputs(defs, blocks, p, fx))
        for p, blocks in sorted(by_month.items())
        if blocks
    }
    directions = {k.id: k.direction for k in defs.framework.kpis}
    kinds = {m.id: m.kind for m in defs.framework.measures}

    def card_of(blocks: Sequence[Block], period: str) -> Scorecard:
        return scorecard_on(engine, defs, blocks, period, fx)

    out = {}
    for contract in contracts:
        measurer = (
            Measurer(contract, months)
            if engine == "numpy"
            else EngineMeasurer(contract, months, card_of)
        )
        out[contract.id] = contract_ledger(contract, measurer, sorted(months), directions, kinds)
    return out
