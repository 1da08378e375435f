"""The shipped playbooks follow the domain reference (section 9): each step after what it needs.

Read as a regional lead reads the checklist: in its printed order, every step's dependencies
come before it, and the decisions that gate a launch wait for the evidence they judge.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, invoke

SHIPPED = sorted((REPO / "playbooks").glob("*.yaml"))


def checklist(tmp_path: Path, playbook: str, site: str = "CAI1") -> list[dict[str, str]]:
    ws = tmp_path / "ws"
    if not ws.exists():
        shutil.copytree(REPO / "sample_data", ws, ignore=shutil.ignore_patterns("out", "history*"))
    out = tmp_path / f"{playbook}.csv"
    invoke(
        [
            "playbook",
            "checklist",
            playbook,
            "--site",
            site,
            "--start",
            "2026-07-01",
            "--anchor-date",
            "2027-01-11",
            "--format",
            "csv",
            "--workspace",
            str(ws),
            "--out",
            str(out),
        ]
    )
    return list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_step_comes_after_what_it_depends_on(path: Path, tmp_path: Path) -> None:
    rows = checklist(tmp_path, path.stem)
    seen: set[str] = set()
    for row in rows:
        needs = {d.strip() for d in row["Depends on"].split(",") if d.strip()}
        assert needs <= seen, (row["Step id"], needs - seen)
        seen.add(row["Step id"])
        for need in needs:
            due = next(r["Due"] for r in rows if r["Step id"] == need)
            assert due <= row["Due"], (row["Step id"], need)


def test_a_launch_is_gated_in_the_reference_order(tmp_path: Path) -> None:
    rows = {r["Step id"]: r for r in checklist(tmp_path, "new_site_launch")}
    order = list(rows)

    def needs(step: str) -> set[str]:
        return {d.strip() for d in rows[step]["Depends on"].split(",") if d.strip()}

    # The contract is negotiated with the bidder the selection chose.
    assert "vendor_selection" in needs("contract")
    # The go/no-go follows the readiness review (its dress rehearsal) and reverse shadowing.
    assert {"readiness_review", "reverse_shadowing"} <= needs("go_no_go")
    assert order.index("readiness_review") < order.index("go_no_go") < order.index("cutover")
    # Hand-over to business as usual waits for the hypercare exit decision.
    assert needs("handover_bau") == {"hypercare_exit"}
    assert rows["go_no_go"]["Gate"] and rows["hypercare_exit"]["Gate"]


def test_the_qbr_meets_after_the_vendor_has_answered(tmp_path: Path) -> None:
    rows = {r["Step id"]: r for r in checklist(tmp_path, "qbr_preparation", site="MNL1")}
    assert "vendor_response" in rows["qbr_meeting"]["Depends on"]


def test_the_checklist_workbook_prints_with_rows_tall_enough(tmp_path: Path) -> None:
    import math

    import openpyxl
    from openpyxl.utils import get_column_letter

    ws_dir = tmp_path / "ws"
    shutil.copytree(REPO / "sample_data", ws_dir, ignore=shutil.ignore_patterns("out", "history*"))
    out = tmp_path / "launch.xlsx"
    invoke(
        [
            "playbook",
            "checklist",
            "new_site_launch",
            "--site",
            "CAI1",
            "--start",
            "2026-07-01",
            "--format",
            "xlsx",
            "--workspace",
            str(ws_dir),
            "--out",
            str(out),
        ]
    )
    ws = openpyxl.load_workbook(out)["Checklist"]
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$4"  # the header row on every printed page
    header = [c for c in ws[4] if c.value]
    assert all(c.alignment.wrap_text for c in header)
    tall = 0
    for row in ws.iter_rows(min_row=5, max_row=ws.max_row):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.alignment.wrap_text:
                width = ws.column_dimensions[get_column_letter(cell.column)].width
                lines = max(lines, math.ceil(len(cell.value) / width))
        height = ws.row_dimensions[row[0].row].height
        if lines > 1:
            tall += 1
            # 11-point text needs about 15 points a line: a wrapped row must not be shorter.
            assert height is not None and height >= 15 * min(lines, 20) * 0.9, row[0].row
    assert tall >= 10  # the descriptions and gates wrap over several lines
