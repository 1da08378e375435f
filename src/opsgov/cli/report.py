"""`opsgov report`: the governance pack, the vendor QBR and the executive dashboard."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from opsgov.atomic import write_bytes, write_text
from opsgov.cli.common import QuietOption, report_errors
from opsgov.cli.history import HistoryOption, store_path
from opsgov.cli.validate import check_period
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import make_console
from opsgov.definitions import load_definition
from opsgov.errors import OpsgovError
from opsgov.history.reports.common import parse_quarter, quarter_months, render
from opsgov.history.store import HistoryStore
from opsgov.models.workspace import Workspace
from opsgov.render.env import environment
from opsgov.validate.rows import period_bounds
from opsgov.workspace import SETTINGS_FILE, display_path, find_workspace

EPILOG = """Examples:

  opsgov report governance --period 2026-10

  opsgov report qbr --vendor acme_bpo --quarter 2026Q4 --format md

  opsgov report dashboard --out reports/
"""


class ReportFormat(StrEnum):
    """`--format` of a report."""

    html = "html"
    md = "md"
    pptx = "pptx"


OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="The file to write, or a folder for it (default: the workspace's outputs).",
    ),
]
TemplateDirOption = Annotated[
    Path | None,
    typer.Option(
        "--template-dir", help="Templates that override the built-in ones.", file_okay=False
    ),
]
ReportFormatOption = Annotated[
    ReportFormat,
    typer.Option(
        "--format",
        "-f",
        help="html (one self-contained page), md (Markdown) or, for the QBR, pptx (slides).",
    ),
]
ReportDateOption = Annotated[
    str | None,
    typer.Option(
        "--report-date",
        help="Date printed on the report, YYYY-MM-DD (default: the last day it covers).",
    ),
]


def _report_date(given: str | None, default: str) -> str:
    if given is None:
        return default
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", given):
        raise OpsgovError(f"--report-date must be YYYY-MM-DD; got {given!r}")
    try:
        dt.date.fromisoformat(given)
    except ValueError as exc:
        raise OpsgovError(f"--report-date is not a date: {given!r}") from exc
    return given


def _root(workspace: Path | None, history: Path | None) -> Path | None:
    """The workspace, when there is one (a report from `--history` alone needs none)."""
    if workspace is not None or history is None:
        return workspace_root(workspace)
    return find_workspace(Path.cwd())


def _target(out: Path | None, root: Path | None, period: str, name: str) -> Path:
    if out is not None:
        return out / name if out.is_dir() or str(out).endswith(("/", "\\")) else out
    if root is None:
        return Path.cwd() / name
    settings = load_definition(root / SETTINGS_FILE).definition
    outputs = settings.outputs if isinstance(settings, Workspace) else "out/{period}"
    return root / outputs.replace("{period}", period) / name


def _produce(
    build: Callable[[HistoryStore, bool], dict[str, Any]],
    template: str,
    *,
    workspace: Path | None,
    history: Path | None,
    out: Path | None,
    template_dir: Path | None,
    fmt: ReportFormat,
    period: str,
    name: str,
    quiet: bool,
) -> None:
    root = _root(workspace, history)
    path = store_path(root if history is None else None, history)
    if fmt is ReportFormat.pptx and template != "qbr":
        raise OpsgovError("--format pptx is for the QBR; use html or md")
    with HistoryStore.open(path, create=False) as store:
        context = build(store, fmt is ReportFormat.html)
    if fmt is ReportFormat.pptx:
        from opsgov.export.slides import write_qbr_deck

        target = _target(out, root, period, f"{name}.pptx")
        write_bytes(target, write_qbr_deck(context))
        if not quiet:
            make_console().print(f"wrote {display_path(target)}", style="dim", markup=False)
        return
    dirs = [d for d in (template_dir, root / "templates" if root else None) if d is not None]
    text = render(environment(dirs), f"{template}.{fmt.value}.j2", context)
    target = _target(out, root, period, f"{name}.{fmt.value}")
    write_text(target, text)
    if not quiet:
        make_console().print(f"wrote {display_path(target)}", style="dim", markup=False)


@report_errors
def governance_command(
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="The month, YYYY-MM.", show_default=False)
    ] = None,
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    out: OutOption = None,
    template_dir: TemplateDirOption = None,
    fmt: ReportFormatOption = ReportFormat.html,
    report_date: ReportDateOption = None,
    quiet: QuietOption = False,
) -> None:
    """The monthly governance pack: summary, league tables, trend charts, data quality."""
    from opsgov.capacity.pack import pack_section
    from opsgov.history.reports.governance import governance

    period = check_period(period)
    if period is None:
        raise OpsgovError("give --period YYYY-MM")
    when = _report_date(report_date, period_bounds(period)[1].isoformat())
    _produce(
        lambda store, charts: governance(
            store,
            period,
            report_date=when,
            charts=charts,
            capacity=pack_section(_root(workspace, history), store, period),
        ),
        "governance",
        workspace=workspace,
        history=history,
        out=out,
        template_dir=template_dir,
        fmt=fmt,
        period=period,
        name=f"governance-{period}",
        quiet=quiet,
    )


@report_errors
def qbr_command(
    vendor: Annotated[
        str | None, typer.Option("--vendor", help="The vendor's id.", show_default=False)
    ] = None,
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", help="The quarter, such as 2026Q4.", show_default=False),
    ] = None,
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    out: OutOption = None,
    template_dir: TemplateDirOption = None,
    fmt: ReportFormatOption = ReportFormat.html,
    report_date: ReportDateOption = None,
    quiet: QuietOption = False,
) -> None:
    """A vendor's quarterly business review pack, against the prior quarter and a year before."""
    from opsgov.history.reports.qbr import qbr

    if not vendor:
        raise OpsgovError("give --vendor VENDOR (a vendor id from the registry)")
    if not quarter:
        raise OpsgovError("give --quarter YYYYQn, such as 2026Q4")
    year, number = parse_quarter(quarter)
    last = quarter_months(year, number)[-1]
    when = _report_date(report_date, period_bounds(last)[1].isoformat())
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", vendor)
    _produce(
        lambda store, charts: qbr(store, vendor, year, number, report_date=when, charts=charts),
        "qbr",
        workspace=workspace,
        history=history,
        out=out,
        template_dir=template_dir,
        fmt=fmt,
        period=f"{year}Q{number}",
        name=f"qbr-{safe}-{year}Q{number}",
        quiet=quiet,
    )


