"""The `opsgov` command line: a thin Typer layer over the library, one file per command."""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer
import typer.main
from typer import _click as click
from typer.core import TyperGroup

from opsgov import __version__
from opsgov.cli.helptext import relabel, tidy
from opsgov.cli.state import State
from opsgov.errors import ExitCode

COMMANDS: dict[str, str] = {
    "lint": "lint",
    "schema": "schema",
    "init": "init",
    "validate": "validate",
    "inspect": "inspect",
    "score": "score",
    "sql": "sql",
    "test": "kpitests",
    "explain": "explain",
    "history": "history",
    "report": "report",
    "playbook": "playbook",
    "capacity": "capacity",
    "credits": "credits",
}
"""Each top-level command (or command group) and the module of `opsgov.cli` that registers it.

A command's module, and the library it needs, is imported only when that command runs (or
when `--help` lists every command): `opsgov --version` and a single command start quickly."""


def load_command(name: str) -> click.Command | None:
    """The Click command (or group) named `name`, importing its module; None if unknown."""
    module_name = COMMANDS.get(name)
    if module_name is None:
        return None
    module = importlib.import_module(f"opsgov.cli.{module_name}")
    holder = typer.Typer()
    module.register(holder)
    command: click.Command | None = typer.main.get_group(holder).commands.get(name)
    return command


class LazyGroup(TyperGroup):
    """The root group: every command is loaded the first time it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, in the order `--help` lists them."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command named `cmd_name`, loading its module the first time."""
        command = self.commands.get(cmd_name)
        if command is None:
            command = load_command(cmd_name)
            if command is not None:
                tidy(command, click.Context(command, parent=ctx, info_name=cmd_name))
                self.add_command(command, cmd_name)
        return command

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The root's help, its own options labelled as every command's are."""
        for param in self.get_params(ctx):
            relabel(param, ctx)
        super().format_help(ctx, formatter)


app = typer.Typer(
    name="opsgov",
    help="Validated, harmonised scorecards and governance reports for global Trust & Safety and "
    "customer-support operations.",
    epilog="Example: opsgov score --period 2026-10   (the month's scorecards, in a workspace)",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=LazyGroup,
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
