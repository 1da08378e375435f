"""Checks on zip-based files (xlsx, xlsm, xlsb, ods) before any spreadsheet reader opens them.

From the archive's central directory alone: the number of entries, each entry's declared
size, the total, the compression ratio, the compression method, and names that are
duplicated or unsafe. Then the prolog of every XML part, whatever its name: a DOCTYPE is
refused, because Office and LibreOffice never write one and entity attacks need one.

Declared sizes can be trusted as upper bounds: both readers used here stop at them (CPython's
`zipfile` returns at most the declared size; calamine's zip reader fails with "File is larger
than its declared uncompressed size", verified on an entry whose sizes were patched down).

Every violation raises `WorkbookError` carrying one Issue (F204 or F205).

The reader does not check the CRC-32 stored with each member: `verify_members` does, for
the members no other scan inflates (the sheet scans of `opsgov.intake.sheetscan` check the
worksheets they read), while the reader parses, so that a member whose bytes changed is
refused (F218) before any number read from the file is used.
"""

from __future__ import annotations

import posixpath
import re
import xml.parsers.expat
import zipfile
from pathlib import Path
from typing import NoReturn

from opsgov.intake.failures import refuse
from opsgov.intake.limits import Limits
from opsgov.intake.sheetscan import inflate

PROLOG_STEP = 1024
"""Bytes inflated at a time while looking for the root element of an XML part."""
PROLOG_MAX = 64 * 1024
"""Longest prolog accepted (XML declaration, comments, processing instructions)."""

_ROOT_OR_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?[\x00\s]*<")
"""What the first bytes of an XML part look like (an optional byte-order mark, then `<`)."""
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


def check_archive(path: Path, limits: Limits) -> list[zipfile.ZipInfo]:
    """Refuse an archive that no spreadsheet program writes, before it is parsed.

    Args:
        path: The zip-based file.
        limits: The limits to enforce.

    Returns:
        The archive's entries, in central-directory order.

    Raises:
        WorkbookError: F204 (archive limits) or F205 (DOCTYPE in an XML part).
        zipfile.BadZipFile: The archive's directory is damaged (mapped by the caller).
    """
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        check_directory(path, infos, limits)
        for info in infos:
            if info.file_size > 0:
                check_prolog(path, zf, info)
    return infos


