"""Invoice reconciliation: a vendor's invoice lines against the charges recomputed from measures.

An invoice is read like any file, through an intake profile (`purpose: invoice`) whose columns
fill the invoice measures below and whose `keys` column holds each line's price-line id. Each
line is compared with the contract's charge for that line (units from the measures, the
contract's rate or bands): units beyond the units tolerance (C711), a unit rate that is not the
contract's (C712) and an amount beyond the amount tolerance (C710) are findings at their cells;
a line the pricing does not have (C713), a priced line not invoiced (C714) and an unreadable
line (C715) too. Differences are shown in the contract's and the reporting currency.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from opsgov.contracts.money import ZERO, cents, money_text
from opsgov.contracts.pricing import units_text
from opsgov.harmonise.table import Block
from opsgov.issues import Issue, Location, make_issue
from opsgov.models.contract import Contract, Pricing
from opsgov.models.credits import Charge, InvoiceCheck, InvoiceLine
from opsgov.models.framework import Framework

UNITS, RATE, AMOUNT = "invoice_units", "invoice_rate", "invoice_amount"

INVOICE_FRAMEWORK = Framework.model_validate(
    {
        "kind": "framework",
        "id": "invoice",
        "version": "1",
        "name": "Invoice lines",
        "owner": "opsgov",
        "measures": [
            {
                "id": UNITS,
                "name": "Units billed",
                "kind": "count",
                "rollup": "sum",
                "unit": "units",
                "aliases": ["Quantity", "Units", "Qty"],
            },
            {
                "id": RATE,
                "name": "Unit rate",
                "kind": "money",
                "rollup": "max",
                "aliases": ["Unit Price", "Rate"],
            },
            {
                "id": AMOUNT,
                "name": "Line amount",
                "kind": "money",
                "rollup": "sum",
                "aliases": ["Amount", "Line Total", "Total"],
            },
        ],
        "kpis": [
            {
                "id": "invoice_total",
                "name": "Invoice total",
                "formula": AMOUNT,
                "unit": "currency",
                "format": "currency",
                "direction": "lower_is_better",
            }
        ],
    }
)
"""The measures an invoice profile fills (lint checks invoice profiles against these)."""


@dataclass(frozen=True)
class RawLine:
    """One invoice row as read: the line id and the three numbers, each with its cell."""

    line: str | None
    units: float | None
    rate: float | None
    amount: float | None
    cells: dict[str, Location]


def _number(block: Block, measure: str, i: int) -> float | None:
    values = block.measures.get(measure)
    if values is None or math.isnan(values[i]):
        return None
    return float(values[i])


def invoice_lines(blocks: Sequence[Block], line_key: str) -> list[RawLine]:
    """The rows of an invoice's blocks, in sheet order."""
    out = []
    for block in blocks:
        ids = block.keys.get(line_key, [None] * len(block))
        for i in range(len(block)):
            row = int(block.rows[i])

            cells = {m: block.source.cell(row, m) for m in (UNITS, RATE, AMOUNT)}
            cells["line"] = Location(
                file=block.source.file,
                sheet=block.source.sheet,
                row=row,
                col=block.source.columns.get(line_key),
            )
            units, rate, amount = (_number(block, m, i) for m in (UNITS, RATE, AMOUNT))
            out.append(RawLine(ids[i], units, rate, amount, cells))
    return out


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


@dataclass(frozen=True)
class Tolerance:
    """How far an invoice may be from the recomputation before it is a finding."""

    amount: Decimal
    units_share: Decimal


