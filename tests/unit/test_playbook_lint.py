"""Playbook lint: cycles, unknown steps and roles, trigger KPIs, lead times; with positions."""

from __future__ import annotations

import shutil
from pathlib import Path

from opsgov.lint.run import lint_paths, lint_workspace
from opsgov.scaffold import scaffold_workspace
from tests.conftest import REPO

HEAD = """\
kind: playbook
id: demo
title: Demo
purpose: Test.
owner: HGO
"""


def at(text: str, token: str, nth: int = 1) -> tuple[int, int]:
    """Line and column (1-based, counting the head) of the nth occurrence of `token`."""
    lines = (HEAD + text).splitlines()
    seen = 0
    for number, line in enumerate(lines, start=1):
        start = 0
        while (index := line.find(token, start)) >= 0:
            seen += 1
            if seen == nth:
                return number, index + 1
            start = index + 1
    raise AssertionError(f"{token!r} not found")


def findings(tmp_path: Path, text: str) -> list[tuple[str, int | None, int | None]]:
    path = tmp_path / "demo.yaml"
    path.write_text(HEAD + text, "utf-8")
    report = lint_paths([path])
    return [(i.code, i.location.line, i.location.column) for i in report.issues if i.location]


def test_a_dependency_cycle_is_reported_at_each_link(tmp_path: Path) -> None:
    text = """\
phases:
  - id: one
    title: One
    steps:
      - {id: a, title: A, owner: SL, lead_time_days: 0, depends_on: [c]}
      - {id: b, title: B, owner: SL, lead_time_days: 0, depends_on: [a]}
      - {id: c, title: C, owner: SL, lead_time_days: 0, depends_on: [b]}
      - {id: d, title: D, owner: SL, lead_time_days: 0}
"""
    found = findings(tmp_path, text)
    assert [f for f in found if f[0] == "P602"] == [
        ("P602", *at(text, "[c]")[:1], at(text, "[c]")[1] + 1),
        ("P602", *at(text, "[a]")[:1], at(text, "[a]")[1] + 1),
        ("P602", *at(text, "[b]")[:1], at(text, "[b]")[1] + 1),
    ]


def test_unknown_steps_roles_and_phases(tmp_path: Path) -> None:
    text = """\
roles:
  - {id: IC, name: Incident commander}
phases:
  - id: one
    title: One
    steps:
      - id: a
        title: A
        owner: IC
        raci: {responsible: [SL], accountable: HGO, informed: [COMS]}
        lead_time_days: 0
        depends_on: [bb]
      - id: b
        title: B
        owner: WFMX
        lead_time_days: 0
        gate: {decision_by: BOSS, criteria: [ok]}
variants:
  - id: v
    title: V
    regions: [EMEA]
    replace:
      - {id: zz, title: Z, owner: SL, lead_time_days: 0}
    add:
      - {id: x, phase: two, title: X, owner: SL, lead_time_days: 0}
    remove: [nope]
"""
    assert findings(tmp_path, text) == [
        ("P603", *at(text, "COMS")),
        ("P601", *at(text, "bb")),
        ("P603", *at(text, "WFMX")),
        ("P603", *at(text, "BOSS")),
        ("P601", *at(text, "zz")),
        ("P606", *at(text, "two")),
        ("P601", *at(text, "nope")),
    ]


def test_a_step_due_before_its_dependency_ends(tmp_path: Path) -> None:
    text = """\
phases:
  - id: one
    title: One
    steps:
      - {id: a, title: A, owner: SL, lead_time_days: -10, duration_days: 10}
      - {id: b, title: B, owner: SL, lead_time_days: -20, duration_days: 5, depends_on: [a]}
      - {id: c, title: C, owner: SL, lead_time_days: 4, duration_days: 1, depends_on: [a]}
"""
    # a ends about day -10 + 14 = 4; b about day -20 + 7 = -13; c about day 4 + 2 = 6.
    assert findings(tmp_path, text) == [("P605", *at(text, "-20"))]


def test_trigger_on_an_unknown_kpi_against_the_built_ins(tmp_path: Path) -> None:
    text = """\
triggers:
  - {type: kpi, kpi: sla_atain, status: red, periods: 2}
  - {type: kpi, kpi: composite, status: amber}
phases:
  - id: one
    title: One
    steps:
      - {id: a, title: A, owner: SL, lead_time_days: 0, kpis_to_watch: [aht, ahtt]}
"""
    assert findings(tmp_path, text) == [
        ("P604", *at(text, "sla_atain")),
        ("P608", *at(text, "ahtt")),
    ]


def test_trigger_kpis_are_checked_against_the_workspace_framework(tmp_path: Path) -> None:
    scaffold_workspace(tmp_path, framework="customer_support")
    book = tmp_path / "playbooks" / "cs.yaml"
    book.write_text(
        HEAD
        + """\
triggers:
  - {type: kpi, kpi: csat, below: 0.8}
  - {type: kpi, kpi: exposure_hours_avg, above: 4}
phases:
  - id: one
    title: One
    steps:
      - {id: a, title: A, owner: SL, lead_time_days: 0}
""",
        "utf-8",
    )
    issues = lint_workspace(tmp_path).issues
    # csat is a customer-support KPI; exposure hours belong to the trust & safety framework.
    assert [(i.code, i.location.line if i.location else 0) for i in issues] == [("P604", 8)]
    assert "is not a KPI of the framework" in issues[0].message


def test_owners_and_calendar_regions_are_checked(tmp_path: Path) -> None:
    for name in ("opsgov.yaml", "registry.yaml", "fx_rates.csv"):
        shutil.copy(REPO / "sample_data" / name, tmp_path / name)
    settings = tmp_path / "opsgov.yaml"
    text = settings.read_text("utf-8")
    text = text.replace("  NA:\n      holidays", "  NAM:\n      holidays")
    text = text.replace("    VM: Dana Whitfield", "    VMM: Dana Whitfield")
    settings.write_text(text, "utf-8")
    codes = [(i.code, i.found) for i in lint_workspace(tmp_path).issues]
    assert codes == [("P609", "NAM"), ("P609", "VMM")]


def test_the_shipped_playbooks_lint_clean() -> None:
    report = lint_paths([REPO / "playbooks"])
    assert len(report.files) >= 1
    assert report.issues == []
