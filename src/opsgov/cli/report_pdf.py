"""`opsgov report pdf`: the month's scorecard, governance pack and a vendor's QBR as one PDF."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from opsgov.atomic import write_bytes
from opsgov.cli.common import QuietOption, report_errors
from opsgov.cli.history import HistoryOption, store_path
from opsgov.cli.report import OutOption, ReportDateOption, _report_date, _root, _target
from opsgov.cli.validate import check_period
from opsgov.cli.workspace import WorkspaceOption
from opsgov.console import make_console
from opsgov.errors import OpsgovError
from opsgov.history.reports.common import parse_quarter
from opsgov.history.store import HistoryStore
from opsgov.validate.rows import period_bounds
from opsgov.workspace import display_path

EPILOG = "Example: opsgov report pdf --period 2026-10 --vendor acme_bpo --quarter 2026Q3"


@report_errors
def pdf_command(
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="The month, YYYY-MM.", show_default=False)
    ] = None,
    vendor: Annotated[
        str | None,
        typer.Option("--vendor", help="Add this vendor's QBR (a vendor id).", show_default=False),
    ] = None,
    quarter: Annotated[
        str | None,
        typer.Option(
            "--quarter",
            help="The QBR's quarter, such as 2026Q3 (default: the month's).",
            show_default=False,
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    out: OutOption = None,
    report_date: ReportDateOption = None,
    quiet: QuietOption = False,
) -> None:
    """One PDF to forward: the scorecard, the governance pack and (with --vendor) the QBR."""
    from opsgov.export.pack import month_pack

    period = check_period(period)
    if period is None:
        raise OpsgovError("give --period YYYY-MM")
    if quarter is not None and vendor is None:
        raise OpsgovError("--quarter is the QBR's: give --vendor VENDOR as well")
    when = _report_date(report_date, period_bounds(period)[1].isoformat())
    chosen = parse_quarter(quarter) if quarter else None
    root = _root(workspace, history)
    with HistoryStore.open(
        store_path(root if history is None else None, history), create=False
    ) as store:
        data = month_pack(store, period, report_date=when, vendor=vendor, quarter=chosen)
    suffix = f"-{re.sub(r'[^A-Za-z0-9_.-]', '_', vendor)}" if vendor else ""
    target = _target(out, root, period, f"pack-{period}{suffix}.pdf")
    write_bytes(target, data)
    if not quiet:
        make_console().print(f"wrote {display_path(target)}", style="dim", markup=False)


def register(group: typer.Typer) -> None:
    """Add `pdf` to the `report` group."""
    group.command("pdf", epilog=EPILOG)(pdf_command)
