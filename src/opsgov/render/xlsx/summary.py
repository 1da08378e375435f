"""The Summary sheet: the month's facts, then league tables of sites, vendors and regions."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from opsgov.models.results import ScopeResult, Scorecard
from opsgov.render.formatting import invalid_banner
from opsgov.render.xlsx.cells import (
    BANNER_FILL,
    BANNER_FONT,
    BOLD,
    SCORE_CHANGE_FORMAT,
    SCORE_FORMAT,
    TITLE,
    change,
    status_label,
)
from opsgov.render.xlsx.sheet import Layout, Sheet, style, table_ref

SHEET_SUMMARY: Final = "Summary"
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

_BANNER: Final = style(font=BANNER_FONT, fill=BANNER_FILL)
_BANNER_BLANK: Final = style(fill=BANNER_FILL)


def top_scopes(card: Scorecard, level: str) -> list[ScopeResult]:
    """The scopes of a level (not their queues), in league-table order."""
    return sorted(
        (s for s in card.scopes if s.level == level and s.queue is None),
        key=lambda s: (s.rank or 999, s.id),
    )


def _facts(sheet: Sheet, card: Scorecard) -> None:
    """The title block: the month, what it was scored under, the overall composite."""
    sheet.text(1, 1, card.workspace, font=TITLE, fit=False)
    overall = card.scope("global", "global")
    facts: list[tuple[str, object, str | None]] = [
        ("Period", card.period, None),
        ("Previous period", card.previous_period or "\u2014", None),
        ("Framework", card.framework, None),
        ("Reporting currency", card.reporting_currency, None),
        ("Report date", dt.date.fromisoformat(card.report_date), "yyyy-mm-dd"),
        ("Scoring method", card.scoring_method, None),
        ("Overall composite", overall.composite if overall else None, SCORE_FORMAT),
        ("Overall status", status_label(overall.status) if overall else None, None),
    ]
    for col, (label, value, fmt) in enumerate(facts, start=1):
        sheet.label(2, col, label)
        if isinstance(value, dt.date):
            sheet.put(3, col, value, style(number_format=fmt))
        elif fmt is not None:
            sheet.number(3, col, value if isinstance(value, float) else None, fmt)
        else:
            sheet.text(3, col, value, fit=False)
    banner = invalid_banner(card)
    if banner is not None:
        errors = [f"error {i.code}: {i.message}" for i in card.issues if i.severity == "error"]
        for col in range(2, len(SUMMARY_COLUMNS) + 1):
            sheet.put(4, col, None, _BANNER_BLANK)
        sheet.text(4, 1, " ".join([banner, *errors]), fit=False, cell_style=_BANNER)


def _league_row(sheet: Sheet, row: int, scope: ScopeResult, texts: list[Any]) -> None:
    """Rank, three texts, then composite, status, previous composite and change."""
    sheet.number(row, 1, scope.rank, "0", width=6)
    for col, text in enumerate(texts[:3], start=2):
        sheet.text(row, col, text)
    sheet.number(row, 6, scope.composite, SCORE_FORMAT)
    sheet.text(row, 7, status_label(scope.status))
    sheet.number(row, 8, scope.previous_composite, SCORE_FORMAT)
    sheet.number(row, 9, change(scope.composite, scope.previous_composite), SCORE_CHANGE_FORMAT)


def summary(sheet: Sheet, card: Scorecard) -> Layout:
    """Fill the Summary sheet (the workbook's first); returns its frozen cell and filter."""
    _facts(sheet, card)
    row = SUMMARY_HEADER_ROW
    sheet.header(row, SUMMARY_COLUMNS)
    vendor_names = {s.id: s.name for s in top_scopes(card, "vendor")}
    for site in top_scopes(card, "site"):
        row += 1
        vendor = vendor_names.get(site.vendor or "", site.vendor)
        _league_row(sheet, row, site, [site.id, site.name, vendor])
        sheet.text(row, 5, site.region)
    filter_ref = table_ref(SUMMARY_HEADER_ROW, row, len(SUMMARY_COLUMNS))
    sheet.rag(f"G{SUMMARY_HEADER_ROW + 1}:G{max(row, SUMMARY_HEADER_ROW + 1)}")

    for level, title in (("vendor", "Vendors"), ("region", "Regions")):
        row += 2
        sheet.text(row, 1, title, font=BOLD, fit=False)
        row += 1
        sheet.header(row, (*SUMMARY_COLUMNS[:1], title[:-1], "Name", "Sites", "Coverage"))
        sheet.header(row, SUMMARY_COLUMNS[5:], first_col=6)
        first = row + 1
        for scope in top_scopes(card, level):
            row += 1
            _league_row(sheet, row, scope, [scope.id, scope.name, ", ".join(scope.sites)])
            sheet.number(row, 5, scope.coverage, "0%")
        if row >= first:
            sheet.rag(f"G{first}:G{row}")
    if card.playbooks:
        row += 2
        sheet.text(row, 1, "Playbooks triggered", font=BOLD, fit=False)
        row += 1
        sheet.header(row, ("Playbook", "For", "Why"))
        for fired in card.playbooks:
            row += 1
            sheet.text(row, 1, fired.playbook)
            sheet.text(row, 2, fired.scope)
            sheet.text(row, 3, fired.why, fit=False)
        row += 1
        sheet.text(row, 1, "opsgov playbook checklist ID --site SITE --start DATE", fit=False)
    return f"C{SUMMARY_HEADER_ROW + 1}", filter_ref
