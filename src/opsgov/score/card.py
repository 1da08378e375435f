"""Build the scorecard: every KPI at every level, rated, scored, ranked and compared."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from opsgov.compute.groups import Groups
from opsgov.compute.kpis import KpiEngine
from opsgov.compute.plausible import Column, SiteFigures, check_site
from opsgov.compute.rollup import Measures, across_sites, convert_money
from opsgov.compute.scopes import InProcessMonth, MonthData, ScopeValues, kpi_values
from opsgov.fx import FxTable, no_rate_issue
from opsgov.harmonise.table import Block
from opsgov.issues import Issue
from opsgov.models.framework import Framework, Kpi
from opsgov.models.profile import Profile
from opsgov.models.registry import Registry, Site
from opsgov.models.results import (
    CategoryInfo,
    CategoryResult,
    CellSpan,
    GateResult,
    Judged,
    KpiInfo,
    KpiResult,
    Level,
    Lineage,
    ScopeResult,
    Scorecard,
    Status,
    Target,
)
from opsgov.models.workspace import Workspace
from opsgov.score.coverage import with_coverage
from opsgov.score.rating import rag, score
from opsgov.score.targets import Scope, resolve_target
from opsgov.score.unsplit import ALL_QUEUES, by_queue, not_split_measures, queueless_sites
from opsgov.validate.reporting import Reported, not_reported


@dataclass(frozen=True)
class ScoreInputs:
    """Everything the scorecard is built from."""

    framework: Framework
    registry: Registry
    settings: Workspace
    blocks: Sequence[Block]
    fx: FxTable
    period: str
    report_date: str
    live_sites: Sequence[Site]
    paths: Mapping[str, Path]
    findings: Mapping[str, int]
    excluded_rows: int = 0
    previous: Scorecard | None = None
    profiles: Sequence[Profile] = ()
    """The intake profiles that read the blocks: their units name a likely cause."""
    reported: Reported | None = None
    """Site -> the measures it is expected to report; None: every site reports everything."""


def _composite_status(value: float | None, framework: Framework) -> Status:
    if value is None:
        return "no_data"
    s = framework.scoring
    return (
        "green"
        if value >= s.composite_green
        else ("amber" if value >= s.composite_amber else "red")
    )


def _weighted(
    pairs: Sequence[tuple[float, float | None]], zero_missing: bool
) -> tuple[float | None, float]:
    """Weighted mean of (weight, score) and the share of weight that had a score."""
    total = sum(w for w, _ in pairs)
    scored = [(w, s) for w, s in pairs if s is not None]
    covered = sum(w for w, _ in scored)
    coverage = covered / total if total else 0.0
    if not scored:
        return None, coverage
    denominator = total if zero_missing else covered
    return (sum(w * s for w, s in scored) / denominator if denominator else None), coverage


class _Scorer:
    def __init__(self, inputs: ScoreInputs) -> None:
        self.inputs = inputs
        self.framework = inputs.framework
        self.needs = KpiEngine.build(inputs.framework).needs
        self.not_split: frozenset[str] = frozenset()
        """Measures no queue holds (files keyed by site): a KPI on them is not by queue."""
        self.previous = {
            (s.level, s.id, s.queue): s for s in (inputs.previous.scopes if inputs.previous else [])
        }

    def scope(
        self,
        level: Level,
        scope_id: str,
        name: str,
        values: ScopeValues,
        where: Scope,
        sites: list[str],
        queue: str | None = None,
        site: Site | None = None,
        members: Sequence[ScopeResult] = (),
    ) -> ScopeResult:
        """One scope's results; `members` are its sites' own results (above site level)."""
        fw = self.framework
        previous = self.previous.get((level, scope_id, queue))
        kpis: list[KpiResult] = []
        for kpi in fw.kpis:
            target = resolve_target(kpi, where, fw.overrides, self.inputs.settings.overrides)
            value = values.kpis.get(kpi.id)
            sample = values.samples.get(kpi.id) if kpi.min_sample else None
            status = rag(kpi, value, target, sample)
            if value is None and not_reported(self.needs[kpi.id], sites, self.inputs.reported):
                status = "not_reported"
            if value is None and by_queue(queue) and self.needs[kpi.id] & self.not_split:
                status = "not_by_queue"
            points = score(kpi, value, target, status, fw.scoring) if kpi.scored else None
            judged = None
            if kpi.above_site != "sum" and level != "site" and members and value is not None:
                judged, status, points = _judge(kpi, value, target, members, fw)
            before = previous.kpi(kpi.id) if previous else None
            prior = before.value if before else None
            kpis.append(
                KpiResult(
                    kpi=kpi.id,
                    value=value,
                    status=status,
                    score=points,
                    sample=sample,
                    target=target,
                    previous=prior,
                    change=value - prior if value is not None and prior is not None else None,
                    judged=judged,
                )
            )
        zero = fw.scoring.missing_kpi == "zero"
        by_id = {k.kpi: k for k in kpis}
        gates = _fired_gates(fw, by_id)
        zeroed = {
            kpi.category
            for g in fw.gates
            if g.zero_category and g.id in {r.gate for r in gates}
            for kpi in fw.kpis
            if kpi.id == g.kpi
        }
        categories = []
        for category in fw.categories:
            pairs = [
                (k.weight, by_id[k.id].score)
                for k in fw.kpis
                if k.scored and k.category == category.id and by_id[k.id].status != "not_by_queue"
            ]  # a KPI no queue can have is not missing from a queue, even when missing ones score 0
            cat_score, coverage = _weighted(pairs, zero)
            if category.id in zeroed:
                cat_score = 0.0
            categories.append(
                CategoryResult(category=category.id, score=cat_score, coverage=coverage)
            )
        composite, coverage = _weighted(
            [(c.weight, r.score) for c, r in zip(fw.categories, categories, strict=True)], zero
        )
        plain = _composite_status(composite, fw)
        capped = _capped(plain, [g.cap for g in gates])
        return ScopeResult(
            level=level,
            id=scope_id,
            name=name,
            queue=queue,
            vendor=site.vendor if site else None,
            region=site.region if site else None,
            sites=sites,
            measures=dict(values.measures),
            kpis=kpis,
            categories=categories,
            composite=composite,
            coverage=coverage,
            status=capped,
            previous_composite=previous.composite if previous else None,
            gates=gates,
            uncomposed_status=plain if capped != plain else None,
        )


_RANK: dict[str, int] = {"green": 0, "amber": 1, "red": 2}


def _judge(
    kpi: Kpi, value: float | None, target: Target, members: Sequence[ScopeResult], fw: Framework
) -> tuple[Judged, Status, float | None]:
    """A count KPI above site level, rated per reporting site or by its worst site."""
    results = [(m.id, r) for m in members if (r := m.kpi(kpi.id)) is not None]
    valued = [(site_id, r) for site_id, r in results if r.value is not None]
    if kpi.above_site == "worst_site":
        rated = [(site_id, r) for site_id, r in valued if r.status in _RANK]
        if not rated:
            return Judged(basis="worst_site", value=None, sites=0), "no_data", None
        site_id, worst = max(
            rated,
            key=lambda p: (_RANK[p[1].status], -(p[1].score if p[1].score is not None else 100)),
        )
        judged = Judged(basis="worst_site", value=worst.value, sites=len(rated), site=site_id)
        return judged, worst.status, worst.score if kpi.scored else None
    per_site = value / len(valued) if value is not None and valued else None
    status = rag(kpi, per_site, target, None)
    points = score(kpi, per_site, target, status, fw.scoring) if kpi.scored else None
    return Judged(basis="per_site", value=per_site, sites=len(valued)), status, points


def _fired_gates(fw: Framework, by_id: Mapping[str, KpiResult]) -> list[GateResult]:
    fired: list[GateResult] = []
    for gate in fw.gates:
        result = by_id.get(gate.kpi)
        if result is None:
            continue
        if gate.above is not None:
            hit = result.value is not None and result.value > gate.above
        else:
            hit = result.status in _RANK and _RANK[result.status] >= _RANK[gate.status or "red"]
        if hit:
            fired.append(
                GateResult(
                    gate=gate.id, kpi=gate.kpi, value=result.value, cap=gate.cap, reason=gate.reason
                )
            )
    return fired


def _capped(status: Status, caps: Sequence[str]) -> Status:
    """The status no better than the worst cap (a gate makes even a scope without data red)."""
    if not caps:
        return status
    worst: Status = "red" if "red" in caps else "amber"
    if status in _RANK and _RANK[status] >= _RANK[worst]:
        return status
    return worst


def _ranked(scopes: list[ScopeResult]) -> list[ScopeResult]:
    order = sorted(
        (s for s in scopes if s.composite is not None), key=lambda s: (-(s.composite or 0.0), s.id)
    )
    ranks = {s.id: i + 1 for i, s in enumerate(order)}
    return [s.model_copy(update={"rank": ranks.get(s.id)}) for s in scopes]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _columns(
    inputs: ScoreInputs, spans: Mapping[tuple[str, str], list[CellSpan]]
) -> dict[str, dict[str, list[Column]]]:
    """Site -> measure -> the columns it was read from, with the unit each was read in."""
    profile_of = {(b.source.file, b.source.sheet): b.source.profile for b in inputs.blocks}
    units = {
        (p.id, c.measure): (c.unit, c.percent_of is not None)
        for p in inputs.profiles
        for c in p.columns
    }
    out: dict[str, dict[str, list[Column]]] = {}
    for (site, measure), cells in spans.items():
        for span in cells:
            profile = profile_of.get((span.file, span.sheet), "")
            unit, percent = units.get((profile, measure), ("number", False))
            out.setdefault(site, {}).setdefault(measure, []).append(
                Column(measure, span.header, unit, profile, span.file, span.sheet, percent)
            )
    return out


def _plausibility(
    inputs: ScoreInputs,
    engine: KpiEngine,
    site_scopes: Sequence[ScopeResult],
    spans: Mapping[tuple[str, str], list[CellSpan]],
) -> list[Issue]:
    """K403 for each site KPI or measure outside its plausible range."""
    columns = _columns(inputs, spans)
    reporting = inputs.settings.reporting_currency

    def rate_of(currency: str) -> float | None:
        return inputs.fx.rate(inputs.period, currency, reporting)

    issues: list[Issue] = []
    for scope in site_scopes:
        figures = SiteFigures(
            site=scope.id,
            measures=dict(scope.measures),
            kpis={k.kpi: k.value for k in scope.kpis},
            columns=columns.get(scope.id, {}),
        )
        issues.extend(check_site(inputs.framework, engine, figures, reporting, rate_of))
    return issues


def build_scorecard(
    inputs: ScoreInputs, data: MonthData | None = None
) -> tuple[Scorecard, list[Issue]]:
    """The scorecard of a period, and the computation's own findings (missing FX rates).

    `data` is what an engine computed; without it the blocks are rolled up in process.
    """
    fw, registry, settings = inputs.framework, inputs.registry, inputs.settings
    reporting = settings.reporting_currency
    rates = {s.id: inputs.fx.rate(inputs.period, s.currency, reporting) for s in registry.sites}
    if data is None:
        data = InProcessMonth(fw, Groups.of(inputs.blocks), rates, inputs.blocks)
    money = {m.id for m in fw.measures if m.kind == "money"}
    issues: list[Issue] = []
    scorer = _Scorer(inputs)
    site_list = [s for s in registry.sites if s.id in data.sites or s in inputs.live_sites]
    for site in site_list:
        if rates[site.id] is None and site.id in data.money_sites:
            issues.append(
                no_rate_issue(site.id, site.currency, reporting, inputs.period, settings.fx_rates)
            )

    own: dict[str, ScopeResult] = {}  # each site's own result, for KPIs judged per site

    def scope(
        level: Level,
        scope_id: str,
        name: str,
        members: list[str],
        where: Scope,
        queue: str | None = None,
        site: Site | None = None,
        values: ScopeValues | None = None,
    ) -> ScopeResult:
        if values is None:
            values = data.values((level, scope_id, queue), members)
        sites = [own[m] for m in members if m in own] if queue is None else []
        result = scorer.scope(level, scope_id, name, values, where, members, queue, site, sites)
        if level == "site" and queue is None:
            own[scope_id] = result
        return result

    scopes: list[ScopeResult] = []
    site_scopes = [
        scope("site", s.id, s.name, [s.id], Scope(s.region, s.vendor, s.id), site=s)
        for s in site_list
    ]
    vendor_scopes = []
    for vendor in registry.vendors:
        members = [s.id for s in site_list if s.vendor == vendor.id]
        if members:
            vendor_scopes.append(
                scope("vendor", vendor.id, vendor.name, members, Scope(vendor=vendor.id))
            )
    region_scopes = []
    for region in registry.regions:
        members = [s.id for s in site_list if s.region == region.id]
        if members:
            region_scopes.append(
                scope("region", region.id, region.name, members, Scope(region=region.id))
            )
    everyone = [s.id for s in site_list]
    scopes.append(scope("global", "global", settings.name, everyone, Scope()))
    scopes += _ranked(region_scopes) + _ranked(vendor_scopes) + _ranked(site_scopes)
    queues = sorted({q for (_, q) in data.site_queues})
    queue_members = {q: [s.id for s in site_list if (s.id, q) in data.site_queues] for q in queues}
    whole_queues = {q: data.values(("global", "global", q), m) for q, m in queue_members.items()}
    not_split = (
        not_split_measures(scopes[0].measures, [v.measures for v in whole_queues.values()])
        if queues
        else []
    )
    scorer.not_split = frozenset(not_split)
    for queue in queues:
        members = queue_members[queue]
        scopes.append(
            scope(
                "global",
                "global",
                settings.name,
                members,
                Scope(),
                queue,
                values=whole_queues[queue],
            )
        )
        for site in site_list:
            if site.id in members:
                scopes.append(
                    scope(
                        "site",
                        site.id,
                        site.name,
                        [site.id],
                        Scope(site.region, site.vendor, site.id),
                        queue=queue,
                        site=site,
                    )
                )
    unsplit: list[ScopeResult] = []
    queueless = queueless_sites(everyone, data.sites, data.site_queues) if queues else []
    if queueless:
        together = kpi_values(KpiEngine.build(fw), fw, [own[s].measures for s in queueless])
        unsplit.append(
            scorer.scope(
                "global", "global", settings.name, together, Scope(), queueless, ALL_QUEUES
            )
        )
        unsplit += [
            own[s].model_copy(update={"queue": ALL_QUEUES, "rank": None}) for s in queueless
        ]
    scopes, partial = with_coverage(scopes, scorer.needs, inputs.reported)
    issues.extend(partial)
    spans = data.lineage()
    issues.extend(_plausibility(inputs, KpiEngine.build(fw), site_scopes, spans))
    currencies = {s.id: s.currency for s in site_list}
    lineage_list = [
        Lineage(
            site=site_id,
            measure=measure_id,
            cells=cells,
            currency=currencies.get(site_id) if measure_id in money else None,
            fx_rate=rates.get(site_id) if measure_id in money else None,
        )
        for (site_id, measure_id), cells in sorted(spans.items())
    ]
    card = Scorecard(
        period=inputs.period,
        previous_period=inputs.previous.period if inputs.previous else None,
        report_date=inputs.report_date,
        workspace=settings.name,
        framework=f"{fw.id} {fw.version}",
        reporting_currency=reporting,
        scoring_method=fw.scoring.method,
        invalid_rows_excluded=inputs.excluded_rows,
        findings=dict(inputs.findings),
        issues=issues,
        categories=[CategoryInfo(id=c.id, name=c.name, weight=c.weight) for c in fw.categories],
        kpis=[
            KpiInfo(
                id=k.id,
                name=k.name,
                category=k.category,
                formula=k.formula,
                unit=k.unit,
                format=k.format,
                direction=k.direction,
                owner=k.owner,
                description=k.description,
                weight=k.weight,
            )
            for k in fw.kpis
        ],
        scopes=scopes,
        unsplit=unsplit,
        not_split=not_split,
        lineage=lineage_list,
        inputs={name: file_sha256(path) for name, path in sorted(inputs.paths.items())},
    )
    return card, issues


def score_scope(
    inputs: ScoreInputs,
    local: Mapping[tuple[str, str | None], Measures],
    *,
    scope_id: str,
    name: str,
    sites: Sequence[str],
    queues: Sequence[str] = (),
) -> ScopeResult:
    """One ad-hoc scope (some sites, some queues) computed exactly as the scorecard's scopes are.

    Used by contracts, whose service levels cover part of a vendor. `local` is
    `site_measures` of the period's partials (by queue when `queues` are given): each site's
    measures are converted at the period's rate and combined by the same scorer (a ratio of
    sums, sites without a KPI's measures left out of it).
    """
    fw, reporting = inputs.framework, inputs.settings.reporting_currency
    wanted = set(queues)
    parts: list[Measures] = []
    members: list[str] = []
    for site_id in sites:
        site = inputs.registry.site(site_id)
        if site is None:
            continue
        rate = inputs.fx.rate(inputs.period, site.currency, reporting)
        keys = [k for k in local if k[0] == site_id and (not wanted or k[1] in wanted)]
        if not keys:
            continue
        members.append(site_id)
        parts.append(across_sites(fw, [convert_money(fw, local[k], rate) for k in keys]))
    values = kpi_values(KpiEngine.build(fw), fw, parts)
    return _Scorer(inputs).scope("vendor", scope_id, name, values, Scope(), members)
