"""Each site's submission for a period: the files it sent, their findings, missing or late.

- **missing**: a live site that sent no file for the period (finding V314), or whose files
  leave out a measure it reports (V323; V331 when a whole file of the month is missing; V300
  when a file lacks a required column: part of its submission is missing);
- **invalid**: a submission with errors in its files (findings at error severity, other than
  the two above); a missing submission may have errors too, and is reported as missing;
- **late**: a site that was missing when the period was first recorded and sent its files
  before a later re-score (worked out by the history store from the earlier run).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from opsgov.harmonise.table import Block
from opsgov.issues import Issue, Severity
from opsgov.models.results import Scorecard

SubmissionStatus = Literal["ok", "late", "invalid", "missing"]
MISSING_CODES = frozenset({"V314", "V323", "V331"})
"""Findings that mean a site's submission (or part of it) never arrived."""


@dataclass(frozen=True)
class Submission:
    """One site's submission for a period."""

    site: str
    vendor: str
    region: str
    files: int
    errors: int
    warnings: int
    missing: bool
    late: bool = False

    @property
    def status(self) -> SubmissionStatus:
        """missing, invalid (has errors), late, or ok."""
        if self.missing:
            return "missing"
        if self.errors:
            return "invalid"
        return "late" if self.late else "ok"


def _sites_by_file(blocks: Sequence[Block], named: Mapping[str, str | None]) -> dict[str, set[str]]:
    by_file: dict[str, set[str]] = {}
    for block in blocks:
        by_file.setdefault(block.source.file, set()).update(s for s in set(block.site) if s)
    for file, site in named.items():
        if site:
            by_file.setdefault(file, set()).add(site)
    return by_file


def _row_sites(blocks: Sequence[Block], issues: Sequence[Issue]) -> dict[tuple[str, str, int], str]:
    """The site of each sheet row a finding points at (only those rows: a month has millions)."""
    wanted: dict[tuple[str, str], set[int]] = {}
    for issue in issues:
        loc = issue.location
        if loc is not None and loc.sheet is not None and loc.row is not None:
            wanted.setdefault((loc.file, loc.sheet), set()).add(loc.row)
    out: dict[tuple[str, str, int], str] = {}
    for block in blocks:
        rows = wanted.get((block.source.file, block.source.sheet))
        if not rows:
            continue
        hits = np.flatnonzero(np.isin(block.rows, np.fromiter(rows, np.int64, len(rows))))
        for i in hits.tolist():
            site = block.site[i]
            if site:
                out[(block.source.file, block.source.sheet, int(block.rows[i]))] = site
    return out


def _issue_sites(
    issue: Issue,
    by_file: Mapping[str, set[str]],
    by_row: Mapping[tuple[str, str, int], str],
    known: set[str],
) -> set[str]:
    if issue.code in {"V314", "V318", "V343"}:
        return {issue.found} & known if issue.found else set()
    if issue.code == "V323":
        return {issue.found} & known if issue.found else set()
    if issue.code == "V331":
        return set((issue.found or "").split(", ")) & known
    loc = issue.location
    if loc is None:
        return set()
    if loc.sheet is not None and loc.row is not None:
        site = by_row.get((loc.file, loc.sheet, loc.row))
        if site is not None:
            return {site}
    return set(by_file.get(loc.file, set()))


def submissions(
    card: Scorecard,
    blocks: Sequence[Block],
    issues: Iterable[Issue],
    named: Mapping[str, str | None] | None = None,
) -> list[Submission]:
    """Every site of the scorecard with the files it sent and their findings.

    Args:
        card: The period's scorecard (its site scopes are the sites expected).
        blocks: The harmonised blocks read for the period.
        issues: The period's findings from intake and validation.
        named: File -> the site its name says, for files that gave no rows.

    Returns:
        One submission per site, in the scorecard's order.
    """
    sites = [s for s in card.scopes if s.level == "site" and s.queue is None]
    known = {s.id for s in sites}
    by_file = _sites_by_file(blocks, named or {})
    issues = list(issues)
    by_row = _row_sites(blocks, issues)
    errors: dict[str, int] = dict.fromkeys(known, 0)
    warnings: dict[str, int] = dict.fromkeys(known, 0)
    missing: set[str] = set()
    for issue in issues:
        for site in _issue_sites(issue, by_file, by_row, known):
            if issue.code in MISSING_CODES or issue.code == "V300":
                missing.add(site)  # a required column missing (V300) is an error as well
            if issue.code in MISSING_CODES:
                continue
            if issue.severity == Severity.ERROR:
                errors[site] += 1
            elif issue.severity == Severity.WARNING:
                warnings[site] += 1
    files = {site: sum(1 for f in by_file.values() if site in f) for site in known}
    return [
        Submission(
            site=s.id,
            vendor=s.vendor or "",
            region=s.region or "",
            files=files[s.id],
            errors=errors[s.id],
            warnings=warnings[s.id],
            missing=s.id in missing,
        )
        for s in sites
    ]
