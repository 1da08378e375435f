"""Playbooks: reviewed YAML procedures that become dated, owned checklists for one site.

A playbook has phases of steps. Each step is timed relative to the playbook's anchor (such as
the site's go-live), lasts a number of working days, may depend on other steps, names the roles
that own it (RACI), the evidence it needs and, for a go/no-go step, the gate's criteria.
Variants add, replace or remove steps for sites in some regions or countries. Triggers say when
the playbook should be run: by hand, on a KPI condition, or on a site status.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from opsgov.models.common import Code, Definition, Slug, Text
from opsgov.models.framework import RagStatus
from opsgov.models.registry import SiteStatus, VendorType

Anchor = Literal["start", "go_live", "closed", "event"]
TriggerType = Literal["manual", "kpi", "site_status"]
TriggerLevel = Literal["site", "vendor", "region", "global"]
DayCount = Literal["working", "calendar"]

COMPOSITE = "composite"
"""A KPI trigger on `composite` looks at the scope's composite score and status."""

STANDARD_ROLES: dict[str, str] = {
    "HGO": "Head of Global Operations",
    "VM": "Vendor / partner manager",
    "SL": "Site or vendor operations lead",
    "WFM": "Workforce planning",
    "QP": "Quality and policy",
    "IT_SEC": "IT and information security",
    "LEG_PROC": "Legal and procurement",
    "HR_WB": "HR and wellbeing",
    "FIN": "Finance",
    "PRIV": "Privacy and compliance",
    "COMMS": "Communications",
}
"""The shared list of roles every playbook may use without declaring them."""


class Role(Definition):
    """A role a playbook uses beyond the standard ones (such as an incident commander)."""

    id: Code = Field(description="Role id used in steps, such as `IC`.")
    name: Text = Field(description="Human name, such as `Incident commander`.")
    description: str = Field(default="", description="What the role does in this playbook.")


class AppliesTo(Definition):
    """Which sites a playbook is for. An empty list means no restriction on that attribute."""

    regions: list[Code] = Field(default_factory=list, description="Region ids from the registry.")
    countries: list[str] = Field(
        default_factory=list, description="ISO 3166-1 alpha-2 country codes."
    )
    vendor_types: list[VendorType] = Field(default_factory=list, description="bpo and/or in_house.")
    vendors: list[Code] = Field(default_factory=list, description="Vendor ids from the registry.")
    site_statuses: list[SiteStatus] = Field(
        default_factory=list, description="launching, live and/or closed."
    )


class Trigger(Definition):
    """When a playbook should be run.

    `manual`: only on request. `kpi`: when a KPI (or `composite`) is at a RAG status or worse,
    or above/below a value, for `periods` months running. `site_status`: when a site has that
    status in the registry (such as launching).
    """

    type: TriggerType = Field(description="manual, kpi or site_status.")
    kpi: Slug | None = Field(
        default=None,
        description="kpi: the KPI id from the framework, or `composite` for the composite score.",
    )
    status: RagStatus | None = Field(
        default=None,
        description="kpi: fires at this RAG status or worse (amber means amber or red).",
    )
    above: float | None = Field(
        default=None,
        description="kpi: fires when the value is above this (percent KPIs are fractions: "
        "0.06 is 6 %).",
    )
    below: float | None = Field(
        default=None, description="kpi: fires when the value is below this."
    )
    periods: int = Field(
        default=1, ge=1, le=12, description="kpi: how many months running the condition must hold."
    )
    level: TriggerLevel = Field(
        default="site",
        description="kpi: the scopes evaluated: site, vendor, region or global (the whole "
        "operation).",
    )
    site_status: SiteStatus | None = Field(
        default=None, description="site_status: the registry status that fires it."
    )
    description: str = Field(default="", description="The condition in words, for readers.")

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Trigger:
        kpi_fields = {
            "kpi": self.kpi,
            "status": self.status,
            "above": self.above,
            "below": self.below,
        }
        if self.type == "kpi":
            if self.kpi is None:
                raise ValueError("a kpi trigger names its kpi")
            conditions = [c for c in (self.status, self.above, self.below) if c is not None]
            if len(conditions) != 1:
                raise ValueError("a kpi trigger takes exactly one of status, above or below")
            if self.site_status is not None:
                raise ValueError("site_status belongs to a site_status trigger")
        else:
            given = [name for name, value in kpi_fields.items() if value is not None]
            if given or self.periods != 1 or self.level != "site":
                extra = ", ".join(given) or "periods/level"
                raise ValueError(f"{extra} belong(s) to a kpi trigger, not {self.type}")
            if (self.type == "site_status") != (self.site_status is not None):
                raise ValueError("site_status goes with type: site_status (and only there)")
        return self


