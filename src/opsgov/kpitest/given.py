"""A KPI test's given rows as harmonised blocks: inline rows, or files read through a profile."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from opsgov.harmonise.table import Block, Source
from opsgov.issues import Issue, make_issue
from opsgov.models.framework import NUMERIC_KINDS
from opsgov.models.kpitest import GivenSite, KpiTest
from opsgov.pipeline import Definitions, ValidationRun, excluding_invalid, validate_with
from opsgov.yamlio import YamlDocument


def _inline(
    given: GivenSite, index: int, test: KpiTest, doc: YamlDocument, defs: Definitions
) -> tuple[Block | None, list[Issue]]:
    numeric = {m.id for m in defs.framework.measures if m.kind in NUMERIC_KINDS}
    issues: list[Issue] = []
    lines: list[int] = []
    dates: list[int] = []
    queues: list[str | None] = []
    values: dict[str, list[float]] = {}
    for r, row in enumerate(given.rows):
        where = ("given", index, "rows", r)
        lines.append(doc.locate(where).line or 0)
        day = row.get("date")
        if isinstance(day, dt.date):
            dates.append(day.toordinal())
        elif isinstance(day, str):
            try:
                dates.append(dt.date.fromisoformat(day).toordinal())
            except ValueError:
                issues.append(_bad(doc, (*where, "date"), f"`{day}` is not a date (YYYY-MM-DD)"))
                dates.append(0)
        else:
            dates.append(0)
        queue = row.get("queue")
        queues.append(str(queue) if queue is not None else None)
        for key, value in row.items():
            if key in ("date", "queue"):
                continue
            if key not in numeric:
                issues.append(
                    _bad(doc, (*where, key), f"`{key}` is not a numeric measure of the framework")
                )
                continue
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                issues.append(_bad(doc, (*where, key), f"`{key}: {value!r}` is not a number"))
                continue
            values.setdefault(key, [math.nan] * len(given.rows))
    for r, row in enumerate(given.rows):
        for key, column in values.items():
            value = row.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                column[r] = float(value)
    if issues:
        return None, issues
    source = Source(file=doc.file, sheet=f"given[{index}]", profile="inline", header_row=0)
    block = Block(
        source=source,
        rows=np.array(lines, dtype=np.int64),
        site=[given.site] * len(given.rows),
        date=np.array(dates, dtype=np.int64),
        queue=queues,
        measures={k: np.array(v, dtype=np.float64) for k, v in values.items()},
    )
    return block, []


def _bad(doc: YamlDocument, path: tuple[str | int, ...], message: str) -> Issue:
    return make_issue("D190", message, location=doc.locate(path))


def given_blocks(
    test: KpiTest, doc: YamlDocument, defs: Definitions, folder: Path
) -> tuple[dict[str, list[Block]], list[Issue], list[Issue]]:
    """The test's blocks by month, the problems of the test file, and the findings of its rows.

    Files are read and checked as `opsgov validate` reads and checks them, through the named
    profile, and their rows with errors are left out as `opsgov score --allow-invalid` leaves
    them out; rows get the site given (the profile's own site rule is kept when it finds one
    in the file).
    """
    by_month: dict[str, list[Block]] = {p: [] for p in test.periods()}
    problems: list[Issue] = []
    findings: list[Issue] = []
    profiles = {p.id: p for p in defs.profiles}
    for index, given in enumerate(test.given):
        period = given.period or test.period
        blocks = by_month[period]
        if defs.registry.site(given.site) is None:
            problems.append(
                make_issue(
                    "D189",
                    f"site `{given.site}` is not in the registry",
                    location=doc.locate(("given", index, "site")),
                )
            )
            continue
        if given.file is None:
            block, issues = _inline(given, index, test, doc, defs)
            problems.extend(issues)
            if block is not None:
                blocks.append(block)
            continue
        profile = profiles.get(given.profile or "")
        path = folder / given.file
        if profile is None or not path.is_file():
            what = (
                f"the workspace has no intake profile `{given.profile}`"
                if profile is None
                else f"`{given.file}` does not exist"
            )
            key = "profile" if profile is None else "file"
            problems.append(make_issue("D191", what, location=doc.locate(("given", index, key))))
            continue
        display = defs.name(path)
        read, issues = validate_with(defs, path, profile, display, period)
        findings.extend(issues)
        # As `opsgov score --allow-invalid` does: rows with errors are left out.
        kept, _ = excluding_invalid(ValidationRun(period, blocks=read, issues=issues))
        for block in kept:
            block.site[:] = [site or given.site for site in block.site]
            blocks.append(block)
    return by_month, problems, findings


def sites_of(blocks: Sequence[Block]) -> set[str]:
    """The sites with rows."""
    return {s for b in blocks for s in b.site if s is not None}
