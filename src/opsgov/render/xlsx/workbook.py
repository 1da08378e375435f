"""`scorecard.xlsx` put together: which sheets, in which order, each gathered then written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Final

from jinja2 import Environment

from opsgov.models.results import Scorecard
from opsgov.render.xlsx import sites as site_tables
from opsgov.render.xlsx import tables
from opsgov.render.xlsx.cells import clean_text, sheet_title
from opsgov.render.xlsx.sheet import Layout, Sheet
from opsgov.render.xlsx.summary import SHEET_SUMMARY, summary, top_scopes
from opsgov.render.xlsx.xlsxout import Book

FIXED_SHEETS: Final = (
    SHEET_SUMMARY,
    tables.SHEET_QUEUES,
    tables.SHEET_LINEAGE,
    tables.SHEET_DEFINITIONS,
    tables.SHEET_CHECKS,
    site_tables.SHEET_SITE_KPIS,
    site_tables.SHEET_SITE_CATEGORIES,
)


def site_sheet_titles(card: Scorecard) -> dict[str, str]:
    """Site id -> its sheet's name, in league-table order."""
    taken = {name.casefold() for name in FIXED_SHEETS}
    return {site.id: sheet_title(site.id, taken) for site in top_scopes(card, "site")}


def render_xlsx(card: Scorecard, env: Environment) -> bytes:
    """`scorecard.xlsx`: Summary, a sheet per site, Queues, Lineage and Definitions.

    Past `SITE_SHEETS_MAX` sites, the Site KPIs and Site categories sheets replace the sheets
    per site. Every sheet is print-ready (landscape, one page wide, header rows repeated).
    """
    del env  # the workbook is built in code, not from a template
    book = Book(
        dt.date.fromisoformat(card.report_date), clean_text(f"{card.workspace}: {card.period}")
    )
    fired = tables.fired_gates(card)

    def add(title: str, fill: Callable[[Sheet], Layout]) -> None:
        sheet = Sheet(None)
        layout = fill(sheet)
        book.write(
            sheet, title, layout, clean_text(f"{card.workspace}: scorecard {card.period} - {title}")
        )
        if title == SHEET_SUMMARY and fired:  # the gates that fired come right after it
            add(tables.SHEET_GATES, lambda s: tables.gates(s, fired))

    add(SHEET_SUMMARY, lambda s: summary(s, card))
    sites = top_scopes(card, "site")
    if len(sites) > site_tables.SITE_SHEETS_MAX:
        add(site_tables.SHEET_SITE_KPIS, lambda s: site_tables.site_kpis(s, card, sites))
        add(
            site_tables.SHEET_SITE_CATEGORIES,
            lambda s: site_tables.site_categories(s, card, sites),
        )
    else:
        titles = site_sheet_titles(card)
        for site in sites:
            add(titles[site.id], partial(site_tables.site_sheet, card=card, site=site))
    queues = tables.queue_scopes(card)
    if queues:
        add(tables.SHEET_QUEUES, lambda s: tables.queues(s, card, queues))
    add(tables.SHEET_LINEAGE, lambda s: tables.lineage(s, card))
    add(tables.SHEET_DEFINITIONS, lambda s: tables.definitions(s, card))
    if card.issues:
        add(tables.SHEET_CHECKS, lambda s: tables.checks(s, card))
    return book.bytes()
