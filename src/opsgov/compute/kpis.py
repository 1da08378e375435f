"""KPI values from rolled-up measures: formulas compiled once, evaluated per scope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from opsgov.formula import compile_formula, names, parse
from opsgov.formula.evaluate import Compiled, FormulaEvalError
from opsgov.models.framework import Framework


@dataclass(frozen=True)
class KpiEngine:
    """The framework's KPIs in dependency order, compiled."""

    order: tuple[tuple[str, Compiled], ...]
    needs: dict[str, frozenset[str]]
    """KPI id -> every measure its formula uses, through the KPIs it uses."""

    @classmethod
    def build(cls, framework: Framework) -> KpiEngine:
        """Compile every KPI; a KPI that uses another comes after it (lint refuses cycles)."""
        parsed = {k.id: parse(k.formula) for k in framework.kpis}
        done: list[str] = []

        def visit(kid: str, seen: frozenset[str]) -> None:
            if kid in done or kid in seen:
                return
            for ref in names(parsed[kid]):
                if ref.id in parsed:
                    visit(ref.id, seen | {kid})
            done.append(kid)

        for kpi in framework.kpis:
            visit(kpi.id, frozenset())
        needs: dict[str, frozenset[str]] = {}
        for kid in done:  # dependencies first
            refs = {r.id for r in names(parsed[kid])}
            needs[kid] = frozenset(
                set().union(*(needs[r] for r in refs if r in needs)) | (refs - set(parsed))
            )
        return cls(tuple((kid, compile_formula(parsed[kid])) for kid in done), needs)

    def evaluate(self, measures: Mapping[str, float | None]) -> dict[str, float | None]:
        """Every KPI's value at one scope; None where a measure is missing or a divisor is 0."""
        env: dict[str, float | None] = dict(measures)
        out: dict[str, float | None] = {}
        for kid, formula in self.order:
            try:
                value = formula(env)
            except FormulaEvalError:
                value = None
            number = None if value is None or isinstance(value, bool) else float(value)
            env[kid] = number
            out[kid] = number
        return out
