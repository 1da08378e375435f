"""`scorecard.xlsx`: the scorecard as a workbook a manager can sort, filter and chart.

Sheets: Summary (league tables of sites, vendors and regions), one sheet per site (every KPI
with its targets, status, score and change), Queues (per-queue KPI values, when the card has
queue scopes), Lineage (which cells of which files fed each site measure) and Definitions
(every KPI and category).

Safety. Every piece of text (site, vendor and queue names, file names, column headers,
definitions) is written as a string cell, never a formula or an error value: openpyxl turns a
string starting with `=` into a formula and `#N/A` into an error, so each string cell is
forced back to a string after assignment. Characters XML cannot hold are replaced with
U+FFFD so the report still saves. The only formulas in the file are the conditional
formatting rules opsgov writes itself.

Determinism. The same card gives the same bytes: the document properties come from the
report date, and the zip entries carry a fixed time instead of the clock.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any, Final

from jinja2 import Environment
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from opsgov.models.results import KpiInfo, KpiResult, ScopeResult, Scorecard
from opsgov.render.formatting import STATUS_LABEL, format_value, invalid_banner
from opsgov.render.sheetprint import fit_row_heights, print_ready
from opsgov.render.zipfix import workbook_bytes
from opsgov.score.coverage import describe

"""Every zip entry's time: the earliest a zip can hold, so no clock leaks into the file."""

_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MAX_CELL_TEXT: Final = 32767

SECONDS_PER_DAY: Final = 86400.0
TIME_FORMATS: Final = frozenset({"mm:ss", "hh:mm:ss"})
"""KPI display formats whose values (seconds) are stored as fractions of a day."""

SHEET_SUMMARY: Final = "Summary"
SHEET_QUEUES: Final = "Queues"
SHEET_LINEAGE: Final = "Lineage"
SHEET_DEFINITIONS: Final = "Definitions"
SHEET_CHECKS: Final = "Checks"
SHEET_GATES: Final = "Gates"
SHEET_SITE_KPIS: Final = "Site KPIs"
SHEET_SITE_CATEGORIES: Final = "Site categories"
SITE_SHEETS_MAX: Final = 30
"""A month of more sites than this gets two long sheets (Site KPIs: a row per site and KPI;
Site categories: a row per site and category; both filterable) instead of a sheet per site:
a workbook of two hundred tabs cannot be navigated and is slow to open and to write."""
GATE_COLUMNS: Final = ("Level", "Scope", "Gate", "Why", "Status", "Composite alone")
_FIXED_SHEETS: Final = (
    SHEET_SUMMARY,
    SHEET_QUEUES,
    SHEET_LINEAGE,
    SHEET_DEFINITIONS,
    SHEET_CHECKS,
    SHEET_SITE_KPIS,
    SHEET_SITE_CATEGORIES,
)
CHECK_COLUMNS: Final = ("severity", "code", "finding", "how to fix it")

SITE_COLUMNS: Final = (
    "KPI id",
    "KPI",
    "Category",
    "Value",
    "Target",
    "Green",
    "Amber",
    "Status",
    "Score",
    "Previous",
    "Change",
    "Target source",
    "Override reason",
)
"""The columns of a site sheet's KPI table."""

SITE_HEADER_ROW: Final = 5
"""Row of the KPI table's header on a site sheet (a title block sits above it)."""

SUMMARY_COLUMNS: Final = (
    "Rank",
    "Site",
    "Name",
    "Vendor",
    "Region",
    "Composite",
    "Status",
    "Previous",
    "Change",
)
"""The columns of the Summary sheet's league table of sites."""

SUMMARY_HEADER_ROW: Final = 5
"""Row of the league table's header on the Summary sheet."""

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

_SCORE_FORMAT: Final = "0.0"
_SCORE_CHANGE_FORMAT: Final = "+0.0;-0.0;0.0"
_SECONDS_CHANGE_FORMAT: Final = '+#,##0 "s";-#,##0 "s";0 "s"'

