"""A quarter's KPI values, recomputed from the quarter's measures: never an average of ratios.

The monthly measures of a scope are rolled up over the quarter by each measure's rule (as
recorded with the period: `sum` adds, `snapshot_end` takes the last month with a value,
`snapshot_avg` averages the months, `max`/`min` take the extreme), then every KPI formula is
evaluated on those totals, so a quarter's AHT is its handle time over its items, exactly as a
month's is. The quarter is rated against the targets in force in its last month.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from opsgov.formula import compile_formula, names, parse
from opsgov.formula.evaluate import FormulaEvalError
from opsgov.models.results import KpiInfo, Status, Target

Measures = Mapping[str, float | None]


def quarter_measures(
    monthly: Mapping[str, Measures], months: Sequence[str], rollups: Mapping[str, str]
) -> dict[str, float | None]:
    """Measures of the months given (those present in `monthly`) rolled up by their rules."""
    present = [m for m in months if m in monthly]
    out: dict[str, float | None] = {}
    ids = sorted({k for m in present for k in monthly[m]})
    for measure in ids:
        values = [(m, monthly[m].get(measure)) for m in present]
        known = [v for _, v in values if v is not None]
        rule = rollups.get(measure, "sum")
        if not known:
            out[measure] = None
        elif rule == "snapshot_end":
            out[measure] = known[-1]
        elif rule == "snapshot_avg":
            out[measure] = sum(known) / len(known)
        elif rule == "max":
            out[measure] = max(known)
        elif rule == "min":
            out[measure] = min(known)
        else:
            out[measure] = sum(known)
    return out


def evaluate(kpis: Sequence[KpiInfo], measures: Measures) -> dict[str, float | None]:
    """Every KPI's value from the measures (KPIs that use other KPIs after them)."""
    parsed = {k.id: parse(k.formula) for k in kpis}
    order: list[str] = []

    def visit(kid: str, seen: frozenset[str]) -> None:
        if kid in order or kid in seen:
            return
        for ref in names(parsed[kid]):
            if ref.id in parsed:
                visit(ref.id, seen | {kid})
        order.append(kid)

    for k in kpis:
        visit(k.id, frozenset())
    env: dict[str, float | None] = dict(measures)
    out: dict[str, float | None] = {}
    for kid in order:
        try:
            value = compile_formula(parsed[kid])(env)
        except FormulaEvalError:
            value = None
        number = None if value is None or isinstance(value, bool) else float(value)
        env[kid] = number
        out[kid] = number
    return out


def rate(direction: str, value: float | None, target: Target | None) -> Status:
    """RAG of a quarter's value against a month's thresholds (no minimum-sample check)."""
    if value is None:
        return "no_data"
    if target is None:
        return "not_rated"
    if target.band_green is not None and target.band_amber is not None:
        if target.band_green[0] <= value <= target.band_green[1]:
            return "green"
        if target.band_amber[0] <= value <= target.band_amber[1]:
            return "amber"
        return "red"
    if target.green is None or target.amber is None:
        return "not_rated"
    if direction == "lower_is_better":
        return "green" if value <= target.green else ("amber" if value <= target.amber else "red")
    return "green" if value >= target.green else ("amber" if value >= target.amber else "red")
