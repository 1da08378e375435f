"""RAG status and the 0-100 score of a KPI value, by the framework's scoring method."""

from __future__ import annotations

from opsgov.models.framework import Kpi, Scoring
from opsgov.models.results import Status, Target


def rag(kpi: Kpi, value: float | None, target: Target, sample: float | None) -> Status:
    """green, amber, red; or no_data, insufficient_data, not_rated."""
    if value is None:
        return "no_data"
    if target.min_sample is not None and (sample is None or sample < target.min_sample):
        return "insufficient_data"
    if target.band_green is not None and target.band_amber is not None:
        if target.band_green[0] <= value <= target.band_green[1]:
            return "green"
        if target.band_amber[0] <= value <= target.band_amber[1]:
            return "amber"
        return "red"
    if target.green is None or target.amber is None:
        return "not_rated"
    if kpi.direction == "lower_is_better":
        return "green" if value <= target.green else ("amber" if value <= target.amber else "red")
    return "green" if value >= target.green else ("amber" if value >= target.amber else "red")


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def _band_score(value: float, target: Target) -> float:
    assert target.band_green is not None
    assert target.band_amber is not None
    (g_low, g_high), (a_low, a_high) = target.band_green, target.band_amber
    if g_low <= value <= g_high:
        return 100.0
    if value < g_low:
        width = g_low - a_low
        return 100.0 * _clamp(1 - (g_low - value) / width) if width > 0 else 0.0
    width = a_high - g_high
    return 100.0 * _clamp(1 - (value - g_high) / width) if width > 0 else 0.0


def score(
    kpi: Kpi, value: float | None, target: Target, status: Status, scoring: Scoring
) -> float | None:
    """The KPI's 0-100 score (None when it has no usable value or cannot be rated)."""
    if value is None or status in {"no_data", "insufficient_data", "not_rated"}:
        return None
    if scoring.method == "banded":
        return scoring.banded_points[status]  # type: ignore[index]  # status is green/amber/red here
    if target.band_green is not None:
        return _band_score(value, target)
    goal = target.target
    if goal is None:
        return None
    higher = kpi.direction != "lower_is_better"
    if scoring.method == "percent_of_target":
        if higher:
            ratio = value / goal if goal else scoring.cap
        else:
            ratio = goal / value if value else scoring.cap
        return 100.0 * max(0.0, min(ratio, scoring.cap))
    floor = target.floor
    if floor is None or floor == goal:
        met = value >= goal if higher else value <= goal
        return 100.0 if met else 0.0
    return 100.0 * _clamp((value - floor) / (goal - floor))