class Raci(Definition):
    """Who is responsible, accountable, consulted and informed, as role ids."""

    responsible: list[Code] = Field(default_factory=list, description="Roles doing the work.")
    accountable: Code | None = Field(
        default=None, description="The one role answerable for the outcome."
    )
    consulted: list[Code] = Field(default_factory=list, description="Roles asked before acting.")
    informed: list[Code] = Field(default_factory=list, description="Roles kept up to date.")


class Gate(Definition):
    """A go/no-go decision: the step passes only when every criterion is met."""

    decision_by: Code = Field(description="The role that takes the go/no-go decision.")
    criteria: list[Text] = Field(
        min_length=1,
        description="What must be true to pass, each checkable: `certified headcount >= 95 % "
        "of plan`.",
    )


class Step(Definition):
    """One step of a phase."""

    id: Slug = Field(description="snake_case id, unique within the playbook.")
    title: Text = Field(description="What is done, in a few words.")
    description: str = Field(default="", description="How, and what good looks like.")
    owner: Code = Field(description="The role that drives the step (resolved to a person).")
    raci: Raci | None = Field(default=None, description="RACI roles, where more than the owner.")
    lead_time_days: int | None = Field(
        default=None,
        description="When the step starts, in calendar days from the anchor: -90 is 90 days "
        "before it, 0 the day itself, 14 two weeks after. A start on a weekend or holiday moves "
        "to the next working day. Give this or lead_time_working_days.",
    )
    lead_time_working_days: int | None = Field(
        default=None,
        description="When the step starts, in working days of the site's calendar from the "
        "anchor: -5 is five business days before it (weekends and holidays skipped), 0 the "
        "anchor or the next working day. Give this or lead_time_days.",
    )
    duration_days: int = Field(
        default=1,
        ge=0,
        le=730,
        description="Days the step takes (working days unless the playbook counts calendar "
        "days); 0 for a milestone, a decision or work done within hours. A step after a 0-day "
        "step may start the same day; after any other step, the next day.",
    )
    depends_on: list[Slug] = Field(
        default_factory=list, description="Steps that must end before this one can end."
    )
    evidence: list[Text] = Field(
        default_factory=list, description="What proves the step is done (documents, sign-offs)."
    )
    gate: Gate | None = Field(default=None, description="The go/no-go gate, for a decision step.")
    kpis_to_watch: list[Slug] = Field(
        default_factory=list, description="Framework KPIs to watch while the step runs."
    )

    @model_validator(mode="after")
    def _one_lead_time(self) -> Step:
        if (self.lead_time_days is None) == (self.lead_time_working_days is None):
            raise ValueError("give exactly one of lead_time_days and lead_time_working_days")
        return self

    @property
    def lead_time_label(self) -> str:
        """The lead time as written: `-90` calendar days, or `-5 wd` working days."""
        if self.lead_time_working_days is not None:
            return f"{self.lead_time_working_days:+d} wd"
        return f"{self.lead_time_days or 0:+d}"

    def approx_calendar_lead(self) -> int:
        """The lead time in calendar days (working days stretched by 7/5), for lint's checks."""
        if self.lead_time_working_days is not None:
            return round(self.lead_time_working_days * 7 / 5)
        return self.lead_time_days or 0


