"""A month's numbers as a SQL engine returned them, shaped for the scorecard."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

from opsgov.compute.scopes import ScopeKey, ScopeValues
from opsgov.engines.compiler import Compiled
from opsgov.models.results import CellSpan, Level

Row = Mapping[str, object]


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(cast("float", value))
    return None if math.isnan(number) else number


class TableMonth:
    """The result rows of a compiled query: one per scope."""

    def __init__(
        self,
        compiled: Compiled,
        rows: Iterable[Row],
        spans: dict[tuple[str, str], list[CellSpan]] | None = None,
    ) -> None:
        self._values: dict[ScopeKey, ScopeValues] = {}
        sites: set[str] = set()
        money: set[str] = set()
        queues: set[tuple[str, str]] = set()
        for row in rows:
            level = cast("Level", row["level"])
            scope_id, queue = str(row["id"]), cast("str | None", row["queue"])
            self._values[(level, scope_id, queue)] = ScopeValues(
                measures={m: _number(row[f"m__{m}"]) for m in compiled.measures},
                kpis={k: _number(row[f"k__{k}"]) for k in compiled.kpis},
                samples={k: _number(row[f"s__{k}"]) for k in compiled.kpis},
            )
            if level == "site" and _number(row["has_data"]):
                if queue is None:
                    sites.add(scope_id)
                    if _number(row["has_money"]):
                        money.add(scope_id)
                else:
                    queues.add((scope_id, queue))
        self._sites, self._money = frozenset(sites), frozenset(money)
        self._queues = frozenset(queues)
        self._empty = ScopeValues(
            measures=dict.fromkeys(compiled.measures),
            kpis=dict.fromkeys(compiled.kpis),
            samples=dict.fromkeys(compiled.kpis),
        )
        self._spans = spans or {}

    @property
    def sites(self) -> frozenset[str]:
        """Sites with data."""
        return self._sites

    @property
    def money_sites(self) -> frozenset[str]:
        """Sites with a money value before conversion."""
        return self._money

    @property
    def site_queues(self) -> frozenset[tuple[str, str]]:
        """(site, queue) pairs with data."""
        return self._queues

    def values(self, key: ScopeKey, members: Sequence[str]) -> ScopeValues:
        """The engine's numbers for the scope (none for a scope without data)."""
        del members  # the query grouped the same sites
        return self._values.get(key, self._empty)

    def lineage(self) -> dict[tuple[str, str], list[CellSpan]]:
        """Where each site measure came from, when the table says."""
        return self._spans
