"""The sample Acme invoice for October 2026, with two deliberate discrepancies.

The correct figures follow from the sample's ground truth and Acme's contract
(`sample_data/contracts/acme_bpo.yaml`, version 2026):

- `mnl_productive_hours`: every MNL1 productive hour of the month (force-majeure days are
  billed) at 9.50. The invoice bills the right hours at **9.75**: a rate that is not the
  contract's (C712 at the rate's cell) and an amount too high (C710 at the amount's cell);
- `hyd_items`: HYD1's general-queue items, 200,000 at 0.45 and the rest at 0.40. The invoice
  bills **2,500 items more** than were handled, at the right bands: units beyond the tolerance
  (C711 at the quantity's cell) and an amount too high (C710).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Font

from tests.support import sample_month as sm

PERIOD: Final = "2026-10"
FILE: Final = f"ACME_invoice_{PERIOD}.xlsx"
SHEET: Final = "Invoice"
HEADER_ROW: Final = 5
RATE_BILLED: Final = Decimal("9.75")
ITEMS_OVERBILLED: Final = 2500


@dataclass(frozen=True)
class Line:
    """One invoice line as written, and the figures it should have had."""

    line: str
    description: str
    units: Decimal
    rate: Decimal | None
    amount: Decimal
    right_units: Decimal
    right_amount: Decimal


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _banded(items: Decimal) -> Decimal:
    return _cents(200000 * Decimal("0.45") + (items - 200000) * Decimal("0.40"))


def invoice_lines() -> list[Line]:
    """The two lines, from the ground truth."""
    truth = sm.make_ground_truth(PERIOD, sm.SEEDS[PERIOD])
    seconds = sum(r.values["productive_seconds"] for r in truth.rows("MNL1"))
    hours = (Decimal(seconds) / 3600).quantize(Decimal("0.000001"))
    items = Decimal(sum(r.values["items_handled"] for r in truth.rows("HYD1")
                        if r.queue == "general"))  # fmt: skip
    billed_items = items + ITEMS_OVERBILLED
    return [
        Line("mnl_productive_hours", "Manila moderation, productive hours", hours, RATE_BILLED,
             _cents(hours * RATE_BILLED), hours, _cents(hours * Decimal("9.50"))),
        Line("hyd_items", "Hyderabad general queue, items handled (banded)", billed_items, None,
             _banded(billed_items), items, _banded(items)),
    ]  # fmt: skip


def write_invoice(folder: Path) -> Path:
    """Write the invoice into a month's input folder; the bytes depend on the data only."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET
    ws["A1"] = "Acme BPO Services Pte Ltd - Tax invoice INV-2026-10-0042"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Bill to: Example Global T&S Operations"
    ws["A3"] = "Billing period: October 2026. Currency: USD."
    header = ["Line", "Description", "Quantity", "Unit Price", "Amount"]
    for col, text in enumerate(header, start=1):
        ws.cell(HEADER_ROW, col, text).font = Font(bold=True)
    lines = invoice_lines()
    for row, line in enumerate(lines, start=HEADER_ROW + 1):
        ws.cell(row, 1, line.line)
        ws.cell(row, 2, line.description)
        ws.cell(row, 3, float(line.units)).number_format = "#,##0.00"
        if line.rate is not None:
            ws.cell(row, 4, float(line.rate)).number_format = "0.00"
        ws.cell(row, 5, float(line.amount)).number_format = "#,##0.00"
    total_row = HEADER_ROW + len(lines) + 1
    ws.cell(total_row, 1, "TOTAL")
    ws.cell(total_row, 5, float(sum(line.amount for line in lines))).number_format = "#,##0.00"
    ws.column_dimensions["B"].width = 48
    stamp = dt.datetime(2026, 11, 3, 9, 0)
    folder.mkdir(parents=True, exist_ok=True)
    return sm.save_workbook(book, folder / FILE, stamp)
