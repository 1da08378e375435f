"""XmR limits and detection rules against worked series whose answers were worked out by hand.

The baseline series used throughout is

    x   = 10, 12, 11, 13, 12, 11, 10, 12
    mean = 91 / 8 = 11.375
    mR  = 2, 1, 2, 1, 1, 1, 2            (7 ranges, sum 10)  ->  mR_bar = 10 / 7
    UNPL = 11.375 + 2.66 * 10 / 7 = 11.375 + 3.8 = 15.175
    LNPL = 11.375 - 3.8 = 7.575
    URL  = 3.268 * 10 / 7 = 4.668571...
    sigma = (10 / 7) / 1.128 = 1.26646...,  centre + 2 sigma = 13.908

Points after it are judged against these limits (baseline = 8).
"""

from __future__ import annotations

import pytest

from opsgov.history.spc import Signal, detect, moving_ranges, xmr, xmr_limits
from opsgov.history.trends import (
    build_trend,
    favourable,
    month_offset,
    months_between,
    natural_bounds,
)

BASE = [10.0, 12.0, 11.0, 13.0, 12.0, 11.0, 10.0, 12.0]


def test_worked_limits() -> None:
    limits = xmr_limits(BASE)
    assert limits is not None
    assert moving_ranges(BASE) == [2, 1, 2, 1, 1, 1, 2]
    assert limits.centre == pytest.approx(11.375)
    assert limits.mr_bar == pytest.approx(10 / 7)
    assert limits.unpl == pytest.approx(15.175)
    assert limits.lnpl == pytest.approx(7.575)
    assert limits.url == pytest.approx(4.668571428571)
    assert limits.sigma == pytest.approx(1.266464032)
    assert limits.baseline == 8


def test_routine_variation_has_no_signal() -> None:
    assert xmr(BASE).signals == ()


def test_a_point_beyond_either_limit() -> None:
    chart = xmr([*BASE, 16.0, 7.0, 15.0], baseline=8)
    assert chart.signals == (
        Signal("beyond_limits", 8, 8, "up"),
        Signal("beyond_limits", 9, 9, "down"),
    )  # 15.0 is inside the UNPL of 15.175


def test_limits_come_from_the_baseline_only() -> None:
    baseline_only = xmr([*BASE, 16.0], baseline=8).limits
    everything = xmr([*BASE, 16.0]).limits
    assert baseline_only is not None and everything is not None
    assert baseline_only.unpl == pytest.approx(15.175)
    # With 16 in the baseline: mean 107 / 9, mR 14 / 8: UNPL = 11.8889 + 4.655 = 16.5439.
    assert everything.unpl == pytest.approx(107 / 9 + 2.66 * 14 / 8)
    assert xmr([*BASE, 16.0]).signals == ()


def test_a_run_of_eight_on_one_side() -> None:
    # 11 (below 11.375) breaks the baseline's last point off; then eight 12s above the centre.
    chart = xmr([*BASE, 11.0, *[12.0] * 8], baseline=8)
    assert chart.signals == (Signal("run", 9, 16, "up"),)


def test_a_run_of_seven_is_not_a_signal() -> None:
    assert xmr([*BASE, 11.0, *[12.0] * 7], baseline=8).signals == ()


def test_a_run_counts_the_baseline_points_before_it() -> None:
    # The baseline ends with 12 (above); seven more 12s make eight in a row: indexes 7-14.
    assert xmr([*BASE, *[12.0] * 7], baseline=8).signals == (Signal("run", 7, 14, "up"),)


def test_a_run_below_and_a_point_on_the_centre_line_ends_a_run() -> None:
    below = xmr([*BASE, *[11.0] * 8], baseline=8)
    assert below.signals == (Signal("run", 8, 15, "down"),)
    broken = xmr([*BASE, *[11.0] * 4, 11.375, *[11.0] * 4], baseline=8)
    assert broken.signals == ()


def test_a_run_length_can_be_set() -> None:
    limits = xmr_limits(BASE)
    assert limits is not None
    values = [*BASE, 11.0, *[12.0] * 9]
    assert detect(values, limits, run_length=9) == [Signal("run", 9, 17, "up")]
    assert detect(values[:-1], limits, run_length=9) == []


def test_a_steady_trend_of_six() -> None:
    # 12 -> 9 falls; then 9, 10, 11, 12, 13, 14 rise: six points, indexes 8-13, all inside.
    chart = xmr([*BASE, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0], baseline=8)
    assert chart.signals == (Signal("trend", 8, 13, "up"),)


