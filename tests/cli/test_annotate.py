"""`opsgov validate --annotate`: the copy sent back to the vendor, and when it cannot be made."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from opsgov.annotate import annotate
from opsgov.intake.readers import read_workbook
from opsgov.issues import Location, Severity, make_issue, spec
from tests.conftest import REPO, invoke
from tests.support.flawed_expected import EXPECTED_FINDINGS, FLAWED_FILE, SHEET

FLAWED = REPO / "sample_data" / "flawed" / FLAWED_FILE
QUEUES = "general, escalations, child_safety, violent_extremism, appeals, legal_orders"


def _validate(path: Path, out: Path, code: int = 1) -> list[dict[str, str]]:
    result = invoke(
        [
            "validate",
            str(path),
            "-w",
            str(REPO / "sample_data"),
            "--annotate",
            str(out),
            "--format",
            "json",
        ],
        code,
    )
    issues: list[dict[str, str]] = json.loads(result.stdout)["issues"]
    return issues


def _damaged_copy(tmp_path: Path, part: str) -> Path:
    """The flawed submission with one XML part's tags mismatched (checksums kept valid)."""
    out = tmp_path / FLAWED_FILE
    with zipfile.ZipFile(FLAWED) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == part:
                data = data.replace(b"</", b"</x", 1)
            zout.writestr(info, data)
    return out


def test_copy_speaks_to_the_vendor_and_lists_every_marked_cell(tmp_path: Path) -> None:
    src = tmp_path / FLAWED_FILE
    shutil.copyfile(FLAWED, src)
    _validate(src, tmp_path / "out")
    book = load_workbook(tmp_path / "out" / FLAWED_FILE)
    assert book.sheetnames[0] == "Cells to fix"
    listing = book["Cells to fix"]
    header = [c.value for c in listing[1]]
    assert header == ["Sheet", "Cell", "Column", "Severity", "Found", "What to do", "Ref"]
    rows = [[c.value for c in row] for row in listing.iter_rows(min_row=2)]
    listed = sorted((r[6], r[0], r[1]) for r in rows)
    # Notes (info) are for us, not the vendor: every error and warning is listed.
    assert listed == sorted(
        (code, SHEET, cell)
        for code, _, cell in EXPECTED_FINDINGS
        if spec(code).severity != Severity.INFO
    )
    queue = next(r for r in rows if r[1] == "C24")
    assert queue[5].startswith(f"'Live Streams' is not a queue we recognise; use one of: {QUEUES}")
    sheet = book[SHEET]
    comment = sheet["C24"].comment.text
    assert comment.startswith("Must fix (V308): 'Live Streams' is not a queue we recognise")
    assert "escalations" in comment
    for row in rows:
        # Words for the vendor: nothing about our profiles or measures' ids.
        assert "profile" not in row[5]
        assert "_" not in row[5].split("use one of")[0]
    assert sheet["I10"].comment.text == (
        "Must fix (V302): 'pending' in 'Backlog (EOD)' is not a number; "
        "please enter a whole number."
    )


def test_workbook_the_copier_cannot_open_is_rebuilt_and_the_findings_still_reported(
    tmp_path: Path,
) -> None:
    damaged = _damaged_copy(tmp_path, "docProps/core.xml")
    issues = _validate(damaged, tmp_path / "out")
    found = sorted((i["code"], i["sheet"], i["cell"]) for i in issues if i["code"] != "F235")
    assert found == sorted(EXPECTED_FINDINGS, key=lambda f: (f[0], f[1], f[2] or ""))
    rebuilt = [i for i in issues if i["code"] == "F235"]
    assert len(rebuilt) == 1 and "cannot be opened for copying" in rebuilt[0]["message"]
    copy = load_workbook(tmp_path / "out" / f"{FLAWED_FILE}.annotated.xlsx")
    assert copy[SHEET]["C24"].value == "Live Streams"
    assert copy[SHEET]["C24"].comment.text.startswith("Must fix (V308)")
    assert copy.sheetnames == ["Cells to fix", SHEET, "Definitions"]


def test_long_sheet_names_are_marked_in_a_rebuilt_copy(tmp_path: Path) -> None:
    # A CSV's sheet is its file name: 40 characters, with brackets Excel forbids in titles.
    long_name = "Daily operations report, October [final]"
    path = tmp_path / f"{long_name}.csv"
    path.write_text("Date,Handled\n2026-10-01,lots\n", "utf-8")
    raw = read_workbook(path)
    assert raw.sheets[0].name == long_name
    issue = make_issue(
        "V302",
        "Handled: found the text 'lots'; expected a whole number",
        location=Location(file=path.name, sheet=long_name, row=2, col=2),
        field="Handled",
        found="lots",
        expected="a whole number",
    )
    result = annotate(path, raw, [issue], tmp_path / "out")
    assert result.issues == []
    (written,) = result.written
    copy = load_workbook(written)
    title = copy.sheetnames[1]
    assert title == "Daily operations report, Octobe"
    assert copy[title]["B2"].value == "lots"
    assert copy[title]["B2"].comment is not None
    assert copy["Cells to fix"]["A2"].value == title


def test_a_copy_that_cannot_mark_its_sheets_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    damaged = _damaged_copy(tmp_path, "docProps/core.xml")
    raw = read_workbook(damaged)
    issue = make_issue(
        "V302",
        "x",
        location=Location(file=FLAWED_FILE, sheet="No such sheet", row=2, col=2),
    )
    result = annotate(damaged, raw, [issue], tmp_path / "out")
    assert result.written == []
    assert [i.code for i in result.issues] == ["F235", "F236"]
    assert "No such sheet" in result.issues[1].message
