"""Known answers for the benign corpus files, read in-process.

The expected values come from the files themselves (their XML, or what the upstream test
suites assert about them), as noted next to each test. Hostile files are only ever read in a
child process: see test_intake_isolated.py.
"""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import pytest

from opsgov.intake.raw import CellError, RawWorkbook, SheetVisibility
from opsgov.intake.readers import read_workbook
from opsgov.intake.sniff import FileFormat

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not present"
)


def _read(name: str) -> RawWorkbook:
    return read_workbook(CORPUS / name)


def _codes(book: RawWorkbook) -> list[str]:
    return [n.code for n in book.notes]


def test_dates_are_identical_in_the_1900_and_1904_systems() -> None:
    # calamine's own tests: 2021-01-01, 2021-01-02 and a duration of 255:10:10.
    expected = [
        [dt.date(2021, 1, 1), 15],
        [dt.date(2021, 1, 2), 16],
        [dt.timedelta(hours=255, minutes=10, seconds=10), 17],
    ]
    plain, mac = _read("dates/date.xlsx"), _read("dates/date_1904.xlsx")
    assert (plain.date_system, mac.date_system) == (1900, 1904)
    assert plain.sheets[0].rows == expected
    assert mac.sheets[0].rows == expected


def test_1904_flag_of_a_legacy_xls_is_read() -> None:
    book = _read("dates/1904DateWindowing.xls")
    assert book.format is FileFormat.XLS
    assert book.date_system == 1904
    assert book.sheets[0].rows == [[dt.date(2000, 1, 1), dt.date(2000, 1, 1)]]


def test_iso_date_cells() -> None:
    rows = _read("dates/date_iso.xlsx").sheets[0].rows
    assert rows[:3] == [
        [dt.date(2021, 1, 1)],
        [dt.datetime(2021, 1, 1, 10, 10, 10)],
        [dt.time(10, 10, 10)],
    ]


def test_structure_protection_is_not_encryption() -> None:
    book = _read("encrypted_protected/workbookProtection-workbook_password-2013.xlsx")
    assert book.sheets[0].rows == [["testcontent"]]
    assert book.notes == []


@pytest.mark.parametrize(
    "name", ["layout/sheet_visibility.xlsx", "layout/sheet_visibility_strict.xlsx"]
)
def test_hidden_and_very_hidden_sheets_are_reported(name: str) -> None:
    book = _read(name)
    assert [(s.name, s.visibility) for s in book.sheets] == [
        ("Visible", SheetVisibility.VISIBLE),
        ("Hidden", SheetVisibility.HIDDEN),
        ("VeryHidden", SheetVisibility.VERY_HIDDEN),
    ]
    # Each sheet spells its name, then the letters' character codes.
    assert book.sheets[1].rows == [list("Hidden"), [72, 105, 100, 100, 101, 110]]
    assert _codes(book) == ["F211", "F211"]


def test_phantom_used_range_gives_no_rows() -> None:
    # 51585.xlsx declares A1:APQ141 and holds 55,600 styled cells without a single value.
    book = _read("resource_limits/51585.xlsx")
    assert [len(s.rows) for s in book.sheets] == [0, 0, 0]
    assert all(s.is_empty for s in book.sheets)


def test_header_row_positions() -> None:
    sheet = _read("layout/header-row.xlsx").sheets[0]
    assert (sheet.first_row, sheet.first_col) == (3, 1)
    assert sheet.cell(3, 3) == "Note 1"
    assert [sheet.cell(9, c) for c in range(1, 5)] == [
        "Columns",
        "Column A",
        "Column B",
        "Column C",
    ]
    assert [sheet.cell(10, c) for c in range(1, 5)] == ["put data here", 1, 2, 3]


def test_table_in_the_middle_keeps_its_position() -> None:
    sheet = _read("layout/temperature-in-middle.xlsx").sheets[0]
    assert (sheet.first_row, sheet.first_col) == (4, 2)
    assert sheet.rows == [["label", "value"], ["celsius", 22.2222], ["fahrenheit", 72]]


def test_formulas_without_cached_values_are_reported() -> None:
    # bug60858.xlsx: <f> without <v> in F2, G2, I2 and L2 (read from its sheet1.xml).
    book = _read("formulas/bug60858.xlsx")
    sheet = book.sheets[0]
    assert sheet.formula_cells_without_value == {(2, 6), (2, 7), (2, 9), (2, 12)}
    assert all(sheet.cell(r, c) is None for r, c in sheet.formula_cells_without_value)
    assert _codes(book) == ["F210"]


