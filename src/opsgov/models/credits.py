"""What a vendor owes under its contract: service-level outcomes, credits, cap, earn-back.

The JSON form of `opsgov credits` (money as exact decimal strings, in the contract's currency
unless a field says otherwise) is versioned by `schema_version`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from opsgov.models.results import Result

CREDITS_SCHEMA_VERSION = 1

SlStatus = Literal["met_target", "met_minimum", "missed", "excluded", "no_data"]
EarnBackStatus = Literal["earned", "forfeited", "pending"]


class SlOutcome(Result):
    """One service level in one month."""

    sl: str = Field(description="Service level id.")
    name: str = Field(description="Name.")
    kpi: str = Field(description="The framework KPI measuring it.")
    direction: str = Field(description="higher_is_better or lower_is_better.")
    critical: bool = Field(description="Carries credits (a key measurement does not).")
    window: str = Field(description="month, quarter or rolling.")
    months: list[str] = Field(description="Months measured together (ratio of their sums).")
    sites: list[str] = Field(description="Sites measured.")
    queues: list[str] = Field(description="Queues measured; empty: all.")
    value: float | None = Field(description="Measured value; None without data.")
    target: float = Field(description="Expected level.")
    minimum: float = Field(description="Contractual minimum: worse is a miss.")
    status: SlStatus = Field(description="met_target, met_minimum, missed, excluded or no_data.")
    excluded_because: str | None = Field(default=None, description="Why it was excluded.")
    allocation: Decimal = Field(description="Share of the at-risk amount allocated.")
    miss_number: int = Field(description="This miss's number within the repeat window (0: met).")
    multiplier: Decimal = Field(description="Repeat-failure multiplier applied.")
    credit: Decimal = Field(description="Credit before the cap.")
    credited: Decimal = Field(description="Credit after the cap is shared.")
    arithmetic: list[str] = Field(description="How the credit was worked out, step by step.")


class EarnBackEntry(Result):
    """The earn-back of one month's credit for one service level."""

    credit_period: str = Field(description="Month the credit was accrued.")
    sl: str = Field(description="Service level id.")
    credited: Decimal = Field(description="The credit accrued.")
    window: list[str] = Field(description="Months the earn-back is judged over.")
    status: EarnBackStatus = Field(description="earned, forfeited, or pending (window open).")
    earned: Decimal = Field(description="Amount returned (0 unless earned).")
    decided_in: str | None = Field(description="Month the window closed, when it has.")
    why: str = Field(description="The values against the bar.")


class Charge(Result):
    """One billable line recomputed from the measures at the contract's rate."""

    line: str = Field(description="Price line id.")
    basis: str = Field(description="productive_hour, item, fte, or minimum_commitment.")
    units: Decimal | None = Field(description="Billable units; None without data.")
    amount: Decimal | None = Field(description="Units at the rate (bands applied).")
    arithmetic: str = Field(description="How the amount was worked out.")


class InvoiceLine(Result):
    """One invoice line against the charge recomputed for its price line."""

    line: str = Field(description="Price line id the invoice names.")
    cell: str = Field(description="The amount's cell, `Invoice!E6`.")
    units: Decimal | None = Field(description="Units billed.")
    rate: Decimal | None = Field(description="Unit rate billed.")
    invoiced: Decimal = Field(description="Amount billed (contract currency).")
    recomputed_units: Decimal | None = Field(description="Units from the measures.")
    contract_rate: Decimal | None = Field(description="The contract's rate (single-rate lines).")
    recomputed: Decimal | None = Field(description="The recomputed charge; None: no such line.")
    difference: Decimal | None = Field(description="invoiced - recomputed.")
    difference_reporting: float | None = Field(description="The difference, reporting currency.")
    within_tolerance: bool = Field(description="Whether the difference is within the tolerance.")


class InvoiceCheck(Result):
    """A month's invoice reconciled against the recomputed charges."""

    file: str = Field(description="The invoice file.")
    currency: str = Field(description="Contract currency.")
    lines: list[InvoiceLine] = Field(description="Every readable line.")
    invoiced: Decimal = Field(description="Sum of the lines.")
    recomputed: Decimal = Field(description="Sum of the recomputed charges.")
    difference: Decimal = Field(description="invoiced - recomputed.")
    difference_reporting: float | None = Field(description="The difference, reporting currency.")
    findings: int = Field(description="Findings the reconciliation made (C71x).")


class MonthCredits(Result):
    """One vendor's month under its contract."""

    period: str = Field(description="YYYY-MM.")
    version: str = Field(description="Contract version in force.")
    charges: list[Charge] = Field(description="Billable lines recomputed from the measures.")
    charges_total: Decimal | None = Field(description="Sum of the charges.")
    at_risk: Decimal | None = Field(description="At-risk amount; None when it cannot be known.")
    at_risk_arithmetic: str = Field(description="How the at-risk amount was worked out.")
    cap: Decimal | None = Field(description="The month's cap on credits.")
    credits_before_cap: Decimal = Field(description="Sum of the service levels' credits.")
    cap_binds: bool = Field(description="Whether the cap cut the credits.")
    split: str = Field(description="How a binding cap was shared.")
    credited: Decimal = Field(description="Credits for the month after the cap.")
    earned_back: Decimal = Field(description="Earn-back decided this month (of earlier credits).")
    net: Decimal = Field(description="credited - earned_back.")
    service_levels: list[SlOutcome] = Field(description="Every service level, in contract order.")
    earn_back: list[EarnBackEntry] = Field(
        description="Earn-back of credits accrued up to this month: decided or pending."
    )
    invoice: InvoiceCheck | None = Field(
        default=None, description="The month's invoice reconciled, when one was found."
    )


