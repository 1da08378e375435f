"""The findings report every checking command returns (lint, validate, playbook status)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from opsgov.errors import ExitCode
from opsgov.issues import Issue, Severity, sorted_issues


class FindingsReport(BaseModel):
    """Findings of one run over a set of files."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str = Field(description="The command that produced the report, such as `lint`.")
    files: list[str] = Field(description="Every file examined, including clean ones.")
    issues: list[Issue] = Field(description="The findings, ordered by file and position.")
    omitted: dict[str, int] = Field(
        default_factory=dict,
        description="Per file, findings left out above the per-file limit.",
    )

    @classmethod
    def build(
        cls,
        command: str,
        files: list[str],
        issues: list[Issue],
        omitted: dict[str, int] | None = None,
    ) -> FindingsReport:
        """A report with the findings sorted and the files de-duplicated in order."""
        return cls(
            command=command,
            files=list(dict.fromkeys(files)),
            issues=sorted_issues(issues),
            omitted=omitted or {},
        )

    def count(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for i in self.issues if i.severity == severity)

    def exit_code(self, fail_on: Severity) -> ExitCode:
        """FINDINGS when any finding is at or above `fail_on`, else OK."""
        failing = any(i.severity.at_least(fail_on) for i in self.issues)
        return ExitCode.FINDINGS if failing else ExitCode.OK
