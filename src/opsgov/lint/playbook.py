"""Playbook checks: ids, step references, cycles, roles, trigger KPIs and lead times.

Each finding carries the file, line and column of the value concerned. A playbook is checked
as written and once per variant (with that variant applied), so a variant that adds a cycle
or a contradiction is caught as well.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from opsgov.definitions import load_definition
from opsgov.issues import Issue, make_issue
from opsgov.lint.common import did_you_mean
from opsgov.models.common import Definition
from opsgov.models.framework import Framework
from opsgov.models.playbook import COMPOSITE, STANDARD_ROLES, Playbook, Step
from opsgov.models.registry import Registry
from opsgov.models.workspace import Workspace
from opsgov.playbooks.resolve import find_cycles
from opsgov.reference import is_country
from opsgov.resources import builtin_frameworks
from opsgov.yamlio import PathKey, YamlDocument


@dataclass(frozen=True)
class _Node:
    step: Step
    path: PathKey


def _id_issue(doc: YamlDocument, what: str, ident: str, path: PathKey, first: PathKey) -> Issue:
    line = doc.locate(first).line
    return make_issue(
        "P600",
        f"{what} id `{ident}` is used twice (first on line {line})",
        location=doc.locate((*path, "id")),
        field="id",
        hint="Give each its own id.",
    )


def _base_nodes(pb: Playbook) -> dict[str, _Node]:
    nodes: dict[str, _Node] = {}
    for pi, phase in enumerate(pb.phases):
        for si, step in enumerate(phase.steps):
            nodes.setdefault(step.id, _Node(step, ("phases", pi, "steps", si)))
    return nodes


def _ids(doc: YamlDocument, pb: Playbook) -> Iterator[Issue]:
    seen_phase: dict[str, PathKey] = {}
    seen_step: dict[str, PathKey] = {}
    for pi, phase in enumerate(pb.phases):
        path: PathKey = ("phases", pi)
        if phase.id in seen_phase:
            yield _id_issue(doc, "phase", phase.id, path, seen_phase[phase.id])
        seen_phase.setdefault(phase.id, (*path, "id"))
        for si, step in enumerate(phase.steps):
            spath: PathKey = (*path, "steps", si)
            if step.id in seen_step:
                yield _id_issue(doc, "step", step.id, spath, seen_step[step.id])
            seen_step.setdefault(step.id, (*spath, "id"))
    seen_variant: dict[str, PathKey] = {}
    for vi, variant in enumerate(pb.variants):
        vpath: PathKey = ("variants", vi)
        if variant.id in seen_variant:
            yield _id_issue(doc, "variant", variant.id, vpath, seen_variant[variant.id])
        seen_variant.setdefault(variant.id, (*vpath, "id"))
        for ai, added in enumerate(variant.add):
            apath: PathKey = (*vpath, "add", ai)
            if added.id in seen_step:
                yield _id_issue(doc, "step", added.id, apath, seen_step[added.id])
            seen_step.setdefault(added.id, (*apath, "id"))


def _graphs(pb: Playbook) -> Iterator[tuple[str | None, dict[str, _Node]]]:
    """The step graph as written, then with each variant applied (removals left out)."""
    base = _base_nodes(pb)
    yield None, base
    for vi, variant in enumerate(pb.variants):
        nodes = dict(base)
        for ri, step in enumerate(variant.replace):
            if step.id in nodes:
                nodes[step.id] = _Node(step, ("variants", vi, "replace", ri))
        for ai, added in enumerate(variant.add):
            nodes.setdefault(added.id, _Node(added, ("variants", vi, "add", ai)))
        for step_id in variant.remove:
            nodes.pop(step_id, None)
        yield variant.id, nodes


def _references(doc: YamlDocument, pb: Playbook) -> Iterator[Issue]:
    known_base = set(_base_nodes(pb))
    phases = {p.id for p in pb.phases}
    for variant_id, nodes in _graphs(pb):
        removed = known_base - set(nodes) if variant_id is not None else set()
        for node in nodes.values():
            if variant_id is not None and node.path[0] == "phases":
                continue  # checked with the playbook as written
            for di, dep in enumerate(node.step.depends_on):
                if dep in nodes or dep in removed:
                    continue
                yield make_issue(
                    "P601",
                    f"step `{node.step.id}` depends on `{dep}`, which is not a step of this "
                    "playbook" + (f" (with variant {variant_id})" if variant_id else ""),
                    location=doc.locate((*node.path, "depends_on", di)),
                    field="depends_on",
                    found=dep,
                    hint=did_you_mean(dep, nodes) or "Use the id of one of the steps.",
                )
    for vi, variant in enumerate(pb.variants):
        for ri, step in enumerate(variant.replace):
            if step.id not in known_base:
                yield make_issue(
                    "P601",
                    f"variant `{variant.id}` replaces step `{step.id}`, which the playbook "
                    "does not have",
                    location=doc.locate(("variants", vi, "replace", ri, "id")),
                    field="id",
                    found=step.id,
                    hint=did_you_mean(step.id, known_base)
                    or "To add a step, list it under `add:` with its phase.",
                )
        for ri, step_id in enumerate(variant.remove):
            if step_id not in known_base:
                yield make_issue(
                    "P601",
                    f"variant `{variant.id}` removes step `{step_id}`, which the playbook "
                    "does not have",
                    location=doc.locate(("variants", vi, "remove", ri)),
                    field="remove",
                    found=step_id,
                    hint=did_you_mean(step_id, known_base),
                )
        for ai, added in enumerate(variant.add):
            if added.phase not in phases:
                yield make_issue(
                    "P606",
                    f"variant `{variant.id}` adds step `{added.id}` to phase `{added.phase}`, "
                    "which the playbook does not have",
                    location=doc.locate(("variants", vi, "add", ai, "phase")),
                    field="phase",
                    found=added.phase,
                    hint=did_you_mean(added.phase, phases)
                    or "Phases: " + ", ".join(p.id for p in pb.phases) + ".",
                )


def _lead_key(step: Step) -> str:
    return "lead_time_days" if step.lead_time_days is not None else "lead_time_working_days"


def _cycles_and_lead_times(doc: YamlDocument, pb: Playbook) -> Iterator[Issue]:
    # A working-day duration spans about 7/5 as many calendar days as it has working days.
    stretch = 1.0 if pb.days == "calendar" else 7 / 5
    for variant_id, nodes in _graphs(pb):
        graph = {k: [d for d in n.step.depends_on if d in nodes] for k, n in nodes.items()}
        suffix = f" (with variant {variant_id})" if variant_id else ""
        for step_id, loop in find_cycles(graph).items():
            node = nodes[step_id]
            nxt = loop[loop.index(step_id) + 1]
            index = list(node.step.depends_on).index(nxt)
            yield make_issue(
                "P602",
                f"step `{step_id}` is part of a dependency cycle{suffix}: {' -> '.join(loop)}",
                location=doc.locate((*node.path, "depends_on", index)),
                field="depends_on",
                found=nxt,
                hint="Remove one of the dependencies in the loop.",
            )
        for node in nodes.values():
            step = node.step
            end = step.approx_calendar_lead() + math.ceil(step.duration_days * stretch)
            for dep in step.depends_on:
                other = nodes.get(dep)
                if other is None or dep == step.id:
                    continue
                dep_end = other.step.approx_calendar_lead() + math.ceil(
                    other.step.duration_days * stretch
                )
                if end < dep_end:
                    yield make_issue(
                        "P605",
                        f"step `{step.id}` is due about day {end} from the anchor, before "
                        f"`{dep}`, which it depends on, ends (about day {dep_end}){suffix}",
                        location=doc.locate((*node.path, _lead_key(step))),
                        field=_lead_key(step),
                        found=step.lead_time_label,
                        hint=f"Start it later (lead_time_days "
                        f"{dep_end - end + step.approx_calendar_lead()} or more), or drop the "
                        "dependency.",
                    )
                    break


def _roles(doc: YamlDocument, pb: Playbook) -> Iterator[Issue]:
    known = pb.role_names()
    hint_list = "Roles: " + ", ".join(sorted(known)) + "; declare others under `roles:`."

    def check(role: str, path: PathKey) -> Iterator[Issue]:
        if role not in known:
            yield make_issue(
                "P603",
                f"role `{role}` is neither a standard role nor declared in this playbook",
                location=doc.locate(path),
                field=str(path[-1]) if not isinstance(path[-1], int) else str(path[-2]),
                found=role,
                hint=did_you_mean(role, known) or hint_list,
            )

    yield from check(pb.owner, ("owner",))
    steps: list[tuple[Step, PathKey]] = [(n.step, n.path) for n in _base_nodes(pb).values()]
    for vi, variant in enumerate(pb.variants):
        steps += [(s, ("variants", vi, "add", i)) for i, s in enumerate(variant.add)]
        steps += [(s, ("variants", vi, "replace", i)) for i, s in enumerate(variant.replace)]
    for step, path in steps:
        yield from check(step.owner, (*path, "owner"))
        if step.raci is not None:
            for key in ("responsible", "consulted", "informed"):
                roles: Sequence[str] = getattr(step.raci, key)
                for i, role in enumerate(roles):
                    yield from check(role, (*path, "raci", key, i))
            if step.raci.accountable is not None:
                yield from check(step.raci.accountable, (*path, "raci", "accountable"))
        if step.gate is not None:
            yield from check(step.gate.decision_by, (*path, "gate", "decision_by"))


def _kpis(doc: YamlDocument, pb: Playbook, kpis: Mapping[str, str] | None) -> Iterator[Issue]:
    if kpis is None:
        return
    for ti, trigger in enumerate(pb.triggers):
        if trigger.kpi is not None and trigger.kpi != COMPOSITE and trigger.kpi not in kpis:
            yield make_issue(
                "P604",
                f"the trigger watches `{trigger.kpi}`, which is not a KPI of "
                f"{kpis.get('', 'the framework')}",
                location=doc.locate(("triggers", ti, "kpi")),
                field="kpi",
                found=trigger.kpi,
                hint=did_you_mean(trigger.kpi, kpis) or "Use a KPI id, or `composite`.",
            )
    for step, path in ((n.step, n.path) for n in _base_nodes(pb).values()):
        for ki, kpi in enumerate(step.kpis_to_watch):
            if kpi not in kpis:
                yield make_issue(
                    "P608",
                    f"step `{step.id}` watches `{kpi}`, which is not a KPI of "
                    f"{kpis.get('', 'the framework')}",
                    location=doc.locate((*path, "kpis_to_watch", ki)),
                    field="kpis_to_watch",
                    found=kpi,
                    hint=did_you_mean(kpi, kpis),
                )


def _scope(doc: YamlDocument, pb: Playbook, registry: Registry | None) -> Iterator[Issue]:
    regions = {r.id for r in registry.regions} if registry else None
    vendors = {v.id for v in registry.vendors} if registry else None
    places: list[tuple[PathKey, list[str], list[str]]] = [
        (("applies_to",), pb.applies_to.regions, pb.applies_to.countries)
    ]
    places += [(("variants", i), v.regions, v.countries) for i, v in enumerate(pb.variants)]
    for path, region_ids, countries in places:
        for i, country in enumerate(countries):
            if not is_country(country):
                yield make_issue(
                    "P607",
                    f"`{country}` is not an ISO 3166-1 alpha-2 country code",
                    location=doc.locate((*path, "countries", i)),
                    field="countries",
                    found=country,
                    hint="Use the two-letter code, such as IE, PH or CO.",
                )
        for i, region in enumerate(region_ids):
            if regions is not None and region not in regions:
                yield make_issue(
                    "P607",
                    f"region `{region}` is not declared in the registry",
                    location=doc.locate((*path, "regions", i)),
                    field="regions",
                    found=region,
                    hint=did_you_mean(region, regions)
                    or f"Declared regions: {', '.join(sorted(regions))}.",
                )
    for i, vendor in enumerate(pb.applies_to.vendors):
        if vendors is not None and vendor not in vendors:
            yield make_issue(
                "P607",
                f"vendor `{vendor}` is not declared in the registry",
                location=doc.locate(("applies_to", "vendors", i)),
                field="vendors",
                found=vendor,
                hint=did_you_mean(vendor, vendors),
            )


def known_kpis(frameworks: Sequence[Framework], label: str) -> dict[str, str]:
    """KPI id -> name over the frameworks; the `""` key holds how to name them in messages."""
    kpis = {k.id: k.name for fw in frameworks for k in fw.kpis}
    kpis[""] = label
    return kpis


def check_playbook(
    doc: YamlDocument,
    pb: Playbook,
    kpis: Mapping[str, str] | None = None,
    registry: Registry | None = None,
) -> Iterator[Issue]:
    """Every playbook check. `kpis` from `known_kpis` (None skips the KPI checks).

    A problem met both in the playbook as written and with a variant applied is reported once.
    """
    seen: set[tuple[str, str]] = set()
    for issue in (
        *_ids(doc, pb),
        *_references(doc, pb),
        *_cycles_and_lead_times(doc, pb),
        *_roles(doc, pb),
        *_kpis(doc, pb, kpis),
        *_scope(doc, pb, registry),
    ):
        key = (issue.code, str(issue.location))
        if key not in seen:
            seen.add(key)
            yield issue


def check_owners(
    doc: YamlDocument, settings: Workspace, registry: Registry | None, roles: set[str]
) -> Iterator[Issue]:
    """The workspace's `owners` and `calendar` name declared regions and known roles."""
    regions = {r.id for r in registry.regions} if registry else None
    known_roles = set(STANDARD_ROLES) | roles
    for region, mapping in settings.owners.items():
        if regions is not None and region != "default" and region not in regions:
            yield make_issue(
                "P609",
                f"owners name region `{region}`, which the registry does not declare",
                location=doc.locate(("owners", region), key=True),
                field="owners",
                found=region,
                hint=did_you_mean(region, regions) or "Use a region id, or `default`.",
            )
        for role in mapping:
            if role not in known_roles:
                yield make_issue(
                    "P609",
                    f"owners of `{region}` map role `{role}`, which no playbook uses",
                    location=doc.locate(("owners", region, role), key=True),
                    field="owners",
                    found=role,
                    hint=did_you_mean(role, known_roles),
                )
    if settings.calendar is not None and regions is not None:
        for region in settings.calendar.regions:
            if region not in regions:
                yield make_issue(
                    "P609",
                    f"the calendar names region `{region}`, which the registry does not declare",
                    location=doc.locate(("calendar", "regions", region), key=True),
                    field="calendar",
                    found=region,
                    hint=did_you_mean(region, regions),
                )