def test_five_rising_points_are_not_a_trend_and_ties_break_one() -> None:
    assert xmr([*BASE, 9.0, 10.0, 11.0, 12.0, 13.0, 12.5], baseline=8).signals == ()
    assert xmr([*BASE, 9.0, 10.0, 11.0, 11.0, 12.0, 13.0], baseline=8).signals == ()


def test_a_falling_trend_that_ends_beyond_the_limit() -> None:
    chart = xmr([*BASE, 14.0, 13.0, 12.0, 11.0, 9.0, 7.0], baseline=8)
    assert chart.signals == (
        Signal("trend", 8, 13, "down"),
        Signal("beyond_limits", 13, 13, "down"),
    )
    assert [s.rule for s in chart.signals_at(13)] == ["trend", "beyond_limits"]


def test_optional_zone_rules() -> None:
    # Beyond centre + 2 sigma = 13.908: 14.5 and 14.2, two of three in a row (8-10).
    values = [*BASE, 14.5, 11.0, 14.2]
    assert xmr(values, baseline=8).signals == ()
    zoned = xmr(values, baseline=8, zone_rules=True).signals
    assert Signal("two_of_three", 8, 10, "up") in zoned


def test_optional_range_rule() -> None:
    # 10 -> 15 is a moving range of 5, above the URL of 4.67; 15 itself is inside the UNPL.
    values = [*BASE, 10.0, 15.0]
    assert xmr(values, baseline=8).signals == ()
    assert xmr(values, baseline=8, range_rule=True).signals == (Signal("range", 9, 9, "up"),)


def test_too_few_points_give_no_limits() -> None:
    chart = xmr([1.0, 2.0, 3.0, 4.0])
    assert chart.limits is None and chart.signals == ()
    assert chart.moving_ranges == (None, 1.0, 1.0, 1.0)


def test_limits_are_clipped_at_natural_bounds() -> None:
    rates = [0.01, 0.05, 0.0, 0.06, 0.01]
    # mean 0.026, mR_bar (0.04 + 0.05 + 0.06 + 0.05) / 4 = 0.05: LNPL -0.107 -> 0.
    limits = xmr_limits(rates, lower_bound=0.0, upper_bound=1.0)
    assert limits is not None
    assert limits.lnpl == 0.0
    assert limits.unpl == pytest.approx(0.026 + 2.66 * 0.05)
    share = xmr_limits([0.97, 0.99, 0.95, 1.0, 0.96], upper_bound=1.0)
    assert share is not None and share.unpl == 1.0


def test_natural_bounds_by_unit() -> None:
    assert natural_bounds("percent", [0.1, 0.9]) == (0.0, 1.0)
    assert natural_bounds("score", [50.0]) == (0.0, 100.0)
    assert natural_bounds("seconds", [300.0]) == (0.0, None)
    assert natural_bounds("currency", [-5.0, 3.0]) == (None, None)


def test_months_and_offsets() -> None:
    assert month_offset("2026-01", -1) == "2025-12"
    assert month_offset("2026-10", -12) == "2025-10"
    assert month_offset("2025-12", 1) == "2026-01"
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_favourable_follows_the_kpi_direction() -> None:
    assert favourable("higher_is_better", "up") is True
    assert favourable("lower_is_better", "up") is False
    assert favourable("target_band", "up") is None


def test_trend_changes_gaps_and_signals_in_periods() -> None:
    months = months_between("2025-01", "2026-03")
    values: dict[str, float | None] = dict(zip(months, [*BASE, *BASE], strict=False))
    values["2025-05"] = None  # a gap
    values["2026-03"] = 16.0  # beyond the limits of the first 12 charted points
    values["2024-03"] = 9.0  # a year before 2025-03: only for the year-on-year change
    trend = build_trend(
        ("global", "global", "", "k"), months, values, direction="lower_is_better", unit="count"
    )
    points = {p.period: p for p in trend.points}
    assert points["2025-02"].mom == pytest.approx(2.0)
    assert points["2025-05"].value is None and points["2025-05"].mom is None
    assert points["2025-06"].mom is None  # the month before is the gap
    assert points["2025-03"].yoy == pytest.approx(11.0 - 9.0)
    assert points["2026-03"].yoy == pytest.approx(16.0 - 11.0)
    assert "2025-05" not in trend.charted and len(trend.charted) == 14
    assert trend.chart.limits is not None and trend.chart.limits.baseline == 12
    [signal] = trend.current_signals
    assert (signal.rule, signal.start, signal.end, signal.direction) == (
        "beyond_limits",
        "2026-03",
        "2026-03",
        "up",
    )
    assert signal.favourable is False  # up is worse for a lower-is-better KPI
    assert "beyond the natural process limits" in signal.text
