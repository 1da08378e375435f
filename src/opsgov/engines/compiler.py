"""Compile a framework into one SQL query over a table of harmonised rows.

The query does what `opsgov.compute` does in process, in the same order:

1. `daily`: each measure per site, day and queue (sums; the extreme for `max`/`min`). With
   lineage, the one scan of the rows first groups by site, day, queue, file and sheet
   (`opsgov_partial`, which also counts each measure's values and the first and last sheet
   row), and `daily` adds those partial sums up: the same numbers, and `explain`'s cells,
   from one pass over the table;
2. `site_month`: over the days of the month by each measure's rule (`sum` adds,
   `snapshot_end` takes the last day with a value, `snapshot_avg` averages the daily totals,
   `max`/`min` the extreme), per site and per site and queue;
3. `converted`: money times the site's FX rate, per site, before anything is added across
   sites (no rate: no value, never an unconverted amount);
4. `scoped` gives each site row once per scope it belongs to (its site, vendor, region, the
   whole operation, and the per-queue views of sites and of the whole operation); `levels`
   groups by scope in one GROUP BY: measures add up across sites
   (`max`/`min` take the extreme); for each KPI, the measures it needs are added over the
   sites that report all of them;
5. the KPIs as formulas over those sums: a ratio KPI is a ratio of sums at every level. A
   zero denominator gives NULL on every engine.

No KPI value is ever aggregated: the compiler refuses a column mapping that would read one
from the table (`K440`), since averaging a ratio across sites is not the ratio of the sums.

The query is written in DuckDB's dialect and printed for other engines by SQLGlot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial

from opsgov.compute.kpis import KpiEngine
from opsgov.engines.formula import kpi_sql
from opsgov.formula import parse
from opsgov.models.framework import NUMERIC_KINDS, Framework

DIALECTS = ("duckdb", "spark", "databricks", "trino", "bigquery", "snowflake", "postgres")
"""Dialects `opsgov sql` prints (any SQLGlot dialect works through the API)."""

_AGGREGATE = {
    "sum": "SUM",
    "snapshot_end": "SUM",
    "snapshot_avg": "SUM",
    "max": "MAX",
    "min": "MIN",
}
_NO_DATE = "DATE '0001-01-01'"
NULL = "CAST(NULL AS DOUBLE)"


class CompileError(Exception):
    """The framework or the column mapping cannot be compiled; carries a finding code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def quote(name: str) -> str:
    """A double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str | None) -> str:
    """A SQL text literal (NULL for None)."""
    return "CAST(NULL AS VARCHAR)" if value is None else "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class SiteRow:
    """A registry site as the query needs it: its vendor, region and FX rate."""

    site: str
    vendor: str
    region: str
    rate: float | None


@dataclass(frozen=True)
class SourceTable:
    """Where the harmonised rows are, and what the table calls each column.

    `columns` maps opsgov's names (`site`, `date`, `queue`, `period` and measure ids) to the
    table's; a name not mapped is the table's column of the same name. Without a `period`
    column the month is picked by date.
    """

    relation: str = "harmonised"
    columns: Mapping[str, str] = field(default_factory=dict)
    has_period: bool = True
    available: frozenset[str] | None = None
    """The table's columns, when known: a measure it lacks is NULL for every row."""

    def has(self, name: str) -> bool:
        """Whether the table has the column for one of opsgov's names (unknown: assumed)."""
        return self.available is None or self.columns.get(name, name) in self.available

    def column(self, name: str) -> str:
        """The table's column for one of opsgov's names, quoted."""
        return quote(self.columns.get(name, name))

    def month(self, period: str) -> str:
        """The condition picking the period's rows."""
        if self.has_period:
            return f"{self.column('period')} = {literal(period)}"
        low, high = _month_bounds(period)
        date = self.column("date")
        return f"CAST({date} AS DATE) >= {low} AND CAST({date} AS DATE) < {high}"


