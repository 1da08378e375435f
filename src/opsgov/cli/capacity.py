"""`opsgov capacity`: forecast the work, staff it, and know what losing a site does."""

from __future__ import annotations

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from jinja2 import TemplateError
from rich.table import Table

from opsgov.atomic import write_bytes
from opsgov.capacity.results import CapacityPlan
from opsgov.cli.common import FailOn, FailOnOption, QuietOption, report_errors
from opsgov.cli.history import HistoryOption
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import issue_text, make_console
from opsgov.errors import OpsgovError
from opsgov.issues import Severity
from opsgov.lint.common import did_you_mean
from opsgov.workspace import display_path

EPILOG = """Examples:

  opsgov capacity

  opsgov capacity --format json > plan.json

  opsgov capacity --explain gap/DUB1/2026-11

  opsgov capacity --horizon 12 --as-of 2026-11-15 --out plans/
"""


class CapacityFormat(StrEnum):
    """What `opsgov capacity` prints."""

    text = "text"
    json = "json"


def _as_of(given: str | None) -> dt.date | None:
    if given is None:
        return None
    try:
        return dt.date.fromisoformat(given)
    except ValueError:
        raise OpsgovError(f"--as-of must be a date, YYYY-MM-DD; got {given!r}") from None


def _explain(plan: CapacityPlan, wanted: str) -> None:
    records = plan.explained()
    hits = [r for r in records if r.id == wanted or r.id.startswith(wanted.rstrip("/") + "/")]
    if not hits:
        hint = did_you_mean(wanted, [r.id for r in records])
        kinds = sorted({r.id.split("/", 1)[0] for r in records})
        raise OpsgovError(
            f"no figure {wanted!r} in the plan. "
            + (hint or f"Ids start with {', '.join(kinds)}; `--format json` lists every id.")
        )
    console = make_console()
    for record in hits:
        console.print(record.id, style="bold", markup=False)
        for line in record.explain:
            console.print(f"  {line}", markup=False, soft_wrap=True)


def _tables(plan: CapacityPlan) -> list[Table]:
    first = plan.periods[0]
    forecasts = Table(title=f"Forecasts (first month {first})", title_justify="left")
    for name, right in (("Site", False), ("Queue", False), ("Method (months)", False),
                        ("sMAPE", True), ("Volume", True), ("Interval", True)):  # fmt: skip
        forecasts.add_column(name, justify="right" if right else "left")
    for f in plan.forecasts:
        forecasts.add_row(
            f.site, f.queue, f"{f.method} ({len(f.history)})",
            "n/a" if f.backtest_smape is None else f"{f.backtest_smape:.1f}%",
            f"{f.volume[0]:,.0f}", f"{f.lower[0]:,.0f}-{f.upper[0]:,.0f}",
        )  # fmt: skip
    staffing = Table(title=f"Staffing against headcount, {first}", title_justify="left")
    for name in ("Site", "Required", "Headcount", "Gap", "Hires", "Hire by"):
        staffing.add_column(name, justify="left" if name in ("Site", "Hire by") else "right")
    for s in plan.sites:
        m = s.months[0]
        hit = next((x for x in s.months if x.triggered), None)
        staffing.add_row(
            s.site + (f"/{s.queue}" if s.queue else ""), f"{m.required_fte:,.1f}",
            f"{m.headcount:,.1f}", f"{m.gap:+,.1f}", str(m.hires),
            f"{hit.hire_by} ({hit.period})" if hit and hit.hire_by else "-",
        )  # fmt: skip
    loss = Table(title=f"If a site went dark ({plan.resilience_period})", title_justify="left")
    for name in ("Site lost", "Unplaced/month", "Worst queue/language", "Handled"):
        loss.add_column(name, justify="right" if name in ("Unplaced/month", "Handled") else "left")
    for site in dict.fromkeys(c.lost_site for c in plan.resilience):
        cells = [c for c in plan.resilience if c.lost_site == site]
        worst = min(cells, key=lambda c: c.service_level if c.service_level is not None else 0)
        loss.add_row(
            site, f"{sum(c.unabsorbed for c in cells):,.0f}",
            f"{worst.queue}/{worst.language or '-'}",
            "-" if worst.service_level is None else f"{worst.service_level:.0%}",
        )  # fmt: skip
    return [forecasts, staffing, loss]


