"""Monthly volume forecasts with prediction intervals and a backtest.

Series of 13 months or more: Holt-Winters exponential smoothing with a damped additive trend
and a 12-month season (multiplicative when every month is positive, additive otherwise). The
first year sets the seasonal factors and the level; the trend starts at the year-on-year
change (or the change between the first two years' means from 24 months on). The smoothing
parameters are the combination of a fixed grid (alpha, beta, gamma, phi) with the smallest
sum of squared one-step errors after the first year, the whole grid run at once with NumPy.
Before six months past the first year there are too few errors to choose by, and the
conventional values alpha 0.3, beta 0.05, gamma 0.1, phi 0.9 are used.

Shorter series: damped-trend exponential smoothing (Holt), fitted the same way, from four
months; the mean of fewer.

Prediction intervals: normal, with the h-step variance of the model's error-correction form,
sigma^2 (1 + sum_{j<h} c_j^2) with c_j = alpha (1 + beta phi_j) + gamma (1 - alpha) [j mod 12
= 0] and phi_j = phi + ... + phi^j (Hyndman et al., Forecasting with Exponential Smoothing,
2008, class 1; relative errors for the multiplicative season). Sigma is the root mean square
of the one-step errors after the first year; with fewer than three of those it is the
non-seasonal fit's own, so the interval is wider rather than falsely narrow.

Backtest: the last months (up to six for a seasonal series, three otherwise) are held out, the
same procedure is fitted on the months before them and forecast from there; its symmetric MAPE
(sMAPE, 2|y - f| / (|y| + |f|), averaged, in percent) is reported with the forecast.

statsmodels' Holt-Winters needs two full seasonal cycles for its initial states and brings
pandas, SciPy and patsy; operations series are often just over one year long, so the model is
written here, in NumPy, and its recovery of known parameters is tested.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

SEASON = 12
SEASONAL_MIN = 13
"""Months a series needs for the seasonal model."""
HOLT_MIN = 4
DEFAULTS = {"alpha": 0.3, "beta": 0.05, "gamma": 0.1, "phi": 0.9}
FIT_MIN_ERRORS = 6
_ALPHAS = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9)
_BETAS = (0.0, 0.05, 0.1, 0.2, 0.3)
_GAMMAS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
_PHIS = (0.8, 0.9, 0.95, 0.98, 1.0)

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Fit:
    """A fitted model: its method, parameters, final states and one-step errors."""

    method: str
    """`holt_winters`, `damped_trend` or `mean`."""
    seasonality: str | None
    """`multiplicative` or `additive` (Holt-Winters only)."""
    params: dict[str, float]
    fitted_params: bool
    """False when the conventional parameters were used (too few months to choose)."""
    level: float
    trend: float
    seasonal: tuple[float, ...]
    """Seasonal factors of the next 12 months after the last observation, in order."""
    errors: tuple[float, ...]
    """One-step errors after initialisation (relative for a multiplicative season)."""
    last_month_index: int
    """Position in the year (0-11) of the last observation, counted from the first."""

    def point(self, h: int) -> float:
        """The forecast h months ahead (h >= 1)."""
        phi = self.params.get("phi", 1.0)
        damp = sum(phi**i for i in range(1, h + 1))
        base = self.level + damp * self.trend
        if self.method != "holt_winters":
            return base
        s = self.seasonal[(h - 1) % SEASON]
        return base * s if self.seasonality == "multiplicative" else base + s

    def step_weights(self, h: int) -> float:
        """1 + sum of c_j^2 for j < h: the h-step variance in units of the one-step one."""
        if self.method == "mean":
            return 1.0
        a = self.params["alpha"]
        b = self.params.get("beta", 0.0)
        g = self.params.get("gamma", 0.0)
        phi = self.params.get("phi", 1.0)
        total = 1.0
        for j in range(1, h):
            phi_j = sum(phi**i for i in range(1, j + 1))
            c = a * (1 + b * phi_j)
            if self.method == "holt_winters" and j % SEASON == 0:
                c += g * (1 - a)
            total += c * c
        return total


@dataclass(frozen=True)
class Forecast:
    """One series' forecast: points, intervals, the fit and its backtest."""

    history: tuple[float, ...]
    fit: Fit
    points: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    confidence: float
    sigma: float | None
    """One-step error scale used by the intervals (relative for a multiplicative season)."""
    sigma_source: str
    backtest_smape: float | None
    """Percent; None when the series is a single month."""
    backtest_months: int