def verify_members(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate each member and compare its bytes with its stored CRC-32 and size.

    Args:
        path: The archive.
        infos: The members to verify.

    Raises:
        WorkbookError: F218 for the first member whose bytes do not match.
        zlib.error: A member's compressed data is damaged (mapped by the caller).
    """
    for info in infos:
        for _ in inflate(path, info, verify=True):
            pass


def check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Entry count, names, methods, declared sizes and ratios.

    Args:
        path: The archive, for the messages.
        infos: Its central-directory entries.
        limits: The limits to enforce.

    Raises:
        WorkbookError: F204 for the first violation found.
    """
    if len(infos) > limits.max_zip_entries:
        _refuse(
            path,
            f"the archive has {len(infos):,} entries; spreadsheets have a few dozen "
            f"(limit {limits.max_zip_entries:,})",
            found=len(infos),
        )
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        _check_name(path, name, seen)
        if info.flag_bits & 0x1:
            refuse(
                path,
                "F201",
                f"the archive entry {name!r} is password-protected (encrypted): save an "
                "unprotected copy",
            )
        if info.compress_type not in _METHODS:
            _refuse(
                path,
                f"the entry {name!r} uses compression method {info.compress_type}, which "
                "spreadsheet programs do not write",
            )
        size, packed = info.file_size, info.compress_size
        if size > limits.max_entry_bytes:
            _refuse(
                path,
                f"the entry {name!r} declares {size:,} bytes uncompressed "
                f"(limit {limits.max_entry_bytes:,})",
                found=size,
            )
        total += size
        if total > limits.max_total_bytes:
            _refuse(
                path,
                f"the entries declare more than {limits.max_total_bytes:,} bytes uncompressed "
                "in total",
                found=total,
            )
        if info.compress_type == zipfile.ZIP_STORED and packed != size:
            _refuse(path, f"the stored entry {name!r} has two different sizes")
        if packed > size + size // 100 + 1024:
            _refuse(
                path,
                f"the entry {name!r} is larger compressed ({packed:,} bytes) than it declares "
                f"uncompressed ({size:,}): its sizes were tampered with",
            )
        if size > limits.inflate_grace_bytes and size > packed * limits.max_inflate_ratio:
            ratio = size / max(packed, 1)
            _refuse(
                path,
                f"the entry {name!r} expands {ratio:,.0f} times ({packed:,} -> {size:,} bytes); "
                f"spreadsheets expand at most about 120 times (limit "
                f"{limits.max_inflate_ratio:,.0f}): this looks like a zip bomb",
                found=f"{ratio:.0f}:1",
            )


class _PrologEndError(Exception):
    """Raised from the parser's handlers to stop at the root element or at a DOCTYPE."""

    def __init__(self, doctype: bool) -> None:
        super().__init__()
        self.doctype = doctype


def check_prolog(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse an XML part whose prolog declares a DOCTYPE.

    The prolog is parsed by an XML parser (expat), not searched for a pattern, so comments,
    processing instructions and CDATA-like text before the root cannot hide a declaration.
    Only the bytes before the root element are read, a kilobyte at a time and never more
    than 64 KiB, so a 1 GB sheet costs one small read. A part that is not XML (it does not
    start with `<`) is left to the reader. Parsing stops at the DOCTYPE's first byte: no
    entity is ever declared to, or expanded by, the parser.

    Args:
        path: The archive, for the messages.
        zf: The open archive.
        info: The XML part.

    Raises:
        WorkbookError: F205 when a DOCTYPE is found, or F204 when no root element appears
            within 64 KiB.
    """
    parser = xml.parsers.expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _PrologEndError(doctype=True)

    def root(*_: object) -> None:
        raise _PrologEndError(doctype=False)

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    head = b""
    with zf.open(info) as fh:
        while len(head) < PROLOG_MAX:
            chunk = fh.read(PROLOG_STEP)
            if not chunk:
                break
            if not head and not _ROOT_OR_PROLOG.match(chunk):
                return  # not an XML part
            head += chunk
            try:
                parser.Parse(chunk, False)
            except _PrologEndError as end:
                if end.doctype:
                    _doctype_found(path, info.filename)
                return
            except xml.parsers.expat.ExpatError:
                # Malformed before its root: the reader will say so; a DOCTYPE anywhere in
                # the first 64 KiB is still refused, whatever surrounds it.
                head += fh.read(max(PROLOG_MAX - len(head), 0))
                _check_doctype(path, info.filename, _as_ascii(head))
                return
    _check_doctype(path, info.filename, _as_ascii(head))
    if len(head) >= PROLOG_MAX:
        _refuse(path, f"the XML part {info.filename!r} has no root element in its first 64 KiB")


def _check_doctype(path: Path, name: str, prolog: bytes) -> None:
    if b"<!DOCTYPE" in prolog.upper():
        _doctype_found(path, name)


def _doctype_found(path: Path, name: str) -> NoReturn:
    refuse(
        path,
        "F205",
        f"the workbook part {name!r} declares a DOCTYPE, which Excel and LibreOffice never "
        "write (XML entity attack): the file is refused",
        found=name,
    )


def _as_ascii(head: bytes) -> bytes:
    """XML bytes as ASCII-compatible bytes: UTF-16 parts (legal, if rare) are re-encoded."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) > 1 and 0 in head[:2]):
        encoding = "utf-16-be" if head.startswith(b"\xfe\xff") or head[:1] == b"\0" else "utf-16"
        even = head[: len(head) - len(head) % 2]
        return even.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return head


def _check_name(path: Path, name: str, seen: set[str]) -> None:
    folded = name.casefold()
    if folded in seen:
        _refuse(
            path,
            f"the archive holds two entries named {name!r}; readers disagree on which one "
            "counts, so the file is refused",
        )
    seen.add(folded)
    parts = name.replace("\\", "/").split("/")
    if (
        "\0" in name
        or name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in parts
        or posixpath.isabs(name)
    ):
        _refuse(path, f"the archive entry name {name!r} points outside the archive")


def _refuse(path: Path, message: str, found: object = None) -> NoReturn:
    refuse(
        path,
        "F204",
        message,
        found=found,
        hint="if the file is genuine, open it in Excel or LibreOffice and save a fresh copy",
    )
