"""The round trip: checklist xlsx -> a lead fills some steps in -> `opsgov playbook status`.

The checklist is made from the fixed test copy of the launch playbook (`LAUNCH_YAML`), so
the shipped playbook can grow without changing these counts. Dates of the Cairo launch
(go-live Mon 11 Jan 2027; Egypt works Sunday to Thursday and 6 Oct 2026 is a holiday), worked
out by hand:
- business_case (go/no-go): 140 days before go-live is Mon 24 Aug; 10 working days
  (24-27 Aug, 30 Aug-3 Sep, 6 Sep) -> due Sun 6 Sep.
- rfp: Thu 10 Sep; 20 working days (10 Sep, 13-17, 20-24, 27 Sep-1 Oct, 4, 5, 7, 8 Oct)
  -> due Thu 8 Oct.
- contract (go/no-go): Mon 12 Oct; 10 working days (12-15, 18-22, 25 Oct) -> due Sun 25 Oct.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from opsgov.playbooks.outputs import COLUMNS
from opsgov.playbooks.xlsx import HEADER_ROW
from tests.conftest import REPO, invoke
from tests.support.libreoffice import convert
from tests.unit.test_playbook_engine import LAUNCH_YAML

SAMPLE = REPO / "sample_data"
STATUS = COLUMNS.index("Status") + 1
NOTES = COLUMNS.index("Notes") + 1


@pytest.fixture
def checklist(tmp_path: Path) -> Path:
    folder = tmp_path / "playbooks"
    folder.mkdir()
    (folder / "launch_demo.yaml").write_text(LAUNCH_YAML, "utf-8")
    out = tmp_path / "cai1.xlsx"
    invoke(
        [
            "playbook",
            "checklist",
            "launch_demo",
            "--site",
            "CAI1",
            "--start",
            "2026-07-01",
            "-f",
            "xlsx",
            "-o",
            str(out),
            "-w",
            str(SAMPLE),
            "--playbook-dir",
            str(folder),
        ]
    )
    return out


def fill(path: Path, statuses: dict[str, str], out: Path | None = None) -> Path:
    book = load_workbook(path)
    sheet = book["Checklist"]
    rows = {sheet.cell(r, 2).value: r for r in range(HEADER_ROW + 1, sheet.max_row + 1)}
    for step_id, status in statuses.items():
        sheet.cell(rows[step_id], STATUS).value = status
        sheet.cell(rows[step_id], NOTES).value = f"=updated by the lead ({status})"
    target = out or path
    book.save(target)
    return target


def status(path: Path, as_of: str, code: int) -> dict[str, object]:
    result = invoke(["playbook", "status", str(path), "--as-of", as_of, "-f", "json"], code)
    data: dict[str, object] = json.loads(result.stdout)
    return data


def ids(data: dict[str, object], key: str) -> list[str]:
    items = data[key]
    assert isinstance(items, list)
    return [item["id"] for item in items]


def test_the_hand_worked_dates(checklist: Path) -> None:
    sheet = load_workbook(checklist)["Checklist"]
    due = COLUMNS.index("Due") + 1
    dates = {
        sheet.cell(r, 2).value: sheet.cell(r, due).value
        for r in range(HEADER_ROW + 1, sheet.max_row + 1)
    }
    assert dates["business_case"] == dt.datetime(2026, 9, 6)
    assert dates["rfp"] == dt.datetime(2026, 10, 8)
    assert dates["contract"] == dt.datetime(2026, 10, 25)


def test_an_untouched_checklist_on_its_first_day_is_on_track(checklist: Path) -> None:
    data = status(checklist, "2026-07-01", 0)
    assert data["on_track"] is True and data["completion"] == 0
    assert data["total"] == 10 and data["playbook"] == "launch_demo" and data["site"] == "CAI1"


def test_overdue_and_blocked_steps_exit_1(checklist: Path) -> None:
    fill(
        checklist,
        {
            "demand_model": "Done",
            "location_options": "Done",
            "business_case": "Done",
            "rfp": "In progress",
            "contract": "Blocked",
            "pmo_plan": "N/A",
        },
    )
    data = status(checklist, "2026-10-20", 1)
    assert ids(data, "overdue") == ["rfp"]
    assert ids(data, "blocked") == ["contract"]
    assert ids(data, "gates_not_passed") == []
    assert data["counts"] == {
        "Not started": 4,
        "In progress": 1,
        "Done": 3,
        "Blocked": 1,
        "N/A": 1,
    }
    assert data["completion"] == pytest.approx(4 / 10)
    overdue = data["overdue"]
    assert isinstance(overdue, list) and overdue[0]["days_overdue"] == 12
    text = invoke(["playbook", "status", str(checklist), "--as-of", "2026-10-20"], 1).stdout
    assert "40% complete (4 of 10 steps Done or N/A)" in text
    assert (
        "Checklist!T8: error P630" in text and "1 overdue, 1 blocked, 0 gate(s) not passed" in text
    )


def test_one_day_overdue_is_singular(checklist: Path) -> None:
    fill(checklist, {"demand_model": "Done", "location_options": "Done", "business_case": "Done"})
    text = invoke(["playbook", "status", str(checklist), "--as-of", "2026-10-09"], 1).stdout
    assert "was due on 2026-10-08 and is Not started: 1 day overdue" in " ".join(text.split())
    assert "1 days" not in text


def test_a_gate_not_passed_and_the_steps_waiting_for_it(checklist: Path) -> None:
    fill(checklist, {"demand_model": "Done", "location_options": "Done"})
    data = status(checklist, "2026-09-10", 1)
    assert ids(data, "overdue") == ["business_case"]
    assert ids(data, "gates_not_passed") == ["business_case"]
    assert ids(data, "blocked") == ["rfp"]  # starts 10 Sep, waits for the business case
    blocked = data["blocked"]
    assert isinstance(blocked, list) and blocked[0]["waiting_for"] == ["business_case"]


def test_a_value_outside_the_drop_down_is_reported(checklist: Path) -> None:
    fill(checklist, {"demand_model": "finished", "location_options": " done "})
    data = status(checklist, "2026-07-14", 0)
    issues = data["issues"]
    assert isinstance(issues, list) and issues[0]["code"] == "P633"
    assert issues[0]["location"]["row"] == HEADER_ROW + 1
    counts = data["counts"]
    assert isinstance(counts, dict) and counts["Done"] == 1  # typed by hand, read as Done


def test_a_file_that_is_not_a_checklist_exits_2(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    book = load_workbook(REPO / "sample_data" / "flawed" / "HYD1_ops_2026-10.xlsx")
    book.save(other)
    assert "no 'Checklist' sheet" in invoke(["playbook", "status", str(other)], 2).stderr
    (tmp_path / "junk.xlsx").write_text("not a zip", "utf-8")
    assert "cannot be read" in invoke(["playbook", "status", str(tmp_path / "junk.xlsx")], 2).stderr


@pytest.mark.slow
def test_a_checklist_resaved_by_libreoffice_reads_the_same(checklist: Path, tmp_path: Path) -> None:
    filled = fill(checklist, {"demand_model": "Done", "location_options": "Done"})
    resaved = convert(filled, "xlsx", tmp_path / "lo")
    assert status(resaved, "2026-09-10", 1)["counts"] == status(filled, "2026-09-10", 1)["counts"]
    assert ids(status(resaved, "2026-09-10", 1), "blocked") == ["rfp"]
