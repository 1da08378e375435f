"""What a KPI test can expect besides KPI values: service credits and capacity results."""

from __future__ import annotations

from pydantic import Field, model_validator

from opsgov.models.common import Code, Definition, Slug
from opsgov.models.credits import EarnBackStatus, SlStatus

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"
"""YYYY-MM."""


class Tolerance(Definition):
    """How far a computed value may be from the expected one: absolute, relative, or both."""

    absolute: float | None = Field(default=None, ge=0, description="Largest |actual - expected|.")
    relative: float | None = Field(
        default=None, ge=0, description="Largest |actual - expected| / |expected|."
    )

    @model_validator(mode="after")
    def _one_given(self) -> Tolerance:
        if self.absolute is None and self.relative is None:
            raise ValueError("give absolute, relative or both")
        return self


class ExpectedCredit(Definition):
    """One service level with a credit in the month, in a credits `rows` expectation."""

    sl: Slug = Field(description="Service level id.")
    credited: float = Field(ge=0, description="Its credit after the cap, contract currency.")


class ExpectedEarnBack(Definition):
    """The earn-back of the credit a service level accrued in the month."""

    status: EarnBackStatus | None = Field(
        default=None, description="earned, forfeited, or pending (its window still open)."
    )
    earned: float | None = Field(
        default=None, ge=0, description="The amount returned, contract currency."
    )


SL_CHECKS = ("value", "status", "met", "credit", "credited", "miss_number", "multiplier",
             "earn_back")  # fmt: skip
"""Checks of one service level (they need `sl`)."""
MONTH_CHECKS = ("charges", "at_risk", "cap", "cap_binds", "credits_before_cap", "credited",
                "earned_back", "net", "rows")  # fmt: skip
"""Checks of the contract's month as a whole (without `sl`)."""
MONEY = frozenset({"credit", "credited", "charges", "at_risk", "cap", "credits_before_cap",
                   "earned_back", "net"})  # fmt: skip
"""The checks of an amount of money (default tolerance: half a cent)."""


class CreditsExpectation(Definition):
    """A contract's service credits in one month, or one service level's part in them."""

    contract: Slug | None = Field(
        default=None, description="Contract id: the test's own, else the workspace's."
    )
    vendor: Code | None = Field(default=None, description="Or the vendor whose contract it is.")
    period: str | None = Field(
        default=None, pattern=MONTH, description="The month, YYYY-MM; default the test's."
    )
    sl: Slug | None = Field(
        default=None, description="A service level of the version in force; without it, the "
        "month as a whole.",
    )  # fmt: skip
    value: float | None = Field(
        default=None, description="sl: its measured value; `null` expects no data."
    )
    status: SlStatus | None = Field(
        default=None, description="sl: met_target, met_minimum, missed, excluded or no_data."
    )
    met: bool | None = Field(
        default=None,
        description="sl: true when at or better than the minimum (met_target, met_minimum); "
        "false when worse (missed, or excluded by volume relief).",
    )
    credit: float | None = Field(
        default=None, description="sl: its credit before the cap (repeat multiplier applied)."
    )
    credited: float | None = Field(
        default=None,
        description="With sl: its credit after the cap; without: the month's credits after "
        "the cap.",
    )
    miss_number: int | None = Field(
        default=None, ge=0, description="sl: the n-th miss within the repeat window (0: met)."
    )
    multiplier: float | None = Field(
        default=None, ge=0, description="sl: the repeat-failure multiplier applied."
    )
    earn_back: ExpectedEarnBack | None = Field(
        default=None, description="sl: the earn-back of the credit accrued this month."
    )
    charges: float | None = Field(default=None, description="The month's recomputed charges.")
    at_risk: float | None = Field(default=None, description="The at-risk amount.")
    cap: float | None = Field(default=None, description="The cap on the month's credits.")
    cap_binds: bool | None = Field(
        default=None, description="Whether the cap cut the month's credits."
    )
    credits_before_cap: float | None = Field(
        default=None, description="The sum of the service levels' credits before the cap."
    )
    earned_back: float | None = Field(
        default=None, description="Earn-back of earlier credits decided this month."
    )
    net: float | None = Field(default=None, description="credited - earned_back.")
    rows: list[ExpectedCredit] | None = Field(
        default=None,
        description="Every service level with a credit in the month, in any order; `[]` "
        "expects no credit at all.",
    )
    tolerance: Tolerance | None = Field(
        default=None,
        description="Allowed difference of amounts and values; default half a cent for "
        "amounts, 1e-9 relative for values.",
    )

    def checks(self) -> list[str]:
        """The checks written, in a fixed order."""
        written = self.model_fields_set
        return [c for c in dict.fromkeys((*SL_CHECKS, *MONTH_CHECKS)) if c in written]


CAPACITY_FTE = ("fte", "productive_fte", "workload_hours", "scheduled")
"""Requirement figures (T915)."""
CAPACITY_QUEUE = ("agents", "service_level", "asa", "occupancy", "p_wait", "p_abandon")
"""Queue figures (T916); all but occupancy are for real-time channels only."""
REALTIME_ONLY = frozenset({"agents", "service_level", "asa", "p_wait", "p_abandon"})


class CapacityExpectation(Definition):
    """A month's requirement of one site's queue (and language), and what it achieves."""

    site: Code = Field(description="Registry site: its capacity settings apply.")
    queue: Code = Field(description="The queue (its channel, targets and AHT setting apply).")
    language: str | None = Field(
        default=None,
        description="Plan only this language's share of the volume, as `opsgov capacity` "
        "does; without it the volume is planned as one pool.",
    )
    period: str | None = Field(
        default=None, pattern=MONTH, description="The month planned (its days); default the test's."
    )
    volume: float | None = Field(
        default=None,
        ge=0,
        description="Items or contacts in the month; default the given rows' volume measure "
        "for the site's queue in that month.",
    )
    aht_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Handle time; default the queue's `aht_seconds`, else handle time / items "
        "handled of the given rows over the last three months.",
    )
    fte: float | None = Field(default=None, description="FTE to employ (after shrinkage).")
    productive_fte: float | None = Field(default=None, description="FTE before shrinkage.")
    workload_hours: float | None = Field(
        default=None, description="Workload (deferrable) or staffed (real-time) hours."
    )
    scheduled: int | None = Field(
        default=None, ge=0, description="People to schedule: the FTE rounded up once."
    )
    agents: int | None = Field(
        default=None, ge=0, description="Real-time: agents the busiest interval needs."
    )
    service_level: float | None = Field(
        default=None, description="Real-time: share answered in time (day, load-weighted)."
    )
    asa: float | None = Field(default=None, description="Real-time: average speed of answer, s.")
    occupancy: float | None = Field(
        default=None, description="Real-time: achieved; deferrable: the occupancy target."
    )
    p_wait: float | None = Field(default=None, description="Real-time: probability of waiting.")
    p_abandon: float | None = Field(
        default=None, description="Real-time (Erlang A): probability of abandoning."
    )
    tolerance: Tolerance | None = Field(
        default=None, description="Allowed difference of the figures; default 1e-9 relative."
    )

    def checks(self) -> list[str]:
        """The figures expected, in a fixed order."""
        return [c for c in (*CAPACITY_FTE, *CAPACITY_QUEUE) if c in self.model_fields_set]
