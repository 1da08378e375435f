"""Harmonise one sheet through one profile: header, columns, rows to skip, conversions."""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from opsgov.harmonise.columns import BadCell, Column, date_column, numeric_column, text_column
from opsgov.harmonise.header import ColumnPlan, find_header, plan_columns
from opsgov.harmonise.skipped import Selection, describe_skipped, select_rows
from opsgov.harmonise.table import Block, BoolArray, FloatArray, Source, within_cap
from opsgov.harmonise.text import norm
from opsgov.harmonise.vector import pick
from opsgov.issues import Issue, Location, Severity, make_issue, spec
from opsgov.models.framework import Framework
from opsgov.models.profile import Profile


class SheetLike(Protocol):
    """What harmonising needs of a raw sheet."""

    @property
    def name(self) -> str:
        """Sheet name."""
        ...

    @property
    def rows(self) -> Sequence[Sequence[object]]:
        """Cell values, row by row."""
        ...

    @property
    def first_row(self) -> int:
        """1-based sheet row of rows[0]."""
        ...

    @property
    def first_col(self) -> int:
        """1-based sheet column of rows[i][0]."""
        ...


@dataclass(frozen=True)
class Context:
    """What a sheet is harmonised against."""

    file: str
    profile: Profile
    framework: Framework
    site: str | None = None
    """The site from the file name, when the profile takes it from there."""
    date_system: int = 1900
    decimal: str = "."
    max_findings: int | None = None
    """At most this many findings of one column's cells are built; the rest are counted."""


def _transposed(body: Sequence[Sequence[object]]) -> list[tuple[object, ...]]:
    """The rows as columns, short rows (delimited text) padded with None."""
    return list(itertools.zip_longest(*body)) if body else []


def _cells(columns: Sequence[Column], kept: list[int] | None, n: int) -> Callable[[int], Column]:
    """A getter of one column's cells in the kept rows."""

    def cells_of(index: int) -> Column:
        if index >= len(columns):
            return [None] * n
        column = columns[index]
        return column if kept is None else pick(column, kept)

    return cells_of


def _structure_issues(
    ctx: Context, sheet: SheetLike, plan: ColumnPlan, header_row: int
) -> Iterator[Issue]:
    def at(index: int) -> Location:
        return Location(
            file=ctx.file, sheet=sheet.name, row=header_row, col=sheet.first_col + index
        )

    present = [h for h in plan.headers if h]
    for column in plan.missing:
        measure = ctx.framework.measure(column.measure)
        required = (
            column.required if column.required is not None else bool(measure and measure.required)
        )
        close = difflib.get_close_matches(
            norm(column.headers[0]), [norm(h) for h in present], n=1, cutoff=0.5
        )
        closest = next((h for h in present if close and norm(h) == close[0]), None)
        closest_col = sheet.first_col + plan.headers.index(closest) if closest is not None else None
        yield make_issue(
            "V300" if required else "V319",
            f"no column for `{column.measure}`: expected a header such as "
            + ", ".join(repr(h) for h in column.headers[:3])
            + (f"; the closest header found is {closest!r}" if closest else ""),
            location=Location(file=ctx.file, sheet=sheet.name, row=header_row, col=closest_col),
            field=column.measure,
            expected=column.headers[0],
            found=closest,
            hint=f"Add {closest!r} to the profile's headers for {column.measure}, or fix the file."
            if closest
            else "Add the column to the file, or its header to the profile.",
        )
    for index, text in plan.unmapped:
        yield make_issue(
            "V301",
            f"column {text!r} is not mapped to any measure and is ignored",
            location=at(index),
            field=text,
            hint="Map it in the profile's columns, or list it under ignore.",
        )
    for index, text, role in plan.duplicates:
        yield make_issue(
            "V320",
            f"column {text!r} is a second column for `{role.lstrip('@')}`; only the first is read",
            location=at(index),
            field=text,
        )