PARTIAL = "opsgov_partial"
"""The partial sums table a query with lineage reads (a CTE, or a staged temporary table)."""


def count_column(measure: str) -> str:
    """The partial sums' column counting a measure's values."""
    return f"c__{measure}"


@dataclass(frozen=True)
class Compiled:
    """The query, and the names of its result columns.

    With lineage, `partial` is the one scan of the rows (the `opsgov_partial` partial sums:
    site, day, queue, file, sheet, `n` rows, sheet rows `lo` to `hi`, `c__<measure>` values
    and each measure's partial sum) and `staged` the rest of the query, reading
    `opsgov_partial` as a table; `sql` is both as one query.
    """

    sql: str
    measures: tuple[str, ...]
    kpis: tuple[str, ...]
    partial: str | None = None
    staged: str | None = None

    def render(self, dialect: str = "duckdb", *, pretty: bool = True) -> str:
        """The query in another engine's dialect, through SQLGlot."""
        import sqlglot

        return sqlglot.transpile(self.sql, read="duckdb", write=dialect, pretty=pretty)[0]


def _m(measure: str) -> str:
    return quote(f"m__{measure}")


def _k(kpi: str, measure: str) -> str:
    return quote(f"k__{kpi}__{measure}")


def _month_bounds(period: str) -> tuple[str, str]:
    year, month = int(period[:4]), int(period[5:7])
    nxt = f"{year + 1}-01-01" if month == 12 else f"{year}-{month + 1:02d}-01"
    return f"DATE '{period}-01'", f"DATE '{nxt}'"


