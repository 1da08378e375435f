"""Delimited text (CSV, TSV, semicolon- or pipe-separated) into raw cells.

Decoding, in order: a declared encoding; a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32);
UTF-16 without a mark (recognised by its NUL bytes); strict UTF-8; otherwise Windows-1252
(the usual Excel "CSV" export on Western Windows), with the five bytes Windows-1252 leaves
undefined read as Latin-1 so that decoding never fails. A guessed encoding is reported (F208).

The separator is the declared one, or the candidate among `,` `;` tab `|` that splits the
first 50 records into the same number of fields most consistently (quotes respected). This
is more reliable than `csv.Sniffer`, which fails on a third of real files.

Cells stay text: every cell is a `str`, and an empty field is `""` (delimited text has no
"no value"). Numbers, decimal commas and thousands separators are the harmonise stage's
business; `guess_decimal_comma` is here for it, and its answer for the first rows is
recorded in `TextFormat` so that `opsgov inspect` can show it.

The text is split by the C parser of the `csv` module in one pass; the Python code around it
does a few operations per row, never per cell.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator

from opsgov.intake.columnar import ColumnRows, arrow_columns
from opsgov.intake.failures import refuse
from opsgov.intake.limits import Limits
from opsgov.intake.raw import CellValue, RawSheet, RawWorkbook, TextFormat
from opsgov.intake.sniff import FileFormat, utf16_without_bom
from opsgov.issues import Issue, Location, make_issue

DELIMITERS = (",", ";", "\t", "|")
"""Candidate separators, in order of preference when two split equally well."""
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 50
_DECIMAL_SAMPLE_ROWS = 1_000
# Characters str.splitlines() treats as line ends but CSV does not.
_EXOTIC_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
_LATIN1_FALLBACK = "opsgov-latin1-fallback"


class CsvOptions(BaseModel):
    """How to read a delimited-text file; None means detect."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    encoding: str | None = Field(
        default=None, description="A Python codec name (`utf-8`, `cp1252`, `iso-8859-7`)."
    )
    delimiter: str | None = Field(default=None, description="The field separator, one character.")
    decimal: Literal[".", ","] | None = Field(
        default=None, description="The decimal separator of numbers written as text."
    )

    @field_validator("encoding")
    @classmethod
    def _known_codec(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown text encoding {value!r}") from None
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, value: str | None) -> str | None:
        if value is not None and (len(value) != 1 or value in "\r\n\"'"):
            raise ValueError("the delimiter must be one character other than a quote or newline")
        return value


def read_delimited(
    path: Path, limits: Limits, options: CsvOptions | None = None, *, columnar: bool = True
) -> RawWorkbook:
    """Read a delimited-text file into a one-sheet `RawWorkbook`.

    Args:
        path: The file.
        limits: Rows, columns and cells read; characters per field and per file.
        options: Declared encoding, delimiter and decimal separator, when known.
        columnar: Split regular text with Arrow's reader into columns
            (`opsgov.intake.columnar`); False reads every file with the `csv` module.

    Returns:
        One sheet named after the file, with `text_format` recording how it was read.

    Raises:
        WorkbookError: F207 (empty), F214 (an unclosed quote, undecodable text in the
            declared encoding) or F206 (too many characters or cells).
    """
    options = options or CsvOptions()
    notes: list[Issue] = []
    data = path.read_bytes()
    text, encoding, source = _decode(path, data, options)
    del data
    if source == "guessed":
        notes.append(
            make_issue(
                "F208",
                "the file is not UTF-8 and has no byte-order mark: it was read as "
                "Windows-1252; if accented letters look wrong, declare its encoding",
                location=Location(file=str(path)),
                found=encoding,
            )
        )
    if len(text) > limits.max_total_chars:
        refuse(
            path,
            "F206",
            f"the file holds {len(text):,} characters (limit {limits.max_total_chars:,})",
        )
    if "\0" in text:
        notes.append(_nul_note(path, text))
        text = text.replace("\0", "")
    if not text.strip():
        refuse(path, "F207", "the file holds no data, only blank lines")
    delimiter = options.delimiter
    delimiter_source = "declared"
    if delimiter is None:
        delimiter, delimiter_source = detect_delimiter(text[:_SAMPLE_CHARS])
    columns = None
    if columnar and not any(ch in text for ch in _EXOTIC_BREAKS):
        columns = arrow_columns(text, delimiter, limits)
    if columns is not None:
        rows: Sequence[list[str]] = cast("Sequence[list[str]]", ColumnRows(columns))
        first, truncated = _leading_blank_records(text, delimiter), False
    else:
        parsed, truncated = _parse(path, text, delimiter, limits, notes)
        first = next((i for i, row in enumerate(parsed) if any(row)), len(parsed))
        last = next((i for i in range(len(parsed) - 1, -1, -1) if any(parsed[i])), -1)
        rows = parsed[first : last + 1]
    decimal, decimal_source = options.decimal, "declared"
    if decimal is None:
        sample = (v for row in rows[:_DECIMAL_SAMPLE_ROWS] for v in row)
        votes = _decimal_votes(sample)
        decimal_source = "guessed" if any(votes) else "default"
        decimal = "," if votes[0] > votes[1] else "."
    sheet = RawSheet(
        name=path.stem,
        first_row=first + 1 if rows else 1,
        first_col=1,
        rows=cast("Sequence[list[CellValue]]", rows),
        truncated=truncated,
        columns=columns,
    )
    text_format = TextFormat(
        encoding=encoding,
        encoding_source=source,
        delimiter=delimiter,
        delimiter_source=delimiter_source,
        decimal=decimal,
        decimal_source=decimal_source,
        newline=_newline(text),
    )
    return RawWorkbook(
        path=path, format=FileFormat.CSV, sheets=[sheet], notes=notes, text_format=text_format
    )


