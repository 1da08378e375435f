"""The scorecard: the one result model every output of `opsgov score` is rendered from.

Its JSON form (`scorecard.json`) is versioned by `schema_version`, documented in
`docs/scorecard-json.md`, and checked against `schemas/scorecard.schema.json`. The file holds
the scopes and lineage as tables (`opsgov.models.cardformat`); `Scorecard.model_validate`
reads that form, and the earlier one, into this model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from opsgov.issues import Issue, Severity
from opsgov.models.cardformat import STORED_VERSION, expanded

SCORECARD_SCHEMA_VERSION = STORED_VERSION

Level = Literal["site", "vendor", "region", "global"]
Status = Literal[
    "green",
    "amber",
    "red",
    "insufficient_data",
    "no_data",
    "not_reported",
    "not_by_queue",
    "not_rated",
]


class Result(BaseModel):
    """Base of result models: immutable, no unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Target(Result):
    """The target and thresholds used for one KPI at one scope, and where they came from."""

    target: float | None = Field(description="Expected level.")
    green: float | None = Field(description="Green threshold (higher/lower is better).")
    amber: float | None = Field(description="Amber threshold (the contractual minimum).")
    band_green: tuple[float, float] | None = Field(description="Green band (target band KPIs).")
    band_amber: tuple[float, float] | None = Field(description="Amber band (target band KPIs).")
    floor: float | None = Field(description="Where the score reaches 0.")
    min_sample: float | None = Field(description="Least sample for a value.")
    source: str = Field(
        description="`framework`, or the override applied: `vendor acme_bpo (workspace)`."
    )
    reason: str = Field(default="", description="Why the override exists, from its definition.")


class Judged(Result):
    """What a vendor, region or global KPI was rated on, when not its rolled-up value."""

    basis: Literal["per_site", "worst_site"] = Field(description="per_site or worst_site.")
    value: float | None = Field(description="The value rated: per site, or the worst site's.")
    sites: int = Field(description="Sites with a value that it was taken over.")
    site: str | None = Field(default=None, description="worst_site: the site it came from.")


class GateResult(Result):
    """A gate that fired at a scope."""

    gate: str = Field(description="The gate's id.")
    kpi: str = Field(description="The KPI it watches.")
    value: float | None = Field(description="The KPI's value that fired it.")
    cap: Literal["amber", "red"] = Field(description="The best overall status allowed.")
    reason: str = Field(description="Why, for the reader.")


class KpiCoverage(Result):
    """Which of a level's sites a KPI's value covers, when it is not all of them."""

    sites: list[str] = Field(description="Sites whose measures the value is made of.")
    left_out: list[str] = Field(
        description="Sites of the level without every measure the KPI needs (left out of it)."
    )
    of: int = Field(description="How many sites the level has.")
    volume_share: float | None = Field(
        description="The covered sites' share of the level's items handled, 0-1; None without any."
    )


class KpiResult(Result):
    """One KPI at one scope."""

    kpi: str = Field(description="KPI id.")
    value: float | None = Field(
        description="The value, from rolled-up measures; None without data."
    )
    status: Status = Field(description="RAG status, or why there is none.")
    score: float | None = Field(description="0-100 score, for scored KPIs with a value.")
    sample: float | None = Field(description="The sample measure's value, where a minimum applies.")
    target: Target = Field(description="Target and thresholds used.")
    previous: float | None = Field(default=None, description="The previous period's value.")
    change: float | None = Field(default=None, description="Value minus the previous value.")
    judged: Judged | None = Field(
        default=None,
        description="Above site level, for a KPI judged per site or by its worst site: what the "
        "status and score were taken from (the value stays the rolled-up one).",
    )
    coverage: KpiCoverage | None = Field(
        default=None,
        description="Set at a vendor, region or the whole operation when the value covers "
        "only some of its sites (the others lack a measure it needs): which, and their share "
        "of volume. None when it covers them all.",
    )


class CategoryResult(Result):
    """One scorecard category at one scope."""

    category: str = Field(description="Category id.")
    score: float | None = Field(description="Weighted score of its KPIs with a value, 0-100.")
    coverage: float = Field(description="Share of the category's KPI weight that had a score, 0-1.")


class ScopeResult(Result):
    """Every KPI for one site, vendor, region, the whole operation, or one queue of them."""

    level: Level = Field(description="site, vendor, region or global.")
    id: str = Field(description="Site, vendor or region id; `global` for the whole operation.")
    name: str = Field(description="Human name.")
    queue: str | None = Field(default=None, description="The queue, for a per-queue breakdown.")
    vendor: str | None = Field(default=None, description="The vendor (sites).")
    region: str | None = Field(default=None, description="The region (sites).")
    sites: list[str] = Field(description="Sites rolled up into this scope.")
    measures: dict[str, float | None] = Field(
        description="Rolled-up measures (money in the reporting currency)."
    )
    kpis: list[KpiResult] = Field(description="KPI results in framework order.")
    categories: list[CategoryResult] = Field(description="Category scores.")
    composite: float | None = Field(description="Weighted composite score, 0-100.")
    coverage: float = Field(description="Share of category weight with a score, 0-1.")
    status: Status = Field(description="RAG of the composite.")
    rank: int | None = Field(default=None, description="Rank among scopes of its level, 1 best.")
    previous_composite: float | None = Field(
        default=None, description="Previous period's composite."
    )
    gates: list[GateResult] = Field(
        default_factory=list,
        description="Gates that fired here: each zeroes its KPI's category and caps the status.",
    )
    uncomposed_status: Status | None = Field(
        default=None,
        description="When a gate capped the status: the status the composite alone gives.",
    )

    def kpi(self, kpi_id: str) -> KpiResult | None:
        """The result of one KPI."""
        return next((k for k in self.kpis if k.kpi == kpi_id), None)


