"""Documentation kept true: help text, the finding-code page, the README."""

from __future__ import annotations

import pytest

from opsgov.catalogue import CATALOGUE, RENAMED, catalogue_markdown
from opsgov.cli import COMMANDS as COMMAND_MODULES
from opsgov.errors import ExitCode
from tests.conftest import REPO, invoke

COMMANDS = sorted(COMMAND_MODULES)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_summary_and_an_example(command: str) -> None:
    text = invoke([command, "--help"]).stdout
    assert "Usage: opsgov" in text
    assert "Example" in text
    assert f"opsgov {command}" in text.split("Example", 1)[1]


def test_top_level_help_and_version() -> None:
    assert "Example" in invoke(["--help"]).stdout
    assert invoke(["--version"]).stdout.startswith("opsgov ")


def test_issue_code_page_is_current() -> None:
    page = (REPO / "docs" / "issue-codes.md").read_text("utf-8")
    assert page == catalogue_markdown(), "run: python -m opsgov.catalogue > docs/issue-codes.md"


def test_codes_have_stage_prefixes() -> None:
    for code in CATALOGUE:
        assert code[0] in "DFVKSPCQT" and code[1:].isdigit() and len(code) == 4


def test_no_code_begins_with_a_severity_initial() -> None:
    """`error W200` read as a warning: a prefix names a stage, so it is never E, W or I."""
    assert not [code for code in CATALOGUE if code[0] in "EWI"]


def test_a_renamed_code_reports_as_its_new_code_and_is_listed() -> None:
    from opsgov.issues import make_issue

    issue = make_issue("W207", "the file is empty")
    assert (issue.code, issue.severity.value) == ("F207", "error")
    page = (REPO / "docs" / "issue-codes.md").read_text("utf-8")
    assert "| W207 | F207 |" in page and "| F207 | error | empty file |" in page
    assert not set(RENAMED) & set(CATALOGUE)


def test_readme_names_every_command_and_exit_code() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for command in COMMANDS:
        assert f"opsgov {command}" in readme
    for code in ExitCode:
        assert f"| {int(code)} |" in readme
    assert "bash scripts/test.sh" in readme and "bash scripts/sample.sh" in readme


def test_readme_lint_example_is_what_lint_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    block = readme.split("```console\n$ ", 1)[1].split("```", 1)[0]
    command, expected = block.split("\n", 1)
    args = command.split()
    assert args[:2] == ["opsgov", "lint"]
    assert (REPO / args[2]).is_file(), f"the README's example file {args[2]} must exist"
    monkeypatch.chdir(REPO)
    assert invoke(args[1:], 1).stdout == expected
