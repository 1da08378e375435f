"""Workbook settings of .xls, .xlsb and .ods files that python-calamine does not expose.

- The date system (1900 or 1904). The reader converts date cells itself; the setting matters
  for day numbers stored in cells that are not formatted as dates.
- In .ods files, how many cells hold an error value: the reader returns them as empty text,
  and LibreOffice marks them `calcext:value-type="error"`.

Each function reads a bounded prefix of one stream or part and never raises on damaged
input: it falls back to the default and lets the reader report the damage.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path

from opsgov.intake.ole import OleError, OleFile

_XLS_GLOBALS_MAX = 16 << 20
_XLSB_WORKBOOK_MAX = 1 << 20
_CHUNK = 1 << 20
_NULL_DATE = re.compile(rb'null-date\b[^>]*?date-value\s*=\s*"(\d{4}-\d{2}-\d{2})')
_ODS_ERROR = b'value-type="error"'


def xls_date_system(path: Path) -> int:
    """1904 when an .xls file's globals hold a Date1904 record set to 1, else 1900.

    Args:
        path: The .xls file (an OLE container with a `Workbook` or `Book` stream).
    """
    try:
        with path.open("rb") as fh:
            ole = OleFile(fh, path.stat().st_size)
            stream = next((s for s in ("Workbook", "Book") if s in ole.names), None)
            if stream is None:
                return 1900
            data = ole.read_stream_head(stream, _XLS_GLOBALS_MAX)
    except (OSError, OleError):
        return 1900
    pos = 0
    while pos + 4 <= len(data):
        kind, length = struct.unpack_from("<HH", data, pos)
        if kind == 0x0022 and length >= 2:  # Date1904
            return 1904 if struct.unpack_from("<H", data, pos + 4)[0] == 1 else 1900
        if kind == 0x000A and pos > 0:  # EOF of the globals substream
            break
        pos += 4 + length
    return 1900


def xlsb_date_system(zf: zipfile.ZipFile) -> int:
    """1904 when an .xlsb workbook's BrtWbProp record has its f1904 flag set, else 1900.

    Args:
        zf: The open .xlsb archive.
    """
    try:
        with zf.open("xl/workbook.bin") as fh:
            data = fh.read(_XLSB_WORKBOOK_MAX)
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError):
        return 1900
    pos = 0
    while pos < len(data):
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        if kind < 0 or size < 0:
            break
        if kind == 0x0099 and size >= 4:  # BrtWbProp
            return 1904 if struct.unpack_from("<I", data, pos)[0] & 1 else 1900
        pos += size
    return 1900


def ods_facts(zf: zipfile.ZipFile) -> tuple[int, int]:
    """(date system, number of error cells) of an .ods file, from `content.xml`.

    ODF stores the epoch as `table:null-date`; LibreOffice's default, 1899-12-30, gives the
    same dates as Excel's 1900 system, and 1904-01-01 is the 1904 system.

    Args:
        zf: The open .ods archive.
    """
    date_system, errors, tail = 1900, 0, b""
    try:
        with zf.open("content.xml") as fh:
            while chunk := fh.read(_CHUNK):
                buf = tail + chunk
                errors += buf.count(_ODS_ERROR) - tail.count(_ODS_ERROR)
                found = _NULL_DATE.search(buf)
                if found is not None and found.group(1) == b"1904-01-01":
                    date_system = 1904
                tail = buf[-256:]
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError):
        pass
    return date_system, errors


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    """A BIFF12 variable-length number: 7 bits a byte, low first; (-1, pos) when cut short."""
    value = 0
    for i in range(most):
        if pos >= len(data):
            return -1, pos
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            break
    return value, pos