class CellSpan(Result):
    """Cells of one column of one sheet that fed a measure."""

    file: str = Field(description="File.")
    sheet: str = Field(description="Sheet.")
    column: str = Field(description="Column letter.")
    header: str = Field(description="Column header.")
    rows: str = Field(description="Row ranges, such as `5-35` or `5-20, 22-35`.")


class Lineage(Result):
    """Where one site measure came from."""

    site: str = Field(description="Site id.")
    measure: str = Field(description="Measure id.")
    cells: list[CellSpan] = Field(description="The cells summed (or taken) into it.")
    currency: str | None = Field(default=None, description="Currency before conversion.")
    fx_rate: float | None = Field(default=None, description="Rate to the reporting currency.")


class KpiInfo(Result):
    """A KPI's definition, repeated for readers of the outputs."""

    id: str = Field(description="KPI id.")
    name: str = Field(description="Name.")
    category: str | None = Field(description="Category id.")
    formula: str = Field(description="Formula.")
    unit: str = Field(description="Unit.")
    format: str = Field(description="Display format.")
    direction: str = Field(description="Direction.")
    owner: str = Field(description="Owner.")
    description: str = Field(description="Description.")
    weight: float = Field(description="Weight within its category.")


class CategoryInfo(Result):
    """A category's definition."""

    id: str = Field(description="Category id.")
    name: str = Field(description="Name.")
    weight: float = Field(description="Weight in the composite, percent.")


class TriggeredPlaybook(Result):
    """A playbook whose trigger fired for a scope (filled in by the playbooks feature)."""

    playbook: str = Field(description="Playbook id.")
    scope: str = Field(description="Site, vendor or region id.")
    why: str = Field(description="The values and thresholds that fired it.")


class FileRead(Result):
    """One input file: the intake profile that read it, how it was chosen, what it gave."""

    file: str = Field(description="The file, relative to the workspace.")
    profile: str | None = Field(
        description="Id of the intake profile that read it; null when no profile did."
    )
    rule: Literal["name", "vendor", "content", "forced"] | None = Field(
        description="How the profile was chosen: `name` (the only profile whose files pattern "
        "takes the name), `vendor` (the only one left for the vendor of the site the name "
        "gives), `content` (the only one whose sheet and header the file has), `forced` "
        "(`--profile`); null when no profile read it."
    )
    sites: list[str] = Field(description="The sites its rows are for.")
    rows: int = Field(description="Data rows read, before any with errors are left out.")


class Scorecard(Result):
    """Everything `opsgov score` produced for a period."""

    schema_version: int = Field(
        default=SCORECARD_SCHEMA_VERSION, description="Version of this format."
    )
    period: str = Field(description="YYYY-MM.")
    previous_period: str | None = Field(
        description="The period compared against, when its data was there."
    )
    report_date: str = Field(
        description="The date printed on the reports (an input, not the clock)."
    )
    workspace: str = Field(description="Workspace name.")
    framework: str = Field(description="Framework id and version.")
    reporting_currency: str = Field(description="ISO 4217 code all money is in.")
    scoring_method: str = Field(description="How KPI values became scores.")
    invalid_rows_excluded: int = Field(description="Rows left out for errors (--allow-invalid).")
    findings: dict[str, int] = Field(
        description="Findings of the run by severity: intake, validation, computing and scoring."
    )
    issues: list[Issue] = Field(
        default_factory=list,
        description="The findings that are not at a cell of an input file, in full: FX rates, "
        "computing (a missing rate) and implausible values. `opsgov validate` lists the rest.",
    )
    categories: list[CategoryInfo] = Field(description="Categories, with weights.")
    kpis: list[KpiInfo] = Field(description="KPI definitions, in framework order.")
    scopes: list[ScopeResult] = Field(description="Global, regions, vendors, sites, then queues.")
    unsplit: list[ScopeResult] = Field(
        default_factory=list,
        description="For the per-queue views: the sites whose files carry no queue, as queue "
        "`(all queues)`: together beside the global queues, then each site on its own. The "
        "global queues and this scope add up to the whole operation.",
    )
    not_split: list[str] = Field(
        default_factory=list,
        description="Measures with a value for the whole operation and none in any queue "
        "(files keyed by site only: people, cost, compliance): per-queue views leave them out.",
    )
    lineage: list[Lineage] = Field(description="Where each site measure came from.")
    playbooks: list[TriggeredPlaybook] = Field(
        default_factory=list, description="Playbooks triggered."
    )
    inputs: dict[str, str] = Field(description="Input file -> SHA-256, for audit.")
    reads: list[FileRead] = Field(
        default_factory=list,
        description="Each file of the month: the intake profile that read it, how it was "
        "chosen, its sites and the rows read.",
    )

    @model_validator(mode="before")
    @classmethod
    def _stored(cls, data: Any) -> Any:
        """A stored `scorecard.json` (tables of format 2, or format 1) in the model's shape."""
        return expanded(data)

    @property
    def errors(self) -> int:
        """Errors of the run: a scorecard with any was made under `--allow-invalid`."""
        return self.findings.get(Severity.ERROR.value, 0)

    def scope(self, level: Level, scope_id: str, queue: str | None = None) -> ScopeResult | None:
        """One scope's results."""
        return next(
            (s for s in self.scopes if s.level == level and s.id == scope_id and s.queue == queue),
            None,
        )
