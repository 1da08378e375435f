"""FX rates: `period,from_currency,to_currency,rate` (an amount in `from` times `rate` is `to`).

`FX_SHAPE` (in the workspace model) is the one description of the file: the workspace schema,
the catalogue and the messages all quote it, and a test holds it to the header read here.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from opsgov.issues import Issue, Location, make_issue
from opsgov.models.workspace import FX_COLUMNS, FX_SHAPE
from opsgov.reference import is_currency

COLUMNS, SHAPE = FX_COLUMNS, FX_SHAPE
MIN_RATE, MAX_RATE = 1e-9, 1e9
"""Rates outside this band are typing mistakes: the widest real pair (a currency of
hyperinflation against a strong one) is within about 1e6 either way."""


@dataclass
class FxTable:
    """Rates by (period, from, to)."""

    rates: dict[tuple[str, str, str], float] = field(default_factory=dict)

    def rate(self, period: str, source: str, target: str) -> float | None:
        """The rate for a period, or None; 1.0 from a currency to itself."""
        if source == target:
            return 1.0
        direct = self.rates.get((period, source, target))
        if direct is not None:
            return direct
        inverse = self.rates.get((period, target, source))
        return 1.0 / inverse if inverse else None


def load_fx(path: Path, display: str) -> tuple[FxTable, list[Issue]]:
    """Read the FX file; every bad row is a finding, never a crash."""
    table, issues = FxTable(), []
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return table, [
            make_issue("K400", f"cannot read the FX rates: {exc}", location=Location(file=display))
        ]
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    where_is = {name: header.index(name) for name in COLUMNS if name in header}
    if len(where_is) < len(COLUMNS):
        return table, [_header_issue(header, display)]
    order = [where_is[name] for name in COLUMNS]
    first_line: dict[tuple[str, str, str], int] = {}
    duplicated: set[tuple[str, str, str]] = set()
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        cells = [*row, *[""] * (len(header) - len(row))]
        period, source, target, rate_text = (cells[i] for i in order)
        period, source, target = period.strip(), source.strip().upper(), target.strip().upper()
        problem = _row_problem(period, source, target, rate_text)
        where = Location(file=display, line=line, column=1)
        if problem:
            issues.append(make_issue("K401", problem, location=where))
            continue
        pair = (period, *sorted((source, target)))
        key = (pair[0], pair[1], pair[2])
        if key in first_line:
            issues.append(
                make_issue(
                    "K425",
                    f"a second rate for {source}/{target} in {period}: line "
                    f"{first_line[key]} already gives one (as either {source}->{target} or "
                    f"{target}->{source}); neither is used",
                    location=where,
                    hint="Keep one row per period and currency pair.",
                )
            )
            duplicated.add(key)
            continue
        first_line[key] = line
        table.rates[(period, source, target)] = float(rate_text)
    for period, one, other in duplicated:
        table.rates.pop((period, one, other), None)
        table.rates.pop((period, other, one), None)
    return table, issues


def _header_issue(header: list[str], display: str) -> Issue:
    """K400 for a header without the four columns, with the row to write instead."""
    missing = [name for name in COLUMNS if name not in header]
    found = ",".join(header) if any(header) else "nothing"
    hint = f"The FX rates file is {SHAPE}."
    if "currency" in header:
        hint += (
            " A file of rates to the reporting currency (`period,currency,rate`) becomes "
            "`period,from_currency,to_currency,rate` with the reporting currency as to_currency."
        )
    return make_issue(
        "K400",
        f"the header is {found}; it lacks {', '.join(missing)}",
        location=Location(file=display, line=1, column=1),
        found=found,
        expected=",".join(COLUMNS),
        hint=hint,
    )


def _row_problem(period: str, source: str, target: str, rate_text: str) -> str | None:
    """Why a row of the FX file cannot be used, or None."""
    shown = rate_text if len(rate_text) <= 40 else rate_text[:39] + "…"
    try:
        rate = float(rate_text)
    except ValueError:
        rate = math.nan
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        return f"period {period[:20]!r} is not YYYY-MM"
    if not (is_currency(source) and is_currency(target)):
        return f"{source[:10]!r} or {target[:10]!r} is not an ISO 4217 currency code"
    if source == target:
        return f"a rate from {source} to itself"
    if not math.isfinite(rate) or rate <= 0:
        return f"rate {shown!r} is not a positive number"
    if not MIN_RATE <= rate <= MAX_RATE:
        return f"rate {shown!r} is outside {MIN_RATE:g} to {MAX_RATE:g}: a typing mistake?"
    return None


def no_rate_issue(
    site: str, currency: str, reporting: str, period: str, fx_file: str | None
) -> Issue:
    """K402: a site's currency has no rate to the reporting currency for the period."""
    return make_issue(
        "K402",
        f"no rate from {currency} to {reporting} for {period}: "
        f"{site}'s money measures have no value",
        location=Location(file=fx_file or "opsgov.yaml"),
        found=currency,
        hint=f"Add the row `{period},{currency},{reporting},RATE` to the FX rates file.",
    )