_BOLD: Final = Font(bold=True)
_TITLE: Final = Font(bold=True, size=14)
_HEADER_FONT: Final = Font(bold=True, color="FFFFFF")
_HEADER_FILL: Final = PatternFill(fill_type="solid", start_color="FF305496", end_color="FF305496")
_LABEL_FONT: Final = Font(bold=True, color="FF595959")
_BANNER_FONT: Final = Font(bold=True, color="FFFFFFFF")
_BANNER_FILL: Final = PatternFill(fill_type="solid", start_color="FFC00000", end_color="FFC00000")
_HEADER_BORDER: Final = Border(bottom=Side(style="thin", color="FF1F3864"))
_WRAP: Final = Alignment(wrap_text=True, vertical="top")

RAG_FILLS: Final = {
    "Green": ("FFC6EFCE", "FF006100"),
    "Amber": ("FFFFEB9C", "FF9C5700"),
    "Red": ("FFFFC7CE", "FF9C0006"),
}
"""Status label -> (fill, font colour) of its conditional format."""


def number_format(fmt: str, currency: str) -> str:
    """The Excel number format of a KPI display format (values stored as `cell_value` gives)."""
    if fmt == "percent":
        return "0.0%"
    if fmt == "mm:ss":
        return "[mm]:ss"
    if fmt == "hh:mm:ss":
        return "[h]:mm:ss"
    if fmt == "currency":
        return f'#,##0.00 "{_format_literal(currency)}"'.replace(' ""', "")
    if fmt == "count":
        return "#,##0"
    if fmt == "hours":
        return '0.0 "h"'
    if fmt == "seconds":
        return '#,##0 "s"'
    return "#,##0.00"


def change_format(fmt: str, currency: str) -> str:
    """The signed Excel number format of a change (time formats change in seconds)."""
    if fmt in TIME_FORMATS:
        return _SECONDS_CHANGE_FORMAT
    base = number_format(fmt, currency)
    return f"+{base};-{base};{base}"


def cell_value(value: float | None, fmt: str) -> float | None:
    """A KPI value as stored in its cell: seconds become fractions of a day for time formats."""
    if value is None or not math.isfinite(value):
        return None
    return value / SECONDS_PER_DAY if fmt in TIME_FORMATS else value


def _format_literal(text: str) -> str:
    """Text safe inside a quoted literal of a number format."""
    return re.sub(r'["\\\x00-\x1f]', "", text)


def clean_text(text: object) -> str:
    """Text a cell can hold: characters XML forbids replaced, cut to Excel's cell limit."""
    return _ILLEGAL.sub("\ufffd", str(text))[:_MAX_CELL_TEXT]


def sheet_title(name: str, taken: set[str]) -> str:
    r"""A sheet name under Excel's rules, unique among `taken` (case-insensitive), then taken.

    Excel allows 1-31 characters, none of `[]:*?/\`, no apostrophe first or last, and
    reserves "History".
    """
    base = re.sub(r"[\[\]:*?/\\]", "_", clean_text(name)).replace("\ufffd", "_").strip("'")
    base = base[:31].strip("'") or "Site"
    if base.casefold() == "history":
        base = f"{base}_"
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        suffix = f"~{number}"
        title = base[: 31 - len(suffix)].rstrip("'") + suffix
    taken.add(title.casefold())
    return title


