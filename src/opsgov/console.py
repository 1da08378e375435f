"""The rich consoles (stdout and stderr) and the human rendering of findings.

Colour follows rich's rules: none when output is not a terminal or `NO_COLOR` is set.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from opsgov.issues import Issue, Severity
from opsgov.models.results import FileRead
from opsgov.report import FindingsReport

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters (all but tab and newline): an escape sequence in vendor text could move
the cursor, recolour the terminal or open a hyperlink."""


class SafeConsole(Console):
    """A console on which no text is ever console markup, an emoji code or a control sequence.

    Markup and emoji codes are off, so a sheet named `Defs [/bold]` or
    `[link=https://evil.example/]CLICK[/link]` prints as written; control characters in any
    text (a string, a `Text`, a table cell) print as U+FFFD. Styles are given as `style=` or
    with `Text` spans, never in the string.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **kwargs)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        """Every segment rich would write, with control characters in its text made visible."""
        for segment in super().render(renderable, options):
            if segment.control is None and _CONTROL.search(segment.text):
                yield Segment(_CONTROL.sub("\ufffd", segment.text), segment.style)
            else:
                yield segment


def make_console(*, stderr: bool = False) -> Console:
    """A console for stdout (or stderr) that respects NO_COLOR and non-terminal output."""
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return SafeConsole(stderr=stderr, width=width, soft_wrap=False)


def plain_table(title: str | None, *columns: tuple[str, str]) -> Table:
    """A table that fits the terminal: text folds (never cut short), numbers never wrap.

    `columns` are (header, justify): "right" for numbers, which keep their whole width, and
    "left" for text, which folds at the column edge rather than ending in an ellipsis.
    """
    table = Table(title=title, title_justify="left")
    for header, justify in columns:
        if justify == "right":
            table.add_column(header, justify="right", no_wrap=True)
        else:
            table.add_column(header, overflow="fold")
    return table


def format_plain(value: float | None) -> str:
    """A number as people write it: thousands separated, no exponent, no float noise."""
    if value is None or not math.isfinite(value):
        return "\u2014"
    if value == round(value):
        return f"{value:,.0f}"
    digits = max(2, 4 - math.floor(math.log10(abs(value))) - 1) if abs(value) < 1 else 2
    return f"{value:,.{min(digits, 8)}f}"


def format_measure(value: float | None, kind: str, currency: str = "") -> str:
    """A measure by its kind: a count, seconds, hours or money (in the reporting currency)."""
    if value is None or not math.isfinite(value):
        return "\u2014"
    if kind == "duration":
        return f"{value:,.0f} s"
    if kind == "hours":
        return f"{value:,.1f} h"
    if kind == "money":
        return f"{value:,.2f} {currency}".strip()
    return format_plain(value)


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
            console.print(f"{file}: {count:,} more findings not shown", style="dim")
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
    console = SafeConsole(file=buffer, no_color=True, width=120, soft_wrap=True)
    print_findings(console, report, quiet=quiet)
    return buffer.getvalue()
