"""One month's service credits: each SL met or missed, its credit, the cap and its split.

    AtRisk  = share x the month's charges (or a fixed amount)
    Credit  = category pool x SL allocation x AtRisk      (rule `allocation`)
            | amount                                      (rule `fixed`)
            | per_point x points below the target         (rule `sliding`)
    x the repeat-failure multiplier of the n-th miss in the repeat window
    Month   = min(sum of credits, cap), the cap shared by the contract's split rule

A service level is missed when its value is worse than the contractual minimum; a key
measurement (not critical), an excluded month or a month without data carries no credit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from opsgov.contracts.money import ZERO, cents, money_text, split_cap
from opsgov.contracts.months import months_back
from opsgov.models.contract import Contract, ContractVersion, ServiceLevel
from opsgov.models.credits import Charge, MonthCredits, SlOutcome, SlStatus


@dataclass(frozen=True)
class Measured:
    """A service level's measured value for one month (over its window)."""

    value: float | None
    months: tuple[str, ...]
    sites: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    excluded_because: str | None = None
    """Set when the month is excluded from credits (volume above the forecast band)."""


@dataclass(frozen=True)
class MonthInput:
    """Everything one month's credits are worked out from."""

    period: str
    version: ContractVersion
    measured: Mapping[str, Measured]
    directions: Mapping[str, str]
    """KPI id -> higher_is_better or lower_is_better."""
    charges: Sequence[Charge] = ()
    earlier_misses: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """SL id -> the earlier months it was missed in (any version)."""


def worse(value: float, bar: float, direction: str) -> bool:
    """Whether `value` is worse than `bar` for a KPI of this direction."""
    return value > bar if direction == "lower_is_better" else value < bar


def status_of(sl: ServiceLevel, value: float | None, direction: str) -> SlStatus:
    """met_target, met_minimum, missed or no_data."""
    if value is None or math.isnan(value):
        return "no_data"
    if worse(value, sl.floor, direction):
        return "missed"
    return "met_minimum" if worse(value, sl.target, direction) else "met_target"


def percent(share: Decimal) -> str:
    """0.1 -> `10 %`."""
    return f"{(share * 100).normalize():f} %"


def at_risk_of(
    version: ContractVersion, charges_total: Decimal | None
) -> tuple[Decimal | None, str]:
    """The at-risk amount and how it was worked out."""
    risk = version.at_risk
    if risk.fixed is not None:
        return cents(risk.fixed), f"fixed at-risk amount {money_text(risk.fixed)}"
    assert risk.share is not None
    if charges_total is None:
        return None, "no charges could be recomputed, so the at-risk share has no base"
    amount = cents(risk.share * charges_total)
    return (
        amount,
        f"{percent(risk.share)} x charges {money_text(charges_total)} = {money_text(amount)}",
    )


def _sl_credit(
    sl: ServiceLevel,
    version: ContractVersion,
    at_risk: Decimal | None,
    value: float,
    direction: str,
) -> tuple[Decimal, list[str]]:
    credit = sl.credit
    if credit.rule == "fixed":
        assert credit.amount is not None
        return cents(credit.amount), [f"fixed credit per miss: {money_text(credit.amount)}"]
    if credit.rule == "sliding":
        assert credit.per_point is not None
        gap = (value - sl.target) if direction == "lower_is_better" else (sl.target - value)
        points_exact = Decimal(str(round(gap / credit.point, 9)))
        points = (
            points_exact.to_integral_value(rounding="ROUND_FLOOR")
            if credit.whole_points
            else points_exact
        )
        amount = cents(credit.per_point * points)
        return amount, [
            f"{points_exact.normalize():f} point(s) of {credit.point:g} below the target "
            f"{sl.target:g}" + (f", {points:f} whole" if credit.whole_points else ""),
            f"{money_text(credit.per_point)} x {points:f} = {money_text(amount)}",
        ]
    allocation = version.allocation(sl)
    if at_risk is None:
        return ZERO, ["no at-risk amount this month, so the allocation credit is 0"]
    amount = cents(allocation * at_risk)
    parts = (
        f"category {sl.category} pool {percent(version.categories.get(sl.category, ZERO))} x "
        f"allocation {percent(sl.allocation)}"
        if sl.category
        else f"allocation {percent(sl.allocation)}"
    )
    return amount, [f"{parts} x at-risk {money_text(at_risk)} = {money_text(amount)}"]


