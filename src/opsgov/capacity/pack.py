"""The capacity section of the governance pack: the plan as it stood at the end of the month.

`pack_section` loads the workspace's capacity settings and registry (when it has them), plans
from the history up to the pack's month and returns what the section's templates show: the
staffing gaps with their hire-by dates and playbook, the worst site losses and the single
points of failure. A workspace without `capacity:` settings gets no section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opsgov.capacity.build import build_plan
from opsgov.capacity.inputs import load_inputs
from opsgov.capacity.results import CapacityPlan
from opsgov.definitions import load_definition
from opsgov.history.store import HistoryStore
from opsgov.models.registry import Registry
from opsgov.models.workspace import Workspace
from opsgov.workspace import SETTINGS_FILE

TOP_LOSSES = 5


def summary(plan: CapacityPlan) -> dict[str, Any]:
    """What the pack shows of a plan."""
    gaps: list[dict[str, Any]] = []
    for site in plan.sites:
        hit = next((m for m in site.months if m.triggered), None)
        if hit is not None:
            gaps.append(
                {
                    "site": site.site + (f"/{site.queue}" if site.queue else ""),
                    "period": hit.period,
                    "required": hit.required_fte,
                    "headcount": hit.headcount,
                    "gap": hit.gap,
                    "hires": hit.hires,
                    "hire_by": hit.hire_by,
                    "late": hit.hire_by is not None and hit.hire_by < plan.as_of,
                    "playbook": hit.playbook,
                }
            )
    losses: list[dict[str, Any]] = []
    for lost in dict.fromkeys(c.lost_site for c in plan.resilience):
        cells = [c for c in plan.resilience if c.lost_site == lost]
        worst = min(cells, key=lambda c: c.service_level if c.service_level is not None else 0)
        losses.append(
            {
                "site": lost,
                "unabsorbed": sum(c.unabsorbed for c in cells),
                "worst": f"{worst.queue}/{worst.language or '-'}",
                "service_level": worst.service_level,
            }
        )
    losses.sort(key=lambda r: -r["unabsorbed"])
    spof = [r for r in plan.spof if r.single_site or r.single_vendor]
    return {
        "periods": plan.periods,
        "as_of": plan.as_of,
        "gaps": gaps,
        "hires": sum(g["hires"] for g in gaps),
        "late": sum(1 for g in gaps if g["late"]),
        "losses": losses[:TOP_LOSSES],
        "spof": [
            {
                "queue": r.queue,
                "language": r.language or "all",
                "who": r.sites[0] if r.single_site else r.vendors[0],
                "single": "site" if r.single_site else "vendor",
            }
            for r in spof
        ],
    }


def pack_section(root: Path | None, store: HistoryStore, period: str) -> dict[str, Any] | None:
    """The section's data, or None when the workspace does not plan capacity."""
    if root is None or not (root / SETTINGS_FILE).is_file():
        return None
    settings = load_definition(root / SETTINGS_FILE).definition
    if not isinstance(settings, Workspace) or settings.capacity is None:
        return None
    registry = load_definition(root / settings.registry).definition
    if not isinstance(registry, Registry):
        return None
    inputs = load_inputs(store, settings.capacity, until=period)
    if not inputs.periods:
        return None
    return summary(build_plan(inputs, settings.capacity, registry, settings.name))
