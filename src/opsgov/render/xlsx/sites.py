"""Each site's KPIs: a sheet per site, or (past `SITE_SHEETS_MAX` sites) two long sheets.

A site sheet has a title block (vendor, region, composite, status, rank, change, coverage),
the KPI table (`SITE_COLUMNS`: value, target, thresholds, status, score, change and where the
target came from) and the category scores. Past `SITE_SHEETS_MAX` sites, Site KPIs (a row per
site and KPI) and Site categories (a row per site and category) hold the same cells.
"""

from __future__ import annotations

from typing import Final

from opsgov.models.results import KpiInfo, KpiResult, ScopeResult, Scorecard
from opsgov.render.formatting import format_value
from opsgov.render.xlsx.cells import (
    BOLD,
    SCORE_CHANGE_FORMAT,
    SCORE_FORMAT,
    TITLE,
    cell_value,
    change,
    change_format,
    number_format,
    status_label,
)
from opsgov.render.xlsx.sheet import Layout, Sheet, table_ref

SHEET_SITE_KPIS: Final = "Site KPIs"
SHEET_SITE_CATEGORIES: Final = "Site categories"
SITE_SHEETS_MAX: Final = 30
"""A month of more sites than this gets two long sheets (Site KPIs: a row per site and KPI;
Site categories: a row per site and category; both filterable) instead of a sheet per site:
a workbook of two hundred tabs cannot be navigated and is slow to open and to write."""

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

CATEGORY_COLUMNS: Final = ("Category", "Name", "Weight", "Score", "Coverage")


class _Names:
    """What every KPI row needs from the card: definitions, category names and weights."""

    def __init__(self, card: Scorecard) -> None:
        self.currency = card.reporting_currency
        self.kpis = {k.id: k for k in card.kpis}
        self.categories = {c.id: c.name for c in card.categories}
        self.weights = {c.id: c.weight for c in card.categories}
        self.formats: dict[str, tuple[str, str]] = {
            k.id: (number_format(k.format, self.currency), change_format(k.format, self.currency))
            for k in card.kpis
        }


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


def _kpi_cells(
    sheet: Sheet, row: int, first: int, result: KpiResult, info: KpiInfo, names: _Names
) -> None:
    """One KPI's `SITE_COLUMNS` cells from column `first` on."""
    fmt, change_fmt = names.formats[info.id]
    col = first - 1
    sheet.text(row, col + 1, info.id)
    sheet.text(row, col + 2, info.name)
    sheet.text(row, col + 3, names.categories.get(info.category or "", info.category))
    sheet.number(row, col + 4, cell_value(result.value, info.format), fmt)
    sheet.number(row, col + 5, cell_value(result.target.target, info.format), fmt)
    for offset, which in ((6, "green"), (7, "amber")):
        value, band = _threshold(result, which, info, names.currency)
        if band is not None:
            sheet.text(row, col + offset, band)
        else:
            sheet.number(row, col + offset, cell_value(value, info.format), fmt)
    sheet.text(row, col + 8, status_label(result.status))
    sheet.number(row, col + 9, result.score, SCORE_FORMAT)
    sheet.number(row, col + 10, cell_value(result.previous, info.format), fmt)
    sheet.number(row, col + 11, result.change, change_fmt)
    sheet.text(row, col + 12, result.target.source)
    sheet.text(row, col + 13, result.target.reason or None)


def _category_cells(sheet: Sheet, row: int, first: int, category: str, names: _Names) -> None:
    """A category's id and name from column `first` on (weight, score, coverage follow)."""
    sheet.text(row, first, category)
    sheet.text(row, first + 1, names.categories.get(category, category))
    sheet.number(row, first + 2, names.weights.get(category), "0")


def site_sheet(sheet: Sheet, card: Scorecard, site: ScopeResult) -> Layout:
    """One site's sheet: title block, KPI table, categories."""
    names = _Names(card)
    vendor = card.scope("vendor", site.vendor or "")
    region = card.scope("region", site.region or "")
    sheet.text(1, 1, f"{site.id} {site.name}", font=TITLE, fit=False)
    facts: list[tuple[str, str | None, float | None, str]] = [
        ("Vendor", vendor.name if vendor else site.vendor, None, ""),
        ("Region", region.name if region else site.region, None, ""),
        ("Composite", None, site.composite, SCORE_FORMAT),
        ("Status", status_label(site.status), None, ""),
        ("Rank", None, site.rank, "0"),
        ("Previous", None, site.previous_composite, SCORE_FORMAT),
        ("Change", None, change(site.composite, site.previous_composite), SCORE_CHANGE_FORMAT),
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
        info = names.kpis.get(result.kpi)
        if info is None:
            continue
        row += 1
        _kpi_cells(sheet, row, 1, result, info, names)
    last = row
    sheet.rag(f"H{SITE_HEADER_ROW + 1}:H{max(last, SITE_HEADER_ROW + 1)}")

    row += 2
    sheet.text(row, 1, "Categories", font=BOLD, fit=False)
    row += 1
    sheet.header(row, CATEGORY_COLUMNS)
    for category in site.categories:
        row += 1
        _category_cells(sheet, row, 1, category.category, names)
        sheet.number(row, 4, category.score, SCORE_FORMAT)
        sheet.number(row, 5, category.coverage, "0%")
    return f"C{SITE_HEADER_ROW + 1}", table_ref(SITE_HEADER_ROW, last, len(SITE_COLUMNS))


def site_kpis(sheet: Sheet, card: Scorecard, sites: list[ScopeResult]) -> Layout:
    """Site KPIs: every site's KPI rows, in league order."""
    names = _Names(card)
    sheet.header(1, ("Site", "Site name", *SITE_COLUMNS))
    row = 1
    for site in sites:
        for result in site.kpis:
            info = names.kpis.get(result.kpi)
            if info is None:
                continue
            row += 1
            sheet.text(row, 1, site.id)
            sheet.text(row, 2, site.name)
            _kpi_cells(sheet, row, 3, result, info, names)
    sheet.rag(f"J2:J{max(row, 2)}")
    return "C2", table_ref(1, row, len(SITE_COLUMNS) + 2)


def site_categories(sheet: Sheet, card: Scorecard, sites: list[ScopeResult]) -> Layout:
    """Site categories: every site's category rows, in league order."""
    names = _Names(card)
    columns = ("Site", "Site name", *CATEGORY_COLUMNS)
    sheet.header(1, columns)
    row = 1
    for site in sites:
        for category in site.categories:
            row += 1
            sheet.text(row, 1, site.id)
            sheet.text(row, 2, site.name)
            _category_cells(sheet, row, 3, category.category, names)
            sheet.number(row, 6, category.score, SCORE_FORMAT)
            sheet.number(row, 7, category.coverage, "0%")
    return "C2", table_ref(1, row, len(columns))
