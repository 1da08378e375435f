"""Volume forecasts: a synthetic seasonal series' parameters are recovered; short series
fall back; intervals widen with the horizon; the backtest is the sMAPE of held-out months."""

from __future__ import annotations

import numpy as np
import pytest

from opsgov.capacity.forecast import backtest_months, forecast, smape

# a seasonal pattern with mean 1 (peak in June and July), level 1,000 growing 10 a month
PATTERN = np.array([0.9, 0.85, 1.0, 1.05, 1.1, 1.2, 1.15, 1.0, 0.95, 0.9, 0.92, 0.98])
PATTERN = PATTERN / PATTERN.mean()


def truth(t: int) -> float:
    return float((1000 + 10 * t) * PATTERN[t % 12])


def series(n: int, noise: float = 0.0, seed: int = 7) -> list[float]:
    rng = np.random.default_rng(seed)
    return [truth(t) * (1 + noise * rng.standard_normal()) for t in range(n)]


def test_exact_seasonal_series_is_recovered() -> None:
    f = forecast(series(36), 12)
    assert f.fit.method == "holt_winters" and f.fit.seasonality == "multiplicative"
    # level at the last month (t = 35) and the monthly growth
    assert f.fit.level == pytest.approx(1000 + 10 * 35, rel=1e-4)
    assert f.fit.trend == pytest.approx(10, rel=1e-3)
    # seasonal factors of the next twelve months, January (t = 36) first
    assert list(f.fit.seasonal) == pytest.approx([PATTERN[(36 + h) % 12] for h in range(12)])
    assert list(f.points) == pytest.approx([truth(36 + h) for h in range(12)], rel=1e-4)
    assert f.backtest_months == 6 and f.backtest_smape == pytest.approx(0, abs=1e-3)


def test_noisy_seasonal_series_parameters_within_tolerance() -> None:
    f = forecast(series(36, noise=0.01), 12, confidence=0.95)
    assert f.fit.level == pytest.approx(1350, rel=0.02)
    assert f.fit.trend == pytest.approx(10, abs=2.5)
    assert list(f.fit.seasonal) == pytest.approx(
        [PATTERN[(36 + h) % 12] for h in range(12)], rel=0.02
    )
    assert list(f.points) == pytest.approx([truth(36 + h) for h in range(12)], rel=0.03)
    assert f.backtest_smape is not None and f.backtest_smape < 3
    # 1 % noise: the one-step error scale is about 0.01 and 95 % intervals hold the truth
    assert f.sigma == pytest.approx(0.01, rel=0.5)
    bounds = zip(f.lower, f.upper, strict=True)
    inside = [lo <= truth(36 + h) <= hi for h, (lo, hi) in enumerate(bounds)]
    assert sum(inside) >= 11
    widths = [hi - lo for lo, hi in zip(f.lower, f.upper, strict=True)]
    assert widths[11] / f.points[11] > widths[0] / f.points[0]


def test_thirteen_months_is_seasonal_with_a_one_month_backtest() -> None:
    f = forecast(series(13), 3)
    assert f.fit.method == "holt_winters"
    assert not f.fit.fitted_params  # one month after the first year: conventional values
    assert f.backtest_months == 1
    # a wide-enough interval from the non-seasonal fit, not a falsely exact one
    assert "non-seasonal" in f.sigma_source
    assert f.upper[0] > f.points[0] > f.lower[0]


def test_short_series_fall_back() -> None:
    assert forecast(series(12), 3).fit.method == "damped_trend"
    assert forecast(series(4), 3).fit.method == "damped_trend"
    two = forecast([100.0, 120.0], 3)
    assert two.fit.method == "mean"
    assert list(two.points) == pytest.approx([110.0] * 3)
    # backtest: forecast month 2 from month 1 (100); sMAPE = 2 x 20 / 220 = 18.18 %
    assert two.backtest_smape == pytest.approx(200 * 20 / 220)
    one = forecast([50.0], 2)
    assert one.backtest_smape is None and one.lower == one.upper == (50.0, 50.0)


def test_zero_months_use_an_additive_season() -> None:
    values = series(24)
    values[5] = 0.0
    f = forecast(values, 2)
    assert f.fit.seasonality == "additive"
    assert all(v >= 0 for v in (*f.points, *f.lower))


def test_smape_and_backtest_lengths() -> None:
    assert smape([100, 0], [50, 0]) == pytest.approx(100 * (2 * 50 / 150) / 2)
    assert [backtest_months(n) for n in (1, 2, 5, 12, 13, 15, 30)] == [0, 1, 3, 3, 1, 3, 6]
