"""A vendor contract: the service levels that carry credits, the credit mechanics and pricing.

One `kind: contract` file per vendor. A renewal or amendment is a new entry in `versions`, and
each month is judged by the version in force on its first day. Money is exact (`decimal`), in
the contract's currency; shares and allocations are fractions (10 % is `0.10`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from opsgov.models.common import Code, Definition, IsoDate, Slug, Text


def _decimal(value: Any) -> Any:
    """YAML numbers (and quoted amounts such as "1234.50") as exact decimals."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true/false")
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not an amount") from None
    return value


Money = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0)]
"""An amount of money in the contract's currency, kept exact."""
Share = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0)]
"""A fraction such as 0.10 (10 %), kept exact."""

Window = Literal["month", "quarter", "rolling"]
CreditRule = Literal["allocation", "fixed", "sliding"]
CapSplit = Literal["pro_rata", "in_order", "equal"]
EarnBackRule = Literal["exceed_target", "sustained"]
Basis = Literal["productive_hour", "item", "fte"]
Banding = Literal["tiered", "whole_volume"]

DEFAULT_MEASURE: dict[str, str] = {
    "productive_hour": "productive_seconds",
    "item": "items_handled",
    "fte": "hc_avg",
}
"""The framework measure each pricing basis counts, unless a line names another."""


class ContractScope(Definition):
    """Which part of the vendor's work a service level or a price covers (empty: all of it)."""

    sites: list[Code] = Field(default_factory=list, description="Sites; empty: all its sites.")
    queues: list[Code] = Field(default_factory=list, description="Queues; empty: every queue.")
    languages: list[str] = Field(
        default_factory=list,
        description="Languages (BCP 47); needs a `language` category measure in the framework.",
    )


class Repeat(Definition):
    """Repeat failures count more: the n-th miss of the same SL within a window."""

    window_months: int = Field(ge=1, description="Months looked back, this month included.")
    multipliers: list[Share] = Field(
        min_length=1,
        description="Multiplier of the 1st, 2nd, 3rd ... miss in the window; the last one "
        "applies to every later miss. `[1, 1.5, 2]`.",
    )


class Credit(Definition):
    """How a missed service level turns into money."""

    rule: CreditRule = Field(
        description="allocation: the SL's allocation x the at-risk amount; fixed: `amount` per "
        "miss; sliding: `per_point` for each point below the target."
    )
    amount: Money | None = Field(default=None, description="fixed: the amount per miss.")
    per_point: Money | None = Field(
        default=None, description="sliding: the amount for each point below the target."
    )
    point: float = Field(
        default=0.01,
        gt=0,
        description="sliding: the size of one point in the KPI's units (0.01: a percentage "
        "point of a percent KPI).",
    )
    whole_points: bool = Field(
        default=True, description="sliding: count only full points (1.9 points count as 1)."
    )
    repeat: Repeat | None = Field(default=None, description="Repeat-failure multipliers.")

    @model_validator(mode="after")
    def _fields_fit_rule(self) -> Credit:
        if self.rule == "fixed" and self.amount is None:
            raise ValueError("a fixed credit needs its `amount`")
        if self.rule == "sliding" and self.per_point is None:
            raise ValueError("a sliding credit needs `per_point`")
        if self.rule != "fixed" and self.amount is not None:
            raise ValueError("`amount` is for fixed credits only")
        if self.rule != "sliding" and self.per_point is not None:
            raise ValueError("`per_point` is for sliding credits only")
        return self


