"""Formula checks: syntax, names, functions, cycles between KPIs and units."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from opsgov.formula import (
    Dimension,
    FormulaSyntaxError,
    Node,
    UnitError,
    calls,
    check_call,
    infer_dimension,
    is_condition,
    names,
    parse,
)
from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean, formula_location
from opsgov.models.framework import NUMERIC_KINDS, Framework, Kpi
from opsgov.yamlio import YamlDocument


@dataclass(frozen=True)
class _Parsed:
    index: int
    kpi: Kpi
    node: Node


def _parse(
    doc: YamlDocument, path: tuple[str | int, ...], text: str
) -> tuple[Node | None, list[Issue]]:
    try:
        return parse(text), []
    except FormulaSyntaxError as exc:
        return None, [
            make_issue(
                "D120",
                f"formula `{text}`: {exc.message}",
                location=formula_location(doc, path, exc.offset),
                field=str(path[-1]),
            )
        ]


def _names_and_calls(
    doc: YamlDocument, path: tuple[str | int, ...], node: Node, known: Mapping[str, str], what: str
) -> Iterator[Issue]:
    for ref in names(node):
        if ref.id not in known:
            yield make_issue(
                "D121",
                f"`{ref.id}` is not a {what} of this framework",
                location=formula_location(doc, path, ref.offset),
                field=str(path[-1]),
                found=ref.id,
                hint=did_you_mean(ref.id, known) or f"Declare it, or use one of the {what}s.",
            )
        elif known[ref.id] == "non-numeric":
            yield make_issue(
                "D124",
                f"`{ref.id}` is a date or category measure and has no value to compute with",
                location=formula_location(doc, path, ref.offset),
                field=str(path[-1]),
            )
    for call in calls(node):
        problem = check_call(call)
        if problem is not None:
            yield make_issue(
                "D122",
                problem,
                location=formula_location(doc, path, call.offset),
                field=str(path[-1]),
                found=call.name,
            )


MAX_KPI_DEPTH = 16
"""Longest chain of KPIs built on KPIs accepted; real frameworks go two or three deep."""


def _cycles(
    doc: YamlDocument, parsed: list[_Parsed], kpi_ids: set[str]
) -> tuple[list[Issue], list[_Parsed]]:
    """D123 for each KPI on a cycle, D194 for chains too deep; the rest in dependency order.

    Depth-first with an explicit stack, so a chain of any length is checked without
    recursion.
    """
    deps = {p.kpi.id: [n.id for n in names(p.node) if n.id in kpi_ids] for p in parsed}
    by_id = {p.kpi.id: p for p in parsed}
    order: list[_Parsed] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done
    depth: dict[str, int] = {}  # KPIs under this one, on its longest chain
    on_cycle: dict[str, list[str]] = {}
    for p in parsed:
        if state.get(p.kpi.id):
            continue
        stack: list[tuple[str, int]] = [(p.kpi.id, 0)]
        path: list[str] = [p.kpi.id]
        state[p.kpi.id] = 1
        while stack:
            kid, next_dep = stack[-1]
            kid_deps = [d for d in deps.get(kid, []) if d in by_id]
            if next_dep < len(kid_deps):
                stack[-1] = (kid, next_dep + 1)
                dep = kid_deps[next_dep]
                if state.get(dep) == 1:
                    loop = [*path[path.index(dep) :], dep]
                    for member in loop[:-1]:
                        on_cycle.setdefault(member, loop)
                elif not state.get(dep):
                    state[dep] = 1
                    stack.append((dep, 0))
                    path.append(dep)
                continue
            stack.pop()
            path.pop()
            state[kid] = 2
            depth[kid] = 1 + max((depth.get(d, 0) for d in kid_deps), default=0)
            order.append(by_id[kid])
    issues = [
        make_issue(
            "D123",
            f"KPI `{kid}` is part of a cycle: {' -> '.join(loop)}",
            location=doc.locate(("kpis", by_id[kid].index, "formula")),
            field="formula",
            hint="Write one of these formulas over measures instead of other KPIs.",
        )
        for kid, loop in on_cycle.items()
    ]
    deep = [p for p in order if p.kpi.id not in on_cycle and depth[p.kpi.id] > MAX_KPI_DEPTH]
    issues += [  # one finding where each chain crosses the limit, not one per KPI above it
        make_issue(
            "D194",
            f"KPI `{p.kpi.id}` is built on a chain of {MAX_KPI_DEPTH} KPIs; at most "
            f"{MAX_KPI_DEPTH - 1} are accepted (it and the KPIs built on it are not computed)",
            location=doc.locate(("kpis", p.index, "formula")),
            field="formula",
            hint="Write the formula over measures, or over fewer KPIs in turn.",
        )
        for p in deep
        if depth[p.kpi.id] == MAX_KPI_DEPTH + 1
    ]
    refused = {*on_cycle, *(p.kpi.id for p in deep)}
    return issues, [p for p in order if p.kpi.id not in refused]


_UNIT_RULES: dict[str, tuple[str, str]] = {
    "percent": ("ratio", "a percent KPI must be a ratio of like quantities"),
    "ratio": ("ratio", "a ratio KPI must divide like quantities"),
    "seconds": (
        "time",
        "a duration KPI must compute a time (seconds or hours), optionally per item",
    ),
    "hours": ("time", "a duration KPI must compute a time (seconds or hours), optionally per item"),
    "currency": ("money", "a currency KPI must compute money, optionally per item or per hour"),
    "per_hour": ("per_time", "a per-hour KPI must divide something by a time"),
    "count": ("plain", "a count KPI must not compute time or money"),
}


def unit_problem(unit: str, dim: Dimension) -> str | None:
    """Why `dim` does not fit the declared KPI unit, or None when it does."""
    rule = _UNIT_RULES.get(unit)
    if rule is None:
        return None
    shape, why = rule
    time, money = dim.exponent("time"), dim.exponent("money")
    fits = {
        "ratio": dim.is_dimensionless,
        "time": time == 1 and money == 0,
        "money": money == 1 and time in (0, -1),
        "per_time": time == -1 and money == 0,
        "plain": time == 0 and money == 0,
    }[shape]
    return None if fits else f"{why}; this formula computes {dim}"


def check_formulas(doc: YamlDocument, fw: Framework) -> Iterator[Issue]:
    """Every formula check for a framework's KPIs and checks."""
    measures: dict[str, str] = {}
    for m in fw.measures:
        measures.setdefault(m.id, "numeric" if m.kind in NUMERIC_KINDS else "non-numeric")
    kpi_ids = {k.id for k in fw.kpis}
    known = {**measures, **dict.fromkeys(kpi_ids, "numeric")}
    parsed: list[_Parsed] = []
    clean: set[str] = set()
    for index, kpi in enumerate(fw.kpis):
        path = ("kpis", index, "formula")
        node, problems = _parse(doc, path, kpi.formula)
        yield from problems
        if node is None:
            continue
        name_problems = list(_names_and_calls(doc, path, node, known, "measure or KPI"))
        yield from name_problems
        parsed.append(_Parsed(index, kpi, node))
        if not name_problems:
            clean.add(kpi.id)
    cycle_issues, ordered = _cycles(doc, parsed, kpi_ids)
    yield from cycle_issues
    dims: dict[str, Dimension] = {}
    for m in fw.measures:
        base = m.dimension_base
        if base is not None and m.id not in dims:  # a repeated id is D113; keep the first
            dims[m.id] = Dimension.of(**{base: 1})
    for p in ordered:
        if p.kpi.id not in clean or any(
            n.id in kpi_ids and n.id not in dims for n in names(p.node)
        ):
            continue
        path = ("kpis", p.index, "formula")
        try:
            dim = infer_dimension(p.node, dims)
        except UnitError as exc:
            yield make_issue(
                "D124",
                exc.message,
                location=formula_location(doc, path, exc.offset),
                field="formula",
            )
            continue
        dims[p.kpi.id] = dim
        problem = unit_problem(p.kpi.unit, dim)
        if problem is not None:
            yield make_issue(
                "D124",
                f"KPI `{p.kpi.id}` has unit {p.kpi.unit}: {problem}",
                location=doc.locate(("kpis", p.index, "unit")),
                field="unit",
                hint="Fix the formula, or declare the unit it computes.",
            )
    yield from _check_rules(doc, fw, measures, dims)


def _check_rules(
    doc: YamlDocument, fw: Framework, measures: Mapping[str, str], dims: Mapping[str, Dimension]
) -> Iterator[Issue]:
    for index, check in enumerate(fw.checks):
        path = ("checks", index, "condition")
        node, problems = _parse(doc, path, check.condition)
        yield from problems
        if node is None:
            continue
        name_problems = list(_names_and_calls(doc, path, node, measures, "measure"))
        yield from name_problems
        if not is_condition(node):
            yield make_issue(
                "D131",
                f"check `{check.id}` is not a comparison: `{check.condition}`",
                location=doc.locate(path),
                field="condition",
                hint="Write it as a comparison, such as `qa_correct <= qa_audited`.",
            )
        elif not name_problems:
            try:
                infer_dimension(node, dims)
            except UnitError as exc:
                yield make_issue(
                    "D124",
                    exc.message,
                    location=formula_location(doc, path, exc.offset),
                    field="condition",
                )
