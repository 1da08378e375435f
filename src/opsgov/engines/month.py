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


BUCKET = 1024
"""Sheet rows are summarised in buckets of this many: a bucket whose rows of a site hold a
measure from its first to its last row is one run, without looking at the rows."""


_BUCKET_OF = f'CAST(FLOOR(CAST("row" AS DOUBLE) / {BUCKET}) AS BIGINT)'


def _col(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lineage_sql(relation: str, measures: Sequence[str], where: str) -> str:
    """Per site, file, sheet and bucket of rows: each measure's count, first and last row."""
    parts = [
        f'COUNT({_col(m)}) AS c{i}, MIN(CASE WHEN {_col(m)} IS NOT NULL THEN "row" END) AS '
        f'lo{i}, MAX(CASE WHEN {_col(m)} IS NOT NULL THEN "row" END) AS hi{i}'
        for i, m in enumerate(measures)
    ]
    return (
        f"SELECT site, file, sheet, {_BUCKET_OF} AS b, {', '.join(parts)} "
        f"FROM {relation} WHERE {where} GROUP BY site, file, sheet, {_BUCKET_OF}"
    )


def bucket_rows_sql(
    relation: str, measures: Sequence[str], where: str, buckets: Iterable[int]
) -> str:
    """The rows of some buckets, with which measures each holds (for buckets with gaps)."""
    flags = ", ".join(
        f"CASE WHEN {_col(m)} IS NOT NULL THEN 1 ELSE 0 END AS f{i}" for i, m in enumerate(measures)
    )
    listed = ", ".join(str(b) for b in sorted(set(buckets)))
    return (
        f'SELECT site, file, sheet, "row", {flags} FROM {relation} WHERE {where} '
        f"AND {_BUCKET_OF} IN ({listed})"
    )


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for r in sorted(rows):
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        elif not out or r > out[-1][1]:
            out.append((r, r))
    return out


def _merge(runs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(runs):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(hi, out[-1][1]))
        else:
            out.append((lo, hi))
    return out


def spans_from(
    summary: Iterable[Row],
    measures: Sequence[str],
    sources: Sequence[SourceEntry],
    fetch: Callable[[list[int]], Iterable[Row]],
) -> dict[tuple[str, str], list[CellSpan]]:
    """Lineage from the bucket summary (`lineage_sql`).

    Buckets where a measure's rows of a site are contiguous give their run directly; the rows
    of the other buckets are fetched once (`fetch(buckets)`, by `bucket_rows_sql`).
    """
    where = {(s.file, s.sheet, s.measure): s for s in sources}
    runs: dict[tuple[str, str, str, int], list[tuple[int, int]]] = {}
    gaps: set[tuple[str, str, str, int, int]] = set()
    for row in summary:
        if row["site"] is None:
            continue
        site, file, sheet, bucket = (
            str(row["site"]),
            str(row["file"]),
            str(row["sheet"]),
            int(cast("int", row["b"])),
        )
        for i in range(len(measures)):
            count = int(cast("int", row[f"c{i}"]) or 0)
            if not count:
                continue
            lo, hi = int(cast("int", row[f"lo{i}"])), int(cast("int", row[f"hi{i}"]))
            if hi - lo + 1 == count:
                runs.setdefault((site, file, sheet, i), []).append((lo, hi))
            else:
                gaps.add((site, file, sheet, i, bucket))
    if gaps:
        wanted = {(s, f, sh, i) for s, f, sh, i, _ in gaps}
        held: dict[tuple[str, str, str, int], list[int]] = {}
        for row in fetch(sorted({g[4] for g in gaps})):
            site, file, sheet, r = (
                str(row["site"]),
                str(row["file"]),
                str(row["sheet"]),
                int(cast("int", row["row"])),
            )
            for i in range(len(measures)):
                key = (site, file, sheet, i)
                if key in wanted and row[f"f{i}"] and (site, file, sheet, i, r // BUCKET) in gaps:
                    held.setdefault(key, []).append(r)
        for key, rows in held.items():
            runs.setdefault(key, []).extend(_runs(rows))
    out: dict[tuple[str, str], list[CellSpan]] = {}
    for (site, file, sheet, i), found in sorted(runs.items()):
        src = where.get((file, sheet, measures[i]))
        if src is None:
            continue
        text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in _merge(found))
        out.setdefault((site, measures[i]), []).append(
            CellSpan(file=file, sheet=sheet, column=src.column, header=src.header, rows=text)
        )
    return out
