"""Reading a written `scorecard.json` back as the model's plain shape (scopes with keyed KPIs).

The file stores scopes and lineage as tables; tests that look at values by key read it back
through `Scorecard.model_validate`, the reader every command uses, and dump the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opsgov.models.results import Scorecard


def read_card(path: Path) -> dict[str, Any]:
    """The scorecard at `path` (a `scorecard.json`, or the folder holding one) as plain data."""
    file = path / "scorecard.json" if path.is_dir() else path
    card = Scorecard.model_validate_json(file.read_text("utf-8"))
    return card.model_dump(mode="json")
