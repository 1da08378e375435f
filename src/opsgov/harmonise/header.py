"""Find the header row of a vendor's sheet and map its columns to measures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from opsgov.harmonise.text import norm
from opsgov.models.profile import ColumnMap, Profile


def _synonyms(profile: Profile) -> dict[str, str]:
    """Normalised header -> role: a measure id, or `@date`, `@site`, `@queue`, `@ignore`."""
    out: dict[str, str] = {}
    for column in profile.columns:
        for header in column.headers:
            out.setdefault(norm(header), column.measure)
    if profile.date.column:
        for header in [profile.date.column, *profile.date.headers]:
            out.setdefault(norm(header), "@date")
    if profile.site.source == "column" and profile.site.column:
        out.setdefault(norm(profile.site.column), "@site")
    if profile.queue:
        out.setdefault(norm(profile.queue), "@queue")
    for header in profile.keys:
        out.setdefault(norm(header), "@key:" + header)
    for header in profile.ignore:
        out.setdefault(norm(header), "@ignore")
    out.pop("", None)
    return out


def find_header(rows: Sequence[Sequence[object]], profile: Profile) -> int | None:
    """Index of the first row (within `search_rows`) naming enough known columns.

    Title banners (one merged cell), notes and blank rows name at most one or two and are
    passed over.
    """
    known = _synonyms(profile)
    need = min(profile.header.min_matches, len({v for v in known.values() if v != "@ignore"}))
    for index, row in enumerate(rows[: profile.header.search_rows]):
        hits = {
            known[key] for cell in row if isinstance(cell, str) and (key := norm(cell)) in known
        }
        if len(hits - {"@ignore"}) >= need:
            return index
    return None


@dataclass
class ColumnPlan:
    """Which sheet column (0-based index within the row) holds what."""

    measures: dict[str, tuple[int, ColumnMap, str]] = field(default_factory=dict)
    date: int | None = None
    site: int | None = None
    queue: int | None = None
    keys: dict[str, int] = field(default_factory=dict)
    """Key column header (as in the profile) -> index."""
    unmapped: list[tuple[int, str]] = field(default_factory=list)
    missing: list[ColumnMap] = field(default_factory=list)
    duplicates: list[tuple[int, str, str]] = field(default_factory=list)
    """(index, header, role) of a second column claiming a role already taken."""
    headers: list[str] = field(default_factory=list)


def plan_columns(header: Sequence[object], profile: Profile) -> ColumnPlan:
    """Map each header cell to its role; list unmapped headers and profile columns not found."""
    known = _synonyms(profile)
    by_measure = {c.measure: c for c in profile.columns}
    plan = ColumnPlan(headers=["" if h is None else str(h).strip() for h in header])
    taken: set[str] = set()
    for index, text in enumerate(plan.headers):
        if not text:
            continue
        role = known.get(norm(text))
        if role is None:
            plan.unmapped.append((index, text))
            continue
        if role == "@ignore":
            continue
        if role in taken:
            plan.duplicates.append((index, text, role))
            continue
        taken.add(role)
        if role == "@date":
            plan.date = index
        elif role == "@site":
            plan.site = index
        elif role == "@queue":
            plan.queue = index
        elif role.startswith("@key:"):
            plan.keys[role.removeprefix("@key:")] = index
        else:
            plan.measures[role] = (index, by_measure[role], text)
    plan.missing = [c for c in profile.columns if c.measure not in plan.measures]
    return plan
