"""How one number was made: formula, measures, cells, target and its source, score arithmetic."""

from __future__ import annotations

from dataclasses import dataclass

from opsgov.errors import OpsgovError
from opsgov.formula import names, parse
from opsgov.models.framework import Framework
from opsgov.models.results import KpiResult, Lineage, ScopeResult, Scorecard


@dataclass(frozen=True)
class Explanation:
    """Everything `opsgov explain` shows for one KPI at one scope."""

    kpi_id: str
    scope: ScopeResult
    result: KpiResult
    formula: str
    measures: dict[str, float | None]
    lineage: list[Lineage]
    score_steps: list[str]


def _score_steps(card: Scorecard, framework: Framework, r: KpiResult) -> list[str]:
    kpi = framework.kpi(r.kpi)
    t = r.target
    if kpi is None or not kpi.scored:
        return ["not scored (no category or weight 0)"]
    if r.score is None:
        return [f"no score: status {r.status}"]
    method = framework.scoring.method
    if method == "banded":
        return [f"banded: status {r.status} gives {r.score:g} points"]
    if t.band_green is not None:
        return [
            f"target band: 100 inside {t.band_green}, falling to 0 at the amber edge "
            f"{t.band_amber}: {r.score:.1f}"
        ]
    if method == "percent_of_target":
        return [
            f"percent of target: value {r.value:g} against target {t.target:g}, "
            f"capped at {framework.scoring.cap:g}: {r.score:.1f}"
        ]
    return [
        f"linear: 0 at the floor {t.floor:g}, 100 at the target {t.target:g}",
        f"score = clamp(({r.value:g} - {t.floor:g}) / ({t.target:g} - {t.floor:g}), 0, 1)"
        f" x 100 = {r.score:.1f}",
    ]


def explain(
    card: Scorecard, framework: Framework, kpi_id: str, level: str, scope_id: str
) -> Explanation:
    """Explain one KPI at one scope of a scorecard."""
    kpi = framework.kpi(kpi_id)
    if kpi is None:
        raise OpsgovError(f"no KPI {kpi_id!r}; KPIs: {', '.join(k.id for k in framework.kpis)}")
    scope = card.scope(level, scope_id)  # type: ignore[arg-type]
    if scope is None:
        known = sorted({s.id for s in card.scopes if s.level == level})
        raise OpsgovError(
            f"no {level} {scope_id!r} in the {card.period} scorecard; known: {', '.join(known)}"
        )
    result = scope.kpi(kpi_id)
    assert result is not None
    used: list[str] = []
    pending = [kpi_id]
    while pending:
        current = framework.kpi(pending.pop())
        if current is None:
            continue
        for ref in names(parse(current.formula)):
            if framework.kpi(ref.id) is not None:
                pending.append(ref.id)
            elif ref.id not in used:
                used.append(ref.id)
    if kpi.min_sample and kpi.min_sample.measure not in used:
        used.append(kpi.min_sample.measure)
    measures = {m: scope.measures.get(m) for m in used}
    lineage = [
        entry for entry in card.lineage if entry.site in scope.sites and entry.measure in used
    ]
    return Explanation(
        kpi_id, scope, result, kpi.formula, measures, lineage, _score_steps(card, framework, result)
    )
