"""One column feeding two measures: `also:` on a profile column, on a LibreOffice-written file.

A vendor that reports no SLA-eligible count, where every handled case is eligible: "Cases
Handled" fills items_handled and items_sla_eligible, and "Within SLA %" is a percentage of
the eligible cases. Known answers by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

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
id: mini
version: "1"
name: Mini
owner: Ops
measures:
  - {id: date, name: Date, kind: date}
  - {id: queue, name: Queue, kind: category, values: [general]}
  - {id: items_handled, name: Items handled, kind: count, rollup: sum}
  - {id: items_sla_eligible, name: SLA-eligible items, kind: count, rollup: sum}
  - {id: items_within_sla, name: Items within SLA, kind: count, rollup: sum}
  - {id: handle_seconds, name: Handle time, kind: duration, rollup: sum}
kpis:
  - {id: sla_attain, name: SLA attainment, formula: items_within_sla / items_sla_eligible,
     unit: percent, format: percent, direction: higher_is_better}
  - {id: aht, name: AHT, formula: handle_seconds / items_handled, unit: seconds,
     format: "mm:ss", direction: lower_is_better}
"""

REGISTRY = EU_REGISTRY.split("  - {id: LIS1")[0]  # Dublin alone

PROFILE = """\
kind: intake_profile
id: acme
name: Acme daily
vendor: acme
files: {pattern: "{site}_ops_{period}.xlsx"}
date: {column: Date}
columns:
  - {measure: queue, headers: [Queue], values: {General: general}}
  - measure: items_handled
    headers: [Cases Handled]
    also: [items_sla_eligible]
  - {measure: items_within_sla, headers: [Within SLA %], unit: percent_0_100,
     percent_of: items_sla_eligible}
  - {measure: handle_seconds, headers: [AHT], unit: "mm:ss", per: items_handled}
"""

HEADER: list[object] = ["Date", "Queue", "Cases Handled", "Within SLA %", "AHT"]
ROWS = [  # (day, cases handled, within SLA %, AHT)
    (1, 100, 95.0, "05:00"),
    (2, 200, 90.0, "06:00"),
    (3, 50, 80.0, "04:00"),
]


def _workspace(tmp_path: Path, profile: str = PROFILE) -> Path:
    root = tmp_path / "ws"
    month = write_workspace(root, FRAMEWORK, REGISTRY, {"acme": profile}, "2026-10")
    rows: list[list[object]] = [HEADER]
    rows += [[dt.datetime(2026, 10, d), "General", n, sla, aht] for d, n, sla, aht in ROWS]
    calc_xlsx(month, {"DUB1_ops_2026-10.xlsx": ("Daily", rows)}, tmp_path / "draft")
    return root


def test_one_column_fills_two_measures(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    assert validate_json(root, "2026-10") == []
    card = score_json(root, "2026-10", tmp_path / "out")
    site = next(s for s in card["scopes"] if s["level"] == "site" and s["queue"] is None)
    # 100 + 200 + 50 cases, every one eligible; within SLA 95 + 180 + 40 = 315.
    assert site["measures"]["items_handled"] == 350
    assert site["measures"]["items_sla_eligible"] == 350
    assert site["measures"]["items_within_sla"] == pytest.approx(315)
    sla = next(k for k in site["kpis"] if k["kpi"] == "sla_attain")
    assert sla["value"] == pytest.approx(315 / 350)
    # AHT per handled case is unchanged: (100*300 + 200*360 + 50*240) / 350 seconds.
    aht = next(k for k in site["kpis"] if k["kpi"] == "aht")
    assert aht["value"] == pytest.approx((30000 + 72000 + 12000) / 350)
    # The lineage of the eligible count names the cells it was read from: Cases Handled.
    cells = {
        (e["measure"], c["column"], c["header"], c["rows"])
        for e in card["lineage"]
        if e["site"] == "DUB1"
        for c in e["cells"]
    }
    assert ("items_sla_eligible", "C", "Cases Handled", "2-4") in cells
    assert ("items_handled", "C", "Cases Handled", "2-4") in cells


def test_a_bad_shared_cell_is_reported_at_its_cell(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    month = root / "inbox" / "2026-10"
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Daily"
    ws.append(HEADER)
    ws.append([dt.datetime(2026, 10, 1), "General", "lots", 95.0, "05:00"])
    ws.append([dt.datetime(2026, 10, 2), "General", -3, 90.0, "05:00"])
    wb.save(month / "DUB1_ops_2026-10.xlsx")
    result = invoke(
        ["validate", "--workspace", str(root), "--period", "2026-10", "--format", "json"], 1
    )
    issues = json.loads(result.stdout)["issues"]
    found = [(i["code"], i["cell"], i["message"]) for i in issues if i["cell"][0] == "C"]
    # One cause, one finding: not once per measure the column fills.
    assert [(c, cell) for c, cell, _ in found] == [("V302", "C2"), ("V304", "C3")]
    assert "-3 is below the minimum 0" in found[1][2]


@pytest.mark.parametrize(
    ("also", "expected"),
    [
        ("[handle_seconds]", "is a duration measure, but `items_handled` is a count"),
        ("[items_within_sla]", "is mapped by another column of the profile"),
        ("[items_handled]", "is the column's own measure"),
        ("[queue]", "is a category measure, which cannot be shared"),
        ("[items_sla_eligble]", None),
    ],
)
def test_lint_refuses_a_measure_the_column_cannot_share(
    tmp_path: Path, also: str, expected: str | None
) -> None:
    profile = PROFILE.replace("also: [items_sla_eligible]", f"also: {also}")
    root = _workspace(tmp_path, profile)
    data = json.loads(invoke(["lint", "--workspace", str(root), "--format", "json"], 1).stdout)
    issues = [(i["code"], i["file"], i["line"], i["message"]) for i in data["issues"]]
    assert len(issues) == 1, issues
    code, file, line, message = issues[0]
    assert file.endswith("acme.yaml") and line == 11  # the `also:` line
    if expected is None:
        assert code == "D129" and "did you mean" in (data["issues"][0]["hint"] or "").lower()
    else:
        assert code == "D156" and message.endswith(expected)


def test_two_columns_cannot_both_fill_one_measure(tmp_path: Path) -> None:
    profile = PROFILE.replace(
        "     percent_of: items_sla_eligible}",
        "     percent_of: items_sla_eligible, also: [items_sla_eligible]}",
    )
    root = _workspace(tmp_path, profile)
    data = json.loads(invoke(["lint", "--workspace", str(root), "--format", "json"], 1).stdout)
    assert [(i["code"], i["line"], i["message"]) for i in data["issues"]] == [
        (
            "D156",
            13,
            "`also: items_sla_eligible` is already filled by the column for `items_handled`",
        )
    ]