class _Sheet:
    """One worksheet and the widths its columns need, tracked as cells are written."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.widths: dict[int, float] = {}

    def _fit(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0.0), width)

    def text(
        self, row: int, col: int, value: object, *, font: Font | None = None, fit: bool = True
    ) -> Any:
        """Write text as a string cell whatever it starts with; None leaves the cell empty."""
        cell = self.ws.cell(row=row, column=col)
        text = "" if value is None else clean_text(value)
        if not text:
            return cell
        cell.value = text
        cell.data_type = "s"  # `=...` would be a formula and `#N/A` an error otherwise
        if font is not None:
            cell.font = font
        if fit:
            longest = max((len(line) for line in text.splitlines()), default=0)
            self._fit(col, min(longest, 60) * (1.1 if font is not None and font.b else 1.0))
        return cell

    def number(self, row: int, col: int, value: float | None, fmt: str, *, width: int = 12) -> Any:
        """Write a number (None or non-finite leaves the cell empty) with a number format."""
        cell = self.ws.cell(row=row, column=col)
        if value is not None and math.isfinite(value):
            cell.value = float(value)
        cell.number_format = fmt
        self._fit(col, width)
        return cell

    def header(self, row: int, names: Sequence[str], first_col: int = 1) -> None:
        """A styled header row."""
        for col, name in enumerate(names, start=first_col):
            cell = self.text(row, col, name, font=_HEADER_FONT)
            cell.fill = _HEADER_FILL
            cell.border = _HEADER_BORDER
            cell.alignment = Alignment(vertical="center")

    def label(self, row: int, col: int, name: str) -> None:
        """A label of the title block: wrapped, its column at least as wide as its longest word."""
        cell = self.text(row, col, name, font=_LABEL_FONT, fit=False)
        cell.alignment = _WRAP
        self._fit(col, max(len(word) for word in name.split()) * 1.1)

    def finish(self, freeze: str, filter_ref: str | None) -> None:
        """Set column widths, frozen panes and the auto-filter."""
        for col, width in sorted(self.widths.items()):
            self.ws.column_dimensions[get_column_letter(col)].width = round(
                min(max(width + 2.0, 8.0), 62.0), 1
            )
        self.ws.freeze_panes = freeze
        if filter_ref is not None:
            self.ws.auto_filter.ref = filter_ref


Sheet = _Sheet
"""The worksheet writer, for other workbooks (the credits report) to share."""


def _table_ref(first_row: int, last_row: int, columns: int) -> str:
    return f"A{first_row}:{get_column_letter(columns)}{max(last_row, first_row)}"


def rag_rules(ws: Any, ref: str) -> None:
    """Green/Amber/Red fills on the status labels of `ref` (cell-is-equal rules)."""
    for label, (fill, colour) in RAG_FILLS.items():
        ws.conditional_formatting.add(
            ref,
            CellIsRule(
                operator="equal",
                formula=[f'"{label}"'],
                fill=PatternFill(fill_type="solid", start_color=fill, end_color=fill),
                font=Font(color=colour),
            ),
        )


def _status(status: str) -> str:
    return STATUS_LABEL.get(status, status)


def _change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return current - previous


def _top_scopes(card: Scorecard, level: str) -> list[ScopeResult]:
    return sorted(
        (s for s in card.scopes if s.level == level and s.queue is None),
        key=lambda s: (s.rank or 999, s.id),
    )


def _summary(book: Workbook, card: Scorecard) -> None:
    ws = book.active
    ws.title = SHEET_SUMMARY
    sheet = _Sheet(ws)
    sheet.text(1, 1, card.workspace, font=_TITLE, fit=False)
    overall = card.scope("global", "global")
    facts: list[tuple[str, object, str | None]] = [
        ("Period", card.period, None),
        ("Previous period", card.previous_period or "\u2014", None),
        ("Framework", card.framework, None),
        ("Reporting currency", card.reporting_currency, None),
        ("Report date", dt.date.fromisoformat(card.report_date), "yyyy-mm-dd"),
        ("Scoring method", card.scoring_method, None),
        ("Overall composite", overall.composite if overall else None, _SCORE_FORMAT),
        ("Overall status", _status(overall.status) if overall else None, None),
    ]
    for col, (label, value, fmt) in enumerate(facts, start=1):
        sheet.label(2, col, label)
        if isinstance(value, dt.date):
            cell = ws.cell(row=3, column=col, value=value)
            cell.number_format = fmt
        elif fmt is not None:
            sheet.number(3, col, value if isinstance(value, float) else None, fmt)
        else:
            sheet.text(3, col, value, fit=False)
    banner = invalid_banner(card)
    if banner is not None:
        errors = [f"error {i.code}: {i.message}" for i in card.issues if i.severity == "error"]
        message = " ".join([banner, *errors])
        sheet.text(4, 1, message, font=_BANNER_FONT, fit=False)
        for col in range(1, len(SUMMARY_COLUMNS) + 1):
            ws.cell(row=4, column=col).fill = _BANNER_FILL

    row = SUMMARY_HEADER_ROW
    sheet.header(row, SUMMARY_COLUMNS)
    vendor_names = {s.id: s.name for s in _top_scopes(card, "vendor")}
    sites = _top_scopes(card, "site")
    for site in sites:
        row += 1
        sheet.number(row, 1, site.rank, "0", width=6)
        sheet.text(row, 2, site.id)
        sheet.text(row, 3, site.name)
        sheet.text(row, 4, vendor_names.get(site.vendor or "", site.vendor))
        sheet.text(row, 5, site.region)
        sheet.number(row, 6, site.composite, _SCORE_FORMAT)
        sheet.text(row, 7, _status(site.status))
        sheet.number(row, 8, site.previous_composite, _SCORE_FORMAT)
        sheet.number(row, 9, _change(site.composite, site.previous_composite), _SCORE_CHANGE_FORMAT)
    filter_ref = _table_ref(SUMMARY_HEADER_ROW, row, len(SUMMARY_COLUMNS))
    status_refs = [f"G{SUMMARY_HEADER_ROW + 1}:G{max(row, SUMMARY_HEADER_ROW + 1)}"]

    for level, title in (("vendor", "Vendors"), ("region", "Regions")):
        row += 2
        sheet.text(row, 1, title, font=_BOLD, fit=False)
        row += 1
        sheet.header(row, (*SUMMARY_COLUMNS[:1], title[:-1], "Name", "Sites", "Coverage"))
        sheet.header(row, SUMMARY_COLUMNS[5:], first_col=6)
        first = row + 1
        for scope in _top_scopes(card, level):
            row += 1
            sheet.number(row, 1, scope.rank, "0", width=6)
            sheet.text(row, 2, scope.id)
            sheet.text(row, 3, scope.name)
            sheet.text(row, 4, ", ".join(scope.sites))
            sheet.number(row, 5, scope.coverage, "0%")
            sheet.number(row, 6, scope.composite, _SCORE_FORMAT)
            sheet.text(row, 7, _status(scope.status))
            sheet.number(row, 8, scope.previous_composite, _SCORE_FORMAT)
            sheet.number(
                row, 9, _change(scope.composite, scope.previous_composite), _SCORE_CHANGE_FORMAT
            )
        if row >= first:
            status_refs.append(f"G{first}:G{row}")
    if card.playbooks:
        row += 2
        sheet.text(row, 1, "Playbooks triggered", font=_BOLD, fit=False)
        row += 1
        sheet.header(row, ("Playbook", "For", "Why"))
        for fired in card.playbooks:
            row += 1
            sheet.text(row, 1, fired.playbook)
            sheet.text(row, 2, fired.scope)
            sheet.text(row, 3, fired.why, fit=False)
        row += 1
        sheet.text(row, 1, "opsgov playbook checklist ID --site SITE --start DATE", fit=False)
    rag_rules(ws, " ".join(status_refs))
    sheet.finish(f"C{SUMMARY_HEADER_ROW + 1}", filter_ref)


def _threshold(
    result: KpiResult, which: str, info: KpiInfo, currency: str
) -> tuple[float | None, str | None]:
    """A green/amber threshold as a number, or a band as text."""
    target = result.target
    value = target.green if which == "green" else target.amber
    band = target.band_green if which == "green" else target.band_amber
    if value is None and band is not None:
        low, high = (format_value(v, info.format, currency) for v in band)
        return None, f"{low} \u2013 {high}"
    return value, None


def _site_sheet(book: Workbook, card: Scorecard, site: ScopeResult, title: str) -> None:
    ws = book.create_sheet(title)
    sheet = _Sheet(ws)
    currency = card.reporting_currency
    kpi_info = {k.id: k for k in card.kpis}
    category_names = {c.id: c.name for c in card.categories}
    vendor = card.scope("vendor", site.vendor or "")
    region = card.scope("region", site.region or "")

    sheet.text(1, 1, f"{site.id} {site.name}", font=_TITLE, fit=False)
    facts: list[tuple[str, str | None, float | None, str]] = [
        ("Vendor", vendor.name if vendor else site.vendor, None, ""),
        ("Region", region.name if region else site.region, None, ""),
        ("Composite", None, site.composite, _SCORE_FORMAT),
        ("Status", _status(site.status), None, ""),
        ("Rank", None, site.rank, "0"),
        ("Previous", None, site.previous_composite, _SCORE_FORMAT),
        ("Change", None, _change(site.composite, site.previous_composite), _SCORE_CHANGE_FORMAT),
        ("Coverage", None, site.coverage, "0%"),
    ]
    for col, (label, text, number, fmt) in enumerate(facts, start=1):
        sheet.label(2, col, label)
        if fmt:
            sheet.number(3, col, number, fmt, width=0)
        else:
            sheet.text(3, col, text, fit=False)

    row = SITE_HEADER_ROW
    sheet.header(row, SITE_COLUMNS)
    for result in site.kpis:
        info = kpi_info.get(result.kpi)
        if info is None:
            continue
        row += 1
        _kpi_cells(sheet, row, 1, result, info, category_names, currency)
    last = row
    rag_rules(ws, f"H{SITE_HEADER_ROW + 1}:H{max(last, SITE_HEADER_ROW + 1)}")

    row += 2
    sheet.text(row, 1, "Categories", font=_BOLD, fit=False)
    row += 1
    sheet.header(row, ("Category", "Name", "Weight", "Score", "Coverage"))
    weights = {c.id: c.weight for c in card.categories}
    for category in site.categories:
        row += 1
        sheet.text(row, 1, category.category)
        sheet.text(row, 2, category_names.get(category.category, category.category))
        sheet.number(row, 3, weights.get(category.category), "0")
        sheet.number(row, 4, category.score, _SCORE_FORMAT)
        sheet.number(row, 5, category.coverage, "0%")
    sheet.finish(f"C{SITE_HEADER_ROW + 1}", _table_ref(SITE_HEADER_ROW, last, len(SITE_COLUMNS)))


def _kpi_cells(
    sheet: _Sheet,
    row: int,
    first: int,
    result: KpiResult,
    info: KpiInfo,
    category_names: dict[str, str],
    currency: str,
) -> None:
    """One KPI's `SITE_COLUMNS` cells from column `first` on."""
    fmt = number_format(info.format, currency)
    col = first - 1
    sheet.text(row, col + 1, info.id)
    sheet.text(row, col + 2, info.name)
    sheet.text(row, col + 3, category_names.get(info.category or "", info.category))
    sheet.number(row, col + 4, cell_value(result.value, info.format), fmt)
    sheet.number(row, col + 5, cell_value(result.target.target, info.format), fmt)
    for offset, which in ((6, "green"), (7, "amber")):
        value, band = _threshold(result, which, info, currency)
        if band is not None:
            sheet.text(row, col + offset, band)
        else:
            sheet.number(row, col + offset, cell_value(value, info.format), fmt)
    sheet.text(row, col + 8, _status(result.status))
    sheet.number(row, col + 9, result.score, _SCORE_FORMAT)
    sheet.number(row, col + 10, cell_value(result.previous, info.format), fmt)
    sheet.number(row, col + 11, result.change, change_format(info.format, currency))
    sheet.text(row, col + 12, result.target.source)
    sheet.text(row, col + 13, result.target.reason or None)


