"""Score a month from a table of harmonised rows on a SQL engine: the same Scorecard model.

The rows are Parquet written by `opsgov validate --export parquet` (the manifest beside them
brings the finding counts, input hashes and the sheet columns for lineage), or a table the
workspace names under `warehouse:` with a column mapping. The engine rolls the rows up and
computes every KPI at every level; rating, scoring, ranking, playbook triggers and every
output are the in-process code's, so all engines give the same scorecard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from opsgov.engines.compiler import (
    Compiled,
    CompileError,
    SiteRow,
    SourceTable,
    compile_framework,
)
from opsgov.engines.manifest import MANIFEST_NAME, Manifest
from opsgov.engines.month import TableMonth
from opsgov.engines.run import SqlEngine, month_on
from opsgov.errors import DefinitionError, OpsgovError
from opsgov.fx import FxTable
from opsgov.issues import Issue, Location, Severity, make_issue
from opsgov.models.results import Scorecard
from opsgov.pipeline import (
    Definitions,
    ScoreRefusedError,
    ScoreRun,
    ValidationRun,
    live_in,
    previous_period,
    refuse_errors,
    with_playbooks,
    workspace_fx,
)
from opsgov.score.card import ScoreInputs, build_scorecard
from opsgov.validate.reporting import reported

EngineName = Literal["duckdb", "spark"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}")


@dataclass(frozen=True)
class TableInput:
    """Where a month's harmonised rows are: an exported Parquet folder or a named table."""

    parquet: Path | None = None
    table: str | None = None
    database: Path | None = None
    columns: dict[str, str] | None = None
    period_column: bool = True

    @classmethod
    def of(cls, defs: Definitions, parquet: Path | None) -> TableInput:
        """`--parquet DIR` if given, else the workspace's `warehouse:` table."""
        if parquet is not None:
            if not parquet.is_dir():
                raise OpsgovError(f"{parquet}: no such folder of exported Parquet")
            return cls(parquet=parquet)
        wh = defs.settings.warehouse
        if wh is None:
            raise OpsgovError(
                "a SQL engine needs harmonised rows: give --parquet DIR (written by "
                "`opsgov validate --export parquet DIR`), or name a table under `warehouse:` "
                "in opsgov.yaml"
            )
        folder = defs.root / wh.table
        if not wh.columns and folder.is_dir():
            return cls(parquet=folder)
        if not _IDENTIFIER.fullmatch(wh.table):
            raise OpsgovError(
                f"warehouse table {wh.table!r} is neither a table name (schema.table) nor a "
                "folder of exported Parquet"
            )
        database = defs.root / wh.database if wh.database else None
        return cls(None, wh.table, database, dict(wh.columns), wh.period_column)

    def manifest(self, period: str) -> Manifest | None:
        """The manifest of an exported period, if there is one."""
        if self.parquet is None:
            return None
        path = self.parquet / f"period={period}" / MANIFEST_NAME
        if not path.is_file():
            return None
        try:
            return Manifest.model_validate_json(path.read_bytes())
        except ValidationError as exc:
            raise OpsgovError(
                f"{path}: not a manifest opsgov wrote ({exc.error_count()} errors)"
            ) from exc

    def has_period(self, period: str) -> bool:
        """Whether an exported folder holds the period (a table is always asked)."""
        return self.parquet is None or (self.parquet / f"period={period}").is_dir()


@contextmanager
def open_engine(
    name: EngineName, where: TableInput, spark_master: str | None = None
) -> Iterator[tuple[SqlEngine, str]]:
    """The engine, and the relation its queries read."""
    if name == "duckdb":
        from opsgov.engines.duck import DuckEngine, parquet_relation

        duck = DuckEngine(where.database)
        try:
            relation = parquet_relation(where.parquet) if where.parquet else str(where.table)
            yield duck, relation
        finally:
            duck.close()
        return
    from opsgov.engines.spark import SparkEngine

    spark = SparkEngine.start(spark_master)
    if where.parquet is not None:
        spark.register_parquet("harmonised", where.parquet)
        yield spark, "harmonised"
    else:
        yield spark, str(where.table)


def _sites(defs: Definitions, fx: FxTable, period: str) -> list[SiteRow]:
    reporting = defs.settings.reporting_currency
    return [
        SiteRow(s.id, s.vendor, s.region, fx.rate(period, s.currency, reporting))
        for s in defs.registry.sites
    ]


