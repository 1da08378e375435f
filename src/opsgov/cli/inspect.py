"""`opsgov inspect`: what opsgov sees in a spreadsheet, and a draft profile for it."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from opsgov.atomic import write_text
from opsgov.cli.common import report_errors
from opsgov.console import make_console
from opsgov.definitions import load_definition
from opsgov.draft.profile import plan_draft, summary
from opsgov.draft.render import render
from opsgov.errors import OpsgovError
from opsgov.inspect import InspectResult, inspect_workbook
from opsgov.intake.readers import read_workbook
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry
from opsgov.models.workspace import Workspace
from opsgov.resources import builtin_frameworks
from opsgov.workspace import display_path, find_workspace, resolve_ref

EPILOG = """Examples:

  opsgov inspect inbox/2026-10/MNL1_ops_2026-10.xlsx

  opsgov inspect new_vendor.csv --draft-profile profiles/new_vendor.yaml
"""


class InspectFormat(StrEnum):
    """`--format` for inspect."""

    text = "text"
    json = "json"


def _definitions(workspace: Path | None) -> tuple[Framework, Registry | None]:
    """The workspace's framework and registry, or the built-in T&S framework outside one."""
    root = workspace or find_workspace(Path.cwd())
    settings = load_definition(root / "opsgov.yaml").definition if root else None
    if root is not None and isinstance(settings, Workspace):
        framework_path = resolve_ref(root, settings.framework)
        framework = load_definition(framework_path).definition if framework_path else None
        registry = load_definition(root / settings.registry).definition
        if isinstance(framework, Framework):
            return framework, registry if isinstance(registry, Registry) else None
    fallback = load_definition(builtin_frameworks()["trust_safety"]).definition
    assert isinstance(fallback, Framework)
    return fallback, None


def _print(result: InspectResult) -> None:
    console = make_console()
    console.print(Text.assemble((result.file, "bold"), f": {result.format}"))
    if result.text_format:
        tf = result.text_format
        console.print(
            f"  encoding {tf['encoding']}, delimiter {tf['delimiter']!r}, decimal {tf['decimal']!r}"
        )
    if result.date_system == 1904:
        console.print("  dates use the 1904 date system")
    for note in result.notes:
        console.print(f"  note: {note}", markup=False, style="yellow")
    for sheet in result.sheets:
        state = "" if sheet.visibility == "visible" else f" ({sheet.visibility})"
        header = f"header on row {sheet.header_row}" if sheet.header_row else "no header row found"
        console.print()
        console.print(
            Text.assemble(
                (f"Sheet {sheet.name!r}{state}", "bold"),
                f": {sheet.used_range or 'empty'}, {header}, {sheet.data_rows} data rows",
            )
        )
        if not sheet.columns:
            continue
        table = Table(show_lines=False, expand=False)
        for name in ("col", "header", "type", "filled", "samples", "likely measure", "unit"):
            table.add_column(name, overflow="fold")
        for c in sheet.columns:
            measure = f"{c.measure} ({c.score:.0%})" if c.measure else "-"
            table.add_row(
                c.letter,
                c.header,
                c.inferred,
                str(c.filled),
                ", ".join(c.samples),
                measure,
                c.unit or "",
            )
        console.print(table)


@report_errors
def inspect(
    file: Annotated[Path, typer.Argument(help="Any spreadsheet or delimited-text file.")],
    fmt: Annotated[
        InspectFormat, typer.Option("--format", "-f", help="text or json.")
    ] = InspectFormat.text,
    draft: Annotated[
        Path | None,
        typer.Option(
            "--draft-profile",
            help="Write a draft intake profile (YAML) to this file.",
            dir_okay=False,
        ),
    ] = None,
    workspace: Annotated[
        Path | None,
        typer.Option("--workspace", "-w", help="Workspace whose framework names the measures."),
    ] = None,
) -> None:
    """Show a file's real format, sheets, header row, column types and likely measures."""
    if not file.is_file():
        raise OpsgovError(f"{file}: no such file")
    framework, registry = _definitions(workspace)
    book = read_workbook(file)
    result = inspect_workbook(book, display_path(file), framework)
    if fmt is InspectFormat.json:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        _print(result)
    if draft is not None:
        plan = plan_draft(book, display_path(file), framework, registry)
        write_text(draft, render(plan, framework))
        make_console(stderr=True).print(
            f"wrote draft profile {draft}: {summary(plan)}", markup=False, highlight=False
        )


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("inspect", epilog=EPILOG)(inspect)