def test_formulas_without_values_in_a_package_stored_elsewhere() -> None:
    # wtf_path.xlsx keeps its parts under wtf/; D1, E1 (array formulas) and C2 have no <v>,
    # C1 (=A1+B1) stores 3.
    book = _read("layout/wtf_path.xlsx")
    sheet = book.sheet("SheetJS")
    assert sheet is not None
    assert sheet.formula_cells_without_value == {(1, 4), (1, 5), (2, 3)}
    assert sheet.cell(1, 3) == 3
    assert book.sheet("Hidden") is not None
    assert "F211" in _codes(book)


def test_shared_formulas_read_their_cached_values() -> None:
    book = _read("formulas/shared_formula_simple.xlsx")
    assert book.sheets[0].rows == [[1, 2], [2, 4], [3, 6]]
    assert book.sheets[0].formula_cells_without_value == set()


def test_the_seven_classic_errors() -> None:
    # errors.xlsx, column A of Feuil1, in this order (its sheet1.xml).
    sheet = _read("cell_values/errors.xlsx").sheets[0]
    codes = ["#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A"]
    assert sheet.rows == [[CellError(c)] for c in codes]


def test_error_look_alikes_stay_text() -> None:
    sheet = _read("cell_values/ErrorTypes.xlsx").sheets[0]
    assert sheet.rows[1][:4] == [CellError("#NULL!"), CellError("#NULL!"), "#NULL?", "#NULL"]
    assert sheet.rows[2][:4] == [CellError("#DIV/0!"), CellError("#DIV/0!"), "#DIV/0?", "#DIV/0"]


def test_text_cells() -> None:
    assert _read("cell_values/inlineStr_cdata.xlsx").sheets[0].rows == [
        ["Hello CDATA", "World"],
        ["12345", "NormalText"],  # a number stored as text stays text
    ]
    assert _read("cell_values/has_x000D_.xlsx").sheets[0].rows == [["ABC\r\nDEF"]]
    (emoji,) = _read("cell_values/sushi.xlsx").sheets[0].rows[0]
    assert isinstance(emoji, str)
    assert emoji == "\U0001f363"
    assert len(emoji) == 1


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("mislabelled/xls_renamed.xlsx", FileFormat.XLS),
        ("mislabelled/xlsb_renamed.xlsx", FileFormat.XLSB),
        ("mislabelled/ods_renamed.xlsx", FileFormat.ODS),
    ],
)
def test_mislabelled_workbooks_are_read_as_what_they_are(name: str, fmt: FileFormat) -> None:
    # All three are calamine's any_sheets workbook: Visible holds 1 2 / 3 4 / 5 6.
    book = _read(name)
    assert book.format is fmt
    assert _codes(book)[0] == "F202"
    visible = book.sheet("Visible")
    assert visible is not None
    assert visible.rows[:3] == [[1, 2], [3, 4], [5, 6]]
    assert book.sheet("Hidden") is not None
    hidden = book.sheet("Hidden")
    assert hidden is not None
    assert hidden.visibility is SheetVisibility.HIDDEN


def test_csv_renamed_xlsx_is_read_as_text() -> None:
    book = _read("mislabelled/csv_renamed.xlsx")
    assert book.format is FileFormat.CSV
    assert book.sheets[0].rows == [["id", "name"], ["1", "english"], ["2", "中国人"]]
    assert _codes(book) == ["F202"]


def test_legitimate_workbook_expanding_121_times_is_accepted() -> None:
    book = _read("resource_limits/large_strings.xlsx")
    assert [s.name for s in book.sheets] == ["Large Strings", "Simple", "longwordslist"]
    assert len(book.sheets[0].rows) == 9_999


def test_widest_possible_sheet() -> None:
    sheet = _read("resource_limits/53105.xlsx").sheets[0]
    assert (len(sheet.rows), len(sheet.rows[0])) == (2, 16_384)
    assert set(sheet.rows[0]) == {1}
    assert sheet.rows[1][0] == 16_384  # the whole-row SUM, stored


def test_fifty_thousand_merges_without_values() -> None:
    sheet = _read("resource_limits/57893-many-merges.xlsx").sheets[0]
    assert sheet.rows == []
    assert len(sheet.merged) == 50_000


def test_merged_ranges() -> None:
    sheet = _read("layout/merged_range.xlsx").sheets[0]
    assert (1, 3, 2, 4) in sheet.merged  # C1:D2
    assert sheet.cell(1, 3) == "C1"
    assert sheet.cell(2, 4) is None


def test_empty_sheet() -> None:
    book = _read("layout/empty_sheet.xlsx")
    assert [(s.name, s.rows) for s in book.sheets] == [("Sheet1", [])]


def test_xml_map_schema_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("no network access while reading a workbook")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    sheet = _read("xml_attacks/xxe_in_schema.xlsx").sheets[0]
    assert (sheet.first_row, sheet.first_col) == (9, 3)
    assert sheet.rows[0] == ["/Test/Test", "Column1", "Column2"]
