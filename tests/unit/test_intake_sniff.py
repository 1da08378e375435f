"""sniff(): files are classified by content, never by name."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from opsgov.intake.sniff import FileFormat, sniff, utf16_without_bom

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="the shared corpus (../shared/corpus) is not present"
)


def _xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "site"
    wb.save(path)
    return path


def test_xlsx_by_content_whatever_the_name(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "book.xlsx")
    renamed = tmp_path / "book.csv"
    renamed.write_bytes(path.read_bytes())
    assert sniff(path) is FileFormat.XLSX
    assert sniff(renamed) is FileFormat.XLSX


def test_vba_project_makes_xlsm(tmp_path: Path) -> None:
    src = _xlsx(tmp_path / "plain.xlsx")
    out = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("xl/vbaProject.bin", b"\x00" * 16)
    assert sniff(out) is FileFormat.XLSM


def test_ods_by_mimetype_member(tmp_path: Path) -> None:
    out = tmp_path / "sheet.bin"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    assert sniff(out) is FileFormat.ODS


def test_encrypted_ods_by_manifest(tmp_path: Path) -> None:
    out = tmp_path / "secret.ods"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml">'
            "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>",
        )
    assert sniff(out) is FileFormat.ENCRYPTED_ODS


def test_odf_text_document_is_not_a_spreadsheet(tmp_path: Path) -> None:
    out = tmp_path / "letter.ods"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert sniff(out) is FileFormat.ZIP_OTHER


def test_plain_zip_is_zip_other(tmp_path: Path) -> None:
    out = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("a.txt", "hello")
    assert sniff(out) is FileFormat.ZIP_OTHER


def test_truncated_zip_is_damaged(tmp_path: Path) -> None:
    data = _xlsx(tmp_path / "ok.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert sniff(cut) is FileFormat.DAMAGED


def test_ole_signature_with_garbage_is_damaged(tmp_path: Path) -> None:
    out = tmp_path / "fake.xls"
    out.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert sniff(out) is FileFormat.DAMAGED


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", FileFormat.EMPTY),
        (b"   \n\r\n  ", FileFormat.EMPTY),
        (b"%PDF-1.7\n...", FileFormat.PDF),
        (b"site,calls\nMNL,10\n", FileFormat.CSV),
        (b"\xef\xbb\xbfsite;calls\n", FileFormat.CSV),
        ("site,calls\n".encode("utf-16"), FileFormat.CSV),
        ("site,calls\nMNL,10\n".encode("utf-16-le"), FileFormat.CSV),
        (b"<!DOCTYPE html>\n<html><table><tr><td>1</td></tr></table></html>", FileFormat.HTML),
        (b"  <table><tr><td>1</td></tr></table>", FileFormat.HTML),
        (b"<html xmlns:o='urn:schemas-microsoft-com:office:office'>", FileFormat.HTML),
        (b"MIME-Version: 1.0\nContent-Type: multipart/related", FileFormat.HTML),
        (
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
            b'xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            FileFormat.SPREADSHEETML_2003,
        ),
        (b'<?xml version="1.0"?><data/>', FileFormat.OTHER),
        (b"{\\rtf1\\ansi hello}", FileFormat.OTHER),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), FileFormat.OTHER),
    ],
)
def test_small_files(tmp_path: Path, content: bytes, expected: FileFormat) -> None:
    path = tmp_path / "input.xls"
    path.write_bytes(content)
    assert sniff(path) is expected


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_random_bytes_are_other(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "noise.xlsx"
    path.write_bytes(random.Random(seed).randbytes(4096))
    assert sniff(path) is FileFormat.OTHER


def test_utf16_without_bom_is_recognised() -> None:
    assert utf16_without_bom("a,b\n1,2\n".encode("utf-16-le")) == "utf-16-le"
    assert utf16_without_bom("a,b\n1,2\n".encode("utf-16-be")) == "utf-16-be"
    assert utf16_without_bom(b"a,b\n1,2\n") is None


@needs_corpus
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mislabelled/xls_renamed.xlsx", FileFormat.XLS),
        ("mislabelled/xlsb_renamed.xlsx", FileFormat.XLSB),
        ("mislabelled/ods_renamed.xlsx", FileFormat.ODS),
        ("mislabelled/html_table_renamed.xls", FileFormat.HTML),
        ("mislabelled/csv_renamed.xlsx", FileFormat.CSV),
        ("encrypted_protected/pass_protected.xlsx", FileFormat.ENCRYPTED_OOXML),
        ("encrypted_protected/password.xls", FileFormat.ENCRYPTED_XLS),
        ("encrypted_protected/pass_protected.ods", FileFormat.ENCRYPTED_ODS),
        ("encrypted_protected/workbookProtection-workbook_password-2013.xlsx", FileFormat.XLSX),
        ("layout/wtf_path.xlsx", FileFormat.XLSX),
        ("layout/sheet_visibility_strict.xlsx", FileFormat.XLSX),
        ("layout/BlankSheetTypes.xlsm", FileFormat.XLSM),
        ("dates/1904DateWindowing.xls", FileFormat.XLS),
        ("corrupt/clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808.xlsx",
         FileFormat.DAMAGED),
        ("corrupt/OOM_alloc3.xls", FileFormat.DAMAGED),
        ("csv_encoding/test_utf16_little.csv", FileFormat.CSV),
        ("csv_encoding/null_byte.csv", FileFormat.CSV),
    ],
)  # fmt: skip
def test_corpus_files(name: str, expected: FileFormat) -> None:
    assert sniff(CORPUS / name) is expected


@needs_corpus
def test_sniff_is_not_fooled_by_is_zipfile() -> None:
    # The legacy .xls embeds a zipped theme: zipfile.is_zipfile() says True.
    path = CORPUS / "mislabelled/xls_renamed.xlsx"
    assert zipfile.is_zipfile(path)
    assert sniff(path) is FileFormat.XLS
