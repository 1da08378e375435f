"""`opsgov credits`: what each vendor owes under its contract for a month or a quarter."""

from __future__ import annotations

import sys
from decimal import Decimal
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
from opsgov.contracts.markdown import (
    STATUS_TEXT,
    credits_markdown,
    value_text,
    what_if_markdown,
)
from opsgov.contracts.money import ZERO, money_text
from opsgov.contracts.run import CreditsRun, credits, what_if_run
from opsgov.errors import ExitCode, OpsgovError
from opsgov.history.credits import record_credits
from opsgov.history.recorder import history_path
from opsgov.history.reports.common import parse_quarter, quarter_months
from opsgov.history.store import HistoryStore
from opsgov.issues import Severity
from opsgov.models.credits import CreditsReport, WhatIfReport
from opsgov.pipeline import load_definitions
from opsgov.workspace import display_path

EPILOG = """Examples:

  opsgov credits --period 2026-10

  opsgov credits --quarter 2026Q4 --vendor acme_bpo --format md --out credits.md

  opsgov credits --period 2026-10 --format json > credits.json

  opsgov credits --period 2026-10 --vendor acme_bpo --what-if turnaround --target 0.9
"""


class CreditsFormat(StrEnum):
    """`--format` of `opsgov credits`."""

    text = "text"
    json = "json"
    md = "md"
    xlsx = "xlsx"
    html = "html"


def _report_bytes(report: CreditsReport, fmt: CreditsFormat, template_dirs: list[Path]) -> bytes:
    if fmt is CreditsFormat.json:
        return (report.model_dump_json(indent=2) + "\n").encode()
    if fmt is CreditsFormat.md:
        return credits_markdown(report).encode()
    if fmt is CreditsFormat.xlsx:
        from opsgov.contracts.xlsx import credits_xlsx  # openpyxl only when writing one

        return credits_xlsx(report)
    from opsgov.contracts.html import credits_html

    return credits_html(report, template_dirs).encode()


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


def _emit_what_if(found: WhatIfReport, fmt: CreditsFormat, out: Path | None, quiet: bool) -> None:
    if fmt is CreditsFormat.text:
        console = make_console()
        table = Table(title=f"{found.vendor} {found.sl}: terms in force against proposed",
                      title_justify="left")  # fmt: skip
        for name in ("month", "value", "status", "credited", "proposed", "credited "):
            table.add_column(name, justify="right" if "credited" in name else "left")
        for m in found.months:
            pct = found.current is not None and 0 < found.current.target <= 1
            table.add_row(m.period, value_text(m.value, pct), STATUS_TEXT[m.status],
                          money_text(m.credited), STATUS_TEXT[m.proposed_status],
                          money_text(m.proposed_credited))  # fmt: skip
        if not quiet:
            console.print(table)
        cur = found.currency
        console.print(
            f"over {len(found.months)} months: {money_text(found.credited, cur)} credited; "
            f"proposed {money_text(found.proposed_credited, cur)}. Expected a year: "
            f"{money_text(found.expected_year, cur)}; proposed "
            f"{money_text(found.proposed_expected_year, cur)}",
            markup=False,
            highlight=False,
        )
        return
    body = (
        (found.model_dump_json(indent=2) + "\n").encode()
        if fmt is CreditsFormat.json
        else what_if_markdown(found).encode()
    )
    if out is not None:
        write_bytes(out, body)
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()


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
        typer.Option(
            "--format",
            "-f",
            help="text for people; json, md, xlsx or html (xlsx and html need --out).",
        ),
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
    what_if: Annotated[
        str | None,
        typer.Option(
            "--what-if",
            help="A service level of --vendor: what proposed terms (--target, --minimum, "
            "--allocation) would have paid over the last twelve months, and a year's expected "
            "credits.",
        ),
    ] = None,
    target: Annotated[float | None, typer.Option("--target", help="Proposed target.")] = None,
    minimum: Annotated[float | None, typer.Option("--minimum", help="Proposed minimum.")] = None,
    allocation: Annotated[
        float | None, typer.Option("--allocation", help="Proposed allocation (0.40).")
    ] = None,
    workspace: WorkspaceOption = None,
    quiet: QuietOption = False,
) -> None:
    """Service credits per vendor: each SL met or missed, the credit, cap, split and earn-back."""
    periods = _periods(period, quarter)
    report_date = check_report_date(report_date, periods[-1])
    root = workspace_root(workspace)
    defs = load_definitions(root)
    if what_if is not None:
        if vendor is None or quarter is not None:
            raise OpsgovError("--what-if needs --vendor and --period (the back-test's last month)")
        changes: dict[str, object] = {}
        if target is not None:
            changes["target"] = target
        if minimum is not None:
            changes["minimum"] = minimum
        if allocation is not None:
            changes["allocation"] = Decimal(str(allocation))
        if not changes:
            raise OpsgovError("--what-if needs at least one of --target, --minimum, --allocation")
        found = what_if_run(
            defs, vendor=vendor, period=periods[-1], sl_id=what_if, changes=changes,
            allow_invalid=allow_invalid,
        )  # fmt: skip
        _emit_what_if(found, fmt, out, quiet)
        return
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
        if fmt in (CreditsFormat.xlsx, CreditsFormat.html) and out is None:
            raise OpsgovError(f"give --out FILE for --format {fmt.value}")
        body = _report_bytes(run.report, fmt, [root / "templates"])
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