class AddedStep(Step):
    """A step a variant adds to one of the playbook's phases."""

    phase: Slug = Field(description="The phase the step is added to.")


class Variant(Definition):
    """Changes for sites in some regions or countries (regulation, data protection, labour)."""

    id: Slug = Field(description="snake_case id.")
    title: Text = Field(description="What the variant is for, such as `EU Digital Services Act`.")
    reason: str = Field(default="", description="The law, contract or policy behind it.")
    regions: list[Code] = Field(
        default_factory=list, description="Applies to sites in these regions."
    )
    countries: list[str] = Field(
        default_factory=list, description="Applies to sites in these countries (ISO alpha-2)."
    )
    add: list[AddedStep] = Field(default_factory=list, description="Steps added.")
    replace: list[Step] = Field(
        default_factory=list, description="Steps replaced: each replaces the step with its id."
    )
    remove: list[Slug] = Field(
        default_factory=list,
        description="Steps left out; steps that depended on one depend on its dependencies.",
    )

    @model_validator(mode="after")
    def _has_scope_and_change(self) -> Variant:
        if not self.regions and not self.countries:
            raise ValueError("a variant names the regions or countries it applies to")
        if not (self.add or self.replace or self.remove):
            raise ValueError("a variant adds, replaces or removes at least one step")
        return self


class Phase(Definition):
    """A phase of the playbook, such as `Recruitment` or `Hypercare`."""

    id: Slug = Field(description="snake_case id.")
    title: Text = Field(description="Human name.")
    description: str = Field(default="", description="What the phase achieves.")
    steps: list[Step] = Field(min_length=1, description="The phase's steps.")


class Playbook(Definition):
    """A playbook: who runs it, for which sites, when, and its phases of dated steps."""

    kind: Literal["playbook"] = Field(description="Always `playbook`.")
    id: Slug = Field(description="snake_case id, such as `new_site_launch`.")
    title: Text = Field(description="Human name.")
    version: str = Field(default="", description='Version of the reviewed text, quoted: "2026.1".')
    purpose: Text = Field(description="Why and when to run it, in a sentence or two.")
    owner: Code = Field(description="The role that owns (maintains and is accountable for) it.")
    applies_to: AppliesTo = Field(
        default_factory=AppliesTo, description="Which sites it is for (default: every site)."
    )
    triggers: list[Trigger] = Field(
        default_factory=list,
        description="When it should run; any one trigger fires it. None means manual only.",
    )
    anchor: Anchor = Field(
        default="start",
        description="What step dates count from: start (the checklist's start date), go_live "
        "or closed (the site's date in the registry), or event (a date given when the checklist "
        "is made: an incident, an exit date, a meeting).",
    )
    anchor_label: str = Field(
        default="",
        description="How checklists name the anchor date, such as `go-live` or `QBR meeting`.",
    )
    days: DayCount = Field(
        default="working",
        description="working: step starts and durations skip the site's weekends and holidays "
        "(projects such as a launch); calendar: every day counts (a crisis or an outage runs "
        "through weekends).",
    )
    roles: list[Role] = Field(
        default_factory=list,
        description="Roles used beyond the standard ones (HGO, VM, SL, WFM, QP, IT_SEC, "
        "LEG_PROC, HR_WB, FIN, PRIV, COMMS). Any other role is a lint error.",
    )
    phases: list[Phase] = Field(min_length=1, description="Phases, in order.")
    variants: list[Variant] = Field(
        default_factory=list, description="Changes for sites in some regions or countries."
    )
    references: list[str] = Field(
        default_factory=list, description="Sources and standards the playbook draws on."
    )

    def role_names(self) -> dict[str, str]:
        """Every role this playbook may use: the standard ones and its own, by id."""
        return {**STANDARD_ROLES, **{r.id: r.name for r in self.roles}}

    def steps(self) -> list[Step]:
        """Every step of every phase, in the order written (variants not applied)."""
        return [step for phase in self.phases for step in phase.steps]