def _skip_issues(ctx: Context, sheet: SheetLike, selection: Selection, first: int) -> list[Issue]:
    """V340 for the rows left out, V341 and V342 for totals labels that their figures deny."""

    def at(index: int, col: int | None) -> Location:
        column = None if col is None else sheet.first_col + col
        return Location(file=ctx.file, sheet=sheet.name, row=first + index, col=column)

    issues: list[Issue] = []
    if selection.skipped:
        head = selection.skipped[0]
        issues.append(
            make_issue(
                "V340",
                f"{len(selection.skipped):,} row{'s' if len(selection.skipped) > 1 else ''} "
                f"left out as not data: {describe_skipped(selection.skipped, first)}",
                location=at(head.index, head.col or 0),
                found=len(selection.skipped),
                hint="Totals rows are recognised by a totals label and figures that are the "
                "sums of the rows above (or their place after the last data row).",
            )
        )
    for row in selection.skipped:
        if row.reason == "total" and not row.matched:
            issues.append(
                make_issue(
                    "V342",
                    f"the row labelled {row.label!r} is left out as the table's totals row "
                    "(it follows the last data row), but none of its figures is the sum of "
                    "the rows above",
                    location=at(row.index, row.col),
                    found=row.label,
                    expected="figures that are the sums of the rows above",
                    hint="Check that no data rows are missing or repeated, and that this row is "
                    "not data.",
                )
            )
    for row in selection.doubtful:
        issues.append(
            make_issue(
                "V341",
                f"the row labelled {row.label!r} looks like a totals row, but none of its "
                "figures is the sum of the rows above and data rows follow it: it is read as "
                "data",
                location=at(row.index, row.col),
                found=row.label,
                hint="If it is a totals row, remove it from the file; if it is data, nothing "
                "needs doing.",
            )
        )
    return issues


def _bad_cell_issue(
    ctx: Context, sheet: SheetLike, row: int, col: int, header: str, bad: BadCell
) -> Issue:
    return make_issue(
        bad.problem.code,
        f"{header}: {bad.problem.message}; expected {bad.problem.expected}",
        location=Location(file=ctx.file, sheet=sheet.name, row=row, col=col),
        field=header,
        found=bad.value,
        expected=bad.problem.expected,
    )


