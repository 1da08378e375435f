"""FX rates: `period,from_currency,to_currency,rate` (an amount in `from` times `rate` is `to`)."""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from opsgov.issues import Issue, Location, make_issue
from opsgov.reference import is_currency

COLUMNS = ("period", "from_currency", "to_currency", "rate")


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
    if tuple(header[:4]) != COLUMNS:
        return table, [
            make_issue(
                "K400",
                f"the header is {', '.join(header) or 'missing'}; expected {', '.join(COLUMNS)}",
                location=Location(file=display, line=1, column=1),
            )
        ]
    for line, row in enumerate(reader, start=2):
        if not row or all(not c.strip() for c in row):
            continue
        period, source, target, rate_text = ([*row, "", "", "", ""])[:4]
        period, source, target = period.strip(), source.strip().upper(), target.strip().upper()
        try:
            rate = float(rate_text)
        except ValueError:
            rate = math.nan
        problem = None
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            problem = f"period {period!r} is not YYYY-MM"
        elif not (is_currency(source) and is_currency(target)):
            problem = f"{source!r} or {target!r} is not an ISO 4217 currency code"
        elif not math.isfinite(rate) or rate <= 0:
            problem = f"rate {rate_text!r} is not a positive number"
        if problem:
            issues.append(
                make_issue("K401", problem, location=Location(file=display, line=line, column=1))
            )
            continue
        table.rates[(period, source, target)] = rate
    return table, issues
