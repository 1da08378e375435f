"""`opsgov history`: the scored periods kept in the workspace's history store."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from opsgov.atomic import write_text
from opsgov.cli.common import report_errors
from opsgov.cli.validate import check_period
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.console import format_plain, make_console, plain_table
from opsgov.definitions import load_definition
from opsgov.errors import OpsgovError, WorkspaceError
from opsgov.history import query
from opsgov.history.export import csv_text
from opsgov.history.recorder import history_path
from opsgov.history.store import Change, HistoryStore
from opsgov.models.workspace import Workspace
from opsgov.report import findings_phrase
from opsgov.workspace import SETTINGS_FILE, display_path

EPILOG = """Examples:

  opsgov history list

  opsgov history show 2026-10

  opsgov history diff 2026-10              (what the last re-score of 2026-10 changed)

  opsgov history diff 2026-09 2026-10      (every number that differs between two months)

  opsgov history restatements 2026-10

  opsgov history export --format csv --out history.csv
"""

HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history",
        help="The history store (default: the workspace's, `history.sqlite`).",
        dir_okay=False,
    ),
]


class ShowFormat(StrEnum):
    """`--format` of the reading commands."""

    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    """`--format` of `history export`."""

    csv = "csv"
    parquet = "parquet"


class ExportWhat(StrEnum):
    """`--what` of `history export` as CSV."""

    kpis = "kpis"
    measures = "measures"


class Kind(StrEnum):
    """Which numbers a diff lists."""

    kpi = "kpi"
    measure = "measure"
    composite = "composite"


FormatOption = Annotated[
    ShowFormat, typer.Option("--format", "-f", help="text for people, json for programs.")
]


def store_path(workspace: Path | None, history: Path | None) -> Path:
    """The history store: `--history`, or the one the workspace's settings name."""
    if history is not None:
        return history
    root = workspace_root(workspace)
    settings = load_definition(root / SETTINGS_FILE).definition
    if not isinstance(settings, Workspace):
        raise WorkspaceError(f"{root / SETTINGS_FILE} has errors; `opsgov lint` lists them")
    return history_path(root, settings)


def open_store(workspace: Path | None, history: Path | None) -> HistoryStore:
    """Open an existing history store (never create one just to read it)."""
    return HistoryStore.open(store_path(workspace, history), create=False)


def _number(value: float | None) -> str:
    return format_plain(value)


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _change_dict(c: Change) -> dict[str, Any]:
    return {
        "level": c.level,
        "scope": c.scope,
        "queue": c.queue or None,
        "kind": c.kind,
        "item": c.item,
        "old": c.old,
        "new": c.new,
        "change": c.delta,
    }


def _changes_table(changes: Sequence[Change], title: str) -> Table:
    table = plain_table(
        title,
        ("scope", "left"),
        ("number", "left"),
        ("old", "right"),
        ("new", "right"),
        ("change", "right"),
    )
    for c in changes:
        where = c.level if c.level == "global" else f"{c.level} {c.scope}"
        table.add_row(
            Text(where + (f" / {c.queue}" if c.queue else "")),
            Text(c.item if c.kind == "composite" else f"{c.kind} {c.item}"),
            _number(c.old),
            _number(c.new),
            "" if c.delta is None else ("+" if c.delta > 0 else "") + format_plain(c.delta),
        )
    return table


def _filter(changes: Sequence[Change], kinds: Sequence[Kind] | None) -> list[Change]:
    wanted = {k.value for k in kinds} if kinds else None
    return [c for c in changes if wanted is None or c.kind in wanted]


@report_errors
def list_command(
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    fmt: FormatOption = ShowFormat.text,
) -> None:
    """List the scored periods in the history, with how often each was recorded and restated."""
    with open_store(workspace, history) as store:
        rows = query.list_periods(store)
    if fmt is ShowFormat.json:
        _emit_json([vars(r) for r in rows])
        return
    frameworks = sorted({r.framework for r in rows})
    one = len(frameworks) == 1  # then named once, in the title
    table = plain_table(
        "History" + (f" ({frameworks[0]})" if one else ""),
        *((name, "left") for name in ("period", "scored at", *(() if one else ("framework",)))),
        *((name, "right") for name in ("runs", "restated", "files", "composite")),
        ("status", "left"),
    )
    table.columns[0].min_width = 7  # a period is never folded
    table.columns[1].min_width = 10  # nor a date
    for r in rows:
        table.add_row(
            r.period,
            _minute(r.run_time),
            *(() if one else (Text(r.framework),)),
            str(r.recordings),
            str(r.restatements),
            str(r.inputs),
            "\u2014" if r.composite is None else f"{r.composite:.1f}",
            r.status,
        )
    console = make_console()
    console.print(table)
    console.print(f"{len(rows)} period(s)")


