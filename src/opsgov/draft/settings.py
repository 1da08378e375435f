"""File settings of a draft: name pattern, sheet, header row, data rows, site, date and grain."""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from opsgov.draft.evidence import Evidence
from opsgov.draft.match import SURE, readings
from opsgov.draft.plan import Column
from opsgov.draft.words import fold, read_header
from opsgov.harmonise.text import is_total_label, norm
from opsgov.harmonise.values import CellProblemError, date_value, is_blank, numeric_date_order
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry

_PERIOD = re.compile(r"(\d{4})[-_]?(0[1-9]|1[0-2])(?!\d)")
_MONTH_WORDS = frozenset(
    # month names and abbreviations: en, es, pt, fr, de, it, id/ms, tl
    {
        "jan",
        "january",
        "ene",
        "enero",
        "janv",
        "janvier",
        "januar",
        "gennaio",
        "januari",
        "feb",
        "february",
        "febrero",
        "fev",
        "fevereiro",
        "fevrier",
        "februar",
        "febbraio",
        "februari",
        "pebrero",
        "mar",
        "march",
        "marzo",
        "marco",
        "mars",
        "marz",
        "maret",
        "apr",
        "april",
        "abr",
        "abril",
        "avr",
        "avril",
        "aprile",
        "may",
        "mayo",
        "maio",
        "mai",
        "maggio",
        "mei",
        "jun",
        "june",
        "junio",
        "junho",
        "juin",
        "juni",
        "giugno",
        "hunyo",
        "jul",
        "july",
        "julio",
        "julho",
        "juil",
        "juillet",
        "juli",
        "luglio",
        "hulyo",
        "aug",
        "august",
        "ago",
        "agosto",
        "aout",
        "agustus",
        "ogos",
        "sep",
        "sept",
        "september",
        "septiembre",
        "setembro",
        "septembre",
        "settembre",
        "setyembre",
        "oct",
        "october",
        "octubre",
        "outubro",
        "octobre",
        "oktober",
        "ottobre",
        "okt",
        "oktubre",
        "nov",
        "november",
        "noviembre",
        "novembro",
        "novembre",
        "nobyembre",
        "dec",
        "december",
        "diciembre",
        "dezembro",
        "decembre",
        "dezember",
        "dicembre",
        "desember",
        "disyembre",
    }
)
_ISO = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")


def file_pattern(name: str, site_ids: Iterable[str]) -> tuple[str, str | None]:
    """The file name with its period and site id turned into placeholders, and the site."""
    pattern = _PERIOD.sub("{period}", name, count=1)
    for site in sorted(site_ids, key=len, reverse=True):
        found = re.search(rf"(?<![A-Za-z0-9]){re.escape(site)}(?![A-Za-z0-9])", pattern, re.I)
        if found:
            return pattern[: found.start()] + "{site}" + pattern[found.end() :], site
    return pattern, None


def month_free(name: str) -> str | None:
    """A sheet name with its month and year turned into `*`; None when nothing else is left."""
    parts = re.split(r"([A-Za-zÀ-ÿ]+|\d+)", name)
    out = []
    for part in parts:
        word = fold(part)
        if word in _MONTH_WORDS or re.fullmatch(r"(19|20)\d{2}(0[1-9]|1[0-2])?|\d{1,2}", word):
            out.append("*")
        else:
            out.append(part)
    text = re.sub(r"\*[\s\-_/.*]*\*", "*", "".join(out))
    if text == name:
        return name
    return text if re.search(r"[A-Za-z]{2,}", text.replace("*", "")) else None


def header_hits(row: Sequence[object], framework: Framework) -> int:
    """How many cells of a row read as a role or a measure."""
    hits = 0
    empty = Evidence()
    for cell in row:
        if not isinstance(cell, str) or not any(ch.isalpha() for ch in cell):
            continue
        words = read_header(cell.strip())
        if words.role or any(r.score >= SURE for r in readings(words, empty, framework)[:1]):
            hits += 1
    return hits


def guess_header(rows: Sequence[Sequence[object]], framework: Framework) -> tuple[int | None, int]:
    """Index of the likely header row among the first 50, and how many cells it names."""
    best, best_hits = None, 1
    for index, row in enumerate(rows[:50]):
        hits = header_hits(row, framework)
        if hits > best_hits:
            best, best_hits = index, hits
    if best is not None:
        return best, best_hits
    width = max((sum(1 for c in r if not is_blank(c)) for r in rows[:50]), default=0)
    for index, row in enumerate(rows[:50]):
        texts = sum(1 for c in row if isinstance(c, str) and c.strip())
        if width and texts >= max(2, width * 0.6):
            return index, 0
    return None, 0


@dataclass
class DataRows:
    """The data rows under the header, and the lines around them that are not data."""

    rows: list[Sequence[object]]
    notes: list[str] = field(default_factory=list)
    """First words of note lines (`Notes: ...`, `Source: ...`) to skip."""
    skipped: list[str] = field(default_factory=list)
    """The texts of the note and total lines left out."""


