"""Partial levels: a KPI of a vendor, region or the whole operation that covers some sites only.

A KPI at a higher level is a ratio of sums over the sites that report everything it needs, so
that a site without the numerator does not dilute the denominator. When rows are left out
(under `--allow-invalid`) or a file is missing, that can be one site out of seven: the global
cost per case printed is then one site's own. Such a value carries its coverage (which sites,
what share of the level's items handled) on every output, and each level with one is a
finding (K404), unless the sites left out do not report those measures by design.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from opsgov.issues import Issue, make_issue
from opsgov.models.results import KpiCoverage, KpiResult, ScopeResult
from opsgov.validate.reporting import Reported

VOLUME = "items_handled"
"""The measure a coverage's share of volume is counted in."""


def _counts(measures: Mapping[str, float | None], needs: Iterable[str]) -> bool:
    return all(measures.get(m) is not None for m in needs)


def _share(parts: Sequence[Mapping[str, float | None]], whole: float) -> float | None:
    if whole <= 0:
        return None
    return sum(p.get(VOLUME) or 0.0 for p in parts) / whole


def kpi_coverage(
    scope: ScopeResult,
    result: KpiResult,
    needs: frozenset[str],
    sites: Mapping[tuple[str, str | None], ScopeResult],
) -> KpiCoverage | None:
    """The coverage of one KPI of a level, or None when it covers every site (or no value)."""
    if scope.level == "site" or result.value is None:
        return None
    members = [sites.get((m, scope.queue)) for m in scope.sites]
    parts = [s.measures for s in members if s is not None]
    covered = [s.id for s in members if s is not None and _counts(s.measures, needs)]
    if len(covered) == len(scope.sites) or not covered:
        return None
    whole = sum(p.get(VOLUME) or 0.0 for p in parts)
    counted = [s.measures for s in members if s is not None and s.id in covered]
    return KpiCoverage(
        sites=covered,
        left_out=[m for m in scope.sites if m not in covered],
        of=len(scope.sites),
        volume_share=_share(counted, whole),
    )


def with_coverage(
    scopes: Sequence[ScopeResult],
    needs: Mapping[str, frozenset[str]],
    reported: Reported | None,
) -> tuple[list[ScopeResult], list[Issue]]:
    """Every scope with its partial KPIs' coverage, and a K404 for each partial level."""
    sites = {(s.id, s.queue): s for s in scopes if s.level == "site"}
    out: list[ScopeResult] = []
    issues: list[Issue] = []
    for scope in scopes:
        kpis = []
        covered: list[tuple[str, KpiCoverage]] = []
        for result in scope.kpis:
            coverage = kpi_coverage(scope, result, needs[result.kpi], sites)
            if coverage is not None:
                result = result.model_copy(update={"coverage": coverage})
                covered.append((result.kpi, coverage))
            kpis.append(result)
        out.append(scope.model_copy(update={"kpis": kpis}) if covered else scope)
        partial = [
            (kpi, c)
            for kpi, c in covered
            if scope.queue is None and _unexpected(c, needs[kpi], reported)
        ]
        if partial:
            issues.append(_finding(scope, partial))
    return out, issues


def _unexpected(coverage: KpiCoverage, needs: frozenset[str], reported: Reported | None) -> bool:
    """Whether a site left out was expected to report what the KPI needs."""
    if reported is None:
        return True
    return any(needs <= reported.get(site, needs) for site in coverage.left_out)


def describe(coverage: KpiCoverage) -> str:
    """`DUB1 only, 1 of 8 sites, 12 % of items handled` (the words every output uses)."""
    named = coverage.sites[0] + " only" if len(coverage.sites) == 1 else ", ".join(coverage.sites)
    share = (
        f", {coverage.volume_share * 100:.0f} % of items handled"
        if coverage.volume_share is not None
        else ""
    )
    return f"{named}, {len(coverage.sites)} of {coverage.of} sites{share}"


def _finding(scope: ScopeResult, partial: Sequence[tuple[str, KpiCoverage]]) -> Issue:
    groups: dict[str, list[str]] = {}
    for kpi, coverage in partial:
        groups.setdefault(describe(coverage), []).append(kpi)
    label = "the whole operation" if scope.level == "global" else f"{scope.level} {scope.id}"
    parts = [f"{', '.join(kpis)} ({text})" for text, kpis in groups.items()]
    noun = "KPI covers" if len(partial) == 1 else f"{len(partial)} KPIs cover"
    left = sorted({s for _, c in partial for s in c.left_out})
    return make_issue(
        "K404",
        f"{label}: {noun} only part of its sites: " + "; ".join(parts),
        found=", ".join(left),
        hint="The value is the covered sites' own, not the level's: "
        f"{', '.join(left)} supplied none of the measures behind it (rows left out, or a file "
        "missing). Fix those sites' findings and score again.",
    )
