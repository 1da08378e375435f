"""`opsgov explain`: how one KPI value was made, down to the cells."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from opsgov.cli.common import report_errors
from opsgov.cli.credit_explain import explain_credit_command
from opsgov.cli.validate import PeriodOption, check_period
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import format_measure, format_plain, make_console, plain_table
from opsgov.errors import OpsgovError
from opsgov.explain import Explanation, explain
from opsgov.pipeline import load_definitions, score
from opsgov.render.formatting import STATUS_LABEL, format_value
from opsgov.validate.rows import period_bounds

EPILOG = """Examples:

  opsgov explain sla_attain --site MNL1 --period 2026-10

  opsgov explain cost_per_case --vendor acme_bpo --period 2026-10

  opsgov explain turnaround --credit --vendor acme_bpo --period 2026-10   (a service credit)
"""


@report_errors
def explain_command(
    kpi: Annotated[
        str, typer.Argument(help="KPI id, such as aht; with --credit, a service level id.")
    ],
    period: PeriodOption = None,
    site: Annotated[str | None, typer.Option("--site", help="Site id.")] = None,
    vendor: Annotated[str | None, typer.Option("--vendor", help="Vendor id.")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Region id.")] = None,
    workspace: WorkspaceOption = None,
    credit: Annotated[
        bool,
        typer.Option(
            "--credit", help="Explain the vendor's service credit for the service level named."
        ),
    ] = False,
) -> None:
    """Show how one KPI value (or service credit) was made, down to the cells."""
    period = check_period(period)
    if period is None:
        raise OpsgovError("give --period YYYY-MM")
    if credit:
        if vendor is None or site or region:
            raise OpsgovError("--credit explains a vendor's credit: give --vendor and no other")
        explain_credit_command(load_definitions(workspace_root(workspace)), kpi, vendor, period)
        return
    chosen = [(lvl, v) for lvl, v in (("site", site), ("vendor", vendor), ("region", region)) if v]
    if len(chosen) > 1:
        raise OpsgovError("give at most one of --site, --vendor, --region")
    level, scope_id = chosen[0] if chosen else ("global", "global")
    defs = load_definitions(workspace_root(workspace))
    run = score(
        defs, period=period, report_date=period_bounds(period)[1].isoformat(), allow_invalid=True
    )
    card = run.card
    info = (
        next(k for k in card.kpis if k.id == kpi) if any(k.id == kpi for k in card.kpis) else None
    )
    e = explain(card, defs.framework, kpi, level, scope_id)
    r, t, cur = e.result, e.result.target, card.reporting_currency
    fmt = info.format if info else "decimal"
    console = make_console()
    kinds = {m.id: m.kind for m in defs.framework.measures}
    name = f" ({e.scope.name})" if level != "global" and e.scope.name else ""
    where = "global" if level == "global" else f"at {level} {scope_id}{name}"
    console.print(Text.assemble((kpi, "bold"), f" {where}, {period}"))
    console.print(f"formula: {e.formula}")
    table = plain_table(
        "measures, summed by their roll-up rule", ("measure", "left"), ("value", "right")
    )
    for measure, value in e.measures.items():
        table.add_row(Text(measure), format_measure(value, kinds.get(measure, "count"), cur))
    console.print(table)
    raw = "no value" if r.value is None else format_plain(r.value)
    console.print(f"value: {format_value(r.value, fmt, cur)} ({raw})")
    if card.invalid_rows_excluded:
        console.print(
            f"{card.invalid_rows_excluded} rows with errors were left out of these figures.",
            style="yellow",
        )
    console.print(
        f"target {format_value(t.target, fmt, cur)}; green {format_value(t.green, fmt, cur)}, "
        f"amber {format_value(t.amber, fmt, cur)}"
        + (f"; band green {t.band_green}, amber {t.band_amber}" if t.band_green else "")
        + (
            f"; minimum sample {format_plain(t.min_sample)} (sample {format_plain(r.sample)})"
            if t.min_sample is not None and r.sample is not None
            else ""
        )
    )
    console.print(f"from: {t.source}" + (f" ({t.reason})" if t.reason else ""))
    console.print(f"status: {STATUS_LABEL[r.status]}")
    for step in e.score_steps:
        console.print(f"score: {step}")
    _print_cells(console, e)


def _print_cells(console: Console, e: Explanation) -> None:
    """The cells behind the measures, one table per file and sheet (paths never wrap)."""
    groups: dict[tuple[str, str], list[tuple[str, str, str, str, str]]] = {}
    for entry in e.lineage:
        fx = (
            f"{entry.currency} x {entry.fx_rate:g}"
            if entry.fx_rate is not None and entry.currency
            else ""
        )
        for span in entry.cells:
            groups.setdefault((span.file, span.sheet), []).append(
                (entry.site, entry.measure, f"{span.column} ({span.header})", span.rows, fx)
            )
    if groups:
        console.print("cells", style="bold")
    for (file, sheet), rows in groups.items():
        console.print(Text.assemble((file, "bold"), f", sheet {sheet!r}"), soft_wrap=True)
        table = plain_table(
            None, ("site", "left"), ("measure", "left"), ("column", "left"), ("rows", "left")
        )
        if any(row[4] for row in rows):
            table.add_column("fx", overflow="fold")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row[: len(table.columns)]))
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("explain", epilog=EPILOG)(explain_command)
