"""Where the built-in frameworks, schemas, templates and playbooks are.

In an installed wheel they sit inside the package (`opsgov/_builtin/...`); in a source
checkout they are the top-level folders of the repository. There is one copy of each.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Literal

from opsgov.errors import OpsgovError

BuiltinKind = Literal["frameworks", "schemas", "templates", "playbooks"]


def builtin_dir(kind: BuiltinKind) -> Path:
    """The folder of built-in files of one kind."""
    packaged = Path(str(importlib.resources.files("opsgov"))) / "_builtin" / kind
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[2] / kind
    if source.is_dir():
        return source
    raise OpsgovError(f"the built-in {kind} are missing from this installation of opsgov")


def builtin_frameworks() -> dict[str, Path]:
    """Built-in frameworks by name (the file name without `.yaml`)."""
    return {p.stem: p for p in sorted(builtin_dir("frameworks").glob("*.yaml"))}
