"""A month's numbers as a SQL engine returned them, shaped for the scorecard."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import cast

from opsgov.compute.scopes import ScopeKey, ScopeValues
from opsgov.engines.compiler import Compiled
from opsgov.engines.manifest import SourceEntry
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


LINEAGE_KEYS = ("site", "file", "sheet")


def lineage_sql(relation: str, measures: Sequence[str], where: str) -> str:
    """Per (site, file, sheet): each measure's count of values and first and last sheet row."""
    parts = []
    for i, m in enumerate(measures):
        col = '"' + m.replace('"', '""') + '"'
        parts.append(
            f'COUNT({col}) AS c{i}, MIN(CASE WHEN {col} IS NOT NULL THEN "row" END) AS lo{i}, '
            f'MAX(CASE WHEN {col} IS NOT NULL THEN "row" END) AS hi{i}'
        )
    return (
        f"SELECT site, file, sheet, COUNT(*) AS n, {', '.join(parts)} FROM {relation} "
        f"WHERE {where} GROUP BY site, file, sheet"
    )


def sheet_runs_sql(relation: str, where: str) -> str:
    """The runs of consecutive sheet rows of every site, file and sheet, in one pass."""
    return (
        'SELECT site, file, sheet, MIN("row") AS lo, MAX("row") AS hi FROM (SELECT site, file, '
        'sheet, "row", "row" - ROW_NUMBER() OVER (PARTITION BY site, file, sheet ORDER BY "row") '
        f"AS g FROM {relation} WHERE {where}) AS t GROUP BY site, file, sheet, g"
    )


def islands_sql(relation: str, measure: str, where: str) -> str:
    """The runs of consecutive sheet rows holding a measure, for one site, file and sheet."""
    col = '"' + measure.replace('"', '""') + '"'
    return (
        f'SELECT MIN("row") AS lo, MAX("row") AS hi FROM (SELECT "row", "row" - ROW_NUMBER() '
        f'OVER (ORDER BY "row") AS g FROM {relation} WHERE {where} AND {col} IS NOT NULL) '
        "AS t GROUP BY g ORDER BY 1"
    )


def spans_from(
    summary: Iterable[Row],
    measures: Sequence[str],
    sources: Sequence[SourceEntry],
    gaps: Callable[[str, str, str, str], list[tuple[int, int]]],
    sheet_runs: Callable[[str, str, str], list[tuple[int, int]]],
) -> dict[tuple[str, str], list[CellSpan]]:
    """Lineage from the per-sheet summary.

    A measure whose values fill its first to last row is one range. One present on every row
    of the site's sheet has the sheet's runs of rows (`sheet_runs(site, file, sheet)`, found
    once for all measures); only the others need their own runs (`gaps(site, file, sheet,
    measure)`, by `islands_sql`).
    """
    where = {(s.file, s.sheet, s.measure): s for s in sources}
    out: dict[tuple[str, str], list[CellSpan]] = {}
    for row in sorted(summary, key=lambda r: (str(r["site"]), str(r["file"]), str(r["sheet"]))):
        site, file, sheet = str(row["site"]), str(row["file"]), str(row["sheet"])
        for i, m in enumerate(measures):
            count = int(cast("int", row[f"c{i}"]) or 0)
            src = where.get((file, sheet, m))
            if not count or src is None or row["site"] is None:
                continue
            lo, hi = int(cast("int", row[f"lo{i}"])), int(cast("int", row[f"hi{i}"]))
            if hi - lo + 1 == count:
                runs = [(lo, hi)]
            elif count == int(cast("int", row["n"])):
                runs = sheet_runs(site, file, sheet)
            else:
                runs = gaps(site, file, sheet, m)
            text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)
            out.setdefault((site, m), []).append(
                CellSpan(file=file, sheet=sheet, column=src.column, header=src.header, rows=text)
            )
    return out
