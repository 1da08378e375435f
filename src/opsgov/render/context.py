"""What templates get: the scorecard plus lookups that keep templates simple."""

from __future__ import annotations

from typing import Any

from opsgov.models.results import Scorecard
from opsgov.render.formatting import invalid_banner


def context(card: Scorecard) -> dict[str, Any]:
    """Template variables: the card, KPI and category definitions by id, scopes by level."""
    top = [s for s in card.scopes if s.queue is None]
    return {
        "card": card,
        "banner": invalid_banner(card),
        "run_errors": [i for i in card.issues if i.severity == "error"],
        "run_notes": [i for i in card.issues if i.severity != "error"],
        "kpi_info": {k.id: k for k in card.kpis},
        "category_info": {c.id: c for c in card.categories},
        "global_scope": next(s for s in top if s.level == "global"),
        "regions": [s for s in top if s.level == "region"],
        "vendors": sorted(
            (s for s in top if s.level == "vendor"), key=lambda s: (s.rank or 999, s.id)
        ),
        "sites": sorted((s for s in top if s.level == "site"), key=lambda s: (s.rank or 999, s.id)),
        "queues": [s for s in card.scopes if s.queue is not None and s.level == "global"],
        "scored_kpis": [k for k in card.kpis if k.category is not None and k.weight > 0],
    }
