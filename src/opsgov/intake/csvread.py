"""Delimited text (CSV, TSV, semicolon- or pipe-separated) into raw cells.

Decoding (`opsgov.intake.textcodec`), in order: a declared encoding; a byte-order mark
(UTF-8, UTF-16 LE/BE, UTF-32); UTF-16 without a mark (recognised by its NUL bytes); strict
UTF-8; otherwise Windows-1252 (the usual Excel "CSV" export on Western Windows), with the five
bytes Windows-1252 leaves undefined read as Latin-1 so that decoding never fails. A guessed
encoding is reported (F208). A UTF-8 file with nothing to clean up (no NUL, no odd line
break) is not decoded whole: its bytes go to Arrow's reader as they are.

The separator is the declared one, or the candidate among `,` `;` tab `|` that splits the
first 50 records into the same number of fields most consistently (quotes respected). This
is more reliable than `csv.Sniffer`, which fails on a third of real files.

Cells stay text: every cell is a `str`, and an empty field is `""` (delimited text has no
"no value"). Numbers, decimal commas and thousands separators are the harmonise stage's
business; `guess_decimal_comma` is here for it, and its answer for the first rows is
recorded in `TextFormat` so that `opsgov inspect` can show it.

Regular text is split into columns by Arrow's reader (`opsgov.intake.columnar`); the rest
by the C parser of the `csv` module in one pass (`opsgov.intake.csvsplit`), where the Python
code around it does a few operations per row, never per cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import Literal, NamedTuple, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator

from opsgov.intake.columnar import ColumnRows, arrow_columns
from opsgov.intake.csvsplit import nul_note, split_records
from opsgov.intake.failures import refuse
from opsgov.intake.limits import Limits
from opsgov.intake.raw import CellValue, RawSheet, RawWorkbook, TextFormat
from opsgov.intake.sniff import FileFormat
from opsgov.intake.textcodec import EXOTIC_BREAKS, decode, utf8_body
from opsgov.issues import Issue, Location, make_issue

DELIMITERS = (",", ";", "\t", "|")
"""Candidate separators, in order of preference when two split equally well."""
_SAMPLE_CHARS = 64 * 1024
_SAMPLE_RECORDS = 50
_DECIMAL_SAMPLE_ROWS = 1_000


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
    data = path.read_bytes()
    utf8 = None
    if columnar:  # the usual file: its UTF-8 bytes go to Arrow as they are, never decoded whole
        utf8 = utf8_body(data, options.encoding, limits.max_total_chars, _SAMPLE_CHARS)
    if utf8 is not None:
        delimiter, delimiter_source = _delimiter(utf8.sample, options)
        columns = arrow_columns(utf8.data, utf8.sample, delimiter, limits, utf8.start)
        if columns is not None:
            return _workbook(
                path,
                _Split(ColumnRows(columns), _leading_blank_records(utf8.sample, delimiter), False),
                options,
                _How(
                    encoding=utf8.encoding,
                    encoding_source=utf8.source,
                    delimiter=delimiter,
                    delimiter_source=delimiter_source,
                    newline=_newline(data),
                ),
                [],
            )
    return _read_text(path, data, limits, options, columnar=columnar, tried=utf8 is not None)


class _Split(NamedTuple):
    """The records of a file: its rows, the index of the first one, whether it was cut."""

    rows: Sequence[list[str]] | ColumnRows
    first: int
    truncated: bool


class _How(NamedTuple):
    """How the text was decoded and split (`TextFormat` without the decimal separator)."""

    encoding: str
    encoding_source: str
    delimiter: str
    delimiter_source: str
    newline: str


def _read_text(
    path: Path, data: bytes, limits: Limits, options: CsvOptions, *, columnar: bool, tried: bool
) -> RawWorkbook:
    """Decode the whole file and split the text (by Arrow where it can, else `csv`)."""
    notes: list[Issue] = []
    text, encoding, source = decode(path, data, options.encoding)
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
        notes.append(nul_note(path, text))
        text = text.replace("\0", "")
    if not text.strip():
        refuse(path, "F207", "the file holds no data, only blank lines")
    delimiter, delimiter_source = _delimiter(text[:_SAMPLE_CHARS], options)
    if tried and codecs.lookup(encoding).name in {"utf-8", "utf-8-sig"}:
        columnar = False  # Arrow already had these very bytes and left them to `csv`
    columns = None
    if columnar and not any(ch in text for ch in EXOTIC_BREAKS):
        columns = arrow_columns(text.encode("utf-8"), text[:_SAMPLE_CHARS], delimiter, limits)
    if columns is not None:
        split = _Split(ColumnRows(columns), _leading_blank_records(text, delimiter), False)
    else:
        parsed, truncated = split_records(path, text, delimiter, limits, notes)
        first = next((i for i, row in enumerate(parsed) if any(row)), len(parsed))
        last = next((i for i in range(len(parsed) - 1, -1, -1) if any(parsed[i])), -1)
        split = _Split(parsed[first : last + 1], first, truncated)
    how = _How(
        encoding=encoding,
        encoding_source=source,
        delimiter=delimiter,
        delimiter_source=delimiter_source,
        newline=_newline(text),
    )
    return _workbook(path, split, options, how, notes)


def _delimiter(sample: str, options: CsvOptions) -> tuple[str, str]:
    if options.delimiter is not None:
        return options.delimiter, "declared"
    return detect_delimiter(sample)


def _workbook(
    path: Path, split: _Split, options: CsvOptions, how: _How, notes: list[Issue]
) -> RawWorkbook:
    """The one-sheet workbook of the records, with the decimal separator settled."""
    rows = split.rows
    decimal, decimal_source = options.decimal, "declared"
    if decimal is None:
        sample = (v for row in rows[:_DECIMAL_SAMPLE_ROWS] for v in row)
        votes = _decimal_votes(sample)
        decimal_source = "guessed" if any(votes) else "default"
        decimal = "," if votes[0] > votes[1] else "."
    sheet = RawSheet(
        name=path.stem,
        first_row=split.first + 1 if rows else 1,
        first_col=1,
        rows=cast("Sequence[list[CellValue]]", rows),
        truncated=split.truncated,
        columns=rows.columns if isinstance(rows, ColumnRows) else None,
    )
    text_format = TextFormat(**how._asdict(), decimal=decimal, decimal_source=decimal_source)
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


def _leading_blank_records(text: str, delimiter: str) -> int:
    """How many records at the start hold no text (the columnar read leaves them out)."""
    count = 0
    for row in csv.reader(io.StringIO(text[:_SAMPLE_CHARS], newline=""), delimiter=delimiter):
        if any(row):
            break
        count += 1
    return count


def _newline(text: str | bytes) -> str:
    """How the first line ends: `crlf`, `lf`, `cr`, or `none`."""
    match = (_NEWLINE if isinstance(text, str) else _NEWLINE_BYTES).search(text)  # type: ignore[arg-type]
    if match is None:
        return "none"
    found = match.group(0)
    return _NEWLINES[found if isinstance(found, str) else found.decode("ascii")]


_NEWLINE = re.compile(r"\r\n|\r|\n")
_NEWLINE_BYTES = re.compile(rb"\r\n|\r|\n")
_NEWLINES = {"\r\n": "crlf", "\n": "lf", "\r": "cr"}
