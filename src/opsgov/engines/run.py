"""Run a compiled framework on a SQL engine and hand the scorecard what it computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from opsgov.engines.compiler import SiteRow, SourceTable, compile_framework, quote
from opsgov.engines.manifest import SourceEntry
from opsgov.engines.month import (
    Row,
    TableMonth,
    islands_sql,
    lineage_sql,
    sheet_runs_sql,
    spans_from,
)
from opsgov.errors import OpsgovError
from opsgov.issues import Location, make_issue
from opsgov.models.framework import Framework


def engine_error(engine: str, exc: Exception) -> OpsgovError:
    """An engine's failure as a finding (K443), its message cut to the first lines."""
    text = "\n".join(str(exc).strip().splitlines()[:3])
    message = f"{engine} could not run the query: {text}"
    return OpsgovError(
        message, [make_issue("K443", message, location=Location(file="opsgov.yaml"))]
    )


class SqlEngine(Protocol):
    """An engine that runs a query written in its dialect and returns the rows."""

    dialect: str

    def query(self, sql: str) -> list[dict[str, object]]:
        """The result rows as dicts."""
        ...

    def columns(self, relation: str) -> list[str]:
        """The column names of a relation."""
        ...


def _render(sql: str, dialect: str) -> str:
    if dialect == "duckdb":
        return sql
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write=dialect)[0]


def month_on(
    engine: SqlEngine,
    framework: Framework,
    sites: Sequence[SiteRow],
    period: str,
    source: SourceTable,
    sources: Sequence[SourceEntry] = (),
) -> TableMonth:
    """Every scope's numbers for the period, computed by `engine` from `source`."""
    available = set(engine.columns(source.relation))
    source = replace(source, available=frozenset(available))
    compiled = compile_framework(framework, sites, period, source)
    rows: Sequence[Row] = engine.query(_render(compiled.sql, engine.dialect))
    spans = None
    provenance = {"site", "file", "sheet", "row"}
    if sources and not source.columns and provenance <= available:
        measures = [m for m in compiled.measures if m in available]
        where = source.month(period)
        summary = engine.query(
            _render(lineage_sql(source.relation, measures, where), engine.dialect)
        )

        def gaps(site: str, file: str, sheet: str, measure: str) -> list[tuple[int, int]]:
            cond = " AND ".join(
                f"{quote(k)} = '{v.replace(chr(39), chr(39) * 2)}'"
                for k, v in (("site", site), ("file", file), ("sheet", sheet))
            )
            found = engine.query(
                _render(
                    islands_sql(source.relation, measure, f"{where} AND {cond}"), engine.dialect
                )
            )
            return [(int(str(r["lo"])), int(str(r["hi"]))) for r in found]

        runs: dict[tuple[str, str, str], list[tuple[int, int]]] = {}

        def sheet_runs(site: str, file: str, sheet: str) -> list[tuple[int, int]]:
            if not runs:
                found = engine.query(
                    _render(sheet_runs_sql(source.relation, where), engine.dialect)
                )
                for r in found:
                    key = (str(r["site"]), str(r["file"]), str(r["sheet"]))
                    runs.setdefault(key, []).append((int(str(r["lo"])), int(str(r["hi"]))))
                for spans_of_sheet in runs.values():
                    spans_of_sheet.sort()
            return runs.get((site, file, sheet), [])

        spans = spans_from(summary, measures, sources, gaps, sheet_runs)
    return TableMonth(compiled, rows, spans)
