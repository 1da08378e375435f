"""What a file really is, decided by its content, never by its name.

Vendors send .xls files renamed .xlsx, HTML pages and CSVs named .xls, encrypted workbooks
and files damaged in transit. `sniff` reads only the bytes it needs: the first bytes (magic
numbers), the directory of an OLE container, the member names of a zip archive and a few
small members (`mimetype`, `[Content_Types].xml`, the ODF manifest).

It does not use `zipfile.is_zipfile()`: that looks for an end-of-archive record *anywhere*
in the file and says True for some legacy .xls files, which embed a zipped theme.
"""

from __future__ import annotations

import re
import struct
import zipfile
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from opsgov.intake.ole import SIGNATURE as OLE_SIGNATURE
from opsgov.intake.ole import OleError, OleFile
from opsgov.intake.ooxml import xml_tags

_HEAD = 8192  # bytes read to classify text
_SMALL_MEMBER = 1 << 20  # most bytes read from a zip member while sniffing


class FileFormat(StrEnum):
    """The kinds of file the input boundary tells apart."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    """An xlsx workbook with a VBA project (macros are never run, only the cells are read)."""
    XLSB = "xlsb"
    XLS = "xls"
    """Legacy Excel 97-2003 (BIFF8 in an OLE container)."""
    ODS = "ods"
    CSV = "csv"
    """Delimited text (comma, semicolon, tab or pipe)."""
    HTML = "html"
    SPREADSHEETML_2003 = "spreadsheetml_2003"
    """The Excel 2003 XML format, a common "Export to Excel" output."""
    ENCRYPTED_OOXML = "encrypted_ooxml"
    """A password-encrypted xlsx/xlsm/xlsb: an OLE container holding `EncryptedPackage`."""
    ENCRYPTED_XLS = "encrypted_xls"
    """A password-encrypted .xls (a BIFF FilePass record)."""
    ENCRYPTED_ODS = "encrypted_ods"
    ZIP_OTHER = "zip_other"
    """A zip archive that is not a spreadsheet (a Word document, a folder of files)."""
    OLE_OTHER = "ole_other"
    """An OLE container that is not a workbook (a Word .doc, an Outlook .msg)."""
    DAMAGED = "damaged"
    """A zip or OLE container whose structure cannot be read (truncated, corrupted)."""
    PDF = "pdf"
    OTHER = "other"
    """Binary data or a text format that is not delimited text (XML, RTF)."""
    EMPTY = "empty"


SPREADSHEET_FORMATS = frozenset(
    {FileFormat.XLSX, FileFormat.XLSM, FileFormat.XLSB, FileFormat.XLS, FileFormat.ODS}
)
"""Formats read by the workbook reader."""

EXTENSIONS: dict[FileFormat, frozenset[str]] = {
    FileFormat.XLSX: frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"}),
    FileFormat.XLSM: frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"}),
    FileFormat.XLSB: frozenset({".xlsb"}),
    FileFormat.XLS: frozenset({".xls", ".xlt", ".xla"}),
    FileFormat.ODS: frozenset({".ods", ".ots", ".fods"}),
    FileFormat.CSV: frozenset({".csv", ".tsv", ".tab", ".txt", ".psv", ".dat", ".text"}),
}
"""File-name extensions that match each readable format (a mismatch is noted, not fatal)."""

_MAIN_CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (FileFormat.XLSX),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (
        FileFormat.XLSX
    ),
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": FileFormat.XLSM,
    "application/vnd.ms-excel.template.macroenabled.main+xml": FileFormat.XLSM,
    "application/vnd.ms-excel.addin.macroenabled.main+xml": FileFormat.XLSM,
    "application/vnd.ms-excel.sheet.binary.macroenabled.main": FileFormat.XLSB,
}
_RELATIONSHIP = frozenset({"Relationship"})
_TYPES = frozenset({"Override", "Default"})
_ODS_MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_HTML_START = re.compile(
    rb"\A(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta|title|style)\b",
    re.IGNORECASE | re.DOTALL,
)
_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"BZh",
    b"{\\rtf",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",
)


def sniff(path: Path) -> FileFormat:
    """Classify a file by its content.

    Args:
        path: The file to look at.

    Returns:
        The file's real format; `DAMAGED` when a zip or OLE container is broken, `OTHER` for
        anything that is neither a spreadsheet nor delimited text.

    Raises:
        OSError: The file cannot be opened or read.
    """
    size = path.stat().st_size
    if size == 0:
        return FileFormat.EMPTY
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
        if head.startswith(OLE_SIGNATURE):
            return _sniff_ole(fh, size)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return _sniff_zip(path)
    if head.startswith(b"%PDF-"):
        return FileFormat.PDF
    return _sniff_text(head)


def is_text(head: bytes) -> bool:
    """Whether the first bytes of a file look like text in some common encoding.

    Args:
        head: The first few kilobytes of the file.
    """
    if head.startswith(_TEXT_BOMS) or utf16_without_bom(head) is not None:
        return True
    if head.startswith(_BINARY_MAGIC):
        return False
    controls = sum(head.count(bytes([b])) for b in _CONTROL_BYTES)
    return controls <= max(8, len(head) // 100)


def utf16_without_bom(head: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when text is UTF-16 without a byte-order mark, else None.

    Text in Latin scripts encoded as UTF-16 has a NUL in (almost) every other byte: at odd
    offsets for little-endian, at even offsets for big-endian. A few stray NULs in 8-bit text
    do not make that pattern.

    Args:
        head: The first few kilobytes of the file.
    """
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    pairs = len(sample) // 2
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.7 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.7 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1A), *range(0x1C, 0x20)])


