"""The KPI framework: what is measured, how it rolls up, and what good looks like."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from opsgov.models.common import Code, Definition, Slug, Text

MeasureKind = Literal["count", "duration", "money", "hours", "date", "category"]
Rollup = Literal["sum", "snapshot_end", "snapshot_avg", "max", "min"]
KpiUnit = Literal[
    "percent", "ratio", "count", "seconds", "hours", "days", "currency", "per_hour", "score"
]
DisplayFormat = Literal[
    "percent", "seconds", "mm:ss", "hh:mm:ss", "hours", "currency", "count", "decimal"
]
Direction = Literal["higher_is_better", "lower_is_better", "target_band"]
ScoringMethod = Literal["linear", "percent_of_target", "banded"]
MissingKpiRule = Literal["reweight", "zero"]
RagStatus = Literal["green", "amber", "red"]
AboveSite = Literal["sum", "per_site", "worst_site"]

_PLAUSIBLE_BY_UNIT: dict[str, tuple[float | None, float | None]] = {
    "percent": (0.0, 1.0),
    "seconds": (1.0, 4 * 3600.0),
    "count": (0.0, None),
    "days": (0.0, None),
}
"""Plausible KPI values by unit, where a framework declares none."""

NUMERIC_KINDS: frozenset[str] = frozenset({"count", "duration", "money", "hours"})


class Plausible(Definition):
    """The values a site's figure can sensibly take: outside them, a unit is likely wrong."""

    low: float | None = Field(default=None, description="Lowest plausible value.")
    high: float | None = Field(default=None, description="Highest plausible value.")
    currency: str | None = Field(
        default=None,
        description="For money: the ISO 4217 currency the range is written in, converted to "
        "the reporting currency at the period's rate. Empty: the reporting currency.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Plausible:
        if self.low is None and self.high is None:
            raise ValueError("give low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is above high")
        return self


class Measure(Definition):
    """A base quantity a site reports, before any ratio is taken."""

    id: Slug = Field(description="snake_case id used in formulas, such as `handle_seconds`.")
    name: Text = Field(description="Human name shown in reports.")
    description: str = Field(
        default="", description="What is counted and how, in a sentence or two."
    )
    kind: MeasureKind = Field(
        description="count, duration (seconds), money (site currency), hours, date or category."
    )
    unit: str | None = Field(
        default=None,
        description="What a count counts (items, people, audits, responses, ...), used to check "
        "that percent KPIs divide like by like. Durations are stored in seconds, hours in hours, "
        "money in the site's currency; leave unit empty for those.",
    )
    required: bool = Field(default=True, description="Whether every site must report it.")
    rollup: Rollup | None = Field(
        default=None,
        description="How values combine across days, queues and sites: sum (flows), snapshot_end "
        "(stock at period end, summed across sites), snapshot_avg (average level over the period, "
        "summed across sites; an average of a count may be a fraction), max or min. Required "
        "for numeric kinds; absent for date and category.",
    )
    minimum: float | None = Field(
        default=None, description="Lowest valid value. Counts, durations and hours default to 0."
    )
    maximum: float | None = Field(default=None, description="Highest valid value, if any.")
    values: list[Slug] = Field(
        default_factory=list, description="For a category measure: the allowed values."
    )
    plausible: Plausible | None = Field(
        default=None,
        description="Plausible range of one site's month value (after roll-up): outside it is "
        "a warning naming the likely cause. No default: a month's total depends on the site.",
    )
    aliases: list[str] = Field(
        default_factory=list,
        description="Column headers commonly used for this measure in vendors' files; help "
        "`opsgov inspect` suggest a mapping.",
    )

    @model_validator(mode="after")
    def _rollup_fits_kind(self) -> Measure:
        if self.kind in NUMERIC_KINDS and self.rollup is None:
            raise ValueError(f"a {self.kind} measure needs a rollup (sum, snapshot_end, ...)")
        if self.kind not in NUMERIC_KINDS and self.rollup is not None:
            raise ValueError(f"a {self.kind} measure does not roll up; remove rollup")
        if self.kind == "category" and not self.values:
            raise ValueError("a category measure needs its list of values")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum is above maximum")
        return self

    @property
    def effective_minimum(self) -> float | None:
        """The declared minimum, or 0 for counts, durations and hours."""
        if self.minimum is not None:
            return self.minimum
        return 0.0 if self.kind in {"count", "duration", "hours"} else None

    @property
    def dimension_base(self) -> str | None:
        """The base unit used in dimension analysis: time, money, or what a count counts."""
        if self.kind in {"duration", "hours"}:
            return "time"
        if self.kind == "money":
            return "money"
        if self.kind == "count":
            return self.unit or "items"
        return None


class Thresholds(Definition):
    """RAG thresholds for a higher- or lower-is-better KPI."""

    green: float = Field(description="At or better than this the KPI is green.")
    amber: float = Field(
        description="At or better than this (but worse than green) it is amber; worse is red. "
        "Usually the contractual minimum."
    )


class Range(Definition):
    """An inclusive range of values."""

    low: float = Field(description="Lowest value inside the range.")
    high: float = Field(description="Highest value inside the range.")


class Band(Definition):
    """RAG bands for a KPI with a target band (both too high and too low are bad)."""

    green: Range = Field(description="Inside this range the KPI is green.")
    amber: Range = Field(description="Inside this range (outside green) it is amber; outside red.")


class MinSample(Definition):
    """The least data a KPI needs before its value means anything."""

    measure: Slug = Field(description="The measure that counts the sample, such as `qa_audited`.")
    minimum: float = Field(ge=0, description="Below this the KPI reads 'insufficient data'.")


class Kpi(Definition):
    """A KPI: a formula over rolled-up measures, with its target, RAG thresholds and weight."""

    id: Slug = Field(description="snake_case id, such as `sla_attain`.")
    name: Text = Field(description="Human name shown in reports.")
    description: str = Field(default="", description="What it tells the reader.")
    owner: str = Field(default="", description="Team or role accountable for the definition.")
    category: Slug | None = Field(
        default=None, description="Scorecard category; none for a KPI shown but not scored."
    )
    formula: Text = Field(
        description="Expression over measures and other KPIs, evaluated on rolled-up measures at "
        "every level, so a ratio KPI is a ratio of sums: `handle_seconds / items_handled`."
    )
    unit: KpiUnit = Field(description="What the formula computes: percent, seconds, currency, ...")
    format: DisplayFormat = Field(description="How the value is displayed: percent, mm:ss, ...")
    direction: Direction = Field(description="higher_is_better, lower_is_better or target_band.")
    target: float | None = Field(
        default=None, description="The expected level. Percent KPIs are fractions: 0.95 is 95 %."
    )
    thresholds: Thresholds | None = Field(
        default=None, description="RAG thresholds (higher_is_better and lower_is_better)."
    )
    band: Band | None = Field(default=None, description="RAG bands (target_band only).")
    floor: float | None = Field(
        default=None,
        description="Where the 0-100 score reaches 0. Defaults to the amber threshold (the "
        "contractual minimum); the target scores 100.",
    )
    min_sample: MinSample | None = Field(
        default=None, description="Below this sample the KPI reads 'insufficient data'."
    )
    weight: float = Field(default=1.0, ge=0, description="Weight within its category.")
    decimals: int | None = Field(
        default=None, ge=0, le=6, description="Decimal places shown; a sensible default per format."
    )
    plausible: Plausible | None = Field(
        default=None,
        description="Plausible range of one site's value; outside it is a warning naming the "
        "likely cause (a column in the wrong unit). Default by unit: percent 0-1, seconds "
        "1 to 14,400 (a second to four hours), count and days at least 0.",
    )
    above_site: AboveSite = Field(
        default="sum",
        description="How a vendor, region or the whole operation is judged against this KPI's "
        "thresholds: `sum` (the rolled-up value, for ratios and totals whose thresholds suit "
        "any level); `per_site` (the value per reporting site: for counts such as findings, "
        "whose thresholds are set for one site); `worst_site` (the status and score of its "
        "worst site). The value shown stays the rolled-up one.",
    )

    @model_validator(mode="after")
    def _rag_fits_direction(self) -> Kpi:
        if self.direction == "target_band" and self.thresholds is not None:
            raise ValueError("a target_band KPI takes band, not thresholds")
        if self.direction != "target_band" and self.band is not None:
            raise ValueError(f"a {self.direction} KPI takes thresholds, not band")
        return self

    @property
    def plausible_range(self) -> Plausible | None:
        """The declared plausible range, or the default for the KPI's unit."""
        if self.plausible is not None:
            return self.plausible
        default = _PLAUSIBLE_BY_UNIT.get(self.unit)
        return None if default is None else Plausible(low=default[0], high=default[1])

    @property
    def scored(self) -> bool:
        """Whether the KPI counts towards its category's score."""
        return self.category is not None and self.weight > 0


class Category(Definition):
    """A scorecard category such as service delivery or quality."""

    id: Slug = Field(description="snake_case id.")
    name: Text = Field(description="Human name.")
    weight: float = Field(ge=0, le=100, description="Percent of the composite; weights sum to 100.")
    description: str = Field(default="", description="What the category covers.")


def _default_points() -> dict[RagStatus, float]:
    return {"green": 100.0, "amber": 50.0, "red": 0.0}


class Scoring(Definition):
    """How a KPI value becomes a 0-100 score, and how scores combine."""

    method: ScoringMethod = Field(
        default="linear",
        description="linear: 0 at the floor, 100 at the target, clamped; percent_of_target: "
        "value/target (target/value when lower is better), capped; banded: points per RAG status.",
    )
    cap: float = Field(
        default=1.0, ge=1.0, le=2.0, description="percent_of_target: the highest ratio credited."
    )
    banded_points: dict[RagStatus, float] = Field(
        default_factory=_default_points,
        description="banded: the score given for each RAG status.",
    )
    composite_green: float = Field(
        default=85.0, ge=0, le=100, description="A composite at or above this is green."
    )
    composite_amber: float = Field(
        default=70.0, ge=0, le=100, description="At or above this (below green) amber; below, red."
    )
    missing_kpi: MissingKpiRule = Field(
        default="reweight",
        description="A KPI with no value or insufficient data: reweight (share its weight among "
        "the others, and report coverage) or zero (score it 0).",
    )


class Check(Definition):
    """A rule every row of harmonised data must satisfy, such as audits passed <= audits sampled."""

    id: Slug = Field(description="snake_case id.")
    condition: Text = Field(description="A comparison over measures: `qa_correct <= qa_audited`.")
    message: Text = Field(description="What a failure means, for the vendor to read.")
    severity: Literal["error", "warning"] = Field(default="error", description="error or warning.")


class Override(Definition):
    """A target or threshold that differs for one region, vendor or site (contracts differ)."""

    region: Code | None = Field(default=None, description="Applies to every site in this region.")
    vendor: Code | None = Field(default=None, description="Applies to every site of this vendor.")
    site: Code | None = Field(default=None, description="Applies to this site only.")
    kpi: Slug = Field(description="The KPI overridden.")
    target: float | None = Field(default=None, description="Replacement target.")
    thresholds: Thresholds | None = Field(default=None, description="Replacement thresholds.")
    band: Band | None = Field(default=None, description="Replacement band.")
    floor: float | None = Field(default=None, description="Replacement scoring floor.")
    min_sample: MinSample | None = Field(default=None, description="Replacement minimum sample.")
    reason: str = Field(default="", description="Why: the contract clause or decision behind it.")

    @model_validator(mode="after")
    def _one_scope(self) -> Override:
        scopes = [s for s in (self.region, self.vendor, self.site) if s is not None]
        if len(scopes) != 1:
            raise ValueError("an override names exactly one of region, vendor or site")
        if all(
            v is None
            for v in (self.target, self.thresholds, self.band, self.floor, self.min_sample)
        ):
            raise ValueError(
                "an override must change at least one of "
                "target, thresholds, band, floor, min_sample"
            )
        return self

    @property
    def scope(self) -> tuple[Literal["region", "vendor", "site"], str]:
        """Which level the override applies to, and the id."""
        if self.site is not None:
            return ("site", self.site)
        if self.vendor is not None:
            return ("vendor", self.vendor)
        assert self.region is not None
        return ("region", self.region)


class Gate(Definition):
    """A hard rule over a KPI that overrides the scores: a critical finding, a data breach.

    When the KPI's rolled-up value at a scope is above `above` (or at `status`), the KPI's
    category scores 0 there and the scope's overall status is no better than `cap`.
    """

    id: Slug = Field(description="snake_case id, such as `critical_finding`.")
    kpi: Slug = Field(description="The KPI the gate watches.")
    above: float | None = Field(
        default=None, description="Fires when the KPI's value is above this (0: any at all)."
    )
    status: RagStatus | None = Field(
        default=None, description="Fires when the KPI is at this status or worse."
    )
    cap: Literal["amber", "red"] = Field(
        default="red", description="The best overall status a scope can have when it fires."
    )
    zero_category: bool = Field(
        default=True, description="Whether the KPI's category then scores 0."
    )
    reason: Text = Field(description="Why, in words for the reader: shown wherever it fires.")

    @model_validator(mode="after")
    def _one_condition(self) -> Gate:
        if (self.above is None) == (self.status is None):
            raise ValueError("a gate takes exactly one of above and status")
        return self


class Framework(Definition):
    """A KPI framework: measures, KPIs, categories, scoring, checks and overrides."""

    kind: Literal["framework"] = Field(description="Always `framework`.")
    id: Slug = Field(description="snake_case id of the framework.")
    version: Text = Field(description='Version of the definitions, quoted: "2026.1".')
    name: Text = Field(description="Human name.")
    owner: Text = Field(description="Team accountable for the framework.")
    description: str = Field(default="", description="What the framework is for.")
    scoring: Scoring = Field(default_factory=Scoring, description="Scoring method and rules.")
    categories: list[Category] = Field(default_factory=list, description="Scorecard categories.")
    measures: list[Measure] = Field(min_length=1, description="Base measures sites report.")
    kpis: list[Kpi] = Field(min_length=1, description="The KPIs.")
    checks: list[Check] = Field(default_factory=list, description="Row-level data rules.")
    overrides: list[Override] = Field(
        default_factory=list, description="Per region, vendor or site targets and thresholds."
    )
    gates: list[Gate] = Field(
        default_factory=list,
        description="Hard rules (a critical compliance finding) that zero a category and cap "
        "the overall status, at every level.",
    )

    def measure(self, measure_id: str) -> Measure | None:
        """The measure with this id, if declared."""
        return next((m for m in self.measures if m.id == measure_id), None)

    def kpi(self, kpi_id: str) -> Kpi | None:
        """The KPI with this id, if declared."""
        return next((k for k in self.kpis if k.id == kpi_id), None)
