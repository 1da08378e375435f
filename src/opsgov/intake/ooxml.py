"""The package structure of xlsx/xlsm workbooks, read as bytes, and a check of shared strings.

- `workbook_parts`: the workbook part (wherever it lives), its sheets with their part names,
  kinds and visibility, the 1904 date system and `fullCalcOnLoad`, following the package
  relationships in both transitional and strict Open XML.
- `check_shared_strings`: refuses a shared-string table larger than the reader may hold, and
  a shared string longer than a cell may hold, because the reader gives every cell that
  refers to it its own copy.

No XML parser is used: the parts are small and flat, the tags are found with regular
expressions, and no entity is ever resolved (`opsgov.intake.safety` has refused any DOCTYPE).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from opsgov.intake.failures import refuse
from opsgov.intake.limits import Limits
from opsgov.intake.sheetscan import inflate, root_prefix

STRUCTURE_PART_MAX = 64 << 20
"""Largest workbook.xml or .rels part read (real ones are a few kilobytes)."""
_LONGEST_PARTIAL = 16 << 20

_TAG = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def xml_tags(xml: bytes, names: frozenset[str]) -> Iterator[tuple[str, dict[str, str]]]:
    """(local name, attributes) of the start tags with one of `names`, in document order.

    Attribute names lose their namespace prefix (`r:id` -> `id`) and values are unescaped.
    A regular expression is enough for the small, flat parts this reads (package
    relationships, content types, workbook.xml) and never resolves entities.

    Args:
        xml: The part's bytes.
        names: Local element names to report.
    """
    for tag in _TAG.finditer(xml):
        local = tag.group(1).decode("latin-1")
        if local not in names:
            continue
        attrs: dict[str, str] = {}
        for m in _ATTR.finditer(tag.group(2)):
            key = m.group(1).decode("latin-1").rsplit(":", 1)[-1]
            raw = m.group(2) if m.group(2) is not None else m.group(3)
            attrs[key] = html.unescape(raw.decode("utf-8", errors="replace"))
        yield local, attrs


@dataclass(frozen=True)
class SheetPart:
    """One sheet as workbook.xml declares it."""

    name: str
    state: str
    """`visible`, `hidden` or `veryHidden`."""
    part: str | None
    """The zip member holding the sheet, when found."""
    kind: str
    """The relationship type's last word: `worksheet`, `chartsheet`, `dialogsheet`, ..."""


@dataclass(frozen=True)
class WorkbookParts:
    """The package structure of an xlsx/xlsm workbook."""

    main: str
    sheets: list[SheetPart]
    shared_strings: str | None
    date1904: bool
    full_calc_on_load: bool


def workbook_parts(zf: zipfile.ZipFile, path: Path) -> WorkbookParts | None:
    """Find the workbook part, its sheets and settings, following the package relationships.

    Parts may live anywhere (`wtf/workbook.xml` is valid), and strict Open XML uses other
    relationship namespaces, so paths are never assumed and types are matched on their last
    word.

    Args:
        zf: The open archive.
        path: The file, for messages.

    Returns:
        The structure, or None when the package has no recognisable workbook part.
    """
    names = set(zf.namelist())
    main = None
    if "_rels/.rels" in names:
        rels = _read_part(zf, "_rels/.rels", path)
        for _, attrs in xml_tags(rels, frozenset({"Relationship"})):
            if attrs.get("Type", "").endswith("/officeDocument"):
                main = _resolve("", attrs.get("Target", ""))
                break
    if main is None or main not in names:
        main = "xl/workbook.xml" if "xl/workbook.xml" in names else None
    if main is None:
        return None
    folder, base = posixpath.split(main)
    targets: dict[str, tuple[str, str]] = {}
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name in names:
        for _, attrs in xml_tags(_read_part(zf, rels_name, path), frozenset({"Relationship"})):
            kind = attrs.get("Type", "").rsplit("/", 1)[-1]
            targets[attrs.get("Id", "")] = (kind, _resolve(folder, attrs.get("Target", "")))
    sheets: list[SheetPart] = []
    date1904 = full_calc = False
    wanted = frozenset({"sheet", "workbookPr", "calcPr"})
    for local, attrs in xml_tags(_read_part(zf, main, path), wanted):
        if local == "sheet":
            kind, part = targets.get(attrs.get("id", ""), ("", ""))
            sheets.append(
                SheetPart(
                    name=attrs.get("name", ""),
                    state=attrs.get("state", "visible"),
                    part=part if part in names else None,
                    kind=kind,
                )
            )
        elif local == "workbookPr":
            date1904 = attrs.get("date1904", "").lower() in ("1", "true")
        elif local == "calcPr":
            full_calc = attrs.get("fullCalcOnLoad", "").lower() in ("1", "true")
    shared = next(
        (part for kind, part in targets.values() if kind == "sharedStrings" and part in names),
        None,
    )
    return WorkbookParts(main, sheets, shared, date1904, full_calc)


