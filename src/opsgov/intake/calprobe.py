"""Where python-calamine's two row APIs start, measured once rather than assumed."""

from __future__ import annotations

import functools
import io
import zipfile
from typing import NamedTuple

import python_calamine as calamine


class Probe(NamedTuple):
    """Where python-calamine's two row APIs start, measured rather than assumed."""

    iter_rows_pads_rows: bool
    """`iter_rows` yields the leading empty rows (from row 1)."""
    iter_rows_pads_cols: bool
    """`iter_rows` yields the leading empty columns (from column A)."""
    to_python_trims: bool
    """`to_python()` returns exactly the used rectangle, from its first row and column."""


@functools.cache
def probe() -> Probe:
    """How `iter_rows` and `to_python` place the cells of a one-cell workbook (B3).

    python-calamine 0.9.1: `iter_rows` yields leading empty rows but not leading empty
    columns; `to_python()` returns just the used rectangle. Measured once, so that another
    version cannot silently shift every row.
    """
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="3"><c r="B3"><v>7</v></c></row>'
        "</sheetData></worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in parts.items():
            zf.writestr(name, text)
    buffer.seek(0)
    with calamine.CalamineWorkbook.from_filelike(buffer) as workbook:
        sheet = workbook.get_sheet_by_index(0)
        rows = list(sheet.iter_rows())
        bulk = sheet.to_python()
    return Probe(len(rows) == 3, len(rows[-1]) == 2, bulk == [[7.0]])
