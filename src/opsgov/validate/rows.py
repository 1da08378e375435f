"""Row-level checks over a block: bounds, whole counts, the framework's checks, the period."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

from opsgov.factorise import factorise
from opsgov.formula import FormulaSyntaxError, names, parse
from opsgov.formula.vector import VectorFormula, compile_vector
from opsgov.harmonise.table import Block, IntArray, within_cap
from opsgov.issues import Issue, Severity, make_issue, spec
from opsgov.models.framework import Framework
from opsgov.validate.causes import dependents, dependents_note, not_computed


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


_Failure = tuple[str, str, npt.NDArray[np.bool_], str, str]
"""(code, measure, rows, what, expected): one bound a measure's cells break."""


def _bound_failures(block: Block, framework: Framework) -> list[_Failure]:
    """Every bound check of every measure, with the rows that break it."""
    failures: list[_Failure] = []
    for measure_id, values in block.measures.items():
        measure = framework.measure(measure_id)
        if measure is None:
            continue
        low, high = measure.effective_minimum, measure.maximum
        with np.errstate(invalid="ignore"):
            if low is not None:
                failures.append(
                    (
                        "V304",
                        measure_id,
                        values < low,
                        f"below the minimum {low:g}",
                        f"at least {low:g}",
                    )
                )
            if high is not None:
                failures.append(
                    (
                        "V305",
                        measure_id,
                        values > high,
                        f"above the maximum {high:g}",
                        f"at most {high:g}",
                    )
                )
            if (
                measure.kind == "count"
                and measure.rollup != "snapshot_avg"
                and measure_id not in block.derived
            ):
                fractional = ~np.isnan(values) & (values != np.floor(values))
                failures.append(
                    ("V316", measure_id, fractional, "not a whole number", "a whole number")
                )
    return failures


def _bad_rows(failures: list[_Failure]) -> dict[str, npt.NDArray[np.bool_]]:
    """Measure -> rows whose own cell breaks one of its bounds."""
    bad: dict[str, npt.NDArray[np.bool_]] = {}
    for _, measure_id, mask, _, _ in failures:
        bad[measure_id] = mask | bad[measure_id] if measure_id in bad else mask
    return bad


def _blocked(block: Block, framework: Framework) -> dict[str, npt.NDArray[np.bool_]]:
    """Derived measure -> rows not computed because a cell they depend on is bad."""
    return not_computed(block, _bad_rows(_bound_failures(block, framework)))


def _capped(block: Block, indices: IntArray, cap: int | None, severity: Severity) -> IntArray:
    """The indices to build findings for; the rest are counted on the block."""
    built, rest = within_cap(indices, cap)
    if len(rest):
        block.omit(block.rows[rest], severity == Severity.ERROR)
    return built


