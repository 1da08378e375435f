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
from opsgov.harmonise.table import Block, BoolArray
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
            out.append(_subset(block, keep))
    return out


def _subset(block: Block, keep: BoolArray) -> Block:
    picked = np.flatnonzero(keep).tolist()
    return Block(
        source=block.source,
        rows=block.rows[keep],
        site=[block.site[i] for i in picked],
        date=block.date[keep],
        queue=[block.queue[i] for i in picked],
        measures={m: v[keep] for m, v in block.measures.items()},
        categories={c: [v[i] for i in picked] for c, v in block.categories.items()},
        keys={k: [v[i] for i in picked] for k, v in block.keys.items()},
        blanks={m: v[keep] for m, v in block.blanks.items()},
        derived=block.derived,
        bases=block.bases,
    )


class EngineMeasurer(Measurer):
    """A `Measurer` whose scope values come from a SQL engine's scorecard of the scope's rows."""

    def __init__(
        self, contract: Contract, months: Mapping[str, MonthData], card_of: CardOf
    ) -> None:
        super().__init__(contract, months)
        self._card_of = card_of

    def scope(
        self, scope: ContractScope, period: str, *, billing: bool = False
    ) -> ScopeResult | None:
        """The scope's month on the engine (force-majeure days kept for billing)."""
        data = self.months.get(period)
        if data is None:
            return None
        key = (scope.model_dump_json(), period, billing)
        if key not in self._cache:
            version = self.contract.version_for(period)
            days = set() if billing else self.excluded_days(version, period)
            sites = self.sites(scope)
            rows = scope_rows(
                data.inputs.blocks, set(sites), set(scope.queues), set(scope.languages), days
            )
            if not any(len(b) for b in rows):  # nothing to hand the engine: no value
                self._cache[key] = score_scope(
                    data.inputs, {}, scope_id=self.contract.vendor, name="", sites=sites
                )
            else:
                card = self._card_of(rows, period)
                found = card.scope("global", "global", None)
                assert found is not None
                self._cache[key] = found
        return self._cache[key]


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
