"""A copy of the sample workspace with an empty tests/ folder, and writing tests into it."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

from tests.conftest import invoke
from tests.support import sample_month as sm


def sample_workspace(tmp_path: Path) -> Path:
    """The sample workspace copied into `tmp_path`, with its tests/ folder emptied."""
    root = tmp_path / "ws"
    shutil.copytree(sm.SAMPLE_WORKSPACE, root)
    shutil.rmtree(root / "tests", ignore_errors=True)
    (root / "tests").mkdir()
    return root


def write(ws: Path, name: str, body: str) -> Path:
    """Write a test file (dedented) into the workspace's tests/ folder."""
    path = ws / "tests" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body), "utf-8")
    return path


def run_json(ws: Path, engine: str = "numpy", code: int = 0) -> dict[str, Any]:
    """`opsgov test --format json` on one engine, the exit code asserted."""
    result = invoke(["test", "-w", str(ws), "--engine", engine, "-f", "json"], code=code)
    body: dict[str, Any] = json.loads(result.stdout)
    return body
