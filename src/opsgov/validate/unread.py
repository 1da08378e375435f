"""A file that could not be read: its cause first, then one line per site for what it lacks.

An empty file, a CSV saved as `.xlsx` for a profile that wants a sheet, a damaged workbook:
its profile reads nothing from it, so every measure it would have given its sites is missing
from their month. Reported one measure at a time (V323) or as a site that sent nothing (V314),
those are symptoms, many lines long, that tell the reader nothing the cause does not. They are
folded into one V343 per site and file, at the file, after its cause: what the site's month
lacks because of it, and that fixing the cause is the fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from opsgov.harmonise.table import Block
from opsgov.inbox import Match
from opsgov.issues import Issue, Location, make_issue
from opsgov.models.framework import NUMERIC_KINDS, Framework
from opsgov.models.registry import Registry, Site

SYMPTOMS = frozenset({"V314", "V323"})
"""Completeness findings that an unread file explains (each names its site in `found`)."""


@dataclass(frozen=True)
class Unread:
    """A file its profile could read nothing from."""

    file: str
    match: Match
    cause: Issue
    """The first error reading it: why nothing was read."""


def _may_hold(unread: Unread, site: Site) -> bool:
    """Whether the unread file could have held the site's rows."""
    spec = unread.match.profile.site
    if spec.source == "filename":
        return unread.match.site == site.id
    if spec.source == "fixed":
        return spec.value == site.id
    return unread.match.profile.vendor in (None, site.vendor)


def fold_unread(
    issues: Sequence[Issue],
    unread: Mapping[str, Unread],
    blocks: Sequence[Block],
    registry: Registry,
    framework: Framework,
) -> list[Issue]:
    """The completeness findings, with those an unread file explains folded into V343."""
    flagged = {i.found for i in issues if i.code in SYMPTOMS and i.found}
    if not unread or not flagged:
        return list(issues)
    supplied: dict[str, set[str]] = {}
    for block in blocks:
        for site_id in set(block.site):
            if site_id is not None:
                supplied.setdefault(site_id, set()).update(block.measures)
    numeric = {m.id for m in framework.measures if m.kind in NUMERIC_KINDS}
    folded: list[Issue] = []
    explained: set[str] = set()
    for site in registry.sites:
        if site.id not in flagged:
            continue
        for entry in unread.values():
            if not _may_hold(entry, site):
                continue
            have = supplied.get(site.id, set())
            mapped = [m for c in entry.match.profile.columns for m in c.fills]
            lost = [m for m in dict.fromkeys(mapped) if m in numeric and m not in have]
            if lost:
                folded.append(_lacks(site, entry, lost))
                explained.add(site.id)
    kept = [i for i in issues if not (i.code in SYMPTOMS and i.found in explained)]
    return [*kept, *folded]


def _lacks(site: Site, entry: Unread, lost: Sequence[str]) -> Issue:
    names = [f"`{m}`" for m in lost]
    shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
    noun = "measure" if len(lost) == 1 else f"{len(lost)} measures"
    return make_issue(
        "V343",
        f"{site.id}'s month lacks the {noun} this file would have supplied, as it could not "
        f"be read ({entry.cause.code}): {shown}",
        location=Location(file=entry.file),
        found=site.id,
        expected=f"the {entry.cause.code} above fixed",
        hint=f"Fix the {entry.cause.code} above and validate again; what else "
        f"{site.id}'s month lacks can be told once this file is read.",
    )