def detect_delimiter(sample: str) -> tuple[str, str]:
    """The separator that splits the sample most consistently, and how it was chosen.

    Each candidate splits the first 50 records (quotes respected); the score is the share of
    records having the most common field count, then that count. A candidate that never
    gives more than one field scores nothing.

    Args:
        sample: The start of the text.

    Returns:
        (delimiter, `detected`), or (`,`, `default`) when no candidate splits anything.
    """
    cut = max(sample.rfind("\n"), sample.rfind("\r"))
    if 0 < cut < len(sample) - 1:
        sample = sample[: cut + 1]
    best: tuple[float, int] = (0.0, 0)
    chosen = None
    for candidate in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        try:
            counts = [len(r) for r in islice(reader, _SAMPLE_RECORDS) if r]
        except csv.Error:
            continue
        if not counts:
            continue
        width, freq = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = (freq / len(counts), width)
        if score > best:
            best, chosen = score, candidate
    return (chosen, "detected") if chosen is not None else (",", "default")


_COMMA_DECIMAL = (
    re.compile(r"^[-+]?\d{1,3}(?:\.\d{3})+,\d+$"),  # 1.234,5
    re.compile(r"^[-+]?\d{1,3}(?:\.\d{3}){2,}$"),  # 200.000.000
    re.compile(r"^[-+]?\d*,(?:\d{1,2}|\d{4,})$"),  # 1,7  12,50  0,1234
)
_POINT_DECIMAL = (
    re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+\.\d+$"),  # 1,234.5
    re.compile(r"^[-+]?\d{1,3}(?:,\d{3}){2,}$"),  # 200,000,000
    re.compile(r"^[-+]?\d*\.(?:\d{1,2}|\d{4,})$"),  # 1.7  12.50  0.1234
)


def guess_decimal_comma(values: Iterable[str]) -> bool:
    """Whether numbers written as text use a decimal comma (`1,7`, `1.234,56`).

    Only unambiguous values vote: `1,7` and `1.234,56` and `200.000.000` for the comma;
    `1.7`, `1,234.56` and `200,000,000` for the point. `1,234` and `1.234` (a thousands
    separator or three decimals) and plain integers do not vote.

    Args:
        values: Cell texts; anything that is not a number is ignored.

    Returns:
        True when more values vote for a decimal comma than for a decimal point.
    """
    comma, point = _decimal_votes(values)
    return comma > point


def _decimal_votes(values: Iterable[object]) -> tuple[int, int]:
    comma = point = 0
    for value in values:
        if not isinstance(value, str) or not value or len(value) > 40:
            continue
        s = value.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
        if not s or not (s[0].isdigit() or s[0] in "+-,."):
            continue
        if any(p.match(s) for p in _COMMA_DECIMAL):
            comma += 1
        elif any(p.match(s) for p in _POINT_DECIMAL):
            point += 1
    return comma, point