def _site_tables(book: Workbook, card: Scorecard, sites: Sequence[ScopeResult]) -> None:
    """Site KPIs and Site categories: every site's KPI and category rows, in league order."""
    currency = card.reporting_currency
    kpi_info = {k.id: k for k in card.kpis}
    category_names = {c.id: c.name for c in card.categories}
    weights = {c.id: c.weight for c in card.categories}
    sheet = _Sheet(book.create_sheet(SHEET_SITE_KPIS))
    sheet.header(1, ("Site", "Site name", *SITE_COLUMNS))
    row = 1
    for site in sites:
        for result in site.kpis:
            info = kpi_info.get(result.kpi)
            if info is None:
                continue
            row += 1
            sheet.text(row, 1, site.id)
            sheet.text(row, 2, site.name)
            _kpi_cells(sheet, row, 3, result, info, category_names, currency)
    rag_rules(sheet.ws, f"J2:J{max(row, 2)}")
    sheet.finish("C2", _table_ref(1, row, len(SITE_COLUMNS) + 2))
    sheet = _Sheet(book.create_sheet(SHEET_SITE_CATEGORIES))
    columns = ("Site", "Site name", "Category", "Name", "Weight", "Score", "Coverage")
    sheet.header(1, columns)
    row = 1
    for site in sites:
        for category in site.categories:
            row += 1
            sheet.text(row, 1, site.id)
            sheet.text(row, 2, site.name)
            sheet.text(row, 3, category.category)
            sheet.text(row, 4, category_names.get(category.category, category.category))
            sheet.number(row, 5, weights.get(category.category), "0")
            sheet.number(row, 6, category.score, _SCORE_FORMAT)
            sheet.number(row, 7, category.coverage, "0%")
    sheet.finish("C2", _table_ref(1, row, len(columns)))


