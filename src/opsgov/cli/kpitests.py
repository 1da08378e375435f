"""`opsgov test`: run the workspace's KPI tests on every engine."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from opsgov.atomic import write_text
from opsgov.cli.common import FormatOption, OutputFormat, OutputOption, QuietOption, report_errors
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import make_console
from opsgov.errors import ExitCode, OpsgovError
from opsgov.pipeline import load_definitions

EPILOG = """Examples:

  opsgov test                                  (every file of the workspace's tests/)

  opsgov test tests/aht.yaml --engine duckdb

  opsgov test --format junit --output kpi-tests.xml
"""


class EngineChoice(StrEnum):
    """`--engine` of `test`."""

    all = "all"
    numpy = "numpy"
    duckdb = "duckdb"
    spark = "spark"


@report_errors
def kpi_test_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Test files or folders (default: the workspace's tests/).", show_default=False
        ),
    ] = None,
    engine: Annotated[
        EngineChoice,
        typer.Option(
            "--engine",
            help="Run on one engine; all: every engine this machine has "
            "(numpy, DuckDB, and Spark where pyspark and Java are installed).",
        ),
    ] = EngineChoice.all,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.text,
    quiet: QuietOption = False,
    output: OutputOption = None,
) -> None:
    """Run KPI tests: given rows per site, expected values at every level, on every engine.

    Exit 0 when every check passes, 1 when any fails (or a test file cannot run).
    """
    from opsgov.kpitest import report
    from opsgov.kpitest.engines import available_engines
    from opsgov.kpitest.run import run_tests

    for path in paths or []:
        if not path.exists():
            raise OpsgovError(f"{path}: no such file or folder")
    defs = load_definitions(workspace_root(workspace))
    have = available_engines()
    if engine is EngineChoice.all:
        engines = have
    elif engine.value in have:
        engines = [engine.value]
    else:
        raise OpsgovError(
            "the Spark engine needs pyspark and a Java runtime: pip install 'opsgov[spark]'"
        )
    run = run_tests(defs, engines, paths or ())
    code = ExitCode.FINDINGS if run.failed else ExitCode.OK
    if fmt is OutputFormat.json:
        text = report.to_json(run, int(code))
    elif fmt is OutputFormat.github:
        text = report.to_github(run)
    elif fmt is OutputFormat.junit:
        text = report.to_junit(run)
    else:
        text = report.to_text(run)
        if quiet:
            text = text.rstrip("\n").rsplit("\n", 1)[-1] + "\n"
    if output is not None:
        write_text(output, text)
        if not quiet:
            make_console(stderr=True).print(report.to_text(run).rstrip("\n").rsplit("\n", 1)[-1],
                                            markup=False)  # fmt: skip
    else:
        sys.stdout.write(text)
    raise typer.Exit(int(code))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("test", epilog=EPILOG)(kpi_test_command)
