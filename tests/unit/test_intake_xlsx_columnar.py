"""xlsx sheets read by columns (fastexcel's Arrow arrays) give what the row-by-row read gives.

Each comparison reads the same files twice: as opsgov reads them (by columns wherever that
read applies) and with every sheet read by python-calamine row by row, as before. The cells
(with their Python types), the notes, the harmonised rows and every finding must be the same;
sheets the columnar read cannot represent exactly must be read by rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import random
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from opsgov.errors import WorkbookError
from opsgov.intake import readers, workbooks
from opsgov.intake.columnar import HeadedRows
from opsgov.intake.limits import Limits
from opsgov.pipeline import load_definitions, validate
from tests.unit.test_intake_columnar import HEADER, _month, _outcome, _workspace

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLE = REPO / "sample_data"
BY_ROWS = functools.partial(workbooks.read_spreadsheet, columnar=False)


def _cell(value: object) -> object:
    """A cell with its type, so that 72 and 72.0, or a date and midnight, differ."""
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _read(path: Path, limits: Limits | None = None) -> object:
    try:
        book = readers.read_workbook(path, limits or Limits())
    except WorkbookError as exc:
        return ("refused", [(i.code, i.message) for i in exc.issues])
    return (
        [
            (
                s.name,
                s.index,
                s.visibility,
                s.first_row,
                s.first_col,
                s.truncated,
                sorted(s.merged),
                sorted(s.formula_cells_without_value),
                [[_cell(v) for v in row] for row in s.plain_rows()],
            )
            for s in book.sheets
        ],
        book.date_system,
        [(n.code, n.message) for n in book.notes],
    )


def _both(path: Path, monkeypatch: pytest.MonkeyPatch, limits: Limits | None = None) -> None:
    columnar = _read(path, limits)
    with monkeypatch.context() as patched:
        patched.setattr(readers, "read_spreadsheet", BY_ROWS)
        assert _read(path, limits) == columnar, path.name


def _by_columns(path: Path, limits: Limits | None = None) -> list[bool]:
    book = readers.read_workbook(path, limits or Limits())
    return [isinstance(s.rows, HeadedRows) for s in book.sheets]


def _workbooks() -> list[Path]:
    files = sorted(SAMPLE.rglob("*.xls[xm]"))
    if CORPUS.is_dir():
        files += sorted(p for p in CORPUS.rglob("*") if p.is_file())
    return files


def test_every_sample_and_corpus_workbook_reads_the_same_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = _workbooks()
    assert len(files) > 60
    by_columns = 0
    for path in files:
        if path.suffix.lower() in {".csv", ".tsv", ".txt", ".md"}:
            continue
        _both(path, monkeypatch)
        try:
            by_columns += any(_by_columns(path))
        except WorkbookError:
            continue
    assert by_columns >= 20  # most of the sample's machine-written workbooks


@pytest.mark.parametrize("period", ["2026-10", "2026-03"])
def test_sample_months_harmonise_the_same_either_way(
    period: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SAMPLE)
    defs = load_definitions(SAMPLE)
    columnar = _outcome(validate(defs, period=period))
    monkeypatch.setattr(readers, "read_spreadsheet", BY_ROWS)
    assert _outcome(validate(defs, period=period)) == columnar


def _xlsx(path: Path, rows: Sequence[Sequence[object]], merge: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    book.save(path)
    return path


_HEAD = ["Date", "Site", "Calls", "Note"]
_DAY = dt.datetime(2026, 10, 1)
EDGES: dict[str, tuple[Sequence[Sequence[object]], bool]] = {
    # name: (rows, read by columns)
    "plain": (
        [_HEAD, [_DAY, "DUB1", 3, "x"], [None, None, None, None], [_DAY, "LIS1", 4.5, ""]], True
    ),
    "booleans": ([["Flag", "N"], [True, 1], [False, 2], [None, 3]], True),
    "times": (
        [["At", "Took", "When"], [dt.time(9, 30), dt.timedelta(hours=30), _DAY],
         [dt.time(0, 0, 1), dt.timedelta(seconds=1.5), dt.datetime(2026, 10, 1, 13, 5, 7, 123000)],
         [None, None, dt.datetime(1900, 3, 1)]],
        True,
    ),
    "errors": ([["Calls", "Site"], [1, "#N/A"], ["#DIV/0!", "DUB1"], [3, "LIS1"]], True),
    "number_as_text": ([["Calls"], [1], ["12"], [3]], False),
    "nan_text": ([["Calls"], [1], ["nan"], [3]], False),
    "na_text": ([["Calls"], [1], ["NA"], [3]], False),
    "banner": ([["Report for October"], [], _HEAD, [_DAY, "DUB1", 3, "x"]], False),
    "repeated_header": ([["Calls", "Calls"], [1, 2]], False),
    "error_in_header": ([["Calls", "#N/A"], [1, 2]], False),
    "merged": ([["Calls", "Site"], [1, "DUB1"], [2, "LIS1"]], False),
    "wider_below": ([["Calls"], [1, 2]], False),
    # Past the rows looked at before parsing, the parse and its checks decide: a wider row
    # reads the same by columns, a text cell in a number column sends the sheet to rows.
    "wider_far_below": ([["Calls"], *([n] for n in range(1, 21)), [21, "stray"]], True),
    "text_far_below": ([["Calls"], *([n] for n in range(1, 21)), ["Total"]], False),
}  # fmt: skip


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The edge cases as openpyxl writes them, and as LibreOffice saves them again."""
    root = tmp_path_factory.mktemp("edges")
    files = {
        name: _xlsx(root / f"{name}.xlsx", rows, "A2:A3" if name == "merged" else None)
        for name, (rows, _) in EDGES.items()
    }
    soffice = shutil.which("soffice")
    if soffice is not None:
        out = root / "lo"
        subprocess.run(
            [soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out),
             *map(str, files.values())],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        files.update({f"lo_{name}": out / path.name for name, path in files.items()})
    return files


