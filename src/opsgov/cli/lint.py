"""`opsgov lint`: check definition files, for people and for CI."""

from __future__ import annotations

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
from opsgov.cli.workspace import WorkspaceOption, workspace_root
from opsgov.errors import OpsgovError
from opsgov.lint.run import lint_paths, lint_workspace

EPILOG = """Examples:

  opsgov lint                                   (the workspace in this folder)

  opsgov lint frameworks/ registry.yaml --format github

  opsgov lint --format junit --output lint.xml --fail-on warning
"""


@report_errors
def lint(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Definition files or folders. Default: the current workspace.", show_default=False
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
    fail_on: FailOnOption = FailOn.error,
    quiet: QuietOption = False,
    output: OutputOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Check frameworks, registries and settings: every problem, with file, line and column."""
    for path in paths or []:
        if not path.exists():
            raise OpsgovError(f"{path}: no such file or folder")
    report = lint_paths(paths) if paths else lint_workspace(workspace_root(workspace))
    emit_findings(report, fmt, fail_on, quiet=quiet, output=output)


def register(app: typer.Typer) -> None:
    """Add the command to the app."""
    app.command("lint", epilog=EPILOG)(lint)