def _minute(run_time: str) -> str:
    """A recording's time to the minute, as people write it (the json has it whole)."""
    return run_time[:16].replace("T", " ")


@report_errors
def show_command(
    period: Annotated[str, typer.Argument(help="The month, YYYY-MM.", show_default=False)],
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    fmt: FormatOption = ShowFormat.text,
) -> None:
    """Show a stored period: its scopes, the recordings of it and its restatements."""
    check_period(period)
    with open_store(workspace, history) as store:
        card = query.load_card(store, period)
        entries = query.log(store, period)
        restated = query.restatements(store, period)
    if fmt is ShowFormat.json:
        _emit_json(
            {
                "scorecard": card.model_dump(mode="json"),
                "recordings": [vars(e) for e in entries],
                "restatements": [
                    {
                        "run_time": r.entry.run_time,
                        "previous_run_time": r.previous.run_time,
                        "inputs": {f: list(v) for f, v in r.changed_inputs.items()},
                        "changes": [_change_dict(c) for c in r.changes],
                    }
                    for r in restated
                ],
            }
        )
        return
    console = make_console()
    console.print(
        f"{card.workspace}: {card.period}, framework {card.framework}, "
        f"{len(card.inputs)} input file(s); findings: {findings_phrase(card.findings)}",
        markup=False,
    )
    table = Table(title=f"{period}: scopes", title_justify="left")
    for name in ("level", "scope", "name", "composite", "status", "rank"):
        table.add_column(name, justify="right" if name in {"composite", "rank"} else "left")
    for s in card.scopes:
        if s.queue is None:
            table.add_row(
                s.level,
                Text(s.id),
                Text(s.name),
                "\u2014" if s.composite is None else f"{s.composite:.1f}",
                s.status,
                str(s.rank or ""),
            )
    console.print(table)
    log = Table(title="Recordings", title_justify="left")
    for name in ("scored at", "framework", "outcome", "numbers changed"):
        log.add_column(name, justify="right" if name == "numbers changed" else "left")
    for e in entries:
        log.add_row(_minute(e.run_time), Text(e.framework), e.outcome, str(e.changes))
    console.print(log)
    for r in restated:
        console.print(
            f"Restated at {r.entry.run_time} (was scored at {r.previous.run_time}): "
            f"{len(r.changes)} number(s) changed; input files changed: "
            + (", ".join(r.changed_inputs) or "none"),
            markup=False,
        )
        console.print(_changes_table(r.changes, "Restated numbers"))


