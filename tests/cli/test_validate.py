"""`opsgov validate`: each finding code at the exact cell, on real files built in a workspace."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import invoke

FRAMEWORK = """\
kind: framework
id: mini
version: "1"
name: Mini
owner: Ops
measures:
  - {id: date, name: Date, kind: date}
  - {id: queue, name: Queue, kind: category, values: [general, escalations]}
  - {id: items_handled, name: Items handled, kind: count, rollup: sum}
  - {id: handle_seconds, name: Handle time, kind: duration, rollup: sum}
  - {id: qa_audited, name: Audited, kind: count, unit: audits, rollup: sum}
  - {id: qa_correct, name: Correct, kind: count, unit: audits, rollup: sum}
  - {id: items_within_sla, name: Within SLA, kind: count, rollup: sum, required: false}
kpis:
  - {id: aht, name: AHT, formula: handle_seconds / items_handled, unit: seconds, format: "mm:ss",
     direction: lower_is_better}
checks:
  - id: qa_le
    condition: qa_correct <= qa_audited
    message: Audits passed cannot exceed audits sampled
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
id: acme
name: Acme daily
files: {pattern: "{site}_ops_{period}.xlsx"}
date: {column: Date}
columns:
  - {measure: queue, headers: [Queue], values: {"General Moderation": general}}
  - {measure: items_handled, headers: [Handled, Cases Handled]}
  - {measure: handle_seconds, headers: ["AHT (mm:ss)"], unit: "mm:ss", per: items_handled}
  - {measure: qa_audited, headers: [Audits]}
  - {measure: qa_correct, headers: [Passed]}
  - {measure: items_within_sla, headers: [SLA %], unit: percent_0_100, percent_of: items_handled}
"""

HEADER = ["Date", "Queue", "Handled", "AHT (mm:ss)", "Audits", "Passed", "SLA %"]


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "profiles").mkdir(parents=True)
    (root / "inbox" / "2026-10").mkdir(parents=True)
    (root / "opsgov.yaml").write_text(
        "kind: workspace\nname: T\nframework: framework.yaml\nregistry: registry.yaml\n"
        "reporting_currency: EUR\n",
        "utf-8",
    )
    (root / "framework.yaml").write_text(FRAMEWORK, "utf-8")
    (root / "registry.yaml").write_text(REGISTRY, "utf-8")
    (root / "profiles" / "acme.yaml").write_text(PROFILE, "utf-8")
    return root


def _xlsx(path: Path, rows: list[list[object]], *, banner: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Daily"
    if banner:
        ws["A1"] = "ACME DAILY REPORT"
        ws.merge_cells("A1:G1")
        ws.append([])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _good_rows(days: int = 3) -> list[list[object]]:
    return [
        [dt.datetime(2026, 10, d), "General Moderation", 100 + d, "07:00", 10, 9, 95.0]
        for d in range(1, days + 1)
    ]


def _findings(root: Path, *args: str, code: int = 1) -> set[tuple[str, str | None, str | None]]:
    result = invoke(["validate", "--workspace", str(root), "--format", "json", *args], code)
    data = json.loads(result.stdout)
    return {(i["code"], i["sheet"], i["cell"]) for i in data["issues"]}


def test_clean_month_exits_0(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    for site in ("DUB1", "LIS1"):
        _xlsx(root / "inbox" / "2026-10" / f"{site}_ops_2026-10.xlsx", _good_rows())
    assert _findings(root, "--period", "2026-10", code=0) == set()


def test_each_cell_problem_is_found_at_its_cell(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    rows = _good_rows(8)
    rows[0][2] = "lots"  # C4: text where a number belongs
    rows[1][3] = "#DIV/0!"  # D5: an Excel error value (as text from a CSV-like export)
    rows[2][4] = -2  # E6: a negative count
    rows[3][6] = 104.0  # G7: a percentage above 100
    rows[4][0] = dt.datetime(2026, 9, 30)  # A8: a date outside the period
    rows[5][1] = "Hate Speech"  # B9: a category value with no mapping
    rows[6][5] = 12  # F10: audits passed above audits sampled (10)
    rows[7][2] = None  # C11: a blank required cell
    rows.append(list(rows[0]))  # row 12 repeats row 4's key
    rows[-1][2] = 5
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    found = _findings(root, str(path), "--period", "2026-10")
    assert found == {
        ("V302", "Daily", "C4"),
        ("V303", "Daily", "D5"),
        ("V304", "Daily", "E6"),
        ("V310", "Daily", "F6"),  # 9 passed of -2 audited breaks the rule too
        ("V306", "Daily", "G7"),
        ("V307", "Daily", "A8"),
        ("V308", "Daily", "B9"),
        ("V310", "Daily", "F10"),
        ("V317", "Daily", "C11"),
        ("V309", "Daily", "A12"),
    }


@pytest.mark.parametrize("blank_queue", [False, True], ids=["by-column", "row-by-row"])
def test_totals_and_subtotals_are_skipped(tmp_path: Path, blank_queue: bool) -> None:
    # A dated subtotal whose label sits in the first text column: recognised column by
    # column; with one blank queue cell the rows are judged one by one, with the same result.
    root = _workspace(tmp_path)
    rows = _good_rows(3)
    rows.insert(2, [dt.datetime(2026, 10, 2), "Subtotal", 203, "07:00", 20, 18, 95.0])
    rows.append([dt.datetime(2026, 10, 3), "TOTAL", 306, "07:00", 30, 27, 95.0])
    if blank_queue:
        rows[0][1] = None
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    # Not skipped, the labels would be unmapped queues (V308) and repeat keys (V309). Their
    # figures are the sums of the rows above (203 = 101 + 102; 306 = 101 + 102 + 103), and
    # leaving them out is reported, once, at the first of them.
    result = invoke(
        ["validate", "--workspace", str(root), "--format", "json", str(path), "--period", "2026-10"]
    )
    issues = json.loads(result.stdout)["issues"]
    assert [(i["code"], i["severity"], i["cell"]) for i in issues] == [("V340", "info", "B6")]
    assert "totals rows 6, 8 ('Subtotal', 'TOTAL')" in issues[0]["message"]


def test_structure_problems(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Daily"
    ws.append(["Date", "Queue", "Handeld", "AHT (mm:ss)", "Audits", "Passed", "Comments"])
    ws.append([dt.datetime(2026, 10, 1), "General Moderation", 10, "07:00", 1, 1, "ok"])
    hidden = wb.create_sheet("Old")
    hidden.sheet_state = "hidden"
    path = root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx"
    wb.save(path)
    result = invoke(
        ["validate", "--workspace", str(root), "--format", "json", "--period", "2026-10"], 1
    )
    issues = json.loads(result.stdout)["issues"]
    by_code = {i["code"]: i for i in issues}
    assert by_code["V300"]["found"] == "Handeld"  # the closest header is named
    assert (by_code["V300"]["sheet"], by_code["V300"]["cell"]) == ("Daily", "C1")
    assert (by_code["V301"]["cell"], by_code["V301"]["field"]) == ("G1", "Comments")
    assert by_code["V314"]["found"] == "LIS1"  # the other live site sent nothing
    assert "V319" in by_code  # the optional SLA column is absent
    assert any(i["code"].startswith("F") and "hidden" in i["message"] for i in issues)


def test_unmatched_file_and_unknown_site(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    month = root / "inbox" / "2026-10"
    _xlsx(month / "XXX9_ops_2026-10.xlsx", _good_rows())
    (month / "notes.txt").write_text("hello", "utf-8")
    found = {c for c, _, _ in _findings(root, "--period", "2026-10")}
    assert {"V318", "V322", "V314"} <= found


def test_findings_are_capped_per_file(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    rows = _good_rows(20)
    for row in rows:
        row[2] = "n/a"
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    result = invoke(
        ["validate", str(path), "-w", str(root), "--format", "json", "--max-findings", "5"], 1
    )
    data = json.loads(result.stdout)
    assert len(data["issues"]) == 5
    assert data["summary"]["omitted"] == sum(data["omitted"].values()) > 0


def _warn_over_100_items(root: Path) -> None:
    """Add a warning check to the workspace's framework: more than 100 items a day."""
    framework = root / "framework.yaml"
    framework.write_text(
        framework.read_text("utf-8") + "  - id: busy\n    condition: items_handled <= 100\n"
        "    message: Unusually many items for one day\n    severity: warning\n",
        "utf-8",
    )


