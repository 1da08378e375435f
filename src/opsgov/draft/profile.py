"""A draft intake profile for a file opsgov has never seen: the quickest start on a new vendor.

`draft_profile` picks the sheet and header row, reads each column's header words and values,
decides the date, site and queue columns, the measures and their units, and the file
settings, and writes it all as a commented profile (`opsgov.draft.render`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from opsgov.draft.evidence import MAX_TEXTS, gather
from opsgov.draft.match import Reading
from opsgov.draft.plan import (
    Column,
    assign_measures,
    category_values,
    decide_units,
    describe,
)
from opsgov.draft.roles import currency as money_currency
from opsgov.draft.roles import queue_by_values, row_keys
from opsgov.draft.settings import (
    closest_site,
    data_rows,
    date_format,
    file_pattern,
    find_date_column,
    find_site_column,
    grain,
    guess_header,
    header_hits,
    month_free,
    resolve_site,
    text_dates,
)
from opsgov.draft.words import read_header
from opsgov.errors import OpsgovError
from opsgov.harmonise.text import is_total_label, norm
from opsgov.intake.raw import RawSheet, RawWorkbook, SheetVisibility
from opsgov.issues import column_letter
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry


@dataclass
class Draft:
    """Everything the draft decided, for rendering."""

    file: str
    columns: list[Column]
    pattern: str
    profile_id: str
    vendor: str | None
    sheet_name: str | None
    sheet_pattern: str | None
    sheet_note: str
    header_row: int
    header_note: str
    grain: str
    grain_note: str
    site_source: str
    site_column: str | None
    site_value: str | None
    site_map: dict[str, str]
    site_guesses: dict[str, str | None]
    site_note: str
    date_column: str | None
    date_format: str
    date_note: str
    date_why: str
    text: dict[str, str] | None
    skip_notes: list[str]
    queue_column: str | None = None
    keys: list[str] = field(default_factory=list)
    currency: str | None = None
    currency_note: str = ""
    notes: list[str] = field(default_factory=list)


def _best_sheet(book: RawWorkbook, framework: Framework) -> tuple[RawSheet, int, int]:
    """The sheet whose header names the most known columns, its header index and hit count."""
    best: tuple[int, int, RawSheet, int] | None = None
    for order, sheet in enumerate(book.sheets):
        if sheet.visibility != SheetVisibility.VISIBLE and len(book.sheets) > 1:
            continue
        index, hits = guess_header(sheet.rows, framework)
        if index is None:
            continue
        hits = header_hits(sheet.rows[index], framework)
        if best is None or hits > best[0]:
            best = (hits, -order, sheet, index)
    if best is None:
        raise OpsgovError("no sheet has a header row to draft a profile from")
    return best[2], best[3], best[0]


SAMPLE_ROWS = 20_000
"""Rows the values are judged on: a large sheet is sampled at random (same rows every run),
its last 200 rows always (where totals and notes are)."""


def _sample(rows: Sequence[Sequence[object]]) -> Sequence[Sequence[object]]:
    if len(rows) <= SAMPLE_ROWS:
        return rows
    head = len(rows) - 200
    chosen = sorted(random.Random(len(rows)).sample(range(head), SAMPLE_ROWS - 200))
    return [*(rows[i] for i in chosen), *rows[head:]]


def _distinct_texts(rows: Sequence[Sequence[object]], index: int, skipped: set[str]) -> list[str]:
    """Every distinct text of a column (queue names, site names), first seen first."""
    seen: dict[str, None] = {}
    for row in rows:
        value = row[index] if index < len(row) else None
        if isinstance(value, str) and value.strip() and value not in seen:
            seen[value] = None
    return [t.strip() for t in seen if t.strip() not in skipped and not is_total_label(t)][
        :MAX_TEXTS
    ]


def _date_why(column: Column | None) -> str:
    if column is None:
        return ""
    how = "its header" if column.words.role in {"@date", "@month"} else "its values"
    return f"{column.letter}: {describe(column)}; the date column by {how}"


def _profile_id(pattern: str, vendor: str | None) -> str:
    stem = pattern.rsplit(".", 1)[0].replace("{site}", " ").replace("{period}", " ")
    slug = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")
    slug = re.sub(r"^[^a-z]+", "", slug)
    if vendor and vendor.replace("_", "") in slug.replace("_", ""):
        return slug
    if vendor and not slug.startswith(vendor):
        slug = f"{vendor}_{slug}" if slug else vendor
    return slug or "draft_profile"


def draft_profile(
    book: RawWorkbook, file: str, framework: Framework, registry: Registry | None
) -> str:
    """YAML text of a commented draft profile for `book` (read from `file`)."""
    from opsgov.draft.render import render  # render imports Draft from here

    return render(plan_draft(book, file, framework, registry), framework)


def summary(draft: Draft) -> str:
    """One line for the person who will check the draft."""
    roles = [c.role for c in draft.columns]
    todo = sum(1 for c in draft.columns if c.proposals) + (draft.site_source == "fixed")
    todo += len(draft.site_guesses) > 0
    drafted = roles.count("measure")
    parts = [
        f"{drafted} column{'' if drafted == 1 else 's'} drafted",
        f"{roles.count('choice')} offered for you to decide",
        f"{roles.count('ignore')} ignored",
    ]
    if todo:
        parts.append(f"{todo} other TODO" + ("s" if todo > 1 else ""))
    return ", ".join(parts) + "; read its comments, then run opsgov lint and opsgov validate"


def plan_draft(
    book: RawWorkbook, file: str, framework: Framework, registry: Registry | None
) -> Draft:
    """Every decision of the draft."""
    sheet, index, hits = _best_sheet(book, framework)
    decimal = book.text_format.decimal if book.text_format else "."
    header_cells = sheet.rows[index]
    below = sheet.rows[index + 1 :]
    body = data_rows(_sample(below))
    columns: list[Column] = []
    for i, cell in enumerate(header_cells):
        if not isinstance(cell, str | int | float) or not str(cell).strip():
            continue
        text = str(cell).strip()
        values = [row[i] if i < len(row) else None for row in body.rows]
        evidence = gather(values, decimal)
        if len(below) > SAMPLE_ROWS and evidence.main in {"text", "mixed"}:
            evidence.texts = _distinct_texts(below, i, set(body.skipped))
        columns.append(
            Column(
                index=i,
                letter=column_letter(sheet.first_col + i),
                header=text,
                words=read_header(text),
                evidence=evidence,
            )
        )
    name = file.replace("\\", "/").rsplit("/", 1)[-1]
    site_ids = [s.id for s in registry.sites] if registry else []
    pattern, file_site = file_pattern(name, site_ids)

    # Site
    site_col = find_site_column(columns, registry)
    site_map: dict[str, str] = {}
    site_guesses: dict[str, str | None] = {}
    site_sites: set[str] = set()
    if site_col is not None:
        for text in site_col.evidence.texts:
            found, _how = resolve_site(text, registry)
            if found:
                site_sites.add(found)
                if norm(text) != norm(found):
                    site_map[text] = found
            else:
                site_guesses[text] = closest_site(text, registry)
    if site_col is not None and (len(site_sites) > 1 or file_site is None):
        site_col.role = "site"
        source, site_note = (
            "column",
            (
                f"column {site_col.letter} names {len(site_sites)} registry site(s)"
                if site_sites
                else f"column {site_col.letter} is headed as a site; TODO: map its values to ids"
            ),
        )
        pattern = pattern.replace("{site}", file_site or "{site}") if file_site else pattern
        sites = site_sites
    elif file_site is not None:
        source, site_note = "filename", f"the file name carries {file_site}, a registry site"
        sites = {file_site}
        if site_col is not None:
            site_col.notes.append(f"the site comes from the file name ({file_site})")
    else:
        source, site_note = "fixed", "TODO: neither the file name nor a column names a site"
        sites = set()

    # Date and grain
    date_col = find_date_column([c for c in columns if c.role == "ignore"])
    fmt, date_note, days = "auto", "", set()
    if date_col is not None:
        fmt, date_note = date_format(date_col.evidence)
        days = text_dates(date_col.evidence, fmt)
        if date_col.evidence.main == "month" and not days:
            date_col.notes.append("a month opsgov cannot read as a date; the file's period holds")
            date_col = None
        else:
            date_col.role = "date"
    grain_value, grain_note = grain(date_col, {}, days)

    # Queue and other categories, then measures
    queue_measure = framework.measure("queue")
    preferred = {q for s in (registry.sites if registry else []) if s.id in sites for q in s.queues}
    for column in columns:
        if column.role != "ignore" or column.evidence.main not in {"text", "mixed"}:
            continue
        if column.words.role == "@queue" and queue_measure is not None:
            column.role = "measure"
            column.reading = Reading("queue", 1.0, "direct", None, column.header)
    assign_measures(columns, framework)
    if not any(c.measure == "queue" for c in columns) and queue_measure is not None:
        queue_by_values(columns, queue_measure.values)
    for column in columns:
        measure = framework.measure(column.measure) if column.measure else None
        if measure is not None and measure.kind == "category":
            category_values(column, measure.values, preferred if measure.id == "queue" else set())
    decide_units(columns, framework)
    keys = row_keys(columns, body.rows)

    vendors = {s.vendor for s in (registry.sites if registry else []) if s.id in sites}
    vendor = next(iter(vendors)) if len(vendors) == 1 else None
    currency, currency_note = money_currency(columns, framework, sites, registry)
    sheet_name: str | None = sheet.name
    sheet_pattern: str | None = None
    sheet_note = ""
    if book.text_format is not None:
        sheet_name, sheet_note = None, "a CSV has one sheet, named after the file: none given"
    else:
        free = month_free(sheet.name)
        if free == sheet.name:
            sheet_note = "the sheet whose header names the most known columns"
        elif free is None:
            sheet_name = None
            sheet_note = (
                f"the sheet name {sheet.name!r} changes every month: none given, so the first "
                "sheet whose header fits is read"
            )
        else:
            sheet_name, sheet_pattern = None, free
            sheet_note = f"the sheet name {sheet.name!r} carries the month: matched as a pattern"
    text_options: dict[str, str] | None = None
    if book.text_format is not None:
        tf = book.text_format
        text_options = {"encoding": tf.encoding, "delimiter": tf.delimiter, "decimal": tf.decimal}
    return Draft(
        file=file,
        columns=columns,
        pattern=pattern,
        profile_id=_profile_id(pattern, vendor),
        currency=currency,
        currency_note=currency_note,
        vendor=vendor,
        sheet_name=sheet_name,
        sheet_pattern=sheet_pattern,
        sheet_note=sheet_note,
        header_row=sheet.first_row + index,
        header_note=f"the row naming the most known columns ({hits} of {len(columns)})",
        grain=grain_value,
        grain_note=grain_note,
        site_source=source,
        site_column=site_col.header if site_col is not None and site_col.role == "site" else None,
        site_value=None,
        site_map=site_map if source == "column" else {},
        site_guesses=site_guesses if source == "column" else {},
        site_note=site_note,
        date_column=date_col.header if date_col is not None else None,
        date_format=fmt,
        date_note=date_note,
        date_why=_date_why(date_col),
        text=text_options,
        skip_notes=body.notes,
        keys=keys,
    )
