"""Every corpus file, and generated hostile files, read in a child process under limits.

The child has an address-space limit (1.5 GB) and a wall-clock timeout (30 s). For each file
the test asserts that `read_workbook` either returned a RawWorkbook or raised WorkbookError
with a W2xx finding: never another exception, a crash, a timeout or running out of memory.
Where SOURCES.md says what a file exercises, the outcome is pinned.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / ".." / "shared" / "corpus"
MEMORY_LIMIT = 1536 * 1024 * 1024
TIMEOUT_SECONDS = 30

_CHILD = r"""
import json, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
except (ImportError, ValueError, OSError):
    pass
from pathlib import Path
from opsgov.errors import WorkbookError
from opsgov.intake.raw import CellError
from opsgov.intake.readers import read_workbook

def plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, CellError):
        return {"error": value.code}
    return {"repr": repr(value)}

try:
    book = read_workbook(Path(sys.argv[1]))
except WorkbookError as exc:
    out = {"outcome": "refused", "codes": [i.code for i in exc.issues], "message": exc.message}
else:
    out = {
        "outcome": "read",
        "format": str(book.format),
        "notes": [n.code for n in book.notes],
        "sheets": [
            {
                "name": s.name,
                "visibility": str(s.visibility),
                "first": [s.first_row, s.first_col],
                "size": [len(s.rows), max((len(r) for r in s.rows), default=0)],
                "head": [[plain(v) for v in row[:8]] for row in s.rows[:3]],
            }
            for s in book.sheets
        ],
    }
print(json.dumps(out))
"""


def run_isolated(path: Path) -> dict[str, Any]:
    """Read `path` in a child process under the memory limit and timeout; its JSON report."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path), str(MEMORY_LIMIT)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path.name}: no result within {TIMEOUT_SECONDS} s")
    assert done.returncode == 0, (
        f"{path.name}: the child died (exit {done.returncode}); stderr:\n{done.stderr[-3000:]}"
    )
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["seconds"] = time.monotonic() - started
    if report["outcome"] == "refused":
        assert report["codes"], f"{path.name}: WorkbookError without a finding"
        assert all(c.startswith("F2") for c in report["codes"]), report
    return report


def _corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        str(p.relative_to(CORPUS))
        for p in CORPUS.rglob("*")
        if p.is_file() and p.parent.name != "LICENSES" and p.parent != CORPUS
    )


# Outcomes pinned from what SOURCES.md says each file exercises.
REFUSED = {
    "encrypted_protected/pass_protected.xlsx": "F201",
    "encrypted_protected/pass_protected.ods": "F201",
    "encrypted_protected/password.xls": "F201",
    "xml_attacks/poc-xmlbomb.xlsx": "F205",
    "xml_attacks/poc-shared-strings.xlsx": "F206",
    "resource_limits/issue_594_dos.ods": "F206",
    "corrupt/clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx": "F200",
    "corrupt/clusterfuzz-testcase-minimized-POIFuzzer-5040805309710336.xlsx": "F200",
    "corrupt/OOM_alloc3.xls": "F200",
    "corrupt/xlsx-corrupted.xlsx": "F200",
    "mislabelled/html_table_renamed.xls": "F203",
    "layout/BlankSheetTypes.xlsm": "F203",
}
READ_AS = {
    "mislabelled/xls_renamed.xlsx": "xls",
    "mislabelled/xlsb_renamed.xlsx": "xlsb",
    "mislabelled/ods_renamed.xlsx": "ods",
    "mislabelled/csv_renamed.xlsx": "csv",
    "corrupt/too_small.xls": "csv",
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is absent")
@pytest.mark.parametrize("name", _corpus_files() or ["(no corpus)"])
def test_every_corpus_file_is_read_or_refused_within_limits(name: str) -> None:
    report = run_isolated(CORPUS / name)
    if name in REFUSED:
        assert report["outcome"] == "refused", report
        assert report["codes"] == [REFUSED[name]], report
        return
    assert report["outcome"] == "read", report
    if name in READ_AS:
        assert report["format"] == READ_AS[name]
        assert "F202" in report["notes"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is absent")
def test_seventeen_billion_cell_ods_is_refused_quickly() -> None:
    report = run_isolated(CORPUS / "resource_limits/issue_594_dos.ods")
    assert report["codes"] == ["F206"]
    assert report["seconds"] < 10


@pytest.mark.parametrize("far_cell", ["XFD1048576", "ZZ200000", "A1048576"])
def test_far_cells_never_reach_the_reader(tmp_path: Path, far_cell: str) -> None:
    # Two cells make calamine allocate the whole rectangle between them: 512 GiB for
    # A1:XFD1048576, which aborts the process. Refused from the XML before it is read.
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active[far_cell] = 2
    path = tmp_path / "far.xlsx"
    wb.save(path)
    report = run_isolated(path)
    if far_cell == "A1048576":  # one column: 1,048,576 cells, within the budget
        assert report["outcome"] == "read"
        assert report["sheets"][0]["size"] == [1_048_576, 1]
    else:
        assert report["codes"] == ["F206"]


def test_cells_outside_the_grid_are_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.active["B2"] = 2
    src = tmp_path / "src.xlsx"
    wb.save(src)
    out = tmp_path / "outside.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'r="B2"', b'r="B99999999"').replace(b'r="2"', b'r="99999999"')
            zout.writestr(item.filename, data)
    report = run_isolated(out)
    assert report["codes"] == ["F206"]
    assert "outside Excel's grid" in report["message"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is absent")
def test_xls_declaring_a_huge_sheet_is_refused(tmp_path: Path) -> None:
    # A 6 KB .xls whose DIMENSIONS record claims 2^31 rows x 65,536 columns makes calamine
    # reserve terabytes and abort; the read happens in a measured child process first.
    data = bytearray((CORPUS / "dates/1904DateWindowing.xls").read_bytes())
    pos = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS record, 14 bytes
    assert pos > 0
    struct.pack_into("<I", data, pos + 8, 0x7FFFFFFF)
    struct.pack_into("<H", data, pos + 14, 0xFFFF)
    path = tmp_path / "huge.xls"
    path.write_bytes(bytes(data))
    report = run_isolated(path)
    assert report["outcome"] == "refused"
    assert report["codes"] == ["F200"]
    assert "crashed" in report["message"]


def test_far_cell_behind_another_namespace_prefix_is_refused(tmp_path: Path) -> None:
    # calamine matches cells by local name, so <x:c> counts even where <c> is the norm.
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    src = tmp_path / "src.xlsx"
    wb.save(src)
    far = (
        b'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'r="XFD1048576"><x:v>2</x:v></x:c>'
    )
    out = tmp_path / "prefixed_far.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</row>", far + b"</row>", 1)
                assert far in data
            zout.writestr(item.filename, data)
    report = run_isolated(out)
    assert report["codes"] == ["F206"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is absent")
def test_corpus_is_intact() -> None:
    listed = {}
    for line in (CORPUS / "SHA256SUMS").read_text("utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.lstrip("*").removeprefix("./")] = digest
    data_files = set(_corpus_files())
    assert data_files <= set(listed), sorted(data_files - set(listed))
    for name in sorted(data_files):
        assert hashlib.sha256((CORPUS / name).read_bytes()).hexdigest() == listed[name], name
