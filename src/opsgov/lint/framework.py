"""Framework checks other than formulas: ids, categories, weights, thresholds, overrides."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean, duplicate_ids
from opsgov.models.framework import Band, Framework, Kpi, Override, Thresholds
from opsgov.models.registry import Registry
from opsgov.yamlio import PathKey, YamlDocument

_WEIGHT_TOLERANCE = 1e-6


def check_structure(doc: YamlDocument, fw: Framework) -> Iterator[Issue]:
    """Ids, categories and weights."""
    yield from duplicate_ids(doc, "measures", fw.measures, "measure")
    yield from duplicate_ids(doc, "kpis", fw.kpis, "KPI")
    yield from duplicate_ids(doc, "categories", fw.categories, "category")
    yield from duplicate_ids(doc, "checks", fw.checks, "check")
    yield from duplicate_ids(doc, "gates", fw.gates, "gate")
    kpi_ids = {k.id for k in fw.kpis}
    for index, gate in enumerate(fw.gates):
        if gate.kpi not in kpi_ids:
            yield make_issue(
                "D195",
                f"gate `{gate.id}` watches `{gate.kpi}`, which is not a KPI of this framework",
                location=doc.locate(("gates", index, "kpi")),
                field="kpi",
                found=gate.kpi,
                hint=did_you_mean(gate.kpi, kpi_ids) or "Name one of the framework's KPIs.",
            )
    measure_ids = {m.id for m in fw.measures}
    for index, kpi in enumerate(fw.kpis):
        if kpi.id in measure_ids:
            yield make_issue(
                "D113",
                f"KPI id `{kpi.id}` is also a measure id, so formulas could not tell them apart",
                location=doc.locate(("kpis", index, "id")),
                field="id",
            )
    yield from _categories(doc, fw)


def _categories(doc: YamlDocument, fw: Framework) -> Iterator[Issue]:
    category_ids = {c.id for c in fw.categories}
    for index, kpi in enumerate(fw.kpis):
        if kpi.category is not None and kpi.category not in category_ids:
            yield make_issue(
                "D125",
                f"KPI `{kpi.id}` names category `{kpi.category}`, which is not declared",
                location=doc.locate(("kpis", index, "category")),
                field="category",
                found=kpi.category,
                hint=did_you_mean(kpi.category, category_ids)
                or "Declare it under categories, or remove the category.",
            )
    if fw.categories:
        total = sum(c.weight for c in fw.categories)
        if abs(total - 100) > _WEIGHT_TOLERANCE:
            listed = " + ".join(f"{c.weight:g}" for c in fw.categories)
            yield make_issue(
                "D126",
                f"category weights sum to {total:g} ({listed}); they must sum to 100",
                location=doc.locate(("categories",), key=True),
                field="categories",
                found=f"{total:g}",
                expected="100",
            )
    scored = {k.category for k in fw.kpis if k.scored}
    for index, category in enumerate(fw.categories):
        if category.weight > 0 and category.id not in scored:
            yield make_issue(
                "D130",
                f"category `{category.id}` has weight {category.weight:g} but no scored KPI",
                location=doc.locate(("categories", index, "id")),
                field="id",
                hint="Give a KPI this category and a weight above 0, or set the weight to 0.",
            )


def _threshold_problem(kpi: Kpi, thresholds: Thresholds | None, band: Band | None) -> str | None:
    if kpi.direction == "higher_is_better" and thresholds and thresholds.green < thresholds.amber:
        return (
            f"higher is better, so green ({thresholds.green:g}) must be at or above "
            f"amber ({thresholds.amber:g})"
        )
    if kpi.direction == "lower_is_better" and thresholds and thresholds.green > thresholds.amber:
        return (
            f"lower is better, so green ({thresholds.green:g}) must be at or below "
            f"amber ({thresholds.amber:g})"
        )
    if band is not None:
        g, a = band.green, band.amber
        if g.low > g.high or a.low > a.high:
            return "each band's low must be at or below its high"
        if not (a.low <= g.low and g.high <= a.high):
            return (
                f"the green band {g.low:g}-{g.high:g} must sit inside the amber band "
                f"{a.low:g}-{a.high:g}"
            )
    return None


def _target_problem(
    kpi: Kpi, target: float | None, thresholds: Thresholds | None, band: Band | None
) -> str | None:
    if target is None:
        return None
    if kpi.direction == "higher_is_better" and thresholds and target < thresholds.green:
        return (
            f"target {target:g} is below the green threshold {thresholds.green:g}, "
            "so meeting it is not green"
        )
    if kpi.direction == "lower_is_better" and thresholds and target > thresholds.green:
        return (
            f"target {target:g} is above the green threshold {thresholds.green:g}, "
            "so meeting it is not green"
        )
    if band is not None and not band.green.low <= target <= band.green.high:
        return f"target {target:g} is outside the green band {band.green.low:g}-{band.green.high:g}"
    return None


def _floor_problem(kpi: Kpi, target: float | None, floor: float | None) -> str | None:
    if floor is None or target is None:
        return None
    if kpi.direction == "higher_is_better" and floor >= target:
        return (
            f"higher is better, so the scoring floor ({floor:g}) must be below the target "
            f"({target:g})"
        )
    if kpi.direction == "lower_is_better" and floor <= target:
        return (
            f"lower is better, so the scoring floor ({floor:g}) must be above the target "
            f"({target:g})"
        )
    return None


def _rag_issues(
    doc: YamlDocument,
    path: PathKey,
    kpi: Kpi,
    *,
    target: float | None,
    thresholds: Thresholds | None,
    band: Band | None,
    floor: float | None,
) -> Iterator[Issue]:
    problem = _threshold_problem(kpi, thresholds, band)
    if problem is not None:
        where = "band" if band is not None else "thresholds"
        yield make_issue(
            "D127",
            f"KPI `{kpi.id}`: {problem}",
            location=doc.locate((*path, where)),
            field=where,
        )
    problem = _target_problem(kpi, target, thresholds, band)
    if problem is not None:
        yield make_issue(
            "D128",
            f"KPI `{kpi.id}`: {problem}",
            location=doc.locate((*path, "target")),
            field="target",
        )
    problem = _floor_problem(kpi, target, floor)
    if problem is not None:
        yield make_issue(
            "D127",
            f"KPI `{kpi.id}`: {problem}",
            location=doc.locate((*path, "floor")),
            field="floor",
        )
    if kpi.unit == "percent":
        values = [v for v in (target, floor) if v is not None]
        if thresholds is not None:
            values += [thresholds.green, thresholds.amber]
        if band is not None:
            values += [band.green.low, band.green.high, band.amber.low, band.amber.high]
        if any(v > 1 for v in values):
            yield make_issue(
                "D133",
                f"KPI `{kpi.id}` is a percent KPI but a target or threshold is above 1",
                location=doc.locate(
                    (*path, "target") if target is not None and target > 1 else path
                ),
                hint="Percent KPIs compute fractions: write 95 % as 0.95.",
            )


def check_targets(doc: YamlDocument, fw: Framework) -> Iterator[Issue]:
    """Thresholds, targets, floors, minimum samples and scorability of every KPI."""
    measure_ids = {m.id for m in fw.measures}
    for index, kpi in enumerate(fw.kpis):
        path: PathKey = ("kpis", index)
        yield from _rag_issues(
            doc,
            path,
            kpi,
            target=kpi.target,
            thresholds=kpi.thresholds,
            band=kpi.band,
            floor=kpi.floor,
        )
        if kpi.scored and kpi.thresholds is None and kpi.band is None:
            yield make_issue(
                "D132",
                f"KPI `{kpi.id}` is weighted in category `{kpi.category}` "
                "but has no thresholds or band",
                location=doc.locate(path),
                hint="Add thresholds (or band), or set its weight to 0.",
            )
        if kpi.min_sample is not None and kpi.min_sample.measure not in measure_ids:
            yield make_issue(
                "D129",
                f"KPI `{kpi.id}`: minimum sample names `{kpi.min_sample.measure}`, "
                "which is not a measure",
                location=doc.locate((*path, "min_sample", "measure")),
                field="measure",
                hint=did_you_mean(kpi.min_sample.measure, measure_ids),
            )


def check_overrides(
    doc: YamlDocument, overrides: Sequence[Override], fw: Framework, registry: Registry | None
) -> Iterator[Issue]:
    """Check overrides (at the `overrides` key of `doc`).

    Each must name a known KPI and a scope the registry has, and keep thresholds in order.
    """
    scopes: dict[str, set[str]] = {}
    if registry is not None:
        scopes = {
            "region": {r.id for r in registry.regions},
            "vendor": {v.id for v in registry.vendors},
            "site": {s.id for s in registry.sites},
        }
    for index, override in enumerate(overrides):
        path: PathKey = ("overrides", index)
        kpi = fw.kpi(override.kpi)
        if kpi is None:
            yield make_issue(
                "D141",
                f"override for KPI `{override.kpi}`, which the framework does not define",
                location=doc.locate((*path, "kpi")),
                field="kpi",
                hint=did_you_mean(override.kpi, [k.id for k in fw.kpis]),
            )
        level, scope_id = override.scope
        if scopes and scope_id not in scopes[level]:
            yield make_issue(
                "D140",
                f"override for {level} `{scope_id}`, which the registry does not have; "
                "it would never apply",
                location=doc.locate((*path, level)),
                field=level,
                found=scope_id,
                hint=did_you_mean(scope_id, scopes[level])
                or f"Known {level}s: {', '.join(sorted(scopes[level]))}.",
            )
        if kpi is None:
            continue
        if override.band is not None and kpi.direction != "target_band":
            yield make_issue(
                "D127",
                f"KPI `{kpi.id}` is {kpi.direction}: override thresholds, not band",
                location=doc.locate((*path, "band")),
                field="band",
            )
        if override.thresholds is not None and kpi.direction == "target_band":
            yield make_issue(
                "D127",
                f"KPI `{kpi.id}` has a target band: override band, not thresholds",
                location=doc.locate((*path, "thresholds")),
                field="thresholds",
            )
        yield from _rag_issues(
            doc,
            path,
            kpi,
            target=override.target if override.target is not None else kpi.target,
            thresholds=override.thresholds or kpi.thresholds,
            band=override.band or kpi.band,
            floor=override.floor if override.floor is not None else kpi.floor,
        )
