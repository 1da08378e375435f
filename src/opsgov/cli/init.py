"""`opsgov init`: create a new workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from opsgov.cli.common import report_errors
from opsgov.console import make_console
from opsgov.scaffold import scaffold_workspace

EPILOG = """Examples:

  opsgov init ops-workspace

  opsgov init support-ws --framework customer_support
"""


@report_errors
def init(
    directory: Annotated[
        Path, typer.Argument(help="Folder to create the workspace in.", file_okay=False)
    ],
    framework: Annotated[
        str,
        typer.Option(
            "--framework",
            help="Built-in framework to start from: trust_safety or customer_support.",
        ),
    ] = "trust_safety",
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite files that already exist.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing on success.")] = False,
) -> None:
    """Create a workspace (settings, framework, registry, FX rates, a profile) that lints clean."""
    written = scaffold_workspace(directory, framework=framework, force=force)
    if not quiet:
        console = make_console()
        console.print(f"Created workspace in {directory} ({len(written)} files):", markup=False)
        for path in written:
            console.print(f"  {path}", markup=False, style="dim")
        console.print(f"Next: cd {directory} && opsgov lint", markup=False)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("init", epilog=EPILOG)(init)
