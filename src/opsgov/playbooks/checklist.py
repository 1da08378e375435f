"""The dated, owned checklist of one playbook for one site.

Dates: a step is planned to start `lead_time_days` calendar days (or `lead_time_working_days`
working days) from the anchor date, moved to the next working day; it cannot start before the
checklist's start date, nor before the steps it depends on have ended (the same day after a
0-day step, the next working day after any other). It is due `duration_days` working days
later, counting its first day (a 0-day step is due the day it starts). A playbook that counts
calendar days treats every day as working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from opsgov.errors import OpsgovError
from opsgov.issues import Issue, Location, make_issue
from opsgov.models.playbook import Playbook, Step, Variant
from opsgov.models.registry import Registry, Site
from opsgov.models.workspace import Workspace
from opsgov.playbooks.calendar import WorkingCalendar, site_calendar
from opsgov.playbooks.resolve import (
    PlannedStep,
    critical_path,
    dependency_order,
    matching_variants,
    not_applicable,
    resolve_steps,
)

DEFAULT_OWNERS_KEY = "default"
"""The `owners` entry that covers roles a region does not list."""

STATUSES = ("Not started", "In progress", "Done", "Blocked", "N/A")
"""The values of a checklist's status drop-down."""
FINISHED = frozenset({"Done", "N/A"})

