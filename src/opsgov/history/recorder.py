"""Record what `opsgov score` produced in the workspace's history store."""

from __future__ import annotations

from pathlib import Path

from opsgov.history.quality import submissions
from opsgov.history.store import HistoryStore, Recorded
from opsgov.models.workspace import Workspace
from opsgov.pipeline import Definitions, ScoreRun

DEFAULT_FILE = "history.sqlite"


def history_path(root: Path, settings: Workspace) -> Path:
    """The workspace's history store: its `history` setting, relative to the workspace."""
    return root / (settings.history or DEFAULT_FILE)


def _relative(name: str, path: Path | None, root: Path) -> str:
    """An input file's name relative to the workspace, whatever folder opsgov ran in."""
    if path is None:
        return name
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return name


def record_score(
    defs: Definitions, run: ScoreRun, *, run_time: str | None = None, path: Path | None = None
) -> Recorded:
    """Record a scored period (replacing and auditing an earlier run of it).

    Args:
        defs: The workspace's definitions.
        run: The scored period.
        run_time: When it was scored (ISO 8601; default now).
        path: The store (default: the workspace's).

    Returns:
        What recording did: new, unchanged or restated, and the numbers that changed.
    """
    paths = run.validation.paths
    inputs = {_relative(k, paths.get(k), defs.root): v for k, v in run.card.inputs.items()}
    card = run.card.model_copy(update={"inputs": inputs})
    matches = run.validation.matches
    named = {d: (matches[d].site if d in matches else None) for d in run.validation.paths}
    sent = submissions(card, run.validation.blocks, run.validation.issues, named)
    rollups = {m.id: m.rollup for m in defs.framework.measures if m.rollup is not None}
    with HistoryStore.open(path or history_path(defs.root, defs.settings)) as store:
        return store.record(
            card,
            framework_id=defs.framework.id,
            framework_version=defs.framework.version,
            rollups=rollups,
            submissions=sent,
            run_time=run_time,
        )
