"""The bytes of a delimited-text file as text: which encoding, and how it was chosen.

`decode` turns the whole file into text, in order: a declared encoding; a byte-order mark
(UTF-8, UTF-16 LE/BE, UTF-32); UTF-16 without a mark (recognised by its NUL bytes); strict
UTF-8; otherwise Windows-1252 (the usual Excel "CSV" export on Western Windows), with the five
bytes Windows-1252 leaves undefined read as Latin-1 so that decoding never fails.

`utf8_body` is the shortcut for the usual file, UTF-8 with nothing to clean up: it finds,
without decoding the whole file, the bytes that decoding and encoding back to UTF-8 would give
again, so that Arrow's CSV reader can split them as they are (it checks they are valid UTF-8
while it reads them; when they are not, the file takes `decode`). Only the start of the file
is decoded, for sniffing the separator.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from opsgov.intake.failures import refuse
from opsgov.intake.sniff import utf16_without_bom

EXOTIC_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""Characters `str.splitlines()` treats as line ends but CSV does not."""
_EXOTIC_BYTES = tuple(ch.encode("utf-8") for ch in EXOTIC_BREAKS)
_OTHER_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_LATIN1_FALLBACK = "opsgov-latin1-fallback"


@dataclass(frozen=True)
class Utf8Body:
    """UTF-8 text ready for Arrow, with what `decode` would have said about it."""

    data: bytes
    """The file's bytes: from `start` on, what decoding and encoding back would give."""
    start: int
    """Where the text starts (after a byte-order mark)."""
    sample: str
    """The first `sample_chars` characters of the text."""
    encoding: str
    source: str


def utf8_body(
    data: bytes, declared: str | None, max_chars: int, sample_chars: int
) -> Utf8Body | None:
    """The file as UTF-8 bytes needing no decoding, or None when `decode` must read it.

    None unless `decode` would read the file as UTF-8 (declared, a UTF-8 byte-order mark, or
    no mark and not UTF-16), and the text has no NUL, no line break that CSV does not treat as
    one (`EXOTIC_BREAKS`), at most `max_chars` bytes, and a start that is valid UTF-8 holding
    more than whitespace. The rest of the file is not checked here: the reader that splits it
    must refuse bytes that are not UTF-8.

    Args:
        data: The file's bytes.
        declared: The encoding declared for the file, if any.
        max_chars: The most characters a file may hold.
        sample_chars: How many characters to decode for sniffing.
    """
    if declared is not None and codecs.lookup(declared).name != "utf-8":
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    if declared is not None:
        encoding, source = ("utf-8-sig" if start else declared), "declared"
    elif start:
        encoding, source = "utf-8-sig", "bom"
    elif data.startswith(_OTHER_BOMS) or utf16_without_bom(data[:8192]) is not None:
        return None
    else:
        encoding, source = "utf-8", "utf-8"
    if len(data) > max_chars or b"\0" in data or _exotic_break(data):
        return None
    head = data[start : start + 4 * sample_chars]
    try:
        sample = codecs.getincrementaldecoder("utf-8")().decode(
            head, final=start + len(head) >= len(data)
        )[:sample_chars]
    except UnicodeDecodeError:
        return None
    if not sample.strip():
        return None  # blank (refused), or a long run of spaces first
    return Utf8Body(data, start, sample, encoding, source)


def _exotic_break(data: bytes) -> bool:
    """Whether the UTF-8 bytes hold one of `EXOTIC_BREAKS` (a byte search each, in C)."""
    if data.isascii():
        return any(b in data for b in _EXOTIC_BYTES if len(b) == 1)
    return any(b in data for b in _EXOTIC_BYTES)


def decode(path: Path, data: bytes, declared: str | None) -> tuple[str, str, str]:
    """The whole file as text: (text, codec, how it was chosen).

    Raises:
        WorkbookError: F214 when the text is not valid in the declared encoding.
    """
    if declared is not None:
        encoding = declared
        if codecs.lookup(encoding).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        try:
            return data.decode(encoding), encoding, "declared"
        except UnicodeDecodeError as exc:
            refuse(
                path,
                "F214",
                f"the file is not valid {declared} text (byte {exc.start:,} cannot be "
                "decoded): check the encoding declared for it",
            )
    for bom, encoding, name in (
        (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), name, "bom"
    utf16 = utf16_without_bom(data[:8192])
    if utf16 is not None:
        even = data[: len(data) - len(data) % 2]
        return even.decode(utf16, errors="replace"), utf16, "detected"
    try:
        return data.decode("utf-8"), "utf-8", "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors=_LATIN1_FALLBACK), "cp1252", "guessed"


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) as Latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)