def reconcile(
    contract: Contract,
    period: str,
    file: str,
    lines: Sequence[RawLine],
    charges: Sequence[Charge],
    pricing: Pricing,
    tolerance: Tolerance,
    to_reporting: float | None,
) -> tuple[InvoiceCheck, list[Issue]]:
    """Each invoice line against its recomputed charge; the findings at their cells."""
    by_line = {c.line: c for c in charges}
    rates = {p.id: p.rate for p in pricing.lines}
    issues: list[Issue] = []
    checked: list[InvoiceLine] = []
    who = f"{contract.vendor} {period}"
    seen: set[str] = set()
    for raw in lines:
        if raw.line is None or raw.amount is None:
            what = "no line id" if raw.line is None else "no amount"
            where = raw.cells["line" if raw.line is None else AMOUNT]
            issues.append(make_issue("C715", f"{who}: invoice row with {what}", location=where))
            continue
        charge = by_line.get(raw.line)
        amount = cents(_dec(raw.amount))
        if charge is None:
            issues.append(
                make_issue(
                    "C713",
                    f"{who}: invoice line `{raw.line}` ({money_text(amount)}) is not a price "
                    "line of the contract",
                    location=raw.cells["line"],
                    found=raw.line,
                    hint="Price lines: " + ", ".join(sorted(by_line)),
                )
            )
            checked.append(_line(raw, amount, None, None, tolerance, to_reporting))
            continue
        seen.add(raw.line)
        rate = rates.get(raw.line)
        if raw.rate is not None and rate is not None and _dec(raw.rate) != rate:
            issues.append(
                make_issue(
                    "C712",
                    f"{who}: line `{raw.line}` bills {_dec(raw.rate)} a unit; the contract's "
                    f"rate is {rate}",
                    location=raw.cells[RATE],
                    found=_dec(raw.rate),
                    expected=str(rate),
                )
            )
        if raw.units is not None and charge.units is not None:
            units = _dec(raw.units)
            allowed = charge.units * tolerance.units_share
            if abs(units - charge.units) > allowed:
                issues.append(
                    make_issue(
                        "C711",
                        f"{who}: line `{raw.line}` bills {units_text(units)} units; the measures "
                        f"give {units_text(charge.units)}",
                        location=raw.cells[UNITS],
                        found=units,
                        expected=units_text(charge.units),
                    )
                )
        result = _line(raw, amount, charge, rate, tolerance, to_reporting)
        if not result.within_tolerance:
            diff = result.difference
            assert diff is not None
            reporting = (
                f" ({float(diff) * to_reporting:+,.2f} in the reporting currency)"
                if to_reporting is not None
                else ""
            )
            issues.append(
                make_issue(
                    "C710",
                    f"{who}: line `{raw.line}` invoices {money_text(amount, contract.currency)}; "
                    f"recomputed {money_text(charge.amount, contract.currency)}: "
                    f"{diff:+,.2f} {contract.currency}{reporting}",
                    location=raw.cells[AMOUNT],
                    found=amount,
                    expected=money_text(charge.amount),
                    hint=f"The recomputation: {charge.arithmetic}. Tolerance "
                    f"{money_text(tolerance.amount)}.",
                )
            )
        checked.append(result)
    for charge in charges:
        if charge.line not in seen and charge.amount:
            issues.append(
                make_issue(
                    "C714",
                    f"{who}: price line `{charge.line}` ({money_text(charge.amount)}) is not on "
                    "the invoice",
                    location=Location(file=file),
                )
            )
    invoiced = sum((c.invoiced for c in checked), ZERO)
    recomputed = sum((c.amount for c in charges if c.amount is not None), ZERO)
    return (
        InvoiceCheck(
            file=file,
            currency=contract.currency,
            lines=checked,
            invoiced=invoiced,
            recomputed=recomputed,
            difference=invoiced - recomputed,
            difference_reporting=(
                float(invoiced - recomputed) * to_reporting if to_reporting is not None else None
            ),
            findings=len(issues),
        ),
        issues,
    )


def _line(
    raw: RawLine,
    amount: Decimal,
    charge: Charge | None,
    rate: Decimal | None,
    tolerance: Tolerance,
    to_reporting: float | None,
) -> InvoiceLine:
    recomputed = charge.amount if charge is not None else None
    diff = amount - recomputed if recomputed is not None else None
    return InvoiceLine(
        line=raw.line or "",
        cell=raw.cells[AMOUNT].a1 or "",
        units=_dec(raw.units) if raw.units is not None else None,
        rate=_dec(raw.rate) if raw.rate is not None else None,
        invoiced=amount,
        recomputed_units=charge.units if charge is not None else None,
        contract_rate=rate,
        recomputed=recomputed,
        difference=diff,
        difference_reporting=(
            float(diff) * to_reporting if diff is not None and to_reporting is not None else None
        ),
        within_tolerance=diff is not None and abs(diff) <= tolerance.amount,
    )