def _decode(path: Path, data: bytes, options: CsvOptions) -> tuple[str, str, str]:
    """(text, codec, how it was chosen)."""
    if options.encoding is not None:
        encoding = options.encoding
        if codecs.lookup(encoding).name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        try:
            return data.decode(encoding), encoding, "declared"
        except UnicodeDecodeError as exc:
            refuse(
                path,
                "F214",
                f"the file is not valid {options.encoding} text (byte {exc.start:,} cannot be "
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


def _leading_blank_records(text: str, delimiter: str) -> int:
    """How many records at the start hold no text (the columnar read leaves them out)."""
    count = 0
    for row in csv.reader(io.StringIO(text[:_SAMPLE_CHARS], newline=""), delimiter=delimiter):
        if any(row):
            break
        count += 1
    return count


def _latin1_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) as Latin-1."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)


def _parse(
    path: Path, text: str, delimiter: str, limits: Limits, notes: list[Issue]
) -> tuple[list[list[str]], bool]:
    """Split the text into records, enforcing the limits; (rows, truncated)."""
    if any(ch in text for ch in _EXOTIC_BREAKS):
        lines: Iterable[str] = io.StringIO(text, newline="")
    else:
        lines = text.splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True)
    rows: list[list[str]] = []
    cells = 0
    truncated = False
    last_start = 0
    with _field_limit(limits.max_cell_chars):
        records: Iterator[list[str]] = iter(reader)
        while True:
            start_line = reader.line_num + 1
            try:
                row = next(records)
            except StopIteration:
                break
            except csv.Error as exc:
                refuse(
                    path,
                    "F214",
                    f"line {start_line:,}: a field is longer than {limits.max_cell_chars:,} "
                    "characters; usually a quote opens a field and is never closed",
                    line=start_line,
                    found=str(exc),
                )
            if len(rows) >= limits.max_rows:
                truncated = True
                notes.append(_cut_note(path, f"rows after row {limits.max_rows:,}"))
                break
            width = len(row)
            if width > limits.max_cols:
                row = row[: limits.max_cols]
                if not truncated:
                    notes.append(_cut_note(path, f"columns after column {limits.max_cols:,}"))
                truncated = True
            cells += width
            if cells > limits.max_cells:
                refuse(path, "F206", f"the file holds more than {limits.max_cells:,} cells")
            rows.append(row)
            last_start = start_line
    if (
        not truncated
        and rows
        and reader.line_num > last_start
        and text.count('"') % 2
        and _ends_inside_quotes(text, lines, last_start, delimiter)
    ):
        refuse(
            path,
            "F214",
            f"line {last_start:,}: a quote opens a field and is never closed, so the rest of "
            "the file would be read as one cell",
            line=last_start,
        )
    return rows, truncated


def _ends_inside_quotes(text: str, lines: Iterable[str], start: int, delimiter: str) -> bool:
    """Whether the last record, from line `start` on, ends inside a quoted field."""
    physical = lines if isinstance(lines, list) else io.StringIO(text, newline="").readlines()
    tail = physical[start - 1 :]
    try:
        for _ in csv.reader(tail, delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Bound `csv.field_size_limit` (process-wide) while parsing, then restore it."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _newline(text: str) -> str:
    match = re.search(r"\r\n|\r|\n", text)
    if match is None:
        return "none"
    return {"\r\n": "crlf", "\n": "lf", "\r": "cr"}[match.group(0)]


def _nul_note(path: Path, text: str) -> Issue:
    first = text.index("\0")
    line = text.count("\n", 0, first) + 1 if "\n" in text else text.count("\r", 0, first) + 1
    count = text.count("\0")
    return make_issue(
        "F209",
        f"the file contains {count:,} NUL character{'s' if count != 1 else ''}, the first on "
        f"line {line:,}; they were removed",
        location=Location(file=str(path), line=line),
        found=count,
    )


def _cut_note(path: Path, what: str) -> Issue:
    return make_issue(
        "F215",
        f"the file has more data than the limits allow: {what} were not read",
        location=Location(file=str(path)),
    )