def test_an_error_is_never_capped_away_behind_warnings(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    _warn_over_100_items(root)
    rows = _good_rows(20)  # 101-120 items handled: every row warns
    rows[-1][4] = "ten"  # E23, the last row: an error
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    result = invoke(
        ["validate", str(path), "-w", str(root), "--format", "json", "--max-findings", "5"], 1
    )
    data = json.loads(result.stdout)
    assert [(i["code"], i["cell"]) for i in data["issues"] if i["severity"] == "error"] == [
        ("V302", "E23")
    ]
    assert len(data["issues"]) == 5
    assert data["summary"]["error"] == 1 and data["exit_code"] == 1
    assert data["omitted"] == {"inbox/2026-10/DUB1_ops_2026-10.xlsx": 16}


def test_annotated_copy_marks_cells_and_leaves_the_original(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    root = _workspace(tmp_path)
    rows = _good_rows(2)
    rows[1][2] = "lots"
    path = _xlsx(root / "inbox" / "2026-10" / "DUB1_ops_2026-10.xlsx", rows)
    before = path.read_bytes()
    out = tmp_path / "annotated"
    invoke(["validate", str(path), "-w", str(root), "--annotate", str(out), "-q"], 1)
    assert path.read_bytes() == before
    marked = load_workbook(out / path.name)["Daily"]
    assert marked["C5"].comment is not None
    assert "V302" in marked["C5"].comment.text
    assert marked["C5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert marked["C4"].comment is None


@pytest.mark.parametrize("period", ["2026-13", "Oct 2026", "2026-1"])
def test_bad_period_is_a_usage_error(tmp_path: Path, period: str) -> None:
    root = _workspace(tmp_path)
    result = invoke(["validate", "-w", str(root), "--period", period], 2)
    assert "YYYY-MM" in result.stderr
