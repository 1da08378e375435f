"""Options, console handling and error handling shared by every command."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from opsgov.atomic import describe_os_error, write_text
from opsgov.cli.state import State
from opsgov.console import findings_plain_text, make_console, print_findings
from opsgov.errors import ExitCode, OpsgovError
from opsgov.formats import MACHINE_FORMATS
from opsgov.issues import Severity
from opsgov.report import FindingsReport


class OutputFormat(StrEnum):
    """`--format` for findings."""

    text = "text"
    json = "json"
    github = "github"
    junit = "junit"


class FailOn(StrEnum):
    """`--fail-on`: the least severity that makes the exit code 1."""

    error = "error"
    warning = "warning"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="text for people; json, github (Actions annotations) or junit for CI.",
    ),
]
FailOnOption = Annotated[
    FailOn, typer.Option("--fail-on", help="Exit 1 when any finding is at or above this severity.")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print only the summary line (text format).")
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the report to this file (atomically) instead of stdout.",
        dir_okay=False,
    ),
]

P = ParamSpec("P")
R = TypeVar("R")


def _template_failure(exc: Exception) -> str | None:
    """The message for a template that failed (a syntax error, a sandbox limit), or None."""
    if "jinja2" not in sys.modules:  # never imported: cannot be a template's failure
        return None
    from opsgov.render.env import template_failure

    return template_failure(exc, "a report template")


def report_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn failures into a message on stderr and an exit code; never show a traceback.

    `OpsgovError` prints its message and findings (exit 2); so does an `OSError` the machine
    raised (a full disk, a read-only folder), naming the file and the cause. Anything else is a
    bug: one line asking for a report (exit 3), and the traceback only with `--debug`.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
            raise
        except OpsgovError as exc:
            err = make_console(stderr=True)
            err.print(f"opsgov: {exc.message}", style="bold red", markup=False)
            if exc.issues:
                print_findings(err, FindingsReport.build("error", [], list(exc.issues)))
            raise typer.Exit(int(exc.exit_code)) from None
        except OSError as exc:  # the machine, not opsgov: a file or folder it cannot use
            cause, fix = describe_os_error(exc)
            where = f"{exc.filename}: " if exc.filename else ""
            make_console(stderr=True).print(
                f"opsgov: {where}{cause}; {fix}.", style="bold red", markup=False
            )
            raise typer.Exit(int(ExitCode.USAGE)) from None
        except Exception as exc:
            template = _template_failure(exc)
            if template is not None:  # a workspace's own template: the user's to fix
                make_console(stderr=True).print(
                    f"opsgov: {template}", style="bold red", markup=False
                )
                raise typer.Exit(int(ExitCode.USAGE)) from None
            if State.debug:
                traceback.print_exc()
            err = make_console(stderr=True)
            err.print(
                f"opsgov: internal error ({type(exc).__name__}: {exc}). This is a bug in opsgov; "
                "please report it with the command you ran. "
                "Re-run with --debug to see the details.",
                style="bold red",
                markup=False,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None

    return wrapper


def emit_findings(
    report: FindingsReport,
    fmt: OutputFormat,
    fail_on: FailOn,
    *,
    quiet: bool = False,
    output: Path | None = None,
) -> None:
    """Print (or write) a findings report in the chosen format and exit with its code."""
    severity = Severity(fail_on.value)
    if fmt is OutputFormat.text:
        if output is not None:
            write_text(output, findings_plain_text(report, quiet=quiet))
        else:
            print_findings(make_console(), report, quiet=quiet)
    else:
        body = MACHINE_FORMATS[fmt.value](report, severity)
        if output is not None:
            write_text(output, body)
        else:
            sys.stdout.write(body)
            sys.stdout.flush()
    raise typer.Exit(int(report.exit_code(severity)))


PlaybookDirOption = Annotated[
    Path | None,
    typer.Option(
        "--playbook-dir",
        help="Playbooks that take precedence over the workspace's and the built-in ones.",
        file_okay=False,
    ),
]
