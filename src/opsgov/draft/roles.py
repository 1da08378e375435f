"""Columns that are neither measures nor the date or site: currency, row keys, the queue.

A money column or a one-valued currency column may name a currency the registry does not
give the file's sites; rows that repeat for a site, date and queue need a key column; a text
column of the framework's queue names is the queue column even under an unknown header.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from opsgov.draft.match import Reading, value_matches
from opsgov.draft.plan import Column
from opsgov.draft.words import fold
from opsgov.models.framework import Framework
from opsgov.models.registry import Registry

_SYMBOLS = {"R$": "BRL", "€": "EUR", "£": "GBP", "₱": "PHP", "₹": "INR", "Rp": "IDR",
            "RM": "MYR", "S/": "PEN"}  # fmt: skip
_ISO = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")


def currency(
    columns: list[Column], framework: Framework, sites: set[str], registry: Registry | None
) -> tuple[str | None, str]:
    """The profile's `currency` when the money columns say one the sites' registry does not."""
    money = [
        c for c in columns
        if c.role == "measure" and c.measure
        and (m := framework.measure(c.measure)) is not None and m.kind == "money"
    ]  # fmt: skip
    if not money or registry is None:
        return None, ""
    named: set[str] = set()
    for column in money:
        named.update(_ISO.findall(column.header))
        named.update(code for sym, code in _SYMBOLS.items() if sym in column.header)
    for column in columns:
        texts = column.evidence.texts
        if column.role == "ignore" and texts and all(_ISO.fullmatch(t) for t in texts):
            named.update(texts)
            if len(texts) > 1:
                column.notes.append("a currency per row: the registry's currency of each site")
                return None, ""
    site_currencies = {s.currency for s in registry.sites if s.id in sites}
    if len(named) != 1:
        return None, ""
    code = next(iter(named))
    if not site_currencies:
        return None, f"money is in {code}; TODO: check it is each site's registry currency"
    if site_currencies == {code}:
        return None, f"money is in {code}, the registry's currency of the file's sites"
    return code, (
        f"money is written in {code}; the registry says "
        + ", ".join(sorted(site_currencies))
        + " for the file's sites: amounts are converted from "
        + code
    )


_KEY_WORDS = frozenset({"agent", "employee", "staff", "user", "login", "id", "name", "people"})


def row_keys(columns: list[Column], rows: Sequence[Sequence[object]]) -> list[str]:
    """A column that tells apart rows sharing site, date and queue (an agent id), if needed."""
    fixed = [c.index for c in columns if c.role in {"site", "date"} or c.measure == "queue"]
    if not fixed or not rows:
        return []

    def cell(row: Sequence[object], i: int) -> object:
        return row[i] if i < len(row) else None

    base = [tuple(cell(r, i) for i in fixed) for r in rows]
    if len(set(base)) == len(base):
        return []
    candidates = [c for c in columns if c.role == "ignore" and c.evidence.filled == len(rows)]
    candidates.sort(key=lambda c: not (set(fold(c.header).split()) & _KEY_WORDS))
    for column in candidates:
        keyed = {(*b, cell(r, column.index)) for b, r in zip(base, rows, strict=True)}
        if len(keyed) == len(base):
            column.role = "key"
            column.notes.append(
                "rows repeat for a site, date and queue; this column tells them apart"
            )
            return [column.header]
    return []


def queue_by_values(columns: list[Column], allowed: list[str]) -> None:
    """A text column most of whose values are the framework's queues is the queue column."""
    for column in columns:
        if column.role not in {"ignore", "choice"} or column.evidence.main != "text":
            continue
        texts = column.evidence.texts
        if not texts:
            continue
        matches = value_matches(texts, allowed)
        sure = sum(1 for v, s in matches.values() if s >= 0.9)
        if sure >= max(1, len(texts) / 2):
            column.role = "measure"
            column.reading = Reading("queue", 0.9, "direct", None, "its values")
            column.notes.append("its values are the framework's queues")
            return
