"""read_workbook on small workbooks built by the tests: values, positions, notes, limits.

Expected values come from how each test builds its file, never from the reader's output.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from opsgov.errors import WorkbookError
from opsgov.intake.limits import Limits
from opsgov.intake.raw import CellError, CellRange, SheetVisibility
from opsgov.intake.readers import read_workbook
from opsgov.intake.sniff import FileFormat


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _rezip(src: Path, dst: Path, edit: Callable[[str, bytes], bytes]) -> Path:
    """Copy an archive, passing each member through `edit(name, data)`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, edit(item.filename, zin.read(item.filename)))
    return dst


def _codes(book: object) -> list[str]:
    return [n.code for n in getattr(book, "notes", [])]


def _refused(path: Path, **limits: int) -> str:
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, Limits(**limits)) if limits else read_workbook(path)
    (issue,) = err.value.issues
    assert issue.location is not None
    assert issue.location.file == str(path)
    return issue.code


@pytest.fixture
def kpi_book(tmp_path: Path) -> Path:
    """A KPI table at B3:E6, the way vendors put a title above it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "KPIs"
    ws["A1"] = "March report"
    ws.append([])
    for row in (
        ["Site", "Calls", "AHT", "Day"],
        ["Manila", 120, 312.5, dt.date(2024, 3, 1)],
        ["Cebu", 80, 298.25, dt.date(2024, 3, 2)],
        ["Davao", 0, None, dt.date(2024, 3, 3)],
    ):
        ws.append([None, *row])
    for r in range(4, 7):
        ws.cell(r, 5).number_format = "yyyy-mm-dd"
    return _save(wb, tmp_path / "kpis.xlsx")


def test_values_and_positions(kpi_book: Path) -> None:
    book = read_workbook(kpi_book)
    assert book.format is FileFormat.XLSX
    assert book.notes == []
    (sheet,) = book.sheets
    assert (sheet.name, sheet.visibility, sheet.index) == ("KPIs", SheetVisibility.VISIBLE, 0)
    assert (sheet.first_row, sheet.first_col) == (1, 1)
    assert sheet.cell(1, 1) == "March report"
    assert sheet.cell(3, 2) == "Site"
    assert sheet.cell(4, 3) == 120
    assert sheet.cell(5, 4) == 298.25
    assert sheet.cell(6, 4) is None
    assert sheet.cell(6, 5) == dt.date(2024, 3, 3)
    assert sheet.cell(2, 2) is None  # the empty row between title and table
    assert (sheet.last_row, sheet.last_col) == (6, 5)


def test_leading_empty_rows_and_columns_keep_positions(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["C5"] = "label"
    wb.active["D6"] = 42
    book = read_workbook(_save(wb, tmp_path / "offset.xlsx"))
    sheet = book.sheets[0]
    assert (sheet.first_row, sheet.first_col) == (5, 3)
    assert sheet.plain_rows() == [["label", None], [None, 42]]


def test_formula_without_stored_result_is_reported(tmp_path: Path) -> None:
    # openpyxl writes formulas but never their results.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"], ws["C1"] = 10, 20, "=A1/B1"
    ws["A2"], ws["C2"] = "total", "=SUM(A1:B1)"
    book = read_workbook(_save(wb, tmp_path / "formulas.xlsx"))
    sheet = book.sheets[0]
    assert sheet.formula_cells_without_value == {(1, 3), (2, 3)}
    assert sheet.cell(1, 3) is None
    (note,) = [n for n in book.notes if n.code == "F210"]
    assert "C1, C2" in note.message
    assert "F213" not in _codes(book)  # no stored results, so none can be stale


def test_stored_results_with_full_calc_on_load_are_w213(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["B1"] = 10, "=A1*2"
    src = _save(wb, tmp_path / "src.xlsx")

    def store_zero(name: str, data: bytes) -> bytes:  # what XlsxWriter does
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb"<v\s*/>", b"<v>0</v>", data)
        return data

    book = read_workbook(_rezip(src, tmp_path / "placeholders.xlsx", store_zero))
    assert book.sheets[0].cell(1, 2) == 0
    assert book.sheets[0].formula_cells_without_value == set()
    assert "F213" in _codes(book)
    assert "F210" not in _codes(book)


def test_empty_text_result_is_a_stored_result(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = '=""'
    src = _save(wb, tmp_path / "src.xlsx")

    def empty_text(name: str, data: bytes) -> bytes:  # how Excel stores ="" after calculating
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<c r="A1">', b'<c r="A1" t="str">').replace(b"<v />", b"<v></v>")
        return data

    book = read_workbook(_rezip(src, tmp_path / "empty_text.xlsx", empty_text))
    assert book.sheets[0].formula_cells_without_value == set()
    assert "F210" not in _codes(book)


def test_error_cells_are_cell_errors_and_look_alikes_stay_text(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for col, code in enumerate(["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!"], 1):
        ws.cell(1, col, code)  # openpyxl stores these as error cells (t="e")
    ws["A2"] = "#N/A"
    ws["A2"].data_type = "s"  # the same text, stored as text
    ws["B2"] = "#NULL?"
    book = read_workbook(_save(wb, tmp_path / "errors.xlsx"))
    sheet = book.sheets[0]
    assert sheet.rows[0] == [
        CellError("#DIV/0!"),
        CellError("#N/A"),
        CellError("#VALUE!"),
        CellError("#REF!"),
        CellError("#NAME?"),
        CellError("#NUM!"),
    ]
    assert sheet.cell(2, 1) == "#N/A"
    assert not isinstance(sheet.cell(2, 1), CellError)
    assert sheet.cell(2, 2) == "#NULL?"


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_dates_are_the_same_in_both_date_systems(tmp_path: Path, epoch_1904: bool) -> None:
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws["A1"] = dt.date(2024, 2, 29)
    ws["A2"] = dt.datetime(2024, 3, 31, 17, 45)
    ws["A3"] = dt.timedelta(hours=30, minutes=15)
    ws["A3"].number_format = "[h]:mm:ss"
    book = read_workbook(_save(wb, tmp_path / f"dates_{epoch_1904}.xlsx"))
    assert book.date_system == (1904 if epoch_1904 else 1900)
    assert [r[0] for r in book.sheets[0].rows] == [
        dt.date(2024, 2, 29),
        dt.datetime(2024, 3, 31, 17, 45),
        dt.timedelta(hours=30, minutes=15),
    ]


def test_hidden_and_very_hidden_sheets_are_read_and_noted(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    wb.active["A1"] = 1
    for title, state in (("Old", "hidden"), ("Macro", "veryHidden")):
        ws = wb.create_sheet(title)
        ws["A1"] = title
        ws.sheet_state = state
    book = read_workbook(_save(wb, tmp_path / "hidden.xlsx"))
    assert [(s.name, s.visibility) for s in book.sheets] == [
        ("Data", SheetVisibility.VISIBLE),
        ("Old", SheetVisibility.HIDDEN),
        ("Macro", SheetVisibility.VERY_HIDDEN),
    ]
    hidden = [n for n in book.notes if n.code == "F211"]
    assert [n.location.sheet for n in hidden if n.location] == ["Old", "Macro"]


def test_merged_ranges(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"] = "Region"
    ws.merge_cells("B2:C3")
    ws["D2"] = "x"
    book = read_workbook(_save(wb, tmp_path / "merged.xlsx"))
    sheet = book.sheets[0]
    assert sheet.merged == [CellRange(2, 2, 3, 3)]
    assert sheet.cell(2, 2) == "Region"
    assert sheet.cell(3, 3) is None


def test_mislabelled_workbook_is_read_with_a_note(kpi_book: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "kpis.csv"
    renamed.write_bytes(kpi_book.read_bytes())
    book = read_workbook(renamed)
    assert book.format is FileFormat.XLSX
    assert book.sheets[0].cell(3, 2) == "Site"
    (note,) = [n for n in book.notes if n.code == "F202"]
    assert note.message == "this file is an .xlsx workbook named .csv: it was read as .xlsx"


def test_csv_named_xlsx_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"site,calls\nMNL,10\n")
    book = read_workbook(path)
    assert book.format is FileFormat.CSV
    assert book.sheets[0].rows == [["site", "calls"], ["MNL", "10"]]
    assert _codes(book) == ["F202"]


def test_html_named_xls_is_w203(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(b"<html><body><table><tr><td>1</td></tr></table></body></html>")
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    (issue,) = err.value.issues
    assert issue.code == "F203"
    assert "HTML page" in issue.message
    assert ".xls" in issue.message


def test_pdf_is_w203(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.4\n" + bytes(100))
    assert _refused(path) == "F203"


def test_truncated_workbook_is_w200(kpi_book: Path, tmp_path: Path) -> None:
    data = kpi_book.read_bytes()
    for fraction in (0.3, 0.6, 0.95):
        cut = tmp_path / f"cut_{fraction}.xlsx"
        cut.write_bytes(data[: int(len(data) * fraction)])
        assert _refused(cut) == "F200"


def test_corrupted_member_is_w200(kpi_book: Path, tmp_path: Path) -> None:
    data = bytearray(kpi_book.read_bytes())
    with zipfile.ZipFile(kpi_book) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start : start + 40] = bytes(range(40))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(bytes(data))
    assert _refused(broken) == "F200"


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_random_bytes_are_refused(tmp_path: Path, seed: int) -> None:
    noise = random.Random(seed).randbytes(20_000)
    plain, as_zip, as_ole = (tmp_path / f"{n}_{seed}.xlsx" for n in ("plain", "zip", "ole"))
    plain.write_bytes(noise)
    as_zip.write_bytes(b"PK\x03\x04" + noise)
    as_ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise)
    assert _refused(plain) == "F203"
    assert _refused(as_zip) == "F200"
    assert _refused(as_ole) == "F200"


def test_empty_file_is_w207(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert _refused(path) == "F207"


def test_missing_file_and_folder_are_w200(tmp_path: Path) -> None:
    assert _refused(tmp_path / "nowhere.xlsx") == "F200"
    assert _refused(tmp_path) == "F200"


def test_file_above_the_size_limit_is_w206(kpi_book: Path) -> None:
    assert _refused(kpi_book, max_file_bytes=1000) == "F206"


def test_rows_and_columns_beyond_limits_are_cut(kpi_book: Path) -> None:
    book = read_workbook(kpi_book, Limits(max_rows=3, max_cols=2))
    sheet = book.sheets[0]
    assert sheet.truncated
    assert sheet.plain_rows() == [["March report", None], [None, None], [None, "Site"]]
    assert "F215" in _codes(book)


def test_too_many_cells_is_w206(kpi_book: Path) -> None:
    assert _refused(kpi_book, max_cells=20) == "F206"


def test_cell_longer_than_the_limit_is_w206_at_its_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["B2"] = "x" * 60
    path = _save(wb, tmp_path / "long.xlsx")
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, Limits(max_cell_chars=50))
    (issue,) = err.value.issues
    assert issue.code == "F206"
    assert issue.location is not None
    assert (issue.location.sheet, issue.location.row, issue.location.col) == ("Sheet", 2, 2)


def test_too_much_text_is_w206(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for r in range(1, 21):
        wb.active.cell(r, 1, "y" * 10)
    assert _refused(_save(wb, tmp_path / "text.xlsx"), max_total_chars=150) == "F206"


def _mixed_book(path: Path) -> Path:
    """Text, numbers, dates, blanks, an error cell and a formula without a result."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Site", "Calls", "Day", "Note"])
    ws.append(["Manila", 120, dt.datetime(2024, 3, 1), None])
    ws.append(["Cebu", None, dt.datetime(2024, 3, 2), "late"])
    ws.append([None, 80, None, "#DIV/0!"])
    ws.append(["Davao", "=B2*2", dt.datetime(2024, 3, 4), ""])
    return _save(wb, path)


