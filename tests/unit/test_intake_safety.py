"""Zip-based files are checked before any spreadsheet reader opens them.

Hostile archives are generated at test time (none is stored), and each test asserts that the
reader was never called.
"""

from __future__ import annotations

import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from opsgov.errors import WorkbookError
from opsgov.intake.limits import Limits
from opsgov.intake.readers import read_workbook
from opsgov.intake.safety import PROLOG_MAX, check_archive, check_directory


@pytest.fixture
def small_xlsx(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "site"
    wb.active["A2"] = "MNL"
    path = tmp_path / "small.xlsx"
    wb.save(path)
    return path


@pytest.fixture
def no_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the spreadsheet reader is ever called."""

    def forbidden(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the reader must not see this file")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", forbidden)


def _rebuild(
    src: Path,
    dst: Path,
    edit: Callable[[str, bytes], bytes] | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item.filename, edit(item.filename, data) if edit else data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # duplicate names warn, and are what some tests want
            for name, data in (extra or {}).items():
                zout.writestr(name, data)
    return dst


def _code(path: Path, limits: Limits | None = None) -> tuple[str, str]:
    with pytest.raises(WorkbookError) as err:
        read_workbook(path, limits or Limits())
    (issue,) = err.value.issues
    return issue.code, issue.message


@pytest.mark.usefixtures("no_reader")
def test_zip_bomb_by_ratio_is_refused_before_reading(small_xlsx: Path, tmp_path: Path) -> None:
    def pad(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":  # 50 MB of spaces: compresses about 1,000:1
            return data.replace(b"<sheetData>", b"<sheetData>" + b" " * 50_000_000)
        return data

    bomb = _rebuild(small_xlsx, tmp_path / "bomb.xlsx", pad)
    assert bomb.stat().st_size < 200_000
    code, message = _code(bomb)
    assert code == "F204"
    assert "zip bomb" in message


@pytest.mark.usefixtures("no_reader")
def test_declared_size_above_the_limit_is_refused(small_xlsx: Path) -> None:
    code, message = _code(small_xlsx, Limits(max_entry_bytes=500))
    assert code == "F204"
    assert "declares" in message


@pytest.mark.usefixtures("no_reader")
def test_total_declared_size_above_the_limit_is_refused(small_xlsx: Path) -> None:
    assert _code(small_xlsx, Limits(max_total_bytes=2_000))[0] == "F204"


@pytest.mark.usefixtures("no_reader")
def test_too_many_entries(small_xlsx: Path, tmp_path: Path) -> None:
    extra = {f"xl/media/pad{i}.bin": b"" for i in range(1_001)}
    code, message = _code(_rebuild(small_xlsx, tmp_path / "many.xlsx", extra=extra))
    assert code == "F204"
    assert "entries" in message


@pytest.mark.usefixtures("no_reader")
def test_duplicate_entry_names(small_xlsx: Path, tmp_path: Path) -> None:
    twin = {"xl/worksheets/sheet1.xml": b"<worksheet/>"}
    assert _code(_rebuild(small_xlsx, tmp_path / "twin.xlsx", extra=twin))[0] == "F204"


@pytest.mark.usefixtures("no_reader")
@pytest.mark.parametrize("name", ["../evil.xml", "/etc/evil.xml", "C:/evil.xml", "xl/../../x"])
def test_entry_names_outside_the_archive(small_xlsx: Path, tmp_path: Path, name: str) -> None:
    path = _rebuild(small_xlsx, tmp_path / "escape.xlsx", extra={name: b"<x/>"})
    assert _code(path)[0] == "F204"


@pytest.mark.usefixtures("no_reader")
def test_doctype_with_external_entity_is_refused(small_xlsx: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    sst = (
        '<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY x SYSTEM "'
        + secret.as_uri()
        + '">]>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'count="1" uniqueCount="1"><si><t>&x;</t></si></sst>'
    ).encode()

    def inject(name: str, data: bytes) -> bytes:
        return sst if name == "xl/sharedStrings.xml" else data

    with zipfile.ZipFile(small_xlsx) as zf:
        has_sst = "xl/sharedStrings.xml" in zf.namelist()
    extra = None if has_sst else {"xl/sharedStrings.xml": sst}
    path = _rebuild(small_xlsx, tmp_path / "xxe.xlsx", inject, extra)
    with pytest.raises(WorkbookError) as err:
        read_workbook(path)
    (issue,) = err.value.issues
    assert issue.code == "F205"
    assert "TOP-SECRET-VALUE" not in repr(err.value.issues) + err.value.message


@pytest.mark.usefixtures("no_reader")
def test_doctype_behind_a_long_prolog_is_found(small_xlsx: Path, tmp_path: Path) -> None:
    def hide(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return b"<?xml version='1.0'?><!--" + b"-" * 5_000 + b"--><!DOCTYPE w>" + data[38:]
        return data

    assert _code(_rebuild(small_xlsx, tmp_path / "late.xlsx", hide))[0] == "F205"


def test_prolog_longer_than_any_real_one_is_refused(small_xlsx: Path, tmp_path: Path) -> None:
    def endless(name: str, data: bytes) -> bytes:
        if name == "xl/styles.xml":
            return b"<?xml version='1.0'?>" + b" " * (PROLOG_MAX + 10)
        return data

    path = _rebuild(small_xlsx, tmp_path / "prolog.xlsx", endless)
    with pytest.raises(WorkbookError) as err:
        check_archive(path, Limits())
    assert err.value.issues[0].code == "F204"


def test_utf16_part_with_doctype_is_refused(small_xlsx: Path, tmp_path: Path) -> None:
    def utf16(name: str, data: bytes) -> bytes:
        if name == "docProps/app.xml":
            return '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16")
        return data

    path = _rebuild(small_xlsx, tmp_path / "utf16.xlsx", utf16)
    with pytest.raises(WorkbookError) as err:
        check_archive(path, Limits())
    assert err.value.issues[0].code == "F205"


def test_declared_size_patched_down_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    for r in range(1, 5_001):
        wb.active.cell(r, 1, r)
    src = tmp_path / "src.xlsx"
    wb.save(src)
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        prefix = zf.read(info)[:1000]
    crc = zlib.crc32(prefix)
    struct.pack_into("<II", data, info.header_offset + 14, crc, info.compress_size)
    struct.pack_into("<I", data, info.header_offset + 22, len(prefix))
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + name_len]) == info.filename.encode():
            struct.pack_into("<I", data, pos + 16, crc)
            struct.pack_into("<I", data, pos + 24, len(prefix))
        pos = data.find(b"PK\x01\x02", pos + 4)
    lying = tmp_path / "lying.xlsx"
    lying.write_bytes(bytes(data))
    code, message = _code(lying)
    assert code == "F204"
    assert "tampered" in message


def test_real_workbook_passes(small_xlsx: Path) -> None:
    names = [i.filename for i in check_archive(small_xlsx, Limits())]
    assert "xl/workbook.xml" in names


def test_bomb_with_declared_size_patched_down_stops_at_that_size(
    small_xlsx: Path, tmp_path: Path
) -> None:
    def pad(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return data.replace(b"<sheetData>", b"<sheetData>" + b" " * 50_000_000)
        return data

    bomb = _rebuild(small_xlsx, tmp_path / "bomb.xlsx", pad)
    data = bytearray(bomb.read_bytes())
    with zipfile.ZipFile(bomb) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    declared = info.compress_size * 2  # ratio 2:1, well inside every limit
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + name_len]) == info.filename.encode():
            struct.pack_into("<I", data, pos + 24, declared)
        pos = data.find(b"PK\x01\x02", pos + 4)
    lying = tmp_path / "lying_bomb.xlsx"
    lying.write_bytes(bytes(data))
    # Both the scan and the reader stop at the declared size: the read fails as damaged
    # instead of inflating 50 MB.
    assert _code(lying)[0] == "F200"


@pytest.mark.parametrize(
    ("content", "uncompressed", "compressed"),
    [
        # Measured on 1,048,576 x 16 sheets written the way Excel writes them (limits.py).
        ("dates, text, counts and ratios", 689_836_740, 137_378_221),
        ("sixteen full-precision floats", 903_141_813, 217_249_386),
        ("sixteen inline strings", 1_234_159_522, 83_048_575),
    ],
)
def test_a_full_height_sheet_passes_the_default_limits(
    tmp_path: Path, content: str, uncompressed: int, compressed: int
) -> None:
    sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    sheet.compress_type = zipfile.ZIP_DEFLATED
    sheet.file_size, sheet.compress_size = uncompressed, compressed
    parts = [zipfile.ZipInfo(n) for n in ("[Content_Types].xml", "xl/workbook.xml")]
    check_directory(tmp_path / f"{content}.xlsx", [*parts, sheet], Limits())
    assert compressed < Limits().max_file_bytes


@pytest.mark.parametrize(
    "prolog",
    [
        b"<?xml version='1.0'?><!-- <a --><!DOCTYPE a [<!ENTITY x 'y'>]>",
        b"<?xml version='1.0'?><?pi <b?><!DOCTYPE a>",
        b"<?xml version='1.0'?>\n<!-- <cp:x> -->\n<!doctype a>",
    ],
)
def test_doctype_hidden_behind_markup_in_a_comment_is_refused(
    small_xlsx: Path, tmp_path: Path, prolog: bytes
) -> None:
    def hide(name: str, data: bytes) -> bytes:
        if name == "docProps/core.xml":
            return prolog + data[data.index(b"<cp:") :]
        return data

    assert _code(_rebuild(small_xlsx, tmp_path / "hidden.xlsx", hide))[0] == "F205"


def test_doctype_in_a_part_not_named_xml_is_refused(small_xlsx: Path, tmp_path: Path) -> None:
    path = tmp_path / "vml.xlsx"
    path.write_bytes(small_xlsx.read_bytes())
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/drawings/vmlDrawing1.vml", b"<!DOCTYPE x [<!ENTITY a 'b'>]><xml/>")
    assert _code(path)[0] == "F205"


SHARED_STRINGS_BOOK = (
    Path(__file__).resolve().parents[2]
    / "sample_data"
    / "inbox"
    / "2026-10"
    / "DUB1_daily_metrics_2026-10.xlsx"
)
"""A LibreOffice-written workbook whose text is in a shared-string table."""


def _with_shared_strings(dst: Path, size: int) -> zipfile.ZipInfo:
    """The workbook with its shared-string table grown to `size` bytes of distinct texts
    (about 40:1 compressed, well inside the ratio cap)."""
    rng = random.Random(1)
    chunk = b"".join(
        b"<si><t>Queue %06x review backlog</t></si>" % rng.randrange(1 << 24)
        if i % 8 == 0
        else b"<si><t>Queue general review backlog</t></si>"
        for i in range(25_000)
    )
    with (
        zipfile.ZipFile(SHARED_STRINGS_BOOK) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for item in zin.infolist():
            if item.filename != "xl/sharedStrings.xml":
                zout.writestr(item, zin.read(item))
                continue
            table = zipfile.ZipInfo(item.filename)
            table.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(table, "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0" encoding="UTF-8"?>')
                fh.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                written = 0
                while written < size:
                    written += fh.write(chunk)
                fh.write(b"</sst>")
    with zipfile.ZipFile(dst) as zf:
        return zf.getinfo("xl/sharedStrings.xml")


@pytest.mark.usefixtures("no_reader")
def test_a_shared_string_table_that_expands_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    # The attack: a small file whose shared strings take gigabytes once read. Every archive
    # check passes (entry size, total, ratio); the table itself is bounded.
    path = tmp_path / "strings.xlsx"
    table = _with_shared_strings(path, Limits().max_shared_strings_bytes + (4 << 20))
    assert path.stat().st_size < 12 << 20
    check_archive(path, Limits())  # no archive limit is hit
    assert table.file_size < table.compress_size * Limits().max_inflate_ratio
    code, message = _code(path)
    assert code == "F206"
    assert "shared-string table" in message
    assert f"{table.file_size:,} bytes" in message


def test_a_shared_string_table_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "strings.xlsx"
    _with_shared_strings(path, 1 << 20)
    assert read_workbook(path).sheets  # the sheets still read; unused strings cost nothing
