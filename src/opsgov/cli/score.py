"""`opsgov score`: the month's scorecards at every level, and their outputs."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from jinja2 import TemplateError
from rich.table import Table
from rich.text import Text

from opsgov.cli.common import PlaybookDirOption, QuietOption, report_errors
from opsgov.cli.progress import file_progress
from opsgov.cli.validate import PeriodOption, check_period, check_report_date
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import make_console
from opsgov.errors import OpsgovError
from opsgov.history.recorder import record_score
from opsgov.models.results import Scorecard
from opsgov.outputset import write_set
from opsgov.pipeline import load_definitions, score
from opsgov.render.env import environment, template_failure
from opsgov.render.formatting import STATUS_LABEL, format_score, invalid_banner
from opsgov.render.outputs import OUTPUTS, prepare_xlsx
from opsgov.report import findings_phrase
from opsgov.workspace import display_path

EPILOG = """Examples:

  opsgov score --period 2026-10

  opsgov score --period 2026-10 --out reports/ --report-date 2026-11-05

  opsgov score --period 2026-10 --allow-invalid      (leave rows with errors out, and say so)

  opsgov score --period 2026-10 --parquet warehouse/   (exported rows, on DuckDB)

  opsgov score --period 2026-10 --engine spark --spark-master spark://head:7077
"""


class Engine(StrEnum):
    """`--engine` of `score`."""

    auto = "auto"
    numpy = "numpy"
    duckdb = "duckdb"
    spark = "spark"


_STYLE = {"green": "green", "amber": "yellow", "red": "red"}


def league_table(card: Scorecard) -> Table:
    """The sites ranked by composite, with RAG colours."""
    table = Table(title=f"{card.workspace}: {card.period}", title_justify="left")
    columns = ["#", "site", "vendor", "region", "composite", "status", "change"]
    for name in columns:
        right = name in {"#", "composite", "change"}
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    sites = sorted(
        (s for s in card.scopes if s.level == "site" and s.queue is None),
        key=lambda s: (s.rank or 999, s.id),
    )
    for s in sites:
        change = ""
        if s.composite is not None and s.previous_composite is not None:
            change = f"{s.composite - s.previous_composite:+.1f}"
        table.add_row(
            str(s.rank or "-"),
            Text(f"{s.id} {s.name}"),
            Text(s.vendor or ""),
            Text(s.region or ""),
            format_score(s.composite),
            Text(STATUS_LABEL[s.status], style=_STYLE.get(s.status, "dim")),
            change,
        )
    return table


@report_errors
def score_command(
    period: PeriodOption = None,
    workspace: WorkspaceOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output folder (default: the workspace's outputs).", file_okay=False
        ),
    ] = None,
    report_date: Annotated[
        str | None,
        typer.Option(
            "--report-date",
            help="Date printed on the reports, YYYY-MM-DD (default: the period's last day).",
        ),
    ] = None,
    allow_invalid: Annotated[
        bool,
        typer.Option(
            "--allow-invalid", help="Score despite errors, leaving the offending rows out."
        ),
    ] = False,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir", help="Templates that override the built-in ones.", file_okay=False
        ),
    ] = None,
    no_history: Annotated[
        bool,
        typer.Option("--no-history", help="Do not record the period in the workspace's history."),
    ] = False,
    playbook_dir: PlaybookDirOption = None,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="numpy: the month's spreadsheets, in process; duckdb or spark: harmonised rows "
            "(--parquet, or the workspace's warehouse table) on that engine. auto: duckdb when "
            "there are such rows, else numpy.",
        ),
    ] = Engine.auto,
    parquet: Annotated[
        Path | None,
        typer.Option(
            "--parquet",
            help="Folder written by `opsgov validate --export parquet`.",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="Spark master URL for --engine spark (default local[1]).",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Score a month: every KPI at site, vendor, region and global level, rated, scored, ranked."""
    period = check_period(period)
    if period is None:
        raise OpsgovError("give --period YYYY-MM")
    report_date = check_report_date(report_date, period)
    root = workspace_root(workspace)
    defs = load_definitions(root)
    prepare_xlsx()
    if engine is Engine.auto:
        tables = parquet is not None or defs.settings.warehouse is not None
        engine = Engine.duckdb if tables else Engine.numpy
    if engine is Engine.numpy:
        if parquet is not None:
            raise OpsgovError("--parquet is read by --engine duckdb or spark, not numpy")
        with file_progress(not quiet) as progress:
            result = score(
                defs,
                period=period,
                report_date=report_date,
                allow_invalid=allow_invalid,
                progress=progress,
                playbook_dir=playbook_dir,
            )
    else:
        from opsgov.engines.score import score_table  # duckdb, pyspark: only when asked

        result = score_table(
            defs,
            period=period,
            report_date=report_date,
            engine="spark" if engine is Engine.spark else "duckdb",
            parquet=parquet,
            spark_master=spark_master,
            allow_invalid=allow_invalid,
            playbook_dir=playbook_dir,
        )
    folder = out or root / defs.settings.outputs.replace("{period}", period)
    dirs = [d for d in (template_dir, root / "templates") if d is not None]
    env = environment(dirs)
    rendered = {}
    for name, render in OUTPUTS.items():
        try:
            rendered[name] = render(result.card, env)
        except TemplateError as exc:
            raise OpsgovError(template_failure(exc, f"the template for {name}") or "") from exc
    written = write_set(folder, rendered)  # rendered first; the folder changes as one set
    recorded = None if no_history else record_score(defs, result)
    console = make_console()
    if quiet:
        console.print(summary_line(result.card, folder, len(written)), markup=False, soft_wrap=True)
        return
    banner = invalid_banner(result.card)
    if banner is not None:
        console.print(banner, style="bold yellow", markup=False)
    console.print(league_table(result.card))
    findings = result.card.findings
    console.print(
        f"Findings: {findings_phrase(findings)}. `opsgov validate --period {period}` lists "
        "those in files.",
        markup=False,
    )
    for issue in result.card.issues:
        console.print(
            f"{issue.severity.value} {issue.code}: {issue.message}", markup=False, style="yellow"
        )
    for path in written:
        console.print(f"wrote {display_path(path)}", style="dim", markup=False)
    if recorded is not None:
        console.print(recorded.message, style="dim", markup=False)


def summary_line(card: Scorecard, folder: Path, files: int) -> str:
    """The one line `--quiet` prints: the period, the global composite, findings, where written."""
    top = card.scope("global", "global")
    composite = (
        f"global composite {format_score(top.composite)} ({STATUS_LABEL[top.status]})"
        if top is not None and top.composite is not None
        else "no global composite"
    )
    sites = sum(1 for s in card.scopes if s.level == "site" and s.queue is None)
    return (
        f"{card.period}: {sites} site{'s' * (sites != 1)} scored, {composite}; "
        f"{findings_phrase(card.findings)}; {files} files written to {display_path(folder)}"
    )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("score", epilog=EPILOG)(score_command)
