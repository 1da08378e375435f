"""`opsgov validate`: check a month's spreadsheets cell by cell."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from opsgov.cli.common import (
    FailOn,
    FailOnOption,
    FormatOption,
    OutputFormat,
    OutputOption,
    QuietOption,
    emit_findings,
    report_errors,
)
from opsgov.cli.progress import file_progress
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import make_console
from opsgov.errors import OpsgovError
from opsgov.intake.readers import read_workbook
from opsgov.issues import Issue
from opsgov.models.profile import Profile
from opsgov.pipeline import Definitions, ValidationRun, load_definitions, validate
from opsgov.report import FindingsReport
from opsgov.validate.rows import period_bounds
from opsgov.workspace import display_path

EPILOG = """Examples:

  opsgov validate --period 2026-10                (every file of the month's input folder)

  opsgov validate inbox/2026-10/MNL1_ops_2026-10.xlsx --format json

  opsgov validate inbox/2026-10/MNL1_2026-10.xlsx --profile acme_daily_ops

  opsgov validate --period 2026-10 --format github --fail-on warning

  opsgov validate --period 2026-10 --export parquet warehouse/   (the harmonised rows as Parquet)
"""

PeriodOption = Annotated[
    str | None, typer.Option("--period", "-p", help="The month, YYYY-MM.", show_default=False)
]


def check_report_date(given: str | None, period: str) -> str:
    """`--report-date` checked (YYYY-MM-DD, a real date), or the period's last day."""
    if given is None:
        return period_bounds(period)[1].isoformat()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given):
        raise OpsgovError(f"--report-date must be YYYY-MM-DD; got {given!r}")
    try:
        dt.date.fromisoformat(given)
    except ValueError as exc:
        raise OpsgovError(f"--report-date is not a date: {given!r}") from exc
    return given


def check_period(period: str | None) -> str | None:
    """Refuse a period that is not YYYY-MM."""
    if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        raise OpsgovError(
            f"--period must be a month written YYYY-MM, such as 2026-10; got {period[:40]!r}"
        )
    if period is not None and not 1900 <= int(period[:4]) <= 2999:
        raise OpsgovError(f"--period {period}: the year must be between 1900 and 2999")
    return period


@report_errors
def validate_command(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files to check. Default: the period's input folder.", show_default=False
        ),
    ] = None,
    period: PeriodOption = None,
    workspace: WorkspaceOption = None,
    fmt: FormatOption = OutputFormat.text,
    fail_on: FailOnOption = FailOn.error,
    quiet: QuietOption = False,
    output: OutputOption = None,
    annotate_dir: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="Write, for each file with findings, a copy with the cells marked and commented.",
            file_okay=False,
        ),
    ] = None,
    profile_id: Annotated[
        str | None,
        typer.Option(
            "--profile",
            help="Read the files named through this intake profile (its id), whatever their "
            "names; without it, each file's profile is chosen by name, vendor and content.",
            metavar="<id>",
            show_default=False,
        ),
    ] = None,
    max_findings: Annotated[
        int,
        typer.Option(
            "--max-findings", min=1, help="Findings shown per file; the rest are counted."
        ),
    ] = 1000,
    export: Annotated[
        tuple[ExportFormat, Path] | None,
        typer.Option(
            "--export",
            help="Also write the month's harmonised rows (rows with errors left out) as "
            "that format into that folder, partitioned by period: `--export parquet DIR`. Needs "
            "--period.",
            metavar="<format> <dir>",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check every cell of a month's files against the framework: where, what and why."""
    period = check_period(period)
    if not files and period is None:
        raise OpsgovError(
            "name files to validate, or give --period YYYY-MM for a month's input folder"
        )
    for path in files or []:
        if not path.is_file():
            raise OpsgovError(f"{path}: no such file")
    defs = load_definitions(workspace_root(workspace))
    forced = _forced_profile(defs, profile_id, bool(files))
    with file_progress(not quiet and fmt is OutputFormat.text) as progress:
        run = validate(
            defs,
            period=period,
            files=files or None,
            progress=progress,
            profile=forced,
            max_findings=max_findings,
        )
    issues = run.issues
    if export is not None:
        _export(defs, run, period, export[1], quiet or fmt is not OutputFormat.text)
    if annotate_dir is not None:
        issues = [
            *issues,
            *_annotate(run.paths, issues, annotate_dir, quiet or fmt is not OutputFormat.text),
        ]
    report = FindingsReport.build(
        "validate",
        run.files,
        issues,
        max_per_file=max_findings,
        reads=run.reads,
        counted=run.omitted,
    )
    emit_findings(report, fmt, fail_on, quiet=quiet, output=output)


def _forced_profile(defs: Definitions, profile_id: str | None, named: bool) -> Profile | None:
    """The profile `--profile` names, refused when unknown or without files named."""
    if profile_id is None:
        return None
    if not named:
        raise OpsgovError(
            "--profile reads the files you name: give them, such as "
            f"`opsgov validate FILE --profile {profile_id}`"
        )
    found = next((p for p in defs.profiles if p.id == profile_id), None)
    if found is None:
        known = ", ".join(p.id for p in defs.profiles) or "none"
        raise OpsgovError(f"--profile {profile_id}: no intake profile has this id (known: {known})")
    if found.purpose == "invoice":
        raise OpsgovError(
            f"--profile {profile_id} reads invoices, which `opsgov credits` reconciles; "
            "validate reads operations files"
        )
    return found


class ExportFormat(StrEnum):
    """Formats of `validate --export`."""

    parquet = "parquet"


def _export(
    defs: Definitions, run: ValidationRun, period: str | None, folder: Path, quiet: bool
) -> None:
    """Write the harmonised rows; the summary goes to stderr so stdout stays the report."""
    if period is None:
        raise OpsgovError("--export writes a month: give --period YYYY-MM")
    from opsgov.engines.export import export_parquet, partition  # duckdb: only when exporting

    manifest = export_parquet(defs, run, period, folder)
    if not quiet:
        make_console(stderr=True).print(
            f"wrote {manifest.rows} harmonised row(s) to {display_path(partition(folder, period))}"
            + (
                f" ({manifest.excluded_rows} with errors left out)"
                if manifest.excluded_rows
                else ""
            ),
            markup=False,
        )


def _annotate(
    paths: dict[str, Path], issues: list[Issue], out_dir: Path, quiet: bool
) -> list[Issue]:
    """Annotated copies of the files with findings on cells; originals are never touched."""
    from opsgov.annotate import annotate_files  # openpyxl: only when annotating

    result = annotate_files(paths, issues, out_dir, read_workbook)
    if not quiet:
        err = make_console(stderr=True)
        for written in result.written:
            err.print(f"annotated copy: {display_path(written)}", markup=False)
    return result.issues


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("validate", epilog=EPILOG)(validate_command)
