"""KPI tests: given rows per site, expect KPI values, statuses, scores, ranks and findings.

And service credits (`kpitest_expect.CreditsExpectation`) and capacity results
(`kpitest_expect.CapacityExpectation`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from opsgov.models.capacity import CapacitySettings
from opsgov.models.common import Code, Definition, Slug, Text
from opsgov.models.contract import Contract
from opsgov.models.kpitest_expect import MONTH, CapacityExpectation, CreditsExpectation, Tolerance

TestLevel = Literal["site", "vendor", "region", "global"]
ExpectedStatus = Literal[
    "green", "amber", "red", "insufficient_data", "no_data", "not_by_queue", "not_rated"
]


TESTS_FOLDER = "tests"
"""The workspace folder of KPI tests (`opsgov test` runs them; lint checks them)."""


class GivenSite(Definition):
    """One site's rows: inline, or a small csv/xlsx read through a named intake profile."""

    site: Code = Field(description="Registry site id the rows belong to.")
    rows: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Inline rows: measure id -> number, plus optional `date` (YYYY-MM-DD) and "
        "`queue`. A measure left out of a row is blank in it.",
    )
    file: Text | None = Field(
        default=None, description="A csv or xlsx file (relative to the test file) to read instead."
    )
    profile: Slug | None = Field(
        default=None, description="The workspace's intake profile that reads `file`."
    )
    period: str | None = Field(
        default=None,
        pattern=MONTH,
        description="The month of these rows, YYYY-MM (default: the test's period). Give "
        "several months to test service credits over repeat windows, quarters and earn-back.",
    )

    @model_validator(mode="after")
    def _rows_or_file(self) -> GivenSite:
        if self.file is None and not self.rows:
            raise ValueError("give rows, or a file with its profile")
        if self.file is not None and (self.rows or self.profile is None):
            raise ValueError("a file is read through a profile, without inline rows")
        return self


class ExpectedRow(Definition):
    """One scope's expected value in a table expectation."""

    id: Code = Field(description="Site, vendor or region id (`global` for the whole operation).")
    value: float | None = Field(description="The expected value; null for no value.")


class ExpectedFinding(Definition):
    """A finding the given files must produce."""

    code: Code = Field(description="Finding code, such as V301.")
    cell: str | None = Field(default=None, description="Where: `Sheet!C4`, or `C4`.")


class Expectation(Definition):
    """One thing to check; each is one test case in the report."""

    kpi: Slug | None = Field(default=None, description="The KPI checked.")
    level: TestLevel = Field(default="global", description="site, vendor, region or global.")
    id: Code | None = Field(
        default=None, description="Site, vendor or region id; default `global`."
    )
    queue: Slug | None = Field(default=None, description="A queue, for the per-queue view.")
    value: float | None = Field(
        default=None,
        description="The expected value. Write `value: null` to expect no value (a zero "
        "denominator, or no data).",
    )
    tolerance: Tolerance | None = Field(
        default=None, description="Allowed difference; default exact to 1e-9 relative."
    )
    status: ExpectedStatus | None = Field(default=None, description="The expected RAG status.")
    score: float | None = Field(default=None, description="The expected 0-100 score.")
    rank: int | None = Field(default=None, ge=1, description="The scope's rank in its level.")
    rows: list[ExpectedRow] | None = Field(
        default=None,
        description="Every scope of the level with a value for the KPI, in any order; `[]` "
        "expects none.",
    )
    findings: list[ExpectedFinding] | None = Field(
        default=None,
        description="Findings the given rows or files must produce (codes at cells); `[]` "
        "expects none at all.",
    )
    credits: CreditsExpectation | None = Field(
        default=None,
        description="Service credits of a contract in a month, worked out from the given rows "
        "as `opsgov credits` works them out (on every engine).",
    )
    capacity: CapacityExpectation | None = Field(
        default=None,
        description="A month's staffing requirement of a site's queue, as `opsgov capacity` "
        "plans it (engine-independent).",
    )

    @property
    def scope_id(self) -> str:
        """The scope's id (`global` at the global level)."""
        return self.id or "global"

    def checks(self) -> list[str]:
        """Which checks the expectation makes (the fields written), in a fixed order."""
        order = ("value", "status", "score", "rank", "rows", "findings", "credits", "capacity")
        return [name for name in order if name in self.model_fields_set]


class KpiTest(Definition):
    """A KPI test file in the workspace's `tests/` folder."""

    kind: Literal["kpi_test"] = Field(description="Always `kpi_test`.")
    id: Slug = Field(description="snake_case id of the test.")
    description: str = Field(default="", description="What the test pins down.")
    period: str = Field(
        default="2026-10",
        pattern=MONTH,
        description="The month the rows belong to (FX rates and dates), YYYY-MM; KPI values "
        "are checked in it.",
    )
    fx: dict[str, float] | None = Field(
        default=None,
        description="Rates to the reporting currency for the test (`EUR: 1.08`), so that it "
        "does not depend on the workspace's FX file; default: that file's rates for the period.",
    )
    given: list[GivenSite] = Field(
        default_factory=list,
        description="The rows, per site (and month). Only a test of capacity results with "
        "their volume and AHT written out may leave it out.",
    )
    contracts: list[Contract] = Field(
        default_factory=list,
        description="Contracts for this test (`kind: contract` may be left out); one with the "
        "id of a workspace contract replaces it in the test.",
    )
    capacity: CapacitySettings | None = Field(
        default=None,
        description="Capacity settings for this test, in place of the `capacity:` section of "
        "opsgov.yaml, so that its capacity results do not depend on the workspace's.",
    )
    expect: list[Expectation] = Field(min_length=1, description="What must come out.")

    @field_validator("contracts", mode="before")
    @classmethod
    def _contract_kind(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [
                {"kind": "contract", **c} if isinstance(c, dict) and "kind" not in c else c
                for c in value
            ]
        return value

    @model_validator(mode="after")
    def _rows_needed(self) -> KpiTest:
        if not self.given and any(e.capacity is None for e in self.expect):
            raise ValueError("give rows (`given`): only capacity expectations can do without")
        return self

    def periods(self) -> list[str]:
        """Every month with given rows, and the test's own, in order."""
        return sorted({self.period, *(g.period or self.period for g in self.given)})
