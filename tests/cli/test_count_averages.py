"""Averages of counts are fractions: average headcount 37.7 is accepted, closing headcount is not.

The HR file is written by LibreOffice. Known answers by hand: attrition is leavers over
average headcount, a ratio of sums at every level.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import invoke
from tests.support.libreoffice import convert

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

REGISTRY = """\
kind: registry
regions: [{id: EU, name: Europe}]
vendors: [{id: acme, name: Acme, type: bpo}]
sites:
  - {id: DUB1, name: Dublin, vendor: acme, region: EU, country: IE, currency: EUR,
     timezone: Europe/Dublin, status: live, go_live: "2020-01-01"}
  - {id: LIS1, name: Lisbon, vendor: acme, region: EU, country: PT, currency: EUR,
     timezone: Europe/Lisbon, status: live, go_live: "2020-01-01"}
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
    (root / "profiles").mkdir(parents=True)
    month = root / "inbox" / "2026-10"
    month.mkdir(parents=True)
    (root / "opsgov.yaml").write_text(
        "kind: workspace\nname: T\nframework: framework.yaml\nregistry: registry.yaml\n"
        "reporting_currency: EUR\n",
        "utf-8",
    )
    (root / "framework.yaml").write_text(FRAMEWORK, "utf-8")
    (root / "registry.yaml").write_text(REGISTRY, "utf-8")
    (root / "profiles" / "hr.yaml").write_text(PROFILE, "utf-8")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Headcount"
    ws.append(["Site", "Closing HC", "Average HC", "Leavers"])
    for row in rows:
        ws.append(row)
    draft = tmp_path / "draft"
    draft.mkdir()
    wb.save(draft / "HR_2026-10.xlsx")
    convert(draft / "HR_2026-10.xlsx", "xlsx", month)  # saved by LibreOffice Calc
    return root


def test_average_headcount_may_be_a_fraction(tmp_path: Path) -> None:
    root = _workspace(tmp_path, [["DUB1", 38, 37.7, 3], ["LIS1", 21, 20.3, 2]])
    result = invoke(
        ["validate", "--workspace", str(root), "--period", "2026-10", "--format", "json"]
    )
    assert json.loads(result.stdout)["issues"] == []
    out = tmp_path / "out"
    args = ["--workspace", str(root), "--period", "2026-10", "--out", str(out), "--no-history"]
    invoke(["score", *args, "-q"])
    card = json.loads((out / "scorecard.json").read_text("utf-8"))
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