ANCHOR_WORDS = {
    "start": "the start",
    "go_live": "go-live",
    "closed": "closure",
    "event": "the event",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChecklistItem(_Model):
    """One step of a checklist, dated and owned."""

    number: int = Field(description="1-based position in dependency order.")
    id: str = Field(description="Step id.")
    phase: str = Field(description="Phase id.")
    phase_title: str = Field(description="Phase name.")
    title: str = Field(description="What is done.")
    description: str = Field(description="How, and what good looks like.")
    owner_role: str = Field(description="The role that drives the step.")
    owner: str | None = Field(description="The person holding that role for the site's region.")
    accountable: str | None = Field(description="RACI: the accountable role.")
    responsible: list[str] = Field(description="RACI: responsible roles.")
    consulted: list[str] = Field(description="RACI: consulted roles.")
    informed: list[str] = Field(description="RACI: informed roles.")
    depends_on: list[str] = Field(description="Steps that must end first.")
    planned_start: dt.date = Field(description="Anchor plus lead time, on a working day.")
    start: dt.date = Field(description="When the step starts in this checklist.")
    due: dt.date = Field(description="When it must be done.")
    duration_days: int = Field(description="Days it takes.")
    critical: bool = Field(description="On the critical path (the longest chain of durations).")
    gate_decision_by: str | None = Field(description="For a go/no-go step: who decides.")
    gate_criteria: list[str] = Field(description="For a go/no-go step: what must be true.")
    evidence: list[str] = Field(description="What proves it is done.")
    kpis_to_watch: list[str] = Field(description="KPIs to watch while it runs.")
    variant: str | None = Field(description="The variant that added or replaced the step.")
    short_by_days: int = Field(
        description="Days less than its lead time the start date leaves it (0 when none)."
    )

    @property
    def is_gate(self) -> bool:
        """True for a go/no-go step."""
        return bool(self.gate_criteria)


class AppliedVariant(_Model):
    """A variant applied to the checklist."""

    id: str = Field(description="Variant id.")
    title: str = Field(description="What it is for.")
    reason: str = Field(description="The law, contract or policy behind it.")


class Checklist(_Model):
    """A playbook made into a dated, owned checklist for one site."""

    playbook: str = Field(description="Playbook id.")
    title: str = Field(description="Playbook name.")
    version: str = Field(description="Playbook version.")
    purpose: str = Field(description="What the playbook is for.")
    source: str = Field(description="The playbook file.")
    site: str = Field(description="Site id.")
    site_name: str = Field(description="Site name.")
    region: str = Field(description="Region id.")
    country: str = Field(description="Country code.")
    vendor: str = Field(description="Vendor id.")
    anchor: str = Field(description="What the dates count from.")
    anchor_label: str = Field(description="The anchor in words, such as go-live.")
    anchor_date: dt.date = Field(description="The anchor date.")
    start: dt.date = Field(description="The checklist's start date.")
    finish: dt.date = Field(description="The last due date.")
    days: Literal["working", "calendar"] = Field(description="working or calendar days.")
    weekends: list[str] = Field(description="Days off every week.")
    holidays: list[dt.date] = Field(description="Holidays between the first and last dates.")
    variants: list[AppliedVariant] = Field(description="Variants applied for the site.")
    roles: dict[str, str] = Field(description="Role id -> role name, for the roles used.")
    people: dict[str, str] = Field(description="Role id -> person, where the workspace says.")
    critical_path: list[str] = Field(description="Step ids on the critical path, in order.")
    items: list[ChecklistItem] = Field(description="The steps, in dependency order.")
    warnings: list[Issue] = Field(description="Steps left less than their lead time, etc.")

    def who(self, role: str | None) -> str:
        """`VM (Ana Costa)`, or the role alone when nobody is mapped."""
        if role is None:
            return ""
        person = self.people.get(role)
        return f"{role} ({person})" if person else role


def resolve_anchor(
    playbook: Playbook, site: Site, start: dt.date, anchor_date: dt.date | None
) -> dt.date:
    """The date the playbook's steps count from, for this site."""
    if anchor_date is not None:
        return anchor_date
    if playbook.anchor in {"start", "event"}:
        return start
    value = site.go_live if playbook.anchor == "go_live" else site.closed
    if value is None:
        raise OpsgovError(
            f"playbook {playbook.id} counts from the site's {playbook.anchor} date, and site "
            f"{site.id} has none in the registry; give it with --anchor-date YYYY-MM-DD"
        )
    return value


def owner_of(owners: Mapping[str, Mapping[str, str]], region: str, role: str) -> str | None:
    """The person holding `role` in `region`, falling back to the `default` entry."""
    person = owners.get(region, {}).get(role)
    if person is None:
        person = owners.get(DEFAULT_OWNERS_KEY, {}).get(role)
    return person


def _ready(due: dt.date, duration: int, cal: WorkingCalendar) -> dt.date:
    """When a step that depends on one due on `due` can start: the same day after a 0-day step."""
    return due if duration == 0 else cal.after(due)


def _planned_start(step: Step, cal: WorkingCalendar, anchor: dt.date) -> dt.date:
    """When a step is planned to start: its lead time from the anchor, on a working day."""
    if step.lead_time_working_days is not None:
        return cal.shift_working(anchor, step.lead_time_working_days)
    return cal.next_working(anchor + dt.timedelta(days=step.lead_time_days or 0))


def _schedule(
    ordered: Sequence[PlannedStep], cal: WorkingCalendar, anchor: dt.date, start: dt.date
) -> dict[str, tuple[dt.date, dt.date, dt.date]]:
    """Step id -> (planned start, start, due)."""
    dates: dict[str, tuple[dt.date, dt.date, dt.date]] = {}
    durations = {p.id: p.step.duration_days for p in ordered}
    earliest = cal.next_working(start)
    for p in ordered:
        planned = _planned_start(p.step, cal, anchor)
        begin = max(planned, earliest)
        for dep in p.depends_on:
            if dep in dates:
                begin = max(begin, _ready(dates[dep][2], durations[dep], cal))
        duration = p.step.duration_days
        due = begin if duration == 0 else cal.add_working(begin, duration - 1)
        dates[p.id] = (planned, begin, due)
    return dates


def build_checklist(
    playbook: Playbook,
    site: Site,
    registry: Registry,
    settings: Workspace | None,
    *,
    start: dt.date,
    anchor_date: dt.date | None = None,
    source: str = "",
    force: bool = False,
) -> Checklist:
    """The checklist of `playbook` for `site`, starting on `start`."""
    vendor = next((v for v in registry.vendors if v.id == site.vendor), None)
    why_not = not_applicable(playbook, site, vendor)
    if why_not and not force:
        raise OpsgovError(
            f"playbook {playbook.id} is not for site {site.id}: {'; '.join(why_not)} "
            "(use --force to make the checklist anyway)"
        )
    variants: list[Variant] = matching_variants(playbook, site.region, site.country)
    ordered = dependency_order(resolve_steps(playbook, variants))
    anchor = resolve_anchor(playbook, site, start, anchor_date)
    cal = site_calendar(
        settings.calendar if settings else None,
        site.region,
        site.country,
        every_day=playbook.days == "calendar",
    )
    dates = _schedule(ordered, cal, anchor, start)
    owners = settings.owners if settings else {}
    on_path = set(critical_path(ordered))
    role_names = playbook.role_names()
    anchor_words = playbook.anchor_label or ANCHOR_WORDS[playbook.anchor]
    items: list[ChecklistItem] = []
    warnings: list[Issue] = []
    used_roles: list[str] = [playbook.owner]
    durations = {p.id: p.step.duration_days for p in ordered}
    first_day = cal.next_working(start)
    for number, p in enumerate(ordered, start=1):
        step = p.step
        planned, begin, due = dates[p.id]
        raci = step.raci
        short = max(0, (first_day - planned).days)
        if short > 0:
            working = step.lead_time_working_days is not None
            offset = (step.lead_time_working_days if working else step.lead_time_days) or 0
            word = "working day" if working else "day"
            unit = f"{abs(offset)} {word}{'s' if abs(offset) != 1 else ''}"
            when = (
                f"{unit} before {anchor_words}"
                if offset < 0
                else f"{unit} after {anchor_words}"
                if offset > 0
                else f"on {anchor_words}"
            )
            warnings.append(
                make_issue(
                    "P620",
                    f"step `{p.id}` ({step.title}) should start on {planned} ({when}), but the "
                    f"checklist starts on {start}: {short} days less than its lead time",
                    location=Location(file=source or playbook.id, path=f"steps.{p.id}"),
                    field="lead_time_working_days" if working else "lead_time_days",
                    hint=f"It now starts on {begin} and is due on {due}; check it is still "
                    "feasible, or move the anchor date.",
                )
            )
        gate = step.gate
        planned_due = (
            planned if step.duration_days == 0 else cal.add_working(planned, step.duration_days - 1)
        )
        crosses = planned_due <= anchor < due
        if due > planned_due and gate is not None and short == 0:
            late = [d for d in p.depends_on if _ready(dates[d][2], durations[d], cal) == begin]
            warnings.append(
                make_issue(
                    "P622",
                    f"step `{p.id}` ({step.title}) is due on {due}, not {planned_due} as planned"
                    + (f", after {anchor_words} on {anchor}" if crosses else "")
                    + (f": {', '.join(f'`{d}`' for d in late)} end(s) too late" if late else ""),
                    location=Location(file=source or playbook.id, path=f"steps.{p.id}"),
                    field="depends_on",
                    hint="Start the steps before it earlier, shorten them, or move the "
                    "anchor date.",
                )
            )
        roles = [step.owner]
        if raci is not None:
            roles += [*raci.responsible, *([raci.accountable] if raci.accountable else [])]
            roles += [*raci.consulted, *raci.informed]
        if gate is not None:
            roles.append(gate.decision_by)
        used_roles.extend(roles)
        items.append(
            ChecklistItem(
                number=number,
                id=p.id,
                phase=p.phase.id,
                phase_title=p.phase.title,
                title=step.title,
                description=" ".join(step.description.split()),
                owner_role=step.owner,
                owner=owner_of(owners, site.region, step.owner),
                accountable=raci.accountable if raci else None,
                responsible=list(raci.responsible) if raci else [],
                consulted=list(raci.consulted) if raci else [],
                informed=list(raci.informed) if raci else [],
                depends_on=list(p.depends_on),
                planned_start=planned,
                start=begin,
                due=due,
                duration_days=step.duration_days,
                critical=p.id in on_path,
                gate_decision_by=gate.decision_by if gate else None,
                gate_criteria=list(gate.criteria) if gate else [],
                evidence=list(step.evidence),
                kpis_to_watch=list(step.kpis_to_watch),
                variant=p.variant,
                short_by_days=short,
            )
        )
    used = list(dict.fromkeys(used_roles))
    people = {r: person for r in used if (person := owner_of(owners, site.region, r)) is not None}
    for role in dict.fromkeys(i.owner_role for i in items):
        if role not in people:
            warnings.append(
                make_issue(
                    "P621",
                    f"nobody holds role {role} ({role_names.get(role, role)}) for region "
                    f"{site.region}; the checklist shows the role",
                    location=Location(file=source or playbook.id),
                    field="owners",
                    hint=f"Add `{role}: NAME` under `owners: {site.region}:` (or `default:`) "
                    "in opsgov.yaml.",
                )
            )
    first = min((i.start for i in items), default=start)
    finish = max((i.due for i in items), default=start)
    return Checklist(
        playbook=playbook.id,
        title=playbook.title,
        version=playbook.version,
        purpose=" ".join(playbook.purpose.split()),
        source=source,
        site=site.id,
        site_name=site.name,
        region=site.region,
        country=site.country,
        vendor=site.vendor,
        anchor=playbook.anchor,
        anchor_label=anchor_words,
        anchor_date=anchor,
        start=start,
        finish=finish,
        days=playbook.days,
        weekends=[] if cal.every_day else cal.weekend_names,
        holidays=[] if cal.every_day else cal.holidays_between(min(start, first, anchor), finish),
        variants=[AppliedVariant(id=v.id, title=v.title, reason=v.reason) for v in variants],
        roles={r: role_names.get(r, r) for r in used},
        people=people,
        critical_path=[p.id for p in ordered if p.id in on_path],
        items=items,
        warnings=warnings,
    )
