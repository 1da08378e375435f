"""The `opsgov` command line: a thin Typer layer over the library, one file per command."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from opsgov import __version__
from opsgov.cli import capacity as capacity_cmd
from opsgov.cli import credits as credits_cmd
from opsgov.cli import explain as explain_cmd
from opsgov.cli import history as history_cmd
from opsgov.cli import init as init_cmd
from opsgov.cli import inspect as inspect_cmd
from opsgov.cli import kpitests as kpitests_cmd
from opsgov.cli import lint as lint_cmd
from opsgov.cli import playbook as playbook_cmd
from opsgov.cli import report as report_cmd
from opsgov.cli import schema as schema_cmd
from opsgov.cli import score as score_cmd
from opsgov.cli import sql as sql_cmd
from opsgov.cli import validate as validate_cmd
from opsgov.cli.common import State
from opsgov.errors import ExitCode

app = typer.Typer(
    name="opsgov",
    help="Validated, harmonised scorecards and governance reports for global Trust & Safety and "
    "customer-support operations.",
    epilog="Example: opsgov score --period 2026-10   (the month's scorecards, in a workspace)",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"opsgov {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
) -> None:
    State.debug = debug


lint_cmd.register(app)
schema_cmd.register(app)
init_cmd.register(app)
validate_cmd.register(app)
inspect_cmd.register(app)
score_cmd.register(app)
sql_cmd.register(app)
kpitests_cmd.register(app)
explain_cmd.register(app)
history_cmd.register(app)
report_cmd.register(app)
playbook_cmd.register(app)
capacity_cmd.register(app)
credits_cmd.register(app)


def main() -> None:
    """Console-script entry point: run the app; no traceback ever reaches the user."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("opsgov: interrupted\n")
        sys.exit(130)
    except BaseException as exc:  # last resort: a bug outside any command
        if State.debug:
            raise
        sys.stderr.write(
            f"opsgov: internal error ({type(exc).__name__}). This is a bug; re-run with --debug.\n"
        )
        sys.exit(int(ExitCode.INTERNAL))