def _month(
    engine: SqlEngine, relation: str, defs: Definitions, where: TableInput, period: str
) -> tuple[TableMonth, Manifest | None, list[Issue], FxTable]:
    fx, fx_issues = workspace_fx(defs)
    manifest = where.manifest(period)
    source = SourceTable(relation, where.columns or {}, where.period_column)
    try:
        month = month_on(
            engine,
            defs.framework,
            _sites(defs, fx, period),
            period,
            source,
            manifest.sources if manifest else (),
            manifest.sheets if manifest else (),
        )
    except CompileError as exc:
        issue = make_issue(exc.code, exc.message, location=Location(file="opsgov.yaml"))
        raise DefinitionError(exc.message, [issue]) from exc
    return month, manifest, fx_issues, fx


def _card(
    defs: Definitions,
    month: TableMonth,
    manifest: Manifest | None,
    fx: FxTable,
    period: str,
    report_date: str,
    previous: Scorecard | None,
    fx_issues: list[Issue],
) -> tuple[Scorecard, list[Issue]]:
    """The card, and the findings of computing it that the export did not already list.

    Without a manifest (a warehouse table) the FX file's own findings are listed here.
    """
    inputs = ScoreInputs(
        framework=defs.framework,
        registry=defs.registry,
        settings=defs.settings,
        blocks=[],
        fx=fx,
        period=period,
        report_date=report_date,
        live_sites=[s for s in defs.registry.sites if live_in(s, period)],
        paths={},
        findings=manifest.findings if manifest else {"error": 0, "warning": 0, "info": 0},
        excluded_rows=manifest.excluded_rows if manifest else 0,
        previous=previous,
        reported=reported(defs.framework, defs.registry, defs.profiles),
    )
    card, computed = build_scorecard(inputs, month)
    listed = list(manifest.issues) if manifest else []
    seen = {(i.code, i.message) for i in listed}
    fresh = computed if manifest else [*fx_issues, *computed]
    new = [i for i in dict.fromkeys(fresh) if (i.code, i.message) not in seen]
    counts = dict(inputs.findings)
    for issue in new:
        counts[issue.severity.value] = counts.get(issue.severity.value, 0) + 1
    update: dict[str, object] = {"findings": counts, "issues": [*listed, *new]}
    if manifest is not None:
        update["inputs"] = dict(manifest.inputs)
    return card.model_copy(update=update), new


def score_table(
    defs: Definitions,
    *,
    period: str,
    report_date: str,
    engine: EngineName = "duckdb",
    parquet: Path | None = None,
    spark_master: str | None = None,
    allow_invalid: bool = False,
    playbook_dir: Path | None = None,
) -> ScoreRun:
    """Score a period from harmonised rows on a SQL engine (see the module's docstring).

    A period exported with errors is refused unless `allow_invalid` (its rows with errors
    were left out of the export), as is one whose computing meets an error (no FX rate).
    """
    where = TableInput.of(defs, parquet)
    if not where.has_period(period):
        raise OpsgovError(f"{where.parquet} holds no rows for {period}")
    manifest = where.manifest(period)
    errors = manifest.findings.get("error", 0) if manifest else 0
    if errors and not allow_invalid:
        raise ScoreRefusedError(
            f"{period} had {errors} error(s) when it was exported (its rows with errors were left "
            "out); fix them and export again, or score with --allow-invalid",
            [i for i in manifest.issues if i.severity == Severity.ERROR] if manifest else [],
        )
    with open_engine(engine, where, spark_master) as (sql, relation):
        prior: Scorecard | None = None
        before = previous_period(period)
        if where.has_period(before):
            month, manifest, fx_issues, fx = _month(sql, relation, defs, where, before)
            if month.sites:
                prior, _ = _card(defs, month, manifest, fx, before, report_date, None, fx_issues)
        month, manifest, fx_issues, fx = _month(sql, relation, defs, where, period)
        card, issues = _card(defs, month, manifest, fx, period, report_date, prior, fx_issues)
    refuse_errors(period, issues, allow_invalid)
    card = with_playbooks(defs, card, prior, playbook_dir)
    return ScoreRun(card=card, validation=ValidationRun(period=period), issues=issues)


def workspace_query(defs: Definitions, period: str, relation: str | None = None) -> Compiled:
    """The workspace's framework compiled for a period, over its warehouse table.

    The table is `relation` if given, else the workspace's `warehouse:` table with its column
    mapping, else `harmonised` (the columns `opsgov validate --export parquet` writes).
    """
    wh = defs.settings.warehouse
    mapped = wh is not None and relation is None and _IDENTIFIER.fullmatch(wh.table) is not None
    source = (
        SourceTable(wh.table, dict(wh.columns), wh.period_column)
        if mapped and wh is not None
        else SourceTable(relation or "harmonised")
    )
    fx, _ = workspace_fx(defs)
    try:
        return compile_framework(defs.framework, _sites(defs, fx, period), period, source)
    except CompileError as exc:
        issue = make_issue(exc.code, exc.message, location=Location(file="opsgov.yaml"))
        raise DefinitionError(exc.message, [issue]) from exc
