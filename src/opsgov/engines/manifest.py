"""The manifest beside each exported period: what the rows are and where they came from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from opsgov.issues import Issue

MANIFEST_NAME = "_opsgov.json"
"""Its file name in the period's folder (engines skip files starting with `_`)."""


class SourceEntry(BaseModel):
    """The sheet column one measure of one sheet was read from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(description="File, as reports name it.")
    sheet: str = Field(description="Sheet.")
    measure: str = Field(description="Measure id.")
    column: str = Field(description="Column letter.")
    header: str = Field(description="Header the vendor used.")


class Manifest(BaseModel):
    """What `opsgov validate --export parquet` wrote for one period."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int = Field(default=1, description="Version of this format.")
    period: str = Field(description="YYYY-MM.")
    framework: str = Field(description="Framework id and version the rows were harmonised for.")
    rows: int = Field(description="Rows written.")
    excluded_rows: int = Field(description="Rows left out because they have errors.")
    findings: dict[str, int] = Field(description="Findings of intake and validation, by severity.")
    issues: list[Issue] = Field(
        default_factory=list,
        description="The findings at no cell of an input file (FX rates, computing), in full.",
    )
    inputs: dict[str, str] = Field(description="Input file -> SHA-256.")
    sources: list[SourceEntry] = Field(description="Sheet column of each measure of each sheet.")
    sheets: list[tuple[str, str]] = Field(
        default_factory=list,
        description="Each (file, sheet) the rows came from; a row's `sheet_id` is its index "
        "here. Empty in an export written before the column existed.",
    )
