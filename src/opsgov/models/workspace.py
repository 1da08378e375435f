"""Workspace settings: `opsgov.yaml` at the top of a workspace folder."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from opsgov.models.capacity import CapacitySettings
from opsgov.models.common import Code, Definition, IsoDate, Text
from opsgov.models.framework import Override

FX_COLUMNS = ("period", "from_currency", "to_currency", "rate")
FX_SHAPE = (
    "a CSV with the header `period,from_currency,to_currency,rate` and one row per month and "
    "currency pair, such as `2026-10,EUR,USD,1.08`: an amount in from_currency times rate is "
    "the amount in to_currency (a pair may be given either way round); the columns may come "
    "in any order and further columns (a source, a note) are ignored"
)
"""The FX rates file, as every description of it says and `opsgov.fx` reads it."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _saturday_sunday() -> list[Weekday]:
    return ["sat", "sun"]


class CalendarRule(Definition):
    """Working days of one region or country: its weekend (when it differs) and its holidays."""

    weekends: list[Weekday] | None = Field(
        default=None, description="Days off every week; default: the calendar's own weekends."
    )
    holidays: list[IsoDate] = Field(
        default_factory=list,
        description="Public holidays, YYYY-MM-DD, on top of the calendar's shared holidays.",
    )


class Calendar(Definition):
    """The working calendar playbook checklists are dated with (weekends and holidays skipped).

    A site's calendar is the shared one, refined by its region's rule, then its country's.
    """

    weekends: list[Weekday] = Field(
        default_factory=_saturday_sunday, description="Days off every week."
    )
    holidays: list[IsoDate] = Field(
        default_factory=list, description="Holidays every site keeps, YYYY-MM-DD."
    )
    regions: dict[Code, CalendarRule] = Field(
        default_factory=dict, description="Per region id: its weekends and extra holidays."
    )
    countries: dict[Code, CalendarRule] = Field(
        default_factory=dict,
        description="Per ISO country code: its weekends and extra holidays (after the region's).",
    )


class WarehouseTable(Definition):
    """A table of harmonised rows that a SQL engine scores instead of the month's spreadsheets."""

    table: Text = Field(
        description="The table as the engine names it: `analytics.agent_day` (Spark or a DuckDB "
        "database), a view, or the folder of `opsgov validate --export parquet` output."
    )
    database: str | None = Field(
        default=None,
        description="DuckDB only: the database file holding the table, opened read-only "
        "(relative to the workspace).",
    )
    columns: dict[str, Text] = Field(
        default_factory=dict,
        description="opsgov's name -> the table's column, where they differ: `site`, `date`, "
        "`queue`, `period` and measure ids (`items_handled: handled`). KPIs cannot be mapped: "
        "they are computed from the sums of their measures.",
    )
    period_column: bool = Field(
        default=True,
        description="Whether the table has a `period` column (YYYY-MM); if not, a month's rows "
        "are picked by date, so every row needs one (a monthly row dated in its month).",
    )


class Workspace(Definition):
    """Which framework and registry a workspace uses, and where its files live.

    Paths are relative to the folder holding `opsgov.yaml`. A framework may also be a built-in
    one, named `builtin:trust_safety` or `builtin:customer_support`.
    """

    kind: Literal["workspace"] = Field(description="Always `workspace`.")
    name: Text = Field(description="Name shown on reports.")
    framework: Text = Field(description="Framework file, or `builtin:NAME`.")
    registry: Text = Field(description="Site registry file.")
    reporting_currency: str = Field(description="ISO 4217 code all money is converted to.")
    fx_rates: str | None = Field(
        default=None,
        description=f"FX rates file: {FX_SHAPE}.",
    )
    inputs: str = Field(
        default="inbox/{period}", description="Folder of each month's files; `{period}` is YYYY-MM."
    )
    outputs: str = Field(default="out/{period}", description="Folder reports are written to.")
    profiles: str = Field(
        default="profiles", description="Folder of intake profiles (one YAML file per template)."
    )
    history: str | None = Field(
        default=None,
        description="SQLite file keeping every scored period, for trends and governance reports "
        "(default `history.sqlite` in the workspace; keep it on a local disk). "
        "`opsgov score --no-history` leaves it alone.",
    )
    contracts: str = Field(
        default="contracts",
        description="Folder of vendor contracts (`kind: contract`, one file per vendor), for "
        "`opsgov credits`.",
    )
    playbooks: str = Field(
        default="playbooks",
        description="Folder of this workspace's playbooks; they take precedence over the "
        "built-in ones with the same id.",
    )
    calendar: Calendar | None = Field(
        default=None,
        description="Working calendar for playbook checklists; without one, only Saturdays and "
        "Sundays are days off.",
    )
    owners: dict[Code, dict[Code, Text]] = Field(
        default_factory=dict,
        description="Who holds each playbook role, per region id: `EMEA: {VM: Ana Costa}`. The "
        "key `default` covers roles a region does not list.",
    )
    warehouse: WarehouseTable | None = Field(
        default=None,
        description="A table of harmonised rows that `opsgov score --engine duckdb|spark` reads "
        "(with a column mapping); without one, engines read `--parquet DIR`.",
    )
    overrides: list[Override] = Field(
        default_factory=list,
        description="This organisation's targets and thresholds per region, vendor or site "
        "(contract terms); they take precedence over the framework's own overrides.",
    )
    capacity: CapacitySettings | None = Field(
        default=None,
        description="Capacity planning assumptions for `opsgov capacity`: hours per FTE, "
        "shrinkage, occupancy, service-level targets, patience, lead times, interval profile.",
    )
