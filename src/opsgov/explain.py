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


def _judged_steps(r: KpiResult) -> list[str]:
    """How a count KPI above site level was rated: per reporting site, or by its worst site."""
    j = r.judged
    if j is None:
        return []
    if j.basis == "worst_site":
        return [
            f"rated by its worst site, {j.site} (of {j.sites} with a value): "
            f"{j.value if j.value is not None else 'no value'} gives status {r.status}"
        ]
    if j.value is None or r.value is None:
        return [f"rated per reporting site: no site reports it, status {r.status}"]
    return [
        f"rated per reporting site (its thresholds are set for one site): "
        f"{r.value:g} over {j.sites} sites = {j.value:g} per site, status {r.status}"
    ]


def _gate_steps(framework: Framework, scope: ScopeResult, kpi_id: str) -> list[str]:
    """The gates that fired at the scope and touch this KPI or its category."""
    kpi = framework.kpi(kpi_id)
    out = []
    for fired in scope.gates:
        gated = framework.kpi(fired.kpi)
        same_category = kpi is not None and gated is not None and gated.category == kpi.category
        if fired.kpi == kpi_id or same_category:
            alone = scope.uncomposed_status or scope.status
            out.append(
                f"gate {fired.gate} fired ({fired.kpi} = {fired.value:g}): {fired.reason} "
                f"Category score 0; status {scope.status} (the composite alone gives {alone})"
            )
    return out


def _score_steps(
    card: Scorecard, framework: Framework, r: KpiResult, scope: ScopeResult | None = None
) -> list[str]:
    steps = _judged_steps(r) + (_gate_steps(framework, scope, r.kpi) if scope else [])
    return steps + _arithmetic(card, framework, r)


def _arithmetic(card: Scorecard, framework: Framework, r: KpiResult) -> list[str]:
    kpi = framework.kpi(r.kpi)
    t = r.target
    if r.judged is not None and r.judged.basis == "per_site":
        r = r.model_copy(update={"value": r.judged.value})
    if kpi is None or not kpi.scored:
        return ["not scored (no category or weight 0)"]
    if r.score is None:
        return [f"no score: status {r.status}"]
    if r.judged is not None and r.judged.basis == "worst_site":
        return [f"score {r.score:.1f}: the worst site's"]
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
        kpi_id,
        scope,
        result,
        kpi.formula,
        measures,
        lineage,
        _score_steps(card, framework, result, scope),
    )