def _queues(book: Workbook, card: Scorecard) -> None:
    queues = [s for s in card.scopes if s.queue is not None]
    if not queues:
        return
    order = {"global": 0, "region": 1, "vendor": 2, "site": 3}
    queues.sort(key=lambda s: (s.queue or "", order.get(s.level, 9), s.id))
    queues += card.unsplit  # sites with no queue: the queues add up to the whole
    ws = book.create_sheet(SHEET_QUEUES)
    sheet = _Sheet(ws)
    kpis = card.kpis
    sheet.header(1, (*QUEUE_FIXED_COLUMNS, *(k.id for k in kpis)))
    fixed = len(QUEUE_FIXED_COLUMNS)
    for row, scope in enumerate(queues, start=2):
        sheet.text(row, 1, scope.level)
        sheet.text(row, 2, scope.id)
        sheet.text(row, 3, scope.name)
        sheet.text(row, 4, scope.queue)
        sheet.number(row, 5, scope.composite, _SCORE_FORMAT)
        sheet.text(row, 6, _status(scope.status))
        for col, info in enumerate(kpis, start=fixed + 1):
            result = scope.kpi(info.id)
            value = result.value if result is not None else None
            cell = sheet.number(
                row,
                col,
                cell_value(value, info.format),
                number_format(info.format, card.reporting_currency),
            )
            if result is not None and result.coverage is not None:
                # Beside the number: a value of part of the level's sites says so.
                cell.comment = Comment("Covers " + describe(result.coverage), "opsgov")
    last = len(queues) + 1
    rag_rules(ws, f"F2:F{last}")
    sheet.finish("E2", _table_ref(1, last, fixed + len(kpis)))


