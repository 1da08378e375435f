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
from opsgov.models.results import FileRead
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


_RULE = {
    "name": "by name",
    "vendor": "by vendor",
    "content": "by content",
    "forced": "--profile",
}


def read_line(read: FileRead) -> str:
    """What read one file: `-> profile (how chosen) -> sites -> rows read`."""
    if read.profile is None:
        return "-> no profile: not read"
    sites = ", ".join(read.sites[:4]) or "no site"
    if len(read.sites) > 4:
        sites = f"{', '.join(read.sites[:3])} and {len(read.sites) - 3} more"
    rule = f" ({_RULE[read.rule]})" if read.rule else ""
    rows = f"{read.rows:,} row{'s' * (read.rows != 1)}"
    return f"-> {read.profile}{rule} -> {sites} -> {rows}"


def print_findings(console: Console, report: FindingsReport, *, quiet: bool = False) -> None:
    """Which profile read each file, every finding, then a one-line summary.

    With `quiet`, the summary alone.
    """
    if not quiet:
        if report.reads:
            console.print("Files read (file -> profile -> sites -> rows):", style="bold")
            for read in report.reads:
                console.print(f"  {read.file}\n    {read_line(read)}", markup=False, soft_wrap=True)
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
    unread = report.unread
    if unread:
        line += ("" if line.endswith(".") else ".") + (
            f" Not read by any profile ({len(unread)}): "
            + ", ".join(unread[:5])
            + (f" and {len(unread) - 5} more" if len(unread) > 5 else "")
            + "."
        )
    console.print(line, style=style, markup=False, soft_wrap=True)


def findings_plain_text(report: FindingsReport, *, quiet: bool = False) -> str:
    """The text rendering without colour, for `--output FILE`."""
    buffer = io.StringIO()
    console = Console(file=buffer, no_color=True, highlight=False, width=120, soft_wrap=True)
    print_findings(console, report, quiet=quiet)
    return buffer.getvalue()
