"""Settings of .xls/.xlsb/.ods files that the reader does not expose, and the OLE reader."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from opsgov.intake.legacy import ods_facts, xls_date_system, xlsb_date_system
from opsgov.intake.limits import Limits
from opsgov.intake.ole import OleError, OleFile
from opsgov.intake.readers import read_workbook
from opsgov.intake.sniff import FileFormat

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not present"
)


def _ods(content: bytes) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    buffer.seek(0)
    return zipfile.ZipFile(buffer)


def test_ods_null_date_and_error_cells() -> None:
    content = (
        b"<office:document-content><table:calculation-settings><table:null-date "
        b'table:date-value="1904-01-01"/></table:calculation-settings>'
        b'<table:table-cell calcext:value-type="error"/><table:table-cell '
        b'calcext:value-type="error"/><table:table-cell office:value-type="float"/>'
        b"</office:document-content>"
    )
    assert ods_facts(_ods(content)) == (1904, 2)
    assert ods_facts(_ods(b"<office:document-content/>")) == (1900, 0)


def test_xlsb_f1904_flag() -> None:
    def workbook_bin(flags: int) -> zipfile.ZipFile:
        # BrtBeginBook (0x83, empty), then BrtWbProp (0x99 = 153: two-byte type varint).
        record = bytes([0x83, 0x01, 0x00]) + bytes([0x99, 0x01, 0x04]) + flags.to_bytes(4, "little")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("xl/workbook.bin", record)
        buffer.seek(0)
        return zipfile.ZipFile(buffer)

    assert xlsb_date_system(workbook_bin(0x1)) == 1904
    assert xlsb_date_system(workbook_bin(0x0)) == 1900


@needs_corpus
def test_xls_date1904_record(tmp_path: Path) -> None:
    source = CORPUS / "dates/1904DateWindowing.xls"
    assert xls_date_system(source) == 1904
    data = bytearray(source.read_bytes())
    record = data.find(b"\x22\x00\x02\x00\x01\x00")  # Date1904, length 2, value 1
    assert record > 0
    data[record + 4] = 0
    flipped = tmp_path / "1900.xls"
    flipped.write_bytes(bytes(data))
    assert xls_date_system(flipped) == 1900


@needs_corpus
def test_ole_directory_of_an_encrypted_workbook() -> None:
    path = CORPUS / "encrypted_protected/pass_protected.xlsx"
    with path.open("rb") as fh:
        ole = OleFile(fh, path.stat().st_size)
        assert {"EncryptedPackage", "EncryptionInfo"} <= ole.names


@needs_corpus
@pytest.mark.parametrize("seed", range(8))
def test_ole_reader_fails_cleanly_on_damaged_files(tmp_path: Path, seed: int) -> None:
    data = bytearray((CORPUS / "dates/1904DateWindowing.xls").read_bytes())
    rng = random.Random(seed)
    for _ in range(40):  # damage the header, FAT and directory sectors
        data[rng.randrange(0x2C, 2048)] = rng.randrange(256)
    damaged = tmp_path / "damaged.xls"
    damaged.write_bytes(bytes(data))
    with damaged.open("rb") as fh:
        try:
            ole = OleFile(fh, len(data))
            for name in ole.names:
                if ole.entries[name][0] == 2:
                    ole.read_stream_head(name, 4096)
        except OleError:
            pass  # the only exception it may raise


@needs_corpus
def test_legacy_formats_read_without_isolation_too() -> None:
    book = read_workbook(
        CORPUS / "mislabelled/xls_renamed.xlsx", Limits(isolate_legacy_formats=False)
    )
    assert book.format is FileFormat.XLS
    visible = book.sheet("Visible")
    assert visible is not None
    assert visible.rows[:3] == [[1, 2], [3, 4], [5, 6]]
