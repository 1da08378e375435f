"""The `--workspace` option shared by commands that work in a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from opsgov.errors import WorkspaceError
from opsgov.workspace import SETTINGS_FILE, find_workspace

WorkspaceOption = Annotated[
    Path | None,
    typer.Option("--workspace", "-w", help="Workspace folder (default: search upward from here)."),
]


def workspace_root(given: Path | None) -> Path:
    """The workspace folder: the one given, or the nearest with opsgov.yaml above here."""
    root = given or find_workspace(Path.cwd())
    if root is None or not (root / SETTINGS_FILE).is_file():
        where = f"in {given}" if given else "here or in any folder above"
        raise WorkspaceError(
            f"no {SETTINGS_FILE} {where}; run `opsgov init DIR` to create a workspace"
        )
    return root