@report_errors
def diff_command(
    first: Annotated[str, typer.Argument(help="A month, YYYY-MM.", show_default=False)],
    second: Annotated[
        str | None,
        typer.Argument(
            help="A second month: list every number that differs between the two. Without it, "
            "list what the last re-score of the first month changed.",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        list[Kind] | None,
        typer.Option("--kind", "-k", help="Only these numbers (kpi, measure, composite)."),
    ] = None,
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    fmt: FormatOption = ShowFormat.text,
) -> None:
    """The numbers that changed: between two months, or in a month's last re-score."""
    check_period(first)
    check_period(second)
    with open_store(workspace, history) as store:
        if second is None:
            entry, changes = query.last_changes(store, first)
            title = f"{first}: what the recording of {entry.run_time} changed ({entry.outcome})"
        else:
            changes = query.diff_periods(store, first, second)
            title = f"{first} -> {second}: numbers that differ"
    changes = _filter(changes, kind)
    if fmt is ShowFormat.json:
        _emit_json([_change_dict(c) for c in changes])
        return
    console = make_console()
    console.print(_changes_table(changes, title))
    console.print(f"{len(changes)} number(s) changed")


@report_errors
def restatements_command(
    period: Annotated[str, typer.Argument(help="The month, YYYY-MM.", show_default=False)],
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
    fmt: FormatOption = ShowFormat.text,
) -> None:
    """The audit trail of a month: each re-score that changed numbers, old and new."""
    check_period(period)
    with open_store(workspace, history) as store:
        query.run_id(store, period)
        restated = query.restatements(store, period)
    if fmt is ShowFormat.json:
        _emit_json(
            [
                {
                    "run_time": r.entry.run_time,
                    "previous_run_time": r.previous.run_time,
                    "inputs": {f: list(v) for f, v in r.changed_inputs.items()},
                    "changes": [_change_dict(c) for c in r.changes],
                }
                for r in restated
            ]
        )
        return
    console = make_console()
    if not restated:
        console.print(f"{period} has not been restated.")
        return
    for r in restated:
        console.print(
            f"Restated at {r.entry.run_time} (was scored at {r.previous.run_time})", markup=False
        )
        for file, (old, new) in r.changed_inputs.items():
            console.print(
                f"  input {file}: {(old or 'absent')[:12]} -> {(new or 'absent')[:12]}",
                markup=False,
            )
        console.print(_changes_table(r.changes, f"{len(r.changes)} number(s) changed"))


@report_errors
def export_command(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="csv (one file, --what picks KPIs or measures), or parquet (--out DIR: both, "
            "as DIR/kpis/period=YYYY-MM/ and DIR/measures/period=YYYY-MM/).",
        ),
    ] = ExportFormat.csv,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file (atomically; a folder for parquet); default stdout.",
        ),
    ] = None,
    what: Annotated[
        ExportWhat, typer.Option("--what", help="kpis (every KPI result) or measures.")
    ] = ExportWhat.kpis,
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="Only this month, YYYY-MM.")
    ] = None,
    workspace: WorkspaceOption = None,
    history: HistoryOption = None,
) -> None:
    """Export every stored KPI result (or measure) as CSV, one row per period, scope and KPI."""
    check_period(period)
    if fmt is ExportFormat.parquet:
        _export_parquet(out, period, workspace, history)
        return
    with open_store(workspace, history) as store:
        rows = list(query.export_rows(store, what.value, period))
    columns = list(query.EXPORT_COLUMNS[what.value])
    text = csv_text(columns, rows)
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_text(out, text)
    make_console(stderr=True).print(
        f"wrote {len(rows)} row(s) to {display_path(out)}", style="dim", markup=False
    )


def _export_parquet(
    out: Path | None, period: str | None, workspace: Path | None, history: Path | None
) -> None:
    """Every stored KPI result and measure as Parquet tables partitioned by period."""
    if out is None:
        raise OpsgovError("--format parquet writes a folder: give --out DIR")
    if out.exists() and not out.is_dir():
        raise OpsgovError(f"{display_path(out)} is a file; --format parquet writes a folder")
    from opsgov.engines.export import export_tables  # duckdb: only when asked

    with open_store(workspace, history) as store:
        tables = {
            what: (list(query.EXPORT_COLUMNS[what]), list(query.export_rows(store, what, period)))
            for what in ("kpis", "measures")
        }
    export_tables(tables, out)
    make_console(stderr=True).print(
        ", ".join(f"{len(rows)} {what} row(s)" for what, (_, rows) in tables.items())
        + f" written to {display_path(out)}",
        style="dim",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the `history` command group to the app."""
    group = typer.Typer(
        help="Read the history of scored periods: list, show, diff, restatements, export.",
        epilog=EPILOG,
        no_args_is_help=True,
    )
    group.command("list", epilog="Example: opsgov history list")(list_command)
    group.command("show", epilog="Example: opsgov history show 2026-10")(show_command)
    group.command(
        "diff", epilog="Examples: opsgov history diff 2026-10 ; opsgov history diff 2026-09 2026-10"
    )(diff_command)
    group.command("restatements", epilog="Example: opsgov history restatements 2026-10")(
        restatements_command
    )
    group.command(
        "export",
        epilog="Examples: opsgov history export --format csv --out history.csv ; "
        "opsgov history export --format parquet --out tables/",
    )(export_command)
    app.add_typer(group, name="history")
