"""The same workbook re-saved by LibreOffice as .xlsx, .xls and .ods reads the same.

LibreOffice writes these formats the way real applications do (shared strings, styles,
BIFF8 records, ODF repeated rows), which openpyxl-built files do not exercise.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from opsgov.intake.columnar import HeadedRows
from opsgov.intake.limits import Limits
from opsgov.intake.raw import CellValue
from opsgov.intake.readers import read_workbook
from opsgov.intake.sniff import FileFormat
from opsgov.intake.workbooks import read_spreadsheet
from tests.support.libreoffice import convert

pytestmark = pytest.mark.slow

# What the test writes, from B3; None is an empty cell.
TABLE: list[list[CellValue]] = [
    ["Site", "Calls", "AHT", "Day", "Handle time"],
    ["Manila", 120, 312.5, dt.date(2024, 3, 1), dt.timedelta(hours=30, minutes=15)],
    ["São Paulo", 80, None, dt.date(2024, 3, 2), dt.timedelta(hours=26)],
    [None, None, None, None, None],
    ["Total", 200, 0.125, None, None],
]


def _source(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "March"
    for r, row in enumerate(TABLE, start=3):
        for c, value in enumerate(row, start=2):
            if value is not None:
                ws.cell(r, c, value)
    for r in (4, 5):
        ws.cell(r, 5).number_format = "yyyy-mm-dd"
        ws.cell(r, 6).number_format = "[h]:mm:ss"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("libreoffice")
    src = _source(tmp / "march.xlsx")
    return {fmt: convert(src, fmt, tmp / fmt) for fmt in ("xlsx", "xls", "ods")}


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_values_and_positions_survive_a_resave(resaved: dict[str, Path], fmt: str) -> None:
    book = read_workbook(resaved[fmt])
    assert book.format is FileFormat(fmt)
    (sheet,) = book.sheets
    assert sheet.name == "March"
    assert (sheet.first_row, sheet.first_col) == (3, 2)
    assert sheet.plain_rows() == TABLE
    assert sheet.formula_cells_without_value == set()


def test_shared_strings_are_read_in_bulk_and_agree_row_by_row(resaved: dict[str, Path]) -> None:
    # LibreOffice writes text to the shared-string table; its bound lets the sheet be read
    # in bulk. A character budget below that bound makes the same file be read row by row.
    # Its first row is a header above typed columns, so opsgov reads it by columns.
    columns = read_workbook(resaved["xlsx"]).sheets[0]
    path = resaved["xlsx"]
    bulk = read_spreadsheet(path, FileFormat.XLSX, Limits(), columnar=False).sheets[0]
    checked = read_workbook(resaved["xlsx"], Limits(max_total_chars=60)).sheets[0]
    assert isinstance(columns.rows, HeadedRows)
    assert "" in bulk.rows[2] and None in checked.rows[2]
    assert columns.plain_rows() == bulk.plain_rows() == checked.plain_rows() == TABLE


def test_the_three_formats_agree(resaved: dict[str, Path]) -> None:
    books = {fmt: read_workbook(path) for fmt, path in resaved.items()}
    shapes = {
        fmt: (b.sheets[0].first_row, b.sheets[0].first_col, b.sheets[0].plain_rows())
        for fmt, b in books.items()
    }
    assert shapes["xls"] == shapes["xlsx"] == shapes["ods"]


def test_booleans_and_short_durations_differ_in_ods(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = True, dt.timedelta(minutes=45)
    ws["B1"].number_format = "[h]:mm:ss"
    src = tmp_path / "flags.xlsx"
    wb.save(src)
    expected = [[True, dt.timedelta(minutes=45)]]
    assert read_workbook(convert(src, "xlsx", tmp_path / "xlsx")).sheets[0].rows == expected
    assert read_workbook(convert(src, "xls", tmp_path / "xls")).sheets[0].rows == expected
    # LibreOffice has no boolean cells: it writes =TRUE() with the number 1. ODF stores
    # durations and times of day alike, and one under 24 hours reads as a time of day.
    ods = read_workbook(convert(src, "ods", tmp_path / "ods")).sheets[0].rows
    assert ods == [[1, dt.time(0, 45)]]


def test_error_results_of_a_resaved_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 10, 0, "=A1/B1"
    src = tmp_path / "div0.xlsx"
    wb.save(src)
    xlsx = read_workbook(convert(src, "xlsx", tmp_path / "xlsx"))
    ods = read_workbook(convert(src, "ods", tmp_path / "ods"))
    xls = read_workbook(convert(src, "xls", tmp_path / "xls"))
    # LibreOffice calculated and stored #DIV/0!: the xlsx shows it, the other formats
    # cannot and say so.
    assert xlsx.sheets[0].rows == [[10, 0, xlsx.sheets[0].rows[0][2]]]
    assert str(xlsx.sheets[0].rows[0][2]) == "#DIV/0!"
    assert ods.sheets[0].rows == [[10, 0, None]]
    assert [n.code for n in ods.notes] == ["F212"]
    assert ods.notes[0].severity.value == "warning"
    assert xls.sheets[0].rows == [[10, 0, None]]
    assert "F212" in [n.code for n in xls.notes]
