"""Workspace settings: `opsgov.yaml` at the top of a workspace folder."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from opsgov.models.common import Definition, Text
from opsgov.models.framework import Override


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
        description="CSV of FX rates: period, currency, rate to the reporting currency.",
    )
    inputs: str = Field(
        default="inbox/{period}", description="Folder of each month's files; `{period}` is YYYY-MM."
    )
    outputs: str = Field(default="out/{period}", description="Folder reports are written to.")
    profiles: str = Field(
        default="profiles", description="Folder of intake profiles (one YAML file per template)."
    )
    overrides: list[Override] = Field(
        default_factory=list,
        description="This organisation's targets and thresholds per region, vendor or site "
        "(contract terms); they take precedence over the framework's own overrides.",
    )
