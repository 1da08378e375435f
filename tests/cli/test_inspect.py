"""`opsgov inspect`: what opsgov sees in a file, with no profile; and a draft profile from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opsgov.lint.run import lint_paths
from tests.conftest import CORPUS, REPO, invoke
from tests.support.libreoffice import convert

SAMPLE = REPO / "sample_data"
ACME = SAMPLE / "inbox" / "2026-10" / "MNL1_ops_2026-10.xlsx"


def test_inspect_finds_the_offset_header_and_likely_measures() -> None:
    data = json.loads(invoke(["inspect", str(ACME), "-w", str(SAMPLE), "--format", "json"]).stdout)
    assert data["format"] == "xlsx"
    sheet = data["sheets"][0]
    assert sheet["name"] == "Daily Report"
    assert sheet["header_row"] == 4  # under the merged banner and the site line
    by_header = {c["header"]: c for c in sheet["columns"]}
    assert by_header["Date"]["letter"] == "B"
    assert by_header["Items Handled"]["measure"] == "items_handled"
    assert by_header["AHT (mm:ss)"]["inferred"] == "duration"
    assert by_header["Within SLA %"]["unit"] == "percent_0_100"
    assert [(s["name"], s["visibility"]) for s in data["sheets"]] == [
        ("Daily Report", "visible"),
        ("Definitions", "visible"),
    ]


def test_inspect_marks_a_hidden_sheet(tmp_path: Path) -> None:
    # The Acme workbook with its Definitions sheet hidden, saved again by LibreOffice.
    import openpyxl

    book = openpyxl.load_workbook(ACME)
    book["Definitions"].sheet_state = "hidden"
    edited = tmp_path / "edited" / ACME.name
    edited.parent.mkdir()
    book.save(edited)
    resaved = convert(edited, "xlsx", tmp_path / "resaved")
    data = json.loads(
        invoke(["inspect", str(resaved), "-w", str(SAMPLE), "--format", "json"]).stdout
    )
    assert {s["name"]: s["visibility"] for s in data["sheets"]} == {
        "Daily Report": "visible",
        "Definitions": "hidden",
    }
    text = invoke(["inspect", str(resaved), "-w", str(SAMPLE)]).stdout
    assert "hidden" in text


def test_inspect_text_output_shows_sheets_and_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    out = invoke(["inspect", str(ACME), "-w", str(SAMPLE)]).stdout
    assert "header on row 4" in out
    assert "items_handled" in out


def test_draft_profile_is_a_valid_profile(tmp_path: Path) -> None:
    target = tmp_path / "draft.yaml"
    invoke(["inspect", str(ACME), "-w", str(SAMPLE), "--draft-profile", str(target)])
    text = target.read_text("utf-8")
    assert 'pattern: "{site}_ops_{period}.xlsx"' in text
    assert "measure: items_handled" in text
    report = lint_paths([target])
    assert [i for i in report.issues if i.severity.value == "error"] == []


def test_inspect_reads_a_mislabelled_file_as_what_it_is() -> None:
    path = CORPUS / "mislabelled" / "csv_renamed.xlsx"
    if not path.exists():
        pytest.skip("the shared corpus (../shared/corpus) is not present")
    data = json.loads(invoke(["inspect", str(path), "--format", "json"]).stdout)
    assert data["format"] == "csv"


def test_inspect_refuses_an_encrypted_file_clearly() -> None:
    path = CORPUS / "encrypted_protected" / "pass_protected.xlsx"
    if not path.exists():
        pytest.skip("the shared corpus (../shared/corpus) is not present")
    result = invoke(["inspect", str(path)], 2)
    assert "password" in result.stderr.lower() or "encrypt" in result.stderr.lower()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("total_row", [False, True], ids=["by-column", "row-by-row"])
def test_inspect_counts_data_rows_and_kinds(total_row: bool) -> None:
    # Without a total or blank row the columns are summarised column by column; with them,
    # rows are filtered one by one first. Expected values are counted by hand.
    from opsgov.inspect import inspect_sheet
    from opsgov.intake.raw import RawSheet
    from tests.support.sample_month import framework

    rows: list[list[object]] = [
        ["Site", "Items handled", "Handle time (s)", "Note"],
        ["MNL1", 10.0, 300.5, ""],
        ["MNL1", 12.0, 280.0, "late"],
        ["CEB1", 8.0, 310.25, ""],
    ]
    if total_row:
        rows += [[None, None, None, None], ["Total", 30.0, 890.75, ""]]
    view = inspect_sheet(RawSheet(name="S", rows=rows), framework())  # type: ignore[arg-type]
    assert view.header_row == 1 and view.data_rows == 3
    by_header = {c.header: c for c in view.columns}
    assert (by_header["Items handled"].inferred, by_header["Items handled"].filled) == (
        "integer",
        3,
    )
    assert by_header["Handle time (s)"].inferred == "number"
    assert by_header["Handle time (s)"].samples == ["300.5", "280", "310.25"]
    assert (by_header["Note"].filled, by_header["Note"].samples) == (1, ["late"])
    assert by_header["Site"].samples == ["MNL1", "CEB1"]


def test_inspect_reads_portuguese_headers_as_the_draft_does() -> None:
    path = SAMPLE / "inbox" / "2026-10" / "TW_LIS1_202610.csv"
    data = json.loads(invoke(["inspect", str(path), "-w", str(SAMPLE), "--format", "json"]).stdout)
    by_header = {c["header"]: c for c in data["sheets"][0]["columns"]}
    assert by_header["Fila"]["measure"] == "queue"
    assert by_header["Tratados"]["measure"] == "items_handled"
    assert (by_header["Horas pagas"]["measure"], by_header["Horas pagas"]["unit"]) == (
        "paid_seconds",
        "hours",
    )
    assert by_header["Tempo médio (min)"]["unit"] == "minutes"
