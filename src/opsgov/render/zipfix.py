"""Deterministic xlsx bytes: openpyxl stamps zip entries and core properties with the clock."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any, Final

from openpyxl.xml.functions import tostring

CREATOR: Final = "opsgov"
"""Creator and last editor of every workbook opsgov writes."""
ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)
"""The time every zip entry carries (the earliest a zip can hold)."""


def fixed_zip(data: bytes, properties: Any) -> bytes:
    """The workbook's zip with fixed entry times and the given core properties."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = tostring(properties.to_tree())
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o100644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def workbook_bytes(book: Any, day: dt.date, title: str) -> bytes:
    """An openpyxl workbook saved as deterministic bytes: created and modified on `day`.

    openpyxl stamps `modified` with the clock while saving; the zip is rewritten with the
    given properties and fixed entry times, so the same workbook gives the same bytes.
    """
    stamp = dt.datetime.combine(day, dt.time())
    props = book.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.title = title
    props.created = stamp
    props.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    props.modified = stamp
    return fixed_zip(buffer.getvalue(), props)