PLAIN = [
    ["Site", "Calls", "Day", "Note"],
    ["Manila", 120, dt.date(2024, 3, 1), None],
    ["Cebu", None, dt.date(2024, 3, 2), "late"],
    [None, 80, None, CellError("#DIV/0!")],
    ["Davao", None, dt.date(2024, 3, 4), None],
]


def test_bulk_and_row_by_row_reads_agree(tmp_path: Path) -> None:
    # openpyxl writes text as inline strings; see test_intake_libreoffice for shared strings.
    path = _mixed_book(tmp_path / "mixed.xlsx")
    bulk = read_workbook(path).sheets[0]
    # A character budget below the bound the bulk read needs, above the text actually held:
    # the same file is then read row by row.
    checked = read_workbook(path, Limits(max_total_chars=40)).sheets[0]
    assert "" in bulk.rows[1]  # read in bulk: empty cells stay empty strings
    assert None in checked.rows[1]  # read row by row: empty cells are None
    assert bulk.plain_rows() == checked.plain_rows() == PLAIN
    assert bulk.formula_cells_without_value == checked.formula_cells_without_value == {(5, 2)}
    assert bulk.cell(2, 4) is None and bulk.cell(5, 2) is None


def test_inline_text_above_the_budget_is_w206(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)  # inline strings, no shared-string table
    ws = wb.create_sheet("Data")
    for _ in range(20):
        ws.append(["y" * 10])
    path = _save(wb, tmp_path / "inline.xlsx")
    assert read_workbook(path, Limits(max_total_chars=250)).sheets[0].cell(20, 1) == "y" * 10
    assert _refused(path, max_total_chars=150) == "F206"