class VendorCredits(Result):
    """One contract's ledger over the months computed, ending with the month asked for."""

    contract: str = Field(description="Contract id.")
    vendor: str = Field(description="Vendor id.")
    name: str = Field(description="Contract name.")
    currency: str = Field(description="Contract currency.")
    months: list[MonthCredits] = Field(description="Ledger months, oldest first.")
    fx_rate: float | None = Field(description="Contract -> reporting currency, last month.")
    net_reporting: float | None = Field(
        description="The asked months' net credits in the reporting currency."
    )


class VendorEconomics(Result):
    """One vendor's unit economics over the months asked (money in the reporting currency)."""

    vendor: str = Field(description="Vendor id.")
    name: str = Field(description="Vendor name.")
    type: str = Field(description="bpo or in_house.")
    months: list[str] = Field(description="Months with data.")
    cost: float | None = Field(description="cost_total over the months.")
    items: float | None = Field(description="Items handled.")
    productive_hours: float | None = Field(description="Productive hours.")
    accuracy: float | None = Field(description="QA accuracy, qa_correct / qa_audited.")
    critical_weighted_quality: float | None = Field(
        description="1 - (errors + (w - 1) x critical errors) / audited."
    )
    cost_per_item: float | None = Field(description="cost / items.")
    cost_per_productive_hour: float | None = Field(description="cost / productive hours.")
    cost_per_quality_item: float | None = Field(description="cost / (items x accuracy).")
    cost_per_weighted_item: float | None = Field(
        description="cost / (items x critical-weighted quality)."
    )
    cost_index: float | None = Field(
        description="Cost per quality item against the in-house operation's (1: the same)."
    )
    contract_currency: str | None = Field(description="Contract currency, for contracted vendors.")
    spend: Decimal | None = Field(description="Charges recomputed at the contract's rates.")
    credits: Decimal | None = Field(description="Credits net of earn-back.")
    credits_share: float | None = Field(description="credits / spend.")
    on_frontier: bool = Field(description="No other vendor is both cheaper and better.")


class CreditsReport(Result):
    """Everything `opsgov credits` produced."""

    schema_version: int = Field(default=CREDITS_SCHEMA_VERSION, description="Format version.")
    periods: list[str] = Field(description="The months asked for (one, or a quarter's three).")
    report_date: str = Field(description="Date printed on the reports.")
    workspace: str = Field(description="Workspace name.")
    reporting_currency: str = Field(description="Reporting currency.")
    vendors: list[VendorCredits] = Field(description="One entry per contract.")
    economics: list[VendorEconomics] = Field(
        default_factory=list, description="Unit economics of every vendor, in-house first."
    )

    def vendor(self, vendor_id: str) -> VendorCredits | None:
        """One vendor's ledger."""
        return next((v for v in self.vendors if v.vendor == vendor_id), None)


class WhatIfTerms(Result):
    """A service level's terms."""

    target: float = Field(description="Target.")
    minimum: float = Field(description="Contractual minimum.")
    allocation: Decimal = Field(description="Share of the at-risk amount (pool x allocation).")


class WhatIfMonth(Result):
    """One month of the back-test."""

    period: str = Field(description="YYYY-MM.")
    value: float | None = Field(description="The SL's measured value.")
    status: SlStatus = Field(description="Status under the terms in force.")
    credited: Decimal = Field(description="The SL's credit under the terms in force.")
    month_net: Decimal = Field(description="The month's net credits under the terms in force.")
    proposed_status: SlStatus = Field(description="Status under the proposed terms.")
    proposed_credited: Decimal = Field(description="The SL's credit under the proposed terms.")
    proposed_month_net: Decimal = Field(description="The month's net under the proposed terms.")


class WhatIfReport(Result):
    """What a proposed target, minimum or allocation would have paid, and would be expected to."""

    contract: str = Field(description="Contract id.")
    vendor: str = Field(description="Vendor id.")
    currency: str = Field(description="Contract currency.")
    sl: str = Field(description="Service level id.")
    kpi: str = Field(description="Its KPI.")
    current: WhatIfTerms | None = Field(description="Terms in force in the last month.")
    proposed: WhatIfTerms | None = Field(description="The proposed terms.")
    months: list[WhatIfMonth] = Field(description="The back-test, oldest first.")
    credited: Decimal = Field(description="The SL's credits over the months, terms in force.")
    proposed_credited: Decimal = Field(description="The same under the proposed terms.")
    net: Decimal = Field(description="All net credits over the months, terms in force.")
    proposed_net: Decimal = Field(description="The same under the proposed terms.")
    mean: float | None = Field(description="Mean of the SL's monthly values.")
    sd: float | None = Field(description="Their standard deviation.")
    average_at_risk: Decimal | None = Field(description="Average monthly at-risk amount.")
    expected_year: Decimal | None = Field(
        description="Expected credits a year from the monthly spread, terms in force."
    )
    proposed_expected_year: Decimal | None = Field(description="The same under the proposed terms.")
