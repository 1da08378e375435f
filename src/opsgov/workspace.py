"""Find a workspace (`opsgov.yaml`) and resolve the files its settings name."""

from __future__ import annotations

import os
from pathlib import Path

from opsgov.resources import builtin_frameworks

SETTINGS_FILE = "opsgov.yaml"
BUILTIN_PREFIX = "builtin:"


def find_workspace(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `opsgov.yaml`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return None


def resolve_ref(root: Path, ref: str) -> Path | None:
    """The file a workspace setting names: relative to the workspace, or `builtin:NAME`.

    Returns None for an unknown built-in name.
    """
    if ref.startswith(BUILTIN_PREFIX):
        return builtin_frameworks().get(ref.removeprefix(BUILTIN_PREFIX))
    return (root / ref).resolve()


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the current folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)
