"""A workspace's own templates run in a sandbox with a budget: never a hang, never a crash."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from tests.conftest import invoke
from tests.support import sample_month as sm

HOSTILE = {
    "nested loops": (
        "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}\n",
        "loops ask for more than 5,000,000 numbers",
    ),
    "recursive macro": (
        "{% macro f(n) %}{{ f(n) }}{% endmacro %}\n{{ f(1) }}\n",
        "nest calls more than 100 deep",
    ),
    "branching macro": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}\n"
        "{{ f(60) }}\n",
        "ran longer than",
    ),
    "huge string": ('title\n{{ "x" * 100000000000 }}\n', "more than 10,000,000 items"),
    "huge power": ("{{ 2 ** 100000000 }}\n", "to a power above 64"),
}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"

    def skip(folder: str, names: list[str]) -> list[str]:
        return ["out", "flawed"] if Path(folder) == sm.SAMPLE_WORKSPACE else []

    shutil.copytree(sm.SAMPLE_WORKSPACE, root, ignore=skip)
    (root / "templates").mkdir()
    return root


@pytest.mark.parametrize("case", list(HOSTILE))
def test_each_budget_stops_its_template_with_a_security_error(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import opsgov.render.env as env

    monkeypatch.setattr(env, "MAX_SECONDS", 2.0)  # the same check, sooner
    text, words = HOSTILE[case]
    (tmp_path / "mine.md.j2").write_text(text, "utf-8")
    template = env.environment([tmp_path]).get_template("mine.md.j2")
    with pytest.raises(SecurityError, match=re.escape(words)):
        template.render()


def test_a_hostile_scorecard_template_is_refused_with_its_line(
    workspace: Path, tmp_path: Path
) -> None:
    text, words = HOSTILE["nested loops"]
    (workspace / "templates" / "scorecard.md.j2").write_text(text, "utf-8")
    out = tmp_path / "out"
    result = invoke(
        ["score", "--period", "2026-10", "-w", str(workspace), "--out", str(out), "--no-history"],
        2,
    )
    message = " ".join(result.stderr.split())
    assert "the template for scorecard.md failed" in message
    assert "scorecard.md.j2, line 1" in message
    assert words in message
    assert not out.exists()  # nothing written: the set is rendered before any write


def test_other_commands_report_a_template_failure_as_the_users_to_fix(
    workspace: Path, tmp_path: Path
) -> None:
    (workspace / "templates" / "playbook_checklist.html.j2").write_text(
        HOSTILE["recursive macro"][0], "utf-8"
    )
    result = invoke(
        [
            "playbook",
            "checklist",
            "new_site_launch",
            "--site",
            "MNL1",
            "--start",
            "2026-11-02",
            "--format",
            "html",
            "--force",
            "-w",
            str(workspace),
            "--out",
            str(tmp_path / "c.html"),
        ],
        2,
    )
    message = " ".join(result.stderr.split())
    assert "a report template failed" in message and "nest calls more than 100 deep" in message
    assert "bug in opsgov" not in message
