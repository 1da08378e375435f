"""`--help` of every command and sub-command, read at 80 columns as a new user reads it."""

from __future__ import annotations

import re

import pytest

from opsgov.cli import COMMANDS, load_command
from tests.conftest import invoke


def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = []
    for name in COMMANDS:
        command = load_command(name)
        assert command is not None
        paths.append([name])
        for sub in getattr(command, "commands", {}):
            paths.append([name, sub])
    return paths


PATHS = _command_paths()
PYTHON_TYPES = re.compile(r"<(bool|str|int|float|Path)>|list\[|\brange\b|\bx[<>]=")


def _help_at_80(args: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("typer.rich_utils.MAX_WIDTH", 80)  # read from TERMINAL_WIDTH at import
    lines = invoke([*args, "--help"]).stdout.splitlines()
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide, too_wide[:3]
    return lines


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(path) for path in PATHS])
def test_help_names_values_as_a_reader_types_them(
    path: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _help_at_80(path, monkeypatch)
    leaks = [line for line in lines if PYTHON_TYPES.search(line)]
    assert not leaks, leaks[:3]
    text = "\n".join(lines)
    assert "Example" in text
    assert f"opsgov {' '.join(path)}" in text.split("Example", 1)[1]


def test_root_help_lists_flags_without_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _help_at_80([], monkeypatch)
    for flag in ("--version", "--debug", "--install-completion", "--help"):
        row = next(line for line in lines if f"{flag} " in line)
        assert "<" not in row, row


def test_flags_show_no_value_and_values_show_their_form(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(_help_at_80(["validate"], monkeypatch))
    assert re.search(r"--quiet\s+-q\s+Print only", text)  # a flag takes no value
    assert re.search(r"--period\s+-p\s+<YYYY-MM>", text)
    assert re.search(r"files\.\.\.\s+<path>\.\.\.", text)  # several files, each a path
    assert re.search(r"--max-findings\s+<n> \[at least 1\]", text)
    assert re.search(r"--format\s+-f\s+<text\|json\|github\|junit>", text)  # choices whole


def test_choices_of_a_repeatable_option_stay_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(_help_at_80(["history", "diff"], monkeypatch))
    assert "<kpi|measure|composite>..." in text


def test_relabelling_leaves_the_bounds_alone() -> None:
    """Only the labels changed: a value out of bounds is still refused."""
    result = invoke(["validate", "--max-findings", "0"], code=2)
    assert "--max-findings" in result.stderr
