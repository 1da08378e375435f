"""`scorecard.xlsx`: the scorecard as a workbook a manager can sort, filter and chart.

Sheets: Summary (league tables of sites, vendors and regions), one sheet per site (every KPI
with its targets, status, score and change; past `SITE_SHEETS_MAX` sites, the Site KPIs and
Site categories sheets instead), Queues (per-queue KPI values, when the card has queue
scopes), Lineage (which cells of which files fed each site measure), Definitions (every KPI
and category), Checks and Gates (when there are any).

One job per module: `cells` (safe text, number formats, sheet names, styles), `sheet` (a
worksheet gathered in memory), `xlsxout` (gathered sheets written with XlsxWriter, print-ready),
`summary`, `sites` and `tables` (what each sheet holds) and `workbook` (which sheets, in which
order).

Safety. Every piece of text is written as a string cell, never a formula or an error value.
Characters XML cannot hold are replaced with U+FFFD so the report still saves. The only
formulas in the file are the conditional formatting rules opsgov writes itself.

Determinism. The same card gives the same bytes: the document properties come from the
report date, and the zip entries carry a fixed time instead of the clock.
"""

from opsgov.render.xlsx.cells import (
    SECONDS_PER_DAY,
    TIME_FORMATS,
    cell_value,
    change_format,
    clean_text,
    number_format,
    sheet_title,
)
from opsgov.render.xlsx.sheet import Sheet, rag_rules
from opsgov.render.xlsx.sites import (
    SHEET_SITE_CATEGORIES,
    SHEET_SITE_KPIS,
    SITE_COLUMNS,
    SITE_HEADER_ROW,
    SITE_SHEETS_MAX,
)
from opsgov.render.xlsx.summary import SHEET_SUMMARY, SUMMARY_COLUMNS, SUMMARY_HEADER_ROW
from opsgov.render.xlsx.tables import (
    CHECK_COLUMNS,
    GATE_COLUMNS,
    KPI_COLUMNS,
    LINEAGE_COLUMNS,
    QUEUE_FIXED_COLUMNS,
    SHEET_CHECKS,
    SHEET_DEFINITIONS,
    SHEET_GATES,
    SHEET_LINEAGE,
    SHEET_QUEUES,
)
from opsgov.render.xlsx.workbook import render_xlsx, site_sheet_titles

__all__ = [
    "CHECK_COLUMNS",
    "GATE_COLUMNS",
    "KPI_COLUMNS",
    "LINEAGE_COLUMNS",
    "QUEUE_FIXED_COLUMNS",
    "SECONDS_PER_DAY",
    "SHEET_CHECKS",
    "SHEET_DEFINITIONS",
    "SHEET_GATES",
    "SHEET_LINEAGE",
    "SHEET_QUEUES",
    "SHEET_SITE_CATEGORIES",
    "SHEET_SITE_KPIS",
    "SHEET_SUMMARY",
    "SITE_COLUMNS",
    "SITE_HEADER_ROW",
    "SITE_SHEETS_MAX",
    "SUMMARY_COLUMNS",
    "SUMMARY_HEADER_ROW",
    "TIME_FORMATS",
    "Sheet",
    "cell_value",
    "change_format",
    "clean_text",
    "number_format",
    "rag_rules",
    "render_xlsx",
    "sheet_title",
    "site_sheet_titles",
]