@report_errors
def capacity_command(
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    horizon: Annotated[
        int | None,
        typer.Option("--horizon", min=1, max=24, help="Months to plan (default: the settings')."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The plan's date, YYYY-MM-DD: hire-by dates before it are flagged (default: "
            "the first day of the first planned month).",
        ),
    ] = None,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            help="Show how one figure (or every figure under an id prefix) was made, such as "
            "fte/DUB1/general/en/2026-11, gap/DUB1, n1/MNL1, spof/general, split/general.",
        ),
    ] = None,
    fmt: Annotated[
        CapacityFormat,
        typer.Option("--format", "-f", help="text for people; json (the whole plan) for tools."),
    ] = CapacityFormat.text,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Output folder (default: the workspace's outputs).", file_okay=False
        ),
    ] = None,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir", help="Templates that override the built-in ones.", file_okay=False
        ),
    ] = None,
    fail_on: FailOnOption = FailOn.error,
    quiet: QuietOption = False,
) -> None:
    """Capacity plan: volume forecasts, required FTE, gaps and hiring dates, site-loss (N-1)."""
    from opsgov.capacity.build import build_plan
    from opsgov.capacity.inputs import load_inputs
    from opsgov.capacity.outputs import OUTPUTS
    from opsgov.cli.history import store_path
    from opsgov.history.store import HistoryStore
    from opsgov.pipeline import load_definitions
    from opsgov.render.env import environment

    root = workspace_root(workspace)
    defs = load_definitions(root)
    settings = defs.settings.capacity
    if settings is None:
        raise OpsgovError(
            "the workspace has no `capacity:` settings in opsgov.yaml; `opsgov init` writes an "
            "example, and `opsgov schema workspace` describes every field"
        )
    with HistoryStore.open(store_path(root, history), create=False) as store:
        inputs = load_inputs(store, settings)
    plan = build_plan(
        inputs, settings, defs.registry, defs.settings.name, as_of=_as_of(as_of), horizon=horizon
    )
    if explain is not None:
        _explain(plan, explain)
        return
    env = environment([d for d in (template_dir, root / "templates") if d is not None])
    rendered: dict[str, bytes] = {}
    for name, render in OUTPUTS.items():
        try:
            rendered[name] = render(plan, env)
        except TemplateError as exc:
            raise OpsgovError(f"the template for {name} failed: {exc}") from exc
    period = plan.history_last or plan.periods[0]
    folder = out or root / defs.settings.outputs.replace("{period}", period)
    for name, body in rendered.items():  # everything rendered first: no half-written set
        write_bytes(folder / name, body)
    threshold = Severity(fail_on.value)
    code = int(any(f.severity.at_least(threshold) for f in plan.findings))
    if fmt is CapacityFormat.json:
        sys.stdout.buffer.write(rendered["capacity.json"])
        sys.stdout.flush()
        raise typer.Exit(code)
    console = make_console()
    counts = {s: sum(1 for f in plan.findings if f.severity is s) for s in Severity}
    summary = (
        f"Capacity plan {plan.periods[0]}..{plan.periods[-1]}: {len(plan.forecasts)} series, "
        f"{counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
        f"{counts[Severity.INFO]} info; wrote {len(rendered)} files to {display_path(folder)}"
    )
    if not quiet:
        for table in _tables(plan):
            console.print(table)
        for issue in plan.findings:
            if issue.severity is not Severity.INFO:
                console.print(issue_text(issue), soft_wrap=True)
        console.print(
            "Shrinkage divides: FTE = productive FTE / (1 - shrinkage). "
            "`opsgov capacity --explain ID` shows any figure's arithmetic.",
            style="dim",
            markup=False,
        )
    console.print(summary, markup=False, soft_wrap=True)
    raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("capacity", epilog=EPILOG)(capacity_command)