def harmonise_sheet(sheet: SheetLike, ctx: Context) -> tuple[Block | None, list[Issue]]:
    """Read a sheet through a profile. Returns None and findings when no header is found."""
    profile = ctx.profile
    rows = sheet.rows
    issues: list[Issue] = []
    if profile.header.row is not None:
        index: int | None = profile.header.row - sheet.first_row
        if index is None or not 0 <= index < len(rows):
            index = None
    else:
        index = find_header(rows, profile)
    if index is None:
        issues.append(
            make_issue(
                "V312" if not rows else "V321",
                "the sheet is empty"
                if not rows
                else f"no header row found: no row in the first {profile.header.search_rows} "
                f"names {profile.header.min_matches} of the profile's column headers",
                location=Location(file=ctx.file, sheet=sheet.name),
                hint=None if not rows else "Check the sheet, or set header.row in the profile.",
            )
        )
        return None, issues
    header_row = sheet.first_row + index
    plan = plan_columns(rows[index], profile)
    issues.extend(_structure_issues(ctx, sheet, plan, header_row))
    body = rows[index + 1 :]
    columns_read = getattr(body, "columns", None)  # delimited text read in bulk
    transposed: Sequence[Column] = columns_read or _transposed(body)
    selection = select_rows(body, transposed, profile, ctx.decimal)
    kept = selection.kept
    n = len(body) if kept is None else len(kept)
    first = sheet.first_row + index + 1
    issues.extend(_skip_issues(ctx, sheet, selection, first))
    numbers = list(range(first, first + len(body))) if kept is None else [first + i for i in kept]
    if not n:
        issues.append(
            make_issue(
                "V312",
                "the sheet has a header but no data rows",
                location=Location(file=ctx.file, sheet=sheet.name, row=header_row),
            )
        )
    row_numbers = np.array(numbers, dtype=np.int64)
    cells_of = _cells(transposed, kept, n)
    columns = {m: sheet.first_col + i for i, c, _ in plan.measures.values() for m in c.fills}
    for key, idx in (("date", plan.date), ("site", plan.site), ("queue", plan.queue)):
        if idx is not None:
            columns[key] = sheet.first_col + idx
    source = Source(
        file=ctx.file,
        sheet=sheet.name,
        profile=profile.id,
        header_row=header_row,
        columns=columns,
        headers={m: text for _, c, text in plan.measures.values() for m in c.fills},
    )

    unbuilt: list[tuple[list[int], bool]] = []  # sheet rows of findings past the cap

    def report(key: str, header: str, bads: list[BadCell]) -> None:
        col = columns[key]
        cap = ctx.max_findings
        built = bads if cap is None else bads[:cap]
        issues.extend(_bad_cell_issue(ctx, sheet, numbers[b.index], col, header, b) for b in built)
        for code in {b.problem.code for b in bads[len(built) :]}:
            rows = [numbers[b.index] for b in bads[len(built) :] if b.problem.code == code]
            unbuilt.append((rows, spec(code).severity == Severity.ERROR))

    if plan.date is not None:
        dates, bads, _fmt = date_column(cells_of(plan.date), profile.date.format, ctx.date_system)
        report("date", plan.headers[plan.date], bads)
    else:
        dates = np.zeros(n, dtype=np.int64)
    sites = _sites(ctx, cells_of, n, plan, issues, sheet)
    queues: list[str | None] = (
        text_column(cells_of(plan.queue)) if plan.queue is not None else [None] * n
    )
    measures: dict[str, FloatArray] = {}
    categories: dict[str, list[str | None]] = {}
    blanks: dict[str, BoolArray] = {}
    for measure_id, (i, column, header) in plan.measures.items():
        measure = ctx.framework.measure(measure_id)
        values = cells_of(i)
        if measure is not None and measure.kind == "category":
            categories[measure_id] = _categories(
                ctx,
                sheet,
                values,
                column.values,
                numbers,
                columns[measure_id],
                header,
                issues,
                measure.values,
                unbuilt,
            )
            continue
        if measure is not None and measure.kind == "date":
            continue
        array, bads = numeric_column(values, column.unit, ctx.decimal)
        report(measure_id, header, bads)
        measures[measure_id] = array
        required = (
            column.required if column.required is not None else bool(measure and measure.required)
        )
        if required:
            blank = np.isnan(array)
            blank[[b.index for b in bads]] = False
            if blank.any():
                blanks[measure_id] = blank
    _shared_columns(plan, measures)  # a shared column may be another column's base
    _derived_totals(ctx, plan, measures, issues, sheet, numbers, columns, unbuilt)
    _shared_columns(plan, measures)  # ... and may itself be a share or an average
    if plan.queue is None and "queue" in categories:
        queues = categories["queue"]
    block = Block(
        source=source,
        rows=row_numbers,
        site=sites,
        date=dates,
        queue=queues,
        measures=measures,
        categories=categories,
        blanks=blanks,
        keys={name: text_column(cells_of(i)) for name, i in plan.keys.items()},
        derived=frozenset(m for _, c, _ in plan.measures.values() if c.base for m in c.fills),
        bases={m: c.base for _, c, _ in plan.measures.values() if c.base for m in c.fills},
    )
    for rows_left, error in unbuilt:
        block.omit(np.array(rows_left, dtype=np.int64), error)
    return block, issues


def _shared_columns(plan: ColumnPlan, measures: dict[str, FloatArray]) -> None:
    """Give each measure a column lists under `also` that column's figures.

    Its bad and blank cells are reported once, for the column's own measure.
    """
    for measure_id, (_, column, _) in plan.measures.items():
        if measure_id in measures:
            for other in column.fills[1:]:
                measures[other] = measures[measure_id]


