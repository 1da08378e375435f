"""The capacity plan as data: what `opsgov capacity` prints, writes and explains.

Every figure sits in a record with an `id` (what `opsgov capacity --explain ID` takes) and
`explain`, the arithmetic that made it, line by line.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from opsgov.issues import Issue

CAPACITY_SCHEMA_VERSION = 1


class Result(BaseModel):
    """Base of the plan's records: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Explained(Result):
    """A record whose figures can be explained."""

    id: str = Field(description="Stable id, such as `fte/DUB1/general/en/2026-11`.")
    explain: list[str] = Field(default_factory=list, description="How the figures were made.")


class SeriesForecast(Explained):
    """The volume forecast of one site's queue."""

    site: str
    queue: str
    method: str = Field(description="holt_winters, damped_trend or mean.")
    seasonality: str | None
    params: dict[str, float]
    fitted_params: bool
    history_periods: list[str]
    history: list[float]
    periods: list[str]
    volume: list[float]
    lower: list[float]
    upper: list[float]
    confidence: float
    sigma_source: str
    backtest_smape: float | None = Field(description="Percent, over the held-out months.")
    backtest_months: int


class IntervalRow(Result):
    """Real-time: one open interval of a day in the first forecast month."""

    start: str = Field(description="Start time of the interval, HH:MM.")
    contacts: float
    load: float
    agents: int
    service_level: float
    asa: float
    occupancy: float
    p_wait: float
    p_abandon: float


class MonthRequirement(Explained):
    """One month's requirement of a site's queue in one language."""

    period: str
    volume: float
    volume_high: float = Field(description="Volume at the upper prediction bound.")
    aht_seconds: float
    workload_hours: float
    productive_fte: float
    fte: float = Field(description="FTE to employ, fractional (after shrinkage).")
    fte_high: float = Field(description="FTE at the upper prediction bound.")
    scheduled: int = Field(description="People to schedule: the FTE rounded up, once.")
    shrinkage: float
    hours_per_fte: float
    occupancy: float
    service_level: float | None = None
    asa: float | None = None
    p_wait: float | None = None
    p_abandon: float | None = None
    peak_agents: int | None = None


class StreamPlan(Result):
    """A site's queue in one language: how it is planned, and its months."""

    site: str
    queue: str
    language: str = Field(description="BCP 47 language, or '' when the site serves none.")
    share: float = Field(description="Share of the queue's volume in this language.")
    share_source: str = Field(description="declared, even (assumed) or single.")
    channel: str
    model: str = Field(description="workload, erlang_c or erlang_a.")
    aht_source: str
    months: list[MonthRequirement]
    intervals: list[IntervalRow] = Field(default_factory=list)


class GapMonth(Explained):
    """Requirement against projected headcount at one site (or one of its queues)."""

    period: str
    required_fte: float
    headcount: float = Field(description="Headcount projected with attrition.")
    gap: float = Field(description="Required minus headcount; positive is a shortfall.")
    hires: int
    triggered: bool = Field(description="The shortfall exceeds the gap tolerance.")
    hire_by: str | None = Field(description="Date hiring and training must start, YYYY-MM-DD.")
    playbook: str | None


class SitePlan(Result):
    """One site's (or site queue's) requirement and headcount over the horizon."""

    site: str
    queue: str = Field(description="'' for the whole site.")
    name: str
    vendor: str
    region: str
    headcount_now: float | None
    headcount_period: str | None
    attrition_monthly: float
    months: list[GapMonth]


class ResilienceCell(Explained):
    """What losing one site does to one queue and language."""

    lost_site: str
    queue: str
    language: str
    channel: str
    model: str
    demand: float = Field(description="Monthly volume of the pool, the lost site's included.")
    moved: float = Field(description="The lost site's volume to place elsewhere.")
    absorbed: float = Field(description="Of it, what the other sites can take in headroom.")
    unabsorbed: float
    receivers: list[str]
    service_level: float | None = Field(
        description="Deferrable: share of the pool's volume handled; real-time: answered in "
        "time after the loss."
    )
    p_abandon: float | None = None
    asa: float | None = None
    backlog_growth_month: float | None = Field(
        default=None,
        description="Deferrable: items added to backlog each month (the unplaced volume, and "
        "the work the other sites leave undone where their headcount is short).",
    )
    backlog_days: float | None = Field(
        default=None, description="Deferrable: days of the pool's volume added each month."
    )


class SpofRow(Explained):
    """Who serves one queue (and language): single points of failure."""

    queue: str
    language: str = Field(description="'' for the queue as a whole.")
    sites: list[str]
    vendors: list[str]
    single_site: bool
    single_vendor: bool


class SplitCost(Explained):
    """The headcount a queue loses by being split across vendors instead of pooled."""

    queue: str
    channel: str
    vendors: list[str]
    basis: str = Field(description="current (its vendors' shares) or two-way (an even split).")
    pooled_fte: float
    split_fte: float
    lost_fte: float


class CapacityPlan(Result):
    """The whole plan (`capacity.json`)."""

    schema_version: int = CAPACITY_SCHEMA_VERSION
    workspace: str
    as_of: str
    history_first: str | None
    history_last: str | None
    periods: list[str]
    resilience_period: str | None
    settings: dict[str, Any] = Field(
        description="The capacity settings the plan was made with (`capacity:` in opsgov.yaml)."
    )
    forecasts: list[SeriesForecast]
    streams: list[StreamPlan]
    sites: list[SitePlan]
    resilience: list[ResilienceCell]
    spof: list[SpofRow]
    splits: list[SplitCost]
    findings: list[Issue]

    def explained(self) -> list[Explained]:
        """Every record that carries an explanation, in output order."""
        out: list[Explained] = [*self.forecasts]
        out.extend(m for s in self.streams for m in s.months)
        out.extend(m for s in self.sites for m in s.months)
        out.extend(self.resilience)
        out.extend(self.spof)
        out.extend(self.splits)
        return out


def capacity_schema_text() -> str:
    """The JSON Schema of `capacity.json`, shipped as `schemas/capacity.schema.json`."""
    import json

    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"opsgov:capacity:v{CAPACITY_SCHEMA_VERSION}",
        **CapacityPlan.model_json_schema(mode="serialization"),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
