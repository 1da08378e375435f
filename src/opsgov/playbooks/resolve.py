"""A playbook for one site: does it apply, which variants, which steps in which order.

Variants apply in the order written: `replace` swaps a step for one with the same id (keeping
its place), `add` appends a step to the end of a phase, `remove` drops a step and hands its
dependencies on to the steps that depended on it. Steps are then ordered by dependency
(topologically), ties kept in the order written, so the same playbook always gives the same
order.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from opsgov.errors import DefinitionError
from opsgov.models.playbook import Phase, Playbook, Step, Variant
from opsgov.models.registry import Site, Vendor

Position = tuple[int, int, int, int]


@dataclass(frozen=True)
class PlannedStep:
    """A step as it applies to one site: its phase, place, origin and effective dependencies."""

    step: Step
    phase: Phase
    position: Position
    variant: str | None
    """The variant that added or replaced the step, if any."""
    depends_on: tuple[str, ...]

    @property
    def id(self) -> str:
        """The step id."""
        return self.step.id


def not_applicable(playbook: Playbook, site: Site, vendor: Vendor | None) -> list[str]:
    """Why the playbook is not for this site (empty when it is)."""
    scope = playbook.applies_to
    why: list[str] = []
    if scope.regions and site.region not in scope.regions:
        why.append(f"region {site.region} is not one of {', '.join(scope.regions)}")
    if scope.countries and site.country not in scope.countries:
        why.append(f"country {site.country} is not one of {', '.join(scope.countries)}")
    if scope.vendors and site.vendor not in scope.vendors:
        why.append(f"vendor {site.vendor} is not one of {', '.join(scope.vendors)}")
    if scope.vendor_types and (vendor is None or vendor.type not in scope.vendor_types):
        kind = vendor.type if vendor else "unknown"
        why.append(f"vendor type {kind} is not one of {', '.join(scope.vendor_types)}")
    if scope.site_statuses and site.status not in scope.site_statuses:
        why.append(f"status {site.status} is not one of {', '.join(scope.site_statuses)}")
    return why


def variant_matches(variant: Variant, region: str, country: str) -> bool:
    """True when the variant is for a site in this region or country."""
    return region in variant.regions or country in variant.countries


def matching_variants(playbook: Playbook, region: str, country: str) -> list[Variant]:
    """The variants for a site in this region and country, in the order written."""
    return [v for v in playbook.variants if variant_matches(v, region, country)]


def resolve_steps(playbook: Playbook, variants: Sequence[Variant]) -> list[PlannedStep]:
    """The playbook's steps with the variants applied, in the order written."""
    phases = {p.id: (index, p) for index, p in enumerate(playbook.phases)}
    steps: dict[str, tuple[Step, Phase, Position, str | None]] = {}
    for pi, phase in enumerate(playbook.phases):
        for si, step in enumerate(phase.steps):
            steps.setdefault(step.id, (step, phase, (pi, si, 0, 0), None))
    removed: dict[str, tuple[str, ...]] = {}
    for vi, variant in enumerate(variants, start=1):
        for step in variant.replace:
            if step.id in steps:
                _, phase, position, _ = steps[step.id]
                steps[step.id] = (step, phase, position, variant.id)
        for ai, added in enumerate(variant.add):
            if added.phase in phases and added.id not in steps:
                pi, phase = phases[added.phase]
                plain = Step.model_validate(added.model_dump(exclude={"phase"}))
                steps[added.id] = (plain, phase, (pi, 1_000_000, vi, ai), variant.id)
        for step_id in variant.remove:
            if step_id in steps:
                removed[step_id] = tuple(steps.pop(step_id)[0].depends_on)

    def effective(deps: Iterable[str], seen: frozenset[str] = frozenset()) -> list[str]:
        out: list[str] = []
        for dep in deps:
            if dep in removed and dep not in seen:
                out.extend(effective(removed[dep], seen | {dep}))
            elif dep in steps:
                out.append(dep)
        return list(dict.fromkeys(out))

    planned = [
        PlannedStep(step, phase, position, variant, tuple(effective(step.depends_on)))
        for step, phase, position, variant in steps.values()
    ]
    return sorted(planned, key=lambda p: p.position)


def find_cycles(graph: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """For each node on a dependency cycle, one loop through it (`[a, b, a]`)."""
    state: dict[str, int] = {}  # 1 visiting, 2 done
    on_cycle: dict[str, list[str]] = {}

    def visit(node: str, stack: list[str]) -> None:
        if state.get(node) == 2 or node not in graph:
            return
        if state.get(node) == 1:
            loop = [*stack[stack.index(node) :], node]
            for member in loop[:-1]:
                on_cycle.setdefault(member, loop)
            return
        state[node] = 1
        for dep in graph[node]:
            visit(dep, [*stack, node])
        state[node] = 2

    for node in graph:
        visit(node, [])
    return on_cycle


def dependency_order(steps: Sequence[PlannedStep]) -> list[PlannedStep]:
    """Steps ordered so each comes after its dependencies; ties in the order written.

    Raises DefinitionError on a cycle (lint reports it with its position as P602).
    """
    by_id = {p.id: p for p in steps}
    waiting = {p.id: {d for d in p.depends_on if d in by_id} for p in steps}
    dependents: dict[str, list[str]] = {p.id: [] for p in steps}
    for p in steps:
        for dep in waiting[p.id]:
            dependents[dep].append(p.id)
    ready = [(p.position, p.id) for p in steps if not waiting[p.id]]
    heapq.heapify(ready)
    order: list[PlannedStep] = []
    while ready:
        _, step_id = heapq.heappop(ready)
        order.append(by_id[step_id])
        for child in dependents[step_id]:
            waiting[child].discard(step_id)
            if not waiting[child]:
                heapq.heappush(ready, (by_id[child].position, child))
    if len(order) != len(steps):
        loops = find_cycles({p.id: list(p.depends_on) for p in steps})
        loop = next(iter(loops.values()), [])
        raise DefinitionError(
            "the playbook's steps depend on each other in a loop: "
            + " -> ".join(loop)
            + "; `opsgov lint` shows where"
        )
    return order


def critical_path(ordered: Sequence[PlannedStep]) -> list[str]:
    """The longest chain of durations through the dependencies, first step first.

    `ordered` must be in dependency order. Ties go to the step written first.
    """
    if not ordered:
        return []
    length: dict[str, int] = {}
    best_dep: dict[str, str | None] = {}
    for p in ordered:
        deps = [d for d in p.depends_on if d in length]
        before = max(deps, key=lambda d: length[d], default=None)
        # max() keeps the first of equal candidates: the dependency listed first wins a tie.
        best_dep[p.id] = before
        length[p.id] = p.step.duration_days + (length[before] if before is not None else 0)
    end = max(ordered, key=lambda p: length[p.id]).id
    path: list[str] = []
    node: str | None = end
    while node is not None:
        path.append(node)
        node = best_dep[node]
    return path[::-1]