def check_shared_strings(zf: zipfile.ZipFile, part: str, path: Path, limits: Limits) -> int:
    """Refuse a shared-string table too large to hold, or holding a text longer than a cell may.

    The reader gives every cell that refers to a shared string its own copy of the text, so
    one long string referenced from many cells multiplies memory. Bounding each string by
    `max_cell_chars` here, and the total characters while reading, bounds that.

    Args:
        zf: The open archive.
        part: The sharedStrings member.
        path: The file, for messages.
        limits: Gives `max_cell_chars`.

    Returns:
        An upper bound of the characters of the longest string: the bytes of its `<si>`
        element (each character takes at least one byte), so that a reader can bound the
        text a sheet of shared strings can hold before asking for it.

    Raises:
        WorkbookError: F206 when the table or a string is too long; F218 when the
            table's bytes do not match their checksum.
    """
    declared = zf.getinfo(part).file_size
    if declared > limits.max_shared_strings_bytes:
        refuse(
            path,
            "F206",
            f"the shared-string table ({part!r}) expands to {declared:,} bytes; the limit is "
            f"{limits.max_shared_strings_bytes:,}, and a month's distinct texts take a few "
            "megabytes: the file is refused before the table is read",
            found=declared,
            hint="If the file is genuine, open it in Excel or LibreOffice, delete unused "
            "sheets and save a fresh copy, or send the data as .csv.",
        )
    limit = limits.max_cell_chars
    longest = 0
    carry = b""
    marker: bytes | None = None
    in_prolog = True
    for chunk in inflate(path, zf.getinfo(part), verify=True):
        buf = carry + chunk
        if marker is None:
            prefix = root_prefix(buf)
            if prefix is None:
                carry = buf
                continue
            marker = b"<" + prefix + b"si>"
        if in_prolog:  # skip everything before the first string
            first = buf.find(marker)
            if first < 0:
                carry = buf[-len(marker) :]
                continue
            buf, in_prolog = buf[first:], False
        parts = buf.split(marker)
        carry = parts.pop()
        longest = max(longest, max(map(len, parts), default=0))
        for text in parts:
            if len(text) > limit:
                _check_text_length(text, limit, path)
        if len(carry) > limit:
            _check_text_length(carry, limit, path, partial=True)
    if not in_prolog and len(carry) > limit:
        _check_text_length(carry, limit, path)
    if in_prolog:  # no `<si>` seen: bound by the whole part
        return zf.getinfo(part).file_size
    return max(longest, len(carry))


def _check_text_length(si: bytes, limit: int, path: Path, *, partial: bool = False) -> None:
    """Raise F206 when the text of one `<si>` element exceeds `limit` characters."""
    if partial and len(si) <= 4 * limit + (1 << 16):
        return  # keep reading: the element is not complete yet and may still be short
    body = re.sub(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", b"", si, flags=re.DOTALL)
    text = html.unescape(re.sub(rb"<[^>]*>", b"", body).decode("utf-8", errors="replace"))
    if len(text) > limit or (partial and len(si) > _LONGEST_PARTIAL):
        refuse(
            path,
            "F206",
            f"the workbook's shared-string table holds a text of "
            f"{'more than ' if partial else ''}{len(text):,} characters, above the {limit:,} "
            "characters a cell can hold",
            found=len(text),
        )


def _read_part(zf: zipfile.ZipFile, name: str, path: Path) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > STRUCTURE_PART_MAX:
        refuse(
            path,
            "F204",
            f"the workbook part {name!r} declares {info.file_size:,} bytes; real ones are a "
            "few kilobytes",
            found=info.file_size,
        )
    with zf.open(info) as fh:
        return fh.read(STRUCTURE_PART_MAX)


def _resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name: relative to `folder`, or absolute."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target)) if target else ""
