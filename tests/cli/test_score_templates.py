"""User templates override the built-ins, can extend them, and run sandboxed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO, invoke

WS = str(REPO / "sample_data")


def _score(tmp_path: Path, templates: Path, code: int = 0) -> str:
    result = invoke(
        ["score", "--period", "2026-10", "-w", WS, "--out", str(tmp_path / "out"),
         "--template-dir", str(templates), "--no-history", "-q"],
        code,
    )  # fmt: skip
    return result.stderr


def test_a_user_template_extends_the_builtin(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "scorecard.md.j2").write_text(
        'Board pack for {{ card.period }}\n{% include "builtin:scorecard.md.j2" %}', "utf-8"
    )
    _score(tmp_path, templates)
    text = (tmp_path / "out" / "scorecard.md").read_text("utf-8")
    assert text.startswith("Board pack for 2026-10\n")
    assert "## League table of sites" in text


def test_a_user_template_cannot_reach_python(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "scorecard.md.j2").write_text(
        "{{ card.__class__.__mro__[1].__subclasses__() }}", "utf-8"
    )
    err = _score(tmp_path, templates, code=2)
    assert "template for scorecard.md failed" in err
    assert not (tmp_path / "out" / "scorecard.json").exists()  # nothing half-written