def check_playbook_among(
    doc: YamlDocument, pb: Playbook, others: Iterable[Definition | None]
) -> Iterator[Issue]:
    """Check a playbook against the frameworks and registry linted with it.

    Trigger KPIs are checked against the framework(s) linted alongside (a workspace's own);
    with none, against every built-in framework. The registry is used when there is one.
    """
    definitions = [d for d in others if d is not None]
    frameworks = [d for d in definitions if isinstance(d, Framework)]
    registries = [d for d in definitions if isinstance(d, Registry)]
    if frameworks:
        label = "the framework" if len(frameworks) == 1 else "any of the frameworks"
        kpis = known_kpis(frameworks, label)
    else:
        builtins: list[Framework] = []
        for path in builtin_frameworks().values():
            loaded = load_definition(path).definition
            if isinstance(loaded, Framework):
                builtins.append(loaded)
        kpis = known_kpis(builtins, "any built-in framework")
    registry = registries[0] if len(registries) == 1 else None
    yield from check_playbook(doc, pb, kpis, registry)


def check_workspace_owners(
    doc: YamlDocument, settings: Workspace, others: Iterable[Definition | None]
) -> Iterator[Issue]:
    """Check the workspace's owners and calendar against its registry and the playbooks."""
    definitions = [d for d in others if d is not None]
    registries = [d for d in definitions if isinstance(d, Registry)]
    roles = {r.id for d in definitions if isinstance(d, Playbook) for r in d.roles}
    registry = registries[0] if len(registries) == 1 else None
    yield from check_owners(doc, settings, registry, roles)
