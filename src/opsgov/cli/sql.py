"""`opsgov sql`: the framework compiled to SQL, for a warehouse's own engine."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from opsgov.atomic import write_text
from opsgov.cli.common import report_errors
from opsgov.cli.validate import PeriodOption, check_period
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.errors import OpsgovError
from opsgov.pipeline import load_definitions

EPILOG = """Examples:

  opsgov sql --period 2026-10                        (DuckDB)

  opsgov sql --period 2026-10 --dialect spark --table analytics.agent_day

  opsgov sql --period 2026-10 --dialect bigquery --out scorecard.sql
"""

DIALECT_HELP = "duckdb, spark, databricks, trino, bigquery, snowflake or postgres."


@report_errors
def sql_command(
    period: PeriodOption = None,
    dialect: Annotated[str, typer.Option("--dialect", "-d", help=DIALECT_HELP)] = "duckdb",
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            help="Table of harmonised rows to read (default: the workspace's warehouse table, "
            "else `harmonised`).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write to this file (atomically); default stdout.", dir_okay=False
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Print the query that computes every KPI at every level, for any SQL engine.

    One row per scope (site, vendor, region, global, and per queue) with each measure rolled
    up by its rule, money converted per site before it is summed, and each KPI a ratio of
    sums; a zero denominator gives NULL on every engine.
    """
    from opsgov.engines.compiler import DIALECTS
    from opsgov.engines.score import workspace_query

    period = check_period(period)
    if period is None:
        raise OpsgovError("give --period YYYY-MM (the month the query picks, and its FX rates)")
    if dialect not in DIALECTS:
        raise OpsgovError(f"unknown dialect {dialect!r}; dialects are: {', '.join(DIALECTS)}")
    defs = load_definitions(workspace_root(workspace))
    text = workspace_query(defs, period, table).render(dialect) + ";\n"
    if out is None:
        sys.stdout.write(text)
        return
    write_text(out, text)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("sql", epilog=EPILOG)(sql_command)
