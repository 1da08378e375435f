"""`capacity.xlsx`: the FTE plan by month, forecasts, gaps, the N-1 heat map, and findings.

Text is always written as text (a vendor's `=...` never becomes a formula); the workbook's
bytes depend only on the plan (fixed zip times, the plan date as its timestamp).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from opsgov.capacity.results import CapacityPlan
from opsgov.render.xlsx import clean_text
from opsgov.render.zipfix import workbook_bytes

_BOLD = Font(bold=True)
_HEADER = PatternFill("solid", fgColor="F6F8FA")
_BANDS = {
    "green": PatternFill("solid", fgColor="DAFBE1"),
    "amber": PatternFill("solid", fgColor="FFF8C5"),
    "red": PatternFill("solid", fgColor="FFEBE9"),
}


class _Writer:
    """Cells of one sheet, written row by row."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 0
        self.widths: dict[int, int] = {}

    def put(self, values: Sequence[object], *, header: bool = False, fmt: str = "0.0") -> int:
        self.row += 1
        for col, value in enumerate(values, start=1):
            cell = self.ws.cell(row=self.row, column=col)
            if isinstance(value, bool) or value is None:
                text = "" if value is None else ("yes" if value else "no")
                if text:
                    cell.value = text
                    cell.data_type = "s"
            elif isinstance(value, int | float):
                cell.value = float(value) if isinstance(value, float) else value
                cell.number_format = fmt if isinstance(value, float) else "0"
            else:
                cell.value = clean_text(value)
                cell.data_type = "s"
            if header:
                cell.font = _BOLD
                cell.fill = _HEADER
            width = len(str(cell.value or "")) + 2
            self.widths[col] = min(max(self.widths.get(col, 8), width), 60)
        return self.row

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.ws.freeze_panes = "A2"


def render_xlsx(
    plan: CapacityPlan,
    rows: list[dict[str, Any]],
    heat: tuple[list[tuple[str, str]], list[dict[str, Any]]],
) -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    fte = _Writer(book.active)
    fte.ws.title = "FTE plan"
    fte.put(["Site", "Queue", "Language", "Model", "Row", *plan.periods], header=True)
    for r in rows:
        if r["kind"] == "stream":
            fte.put([r["site"], r["queue"], r["language"], r["model"], "FTE", *r["fte"]])
            fte.put(
                [r["site"], r["queue"], r["language"], r["model"], "scheduled", *r["scheduled"]]
            )
            continue
        fte.put([r["site"], "all", "", "", "required FTE", *r["fte"]])
        if r["headcount"]:
            fte.put([r["site"], "all", "", "", "headcount", *r["headcount"]])
            fte.put([r["site"], "all", "", "", "gap", *r["gap"]])
    fte.finish()

    fc = _Writer(book.create_sheet("Forecasts"))
    fc.put(["Site", "Queue", "Method", "Months", "Backtest sMAPE %", "Period", "Volume",
            "Lower", "Upper"], header=True)  # fmt: skip
    for f in plan.forecasts:
        for i, period in enumerate(f.periods):
            fc.put([f.site, f.queue, f.method, len(f.history), f.backtest_smape, period,
                    f.volume[i], f.lower[i], f.upper[i]])  # fmt: skip
    fc.finish()

    gaps = _Writer(book.create_sheet("Gaps"))
    gaps.put(["Site", "Queue", "Period", "Required FTE", "Headcount", "Gap", "Hires",
              "Triggered", "Hire by", "Playbook"], header=True)  # fmt: skip
    for s in plan.sites:
        for m in s.months:
            gaps.put([s.site, s.queue or "all", m.period, m.required_fte, m.headcount, m.gap,
                      m.hires, m.triggered, m.hire_by, m.playbook])  # fmt: skip
    gaps.finish()

    columns, heat_rows = heat
    n1 = _Writer(book.create_sheet("Resilience"))
    n1.put(["Site lost", *(f"{q}/{lang or '-'}" for q, lang in columns), "Unplaced items"],
           header=True)  # fmt: skip
    for row in heat_rows:
        values = [c["cell"].service_level if c["cell"] else None for c in row["cells"]]
        at = n1.put([row["site"], *values, row["unabsorbed"]], fmt="0%")
        for col, c in enumerate(row["cells"], start=2):
            fill = _BANDS.get(c["band"])
            if fill is not None:
                n1.ws.cell(row=at, column=col).fill = fill
        n1.ws.cell(row=at, column=len(columns) + 2).number_format = "#,##0"
    n1.finish()

    spof = _Writer(book.create_sheet("Single points"))
    spof.put(["Queue", "Language", "Sites", "Vendors", "Single site", "Single vendor"], header=True)
    for p in plan.spof:
        spof.put([p.queue, p.language or "all", ", ".join(p.sites), ", ".join(p.vendors),
                  p.single_site, p.single_vendor])  # fmt: skip
    spof.finish()

    found = _Writer(book.create_sheet("Findings"))
    found.put(["Severity", "Code", "Message"], header=True)
    for issue in plan.findings:
        found.put([issue.severity.value, issue.code, issue.message])
    found.finish()

    title = clean_text(f"Capacity plan: {plan.workspace}")
    return workbook_bytes(book, dt.date.fromisoformat(plan.as_of), title)
