"""The target and thresholds that apply to a KPI at a scope, with where each came from.

Precedence, lowest first: the framework's KPI, then overrides for the region, the vendor and
the site; at each level the workspace's overrides (contract terms) come after the framework's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from opsgov.models.framework import Kpi, Override
from opsgov.models.results import Target


@dataclass(frozen=True)
class Scope:
    """Which overrides can apply: the scope's own region, vendor and site, where it has them."""

    region: str | None = None
    vendor: str | None = None
    site: str | None = None


def resolve_target(
    kpi: Kpi,
    scope: Scope,
    framework_overrides: Sequence[Override],
    workspace_overrides: Sequence[Override],
) -> Target:
    """The target, thresholds, floor and minimum sample in force, and their source."""
    target, thresholds, band, floor = kpi.target, kpi.thresholds, kpi.band, kpi.floor
    min_sample = kpi.min_sample.minimum if kpi.min_sample else None
    sources: list[str] = []
    reasons: list[str] = []
    for level in ("region", "vendor", "site"):
        wanted = getattr(scope, level)
        if wanted is None:
            continue
        for origin, overrides in (
            ("framework", framework_overrides),
            ("workspace", workspace_overrides),
        ):
            for o in overrides:
                if o.kpi != kpi.id or o.scope != (level, wanted):
                    continue
                target = o.target if o.target is not None else target
                thresholds = o.thresholds or thresholds
                band = o.band or band
                if o.floor is not None:
                    floor = o.floor
                elif o.thresholds is not None:
                    floor = None  # new contract thresholds: the floor follows the new minimum
                min_sample = o.min_sample.minimum if o.min_sample else min_sample
                sources.append(f"{level} {wanted} ({origin})")
                if o.reason:
                    reasons.append(o.reason)
    if floor is None:
        floor = thresholds.amber if thresholds else None
    return Target(
        target=target if target is not None else (thresholds.green if thresholds else None),
        green=thresholds.green if thresholds else None,
        amber=thresholds.amber if thresholds else None,
        band_green=(band.green.low, band.green.high) if band else None,
        band_amber=(band.amber.low, band.amber.high) if band else None,
        floor=floor,
        min_sample=min_sample,
        source=", ".join(sources) or "framework",
        reason="; ".join(reasons),
    )