def _sites(
    ctx: Context,
    cells_of: Callable[[int], Column],
    n: int,
    plan: ColumnPlan,
    issues: list[Issue],
    sheet: SheetLike,
) -> list[str | None]:
    spec = ctx.profile.site
    if spec.source == "fixed":
        return [spec.value] * n
    if spec.source == "filename":
        return [ctx.site] * n
    if plan.site is None:
        issues.append(
            make_issue(
                "V300",
                f"no site column: expected a header {spec.column!r}",
                location=Location(file=ctx.file, sheet=sheet.name),
                field="site",
                expected=spec.column,
            )
        )
        return [None] * n
    mapping = {norm(k): v for k, v in spec.map.items()}
    texts = text_column(cells_of(plan.site))
    resolved: dict[str | None, str | None] = {
        t: mapping.get(norm(t), t) if t is not None else None for t in set(texts)
    }
    return list(map(resolved.__getitem__, texts))


def _categories(
    ctx: Context,
    sheet: SheetLike,
    values: Column,
    value_map: dict[str, str],
    numbers: list[int],
    col: int,
    header: str,
    issues: list[Issue],
    allowed: Sequence[str],
    unbuilt: list[tuple[list[int], bool]],
) -> list[str | None]:
    lookup = {norm(v): v for v in allowed}
    lookup.update({norm(k): v for k, v in value_map.items()})
    cap = ctx.max_findings
    past_cap: list[int] = []
    before = len(issues)
    out: list[str | None] = []
    seen: dict[str, str | None] = {}
    for index, text in enumerate(text_column(values)):
        if text is None:
            out.append(None)
            continue
        if text not in seen:
            seen[text] = lookup.get(norm(text))
        value = seen[text]
        if value is None and cap is not None and len(issues) >= cap + before:
            past_cap.append(numbers[index])
        elif value is None:
            issues.append(
                make_issue(
                    "V308",
                    f"{header}: {text!r} has no mapping to a category",
                    location=Location(file=ctx.file, sheet=sheet.name, row=numbers[index], col=col),
                    field=header,
                    found=text,
                    expected="one of " + ", ".join(allowed),
                    hint=f"Add {text!r} to the profile's values for this column.",
                )
            )
        out.append(value)
    if past_cap:
        unbuilt.append((past_cap, spec("V308").severity == Severity.ERROR))
    return out


def _derived_totals(
    ctx: Context,
    plan: ColumnPlan,
    measures: dict[str, FloatArray],
    issues: list[Issue],
    sheet: SheetLike,
    numbers: list[int],
    columns: dict[str, int],
    unbuilt: list[tuple[list[int], bool]],
) -> None:
    for measure_id, (_, column, header) in plan.measures.items():
        if measure_id not in measures:
            continue
        fractions = measures[measure_id]
        if column.base is not None:
            base = measures.get(column.base)
            # Without its base a share or an average is no total: no value, never the raw
            # figure (the base column's absence is reported as a missing column).
            measures[measure_id] = (
                fractions * base if base is not None else np.full_like(fractions, np.nan)
            )
        if column.unit not in {"percent_0_100", "percent_0_1"}:
            continue
        wrong = np.flatnonzero((fractions > 1.0) | (fractions < 0.0))
        wrong, rest = within_cap(wrong, ctx.max_findings)
        if len(rest):
            unbuilt.append(
                ([numbers[int(i)] for i in rest], spec("V306").severity == Severity.ERROR)
            )
        for i in wrong:
            shown = fractions[i] * (100 if column.unit == "percent_0_100" else 1)
            issues.append(
                make_issue(
                    "V306",
                    f"{header}: {shown:g} is not a percentage between 0 and "
                    + ("100" if column.unit == "percent_0_100" else "1 (this column is 0-1)"),
                    location=Location(
                        file=ctx.file,
                        sheet=sheet.name,
                        row=numbers[int(i)],
                        col=columns[measure_id],
                    ),
                    field=header,
                    found=f"{shown:g}",
                    expected="0 to 100" if column.unit == "percent_0_100" else "0 to 1",
                )
            )