def data_rows(body: Sequence[Sequence[object]]) -> DataRows:
    """Rows that hold data: blank rows, total rows and one-cell note lines left out."""
    out = DataRows(rows=[])
    for row in body:
        filled = [c for c in row if c is not None and c != "" and not is_blank(c)]
        if not filled:
            continue
        first = filled[0]
        if any(isinstance(c, str) and is_total_label(c) for c in row[:3]):
            out.skipped.extend(c.strip() for c in row[:3] if isinstance(c, str))
            continue
        if len(filled) == 1 and isinstance(first, str) and len(row) > 2:
            word = re.split(r"[\s:]+", first.strip(), maxsplit=1)[0]
            if word and word not in out.notes:
                out.notes.append(word)
            out.skipped.append(first.strip())
            continue
        out.rows.append(row)
    return out


# Roles -----------------------------------------------------------------------------------------


def site_lookup(registry: Registry | None) -> dict[str, str]:
    """Normalised site ids and names -> site id."""
    if registry is None:
        return {}
    out: dict[str, str] = {}
    for site in registry.sites:
        out.setdefault(norm(site.id), site.id)
    for site in registry.sites:
        out.setdefault(norm(site.name), site.id)
    return out


def resolve_site(text: str, registry: Registry | None) -> tuple[str | None, str]:
    """The registry site a vendor's site text names, and how it was found."""
    if registry is None:
        return None, ""
    key = norm(text)
    for site in registry.sites:
        if key == norm(site.id):
            return site.id, "its id"
    words = set(fold(text).split())
    for site in registry.sites:
        if site.id.lower() in words:
            return site.id, "the id in it"
    for site in registry.sites:
        name = set(fold(site.name).split())
        if name and name <= words:
            return site.id, f"the site name {site.name!r}"
    return None, ""


def closest_site(text: str, registry: Registry | None) -> str | None:
    """The registry site whose vendor and name read most like `text`, if any is close."""
    if registry is None:
        return None
    vendors = {v.id: v.name for v in registry.vendors}
    key = fold(text)
    best: tuple[float, str] | None = None
    for site in registry.sites:
        for name in (site.name, f"{vendors.get(site.vendor, '')} {site.name}"):
            score = difflib.SequenceMatcher(None, key, fold(name)).ratio()
            words = set(fold(name).split()) & set(key.split())
            score += 0.1 * len(words)
            initials = "".join(w[0] for w in fold(site.name).split())
            if len(initials) > 1 and initials in key.split():
                score += 0.5  # "KL" for Kuala Lumpur
            stem = re.sub(r"\d+$", "", site.id).lower()
            if len(stem) > 1 and stem in key.split():
                score += 0.6  # "JKT office" for JKT1: the city code of the id
            if best is None or score > best[0]:
                best = (score, site.id)
    return best[1] if best and best[0] >= 0.5 else None


def find_site_column(columns: list[Column], registry: Registry | None) -> Column | None:
    """The column whose values name registry sites, or whose header says site."""
    best: tuple[float, Column] | None = None
    for column in columns:
        ev = column.evidence
        if ev.main not in {"text", "mixed"} or not ev.texts:
            continue
        found = [resolve_site(t, registry)[0] for t in ev.texts]
        share = sum(1 for f in found if f) / len(found)
        score = share + (0.5 if column.words.role == "@site" else 0.0)
        if (share >= 0.5 or column.words.role == "@site") and (best is None or score > best[0]):
            best = (score, column)
    return best[1] if best else None


def find_date_column(columns: list[Column]) -> Column | None:
    """The column of dates: by header and by values."""
    dated = [c for c in columns if c.evidence.main in {"date", "month"}]
    named = [c for c in dated if c.words.role in {"@date", "@month"}]
    found = named or dated
    return found[0] if found else None


def date_format(ev: Evidence) -> tuple[str, str]:
    """The profile's date format for a column, and why."""
    if ev.main == "month":
        return "month_name", "the month is written in words"
    if not ev.date_texts:
        return "auto", "real spreadsheet dates"
    if all(_ISO.match(t) for t in ev.date_texts):
        return "iso", "dates written year-month-day"
    order = numeric_date_order(ev.date_texts)
    if order == "day_first":
        return "day_first", "dates written day/month/year (a first part above 12)"
    if order == "month_first":
        return "month_first", "dates written month/day/year (a second part above 12)"
    return "auto", "TODO: no date settles day/month order; set day_first or month_first"


def grain(date: Column | None, site_rows: dict[str, int], days: set[dt.date]) -> tuple[str, str]:
    """day, week or month, and why."""
    if date is None:
        return "month", "no date column: each row covers the month"
    if date.evidence.main == "month":
        return "month", "the date column names a month"
    if len(days) <= 1:
        return "month", "every row carries the same date: one row per site for the month"
    ordered = sorted(days)
    gaps = {(b - a).days for a, b in itertools.pairwise(ordered)}
    if gaps and all(g % 7 == 0 for g in gaps):
        return "week", "the dates are a week apart"
    return "day", f"{len(days)} distinct dates: one row per day"


def text_dates(ev: Evidence, fmt: str) -> set[dt.date]:
    """The distinct dates of a column, text dates parsed with `fmt`."""
    out = set(ev.dates)
    for text in ev.date_texts or (ev.texts if ev.main == "month" else []):
        try:
            out.add(date_value(text, fmt))  # type: ignore[arg-type]
        except CellProblemError:
            continue
    return out