def test_text_results_of_formulas_are_read_row_by_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["a", None, '=""'])
    src = _save(wb, tmp_path / "src.xlsx")

    def text_result(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b'<c r="C1">', b'<c r="C1" t="str">').replace(
                b"<v />", b"<v>ok</v>"
            )
        return data

    sheet = read_workbook(_rezip(src, tmp_path / "text_result.xlsx", text_result)).sheets[0]
    assert sheet.rows == [["a", None, "ok"]]


def test_wide_sheet_above_the_cell_budget_is_measured_exactly(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active["AD40"] = 2  # column 30, row 40: 1,200 cells
    path = _save(wb, tmp_path / "wide.xlsx")
    assert read_workbook(path, Limits(max_cells=1_200)).sheets[0].last_col == 30
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, Limits(max_cells=1_199))
    assert "40 rows by 30 columns" in err.value.issues[0].message


def test_cells_without_references_are_placed_as_excel_places_them(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = 0
    src = _save(wb, tmp_path / "src.xlsx")
    sheet_data = (
        b'<sheetData><row r="2"><c><v>1</v></c><c t="e"><v>#N/A</v></c></row>'
        b"<row><c/><c><f>A2+1</f></c></row></sheetData>"
    )

    def no_refs(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb"<sheetData>.*</sheetData>", sheet_data, data, flags=re.DOTALL)
        return data

    book = read_workbook(_rezip(src, tmp_path / "norefs.xlsx", no_refs))
    sheet = book.sheets[0]
    assert sheet.cell(2, 1) == 1
    assert sheet.cell(2, 2) == CellError("#N/A")
    # The self-closed <c/> holds nothing and takes no column, as calamine counts.
    assert sheet.formula_cells_without_value == {(3, 1)}


def test_prefixed_spreadsheetml_is_scanned(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = 0
    src = _save(wb, tmp_path / "src.xlsx")
    sheet_xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<x:sheetData><x:row r="1"><x:c r="A1"><x:v>5</x:v></x:c>'
        b'<x:c r="B1" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>'
        b'<x:c r="C1"><x:f>A1*2</x:f></x:c></x:row></x:sheetData></x:worksheet>'
    )

    def prefixed(name: str, data: bytes) -> bytes:
        return sheet_xml if name == "xl/worksheets/sheet1.xml" else data

    book = read_workbook(_rezip(src, tmp_path / "prefixed.xlsx", prefixed))
    sheet = book.sheets[0]
    assert sheet.rows[0][:2] == [5, CellError("#DIV/0!")]
    assert sheet.formula_cells_without_value == {(1, 3)}


def test_panic_of_the_reader_becomes_w200(kpi_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    def panic(*_args: object, **_kwargs: object) -> None:
        raise PanicException("no entry found for key")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", panic)
    with pytest.raises(WorkbookError) as err:
        read_workbook(kpi_book)
    (issue,) = err.value.issues
    assert issue.code == "F200"
    assert "crashed" in issue.message
    assert isinstance(err.value.__cause__, PanicException)


def test_memory_error_becomes_w206(kpi_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def exhausted(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", exhausted)
    with pytest.raises(WorkbookError) as err:
        read_workbook(kpi_book)
    assert err.value.issues[0].code == "F206"


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_interrupts_pass_through(
    kpi_book: Path, monkeypatch: pytest.MonkeyPatch, interrupt: type[BaseException]
) -> None:
    def stop(*_args: object, **_kwargs: object) -> None:
        raise interrupt

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", stop)
    with pytest.raises(interrupt):
        read_workbook(kpi_book)


def test_reader_warnings_become_notes(kpi_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = python_calamine.CalamineWorkbook.from_path

    def warn_then_open(path: str) -> object:
        warnings.warn("Data Validation extension is not supported", UserWarning, stacklevel=1)
        return original(path)

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", warn_then_open)
    book = read_workbook(kpi_book)  # pytest turns escaping warnings into errors
    (note,) = [n for n in book.notes if n.code == "F217"]
    assert "Data Validation" in note.message