def _multiplier(sl: ServiceLevel, period: str, earlier: Sequence[str]) -> tuple[int, Decimal]:
    repeat = sl.credit.repeat
    if repeat is None:
        return 1, Decimal(1)
    window = set(months_back(period, repeat.window_months))
    number = 1 + sum(1 for p in earlier if p in window and p != period)
    return number, repeat.multipliers[min(number, len(repeat.multipliers)) - 1]


def assess_month(month: MonthInput) -> MonthCredits:
    """The month's credits (earn-back is added over the ledger, by `earnback`)."""
    version = month.version
    charges_total = (
        sum((c.amount for c in month.charges if c.amount is not None), ZERO)
        if month.charges and all(c.amount is not None for c in month.charges)
        else None
    )
    at_risk, risk_text = at_risk_of(version, charges_total)
    cap = cents(at_risk * version.cap.share_of_at_risk) if at_risk is not None else None
    rows: list[tuple[ServiceLevel, Measured, SlStatus, Decimal, int, Decimal, list[str]]] = []
    for sl in version.service_levels:
        measured = month.measured.get(sl.id, Measured(None, (month.period,)))
        direction = month.directions.get(sl.kpi, "higher_is_better")
        status = status_of(sl, measured.value, direction)
        steps: list[str] = []
        credit, number, multiplier = ZERO, 0, Decimal(1)
        if status == "missed" and measured.excluded_because and sl.volume_relief:
            status = "excluded"
            steps.append(f"excluded: {measured.excluded_because}")
        elif status == "missed" and not sl.critical:
            steps.append("missed, but a key measurement carries no credit")
        elif status == "missed":
            assert measured.value is not None
            base, steps = _sl_credit(sl, version, at_risk, measured.value, direction)
            number, multiplier = _multiplier(sl, month.period, month.earlier_misses.get(sl.id, ()))
            credit = cents(base * multiplier)
            if multiplier != 1:
                steps.append(
                    f"miss {number} in {sl.credit.repeat.window_months} months: "  # type: ignore[union-attr]
                    f"x {multiplier} = {money_text(credit)}"
                )
        rows.append((sl, measured, status, credit, number, multiplier, steps))
    before = sum((r[3] for r in rows), ZERO)
    binds = cap is not None and before > cap
    shares = (
        split_cap([r[3] for r in rows], cap, version.cap.split)
        if binds and cap is not None
        else [r[3] for r in rows]
    )
    outcomes = []
    for (sl, measured, status, credit, number, multiplier, steps), share in zip(
        rows, shares, strict=True
    ):
        if binds and credit > 0:
            steps = [
                *steps,
                f"cap {money_text(cap)} binds ({version.cap.split}): {money_text(share)}",
            ]
        outcomes.append(
            SlOutcome(
                sl=sl.id,
                name=sl.name or sl.id,
                kpi=sl.kpi,
                direction=month.directions.get(sl.kpi, "higher_is_better"),
                critical=sl.critical,
                window=sl.window,
                months=list(measured.months),
                sites=list(measured.sites),
                queues=list(measured.queues),
                value=measured.value,
                target=sl.target,
                minimum=sl.floor,
                status=status,
                excluded_because=measured.excluded_because if status == "excluded" else None,
                allocation=version.allocation(sl),
                miss_number=number,
                multiplier=multiplier,
                credit=credit,
                credited=share,
                arithmetic=steps,
            )
        )
    credited = sum(shares, ZERO)
    return MonthCredits(
        period=month.period,
        version=version.version,
        charges=list(month.charges),
        charges_total=charges_total,
        at_risk=at_risk,
        at_risk_arithmetic=risk_text,
        cap=cap,
        credits_before_cap=before,
        cap_binds=binds,
        split=version.cap.split,
        credited=credited,
        earned_back=ZERO,
        net=credited,
        service_levels=outcomes,
        earn_back=[],
    )


def version_label(contract: Contract, period: str) -> str | None:
    """The version in force in a month, or None outside the contract's term."""
    version = contract.version_for(period)
    return version.version if version else None
