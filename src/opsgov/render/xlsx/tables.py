"""The workbook's flat tables: Queues, Lineage, Definitions, Checks and Gates."""

from __future__ import annotations

from typing import Final

from opsgov.models.results import ScopeResult, Scorecard
from opsgov.render.xlsx.cells import (
    BOLD,
    SCORE_FORMAT,
    WRAP,
    cell_value,
    number_format,
    status_label,
)
from opsgov.render.xlsx.sheet import Layout, Sheet, style, table_ref
from opsgov.score.coverage import describe

SHEET_QUEUES: Final = "Queues"
SHEET_LINEAGE: Final = "Lineage"
SHEET_DEFINITIONS: Final = "Definitions"
SHEET_CHECKS: Final = "Checks"
SHEET_GATES: Final = "Gates"

QUEUE_FIXED_COLUMNS: Final = ("Level", "Scope", "Name", "Queue", "Composite", "Status")
"""The Queues sheet's leading columns; one column per KPI follows (headed by the KPI id)."""

LINEAGE_COLUMNS: Final = (
    "Site",
    "Measure",
    "File",
    "Sheet",
    "Column",
    "Header",
    "Rows",
    "Currency",
    "FX rate",
)

KPI_COLUMNS: Final = (
    "KPI id",
    "Name",
    "Category",
    "Formula",
    "Unit",
    "Format",
    "Direction",
    "Owner",
    "Weight",
    "Description",
)

CHECK_COLUMNS: Final = ("severity", "code", "finding", "how to fix it")
GATE_COLUMNS: Final = ("Level", "Scope", "Gate", "Why", "Status", "Composite alone")

_WRAPPED: Final = style(alignment=WRAP)
_LEVEL_ORDER: Final = {"global": 0, "region": 1, "vendor": 2, "site": 3}


def queue_scopes(card: Scorecard) -> list[ScopeResult]:
    """The Queues sheet's rows: by queue, then level and id; the sites with no queue last."""
    queues = [s for s in card.scopes if s.queue is not None]
    if not queues:
        return []
    queues.sort(key=lambda s: (s.queue or "", _LEVEL_ORDER.get(s.level, 9), s.id))
    return queues + list(card.unsplit)  # sites with no queue: the queues add up to the whole


def queues(sheet: Sheet, card: Scorecard, scopes: list[ScopeResult]) -> Layout:
    """Queues: a row per scope and queue, a column per KPI."""
    kpis = card.kpis
    formats = [(k.id, k.format, number_format(k.format, card.reporting_currency)) for k in kpis]
    sheet.header(1, (*QUEUE_FIXED_COLUMNS, *(k.id for k in kpis)))
    fixed = len(QUEUE_FIXED_COLUMNS)
    for row, scope in enumerate(scopes, start=2):
        sheet.text(row, 1, scope.level)
        sheet.text(row, 2, scope.id)
        sheet.text(row, 3, scope.name)
        sheet.text(row, 4, scope.queue)
        sheet.number(row, 5, scope.composite, SCORE_FORMAT)
        sheet.text(row, 6, status_label(scope.status))
        results = {r.kpi: r for r in scope.kpis}
        for col, (kpi, fmt, excel) in enumerate(formats, start=fixed + 1):
            result = results.get(kpi)
            value = result.value if result is not None else None
            # Beside the number: a value of part of the level's sites says so.
            note = None
            if result is not None and result.coverage is not None:
                note = "Covers " + describe(result.coverage)
            sheet.number(row, col, cell_value(value, fmt), excel, comment=note)
    last = len(scopes) + 1
    sheet.rag(f"F2:F{last}")
    return "E2", table_ref(1, last, fixed + len(kpis))


def lineage(sheet: Sheet, card: Scorecard) -> Layout:
    """Lineage: a row per site, measure and column of a sheet that fed it."""
    sheet.header(1, LINEAGE_COLUMNS)
    row = 1
    for item in card.lineage:
        for span in item.cells:
            row += 1
            sheet.text(row, 1, item.site)
            sheet.text(row, 2, item.measure)
            sheet.text(row, 3, span.file)
            sheet.text(row, 4, span.sheet)
            sheet.text(row, 5, span.column)
            sheet.text(row, 6, span.header)
            sheet.text(row, 7, span.rows)
            sheet.text(row, 8, item.currency)
            sheet.number(row, 9, item.fx_rate, "0.0000####")
    return "A2", table_ref(1, row, len(LINEAGE_COLUMNS))


def checks(sheet: Sheet, card: Scorecard) -> Layout:
    """Checks: the run's findings at no cell of a file (FX, computing, implausible values)."""
    sheet.header(1, CHECK_COLUMNS)
    for row, issue in enumerate(card.issues, start=2):
        sheet.text(row, 1, issue.severity.value)
        sheet.text(row, 2, issue.code)
        sheet.text(row, 3, issue.message, fit=False)
        sheet.text(row, 4, issue.hint or "", fit=False)
    return "A2", table_ref(1, len(card.issues) + 1, len(CHECK_COLUMNS))


def definitions(sheet: Sheet, card: Scorecard) -> Layout:
    """Definitions: every KPI (formula, unit, format, owner, weight), then the categories."""
    sheet.header(1, KPI_COLUMNS)
    row = 1
    for info in card.kpis:
        row += 1
        texts = (info.id, info.name, info.category, info.formula, info.unit, info.format,
                 info.direction, info.owner)  # fmt: skip
        for col, text in enumerate(texts, start=1):
            sheet.text(row, col, text)
        sheet.number(row, 9, info.weight, "0.##")
        sheet.text(row, 10, info.description, cell_style=_WRAPPED)
    last = row
    row += 2
    sheet.text(row, 1, "Categories", font=BOLD, fit=False)
    row += 1
    sheet.header(row, ("Category", "Name", "Weight"))
    for category in card.categories:
        row += 1
        sheet.text(row, 1, category.id)
        sheet.text(row, 2, category.name)
        sheet.number(row, 3, category.weight, "0.##")
    return "B2", table_ref(1, last, len(KPI_COLUMNS))


def fired_gates(card: Scorecard) -> list[tuple[ScopeResult, int]]:
    """(scope, index of the gate) for each gate that fired at a scope (not at its queues)."""
    return [(s, n) for s in card.scopes if s.queue is None for n in range(len(s.gates))]


def gates(sheet: Sheet, fired: list[tuple[ScopeResult, int]]) -> Layout:
    """Gates: where a framework gate fired, its reason, the capped and the composite's status."""
    sheet.header(1, GATE_COLUMNS)
    for row, (scope, index) in enumerate(fired, start=2):
        gate = scope.gates[index]
        sheet.text(row, 1, scope.level)
        sheet.text(row, 2, f"{scope.id} {scope.name}")
        sheet.text(row, 3, gate.gate)
        sheet.text(row, 4, gate.reason, fit=False)
        sheet.text(row, 5, status_label(scope.status))
        sheet.text(row, 6, status_label(scope.uncomposed_status or scope.status))
    return "A2", table_ref(1, len(fired) + 1, len(GATE_COLUMNS))