def _grid(seasonal: bool) -> Floats:
    gammas = _GAMMAS if seasonal else (0.0,)
    rows = [
        (a, b, g, p) for a, b, g, p in itertools.product(_ALPHAS, _BETAS, gammas, _PHIS) if b <= a
    ]
    return np.asarray(rows, dtype=float)


def _run(y: Floats, params: Floats, seasonal: str | None) -> tuple[Floats, Floats, Floats, Floats]:
    """Run the smoothing for every parameter row at once.

    Returns the final level, trend and seasonal states (rows x 12, the next 12 months in
    order) and the one-step errors after initialisation (rows x months).
    """
    rows = params.shape[0]
    alpha, beta, gamma, phi = (params[:, i] for i in range(4))
    n = y.size
    if seasonal is not None:
        first = y[:SEASON]
        if n >= 2 * SEASON:
            b0 = (y[SEASON : 2 * SEASON].mean() - first.mean()) / SEASON
        elif n > SEASON:
            b0 = (y[SEASON] - y[0]) / SEASON
        else:
            b0 = 0.0
        l0 = first.mean()
        line = l0 + (np.arange(SEASON) - (SEASON - 1) / 2) * b0
        if seasonal == "multiplicative":
            s0 = first / line
            s0 = s0 / s0.mean()
        else:
            s0 = first - line
            s0 = s0 - s0.mean()
        level = np.full(rows, l0 + (SEASON - 1) / 2 * b0)
        trend = np.full(rows, b0)
        season = np.tile(s0, (rows, 1))
        start = SEASON
    else:
        level = np.full(rows, y[0])
        trend = np.full(rows, y[1] - y[0] if n > 1 else 0.0)
        season = np.zeros((rows, SEASON))
        start = 1
    errors = np.zeros((rows, max(n - start, 0)))
    for t in range(start, n):
        base = level + phi * trend
        s = season[:, 0]
        if seasonal == "multiplicative":
            guess = base * s
            errors[:, t - start] = (y[t] - guess) / np.where(guess == 0, 1.0, guess)
            new_level = alpha * (y[t] / s) + (1 - alpha) * base
            new_s = gamma * (y[t] / base) + (1 - gamma) * s
        elif seasonal == "additive":
            guess = base + s
            errors[:, t - start] = y[t] - guess
            new_level = alpha * (y[t] - s) + (1 - alpha) * base
            new_s = gamma * (y[t] - base) + (1 - gamma) * s
        else:
            errors[:, t - start] = y[t] - base
            new_level = alpha * y[t] + (1 - alpha) * base
            new_s = s
        trend = beta * (new_level - level) + (1 - beta) * phi * trend
        level = new_level
        season = np.concatenate((season[:, 1:], new_s[:, None]), axis=1)
    return level, trend, season, errors


def fit(history: list[float], seasonal_from: int = SEASONAL_MIN) -> Fit:
    """Fit the model the series' length calls for.

    Args:
        history: Monthly values, oldest first.
        seasonal_from: Months from which the seasonal model is used (a backtest of a
            seasonal series fits it on as few as 12).
    """
    y = np.asarray(history, dtype=float)
    n = y.size
    if n == 0:
        raise ValueError("an empty series cannot be forecast")
    if n < HOLT_MIN:
        spread = tuple(float(v) for v in y - y.mean()) if n > 1 else ()
        return Fit("mean", None, {}, False, float(y.mean()), 0.0, (), spread, (n - 1) % SEASON)
    seasonal = None
    if n >= max(seasonal_from, SEASON):
        seasonal = "multiplicative" if bool((y > 0).all()) else "additive"
    start = SEASON if seasonal else 1
    grid = _grid(seasonal is not None)
    chosen = n - start >= FIT_MIN_ERRORS
    if not chosen:
        grid = np.asarray([[DEFAULTS[k] for k in ("alpha", "beta", "gamma", "phi")]])
        if seasonal is None:
            grid[0, 2] = 0.0
    level, trend, season, errors = _run(y, grid, seasonal)
    best = int(np.argmin((errors**2).sum(axis=1))) if chosen else 0
    names = ("alpha", "beta", "gamma", "phi") if seasonal else ("alpha", "beta", "phi")
    columns = {"alpha": 0, "beta": 1, "gamma": 2, "phi": 3}
    params = {k: float(grid[best, columns[k]]) for k in names}
    return Fit(
        "holt_winters" if seasonal else "damped_trend",
        seasonal,
        params,
        chosen,
        float(level[best]),
        float(trend[best]),
        tuple(float(v) for v in season[best]) if seasonal else (),
        tuple(float(v) for v in errors[best]),
        (n - 1) % SEASON,
    )


