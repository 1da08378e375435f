"""Failures: the run cannot go on. Problems in the data are findings (see `opsgov.issues`)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opsgov.issues import Issue


class ExitCode(IntEnum):
    """The process exit codes every command uses."""

    OK = 0
    """Nothing at or above the `--fail-on` severity was found."""
    FINDINGS = 1
    """Findings at or above the `--fail-on` severity."""
    USAGE = 2
    """A usage error, or an input that could not be read at all."""
    INTERNAL = 3
    """A bug in opsgov: the message asks for a report, `--debug` shows the traceback."""


class OpsgovError(Exception):
    """A failure that stops the command; carries the findings that explain it."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, issues: Sequence[Issue] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.issues = tuple(issues)


class DefinitionError(OpsgovError):
    """A definition file (framework, registry, workspace, profile, playbook) cannot be used."""


class WorkspaceError(OpsgovError):
    """No usable workspace: `opsgov.yaml` missing or pointing at files that are not there."""


class WorkbookError(OpsgovError):
    """A spreadsheet cannot be read at all."""


class OutputError(OpsgovError):
    """An output cannot be written."""