@report_errors
def dashboard_command(
    period: Annotated[
        str | None,
        typer.Option(
            "--period", "-p", help="The month, YYYY-MM (default: the latest in the history)."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    out: OutOption = None,
    template_dir: TemplateDirOption = None,
    fmt: ReportFormatOption = ReportFormat.html,
    report_date: ReportDateOption = None,
    quiet: QuietOption = False,
) -> None:
    """The one-page executive dashboard: global, regional and vendor views, sites heat map."""
    from opsgov.history import query
    from opsgov.history.reports.dashboard import dashboard

    period = check_period(period)
    if period is None:
        root = _root(workspace, history)
        with HistoryStore.open(
            store_path(root if history is None else None, history), create=False
        ) as store:
            stored = query.periods(store)
        if not stored:
            raise OpsgovError("the history is empty: score a month first")
        period = stored[-1]
    chosen = period
    when = _report_date(report_date, period_bounds(chosen)[1].isoformat())
    _produce(
        lambda store, charts: dashboard(store, chosen, report_date=when, charts=charts),
        "dashboard",
        workspace=workspace,
        history=history,
        out=out,
        template_dir=template_dir,
        fmt=fmt,
        period=chosen,
        name=f"dashboard-{chosen}",
        quiet=quiet,
    )


def register(app: typer.Typer) -> None:
    """Add the `report` command group to the app."""
    group = typer.Typer(
        help="Governance reports from the history: governance pack, vendor QBR, dashboard.",
        epilog=EPILOG,
        no_args_is_help=True,
    )
    group.command(
        "governance", epilog="Example: opsgov report governance --period 2026-10 --format md"
    )(governance_command)
    group.command("qbr", epilog="Example: opsgov report qbr --vendor acme_bpo --quarter 2026Q4")(
        qbr_command
    )
    group.command("dashboard", epilog="Example: opsgov report dashboard --period 2026-10")(
        dashboard_command
    )
    from opsgov.cli import report_pdf

    report_pdf.register(group)
    app.add_typer(group, name="report")
