"""`credits.xlsx`: the credits report as a workbook.

Sheets Summary, Ledger, Service levels, Invoice lines and Economics; every vendor string is a
text cell (never a formula), money has two decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import Workbook

from opsgov.models.credits import CreditsReport
from opsgov.render.xlsx import Sheet
from opsgov.render.zipfix import workbook_bytes

MONEY, SHARE, NUMBER = "#,##0.00", "0.00%", "#,##0.######"


def _f(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _table(book: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    ws = book.create_sheet(title)
    sheet = Sheet(ws)
    sheet.header(1, header)
    for r, row in enumerate(rows, start=2):
        for c, (name, value) in enumerate(zip(header, row, strict=True), start=1):
            if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
                fmt = SHARE if "share" in name or name in {"value", "target", "minimum",
                                                            "accuracy"} else MONEY  # fmt: skip
                if name in {"units", "recomputed units", "cost index", "rate", "contract rate"}:
                    fmt = NUMBER
                sheet.number(r, c, _f(value), fmt)
            else:
                sheet.text(r, c, "" if value is None else value)
    last = len(rows) + 1
    ref = f"A1:{ws.cell(1, len(header)).column_letter}{last}" if rows else None
    sheet.finish("A2", ref)


def credits_xlsx(report: CreditsReport) -> bytes:
    """The workbook's bytes (the same report gives the same bytes)."""
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    asked = set(report.periods)
    _table(book, "Summary", ["vendor", "contract", "currency", "month", "at risk", "cap",
                             "cap binds", "credited", "earned back", "net"],
           [[v.vendor, v.name, v.currency, m.period, m.at_risk, m.cap,
             "yes" if m.cap_binds else "no", m.credited, m.earned_back, m.net]
            for v in report.vendors for m in v.months if m.period in asked])  # fmt: skip
    _table(book, "Ledger", ["vendor", "month", "version", "charges", "at risk", "credited",
                            "earned back", "net"],
           [[v.vendor, m.period, m.version, m.charges_total, m.at_risk, m.credited,
             m.earned_back, m.net] for v in report.vendors for m in v.months])  # fmt: skip
    _table(book, "Service levels", ["vendor", "month", "service level", "kpi", "months", "value",
                                    "target", "minimum", "status", "credit", "credited",
                                    "arithmetic"],
           [[v.vendor, m.period, s.sl, s.kpi, ", ".join(s.months), s.value, s.target,
             s.minimum, s.status, s.credit, s.credited, "; ".join(s.arithmetic)]
            for v in report.vendors for m in v.months if m.period in asked
            for s in m.service_levels])  # fmt: skip
    _table(book, "Invoice lines", ["vendor", "month", "file", "line", "cell", "units",
                                   "recomputed units", "rate", "contract rate", "invoiced",
                                   "recomputed", "difference", "within tolerance"],
           [[v.vendor, m.period, m.invoice.file, ln.line, ln.cell, ln.units,
             ln.recomputed_units, ln.rate, ln.contract_rate, ln.invoiced, ln.recomputed,
             ln.difference, "yes" if ln.within_tolerance else "no"]
            for v in report.vendors for m in v.months
            if m.period in asked and m.invoice is not None for ln in m.invoice.lines])  # fmt: skip
    _table(book, "Economics", ["vendor", "type", "cost per item", "cost per productive hour",
                               "cost per quality item", "cost per weighted item", "accuracy",
                               "cost index", "credits share", "frontier"],
           [[e.vendor, e.type, e.cost_per_item, e.cost_per_productive_hour,
             e.cost_per_quality_item, e.cost_per_weighted_item, e.accuracy, e.cost_index,
             e.credits_share, "yes" if e.on_frontier else "no"]
            for e in report.economics])  # fmt: skip
    day = dt.date.fromisoformat(report.report_date)
    return workbook_bytes(book, day, f"Service credits {', '.join(report.periods)}")
