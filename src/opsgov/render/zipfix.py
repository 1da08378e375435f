"""Deterministic xlsx bytes: openpyxl stamps zip entries and core properties with the clock."""

from __future__ import annotations

import io
import zipfile
from typing import Any, Final

from openpyxl.xml.functions import tostring

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