@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_cases_read_the_same_by_columns_or_by_rows(
    name: str, edges: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = EDGES[name][1]
    for key in (name, f"lo_{name}"):
        if key not in edges:
            continue
        path = edges[key]
        assert _by_columns(path) == [expected], key
        _both(path, monkeypatch)


@pytest.mark.parametrize(
    "limits",
    [
        Limits(max_rows=50),
        Limits(max_cols=3),
        Limits(max_cells=300),
        Limits(max_total_chars=500),
        Limits(max_cell_chars=4),
    ],
)
def test_limits_hold_on_the_columnar_read(
    tmp_path: Path, limits: Limits, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list[list[object]] = [["Site", "Calls", "Note", "More"]]
    rows += [[f"S{i}", i, "note" * (i % 3), 1.5] for i in range(100)]
    path = _xlsx(tmp_path / "limits.xlsx", rows)
    assert _by_columns(path) == [True]  # within the default limits, read by columns
    _both(path, monkeypatch, limits)
    assert _read(path, limits) != _read(path)  # each limit changes the answer


def test_generated_month_harmonises_the_same_and_names_each_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = _month(3000)
    rows[10][4] = "#N/A"  # an error cell: sheet row 12, column E (Handled)
    rows[20][6] = None  # a blank required cell
    rows[30][8] = 140  # not a percentage
    totals = [None, "Total", None, None, sum(r[4] for r in rows if isinstance(r[4], int))]
    path = _workspace(tmp_path, "xlsx")
    _xlsx(path, [HEADER, *rows, totals + [None] * 4])
    assert _by_columns(path) == [True]
    monkeypatch.chdir(tmp_path)
    defs = load_definitions(tmp_path)
    columnar = validate(defs, period="2026-10")
    with monkeypatch.context() as patched:
        patched.setattr(readers, "read_spreadsheet", BY_ROWS)
        assert _outcome(validate(defs, period="2026-10")) == _outcome(columnar)
    (block,) = columnar.blocks
    assert block.rows.tolist() == list(range(2, 3002))  # the totals row (3002) left out
    found = {(i.code, i.location.row, i.location.col) for i in columnar.issues if i.location}
    assert ("V303", 12, 5) in found  # the error cell, by its sheet row and column
    assert ("V306", 32, 9) in found
    assert any(code == "V340" and row == 3002 for code, row, _ in found)
    assert math.isnan(block.measures["items_handled"][10])
    assert block.measures["items_handled"][11] == rows[11][4]


def test_a_large_month_reads_the_same_in_the_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook past the child-read size is read in a forked child: the same there."""
    rng = random.Random(3)
    rows = [
        [dt.datetime(2026, 10, 1 + i % 31), ["DUB1", "LIS1"][i % 2], "General", f"A{i}",
         rng.randint(0, 40), rng.uniform(0, 9), 2, 1, 50]
        for i in range(2000)
    ]  # fmt: skip
    path = _workspace(tmp_path, "xlsx")
    _xlsx(path, [HEADER, *rows])
    monkeypatch.chdir(tmp_path)
    defs = load_definitions(tmp_path)
    small = Limits(child_read_bytes=1)
    from opsgov import forked
    from opsgov.route import large_workbook

    assert large_workbook(path, small) and forked.available()
    columnar = validate(defs, period="2026-10", limits=small)
    with monkeypatch.context() as patched:
        patched.setattr(readers, "read_spreadsheet", BY_ROWS)
        assert _outcome(validate(defs, period="2026-10", limits=small)) == _outcome(columnar)
    (block,) = columnar.blocks
    assert block.measures["items_handled"].tolist() == [float(str(r[4])) for r in rows]
