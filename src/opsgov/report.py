"""The findings report every checking command returns (lint, validate, playbook status)."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

from opsgov.errors import ExitCode
from opsgov.issues import Issue, Severity, sorted_issues
from opsgov.models.results import FileRead


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
    reads: list[FileRead] = Field(
        default_factory=list,
        description="For `validate`: each file, the intake profile that read it (none: not "
        "read), how it was chosen, its sites and the rows read.",
    )

    @classmethod
    def build(
        cls,
        command: str,
        files: list[str],
        issues: list[Issue],
        max_per_file: int | None = None,
        reads: list[FileRead] | None = None,
        counted: dict[str, int] | None = None,
    ) -> FindingsReport:
        """A report with the findings sorted, at most `max_per_file` kept for each file.

        Where a file has more, the most serious are kept (then the first by position), so
        that an error is never hidden behind a thousand warnings: the exit code and the
        summary's error count stay true. `counted`: per file, findings counted while
        checking but never built (past the same cap), added to the omitted.
        """
        ordered = sorted_issues(issues)
        omitted: dict[str, int] = dict(counted or {})
        if max_per_file is not None:
            by_file: dict[str, list[Issue]] = {}
            for issue in ordered:
                by_file.setdefault(issue.location.file if issue.location else "", []).append(issue)
            dropped: set[int] = set()
            for file, found in by_file.items():
                if len(found) > max_per_file:
                    worst_first = sorted(found, key=lambda i: -i.severity.rank)  # stable
                    dropped.update(id(i) for i in worst_first[max_per_file:])
                    omitted[file] = omitted.get(file, 0) + len(found) - max_per_file
            ordered = [i for i in ordered if id(i) not in dropped]
        return cls(
            command=command,
            files=list(dict.fromkeys(files)),
            issues=ordered,
            omitted=omitted,
            reads=reads or [],
        )

    @property
    def unread(self) -> list[str]:
        """The files no intake profile read."""
        return [r.file for r in self.reads if r.profile is None]

    def count(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for i in self.issues if i.severity == severity)

    def exit_code(self, fail_on: Severity) -> ExitCode:
        """FINDINGS when any finding is at or above `fail_on`, else OK."""
        failing = any(i.severity.at_least(fail_on) for i in self.issues)
        return ExitCode.FINDINGS if failing else ExitCode.OK


def findings_phrase(counts: Mapping[str, int]) -> str:
    """Findings by severity as a reader writes them: `1 error, 0 warnings, 6 info`."""
    errors, warnings, infos = (counts.get(s.value, 0) for s in Severity)
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
        f"{infos} info"
    )
