"""A change too small to show at the KPI's precision reads `unchanged`, in every output."""

from __future__ import annotations

import pytest

from opsgov.render.formatting import format_change, format_score_change


@pytest.mark.parametrize(
    ("change", "fmt", "shown"),
    [
        (0.0004, "percent", "unchanged"),  # +0.04 pp shows as 0.0 pp
        (-0.0004, "percent", "unchanged"),
        (-0.0012, "percent", "-0.1 pp"),
        (0.009, "percent", "+0.9 pp"),
        (0.4, "mm:ss", "unchanged"),  # under half a second
        (61.0, "mm:ss", "+01:01"),
        (0.0, "count", "unchanged"),
        (-3.0, "count", "-3"),
    ],
)
def test_kpi_changes(change: float, fmt: str, shown: str) -> None:
    assert format_change(change, fmt) == shown


@pytest.mark.parametrize(
    ("change", "shown"),
    [(0.04, "unchanged"), (-0.049, "unchanged"), (0.06, "+0.1"), (-2.25, "-2.2"), (None, "")],
)
def test_composite_changes(change: float | None, shown: str) -> None:
    assert format_score_change(change) == shown
