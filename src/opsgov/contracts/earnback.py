"""Earn-back over a ledger: a credit is returned when the months after it meet the bar.

Each credit is judged by the earn-back rule of the version in force when it was accrued, over
the `window_months` months that follow it: `exceed_target` asks that the SL's value over the
whole window (a ratio of the window's sums) meets its target; `sustained` that every month of
the window does. Until the window has closed the earn-back is pending (a `sustained` window
already broken is forfeited at once). What is returned is booked in the month the window
closes, and is never more than the credit (`share` x credit, rounded down to the cent).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from opsgov.contracts.credits import worse
from opsgov.contracts.money import ZERO, cents_down, money_text
from opsgov.contracts.months import months_after
from opsgov.models.contract import Contract, ServiceLevel
from opsgov.models.credits import EarnBackEntry, MonthCredits

ValueOver = Callable[[ServiceLevel, Sequence[str]], float | None]
"""The SL's value over some months (a ratio of their sums), None without data."""


def _fmt(value: float | None) -> str:
    return "no data" if value is None else f"{value:.6g}"


def _judge(
    sl: ServiceLevel,
    rule: str,
    window: list[str],
    available: list[str],
    direction: str,
    value_over: ValueOver,
) -> tuple[str, str, str | None]:
    """(earned | forfeited | pending, why, the month it was decided in)."""
    if rule == "sustained":
        for month in available:
            value = value_over(sl, [month])
            if value is None or worse(value, sl.target, direction):
                why = f"{month}: {_fmt(value)} against the target {sl.target:g}"
                return "forfeited", why, month
        if len(available) < len(window):
            return "pending", f"target met in {len(available)} of {len(window)} months so far", None
        return "earned", f"target {sl.target:g} met in each of {len(window)} months", window[-1]
    if len(available) < len(window):
        return "pending", f"window {window[0]} to {window[-1]} not yet closed", None
    value = value_over(sl, window)
    if value is None or worse(value, sl.target, direction):
        why = f"window value {_fmt(value)} against the target {sl.target:g}"
        return "forfeited", why, window[-1]
    return "earned", f"window value {_fmt(value)} meets the target {sl.target:g}", window[-1]


def apply_earn_back(
    contract: Contract,
    ledger: Sequence[MonthCredits],
    directions: dict[str, str],
    value_over: ValueOver,
) -> list[MonthCredits]:
    """The ledger with every credit's earn-back decided (or pending) and booked."""
    periods = [m.period for m in ledger]
    last = periods[-1] if periods else ""
    decided: dict[str, list[EarnBackEntry]] = {p: [] for p in periods}
    for month in ledger:
        version = contract.version_for(month.period)
        rule = version.earn_back if version else None
        if version is None or rule is None:
            continue
        for outcome in month.service_levels:
            if outcome.credited <= 0:
                continue
            sl = version.service_level(outcome.sl)
            assert sl is not None
            window = months_after(month.period, rule.window_months)
            available = [p for p in window if p <= last]
            direction = directions.get(sl.kpi, "higher_is_better")
            status, why, closes = _judge(sl, rule.rule, window, available, direction, value_over)
            earned = cents_down(outcome.credited * rule.share) if status == "earned" else ZERO
            earned = min(earned, outcome.credited)
            if status == "earned" and rule.share != 1:
                why += f"; {rule.share} x {money_text(outcome.credited)} returned"
            book = closes if closes is not None and closes in decided else last
            entry = EarnBackEntry(
                credit_period=month.period,
                sl=outcome.sl,
                credited=outcome.credited,
                window=window,
                status=status,
                earned=earned,
                decided_in=closes,
                why=why,
            )
            decided.setdefault(book, []).append(entry)
    out = []
    for month in ledger:
        entries = decided.get(month.period, [])
        earned = sum((e.earned for e in entries), ZERO)
        out.append(
            month.model_copy(
                update={"earn_back": entries, "earned_back": earned, "net": month.credited - earned}
            )
        )
    return out


def total_earned(ledger: Sequence[MonthCredits]) -> Decimal:
    """All earn-back booked in a ledger."""
    return sum((m.earned_back for m in ledger), ZERO)