def check_bounds(block: Block, framework: Framework, cap: int | None = None) -> Iterator[Issue]:
    """V304/V305 for values outside a measure's bounds; V316 for fractional counts.

    At most `cap` findings of each test are built; the others are counted on the block.

    An average of a count (a `snapshot_avg` measure such as average headcount) is a fraction
    by nature, so only counts of whole things are held to whole numbers. A value derived from
    a bad cell (an AHT per item times a negative item count) is not computed: it gets no
    finding of its own, and the finding at the bad cell names it (`opsgov.validate.causes`).
    One cell feeding several measures gets one finding per check.
    """
    src = block.source
    failures = _bound_failures(block, framework)
    blocked = not_computed(block, _bad_rows(failures))
    # One finding per check and cell: a cell feeding several measures (`also`) is one cause,
    # and what depends on any of them is named at it.
    found: dict[tuple[str, int, int | None], tuple[_Failure, int, list[str]]] = {}
    past_cap: set[tuple[str, int, int | None]] = set()
    for failure in failures:
        code, measure_id, mask, _, _ = failure
        if measure_id in blocked:
            mask = mask & ~blocked[measure_id]
        built, rest = within_cap(np.flatnonzero(mask), cap)
        column = src.columns.get(measure_id)
        past_cap.update((code, int(row), column) for row in block.rows[rest].tolist())
        for index in built.tolist():
            row = int(block.rows[index])
            key = (code, row, src.columns.get(measure_id))
            _, _, after = found.setdefault(key, (failure, index, []))
            after.extend(d for d in dependents(block, blocked, measure_id, index) if d not in after)
    for code in {key[0] for key in past_cap}:
        rows = [key[1] for key in past_cap - found.keys() if key[0] == code]
        block.omit(np.array(rows, dtype=np.int64), spec(code).severity == Severity.ERROR)
    for (code, row, _), ((_, measure_id, _, what, expected), i, after) in found.items():
        measure = framework.measure(measure_id)
        assert measure is not None  # failures are only found for the framework's measures
        value = _fmt(block.measures[measure_id][i])
        header = src.headers.get(measure_id, measure_id)
        where = src.cell(row, measure_id)
        yield make_issue(
            code,
            f"{header}: {value} is {what} ({measure.name})"
            + dependents_note(block, after, row, where.cell),
            location=where,
            field=header,
            found=value,
            expected=expected,
        )


@functools.lru_cache(maxsize=512)
def _condition(condition: str) -> tuple[tuple[str, ...], VectorFormula] | None:
    """A check's condition parsed and compiled once per run, not once per file."""
    try:
        node = parse(condition)
    except FormulaSyntaxError:
        return None
    return tuple(r.id for r in names(node)), compile_vector(node)


def check_rules(block: Block, framework: Framework, cap: int | None = None) -> Iterator[Issue]:
    """V310 for every row that fails one of the framework's checks (at most `cap` per check)."""
    src = block.source
    n = len(block)
    blocked = _blocked(block, framework) if block.bases else {}
    for check in framework.checks:
        compiled = _condition(check.condition)
        if compiled is None:  # a bad condition is a lint finding, reported there
            continue
        refs, evaluate = compiled
        if not refs or any(r not in block.measures for r in refs):
            continue
        result = evaluate(block.measures, n)
        severity = Severity(check.severity)
        first = refs[0]
        failing = result == 0
        for ref in refs:  # a value not computed (it depends on a bad cell) is not checked
            if ref in blocked:
                failing &= ~blocked[ref]
        for i in _capped(block, np.flatnonzero(failing), cap, severity):
            shown = ", ".join(
                f"{_label(block, r)} = {_fmt(block.measures[r][i])}" for r in dict.fromkeys(refs)
            )
            yield make_issue(
                "V310",
                f"{check.message} ({check.condition}: {shown})",
                location=src.cell(int(block.rows[i]), first),
                field=src.headers.get(first, first),
                severity=severity,
                expected=check.condition,
            )