def compile_framework(
    framework: Framework,
    sites: Sequence[SiteRow],
    period: str,
    source: SourceTable | None = None,
    *,
    lineage: bool = False,
    sheet_ids: bool = False,
) -> Compiled:
    """The query giving every scope's measures, KPI values and KPI samples for `period`.

    `lineage`: the table has `file`, `sheet` and `row`, and the partial sums by sheet that
    lineage is read from are wanted as well (`Compiled.partial`, `Compiled.staged`).
    `sheet_ids`: it also has `sheet_id` (an export's index of each row's file and sheet), and
    the partial sums are grouped by it instead of by the two strings (cheaper per row); their
    `sheet_id` column then stands for the file and sheet.

    Result columns: `level`, `id`, `queue`, `has_data` and `has_money` (1 or 0), `m__<measure>`
    for each numeric measure, `k__<kpi>` for each KPI's value, `s__<kpi>` for its sample.

    Raises:
        CompileError: For a column mapping that reads a KPI from the table (K440) or names
            something unknown (K442), or a registry without sites (K441).
    """
    source = source or SourceTable()
    kpi_ids = {k.id for k in framework.kpis}
    for name in source.columns:
        if name in kpi_ids:
            raise CompileError(
                "K440",
                f"the column mapping reads KPI `{name}` from the table; KPIs are computed from "
                "the sums of their measures at every level (averaging a ratio across sites is "
                "not the ratio of the sums): map the measures it is made of instead",
            )
    known = {"site", "date", "queue", "period", "file", "sheet", "row"}
    known |= {m.id for m in framework.measures if m.kind in NUMERIC_KINDS}
    for name in source.columns:
        if name not in known:
            raise CompileError(
                "K442",
                f"the column mapping names `{name}`, which is neither site, date, queue, "
                "period, file, sheet, row nor a numeric measure of the framework",
            )
    if not sites:
        raise CompileError("K441", "the registry has no sites to score")
    numeric = [m for m in framework.measures if m.kind in NUMERIC_KINDS]
    rule = {m.id: m.rollup or "sum" for m in numeric}
    money = [m.id for m in numeric if m.kind == "money"]
    engine = KpiEngine.build(framework)
    parsed = {k.id: parse(k.formula) for k in framework.kpis}
    ids = [m.id for m in numeric]
    ctes: list[str] = []

    values = ", ".join(
        f"({literal(s.site)}, {literal(s.vendor)}, {literal(s.region)}, "
        f"CAST({'NULL' if s.rate is None else repr(float(s.rate))} AS DOUBLE))"
        for s in sites
    )
    ctes.append(f"sites AS (SELECT * FROM (VALUES {values}) AS v(site, vendor, region, rate))")

    date = source.column("date")
    present = [m for m in ids if source.has(m)]
    picked = "".join(f", CAST({source.column(m)} AS DOUBLE) AS {_m(m)}" for m in present)
    where_from = (
        "CAST(sheet_id AS INTEGER) AS sheet_id"
        if sheet_ids
        else "CAST(file AS VARCHAR) AS file, CAST(sheet AS VARCHAR) AS sheet"
    )
    provenance = f', {where_from}, CAST("row" AS BIGINT) AS "row"' if lineage else ""
    source_cte = (
        f"source AS (SELECT CAST({source.column('site')} AS VARCHAR) AS site, "
        f"COALESCE(CAST({date} AS DATE), {_NO_DATE}) AS day, "
        f"CAST({source.column('queue')} AS VARCHAR) AS queue{picked}{provenance} "
        f"FROM {source.relation} WHERE {source.month(period)})"
    )
    agg = ", ".join(f"{_AGGREGATE[rule[m]]}({_m(m)}) AS {_m(m)}" for m in ids)
    # The scan aggregates only the measures the table has: a measure it lacks is no value.
    scan_agg = ", ".join(
        f"{_AGGREGATE[rule[m]]}({_m(m)}) AS {_m(m)}" if m in present else f"{NULL} AS {_m(m)}"
        for m in ids
    )
    partial_select = None
    if lineage:
        counts = "".join(
            f", {f'COUNT({_m(m)})' if m in present else '0'} AS {quote(count_column(m))}"
            for m in ids
        )
        sheet_key = "sheet_id" if sheet_ids else "file, sheet"
        partial_select = (
            f'SELECT site, day, queue, {sheet_key}, COUNT(*) AS n, MIN("row") AS lo, '
            f'MAX("row") AS hi{counts}, {scan_agg} FROM source '
            f"GROUP BY site, day, queue, {sheet_key}"
        )
        ctes.append(
            f"daily AS (SELECT site, day, queue, {agg} FROM {PARTIAL} GROUP BY site, day, queue)"
        )
    else:
        ctes.append(source_cte)
        ctes.append(
            f"daily AS (SELECT site, day, queue, {scan_agg} FROM source GROUP BY site, day, queue)"
        )
    plain = ", ".join(_m(m) for m in ids)
    ctes.append(
        f"site_day AS (SELECT site, CAST(NULL AS VARCHAR) AS queue, day, {agg} FROM daily "
        f"GROUP BY site, day UNION ALL SELECT site, queue, day, {plain} FROM daily "
        "WHERE queue IS NOT NULL)"
    )
    ends = [m for m in ids if rule[m] == "snapshot_end"]
    lasts = "".join(
        f", MAX(CASE WHEN {_m(m)} IS NOT NULL THEN day END) "
        f"OVER (PARTITION BY site, queue) AS {quote(f'last__{m}')}"
        for m in ends
    )
    ctes.append(f"site_day_last AS (SELECT *{lasts} FROM site_day)")
    over_time = []
    for m in ids:
        r = rule[m]
        if r == "snapshot_end":
            over_time.append(
                f"SUM(CASE WHEN day = {quote(f'last__{m}')} THEN {_m(m)} END) AS {_m(m)}"
            )
        elif r == "snapshot_avg":
            over_time.append(f"AVG({_m(m)}) AS {_m(m)}")
        else:
            over_time.append(f"{_AGGREGATE[r]}({_m(m)}) AS {_m(m)}")
    ctes.append(
        f"site_month AS (SELECT site, queue, {', '.join(over_time)} "
        "FROM site_day_last GROUP BY site, queue)"
    )

    def any_present(names: Sequence[str], alias: str = "m.") -> str:
        if not names:
            return "0"
        test = " OR ".join(f"{alias}{_m(n)} IS NOT NULL" for n in names)
        return f"CASE WHEN {test} THEN 1 ELSE 0 END"

    converted = [
        f"{any_present(ids)} AS has_data",
        f"{any_present(money)} AS has_money",
    ]
    for m in ids:
        converted.append(f"m.{_m(m)} * s.rate AS {_m(m)}" if m in money else f"m.{_m(m)}")
    ctes.append(
        "converted AS (SELECT s.site, s.vendor, s.region, m.queue, "
        f"{', '.join(converted)} FROM site_month AS m JOIN sites AS s ON s.site = m.site)"
    )

    sums = [
        "MAX(has_data) AS has_data",
        "MAX(has_money) AS has_money",
        *(f"{_AGGREGATE[rule[m]]}({_m(m)}) AS {_m(m)}" for m in ids),
    ]
    for kpi in framework.kpis:
        needed = sorted(engine.needs[kpi.id] & set(ids))
        wanted = needed + (
            [kpi.min_sample.measure]
            if kpi.min_sample
            and kpi.min_sample.measure in rule
            and kpi.min_sample.measure not in needed
            else []
        )
        complete = " AND ".join(f"{_m(m)} IS NOT NULL" for m in needed) or "1 = 1"
        sums.append(f"SUM(CASE WHEN {complete} THEN 1 ELSE 0 END) AS {quote(f'n__{kpi.id}')}")
        sums += [
            f"{_AGGREGATE[rule[m]]}(CASE WHEN {complete} THEN {_m(m)} END) AS {_k(kpi.id, m)}"
            for m in wanted
        ]
    body = ", ".join(sums)
    carried = ", ".join(["has_data", "has_money", *(_m(m) for m in ids)])
    no_queue = "CAST(NULL AS VARCHAR)"
    scoped = [
        f"SELECT 'site' AS level, site AS id, queue, {carried} FROM converted",
        f"SELECT 'vendor', vendor, {no_queue}, {carried} FROM converted WHERE queue IS NULL",
        f"SELECT 'region', region, {no_queue}, {carried} FROM converted WHERE queue IS NULL",
        f"SELECT 'global', 'global', {no_queue}, {carried} FROM converted WHERE queue IS NULL",
        f"SELECT 'global', 'global', queue, {carried} FROM converted WHERE queue IS NOT NULL",
    ]
    ctes.append(f"scoped AS ({' UNION ALL '.join(scoped)})")
    ctes.append(
        f"levels AS (SELECT level, id, queue, {body} FROM scoped GROUP BY level, id, queue)"
    )

    out = ["level", "id", "queue", "has_data", "has_money", *(_m(m) for m in ids)]
    for kpi in framework.kpis:
        value = kpi_sql(parsed[kpi.id], partial(_k, kpi.id), parsed, kpi.id)
        out.append(
            f"CASE WHEN {quote(f'n__{kpi.id}')} > 0 THEN {value} END AS {quote(f'k__{kpi.id}')}"
        )
        sample = kpi.min_sample.measure if kpi.min_sample else None
        out.append(
            f"{_k(kpi.id, sample) if sample in rule else 'CAST(NULL AS DOUBLE)'} "
            f"AS {quote(f's__{kpi.id}')}"
        )
    staged = f"WITH {', '.join(ctes)} SELECT {', '.join(out)} FROM levels"
    names = (tuple(ids), tuple(k.id for k in framework.kpis))
    if partial_select is None:
        return Compiled(staged, *names)
    ctes[1:1] = [source_cte, f"{PARTIAL} AS ({partial_select})"]
    sql = f"WITH {', '.join(ctes)} SELECT {', '.join(out)} FROM levels"
    scan = f"WITH {source_cte} {partial_select}"
    return Compiled(sql, *names, partial=scan, staged=staged)
