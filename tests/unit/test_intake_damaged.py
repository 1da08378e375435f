"""A damaged archive never changes a number: a member whose bytes no longer match their
stored CRC-32 is refused (F218) before anything read from it is used."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from opsgov.errors import WorkbookError
from opsgov.intake.readers import read_workbook

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "inbox" / "2026-10"


def _workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Daily"
    ws.append(["Site", "Queue", "Handled"])
    ws.append(["MNL1", "general", 20510])
    ws.append(["MNL1", "escalations", 311])
    wb.save(path)
    return path


def _tamper(src: Path, dst: Path, member: str, old: bytes, new: bytes) -> None:
    """Copy `src` with `old` replaced by `new` in one member, its original CRC-32 kept."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        crc = zin.getinfo(member).CRC  # before writestr updates the shared ZipInfo
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                assert old in data
                data = data.replace(old, new, 1)
            zout.writestr(info, data, compress_type=info.compress_type)
    blob = bytearray(dst.read_bytes())
    with zipfile.ZipFile(dst) as zf:
        local = zf.getinfo(member).header_offset
    struct.pack_into("<I", blob, local + 14, crc)  # the local header's CRC-32
    name = member.encode()
    central = blob.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", blob, central + 28)[0]
        if bytes(blob[central + 46 : central + 46 + name_len]) == name:
            struct.pack_into("<I", blob, central + 16, crc)  # the central directory's
        central = blob.find(b"PK\x01\x02", central + 4)
    dst.write_bytes(bytes(blob))


def _refused(path: Path) -> str:
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    (issue,) = caught.value.issues
    return issue.code


def test_a_changed_cell_under_the_old_checksum_is_refused(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx")
    assert read_workbook(good).sheets[0].cell(2, 3) == 20510  # the cell tampered with below
    bad = tmp_path / "bad.xlsx"
    _tamper(good, bad, "xl/worksheets/sheet1.xml", b"<v>20510</v>", b"<v>90510</v>")
    with zipfile.ZipFile(bad) as zf:  # the archive itself looks fine to a directory check
        assert (
            zf.getinfo("xl/worksheets/sheet1.xml").CRC
            == zipfile.ZipFile(good).getinfo("xl/worksheets/sheet1.xml").CRC
        )
    with pytest.raises(WorkbookError) as caught:
        read_workbook(bad)
    (issue,) = caught.value.issues
    assert issue.code == "F218"
    assert "xl/worksheets/sheet1.xml" in issue.message


def test_a_changed_styles_part_is_refused(tmp_path: Path) -> None:
    # The styles decide which numbers are dates: a part no sheet scan reads is checked too.
    good = _workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as zf:
        styles = zf.read("xl/styles.xml")
    assert b'numFmtId="0"' in styles
    _tamper(good, bad, "xl/styles.xml", b'numFmtId="0"', b'numFmtId="14"')
    assert _refused(bad) == "F218"


def test_a_changed_ods_content_part_is_refused(tmp_path: Path) -> None:
    good = SAMPLE / "AUS1_daily_metrics_2026-10.ods"
    with zipfile.ZipFile(good) as zf:
        content = zf.read("content.xml")
    digit = content.index(b'office:value="') + len(b'office:value="')
    old = content[digit - 14 : digit + 1]
    new = old[:-1] + (b"9" if old[-1:] != b"9" else b"8")
    bad = tmp_path / "bad.ods"
    _tamper(good, bad, "content.xml", old, new)
    assert _refused(bad) == "F218"


def _cells(path: Path) -> list[list[object]]:
    return [list(row) for sheet in read_workbook(path).sheets for row in sheet.rows]


def _outcome(path: Path) -> tuple[set[str], list[list[object]]]:
    """The codes of a refusal, or the cells read."""
    try:
        return set(), _cells(path)
    except WorkbookError as exc:
        return {issue.code for issue in exc.issues} or {"none"}, []


def _stored(src: Path, dst: Path) -> tuple[int, int]:
    """Copy `src` with every member stored uncompressed (as some exporters write them);
    returns where the sheet's bytes lie in the file."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info))
    with zipfile.ZipFile(dst) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return start, start + info.file_size


def test_random_bit_flips_in_a_sheet_are_refused(tmp_path: Path) -> None:
    # Stored members have no deflate stream to break: a flipped bit in a digit reads as
    # another number, and only the checksum tells.
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Site", "Queue", "Handled"])
    for i in range(200):
        ws.append(["MNL1", "general" if i % 2 else "escalations", 1000 + 37 * i])
    wb.save(tmp_path / "source.xlsx")
    good = tmp_path / "good.xlsx"
    start, end = _stored(tmp_path / "source.xlsx", good)
    truth = _cells(good)
    blob = good.read_bytes()
    rng = random.Random(20)
    for trial in range(50):
        flipped = bytearray(blob)
        at = rng.randrange(start, end)
        flipped[at] ^= 1 << rng.randrange(8)
        path = tmp_path / f"flip{trial}.xlsx"
        path.write_bytes(bytes(flipped))
        codes, cells = _outcome(path)
        if codes:
            assert codes <= {"F218", "F200"}
            continue
        assert cells == truth, f"a flipped bit at byte {at} changed the cells"


def test_random_bit_flips_anywhere_are_refused_or_change_nothing(tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx")
    blob = good.read_bytes()
    truth = _cells(good)
    rng = random.Random(20)
    refused = 0
    for trial in range(50):
        flipped = bytearray(blob)
        at = rng.randrange(len(flipped))
        flipped[at] ^= 1 << rng.randrange(8)
        path = tmp_path / f"flip{trial}.xlsx"
        path.write_bytes(bytes(flipped))
        codes, cells = _outcome(path)
        if codes:
            assert all(code.startswith("F2") for code in codes)
            refused += 1
            continue
        assert cells == truth, f"a flipped bit at byte {at} changed the cells"
    assert refused > 40  # every member's bytes are checked, not only the sheets'