def smape(actual: list[float], predicted: list[float]) -> float:
    """Symmetric mean absolute percentage error, in percent (a pair of zeros counts 0)."""
    terms = [
        0.0 if a == f == 0 else 2 * abs(a - f) / (abs(a) + abs(f))
        for a, f in zip(actual, predicted, strict=True)
    ]
    return 100 * sum(terms) / len(terms)


def _rms(values: tuple[float, ...]) -> float:
    return math.sqrt(sum(v * v for v in values) / len(values))


def _sigma(history: list[float], model: Fit) -> tuple[float | None, str]:
    if len(model.errors) >= 3:
        return _rms(model.errors), "one-step errors"
    if model.method == "holt_winters":
        plain = fit_nonseasonal(history)
        if len(plain.errors) >= 3:
            scale = abs(model.level) if model.seasonality == "multiplicative" else 1.0
            sigma = _rms(plain.errors) / scale if scale else None
            return sigma, "non-seasonal fit's one-step errors (too few months after the first year)"
    if len(model.errors) >= 1:
        return _rms(model.errors), "one-step errors (fewer than three)"
    return None, "a single month: no interval"


def fit_nonseasonal(history: list[float]) -> Fit:
    """Damped-trend smoothing whatever the length (used for interval scales)."""
    y = np.asarray(history, dtype=float)
    grid = _grid(False)
    level, trend, _season, errors = _run(y, grid, None)
    best = int(np.argmin((errors**2).sum(axis=1)))
    params = {
        "alpha": float(grid[best, 0]),
        "beta": float(grid[best, 1]),
        "phi": float(grid[best, 3]),
    }
    return Fit(
        "damped_trend", None, params, True, float(level[best]), float(trend[best]), (),
        tuple(float(v) for v in errors[best]), (y.size - 1) % SEASON,
    )  # fmt: skip


def backtest_months(n: int) -> int:
    """Months held out: up to six past the first year for a seasonal series, else three."""
    if n >= SEASONAL_MIN:
        return min(6, n - SEASON)
    return min(3, n - 1)


def forecast(history: list[float], horizon: int, confidence: float = 0.8) -> Forecast:
    """Forecast `horizon` months after the series, with intervals and a backtest.

    Args:
        history: Monthly values, oldest first, no gaps.
        horizon: Months ahead.
        confidence: Coverage of the prediction intervals, such as 0.8.
    """
    n = len(history)
    model = fit(history)
    sigma, source = _sigma(history, model)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    points, lower, upper = [], [], []
    for h in range(1, horizon + 1):
        p = max(model.point(h), 0.0)
        points.append(p)
        if sigma is None:
            lower.append(p)
            upper.append(p)
            continue
        spread = z * sigma * math.sqrt(model.step_weights(h))
        if model.method == "mean":
            spread *= math.sqrt(1 + 1 / n)
        width = spread * p if model.seasonality == "multiplicative" else spread
        lower.append(max(p - width, 0.0))
        upper.append(p + width)
    held = backtest_months(n)
    score = None
    if held >= 1:
        train = history[: n - held]
        trial = fit(train, SEASON if n >= SEASONAL_MIN else SEASONAL_MIN)
        predicted = [max(trial.point(h), 0.0) for h in range(1, held + 1)]
        score = smape(history[n - held :], predicted)
    return Forecast(
        tuple(history), model, tuple(points), tuple(lower), tuple(upper), confidence, sigma,
        source, score, max(held, 0),
    )  # fmt: skip