def _lineage(book: Workbook, card: Scorecard) -> None:
    ws = book.create_sheet(SHEET_LINEAGE)
    sheet = _Sheet(ws)
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
    sheet.finish("A2", _table_ref(1, row, len(LINEAGE_COLUMNS)))


def _checks(book: Workbook, card: Scorecard) -> None:
    """The run's findings at no cell of a file (FX, computing, implausible values), if any."""
    if not card.issues:
        return
    ws = book.create_sheet(SHEET_CHECKS)
    sheet = _Sheet(ws)
    sheet.header(1, CHECK_COLUMNS)
    for row, issue in enumerate(card.issues, start=2):
        sheet.text(row, 1, issue.severity.value)
        sheet.text(row, 2, issue.code)
        sheet.text(row, 3, issue.message, fit=False)
        sheet.text(row, 4, issue.hint or "", fit=False)
    sheet.finish("A2", _table_ref(1, len(card.issues) + 1, len(CHECK_COLUMNS)))


def _definitions(book: Workbook, card: Scorecard) -> None:
    ws = book.create_sheet(SHEET_DEFINITIONS)
    sheet = _Sheet(ws)
    sheet.header(1, KPI_COLUMNS)
    row = 1
    for info in card.kpis:
        row += 1
        for col, text in enumerate(
            (
                info.id,
                info.name,
                info.category,
                info.formula,
                info.unit,
                info.format,
                info.direction,
                info.owner,
            ),
            start=1,
        ):
            sheet.text(row, col, text)
        sheet.number(row, 9, info.weight, "0.##")
        sheet.text(row, 10, info.description).alignment = _WRAP
    last = row
    row += 2
    sheet.text(row, 1, "Categories", font=_BOLD, fit=False)
    row += 1
    sheet.header(row, ("Category", "Name", "Weight"))
    for category in card.categories:
        row += 1
        sheet.text(row, 1, category.id)
        sheet.text(row, 2, category.name)
        sheet.number(row, 3, category.weight, "0.##")
    sheet.finish("B2", _table_ref(1, last, len(KPI_COLUMNS)))