class ServiceLevel(Definition):
    """A contractual service level tied to a framework KPI."""

    id: Slug = Field(description="snake_case id of the service level, such as `turnaround`.")
    name: str = Field(default="", description="Name as the contract writes it.")
    kpi: Slug = Field(description="The framework KPI that measures it.")
    target: float = Field(description="The expected level (in the KPI's units: 0.95 is 95 %).")
    minimum: float | None = Field(
        default=None,
        description="The contractual minimum: a value worse than it is a miss. Default: the "
        "target.",
    )
    scope: ContractScope = Field(
        default_factory=ContractScope, description="Sites, queues, languages measured."
    )
    window: Window = Field(
        default="month",
        description="Measured over the month, the calendar quarter to date, or a rolling window.",
    )
    rolling_months: int | None = Field(
        default=None, ge=2, description="rolling: months in the window, this month included."
    )
    critical: bool = Field(
        default=True,
        description="Critical service levels carry credits; key measurements (false) are "
        "reported only.",
    )
    allocation: Share = Field(
        default=Decimal(0), description="Share of the at-risk amount allocated to it (0.40)."
    )
    category: Slug | None = Field(
        default=None,
        description="Performance category whose pool allocation multiplies `allocation`.",
    )
    credit: Credit = Field(
        default_factory=lambda: Credit(rule="allocation"), description="The credit rule."
    )
    volume_relief: bool = Field(
        default=True,
        description="No credit for a month whose volume is above the client's forecast band.",
    )

    @model_validator(mode="after")
    def _coherent(self) -> ServiceLevel:
        if self.window == "rolling" and self.rolling_months is None:
            raise ValueError("a rolling window needs `rolling_months`")
        if self.window != "rolling" and self.rolling_months is not None:
            raise ValueError("`rolling_months` is for a rolling window only")
        return self

    @property
    def floor(self) -> float:
        """The level below which the SL is missed."""
        return self.target if self.minimum is None else self.minimum


class AtRisk(Definition):
    """The most the vendor can lose to credits in a month: a share of the invoice, or fixed."""

    share: Share | None = Field(
        default=None, description="Share of the month's charges at risk (0.10 is 10 %)."
    )
    fixed: Money | None = Field(default=None, description="A fixed monthly amount.")

    @model_validator(mode="after")
    def _one(self) -> AtRisk:
        if (self.share is None) == (self.fixed is None):
            raise ValueError("give exactly one of `share` and `fixed`")
        return self


class Cap(Definition):
    """The monthly cap on credits, and how it is shared when it binds."""

    share_of_at_risk: Share = Field(
        default=Decimal(1), description="The cap as a share of the at-risk amount (1: all of it)."
    )
    split: CapSplit = Field(
        default="pro_rata",
        description="When the credits exceed the cap: pro_rata (each scaled down alike), "
        "in_order (service levels in contract order, until the cap is used up) or equal "
        "(equal shares, none above its own credit).",
    )


class EarnBack(Definition):
    """Earn-back: a credit is returned when later performance meets a bar."""

    rule: EarnBackRule = Field(
        description="exceed_target: the SL's value over the window after the miss beats its "
        "target; sustained: the target is met in every month of that window."
    )
    window_months: int = Field(ge=1, description="Months after the miss the bar is judged over.")
    share: Share = Field(default=Decimal(1), le=1, description="Share of the credit returned.")


class ForceMajeure(Definition):
    """Declared force-majeure days: they are left out of every service level's measurement."""

    start: IsoDate = Field(description="First day, YYYY-MM-DD.")
    end: IsoDate = Field(description="Last day, YYYY-MM-DD.")
    sites: list[Code] = Field(default_factory=list, description="Sites hit; empty: all.")
    reason: Text = Field(description="The event, as declared.")


class Forecast(Definition):
    """The client's volume forecast: a month above its band gives volume relief."""

    measure: Slug = Field(default="items_received", description="The volume measure.")
    band: Share = Field(description="Tolerance above the forecast (0.10: up to 110 %).")
    months: dict[str, float] = Field(description="Forecast volume per month, `2026-10: 42000`.")


class Exclusions(Definition):
    """What is left out of the measurement or of the credits."""

    force_majeure: list[ForceMajeure] = Field(
        default_factory=list, description="Declared force-majeure days."
    )
    forecast: Forecast | None = Field(default=None, description="The client's volume forecast.")


class Band(Definition):
    """One volume band of a price: units up to `up_to` (the last band has none)."""

    up_to: float | None = Field(default=None, gt=0, description="Upper end of the band.")
    rate: Money = Field(description="Rate per unit in the band.")


