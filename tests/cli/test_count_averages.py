"""Averages of counts are fractions: average headcount 37.7 is accepted, closing headcount is not.

The HR file is written by LibreOffice. Known answers by hand: attrition is leavers over
average headcount, a ratio of sums at every level.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import invoke
from tests.support.workspace_files import (
    EU_REGISTRY,
    calc_xlsx,
    score_json,
    validate_json,
    write_workspace,
)

FRAMEWORK = """\
kind: framework
id: people
version: "1"
name: People
owner: HR
measures:
  - {id: hc_end, name: Closing headcount, kind: count, unit: people, rollup: snapshot_end}
  - {id: hc_avg, name: Average headcount, kind: count, unit: people, rollup: snapshot_avg}
  - {id: leavers, name: Leavers, kind: count, unit: people, rollup: sum}
kpis:
  - {id: attrition, name: Attrition, formula: leavers / hc_avg, unit: percent,
     format: percent, direction: lower_is_better}
"""

PROFILE = """\
kind: intake_profile
id: hr
name: HR monthly
files: {pattern: "HR_{period}.xlsx"}
grain: month
site: {source: column, column: Site}
columns:
  - {measure: hc_end, headers: [Closing HC], unit: count}
  - {measure: hc_avg, headers: [Average HC], unit: count}
  - {measure: leavers, headers: [Leavers], unit: count}
"""


def _workspace(tmp_path: Path, rows: list[list[object]]) -> Path:
    root = tmp_path / "ws"
    month = write_workspace(root, FRAMEWORK, EU_REGISTRY, {"hr": PROFILE}, "2026-10")
    header: list[object] = ["Site", "Closing HC", "Average HC", "Leavers"]
    calc_xlsx(month, {"HR_2026-10.xlsx": ("Headcount", [header, *rows])}, tmp_path / "draft")
    return root


def test_average_headcount_may_be_a_fraction(tmp_path: Path) -> None:
    root = _workspace(tmp_path, [["DUB1", 38, 37.7, 3], ["LIS1", 21, 20.3, 2]])
    assert validate_json(root, "2026-10") == []
    card = score_json(root, "2026-10", tmp_path / "out")
    attrition = {
        (s["level"], s["id"]): next(k["value"] for k in s["kpis"] if k["kpi"] == "attrition")
        for s in card["scopes"]
        if s["queue"] is None
    }
    assert attrition[("site", "DUB1")] == pytest.approx(3 / 37.7)
    assert attrition[("site", "LIS1")] == pytest.approx(2 / 20.3)
    # Across sites the averages add (37.7 + 20.3 = 58.0), then the ratio is taken.
    assert attrition[("global", "global")] == pytest.approx(5 / 58.0)
    hc_avg = next(s for s in card["scopes"] if s["level"] == "global")["measures"]["hc_avg"]
    assert hc_avg == pytest.approx(58.0)


def test_a_closing_headcount_must_still_be_whole(tmp_path: Path) -> None:
    root = _workspace(tmp_path, [["DUB1", 38.5, 37.7, 3], ["LIS1", 21, 20.3, 2.5]])
    result = invoke(
        ["validate", "--workspace", str(root), "--period", "2026-10", "--format", "json"], 1
    )
    found = {(i["code"], i["cell"], i["found"]) for i in json.loads(result.stdout)["issues"]}
    assert found == {("V316", "B2", "38.5"), ("V316", "D3", "2.5")}