def _sniff_text(head: bytes) -> FileFormat:
    if not is_text(head):
        return FileFormat.OTHER
    text = _text_prefix(head)
    stripped = text.lstrip().lower()
    if not stripped:
        return FileFormat.EMPTY if len(head) < _HEAD else FileFormat.CSV
    if stripped.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in stripped or (
            b'progid="excel.sheet"' in stripped
        ):
            return FileFormat.SPREADSHEETML_2003
        if b"<html" in stripped:
            return FileFormat.HTML
        return FileFormat.OTHER
    if _HTML_START.match(stripped) or stripped.startswith(b"mime-version:"):
        return FileFormat.HTML
    return FileFormat.CSV


def _text_prefix(head: bytes) -> bytes:
    """The start of a text file as ASCII-compatible bytes, whatever its Unicode encoding."""
    encoding = None
    if head.startswith(b"\xff\xfe"):
        encoding, head = "utf-16-le", head[2:]
    elif head.startswith(b"\xfe\xff"):
        encoding, head = "utf-16-be", head[2:]
    elif head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    else:
        encoding = utf16_without_bom(head)
    if encoding is None:
        return head
    head = head[: len(head) - len(head) % 2]
    return head.decode(encoding, errors="replace").encode("utf-8", errors="replace")


def _sniff_ole(fh: BinaryIO, size: int) -> FileFormat:
    try:
        ole = OleFile(fh, size)
        names = ole.names
        if "EncryptedPackage" in names:
            return FileFormat.ENCRYPTED_OOXML
        for stream in ("Workbook", "Book"):
            if stream in names:
                head = ole.read_stream_head(stream, 8192)
                return FileFormat.ENCRYPTED_XLS if _biff_has_filepass(head) else FileFormat.XLS
    except OleError:
        return FileFormat.DAMAGED
    return FileFormat.OLE_OTHER


def _biff_has_filepass(stream: bytes) -> bool:
    """Whether the workbook globals start with a FilePass record ([MS-XLS] 2.4.117).

    FilePass, when present, follows the first BOF record closely, before the sheet list
    (BoundSheet8, 0x0085) and the code page (0x0042).
    """
    pos = 0
    for _ in range(64):
        if pos + 4 > len(stream):
            return False
        kind, length = struct.unpack_from("<HH", stream, pos)
        if kind == 0x002F:
            return True
        if kind in (0x0085, 0x0042, 0x00FC, 0x000A) and pos > 0:
            return False
        pos += 4 + length
    return False


def _sniff_zip(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = {i.filename: i for i in zf.infolist()}
            if not infos:
                return FileFormat.ZIP_OTHER
            if "mimetype" in infos:
                mimetype = _read_small(zf, infos["mimetype"]).strip()
                if mimetype in _ODS_MIMETYPES:
                    manifest = infos.get("META-INF/manifest.xml")
                    if manifest and b"encryption-data" in _read_small(zf, manifest):
                        return FileFormat.ENCRYPTED_ODS
                    return FileFormat.ODS
                if mimetype.startswith(b"application/vnd.oasis.opendocument"):
                    return FileFormat.ZIP_OTHER
            main = _ooxml_main_format(zf, infos)
            if main is not None:
                if main is FileFormat.XLSX and any(
                    name.endswith("vbaProject.bin") for name in infos
                ):
                    return FileFormat.XLSM
                return main
            return FileFormat.ZIP_OTHER
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError):
        return FileFormat.DAMAGED
    except (EOFError, ValueError, KeyError, OverflowError):
        return FileFormat.DAMAGED


def _ooxml_main_format(zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> FileFormat | None:
    """The format of an OOXML package's main part, or None if the zip is no OOXML package.

    xlsx, xlsm or xlsb for workbooks; ZIP_OTHER for other packages (a Word document).

    The main part is the target of the root relationship of type `.../officeDocument`
    (transitional or strict namespace); its content type comes from `[Content_Types].xml`.
    Parts may live anywhere (`wtf/workbook.xml` is valid), so paths are never assumed.
    """
    main: str | None = None
    if "_rels/.rels" in infos:
        for kind, attrs in xml_tags(_read_small(zf, infos["_rels/.rels"]), _RELATIONSHIP):
            if kind == "Relationship" and attrs.get("Type", "").endswith("/officeDocument"):
                main = attrs.get("Target", "").lstrip("/")
                break
    if main is None:
        if "xl/workbook.bin" in infos:
            main = "xl/workbook.bin"
        elif "xl/workbook.xml" in infos:
            main = "xl/workbook.xml"
        else:
            return FileFormat.ZIP_OTHER if "[Content_Types].xml" in infos else None
    if "[Content_Types].xml" not in infos:
        return FileFormat.XLSB if main.endswith(".bin") else FileFormat.XLSX
    overrides: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for kind, attrs in xml_tags(_read_small(zf, infos["[Content_Types].xml"]), _TYPES):
        declared = attrs.get("ContentType", "").lower()
        if kind == "Override":
            overrides[attrs.get("PartName", "").lstrip("/").lower()] = declared
        elif kind == "Default":
            defaults[attrs.get("Extension", "").lower()] = declared
    main_type = overrides.get(main.lower())
    if main_type is None:
        main_type = defaults.get(main.rsplit(".", 1)[-1].lower(), "")
    return _MAIN_CONTENT_TYPES.get(main_type, FileFormat.ZIP_OTHER)


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The first bytes of a zip member (sniffing never inflates a whole large member)."""
    with zf.open(info) as fh:
        return fh.read(_SMALL_MEMBER)
