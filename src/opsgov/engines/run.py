"""Run a compiled framework on a SQL engine and hand the scorecard what it computed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from opsgov.engines.compiler import (
    PARTIAL,
    Compiled,
    SiteRow,
    SourceTable,
    compile_framework,
    count_column,
)
from opsgov.engines.lineage import (
    bucket_rows_sql,
    bucket_runs,
    cell_spans,
    lineage_sql,
    partial_runs,
    ranges_condition,
)
from opsgov.engines.manifest import MANIFEST_NAME, SourceEntry
from opsgov.engines.month import Row, TableMonth
from opsgov.errors import OpsgovError
from opsgov.issues import Location, make_issue
from opsgov.models.framework import Framework
from opsgov.models.results import CellSpan


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

    def stage(self, name: str, sql: str) -> None:
        """Keep a query's result as a temporary table `name`, computed once, for this run."""
        ...

    def unstage(self, name: str) -> None:
        """Drop a table `stage` made."""
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
    sheets: Sequence[tuple[str, str]] = (),
) -> TableMonth:
    """Every scope's numbers for the period, computed by `engine` from `source`.

    With `sources` (the manifest of an exported period) and a table with `file`, `sheet` and
    `row`, lineage too: the rows are scanned once into partial sums (staged as a temporary
    table), from which both the scorecard's numbers and the lineage are read. With `sheets`
    (the manifest's list of each file and sheet) and a `sheet_id` column, the partial sums are
    grouped by that index rather than by the two strings.
    """
    available = set(engine.columns(source.relation))
    source = replace(source, available=frozenset(available))
    provenance = {"site", "file", "sheet", "row"}
    lineage = bool(sources) and not source.columns and provenance <= available
    by_id = lineage and bool(sheets) and "sheet_id" in available
    compiled = compile_framework(framework, sites, period, source, lineage=lineage, sheet_ids=by_id)
    if compiled.partial is None or compiled.staged is None:
        return TableMonth(compiled, engine.query(_render(compiled.sql, engine.dialect)))
    engine.stage(PARTIAL, _render(compiled.partial, engine.dialect))
    try:
        rows: Sequence[Row] = engine.query(_render(compiled.staged, engine.dialect))
        counts = ", ".join(f'"{count_column(m)}"' for m in compiled.measures)
        where_from = "sheet_id" if by_id else "file, sheet"
        lines = f"SELECT site, {where_from}, n, lo, hi, {counts} FROM {PARTIAL}"
        found = engine.query(_render(lines, engine.dialect))
        partial = [_named_sheet(row, sheets, period) for row in found] if by_id else found
    finally:
        engine.unstage(PARTIAL)
    spans = _spans(engine, compiled, source, period, partial, sources)
    return TableMonth(compiled, rows, spans)


def _named_sheet(row: Row, sheets: Sequence[tuple[str, str]], period: str) -> Row:
    """A partial sum's `sheet_id` replaced by the file and sheet it stands for."""
    named = dict(row)
    index = named.pop("sheet_id")
    if not isinstance(index, int) or not 0 <= index < len(sheets):
        raise OpsgovError(
            f"the exported rows of {period} name sheet {index!r}, which their manifest "
            f"(period={period}/{MANIFEST_NAME}) does not list: the rows and the manifest are from "
            f"different exports; export {period} again with `opsgov validate --export parquet`"
        )
    named["file"], named["sheet"] = sheets[index]
    return named


def _spans(
    engine: SqlEngine,
    compiled: Compiled,
    source: SourceTable,
    period: str,
    partial: Sequence[Row],
    sources: Sequence[SourceEntry],
) -> dict[tuple[str, str], list[CellSpan]]:
    """Lineage from the partial sums, and from the rows of the sheets they cannot settle."""
    runs, unsettled = partial_runs(partial, compiled.measures)
    if unsettled:
        measures = [m for m in compiled.measures if source.has(m)]
        where = f"{source.month(period)} AND ({ranges_condition(unsettled)})"
        summary = engine.query(
            _render(lineage_sql(source.relation, measures, where), engine.dialect)
        )

        def fetch(buckets: list[int]) -> list[dict[str, object]]:
            sql = bucket_rows_sql(source.relation, measures, where, buckets)
            return engine.query(_render(sql, engine.dialect))

        for key, found in bucket_runs(summary, measures, fetch).items():
            runs.setdefault(key, []).extend(found)
    return cell_spans(runs, sources)
