"""Charges: billable units recomputed from the measures, at the contract's rates.

Units per line: productive hours (`productive_seconds` / 3600), items (`items_handled`) or FTE
(`hc_avg`) over the line's scope, or the measure the line names (a duration measure is billed
in hours). Volume bands are `tiered` (each band's units at its rate) or `whole_volume` (every
unit at the rate of the band the volume reaches). A monthly minimum commitment adds a
shortfall line when the lines come to less.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from opsgov.contracts.money import ZERO, cents, money_text
from opsgov.models.contract import PriceLine, Pricing
from opsgov.models.credits import Charge


def units_of(line: PriceLine, measures: Mapping[str, float | None], kind: str) -> Decimal | None:
    """A line's billable units from its scope's measures (durations in hours)."""
    value = measures.get(line.counted)
    if value is None:
        return None
    if kind == "duration":
        value = value / 3600
    return Decimal(str(round(value, 6)))


def units_text(units: Decimal) -> str:
    """`259,468` or `68,717.68`: units as an invoice writes them."""
    whole = units == units.to_integral_value()
    return f"{units:,.0f}" if whole else f"{units.normalize():,f}"


def amount_of(line: PriceLine, units: Decimal) -> tuple[Decimal, str]:
    """The line's amount for its units, and the arithmetic."""
    if line.rate is not None:
        amount = cents(units * line.rate)
        return amount, f"{units_text(units)} x {money_text(line.rate)} = {money_text(amount)}"
    if line.banding == "whole_volume":
        band = next(
            (b for b in line.bands if b.up_to is None or units <= Decimal(str(b.up_to))),
            line.bands[-1],
        )
        amount = cents(units * band.rate)
        reach = f"up to {band.up_to:g}" if band.up_to is not None else "top band"
        return (
            amount,
            f"{units_text(units)} x {money_text(band.rate)} ({reach}) = {money_text(amount)}",
        )
    left, low, total, parts = units, Decimal(0), ZERO, []
    for band in line.bands:
        high = Decimal(str(band.up_to)) if band.up_to is not None else None
        take = left if high is None else min(left, high - low)
        if take <= 0:
            break
        total += take * band.rate
        parts.append(f"{units_text(take)} x {money_text(band.rate)}")
        left -= take
        if high is not None:
            low = high
    amount = cents(total)
    return amount, " + ".join(parts) + f" = {money_text(amount)}"


def charges(
    pricing: Pricing,
    measures_by_line: Mapping[str, Mapping[str, float | None]],
    kinds: Mapping[str, str],
) -> list[Charge]:
    """Every line's charge (and a minimum-commitment shortfall) from its scope's measures."""
    out: list[Charge] = []
    for line in pricing.lines:
        units = units_of(line, measures_by_line.get(line.id, {}), kinds.get(line.counted, "count"))
        if units is None:
            out.append(
                Charge(
                    line=line.id,
                    basis=line.basis,
                    units=None,
                    amount=None,
                    arithmetic=f"no `{line.counted}` reported for this line's scope",
                )
            )
            continue
        amount, text = amount_of(line, units)
        out.append(
            Charge(line=line.id, basis=line.basis, units=units, amount=amount, arithmetic=text)
        )
    known = [c.amount for c in out if c.amount is not None]
    minimum = pricing.minimum_commitment
    if minimum is not None and len(known) == len(out):
        total = sum(known, ZERO)
        if total < minimum:
            gap = cents(minimum - total)
            out.append(
                Charge(
                    line="minimum_commitment",
                    basis="minimum_commitment",
                    units=None,
                    amount=gap,
                    arithmetic=f"minimum {money_text(minimum)} - lines {money_text(total)} = "
                    f"{money_text(gap)}",
                )
            )
    return out
