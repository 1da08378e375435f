"""The rich consoles (stdout and stderr) and the human rendering of findings.

Colour follows rich's rules: none when output is not a terminal or `NO_COLOR` is set.
"""

from __future__ import annotations

import io
import os

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from opsgov.issues import Issue, Severity
from opsgov.report import FindingsReport

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def make_console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) that respects NO_COLOR and non-terminal output."""
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return Console(stderr=stderr, highlight=False, width=width, soft_wrap=False)


def issue_text(issue: Issue) -> Text:
    """One finding as styled text: position, severity, code, message and hint."""
    where = str(issue.location) if issue.location else "(run)"
    text = Text()
    text.append(where, style="bold")
    text.append(": ")
    text.append(f"{issue.severity.value} {issue.code}", style=_STYLE[issue.severity])
    text.append(f" {issue.message}")
    if issue.hint:
        text.append("\n    hint: ", style="dim")
        text.append(issue.hint)
    return text


def print_findings(console: Console, report: FindingsReport, *, quiet: bool = False) -> None:
    """Every finding, then a one-line summary (the summary alone with `quiet`)."""
    if not quiet:
        for issue in report.issues:
            console.print(issue_text(issue), soft_wrap=True)
        for file, count in report.omitted.items():
            console.print(f"{escape(file)}: {count:,} more findings not shown", style="dim")
    errors, warnings, infos = (report.count(s) for s in Severity)
    files = len(report.files)
    line = (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
        f"{infos} info" + (f" in {files} file{'s' * (files != 1)}" if files else "")
    )
    style = "bold red" if errors else ("yellow" if warnings else "green")
    if not report.issues:
        line = f"No problems found in {files} file{'s' * (files != 1)}."
    console.print(line, style=style)


def findings_plain_text(report: FindingsReport, *, quiet: bool = False) -> str:
    """The text rendering without colour, for `--output FILE`."""
    buffer = io.StringIO()
    console = Console(file=buffer, no_color=True, highlight=False, width=120, soft_wrap=True)
    print_findings(console, report, quiet=quiet)
    return buffer.getvalue()
