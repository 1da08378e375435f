"""`opsgov credits`: what each vendor owes under its contract for a month or a quarter."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from opsgov.atomic import write_bytes
from opsgov.cli.common import QuietOption, report_errors
from opsgov.cli.validate import PeriodOption, check_period, check_report_date
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import make_console
from opsgov.contracts.markdown import STATUS_TEXT, credits_markdown, value_text
from opsgov.contracts.money import ZERO, money_text
from opsgov.contracts.run import CreditsRun, credits
from opsgov.errors import ExitCode, OpsgovError
from opsgov.history.credits import record_credits
from opsgov.history.recorder import history_path
from opsgov.history.reports.common import parse_quarter, quarter_months
from opsgov.history.store import HistoryStore
from opsgov.issues import Severity
from opsgov.models.credits import CreditsReport
from opsgov.pipeline import load_definitions
from opsgov.workspace import display_path

EPILOG = """Examples:

  opsgov credits --period 2026-10

  opsgov credits --quarter 2026Q4 --vendor acme_bpo --format md --out credits.md

  opsgov credits --period 2026-10 --format json > credits.json
"""


class CreditsFormat(StrEnum):
    """`--format` of `opsgov credits`."""

    text = "text"
    json = "json"
    md = "md"


def _report_bytes(report: CreditsReport, fmt: CreditsFormat) -> bytes:
    if fmt is CreditsFormat.json:
        return (report.model_dump_json(indent=2) + "\n").encode()
    return credits_markdown(report).encode()


_STYLE = {"missed": "red", "met_minimum": "yellow", "met_target": "green"}


def _print(run: CreditsRun, quiet: bool) -> None:
    console = make_console()
    report = run.report
    for vendor in report.vendors:
        asked = [m for m in vendor.months if m.period in report.periods]
        if not quiet:
            for month in asked:
                table = Table(
                    title=f"{vendor.vendor} {month.period} ({vendor.currency}, "
                    f"version {month.version})",
                    title_justify="left",
                )
                for name in ("service level", "value", "target", "min", "status", "credited"):
                    right = name in {"value", "target", "min", "credited"}
                    table.add_column(name, justify="right" if right else "left", overflow="fold")
                for sl in month.service_levels:
                    pct = 0 < sl.target <= 1
                    table.add_row(
                        Text(sl.sl + ("" if sl.critical else " (KM)")),
                        value_text(sl.value, pct),
                        value_text(sl.target, pct),
                        value_text(sl.minimum, pct),
                        Text(STATUS_TEXT[sl.status], style=_STYLE.get(sl.status, "dim")),
                        money_text(sl.credited),
                    )
                console.print(table)
                cap = f"cap {money_text(month.cap)}" + (" binds" if month.cap_binds else "")
                console.print(
                    f"  at risk {money_text(month.at_risk)}; {cap}; credited "
                    f"{money_text(month.credited)}; earned back {money_text(month.earned_back)}; "
                    f"net {money_text(month.net, vendor.currency)}",
                    markup=False,
                )
        net = sum((m.net for m in asked), ZERO)
        reporting = (
            f" = {vendor.net_reporting:,.2f} {report.reporting_currency}"
            if vendor.net_reporting is not None and vendor.currency != report.reporting_currency
            else ""
        )
        console.print(
            f"{vendor.vendor}: net credits {money_text(net, vendor.currency)}{reporting}",
            markup=False,
            highlight=False,
        )
    if not quiet:
        _print_issues(run)


def _print_issues(run: CreditsRun) -> None:
    """The findings, one a line, on stderr (stdout may be the report)."""
    err = make_console(stderr=True)
    for issue in run.issues:
        where = f" at {issue.location}" if issue.location else ""
        err.print(
            f"{issue.severity.value} {issue.code}{where}: {issue.message}",
            markup=False,
            style="yellow",
            soft_wrap=True,  # one finding a line, whatever the width: grep-able
        )


def _periods(period: str | None, quarter: str | None) -> list[str]:
    if (period is None) == (quarter is None):
        raise OpsgovError("give --period YYYY-MM or --quarter YYYYQn")
    if quarter is not None:
        year, number = parse_quarter(quarter)
        return quarter_months(year, number)
    checked = check_period(period)
    assert checked is not None
    return [checked]


@report_errors
def credits_command(
    period: PeriodOption = None,
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", help="A quarter instead of a month, such as 2026Q4."),
    ] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="One vendor only.")] = None,
    fmt: Annotated[
        CreditsFormat,
        typer.Option("--format", "-f", help="text for people; json or md."),
    ] = CreditsFormat.text,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the report to this file.", dir_okay=False),
    ] = None,
    report_date: Annotated[
        str | None,
        typer.Option("--report-date", help="Date printed on the reports, YYYY-MM-DD."),
    ] = None,
    allow_invalid: Annotated[
        bool,
        typer.Option("--allow-invalid", help="Leave rows with errors out instead of refusing."),
    ] = False,
    no_history: Annotated[
        bool,
        typer.Option("--no-history", help="Do not record the ledger in the workspace's history."),
    ] = False,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
) -> None:
    """Service credits per vendor: each SL met or missed, the credit, cap, split and earn-back."""
    periods = _periods(period, quarter)
    report_date = check_report_date(report_date, periods[-1])
    root = workspace_root(workspace)
    defs = load_definitions(root)
    run = credits(
        defs,
        periods=periods,
        report_date=report_date,
        allow_invalid=allow_invalid,
        vendor=vendor,
    )
    if not no_history:
        with HistoryStore.open(history_path(root, defs.settings)) as store:
            record_credits(store, run.report)
    if fmt is CreditsFormat.text:
        _print(run, quiet)
    else:
        body = _report_bytes(run.report, fmt)
        if out is not None:
            write_bytes(out, body)
            if not quiet:
                typer.echo(f"wrote {display_path(out)}")
        else:
            sys.stdout.buffer.write(body)
            sys.stdout.flush()
        if not quiet:
            _print_issues(run)
    if any(i.severity == Severity.ERROR for i in run.issues):
        raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("credits", epilog=EPILOG)(credits_command)