def _label(block: Block, measure_id: str) -> str:
    header = block.source.headers.get(measure_id, measure_id)
    return f"{measure_id} (from {header})" if measure_id in block.derived else header


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a `YYYY-MM` period."""
    year, month = int(period[:4]), int(period[5:7])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def check_period(block: Block, period: str, grain: str, cap: int | None = None) -> Iterator[Issue]:
    """V307 for rows dated outside the period (a week may start up to six days before it)."""
    if "date" not in block.source.columns:
        return
    start, end = period_bounds(period)
    low = start.toordinal() - (6 if grain == "week" else 0)
    dates = block.date
    outside = np.flatnonzero((dates > 0) & ((dates < low) | (dates > end.toordinal())))
    for i in _capped(block, outside, cap, spec("V307").severity):
        day = dt.date.fromordinal(int(dates[i]))
        yield make_issue(
            "V307",
            f"the date {day.isoformat()} is outside the period {period}",
            location=block.source.cell(int(block.rows[i]), "date"),
            field="date",
            found=day.isoformat(),
            expected=f"{start.isoformat()} to {end.isoformat()}",
        )


def _combined_key(parts: Sequence[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
    """One integer per row, equal exactly where every part is equal (mixed radix)."""
    key = np.zeros(len(parts[0]), dtype=np.int64)
    span = 1
    for part in parts:
        low = int(part.min(initial=0))
        size = int(part.max(initial=0)) - low + 1
        if span * size >= 1 << 62:  # renumber before the product could overflow
            _, inverse = np.unique(key, return_inverse=True)
            key, span = inverse.astype(np.int64), int(inverse.max(initial=0)) + 1
            if span * size >= 1 << 62:
                _, part = np.unique(part, return_inverse=True)
                low, size = 0, int(part.max(initial=0)) + 1
        key = key * size + (part - low)
        span *= size
    return key


def _joined(columns: Sequence[Sequence[object]]) -> Sequence[object]:
    """One column of several blocks, end to end (the column itself for one block)."""
    if len(columns) == 1:
        return columns[0]
    return [v for column in columns for v in column]


def duplicate_keys(blocks: Sequence[Block]) -> Iterator[Issue]:
    """V309 for rows of one profile sharing (site, date, queue, categories) with an earlier row."""
    if not blocks or not sum(len(b) for b in blocks):
        return
    category_ids = sorted({c for b in blocks for c in b.categories})
    key_names = sorted({k for b in blocks for k in b.keys})
    parts = [
        factorise(_joined([b.site for b in blocks]))[0],
        np.concatenate([b.date for b in blocks]),
        factorise(_joined([b.queue for b in blocks]))[0],
        *(
            factorise(_joined([b.categories.get(cid, [None] * len(b)) for b in blocks]))[0]
            for cid in category_ids
        ),
        *(
            factorise(_joined([b.keys.get(k, [None] * len(b)) for b in blocks]))[0]
            for k in key_names
        ),
    ]
    key = _combined_key(parts)
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    repeats = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
    if not len(repeats):
        return
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    run_start = starts[np.searchsorted(starts, np.arange(len(key)), side="right") - 1]
    owner = np.concatenate([np.full(len(b), k) for k, b in enumerate(blocks)])
    offset = np.concatenate([np.arange(len(b)) for b in blocks])
    for p in repeats:
        i, first = int(order[p]), int(order[run_start[p]])
        block, j = blocks[int(owner[i])], int(offset[i])
        first_block = blocks[int(owner[first])]
        first_row = int(first_block.rows[int(offset[first])])
        where = "" if first_block is block else f" of {first_block.source.file}"
        day = block.date_of(j)
        extra = [block.keys[k][j] for k in key_names if k in block.keys]
        extra += [
            block.categories[c][j]
            for c in category_ids
            if c in block.categories and block.categories[c] is not block.queue
        ]
        key_text = ", ".join(
            x
            for x in (block.site[j], day.isoformat() if day else None, block.queue[j], *extra)
            if x
        )
        yield make_issue(
            "V309",
            f"row {int(block.rows[j])} repeats the key ({key_text}) of row {first_row}{where}",
            location=block.source.cell(
                int(block.rows[j]), "date" if "date" in block.source.columns else "site"
            ),
            found=key_text,
            hint="Remove the repeated row, or check that the date or queue is right.",
        )


def missing_values(block: Block, cap: int | None = None) -> Iterator[Issue]:
    """V317 for blank cells of required measures (cells with bad values are reported already)."""
    src = block.source
    for measure_id, mask in block.blanks.items():
        header = src.headers.get(measure_id, measure_id)
        for i in _capped(block, np.flatnonzero(mask), cap, spec("V317").severity):
            yield make_issue(
                "V317",
                f"{header}: the cell is blank; {measure_id} is required",
                location=src.cell(int(block.rows[i]), measure_id),
                field=header,
                expected="a value",
            )
