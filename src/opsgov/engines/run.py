"""Run a compiled framework on a SQL engine and hand the scorecard what it computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from opsgov.engines.compiler import SiteRow, SourceTable, compile_framework
from opsgov.engines.manifest import SourceEntry
from opsgov.engines.month import (
    Row,
    TableMonth,
    bucket_rows_sql,
    lineage_sql,
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

        def fetch(buckets: list[int]) -> list[dict[str, object]]:
            sql = bucket_rows_sql(source.relation, measures, where, buckets)
            return engine.query(_render(sql, engine.dialect))

        spans = spans_from(summary, measures, sources, fetch)
    return TableMonth(compiled, rows, spans)
