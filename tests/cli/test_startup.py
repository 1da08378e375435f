"""Start-up loads only what a command needs: `--version` none of the library, a command its own."""

from __future__ import annotations

import subprocess
import sys

import typer
import typer.main

from opsgov.cli import COMMANDS, load_command

HEAVY = ("numpy", "pydantic", "openpyxl", "yaml", "jinja2", "reportlab", "pptx", "duckdb")


def modules_after(*args: str) -> set[str]:
    """Top-level module names imported by `opsgov ARGS` in a fresh interpreter."""
    code = (
        "import sys\n"
        f"sys.argv = ['opsgov', *{list(args)!r}]\n"
        "from opsgov.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} | "
        "{m for m in sys.modules if m.startswith('opsgov.')})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split("\n")[-2].split())


def test_version_imports_none_of_the_heavy_libraries() -> None:
    loaded = modules_after("--version")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    root_helpers = {"opsgov.cli.state", "opsgov.cli.helptext"}  # no command's module
    assert not {m for m in loaded if m.startswith("opsgov.cli.") and m not in root_helpers}


def test_lint_loads_neither_other_commands_nor_output_writers() -> None:
    loaded = modules_after("lint", "--help")
    assert {"opsgov.cli.lint"} <= loaded
    assert not loaded & {"opsgov.cli.score", "opsgov.cli.history", "opsgov.cli.capacity"}
    assert not loaded & {"openpyxl", "reportlab", "pptx", "duckdb", "jinja2"}


def test_every_listed_command_is_the_one_its_module_registers() -> None:
    for name, module in COMMANDS.items():
        holder = typer.Typer()
        __import__(f"opsgov.cli.{module}", fromlist=["register"]).register(holder)
        assert set(typer.main.get_group(holder).commands) == {name}
        command = load_command(name)
        assert command is not None and command.name == name
    assert load_command("no-such-command") is None
