"""The drafter's decisions for one sheet: what each column is, in which unit, and why.

Columns are decided in this order: the date, site and queue columns (from their header
words and their values), then measures, best reading first, so that no measure is drafted
twice; a share or an average keeps its reading only when its base is in the file. Units
come from the header's words, then the values' format, then magnitude: each candidate unit
is tried in the framework's own ratio KPIs, and the one whose result lies nearest the KPI's
target wins (handle time in minutes read as seconds gives an AHT sixty times too short).
A column whose measure or unit stays unsure is offered as a commented choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from opsgov.draft.evidence import Evidence, FloatArray
from opsgov.draft.match import SURE, Reading, ratio_base, readings, value_matches
from opsgov.draft.words import Header
from opsgov.formula.evaluate import FormulaEvalError, evaluate
from opsgov.formula.nodes import Name
from opsgov.formula.parser import FormulaSyntaxError, parse
from opsgov.models.framework import Framework, Measure

_SCALE = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0}
CLEAR = math.log(3.0)
"""A unit wins on magnitude when its KPIs are at least three times nearer their targets."""


@dataclass
class Column:
    """One column and what the draft makes of it."""

    index: int
    letter: str
    header: str
    words: Header
    evidence: Evidence
    role: str = "ignore"
    """date, site, queue, measure, choice (offered, commented) or ignore."""
    reading: Reading | None = None
    unit: str | None = None
    alternatives: list[Reading] = field(default_factory=list)
    unit_options: dict[str, float] = field(default_factory=dict)
    """Candidate units and how far (log) their KPIs land from target, when magnitude decided."""
    values: dict[str, str] = field(default_factory=dict)
    proposals: dict[str, tuple[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def measure(self) -> str | None:
        """The measure drafted or offered."""
        return self.reading.measure if self.reading else None


def _number(x: float) -> str:
    if x.is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def _describe(ev: Evidence) -> str:
    main = ev.main
    if main == "empty":
        return "no values"
    if main in {"number", "percent"}:
        values = ev.finite()
        low, high = float(values.min()), float(values.max())
        kind = "whole numbers" if ev.whole else "numbers"
        suffix = " (written with %)" if main == "percent" else ""
        return f"{kind} {_number(low)} to {_number(high)}{suffix}"
    if main in {"clock", "time"}:
        sample = ev.clock_long[np.isfinite(ev.clock_long)]
        what = "clock text" if main == "clock" else "Excel times"
        return f"{what}, {len(sample)} values"
    if main == "date":
        return f"dates, {len(ev.dates) or len(set(ev.date_texts))} distinct"
    shown = ", ".join(repr(t) for t in ev.texts[:3])
    return f"text ({len(ev.texts)} distinct: {shown}{', ...' if len(ev.texts) > 3 else ''})"


def describe(column: Column) -> str:
    """What the column holds, in a few words."""
    return _describe(column.evidence)


def assign_measures(columns: list[Column], framework: Framework) -> None:
    """Readings for every column not already given a role; no measure twice."""
    pending: list[tuple[float, int, Reading]] = []
    options: dict[int, list[Reading]] = {}
    for column in columns:
        if column.role != "ignore":
            continue
        found = readings(column.words, column.evidence, framework)
        found = [r for r in found if _category_ok(r, framework, column)]
        options[column.index] = found
        pending.extend((r.score, column.index, r) for r in found)
    by_index = {c.index: c for c in columns}
    taken: dict[str, Column] = {c.measure: c for c in columns if c.measure}
    # A direct reading beats a share or an average of the same measure: it is exact.
    pending.sort(key=lambda t: (-(t[0] + (0.1 if t[2].how == "direct" else 0.0)), t[1]))
    for score, index, reading in pending:
        column = by_index[index]
        if column.reading is not None or column.role != "ignore":
            continue
        if reading.measure in taken:
            if reading is options[index][0]:
                column.notes.append(
                    f"reads best as {reading.measure}, already drafted from column "
                    f"{taken[reading.measure].letter}"
                )
            continue
        if column.notes and score < SURE:
            continue  # its best reading is taken; a weaker one is no better than a guess
        rivals = [r for r in options[index] if r.measure != reading.measure]
        column.alternatives = [r for r in rivals if r.measure not in taken][:3]
        column.reading = reading
        close = any(r.score >= score - 0.05 for r in column.alternatives)
        if score >= SURE and not close:
            column.role = "measure"
            taken[reading.measure] = column
        else:
            column.role = "choice"
            column.notes.append(
                f"not sure: the header matches {reading.name!r} only {score:.0%}"
                if score < SURE
                else "not sure: other measures match the header as well"
            )
    present = {c.measure for c in columns if c.role == "measure"}
    for column in columns:
        base = column.reading
        if column.role == "measure" and base and base.base and base.base not in present:
            column.role = "choice"
            what = "a share of" if base.how == "percent" else "an average per"
            column.notes.append(
                f"{what} {base.base}, and the file has no {base.base} column to multiply it by"
            )


def _category_ok(reading: Reading, framework: Framework, column: Column) -> bool:
    measure = framework.measure(reading.measure)
    return measure is None or measure.kind != "category" or reading.how == "direct"


# Units ---------------------------------------------------------------------------------------


def _unit_candidates(column: Column, measure: Measure) -> list[str]:
    """Units worth trying on magnitude; one when the header or the values settle it."""
    ev, how = column.evidence, column.reading.how if column.reading else "direct"
    if how == "percent":
        if ev.main == "percent" or ev.finite().max(initial=0) > 1.0:
            return ["percent_0_100"]
        return ["percent_0_1", "percent_0_100"]
    if measure.kind == "money":
        return ["money"]
    if measure.kind == "count":
        return ["count" if ev.whole or ev.main == "empty" else "number"]
    if measure.kind not in {"duration", "hours"}:
        return ["number"]
    if ev.main == "time" or (ev.main == "clock" and not ev.short_clock):
        return ["hh:mm:ss"]
    if ev.main == "clock":
        named = column.words.unit
        return [named] if named in {"mm:ss", "hh:mm:ss"} else ["mm:ss", "hh:mm:ss"]
    named = column.words.unit
    if named in _SCALE:
        return [named]
    return ["seconds", "minutes", "hours"]


def canonical(column: Column, unit: str) -> FloatArray:
    """The column's values in the measure's own terms under `unit` (seconds, 0-1, ...)."""
    ev = column.evidence
    if unit in {"mm:ss", "hh:mm:ss"}:
        if ev.main == "clock" and ev.short_clock:
            return ev.clock_short if unit == "mm:ss" else ev.clock_long
        return np.where(np.isfinite(ev.clock_long), ev.clock_long, ev.numbers * 86400.0)
    numbers = ev.numbers
    if unit == "percent_0_100" or (unit == "percent_0_1" and ev.main == "percent"):
        return numbers / 100.0
    return numbers * _SCALE.get(unit, 1.0)


def _totals(
    columns: list[Column], units: dict[int, str], framework: Framework
) -> dict[str, float | None]:
    """Each measure's total over the sheet under the given units.

    Shares and averages are multiplied by their base row by row first.
    """
    by_measure = {c.measure: c for c in columns if c.role == "measure" and c.index in units}
    direct: dict[str, FloatArray] = {}
    for m, c in by_measure.items():
        if m and c.reading and c.reading.how == "direct":
            direct[m] = canonical(c, units[c.index])
    env: dict[str, float | None] = {}
    for m, c in by_measure.items():
        if not m or not c.reading:
            continue
        values = direct.get(m)
        if values is None:
            base = direct.get(c.reading.base or "")
            if base is None:
                continue
            values = canonical(c, units[c.index]) * base
        measure = framework.measure(m)
        finite = values[np.isfinite(values)]
        if not finite.size:
            continue
        if measure is not None and measure.rollup == "max":
            env[m] = float(finite.max())
        elif measure is not None and measure.rollup == "min":
            env[m] = float(finite.min())
        else:
            env[m] = float(finite.sum())
    return env


def _target(framework: Framework, kpi_id: str) -> float | None:
    kpi = next((k for k in framework.kpis if k.id == kpi_id), None)
    if kpi is None or kpi.unit == "currency":
        return None
    if kpi.target:
        return kpi.target
    if kpi.thresholds and kpi.thresholds.green:
        return kpi.thresholds.green
    if kpi.band:
        return (kpi.band.green.low + kpi.band.green.high) / 2 or None
    return None


def _distance(
    columns: list[Column], units: dict[int, str], framework: Framework, measure: str
) -> float | None:
    """How far (sum of |log(value / target)|) the KPIs using `measure` land from target."""
    env = _totals(columns, units, framework)
    if measure not in env:
        return None
    total, used = 0.0, 0
    for kpi in framework.kpis:
        target = _target(framework, kpi.id)
        if target is None or target <= 0:
            continue
        try:
            node = parse(kpi.formula)
        except (FormulaSyntaxError, RecursionError):  # lint reports it; here it is no evidence
            continue
        if measure not in _names(node):
            continue
        try:
            value = evaluate(node, env)
        except FormulaEvalError:
            continue
        if not isinstance(value, float) or isinstance(value, bool) or value <= 0:
            continue
        total += abs(math.log(value / target))
        used += 1
    return total if used else None


def _names(node: object) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Name):
            out.add(item.id)
            continue
        for attr in ("left", "right", "operand"):
            child = getattr(item, attr, None)
            if child is not None:
                stack.append(child)
        stack.extend(getattr(item, "args", ()) or ())
    return out


def decide_units(columns: list[Column], framework: Framework) -> None:
    """A unit for every measure column; magnitude settles what header and values leave open."""
    candidates: dict[int, list[str]] = {}
    units: dict[int, str] = {}
    for column in columns:
        if column.role not in {"measure", "choice"} or column.reading is None:
            continue
        measure = framework.measure(column.reading.measure)
        if measure is None or measure.kind == "category":
            continue
        options = _unit_candidates(column, measure)
        candidates[column.index] = options
        if len(options) == 1:
            units[column.index] = options[0]
    progress = True
    open_ = [i for i, opts in candidates.items() if len(opts) > 1]
    while open_ and progress:
        progress = False
        for index in list(open_):
            column = next(c for c in columns if c.index == index)
            scores: dict[str, float] = {}
            for unit in candidates[index]:
                trial = dict(units)
                trial[index] = unit
                distance = _distance(columns, trial, framework, column.measure or "")
                if distance is not None:
                    scores[unit] = distance
            if len(scores) < len(candidates[index]):
                continue
            ranked = sorted(scores.items(), key=lambda kv: kv[1])
            column.unit_options = dict(ranked)
            if ranked[1][1] - ranked[0][1] >= CLEAR or (
                column.evidence.fractions and ranked[0][0] == "percent_0_1"
            ):
                units[index] = ranked[0][0]
                open_.remove(index)
                progress = True
    for index in open_:
        column = next(c for c in columns if c.index == index)
        options = candidates[index]
        if options[0] == "percent_0_1":
            units[index] = "percent_0_1"  # fractions 0-1 with nothing against them
            continue
        units[index] = (
            min(column.unit_options, key=lambda u: column.unit_options[u])
            if column.unit_options
            else options[0]
        )
        if column.role == "measure":
            column.role = "choice"
            tried = ", ".join(options)
            column.notes.append(f"not sure of the unit: nothing in the file settles {tried}")
    for column in columns:
        if column.index in units:
            column.unit = units[column.index]


def base_of(framework: Framework, measure: str) -> str | None:
    """The base measure a share or average of `measure` is taken against."""
    found = ratio_base(framework, measure)
    return found[0] if found else None


def category_values(column: Column, allowed: list[str], preferred: set[str]) -> None:
    """The value map of a category column: sure matches mapped, close ones proposed."""
    matches = value_matches(column.evidence.texts, allowed)
    for text in column.evidence.texts:
        found = matches.get(text)
        if found is None:
            column.proposals[text] = ("", 0.0)
            continue
        value, score = found
        if score >= 0.9 and (value in preferred or not preferred or score == 1.0):
            column.values[text] = value
        else:
            column.proposals[text] = (value, score)