def _frozen_row(ws: Any) -> int:
    """The first row below the frozen panes (1 when nothing is frozen)."""
    frozen = ws.freeze_panes
    if not frozen:
        return 1
    return int("".join(ch for ch in frozen if ch.isdigit()) or 1)


def site_sheet_titles(card: Scorecard) -> dict[str, str]:
    """Site id -> its sheet's name, in league-table order."""
    taken = {name.casefold() for name in _FIXED_SHEETS}
    return {site.id: sheet_title(site.id, taken) for site in _top_scopes(card, "site")}


def _gates(book: Workbook, card: Scorecard) -> None:
    """Where a framework gate fired: its reason, the capped status and the composite's own."""
    fired = [(s, g) for s in card.scopes if s.queue is None for g in s.gates]
    if not fired:
        return
    ws = book.create_sheet(SHEET_GATES, 1)
    sheet = _Sheet(ws)
    sheet.header(1, GATE_COLUMNS)
    for row, (scope, gate) in enumerate(fired, start=2):
        sheet.text(row, 1, scope.level)
        sheet.text(row, 2, f"{scope.id} {scope.name}")
        sheet.text(row, 3, gate.gate)
        sheet.text(row, 4, gate.reason, fit=False)
        sheet.text(row, 5, _status(scope.status))
        sheet.text(row, 6, _status(scope.uncomposed_status or scope.status))
    sheet.finish("A2", _table_ref(1, len(fired) + 1, len(GATE_COLUMNS)))


def render_xlsx(card: Scorecard, env: Environment) -> bytes:
    """`scorecard.xlsx`: Summary, a sheet per site, Queues, Lineage and Definitions.

    Past `SITE_SHEETS_MAX` sites, the Site KPIs and Site categories sheets replace the sheets
    per site.
    """
    del env  # the workbook is built in code, not from a template
    book = Workbook()
    _summary(book, card)
    sites = _top_scopes(card, "site")
    if len(sites) > SITE_SHEETS_MAX:
        _site_tables(book, card, sites)
    else:
        titles = site_sheet_titles(card)
        for site in sites:
            _site_sheet(book, card, site, titles[site.id])
    _queues(book, card)
    _lineage(book, card)
    _definitions(book, card)
    _checks(book, card)
    _gates(book, card)
    for ws in book.worksheets:
        header = _frozen_row(ws) - 1
        print_ready(
            ws,
            header_rows=(header, header) if header >= 1 else None,
            footer=clean_text(f"{card.workspace}: scorecard {card.period} - {ws.title}"),
        )
        fit_row_heights(ws, 1)

    title = clean_text(f"{card.workspace}: {card.period}")
    return workbook_bytes(book, dt.date.fromisoformat(card.report_date), title)