class PriceLine(Definition):
    """One billable line: units recomputed from a measure, at the contract's rate."""

    id: Slug = Field(description="Line id, as the invoice names it.")
    name: str = Field(default="", description="Description.")
    basis: Basis = Field(description="productive_hour, item or fte.")
    measure: Slug | None = Field(
        default=None,
        description="Framework measure counted (default: productive_seconds in hours, "
        "items_handled, hc_avg).",
    )
    scope: ContractScope = Field(default_factory=ContractScope, description="What it covers.")
    rate: Money | None = Field(default=None, description="Rate per unit.")
    bands: list[Band] = Field(default_factory=list, description="Volume bands, lowest first.")
    banding: Banding = Field(
        default="tiered",
        description="tiered: each band's units at its rate; whole_volume: every unit at the rate "
        "of the band the volume reaches.",
    )

    @model_validator(mode="after")
    def _rate(self) -> PriceLine:
        if (self.rate is None) == (not self.bands):
            raise ValueError("give either `rate` or `bands`")
        if self.bands and any(b.up_to is None for b in self.bands[:-1]):
            raise ValueError("only the last band may leave out `up_to`")
        return self

    @property
    def counted(self) -> str:
        """The measure whose units are billed."""
        return self.measure or DEFAULT_MEASURE[self.basis]


class Pricing(Definition):
    """How the vendor is paid."""

    lines: list[PriceLine] = Field(min_length=1, description="Billable lines.")
    minimum_commitment: Money | None = Field(
        default=None, description="Least monthly charge; a shortfall is billed as its own line."
    )


class ContractVersion(Definition):
    """The terms in force from one date (a renewal or amendment is a new version)."""

    version: Text = Field(description="Version label, such as `2026` or `amendment 2`.")
    effective_from: IsoDate = Field(description="First day in force, YYYY-MM-DD.")
    effective_to: IsoDate | None = Field(
        default=None, description="Last day in force; empty: until the next version."
    )
    at_risk: AtRisk = Field(description="The monthly at-risk amount.")
    pool: Share = Field(description="Pool available for allocation (2.5 is 250 %).")
    categories: dict[Slug, Share] = Field(
        default_factory=dict, description="Pool allocation per performance category."
    )
    service_levels: list[ServiceLevel] = Field(min_length=1, description="Service levels.")
    cap: Cap = Field(default_factory=Cap, description="Monthly cap and its split.")
    earn_back: EarnBack | None = Field(
        default=None, description="Earn-back, if the contract has it."
    )
    exclusions: Exclusions = Field(default_factory=Exclusions, description="Exclusions.")
    pricing: Pricing | None = Field(default=None, description="Pricing model and rates.")

    def in_force(self, day: dt.date) -> bool:
        """Whether this version covers `day`."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def service_level(self, sl_id: str) -> ServiceLevel | None:
        """One service level."""
        return next((s for s in self.service_levels if s.id == sl_id), None)

    def allocation(self, sl: ServiceLevel) -> Decimal:
        """The SL's share of the at-risk amount: category pool x SL allocation."""
        if sl.category is None:
            return sl.allocation
        return self.categories.get(sl.category, Decimal(0)) * sl.allocation


class InvoiceTerms(Definition):
    """How the vendor's monthly invoice is read and how far it may be from the recomputation."""

    profile: Slug = Field(
        description="Intake profile (`purpose: invoice`) that reads the invoice from the "
        "month's input folder."
    )
    line_column: Text = Field(
        default="Line", description="Header of the column naming each line's price line."
    )
    amount_tolerance: Money = Field(
        default=Decimal("1.00"), description="Largest difference of a line's amount accepted."
    )
    units_tolerance: Share = Field(
        default=Decimal("0.001"),
        description="Largest difference of a line's units accepted, as a share of the "
        "recomputed units (0.001: 0.1 %).",
    )


class Contract(Definition):
    """A vendor's contract, in effective-dated versions."""

    kind: Literal["contract"] = Field(description="Always `contract`.")
    id: Slug = Field(description="Contract id.")
    name: Text = Field(description="Name, such as the agreement's title.")
    vendor: Code = Field(description="The vendor (registry id).")
    currency: str = Field(description="ISO 4217 code the contract's money is in.")
    versions: list[ContractVersion] = Field(min_length=1, description="Versions, oldest first.")
    invoice: InvoiceTerms | None = Field(
        default=None, description="The monthly invoice, reconciled by `opsgov credits`."
    )

    def version_for(self, period: str) -> ContractVersion | None:
        """The version in force on the first day of `YYYY-MM` (the latest that starts by then)."""
        day = dt.date(int(period[:4]), int(period[5:7]), 1)
        found = [v for v in self.versions if v.in_force(day)]
        return max(found, key=lambda v: v.effective_from) if found else None
